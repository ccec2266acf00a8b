// SPDX-License-Identifier: MIT
/*
 * hako lab: whole networks from one file (containerlab's topology format). The library
 * (src/lib/lab) parses, plans, deploys, destroys and changes; this file parses options and
 * prints. See docs/parts/lab.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "cmd.h"
#include "ct.h"
#include "lab.h"
#include "labgraph.h"
#include "labops.h"
#include "labrun.h"
#include "netrun.h"
#include "out.h"

static int want_args(struct hk_ctx *ctx, int argc, int min, int max, const char *usage)
{
	if (argc < min)
		return cmd_usage(ctx, "lab %s: missing argument", usage);
	if (argc > max)
		return cmd_usage(ctx, "lab %s: unexpected argument", usage);
	return 0;
}

static int open_store(struct hk_ctx *ctx, struct hk_store **st)
{
	struct hk_paths p;
	return ct_open(ctx, &p, st);
}

static void store_closep(struct hk_store **st)
{
	if (*st)
		hk_store_close(*st);
}
#define _cleanup_store_ _cleanup_(store_closep)

/* NAME, or a lab FILE (a path that exists): the lab's name. */
static int lab_name(struct hk_ctx *ctx, const char *arg, char *buf, size_t len)
{
	struct stat sb;
	if ((strchr(arg, '/') || strstr(arg, ".yml") || strstr(arg, ".yaml")) &&
	    stat(arg, &sb) == 0 && S_ISREG(sb.st_mode))
		return hk_lab_file_name(arg, buf, len, &ctx->err);
	snprintf(buf, len, "%s", arg);
	return 0;
}

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static struct json_object *addrs_json(const struct hk_prefix *a, size_t n, char *human, size_t len)
{
	struct json_object *arr = json_object_new_array();
	size_t off = 0;
	human[0] = 0;
	for (size_t i = 0; i < n; i++) {
		char buf[64];
		hk_prefix_str(&a[i], buf, sizeof(buf));
		json_object_array_add(arr, json_object_new_string(buf));
		off += (size_t)snprintf(human + off, off < len ? len - off : 0, "%s%s",
					i ? "," : "", buf);
	}
	return arr;
}

/* The summary after deploy: one row per interface, from the plan. */
static int print_plan(struct hk_ctx *ctx, const struct hk_lab *lab)
{
	static const struct out_col cols[] = {
		{ "NODE", "node", false, false },
		{ "KIND", "kind", false, false },
		{ "NETNS", "netns", false, false },
		{ "INTERFACE", "interface", false, false },
		{ "ADDRESSES", "addresses", false, false },
		{ "PEER", "peer", false, false },
	};
	struct out_table *t = out_table_new(cols, HK_ARRAY_SIZE(cols));
	for (size_t i = 0; i < lab->nnodes; i++) {
		const struct hk_lab_node *n = &lab->nodes[i];
		for (size_t k = 0; k < (n->nifs ? n->nifs : 1); k++) {
			out_row(t);
			out_str(t, 0, n->name);
			out_str(t, 1, hk_lab_kind_name(n->kind));
			out_str(t, 2, n->netns[0] ? n->netns : "(host)");
			if (!n->nifs)
				continue;
			const struct hk_lab_if *f = &n->ifs[k];
			char human[512];
			out_str(t, 3, f->name);
			struct json_object *a = addrs_json(f->addr, f->naddr, human, sizeof(human));
			out_json(t, 4, a, human[0] ? human : "-");
			if (f->link >= 0) {
				const struct hk_lab_link *l = &lab->links[f->link];
				int o = &lab->nodes[l->ep[0].node] == n && l->ep[0].iface == k;
				const struct hk_lab_node *pn = &lab->nodes[l->ep[o].node];
				char peer[128];
				snprintf(peer, sizeof(peer), "%s:%s", pn->name,
					 pn->ifs[l->ep[o].iface].name);
				out_str(t, 5, peer);
			}
		}
	}
	int r = out_table_print(t, ctx->json, ctx->noheadings);
	out_table_free(t);
	return r;
}

