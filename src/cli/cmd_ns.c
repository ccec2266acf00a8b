// SPDX-License-Identifier: MIT
/* hako ns: list, show and enter any namespace (lsns and nsenter). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/parse.h"
#include "cmd.h"
#include "nsinfo.h"
#include "out.h"

/* getopt_long over a verb's arguments: argv[0] is the first argument, not a program name. */
#define NS_MAX_ARGS 256

static int opt_argv(int argc, char **argv, char **av, const char *verb, struct hk_ctx *ctx)
{
	if (argc >= NS_MAX_ARGS)
		return cmd_usage(ctx, "ns %s: too many arguments", verb);
	av[0] = (char *)verb;
	memcpy(av + 1, argv, argc * sizeof(char *));
	av[argc + 1] = NULL;
	optind = 0; /* full re-initialisation: batch mode parses many lines */
	opterr = 0;
	return argc + 1;
}

static int bad_opt(struct hk_ctx *ctx, const char *verb, char **av)
{
	const char *o = optopt ? NULL : av[optind - 1];
	if (o)
		return cmd_usage(ctx, "ns %s: unknown option '%s'; try 'hako ns %s help'", verb, o,
				 verb);
	return cmd_usage(ctx, "ns %s: bad option '-%c'; try 'hako ns %s help'", verb, optopt, verb);
}

static int parse_pid(struct hk_ctx *ctx, const char *s, pid_t *ret)
{
	uint32_t v;
	if (hk_parse_u32(s, 1, INT_MAX, &v, "PID", &ctx->err) < 0)
		return -EINVAL;
	*ret = (pid_t)v;
	return 0;
}

static const char *user_name(uid_t uid, char *buf, size_t len)
{
	static uid_t last = (uid_t)-1;
	static char name[64];
	if (uid != last) {
		struct passwd *pw = getpwuid(uid);
		if (pw)
			snprintf(name, sizeof(name), "%s", pw->pw_name);
		else
			snprintf(name, sizeof(name), "%u", (unsigned)uid);
		last = uid;
	}
	snprintf(buf, len, "%s", name);
	return buf;
}

/* ---- list --------------------------------------------------------------------------- */

enum {
	L_NS,
	L_TYPE,
	L_NPROCS,
	L_PID,
	L_USER,
	L_COMMAND,
	L_NAME,
	L_PATH,
	L_FDPID,
	L_NETNSID,
	L_NSFS,
	L_NCOLS
};
/* the default columns are lsns's plus NAME; -o chooses among all (lsns's names) */
static const struct out_col list_cols[L_NCOLS] = {
	[L_NS] = { "NS", "ns", true, false },
	[L_TYPE] = { "TYPE", "type", false, false },
	[L_NPROCS] = { "NPROCS", "nprocs", true, false },
	[L_PID] = { "PID", "pid", true, false },
	[L_USER] = { "USER", "user", false, false },
	[L_COMMAND] = { "COMMAND", "command", false, false, .trunc = true },
	[L_NAME] = { "NAME", "name", false, false },
	[L_PATH] = { "PATH", "path", false, true },
	[L_FDPID] = { "FDPID", "fd_pid", true, true },
	[L_NETNSID] = { "NETNSID", "netnsid", true, true },
	[L_NSFS] = { "NSFS", "nsfs", false, true },
};

/* NAME: every persisted name ("/run/netns/NAME" -> NAME, other mount points as paths). */
static void list_name(struct out_table *t, const struct hk_ns_entry *e, bool nsids)
{
	char buf[1024] = "";
	size_t off = 0;
	for (size_t k = 0; k < e->npaths && off < sizeof(buf); k++) {
		const char *name = hk_ns_persist_name(e->paths[k]);
		off += snprintf(buf + off, sizeof(buf) - off, "%s%s", k ? "," : "",
				name ? name : e->paths[k]);
	}
	if (e->npaths) {
		out_str(t, L_NAME, buf);
		out_str(t, L_PATH, e->paths[0]);
	} else if (!e->nprocs && e->fd_pid) {
		snprintf(buf, sizeof(buf), "(fd of pid %d)", (int)e->fd_pid);
		out_json(t, L_NAME, NULL, buf);
	}
	if (e->fd_pid)
		out_int(t, L_FDPID, e->fd_pid);
	if (e->netnsid >= 0)
		out_int(t, L_NETNSID, e->netnsid);
	else if (nsids && e->type == HK_NS_NET) /* lsns's word; JSON: no key */
		out_json(t, L_NETNSID, NULL, "unassigned");
	if (e->npaths) {
		struct json_object *a = json_object_new_array();
		off = 0;
		for (size_t k = 0; k < e->npaths && off < sizeof(buf); k++) {
			json_object_array_add(a, json_object_new_string(e->paths[k]));
			off += snprintf(buf + off, sizeof(buf) - off, "%s%s", k ? "," : "",
					e->paths[k]);
		}
		out_json(t, L_NSFS, a, buf);
	}
}

