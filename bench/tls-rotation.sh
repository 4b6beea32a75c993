#!/usr/bin/env bash
# Certificate rotation under load, on loopback only. Serves the pair from a directory laid out like a kubelet Secret
# volume (tls.crt/tls.key -> ..data/ -> ..<timestamp>/), re-read every second, while CLIENTS curl loops send reviews
# on a new TLS connection per request; every INTERVAL seconds the pair is swapped the way the kubelet does it (new
# directory, ln -s ..data_tmp, mv -T ..data_tmp ..data, remove the old one), ROTATIONS times. Prints requests,
# failures and rotations; exits 1 on any failed request. Needs java, curl, openssl. Builds the jar only if missing.
#
#   bench/tls-rotation.sh                 # 4 clients, 17 rotations every 1.2 s
#   ROTATIONS=30 INTERVAL=0.5 bench/tls-rotation.sh
set -euo pipefail
cd "$(dirname "$0")/.."
CLIENTS=${CLIENTS:-4}
ROTATIONS=${ROTATIONS:-17}
INTERVAL=${INTERVAL:-1.2}
jar=target/quarkus-app/quarkus-run.jar
[[ -f $jar ]] || ./mvnw -B -q package -DskipTests

work=$(mktemp -d)
pid=
cleanup() { [[ -z $pid ]] || kill "$pid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=${PORT:-$(free_port)}
mport=${MANAGEMENT_PORT:-$(free_port)}

certs/generate.sh "$work/a" endpoints-guard endpoints-guard --force >/dev/null
certs/generate.sh "$work/b" endpoints-guard endpoints-guard --force >/dev/null
live="$work/live"
mkdir -p "$live"
# One kubelet-style update: the new pair appears in one rename of the ..data link.
publish() {
  local src=$1 name old
  name="..$(date -u +%Y_%m_%d_%H_%M_%S.%N)"
  old=$(readlink "$live/..data" 2>/dev/null || true)
  mkdir "$live/$name"
  cp "$src/tls.crt" "$src/tls.key" "$live/$name/"
  ln -s "$name" "$live/..data_tmp"
  mv -T "$live/..data_tmp" "$live/..data"
  [[ -e $live/tls.crt ]] || { ln -s ..data/tls.crt "$live/tls.crt"; ln -s ..data/tls.key "$live/tls.key"; }
  if [[ -n $old ]]; then rm -rf "${live:?}/$old"; fi
}
publish "$work/a"

java -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.ssl-port="$port" \
  -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$mport" \
  -Dendpoints-guard.cluster.source=files -Dendpoints-guard.cluster.files=examples/cluster \
  -Dendpoints-guard.reconciler.mode=off \
  -Dendpoints-guard.tls.cert-file="$live/tls.crt" -Dendpoints-guard.tls.key-file="$live/tls.key" \
  -Dendpoints-guard.tls.reload-period=1s \
  -jar "$jar" > "$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 120); do
  curl -sf "http://127.0.0.1:$mport/q/health/ready" >/dev/null && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/server.log"; exit 2; }
  sleep 0.5
done
curl -sf "http://127.0.0.1:$mport/q/health/ready" >/dev/null || { echo "server not ready"; tail -20 "$work/server.log"; exit 2; }

# A client: one curl (one TCP + TLS connection) per review; any answer other than 200 counts as a failure.
client() {
  local n=$1 ok=0 failed=0 code
  while [[ ! -e $work/stop ]]; do
    code=$(curl -sk --http1.1 --max-time 10 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
      --data @examples/reviews/endpoints-typo.json "https://127.0.0.1:$port/validate/endpoints" 2>/dev/null) || true
    if [[ $code == 200 ]]; then ok=$((ok + 1)); else failed=$((failed + 1)); echo "$(date +%T.%N) $code" >> "$work/failures"; fi
  done
  echo "$ok $failed" > "$work/client-$n"
}
for n in $(seq "$CLIENTS"); do client "$n" & done

sleep 1
for r in $(seq "$ROTATIONS"); do
  sleep "$INTERVAL"
  if (( r % 2 )); then publish "$work/b"; else publish "$work/a"; fi
done
sleep 2
touch "$work/stop"
wait $(jobs -p | grep -v "^$pid$") 2>/dev/null || true

ok=0; failed=0
for n in $(seq "$CLIENTS"); do read -r o f < "$work/client-$n"; ok=$((ok + o)); failed=$((failed + f)); done
reloads=$(curl -s "http://127.0.0.1:$mport/q/metrics" | grep '^endpoints_guard_tls_reloads_total' || true)
echo "requests=$((ok + failed)) failures=$failed rotations=$ROTATIONS interval=${INTERVAL}s clients=$CLIENTS"
echo "${reloads:-no reload metrics}"
echo "server log lines 'Failed to initialize a channel': $(grep -c 'Failed to initialize a channel' "$work/server.log" || true)"
[[ -s $work/failures ]] && { echo "first failures (time, HTTP code; 000 = no response):"; head -5 "$work/failures"; }
(( failed == 0 ))
