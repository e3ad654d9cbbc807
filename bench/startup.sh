#!/usr/bin/env bash
# Time to first served request, without and with the agent (and with the OpenTelemetry Java agent
# when OTEL=1), interleaved run by run (A B C [D] A B C [D] ...) so machine drift hits all alike.
# cf520 runs twice per round: with its cache of hooked classes warm (a restart: the cache directory
# is filled by one untimed launch first) and without it (cf520.cache-dir=off: a first start, or
# a new agent jar). Prints each run and the medians.
#   bench/startup.sh [runs=5]                the demo origin (embedded Tomcat 11)
#   APP=boot4 bench/startup.sh [runs]        the Spring Boot 4.0.7 / Tomcat executable jar
#   APP=boot3 bench/startup.sh [runs]        the Spring Boot 3.5.7 / Undertow executable jar
#   OTEL=1 ...                               also the OpenTelemetry Java agent 2.33.1 (from bench/target)
#   CF520_AGENT=path/to.jar ...              another cf520 jar than agent/target/cf520-agent.jar
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
app=${APP:-demo}
case "$app" in
  demo)  jar=demo-app/target/cf520-demo.jar ;;
  boot4) jar=fixtures/boot4-tomcat/target/cf520-fixture-boot4-tomcat.jar ;;
  boot3) jar=fixtures/boot3-undertow/target/cf520-fixture-boot3-undertow.jar ;;
  *) echo "startup.sh: APP must be demo, boot4 or boot3 (got '$app')" >&2; exit 2 ;;
esac
agent=${CF520_AGENT:-agent/target/cf520-agent.jar}
[ -f "$agent" ] && [ -f "$jar" ] || mvn -B -q -DskipTests package
otel_jar=bench/target/opentelemetry-javaagent-2.33.1.jar
if [ -n "${OTEL:-}" ] && [ ! -f "$otel_jar" ]; then
  mkdir -p bench/target
  mvn -B -q -N org.apache.maven.plugins:maven-dependency-plugin:3.9.0:copy -Dartifact=io.opentelemetry.javaagent:opentelemetry-javaagent:2.33.1 -DoutputDirectory=bench/target
fi
port=18520
measure() { # $@: extra JVM flags; prints ms from JVM launch to the first 200 from /hello
  local t0 t1 pid
  t0=$(date +%s%N)
  if [ "$app" = demo ]; then portarg=(--port $port); else portarg=(--server.address=127.0.0.1 --server.port=$port); fi
  java "$@" -Dotel.traces.exporter=none -Dotel.metrics.exporter=none -Dotel.logs.exporter=none \
    -jar "$jar" "${portarg[@]}" >/dev/null 2>&1 &
  pid=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$port/hello"; do
    kill -0 $pid 2>/dev/null || { echo "startup.sh: the origin exited" >&2; exit 1; }
    sleep 0.005
  done
  t1=$(date +%s%N)
  kill $pid; wait $pid 2>/dev/null || true
  echo $(( (t1 - t0) / 1000000 ))
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
cache=$(mktemp -d "${TMPDIR:-/tmp}/cf520-startup-cache.XXXXXX")
trap 'rm -rf "$cache"' EXIT
warm=(-javaagent:$agent -Dcf520.cache-dir=$cache/c)
measure "${warm[@]}" >/dev/null # fills the cache
without=(); with=(); cold=(); otel=()
for i in $(seq "$runs"); do
  a=$(measure); b=$(measure "${warm[@]}"); d=$(measure -javaagent:$agent -Dcf520.cache-dir=off)
  line="run $i: no agent ${a} ms, cf520 ${b} ms, cf520 without its cache ${d} ms"
  without+=("$a"); with+=("$b"); cold+=("$d")
  if [ -n "${OTEL:-}" ]; then
    c=$(measure -javaagent:$otel_jar); otel+=("$c"); line="$line, OpenTelemetry agent ${c} ms"
  fi
  echo "$line"
done
ma=$(printf '%s\n' "${without[@]}" | median); mb=$(printf '%s\n' "${with[@]}" | median)
md=$(printf '%s\n' "${cold[@]}" | median)
summary="$app: median time to first served request: no agent ${ma} ms, cf520 ${mb} ms (+$((mb - ma)) ms), cf520 without its cache ${md} ms (+$((md - ma)) ms)"
if [ -n "${OTEL:-}" ]; then
  mc=$(printf '%s\n' "${otel[@]}" | median); summary="$summary, OpenTelemetry agent ${mc} ms (+$((mc - ma)) ms)"
fi
echo "$summary"
echo "agent jar: $(stat -c %s "$agent") bytes"
