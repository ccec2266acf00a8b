/* SPDX-License-Identifier: MIT */
/*
 * A lab: a whole network described in one file (containerlab's topology format, YAML) and
 * deployed, changed and destroyed as one object. This header is the model every lab module
 * shares; the work is split by concern:
 *
 *   labfile.c     the file -> struct hk_lab (libyaml, the only libyaml user), every check
 *                 that can be made on the text: FILE:LINE:COLUMN and the reason, exit 2;
 *   labplan.c     the kernel objects a lab is made of: a named network namespace per node
 *                 ("LAB-NODE"), an interface per link endpoint with the ifindex it will
 *                 get, the host's devices; checked against the system before anything is
 *                 made (a name already taken is bad input too);
 *   labdeploy.c   make them, through the batched netlink core, after recording every one
 *                 in the state database (store_lab.h); on failure undo;
 *   labdestroy.c  remove exactly what the record lists, whatever is already gone;
 *   labrun.c      runtime changes (link up/down/rate, node stop/start), inspection, and
 *                 save (those changes written back into the file);
 *   labgraph.c    the topology as Graphviz dot or Mermaid text.
 *
 * Kinds of node: `netns` (hako's: a bare named network namespace), `linux` (a hako
 * container from `image:` or `rootfs:`, in the node's namespace), `bridge` (a Linux bridge
 * in a namespace of its own; its endpoints are its ports), `host` (the host's namespace:
 * the endpoint's device stays on the host), `vm` (hako's: a qemu guest, vm.h, whose
 * namespace holds, per interface, the veth end and the guest NIC's tap on a bridge of their
 * own; the interface's addresses are the guest's). An endpoint "host:IF" needs no node.
 */
#ifndef HK_LAB_H
#define HK_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/parse.h"
#include "network.h"
#include "qdisc.h"
#include "route.h"
#include "store_lab.h"

struct hk_paths;

#define HK_LAB_NODE_MAX 48 /* a node's name */
#define HK_LAB_ADDR_MAX 8  /* addresses per interface */
/* Interfaces made by the lab get fixed ifindexes from here up in their namespace, so that
 * deploy never has to look one up (a fresh namespace holds only lo and maybe the fallback
 * tunnel devices, which take the low numbers). */
#define HK_LAB_IFINDEX_BASE 100

enum hk_lab_kind { HK_LAB_NETNS, HK_LAB_LINUX, HK_LAB_BRIDGE, HK_LAB_HOST, HK_LAB_VM };

/* Where something was written in the file, 1-based; line 0: nowhere (a default). */
struct hk_lab_pos {
	unsigned line, col;
};

struct hk_lab_if {
	char name[HK_IFNAMSIZ];
	struct hk_prefix addr[HK_LAB_ADDR_MAX];
	size_t naddr;
	uint32_t mtu; /* 0: the link's, else the kernel's */
	int index;    /* planned ifindex in the node's namespace; 0: the host's, looked up */
	bool made_up; /* deploy: created up (and enslaved), nothing left to set but addresses */
	long link;    /* the link it is an end of, -1 none yet */
	struct hk_lab_pos pos;
	/* hako's runtime state, as `lab save` writes it: the device left down; its egress
	 * qdisc a tbf of rate (0: none) instead of the link's impairments */
	bool down, rate_set;
	uint64_t rate;
	struct hk_lab_pos rate_pos;
	/* vm nodes, planned: the guest NIC's tap and the bridge joining it to this end */
	char tap[HK_IFNAMSIZ], br[HK_IFNAMSIZ];
	int br_index;
};

struct hk_lab_route {
	char *text; /* as written: "default via 10.0.0.1" */
	struct hk_route_req req;
	struct hk_lab_pos pos;
};

struct hk_lab_kv {
	char *key, *value;
	struct hk_lab_pos pos;
};