static int cmd_lab_deploy(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = { { "quiet", no_argument, NULL, 'q' },
					      { "host", required_argument, NULL, 'H' },
					      {} };
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	bool quiet = false;
	const char *self = NULL;
	int c, r = cmd_getopt_init(ctx, &g, "lab deploy", "+:q", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&g)) != -1) {
		if (c == 'q')
			quiet = true;
		else if (c == 'H')
			self = optarg;
		else
			r = cmd_getopt_bad(ctx, &g, c);
	}
	if (r == 0)
		r = want_args(ctx, argc - g.rest, 1, 1, "deploy FILE");
	if (r < 0)
		return r;
	int64_t t0 = now_us();
	struct hk_lab lab;
	r = hk_lab_load(argv[g.rest], &lab, &ctx->err);
	if (r == 0 && self)
		snprintf(lab.self, sizeof(lab.self), "%s", self);
	if (r == 0)
		r = hk_lab_plan(&lab, &ctx->err);
	_cleanup_store_ struct hk_store *st = NULL;
	if (r == 0)
		r = open_store(ctx, &st);
	struct hk_lab_ops ops;
	struct labops_data od;
	labops_init(&ops, &od, ctx);
	struct hk_lab_stats stats;
	if (r == 0)
		r = hk_lab_deploy(st, &lab, &ops, &stats, &ctx->err);
	labops_bar_done(&od);
	if (r == 0)
		netrun_notes(&stats.notes);
	int64_t us = now_us() - t0;
	if (r == 0 && !quiet) {
		if (!ctx->json)
			printf("lab '%s': %zu nodes, %zu links deployed in %.3f s "
			       "(%llu netlink requests in %llu sendmsg calls)\n",
			       lab.name, lab.nnodes, lab.nlinks, us / 1e6, stats.requests,
			       stats.sends);
		r = print_plan(ctx, &lab);
	}
	hk_lab_free(&lab);
	return r;
}

static int cmd_lab_destroy(struct hk_ctx *ctx, int argc, char **argv)
{
	int r = want_args(ctx, argc, 1, 1, "destroy NAME|FILE");
	char name[HK_LAB_NAME_MAX + 1];
	if (r == 0)
		r = lab_name(ctx, argv[0], name, sizeof(name));
	_cleanup_store_ struct hk_store *st = NULL;
	if (r == 0)
		r = open_store(ctx, &st);
	struct hk_lab_ops ops;
	struct labops_data od;
	labops_init(&ops, &od, ctx);
	if (r == 0)
		r = hk_lab_destroy(st, name, &ops, &ctx->err);
	return r;
}

static int cmd_lab_ls(struct hk_ctx *ctx, int argc, char **argv)
{
	(void)argv;
	int r = want_args(ctx, argc, 0, 0, "ls");
	_cleanup_store_ struct hk_store *st = NULL;
	if (r == 0)
		r = open_store(ctx, &st);
	struct hk_lab_row *rows = NULL;
	size_t n = 0;
	if (r == 0)
		r = hk_labstore_list(st, &rows, &n, &ctx->err);
	if (r < 0)
		return r;
	static const struct out_col cols[] = {
		{ "NAME", "name", false, false },  { "STATE", "state", false, false },
		{ "NODES", "nodes", true, false }, { "LINKS", "links", true, false },
		{ "FILE", "file", false, false },  { "CREATED", "created", true, true },
	};
	struct out_table *t = out_table_new(cols, HK_ARRAY_SIZE(cols));
	for (size_t i = 0; i < n; i++) {
		struct hk_lab lab;
		struct hk_err e;
		out_row(t);
		out_str(t, 0, rows[i].name);
		out_str(t, 1, rows[i].state);
		if (hk_lab_parse(rows[i].file, "/", rows[i].text, &lab, &e) == 0) {
			out_int(t, 2, (int64_t)lab.nnodes);
			out_int(t, 3, (int64_t)lab.nlinks);
		}
		hk_lab_free(&lab);
		out_str(t, 4, rows[i].file);
		out_int(t, 5, rows[i].created);
	}
	r = out_table_print(t, ctx->json, ctx->noheadings);
	out_table_free(t);
	hk_lab_rows_free(rows, n);
	return r;
}

