#!/usr/bin/env python3
"""Per-thread CPU of a JVM over the measured run, for bench/overhead.sh (a diagnostic, not a figure).

    thread_cpu.py snap PID FILE          utime+stime ticks of every thread, by TID
    thread_cpu.py diff BEFORE AFTER      CPU share by thread group (digits folded), top 12
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



def diff(before, after):
    with open(before) as f:
        b = json.load(f)
    with open(after) as f:
        a = json.load(f)
    groups = {}
    for tid, (name, ticks) in a.items():
        d = ticks - b.get(tid, [name, 0])[1]
        key = re.sub(r"\d+", "N", name)
        groups[key] = groups.get(key, 0) + d
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
