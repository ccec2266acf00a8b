#!/bin/bash
# Bad input to networks: one clear line, the documented status, and nothing changed: after
# every refused command `ip -j link`, `nft -j list ruleset`, `hako -j network ls`, the
# network's containers and `hako ps -a` are compared with the state before.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/network/common.inc"

if ! have_kind veth || ! have_kind bridge; then
	skip "network errors" "kernel lacks veth or bridge"
	exit 0
fi
check "network a" h network create --subnet 10.210.1.0/24 --ipv6 --subnet fd68:210:1::/64 a
web web1 a --ip 10.210.1.50 -p 8080:80
web web2 a
h run -d --name c1 --rootfs "$R" -- sleep 1000 >/dev/null
snap() {
	h ps -a --format '{{.ID}} {{.Names}} {{.State}} {{.Ports}}' # STATUS, CREATED: ages
	h -j network ls
	h -j network inspect a
	nft -j list ruleset
	ip -j link show | jq -c '[.[] | {ifname, master, mtu, address,
		up: (.flags | index("UP") != null)}]'
}
# hold PROTO ADDR PORT: a host process (in the test's namespace) binding ADDR:PORT
hold() {
	/usr/bin/python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if sys.argv[1] == "tcp" else socket.SOCK_DGRAM)
s.bind((sys.argv[2], int(sys.argv[3])))
if sys.argv[1] == "tcp":
    s.listen()
time.sleep(100)' "$@" &
	on_exit "kill $!"
	for _ in $(seq 100); do
		ss -Htuln "sport = :$3" | grep -q . && return
		sleep 0.05
	done
}
s0=$(snap)
changed=
# fails DESC STATUS REGEX CMD...: check_fail, then the state must be as before
fails() {
	check_fail "$@"
	[ "$(snap)" = "$s0" ] || changed="$changed [$1]"
}

fails "overlapping subnet" 2 "overlaps network 'a'" h network create --subnet 10.210.0.0/16 b
fails "malformed subnet" 2 "10\.210\.300\.0" h network create --subnet 10.210.300.0/24 b
fails "subnet with host bits" 2 "host bits|10\.210\.5\.1/24" \
	h network create --subnet 10.210.5.1/24 b
fails "gateway outside the subnet" 2 "gateway|outside|not in" \
	h network create --subnet 10.210.5.0/24 --gateway 10.210.6.1 b
fails "ip-range outside the subnet" 2 "range" \
	h network create --subnet 10.210.5.0/24 --ip-range 10.210.6.0/25 b
fails "name taken" 2 "already exists" h network create --subnet 10.210.5.0/24 a
fails "bad name" 2 "network name" h network create 'a b'
fails "unknown driver" 2 "unknown driver" h network create --driver overlay b
fails "macvlan without --parent" 2 "needs --parent" \
	h network create --driver macvlan --subnet 10.210.5.0/24 b
fails "missing --parent device" 2 "no such device" \
	h network create --driver macvlan --parent nosuchdev0 --subnet 10.210.5.0/24 b
fails "bad --mtu" 2 "mtu" h network create --mtu 20 b
fails "rm of a network in use names the containers" 2 \
	"in use by containers (web1, web2|web2, web1)\$" h network rm a
fails "no such network" 5 "no such network" h network rm nosuch
fails "static IP taken" 125 "10\.210\.1\.50.*(in use|taken|leased)" \
	h run --rm --network a --ip 10.210.1.50 --rootfs "$R" -- true
fails "static IP outside the subnet" 125 "10\.210\.9\.9" \
	h run --rm --network a --ip 10.210.9.9 --rootfs "$R" -- true
fails "the gateway as a static IP" 125 "gateway" \
	h run --rm --network a --ip 10.210.1.1 --rootfs "$R" -- true
fails "host port already published" 125 "8080/tcp is already published by container 'web1'" \
	h run --rm --network a -p 8080:80 --rootfs "$R" -- true
hold tcp 0.0.0.0 9090
fails "host port bound by a host process" 125 "9090/tcp is already in use on the host" \
	h run --rm --network a -p 9090:80 --rootfs "$R" -- true
