// SPDX-License-Identifier: MIT
/*
 * hako netns: named network namespaces, like `ip netns` and compatible with it both ways.
 * Human output is iproute2's ("NAME (id: N)", one PID per line) so scripts written for
 * `ip netns` keep working; -j gives the same keys as `ip -j netns list`.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/parse.h"
#include "cmd.h"
#include "ifnames.h"
#include "netns.h"
#include "out.h"

static int want_args(struct hk_ctx *ctx, int argc, int min, int max, const char *usage)
{
	if (argc < min)
		return cmd_usage(ctx, "netns %s: missing argument", usage);
	if (argc > max)
		return cmd_usage(ctx, "netns %s: unexpected argument", usage);
	return 0;
}

static int cmd_netns_list(struct hk_ctx *ctx, int argc, char **argv)
{
	(void)argv;
	int r = want_args(ctx, argc, 0, 0, "list");
	if (r < 0)
		return r;
	struct hk_nl *nl;
	r = cli_nl_ready(ctx, &nl); /* ids as seen from -n NETNS, like `ip -n NETNS netns list` */
	if (r < 0)
		return r;
	_cleanup_free_ struct hk_netns_info *v = NULL;
	size_t n;
	r = hk_netns_list_at(nl, &v, &n, &ctx->err);
	if (r < 0)
		return r;
	if (!ctx->json) {
		for (size_t i = 0; i < n; i++) {
			if (v[i].nsid >= 0)
				printf("%s (id: %d)\n", v[i].name, v[i].nsid);
			else
				printf("%s\n", v[i].name);
		}
		return 0;
	}
	static const struct out_col cols[] = { { "NAME", "name", false, false },
					       { "ID", "id", true, false } };
	struct out_table *t = out_table_new(cols, HK_ARRAY_SIZE(cols));
	for (size_t i = 0; i < n; i++) {
		out_row(t);
		out_str(t, 0, v[i].name);
		if (v[i].nsid >= 0)
			out_int(t, 1, v[i].nsid);
	}
	r = out_table_print(t, true, false);
	out_table_free(t);
	return r;
}

static int cmd_netns_add(struct hk_ctx *ctx, int argc, char **argv)
{
	int r = want_args(ctx, argc, 1, 1, "add NAME");
	if (r < 0)
		return r;
	r = hk_netns_add(argv[0], &ctx->err);
	if (r < 0)
		return r;
	return ctx_undo_netns_del(ctx, argv[0]);
}

static int cmd_netns_del(struct hk_ctx *ctx, int argc, char **argv)
{
	int r = want_args(ctx, argc, 1, 1, "del NAME");
	if (r < 0)
		return r;
	if (hk_parse_netns_name(argv[0], &ctx->err) < 0)
		return -EINVAL;
	/* Queued requests may still name this namespace: they land first. */
	if ((r = ctx_flush(ctx)) < 0)
		return r;
	ctx_netns_forget(ctx, argv[0]);
	return hk_netns_del(argv[0], &ctx->err);
}

static int cmd_netns_attach(struct hk_ctx *ctx, int argc, char **argv)
{
	int r = want_args(ctx, argc, 2, 2, "attach NAME PID");
	if (r < 0)
		return r;
	if (hk_parse_netns_name(argv[0], &ctx->err) < 0)
		return -EINVAL;
	uint32_t pid;
	if (hk_parse_u32(argv[1], 1, INT32_MAX, &pid, "PID", &ctx->err) < 0)
		return -EINVAL;
	r = hk_netns_attach(argv[0], (pid_t)pid, &ctx->err);
	if (r < 0)
		return r;
	return ctx_undo_netns_del(ctx, argv[0]);
}

static int print_names(struct hk_ctx *ctx, const struct hk_netns_info *v, size_t n)
{
	static const struct out_col cols[] = { { "NAME", "name", false, false } };
	struct out_table *t = out_table_new(cols, HK_ARRAY_SIZE(cols));
	for (size_t i = 0; i < n; i++) {
		out_row(t);
		out_str(t, 0, v[i].name);
	}
	/* human: one name per line, no header, as `ip netns identify` */
	int r = out_table_print(t, ctx->json, true);
	out_table_free(t);
	return r;
}

