#!/bin/bash
# podman (Debian's 4.3) with network_backend = "cni" and a conflist naming hako-cni (state
# given by the conflist's hakoRoot: podman's cleanup runs the DEL from conmon, without this
# test's environment): a container gets its address on the network, a published port (-p)
# reaches it from the host on 127.0.0.1, a second container reaches it by address, and
# removing the containers frees every lease and veth.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/cni/common.inc"
needs_kinds "hako-cni" veth bridge
needs_nft "hako-cni"
if ! command -v podman >/dev/null; then
	skip "podman" "podman is not installed"
	exit 0
fi
BB=$(command -v busybox) || { skip "podman" "no busybox"; exit 0; }
R=$("$HAKO_SRC/scripts/mkrootfs-busybox.sh" --cached 2>/dev/null) || { skip "podman" "no busybox rootfs"; exit 0; }
T=$HAKO_TEST_TMP
unset HAKO_ROOT
mkdir -p "$T/net.d"
runtime=
command -v runc >/dev/null && runtime='runtime = "runc"' # crun refuses hybrid cgroups
cat >"$T/containers.conf" <<C
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[network]
network_backend = "cni"
cni_plugin_dirs = ["$CNIBIN", "$REFCNI"]
network_config_dir = "$T/net.d"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
$runtime
C
cat >"$T/net.d/hknet.conflist" <<J
{"cniVersion": "1.0.0", "name": "hknet",
 "plugins": [{"type": "hako-cni", "bridge": "cb-pod", "hakoRoot": "$T/hroot",
              "isGateway": true, "ipMasq": true, "capabilities": {"portMappings": true},
              "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.244.50.0/24"}]],
                       "routes": [{"dst": "0.0.0.0/0"}]}}]}
J
export CONTAINERS_CONF=$T/containers.conf
p() { podman --root "$T/storage" --runroot "$T/runroot" --storage-driver vfs --tmpdir "$T/ptmp" "$@"; }
on_exit "podman --root $T/storage --runroot $T/runroot --storage-driver vfs --tmpdir $T/ptmp system reset -f"
tar -C "$R" -cf "$T/bb.tar" .
p import "$T/bb.tar" localhost/bb:1 >/dev/null 2>&1 || { not_ok "podman import"; exit 1; }
hi() { "$HAKO" --root "$T/hroot" "$@"; }
leases() { hi network inspect hknet 2>/dev/null | python3 -c 'import json,sys; j=json.load(sys.stdin); j=j[0] if isinstance(j,list) else j; print(len(j["containers"]))'; }

is "podman lists the network with hako-cni" "$(p network ls --format '{{.Name}} {{.Driver}}' | grep hknet)" "hknet hako-cni"
out=$(p run --rm --network hknet localhost/bb:1 /bin/busybox ip -4 -o addr show eth0 2>&1)
echo "$out" | grep -q "inet 10.244.50.2/24" && ok "podman run --rm: the container has its address" ||
	{ not_ok "podman run --rm"; echo "$out" | diag; }
is "... and its lease is gone with it" "$(leases)" 0
check "podman run -d -p 18090:80" p run -d --name w1 --network hknet -p 18090:80 localhost/bb:1 \
	/bin/busybox httpd -f -p 80 -h /etc
sleep 1
ip1=$(p inspect w1 --format '{{.NetworkSettings.Networks.hknet.IPAddress}}')
hn=$(p exec w1 /bin/busybox cat /etc/hostname 2>/dev/null || p inspect w1 --format '{{.Config.Hostname}}')
is "hako's lease is podman's address" "$(hi network inspect hknet | grep -o "\"address\": \"$ip1\"" | wc -l)" 1
is "the published port answers on 127.0.0.1" "$(timeout 3 "$BB" wget -qO- http://127.0.0.1:18090/hostname)" "$hn"
is "another container reaches it by address" \
	"$(p run --rm --network hknet localhost/bb:1 /bin/busybox wget -qO- "http://$ip1/hostname" 2>&1)" "$hn"
check "podman rm -f" p rm -f -t 0 w1
is "every lease is freed" "$(leases)" 0
is "no host veth left" "$(ip -br link | grep -c '^hkn')" 0
[ -z "$(timeout 2 "$BB" wget -qO- http://127.0.0.1:18090/ 2>/dev/null)" ] && ok "the port is gone" || not_ok "the port still answers"
