#!/usr/bin/env bash
# Checks the chart's PrometheusRule with promtool (apt-get install prometheus): renders it, validates the rules and
# runs the alert unit tests in helm/alerts-test.yaml. Not part of ./mvnw verify (promtool is not fetched by the build);
# the Maven chart tests check the same rules against the exported metric names.
set -euo pipefail
cd "$(dirname "$0")/.."
helm=${HELM:-$(find target/tools -name helm -type f 2>/dev/null | head -1)}
[[ -x "$helm" ]] || { echo "no helm binary: run ./mvnw -B verify once, or set HELM" >&2; exit 1; }
out=target/alerts
mkdir -p "$out"
"$helm" template eg helm/endpoints-guard -n endpoints-guard --set metrics.prometheusRule.enabled=true --set metrics.serviceMonitor.enabled=true \
  --show-only templates/prometheusrule.yaml \
  | python3 -c 'import sys, yaml; yaml.safe_dump({"groups": yaml.safe_load(sys.stdin)["spec"]["groups"]}, sys.stdout)' \
  > "$out/rules.yaml"
promtool check rules "$out/rules.yaml"
sed "s#@RULES@#$PWD/$out/rules.yaml#" helm/alerts-test.yaml > "$out/alerts-test.yaml"
promtool test rules "$out/alerts-test.yaml"
