#!/usr/bin/env bash
# The start-up floor: bench/start-floor is a Quarkus app with endpoints-guard's extensions and HTTP settings, one
# route and no code of its own. Times it from process start to /q/health/ready UP as bench/start-time.sh times
# endpoints-guard (SerialGC, then SerialGC with an AppCDS archive of one training start), RUNS times each.
#   bench/start-floor.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/bench-start-floor
source bench/lib.sh
mkdir -p "$out"
version=$(sed -n 's|.*<quarkus.platform.version>\(.*\)</quarkus.platform.version>.*|\1|p' pom.xml)
./mvnw -B -q -f bench/start-floor/pom.xml package -Dquarkus.platform.version="$version"
certs/generate.sh "$out/certs" >/dev/null
export QUARKUS_HTTP_SSL_CERTIFICATE_FILES="$out/certs/tls.crt" QUARKUS_HTTP_SSL_CERTIFICATE_KEY_FILES="$out/certs/tls.key"
jar=bench/start-floor/target/quarkus-app/quarkus-run.jar

bench_measure_start "floor, SerialGC" "$jar" "$out/app.log" -XX:+UseSerialGC
rm -f "$out/app-cds.jsa"
bench_start_to_ready "$jar" "$out/training.log" -XX:+UseSerialGC -XX:ArchiveClassesAtExit="$out/app-cds.jsa" >/dev/null
bench_measure_start "floor, SerialGC + AppCDS" "$jar" "$out/app.log" \
  -XX:+UseSerialGC -XX:SharedArchiveFile="$out/app-cds.jsa"
