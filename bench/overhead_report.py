#!/usr/bin/env python3
"""Turns bench/overhead.sh's raw rows (one per fresh JVM) into the Markdown report.

Ratios and deltas are paired: each configuration is compared with the no-agent run of the same
round and endpoint, then the median and the spread (min-max) over the rounds are shown.
"""
import argparse
import csv
import os
import statistics
import sys

NAMES = {
    "none": "no agent",
    "cf520": "cf520 (`all`)",
    "cf520-risky": "cf520 (`risky`)",
    "otel": "OpenTelemetry agent",
}


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
    if us is None:
        return "n/a"
    return f"{us / 1000:+.2f}"


def ms(us):
    return "n/a" if us is None else f"{us / 1000:.2f}"


def mb(kb):
    return "n/a" if kb is None else f"{kb / 1024:.0f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("raw")
    ap.add_argument("--cf520-jar", required=True)
    ap.add_argument("--otel-jar", required=True)
    ap.add_argument("--otel-version", required=True)
    ap.add_argument("--meta", nargs="*", default=[])
    a = ap.parse_args()

    with open(a.raw) as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    meta = dict(m.split("=", 1) for m in a.meta)
    configs = []
    endpoints = []
    for r in rows:
        if r["config"] not in configs:
            configs.append(r["config"])
        if r["endpoint"] not in endpoints:
            endpoints.append(r["endpoint"])
    rounds = sorted({int(r["round"]) for r in rows})
    ok = {(int(r["round"]), r["endpoint"], r["config"]): r for r in rows if r["ok"] == "1"}

    out = []
    w = out.append
    w(f"# cf520 overhead benchmark, {meta.get('stamp', os.path.basename(a.raw))}")
    w("")
    w(f"Demo origin (embedded Tomcat 11), {meta.get('rounds')} rounds interleaved "
      f"({' '.join(configs)} per endpoint, every round), each run a fresh JVM "
      f"(`{meta.get('jvm_flags')}`, {meta.get('jvm')}); "
      f"wrk {meta.get('wrk')}, warm-up {meta.get('warmup')}, measured {meta.get('duration')}; "
      f"{meta.get('placement')}; {meta.get('cpus')} CPUs shared with other work. "
      f"Exporters send OTLP http/protobuf to a local sink that answers 200 and discards. "
      f"Run took {meta.get('elapsed')}.")
    w("")
    w("Ratios are to no agent in the same round (median, then min–max over the rounds; "
      "throughput: higher is better; CPU per request = the origin JVM's user+sys time, all threads "
      "including export, over the measured run, divided by requests: lower is better). "
      "Latency deltas are paired per round, medians, in ms.")
    for ep in endpoints:
        w("")
        w(f"## `{ep}`")
        w("")
        w("| configuration | throughput ratio | CPU/request ratio | req/s | CPU µs/req | p50 Δ ms | p99 Δ ms | p99.9 Δ ms | RSS MB | heap used MB | live heap MB | trace KB / 1k req | warm-up s | runs ok |")
        w("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for c in configs:
            mine = [ok.get((rd, ep, c)) for rd in rounds]
            base = [ok.get((rd, ep, "none")) for rd in rounds]
            pairs = [(m, b) for m, b in zip(mine, base) if m and b]
            tput = [num(m["rps"]) / num(b["rps"]) for m, b in pairs if num(m["rps"]) and num(b["rps"])]
            cpu = [num(m["cpu_us_per_req"]) / num(b["cpu_us_per_req"]) for m, b in pairs
                   if num(m["cpu_us_per_req"]) and num(b["cpu_us_per_req"])]

            def delta(key):
                return med([num(m[key]) - num(b[key]) for m, b in pairs
                            if num(m[key]) is not None and num(b[key]) is not None])

            good = [m for m in mine if m]
            kb_per_k = med([num(m["trace_bytes"]) / 1024 / (num(m["wrk_requests_total"]) / 1000)
                            for m in good if num(m["wrk_requests_total"])])
            if c == "none":
                lat = [f"{ms(med([num(m[k]) for m in good]))} (abs)" for k in ("p50_us", "p99_us", "p999_us")]
                tr, cr = "1", "1"
            else:
                lat = [signed_ms(delta(k)) for k in ("p50_us", "p99_us", "p999_us")]
                tr, cr = spread(tput, ratio_fmt), spread(cpu, ratio_fmt)
            w(f"| {NAMES.get(c, c)} | {tr} | {cr} | "
              f"{spread([num(m['rps']) for m in good], lambda x: f'{x:,.0f}')} | "
              f"{spread([num(m['cpu_us_per_req']) for m in good], lambda x: f'{x:.1f}')} | "
              f"{' | '.join(lat)} | "
              f"{mb(med([num(m['rss_kb']) for m in good]))} | {mb(med([num(m['heap_used_kb']) for m in good]))} | "
              f"{mb(med([num(m['heap_live_kb']) for m in good]))} | "
              f"{'n/a' if kb_per_k is None else f'{kb_per_k:.1f}'} | "
              f"{spread([num(m['warmup_s']) for m in good], lambda x: f'{x:.0f}')} | {len(good)}/{len(rounds)} |")

    w("")
    w("## Time to first served request")
    w("")
    w("JVM launch to the first 200 on `/hello` (curl polling every ~10 ms), every launch above "
      "(both endpoints), before any pinning. Δ = paired per round and endpoint, median.")
    w("")
    w("| configuration | median ms (min–max) | Δ vs no agent, ms | launches |")
    w("|---|---|---|---|")
    for c in configs:
        mine = [r for r in rows if r["config"] == c and num(r["ttfr_ms"]) is not None]
        deltas = []
        for r in mine:
            b = [x for x in rows if x["config"] == "none" and x["round"] == r["round"]
                 and x["endpoint"] == r["endpoint"] and num(x["ttfr_ms"]) is not None]
            if b:
                deltas.append(num(r["ttfr_ms"]) - num(b[0]["ttfr_ms"]))
        d = "—" if c == "none" else spread(deltas, lambda x: f"{x:+.0f}")
        w(f"| {NAMES.get(c, c)} | {spread([num(r['ttfr_ms']) for r in mine], lambda x: f'{x:.0f}')} | {d} | {len(mine)} |")

    w("")
    w("## Agent jar size")
    w("")
    cs, os_ = os.path.getsize(a.cf520_jar), os.path.getsize(a.otel_jar)
    w("| agent | bytes | MB |")
    w("|---|---|---|")
    w(f"| cf520 | {cs:,} | {cs / 1e6:.1f} |")
    w(f"| OpenTelemetry Java agent {a.otel_version} | {os_:,} | {os_ / 1e6:.1f} |")

    bad = [r for r in rows if r["ok"] != "1" or r["note"] not in ("", "-")]
    w("")
    w("## Failed or flagged measurements")
    w("")
    if not bad:
        w("None: no wrk socket errors, no non-2xx/3xx responses, every JVM served and was measured.")
    else:
        for r in bad:
            state = "failed, left out" if r["ok"] != "1" else "kept"
            w(f"- round {r['round']} `{r['endpoint']}` {NAMES.get(r['config'], r['config'])}: {r['note']} ({state})")
    w("")
    w(f"Raw rows: `{meta.get('raw')}`")
    print("\n".join(out))


if __name__ == "__main__":
    sys.exit(main())
