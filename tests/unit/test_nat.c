// SPDX-License-Identifier: MIT
/* The NAT library's input checks that no command can reach (hako derives bridge names and
 * port owners itself, and pairs each host address with a container address of its family):
 * every bad input is refused with -EINVAL and a line saying why, before the handle is used,
 * so these calls pass none (nat.h: "Bad names or prefixes: -EINVAL, nothing changed").
 * The reachable ones (network names, host bits, ::1, protocols) are also tested through the
 * CLI in tests/integration/nat/errors.sh. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "base/parse.h"
#include "nat.h"
#include "tap.h"

static void net_bad(const char *name, const char *bridge, const char *subnet, const char *want)
{
	struct hk_err err = { 0 };
	struct hk_nat_net n = { .name = name, .bridge = bridge };
	if (hk_parse_prefix(subnet, AF_INET, &n.subnet4, &err) < 0) {
		TAP_OK(0, "test input %s: %s", subnet, err.msg);
		return;
	}
	int r = hk_nat_network_add(NULL, &n, &err);
	TAP_OK(r == -EINVAL && strstr(err.msg, want), "network '%s' on bridge '%s' refused (%s)",
	       name, bridge, err.msg);
}

static void port_bad(const char *owner, int proto, const char *host_ip, const char *ct_ip,
		     unsigned host_port, const char *want)
{
	struct hk_err err = { 0 };
	struct hk_nat_port p = { .proto = proto, .host_port = (uint16_t)host_port, .ct_port = 80 };
	if ((host_ip && hk_parse_addr(host_ip, 0, &p.host_ip, &err) < 0) ||
	    hk_parse_addr(ct_ip, 0, &p.ct_ip, &err) < 0) {
		TAP_OK(0, "test input: %s", err.msg);
		return;
	}
	int r = hk_nat_ports_add(NULL, "n1", owner, &p, 1, &err);
	TAP_OK(r == -EINVAL && strstr(err.msg, want), "port %s -> %s (owner '%s') refused (%s)",
	       host_ip ? host_ip : "-", ct_ip, owner, err.msg);
}

int main(void)
{
	/* names that could break out of nft's language, or are no interface names */
	net_bad("n1", "br\"x", "10.0.0.0/24", "character '\"' is not supported");
	net_bad("n1", "br*", "10.0.0.0/24", "character '*'");
	net_bad("n1", "br x", "10.0.0.0/24", "");
	net_bad("n1", "abcdefghijklmnop", "10.0.0.0/24", "at most 15");
	net_bad("a:b", "hkbr0", "10.0.0.0/24", "only letters, digits");
	net_bad("a\"b", "hkbr0", "10.0.0.0/24", "only letters, digits");
	net_bad("n1", "hkbr0", "10.0.0.1/24", "host bits");
	/* published ports */
	port_bad("c1", IPPROTO_TCP, "::1", "fd00::2", 8080, "::1 cannot be forwarded");
	port_bad("c1", IPPROTO_TCP, "10.0.0.1", "fd00::2", 8080, "differ in family");
	port_bad("c1", IPPROTO_SCTP, NULL, "10.0.0.2", 8080, "tcp or udp");
	port_bad("c:1", IPPROTO_TCP, NULL, "10.0.0.2", 8080, "port owner");
	port_bad("c\"1", IPPROTO_TCP, NULL, "10.0.0.2", 8080, "port owner");
	port_bad("c1", IPPROTO_TCP, NULL, "0.0.0.0", 8080, "unspecified");
	port_bad("c1", IPPROTO_TCP, NULL, "::", 8080, "unspecified");
	port_bad("c1", IPPROTO_TCP, NULL, "10.0.0.2", 0, "port 0");
	/* the name check itself, with good names (the positive control) */
	struct hk_err err = { 0 };
	TAP_EQ_INT(hk_nat_check_name("net-0_a.b", "network name", &err), 0, "a good name passes");
	TAP_EQ_INT(hk_nat_check_name("e7ef9650464a1181", "port owner", &err), 0,
		   "a container id passes as owner");
	char long_name[HK_NAT_NAME_MAX + 2];
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = 0;
	TAP_EQ_INT(hk_nat_check_name(long_name, "network name", &err), -EINVAL,
		   "a name over 64 bytes is refused");
	return tap_done();
}
