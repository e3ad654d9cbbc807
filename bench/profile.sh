#!/usr/bin/env bash
# Where one configuration's CPU goes on /hello under wrk, with Linux perf: every thread of the origin JVM, kernel,
# GC, JIT compiler and interpreter included (JFR samples Java code only, and a /hello request spends most of its
# CPU in the kernel). Slows the JVM it samples: read shares, not throughput.
#
#   bench/profile.sh cf520          cf520 (traces=all) exporting to a discarding OTLP sink
#   bench/profile.sh cf520-risky    cf520 with -Dcf520.traces=risky
#   bench/profile.sh none           no agent
#   bench/profile.sh otel           the OpenTelemetry Java agent (bench/overhead.sh fetches its jar)
#   WARMUP=15 SECONDS_SAMPLED=15 bench/profile.sh cf520
#
# Prints the share of samples by thread and the agent's methods by inclusive share, and keeps perf.data and
# the JIT symbol map under bench/target/profile-<config>-<timestamp>/ for `perf report -i`.
set -euo pipefail
cd "$(dirname "$0")/.."
cfg=${1:-cf520}
WARMUP=${WARMUP:-15}
SECONDS_SAMPLED=${SECONDS_SAMPLED:-15}
die() { echo "profile.sh: $*" >&2; exit 1; }
command -v perf >/dev/null || die "perf not found (Debian: apt-get install -y linux-perf)"
command -v wrk >/dev/null || die "wrk not found (Debian: apt-get install -y wrk)"
for v in WARMUP SECONDS_SAMPLED; do [[ "${!v}" =~ ^[0-9]+$ ]] || die "$v must be a whole number"; done
CF520_JAR=agent/target/cf520-agent.jar
DEMO_JAR=demo-app/target/cf520-demo.jar
OTEL_JAR=bench/target/opentelemetry-javaagent-2.33.1.jar
[ -f "$CF520_JAR" ] && [ -f "$DEMO_JAR" ] || die "build first: mvn -B -q -DskipTests install"
out=bench/target/profile-$cfg-$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$out"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
python3 bench/otlp_sink.py --port-file "$out/sink.port" >"$out/sink.log" 2>&1 &
SINK=$!
JVM=
trap 'kill $SINK ${JVM:-} 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -s "$out/sink.port" ] && break; sleep 0.1; done
sink=http://127.0.0.1:$(cat "$out/sink.port")
case "$cfg" in
  none) agent=() ;;
  cf520) agent=(-javaagent:$CF520_JAR -Dotel.exporter.otlp.endpoint=$sink) ;;
  cf520-risky) agent=(-javaagent:$CF520_JAR -Dotel.exporter.otlp.endpoint=$sink -Dcf520.traces=risky) ;;
  otel) [ -f "$OTEL_JAR" ] || die "$OTEL_JAR missing: bench/overhead.sh fetches it"
        agent=(-javaagent:$OTEL_JAR -Dotel.exporter.otlp.protocol=http/protobuf -Dotel.exporter.otlp.endpoint=$sink
               -Dotel.logs.exporter=none) ;;
  *) die "unknown configuration '$cfg' (none, cf520, cf520-risky, otel)" ;;
esac
port=$(free_port)
# frame pointers for perf's call graphs through JIT code; the symbol map of JIT code is written at exit
java -Xmx512m -XX:+UseG1GC -XX:+PreserveFramePointer -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit \
  -Dotel.service.name=cf520-profile "${agent[@]}" -jar "$DEMO_JAR" --port "$port" >"$out/jvm.log" 2>&1 &
JVM=$!
for _ in $(seq 300); do curl -fs "http://127.0.0.1:$port/hello" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fs "http://127.0.0.1:$port/hello" >/dev/null || die "the demo did not come up (see $out/jvm.log)"
wrk -t2 -c16 -d"${WARMUP}s" "http://127.0.0.1:$port/hello" >"$out/warmup.txt"
wrk -t2 -c16 -d"$((SECONDS_SAMPLED + 2))s" "http://127.0.0.1:$port/hello" >"$out/wrk.txt" &
WRK=$!
sleep 1
perf record -F 1999 -g -p "$JVM" -o "$out/perf.data" -- sleep "$SECONDS_SAMPLED" 2>"$out/perf.log"
wait $WRK
kill "$JVM"; wait "$JVM" 2>/dev/null || true
[ -f "/tmp/perf-$JVM.map" ] && cp "/tmp/perf-$JVM.map" "$out/"
echo "== $cfg: share of the origin JVM's samples by thread ($(grep -o 'Requests/sec:.*' "$out/wrk.txt"), slowed by perf)"
perf report -i "$out/perf.data" --sort comm -q -g none 2>/dev/null | awk 'NF' | head -15
echo "== agent methods (dev.cf520), inclusive share of all samples"
perf report -i "$out/perf.data" --children --sort sym -q -g none 2>/dev/null \
  | grep 'dev\.cf520\.[a-z]*\.[A-Z]' | grep -v '\.shaded\.' | head -25
echo "(perf report -i $out/perf.data for the rest)"
