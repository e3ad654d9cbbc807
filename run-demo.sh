#!/usr/bin/env bash
# Builds cf520 and starts the demo origin (embedded Tomcat 11) with the agent attached.
# Every request to a /fault/* endpoint prints a "cf520 520-risk" line here; spans and metrics go
# over OTLP to http://localhost:4318 (Jaeger's default) unless OTEL_EXPORTER_OTLP_ENDPOINT says otherwise.
#   ./run-demo.sh                 port 8080
#   PORT=9090 ./run-demo.sh       another port
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q -Dstyle.color=never -DskipTests package
exec java -javaagent:agent/target/cf520-agent.jar -jar demo-app/target/cf520-demo.jar --port "${PORT:-8080}" "$@"
