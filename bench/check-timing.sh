#!/usr/bin/env bash
# Times the offline check from process start to result: 100 manifests (50 selectorless Services and their
# Endpoints, one object per file) in a fresh directory, judged by the packaged jar.
#   bench/check-timing.sh [runs] [extra java options...]
set -euo pipefail
runs=${1:-5}; shift || true
jar=${JAR:-target/quarkus-app/quarkus-run.jar}
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
for i in $(seq -w 1 50); do
  cat >"$dir/svc-$i.yaml" <<YAML
apiVersion: v1
kind: Service
metadata: {name: ext-$i, namespace: default}
spec: {clusterIP: 10.96.1.$((10#$i)), ports: [{name: http, port: 80}]}
YAML
  cat >"$dir/ep-$i.yaml" <<YAML
apiVersion: v1
kind: Endpoints
metadata: {name: ext-$i, namespace: default}
subsets: [{addresses: [{ip: 192.0.2.$((10#$i))}], ports: [{name: http, port: 80}]}]
YAML
done
echo "$(ls "$dir" | wc -l) manifests; java $(java -version 2>&1 | head -1)"
for r in $(seq 1 "$runs"); do
  # wall time from process start to exit, and the CPU time the JVM used
  /usr/bin/time -f "run $r: %e s wall, %U s user + %S s sys, status %x" \
    java "$@" -jar "$jar" check -f "$dir" >/dev/null
done
