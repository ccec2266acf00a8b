#!/bin/bash
# Attaching a container to a network and detaching it again: hako vs the CNI reference
# plugins doing the same job, in one hyperfine run.
#   hako:  hako network connect -p 8080:80 NET CT; hako network disconnect NET CT
#          (veth created in the container's namespace, address from the SQLite IPAM, default
#          route, hairpin, /etc/hosts, DNAT + masquerade rules in hako's nftables table)
#   CNI:   Debian's containernetworking-plugins driven by hand through the CNI protocol
#          (CNI_COMMAND=ADD/DEL + CNI_* environment + JSON config on stdin): bridge (which
#          execs host-local for the address, ipMasq, hairpinMode) chained with portmap
#          (prevResult from bridge, runtimeConfig.portMappings 8081:80); DEL in reverse.
# Both sides attach to an already-running container's namespace; both set up masquerade
# and one published TCP port.
#
# Usage (root): bench/network.sh [RUNS]     default 30
# Runs inside a private mount+network namespace: nothing touches the host's network.
# Writes bench/results/network.json and .md (hyperfine exports).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
if [ -z "${HAKO_BENCH_INNER:-}" ]; then
	"$src/scripts/install-deps.sh" hyperfine containernetworking-plugins >/dev/null
	if [ -z "${HAKO:-}" ]; then
		"$src/scripts/build.sh" "$src/build" -Dbuildtype=release >/dev/null
	fi
	mkdir -p /run/netns "$here/results"
	exec env HAKO_BENCH_INNER=1 unshare --mount --net --propagation private -- "$0" "$@"
fi
mount -t tmpfs bench-netns /run/netns
ip link set lo up
HAKO=${HAKO:-$src/build/hako}
CNI=${CNI_PATH:-/usr/lib/cni}
runs=${1:-30}
work=$(mktemp -d /tmp/hako-bench-net.XXXXXX)
trap 'set +e; $HAKO --root $work/root rm -f bct >/dev/null 2>&1; ip netns del cnict 2>/dev/null; umount -R "$work/root/run/ns" 2>/dev/null; rm -rf "$work"' EXIT
rootfs=${HAKO_ROOTFS:-$("$src/scripts/mkrootfs-busybox.sh" --cached)}
h() { "$HAKO" --root "$work/root" "$@"; }

# hako: a network and a running container without one
h network create --subnet 10.77.0.0/24 bn >/dev/null 2>&1
h run -d --name bct --rootfs "$rootfs" -- sleep 1000000 >/dev/null

# CNI: a namespace standing for the container, and the two configs
ip netns add cnict
cat >"$work/bridge.json" <<JSON
{"cniVersion": "1.0.0", "name": "cnibench", "type": "bridge", "bridge": "cni-bench0",
 "isGateway": true, "ipMasq": true, "hairpinMode": true,
 "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.78.0.0/24"}]],
          "dataDir": "$work/ipam"}}
JSON
cat >"$work/cni.sh" <<SH
set -e
export CNI_PATH=$CNI CNI_NETNS=/run/netns/cnict CNI_IFNAME=eth0 CNI_CONTAINERID=bench
pm() {
	printf '{"cniVersion":"1.0.0","name":"cnibench","type":"portmap",'
	printf '"capabilities":{"portMappings":true},"runtimeConfig":{"portMappings":'
	printf '[{"hostPort":8081,"containerPort":80,"protocol":"tcp"}]},"prevResult":%s}' "\$1"
}
res=\$(CNI_COMMAND=ADD $CNI/bridge <$work/bridge.json)
pm "\$res" | CNI_COMMAND=ADD $CNI/portmap >/dev/null
pm "\$res" | CNI_COMMAND=DEL $CNI/portmap >/dev/null
CNI_COMMAND=DEL $CNI/bridge <$work/bridge.json >/dev/null
SH
echo "h() { $HAKO --root $work/root \"\$@\"; }; h network connect -p 8080:80 bn bct && h network disconnect bn bct" >"$work/hako.sh"

# each side once, checked, before timing
bash "$work/cni.sh" || { echo "network.sh: the CNI plugins failed" >&2; exit 1; }
bash "$work/hako.sh" || { echo "network.sh: hako failed" >&2; exit 1; }

hyperfine --shell=bash --runs "$runs" --warmup 3 \
	--export-json "$here/results/network.json" --export-markdown "$here/results/network.md" \
	-n "hako network connect + disconnect" "bash $work/hako.sh" \
	-n "CNI bridge+host-local+portmap ADD + DEL" "bash $work/cni.sh"
h rm -f bct >/dev/null
h network rm bn >/dev/null
