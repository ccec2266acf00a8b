#!/bin/bash
# Bad input to networks: one clear line, the documented status, and nothing changed (state,
# links, nftables).
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/network/common.inc"

if ! have_kind veth || ! have_kind bridge; then
	skip "network errors" "kernel lacks veth or bridge"
	exit 0
fi
check "network a" h network create --subnet 10.210.1.0/24 a
web web1 a --ip 10.210.1.50 -p 8080:80
snap() { h ps -a; h network ls; h -j network inspect a; nft -s list ruleset; ip -o link show | awk '{print $2}'; }
s0=$(snap)

check_fail "overlapping subnet" 2 "overlaps network 'a'" h network create --subnet 10.210.0.0/16 b
check_fail "malformed subnet" 2 "10\.210\.300\.0" h network create --subnet 10.210.300.0/24 b
check_fail "subnet with host bits" 2 "host bits|10\.210\.5\.1/24" h network create --subnet 10.210.5.1/24 b
check_fail "gateway outside the subnet" 2 "gateway|outside|not in" \
	h network create --subnet 10.210.5.0/24 --gateway 10.210.6.1 b
check_fail "ip-range outside the subnet" 2 "range" \
	h network create --subnet 10.210.5.0/24 --ip-range 10.210.6.0/25 b
check_fail "name taken" 2 "already exists" h network create --subnet 10.210.5.0/24 a
check_fail "bad name" 2 "network name" h network create 'a b'
check_fail "unknown driver" 2 "unknown driver" h network create --driver overlay b
check_fail "macvlan without --parent" 2 "needs --parent" \
	h network create --driver macvlan --subnet 10.210.5.0/24 b
check_fail "missing --parent device" 2 "no such device" \
	h network create --driver macvlan --parent nosuchdev0 --subnet 10.210.5.0/24 b
check_fail "bad --mtu" 2 "mtu" h network create --mtu 20 b
check_fail "rm of a network in use names the container" 2 "in use by container web1" \
	h network rm a
check_fail "no such network" 5 "no such network" h network rm nosuch
check_fail "static IP taken" 125 "10\.210\.1\.50.*(in use|taken|leased)" \
	h run --rm --network a --ip 10.210.1.50 --rootfs "$R" -- true
check_fail "static IP outside the subnet" 125 "10\.210\.9\.9" \
	h run --rm --network a --ip 10.210.9.9 --rootfs "$R" -- true
check_fail "the gateway as a static IP" 125 "gateway" \
	h run --rm --network a --ip 10.210.1.1 --rootfs "$R" -- true
check_fail "host port already published" 125 "8080/tcp is already published by container 'web1'" \
	h run --rm --network a -p 8080:80 --rootfs "$R" -- true
$BB nc -l -p 9090 >/dev/null 2>&1 &
ncpid=$!
sleep 0.2
check_fail "host port bound by a host process" 125 "9090/tcp is already in use on the host" \
	h run --rm --network a -p 9090:80 --rootfs "$R" -- true
kill "$ncpid" 2>/dev/null
check_fail "malformed -p" 125 "expected \[HOSTIP:\]HOSTPORT:CTPORT" \
	h run --rm --network a -p 80 --rootfs "$R" -- true
check_fail "-p without --network" 125 "need --network" h run --rm -p 80:80 --rootfs "$R" -- true
check_fail "unknown network" 125 "no such network: nosuch" \
	h run --rm --network nosuch --rootfs "$R" -- true
is "nothing changed" "$(snap)" "$s0"

# a small subnet runs out, clearly
check "tiny network" h network create --subnet 10.210.7.0/30 tiny
h run -d --name t1 --network tiny --rootfs "$R" -- sleep 100 >/dev/null
check_fail "exhausted subnet" 125 "no free address in 10\.210\.7\.0/30" \
	h run --rm --network tiny --rootfs "$R" -- true
h rm -f t1 web1 >/dev/null
check "networks removed once unused" h network rm tiny a