static int cmd_ns_list(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "type", required_argument, NULL, 't' },
		{ "task", required_argument, NULL, 'p' },
		{ "pid", required_argument, NULL, 'p' },
		{ "fds", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "noheadings", no_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ "output-all", no_argument, NULL, 'O' },
		{ "raw", no_argument, NULL, 'r' },
		{ "list", no_argument, NULL, 'l' },
		{ "notruncate", no_argument, NULL, 'u' },
		{ "nowrap", no_argument, NULL, 'W' },
		{},
	};
	char *av[NS_MAX_ARGS + 1];
	int ac = opt_argv(argc, argv, av, "list", ctx), c;
	struct hk_ns_list_opts o = { 0 };
	const char *cols = NULL;
	bool raw = false, notrunc = false;
	if (ac < 0)
		return ac;
	while ((c = getopt_long(ac, av, "t:p:fjno:rluW", opts, NULL)) != -1) {
		enum hk_ns_type type;
		switch (c) {
		case 't':
			if (hk_ns_type_parse(optarg, &type, &ctx->err) < 0)
				return -EINVAL;
			o.types |= 1u << type;
			break;
		case 'p':
			if (parse_pid(ctx, optarg, &o.pid) < 0)
				return -EINVAL;
			break;
		case 'f':
			o.fds = true;
			break;
		case 'j':
			ctx->json = true;
			break;
		case 'n':
			ctx->noheadings = true;
			break;
		case 'o':
			cols = optarg;
			break;
		case 'O':
			cols = "NS,TYPE,NPROCS,PID,USER,COMMAND,NAME,PATH,FDPID,NETNSID,NSFS";
			break;
		case 'r':
			raw = true;
			break;
		case 'u':
			notrunc = true;
			break;
		case 'l': /* lsns's list format: the only one here */
		case 'W': /* lsns's no wrapping: nothing wraps here */
			break;
		default:
			return bad_opt(ctx, "list", av);
		}
	}
	if (optind < ac)
		return cmd_usage(ctx, "ns list: unexpected argument '%s'", av[optind]);

	struct out_table *t = out_table_new(list_cols, L_NCOLS);
	const char *bad;
	size_t blen;
	if (cols && out_table_select(t, cols, &bad, &blen) < 0) {
		int r = cmd_usage(ctx, "ns list: --output: unknown column '%.*s' (columns: %s)",
				  (int)blen, bad, out_table_headers(t));
		out_table_free(t);
		return r;
	}
	out_table_raw(t, raw);
	out_table_notrunc(t, notrunc);
	/* NETNSID costs a netlink query per network namespace: only when it is shown */
	o.nsids = ctx->json || (cols && strcasestr(cols, "NETNSID"));
	struct hk_ns_entry *v;
	size_t n;
	int r = hk_ns_list(&o, &v, &n, &ctx->err);
	if (r < 0) {
		out_table_free(t);
		return r;
	}
	for (size_t i = 0; i < n; i++) {
		const struct hk_ns_entry *e = &v[i];
		char ubuf[64];
		out_row(t);
		out_int(t, L_NS, (int64_t)e->ino);
		out_str(t, L_TYPE, hk_ns_type_name(e->type));
		out_int(t, L_NPROCS, e->nprocs);
		if (e->pid) {
			out_int(t, L_PID, e->pid);
			out_str(t, L_USER, user_name(e->uid, ubuf, sizeof(ubuf)));
			out_str(t, L_COMMAND, e->command);
		}
		list_name(t, e, o.nsids);
	}
	hk_ns_list_free(v, n);
	r = out_table_print(t, ctx->json, ctx->noheadings);
	out_table_free(t);
	return r;
}

/* ---- show --------------------------------------------------------------------------- */

