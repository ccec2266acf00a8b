#!/bin/bash
# hako-cni next to the reference plugins (Debian's containernetworking-plugins): for the same
# configuration (only "type", names and subnets differ) hako-cni's ADD result has the
# reference bridge plugin's shape (keys and value types, for cniVersion 0.4.0 and 1.0.0);
# an ipam type other than host-local is delegated to that plugin from CNI_PATH (here the
# reference host-local under another name): its allocation (the file it writes in its
# dataDir) is the address in the namespace, and DEL gives it back.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/cni/common.inc"
needs_kinds "hako-cni" veth bridge
needs_nft "hako-cni"
if [ ! -x "$REFCNI/bridge" ] || [ ! -x "$REFCNI/host-local" ]; then
	skip "the reference plugins" "not installed (apt-get install containernetworking-plugins)"
	exit 0
fi
mkns r1
mkns r2
DATA=$HAKO_TEST_TMP/hostlocal

# shape JSON: every key path with its value's type, lists element by element
shape() {
	python3 -c '
import json, sys
def walk(v, p, out):
    if isinstance(v, dict):
        for k in v: walk(v[k], p + "." + k, out)
    elif isinstance(v, list):
        for i, x in enumerate(v): walk(x, p + "[%d]" % i, out)
    else:
        out.append(p + ":" + type(v).__name__)
out = []
walk(json.loads(sys.argv[1]), "", out)
print(" ".join(sorted(out)))' "$1"
}
# refcni CMD ID NETNS CONF: the reference bridge plugin
refcni() {
	printf '%s' "$4" | env CNI_COMMAND="$1" CNI_CONTAINERID="$2" CNI_IFNAME=eth0 \
		CNI_NETNS="$3" CNI_PATH="$REFCNI" "$REFCNI/bridge"
}
mkconf() { # VERSION TYPE NAME SUBNET EXTRA
	cat <<JSON
{"cniVersion": "$1", "name": "$3", "type": "$2", "bridge": "cb-$3", "isGateway": true,
 "ipMasq": true, "hairpinMode": true${5-},
 "ipam": {"type": "host-local", "dataDir": "$DATA", "ranges": [[{"subnet": "$4"}]],
          "routes": [{"dst": "0.0.0.0/0"}]}}
JSON
}

for v in 0.4.0 1.0.0; do
	for extra in '' ', "dns": {"nameservers": ["10.9.9.9"], "search": ["example.test"]}'; do
		what="cniVersion $v${extra:+ with dns}"
		R=$(mkconf "$v" bridge refnet 10.238.0.0/24 "$extra")
		H=$(mkconf "$v" hako-cni hknet 10.239.0.0/24 "$extra")
		ref=$(refcni ADD s1 /run/netns/r1 "$R")
		hk=$(cni ADD s2 eth0 /run/netns/r2 "$H")
		if [ -z "$ref" ] || [ -z "$hk" ]; then
			not_ok "$what: both ADDs answer"
			printf '%s\n' "ref: $ref" "hako: $hk" | diag
		else
			is "$what: hako-cni's result has the reference's shape" "$(shape "$hk")" "$(shape "$ref")"
		fi
		refcni DEL s1 /run/netns/r1 "$R" >/dev/null
		cni DEL s2 eth0 /run/netns/r2 "$H" >/dev/null
	done
done
ip link del cb-refnet 2>/dev/null

# delegation: ipam type "hl" is the reference host-local under another name
ln -s "$REFCNI/host-local" "$CNIBIN/hl"
D=$(jmod "$(mkconf 1.0.0 hako-cni dlnet 10.240.0.0/24)" 'c["ipam"]["type"] = "hl"')
r=$(cni ADD d1 eth0 /run/netns/r1 "$D")
is "ADD with a delegated ipam" "$?" 0
a=$(jget "$r" 'j["ips"][0]["address"]')
[ -n "$a" ] || a="no address in the result"
is "the address is host-local's (its lease file)" "$(ls "$DATA/dlnet" | grep '^10\.')" "${a%/*}"
is "... and the one in the namespace" \
	"$(ip -n r1 -j addr show eth0 | jget "$(cat)" '[x["local"]+"/"+str(x["prefixlen"]) for x in j[0]["addr_info"] if x["family"]=="inet"][0]')" "$a"
is "the routes are host-local's" "$(jget "$r" 'j["routes"][0]["dst"]')" 0.0.0.0/0
check "the gateway answers" ip netns exec r1 ping -c1 -W2 10.240.0.1
out=$(cni CHECK d1 eth0 /run/netns/r1 "$(jmod "$D" 'c["prevResult"] = json.loads(sys.argv[3])' "$r")")
is "CHECK with a delegated ipam (host-local's CHECK too)" "$?:$out" "0:"
mv "$DATA/dlnet/${a%/*}" "$HAKO_TEST_TMP/lease.saved"
out=$(cni CHECK d1 eth0 /run/netns/r1 "$(jmod "$D" 'c["prevResult"] = json.loads(sys.argv[3])' "$r")")
[ $? -ne 0 ] && echo "$out" | grep -q "ipam plugin 'hl' CHECK" && ok "... which fails when host-local lost the lease" ||
	not_ok "delegated CHECK: $out"
mv "$HAKO_TEST_TMP/lease.saved" "$DATA/dlnet/${a%/*}"
check "DEL with a delegated ipam" cni DEL d1 eth0 /run/netns/r1 "$D"
is "host-local's lease is given back" "$(ls "$DATA/dlnet" | grep -c '^10\.')" 0
out=$(cni GC "" "" "" "$(jmod "$D" 'c["cniVersion"] = "1.1.0"; c["cni.dev/valid-attachments"] = []')")
is "GC with an ipam plugin older than spec 1.1 (no GC of its own) succeeds" "$?:$out" "0:"
out=$(cni ADD d2 eth0 /run/netns/r1 "$(jmod "$D" 'c["ipam"]["type"] = "nosuchipam"')")
is "an ipam plugin not in CNI_PATH: code 50" "$(jget "$out" 'j["code"]')" 50
ip -n r1 link show eth0 >/dev/null 2>&1 && not_ok "nothing made for it" || ok "nothing made for it"
