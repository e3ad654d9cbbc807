#!/usr/bin/env bash
# Overhead of cf520 on the demo origin, measured side by side with no agent and with the
# OpenTelemetry Java agent 2.33.1, and reported as ratios to no agent in the same round.
#
#   bench/overhead.sh                         defaults: 2 rounds, 8 s per measured run (< 10 min)
#   ROUNDS=5 DURATION=15s bench/overhead.sh   more rounds / longer runs (the estimate is printed first)
#
# Configurations, interleaved round by round (A B C D A B C D ...) so machine drift hits all alike:
#   none         no agent
#   cf520        cf520, OTLP http/protobuf to a local sink that accepts and discards (bench/otlp_sink.py)
#   otel         OpenTelemetry Java agent 2.33.1, OTLP http/protobuf to the same sink, logs exporter off
#   cf520-risky  cf520 with -Dcf520.traces=risky
# on /hello (small text) and /download?size=65536 (64 KB with Content-Length).
#
# Each measurement starts a fresh origin JVM (same flags for all: -Xmx512m -XX:+UseG1GC), times its
# first served request (JVM launch -> first 200 on /hello, polled with curl, on both CPUs), warms up
# with wrk until the JIT compiler threads are nearly idle, then pins every JVM thread to one CPU, with
# wrk, the sink, curl and jcmd on the other (PIN=0 turns pinning off), and measures with wrk (--latency plus bench/wrk_report.lua for p99.9): requests/s,
# the JVM's user+sys CPU time (/proc/PID/stat, all threads incl. export) per request, latency, then
# VmRSS and heap used (jcmd GC.heap_info; also after a GC.run: the live heap).
# A measurement with wrk errors or non-2xx/3xx responses is marked failed and left out of the ratios.
#
# Bounded in time: the estimate is printed first, and no round starts that the rounds so far say
# would end after BUDGET seconds (default 480; 0 = no limit): the report then says fewer rounds ran.
# Warm-up: wrk slices on both CPUs until the JIT settles (WARMUP_MIN=4 WARMUP_MAX=30 WARMUP_STEP=2
# WARM_JIT_PCT=5, see below); a run that hits WARMUP_MAX is kept but flagged not-warm.
# Then the time to first served request of a Spring Boot 4.0.7 executable jar (BOOT_RUNS=3 launches
# each of no agent, cf520 and the OpenTelemetry agent, interleaved; 0 skips it), via bench/startup.sh.
# Other knobs: THREADS=2 CONNECTIONS=16 CONFIGS="none cf520 otel cf520-risky"
# Output: the table on stdout and in bench/results/overhead-<timestamp>.md; the raw rows (.tsv),
# every JVM's and wrk's log, and each JVM's CPU by thread over the measured run (*.threads.txt: where
# an agent's cost goes) under bench/target/overhead-<timestamp>/.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-2}   # 8 fresh JVMs a round, each warmed until the JIT settles: ~4 min a round here
DURATION=${DURATION:-8s}
WARMUP_MIN=${WARMUP_MIN:-4}      # seconds of warm-up at least ...
WARMUP_MAX=${WARMUP_MAX:-30}     # ... and at most, in WARMUP_STEP slices,
WARMUP_STEP=${WARMUP_STEP:-2}    # until the JIT compiler threads use < WARM_JIT_PCT % of the JVM's CPU
WARM_JIT_PCT=${WARM_JIT_PCT:-5}
BUDGET=${BUDGET:-480}   # seconds; no new round starts if the rounds so far say it would end later (Boot start-up follows, ~1.5 min)
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
CONFIGS=${CONFIGS:-"none cf520 otel cf520-risky"}
PIN=${PIN:-1}
ENDPOINTS=("/hello" "/download?size=65536")
OTEL_VERSION=2.33.1
JVM_FLAGS=(-Xmx512m -XX:+UseG1GC -Dotel.service.name=cf520-bench)

