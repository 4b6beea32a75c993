#!/usr/bin/env python3
"""Writes bench/cluster/generated.yaml: N namespaces x M pods and one Service each, as a List."""
import json, sys


def pod_ip(i):
    """The i-th Pod's IP: valid for up to 125,000 Pods (bench/informer-memory.sh uses the same formula)."""
    return f"10.{200 + i // 62500}.{i // 250 % 250}.{i % 250 + 1}"


namespaces, pods = int(sys.argv[1]), int(sys.argv[2])
items = []
for n in range(namespaces):
    ns = f"team-{n}"
    items.append({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "svc", "namespace": ns},
                  "spec": {"type": "ClusterIP", "clusterIP": f"10.97.{n // 250}.{n % 250 + 1}",
                           "clusterIPs": [f"10.97.{n // 250}.{n % 250 + 1}"],
                           "ports": [{"name": "http", "port": 80, "protocol": "TCP"}]}})
    for p in range(pods):
        i = n * pods + p
        ip = pod_ip(i)
        items.append({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"pod-{p}", "namespace": ns, "labels": {"app": "x"}},
                      "spec": {"containers": [{"name": "c", "image": "x"}]},
                      "status": {"phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}]}})
print(json.dumps({"apiVersion": "v1", "kind": "List", "items": items}))