struct hk_lab_node {
	char name[HK_LAB_NODE_MAX + 1];
	enum hk_lab_kind kind;
	char *image, *rootfs, *cmd;		/* linux */
	char *kernel, *initrd, *append, *accel; /* vm: paths as written (relative: to dir) */
	uint32_t memory, cpus;			/* vm: MiB, 0 the default */
	bool forward;				/* vm: the guest routes (hako.forward=1) */
	char **exec, **binds, **env;		/* NULL-terminated; env "K=V" */
	size_t nexec, nbinds, nenv;
	char **cap_add; /* linux: cap-add, capabilities beyond hako run's and NET_ADMIN */
	size_t ncap_add;
	struct hk_lab_route *routes;
	size_t nroutes;
	struct hk_lab_kv *sysctls;
	size_t nsysctls;
	struct hk_lab_if *ifs;
	size_t nifs;
	bool declared;			/* false: "host" named only by an endpoint */
	char host[HK_LAB_NODE_MAX + 1]; /* topology.hosts: the machine it runs on, "" this one */
	bool remote;			/* planned: on another host, not deployed here */
	/* the plan (labplan.c) */
	char netns[256]; /* "" for host */
	char ctname[64]; /* linux: the container's name */
	char vmname[64]; /* vm: the VM's name (vm.h), "LAB-NODE" */
	struct hk_lab_pos pos, kind_pos;
	/* the management network (linux nodes): the file's addresses (family 0: none, picked
	 * by the network's IPAM), network-mode: none (no management interface) */
	struct hk_prefix mgmt4, mgmt6;
	struct hk_lab_pos mgmt4_pos, mgmt6_pos;
	bool no_mgmt;
	bool stopped; /* state: stopped (lab save): deployed stopped, as by `lab node stop` */
	/* planned: on the management network as eth0, its lease's key and host veth end */
	bool mgmt;
	char mgmt_id[17], mgmt_hostif[16];
};

struct hk_lab_ep {
	size_t node, iface;
};

struct hk_lab_link {
	struct hk_lab_ep ep[2];
	uint32_t mtu;
	struct hk_impair imp;
	struct hk_lab_pos pos, imp_pos;
};

/* A machine of a lab spread over several (topology.hosts, hako's): a link between nodes on
 * two of them is a VXLAN tunnel between their addresses, each host deploying its half. */
struct hk_lab_host {
	char name[HK_LAB_NODE_MAX + 1];
	struct hk_prefix addr;
	struct hk_lab_pos pos;
};

#define HK_LAB_VXLAN_PORT 4789
#define HK_LAB_VNI_BASE                                                                            \
	4096 /* link i's tunnel: VNI HK_LAB_VNI_BASE + i, the same on both sides                   \
	      */

/*
 * The lab's management network (containerlab's `mgmt:`): a hako bridge network (network.h)
 * with an address from its IPAM for every linux node, as eth0 in the node's namespace. Named
 * by `mgmt.network` (an existing hako network is joined and left alone) or "LAB-mgmt"; its
 * subnet from `mgmt.ipv4-subnet` / `ipv6-subnet`, else the first free one hako's IPAM finds.
 */
#define HK_LAB_MGMT_IF "eth0"
#define HK_LAB_NET_MAX 32 /* HK_NET_NAME_MAX */
struct hk_lab_mgmt {
	char network[HK_LAB_NET_MAX + 1]; /* as written, "" none */
	struct hk_prefix sub4, sub6;	  /* family 0: not given */
	struct hk_lab_pos network_pos, sub4_pos, sub6_pos;
	/* planned */
	char net[HK_LAB_NET_MAX + 1]; /* the network's name */
	bool used;		      /* some node here is on it */
	bool create;		      /* deploy: it does not exist yet, the lab makes it */
};

struct hk_lab {
	char name[HK_LAB_NAME_MAX + 1];
	struct hk_lab_mgmt mgmt;
	struct hk_lab_host *hosts;
	size_t nhosts;
	char self[HK_LAB_NODE_MAX + 1]; /* the host deploying (lab deploy --host), "" none */
	char *file;			/* as given */
	char *dir;  /* the file's directory: relative binds and rootfs are resolved from it */
	char *text; /* the file's contents */
	struct hk_lab_node *nodes;
	size_t nnodes;
	struct hk_lab_link *links;
	size_t nlinks;
};

void hk_lab_free(struct hk_lab *lab);
const char *hk_lab_kind_name(enum hk_lab_kind k);

/* --- labfile.c ------------------------------------------------------------------------- */

/* Parse and check text (the contents of file; file names it in messages, dir resolves
 * relative paths). Bad input: -EINVAL, class usage, "FILE:LINE:COLUMN: reason". */
int hk_lab_parse(const char *file, const char *dir, const char *text, struct hk_lab *ret,
		 struct hk_err *err);
/* Read FILE and parse it. */
int hk_lab_load(const char *file, struct hk_lab *ret, struct hk_err *err);
/* Only the lab's name from FILE (destroy FILE). */
int hk_lab_file_name(const char *file, char *buf, size_t len, struct hk_err *err);

