#!/usr/bin/env bash
# Creates a local CA and a serving certificate for endpoints-guard.
#
#   certs/generate.sh [OUT_DIR] [SERVICE] [NAMESPACE] [--force]
#
# OUT_DIR   where ca.crt, ca.key, tls.crt, tls.key are written (default: certs/out)
# SERVICE   Service name of the webhook (default: endpoints-guard)
# NAMESPACE its namespace (default: endpoints-guard)
#
# SANs: localhost, 127.0.0.1, ::1, SERVICE, SERVICE.NAMESPACE, SERVICE.NAMESPACE.svc and
# SERVICE.NAMESPACE.svc.cluster.local. Existing files are kept unless --force is given.
# For the chart's existing-secret mode:
#   kubectl -n NAMESPACE create secret tls endpoints-guard-tls --cert=OUT_DIR/tls.crt --key=OUT_DIR/tls.key
#   and set caBundle to: base64 -w0 OUT_DIR/ca.crt
set -euo pipefail

force=false
args=()
for a in "$@"; do
  case "$a" in
    --force) force=true ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) args+=("$a") ;;
  esac
done
out="${args[0]:-$(dirname "$0")/out}"
service="${args[1]:-endpoints-guard}"
namespace="${args[2]:-endpoints-guard}"
days="${CERT_DAYS:-365}"

command -v openssl >/dev/null || { echo "generate.sh: openssl is required (apt-get install openssl)" >&2; exit 1; }
mkdir -p "$out"

if [[ "$force" == false && -s "$out/tls.crt" && -s "$out/tls.key" ]] \
   && openssl x509 -in "$out/tls.crt" -noout -checkend 86400 >/dev/null 2>&1; then
  echo "generate.sh: keeping the valid certificate in $out (use --force to replace it)"
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days "$days" \
  -keyout "$tmp/ca.key" -out "$tmp/ca.crt" -subj "/CN=endpoints-guard-ca" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

cat > "$tmp/ext.cnf" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1,DNS:${service},DNS:${service}.${namespace},DNS:${service}.${namespace}.svc,DNS:${service}.${namespace}.svc.cluster.local
EXT

openssl req -newkey rsa:2048 -nodes -sha256 -keyout "$tmp/tls.key" -out "$tmp/tls.csr" \
  -subj "/CN=${service}.${namespace}.svc" 2>/dev/null
openssl x509 -req -in "$tmp/tls.csr" -CA "$tmp/ca.crt" -CAkey "$tmp/ca.key" -CAcreateserial \
  -days "$days" -sha256 -extfile "$tmp/ext.cnf" -out "$tmp/tls.crt" 2>/dev/null

# Both files are complete under temporary names in OUT_DIR before either is renamed, and the two renames follow each
# other at once: a reader sees a mismatched pair only between them. Two renames are never one atomic step; for
# that, publish the pair the way the kubelet does (a directory swapped behind a ..data symlink, docs/operations.md).
# A reader that checks the pair (endpoints-guard does) keeps serving the old one if it lands in between.
cp "$tmp/ca.crt" "$tmp/ca.key" "$out/"
install -m 600 "$tmp/tls.key" "$out/.tls.key.new"
install -m 644 "$tmp/tls.crt" "$out/.tls.crt.new"
mv -f "$out/.tls.key.new" "$out/tls.key" && mv -f "$out/.tls.crt.new" "$out/tls.crt"
chmod 600 "$out/ca.key"
echo "generate.sh: wrote $out/{ca.crt,ca.key,tls.crt,tls.key} for ${service}.${namespace}.svc (valid ${days} days)"