hold tcp 127.0.0.1 9093
fails "host port bound on one address by a host process" 125 \
	"127\.0\.0\.1:9093/tcp is already in use on the host" \
	h run --rm --network a -p 127.0.0.1:9093:80 --rootfs "$R" -- true
hold udp 0.0.0.0 9092
fails "UDP host port bound by a host process" 125 "9092/udp is already in use on the host" \
	h run --rm --network a -p 9092:80/udp --rootfs "$R" -- true
fails "malformed -p" 125 "-p '80:http'.*container port" \
	h run --rm --network a -p 80:http --rootfs "$R" -- true
fails "-p with --network none" 125 "need a hako network" \
	h run --rm --network none -p 80:80 --rootfs "$R" -- true
fails "unknown network" 125 "no such network: nosuch" \
	h run --rm --network nosuch --rootfs "$R" -- true
fails "overlapping IPv6 subnet" 2 "subnet fd68:210::/32 overlaps network 'a'" \
	h network create --subnet 10.210.5.0/24 --ipv6 --subnet fd68:210::/32 b
fails "malformed IPv6 subnet" 2 "fd68:210:9::zz" \
	h network create --ipv6 --subnet fd68:210:9::zz/64 b
fails "IPv6 gateway outside its subnet" 2 "gateway|outside|not in" \
	h network create --ipv6 --subnet fd68:210:9::/64 --gateway fd68:210:8::1 b
fails "--gateway without --subnet" 2 "need --subnet" h network create --gateway 10.210.5.1 b
fails "--parent on a bridge network" 2 "only for the macvlan driver" \
	h network create --parent lo --subnet 10.210.5.0/24 b
fails "static IP taken, on connect" 2 "10\.210\.1\.50.*(in use|taken|leased)" \
	h network connect --ip 10.210.1.50 a c1
fails "host port already published, on connect" 2 \
	"8080/tcp is already published by container 'web1'" h network connect -p 8080:80 a c1
fails "connect to a network that does not exist" 5 "no such network: nosuch" \
	h network connect nosuch c1
fails "connect twice" 2 "already connected to network 'a'" h network connect a web1
# --opt=VALUE is checked as --opt VALUE; options are spelt in full
fails "--subnet=VALUE" 2 "overlaps network 'a'" h network create --subnet=10.210.0.0/16 b
fails "--ip=VALUE on connect" 2 "10\.210\.1\.50.*(in use|taken|leased)" \
	h network connect --ip=10.210.1.50 a c1
fails "--network=NET --ip=IP on run" 125 "10\.210\.1\.50.*(in use|taken|leased)" \
	h run --rm --network=a --ip=10.210.1.50 --rootfs "$R" -- true
fails "an abbreviated option" 2 "unknown option '--sub'" h network create --sub 10.210.5.0/24 b
fails "a value given to a flag" 2 "--internal takes no value" \
	h network create --internal=yes --subnet 10.210.5.0/24 b
fails "a missing value" 2 "--mtu needs a value" h network create b --mtu
check "prune keeps a network in use" h network prune
[ "$(snap)" = "$s0" ] || changed="$changed [prune]"
is "every refused command changed nothing (links, nft ruleset, networks, containers)" \
	"$changed" ""

# a small subnet runs out, clearly
check "tiny network" h network create --subnet 10.210.7.0/30 tiny
h run -d --name t1 --network tiny --rootfs "$R" -- sleep 100 >/dev/null
check_fail "exhausted subnet" 125 "no free address in 10\.210\.7\.0/30" \
	h run --rm --network tiny --rootfs "$R" -- true
check "create with --opt=VALUE after NAME" h network create eq --subnet=10.210.8.0/24 --mtu=1400
is "... as --opt VALUE" "$(h -j network inspect eq | jq -r '.[0] | "\(.subnet) \(.mtu)"')" \
	"10.210.8.0/24 1400"
check "... removed" h network rm eq
h rm -f t1 web1 web2 c1 >/dev/null
check "networks removed once unused" h network rm tiny a
