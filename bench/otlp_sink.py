#!/usr/bin/env python3
"""A throw-away OTLP/HTTP receiver for the overhead benchmark.

Binds 127.0.0.1 on a free port (or --port), writes the port to --port-file once it listens,
answers 200 with an empty protobuf body (a valid empty Export*ServiceResponse) to any POST
under /v1/ (traces, metrics, logs) and discards the body. GET /stats returns the POST count
and body bytes per path as JSON, so the benchmark can check that export really happened.

    python3 bench/otlp_sink.py --port-file /tmp/sink.port
"""
import argparse
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STATS = {}
LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as exporters expect

    def log_message(self, *args):  # silence per-request logging
        pass

    def _drain(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            n = 0
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return n
                self.rfile.read(size)
                self.rfile.readline()
                n += size
        length = int(self.headers.get("Content-Length") or 0)
        left = length
        while left > 0:
            chunk = self.rfile.read(min(left, 1 << 16))
            if not chunk:
                break
            left -= len(chunk)
        return length

    def _reply(self, code, body=b"", ctype="application/x-protobuf"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def do_POST(self):
        n = self._drain()
        path = self.path.split("?")[0]
        if path.startswith("/v1/"):
            with LOCK:
                s = STATS.setdefault(path, [0, 0])
                s[0] += 1
                s[1] += n
            self._reply(200)
        else:
            self._reply(404, b"not found\n", "text/plain")

    def do_GET(self):
        if self.path == "/stats":
            with LOCK:
                body = json.dumps({k: {"posts": v[0], "bytes": v[1]} for k, v in STATS.items()}).encode()
            self._reply(200, body, "application/json")
        else:
            self._reply(404, b"not found\n", "text/plain")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    a = ap.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    server.daemon_threads = True
    port = server.server_address[1]
    if a.port_file:
        tmp = a.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(port))
        os.replace(tmp, a.port_file)
    else:
        print(port, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
