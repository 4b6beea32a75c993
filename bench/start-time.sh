#!/usr/bin/env bash
# Process start to /q/health/ready UP, polled every 5 ms by bench/wait-ready.py, RUNS times each (default 5, median
# last). By default on the embedded default (the files view of examples/cluster, as the README runs it) with: the
# JVM's default flags; the container's (SerialGC, which a 2-CPU pod with a 256Mi limit gets anyway); and SerialGC with
# an AppCDS archive that src/main/docker/train-class-archive.sh writes for these manifests (a start that exits once
# started). SOURCE=kubernetes times the chart's start instead, the Kubernetes source against bench's fake API server
# (NS namespaces x PODS Pods), SerialGC without and with the archive the JVM image carries (the same script without
# manifests). bench/start-floor.sh times the same stack without endpoints-guard's code.
#   bench/start-time.sh
#   SOURCE=kubernetes NS=20 PODS=5 bench/start-time.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/bench-start
source bench/lib.sh
mkdir -p "$out"
[[ -f target/quarkus-app/quarkus-run.jar ]] || ./mvnw -B -q package -DskipTests
certs/generate.sh "$out/certs" >/dev/null
export ENDPOINTS_GUARD_TLS_CERT_FILE="$out/certs/tls.crt" ENDPOINTS_GUARD_TLS_KEY_FILE="$out/certs/tls.key"
jar=target/quarkus-app/quarkus-run.jar

if [[ ${SOURCE:-files} == kubernetes ]]; then
  TRAINING_JAVA_OPTS=-XX:+UseSerialGC src/main/docker/train-class-archive.sh "$jar" "$out/image-cds.jsa"
  mock=
  trap 'kill $mock 2>/dev/null || true' EXIT
  bench_start_fake_api "$out" 18443 "${NS:-20}" "${PODS:-5}"
  export KUBERNETES_MASTER=http://127.0.0.1:18443 KUBERNETES_NAMESPACE=endpoints-guard \
    ENDPOINTS_GUARD_CLUSTER_SOURCE=kubernetes ENDPOINTS_GUARD_RECONCILER_MODE=off
  bench_measure_start "Kubernetes source, SerialGC" "$jar" "$out/app.log" -XX:+UseSerialGC
  bench_measure_start "Kubernetes source, SerialGC + the JVM image's AppCDS archive" "$jar" "$out/app.log" \
    -XX:+UseSerialGC -XX:SharedArchiveFile="$out/image-cds.jsa"
  exit
fi
export ENDPOINTS_GUARD_CLUSTER_SOURCE=files ENDPOINTS_GUARD_CLUSTER_FILES=examples/cluster
bench_measure_start "default JVM flags" "$jar" "$out/app.log" -XX:+UseG1GC
bench_measure_start "SerialGC (container)" "$jar" "$out/app.log" -XX:+UseSerialGC
TRAINING_JAVA_OPTS=-XX:+UseSerialGC src/main/docker/train-class-archive.sh "$jar" "$out/app-cds.jsa" examples/cluster
bench_measure_start "SerialGC + AppCDS" "$jar" "$out/app.log" -XX:+UseSerialGC -XX:SharedArchiveFile="$out/app-cds.jsa"
