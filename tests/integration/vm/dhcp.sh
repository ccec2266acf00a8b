#!/bin/bash
# The DHCP path of a VM on a hako network: a guest that ignores ip= and asks DHCP (udhcpc)
# gets the address hako leased it, from the VM's own responder (a process listening on the
# VM's tap, its pid in RUN/vm/ID/dhcp.pid), with the network's gateway as its router. The
# responder answers only its VM: a second VM on the same bridge gets its own lease. It goes
# away with qemu: after vm rm, and after a kill -9 of qemu.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/vm/common.inc"

needs_kinds "VM DHCP" veth bridge
needs_nft "VM DHCP"
needs_tun "VM DHCP"
needs_guest "VM DHCP"

check "network" h network create --subnet 10.215.0.0/24 dnet
check "vm run d1 (DHCP in the guest)" vm_run d1 --network dnet --append "hako.dhcp=1 hako.ping=10.215.0.1"
check "vm run d2 (DHCP in the guest)" vm_run d2 --network dnet --append "hako.dhcp=1"
a1=$(vm_field d1 net.address)
a2=$(vm_field d2 net.address)
dir=$(dirname "$(vm_field d1 console_log)")
rpid=$(cat "$dir/dhcp.pid" 2>/dev/null)
is "a responder runs for d1" "$(cat /proc/"$rpid"/comm 2>/dev/null)" hako-dhcp
is "as nobody" "$(awk '/^Uid:/ {print $2} /^CapEff:/ {print $2}' /proc/"$rpid"/status | tr '\n' ' ')" "65534 0000000000000000 "
if wait_log d1 "hako-guest: eth0 $a1/24 up"; then ok "d1 got its lease by DHCP ($a1)"; else
	not_ok "d1 got its lease by DHCP"
fi
if wait_log d2 "hako-guest: eth0 $a2/24 up"; then ok "d2 got its own lease by DHCP ($a2)"; else
	not_ok "d2 got its own lease by DHCP"
fi
is "only the DHCP path configured it" "$(grep -c 'eth0 .* up' "$(vm_field d1 console_log)")" 1
if wait_log d1 "hako-guest: ping 10.215.0.1 ok" 20; then ok "the router from DHCP works"; else
	not_ok "the router from DHCP works"
fi
if wait_ping "$a2"; then ok "the host pings d2"; else not_ok "the host pings d2"; fi
kill -9 "$(vm_field d2 pid)"
rpid2=$(cat "$(dirname "$(vm_field d2 console_log)")/dhcp.pid")
for i in $(seq 50); do [ -e /proc/"$rpid2"/comm ] && [ "$(awk '{print $3}' /proc/"$rpid2"/stat)" != Z ] || break; sleep 0.1; done
is "qemu killed: its responder is gone" "$(awk '$3 != "Z" {print "alive"}' /proc/"$rpid2"/stat 2>/dev/null)" ""
check "vm rm d1 d2" h vm rm -f d1 d2
for i in $(seq 50); do [ -n "$(awk '$3 != "Z"' /proc/"$rpid"/stat 2>/dev/null)" ] || break; sleep 0.1; done
is "vm rm: d1's responder is gone" "$(awk '$3 != "Z" {print "alive"}' /proc/"$rpid"/stat 2>/dev/null)" ""
check "network rm" h network rm dnet
