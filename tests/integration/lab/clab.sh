#!/bin/bash
# containerlab's own example lab-examples/frr01 (tests/fixtures/lab/containerlab-frr01,
# unchanged, BSD-3-Clause): read as containerlab reads it (groups, binds, exec, links) and
# drawn; deployed unchanged with stand-in images under the names the file uses (busybox whose
# command waits: six containers, their links, the PCs' exec lines, the routers' binds).
# The stand-ins have no FRR, so OSPF (PC1 reaching PC3) is checked only with
# HAKO_FRR01_ROOT=DIR, a hako root whose image store has images with FRR under the file's
# names: scripts/check-frr01.sh builds them from Debian packages (scripts/mkimage-frr.sh)
# and runs this test with it (slow: out of the suite).
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/lab/common.inc"
F=$FX/containerlab-frr01/frr01.clab.yml
g=$(h lab graph "$F") || not_ok "lab graph of the unchanged file"
is "frr01: six nodes" "$(grep -c 'shape=box3d' <<<"$g")" 6
is "frr01: six links" "$(grep -c ' -- ' <<<"$g")" 6
has_link() { grep -q "\"router1\" -- \"router2\" \[taillabel=\"eth1\", headlabel=\"eth1\"" <<<"$g"; }
check "frr01: router1:eth1 -- router2:eth1" has_link
m=$(h lab graph "$F" --format mermaid)
is "frr01 as mermaid: six edges" "$(grep -c -- '---|' <<<"$m")" 6
# Stand-in images under the file's names: busybox (ip, sh) whose command just waits. They
# have no FRR: the file deploys unchanged (groups, binds, exec lines, links) but there is no
# OSPF, so routing through the routers is checked only with HAKO_FRR01_ROOT (below).
. "$HAKO_SRC/tests/integration/container/common.inc" # $R: a busybox rootfs
standin() {
	local d=$HAKO_TEST_TMP/oci b=$HAKO_TEST_TMP/oci/blobs/sha256 ld ls cd cs md ms
	mkdir -p "$b"
	tar -C "$R" -cf "$d/layer.tar" . || return 1
	ld=$(sha256sum "$d/layer.tar" | cut -d' ' -f1)
	ls=$(stat -c %s "$d/layer.tar")
	mv "$d/layer.tar" "$b/$ld"
	printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["sleep","2147483647"],"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' "$ld" >"$d/config"
	cd=$(sha256sum "$d/config" | cut -d' ' -f1)
	cs=$(stat -c %s "$d/config")
	mv "$d/config" "$b/$cd"
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' "$cd" "$cs" "$ld" "$ls" >"$d/manifest"
	md=$(sha256sum "$d/manifest" | cut -d' ' -f1)
	ms=$(stat -c %s "$d/manifest")
	mv "$d/manifest" "$b/$md"
	printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s}]}' "$md" "$ms" >"$d/index.json"
	echo '{"imageLayoutVersion":"1.0.0"}' >"$d/oci-layout"
	h image load "$d" --name quay.io/frrouting/frr:10.5.1 >/dev/null &&
		h image tag quay.io/frrouting/frr:10.5.1 wbitt/network-multitool:3.22.2 >/dev/null
}
h lab ls >/dev/null
before=$(snapshot)
if standin; then
	cp -r "$HAKO_SRC/tests/fixtures/lab/containerlab-frr01" "$HAKO_TEST_TMP/frr01"
	check "deploy frr01 unchanged (stand-in images)" h lab deploy -q "$HAKO_TEST_TMP/frr01/frr01.clab.yml"
	is "six containers running" \
		"$(h -j ps | jq -r '[.[] | select(.name | startswith("frr01-")) | select(.state == "running")] | length')" 6
	is "router1 has eth0 (management), eth1, eth2, eth3 (ip -j in its namespace)" \
		"$(ip -n frr01-router1 -j link show | jq -r '[.[].ifname | select(startswith("eth"))] | sort | join(",")')" \
		eth0,eth1,eth2,eth3
	m=$(h -j lab inspect frr01 | jq -r '[.[] | select(.node == "PC3")][0].mgmt_ipv4')
	check "the host reaches PC3 on the management network ($m)" ping -c 1 -W 2 "$m"
	is "PC1's exec lines ran: eth1 has 192.168.11.2/24" \
		"$(ip -n frr01-PC1 -j -4 addr show eth1 | jq -r '.[0].addr_info[0] | "\(.local)/\(.prefixlen)"')" \
		192.168.11.2/24
	is "PC3's exec lines ran: its route to 192.168.0.0/16" \
		"$(ip -n frr01-PC3 -j route show 192.168.0.0/16 | jq -r '.[0].gateway')" 192.168.13.1
	is "router1's bind: /etc/frr/frr.conf from the lab's directory" \
		"$(h lab exec frr01 router1 -- cat /etc/frr/frr.conf | md5sum)" \
		"$(md5sum <"$HAKO_TEST_TMP/frr01/router1/frr.conf")"
	check "destroy frr01" h lab destroy frr01
	is "after destroy, as before" "$(snapshot | grep -v '^$')" "$(echo "$before" | grep -v '^$')"
else
	not_ok "stand-in images for frr01"
fi
if [ -n "${HAKO_FRR01_ROOT:-}" ]; then
	ROOT=$HAKO_FRR01_ROOT
	h lab ls >/dev/null
	before=$(snapshot)
	cp -r "$HAKO_SRC/tests/fixtures/lab/containerlab-frr01" "$HAKO_TEST_TMP/frr01"
	# FRR's daemons need CAP_SYS_ADMIN, which containerlab gives by running nodes
	# privileged and hako only where the file says so (containerlab's node key cap-add):
	# the one line added to the published file
	sed -i 's|^      image: quay.io/frrouting/frr:10.5.1$|&\n      cap-add: [SYS_ADMIN]|' \
		"$HAKO_TEST_TMP/frr01/frr01.clab.yml"
	grep -q "cap-add: \[SYS_ADMIN\]" "$HAKO_TEST_TMP/frr01/frr01.clab.yml" || not_ok "cap-add line"
	check "deploy frr01 (routers with cap-add: SYS_ADMIN)" h lab deploy "$HAKO_TEST_TMP/frr01/frr01.clab.yml"
	for i in $(seq 1 60); do
		h lab exec frr01 PC1 -- ping -c 1 -W 1 192.168.13.2 >/dev/null 2>&1 && break
		sleep 1
	done
	check "PC1 reaches PC3 through OSPF" h lab exec frr01 PC1 -- ping -c 1 -W 1 192.168.13.2
	check "destroy frr01" h lab destroy frr01
	as_before "after destroy, as before"
else
	skip "deploy frr01 unchanged, PC1 reaches PC3" \
		"needs HAKO_FRR01_ROOT (scripts/check-frr01.sh): a hako root with images quay.io/frrouting/frr:10.5.1 and wbitt/network-multitool:3.22.2"
fi
