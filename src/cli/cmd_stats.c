// SPDX-License-Identifier: MIT
/* hako stats [CT...]: memory, CPU and pids of running containers, from their cgroups
 * (cglimits.c reads v1 or v2). CPU% is measured over 200 ms. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/human.h"
#include "cglimits.h"
#include "container.h"
#include "ct.h"
#include "gotmpl.h"
#include "out.h"

enum { C_ID, C_NAME, C_MEM, C_LIMIT, C_MEMPCT, C_CPU, C_CPUPCT, C_PIDS, C_PIDSLIM };

static const struct out_col stats_cols[] = {
	[C_ID] = { "ID", "id" },
	[C_NAME] = { "NAME", "name" },
	[C_MEM] = { "MEM", "memory_bytes", true },
	[C_LIMIT] = { "LIMIT", "memory_limit_bytes", true },
	[C_MEMPCT] = { "MEM%", "memory_percent", true },
	[C_CPU] = { "CPU_USEC", "cpu_usec", true },
	[C_CPUPCT] = { "CPU%", "cpu_percent", true },
	[C_PIDS] = { "PIDS", "pids", true },
	[C_PIDSLIM] = { "PIDS_LIMIT", "pids_limit", true },
};

static bool wanted(const struct hk_ct_row *c, int argc, char **argv)
{
	if (argc == 0)
		return true;
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], c->name) || !strncmp(c->id, argv[i], strlen(argv[i])))
			return true;
	return false;
}

/* stats --format's object: Docker's keys (a container has no limit: the host's memory, as
 * Docker shows it; hako reads no network or block I/O: "--") */
static struct json_object *fmt_object(const struct hk_ct_row *c, const struct hk_cgstats *b,
				      double cpu_pct)
{
	char id[16], use[32], lim[32], mem[80], pct[32], cpu[32];
	uint64_t limit = b->mem_limit > 0 ? (uint64_t)b->mem_limit
					  : (uint64_t)sysconf(_SC_PHYS_PAGES) *
						    (uint64_t)sysconf(_SC_PAGESIZE);
	hk_human_bytes(b->mem_usage, use, sizeof(use));
	hk_human_bytes(limit, lim, sizeof(lim));
	snprintf(mem, sizeof(mem), "%s / %s", use, lim);
	snprintf(pct, sizeof(pct), "%.2f%%",
		 limit ? (double)b->mem_usage * 100 / (double)limit : 0);
	snprintf(cpu, sizeof(cpu), "%.2f%%", cpu_pct);
	snprintf(id, sizeof(id), "%.12s", c->id);
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "BlockIO", json_object_new_string("--"));
	json_object_object_add(o, "CPUPerc", json_object_new_string(cpu));
	json_object_object_add(o, "Container", json_object_new_string(c->name));
	json_object_object_add(o, "ID", json_object_new_string(id));
	json_object_object_add(o, "MemPerc", json_object_new_string(pct));
	json_object_object_add(o, "MemUsage", json_object_new_string(mem));
	json_object_object_add(o, "Name", json_object_new_string(c->name));
	json_object_object_add(o, "NetIO", json_object_new_string("--"));
	char pids[24];
	snprintf(pids, sizeof(pids), "%" PRIu64, (uint64_t)b->pids);
	json_object_object_add(o, "PIDs", json_object_new_string(pids));
	return o;
}

