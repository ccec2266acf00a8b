#!/bin/bash
# The embedded DNS resolver (resolver.c): containers on one network find each other by name
# and alias through DNS (nslookup against 127.0.0.11, glibc's getent through DNS), a name on
# another network is not answered (it goes upstream, which says NXDOMAIN), other names are
# relayed to the host's upstream server (a fake one this test runs in a namespace it made),
# TCP works too, --dns replaces that upstream, --add-host/--dns-search/--dns-option reach the files; the
# resolver listens only inside the container's namespace (not on the host); one killed -9 is
# started again by the next hako command; nothing is left afterwards (processes, sockets).
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/network/common.inc"
# a private copy: the shared cached rootfs is replaced when a concurrent test changes it,
# which would pull the root out from under this test's long-running containers
cp -a "$R" "$HAKO_TEST_TMP/rootfs" && R=$HAKO_TEST_TMP/rootfs || { not_ok "rootfs copy"; exit 1; }

needs_kinds "the embedded resolver" veth bridge
needs_nft "the embedded resolver"
command -v python3 >/dev/null || { skip "the embedded resolver" "python3 is not installed"; exit 0; }
up_init || { not_ok "upstream topology"; exit 1; }

# the fake upstream: ext.example A 192.0.2.7, everything else NXDOMAIN; logs each name asked
cat >"$HAKO_TEST_TMP/updns.py" <<'PY'
import os, socket, struct, sys, threading
open(sys.argv[2], "w").write("%d\n" % os.getpid())
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("198.51.100.2", 53))
log = open(sys.argv[1], "a", buffering=1)
def answer(q):
    i, names = 12, []
    while q[i]:
        names.append(q[i + 1:i + 1 + q[i]].decode()); i += 1 + q[i]
    name, qtype = ".".join(names), struct.unpack("!H", q[i + 1:i + 3])[0]
    log.write("%s %d\n" % (name, qtype))
    qd = q[12:i + 5]
    if name == "ext.example" and qtype == 1:
        r = q[:2] + b"\x81\x80" + struct.pack("!HHHH", 1, 1, 0, 0) + qd
        r += b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + socket.inet_aton("192.0.2.7")
    else:
        r = q[:2] + b"\x81\x83" + struct.pack("!HHHH", 1, 0, 0, 0) + qd
    return r
def tcp():
    t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind(("198.51.100.2", 53)); t.listen(8)
    while True:
        c, _ = t.accept()
        n = struct.unpack("!H", c.recv(2))[0]
        r = answer(c.recv(n))
        c.sendall(struct.pack("!H", len(r)) + r); c.close()
threading.Thread(target=tcp, daemon=True).start()
while True:
    q, a = s.recvfrom(4096)
    s.sendto(answer(q), a)
PY
nsx up python3 "$HAKO_TEST_TMP/updns.py" "$HAKO_TEST_TMP/upqueries" "$HAKO_TEST_TMP/updns.pid" \
	>/dev/null 2>&1 &
on_exit 'kill $(cat "$HAKO_TEST_TMP/updns.pid")'
for _ in $(seq 50); do [ -s "$HAKO_TEST_TMP/updns.pid" ] && break; sleep 0.1; done
printf 'nameserver 198.51.100.2\nsearch example.test\noptions edns0\n' >"$HAKO_TEST_TMP/resolv"
mount --bind "$HAKO_TEST_TMP/resolv" /etc/resolv.conf
on_exit umount /etc/resolv.conf
USR=$(host_usr_rootfs) || { not_ok "rootfs with the host's /usr"; exit 1; }

# nsl CT NAME: the first address nslookup gets for NAME from the container's resolver
nsl() {
	h exec "$1" -- timeout 8 nslookup "$2" 2>/dev/null |
		awk '/^Name:/ {n=1} n && /^Address/ {print $NF; exit}'
}
sleeper() { h run -d --name "$1" "${@:2}" --rootfs "$R" -- sleep 1000 >/dev/null; }

check "network n1" h network create --subnet 10.211.1.0/24 n1
check "network n2" h network create --subnet 10.211.2.0/24 n2
sleeper web --network n1 --network-alias www
sleeper peer --network n1
sleeper far --network n2
on_exit h rm -f web peer far
h run -d --name gl --network n1 "${HOST_USR[@]}" --rootfs "$USR" -- sleep 1000 >/dev/null
on_exit h rm -f gl

