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

/* hako -all netns del: every named namespace, as ip -all netns delete; the first failure
 * stops it. */
static int del_all(struct hk_ctx *ctx)
{
	_cleanup_free_ struct hk_netns_info *v = NULL;
	size_t n;
	int r = hk_netns_list(&v, &n, &ctx->err);
	if (r < 0 || (r = ctx_flush(ctx)) < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		ctx_netns_forget(ctx, v[i].name);
		if ((r = hk_netns_del(v[i].name, &ctx->err)) < 0)
			return r;
	}
	return 0;
}

static int cmd_netns_del(struct hk_ctx *ctx, int argc, char **argv)
{
	if (ctx->all_netns) {
		if (argc)
			return cmd_usage(ctx, "netns del -all: unexpected '%s'", argv[0]);
		return del_all(ctx);
	}
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

static int cmd_netns_set(struct hk_ctx *ctx, int argc, char **argv)
{
	int r = want_args(ctx, argc, 2, 2, "set NAME NSID");
	if (r < 0)
		return r;
	uint32_t id = 0;
	bool any = !strcmp(argv[1], "auto");
	if (!any && hk_parse_u32(argv[1], 0, INT32_MAX, &id, "NSID", &ctx->err) < 0)
		return hk_err_prefix(&ctx->err, "netns set '%s'", argv[0]);
	int fd;
	struct hk_nl *nl;
	if ((r = ctx_netns_fd(ctx, argv[0], &fd)) < 0 || (r = cli_nl_ready(ctx, &nl)) < 0)
		return r;
	if ((r = hk_netns_set_nsid(nl, fd, any ? -1 : (int)id, &ctx->err)) < 0)
		return hk_err_prefix(&ctx->err, "netns set '%s' %s", argv[0], argv[1]);
	return 0;
}

static int cmd_netns_list_id(struct hk_ctx *ctx, int argc, char **argv)
{
	(void)argv;
	int r = want_args(ctx, argc, 0, 0, "list-id");
	struct hk_nl *nl;
	if (r < 0 || (r = cli_nl_ready(ctx, &nl)) < 0)
		return r;
	_cleanup_free_ struct hk_nsid_entry *v = NULL;
	size_t n;
	if ((r = hk_netns_list_ids(nl, &v, &n, &ctx->err)) < 0)
		return r;
	if (!ctx->json) { /* ip's own lines */
		for (size_t i = 0; i < n; i++) {
			_cleanup_free_ char *safe = out_escape(v[i].name);
			if (v[i].name[0])
				printf("nsid %d (iproute2 netns name: %s)\n", v[i].nsid, safe);
			else
				printf("nsid %d\n", v[i].nsid);
		}
		return 0;
	}
	static const struct out_col cols[] = { { "NSID", "nsid", true, false },
					       { "NAME", "name", false, false } };
	struct out_table *t = out_table_new(cols, HK_ARRAY_SIZE(cols));
	for (size_t i = 0; i < n; i++) {
		out_row(t);
		out_int(t, 0, v[i].nsid);
		if (v[i].name[0])
			out_str(t, 1, v[i].name);
	}
	r = out_table_print(t, true, false);
	out_table_free(t);
	return r;
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
	/* one pid a line, unpadded, as ip netns pids (right-aligned, 4-digit pids got a space) */
	static const struct out_col cols[] = { { "PID", "pid", false, false } };
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

/* Run cmd in the child of a fork inside name; its exit status (128 + signal). */
static int exec_child(struct hk_ctx *ctx, const char *name, char **cmd, int *ret_status)
{
	pid_t pid = fork();
	if (pid < 0)
		return hk_err_sys(&ctx->err, -errno, "netns exec '%s': fork", name);
	if (pid == 0)
		_exit(enter_and_exec(ctx, name, cmd));
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return hk_err_sys(&ctx->err, -errno, "netns exec '%s': wait", name);
	*ret_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 0;
}

/* hako -all netns exec CMD: in every named namespace, one after the other, each after a
 * "netns: NAME" header as ip prints it; the failures named at the end (exit 1). */
static int exec_all(struct hk_ctx *ctx, char **cmd)
{
	_cleanup_free_ struct hk_netns_info *v = NULL;
	size_t n;
	int r = hk_netns_list(&v, &n, &ctx->err);
	if (r < 0 || (r = ctx_flush(ctx)) < 0)
		return r;
	size_t failed = 0;
	char first[300] = "";
	for (size_t i = 0; i < n; i++) {
		if (!v[i].inode)
			continue; /* a stray file, not a namespace */
		_cleanup_free_ char *safe = out_escape(v[i].name);
		printf("\nnetns: %s\n", safe);
		if (fflush(stdout) != 0)
			return hk_err_sys(&ctx->err, -errno, "write to standard output");
		int status;
		if ((r = exec_child(ctx, v[i].name, cmd, &status)) < 0)
			return r;
		if (status && !failed++)
			snprintf(first, sizeof(first), "%s (status %d)", v[i].name, status);
	}
	if (failed)
		return hk_err_set(&ctx->err, -ECHILD,
				  "netns exec -all: '%s' failed in %zu namespace%s, first in %s",
				  cmd[0], failed, failed > 1 ? "s" : "", first);
	return 0;
}

static int cmd_netns_exec(struct hk_ctx *ctx, int argc, char **argv)
{
	if (ctx->all_netns) {
		if (argc < 1 || (!strcmp(argv[0], "--") && argc < 2))
			return cmd_usage(ctx, "netns exec -all: missing command");
		return exec_all(ctx, argv + !strcmp(argv[0], "--"));
	}
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
	int status;
	if ((r = exec_child(ctx, name, cmd, &status)) < 0)
		return r;
	if (status)
		return hk_err_set(&ctx->err, -ECHILD, "netns exec '%s': '%s' exited with status %d",
				  name, cmd[0], status);
	return 0;
}

static const struct cmd_verb verbs[] = {
	{ "list", "show", cmd_netns_list },	{ "add", NULL, cmd_netns_add },
	{ "del", "delete", cmd_netns_del },	{ "attach", NULL, cmd_netns_attach },
	{ "exec", NULL, cmd_netns_exec },	{ "identify", NULL, cmd_netns_identify },
	{ "pids", NULL, cmd_netns_pids },	{ "set", NULL, cmd_netns_set },
	{ "list-id", NULL, cmd_netns_list_id },
};

int cmd_netns(struct hk_ctx *ctx, int argc, char **argv)
{
	return cmd_dispatch(ctx, "netns", verbs, HK_ARRAY_SIZE(verbs), "list", argc, argv);
}
