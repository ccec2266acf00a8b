// SPDX-License-Identifier: MIT
/* Lab files -> struct hk_lab (labfile.c) and the plan (labplan.c): the model, groups and
 * defaults, and every bad input refused with its FILE:LINE:COLUMN. No kernel state. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/tap.h"
#include "lab.h"
#include "labct.h"
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

/* kind vm: its keys from the node and from kinds, the plan's names and indexes. */
static void vm_model(void)
{
	struct hk_lab lab;
	struct hk_err err;
	const char *text = "name: v\n"
			   "topology:\n"
			   "  kinds:\n"
			   "    vm: {kernel: k/vmlinuz, memory: 192, accel: tcg}\n"
			   "  nodes:\n"
			   "    a: {kind: netns}\n"
			   "    r:\n"
			   "      kind: vm\n"
			   "      initrd: k/initrd.img\n"
			   "      memory: 256\n"
			   "      interfaces: {eth1: {ipv4: 10.0.1.1/24}}\n"
			   "      sysctls: {net.ipv4.ip_forward: 1}\n"
			   "    b: {kind: netns}\n"
			   "  links:\n"
			   "    - endpoints: [\"a:eth0\", \"r:eth0\"]\n"
			   "    - endpoints: [\"r:eth1\", \"b:eth0\"]\n"
			   "    - endpoints: [\"r:a-very-long-if\", \"b:eth1\"]\n";
	int r = parse(text, &lab, &err);
	TAP_EQ_INT(r, 0, "a file with a vm node parses");
	if (r < 0) {
		printf("#   %s\n", err.msg);
		return;
	}
	const struct hk_lab_node *n = &lab.nodes[1];
	TAP_EQ_INT(n->kind, HK_LAB_VM, "r: kind vm");
	TAP_EQ_STR(n->kernel, "k/vmlinuz", "r: kernel from kinds");
	TAP_EQ_STR(n->initrd, "k/initrd.img", "r: its own initrd");
	TAP_EQ_INT(n->memory, 256, "r: its own memory wins over the kind's");
	TAP_EQ_STR(n->accel, "tcg", "r: accel from kinds");
	TAP_OK(n->forward, "r: ip_forward 1 makes the guest forward");
	r = hk_lab_plan(&lab, &err);
	TAP_EQ_INT(r, 0, "plan");
	TAP_EQ_STR(n->vmname, "v-r", "r's VM: LAB-NODE");
	TAP_EQ_STR(n->netns, "v-r", "r's namespace: LAB-NODE");
	TAP_EQ_STR(n->ifs[0].name, "eth1", "the interfaces: first those under interfaces:");
	TAP_EQ_STR(n->ifs[0].tap, "eth1-tap", "eth1's tap");
	TAP_EQ_STR(n->ifs[0].br, "eth1-br", "eth1's bridge");
	TAP_EQ_STR(n->ifs[2].tap, "a-very-long-tap", "a long name is cut to fit 15 bytes");
	TAP_EQ_INT(n->ifs[0].br_index, HK_LAB_IFINDEX_BASE + 3, "bridges after the veth ends");
	struct hk_labobj_row *objs = NULL;
	size_t no = 0;
	r = hk_lab_plan_objects(&lab, &objs, &no, &err);
	TAP_OK(r == 0 && no == 3 + 3 * 2 + 1 && !strcmp(objs[no - 1].kind, HK_LABOBJ_VM) &&
		       !strcmp(objs[no - 1].name, "v-r") &&
		       !strcmp(objs[3].kind, HK_LABOBJ_NSLINK) &&
		       !strcmp(objs[3].name, "v-r/eth1-br"),
	       "recorded: namespaces, then r's bridges and taps, then its VM last");
	free(objs);
	char *g = NULL;
	r = hk_lab_graph(&lab, HK_LAB_GRAPH_MERMAID, &g, &err);
	TAP_OK(r == 0 && g && strstr(g, "n1[[\"r (vm)\"]]"),
	       "mermaid: a vm node is a subroutine box");
	free(g);
	hk_lab_free(&lab);
}

