#!/usr/bin/env bash
# Time to first served request of the demo origin, without and with the agent, interleaved
# (A B A B ...) so machine drift hits both alike. Prints each run and the medians.
#   bench/startup.sh [runs=5]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
[ -f agent/target/cf520-agent.jar ] && [ -f demo-app/target/cf520-demo.jar ] || mvn -B -q -DskipTests package
port=18520
measure() { # $@: extra JVM flags; prints ms from JVM launch to the first 200 from /hello
  local t0 t1 pid
  t0=$(date +%s%N)
  java "$@" -Dotel.traces.exporter=none -Dotel.metrics.exporter=none -jar demo-app/target/cf520-demo.jar --port $port >/dev/null 2>&1 &
  pid=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$port/hello"; do sleep 0.005; done
  t1=$(date +%s%N)
  kill $pid; wait $pid 2>/dev/null || true
  echo $(( (t1 - t0) / 1000000 ))
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
without=(); with=()
for i in $(seq "$runs"); do
  a=$(measure); b=$(measure -javaagent:agent/target/cf520-agent.jar)
  echo "run $i: no agent ${a} ms, cf520 ${b} ms"
  without+=("$a"); with+=("$b")
done
ma=$(printf '%s\n' "${without[@]}" | median); mb=$(printf '%s\n' "${with[@]}" | median)
echo "median time to first served request: no agent ${ma} ms, cf520 ${mb} ms (+$((mb - ma)) ms)"
echo "agent jar: $(stat -c %s agent/target/cf520-agent.jar) bytes"
