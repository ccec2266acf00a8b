// SPDX-License-Identifier: MIT
/*
 * hako vm run|ls|stop|rm|console|inspect: virtual machines (src/lib/vm/vm.h) on hako's taps
 * and macvtaps. Everything is validated before anything is made.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "console.h"
#include "ct.h"
#include "netrun.h"
#include "out.h"
#include "vm.h"
#include "vmnet.h"

/* The store, reconciled for containers (ct_open) and VMs alike. */
static int vm_open(struct hk_ctx *ctx, struct hk_paths *p, struct hk_store **st)
{
	return ct_open(ctx, p, st);
}

enum {
	OPT_NETWORK = 0x100,
	OPT_TAP,
	OPT_MACVTAP,
	OPT_MEMORY,
	OPT_CPUS,
	OPT_KERNEL,
	OPT_INITRD,
	OPT_APPEND,
	OPT_ACCEL,
};

static const struct option run_opts[] = {
	{ "name", required_argument, NULL, 'N' },
	{ "network", required_argument, NULL, OPT_NETWORK },
	{ "tap", required_argument, NULL, OPT_TAP },
	{ "macvtap", required_argument, NULL, OPT_MACVTAP },
	{ "memory", required_argument, NULL, OPT_MEMORY },
	{ "cpus", required_argument, NULL, OPT_CPUS },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "append", required_argument, NULL, OPT_APPEND },
	{ "accel", required_argument, NULL, OPT_ACCEL },
	{ "publish", required_argument, NULL, NETRUN_PUBLISH },
	{ "ip", required_argument, NULL, NETRUN_IP },
	{},
};

/* --memory M: MiB, or with a suffix M / G */
static int parse_mem(struct hk_ctx *ctx, const char *v, uint32_t *ret)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	unsigned long long mul = 1;
	if (*end == 'G' || *end == 'g')
		mul = 1024, end++;
	else if (*end == 'M' || *end == 'm')
		end++;
	if (errno || end == v || *end || n == 0 || n * mul > 1024 * 1024)
		return cmd_usage(ctx, "vm run: --memory '%s': expected MiB (256, 256M, 1G)", v);
	*ret = (uint32_t)(n * mul);
	return 0;
}

static int run_opt(struct hk_ctx *ctx, struct hk_vm_spec *s, struct netrun *nr, int c,
		   const char *v)
{
	switch (c) {
	case NETRUN_PUBLISH:
	case NETRUN_IP:
		return netrun_set(ctx, nr, c, v);
	case 'N':
		s->name = v;
		return 0;
	case OPT_NETWORK:
		s->network = v;
		return 0;
	case OPT_TAP:
		if (s->n_taps == HK_VM_NICS_MAX)
			return cmd_usage(ctx, "vm run: more than %d --tap", HK_VM_NICS_MAX);
		s->taps[s->n_taps++] = v;
		return 0;
	case OPT_MACVTAP:
		s->macvtap = v;
		return 0;
	case OPT_MEMORY:
		return parse_mem(ctx, v, &s->memory);
	case OPT_CPUS:
		return hk_parse_u32(v, 1, 255, &s->cpus, "--cpus", &ctx->err);
	case OPT_KERNEL:
		s->kernel = v;
		return 0;
	case OPT_INITRD:
		s->initrd = v;
		return 0;
	case OPT_APPEND:
		s->append = v;
		return 0;
	case OPT_ACCEL:
		s->accel = v;
		return 0;
	}
	return cmd_usage(ctx, "vm run: option %d not handled", c);
}

static int vm_run(struct hk_ctx *ctx, int argc, char **argv)
{
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	struct hk_vm_spec s = { 0 };
	struct netrun nr = { 0 };
	int c, r = cmd_getopt_init(ctx, &g, "vm run", "-:p:", run_opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&g)) != -1) {
		if (c == 1 && s.disk)
			r = cmd_usage(ctx, "vm run: unexpected '%s'", optarg);
		else if (c == 1)
			s.disk = optarg;
		else if (c == '?' || c == ':')
			r = cmd_getopt_bad(ctx, &g, c);
		else
			r = run_opt(ctx, &s, &nr, c, optarg);
	}
	if (r < 0)
		return r;
	s.ip = nr.ip;
	s.ports = nr.ports;
	s.n_ports = nr.n_ports;
	struct hk_paths p;
	struct hk_store *st;
	r = vm_open(ctx, &p, &st);
	if (r < 0) {
		hk_store_close(st);
		return r;
	}
	struct hk_net_notes notes = { 0 };
	struct hk_vm_row v;
	r = hk_vm_run(st, &p, &s, &v, &notes, &ctx->err);
	hk_store_close(st);
	netrun_notes(&notes);
	if (r == 0)
		printf("%s\n", v.name);
	return r;
}

