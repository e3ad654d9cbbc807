#!/usr/bin/env bash
# JMH microbenchmarks of the per-exchange hot path, with the GC profiler (allocated bytes per exchange).
#   bench/jmh.sh            full run (about 4 minutes)
#   QUICK=1 bench/jmh.sh    fewer iterations (about 1 minute; allocation figures stay exact, timings get noisy)
# Writes bench/results/jmh-<timestamp>.md and prints it.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=bench/jmh/target/benchmarks.jar
if [ ! -f "$jar" ] || [ -n "$(find agent bench/jmh -name '*.java' -newer "$jar" | head -n 1)" ]; then
  mvn -B -q -Dstyle.color=never -DskipTests -pl bench/jmh -am package
fi
iters=(-wi 3 -i 5 -w 1 -r 2 -f 1)
[ -n "${QUICK:-}" ] && iters=(-wi 2 -i 2 -w 1 -r 1 -f 1)
stamp=$(date -u +%Y%m%d-%H%M%S)
json=bench/target/jmh-$stamp.json
mkdir -p bench/target bench/results
java -jar "$jar" "${iters[@]}" -prof gc -rf json -rff "$json" "$@" >/dev/null
out=bench/results/jmh-$stamp.md
python3 - "$json" > "$out" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
print("# cf520 hot path, JMH (%s, %s)\n" % (rows[0]["jvm"].split("/")[-3] if rows else "", rows[0]["vmVersion"] if rows else ""))
print("| benchmark | telemetry | time per exchange (ns, avg ± 99.9% CI) | allocated per exchange (bytes) |")
print("|---|---|---:|---:|")
for r in rows:
    name = r["benchmark"].split(".")[-2] + "." + r["benchmark"].split(".")[-1]
    mode = r.get("params", {}).get("telemetry", "-")
    p = r["primaryMetric"]
    alloc = r["secondaryMetrics"].get("gc.alloc.rate.norm", {}).get("score", float("nan"))
    err = p.get("scoreError")
    err = "%.0f" % err if isinstance(err, (int, float)) and err == err else "n/a"
    print("| %s | %s | %.0f ± %s | %.0f |" % (name, mode, p["score"], err, alloc))
print("\n`off`: the rules only; `risky` and `all`: cf520's real SDK wiring (sampler, span, batch queue, metrics)"
      " with exporters that discard. Targets (issue 6): <= 256 bytes per healthy exchange in `risky` mode, <= 1 KB in `all`."
      " EncoderBench: the export thread's side of `all` mode, a batch of 2,048 healthy spans (as cf520 writes them for"
      " requests from Cloudflare) encoded as the OTLP request body; time and bytes are per span.")
PY
cat "$out"