static int open_lab(struct hk_ctx *ctx, struct hk_store **st, const char *name,
		    struct hk_lab_row *row, struct hk_lab *lab)
{
	int r = open_store(ctx, st);
	return r < 0 ? r : hk_lab_open(*st, name, row, lab, &ctx->err);
}

static int cmd_lab_inspect(struct hk_ctx *ctx, int argc, char **argv)
{
	int r = want_args(ctx, argc, 1, 1, "inspect NAME");
	_cleanup_store_ struct hk_store *st = NULL;
	struct hk_lab_row row;
	struct hk_lab lab;
	if (r == 0)
		r = open_lab(ctx, &st, argv[0], &row, &lab);
	if (r < 0)
		return r;
	struct hk_lab_nodestat *s = NULL;
	r = hk_lab_status(st, &lab, &s, &ctx->err);
	static const struct out_col cols[] = {
		{ "NODE", "node", false, false },
		{ "KIND", "kind", false, false },
		{ "STATE", "state", false, false },
		{ "NETNS", "netns", false, false },
		{ "INTERFACE", "interface", false, false },
		{ "LINK", "link", false, false },
		{ "MTU", "mtu", true, false },
		{ "ADDRESSES", "addresses", false, false },
		{ "PEER", "peer", false, false },
		{ "MGMT", "mgmt_ipv4", false, false },
		{ "MGMT-IPV6", "mgmt_ipv6", false, true },
	};
	struct out_table *t = r == 0 ? out_table_new(cols, HK_ARRAY_SIZE(cols)) : NULL;
	for (size_t i = 0; t && i < lab.nnodes; i++) {
		const struct hk_lab_node *n = &lab.nodes[i];
		for (size_t k = 0; k < (n->nifs ? n->nifs : 1); k++) {
			out_row(t);
			out_str(t, 0, n->name);
			out_str(t, 1, hk_lab_kind_name(n->kind));
			out_str(t, 2, s[i].state);
			out_str(t, 3, n->netns[0] ? n->netns : "(host)");
			if (s[i].mgmt4[0] || s[i].mgmt6[0]) {
				char human[160];
				snprintf(human, sizeof(human), "%s%s%s", s[i].mgmt4,
					 s[i].mgmt4[0] && s[i].mgmt6[0] ? "," : "", s[i].mgmt6);
				out_json(t, 9,
					 s[i].mgmt4[0] ? json_object_new_string(s[i].mgmt4) : NULL,
					 human);
				out_str(t, 10, s[i].mgmt6[0] ? s[i].mgmt6 : NULL);
			}
			if (!n->nifs)
				continue;
			const struct hk_lab_ifstat *f = &s[i].ifs[k];
			out_str(t, 4, f->name);
			out_str(t, 5, f->present ? f->operstate : "missing");
			if (f->present)
				out_int(t, 6, f->mtu);
			char human[512];
			struct json_object *a = addrs_json(f->addr, f->naddr, human, sizeof(human));
			out_json(t, 7, a, human[0] ? human : "-");
			out_str(t, 8, f->peer[0] ? f->peer : NULL);
		}
	}
	if (t) {
		if (!ctx->json)
			printf("lab '%s' (%s), from %s\n", lab.name, row.state, row.file);
		r = out_table_print(t, ctx->json, ctx->noheadings);
		out_table_free(t);
	}
	hk_lab_status_free(s, lab.nnodes);
	hk_lab_free(&lab);
	hk_lab_row_free(&row);
	return r;
}

static int cmd_lab_exec(struct hk_ctx *ctx, int argc, char **argv)
{
	int r = want_args(ctx, argc, 3, INT32_MAX, "exec NAME NODE -- CMD [ARGS...]");
	if (r < 0)
		return r;
	char **cmd = argv + 2;
	if (!strcmp(cmd[0], "--") && !*++cmd)
		return cmd_usage(ctx, "lab exec NAME NODE -- CMD: missing command");
	_cleanup_store_ struct hk_store *st = NULL;
	struct hk_lab_row row;
	struct hk_lab lab;
	if ((r = open_lab(ctx, &st, argv[0], &row, &lab)) < 0)
		return r;
	hk_lab_row_free(&row);
	long i = hk_lab_node_find(&lab, argv[1]);
	if (i < 0) {
		hk_err_set(&ctx->err, -ENOENT, "lab '%s': no node '%s'", lab.name, argv[1]);
		hk_err_class_set(&ctx->err, HK_ERR_NOTFOUND);
		hk_lab_free(&lab);
		return -ENOENT;
	}
	hk_store_close(st);
	st = NULL;
	r = labops_exec(ctx, &lab.nodes[i], cmd);
	hk_lab_free(&lab);
	return r;
}