/* The management network (mgmt, mgmt-ipv4, network-mode) in the model and the plan. */
static void mgmt_model(void)
{
	struct hk_lab lab;
	struct hk_err err;
	const char *text = "name: m\n"
			   "mgmt: {network: mnet, ipv4-subnet: 10.9.0.0/24}\n"
			   "topology:\n"
			   "  kinds: {linux: {image: img:1}}\n"
			   "  nodes:\n"
			   "    a: {kind: linux, mgmt-ipv4: 10.9.0.5}\n"
			   "    b: {kind: linux, network-mode: none}\n"
			   "    c: {kind: linux}\n"
			   "    n: {kind: netns}\n"
			   "  links:\n"
			   "    - endpoints: [\"a:eth1\", \"n:eth0\"]\n";
	int r = parse(text, &lab, &err);
	TAP_EQ_INT(r, 0, "a file with mgmt parses");
	if (r < 0) {
		printf("#   %s\n", err.msg);
		return;
	}
	TAP_EQ_STR(lab.mgmt.network, "mnet", "mgmt.network");
	TAP_EQ_INT(lab.mgmt.sub4.len, 24, "mgmt.ipv4-subnet");
	TAP_EQ_INT(lab.nodes[0].mgmt4.family, AF_INET, "a: mgmt-ipv4");
	TAP_OK(lab.nodes[1].no_mgmt, "b: network-mode none");
	r = hk_lab_plan(&lab, &err);
	TAP_EQ_INT(r, 0, "plan");
	TAP_EQ_STR(lab.mgmt.net, "mnet", "the network: mgmt.network");
	TAP_OK(lab.mgmt.used, "the network is used");
	TAP_OK(lab.nodes[0].mgmt && !lab.nodes[1].mgmt && lab.nodes[2].mgmt && !lab.nodes[3].mgmt,
	       "on it: linux nodes but b (network-mode none), not the netns node");
	TAP_EQ_INT(strlen(lab.nodes[0].mgmt_id), 16, "a's lease key: 16 hex");
	TAP_OK(!strncmp(lab.nodes[0].mgmt_hostif, "hkl", 3) &&
		       strlen(lab.nodes[0].mgmt_hostif) == 15 &&
		       strcmp(lab.nodes[0].mgmt_hostif, lab.nodes[2].mgmt_hostif),
	       "host veth ends hkl<12 hex>, one per node");
	lab.mgmt.create = true;
	struct hk_labobj_row *objs = NULL;
	size_t no = 0;
	r = hk_lab_plan_objects(&lab, &objs, &no, &err);
	TAP_OK(r == 0 && no == 1 + 4 + 2 + 3 && !strcmp(objs[0].kind, HK_LABOBJ_NET) &&
		       !strcmp(objs[0].name, "mnet") && !strcmp(objs[5].kind, HK_LABOBJ_MGMT) &&
		       !strncmp(objs[5].name, "mnet/", 5) && !strcmp(objs[7].kind, HK_LABOBJ_CT),
	       "recorded: the network first (removed last), the leases before the containers");
	free(objs);
	hk_lab_free(&lab);
	r = parse("name: a-lab-name-that-is-32-bytes\ntopology:\n  nodes: {x: {kind: linux, "
		  "image: i}}\n",
		  &lab, &err);
	if (r == 0)
		r = hk_lab_plan(&lab, &err);
	TAP_OK(r == 0 && strlen(lab.mgmt.net) <= 32 && strstr(lab.mgmt.net, "-mgmt"),
	       "a long lab name: the default network's name still fits (%s)", lab.mgmt.net);
	hk_lab_free(&lab);
}

/* lab save's edits: the keys written into the file, read back. */
static void save_edits(void)
{
	struct hk_lab lab, back;
	struct hk_err err;
	const char *text = "name: s\n"
			   "topology:\n"
			   "  nodes:\n"
			   "    a: {kind: linux, image: i}\n"
			   "    b:\n"
			   "      kind: netns\n"
			   "  links:\n"
			   "    - endpoints: [\"a:eth1\", \"b:eth2\"]\n"
			   "      rate: 20mbit\n";
	int r = parse(text, &lab, &err);
	TAP_EQ_INT(r, 0, "parse");
	struct hk_lab_edit e[] = { { "a", NULL, "state", "stopped" },
				   { "a", "eth1", "state", "down" },
				   { "b", "eth2", "rate", "10mbit" },
				   { "b", "eth2", "rate", "none" } };
	char *out = NULL;
	r = hk_lab_edit_text(&lab, e, 3, &out, &err);
	TAP_EQ_INT(r, 0, "edit: node state, an interface's state and rate");
	r = out ? parse(out, &back, &err) : -1;
	TAP_EQ_INT(r, 0, "the edited file parses");
	if (r == 0) {
		TAP_OK(back.nodes[0].stopped, "a: state stopped");
		TAP_OK(back.nodes[0].ifs[0].down, "a:eth1 down");
		TAP_OK(back.nodes[1].ifs[0].rate_set && back.nodes[1].ifs[0].rate == 1250000,
		       "b:eth2 rate 10mbit (made under interfaces:)");
		TAP_EQ_INT(back.links[0].imp.rate, 2500000, "the link's own rate kept");
		hk_lab_free(&back);
	}
	free(out);
	out = NULL;
	r = hk_lab_edit_text(&lab, e + 2, 2, &out, &err);
	r = r == 0 ? parse(out, &back, &err) : r;
	TAP_OK(r == 0 && back.nodes[1].ifs[0].rate_set && back.nodes[1].ifs[0].rate == 0,
	       "the same key twice: the last value (rate none)");
	if (r == 0)
		hk_lab_free(&back);
	free(out);
	hk_lab_free(&lab);
}

/* A linux node's container: the words after `hako run -d` (labct.c): run's defaults plus
 * NET_ADMIN and the file's cap-add, binds and rootfs relative to the file, the command split
 * as a shell would. */
