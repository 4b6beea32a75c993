#!/usr/bin/env python3
"""An AdmissionReview (v1, UPDATE) of Endpoints bench/bench-backend with N addresses and 2 named ports. The update
adds the last address (oldObject lists the first N-1), so the routing part changed and every rule is evaluated."""
import json, sys
n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
addresses = [{"ip": f"192.168.{i // 250}.{i % 250 + 1}"} for i in range(n)]
def endpoints(listed):
    return {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "bench-backend", "namespace": "bench"},
            "subsets": [{"addresses": listed, "ports": [{"name": "http", "port": 8080, "protocol": "TCP"},
                                                        {"name": "metrics", "port": 9090, "protocol": "TCP"}]}]}
print(json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {
    "uid": "00000000-0000-4000-8000-000000000000", "kind": {"group": "", "version": "v1", "kind": "Endpoints"},
    "resource": {"group": "", "version": "v1", "resource": "endpoints"}, "name": "bench-backend", "namespace": "bench",
    "operation": "UPDATE", "userInfo": {"username": "alice", "groups": ["system:authenticated"]},
    "object": endpoints(addresses), "oldObject": endpoints(addresses[:-1]), "dryRun": False}}))