is "resolv.conf names the embedded resolver only" \
	"$(h exec peer -- cat /etc/resolv.conf | tr '\n' ' ')" \
	"nameserver 127.0.0.11 search example.test options edns0 "
is "nslookup web from a second container on the network" "$(nsl peer web)" 10.211.1.2
is "nslookup web.SEARCHDOMAIN (what busybox asks)" "$(nsl peer web.example.test)" 10.211.1.2
is "nslookup of an alias" "$(nsl peer www)" 10.211.1.2
is "names are case-insensitive" "$(nsl peer WEB)" 10.211.1.2
is "nslookup peer from web" "$(nsl web peer)" 10.211.1.3
is "reverse (PTR) of a container's address: its names" \
	"$(h exec peer -- timeout 8 nslookup 10.211.1.2 2>/dev/null | awk '/name =/ {print $NF}' | sort | tr '\n' ' ')" \
	"web www "
grep -q "in-addr" "$HAKO_TEST_TMP/upqueries" 2>/dev/null && not_ok "a reverse query of ours went upstream" ||
	ok "never sent upstream"
out=$(h exec peer -- timeout 8 nslookup -type=aaaa web 127.0.0.11 2>&1)
echo "$out" | grep -q "NXDOMAIN\|can't find" && not_ok "AAAA of a known name: $out" ||
	ok "AAAA of a name with IPv4 only: an empty answer, not NXDOMAIN"
grep -q "^web" "$HAKO_TEST_TMP/upqueries" 2>/dev/null && not_ok "a container's name went upstream" ||
	ok "a container's name is never sent upstream"
# glibc without an nsswitch.conf asks DNS first: getent hosts goes through the resolver
rm -f "$USR/etc/nsswitch.conf"
is "getent hosts web (glibc, through DNS)" "$(h exec gl -- getent hosts web | awk '{print $1}')" 10.211.1.2
is "getent ahostsv4 www" "$(h exec gl -- getent ahostsv4 www | awk 'NR==1 {print $1}')" 10.211.1.2

# over TCP (a client's retry after a truncated answer): python3 of the host's /usr inside gl
cat >"$USR/tcpq.py" <<'PY'
import socket, struct, sys
m = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00" + b"".join(
    bytes([len(p)]) + p.encode() for p in sys.argv[1].split(".")) + b"\x00\x00\x01\x00\x01"
s = socket.create_connection(("127.0.0.11", 53), timeout=8)
s.sendall(struct.pack("!H", len(m)) + m)
n = struct.unpack("!H", s.recv(2))[0]
r = b""
while len(r) < n:
    r += s.recv(n - len(r))
print(r[3] & 15, struct.unpack("!H", r[6:8])[0], socket.inet_ntoa(r[-4:]))
PY
is "TCP: a container's name" "$(h exec gl -- python3 /tcpq.py web 2>&1)" "0 1 10.211.1.2"
is "TCP: forwarded to the upstream over TCP" "$(h exec gl -- python3 /tcpq.py ext.example 2>&1)" "0 1 192.0.2.7"

is "a name on another network is not resolved" "$(nsl far web)" ""
grep -q "^web" "$HAKO_TEST_TMP/upqueries" && ok "(it was asked upstream, which said NXDOMAIN)" ||
	not_ok "the unknown name was not forwarded"
is "other names are forwarded to the host's upstream" "$(nsl peer ext.example)" 192.0.2.7
is "glibc through the resolver to the upstream" \
	"$(h exec gl -- getent ahostsv4 ext.example | awk 'NR==1 {print $1}')" 192.0.2.7

# the resolver listens in the container only
ss -Hlntu | grep -q ':53 ' && not_ok "something listens on the host's port 53: $(ss -Hlnup | grep ':53 ')" ||
	ok "nothing listens on the host's port 53"