static void run_args(void)
{
	struct hk_lab lab;
	struct hk_err err;
	const char *text = "name: m\n"
			   "topology:\n"
			   "  nodes:\n"
			   "    r1:\n"
			   "      kind: linux\n"
			   "      rootfs: rfs\n"
			   "      cmd: sh -c 'echo a b'\n"
			   "      cap-add: [SYS_ADMIN]\n"
			   "      binds: [\"www:/www:ro\", \"/abs:/abs\"]\n"
			   "      env: {K: v}\n"
			   "    r_2: {kind: linux, image: img:1}\n";
	int r = parse(text, &lab, &err);
	if (r == 0)
		r = hk_lab_plan(&lab, &err);
	TAP_EQ_INT(r, 0, "a lab with two linux nodes");
	if (r < 0) {
		printf("#   %s\n", err.msg);
		return;
	}
	const char *want[2] = {
		"--cap-add NET_ADMIN --cap-add SYS_ADMIN --name m-r1 --hostname r1 --net "
		"netns:m-r1 "
		"-v /labs/www:/www:ro -v /abs:/abs -e K=v --rootfs /labs/rfs -- sh -c |echo a b|",
		"--cap-add NET_ADMIN --name m-r_2 --net netns:m-r_2 img:1",
	};
	for (size_t i = 0; i < 2; i++) {
		char **a, got[1024] = "";
		r = hk_lab_run_args(&lab, &lab.nodes[i], &a, &err);
		for (size_t k = 0; r == 0 && a[k]; k++) {
			bool space = strchr(a[k], ' ') != NULL;
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s%s%s",
				 k ? " " : "", space ? "|" : "", a[k], space ? "|" : "");
		}
		char name[128];
		snprintf(name, sizeof(name), "%s: the words of run -d", lab.nodes[i].name);
		TAP_EQ_STR(got, want[i], name);
		if (r == 0)
			hk_lab_run_args_free(a);
	}
	hk_lab_free(&lab);
}

int main(void)
{
	model();
	mgmt_model();
	save_edits();
	vm_model();
	run_args();
	bad("name: x\ntopology:\n  nodes:\n    r: {kind: vm}\n",
	    "t.yml:4:15: node 'r': kind vm needs a kernel", "a vm node without a kernel");
	bad("name: x\ntopology:\n  nodes:\n    r: {kind: vm, kernel: k, accel: xen}\n",
	    "accel 'xen': expected auto, kvm or tcg", "a vm node's unknown accel");
	bad("name: x\ntopology:\n  nodes:\n    r: {kind: vm, kernel: k, routes: [\"default via "
	    "10.0.0.1\"]}\n",
	    "a vm node takes no routes", "routes on a vm node");
	bad("name: x\ntopology:\n  nodes:\n    r: {kind: vm, kernel: k, sysctls: "
	    "{net.ipv4.conf.all.rp_filter: 0}}\n",
	    "a vm node takes only net.ipv4.ip_forward", "another sysctl on a vm node");
	bad("name: x\ntopology:\n  nodes:\n    a: {kind: netns, memory: 1}\n",
	    "t.yml:4:30: node 'a': memory is for kind vm, not netns", "vm keys on a netns node");
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
	bad("name: x\nmgmt: {ipv4-subnet: 10.9.0.0/24}\ntopology:\n  nodes:\n"
	    "    a: {kind: linux, image: i, mgmt-ipv4: 10.8.0.1}\n",
	    "t.yml:5:43: node 'a': mgmt-ipv4 10.8.0.1: address 10.8.0.1 is not inside subnet "
	    "10.9.0.0/24",
	    "mgmt-ipv4 outside mgmt.ipv4-subnet");
	bad("name: x\ntopology:\n  nodes:\n"
	    "    a: {kind: linux, image: i, mgmt-ipv4: 10.8.0.1}\n"
	    "    b: {kind: linux, image: i, mgmt-ipv4: 10.8.0.1}\n",
	    "t.yml:5:43: node 'b': mgmt-ipv4 10.8.0.1: already another node's",
	    "the same mgmt-ipv4 twice");
	bad("name: x\nmgmt: {ipv4-subnet: 10.9.0.1/24}\ntopology: {}\n",
	    "t.yml:2:21: mgmt.ipv4-subnet '10.9.0.1/24'", "a subnet with host bits");
	bad("name: x\ntopology:\n  nodes:\n    a: {kind: linux, image: i}\n"
	    "    b: {kind: netns}\n  links:\n    - endpoints: [\"a:eth0\", \"b:eth0\"]\n",
	    "t.yml:7:19: node 'a': eth0 is a linux node's management interface",
	    "a linux node's eth0 on a link");
	bad("name: x\ntopology:\n  nodes:\n    a: {kind: linux, image: i, network-mode: host}\n",
	    "t.yml:4:46: node 'a': network-mode 'host': expected none or bridge",
	    "network-mode host");
	bad("name: x\ntopology:\n  nodes:\n    a: {kind: netns, mgmt-ipv4: 10.0.0.1}\n",
	    "t.yml:4:33: node 'a': only a linux node on the management network",
	    "mgmt-ipv4 on a netns node");
	bad("name: x\ntopology:\n  nodes:\n    a: {kind: netns, state: paused}\n",
	    "t.yml:4:29: node 'a': state: expected running or stopped", "node state paused");
	return tap_done();
}
