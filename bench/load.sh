#!/usr/bin/env bash
# Admission load test on loopback: builds the JVM app, starts it on the files-backed cluster view
# (bench/cluster + a generated cluster of NS x PODS objects), measures start-to-ready, runs wrk for
# DURATION with CONNS connections posting a 100-address, 2-port Endpoints review over HTTPS, then reports
# RSS. Needs: wrk (apt-get install wrk), python3, openssl, curl. Optional: h2load (apt-get install nghttp2-client).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
CONNS=${CONNS:-4}
THREADS=${THREADS:-2}
ADDRESSES=${ADDRESSES:-100}
NS=${NS:-200}
PODS=${PODS:-50}
out=target/bench
mkdir -p "$out"

[[ -f target/quarkus-app/quarkus-run.jar && "${REBUILD:-0}" != 1 ]] || ./mvnw -B -q package -DskipTests
certs/generate.sh "$out/certs" >/dev/null
python3 bench/make-cluster.py "$NS" "$PODS" > "$out/generated-cluster.json"
mkdir -p "$out/cluster" && cp bench/cluster/bench.yaml "$out/cluster/" && cp "$out/generated-cluster.json" "$out/cluster/"
python3 bench/make-review.py "$ADDRESSES" > "$out/review.json"

start=$(date +%s%N)
ENDPOINTS_GUARD_CLUSTER_SOURCE=files ENDPOINTS_GUARD_CLUSTER_FILES="$out/cluster" \
ENDPOINTS_GUARD_TLS_CERT_FILE="$out/certs/tls.crt" ENDPOINTS_GUARD_TLS_KEY_FILE="$out/certs/tls.key" \
ENDPOINTS_GUARD_RECONCILER_MODE=off QUARKUS_LOG_LEVEL=WARN \
  java ${JAVA_OPTS:-} -jar target/quarkus-app/quarkus-run.jar > "$out/app.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until curl -sf http://localhost:9000/q/health/ready >/dev/null; do
  kill -0 $pid 2>/dev/null || { cat "$out/app.log"; exit 1; }
  sleep 0.05
done
ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "start to ready: ${ready_ms} ms (cluster view: $NS Services, $((NS * PODS)) Pods)"
curl -s --cacert "$out/certs/ca.crt" -H 'Content-Type: application/json' --data @"$out/review.json" \
  https://localhost:8443/validate/endpoints | head -c 300; echo
rss_idle=$(awk '/VmRSS/{print $2}' /proc/$pid/status)
if command -v jcmd >/dev/null; then
  jcmd $pid GC.run >/dev/null
  echo "heap used after full GC, caches loaded: $(jcmd $pid GC.heap_info | awk '/garbage-first heap/{print $(NF-2)}' | tr -d ',')"
fi

# warm-up, then the measured run
BODY="$out/review.json" wrk -t"$THREADS" -c"$CONNS" -d3s -s bench/post.lua https://localhost:8443/validate/endpoints >/dev/null
BODY="$out/review.json" wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s bench/post.lua \
  https://localhost:8443/validate/endpoints | tee "$out/wrk.txt"
if command -v h2load >/dev/null; then
  h2load -n 20000 -c "$CONNS" -t "$THREADS" -H 'Content-Type: application/json' -d "$out/review.json" \
    https://localhost:8443/validate/endpoints | tee "$out/h2load.txt" | grep -E "finished in|requests:|time for request" || true
fi
rss_after=$(awk '/VmRSS/{print $2}' /proc/$pid/status)
if [[ "${JAVA_OPTS:-}" == *NativeMemoryTracking* ]]; then
  jcmd $pid VM.native_memory summary | grep -E "^-|Total" | sed -E 's/\(reserved=[0-9]+KB, //' > "$out/nmt.txt"; cat "$out/nmt.txt"
fi
echo "RSS idle: $((rss_idle / 1024)) MiB, after load: $((rss_after / 1024)) MiB"
