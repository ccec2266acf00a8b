// SPDX-License-Identifier: MIT
/*
 * The lab's container runtime (see labops.h). A `linux` node's container is made by this
 * same hako binary running `run -d` with the words the library gives (hk_lab_run_args), so
 * it gets exactly `hako run`'s security defaults, image resolution and monitor; the child's
 * last stderr line is the error (hk_child_run). The library stops and removes it and runs
 * exec lines in it (labct.c). `hako lab exec` runs `hako exec CT CMD` in this process, or
 * replaces it by CMD in the node's namespace.
 */
#include "labops.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/child.h"
#include "labct.h"
#include "netns.h"

static void exec_self(void *arg)
{
	execv("/proc/self/exe", arg);
}

static int ct_start(void *data, const struct hk_lab *lab, const struct hk_lab_node *n,
		    struct hk_err *err)
{
	struct labops_data *d = data;
	char **args;
	int r = hk_lab_run_args(lab, n, &args, err);
	if (r < 0)
		return r;
	size_t na = 0;
	while (args[na])
		na++;
	const char **argv = calloc(na + 8, sizeof(char *));
	if (!argv) {
		hk_lab_run_args_free(args);
		return hk_err_sys(err, -ENOMEM, "lab");
	}
	size_t k = 0;
	argv[k++] = "hako";
	if (d->ctx->root) {
		argv[k++] = "--root";
		argv[k++] = d->ctx->root;
	}
	argv[k++] = "run";
	argv[k++] = "-d";
	memcpy(argv + k, args, na * sizeof(char *));
	r = hk_child_run(exec_self, argv, "container", err);
	free(argv);
	hk_lab_run_args_free(args);
	return r;
}

static void progress(void *data, const char *phase, size_t done, size_t total)
{
	struct labops_data *d = data;
	if (!d->bar || !total)
		return;
	int w = 30, fill = (int)(done * (size_t)w / total);
	fprintf(stderr, "\r%-10s [%.*s%*s] %zu/%zu", phase, fill, "##############################",
		w - fill, "", done, total);
	fflush(stderr);
	d->drawn = true;
}

void labops_bar_done(struct labops_data *d)
{
	if (d->drawn)
		fputs("\r\033[K", stderr);
	d->drawn = false;
}

void labops_init(struct hk_lab_ops *ops, struct labops_data *data, struct hk_ctx *ctx)
{
	*data = (struct labops_data){ .ctx = ctx, .bar = isatty(2) && !ctx->json };
	struct hk_err e;
	bool paths = hk_paths_init(&data->paths, ctx->root, &e) == 0;
	*ops = (struct hk_lab_ops){ .data = data,
				    .paths = paths ? &data->paths : NULL,
				    .ct_start = ct_start,
				    .progress = progress };
}

int labops_exec(struct hk_ctx *ctx, const struct hk_lab_node *n, char **cmd)
{
	fflush(NULL);
	if (n->kind == HK_LAB_LINUX) {
		size_t nc = 0;
		while (cmd[nc])
			nc++;
		char **argv = calloc(nc + 3, sizeof(char *));
		if (!argv)
			return hk_err_sys(&ctx->err, -ENOMEM, "lab exec");
		argv[0] = (char *)n->ctname;
		argv[1] = "--";
		memcpy(argv + 2, cmd, nc * sizeof(char *));
		int r = cmd_ct_exec(ctx, (int)nc + 2, argv); /* as `hako exec CT -- CMD` */
		free(argv);
		return r;
	}
	if (!n->netns[0]) {
		execvp(cmd[0], cmd);
	} else {
		int r = hk_netns_enter_exec(n->netns, &ctx->err);
		if (r < 0)
			return r;
		execvp(cmd[0], cmd);
	}
	int e = errno;
	hk_err_sys(&ctx->err, -e, "exec '%s'", cmd[0]);
	return e == ENOENT ? 127 : 126;
}
