# Sourced by the bench scripts: the certificates, the 100-address review, and endpoints-guard on the files view of
# bench/cluster (reconciler and audit off, loopback only), ready before the function returns.
#   bench_prepare DIR          # builds the jar if missing, writes DIR/certs and DIR/review.json
#   bench_start_guard DIR [JVM flags...]   # sets $guard to the process id; stop it with: kill $guard
#   bench_start_to_ready JAR LOG [JVM flags...]          # start-up timing, see below
#   bench_measure_start LABEL JAR LOG [JVM flags...]
#   bench_start_fake_api DIR PORT NS PODS   # sets $mock; the read-only fake API server with bench/cluster + generated
bench_prepare() {
  local dir=$1
  mkdir -p "$dir"
  [[ -f target/quarkus-app/quarkus-run.jar ]] || ./mvnw -B -q package -DskipTests
  certs/generate.sh "$dir/certs" >/dev/null
  python3 bench/make-review.py 100 > "$dir/review.json"
}

bench_start_guard() {
  local dir=$1; shift
  ENDPOINTS_GUARD_CLUSTER_SOURCE=files ENDPOINTS_GUARD_CLUSTER_FILES=bench/cluster \
  ENDPOINTS_GUARD_TLS_CERT_FILE="$dir/certs/tls.crt" ENDPOINTS_GUARD_TLS_KEY_FILE="$dir/certs/tls.key" \
  ENDPOINTS_GUARD_RECONCILER_MODE=off ENDPOINTS_GUARD_AUDIT_INTERVAL=0 QUARKUS_LOG_LEVEL=WARN QUARKUS_HTTP_HOST=127.0.0.1 \
    java ${JAVA_OPTS:-} "$@" -jar target/quarkus-app/quarkus-run.jar > "$dir/app.log" 2>&1 &
  guard=$!
  until curl -sf http://127.0.0.1:9000/q/health/ready >/dev/null; do kill -0 $guard; sleep 0.1; done
}

# Milliseconds from process start to /q/health/ready UP (bench/wait-ready.py polls every 5 ms from one process), then
# stops the process. Settings come from the environment.
#   bench_start_to_ready JAR LOG [JVM flags...]
bench_start_to_ready() {
  local jar=$1 log=$2 t0 pid
  shift 2
  t0=$(date +%s%N)
  java "$@" -jar "$jar" > "$log" 2>&1 &
  pid=$!
  python3 bench/wait-ready.py 9000 || { kill $pid; cat "$log" >&2; return 1; }
  echo $(( ($(date +%s%N) - t0) / 1000000 ))
  kill $pid; wait $pid 2>/dev/null || true
}

# RUNS (default 5) starts with the same flags; prints "LABEL: each ms, median M ms".
#   bench_measure_start LABEL JAR LOG [JVM flags...]
#   bench_start_fake_api DIR PORT NS PODS   # sets $mock; the read-only fake API server with bench/cluster + generated
bench_measure_start() {
  local label=$1 runs=${RUNS:-5} times=()
  shift
  for _ in $(seq "$runs"); do times+=("$(bench_start_to_ready "$@")"); done
  echo "$label: ${times[*]} ms, median $(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p") ms"
}

# The read-only fake API server (FakeApiServerMain, test classpath) on PORT, serving bench/cluster plus NS namespaces
# x PODS Pods and one Service each, paginated like a real API server; sets $mock, returns once it listens.
#   bench_start_fake_api DIR PORT NS PODS
bench_start_fake_api() {
  local dir=$1 port=$2 ns=$3 pods=$4
  [[ -d target/test-classes/dev/endpointsguard/bench ]] || ./mvnw -B -q test-compile
  ./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$dir/test-classpath.txt" \
    </dev/null >/dev/null
  python3 bench/make-cluster.py "$ns" "$pods" > "$dir/generated-cluster.json"
  python3 -c 'import sys, yaml, json; print(json.dumps({"kind": "List", "items": [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]}))' \
    bench/cluster/bench.yaml > "$dir/bench-cluster.json"
  rm -f "$dir/mock-api.log" # a READY left from the last run would end the wait below before this server starts
  java -Xmx${MOCK_HEAP:-2g} -cp "target/test-classes:target/classes:$(cat "$dir/test-classpath.txt")" \
    dev.endpointsguard.bench.FakeApiServerMain "$port" "$dir/bench-cluster.json" "$dir/generated-cluster.json" \
    > "$dir/mock-api.log" 2>&1 &
  mock=$!
  until grep -q "^READY" "$dir/mock-api.log" 2>/dev/null; do
    kill -0 $mock 2>/dev/null || { cat "$dir/mock-api.log" >&2; return 1; }
    sleep 1
  done
}
