#!/bin/bash
# Bad configs: exit 2, "FILE:LINE: reason", nothing created (no device, no socket, no record).
# A second tunnel of one name is refused; keys are read from files with mode checks.
. "$HAKO_SRC/tests/integration/tunnel/common.inc"
keypair a && keypair b
good=("[Interface]" "PrivateKey = $(key a)" "Address = 10.9.0.1/24" "[Peer]" "PublicKey = $(pub b)" "AllowedIPs = 10.9.0.2/32")
nothing() {
	is "$1: nothing created" "$(ip -o link show t0 2>/dev/null; ls /run/wireguard; ls "$HAKO_ROOT/run/tunnel" 2>/dev/null)" ""
}
f=$WORK/bad.conf
conf "$f" "[Interface]" "PrivateKey = $(key a)" "Bogus = 1"
check_fail "unknown key: exit 2, file and line" 2 "^hako: $f:3: unknown key 'Bogus' in \[Interface\]" "$HAKO" tunnel up t0 -c "$f"
nothing "unknown key"
conf "$f" "[Interface]" "PrivateKey = $(key a)" "[Peer]" "PublicKey = AAAA"
check_fail "bad key length" 2 "^hako: $f:4: not a key" "$HAKO" tunnel up t0 -c "$f"
conf "$f" "[Interface]" "PrivateKey = $(key a)" "[Peer]" "PublicKey = $(pub b)" "AllowedIPs = 10.9.0.0/33"
check_fail "bad CIDR" 2 "^hako: $f:5: .*10.9.0.0/33" "$HAKO" tunnel up t0 -c "$f"
conf "$f" "[Interface]" "PrivateKey = $(key a)" "[Peer]" "PublicKey = $(pub b)" "Endpoint = no-such-host.invalid:51820"
check_fail "unresolvable endpoint" 2 "^hako: $f:5: endpoint 'no-such-host.invalid:51820': cannot resolve" "$HAKO" tunnel up t0 -c "$f"
conf "$f" "[Interface]" "ListenPort = 70000" "PrivateKey = $(key a)"
check_fail "port out of range" 2 "^hako: $f:2: .*ListenPort" "$HAKO" tunnel up t0 -c "$f"
conf "$f" "[Interface]" "ListenPort = 1"
check_fail "no private key" 2 "^hako: $f: \[Interface\] has no PrivateKey" "$HAKO" tunnel up t0 -c "$f"
conf "$f" "${good[@]}"
chmod 644 "$f"
check_fail "a config readable by others is refused" 2 "^hako: config '$f': holds private keys .*mode 0644" "$HAKO" tunnel up t0 -c "$f"
chmod 600 "$f"
check_fail "a name that is no interface name" 2 "^hako: tunnel: " "$HAKO" tunnel up "a/b" -c "$f"
check_fail "up without -c" 2 "tunnel up" "$HAKO" tunnel up t0
nothing "all the bad input"
check_fail "pubkey of garbage: exit 2" 2 "^hako: tunnel pubkey: stdin is not a key" sh -c "echo nope | '$HAKO' tunnel pubkey"
check_fail "down of a tunnel that does not exist: exit 5" 5 "^hako: tunnel 't9' does not exist" "$HAKO" tunnel down t9
check_fail "show of a tunnel that does not exist: exit 5" 5 "^hako: tunnel 't9' does not exist" "$HAKO" tunnel show t9

# positive control, then the same name again
check "the good config comes up" "$HAKO" tunnel up t0 -c "$f"
check_fail "a second tunnel with the same name is refused" 1 "^hako: tunnel 't0' is already up" "$HAKO" tunnel up t0 -c "$f"
is "still one daemon for t0" "$("$HAKO" -j tunnel ls | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" "1"
check "down t0" "$HAKO" tunnel down t0
nothing "after down"

# failures in the daemon's own start are reported by up, with nothing left behind
check_fail "-n of a namespace that does not exist: exit 5" 5 "network namespace 'nope' does not exist" "$HAKO" -n nope tunnel up t1 -c "$f"
ip link add t2 type veth peer name t2p && on_exit ip link del t2
check_fail "a device of that name exists already: exit 1" 1 "t2" "$HAKO" tunnel up t2 -c "$f"
is "the existing device is untouched" "$(ip -d -j link show t2 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["linkinfo"]["info_kind"])')" "veth"
is "nothing left after the failed starts" "$(ls /run/wireguard; ls "$HAKO_ROOT/run/tunnel" 2>/dev/null)" ""

# what WireGuard users write: wg-quick's own keys, the same AllowedIPs in two peers, a small
# MTU with an IPv6 address, the interface's own key as a peer: one line, exit 2, nothing made
keypair c
conf "$f" "[Interface]" "PrivateKey = $(key a)" "DNS = 1.1.1.1"
check_fail "DNS (wg-quick's): exit 2, named as wg-quick's" 2 "^hako: $f:3: 'DNS' is a wg-quick key hako tunnel does not implement" "$HAKO" tunnel up t0 -c "$f"
conf "$f" "[Interface]" "PrivateKey = $(key a)" "PostUp = touch $WORK/ran"
check_fail "PostUp: exit 2" 2 "^hako: $f:3: 'PostUp' is a wg-quick key" "$HAKO" tunnel up t0 -c "$f"
conf "$f" "[Interface]" "PrivateKey = $(key a)" "[Peer]" "PublicKey = $(pub b)" "AllowedIPs = 10.1.0.0/16, 10.2.0.0/24" \
	"[Peer]" "PublicKey = $(pub c)" "AllowedIPs = 10.3.0.0/24,10.2.0.9/24"
