// SPDX-License-Identifier: MIT
/* Lab files -> struct hk_lab (labfile.c) and the plan (labplan.c): the model, groups and
 * defaults, and every bad input refused with its FILE:LINE:COLUMN. No kernel state. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/tap.h"
#include "lab.h"
#include "labgraph.h"

static int parse(const char *text, struct hk_lab *lab, struct hk_err *err)
{
	hk_err_clear(err);
	return hk_lab_parse("t.yml", "/labs", text, lab, err);
}

static void bad(const char *text, const char *want, const char *name)
{
	struct hk_lab lab;
	struct hk_err err;
	int r = parse(text, &lab, &err);
	TAP_EQ_INT(r, -EINVAL, name);
	TAP_EQ_INT(err.cls, HK_ERR_USAGE, "  ... is bad input (exit 2)");
	TAP_OK(strstr(err.msg, want) != NULL, "  ... says '%s'", want);
	if (!strstr(err.msg, want))
		printf("#   got '%s'\n", err.msg);
	hk_lab_free(&lab);
}

static void model(void)
{
	struct hk_lab lab;
	struct hk_err err;
	const char *text = "name: m\n"
			   "topology:\n"
			   "  defaults: {kind: netns}\n"
			   "  groups:\n"
			   "    g: {kind: linux, image: img:1, cmd: sleep 1}\n"
			   "  nodes:\n"
			   "    a:\n"
			   "      interfaces:\n"
			   "        eth0: {ipv4: 10.0.0.1/24, mtu: 9000}\n"
			   "      routes: [\"default via 10.0.0.2\"]\n"
			   "      sysctls: {net.ipv4.ip_forward: 1}\n"
			   "    b: {group: g, image: own:2}\n"
			   "    br: {kind: bridge}\n"
			   "  links:\n"
			   "    - endpoints: [\"a:eth0\", \"b:eth1\"]\n"
			   "      rate: 10mbit\n"
			   "    - endpoints: [\"br:p1\", \"host:hv0\"]\n";
	int r = parse(text, &lab, &err);
	TAP_EQ_INT(r, 0, "a file with defaults, groups, hako's keys parses");
	if (r < 0) {
		printf("#   %s\n", err.msg);
		return;
	}
	TAP_EQ_STR(lab.name, "m", "name");
	TAP_EQ_INT(lab.nnodes, 4, "three nodes and the host");
	TAP_EQ_INT(lab.nodes[0].kind, HK_LAB_NETNS, "a: kind from defaults");
	TAP_EQ_INT(lab.nodes[1].kind, HK_LAB_LINUX, "b: kind from its group");
	TAP_EQ_STR(lab.nodes[1].image, "own:2", "b: its own image wins over the group's");
	TAP_EQ_STR(lab.nodes[1].cmd, "sleep 1", "b: cmd from the group");
	TAP_EQ_INT(lab.nodes[0].ifs[0].mtu, 9000, "a:eth0 mtu");
	TAP_EQ_INT(lab.nodes[0].nroutes, 1, "a: one route");
	TAP_EQ_STR(lab.nodes[0].sysctls[0].key, "net.ipv4.ip_forward", "a: sysctl");
	TAP_EQ_INT(lab.links[0].imp.rate, 1250000, "rate 10mbit = 1250000 bytes/s");
	TAP_EQ_INT(lab.nodes[3].kind, HK_LAB_HOST, "host:IF makes the host node");
	r = hk_lab_plan(&lab, &err);
	TAP_EQ_INT(r, 0, "plan");
	TAP_EQ_STR(lab.nodes[0].netns, "m-a", "a's namespace: LAB-NODE");
	TAP_EQ_STR(lab.nodes[1].ctname, "m-b", "b's container: LAB-NODE");
	TAP_EQ_STR(lab.nodes[3].netns, "", "the host node has no namespace");
	TAP_EQ_INT(lab.nodes[0].ifs[0].index, HK_LAB_IFINDEX_BASE, "a:eth0 gets the first index");
	TAP_EQ_INT(lab.nodes[2].ifs[0].index, HK_LAB_IFINDEX_BASE + 1,
		   "a bridge's first port comes after the bridge");
	char *g = NULL;
	r = hk_lab_graph(&lab, HK_LAB_GRAPH_DOT, &g, &err);
	TAP_OK(r == 0 && g &&
		       strstr(g, "\"a\" -- \"b\" [taillabel=\"eth0\", headlabel=\"eth1\", "
				 "label=\"10mbit\"]"),
	       "dot: the link with its interfaces and rate");
	free(g);
	hk_lab_free(&lab);
}

int main(void)
{
	model();
	bad("name: x\ntopology:\n  nodes:\n    a: {kind: netns\n",
	    "t.yml:5:1:", "YAML syntax error");
	bad("name: x\ntopology:\n  nodes:\n    a: {kind: router}\n",
	    "t.yml:4:15: unknown kind 'router'", "unknown kind");
	bad("name: x\ntopology:\n  nodes:\n    a: {kind: netns}\n  links:\n"
	    "    - endpoints: [\"a:e0\", \"b:e0\"]\n",
	    "t.yml:6:27: endpoint 'b:e0': no such node 'b'", "link to a missing node");
	bad("name: x\ntopology:\n  defaults: {kind: netns}\n  nodes: {a: , b: , c: }\n  links:\n"
	    "    - endpoints: [\"a:e0\", \"b:e0\"]\n    - endpoints: [\"c:e0\", \"a:e0\"]\n",
	    "t.yml:7:27: endpoint 'a:e0' is already used by the link at line 6",
	    "duplicate endpoint");
	bad("name: x\ntopology:\n  defaults: {kind: netns}\n  nodes: {a: , b: }\n  links:\n"
	    "    - endpoints: [\"a:e0\", \"b:abcdefghijklmnop\"]\n",
	    "t.yml:6:27: endpoint 'b:abcdefghijklmnop': interface name", "interface name > 15");
	bad("name: x\ntopology:\n  defaults: {kind: netns}\n  nodes:\n"
	    "    a: {interfaces: {e0: {ipv4: 10.1.0.1/24}}}\n"
	    "    b: {interfaces: {e0: {ipv4: 10.1.0.1/16}}}\n"
	    "  links:\n    - endpoints: [\"a:e0\", \"b:e0\"]\n",
	    "t.yml:6:22: node 'b': interface 'e0': address 10.1.0.1/16 collides with a:e0",
	    "colliding address");
	bad("name: x\ntopology:\n  nodes:\n    a: {kind: linux}\n", "needs an image or a rootfs",
	    "linux without image or rootfs");
	bad("name: x\ntopology:\n  defaults: {kind: netns}\n  nodes: {a: , b: }\n  links:\n"
	    "    - {endpoints: [\"a:e0\", \"b:e0\"], delay: 10}\n",
	    "t.yml:6:44: delay: time '10': unknown unit", "a delay without its unit");
	bad("name: x/y\ntopology: {}\n", "t.yml:1:7: lab name 'x/y'", "a lab name with a slash");
	bad("name: x\ntopology:\n  hosts: {h1: {address: 192.0.2.1}}\n  nodes:\n    a: {kind: "
	    "netns}\n",
	    "t.yml:5:5: node 'a': the lab spans hosts", "a node without its host");
	return tap_done();
}
