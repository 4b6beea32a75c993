#!/usr/bin/env bash
# Where the admission time goes: starts endpoints-guard as bench/floor-compare.sh does, with a JFR recording
# (settings=profile), loads it with the 100-address, 2-port review (10 s warm-up, then DURATION with wrk), dumps the
# recording and prints the hottest methods (self time) and the share of each stage (inclusive time), from
# bench/jfr-summary.py. Needs wrk, python3 and the JDK's jfr tool.
#   bench/profile.sh                  # 20 s under load, 4 connections
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-20s}
CONNS=${CONNS:-4}
out=target/bench-profile
command -v wrk >/dev/null || { echo "profile.sh: wrk is required (apt-get install wrk)" >&2; exit 1; }
source bench/lib.sh
bench_prepare "$out"
guard=
trap 'kill $guard 2>/dev/null || true' EXIT
bench_start_guard "$out"
url=https://127.0.0.1:8443${PATH_UNDER_TEST:-/validate/endpoints}
BODY="$out/review.json" wrk -t2 -c"$CONNS" -d"${WARMUP:-10s}" -s bench/post.lua "$url" >/dev/null
# the profile settings, sampling every millisecond instead of every 10 (more samples in a short run)
jfc=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")/lib/jfr/profile.jfc
sed 's|<setting name="period" control="method-sampling-java-interval">10 ms</setting>|<setting name="period" control="method-sampling-java-interval">1 ms</setting>|' \
  "$jfc" > "$out/sampling.jfc"
jcmd $guard JFR.start name=load settings="$PWD/$out/sampling.jfc" >/dev/null
BODY="$out/review.json" wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s bench/post.lua "$url" | grep -E "Requests/sec|50%|99%"
jcmd $guard JFR.dump name=load filename="$PWD/$out/load.jfr" >/dev/null
jfr print --events jdk.ExecutionSample --stack-depth 96 "$out/load.jfr" > "$out/samples.txt"
python3 bench/jfr-summary.py "$out/samples.txt"
