#!/usr/bin/env bash
# Latency at half of the maximum load, at a fixed rate (no closed-loop queueing): starts endpoints-guard as
# bench/floor-compare.sh does, measures its maximum with wrk (10 s warm-up, then 10 s, 4 connections, the 100-address
# 2-port review), then sends half that rate with h2load --rps over HTTP/2 (as the API server talks to webhooks): 4
# clients, one stream each, for DURATION seconds. Prints p50/p90/p99/p99.9/max from h2load's per-request log.
# Needs wrk, h2load (apt-get install nghttp2-client) and python3.
#   bench/half-load-latency.sh            # 30 s at half load
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-30}
CLIENTS=${CLIENTS:-4}
out=target/bench-half-load
command -v wrk >/dev/null || { echo "half-load-latency.sh: wrk is required (apt-get install wrk)" >&2; exit 1; }
command -v h2load >/dev/null || { echo "half-load-latency.sh: h2load is required (apt-get install nghttp2-client)" >&2; exit 1; }
source bench/lib.sh
bench_prepare "$out"
guard=
trap 'kill $guard 2>/dev/null || true' EXIT
bench_start_guard "$out"
url=https://127.0.0.1:8443/validate/endpoints

BODY="$out/review.json" wrk -t2 -c4 -d10s -s bench/post.lua "$url" >/dev/null
BODY="$out/review.json" wrk -t2 -c4 -d10s --latency -s bench/post.lua "$url" > "$out/max.txt"
max=$(awk '/Requests\/sec/{print int($2)}' "$out/max.txt")
rate=$(( max / 2 ))
per_client=$(( rate / CLIENTS ))
echo "maximum (wrk, 4 connections): $max requests/s; fixed rate: $rate requests/s ($CLIENTS clients x $per_client)"
rm -f "$out"/h2load.log*
h2load -c "$CLIENTS" -m 1 --rps "$per_client" -n $(( per_client * CLIENTS * DURATION )) \
  -H 'Content-Type: application/json' -d "$out/review.json" --log-file "$out/h2load.log" "$url" > "$out/h2load.txt"
grep -E "requests:|status codes:" "$out/h2load.txt"
python3 - "$out/h2load.log" <<'PY'
import sys
durations = sorted(int(line.split()[2]) for line in open(sys.argv[1]) if line.strip())  # start(us) status duration(us)
def q(p): return durations[min(len(durations) - 1, int(p * len(durations)))] / 1000.0
print(f"{len(durations)} requests at a fixed rate: p50 {q(0.5):.2f} ms, p90 {q(0.9):.2f} ms, "
      f"p99 {q(0.99):.2f} ms, p99.9 {q(0.999):.2f} ms, max {durations[-1] / 1000.0:.2f} ms")
PY