check_fail "the same AllowedIPs in two peers: exit 2" 2 "^hako: $f:8: AllowedIPs 10.2.0.0/24 is \[Peer\] 1's already" "$HAKO" tunnel up t0 -c "$f"
conf "$f" "[Interface]" "PrivateKey = $(key a)" "MTU = 1200" "Address = 10.9.0.1/24, fd00:9::1/64"
check_fail "MTU 1200 with an IPv6 Address: exit 2" 2 "^hako: $f:3: MTU 1200 is below 1280" "$HAKO" tunnel up t0 -c "$f"
conf "$f" "[Interface]" "PrivateKey = $(key a)" "[Peer]" "PublicKey = $(pub a)" "AllowedIPs = 10.1.0.0/16"
check_fail "the interface's own key as a peer: exit 2" 2 "^hako: $f: \[Peer\] 1 has this interface's own public key" "$HAKO" tunnel up t0 -c "$f"
conf "$f" "[Interface]" "PrivateKey = $(key a)" "Address = 10.9.0.1/24, fd00:9::1/64" "Address = 10.9.0.1/16"
check_fail "an Address twice: exit 2" 2 "^hako: $f:4: Address 10.9.0.1(/16)? is listed twice" "$HAKO" tunnel up t0 -c "$f"
conf "$f" "[Interface]" "PrivateKey = $(key a)" "[Peer]" "PublicKey = 4Ot6fDtBuK4WVuP68Z/EatoJjeucMrH9hmIFFl9JuAA=" "AllowedIPs = 10.1.0.1/32"
check_fail "a low-order public key: exit 2, the file named" 2 "^hako: $f: \[Peer\] 1: PublicKey is not a usable public key" "$HAKO" tunnel up t0 -c "$f"
nothing "wg-quick keys, shared AllowedIPs, small MTU, own key, an address twice"

# a long line (an AllowedIPs list of 400 prefixes, 5.7 KB) is one line, as wg reads it
long=$(python3 -c 'print(", ".join("10.%d.%d.0/24" % (i // 256, i % 256) for i in range(400)))')
conf "$f" "[Interface]" "PrivateKey = $(key a)" "[Peer]" "PublicKey = $(pub b)" "AllowedIPs = $long" "Bogus = 1"
check_fail "a 5.7 KB line is read whole: the next line's error has its number" 2 "^hako: $f:6: unknown key 'Bogus' in \[Peer\]" "$HAKO" tunnel up t0 -c "$f"

# AllowedIPs = 0.0.0.0/0 where the namespace has a default route: refused, not left unrouted
hosts_init || not_ok "set up hosts"
ip -n A route add default via 192.0.2.2
conf "$f" "[Interface]" "PrivateKey = $(key a)" "Address = 10.9.0.1/24" "[Peer]" "PublicKey = $(pub b)" \
	"AllowedIPs = 10.9.0.0/24, 0.0.0.0/0" "Endpoint = 192.0.2.2:51821"
check_fail "0.0.0.0/0 over an existing default route: exit 1" 1 "^hako: tunnel 't3': route 0.0.0.0/0: the namespace routes it already, not through the tunnel" "$HAKO" -n A tunnel up t3 -c "$f"
is "the default route is the namespace's still, no t3" "$(ip -n A route show default; ip -n A -o link show t3 2>/dev/null)" "default via 192.0.2.2 dev inet "
is "nothing left of t3" "$(ls /run/wireguard; ls "$HAKO_ROOT/run/tunnel" 2>/dev/null)" ""
ip -n A route del default
check "without the default route, 0.0.0.0/0 goes through the tunnel" "$HAKO" -n A tunnel up t3 -c "$f"
is "the default route is t3's" "$(ip -n A route show default)" "default dev t3 scope link "
check "down t3" "$HAKO" tunnel down t3
# Table (wg-quick's): off makes no AllowedIPs routes, a table number is refused
conf "$f" "[Interface]" "PrivateKey = $(key a)" "Address = 10.9.0.1/24" "Table = 51820" "[Peer]" "PublicKey = $(pub b)" "AllowedIPs = 10.77.0.0/16"
check_fail "Table = 51820: exit 2" 2 "^hako: $f:4: Table '51820': off or auto" "$HAKO" -n A tunnel up t4 -c "$f"
conf "$f" "[Interface]" "PrivateKey = $(key a)" "Address = 10.9.0.1/24" "Table = off" "[Peer]" "PublicKey = $(pub b)" "AllowedIPs = 10.77.0.0/16"
check "Table = off: up" "$HAKO" -n A tunnel up t4 -c "$f"
is "... no route for AllowedIPs, the Address's only" "$(ip -n A -4 route show dev t4)" "10.9.0.0/24 proto kernel scope link src 10.9.0.1 "
check "down t4" "$HAKO" tunnel down t4
