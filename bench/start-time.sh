#!/usr/bin/env bash
# Process start to /q/health/ready UP on the embedded default (the files view of examples/cluster, as the README runs
# it), polled every 5 ms by bench/wait-ready.py. RUNS times each (default 5, median last) with: the JVM's default
# flags; the container's (SerialGC, which a 2-CPU pod with a 256Mi limit gets anyway); and the JVM image's way,
# SerialGC with the AppCDS archive that src/main/docker/train-class-archive.sh writes (a start that exits once
# started). bench/start-floor.sh times the same stack without endpoints-guard's code.
#   bench/start-time.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/bench-start
source bench/lib.sh
mkdir -p "$out"
[[ -f target/quarkus-app/quarkus-run.jar ]] || ./mvnw -B -q package -DskipTests
certs/generate.sh "$out/certs" >/dev/null
export ENDPOINTS_GUARD_TLS_CERT_FILE="$out/certs/tls.crt" ENDPOINTS_GUARD_TLS_KEY_FILE="$out/certs/tls.key"
export ENDPOINTS_GUARD_CLUSTER_SOURCE=files ENDPOINTS_GUARD_CLUSTER_FILES=examples/cluster
jar=target/quarkus-app/quarkus-run.jar

bench_measure_start "default JVM flags" "$jar" "$out/app.log" -XX:+UseG1GC
bench_measure_start "SerialGC (container)" "$jar" "$out/app.log" -XX:+UseSerialGC
TRAINING_JAVA_OPTS=-XX:+UseSerialGC src/main/docker/train-class-archive.sh "$jar" "$out/app-cds.jsa" examples/cluster
bench_measure_start "SerialGC + AppCDS (JVM image)" "$jar" "$out/app.log" \
  -XX:+UseSerialGC -XX:SharedArchiveFile="$out/app-cds.jsa"
