#!/bin/bash
# A VM on a hako bridge network (the seed's KVM picture, with hako's bridge): hako makes the
# tap, plugs it into the network's bridge and leases the VM an address, which the guest takes
# from the kernel's ip= parameter. The VM answers the host and a container on the same
# network, and reaches both itself; a published port (-p) reaches the guest's httpd; it is
# listed by `network inspect` next to the container; its console answers; after `vm rm` the
# tap, bridge port, lease, port rule and run files are gone.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/vm/common.inc"

needs_kinds "VM on a bridge network" veth bridge
needs_nft "VM on a bridge network"
needs_tun "VM on a bridge network"
needs_guest "VM on a bridge network"

check "network" h network create --subnet 10.211.0.0/24 vnet
h run -d --name c1 --network vnet --rootfs "$R" -- sleep 300 >/dev/null
on_exit "$HAKO --root $ROOT rm -f c1"
c1=$(h network inspect vnet | jq -r '.[0].containers[] | select(.name=="c1") | .address')
br=$(h network inspect vnet | jq -r '.[0].bridge')
is "container address" "$c1" 10.211.0.2
check "vm run" vm_run v1 --network vnet -p 8080:80 --append "hako.ping=10.211.0.1,$c1 hako.httpd=1"
addr=$(vm_field v1 net.address)
tap=$(vm_field v1 net.device)
is "leased address" "$addr" 10.211.0.3
is "accelerator recorded" "$(vm_field v1 accel)" tcg
is "state" "$(vm_field v1 state)" running
is "network inspect lists the VM" \
	"$(h network inspect vnet | jq -r '.[0].containers[] | select(.name=="v1") | "\(.address) \(.host_ifname)"')" \
	"$addr $tap"
is "the tap is a tap, owned by nobody but qemu (not persistent)" \
	"$(ip -d -j link show "$tap" | jq -r '.[0].linkinfo.info_kind + " " + (.[0].linkinfo.info_data.type // "") + " " + ((.[0].linkinfo.info_data.persist // false) | tostring)')" \
	"tun tap false"
is "bridge link: the tap is a port of the network's bridge" \
	"$(bridge -j link show | jq -r --arg t "$tap" '.[] | select(.ifname==$t) | .master')" "$br"
qpid=$(vm_field v1 pid)
is "qemu holds /dev/net/tun" "$(ls -l /proc/"$qpid"/fd 2>/dev/null | grep -c /dev/net/tun)" 1
if wait_ping "$addr"; then ok "the host pings the VM"; else not_ok "the host pings the VM"; fi
check "the container pings the VM" h exec c1 -- ping -c 1 -W 5 "$addr"
if wait_log v1 "hako-guest: ping 10.211.0.1 ok"; then ok "the VM pings the host (gateway)"; else
	not_ok "the VM pings the host"
fi
if wait_log v1 "hako-guest: ping $c1 ok" 10; then ok "the VM pings the container"; else
	not_ok "the VM pings the container"
fi
is "the guest configured eth0 from ip=" "$(grep -c "hako-guest: eth0 $addr/24 up" "$(vm_field v1 console_log)")" 1
wait_log v1 "hako-guest: ready" 10 >/dev/null
is "the container reaches the guest's httpd" "$(h exec c1 -- timeout 5 wget -qO- "http://$addr/")" "hello from the guest"
is "the published port reaches the guest from 127.0.0.1" "$(timeout 5 "$BB" wget -qO- http://127.0.0.1:8080/)" "hello from the guest"
is "vm inspect shows the port" "$(h vm inspect v1 | jq -r '.[0].net.ports[0] | "\(.host_port) \(.guest_port) \(.proto)"')" "8080 80 tcp"
nft list ruleset | grep -q "dport 8080" && ok "a DNAT rule for the port" || not_ok "a DNAT rule for the port"
out=$(echo "echo marker-\$((6*7))" | timeout 20 "$HAKO" --root "$ROOT" vm console v1)
echo "$out" | grep -q "marker-42" && ok "vm console: a command runs on the serial console" ||
	{ not_ok "vm console"; echo "$out" | tail -5 | diag; }
# on a terminal (script(1) gives it one): raw mode, Ctrl-] leaves, status 0
out=$({ sleep 1; printf 'echo tty-$((6*7))\r'; sleep 2; printf '\035'; } |
	timeout 20 script -qfec "$HAKO --root $ROOT vm console v1" /dev/null)
rc=$?
echo "$out" | grep -q "tty-42" && [ $rc = 0 ] && ok "vm console on a terminal, left with Ctrl-]" ||
	{ not_ok "vm console on a terminal (status $rc)"; echo "$out" | tail -5 | diag; }
check_fail "network rm refused while the VM is on it" 2 "in use by container.*v1" h network rm vnet
log=$(vm_field v1 console_log)
check "vm rm -f" h vm rm -f v1
is "the tap is gone" "$(ip -o link show "$tap" 2>/dev/null | wc -l)" 0
is "no bridge port left but the container's" "$(bridge -j link show | jq -r --arg b "$br" '[.[] | select(.master==$b)] | length')" 1
is "the lease is gone" "$(h network inspect vnet | jq -r '[.[0].containers[] | select(.name=="v1")] | length')" 0
# gone, or a zombie its new parent (init) has not reaped yet
is "qemu is gone" "$(awk '$3 != "Z" {print "alive"}' /proc/"$qpid"/stat 2>/dev/null)" ""
is "run files gone" "$(ls "$(dirname "$log")" 2>/dev/null | wc -l)" 0
nft list ruleset | grep -q "dport 8080" && not_ok "the port's rule is gone" || ok "the port's rule is gone"
is "vm ls empty" "$(h vm ls -q)" ""
