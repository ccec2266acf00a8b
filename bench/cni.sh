#!/bin/bash
# A CNI ADD + DEL of one container with one published port, through the CNI protocol
# (CNI_COMMAND + CNI_* environment + JSON config on stdin), in one hyperfine run:
#   hako-cni:  one plugin: veth into the namespace, host-local address from hako's SQLite
#              IPAM, default route, hairpin, masquerade and the portMappings capability in
#              hako's nftables table; DEL undoes it
#   reference: Debian's containernetworking-plugins: bridge (execs host-local, ipMasq,
#              hairpinMode) chained with portmap (prevResult, runtimeConfig.portMappings);
#              DEL in reverse order
# Both attach a network namespace standing for the container; both networks exist already.
#
# Usage (root): bench/cni.sh [RUNS]     default 30
# Runs inside a private mount+network namespace: nothing touches the host's network.
# HAKO=path/to/hako uses that binary (else ./build is built as a release build).
# Writes bench/results/cni.json and .md (hyperfine exports).
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
work=$(mktemp -d /tmp/hako-bench-cni.XXXXXX)
trap 'set +e; ip netns del c1 2>/dev/null; ip netns del c2 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/bin"
ln -s "$(cd "$(dirname "$HAKO")" && pwd)/$(basename "$HAKO")" "$work/bin/hako-cni"
ip netns add c1
ip netns add c2

cat >"$work/hako.json" <<JSON
{"cniVersion": "1.0.0", "name": "hkbench", "type": "hako-cni", "bridge": "hk-bench0",
 "isGateway": true, "ipMasq": true, "hairpinMode": true,
 "capabilities": {"portMappings": true},
 "runtimeConfig": {"portMappings": [{"hostPort": 8080, "containerPort": 80, "protocol": "tcp"}]},
 "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.77.0.0/24"}]],
          "routes": [{"dst": "0.0.0.0/0"}]}}
JSON
cat >"$work/bridge.json" <<JSON
{"cniVersion": "1.0.0", "name": "cnibench", "type": "bridge", "bridge": "cni-bench0",
 "isGateway": true, "ipMasq": true, "hairpinMode": true,
 "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.78.0.0/24"}]],
          "routes": [{"dst": "0.0.0.0/0"}], "dataDir": "$work/ipam"}}
JSON
cat >"$work/hako.sh" <<SH
set -e
export CNI_PATH=$work/bin CNI_NETNS=/run/netns/c1 CNI_IFNAME=eth0 CNI_CONTAINERID=bench HAKO_ROOT=$work/root
CNI_COMMAND=ADD $work/bin/hako-cni <$work/hako.json >/dev/null
CNI_COMMAND=DEL $work/bin/hako-cni <$work/hako.json >/dev/null
SH
cat >"$work/cni.sh" <<SH
set -e
export CNI_PATH=$CNI CNI_NETNS=/run/netns/c2 CNI_IFNAME=eth0 CNI_CONTAINERID=bench
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

# each side once, checked, before timing (the first ADD also makes the network)
bash "$work/hako.sh" || { echo "cni.sh: hako-cni failed" >&2; exit 1; }
bash "$work/cni.sh" || { echo "cni.sh: the reference plugins failed" >&2; exit 1; }

hyperfine --shell=bash --runs "$runs" --warmup 3 \
	--export-json "$here/results/cni.json" --export-markdown "$here/results/cni.md" \
	-n "hako-cni ADD + DEL (portMappings)" "bash $work/hako.sh" \
	-n "reference bridge+host-local+portmap ADD + DEL" "bash $work/cni.sh"
"$HAKO" --root "$work/root" network rm hkbench >/dev/null