/* dot -Tsvg: the text on its stdin, the picture on ours. */
static int svg(struct hk_ctx *ctx, const char *text)
{
	int pfd[2];
	if (pipe(pfd) < 0)
		return hk_err_sys(&ctx->err, -errno, "lab graph: pipe");
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return hk_err_sys(&ctx->err, -errno, "lab graph: fork");
	if (pid == 0) {
		dup2(pfd[0], 0);
		close(pfd[0]);
		close(pfd[1]);
		execlp("dot", "dot", "-Tsvg", (char *)NULL);
		_exit(127);
	}
	close(pfd[0]);
	size_t len = strlen(text), off = 0;
	while (off < len) {
		ssize_t k = write(pfd[1], text + off, len - off);
		if (k <= 0)
			break;
		off += (size_t)k;
	}
	close(pfd[1]);
	int st;
	waitpid(pid, &st, 0);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
		hk_err_set(
			&ctx->err, -ENOENT,
			"lab graph: --format svg needs Graphviz's 'dot', which is not installed");
		hk_err_class_set(&ctx->err, HK_ERR_UNSUPPORTED);
		return -ENOENT;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		return hk_err_set(&ctx->err, -EIO, "lab graph: dot failed");
	return 0;
}

static int cmd_lab_graph(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = { { "format", required_argument, NULL, 'f' }, {} };
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	const char *fmt = "dot";
	int c, r = cmd_getopt_init(ctx, &g, "lab graph", "-:f:", opts, argc, argv);
	const char *name = NULL;
	while (r == 0 && (c = cmd_getopt_next(&g)) != -1) {
		if (c == 'f')
			fmt = optarg;
		else if (c == 1 && !name)
			name = optarg;
		else
			r = c == 1 ? cmd_usage(ctx, "lab graph: unexpected argument '%s'", optarg)
				   : cmd_getopt_bad(ctx, &g, c);
	}
	if (r == 0 && !name)
		r = cmd_usage(ctx, "lab graph NAME|FILE: missing argument");
	if (r == 0 && strcmp(fmt, "dot") && strcmp(fmt, "svg") && strcmp(fmt, "mermaid"))
		r = cmd_usage(ctx, "lab graph: --format '%s': dot, svg or mermaid", fmt);
	if (r < 0)
		return r;
	struct hk_lab lab;
	struct stat sb;
	_cleanup_store_ struct hk_store *st = NULL;
	if (strchr(name, '/') && stat(name, &sb) == 0) {
		r = hk_lab_load(name, &lab, &ctx->err);
	} else {
		struct hk_lab_row row;
		r = open_lab(ctx, &st, name, &row, &lab);
		if (r == 0)
			hk_lab_row_free(&row);
	}
	if (r < 0)
		return r;
	_cleanup_free_ char *text = NULL;
	r = hk_lab_graph(&lab, strcmp(fmt, "mermaid") ? HK_LAB_GRAPH_DOT : HK_LAB_GRAPH_MERMAID,
			 &text, &ctx->err);
	hk_lab_free(&lab);
	if (r < 0)
		return r;
	if (!strcmp(fmt, "svg"))
		return svg(ctx, text);
	fputs(text, stdout);
	return out_flush();
}

static int cmd_lab_save(struct hk_ctx *ctx, int argc, char **argv)
{
	int r = want_args(ctx, argc, 1, 1, "save NAME");
	_cleanup_store_ struct hk_store *st = NULL;
	struct hk_lab_row row;
	struct hk_lab lab;
	if (r == 0)
		r = open_lab(ctx, &st, argv[0], &row, &lab);
	if (r < 0)
		return r;
	hk_lab_row_free(&row);
	_cleanup_free_ char *text = NULL;
	r = hk_lab_save(st, &lab, &text, &ctx->err);
	hk_lab_free(&lab);
	if (r < 0)
		return r;
	fputs(text, stdout);
	return out_flush();
}

