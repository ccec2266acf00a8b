#!/bin/bash
# IPv6 router advertisements from a container (security review finding 7, CVE-2020-13401
# class): a default container (CAP_NET_RAW) sends an RA (default router + SLAAC prefix
# 2001:db8:bad::/64) to ff02::1. Neither the host (this test's namespace stands in for it),
# through the network's bridge, nor a peer container may take a route or an address from
# it: accept_ra=0 on hako's bridges, accept_ra=0 and accept_redirects=0 on containers'
# interfaces, checked with sysctl through nsenter. Positive control: with accept_ra set
# back to 1 the same RA does install the route, so the test can fail.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/network/common.inc"

needs_kinds "router advertisements" veth bridge
if [ ! -d /proc/sys/net/ipv6 ]; then
	skip "router advertisements" "the kernel has no IPv6"
	exit 0
fi
T=$HAKO_TEST_TMP
cat >"$T/ra.c" <<'EOF'
/* ra IFNAME: three Router Advertisements (router lifetime 1800 s, prefix 2001:db8:bad::/64
 * on-link + autonomous) to ff02::1 on IFNAME */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	int s = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6), hops = 255;
	unsigned idx = if_nametoindex(argc > 1 ? argv[1] : "eth0");
	unsigned char b[64] = { 0 };
	struct nd_router_advert *ra = (void *)b;
	struct nd_opt_prefix_info *pi = (void *)(b + sizeof(*ra));
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_scope_id = idx };
	if (s < 0 || !idx) {
		perror("socket");
		return 1;
	}
	setsockopt(s, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops));
	setsockopt(s, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof(idx));
	ra->nd_ra_type = ND_ROUTER_ADVERT;
	ra->nd_ra_curhoplimit = 64;
	ra->nd_ra_router_lifetime = htons(1800);
	pi->nd_opt_pi_type = ND_OPT_PREFIX_INFORMATION;
	pi->nd_opt_pi_len = 4;
	pi->nd_opt_pi_prefix_len = 64;
	pi->nd_opt_pi_flags_reserved = ND_OPT_PI_FLAG_ONLINK | ND_OPT_PI_FLAG_AUTO;
	pi->nd_opt_pi_valid_time = htonl(86400);
	pi->nd_opt_pi_preferred_time = htonl(14400);
	inet_pton(AF_INET6, "2001:db8:bad::", &pi->nd_opt_pi_prefix);
	inet_pton(AF_INET6, "ff02::1", &to.sin6_addr);
	for (int i = 0; i < 3; i++) {
		if (sendto(s, b, sizeof(*ra) + sizeof(*pi), 0, (void *)&to, sizeof(to)) < 0) {
			perror("sendto");
			return 1;
		}
		usleep(200000);
	}
	puts("RA sent");
	return 0;
}
EOF
if ! ${CC:-cc} -static -O1 -o "$T/ra" "$T/ra.c" 2>"$T/cc.err"; then
	skip "router advertisements" "cannot build a static program: $(head -1 "$T/cc.err")"
	exit 0
fi
R2=$T/rootfs2
cp -a "$R" "$R2" && cp "$T/ra" "$R2/ra"

pid_of() { h -j ps | jq -r --arg n "$1" '.[] | select(.name == $n) | .pid'; }
# ctl PID KEY: a sysctl in PID's network namespace, read by sysctl(8) itself
ctl() { nsenter -t "$1" -n sysctl -n "$2"; }
# ll_ready PID: eth0's link-local address is usable (no longer tentative)
ll_ready() {
	for _ in $(seq 50); do
		nsenter -t "$1" -n ip -6 addr show dev eth0 scope link | grep -q 'inet6' &&
			! nsenter -t "$1" -n ip -6 addr show dev eth0 | grep -q tentative && return 0
		sleep 0.1
	done
	return 1
}
bad_host() { ip -6 route show | grep -E '^default|2001:db8:bad'; ip -6 addr show dev hako0 | grep 2001:db8:bad; }
bad_in() { nsenter -t "$1" -n ip -6 route show | grep -E '^default|2001:db8:bad'; }

