#!/usr/bin/env bash
# Overhead of cf520 on the demo origin, measured side by side with no agent and with the
# OpenTelemetry Java agent 2.33.1, and reported as ratios to no agent in the same slice.
#
#   bench/overhead.sh                         defaults: 10 slices of 3 s per endpoint and configuration (~9 min)
#   SLICES=20 SLICE=4 bench/overhead.sh       more / longer slices (the estimate is printed first)
#
# Configurations, one origin JVM each, all alive at once:
#   none         no agent
#   cf520        cf520, OTLP http/protobuf to a local sink that accepts and discards (bench/otlp_sink.py)
#   otel         OpenTelemetry Java agent 2.33.1, OTLP http/protobuf to a sink of its own, logs exporter off
#   cf520-risky  cf520 with -Dcf520.traces=risky
#   none-b       a second JVM without an agent: the run's noise floor (how far two identical JVMs differ)
# on /hello (small text) and /download?size=65536 (64 KB with Content-Length).
#
# Why all alive at once: a fresh JVM per measurement (the first version of this script) gave ratios that
# swung by 30-40 % from one round to the next on this 2-CPU machine, and only two rounds fitted the time
# budget. Here every JVM starts and warms up once (wrk on both endpoints until its JIT compiler threads
# are nearly idle), then all are pinned to one CPU, with wrk and the sinks on the other (PIN=0 turns
# pinning off), and measured in short slices, A B C D, then the next slice in a rotated order
# (B C D A ...), so drift and order hit every configuration alike. Each slice gives a throughput and a
# CPU-per-request ratio to the no-agent slice next to it; the table shows their median and spread.
#
# CPU per request: the JVM's user+sys time (/proc/PID/stat, every thread, export included) from the
# start of one of its slices to the start of its next one (or, for the last, to a reading taken after
# EXPORT_SETTLE seconds of quiet), divided by the slice's requests: work the exporters do after the
# slice (a batch sent later) is counted with the slice that made it, and an idle JVM costs ~nothing.
# A slice with wrk errors or non-2xx/3xx responses is marked failed and left out.
#
# Then, after load: each JVM's VmRSS and heap (jcmd GC.heap_info, and after a GC.run the live heap), and
# its CPU by thread over the measured phase (*.threads.txt: where an agent's cost goes). Then the time
# to first served request, by interleaved launches (bench/startup.sh, exporters off): the demo
# (STARTUP_RUNS=5) and the Spring Boot 4.0.7 executable jar (BOOT_RUNS=3; 0 skips either).
# A change against the jar before it: BASE_JAR=<an earlier cf520-agent.jar> CONFIGS="none cf520-risky base-risky"
# (configurations base and base-risky run that jar as cf520 and cf520-risky run this one); none-b is a second
# JVM without an agent: how far two JVMs of the same configuration differ (JIT luck, code layout).
# EDGE_HEADERS=1: every request carries the ten headers Cloudflare's edge adds or passes on (CF-Ray, CF-Connecting-IP,
# X-Forwarded-For ...), as an origin behind it receives them; by default wrk sends Host only.
# Other knobs: THREADS=2 CONNECTIONS=16 CONFIGS="none cf520 otel cf520-risky none-b" WARMUP_MIN=20 WARMUP_MAX=60
# WARMUP_STEP=2 WARM_JIT_PCT=5 EXPORT_SETTLE=6
# Output: the table on stdout and in bench/results/overhead-<timestamp>.md; the raw rows (.tsv) and
# every JVM's, sink's and wrk's log under bench/target/overhead-<timestamp>/.
set -euo pipefail
cd "$(dirname "$0")/.."

SLICES=${SLICES:-10}
SLICE=${SLICE:-3}
WARMUP_MIN=${WARMUP_MIN:-20}     # seconds of warm-up at least (shorter: the first slices still ran faster code as they went) ...
WARMUP_MAX=${WARMUP_MAX:-60}     # ... and at most, in WARMUP_STEP slices (alternating endpoints),
WARMUP_STEP=${WARMUP_STEP:-2}    # until the JIT compiler threads use < WARM_JIT_PCT % of the JVM's CPU
WARM_JIT_PCT=${WARM_JIT_PCT:-5}
EXPORT_SETTLE=${EXPORT_SETTLE:-6} # > the span batch delay (5 s): the last slice's spans are exported
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
CONFIGS=${CONFIGS:-"none cf520 otel cf520-risky none-b"}
BASE_JAR=${BASE_JAR:-}
EDGE_HEADERS=${EDGE_HEADERS:-0} # 1: every request carries the headers Cloudflare adds, as an origin behind it gets them
STARTUP_RUNS=${STARTUP_RUNS:-5}
BOOT_RUNS=${BOOT_RUNS:-3}
PIN=${PIN:-1}
ENDPOINTS=("/hello" "/download?size=65536")
OTEL_VERSION=2.33.1
JVM_FLAGS=(-Xmx512m -XX:+UseG1GC -Dotel.service.name=cf520-bench)