/* lab link set NAME NODE:IF up|down|rate RATE */
static int cmd_lab_link(struct hk_ctx *ctx, int argc, char **argv)
{
	int r = want_args(ctx, argc, 4, 5, "link set NAME NODE:IF up|down|rate RATE");
	if (r == 0 && strcmp(argv[0], "set"))
		r = cmd_usage(ctx, "lab link: unknown verb '%s' (set)", argv[0]);
	enum hk_lab_link_op op = HK_LAB_LINK_UP;
	uint64_t rate = 0;
	if (r == 0 && !strcmp(argv[3], "up") && argc == 4)
		op = HK_LAB_LINK_UP;
	else if (r == 0 && !strcmp(argv[3], "down") && argc == 4)
		op = HK_LAB_LINK_DOWN;
	else if (r == 0 && !strcmp(argv[3], "rate") && argc == 5) {
		op = HK_LAB_LINK_RATE;
		if (strcmp(argv[4], "none") && hk_rate_parse(argv[4], &rate, &ctx->err) < 0)
			return hk_err_prefix(&ctx->err, "lab link set");
	} else if (r == 0)
		r = cmd_usage(ctx, "lab link set NAME NODE:IF up|down|rate RATE: bad arguments");
	_cleanup_store_ struct hk_store *st = NULL;
	struct hk_lab_row row;
	struct hk_lab lab;
	if (r == 0)
		r = open_lab(ctx, &st, argv[1], &row, &lab);
	if (r < 0)
		return r;
	hk_lab_row_free(&row);
	struct hk_lab_ep ep;
	r = hk_lab_ep_find(&lab, argv[2], &ep, &ctx->err);
	if (r == 0)
		r = hk_lab_link_set(&lab, &ep, op, rate, &ctx->err);
	hk_lab_free(&lab);
	return r;
}

/* lab node stop|start NAME NODE */
static int cmd_lab_node(struct hk_ctx *ctx, int argc, char **argv)
{
	int r = want_args(ctx, argc, 3, 3, "node stop|start NAME NODE");
	if (r == 0 && strcmp(argv[0], "stop") && strcmp(argv[0], "start"))
		r = cmd_usage(ctx, "lab node: unknown verb '%s' (stop, start)", argv[0]);
	_cleanup_store_ struct hk_store *st = NULL;
	struct hk_lab_row row;
	struct hk_lab lab;
	if (r == 0)
		r = open_lab(ctx, &st, argv[1], &row, &lab);
	if (r < 0)
		return r;
	hk_lab_row_free(&row);
	long i = hk_lab_node_find(&lab, argv[2]);
	struct hk_lab_ops ops;
	struct labops_data od;
	labops_init(&ops, &od, ctx);
	if (i < 0) {
		r = hk_err_set(&ctx->err, -ENOENT, "lab '%s': no node '%s'", lab.name, argv[2]);
		hk_err_class_set(&ctx->err, HK_ERR_NOTFOUND);
	} else {
		r = hk_lab_node_set(st, &lab, (size_t)i, !strcmp(argv[0], "start"), &ops,
				    &ctx->err);
	}
	hk_lab_free(&lab);
	return r;
}

static const struct cmd_verb verbs[] = {
	{ "deploy", NULL, cmd_lab_deploy }, { "destroy", NULL, cmd_lab_destroy },
	{ "ls", "list", cmd_lab_ls },	    { "inspect", NULL, cmd_lab_inspect },
	{ "exec", NULL, cmd_lab_exec },	    { "graph", NULL, cmd_lab_graph },
	{ "save", NULL, cmd_lab_save },	    { "link", NULL, cmd_lab_link },
	{ "node", NULL, cmd_lab_node },
};

int cmd_lab(struct hk_ctx *ctx, int argc, char **argv)
{
	return cmd_dispatch(ctx, "lab", verbs, HK_ARRAY_SIZE(verbs), "ls", argc, argv);
}
