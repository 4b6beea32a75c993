#!/usr/bin/env bash
# Graceful shutdown under load, on loopback only. Starts the server with quarkus.shutdown.delay=DELAY, runs
# KEEPALIVE clients that reuse one HTTPS connection and FRESH clients that open a new one per review, sends SIGTERM
# after LOAD_BEFORE seconds and keeps the clients going until the process has exited. Every attempt ends in one of:
#   answered    an HTTP response arrived (any status)
#   unanswered  the request was written on an open connection and no response came back: the failure this checks
#   handshake   the connection closed during the TLS handshake, before any request was written
#   refused     connect() was refused: the listener was already closed; nothing reached the process, and a caller
#               (the API server) sees a failed call that it does not retry, so readiness DOWN must have steered it
#               away before then
# Exits 1 if any request went unanswered. Needs java, python3, openssl. Builds the jar only if missing.
#
#   bench/shutdown-under-load.sh
#   KEEPALIVE=4 FRESH=4 DELAY=5s bench/shutdown-under-load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
KEEPALIVE=${KEEPALIVE:-4}
FRESH=${FRESH:-4}
DELAY=${DELAY:-5s}
LOAD_BEFORE=${LOAD_BEFORE:-2}
jar=target/quarkus-app/quarkus-run.jar
[[ -f $jar ]] || ./mvnw -B -q package -DskipTests

work=$(mktemp -d)
pid=
cleanup() { [[ -z $pid ]] || kill -9 "$pid" 2>/dev/null || true; wait 2>/dev/null || true; [[ -z ${KEEP_LOG:-} ]] || cp "$work/server.log" "$KEEP_LOG"; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=${PORT:-$(free_port)}
mport=${MANAGEMENT_PORT:-$(free_port)}
certs/generate.sh "$work/certs" endpoints-guard endpoints-guard --force >/dev/null

java -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.ssl-port="$port" \
  -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$mport" \
  -Dendpoints-guard.cluster.source=files -Dendpoints-guard.cluster.files=examples/cluster \
  -Dendpoints-guard.reconciler.mode=off \
  -Dendpoints-guard.tls.cert-file="$work/certs/tls.crt" -Dendpoints-guard.tls.key-file="$work/certs/tls.key" \
  -Dquarkus.shutdown.delay="$DELAY" \
  -jar "$jar" > "$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 120); do
  curl -sf "http://127.0.0.1:$mport/q/health/ready" >/dev/null && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/server.log"; exit 2; }
  sleep 0.5
done

python3 - "$port" "$pid" "$KEEPALIVE" "$FRESH" "$LOAD_BEFORE" <<'PY'
import http.client, os, signal, socket, ssl, sys, threading, time, collections
port, pid, keepalive, fresh, before = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
body = open("examples/reviews/endpoints-typo.json", "rb").read()
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
counts = collections.Counter(); lock = threading.Lock(); unanswered = []
sigterm_at = [None]; exited = threading.Event()

def record(kind, client, detail=""):
    with lock:
        counts[(client, kind)] += 1
        if kind == "unanswered":
            t = time.monotonic() - sigterm_at[0] if sigterm_at[0] else float("nan")
            unanswered.append(f"{client} +{t:.3f}s after SIGTERM: {detail}")

def connect():
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)   # ConnectionRefusedError -> refused
    try:
        return ctx.wrap_socket(raw)                                      # errors here -> handshake
    except Exception:
        raw.close(); raise ssl.SSLError("handshake")

def exchange(conn):
    conn.request("POST", "/validate/endpoints", body, {"Content-Type": "application/json"})
    r = conn.getresponse(); r.read()
    return r

def run(client):
    conn = None
    while not exited.is_set():
        try:
            if conn is None:
                conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=10)
                conn.sock = connect()
            r = exchange(conn)
            record("answered", client)
            if client == "fresh" or r.getheader("Connection", "").lower() == "close":
                conn.close(); conn = None
        except ConnectionRefusedError:
            record("refused", client); conn = None; time.sleep(0.05)
        except ssl.SSLError as e:
            record("handshake", client); conn = None
        except (http.client.HTTPException, OSError) as e:
            record("unanswered", client, repr(e)); conn = None

threads = [threading.Thread(target=run, args=("keepalive",)) for _ in range(keepalive)]
threads += [threading.Thread(target=run, args=("fresh",)) for _ in range(fresh)]
for t in threads: t.start()
time.sleep(before)
sigterm_at[0] = time.monotonic(); os.kill(pid, signal.SIGTERM)
while True:
    try: os.kill(pid, 0); time.sleep(0.05)
    except ProcessLookupError: break
    if time.monotonic() - sigterm_at[0] > 60: break
took = time.monotonic() - sigterm_at[0]
time.sleep(0.5); exited.set()
for t in threads: t.join()
print(f"exited {took:.1f}s after SIGTERM")
for client in ("keepalive", "fresh"):
    c = {k: counts[(client, k)] for k in ("answered", "unanswered", "handshake", "refused")}
    print(f"{client:9} " + " ".join(f"{k}={v}" for k, v in c.items()))
total = {k: sum(counts[(c, k)] for c in ("keepalive", "fresh")) for k in ("answered", "unanswered", "handshake", "refused")}
print("total     " + " ".join(f"{k}={v}" for k, v in total.items()))
for line in unanswered[:10]: print("unanswered:", line)
sys.exit(1 if total["unanswered"] else 0)
PY