die() { echo "overhead.sh: $*" >&2; exit 1; }
for v in SLICES SLICE WARMUP_MIN WARMUP_MAX WARMUP_STEP WARM_JIT_PCT EXPORT_SETTLE THREADS CONNECTIONS STARTUP_RUNS BOOT_RUNS; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || die "$v must be a whole number (got '${!v}')"
done
[[ "$EDGE_HEADERS" =~ ^[01]$ ]] || die "EDGE_HEADERS must be 0 or 1 (got '$EDGE_HEADERS')"
WRK_HEADERS=()
if [ "$EDGE_HEADERS" = 1 ]; then
  # what Cloudflare's edge sends an origin on top of the visitor's request (one fixed Ray ID: the spans carry it)
  WRK_HEADERS=(-H "CF-Ray: 8e39e2c50f3aab97-SJC" -H "CF-Connecting-IP: 203.0.113.7" -H "CF-IPCountry: NZ"
    -H 'CF-Visitor: {"scheme":"https"}' -H "X-Forwarded-For: 203.0.113.7" -H "X-Forwarded-Proto: https"
    -H "CDN-Loop: cloudflare; loops=1" -H "Accept-Encoding: gzip, br" -H "Accept: */*"
    -H "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")
fi
(( SLICES > 0 && SLICE > 0 && WARMUP_STEP > 0 && THREADS > 0 && CONNECTIONS >= THREADS )) \
  || die "SLICES, SLICE, WARMUP_STEP and THREADS must be > 0, CONNECTIONS >= THREADS"

# --- tools ---------------------------------------------------------------------------------
if ! command -v wrk >/dev/null; then
  # a clean machine: Debian's wrk, as .ci/run installs nginx and HAProxy
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing wrk (apt-get install -y wrk) ..."
    (apt-get install -y -q wrk >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; }) \
      || die "could not install wrk with apt-get"
  fi
  command -v wrk >/dev/null || die "wrk not found on PATH (apt-get install -y wrk)"
fi
command -v java >/dev/null || die "java not found on PATH (JDK 17+ needed)"
JAVA_BIN=$(command -v java)
JCMD=$(dirname "$(readlink -f "$JAVA_BIN")")/jcmd
[ -x "$JCMD" ] || JCMD=$(command -v jcmd) || die "jcmd not found (a JDK, not a JRE, is needed for the heap figure)"
for t in curl python3; do command -v $t >/dev/null || die "$t not found on PATH"; done

# --- CPU placement -------------------------------------------------------------------------
read -r -a CPUS < <(python3 -c 'import os; print(*sorted(os.sched_getaffinity(0)))')
if [ "$PIN" = 1 ] && [ "${#CPUS[@]}" -ge 2 ] && command -v taskset >/dev/null; then
  LOAD_CPU=${CPUS[0]}; JVM_CPU=${CPUS[1]}
  ONLOAD=(taskset -c "$LOAD_CPU")
  PLACEMENT="origin JVMs on both CPUs for start-up and warm-up, then all their threads pinned to CPU $JVM_CPU for the measured slices; wrk, sinks, curl, jcmd on CPU $LOAD_CPU"
else
  JVM_CPU=; ONLOAD=()
  PLACEMENT="no CPU pinning (PIN=0, fewer than 2 CPUs or no taskset)"
fi

# --- jars ----------------------------------------------------------------------------------
CF520_SRC=agent/target/cf520-agent.jar
DEMO=demo-app/target/cf520-demo.jar
BOOT=fixtures/boot4-tomcat/target/cf520-fixture-boot4-tomcat.jar
if [ ! -f "$CF520_SRC" ] || [ ! -f "$DEMO" ] || [ ! -f "$BOOT" ]; then
  echo "building cf520 and the demo (mvn -B -q -DskipTests package) ..."
  command -v mvn >/dev/null || die "mvn not found and $CF520_SRC / $DEMO missing"
  mvn -B -q -DskipTests package
