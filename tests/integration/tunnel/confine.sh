#!/bin/bash
# --socket-netns: the UDP socket in host A's namespace, the device in namespace C whose only
# interface is the tunnel. C reaches the far side through it and nothing else.
. "$HAKO_SRC/tests/integration/tunnel/common.inc"
hosts_init || { not_ok "set up hosts"; exit 1; }
ip netns add C && on_exit ip netns del C
ip -n C link set lo up
keypair a && keypair b
conf "$WORK/a.conf" "[Interface]" "PrivateKey = $(key a)" "Address = 10.9.0.1/24" \
	"[Peer]" "PublicKey = $(pub b)" "AllowedIPs = 0.0.0.0/0" "Endpoint = 192.0.2.2:51821"
conf "$WORK/b.conf" "[Interface]" "PrivateKey = $(key b)" "ListenPort = 51821" "Address = 10.9.0.2/24" \
	"[Peer]" "PublicKey = $(pub a)" "AllowedIPs = 10.9.0.1/32"
check "tunnel up in B" "$HAKO" -n B tunnel up tb -c "$WORK/b.conf"
check "tunnel up: device in C, socket in A" "$HAKO" -n C tunnel up tc -c "$WORK/a.conf" --socket-netns A
is "C has only lo and the tunnel" "$(ip -n C -j link | python3 -c 'import json,sys; print(sorted(l["ifname"] for l in json.load(sys.stdin)))')" "['lo', 'tc']"
is "C's default route is the tunnel" "$(ip -n C -j route show default | python3 -c 'import json,sys; print([r["dev"] for r in json.load(sys.stdin)])')" "['tc']"
port=$("$HAKO" -j tunnel show tc | python3 -c 'import json,sys; print(json.load(sys.stdin)["listen_port"])')
# one socket per worker (Workers: one per CPU by default), each a thread of the daemon
pid=$("$HAKO" -j tunnel ls | python3 -c 'import json,sys; print([o["pid"] for o in json.load(sys.stdin) if o["name"] == "tc"][0])')
is "A has the sockets on the tunnel's port, one per worker" "$(ip netns exec A ss -Hulnp "sport = :$port" | grep -c hako)" "$(ls /proc/"$pid"/task | wc -l)"
is "C has no UDP socket" "$(ip netns exec C ss -Hula | wc -l)" "0"
check "C reaches the far side through the tunnel" nsx C ping -c 2 -i 0.2 -W 2 10.9.0.2
check "positive control: A reaches 192.0.2.1" nsx A ping -c 1 -W 1 192.0.2.1
if nsx C ping -c 1 -W 1 192.0.2.1 >/dev/null 2>&1; then not_ok "C reaches A's own address: a leak"; else ok "C cannot reach the host it runs on outside the tunnel"; fi
