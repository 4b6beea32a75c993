#!/usr/bin/env python3
"""An AdmissionReview (v1, UPDATE) of Endpoints bench/bench-backend with N addresses and 2 named ports."""
import json, sys
n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
addresses = [{"ip": f"192.168.{i // 250}.{i % 250 + 1}"} for i in range(n)]
endpoints = {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "bench-backend", "namespace": "bench"},
             "subsets": [{"addresses": addresses, "ports": [{"name": "http", "port": 8080, "protocol": "TCP"},
                                                            {"name": "metrics", "port": 9090, "protocol": "TCP"}]}]}
print(json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {
    "uid": "00000000-0000-4000-8000-000000000000", "kind": {"group": "", "version": "v1", "kind": "Endpoints"},
    "resource": {"group": "", "version": "v1", "resource": "endpoints"}, "name": "bench-backend", "namespace": "bench",
    "operation": "UPDATE", "userInfo": {"username": "alice", "groups": ["system:authenticated"]},
    "object": endpoints, "oldObject": endpoints, "dryRun": False}}))