enum { V_NAME, V_STATE, V_ACCEL, V_NET, V_ADDR, V_IF, V_PID, V_ID, V_MAC, V_MEM, V_CPUS };
static const struct out_col vm_cols[] = {
	[V_NAME] = { "NAME", "name" },
	[V_STATE] = { "STATE", "state" },
	[V_ACCEL] = { "ACCEL", "accel" },
	[V_NET] = { "NETWORK", "network" },
	[V_ADDR] = { "ADDRESS", "address" },
	[V_IF] = { "DEVICE", "device" },
	[V_PID] = { "PID", "pid", true },
	[V_ID] = { "ID", "id", false, true },
	[V_MAC] = { "MAC", "mac", false, true },
	[V_MEM] = { "MEMORY", "memory", true, true },
	[V_CPUS] = { "CPUS", "cpus", true, true },
};

/* "net1", "macvtap:eth0", "tap", "none" */
static void net_label(const struct hk_vm_row *v, char *buf, size_t len)
{
	if (!strcmp(v->nettype, "network"))
		snprintf(buf, len, "%s", v->net);
	else if (!strcmp(v->nettype, "macvtap"))
		snprintf(buf, len, "macvtap:%s", v->net);
	else
		snprintf(buf, len, "%s", v->nettype);
}

static int vm_ls(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = { {} };
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	bool quiet = false;
	int c, r = cmd_getopt_init(ctx, &g, "vm ls", "+:q", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&g)) != -1) {
		if (c == 'q')
			quiet = true;
		else
			r = cmd_getopt_bad(ctx, &g, c);
	}
	if (r < 0)
		return r;
	if (g.rest < argc)
		return cmd_usage(ctx, "vm ls: unexpected '%s'", argv[g.rest]);
	struct hk_paths p;
	struct hk_store *st;
	struct hk_vm_row *vms = NULL;
	size_t n = 0;
	r = vm_open(ctx, &p, &st);
	if (r == 0)
		r = hk_vmstore_list(st, &vms, &n, &ctx->err);
	hk_store_close(st);
	if (r < 0)
		return r;
	struct out_table *t = out_table_new(vm_cols, HK_ARRAY_SIZE(vm_cols));
	for (size_t i = 0; i < n; i++) {
		const struct hk_vm_row *v = &vms[i];
		if (quiet && !ctx->json) {
			printf("%s\n", v->name);
			continue;
		}
		char net[80];
		net_label(v, net, sizeof(net));
		out_row(t);
		out_str(t, V_NAME, v->name);
		out_str(t, V_STATE, v->state);
		out_str(t, V_ACCEL, v->accel);
		out_str(t, V_NET, net);
		out_str(t, V_ADDR, v->addr[0] ? v->addr : NULL);
		out_str(t, V_IF, v->hostif[0] ? v->hostif : NULL);
		if (v->pid)
			out_int(t, V_PID, v->pid);
		out_str(t, V_ID, v->id);
		out_str(t, V_MAC, v->mac);
		out_int(t, V_MEM, v->memory);
		out_int(t, V_CPUS, v->cpus);
	}
	if (!(quiet && !ctx->json))
		r = out_table_print(t, ctx->json, ctx->noheadings);
	out_table_free(t);
	free(vms);
	return r;
}

static struct json_object *jstr(const char *s)
{
	return json_object_new_string(s);
}

static struct json_object *ports_json(const struct hk_port_row *ports, size_t n)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "host_ip", json_object_new_string(ports[i].host_ip));
		json_object_object_add(o, "host_port", json_object_new_int(ports[i].host_port));
		json_object_object_add(o, "guest_port", json_object_new_int(ports[i].ct_port));
		json_object_object_add(o, "proto", json_object_new_string(ports[i].proto));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *vm_json(const struct hk_vm_row *v, const struct hk_paths *p,
				   struct json_object *ports)
{
	struct json_object *o = json_object_new_object(), *net = json_object_new_object();
	char dir[HK_PATH_MAX], log[HK_PATH_MAX + 16];
	hk_vm_rundir(p, v->id, dir, sizeof(dir));
	snprintf(log, sizeof(log), "%s/console.log", dir);
	json_object_object_add(o, "id", jstr(v->id));
	json_object_object_add(o, "name", jstr(v->name));
	json_object_object_add(o, "state", jstr(v->state));
	json_object_object_add(o, "pid", json_object_new_int(v->pid));
	json_object_object_add(o, "accel", jstr(v->accel));
	json_object_object_add(o, "memory", json_object_new_int64(v->memory));
	json_object_object_add(o, "cpus", json_object_new_int64(v->cpus));
	json_object_object_add(o, "kernel", jstr(v->kernel));
	json_object_object_add(o, "initrd", jstr(v->initrd));
	json_object_object_add(o, "append", jstr(v->append));
	json_object_object_add(o, "disk", jstr(v->disk));
	json_object_object_add(o, "console", jstr(v->console));
	json_object_object_add(o, "console_log", jstr(log));
	json_object_object_add(net, "type", jstr(v->nettype));
	json_object_object_add(net, "network", jstr(!strcmp(v->nettype, "network") ? v->net : ""));
	json_object_object_add(net, "lower", jstr(!strcmp(v->nettype, "macvtap") ? v->net : ""));
	json_object_object_add(net, "device", jstr(v->hostif));
	json_object_object_add(net, "mac", jstr(v->mac));
	json_object_object_add(net, "address", jstr(v->addr));
	json_object_object_add(net, "ports", ports);
	/* every NIC: eth0 (the one above, if any), then the taps */
	struct json_object *nics = json_object_new_array();
	char taps[sizeof(v->taps)], mac[18], ifname[16];
	snprintf(taps, sizeof(taps), "%s", v->taps);
	size_t k = 0;
	const char *dev = v->hostif[0] ? v->hostif : NULL;
	for (char *save = NULL; dev; dev = strtok_r(k == 1 ? taps : NULL, " ", &save)) {
		struct json_object *n = json_object_new_object();
		snprintf(ifname, sizeof(ifname), "eth%zu", k);
		hk_vmnet_mac(v, k++, mac);
		json_object_object_add(n, "ifname", jstr(ifname));
		json_object_object_add(n, "device", jstr(dev));
		json_object_object_add(n, "mac", jstr(mac));
		json_object_array_add(nics, n);
	}
	json_object_object_add(net, "nics", nics);
	json_object_object_add(o, "net", net);
	json_object_object_add(o, "created", json_object_new_int64(v->created));
	json_object_object_add(o, "started", json_object_new_int64(v->started));
	json_object_object_add(o, "finished", json_object_new_int64(v->finished));
	return o;
}