enum { S_LINK, S_NS, S_INIT, S_NAME, S_TYPE, S_SHARED, S_NCOLS };
static const struct out_col show_cols[S_NCOLS] = {
	[S_LINK] = { "TYPE", "link", false, false },
	[S_NS] = { "NS", "ns", true, false },
	[S_INIT] = { "INIT", "init", false, false },
	[S_NAME] = { "NAME", "name", false, false },
	[S_TYPE] = { "NSTYPE", "type", false, true },
	[S_SHARED] = { "SHARED", "shared_with_init", false, true },
};

/* Names of persisted namespaces by inode, for show's NAME column. */
static void show_name(struct out_table *t, const struct hk_ns_bind *b, size_t nb, uint64_t ino)
{
	char buf[1024] = "";
	size_t off = 0;
	for (size_t k = 0; k < nb && off < sizeof(buf); k++) {
		if (b[k].ino != ino)
			continue;
		const char *name = hk_ns_persist_name(b[k].path);
		off += snprintf(buf + off, sizeof(buf) - off, "%s%s", off ? "," : "",
				name ? name : b[k].path);
	}
	if (off)
		out_str(t, S_NAME, buf);
}

static int cmd_ns_show(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = { {} }; /* -j */
	char *av[NS_MAX_ARGS + 1];
	int ac = opt_argv(argc, argv, av, "show", ctx), c;
	pid_t pid = 0;
	if (ac < 0)
		return ac;
	while ((c = getopt_long(ac, av, "+:j", opts, NULL)) != -1) {
		if (c != 'j')
			return bad_opt(ctx, "show", av);
		ctx->json = true;
	}
	argc = ac - optind;
	argv = av + optind;
	if (argc > 1)
		return cmd_usage(ctx, "ns show: unexpected argument '%s'", argv[1]);
	if (argc == 1 && strcmp(argv[0], "self") && parse_pid(ctx, argv[0], &pid) < 0)
		return -EINVAL;
	struct hk_ns_link *v;
	size_t n;
	int r = hk_ns_show(pid, &v, &n, &ctx->err);
	if (r < 0)
		return r;
	struct hk_ns_bind *b = NULL;
	size_t nb = 0;
	struct hk_err ignored;
	if (hk_ns_binds(&b, &nb, &ignored) < 0)
		nb = 0; /* names are a bonus: the links are the answer */
	struct out_table *t = out_table_new(show_cols, S_NCOLS);
	for (size_t i = 0; i < n; i++) {
		out_row(t);
		out_str(t, S_LINK, v[i].file);
		out_int(t, S_NS, (int64_t)v[i].ino);
		out_str(t, S_TYPE, hk_ns_type_name(v[i].type));
		if (v[i].init_known) {
			out_json(t, S_INIT, NULL, v[i].shared_with_init ? "shared" : "own");
			out_bool(t, S_SHARED, v[i].shared_with_init);
		}
		show_name(t, b, nb, v[i].ino);
	}
	free(v);
	hk_ns_binds_free(b, nb);
	r = out_table_print(t, ctx->json, ctx->noheadings);
	out_table_free(t);
	return r;
}

/* ---- enter -------------------------------------------------------------------------- */

/* execvp, reporting failure the shell's way: 127 not found, 126 found but not runnable. */
static int exec_cmd(char **cmd)
{
	execvp(cmd[0], cmd);
	int e = errno;
	fprintf(stderr, "hako: ns enter: %s: %s\n", cmd[0], strerror(e));
	return e == ENOENT ? 127 : 126;
}

/* Fork so the child is in the entered pid namespace; wait; its status is ours. */
static int fork_exec(struct hk_ctx *ctx, struct hk_ns_enter *e, char **cmd)
{
	fflush(NULL);
	pid_t child = fork();
	if (child < 0) {
		hk_ns_enter_done(e);
		return hk_err_sys(&ctx->err, -errno, "ns enter: fork");
	}
	if (child == 0)
		_exit(exec_cmd(cmd));
	if (hk_ns_enter_parent_reset(e, &ctx->err) < 0)
		fprintf(stderr, "hako: warning: ns enter: %s\n", ctx->err.msg);
	/* ^C and ^\ belong to the child (it is in our foreground process group) */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	for (;;) {
		int status;
		pid_t w = waitpid(child, &status, WUNTRACED);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return hk_err_sys(&ctx->err, -errno, "ns enter: wait");
		if (WIFSTOPPED(status)) {
			/* the child was suspended (^Z): suspend too, and resume it with us */
			kill(getpid(), SIGSTOP);
			kill(child, SIGCONT);
			continue;
		}
		if (WIFEXITED(status))
			return WEXITSTATUS(status);
		return 128 + WTERMSIG(status);
	}
}