fi
OTEL_JAR=bench/target/opentelemetry-javaagent-$OTEL_VERSION.jar
if [ ! -f "$OTEL_JAR" ]; then
  echo "fetching the OpenTelemetry Java agent $OTEL_VERSION from Maven ..."
  command -v mvn >/dev/null || die "mvn not found; cannot fetch $OTEL_JAR"
  mkdir -p bench/target
  mvn -B -q -N org.apache.maven.plugins:maven-dependency-plugin:3.9.0:copy \
    -Dartifact=io.opentelemetry.javaagent:opentelemetry-javaagent:$OTEL_VERSION \
    -DoutputDirectory=bench/target || die "could not fetch opentelemetry-javaagent $OTEL_VERSION"
fi
[ -f "$OTEL_JAR" ] || die "$OTEL_JAR missing after fetch"

STAMP=$(date -u +%Y%m%d-%H%M%S)
RUN=bench/target/overhead-$STAMP
mkdir -p "$RUN" bench/results
# Snapshot the agent and the demo so a rebuild during the run cannot change what is measured.
cp "$CF520_SRC" "$RUN/cf520-agent.jar"; cp "$DEMO" "$RUN/cf520-demo.jar"
CF520_JAR=$RUN/cf520-agent.jar; DEMO_JAR=$RUN/cf520-demo.jar
if [ -n "$BASE_JAR" ]; then
  [ -f "$BASE_JAR" ] || die "BASE_JAR=$BASE_JAR: no such file"
  cp "$BASE_JAR" "$RUN/cf520-base-agent.jar"
fi
RAW=$RUN/raw.tsv
JVMS=$RUN/jvms.tsv

# --- process bookkeeping: everything we start is killed by PID on exit -----------------------
PIDS=()
stop_pid() { # TERM, wait up to 10 s, then KILL
  local p=$1 i
  kill -0 "$p" 2>/dev/null || { wait "$p" 2>/dev/null || true; return 0; }
  kill -TERM "$p" 2>/dev/null || true
  for i in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
}
cleanup() {
  local p
  for p in "${PIDS[@]}"; do stop_pid "$p"; done
}
trap cleanup EXIT
trap 'echo "overhead.sh: interrupted" >&2; exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

read -r -a CONFIG_LIST <<<"$CONFIGS"
[ "${CONFIG_LIST[0]}" = none ] || die "CONFIGS must start with 'none' (the baseline)"
declare -A PID_OF PORT_OF SINK_OF WARM_OF NOTE_OF TTFR_OF

# --- one sink per configuration, so each agent's export volume is its own -------------------------
for cfg in "${CONFIG_LIST[@]}"; do
  "${ONLOAD[@]}" python3 bench/otlp_sink.py --port-file "$RUN/$cfg.sink.port" >"$RUN/$cfg.sink.log" 2>&1 &
  PIDS+=("$!")
done
for cfg in "${CONFIG_LIST[@]}"; do
  for i in $(seq 100); do [ -s "$RUN/$cfg.sink.port" ] && break; sleep 0.05; done
  [ -s "$RUN/$cfg.sink.port" ] || die "the OTLP sink did not start (see $RUN/$cfg.sink.log)"
  SINK_OF[$cfg]=http://127.0.0.1:$(cat "$RUN/$cfg.sink.port")
done
sink_bytes() { # body bytes the configuration's sink received on /v1/traces
  curl -fs "${SINK_OF[$1]}/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("/v1/traces",{}).get("bytes",0))'
}

agent_flags() {
  local sink=${SINK_OF[$1]:-}
  case "$1" in
    none|none-b) ;; # none-b: a second JVM without an agent, the noise floor of one JVM against another
    cf520) echo "-javaagent:$CF520_JAR -Dotel.exporter.otlp.endpoint=$sink" ;;
    cf520-risky) echo "-javaagent:$CF520_JAR -Dotel.exporter.otlp.endpoint=$sink -Dcf520.traces=risky" ;;
    base|base-risky)
      [ -n "$BASE_JAR" ] || die "configuration '$1' needs BASE_JAR (an earlier cf520-agent.jar)"
      echo "-javaagent:$RUN/cf520-base-agent.jar -Dotel.exporter.otlp.endpoint=$sink$([ "$1" = base-risky ] && echo " -Dcf520.traces=risky")" ;;
    otel) echo "-javaagent:$OTEL_JAR -Dotel.exporter.otlp.protocol=http/protobuf -Dotel.exporter.otlp.endpoint=$sink -Dotel.logs.exporter=none" ;;
    *) die "unknown configuration '$1' (known: none none-b cf520 otel cf520-risky, with BASE_JAR base base-risky)" ;;
  esac
}
for c in "${CONFIG_LIST[@]}"; do agent_flags "$c" >/dev/null; done