static int vm_inspect(struct hk_ctx *ctx, int argc, char **argv)
{
	if (argc < 1)
		return cmd_usage(ctx, "vm inspect: missing VM");
	struct hk_paths p;
	struct hk_store *st;
	int r = vm_open(ctx, &p, &st);
	struct json_object *arr = json_object_new_array();
	for (int i = 0; r == 0 && i < argc; i++) {
		struct hk_vm_row v;
		struct hk_port_row *ports = NULL;
		size_t np = 0;
		r = hk_vmstore_get(st, argv[i], &v, &ctx->err);
		if (r == 0)
			r = hk_netstore_ports(st, v.id, &ports, &np, &ctx->err);
		if (r == 0)
			json_object_array_add(arr, vm_json(&v, &p, ports_json(ports, np)));
		free(ports);
	}
	hk_store_close(st);
	if (r == 0)
		return out_json_print(arr);
	json_object_put(arr);
	return r;
}

/* stop and rm: each named VM in turn, its name printed when done */
static int each(struct hk_ctx *ctx, const char *verb, int argc, char **argv, bool force)
{
	struct hk_paths p;
	struct hk_store *st;
	int r = vm_open(ctx, &p, &st);
	for (int i = 0; r == 0 && i < argc; i++) {
		struct hk_vm_row v;
		r = !strcmp(verb, "stop") ? hk_vm_stop(st, &p, argv[i], &v, &ctx->err)
					  : hk_vm_remove(st, &p, argv[i], force, &v, &ctx->err);
		if (r == 0)
			printf("%s\n", v.name);
	}
	hk_store_close(st);
	return r;
}

static int vm_stop(struct hk_ctx *ctx, int argc, char **argv)
{
	if (argc < 1)
		return cmd_usage(ctx, "vm stop: missing VM");
	return each(ctx, "stop", argc, argv, false);
}

static int vm_rm(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	bool force = false;
	int c, r = cmd_getopt_init(ctx, &g, "vm rm", "+:f", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&g)) != -1) {
		if (c == 'f')
			force = true;
		else
			r = cmd_getopt_bad(ctx, &g, c);
	}
	if (r < 0)
		return r;
	if (g.rest >= argc)
		return cmd_usage(ctx, "vm rm: missing VM");
	return each(ctx, "rm", argc - g.rest, argv + g.rest, force);
}

static int vm_console(struct hk_ctx *ctx, int argc, char **argv)
{
	if (argc != 1)
		return cmd_usage(ctx, "vm console: expected one VM");
	struct hk_paths p;
	struct hk_store *st;
	struct hk_vm_row v;
	int r = vm_open(ctx, &p, &st);
	if (r == 0)
		r = hk_vmstore_get(st, argv[0], &v, &ctx->err);
	hk_store_close(st);
	_cleanup_close_ int fd = r < 0 ? -1 : hk_vm_console_open(&v, &ctx->err);
	if (fd < 0)
		return r < 0 ? r : fd;
	if (isatty(STDIN_FILENO))
		fprintf(stderr, "hako: console of vm '%s' (%s); Ctrl-] leaves\n", v.name,
			v.console);
	return hk_console_attach(fd, 1000, &ctx->err);
}

static const struct cmd_verb verbs[] = {
	{ "run", NULL, vm_run }, { "ls", "list", vm_ls },	  { "stop", NULL, vm_stop },
	{ "rm", NULL, vm_rm },	 { "console", NULL, vm_console }, { "inspect", NULL, vm_inspect },
};

int cmd_vm(struct hk_ctx *ctx, int argc, char **argv)
{
	return cmd_dispatch(ctx, "vm", verbs, HK_ARRAY_SIZE(verbs), "ls", argc, argv);
}