die() { echo "overhead.sh: $*" >&2; exit 1; }
secs() { # "10s" / "10" / "1m" -> seconds
  case "$1" in
    *m) echo $(( ${1%m} * 60 )) ;; *s) echo "${1%s}" ;; *) echo "$1" ;;
  esac
}
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive integer (got '$ROUNDS')"
[[ "$BUDGET" =~ ^[0-9]+$ ]] || die "BUDGET must be a number of seconds (got '$BUDGET')"
[[ "$(secs "$DURATION")" =~ ^[0-9]+$ ]] || die "DURATION must look like 10s, 10 or 1m (got '$DURATION')"
for v in WARMUP_MIN WARMUP_MAX WARMUP_STEP WARM_JIT_PCT; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || die "$v must be a whole number of seconds / percent (got '${!v}')"
done
(( WARMUP_STEP > 0 )) || die "WARMUP_STEP must be > 0"
DURATION_S=$(secs "$DURATION")
(( DURATION_S > 0 )) || die "DURATION must be > 0"

# --- tools ---------------------------------------------------------------------------------
command -v wrk >/dev/null || die "wrk not found on PATH (apt-get install wrk)"
command -v java >/dev/null || die "java not found on PATH (JDK 17+ needed)"
JAVA_BIN=$(command -v java)
JCMD=$(dirname "$(readlink -f "$JAVA_BIN")")/jcmd
[ -x "$JCMD" ] || JCMD=$(command -v jcmd) || die "jcmd not found (a JDK, not a JRE, is needed for the heap figure)"
for t in curl python3; do command -v $t >/dev/null || die "$t not found on PATH"; done
CLK_TCK=$(getconf CLK_TCK)

# --- CPU placement -------------------------------------------------------------------------
read -r -a CPUS < <(python3 -c 'import os; print(*sorted(os.sched_getaffinity(0)))')
if [ "$PIN" = 1 ] && [ "${#CPUS[@]}" -ge 2 ] && command -v taskset >/dev/null; then
  LOAD_CPU=${CPUS[0]}; JVM_CPU=${CPUS[1]}
  ONLOAD=(taskset -c "$LOAD_CPU")
  PLACEMENT="origin JVM on both CPUs for start-up and warm-up, then all its threads pinned to CPU $JVM_CPU for the measured run; wrk, sink, curl, jcmd on CPU $LOAD_CPU"
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
RAW=$RUN/raw.tsv

# --- process bookkeeping: everything we start is killed by PID on exit -----------------------
PIDS=()
stop_pid() { # TERM, wait up to 10 s, then KILL
  local p=$1 i
  kill -0 "$p" 2>/dev/null || { wait "$p" 2>/dev/null || true; return 0; }
  kill -TERM "$p" 2>/dev/null || true
  for i in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
  local q keep=()   # forget it, so a recycled PID is never signalled later
  for q in "${PIDS[@]}"; do [ "$q" = "$p" ] || keep+=("$q"); done
  PIDS=("${keep[@]}")
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

# --- the sink ------------------------------------------------------------------------------
"${ONLOAD[@]}" python3 bench/otlp_sink.py --port-file "$RUN/sink.port" >"$RUN/sink.log" 2>&1 &
SINK_PID=$!; PIDS+=("$SINK_PID")
for i in $(seq 100); do [ -s "$RUN/sink.port" ] && break; sleep 0.05; done
[ -s "$RUN/sink.port" ] || die "the OTLP sink did not start (see $RUN/sink.log)"
SINK_PORT=$(cat "$RUN/sink.port")
SINK=http://127.0.0.1:$SINK_PORT
trace_stats() { # posts bytes received on /v1/traces so far
  curl -fs "$SINK/stats" | python3 -c 'import json,sys; d=json.load(sys.stdin).get("/v1/traces",{}); print(d.get("posts",0), d.get("bytes",0))'
}

agent_flags() {
  case "$1" in
    none) ;;
    cf520) echo "-javaagent:$CF520_JAR -Dotel.exporter.otlp.endpoint=$SINK" ;;
    cf520-risky) echo "-javaagent:$CF520_JAR -Dotel.exporter.otlp.endpoint=$SINK -Dcf520.traces=risky" ;;
    otel) echo "-javaagent:$OTEL_JAR -Dotel.exporter.otlp.protocol=http/protobuf -Dotel.exporter.otlp.endpoint=$SINK -Dotel.logs.exporter=none" ;;
    *) die "unknown configuration '$1' (known: none cf520 otel cf520-risky)" ;;
  esac
}
read -r -a CONFIG_LIST <<<"$CONFIGS"
for c in "${CONFIG_LIST[@]}"; do agent_flags "$c" >/dev/null; done
[ "${CONFIG_LIST[0]}" = none ] || die "CONFIGS must start with 'none' (the baseline)"

