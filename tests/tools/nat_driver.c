// SPDX-License-Identifier: MIT
/*
 * Test driver for nat.c and sockdiag.c until the network CLI exists.
 *   nat_driver [-N NETNS] net-add NAME BRIDGE [v4 CIDR] [v6 CIDR] [internal]
 *   nat_driver [-N NETNS] net-del NAME BRIDGE
 *   nat_driver [-N NETNS] ports-add NET OWNER PROTO,HOSTIP|-,HOSTPORT,CTIP,CTPORT...
 *   nat_driver [-N NETNS] ports-del NET OWNER
 *   nat_driver [-N NETNS] list            one line per rule: CHAIN HANDLE NET OWNER|-
 *   nat_driver [-N NETNS] clear
 *   nat_driver [-N NETNS] forward 4|6     prints "changed" or "unchanged"
 *   nat_driver [-N NETNS] ss              PROTO STATE ADDR PORT PID COMM (one per socket)
 * Exit: 0 ok, else the error's class (1 failed, 2 bad input, 5 not found, ...).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/parse.h"
#include "nat.h"
#include "netns.h"
#include "sockdiag.h"

static int fail(const struct hk_err *e)
{
	fprintf(stderr, "nat_driver: %s\n", e->msg);
	return e->cls ? (int)e->cls : 1;
}

static int usage(void)
{
	fprintf(stderr, "nat_driver: bad arguments (see tests/tools/nat_driver.c)\n");
	return 2;
}

static int parse_port(char *spec, struct hk_nat_port *p, struct hk_err *e)
{
	char *f[5], *save = NULL;
	int n = 0;
	for (char *t = strtok_r(spec, ",", &save); t && n < 5; t = strtok_r(NULL, ",", &save))
		f[n++] = t;
	if (n != 5)
		return hk_err_usage(e, "port spec needs PROTO,HOSTIP|-,HOSTPORT,CTIP,CTPORT");
	*p = (struct hk_nat_port){ 0 };
	p->proto = !strcmp(f[0], "tcp") ? IPPROTO_TCP : !strcmp(f[0], "udp") ? IPPROTO_UDP : -1;
	uint32_t hp, cp;
	int r;
	if (strcmp(f[1], "-") && (r = hk_parse_addr(f[1], 0, &p->host_ip, e)) < 0)
		return r;
	if ((r = hk_parse_u32(f[2], 1, 65535, &hp, "host port", e)) < 0 ||
	    (r = hk_parse_addr(f[3], 0, &p->ct_ip, e)) < 0 ||
	    (r = hk_parse_u32(f[4], 1, 65535, &cp, "container port", e)) < 0)
		return r;
	p->host_port = (uint16_t)hp;
	p->ct_port = (uint16_t)cp;
	return 0;
}

static int net_add(struct hk_nat *nat, int argc, char **argv, struct hk_err *e)
{
	struct hk_nat_net net = { .name = argv[0], .bridge = argv[1] };
	for (int i = 2; i < argc; i++) {
		int r = 0;
		if (!strcmp(argv[i], "internal"))
			net.internal = true;
		else if (!strcmp(argv[i], "v4") && i + 1 < argc)
			r = hk_parse_prefix(argv[++i], AF_INET, &net.subnet4, e);
		else if (!strcmp(argv[i], "v6") && i + 1 < argc)
			r = hk_parse_prefix(argv[++i], AF_INET6, &net.subnet6, e);
		else
			r = hk_err_usage(e, "unknown word '%s'", argv[i]);
		if (r < 0)
			return r;
	}
	return hk_nat_network_add(nat, &net, e);
}

static int ports_add(struct hk_nat *nat, int argc, char **argv, struct hk_err *e)
{
	struct hk_nat_port ports[16];
	int n = argc - 2;
	if (n > 16)
		return hk_err_usage(e, "too many ports");
	for (int i = 0; i < n; i++) {
		int r = parse_port(argv[i + 2], &ports[i], e);
		if (r < 0)
			return r;
	}
	return hk_nat_ports_add(nat, argv[0], argv[1], ports, (size_t)n, e);
}

static int list(struct hk_nat *nat, struct hk_err *e)
{
	struct hk_nat_rule *v;
	size_t n;
	int r = hk_nat_list(nat, &v, &n, e);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		printf("%s %llu %s %s\n", v[i].chain, (unsigned long long)v[i].handle, v[i].net,
		       v[i].owner[0] ? v[i].owner : "-");
	free(v);
	return 0;
}

static int ss(int netns_fd, struct hk_err *e)
{
	struct hk_sock *v;
	size_t n;
	int r = hk_sockdiag_list(netns_fd, HK_SOCKDIAG_TCP | HK_SOCKDIAG_UDP | HK_SOCKDIAG_PROCS,
				 &v, &n, e);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		char a[INET6_ADDRSTRLEN];
		inet_ntop(v[i].family, v[i].local.addr.raw, a, sizeof(a));
		printf("%s %s %s %u %d %s\n", v[i].proto == IPPROTO_TCP ? "tcp" : "udp",
		       hk_sockdiag_state_str(v[i].state), a, v[i].local_port,
		       v[i].n_users ? v[i].users[0].pid : 0,
		       v[i].n_users ? v[i].users[0].comm : "-");
	}
	free(v);
	return 0;
}

int main(int argc, char **argv)
{
	struct hk_err e = { 0 };
	int netns_fd = -1;
	argc--, argv++;
	if (argc >= 2 && !strcmp(argv[0], "-N")) {
		if (hk_netns_open(argv[1], &netns_fd, &e) < 0)
			return fail(&e);
		argc -= 2, argv += 2;
	}
	if (argc < 1)
		return usage();
	const char *verb = argv[0];
	argc--, argv++;
	if (!strcmp(verb, "ss"))
		return ss(netns_fd, &e) < 0 ? fail(&e) : 0;
	struct hk_nat *nat _cleanup_nat_ = NULL;
	if (hk_nat_open(&nat, netns_fd, &e) < 0)
		return fail(&e);
	int r;
	if (!strcmp(verb, "net-add") && argc >= 2) {
		r = net_add(nat, argc, argv, &e);
	} else if (!strcmp(verb, "net-del") && argc == 2) {
		struct hk_nat_net net = { .name = argv[0], .bridge = argv[1] };
		r = hk_nat_network_del(nat, &net, &e);
	} else if (!strcmp(verb, "ports-add") && argc >= 2) {
		r = ports_add(nat, argc, argv, &e);
	} else if (!strcmp(verb, "ports-del") && argc == 2) {
		r = hk_nat_ports_del(nat, argv[0], argv[1], &e);
	} else if (!strcmp(verb, "list") && argc == 0) {
		r = list(nat, &e);
	} else if (!strcmp(verb, "clear") && argc == 0) {
		r = hk_nat_clear(nat, &e);
	} else if (!strcmp(verb, "forward") && argc == 1) {
		bool changed = false;
		r = hk_nat_forwarding_ensure(nat, !strcmp(argv[0], "6") ? AF_INET6 : AF_INET,
					     &changed, &e);
		if (r == 0)
			printf("%s\n", changed ? "changed" : "unchanged");
	} else {
		return usage();
	}
	if (netns_fd >= 0)
		close(netns_fd);
	return r < 0 ? fail(&e) : 0;
}