static const struct option enter_opts[] = {
	{ "target", required_argument, NULL, 't' }, { "net", optional_argument, NULL, 'n' },
	{ "uts", optional_argument, NULL, 'u' },    { "ipc", optional_argument, NULL, 'i' },
	{ "mnt", optional_argument, NULL, 'm' },    { "mount", optional_argument, NULL, 'm' },
	{ "pid", optional_argument, NULL, 'p' },    { "cgroup", optional_argument, NULL, 'C' },
	{ "user", optional_argument, NULL, 'U' },   { "time", optional_argument, NULL, 'T' },
	{ "all", no_argument, NULL, 'a' },	    { "root", optional_argument, NULL, 'r' },
	{ "wd", optional_argument, NULL, 'w' },	    {},
};

static const char *opt_path(void)
{
	if (optarg && *optarg == '=') /* -n=PATH, as nsenter accepts */
		return optarg + 1;
	return optarg;
}

static int enter_parse(struct hk_ctx *ctx, int ac, char **av, struct hk_ns_enter *e)
{
	static const char types[] = {
		['n'] = HK_NS_NET, ['u'] = HK_NS_UTS,	 ['i'] = HK_NS_IPC,  ['m'] = HK_NS_MNT,
		['p'] = HK_NS_PID, ['C'] = HK_NS_CGROUP, ['U'] = HK_NS_USER, ['T'] = HK_NS_TIME
	};
	int c;
	while ((c = getopt_long(ac, av, "+t:n::u::i::m::p::C::U::T::ar::w::", enter_opts, NULL)) !=
	       -1) {
		switch (c) {
		case 't':
			if (parse_pid(ctx, optarg, &e->target) < 0)
				return -EINVAL;
			break;
		case 'n':
		case 'u':
		case 'i':
		case 'm':
		case 'p':
		case 'C':
		case 'U':
		case 'T':
			e->want[(int)types[c]] = true;
			e->path[(int)types[c]] = opt_path();
			if (e->path[(int)types[c]] && !*e->path[(int)types[c]])
				return cmd_usage(ctx, "ns enter: empty namespace path");
			break;
		case 'a':
			e->all = true;
			break;
		case 'r':
			e->root = true;
			e->root_path = opt_path();
			break;
		case 'w':
			e->wd = true;
			e->wd_path = opt_path();
			break;
		default:
			return bad_opt(ctx, "enter", av);
		}
	}
	return 0;
}

static int cmd_ns_enter(struct hk_ctx *ctx, int argc, char **argv)
{
	char *av[NS_MAX_ARGS + 1];
	int ac = opt_argv(argc, argv, av, "enter", ctx);
	if (ac < 0)
		return ac;
	struct hk_ns_enter e;
	hk_ns_enter_init(&e);
	int r = enter_parse(ctx, ac, av, &e);
	if (r < 0)
		return r;
	char *shell[] = { getenv("SHELL") && *getenv("SHELL") ? getenv("SHELL") : "/bin/sh", NULL };
	char **cmd = optind < ac ? av + optind : shell;
	if (ctx->batch)
		return cmd_usage(ctx,
				 "ns enter: not allowed in batch mode (it replaces the process)");
	/* everything opened and checked before anything changes */
	if ((r = hk_ns_enter_prepare(&e, &ctx->err)) < 0)
		return r;
	bool fork_needed = hk_ns_enter_needs_fork(&e);
	if ((r = hk_ns_enter_apply(&e, &ctx->err)) < 0)
		return hk_err_prefix(&ctx->err, "ns enter");
	if (fork_needed)
		return fork_exec(ctx, &e, cmd);
	fflush(NULL);
	return exec_cmd(cmd);
}

static const struct cmd_verb verbs[] = {
	{ "list", "ls", cmd_ns_list },
	{ "show", NULL, cmd_ns_show },
	{ "enter", "exec", cmd_ns_enter },
};

int cmd_ns(struct hk_ctx *ctx, int argc, char **argv)
{
	return cmd_dispatch(ctx, "ns", verbs, HK_ARRAY_SIZE(verbs), "list", argc, argv);
}