/* One change to a lab file (lab save): key set to value in node's mapping, or (iface given)
 * in topology.nodes.NODE.interfaces.IFACE, made when missing. */
struct hk_lab_edit {
	const char *node, *iface, *key, *value;
};
/* lab->text with the edits made (libyaml's emitter: the same document, its comments
 * dropped); *ret malloc'd. */
int hk_lab_edit_text(const struct hk_lab *lab, const struct hk_lab_edit *e, size_t n, char **ret,
		     struct hk_err *err);

/* Find a node by name; -1 none. */
long hk_lab_node_find(const struct hk_lab *lab, const char *name);
/* Parse "NODE:IF" against the lab: its node and interface. -ENOENT (usage) when none. */
int hk_lab_ep_find(const struct hk_lab *lab, const char *ep, struct hk_lab_ep *ret,
		   struct hk_err *err);

/* --- labplan.c ------------------------------------------------------------------------- */

/* The host named name, NULL none. */
const struct hk_lab_host *hk_lab_host_find(const struct hk_lab *lab, const char *name);
/* Fill the plan: namespace and container names, ifindexes; with lab->self set, only the
 * nodes of that host are planned (the others are remote); a lab with hosts needs it. -EINVAL
 * (usage) when a name does not fit ("LAB-NODE" over 255 bytes, a container name over 63). */
int hk_lab_plan(struct hk_lab *lab, struct hk_err *err);
/* The objects to record, in the order they are made (free *ret). */
int hk_lab_plan_objects(const struct hk_lab *lab, struct hk_labobj_row **ret, size_t *ret_n,
			struct hk_err *err);
/* Nothing the plan would make exists yet (namespaces, host devices): else usage. */
int hk_lab_plan_check_free(const struct hk_lab *lab, struct hk_err *err);

/* --- labdeploy.c / labdestroy.c -------------------------------------------------------- */

/*
 * What a lab needs from its caller: containers are made by the same path as `hako run -d`
 * (its security defaults, image resolution and monitor), which lives in the front door; the
 * library gives the words that describe a node's container (hk_lab_run_args). The caller
 * also draws progress. Each returns 0 or a negative errno with err set. A node's container
 * is stopped, removed and exec'ed into here, by the container library's hk_ct_stop, hk_ct_rm
 * and hk_ct_exec_start (ctstop.h, ctexec.h: what `hako stop`, `hako rm -f` and `hako exec`
 * call; labct.c). (To make them here too, more of the front door would move into the
 * container layer first, each then used by both: run's option parser (the stored options a
 * start or a restart policy replays are run's words), run -d's monitor (cmd_run.c: fork,
 * create, start, report, wait logged, end) and an image's defaults (run_image.c; the pull
 * with its progress stays out).)
 */
struct hk_lab_ops {
	void *data;
	/* Start node n's container (n->ctname) in namespace n->netns: `hako run -d` with the
	 * words hk_lab_run_args gives (labct.h). */
	int (*ct_start)(void *data, const struct hk_lab *lab, const struct hk_lab_node *n,
			struct hk_err *err);
	/* The state and run directories containers and VMs are kept under (linux and vm
	 * nodes: stopped, removed and exec'ed into by the container library), NULL: none. */
	const struct hk_paths *paths;
	/* Progress: phase, done of total (may be NULL). */
	void (*progress)(void *data, const char *phase, size_t done, size_t total);
};

struct hk_lab_stats {
	size_t netns, links, addrs, routes, qdiscs, containers, vms;
	unsigned long long sends, requests; /* netlink sendmsg() calls and requests */
	struct hk_net_notes notes;	    /* the management network's (forwarding set) */
};

/* Deploy a parsed lab. Refused, changing nothing, when its name is taken by a live lab or
 * anything it would make exists; a record left by a deploy whose hako died is destroyed
 * first. On failure everything made is removed again. */
int hk_lab_deploy(struct hk_store *st, struct hk_lab *lab, const struct hk_lab_ops *ops,
		  struct hk_lab_stats *ret_stats, struct hk_err *err);
/* Destroy lab name: every recorded object, whatever is already gone, then the record. A lab
 * being deployed or destroyed by a live hako: -EBUSY. */
int hk_lab_destroy(struct hk_store *st, const char *name, const struct hk_lab_ops *ops,
		   struct hk_err *err);
/* The lab as recorded: its row and its file parsed and planned again. */
int hk_lab_open(struct hk_store *st, const char *name, struct hk_lab_row *ret_row,
		struct hk_lab *ret, struct hk_err *err);

#endif
