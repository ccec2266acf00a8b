#!/bin/bash
# UDP segmentation offload through the tunnel: an application sends with UDP_SEGMENT, the TUN
# device hands hako one super-packet per send (USO, kernels >= 6.2), hako cuts it into
# datagrams with their own headers and checksums. The receiver is wireguard-go (no offloads:
# B's kernel checks every UDP checksum) or, without it, hako; every datagram's content is
# checked.
. "$HAKO_SRC/tests/integration/tunnel/common.inc"
hosts_init || { not_ok "set up hosts"; exit 1; }
keypair a && keypair b
conf "$WORK/a.conf" "[Interface]" "PrivateKey = $(key a)" "ListenPort = 51820" "Address = 10.9.0.1/24" \
	"[Peer]" "PublicKey = $(pub b)" "AllowedIPs = 10.9.0.2/32" "Endpoint = 192.0.2.2:51821"
check "tunnel up (hako, A)" "$HAKO" -n A tunnel up ta -c "$WORK/a.conf"
if have_wggo; then
	wggo_up B wgb || not_ok "wireguard-go up"
	nsx B wg set wgb private-key "$WORK/b.key" listen-port 51821 peer "$(pub a)" allowed-ips 10.9.0.1/32
	nsx B ip addr add 10.9.0.2/24 dev wgb
	nsx B ip link set wgb up
else
	conf "$WORK/b.conf" "[Interface]" "PrivateKey = $(key b)" "ListenPort = 51821" "Address = 10.9.0.2/24" \
		"[Peer]" "PublicKey = $(pub a)" "AllowedIPs = 10.9.0.1/32"
	"$HAKO" -n B tunnel up tb -c "$WORK/b.conf"
fi
check "ping A -> B" nsx A ping -c 1 -W 3 10.9.0.2
nsx B python3 - "$WORK/udp.txt" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
s.bind(("10.9.0.2", 9000))
s.settimeout(3)
n = bad = 0
try:
    while True:
        d = s.recv(70000)
        n += 1
        if len(d) != 1200 or d != bytes([d[0]]) * 1200: bad += 1
except socket.timeout:
    pass
open(sys.argv[1], "w").write("%d %d\n" % (n, bad))
PY
rx=$!
sleep 0.5
csum0=$(nsx B nstat -az UdpInCsumErrors | awk '/UdpInCsumErrors/ {print $2}')
nsx A python3 - <<'PY'
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_UDP, 103, 1200)  # UDP_SEGMENT
s.connect(("10.9.0.2", 9000))
for i in range(20):
    s.send(b"".join(bytes([(i * 10 + k) % 251]) * 1200 for k in range(10)))
    time.sleep(0.02)
PY
wait $rx
csum1=$(nsx B nstat -az UdpInCsumErrors | awk '/UdpInCsumErrors/ {print $2}')
is "200 datagrams of 1200 bytes arrive intact (received, bad)" "$(cat "$WORK/udp.txt")" "200 0"
is "no UDP checksum errors at the receiver" "$csum1" "$csum0"
