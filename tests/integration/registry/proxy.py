#!/usr/bin/env python3
"""A misbehaving HTTP proxy in front of a registry, for tests/integration/registry.

proxy.py PORTFILE UPSTREAM MODE LOG: listens on 127.0.0.1 (a free port, written to PORTFILE),
forwards to http://UPSTREAM and, for blob GETs of more than 1 MiB (the layers the tests cut):
  cut      the first answer of each blob stops half-way (connection closed)
  corrupt  one byte in the middle of every such blob is flipped
  429      the first two requests of each blob are answered 429 Too Many Requests
  delay    the body goes out in 64 KiB pieces, 30 ms apart
  long     ten bytes more than the blob has
  503      every such blob request is answered 503 Service Unavailable
  badmanifest  one byte of every manifest flipped (the Docker-Content-Digest header kept)
  pass     nothing
Every request is logged to LOG as "METHOD PATH RANGE".
"""
import http.client, http.server, socketserver, sys, threading, time

portfile, upstream, mode, logpath = sys.argv[1:5]
seen = {}
lock = threading.Lock()


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def forward(self, method):
        with lock:
            open(logpath, "a").write("%s %s %s\n" % (method, self.path, self.headers.get("Range", "-")))
        blob = "/blobs/sha256:" in self.path and method == "GET"
        n = 0
        if blob:
            with lock:
                n = seen[self.path] = seen.get(self.path, 0) + 1
        if blob and mode in ("429", "503") and (n <= 2 or mode == "503"):
            self.send_response(int(mode))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        length = int(self.headers.get("Content-Length", 0) or 0)
        body = self.rfile.read(length) if length else None
        c = http.client.HTTPConnection(upstream)
        hdrs = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        c.request(method, self.path, body=body, headers=hdrs)
        r = c.getresponse()
        data = r.read()
        big = blob and r.status in (200, 206) and len(data) > (1 << 20)
        if big and mode == "corrupt":
            i = len(data) // 2
            data = data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1:]
        if big and mode == "long":
            data += b"0123456789"
        if mode == "badmanifest" and "/manifests/" in self.path and r.status == 200 and data:
            data = data[:-1] + bytes([data[-1] ^ 0x01])
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in ("connection", "transfer-encoding", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        if big and mode == "cut" and n == 1:
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.end_headers()
        if method == "HEAD":
            return
        if big and mode == "delay":
            for i in range(0, len(data), 65536):
                self.wfile.write(data[i:i + 65536])
                self.wfile.flush()
                time.sleep(0.03)
        else:
            self.wfile.write(data)

    def do_GET(self):
        self.forward("GET")

    def do_HEAD(self):
        self.forward("HEAD")


class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


s = S(("127.0.0.1", 0), H)
open(portfile + ".tmp", "w").write(str(s.server_address[1]))
import os
os.rename(portfile + ".tmp", portfile)
s.serve_forever()
