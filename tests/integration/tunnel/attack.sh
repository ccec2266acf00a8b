#!/bin/bash
# Bad packets on the wire are dropped and counted, never crash the daemon: a captured data
# packet replayed, the same packet with one bit flipped, an initiation from a key that is not
# a peer, garbage. Positive control: the tunnel still works afterwards.
. "$HAKO_SRC/tests/integration/tunnel/common.inc"
hosts_init || { not_ok "set up hosts"; exit 1; }
keypair a && keypair b && keypair x
conf "$WORK/a.conf" "[Interface]" "PrivateKey = $(key a)" "ListenPort = 51820" "Address = 10.9.0.1/24" \
	"[Peer]" "PublicKey = $(pub b)" "AllowedIPs = 10.9.0.2/32" "Endpoint = 192.0.2.2:51821"
conf "$WORK/b.conf" "[Interface]" "PrivateKey = $(key b)" "ListenPort = 51821" "Address = 10.9.0.2/24" \
	"[Peer]" "PublicKey = $(pub a)" "AllowedIPs = 10.9.0.1/32"
check "tunnel up in A" "$HAKO" -n A tunnel up ta -c "$WORK/a.conf"
check "tunnel up in B" "$HAKO" -n B tunnel up tb -c "$WORK/b.conf"

# capture one data message (type 4) A -> B on B's side of the "internet"
nsx B python3 - "$WORK/pkt" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
s.bind(("inet", 0))
s.settimeout(10)
open(sys.argv[1] + ".ready", "w").close()
while True:
    p = s.recv(2048)
    ihl = (p[0] & 15) * 4
    if p[9] != 17: continue
    dport = int.from_bytes(p[ihl + 2:ihl + 4], "big")
    u = p[ihl + 8:]
    if dport == 51821 and u[0] == 4 and len(u) > 32:
        open(sys.argv[1], "wb").write(u); break
PY
cap=$!
for _ in $(seq 100); do [ -e "$WORK/pkt.ready" ] && break; sleep 0.1; done
check "ping A -> B (the captured packet's flow)" nsx A ping -c 2 -i 0.2 -W 2 10.9.0.2
wait $cap
drops() { "$HAKO" -j tunnel show tb | python3 -c "import json,sys; print(json.load(sys.stdin)['drops']['$1'])"; }
send() { nsx A python3 -c 'import socket,sys; d=open(sys.argv[1],"rb").read(); f=int(sys.argv[2]); d=bytearray(d); d[f] ^= 1 if f else 0; socket.socket(socket.AF_INET,socket.SOCK_DGRAM).sendto(bytes(d),("192.0.2.2",51821))' "$@"; }
if [ -s "$WORK/pkt" ]; then
	r0=$(drops replay) a0=$(drops bad_auth)
	send "$WORK/pkt" 0
	send "$WORK/pkt" 0
	sleep 0.2
	is "a replayed data packet is dropped and counted" "$(($(drops replay) - r0))" "2"
	send "$WORK/pkt" 40
	sleep 0.2
	is "a packet with a flipped bit is dropped as bad_auth" "$(($(drops bad_auth) - a0))" "1"
	is "... and the replay counter did not move" "$(($(drops replay) - r0))" "2"
else
	not_ok "captured a data packet"
fi

# an initiation from a key B does not know (a hako tunnel in A with key x, towards B)
conf "$WORK/x.conf" "[Interface]" "PrivateKey = $(key x)" "ListenPort = 51830" \
	"[Peer]" "PublicKey = $(pub b)" "AllowedIPs = 10.9.9.2/32" "Endpoint = 192.0.2.2:51821"
u0=$(drops unknown_peer)
check "tunnel up tx (a stranger to B)" "$HAKO" -n A tunnel up tx -c "$WORK/x.conf"
nsx A ping -c 1 -W 1 10.9.9.2 >/dev/null 2>&1
sleep 0.3
u1=$(drops unknown_peer)
if [ "$u1" -gt "$u0" ]; then ok "an initiation from an unknown key is dropped ($u0 -> $u1)"; else not_ok "unknown key counted ($u0 -> $u1)"; fi
m0=$(drops malformed)
nsx A python3 -c 'import socket; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); [s.sendto(b"\x09garbage"*i,("192.0.2.2",51821)) for i in range(1,50)]'
sleep 0.2
is "garbage is counted as malformed" "$(($(drops malformed) - m0))" "49"
is "daemon tb still up" "$("$HAKO" -j tunnel ls | python3 -c 'import json,sys; print([o["state"] for o in json.load(sys.stdin) if o["name"]=="tb"])')" "['up']"
check "positive control: ping A -> B still works" nsx A ping -c 2 -i 0.2 -W 2 10.9.0.2