cpu_ticks() { # utime+stime of the whole process (all threads, live and ended), in clock ticks
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}
jit_ticks() { # "<JIT compiler threads' ticks> <whole process ticks>"
  local c
  c=$(awk '/CompilerThre/ { sub(/^.*\) /, ""); c += $12 + $13 } END { print c + 0 }' /proc/"$1"/task/*/stat 2>/dev/null || echo 0)
  echo "$c $(cpu_ticks "$1")"
}
kv() { sed -n "s/.*[[:space:]]$1=\([0-9]*\).*/\1/p" <<<"$2" | head -1; }

# --- estimate ------------------------------------------------------------------------------
NC=${#CONFIG_LIST[@]}; NE=${#ENDPOINTS[@]}
est=$(( NC * (6 + WARMUP_MIN) + SLICES * NC * NE * (SLICE + 1) + EXPORT_SETTLE + NC * 8 \
        + STARTUP_RUNS * 12 + BOOT_RUNS * 35 + 10 ))
echo "cf520 overhead benchmark: $NC origin JVMs alive at once, $SLICES slices x $NE endpoints x $NC configurations, ${SLICE} s each"
echo "  wrk -t$THREADS -c$CONNECTIONS --latency$([ "$EDGE_HEADERS" = 1 ] && echo ", Cloudflare's request headers"); warm-up until the JIT settles (${WARMUP_MIN}-${WARMUP_MAX} s per JVM)"
echo "  $PLACEMENT"
echo "  then time to first served request: demo x$STARTUP_RUNS, Spring Boot 4 x$BOOT_RUNS (interleaved launches)"
echo "  estimated time: ~$(( est / 60 )) min $(( est % 60 )) s   (SLICES=N SLICE=S STARTUP_RUNS=N BOOT_RUNS=N to change)"
echo "  logs under $RUN"
START=$(date +%s)

# --- start every origin, then warm each up --------------------------------------------------
for cfg in "${CONFIG_LIST[@]}"; do
  port=$(free_port); log=$RUN/$cfg.jvm.log
  t0=$(date +%s%N)
  "$JAVA_BIN" "${JVM_FLAGS[@]}" $(agent_flags "$cfg") -jar "$DEMO_JAR" --port "$port" >"$log" 2>&1 &
  pid=$!; PIDS+=("$pid"); PID_OF[$cfg]=$pid; PORT_OF[$cfg]=$port; NOTE_OF[$cfg]=""
  TTFR_OF[$cfg]=""
  for i in $(seq 3000); do # up to ~90 s
    if "${ONLOAD[@]}" curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$port/hello"; then
      TTFR_OF[$cfg]=$(( ($(date +%s%N) - t0) / 1000000 )); break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.01
  done
  [ -n "${TTFR_OF[$cfg]}" ] || die "$cfg: the origin did not serve /hello (see $log)"
done
for cfg in "${CONFIG_LIST[@]}"; do
  # wrk on both CPUs in WARMUP_STEP slices, endpoints alternating, until the compiler threads took
  # < WARM_JIT_PCT % of the JVM's CPU in a slice (at least WARMUP_MIN s; at WARMUP_MAX the JVM is
  # measured anyway and flagged not-warm)
  pid=${PID_OF[$cfg]}; warm=0; share=100; k=0
  : >"$RUN/$cfg.warmup.log"
  read -r j0 c0 < <(jit_ticks "$pid")
  while :; do
    ep=${ENDPOINTS[$(( k % NE ))]}; k=$(( k + 1 ))
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP_STEP}s" "${WRK_HEADERS[@]}" "http://127.0.0.1:${PORT_OF[$cfg]}$ep" >>"$RUN/$cfg.warmup.log" 2>&1 || true
    warm=$(( warm + WARMUP_STEP ))
    read -r j1 c1 < <(jit_ticks "$pid")
    share=$(( 100 * (j1 - j0) / ( c1 - c0 > 0 ? c1 - c0 : 1 ) ))
    echo "warm-up ${warm}s ($ep): JIT ${share}% of JVM CPU" >>"$RUN/$cfg.warmup.log"
    j0=$j1; c0=$c1
    (( warm >= WARMUP_MIN && k % NE == 0 && share < WARM_JIT_PCT )) && break
    if (( warm >= WARMUP_MAX )); then NOTE_OF[$cfg]="not-warm(JIT ${share}%)"; break; fi
  done
  WARM_OF[$cfg]=$warm
  printf '  %-12s first 200 after %5s ms, warm after %2s s %s\n' "$cfg" "${TTFR_OF[$cfg]}" "$warm" "${NOTE_OF[$cfg]}"
done
if [ -n "$JVM_CPU" ]; then
  for cfg in "${CONFIG_LIST[@]}"; do taskset -a -p -c "$JVM_CPU" "${PID_OF[$cfg]}" >/dev/null; done
fi
for cfg in "${CONFIG_LIST[@]}"; do
  "${ONLOAD[@]}" python3 bench/thread_cpu.py snap "${PID_OF[$cfg]}" "$RUN/$cfg.threads0.json" || true
done

# --- measured slices --------------------------------------------------------------------------
printf 'slice\tendpoint\tconfig\tok\tnote\tseq\tcpu_start\trequests\tduration_us\tp50_us\tp99_us\tp999_us\n' >"$RAW"
seq_no=0
for s in $(seq "$SLICES"); do
  order=("${CONFIG_LIST[@]:$(( (s - 1) % NC ))}" "${CONFIG_LIST[@]:0:$(( (s - 1) % NC ))}")
  for ep in "${ENDPOINTS[@]}"; do
    for cfg in "${order[@]}"; do
      pid=${PID_OF[$cfg]}; tag="s$s-$( [ "$ep" = /hello ] && echo hello || echo download64k)-$cfg"
      kill -0 "$pid" 2>/dev/null || die "$cfg: the origin JVM died (see $RUN/$cfg.jvm.log)"
      c0=$(cpu_ticks "$pid")
      ok=1; note=""
      "${ONLOAD[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SLICE}s" --latency -s bench/wrk_report.lua "${WRK_HEADERS[@]}" \
        "http://127.0.0.1:${PORT_OF[$cfg]}$ep" >"$RUN/$tag.wrk.log" 2>&1 || { ok=0; note="wrk-exit"; }
      out=$(cat "$RUN/$tag.wrk.log")
      line=$(grep '^CF520BENCH' <<<"$out" || true)
      [ -n "$line" ] || { ok=0; note="${note:+$note,}no-wrk-report"; }
      non2xx=$(sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' <<<"$out")
      [ -n "$non2xx" ] && [ "$non2xx" != 0 ] && { ok=0; note="${note:+$note,}non2xx=$non2xx"; }
      for e in err_connect err_read err_write err_status err_timeout; do
        v=$(kv "$e" "$line"); [ -n "$v" ] && [ "$v" != 0 ] && { ok=0; note="${note:+$note,}$e=$v"; }
      done
      requests=$(kv requests "$line"); [ -n "$requests" ] && [ "$requests" -gt 0 ] || { ok=0; note="${note:+$note,}no-requests"; requests=0; }
      seq_no=$(( seq_no + 1 ))
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$s" "$ep" "$cfg" "$ok" "${note:--}" "$seq_no" "$c0" \
        "$requests" "$(kv duration_us "$line")" "$(kv p50 "$line")" "$(kv p99 "$line")" "$(kv p999 "$line")" >>"$RAW"
    done
  done
  echo "  slice $s/$SLICES done ($(( $(date +%s) - START )) s elapsed)"
done
sleep "$EXPORT_SETTLE"   # the last slices' spans are exported (batch delay 5 s); counted with them

# --- after load: CPU end readings, memory, export volume, CPU by thread ---------------------------------
printf 'config\tcpu_end\trss_kb\theap_used_kb\theap_live_kb\ttrace_bytes\twrk_requests_total\tttfr_ms\twarmup_s\tnote\n' >"$JVMS"
for cfg in "${CONFIG_LIST[@]}"; do
  pid=${PID_OF[$cfg]}
  cend=$(cpu_ticks "$pid")
  "${ONLOAD[@]}" python3 bench/thread_cpu.py snap "$pid" "$RUN/$cfg.threads1.json" || true
  python3 bench/thread_cpu.py diff "$RUN/$cfg.threads0.json" "$RUN/$cfg.threads1.json" >"$RUN/$cfg.threads.txt" 2>&1 || true
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
  heap_used=""; heap_live=""
  printf 'GC.heap_info\nGC.run\nGC.heap_info\n' >"$RUN/jcmd.txt"
  if out=$("${ONLOAD[@]}" timeout 30 "$JCMD" "$pid" -f "$RUN/jcmd.txt" 2>&1); then
    heap_used=$(grep -E 'heap +total' <<<"$out" | sed -n '1s/.*used \([0-9]*\)K.*/\1/p')
    heap_live=$(grep -E 'heap +total' <<<"$out" | sed -n '2s/.*used \([0-9]*\)K.*/\1/p')
  else
    echo "$out" >"$RUN/$cfg.jcmd.log"; NOTE_OF[$cfg]="${NOTE_OF[$cfg]:+${NOTE_OF[$cfg]},}jcmd-failed"
  fi
  stop_pid "$pid"   # exporters flush on shutdown, so the sink's count covers the JVM's whole life
  total=$(awk '/requests in/ {s += $1} END {print s + 0}' "$RUN/$cfg.warmup.log" "$RUN"/s*-"$cfg".wrk.log)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$cfg" "$cend" "$rss" "$heap_used" "$heap_live" \
    "$(sink_bytes "$cfg")" "$total" "${TTFR_OF[$cfg]}" "${WARM_OF[$cfg]}" "${NOTE_OF[$cfg]:--}" >>"$JVMS"
done

# --- time to first served request, by interleaved launches (exporters off) ------------------------
STARTUP_LOG=$RUN/startup-demo.log; BOOT_LOG=$RUN/startup-boot4.log
: >"$STARTUP_LOG"; : >"$BOOT_LOG"
if (( STARTUP_RUNS > 0 )); then
  echo "time to first served request, demo: $STARTUP_RUNS launches each of no agent, cf520, OpenTelemetry agent ..."
  CF520_AGENT=$CF520_JAR OTEL=1 bench/startup.sh "$STARTUP_RUNS" >"$STARTUP_LOG" 2>&1 || echo "  (failed: see $STARTUP_LOG)"
fi
if (( BOOT_RUNS > 0 )); then
  echo "time to first served request, Spring Boot 4: $BOOT_RUNS launches each ..."
  CF520_AGENT=$CF520_JAR APP=boot4 OTEL=1 bench/startup.sh "$BOOT_RUNS" >"$BOOT_LOG" 2>&1 || echo "  (failed: see $BOOT_LOG)"
fi
ELAPSED=$(( $(date +%s) - START ))

OUT=bench/results/overhead-$STAMP.md
python3 bench/overhead_report.py "$RAW" "$JVMS" \
  --cf520-jar "$CF520_JAR" --otel-jar "$OTEL_JAR" --otel-version "$OTEL_VERSION" \
  --startup "$STARTUP_LOG" --boot-startup "$BOOT_LOG" --clk-tck "$(getconf CLK_TCK)" --threads-dir "$RUN" \
  --meta "stamp=$STAMP" "slices=$SLICES" "slice=${SLICE}s" \
         "warmup=until the JIT compiler threads use < ${WARM_JIT_PCT} % of the JVM's CPU over ${WARMUP_STEP} s (${WARMUP_MIN}-${WARMUP_MAX} s, endpoints alternating, JVM on both CPUs)" \
         "wrk=-t$THREADS -c$CONNECTIONS --latency$([ "$EDGE_HEADERS" = 1 ] && echo ", with Cloudflare's request headers (EDGE_HEADERS=1: $(printf '%s\n' "${WRK_HEADERS[@]}" | grep -v '^-H$' | cut -d: -f1 | paste -sd, - | sed 's/,/, /g'))")" "placement=$PLACEMENT" \
         "jvm=$("$JAVA_BIN" -version 2>&1 | head -1)" "jvm_flags=${JVM_FLAGS[*]}" \
         "elapsed=${ELAPSED}s" "cpus=$(nproc)" "raw=$RAW" >"$OUT"
cat "$OUT"
echo
echo "written to $OUT"