static const struct gotmpl_title fmt_titles[] = {
	{ "ID", "CONTAINER ID" }, { "CPUPerc", "CPU %" },	{ "MemUsage", "MEM USAGE / LIMIT" },
	{ "MemPerc", "MEM %" },	  { "NetIO", "NET I/O" },	{ "BlockIO", "BLOCK I/O" },
	{ "PIDs", "PIDS" },	  { "Container", "CONTAINER" }, { NULL, NULL },
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cmd_ct_stats(struct hk_ctx *ctx, int argc, char **argv)
{
	if (argc == 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
		printf("usage: hako [-j] stats [CT...]\n"
		       "Memory, CPU and pids of running containers (docs/parts/security.md).\n");
		return 0;
	}
	static const struct option opts[] = {
		{ "no-stream", no_argument, NULL, 'N' },
		{ "format", required_argument, NULL, 'F' },
		{ "no-trunc", no_argument, NULL, 'T' },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	const char *format = NULL;
	/* --no-stream, as scripts give docker stats: hako's stats is one sample anyway */
	int opt, rc = cmd_getopt_init(ctx, &g, "stats", "+:", opts, argc, argv);
	while (rc == 0 && (opt = cmd_getopt_next(&g)) != -1)
		if (opt == 'F')
			format = gotmpl_listing(optarg);
		else if (opt != 'N' && opt != 'T')
			rc = cmd_getopt_bad(ctx, &g, opt);
	if (rc < 0)
		return rc;
	struct gotmpl *tmpl = NULL;
	if (format && !ctx->json && gotmpl_parse(ctx, format, &tmpl) < 0)
		return -EINVAL;
	argc -= g.rest;
	argv += g.rest;
	for (int i = 0; i < argc; i++)
		if (argv[i][0] == '-')
			return cmd_usage(ctx, "stats: unknown option '%s'; hako [-j] stats [CT...]",
					 argv[i]);
	struct hk_ct_row *rows;
	size_t n;
	int r = ct_list(ctx, &rows, &n);
	if (r < 0)
		return r;
	struct hk_cgstats *a = calloc(n ? n : 1, sizeof(*a)), b;
	bool *ok = calloc(n ? n : 1, sizeof(*ok));
	struct json_object **objs = calloc(n ? n : 1, sizeof(*objs));
	size_t nobj = 0;
	size_t found = 0;
	for (size_t i = 0; i < n; i++) {
		struct hk_err e;
		if (strcmp(rows[i].state, HK_CT_RUNNING) || !wanted(&rows[i], argc, argv))
			continue;
		ok[i] = hk_ct_stats(&rows[i], &a[i], &e) == 0;
		found++;
	}
	if (argc > 0 && found < (size_t)argc) {
		r = hk_err_set(&ctx->err, -ENOENT, "stats: a named container is not running");
		goto out;
	}
	double t0 = now_s();
	usleep(200000);
	double dt = now_s() - t0;
	struct out_table *t = out_table_new(stats_cols, HK_ARRAY_SIZE(stats_cols));
	for (size_t i = 0; i < n; i++) {
		struct hk_err e;
		if (!ok[i])
			continue;
		if (hk_ct_stats(&rows[i], &b, &e) < 0)
			continue;
		double used = (double)(b.cpu_usec - a[i].cpu_usec) / 1e6;
		if (tmpl) {
			objs[nobj++] = fmt_object(&rows[i], &b, used * 100 / dt);
			continue;
		}
		out_row(t);
		out_str(t, C_ID, rows[i].id);
		out_str(t, C_NAME, rows[i].name);
		char hb[32]; /* people read binary units (Docker's stats: 1.5MiB), JSON bytes */
		hk_human_bytes(b.mem_usage, hb, sizeof(hb));
		out_json(t, C_MEM, json_object_new_int64((int64_t)b.mem_usage), hb);
		if (b.mem_limit > 0) {
			hk_human_bytes((uint64_t)b.mem_limit, hb, sizeof(hb));
			out_json(t, C_LIMIT, json_object_new_int64(b.mem_limit), hb);
			out_int(t, C_MEMPCT, (int64_t)(b.mem_usage * 100 / (uint64_t)b.mem_limit));
		}
		out_int(t, C_CPU, (int64_t)b.cpu_usec);
		out_int(t, C_CPUPCT, (int64_t)(used * 100 / dt + 0.5));
		out_int(t, C_PIDS, (int64_t)b.pids);
		if (b.pids_limit >= 0)
			out_int(t, C_PIDSLIM, b.pids_limit);
	}
	r = tmpl ? gotmpl_print(ctx, tmpl, objs, nobj, fmt_titles)
		 : out_table_print(t, ctx->json, ctx->noheadings);
	out_table_free(t);
	for (size_t i = 0; i < nobj; i++)
		json_object_put(objs[i]);
out:
	free(objs);
	gotmpl_free(tmpl);
	free(a);
	free(ok);
	hk_ct_rows_free(rows, n);
	return r;
}
