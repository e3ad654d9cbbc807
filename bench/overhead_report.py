#!/usr/bin/env python3
"""Turns bench/overhead.sh's raw rows (one per measured slice) into the Markdown report.

Ratios and deltas are paired: each configuration's slice is compared with the no-agent slice of the
same round and endpoint, then the median and the spread (min-max) over the slices are shown. A slice's
CPU is its JVM's CPU time from the start of that slice to the start of the JVM's next slice (the last
one: to the reading after the export settle), so export work done after a slice counts with it.
"""
import argparse
import csv
import os
import re
import statistics
import sys

NAMES = {
    "none": "no agent",
    "none-b": "no agent, a second JVM",
    "cf520": "cf520 (`all`)",
    "cf520-risky": "cf520 (`risky`)",
    "otel": "OpenTelemetry agent",
    "base": "BASE_JAR (`all`)",
    "base-risky": "BASE_JAR (`risky`)",
}

# issue 6's targets: (configuration, figure) -> bound on the median paired ratio
TARGETS = [
    ("cf520", "throughput", ">=", 0.97),
    ("cf520-risky", "throughput", ">=", 0.99),
    ("cf520", "cpu", "<=", 1.05),
    ("cf520-risky", "cpu", "<=", 1.02),
]
STARTUP_BUDGET_MS = 250
# the no-agent JVMs: a run with a second one (none-b) compares the agents with the mean of both, slice by slice (each
# JVM's own JIT luck then weighs half), and the second with the first alone (the run's resolution)
NO_AGENT = ("none", "none-b")
PAIRED = ("rps", "cpu_us_per_req", "p50_us", "p99_us", "p999_us")
JAR_BUDGET_BYTES = 8_000_000


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def spread(xs, fmt):
    xs = [x for x in xs if x is not None]
    if not xs:
        return "n/a"
    m = statistics.median(xs)
    if len(xs) == 1:
        return fmt(m)
    return f"{fmt(m)} ({fmt(min(xs))}–{fmt(max(xs))})"


def ratio_fmt(x):
    return f"{x:.3f}"


def signed_ms(us):
    return "n/a" if us is None else f"{us / 1000:+.2f}"


def ms(us):
    return "n/a" if us is None else f"{us / 1000:.2f}"


def mb(kb):
    return "n/a" if kb is None else f"{kb / 1024:.0f}"


def reference(ok, s, ep):
    """Slice s's no-agent figures on ep: the first no-agent JVM's, or the mean of both when the run has a second."""
    rows = [ok.get((s, ep, n)) for n in NO_AGENT]
    rows = [r for r in rows if r]
    if len(rows) < 2:
        return ok.get((s, ep, "none"))
    mean = {}
    for k in PAIRED:
        xs = [num(r.get(k)) for r in rows]
        mean[k] = None if None in xs else statistics.mean(xs)
    return mean


def read_tsv(path):
    with open(path) as f:
        return list(csv.DictReader(f, delimiter="\t"))


def slice_cpu(rows, jvms, clk_tck):
    """Adds cpu_us_per_req and rps to every row (see the module's doc)."""
    end = {j["config"]: num(j["cpu_end"]) for j in jvms}
    by_cfg = {}
    for r in sorted(rows, key=lambda r: int(r["seq"])):
        by_cfg.setdefault(r["config"], []).append(r)
    for cfg, rs in by_cfg.items():
        for i, r in enumerate(rs):
            nxt = num(rs[i + 1]["cpu_start"]) if i + 1 < len(rs) else end.get(cfg)
            ticks = None if nxt is None else nxt - num(r["cpu_start"])
            req, dur = num(r["requests"]), num(r["duration_us"])
            r["cpu_us_per_req"] = ticks / clk_tck * 1e6 / req if ticks is not None and req else None
            r["rps"] = req / (dur / 1e6) if req and dur else None


STARTUP_RUN = re.compile(r"^run \d+: no agent (\d+) ms, cf520 (\d+) ms, cf520 without its cache (\d+) ms"
                         r"(?:, OpenTelemetry agent (\d+) ms)?")


def startup_runs(path):
    runs = []
    if path and os.path.exists(path):
        with open(path) as f:
            for line in f:
                m = STARTUP_RUN.match(line)
                if m:
                    runs.append(tuple(None if g is None else int(g) for g in m.groups()))
    return runs


