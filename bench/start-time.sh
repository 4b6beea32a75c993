#!/usr/bin/env bash
# Process start to /q/health/ready UP on the embedded default (the files view of examples/cluster, as the README runs
# it), RUNS times each with: the JVM's default flags; the container's (SerialGC, which a 2-CPU pod with a 256Mi limit
# gets anyway); and the latter with an AppCDS archive written by one training run (-XX:ArchiveClassesAtExit).
#   bench/start-time.sh          # 3 runs each
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
out=target/bench-start
mkdir -p "$out"
[[ -f target/quarkus-app/quarkus-run.jar ]] || ./mvnw -B -q package -DskipTests
certs/generate.sh "$out/certs" >/dev/null

start() { # JVM flags...; runs the app until it is ready, prints the milliseconds, stops it
  local t0 pid
  t0=$(date +%s%N)
  ENDPOINTS_GUARD_CLUSTER_SOURCE=files ENDPOINTS_GUARD_CLUSTER_FILES=examples/cluster \
  ENDPOINTS_GUARD_TLS_CERT_FILE="$out/certs/tls.crt" ENDPOINTS_GUARD_TLS_KEY_FILE="$out/certs/tls.key" \
    java "$@" -jar target/quarkus-app/quarkus-run.jar > "$out/app.log" 2>&1 &
  pid=$!
  until curl -sf http://127.0.0.1:9000/q/health/ready >/dev/null; do kill -0 $pid; sleep 0.01; done
  echo $(( ($(date +%s%N) - t0) / 1000000 ))
  kill $pid; wait $pid 2>/dev/null || true
}
measure() { # label, JVM flags...
  local label=$1; shift
  local times=()
  for _ in $(seq "$RUNS"); do times+=("$(start "$@")"); done
  echo "$label: ${times[*]} ms"
}
measure "default JVM flags" -XX:+UseG1GC
measure "SerialGC (container)" -XX:+UseSerialGC
rm -f "$out/app.jsa"
start -XX:+UseSerialGC -XX:ArchiveClassesAtExit="$out/app.jsa" >/dev/null
measure "SerialGC + AppCDS" -XX:+UseSerialGC -XX:SharedArchiveFile="$out/app.jsa"
