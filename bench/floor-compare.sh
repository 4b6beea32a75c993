#!/usr/bin/env bash
# endpoints-guard against its floor, in one run with the same wrk settings: a minimal Vert.x HTTPS server on the same
# certificate that parses the body into a Jackson tree and answers a fixed allowed review (bench/floor/FloorServer.java).
# Both listen on loopback only. Posts the 100-address, 2-port Endpoints review for DURATION with CONNS connections to
# each (a 10 s warm-up first, WARMUP=…), prints both request rates, p50/p99 and the ratio. Needs wrk and python3; builds the jar if missing.
# ROUNDS=n repeats the pair of measurements n times (warm-up only before the first) and also prints the median of
# the rounds' ratios: the machine's speed drifts between minutes, and adjacent windows see the same drift.
#   bench/floor-compare.sh            # 10 s, 4 connections
#   ROUNDS=3 bench/floor-compare.sh   # three alternating rounds
#   DURATION=30s bench/floor-compare.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
CONNS=${CONNS:-4}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-1}
FLOOR_PORT=${FLOOR_PORT:-18443}
out=target/bench-floor
command -v wrk >/dev/null || { echo "floor-compare.sh: wrk is required (apt-get install wrk)" >&2; exit 1; }
source bench/lib.sh
bench_prepare "$out"
java ${JAVA_OPTS:-} -cp 'target/quarkus-app/lib/main/*' bench/floor/FloorServer.java "$FLOOR_PORT" \
  "$out/certs/tls.crt" "$out/certs/tls.key" > "$out/floor.log" 2>&1 &
floor=$!
guard=
trap 'kill $guard $floor 2>/dev/null || true' EXIT
bench_start_guard "$out"
until grep -q "floor listening" "$out/floor.log"; do kill -0 $floor; sleep 0.1; done

measure() { # name url: measures one server, prints its line; the first call per server warms it up
  [[ -f "$out/$1.warm" ]] || { BODY="$out/review.json" wrk -t"$THREADS" -c"$CONNS" -d"${WARMUP:-10s}" -s bench/post.lua "$2" >/dev/null; touch "$out/$1.warm"; }
  BODY="$out/review.json" wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s bench/post.lua "$2" > "$out/$1.txt"
  rps=$(awk '/Requests\/sec/{print $2}' "$out/$1.txt")
  p50=$(awk '$1=="50%"{print $2}' "$out/$1.txt"); p99=$(awk '$1=="99%"{print $2}' "$out/$1.txt")
  echo "$1: $rps requests/s, p50 $p50, p99 $p99"
}
rm -f "$out"/*.warm "$out/ratios.txt"
for round in $(seq "$ROUNDS"); do
  [[ $ROUNDS == 1 ]] || echo "round $round"
  measure floor "https://127.0.0.1:$FLOOR_PORT/validate/endpoints"
  measure endpoints-guard https://127.0.0.1:8443/validate/endpoints
  f=$(awk '/Requests\/sec/{print $2}' "$out/floor.txt"); e=$(awk '/Requests\/sec/{print $2}' "$out/endpoints-guard.txt")
  python3 -c "print(f'{float($e)/float($f):.2f}')" | tee -a "$out/ratios.txt" | sed 's/^/ratio endpoints-guard \/ floor: /'
done
[[ $ROUNDS == 1 ]] || echo "median ratio of $ROUNDS rounds: $(sort -n "$out/ratios.txt" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
