#!/usr/bin/env python3
"""Per-thread CPU of a JVM over the measured run, for bench/overhead.sh (a diagnostic, not a figure).

    thread_cpu.py snap PID FILE          utime+stime ticks of every thread, by TID
    thread_cpu.py diff BEFORE AFTER      CPU share by thread group (digits folded), top 12
    roles(BEFORE, AFTER, hz)             seconds by role (request, export, gc, jit, other), for the report
"""
import json
import os
import re
import sys


def threads(pid):
    out = {}
    base = f"/proc/{pid}/task"
    for tid in os.listdir(base):
        try:
            with open(f"{base}/{tid}/stat") as f:
                s = f.read()
        except OSError:
            continue
        name = s[s.index("(") + 1:s.rindex(")")]
        fields = s[s.rindex(")") + 2:].split()
        out[tid] = [name, int(fields[11]) + int(fields[12])]
    return out


def snap(pid, path):
    with open(path, "w") as f:
        json.dump(threads(pid), f)



def ticks_by_group(before, after):
    with open(before) as f:
        b = json.load(f)
    with open(after) as f:
        a = json.load(f)
    groups = {}
    for tid, (name, ticks) in a.items():
        d = ticks - b.get(tid, [name, 0])[1]
        key = re.sub(r"\d+", "N", name)
        groups[key] = groups.get(key, 0) + d
    return groups


# Thread names by role: Tomcat's request threads and poller/acceptor; the SDKs' export threads (cf520: batch
# processor, JDK HTTP client; the OpenTelemetry agent: OkHttp); HotSpot's GC and JIT threads.
ROLES = [
    ("request", re.compile(r"^http-nio")),
    ("export", re.compile(r"^(BatchSpanProces|jdkhttp|HttpClient|okhttp|OkHttp|PeriodicMetricR)")),
    ("gc", re.compile(r"^(GC Thread|GN )")),  # names with digits folded: "G1 Service" is "GN Service"
    ("jit", re.compile(r"CompilerThre")),
]


def roles(before, after, hz):
    out = {role: 0.0 for role, _ in ROLES}
    out["other"] = 0.0
    for name, ticks in ticks_by_group(before, after).items():
        role = next((r for r, pattern in ROLES if pattern.search(name)), "other")
        out[role] += ticks / hz
    return out


def diff(before, after):
    groups = ticks_by_group(before, after)
    total = sum(groups.values()) or 1
    hz = os.sysconf("SC_CLK_TCK")
    print(f"threads' CPU over the measured run: {total / hz:.2f} s")
    for k, v in sorted(groups.items(), key=lambda kv: -kv[1])[:12]:
        print(f"  {v / total * 100:5.1f} %  {v / hz:7.2f} s  {k}")


if __name__ == "__main__":
    if sys.argv[1] == "snap":
        snap(sys.argv[2], sys.argv[3])
    else:
        diff(sys.argv[2], sys.argv[3])
