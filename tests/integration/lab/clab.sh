#!/bin/bash
# containerlab's own example lab-examples/frr01 (tests/fixtures/lab/containerlab-frr01,
# unchanged, BSD-3-Clause): the file is read as containerlab reads it (groups, binds, exec,
# links) and drawn; deploying it needs its images (FRR, network-multitool) under the names
# the file uses: with HAKO_FRR01_ROOT=DIR, a hako root whose image store has them (hako
# image tag), it is deployed unchanged and PC1 reaches PC3 once OSPF has converged;
# otherwise that part is skipped with the reason (stand-in images are not built here yet).
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
if [ -n "${HAKO_FRR01_ROOT:-}" ]; then
	ROOT=$HAKO_FRR01_ROOT
	h lab ls >/dev/null
	before=$(snapshot)
	cp -r "$HAKO_SRC/tests/fixtures/lab/containerlab-frr01" "$HAKO_TEST_TMP/frr01"
	check "deploy frr01 unchanged" h lab deploy "$HAKO_TEST_TMP/frr01/frr01.clab.yml"
	for i in $(seq 1 60); do
		h lab exec frr01 PC1 -- ping -c 1 -W 1 192.168.13.2 >/dev/null 2>&1 && break
		sleep 1
	done
	check "PC1 reaches PC3 through OSPF" h lab exec frr01 PC1 -- ping -c 1 -W 1 192.168.13.2
	check "destroy frr01" h lab destroy frr01
	is "after destroy, as before" "$(snapshot)" "$before"
else
	skip "deploy frr01 unchanged, PC1 reaches PC3" \
		"needs HAKO_FRR01_ROOT: a hako root with images quay.io/frrouting/frr:10.5.1 and wbitt/network-multitool:3.22.2"
fi
