#!/usr/bin/env python3
"""Waits until GET /q/health/ready on 127.0.0.1:PORT answers 200, trying every 5 ms; exits 1 after 60 s.

One process with a plain socket: a loop of curl would fork a process every few milliseconds, and on a 2-core machine
that competes with the JVM it is timing (it added about a second to a 2.5 s start)."""
import socket, sys, time

port = int(sys.argv[1]) if len(sys.argv) > 1 else 9000
request = b"GET /q/health/ready HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(request)
            answer = s.recv(64)
            if answer.startswith(b"HTTP/1.1 200"):
                sys.exit(0)
    except OSError:
        pass
    time.sleep(0.005)
sys.exit(1)
