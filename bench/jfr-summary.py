#!/usr/bin/env python3
"""Summarises `jfr print --events jdk.ExecutionSample` output: hottest methods by self samples, and the share of
samples whose stack passes through each stage of an admission request (inclusive)."""
import collections, re, sys

STAGES = [  # (label, a substring of a frame) in request order; a sample counts for every stage on its stack
    ("TLS (JDK SSLEngine)", "sun.security.ssl."),
    ("HTTP server (Vert.x, Netty)", "io.vertx.core.http."),
    ("Quarkus REST (JAX-RS)", "org.jboss.resteasy.reactive."),
    ("admission handler (all of it)", "dev.endpointsguard.admission.AdmissionHandler.handle"),
    ("  reading the envelope", "dev.endpointsguard.admission.ReviewCodec.read("),
    ("  decoding object/oldObject", "dev.endpointsguard.admission.ReviewCodec.decode"),
    ("  decoding (compact records)", "dev.endpointsguard.admission.ObjectDecoder"),
    ("  rules", "dev.endpointsguard.rules."),
    ("  writing the answer", "dev.endpointsguard.admission.ReviewCodec.write"),
    ("  metrics", "dev.endpointsguard.admission.AdmissionMetrics"),
    ("GC / JIT / other threads", None),
]

def main(path):
    stacks, stack = [], None
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if line.startswith("stackTrace = ["):
            stack = []
        elif stack is not None:
            if line.startswith("]") or line == "...":
                stacks.append(stack); stack = None
            else:
                m = re.match(r"([\w.$<>/]+\([^)]*\))", line)
                if m:
                    stack.append(m.group(1))
    total = len(stacks)
    if not total:
        print("no samples"); return
    selfc = collections.Counter(s[0] for s in stacks if s)
    print(f"{total} samples\n\nhottest methods (self):")
    for frame, n in selfc.most_common(25):
        print(f"  {100.0 * n / total:5.1f}%  {frame}")
    print("\nstages (inclusive, a sample counts for each stage on its stack):")
    for label, needle in STAGES:
        if needle is None:
            n = sum(1 for s in stacks if not any("io.vertx" in f or "io.netty" in f for f in s))
        else:
            n = sum(1 for s in stacks if any(needle in f for f in s))
        print(f"  {100.0 * n / total:5.1f}%  {label}")

if __name__ == "__main__":
    main(sys.argv[1])