pidf=$ROOT/run/$(h inspect peer | jq -r '.[0].id')/dns.pid
pid=$(awk '{print $1}' "$pidf")
[ -n "$pid" ] && [ "$(readlink /proc/"$pid"/ns/net)" = "$(readlink /proc/self/ns/net)" ] &&
	ok "the resolver process stays in the host's namespace" || not_ok "resolver pid '$pid'"
is "its sockets are in the container's namespace" \
	"$(h exec peer -- netstat -lntu | awk '$4 == "127.0.0.11:53" {print $1}' | sort | tr '\n' ' ')" "tcp udp "

# kill -9: the next command starts it again
kill -9 "$pid"
for _ in $(seq 50); do [ -d /proc/"$pid" ] || break; sleep 0.1; done
h ps >/dev/null
pid2=$(awk '{print $1}' "$pidf")
[ -n "$pid2" ] && [ "$pid2" != "$pid" ] && [ -d /proc/"$pid2" ] &&
	ok "resolver killed -9: started again by the next command" || not_ok "resolver after kill: '$pid2'"
is "and it answers" "$(nsl peer web)" 10.211.1.2

# a container writes its own /etc/hosts (it is writable there): bounded on the resolver's side
h exec peer -- sh -c 'i=0; while [ $i -lt 30000 ]; do echo "10.9.9.9 junk$i"; i=$((i+1)); done >>/etc/hosts'
is "a hosts file of 30000 more names: still answers" "$(nsl peer web)" 10.211.1.2
rss=$(awk '/VmRSS/ {print $2}' /proc/"$(awk '{print $1}' "$pidf")"/status)
[ -n "$rss" ] && [ "$rss" -lt 20000 ] && ok "and its memory stays bounded (${rss} kB)" ||
	not_ok "resolver RSS ${rss} kB"

# --dns: the resolver's upstream; --add-host, --dns-search, --dns-option
sleeper own --network n1 --dns 198.51.100.9 --dns-search corp.test --dns-option ndots:2 \
	--add-host db.local:192.0.2.50
on_exit h rm -f own
is "--dns-search and --dns-option" "$(h exec own -- cat /etc/resolv.conf | tr '\n' ' ')" \
	"nameserver 127.0.0.11 search corp.test options ndots:2 "
is "--add-host in /etc/hosts" "$(h exec own -- grep db.local /etc/hosts)" "$(printf '192.0.2.50\tdb.local')"
is "--add-host names resolve through DNS too" "$(nsl own db.local)" 192.0.2.50
is "--dns: its upstream is that server (none answers there)" "$(nsl own ext.example)" ""
is "still answers its network's names" "$(nsl own web)" 10.211.1.2
h run --rm --network none --dns 192.0.2.53 --rootfs "$R" -- cat /etc/resolv.conf >"$HAKO_TEST_TMP/none.resolv"
is "--dns without a network: straight into resolv.conf" "$(head -1 "$HAKO_TEST_TMP/none.resolv")" \
	"nameserver 192.0.2.53"
check_fail "--add-host without an address" 125 "expected NAME:IP" \
	h run --rm --add-host justaname --rootfs "$R" -- true
check_fail "--dns that is not an address" 125 "dns" h run --rm --dns not-an-ip --rootfs "$R" -- true

# disconnect from the last network stops it; rm leaves nothing
h network disconnect n1 own
p_own=$(ls "$ROOT/run/$(h inspect own | jq -r '.[0].id')/dns.pid" 2>/dev/null)
is "disconnected from its last network: no resolver recorded" "$p_own" ""
is "and its resolv.conf names the host's servers again" \
	"$(h exec own -- grep nameserver /etc/resolv.conf)" "nameserver 198.51.100.2"
pids=$(cat "$ROOT"/run/*/dns.pid 2>/dev/null | awk '{print $1}')
h rm -f web peer far gl own >/dev/null
sleep 0.2
left=""
# (a zombie is gone: its parent, init here, reaps it when it does)
for p in $pids; do
	[ "$(awk '{print $2, $3}' /proc/"$p"/stat 2>/dev/null)" = "(hako-dns) S" ] && left="$left $p"
done
is "no resolver process left after rm" "$left" ""
is "no dns.pid left" "$(ls "$ROOT"/run/*/dns.pid 2>/dev/null)" ""
check "network rm n1 n2" h network rm n1 n2