cpu_ticks() { # utime+stime of the whole process (all threads), in clock ticks
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}
jit_ticks() { # "<JIT compiler threads' ticks> <whole process ticks>"
  local c
  c=$(awk '/CompilerThre/ { sub(/^.*\) /, ""); c += $12 + $13 } END { print c + 0 }' /proc/"$1"/task/*/stat 2>/dev/null || echo 0)
  echo "$c $(cpu_ticks "$1")"
}

# --- estimate ------------------------------------------------------------------------------
# start-up + warm-up seconds seen on this kind of shared 2-CPU machine, plus ~4 s per JVM for jcmd
# and shutdown (capped by WARMUP_MAX)
warm_guess() { local w; case "$1" in none) w=9 ;; cf520-risky) w=10 ;; *) w=16 ;; esac
  (( w < WARMUP_MIN )) && w=$WARMUP_MIN; (( w > WARMUP_MAX )) && w=$WARMUP_MAX; echo $w; }
startup_guess() { case "$1" in none) echo 2 ;; otel) echo 10 ;; *) echo 3 ;; esac; }
est=0
for c in "${CONFIG_LIST[@]}"; do est=$(( est + $(startup_guess "$c") + $(warm_guess "$c") + DURATION_S + 4 )); done
est=$(( est * ${#ENDPOINTS[@]} * ROUNDS ))
N=$(( ${#CONFIG_LIST[@]} * ${#ENDPOINTS[@]} * ROUNDS ))
echo "cf520 overhead benchmark: $ROUNDS round(s) x ${#ENDPOINTS[@]} endpoints x ${#CONFIG_LIST[@]} configurations = $N fresh JVMs"
echo "  each: start-up, wrk warm-up until the JIT settles (${WARMUP_MIN}-${WARMUP_MAX} s), wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency"
echo "  $PLACEMENT"
echo "  estimated time: ~$(( est / 60 )) min $(( est % 60 )) s   (ROUNDS=N DURATION=Ns to change; budget ${BUDGET} s)"
echo "  OTLP sink on $SINK; logs under $RUN"

printf 'round\tendpoint\tconfig\tok\tnote\tttfr_ms\trequests\tduration_us\trps\tcpu_ticks\tcpu_us_per_req\tp50_us\tp99_us\tp999_us\trss_kb\theap_used_kb\theap_live_kb\ttrace_posts\ttrace_bytes\twrk_requests_total\twarmup_s\n' >"$RAW"

kv() { sed -n "s/.*[[:space:]]$1=\([0-9]*\).*/\1/p" <<<"$2" | head -1; }

measure() { # round endpoint config
  local round=$1 ep=$2 cfg=$3 tag port pid t0 t1 ttfr log wlog out line ok=1 note="" i
  tag="r${round}-$( [ "$ep" = /hello ] && echo hello || echo download64k)-$cfg"
  log=$RUN/$tag.jvm.log; wlog=$RUN/$tag.wrk.log
  port=$(free_port)
  local before_posts before_bytes after_posts after_bytes
  read -r before_posts before_bytes < <(trace_stats)
  t0=$(date +%s%N)
  "$JAVA_BIN" "${JVM_FLAGS[@]}" $(agent_flags "$cfg") -jar "$DEMO_JAR" --port "$port" >"$log" 2>&1 &
  pid=$!; PIDS+=("$pid")
  ttfr=""
  for i in $(seq 3000); do # up to ~90 s
    if "${ONLOAD[@]}" curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$port/hello"; then
      t1=$(date +%s%N); ttfr=$(( (t1 - t0) / 1000000 )); break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.01
  done
  if [ -z "$ttfr" ]; then
    echo "  $tag: origin did not serve /hello (see $log)" >&2
    stop_pid "$pid"
    printf '%s\t%s\t%s\t0\t%s\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\n' "$round" "$ep" "$cfg" "no-start" >>"$RAW"
    return 0
  fi
  local url="http://127.0.0.1:$port$ep"
  # Warm-up until the JIT is done with the hot paths: wrk in WARMUP_STEP slices, on both CPUs,
  # until the compiler threads took < WARM_JIT_PCT % of the JVM's CPU in a slice (at least
  # WARMUP_MIN s, at most WARMUP_MAX s; a JVM still compiling then is flagged not-warm).
  local warm=0 k0 k1 t0c t1c share=100
  : >"$RUN/$tag.warmup.log"
  read -r k0 t0c < <(jit_ticks "$pid")
  while :; do
    "${ONLOAD[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP_STEP}s" "$url" >>"$RUN/$tag.warmup.log" 2>&1 || true
    warm=$(( warm + WARMUP_STEP ))
    read -r k1 t1c < <(jit_ticks "$pid")
    share=$(( 100 * (k1 - k0) / ( t1c - t0c > 0 ? t1c - t0c : 1 ) ))
    echo "warm-up ${warm}s: JIT ${share}% of JVM CPU" >>"$RUN/$tag.warmup.log"
    k0=$k1; t0c=$t1c
    (( warm >= WARMUP_MIN && share < WARM_JIT_PCT )) && break
    if (( warm >= WARMUP_MAX )); then note="not-warm(JIT ${share}%)"; break; fi
  done
  [ -n "$JVM_CPU" ] && taskset -a -p -c "$JVM_CPU" "$pid" >/dev/null
  local c0 c1
  "${ONLOAD[@]}" python3 bench/thread_cpu.py snap "$pid" "$RUN/$tag.threads0.json" || true
  c0=$(cpu_ticks "$pid")
  "${ONLOAD[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/wrk_report.lua "$url" >"$wlog" 2>&1 || { ok=0; note="wrk-exit"; }
  c1=$(cpu_ticks "$pid")
  "${ONLOAD[@]}" python3 bench/thread_cpu.py snap "$pid" "$RUN/$tag.threads1.json" || true
  local rss heap_used="" heap_live=""
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
  printf 'GC.heap_info\nGC.run\nGC.heap_info\n' >"$RUN/jcmd.txt"
  if out=$("${ONLOAD[@]}" timeout 30 "$JCMD" "$pid" -f "$RUN/jcmd.txt" 2>&1); then
    heap_used=$(grep -E 'heap +total' <<<"$out" | sed -n '1s/.*used \([0-9]*\)K.*/\1/p')
    heap_live=$(grep -E 'heap +total' <<<"$out" | sed -n '2s/.*used \([0-9]*\)K.*/\1/p')
  else
    echo "$out" >"$RUN/$tag.jcmd.log"; note="${note:+$note,}jcmd-failed"
  fi
  python3 bench/thread_cpu.py diff "$RUN/$tag.threads0.json" "$RUN/$tag.threads1.json" >"$RUN/$tag.threads.txt" 2>&1 || true
  stop_pid "$pid"   # exporters flush on shutdown, so the trace count covers the whole JVM
  read -r after_posts after_bytes < <(trace_stats)
  out=$(cat "$wlog")
  line=$(grep '^CF520BENCH' <<<"$out" || true)
  [ -n "$line" ] || { ok=0; note="${note:+$note,}no-wrk-report"; }
  local non2xx sockerr requests duration_us
  non2xx=$(sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' <<<"$out")
  sockerr=$(grep -m1 'Socket errors' <<<"$out" || true)
  requests=$(kv requests "$line"); duration_us=$(kv duration_us "$line")
  [ -n "$non2xx" ] && [ "$non2xx" != 0 ] && { ok=0; note="${note:+$note,}non2xx=$non2xx"; }
  local e
  for e in err_connect err_read err_write err_status err_timeout; do
    v=$(kv "$e" "$line"); [ -n "$v" ] && [ "$v" != 0 ] && { ok=0; note="${note:+$note,}$e=$v"; }
  done
  [ -n "$sockerr" ] && [ "$ok" = 1 ] && note="${note:+$note,}$(tr -d ' ,' <<<"$sockerr")"
  [ -n "$requests" ] && [ "$requests" -gt 0 ] || { ok=0; note="${note:+$note,}no-requests"; requests=0; }
  local rps="" cpu_us=""
  if [ "$requests" -gt 0 ] && [ -n "$duration_us" ]; then
    rps=$(awk -v r="$requests" -v d="$duration_us" 'BEGIN {printf "%.1f", r / (d / 1e6)}')
    cpu_us=$(awk -v t=$(( c1 - c0 )) -v hz="$CLK_TCK" -v r="$requests" 'BEGIN {printf "%.3f", t / hz * 1e6 / r}')
  fi
  local wtotal
  wtotal=$(awk '/requests in/ {s += $1} END {print s + 0}' "$RUN/$tag.warmup.log")
  wtotal=$(( wtotal + requests ))
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
    "$round" "$ep" "$cfg" "$ok" "${note:--}" "$ttfr" "$requests" "$duration_us" "$rps" "$(( c1 - c0 ))" "$cpu_us" \
    "$(kv p50 "$line")" "$(kv p99 "$line")" "$(kv p999 "$line")" "$rss" "$heap_used" "$heap_live" \
    "$(( after_posts - before_posts ))" "$(( after_bytes - before_bytes ))" "$wtotal" "$warm" >>"$RAW"
  printf '  %-26s first 200 after %5s ms  warm-up %2s s  %9s req/s  %7s us CPU/req  p99 %6s us  RSS %6s MB  %s\n' \
    "$tag" "$ttfr" "$warm" "${rps:-?}" "${cpu_us:-?}" "$(kv p99 "$line")" "$(( ${rss:-0} / 1024 ))" \
    "$( [ "$ok" = 1 ] && echo ok || echo "FAILED ($note)")"
}

START=$(date +%s)
DONE_ROUNDS=0
for round in $(seq "$ROUNDS"); do
  el=$(( $(date +%s) - START ))
  if (( BUDGET > 0 && DONE_ROUNDS > 0 && el + el / DONE_ROUNDS > BUDGET )); then
    echo "stopping after $DONE_ROUNDS of $ROUNDS rounds: another would end past the ${BUDGET} s budget (${el} s elapsed, $(( el / DONE_ROUNDS )) s per round)"
    break
  fi
  echo "round $round/$ROUNDS (${el} s elapsed)"
  for ep in "${ENDPOINTS[@]}"; do
    for cfg in "${CONFIG_LIST[@]}"; do
      measure "$round" "$ep" "$cfg"
    done
  done
  DONE_ROUNDS=$round
done

# Time to first served request of a Spring Boot application (4.0.7, Tomcat, nested-jar class loader),
# where class matching and loading costs show: BOOT_RUNS launches per configuration, interleaved.
BOOT_RUNS=${BOOT_RUNS:-3}
BOOT_SUMMARY=""
if (( BOOT_RUNS > 0 )); then
  echo "Spring Boot start-up: $BOOT_RUNS launches each of no agent, cf520, OpenTelemetry agent ..."
  BOOT_SUMMARY=$(APP=boot4 OTEL=1 bench/startup.sh "$BOOT_RUNS" 2>&1 | tee "$RUN/boot-startup.log" | grep '^boot4: median' || true)
fi
ELAPSED=$(( $(date +%s) - START ))

OUT=bench/results/overhead-$STAMP.md
python3 bench/overhead_report.py "$RAW" \
  --cf520-jar "$CF520_JAR" --otel-jar "$OTEL_JAR" --otel-version "$OTEL_VERSION" \
  --meta "rounds=$DONE_ROUNDS of $ROUNDS" "stamp=$STAMP" "duration=$DURATION" "warmup=until the JIT compiler threads use < ${WARM_JIT_PCT} % of the JVM's CPU over ${WARMUP_STEP} s (${WARMUP_MIN}-${WARMUP_MAX} s, JVM on both CPUs)" "wrk=-t$THREADS -c$CONNECTIONS --latency" \
         "placement=$PLACEMENT" "jvm=$("$JAVA_BIN" -version 2>&1 | head -1)" "jvm_flags=${JVM_FLAGS[*]}" \
         "elapsed=${ELAPSED}s" "cpus=$(nproc)" "raw=$RAW" >"$OUT"
if [ -n "$BOOT_SUMMARY" ]; then
  { echo; echo "## Time to first served request, Spring Boot 4.0.7 (Tomcat) executable jar"; echo
    echo "JVM launch to the first 200 on \`/hello\`, $BOOT_RUNS launches each, interleaved, exporters off (\`bench/startup.sh\`):"; echo
    echo "$BOOT_SUMMARY"; echo; sed 's/^/    /' "$RUN/boot-startup.log" | grep 'run '; } >>"$OUT"
fi
cat "$OUT"
echo
echo "written to $OUT"
