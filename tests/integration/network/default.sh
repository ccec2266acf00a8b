#!/bin/bash
# Docker's defaults: `hako run` without --network joins the default network "bridge" (made on
# first use, by one of two concurrent runs, with NAT to the outside: the upstream host is
# reached masqueraded); -p without --network; -p CTPORT and -P (the image's EXPOSE) get
# random host ports that `hako port` shows and that reach the container from the host;
# --network none (lo only), host, container:NAME (the other's interfaces), netns:NAME;
# nothing is left after rm and network rm (veths, nft table, resolvers).
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/network/common.inc"
# a private copy: the shared cached rootfs is replaced when a concurrent test changes it,
# which would pull the root out from under this test's long-running containers
cp -a "$R" "$HAKO_TEST_TMP/rootfs" && R=$HAKO_TEST_TMP/rootfs || { not_ok "rootfs copy"; exit 1; }

needs_kinds "the default network" veth bridge
needs_nft "the default network"
command -v python3 >/dev/null || { skip "the default network" "python3 is not installed"; exit 0; }
up_init || { not_ok "upstream topology"; exit 1; }
up_httpd || { not_ok "upstream httpd"; exit 1; }
nft_orig=$(nft -s list ruleset)
links_orig=$(ip -o link show | awk -F': ' '{print $2}' | sort | tr '\n' ' ')

# an image exposing 80/tcp and 53/udp, its command: httpd on 80
W=$HAKO_TEST_TMP/img
python3 - "$W" "$R" <<'PY'
import hashlib, io, json, os, sys, tarfile
W, R = sys.argv[1], sys.argv[2]
b = io.BytesIO()
with tarfile.open(fileobj=b, mode="w", format=tarfile.PAX_FORMAT) as t:
    t.add(R, arcname=".")
    ti = tarfile.TarInfo("www/index.html"); data = b"exposed\n"; ti.size = len(data); ti.mtime = 1700000000
    t.addfile(ti, io.BytesIO(data))
l = b.getvalue()
sha = lambda x: "sha256:" + hashlib.sha256(x).hexdigest()
os.makedirs(W + "/blobs/sha256")
def put(x):
    open(W + "/blobs/sha256/" + sha(x)[7:], "wb").write(x); return sha(x)
cfg = json.dumps({"architecture": "amd64", "os": "linux",
    "config": {"Cmd": ["httpd", "-f", "-p", "80", "-h", "/www"], "ExposedPorts": {"80/tcp": {}, "53/udp": {}}},
    "rootfs": {"type": "layers", "diff_ids": [sha(l)]}}).encode()
man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": put(cfg), "size": len(cfg)},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": put(l), "size": len(l)}]}).encode()
open(W + "/index.json", "w").write(json.dumps({"schemaVersion": 2, "manifests": [{
    "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": put(man), "size": len(man),
    "annotations": {"org.opencontainers.image.ref.name": "web:1"}}]}))
