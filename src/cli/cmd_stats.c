// SPDX-License-Identifier: MIT
/* hako stats [CT...]: memory, CPU and pids of running containers, from their cgroups
 * (cglimits.c reads v1 or v2). CPU% is measured over 200 ms. */
#include <errno.h>
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
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	/* --no-stream, as scripts give docker stats: hako's stats is one sample anyway */
	int opt, rc = cmd_getopt_init(ctx, &g, "stats", "+:", opts, argc, argv);
	while (rc == 0 && (opt = cmd_getopt_next(&g)) != -1)
		if (opt != 'N')
			rc = cmd_getopt_bad(ctx, &g, opt);
	if (rc < 0)
		return rc;
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
		double used = (double)(b.cpu_usec - a[i].cpu_usec) / 1e6;
		out_int(t, C_CPUPCT, (int64_t)(used * 100 / dt + 0.5));
		out_int(t, C_PIDS, (int64_t)b.pids);
		if (b.pids_limit >= 0)
			out_int(t, C_PIDSLIM, b.pids_limit);
	}
	r = out_table_print(t, ctx->json, ctx->noheadings);
	out_table_free(t);
out:
	free(a);
	free(ok);
	hk_ct_rows_free(rows, n);
	return r;
}
