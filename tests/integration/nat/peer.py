#!/usr/bin/python3
# Test helper: a server that answers every TCP connection or UDP datagram with the address
# it came from, and the matching client.
#   peer.py serve tcp|udp PORT [ADDR] (runs until killed; writes "ready" once bound)
#   peer.py get tcp|udp HOST PORT   (prints the answer, exit 1 on timeout/refusal)
import socket, sys, threading

def serve(proto, port, addr='::'):
    fam = socket.AF_INET6 if ':' in addr else socket.AF_INET
    kind = socket.SOCK_STREAM if proto == 'tcp' else socket.SOCK_DGRAM
    s = socket.socket(fam, kind)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    if proto == 'tcp':
        s.listen(16)
    print('ready', flush=True)
    while True:
        if proto == 'udp':
            _, addr = s.recvfrom(100)
            s.sendto(('peer=%s\n' % plain(addr[0])).encode(), addr)
            continue
        c, addr = s.accept()
        threading.Thread(target=answer, args=(c, addr), daemon=True).start()

def plain(a):
    return a[7:] if a.startswith('::ffff:') else a

def answer(c, addr):
    try:
        c.sendall(('peer=%s\n' % plain(addr[0])).encode())
    finally:
        c.close()

def get(proto, host, port):
    fam = socket.AF_INET6 if ':' in host else socket.AF_INET
    kind = socket.SOCK_STREAM if proto == 'tcp' else socket.SOCK_DGRAM
    s = socket.socket(fam, kind)
    s.settimeout(0.5)
    try:
        s.connect((host, port))
        if proto == 'udp':
            s.send(b'hi')
        print(s.recv(100).decode().strip())
    except OSError as e:
        print('error: %s' % e, file=sys.stderr)
        sys.exit(1)

if sys.argv[1] == 'serve':
    serve(sys.argv[2], int(sys.argv[3]), *sys.argv[4:5])
else:
    get(sys.argv[2], sys.argv[3], int(sys.argv[4]))