open(W + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
PY
h image load "$W" >/dev/null || { not_ok "image load"; exit 1; }

# two concurrent first runs: one default network, both on it
h network ls | grep -q '^bridge ' && not_ok "no default network before" || ok "no default network before the first run"
h run -d --name d1 --rootfs "$R" -- sleep 1000 >/dev/null 2>"$HAKO_TEST_TMP/d1.err" &
h run -d --name d2 --rootfs "$R" -- sleep 1000 >/dev/null 2>"$HAKO_TEST_TMP/d2.err" &
wait
on_exit h rm -f d1 d2
is "made on first use, once: bridge on hako0" "$(h network ls | awk '$1=="bridge" {print $2, $5, $7}')" \
	"bridge hako0 2"
a1=$(h exec d1 -- ip -4 -o addr show eth0 | awk '{print $4}')
a2=$(h exec d2 -- ip -4 -o addr show eth0 | awk '{print $4}')
[ "${a1%.*}" = "${a2%.*}" ] && [ "$a1" != "$a2" ] && [ "${a1#10.123.}" != "$a1" ] &&
	ok "both got eth0 with an address on it ($a1, $a2)" || not_ok "addresses '$a1' '$a2'"
is "a default route through the bridge" "$(h exec d1 -- ip route | awk '/^default/ {print $3}')" \
	"$(h -j network inspect bridge | jq -r '.[0].gateway')"
is "NAT to the outside: the upstream sees the host's address" \
	"$(fetch d1 http://198.51.100.2/cgi-bin/ip)" 198.51.100.1
is "the peers resolve each other by name" "$(h exec d1 -- timeout 8 nslookup d2 127.0.0.11 2>/dev/null |
	awk '/^Address/ && !/#|:53/ {print $NF}')" "${a2%/*}"

# -p without --network; -p CTPORT; -P
www "$HAKO_TEST_TMP/www-p" p8
h run -d --name p1 -p 18080:80 -p 80 -v "$HAKO_TEST_TMP/www-p:/www" --rootfs "$R" -- httpd -f -p 80 -h /www >/dev/null
on_exit h rm -f p1
# the server listens a moment after run -d returns: asked until it answers (3 s at most)
get() { local i o; for i in $(seq 30); do o=$(timeout 3 $BB wget -qO- "$1" 2>/dev/null) && break; sleep 0.1; done; echo "$o"; }
is "-p without --network: published on the default network" "$(get http://127.0.0.1:18080/)" p8
rp=$(h -j port p1 | jq -r '.[] | select(.host_port != 18080) | .host_port')
[ -n "$rp" ] && [ "$rp" -gt 0 ] && ok "-p 80: a random host port ($rp)" || not_ok "-p 80: port '$rp'"
is "which reaches the container from the host" "$(timeout 3 $BB wget -qO- "http://127.0.0.1:$rp/")" p8
is "and from the upstream host" "$(nsx up timeout 3 $BB wget -qO- "http://198.51.100.1:$rp/")" p8
h run -d --name pa -P web:1 >/dev/null
on_exit h rm -f pa
is "-P: every exposed port published" "$(h -j port pa | jq -r '[.[] | "\(.container_port)/\(.proto)"] | sort | join(" ")')" \
	"53/udp 80/tcp"
pp=$(h -j port pa | jq -r '.[] | select(.container_port == 80) | .host_port')
is "-P: the random port of 80/tcp reaches it" "$(get "http://127.0.0.1:$pp/")" exposed
is "hako port shows them" "$(h port pa | awk 'NR>1 {print $1, $2}' | sort | tr '\n' ' ')" "53 udp 80 tcp "
# --expose (Docker's): -P publishes those ports too; without -P nothing is published
h run -d --name px --expose 8081 --expose 5353/udp -P --rootfs "$R" -- sleep 100 >/dev/null
on_exit h rm -f px
is "--expose 8081 --expose 5353/udp -P: both published (hako -j port)" \
	"$(h -j port px | jq -r '[.[] | "\(.container_port)/\(.proto)"] | sort | join(" ")')" "5353/udp 8081/tcp"
nft list table inet hako | grep -q "tcp dport $(h port px 8081 | cut -d: -f2) dnat ip to .*:8081 " &&
	ok "... its host port DNATs to 8081 in hako's nft table" || not_ok "no DNAT rule for px's 8081"
h run -d --name px2 --expose 8081 --rootfs "$R" -- sleep 100 >/dev/null
on_exit h rm -f px2
is "--expose without -P: nothing published" "$(h -j port px2 | jq length)" 0
check_fail "--expose 80/sctp: refused, naming it" 125 "--expose '80/sctp'" \
	h run --rm --expose 80/sctp --rootfs "$R" -- true
h rm -f px px2 >/dev/null
# -p ranges (Docker's): one binding per port, host and container ranges side by side
h run -d --name pr -p 18090-18091:80-81 -p 127.0.0.1::90-91/udp --rootfs "$R" -- sleep 100 >/dev/null
on_exit h rm -f pr
is "-p 18090-18091:80-81: 80 on 18090, 81 on 18091 (hako -j port)" \
	"$(h -j port pr | jq -r '[.[] | select(.proto == "tcp") | "\(.host_port):\(.container_port)"] | sort | join(" ")')" \
	"18090:80 18091:81"
is "-p 127.0.0.1::90-91/udp: two random udp ports on 127.0.0.1" \
	"$(h -j port pr | jq -r '[.[] | select(.proto == "udp") | "\(.host_ip):\(.container_port)"] | sort | join(" ")')" \
	"127.0.0.1:90 127.0.0.1:91"
check_fail "-p 18092-18094:80-81: ranges of other lengths refused" 125 "ranges differ in length" \
	h run --rm -p 18092-18094:80-81 --rootfs "$R" -- true
h rm -f pr >/dev/null
# Docker's `port CT PORT[/PROTO]`: the host side, tcp unless /udp; exit 1 when not published
is "port pa 80: 0.0.0.0:HOSTPORT (the -j row's)" "$(h port pa 80)" "0.0.0.0:$pp"
is "port pa 53/udp: the udp one" "$(h port pa 53/udp)" \
	"0.0.0.0:$(h -j port pa | jq -r '.[] | select(.proto == "udp") | .host_port')"
is "port p1 80/tcp: both bindings of 80, a line each" "$(h port p1 80/tcp | sort | tr '\n' ' ')" \
	"$(printf '0.0.0.0:%s\n' 18080 "$rp" | sort | tr '\n' ' ')"
check_fail "port pa 53 (tcp): not published, exit 1" 1 "no public port '53/tcp' published for 'pa'" \
	h port pa 53
check_fail "port pa 80/sctp: refused, naming it" 2 "'80/sctp': expected PORT or PORT/tcp\|udp" \
	h port pa 80/sctp
check_fail "-p with --network none is refused" 125 "need a hako network" \
	h run --rm --network none -p 80 --rootfs "$R" -- true
is "-p with --network host: discarded with a warning, as Docker" \
	"$(h run --rm --network host -p 80 --rootfs "$R" -- echo ran 2>&1)" \
	"$(printf 'hako: warning: published ports are discarded with --network host\nran')"

# none, host, container:NAME, netns:NAME
is "--network none: lo only" "$(h run --rm --network none --rootfs "$R" -- ls /sys/class/net | tr '\n' ' ')" "lo "
is "--network host: the host's interfaces" \
	"$(h run --rm --network host --rootfs "$R" -- ls /sys/class/net | sort | tr '\n' ' ')" \
	"$(ip -o link show | awk -F': ' '{sub(/@.*/, "", $2); print $2}' | sort | tr '\n' ' ')"
