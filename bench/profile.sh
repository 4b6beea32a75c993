#!/usr/bin/env bash
# Where the admission time goes: starts endpoints-guard as bench/floor-compare.sh does, with a JFR recording
# (settings=profile), loads it with the 100-address, 2-port review (10 s warm-up, then DURATION with wrk), dumps the
# recording and prints the hottest methods (self time) and the share of each stage (inclusive time), from
# bench/jfr-summary.py. Needs wrk, python3 and the JDK's jfr tool.
#   bench/profile.sh                  # 20 s under load, 4 connections
#   PATH_UNDER_TEST=/validate/endpointslices REVIEW=slice bench/profile.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-20s}
CONNS=${CONNS:-4}
out=target/bench-profile
mkdir -p "$out"
command -v wrk >/dev/null || { echo "profile.sh: wrk is required (apt-get install wrk)" >&2; exit 1; }
[[ -f target/quarkus-app/quarkus-run.jar ]] || ./mvnw -B -q package -DskipTests
certs/generate.sh "$out/certs" >/dev/null
python3 bench/make-review.py 100 > "$out/review.json"
rm -f "$out/app.jfr"
ENDPOINTS_GUARD_CLUSTER_SOURCE=files ENDPOINTS_GUARD_CLUSTER_FILES=bench/cluster \
ENDPOINTS_GUARD_TLS_CERT_FILE="$out/certs/tls.crt" ENDPOINTS_GUARD_TLS_KEY_FILE="$out/certs/tls.key" \
ENDPOINTS_GUARD_RECONCILER_MODE=off ENDPOINTS_GUARD_AUDIT_INTERVAL=0 QUARKUS_LOG_LEVEL=WARN QUARKUS_HTTP_HOST=127.0.0.1 \
  java ${JAVA_OPTS:-} -XX:StartFlightRecording=settings=profile,filename="$out/app.jfr",dumponexit=true \
  -jar target/quarkus-app/quarkus-run.jar > "$out/app.log" 2>&1 &
guard=$!
trap 'kill $guard 2>/dev/null || true' EXIT
until curl -sf http://127.0.0.1:9000/q/health/ready >/dev/null; do kill -0 $guard; sleep 0.1; done
url=https://127.0.0.1:8443${PATH_UNDER_TEST:-/validate/endpoints}
BODY="$out/review.json" wrk -t2 -c"$CONNS" -d10s -s bench/post.lua "$url" >/dev/null
jcmd $guard JFR.stop name=1 >/dev/null 2>&1 || true
jcmd $guard JFR.start name=load settings=profile >/dev/null
BODY="$out/review.json" wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s bench/post.lua "$url" | grep -E "Requests/sec|50%|99%"
jcmd $guard JFR.dump name=load filename="$PWD/$out/load.jfr" >/dev/null
jfr print --events jdk.ExecutionSample --stack-depth 96 "$out/load.jfr" > "$out/samples.txt"
python3 bench/jfr-summary.py "$out/samples.txt"
