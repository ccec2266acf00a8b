// SPDX-License-Identifier: MIT
/* Unit tests for hako-cni's configuration (cniconf.c): the reference bridge plugin's keys,
 * host-local ranges (rangeStart..rangeEnd as a CIDR block), refusals with the field's path
 * and the CNI code, versions, the hako network name, the attachment id. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/parse.h"
#include "cni.h"
#include "cniconf.h"
#include "tap.h"

static int parse(const char *text, struct hk_cni_conf *c, int *code, struct hk_err *e)
{
	*code = 0;
	memset(e, 0, sizeof(*e));
	return hk_cni_conf_parse(text, strlen(text), c, code, e);
}

static const char *fmt(const struct hk_prefix *p, char *buf)
{
	char a[INET6_ADDRSTRLEN];
	inet_ntop(p->family, p->addr.raw, a, sizeof(a));
	sprintf(buf, "%s/%u", a, p->len);
	return buf;
}

#define HEAD "{\"cniVersion\": \"1.0.0\", \"name\": \"n\", \"type\": \"hako-cni\", "

static void test_good(void)
{
	struct hk_cni_conf c;
	struct hk_err e;
	int code;
	char b[64];
	int r = parse(HEAD "\"bridge\": \"br9\", \"mtu\": 1400, \"isDefaultGateway\": true,"
			   "\"dns\": {\"nameservers\": [\"10.0.0.1\"]},"
			   "\"runtimeConfig\": {\"portMappings\": [{\"hostPort\": 80, "
			   "\"containerPort\": 8080, \"protocol\": \"UDP\"}]},"
			   "\"ipam\": {\"type\": \"host-local\", \"ranges\": [[{\"subnet\": "
			   "\"10.1.0.0/16\", \"rangeStart\": \"10.1.2.1\", \"rangeEnd\": "
			   "\"10.1.2.254\", \"gateway\": \"10.1.0.1\"}], [{\"subnet\": "
			   "\"fd00::/64\"}]], \"routes\": [{\"dst\": \"10.9.0.0/16\", \"gw\": "
			   "\"10.1.0.9\"}]}}",
		      &c, &code, &e);
	TAP_EQ_INT(r, 0, "a full configuration parses");
	if (r < 0) {
		printf("#   %s\n", e.msg);
		return;
	}
	TAP_EQ_STR(c.bridge, "br9", "bridge");
	TAP_EQ_INT(c.mtu, 1400, "mtu");
	TAP_OK(c.has4 && c.has6, "both families");
	TAP_EQ_STR(fmt(&c.r4.subnet, b), "10.1.0.0/16", "the IPv4 subnet");
	TAP_EQ_STR(fmt(&c.r4.iprange, b), "10.1.2.0/24", "rangeStart..rangeEnd as a /24");
	TAP_EQ_STR(fmt(&c.r6.subnet, b), "fd00::/64", "the IPv6 subnet");
	TAP_EQ_INT(c.n_routes, 2, "the route and the default route of isDefaultGateway");
	TAP_EQ_STR(fmt(&c.routes[0].gw, b), "10.1.0.9/32", "the route's gw");
	TAP_EQ_INT(c.routes[1].dst.len, 0, "the default route");
	TAP_EQ_INT(c.n_ports, 1, "one port");
	TAP_EQ_STR(c.ports[0].proto, "udp", "the protocol, lower case");
	TAP_EQ_INT(c.ports[0].ct_port, 8080, "containerPort");
	TAP_OK(c.dns != NULL, "dns kept");
	TAP_EQ_STR(c.net, "n", "the hako network is named after the CNI network");
	hk_cni_conf_free(&c);

	r = parse("{\"cniVersion\": \"0.3.1\", \"name\": \"bridge\", \"ipam\": {\"type\": "
		  "\"dhcp\"}}",
		  &c, &code, &e);
	TAP_EQ_INT(r, 0, "a delegated ipam needs none of host-local's keys");
	TAP_EQ_STR(c.ipam_type, "dhcp", "its type");
	TAP_EQ_STR(c.bridge, "cni0", "the default bridge");
	TAP_OK(!strncmp(c.net, "cni-", 4), "a reserved name becomes cni-<hash> (%s)", c.net);
	hk_cni_conf_free(&c);
	r = parse("{\"cniVersion\": \"1.0.0\", \"name\": \"hako\", \"ipam\": {\"type\": "
		  "\"dhcp\"}}",
		  &c, &code, &e);
	TAP_OK(r == 0 && !strcmp(c.net, "hako"),
	       "'hako' is a name like any other (the default network is bridge, above): %s", c.net);
	if (r == 0)
		hk_cni_conf_free(&c);
}

static void bad(const char *text, int want_code, const char *want_msg)
{
	struct hk_cni_conf c;
	struct hk_err e;
	int code;
	int r = parse(text, &c, &code, &e);
	TAP_OK(r < 0 && code == want_code && strstr(e.msg, want_msg) && e.cls == HK_ERR_USAGE,
	       "refused: %s", want_msg);
	if (r == 0)
		hk_cni_conf_free(&c);
	else if (code != want_code || !strstr(e.msg, want_msg))
		printf("#   code %d: %s\n", code, e.msg);
}

#define IPAM(x) "\"ipam\": {\"type\": \"host-local\", " x "}}"

static void test_bad(void)
{
	bad("{", 6, "not JSON at byte");
	bad("\"x\"", 6, "expected a JSON object");
	bad("{\"cniVersion\": \"0.2.0\", \"name\": \"n\"}", 1, "cniVersion: '0.2.0'");
	bad("{\"name\": \"n\"}", 7, "cniVersion: missing");
	bad(HEAD "\"mtu\": -1, " IPAM("\"subnet\": \"10.0.0.0/24\""), 7, "mtu: -1 is out of range");
	bad(HEAD "\"isGateway\": \"yes\", " IPAM("\"subnet\": \"10.0.0.0/24\""), 7,
	    "isGateway: expected a boolean");
	bad(HEAD "\"macspoofchk\": true, " IPAM("\"subnet\": \"10.0.0.0/24\""), 2,
	    "macspoofchk: not supported");
	bad(HEAD IPAM("\"subnet\": \"10.0.0.0/31\""), 7, "ipam: ");
	bad(HEAD IPAM("\"subnet\": \"fd00::/64\""), 2, "ipam: no IPv4 range");
	bad(HEAD IPAM("\"ranges\": [[{\"subnet\": \"fd00::/64\", \"rangeStart\": \"fd00::5\"}]]"),
	    2, "rangeStart/rangeEnd in an IPv6 range");
	bad(HEAD IPAM("\"ranges\": [[{\"subnet\": \"10.0.0.0/24\", \"rangeStart\": "
		      "\"10.0.1.1\"}]]"),
	    2, "must bound one CIDR block");
	bad(HEAD IPAM("\"ranges\": [[{\"subnet\": \"10.0.0.0/24\", \"rangeStart\": \"x\"}]]"), 7,
	    "ipam.ranges[0][0].rangeStart: 'x' is not an IPv4 address");
	bad(HEAD IPAM("\"ranges\": [{\"subnet\": \"10.0.0.0/24\"}]"), 7,
	    "ipam.ranges[0]: expected a non-empty array");
	bad(HEAD IPAM("\"subnet\": \"10.0.0.0/24\", \"routes\": [{\"gw\": \"10.0.0.1\"}]"), 7,
	    "ipam.routes[0].dst: missing");
	bad(HEAD "\"runtimeConfig\": {\"ips\": [\"10.0.0.5\", \"10.0.0.6\"]}, " IPAM(
		    "\"subnet\": \"10.0.0.0/24\""),
	    2, "runtimeConfig.ips: more than one");
	bad(HEAD "\"hakoRoot\": \"rel/dir\", " IPAM("\"subnet\": \"10.0.0.0/24\""), 7,
	    "hakoRoot: 'rel/dir' is not an absolute path");
}

static void test_misc(void)
{
	TAP_OK(hk_cni_version_ok("1.1.0") && hk_cni_version_ok("0.3.0") &&
		       !hk_cni_version_ok("0.2.0") && !hk_cni_version_ok("1.2.0"),
	       "supported versions");
	TAP_OK(hk_cni_version_cmp("0.4.0", "1.0.0") < 0 &&
		       hk_cni_version_cmp("1.1.0", "1.0.0") > 0 &&
		       hk_cni_version_cmp("0.3.1", "0.3.1") == 0,
	       "version order");
	char id[17], id2[17], hostif[16];
	hk_cni_attach_id("abc", "eth0", id, hostif);
	TAP_EQ_INT(strlen(id), 16, "the id is 16 hex digits");
	TAP_OK(!strncmp(hostif, "hkn", 3) && strlen(hostif) == 15 && !strncmp(hostif + 3, id, 12),
	       "the host interface is hkn + 12 of them (%s)", hostif);
	hk_cni_attach_id("abc", "eth1", id2, hostif);
	TAP_OK(strcmp(id, id2), "another interface, another id");
}

int main(void)
{
	test_good();
	test_bad();
	test_misc();
	return tap_done();
}
