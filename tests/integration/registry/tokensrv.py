#!/usr/bin/env python3
"""A bearer token server for tests/integration/registry (the registry's `auth: token`).

tokensrv.py PORTFILE KEY CERT USER:PASS LOG: listens on 127.0.0.1 (free port written to
PORTFILE), answers GET /token?service=S&scope=repository:NAME:ACTIONS with {"token": JWT}:
RS256-signed (openssl) with KEY, CERT in the x5c header (the registry's rootcertbundle).
Anonymous requests get pull only; USER:PASS (basic) gets what it asks for; other credentials
401. Every request is logged to LOG as "user scope granted".
"""
import base64, http.server, json, os, socketserver, subprocess, sys, time, urllib.parse

portfile, key, cert, userpass, logpath = sys.argv[1:6]
der = subprocess.run(["openssl", "x509", "-in", cert, "-outform", "DER"], check=True,
                     capture_output=True).stdout


def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def jwt(claims):
    head = {"alg": "RS256", "typ": "JWT", "x5c": [base64.b64encode(der).decode()]}
    si = b64(json.dumps(head).encode()) + "." + b64(json.dumps(claims).encode())
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=si.encode(),
                         check=True, capture_output=True).stdout
    return si + "." + b64(sig)


class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        u = urllib.parse.urlparse(self.path)
        q = urllib.parse.parse_qs(u.query)
        auth = self.headers.get("Authorization", "")
        user = None
        if auth.startswith("Basic "):
            if base64.b64decode(auth[6:]).decode() != userpass:
                self.send_response(401)
                self.send_header("Content-Length", "0")
                self.end_headers()
                open(logpath, "a").write("refused %s\n" % q.get("scope", ["-"]))
                return
            user = userpass.split(":")[0]
        access = []
        for s in q.get("scope", []):
            typ, name, actions = s.split(":")
            want = actions.split(",")
            access.append({"type": typ, "name": name,
                           "actions": want if user else [a for a in want if a == "pull"]})
        now = int(time.time())
        tok = jwt({"iss": "hako-test-issuer", "sub": user or "", "aud": q.get("service", [""])[0],
                   "exp": now + 300, "nbf": now - 10, "iat": now, "jti": os.urandom(8).hex(),
                   "access": access})
        open(logpath, "a").write("%s %s %s\n" % (user or "anonymous", q.get("scope", ["-"]),
                                                 json.dumps(access)))
        body = json.dumps({"token": tok, "expires_in": 300}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


s = S(("127.0.0.1", 0), H)
open(portfile + ".tmp", "w").write(str(s.server_address[1]))
os.rename(portfile + ".tmp", portfile)
s.serve_forever()
