// SPDX-License-Identifier: MIT
/*
 * hako -b FILE: one command per line, run in one process. Every line may start with
 * "-n NETNS" (and -j); sockets are opened once per namespace and kept. Creations whose
 * inverse is exact (link add, addr add, route add) are queued and sent many per sendmsg();
 * the queue is flushed before anything that must read state, before switching namespace
 * socket, and at the end.
 *
 * On a failing line the batch stops and says which line. Lines after it that were already
 * sent in the same sendmsg are undone, and so is whatever the failing line itself did, so
 * the system is as if the batch had stopped exactly before that line. With --atomic every
 * line is undone; lines that cannot be undone (del, flush, replace, exec, enter) are refused up
 * front.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "base/parse.h"
#include "cmd.h"

#define MAX_ARGS 256

static int read_all(const char *file, char **ret, struct hk_err *err)
{
	FILE *f = strcmp(file, "-") ? fopen(file, "re") : stdin;
	if (!f)
		return hk_err_sys(err, -errno, "batch file '%s'", file);
	size_t cap = 0, len = 0;
	char *buf = NULL;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			char *b = realloc(buf, cap);
			if (!b) {
				free(buf);
				if (f != stdin)
					fclose(f);
				return hk_err_sys(err, -ENOMEM, "batch file '%s'", file);
			}
			buf = b;
		}
		size_t n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
	}
	int bad = ferror(f);
	if (f != stdin)
		fclose(f);
	if (bad) {
		free(buf);
		return hk_err_sys(err, -EIO, "batch file '%s': read", file);
	}
	buf[len] = '\0';
	*ret = buf;
	return 0;
}

/* Split off per-line global options: -n NETNS, -j. Returns the index of the group word. */
static int line_options(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "netns", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	int c, r = cmd_getopt_init(ctx, &g, "batch", "+:n:j", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&g)) != -1) {
		if (c == 'n' && hk_parse_netns_name(optarg, &ctx->err) < 0)
			r = -EINVAL;
		else if (c == 'n')
			ctx->netns = optarg;
		else if (c == 'j')
			ctx->json = true;
		else
			r = cmd_usage(ctx, "%s '%s' (a batch line takes -n NETNS and -j)",
				      c == ':' ? "missing value after" : "unknown option",
				      g.argv[g.word]);
	}
	return r < 0 ? r : g.rest;
}

static bool irreversible(int argc, char **argv)
{
	static const char *const verbs[] = { "del",  "delete", "flush", "replace",
					     "exec", "enter",  "prune", "change" };
	if (argc < 2)
		return false;
	for (size_t i = 0; i < HK_ARRAY_SIZE(verbs); i++)
		if (!strcmp(argv[1], verbs[i]))
			return true;
	return false;
}

/* --atomic: refuse, before anything runs, lines that could not be rolled back. */
static int atomic_precheck(struct hk_ctx *ctx, const char *text)
{
	_cleanup_free_ char *copy = strdup(text);
	if (!copy)
		return hk_err_sys(&ctx->err, -ENOMEM, "batch");
	char *argv[MAX_ARGS];
	unsigned lineno = 0;
	char *p = copy;
	while (p) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		lineno++;
		const char *saved_ns = ctx->netns;
		int argc = hk_split_args(p, argv, MAX_ARGS, &ctx->err);
		if (argc < 0)
			return hk_err_prefix(&ctx->err, "line %u", lineno);
		int i = argc ? line_options(ctx, argc, argv) : 0;
		ctx->netns = saved_ns;
		if (i < 0)
			return hk_err_prefix(&ctx->err, "line %u", lineno);
		if (irreversible(argc - i, argv + i))
			return hk_err_usage(&ctx->err,
					    "line %u: '%s %s' cannot be rolled back, so --atomic "
					    "refuses it (nothing was run)",
					    lineno, argv[i], argv[i + 1]);
		p = nl ? nl + 1 : NULL;
	}
	return 0;
}

int cmd_batch(struct hk_ctx *ctx, const char *file)
{
	_cleanup_free_ char *text = NULL;
	int r = read_all(file, &text, &ctx->err);
	if (r < 0)
		return r;
	if (ctx->atomic) {
		r = atomic_precheck(ctx, text);
		if (r < 0)
			return r;
	}
	ctx->batch = true;
	const char *global_ns = ctx->netns;
	bool global_json = ctx->json;
	char *argv[MAX_ARGS];
	unsigned lineno = 0;
	int failed = 0;
	char *p = text;
	while (p) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		ctx->line = ++lineno;
		ctx->netns = global_ns;
		ctx->json = global_json;
		ctx->failed_line = 0;
		int argc = hk_split_args(p, argv, MAX_ARGS, &ctx->err);
		if (argc > 0) {
			int i = line_options(ctx, argc, argv);
			r = i < 0 ? i : cmd_run(ctx, argc - i, argv + i);
		} else {
			r = argc;
		}
		if (r < 0) {
			failed = ctx->failed_line ? ctx->failed_line : (int)lineno;
			if (!ctx->failed_line) {
				/* Earlier lines may still sit in the queue: send them, so they stay
				 * applied as promised (or, if one of them fails, it is the failing
				 * line). */
				struct hk_err saved = ctx->err;
				ctx->failed_line = 0;
				int q = ctx_flush(ctx);
				if (q < 0 && ctx->failed_line && ctx->failed_line < failed) {
					failed = ctx->failed_line;
					r = q;
				} else {
					ctx->err = saved;
				}
			}
			break;
		}
		if (fflush(stdout) != 0) {
			r = hk_err_sys(&ctx->err, -errno, "write to standard output");
			failed = (int)lineno;
			break;
		}
		p = nl ? nl + 1 : NULL;
	}
	if (!failed) {
		ctx->failed_line = 0;
		r = ctx_flush(ctx);
		if (r < 0)
			failed = ctx->failed_line ? ctx->failed_line : (int)lineno;
	}
	if (!failed)
		return 0;
	struct hk_err saved = ctx->err;
	int undone = ctx_rollback(ctx, ctx->atomic ? 0 : (unsigned)failed - 1);
	ctx->err = saved;
	hk_err_prefix(&ctx->err, "line %d", failed);
	if (ctx->atomic)
		hk_err_prefix(&ctx->err, "batch rolled back%s",
			      undone ? " (with failures, see warnings)" : "");
	return r < 0 ? r : -EIO;
}
