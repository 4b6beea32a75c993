#!/usr/bin/env bash
# The informer-backed cluster view at scale ("100,000 Pods in a few hundred MB"), through the real
# list/watch path: a read-only fake API server runs in its own JVM (FakeApiServerMain, test classpath) and serves
# bench/cluster plus NS namespaces x PODS Pods and one Service each, paginated like a real API server; endpoints-guard
# runs from target/quarkus-app with cluster.source=kubernetes against it. Reports start-to-ready, heap after a full GC, RSS, then runs wrk like load.sh.
# Needs: a JDK (jcmd), python3, curl, wrk. Run ./mvnw -B verify (or package) first.
set -euo pipefail
cd "$(dirname "$0")/.."
NS=${NS:-1000}
PODS=${PODS:-100}
PORT=${PORT:-18443}
DURATION=${DURATION:-10s}
out=target/bench
mkdir -p "$out"

[[ -f target/quarkus-app/quarkus-run.jar ]] || ./mvnw -B -q package -DskipTests
certs/generate.sh "$out/certs" >/dev/null
python3 bench/make-review.py 100 > "$out/review.json"
source bench/lib.sh
mock=
trap 'kill $mock ${app:-} 2>/dev/null || true' EXIT
bench_start_fake_api "$out" "$PORT" "$NS" "$PODS"
grep -v READY "$out/mock-api.log" | tr '\n' ' '; echo

start=$(date +%s%N)
KUBERNETES_MASTER="http://127.0.0.1:$PORT" KUBERNETES_NAMESPACE=endpoints-guard \
ENDPOINTS_GUARD_CLUSTER_SOURCE=kubernetes ENDPOINTS_GUARD_RECONCILER_MODE=off QUARKUS_LOG_LEVEL=WARN \
ENDPOINTS_GUARD_TLS_CERT_FILE="$out/certs/tls.crt" ENDPOINTS_GUARD_TLS_KEY_FILE="$out/certs/tls.key" \
  java ${JAVA_OPTS:-} -jar target/quarkus-app/quarkus-run.jar > "$out/app-informers.log" 2>&1 &
app=$!
until curl -sf http://localhost:9000/q/health/ready >/dev/null; do
  kill -0 $app 2>/dev/null || { cat "$out/app-informers.log"; exit 1; }
  sleep 0.1
done
echo "start to ready (informers synced): $(( ($(date +%s%N) - start) / 1000000 )) ms ($NS Services, $((NS * PODS)) Pods)"
curl -s --cacert "$out/certs/ca.crt" -H 'Content-Type: application/json' --data @"$out/review.json" \
  https://localhost:8443/validate/endpoints | head -c 200; echo
# proof that the Pods arrived with their IPs: the last generated Pod's IP, used in namespace bench, is foreign
last=$((NS * PODS - 1))
python3 bench/make-review.py 1 | sed "s/192\.168\.0\.1\"/10.$((200 + last / 62500)).$((last / 250 % 250)).$((last % 250 + 1))\"/" > "$out/foreign.json"
curl -s --cacert "$out/certs/ca.crt" -H 'Content-Type: application/json' --data @"$out/foreign.json" \
  https://localhost:8443/validate/endpoints | grep -o '\[ip-foreign-pod\][^;]*' | cut -c1-120 || { echo "no ip-foreign-pod finding"; exit 1; }
jcmd $app GC.run >/dev/null
echo "heap used after full GC, caches loaded: $(jcmd $app GC.heap_info | awk '/garbage-first heap/{print $(NF-2)}' | tr -d ',')"
echo "RSS: $(( $(awk '/VmRSS/{print $2}' /proc/$app/status) / 1024 )) MiB"
BODY="$out/review.json" wrk -t2 -c4 -d3s -s bench/post.lua https://localhost:8443/validate/endpoints >/dev/null
BODY="$out/review.json" wrk -t2 -c4 -d"$DURATION" --latency -s bench/post.lua https://localhost:8443/validate/endpoints \
  | grep -E "Requests/sec|50%|99%"
echo "RSS after load: $(( $(awk '/VmRSS/{print $2}' /proc/$app/status) / 1024 )) MiB"