sig() { jq -c '[.[] | {ifname, address, a: [.addr_info[] | .local]}]'; }
is "--network container:d1: d1's interfaces (ip -j addr)" \
	"$(h run --rm --network container:d1 "${HOST_USR[@]}" --rootfs "$(host_usr_rootfs)" -- ip -j addr | sig)" \
	"$(h exec d1 -- cat /dev/null; ip -n d1 -j addr | sig)"
is "--network container:d1: d1's resolver answers" \
	"$(h run --rm --network container:d1 --rootfs "$R" -- timeout 8 nslookup d2 2>/dev/null |
		awk '/^Address/ && !/:53/ {print $NF}')" "${a2%/*}"
check_fail "--network container:NAME of no container (125, as Docker)" 125 "container:nosuch: no such container" \
	h run --rm --network container:nosuch --rootfs "$R" -- true
ip netns add "dn$$" && on_exit ip netns del "dn$$"
is "--network netns:NAME" "$(h run --rm --network "netns:dn$$" --rootfs "$R" -- ls /sys/class/net | tr '\n' ' ')" "lo "

# nothing left
pids=$(cat "$ROOT"/run/*/dns.pid 2>/dev/null | awk '{print $1}')
h rm -f d1 d2 p1 pa >/dev/null
check "network rm bridge" h network rm bridge
left=""
for p in $pids; do
	[ "$(awk '{print $2, $3}' /proc/"$p"/stat 2>/dev/null)" = "(hako-dns) S" ] && left="$left $p"
done
is "no resolver left" "$left" ""
is "no link left" "$(ip -o link show | awk -F': ' '{print $2}' | sort | tr '\n' ' ')" "$links_orig"
is "nft list ruleset back to its original state" "$(nft -s list ruleset)" "$nft_orig"