static int cmd_netns_identify(struct hk_ctx *ctx, int argc, char **argv)
{
	int r = want_args(ctx, argc, 0, 1, "identify [PID]");
	if (r < 0)
		return r;
	uint32_t pid = 0;
	if (argc == 1 && hk_parse_u32(argv[0], 1, INT32_MAX, &pid, "PID", &ctx->err) < 0)
		return -EINVAL;
	_cleanup_free_ struct hk_netns_info *v = NULL;
	size_t n;
	r = hk_netns_identify((pid_t)pid, &v, &n, &ctx->err);
	if (r < 0)
		return r;
	return print_names(ctx, v, n);
}

static int cmd_netns_pids(struct hk_ctx *ctx, int argc, char **argv)
{
	int r = want_args(ctx, argc, 1, 1, "pids NAME");
	if (r < 0)
		return r;
	_cleanup_free_ pid_t *v = NULL;
	size_t n;
	r = hk_netns_pids(argv[0], &v, &n, &ctx->err);
	if (r < 0)
		return r;
	static const struct out_col cols[] = { { "PID", "pid", true, false } };
	struct out_table *t = out_table_new(cols, HK_ARRAY_SIZE(cols));
	for (size_t i = 0; i < n; i++) {
		out_row(t);
		out_int(t, 0, v[i]);
	}
	r = out_table_print(t, ctx->json, true);
	out_table_free(t);
	return r;
}

/* In the process that will become CMD: enter NAME and exec. Returns only on failure, with
 * the exit status to use (message printed): 127 command not found, 126 not executable. */
static int enter_and_exec(struct hk_ctx *ctx, const char *name, char **cmd)
{
	int r = hk_netns_enter_exec(name, &ctx->err);
	if (r < 0) {
		fprintf(stderr, "hako: netns exec: %s\n", ctx->err.msg);
		return ctx_exit_status(&ctx->err);
	}
	if (r > 0)
		fprintf(stderr, "hako: warning: netns exec '%s': %s%s\n", name, ctx->err.msg,
			r > 1 ? " (and more)" : "");
	fflush(NULL);
	execvp(cmd[0], cmd);
	int e = errno;
	if (e == ENOENT) {
		fprintf(stderr, "hako: netns exec '%s': command '%s' not found\n", name, cmd[0]);
		return 127;
	}
	fprintf(stderr, "hako: netns exec '%s': cannot execute '%s': %s\n", name, cmd[0],
		strerror(e));
	return 126;
}

static int cmd_netns_exec(struct hk_ctx *ctx, int argc, char **argv)
{
	int r = want_args(ctx, argc, 2, INT32_MAX, "exec NAME CMD [ARGS...]");
	if (r < 0)
		return r;
	const char *name = argv[0];
	char **cmd = argv + 1;
	if (!strcmp(cmd[0], "--") && !*++cmd)
		return cmd_usage(ctx, "netns exec NAME CMD: missing command");
	/* Check the name up front: a missing namespace is exit 5 with the usual message. */
	int fd;
	if ((r = ctx_netns_fd(ctx, name, &fd)) < 0)
		return r;
	if ((r = ctx_flush(ctx)) < 0)
		return r;
	if (fflush(stdout) != 0)
		return hk_err_sys(&ctx->err, -errno, "write to standard output");
	if (!ctx->batch)
		return enter_and_exec(ctx, name, cmd); /* like ip netns exec: no fork */
	/* A batch goes on after the line: run CMD in a child and wait for it. */
	pid_t pid = fork();
	if (pid < 0)
		return hk_err_sys(&ctx->err, -errno, "netns exec '%s': fork", name);
	if (pid == 0)
		_exit(enter_and_exec(ctx, name, cmd));
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return hk_err_sys(&ctx->err, -errno, "netns exec '%s': wait", name);
	int status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (status)
		return hk_err_set(&ctx->err, -ECHILD, "netns exec '%s': '%s' exited with status %d",
				  name, cmd[0], status);
	return 0;
}

static const struct cmd_verb verbs[] = {
	{ "list", "show", cmd_netns_list }, { "add", NULL, cmd_netns_add },
	{ "del", "delete", cmd_netns_del }, { "attach", NULL, cmd_netns_attach },
	{ "exec", NULL, cmd_netns_exec },   { "identify", NULL, cmd_netns_identify },
	{ "pids", NULL, cmd_netns_pids },
};

int cmd_netns(struct hk_ctx *ctx, int argc, char **argv)
{
	return cmd_dispatch(ctx, "netns", verbs, HK_ARRAY_SIZE(verbs), "list", argc, argv);
}