def startup_table(w, title, runs, note):
    w("")
    w(f"## Time to first served request, {title}")
    w("")
    if not runs:
        w("Not measured (see the run's log).")
        return None
    w(note)
    w("")
    w("| configuration | median ms (min–max) | Δ vs no agent, ms (paired per launch round) |")
    w("|---|---|---|")
    base = [r[0] for r in runs]
    w(f"| no agent | {spread(base, lambda x: f'{x:.0f}')} | — |")
    deltas = {}
    for i, name in ((1, "cf520 (restart: its cache of hooked classes warm)"),
                    (2, "cf520 without its cache (first start of a new agent jar)"), (3, "OpenTelemetry agent")):
        xs = [r[i] for r in runs if r[i] is not None]
        if not xs:
            continue
        d = [r[i] - r[0] for r in runs if r[i] is not None]
        deltas[i] = med(d)
        w(f"| {name} | {spread(xs, lambda x: f'{x:.0f}')} | {spread(d, lambda x: f'{x:+.0f}')} |")
    return deltas


def cpu_by_role(w, threads_dir, configs, rows, hz):
    """Each JVM's CPU over the whole measured phase by thread role, per request (both endpoints together)."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import thread_cpu
    per = {}
    for c in configs:
        before, after = (os.path.join(threads_dir, f"{c}.threads{i}.json") for i in (0, 1))
        requests = sum(int(r["requests"]) for r in rows if r["config"] == c and r["requests"].isdigit())
        if os.path.exists(before) and os.path.exists(after) and requests:
            per[c] = {k: v / requests * 1e6 for k, v in thread_cpu.roles(before, after, hz).items()}
    if "none" not in per:
        return
    keys = ["request", "export", "gc", "jit", "other"]
    w("")
    w("## Where each JVM's CPU goes")
    w("")
    w("CPU µs per request by thread (user+sys over the whole measured phase, both endpoints, divided by all the "
      "requests it served; Δ to no agent in brackets, to the mean of both no-agent JVMs when the run has two): request = Tomcat's request, poller and acceptor threads; "
      "export = the SDK's batch processor and HTTP client threads; gc and jit = HotSpot's.")
    w("")
    w("| configuration | request | export | gc | jit | other | total |")
    w("|---|---|---|---|---|---|---|")
    ref = {k: statistics.mean(per[n][k] for n in NO_AGENT if n in per) for k in per["none"]}
    for c, v in per.items():
        cells = [*(v[k] for k in keys), sum(v.values())]
        b = per["none"] if c in NO_AGENT else ref
        base = [*(b[k] for k in keys), sum(b.values())]
        fmt = (lambda x, b: f"{x:.1f}") if c == "none" else (lambda x, b: f"{x:.1f} ({x - b:+.1f})")
        w(f"| {NAMES.get(c, c)} | {' | '.join(fmt(x, b) for x, b in zip(cells, base))} |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("raw")
    ap.add_argument("jvms")
    ap.add_argument("--cf520-jar", required=True)
    ap.add_argument("--otel-jar", required=True)
    ap.add_argument("--otel-version", required=True)
    ap.add_argument("--startup")
    ap.add_argument("--boot-startup")
    ap.add_argument("--clk-tck", type=float, default=100.0)
    ap.add_argument("--threads-dir", help="where <config>.threads0.json and threads1.json are (bench/thread_cpu.py)")
    ap.add_argument("--meta", nargs="*", default=[])
    a = ap.parse_args()

    rows = read_tsv(a.raw)
    jvms = read_tsv(a.jvms)
    jvm = {j["config"]: j for j in jvms}
    slice_cpu(rows, jvms, a.clk_tck)
    meta = dict(m.split("=", 1) for m in a.meta)
    configs, endpoints = [], []
    for r in rows:
        if r["config"] not in configs:
            configs.append(r["config"])
        if r["endpoint"] not in endpoints:
            endpoints.append(r["endpoint"])
    configs.sort(key=lambda c: list(NAMES).index(c) if c in NAMES else 99)
    slices = sorted({int(r["slice"]) for r in rows})
    ok = {(int(r["slice"]), r["endpoint"], r["config"]): r for r in rows if r["ok"] == "1"}

    out = []
    w = out.append
    w(f"# cf520 overhead benchmark, {meta.get('stamp', os.path.basename(a.raw))}")
    w("")
    w(f"Demo origin (embedded Tomcat 11), one JVM per configuration, all alive at once "
      f"(`{meta.get('jvm_flags')}`, {meta.get('jvm')}), each warmed up {meta.get('warmup')}; "
      f"then {meta.get('slices')} slices of {meta.get('slice')} per endpoint and configuration, "
      f"interleaved (every configuration once per slice, in an order rotated from slice to slice); "
      f"wrk {meta.get('wrk')}; {meta.get('placement')}; {meta.get('cpus')} CPUs. "
      f"Exporters send OTLP http/protobuf to a local sink per configuration that answers 200 and discards. "
      f"Run took {meta.get('elapsed')}.")
    w("")
    w("Ratios are to no agent in the same slice (to the mean of the two no-agent JVMs when the run has a second; the "
      "second itself against the first) (median, then min–max over the slices; throughput: "
      "higher is better; CPU per request = the origin JVM's user+sys time, all threads including export, "
      "from the start of the slice to the start of that JVM's next one, divided by the slice's requests: "
      "lower is better). Latency deltas are paired per slice, medians, in ms (wrk's closed loop at "
      "saturation: latency follows throughput).")
    summary = {}
    for ep in endpoints:
        w("")
        w(f"## `{ep}`")
        w("")
        w("| configuration | throughput ratio | CPU/request ratio | req/s | CPU µs/req | p50 Δ ms | p99 Δ ms | p99.9 Δ ms | slices ok |")
        w("|---|---|---|---|---|---|---|---|---|")
        for c in configs:
            mine = [ok.get((s, ep, c)) for s in slices]
            base = [ok.get((s, ep, "none")) if c in NO_AGENT else reference(ok, s, ep) for s in slices]
            pairs = [(m, b) for m, b in zip(mine, base) if m and b]
            tput = [m["rps"] / b["rps"] for m, b in pairs if m["rps"] and b["rps"]]
            cpu = [m["cpu_us_per_req"] / b["cpu_us_per_req"] for m, b in pairs
                   if m["cpu_us_per_req"] and b["cpu_us_per_req"]]
            summary[(ep, c)] = (med(tput), med(cpu))

            def delta(key):
                return med([num(m[key]) - num(b[key]) for m, b in pairs
                            if num(m[key]) is not None and num(b[key]) is not None])

            good = [m for m in mine if m]
            if c == "none":
                lat = [f"{ms(med([num(m[k]) for m in good]))} (abs)" for k in ("p50_us", "p99_us", "p999_us")]
                tr, cr = "1", "1"
            else:
                lat = [signed_ms(delta(k)) for k in ("p50_us", "p99_us", "p999_us")]
                tr, cr = spread(tput, ratio_fmt), spread(cpu, ratio_fmt)
            w(f"| {NAMES.get(c, c)} | {tr} | {cr} | "
              f"{spread([m['rps'] for m in good], lambda x: f'{x:,.0f}')} | "
              f"{spread([m['cpu_us_per_req'] for m in good], lambda x: f'{x:.1f}')} | "
              f"{' | '.join(lat)} | {len(good)}/{len(slices)} |")

    w("")
    w("## Each origin JVM after the load")
    w("")
    w("| configuration | RSS MB | heap used MB | live heap MB (after GC.run) | trace KB exported / 1k requests | first 200 at launch, ms | warm-up s | note |")
    w("|---|---|---|---|---|---|---|---|")
    for c in configs:
        j = jvm.get(c, {})
        total = num(j.get("wrk_requests_total"))
        kb = num(j.get("trace_bytes"))
        per_k = kb / 1024 / (total / 1000) if kb is not None and total else None
        w(f"| {NAMES.get(c, c)} | {mb(num(j.get('rss_kb')))} | {mb(num(j.get('heap_used_kb')))} | "
          f"{mb(num(j.get('heap_live_kb')))} | {'n/a' if per_k is None else f'{per_k:.1f}'} | "
          f"{j.get('ttfr_ms', 'n/a')} | {j.get('warmup_s', 'n/a')} | {j.get('note', '-')} |")

    if a.threads_dir:
        cpu_by_role(w, a.threads_dir, configs, rows, a.clk_tck)

    demo = startup_table(w, "demo origin", startup_runs(a.startup),
                         "JVM launch to the first 200 on `/hello`, launches interleaved (no agent, cf520 with a "
                         "warm cache, cf520 without it, OpenTelemetry agent, then again), exporters off (`bench/startup.sh`), JVMs on both CPUs.")
    boot = startup_table(w, "Spring Boot 4.0.7 (Tomcat) executable jar", startup_runs(a.boot_startup),
                         "The same, on `fixtures/boot4-tomcat` (nested-jar class loader: class matching costs show).")

    w("")
    w("## Agent jar size")
    w("")
    cs, os_ = os.path.getsize(a.cf520_jar), os.path.getsize(a.otel_jar)
    w("| agent | bytes | MB |")
    w("|---|---|---|")
    w(f"| cf520 | {cs:,} | {cs / 1e6:.1f} |")
    w(f"| OpenTelemetry Java agent {a.otel_version} | {os_:,} | {os_ / 1e6:.1f} |")

    w("")
    w("## Targets (issue 6), from this run's medians")
    w("")
    w("| target | measured | holds |")
    w("|---|---|---|")
    verdict = lambda b: "yes" if b else "**no**"
    for ep in endpoints:
        for cfg, fig, op, bound in TARGETS:
            t, cpu = summary.get((ep, cfg), (None, None))
            v = t if fig == "throughput" else cpu
            if v is None:
                continue
            holds = v >= bound if op == ">=" else v <= bound
            w(f"| `{ep}` {NAMES[cfg]} {fig} {op} {bound} | {v:.3f} | {verdict(holds)} |")
        ot, oc = summary.get((ep, "otel"), (None, None))
        for cfg in ("cf520", "cf520-risky"):
            t, cpu = summary.get((ep, cfg), (None, None))
            if None in (ot, oc, t, cpu):
                continue
            # overhead: throughput lost and CPU added per request, each at most a third of the OTel agent's
            for fig, mine, theirs in (("throughput lost", 1 - t, 1 - ot), ("CPU added", cpu - 1, oc - 1)):
                holds = mine <= max(theirs, 0) / 3
                w(f"| `{ep}` {NAMES[cfg]} {fig} ≤ ⅓ of the OpenTelemetry agent's | "
                  f"{mine * 100:+.1f} % vs {theirs * 100:+.1f} % | {verdict(holds)} |")
    for title, d in (("demo", demo), ("Spring Boot 4", boot)):
        for i, how in ((1, "restart"), (2, "without the cache")):
            if d and d.get(i) is not None:
                w(f"| time to first served request, {title} ({how}): ≤ +{STARTUP_BUDGET_MS} ms | {d[i]:+.0f} ms | "
                  f"{verdict(d[i] <= STARTUP_BUDGET_MS)} |")
    w(f"| agent jar ≤ 8 MB | {cs / 1e6:.1f} MB | {verdict(cs <= JAR_BUDGET_BYTES)} |")
    w("")
    floor = [(ep, summary[(ep, "none-b")]) for ep in endpoints if (ep, "none-b") in summary]
    if floor:
        w("Resolution: a second JVM without an agent measured "
          + "; ".join(f"{t:.3f} throughput and {c:.3f} CPU per request on `{ep}`" for ep, (t, c) in floor
                      if t is not None and c is not None)
          + " against the first. Two JVMs of one configuration differ by that much (JIT decisions, code layout):"
            " a target closer to 1 than that is not shown met or missed by one run.")
        w("")
    w("Allocation per healthy exchange is measured by `bench/jmh.sh` (JMH's GC profiler), not here.")

    bad = [r for r in rows if r["ok"] != "1" or r["note"] not in ("", "-")]
    bad_jvm = [j for j in jvms if j.get("note") not in ("", "-", None)]
    w("")
    w("## Failed or flagged measurements")
    w("")
    if not bad and not bad_jvm:
        w("None: no wrk socket errors, no non-2xx/3xx responses, every JVM warmed up and was measured.")
    for r in bad:
        state = "failed, left out" if r["ok"] != "1" else "kept"
        w(f"- slice {r['slice']} `{r['endpoint']}` {NAMES.get(r['config'], r['config'])}: {r['note']} ({state})")
    for j in bad_jvm:
        w(f"- {NAMES.get(j['config'], j['config'])}: {j['note']}")
    w("")
    w(f"Raw rows: `{meta.get('raw')}`")
    print("\n".join(out))


if __name__ == "__main__":
    sys.exit(main())