check "sender container" h run -d --name ra1 --network bridge --rootfs "$R2" -- sleep 60
check "peer container" h run -d --name peer --network bridge --rootfs "$R2" -- sleep 60
on_exit h rm -f ra1 peer third v6
p1=$(pid_of ra1)
pp=$(pid_of peer)

is "bridge hako0: accept_ra 0" "$(sysctl -n net.ipv6.conf.hako0.accept_ra)" 0
is "container eth0: accept_ra 0" "$(ctl "$pp" net.ipv6.conf.eth0.accept_ra)" 0
is "container eth0: accept_redirects 0" "$(ctl "$pp" net.ipv6.conf.eth0.accept_redirects)" 0
is "the same through /proc (cat in the container's netns)" \
	"$(nsenter -t "$p1" -n cat /proc/sys/net/ipv6/conf/eth0/accept_ra)" 0

ll_ready "$p1" && ll_ready "$pp" || not_ok "link-local addresses never became usable"
is "the container sends the RA" "$(h exec ra1 /ra eth0 2>&1)" "RA sent"
sleep 1
out=$(bad_host)
is "host: no default route, prefix or address from the RA" "$out" ""
out=$(bad_in "$pp")
is "peer: no default route or prefix from the RA" "$out" ""

# Positive control: the kernel's default (accept_ra=1) takes the RA.
sysctl -qw net.ipv6.conf.hako0.accept_ra=1
nsenter -t "$pp" -n sysctl -qw net.ipv6.conf.eth0.accept_ra=1
h exec ra1 /ra eth0 >/dev/null 2>&1
for _ in $(seq 30); do
	ip -6 route show | grep -q '^default.*dev hako0 proto ra' && bad_in "$pp" | grep -q '^default' && break
	sleep 0.1
done
ip -6 route show | grep -q '^default.*dev hako0 proto ra' && ok "control: with accept_ra=1 the host takes it" ||
	{ not_ok "control: with accept_ra=1 the host takes it"; ip -6 route | diag; }
bad_in "$pp" | grep -q '^default.*proto ra' && ok "control: with accept_ra=1 the peer takes it" ||
	{ not_ok "control: with accept_ra=1 the peer takes it"; nsenter -t "$pp" -n ip -6 route | diag; }
ip -6 route flush proto ra 2>/dev/null

# A bridge left at accept_ra=1 (made by an older hako, still up) is fixed by the next connect.
check "third container" h run -d --name third --network bridge --rootfs "$R" -- sleep 60
is "bridge hako0: accept_ra 0 again" "$(sysctl -n net.ipv6.conf.hako0.accept_ra)" 0

# A dual-stack network: the same on its bridge and in its containers.
sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0
check "dual-stack network" h network create --ipv6 --subnet 10.211.0.0/24 \
	--subnet fd68:616b:6f00:7::/64 d6
check "container on it" h run -d --name v6 --network d6 --rootfs "$R" -- sleep 60
br=$(h -j network ls | jq -r '.[] | select(.name == "d6") | .bridge')
is "bridge $br: accept_ra 0" "$(sysctl -n "net.ipv6.conf.$br.accept_ra")" 0
is "its container: accept_ra 0" "$(ctl "$(pid_of v6)" net.ipv6.conf.eth0.accept_ra)" 0
is "its container: accept_redirects 0" "$(ctl "$(pid_of v6)" net.ipv6.conf.eth0.accept_redirects)" 0
h rm -f v6 >/dev/null
check "network removed" h network rm d6

# IPv6 turned off on the host's interfaces: nothing to set, nothing fails.
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
check "network with IPv6 disabled" h network create --subnet 10.212.0.0/24 n4
check "container on it" h run --rm --network n4 --rootfs "$R" -- true
check "network removed" h network rm n4
