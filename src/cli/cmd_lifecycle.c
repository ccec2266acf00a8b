// SPDX-License-Identifier: MIT
/* hako stop, kill, rm, start, restart, wait, rename, attach, and the helpers shared by the
 * container commands. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/parse.h"
#include "cglimits.h"
#include "container.h"
#include "ctconfig.h"
#include "ctevents.h"
#include "cmd_run.h"
#include "ct.h"
#include "ctlife.h"
#include "ctstop.h"
#include "store_ctlife.h"
#include "vm.h"

int ct_open(struct hk_ctx *ctx, struct hk_paths *p, struct hk_store **st)
{
	*st = NULL; /* callers close it whether or not it opened */
	int r = hk_paths_init(p, ctx->root, &ctx->err);
	if (r < 0)
		return r;
	r = hk_ct_open(p, st, &ctx->err);
	/* VMs whose qemu died (or whose run or rm died half-way): their taps, leases and
	 * macvtaps go now, best effort, so that no command trips on them */
	struct hk_err e;
	if (r == 0)
		hk_vm_reconcile(*st, p, &e);
	return r;
}

int ct_list(struct hk_ctx *ctx, struct hk_ct_row **rows, size_t *n)
{
	struct hk_paths p;
	struct hk_store *st;
	int r = ct_open(ctx, &p, &st);
	if (r == 0)
		r = hk_store_list(st, rows, n, &ctx->err);
	hk_store_close(st);
	return r;
}

int ct_get(struct hk_ctx *ctx, const char *key, struct hk_paths *p, struct hk_ct_row *c)
{
	struct hk_store *st;
	int r = ct_open(ctx, p, &st);
	if (r == 0)
		r = hk_store_get(st, key, c, &ctx->err);
	hk_store_close(st);
	return r;
}

int ct_fail(struct hk_ctx *ctx, int status)
{
	fprintf(stderr, "hako: %s\n", ctx->err.msg[0] ? ctx->err.msg : "failed");
	return status;
}

int ct_signal(const char *s)
{
	static const struct {
		const char *name;
		int sig;
	} sigs[] = { { "HUP", SIGHUP },	    { "INT", SIGINT },	 { "QUIT", SIGQUIT },
		     { "KILL", SIGKILL },   { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 },
		     { "TERM", SIGTERM },   { "CONT", SIGCONT }, { "STOP", SIGSTOP },
		     { "WINCH", SIGWINCH }, { "ALRM", SIGALRM }, { "PIPE", SIGPIPE } };
	uint32_t n;
	if (hk_parse_u32(s, 1, NSIG - 1, &n, "signal", NULL) == 0)
		return (int)n;
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (size_t i = 0; i < HK_ARRAY_SIZE(sigs); i++)
		if (!strcasecmp(s, sigs[i].name))
			return sigs[i].sig;
	return 0;
}

/* For each container named in names: look it up, call fn and print its name if fn
 * succeeds. A failure does not stop the others (Docker's rm, stop, kill ... of several:
 * `rm -f $(ps -aq)` removes every container it can): each failure but the last is printed
 * as it happens, the last one is returned (and printed by the caller). */
typedef int each_fn(struct hk_ctx *ctx, struct hk_store *st, const struct hk_paths *p,
		    struct hk_ct_row *c, const void *arg);

static int each_ct(struct hk_ctx *ctx, char **names, int n, each_fn *fn, const void *arg)
{
	struct hk_paths p;
	struct hk_store *st;
	int r = ct_open(ctx, &p, &st), ret = r;
	struct hk_err last = ctx->err;
	for (int i = 0; r == 0 && i < n; i++) {
		struct hk_ct_row c;
		int k = hk_store_get(st, names[i], &c, &ctx->err);
		if (k == 0) {
			k = fn(ctx, st, &p, &c, arg);
			if (k == 0)
				printf("%s\n", names[i]);
			hk_ct_row_free(&c);
		}
		if (k < 0) {
			fflush(stdout);
			if (ret < 0)
				fprintf(stderr, "hako: %s\n", last.msg);
			last = ctx->err;
			ret = k;
			hk_err_clear(&ctx->err);
		}
	}
	if (ret < 0)
		ctx->err = last;
	hk_store_close(st);
	return ret;
}

static int stop_one(struct hk_ctx *ctx, struct hk_store *st, const struct hk_paths *p,
		    struct hk_ct_row *c, const void *arg)
{
	return hk_ct_stop(st, p, c, *(const int *)arg, 0, &ctx->err);
}

static int kill_one(struct hk_ctx *ctx, struct hk_store *st, const struct hk_paths *p,
		    struct hk_ct_row *c, const void *arg)
{
	return hk_ct_kill(st, p, c, *(const int *)arg, &ctx->err);
}

static int pause_one(struct hk_ctx *ctx, struct hk_store *st, const struct hk_paths *p,
		     struct hk_ct_row *c, const void *arg)
{
	bool pause = *(const bool *)arg;
	int r = hk_ct_pause(c, pause, &ctx->err);
	if (r == 0)
		hk_ct_event(st, p, pause ? "pause" : "unpause", c, NULL);
	return r;
}

static int pause_cmd(struct hk_ctx *ctx, int argc, char **argv, bool pause)
{
	static const struct option opts[] = { {} };
	const char *name = pause ? "pause" : "unpause";
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	int c, r = cmd_getopt_init(ctx, &g, name, "+:", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&g)) != -1)
		r = cmd_getopt_bad(ctx, &g, c);
	if (r < 0)
		return r;
	if (g.rest >= argc)
		return cmd_usage(ctx, "%s: missing container; hako %s CT...", name, name);
	return each_ct(ctx, argv + g.rest, argc - g.rest, pause_one, &pause);
}

int cmd_ct_pause(struct hk_ctx *ctx, int argc, char **argv)
{
	return pause_cmd(ctx, argc, argv, true);
}

int cmd_ct_unpause(struct hk_ctx *ctx, int argc, char **argv)
{
	return pause_cmd(ctx, argc, argv, false);
}

static int rm_one(struct hk_ctx *ctx, struct hk_store *st, const struct hk_paths *p,
		  struct hk_ct_row *c, const void *arg)
{
	return hk_ct_rm(st, p, c, *(const bool *)arg, &ctx->err);
}

/* -t SECS of stop and restart: *ret -1 when not given (the container's --stop-timeout, or
 * 10). */
static int stop_opts(struct hk_ctx *ctx, struct cmd_getopt *g, const char *name,
		     const struct option *opts, int argc, char **argv, int *ret)
{
	uint32_t secs = 10;
	*ret = -1;
	int c, r = cmd_getopt_init(ctx, g, name, "+:t:", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(g)) != -1) {
		if (c == 't') {
			char what[32];
			snprintf(what, sizeof(what), "%s -t", name);
			r = hk_parse_u32(optarg, 0, 3600, &secs, what, &ctx->err);
			*ret = (int)secs;
		} else {
			r = cmd_getopt_bad(ctx, g, c);
		}
	}
	return r;
}

/* stop, kill, rm: options end at the first CT, as before */
int cmd_ct_stop(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "time", required_argument, NULL, 't' },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	int t, r = stop_opts(ctx, &g, "stop", opts, argc, argv, &t);
	if (r < 0)
		return r;
	if (g.rest >= argc)
		return cmd_usage(ctx, "stop: missing container; hako stop [-t SECS] CT...");
	return each_ct(ctx, argv + g.rest, argc - g.rest, stop_one, &t);
}

int cmd_ct_kill(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "signal", required_argument, NULL, 's' },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	int sig = SIGKILL, c, r = cmd_getopt_init(ctx, &g, "kill", "+:s:", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&g)) != -1) {
		if (c != 's')
			r = cmd_getopt_bad(ctx, &g, c);
		else if (!(sig = ct_signal(optarg)))
			r = cmd_usage(ctx, "kill: unknown signal '%s'", optarg);
	}
	if (r < 0)
		return r;
	if (g.rest >= argc)
		return cmd_usage(ctx, "kill: missing container; hako kill [-s SIG] CT...");
	return each_ct(ctx, argv + g.rest, argc - g.rest, kill_one, &sig);
}

int cmd_ct_rm(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "volumes", no_argument, NULL, 'v' },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	bool force = false;
	int c, r = cmd_getopt_init(ctx, &g, "rm", "+:fv", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&g)) != -1) {
		if (c == 'f')
			force = true;
		else if (c == 'v')
			; /* Docker's anonymous volumes: hako makes none */
		else
			r = cmd_getopt_bad(ctx, &g, c);
	}
	if (r < 0)
		return r;
	if (g.rest >= argc)
		return cmd_usage(ctx, "rm: missing container; hako rm [-f] CT...");
	return each_ct(ctx, argv + g.rest, argc - g.rest, rm_one, &force);
}

/* ---- start, restart, wait, rename, attach ---- */

/* Start c (created or exited; running: nothing to do, as Docker). No store may be open in
 * this process: the monitor is forked (an SQLite connection must not cross a fork). */
static int start_row(struct hk_ctx *ctx, const struct hk_ct_row *c)
{
	if ((!strcmp(c->state, HK_CT_RUNNING) && hk_proc_alive(c->pid, c->pid_start)) ||
	    !strcmp(c->state, HK_CT_RESTARTING))
		return 0;
	if (strcmp(c->state, HK_CT_CREATED) && strcmp(c->state, HK_CT_EXITED))
		return hk_err_usage(&ctx->err, "container '%s' is %s: it cannot be started",
				    c->name, c->state);
	int code;
	return run_start(ctx, c, false, &code);
}

static int start_key(struct hk_ctx *ctx, const char *key)
{
	struct hk_paths p;
	struct hk_ct_row c;
	int r = ct_get(ctx, key, &p, &c);
	if (r < 0)
		return r;
	r = start_row(ctx, &c);
	hk_ct_row_free(&c);
	return r;
}

/* start -a: the output from now on, until it exits; -i: in this process, stdin attached. */
static int start_attached(struct hk_ctx *ctx, const char *key, bool in, int *ret_code)
{
	struct hk_paths p;
	struct hk_store *st = NULL;
	struct hk_ct_row c;
	struct hk_ctlog_reader *rd = NULL;
	int r = ct_get(ctx, key, &p, &c);
	if (r < 0)
		return r;
	bool running = !strcmp(c.state, HK_CT_RUNNING) || !strcmp(c.state, HK_CT_RESTARTING);
	if (!running && strcmp(c.state, HK_CT_CREATED) && strcmp(c.state, HK_CT_EXITED))
		r = hk_err_usage(&ctx->err, "container '%s' is %s: it cannot be started", c.name,
				 c.state);
	if (r == 0 && in && !running) {
		r = run_start(ctx, &c, true, ret_code);
		hk_ct_row_free(&c);
		return r;
	}
	if (r == 0)
		r = hk_ct_log_end(&p, c.id, &rd, &ctx->err);
	if (r == 0 && !running)
		r = run_start(ctx, &c, false, ret_code);
	if (r == 0)
		r = ct_open(ctx, &p, &st);
	if (r == 0)
		r = hk_ct_follow(st, &p, c.id, rd, STDOUT_FILENO, ret_code, &ctx->err);
	else
		hk_ctlog_reader_close(rd);
	hk_ct_row_free(&c);
	hk_store_close(st);
	return r;
}

/* For each name: fn, its name printed when it succeeds. As each_ct: a failure does not stop
 * the others (Docker's start, restart of several); each failure but the last printed as it
 * happens, the last one returned. */
static int each_key(struct hk_ctx *ctx, char **names, int n,
		    int (*fn)(struct hk_ctx *ctx, const char *key, const void *arg),
		    const void *arg)
{
	int ret = 0;
	struct hk_err last = ctx->err;
	for (int i = 0; i < n; i++) {
		int r = fn(ctx, names[i], arg);
		if (r == 0)
			printf("%s\n", names[i]);
		fflush(stdout);
		if (r < 0) {
			if (ret < 0)
				fprintf(stderr, "hako: %s\n", last.msg);
			last = ctx->err;
			ret = r;
			hk_err_clear(&ctx->err);
		}
	}
	if (ret < 0)
		ctx->err = last;
	return ret;
}

static int start_fn(struct hk_ctx *ctx, const char *key, const void *arg)
{
	(void)arg;
	return start_key(ctx, key);
}

int cmd_ct_start(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "attach", no_argument, NULL, 'a' },
		{ "interactive", no_argument, NULL, 'i' },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	bool att = false, in = false;
	int c, r = cmd_getopt_init(ctx, &g, "start", "+:ai", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&g)) != -1) {
		if (c == 'a')
			att = true;
		else if (c == 'i')
			in = true;
		else
			r = cmd_getopt_bad(ctx, &g, c);
	}
	if (r < 0)
		return r;
	if (g.rest >= argc)
		return cmd_usage(ctx, "start: missing container; hako start [-a] [-i] CT...");
	if ((att || in) && argc - g.rest > 1)
		return cmd_usage(ctx, "start: -a and -i take one container");
	if (!att && !in)
		return each_key(ctx, argv + g.rest, argc - g.rest, start_fn, NULL);
	int code = 0;
	r = start_attached(ctx, argv[g.rest], in, &code);
	return r < 0 ? r : code < 0 ? 1 : code;
}

static int restart_fn(struct hk_ctx *ctx, const char *key, const void *arg)
{
	struct hk_paths p;
	struct hk_store *st;
	struct hk_ct_row c;
	int r = ct_open(ctx, &p, &st);
	if (r == 0)
		r = hk_store_get(st, key, &c, &ctx->err);
	if (r == 0) {
		r = stop_one(ctx, st, &p, &c, arg);
		hk_ct_row_free(&c);
	}
	hk_store_close(st);
	return r < 0 ? r : start_key(ctx, key);
}

int cmd_ct_restart(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "time", required_argument, NULL, 't' },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	int t, r = stop_opts(ctx, &g, "restart", opts, argc, argv, &t);
	if (r < 0)
		return r;
	if (g.rest >= argc)
		return cmd_usage(ctx, "restart: missing container; hako restart [-t SECS] CT...");
	return each_key(ctx, argv + g.rest, argc - g.rest, restart_fn, &t);
}

/* hako wait: each container's exit code, in order, once it stops (Docker's). */
int cmd_ct_wait(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = { {} };
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	int c, r = cmd_getopt_init(ctx, &g, "wait", "+:", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&g)) != -1)
		r = cmd_getopt_bad(ctx, &g, c);
	if (r < 0)
		return r;
	if (g.rest >= argc)
		return cmd_usage(ctx, "wait: missing container; hako wait CT...");
	struct hk_paths p;
	struct hk_store *st;
	r = ct_open(ctx, &p, &st);
	/* every name first: an unknown one fails before any wait (nothing waited for) */
	char(*ids)[HK_CT_ID_LEN + 1] = calloc((size_t)(argc - g.rest), sizeof(*ids));
	if (!ids && r == 0)
		r = hk_err_sys(&ctx->err, -ENOMEM, "wait");
	for (int i = g.rest; r == 0 && i < argc; i++) {
		struct hk_ct_row row;
		r = hk_store_get(st, argv[i], &row, &ctx->err);
		if (r == 0) {
			snprintf(ids[i - g.rest], sizeof(ids[0]), "%s", row.id);
			hk_ct_row_free(&row);
		}
	}
	for (int i = g.rest; r == 0 && i < argc; i++) {
		int code;
		r = hk_ct_wait_stopped(st, &p, ids[i - g.rest], &code, &ctx->err);
		if (r == 0) {
			printf("%d\n", code);
			fflush(stdout);
		}
	}
	free(ids);
	hk_store_close(st);
	return r;
}

int cmd_ct_rename(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = { {} };
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	int c, r = cmd_getopt_init(ctx, &g, "rename", "+:", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&g)) != -1)
		r = cmd_getopt_bad(ctx, &g, c);
	if (r < 0)
		return r;
	if (argc - g.rest != 2)
		return cmd_usage(ctx, "rename: expected OLD NEW; hako rename CT NEW_NAME");
	struct hk_paths p;
	struct hk_store *st;
	struct hk_ct_row row;
	r = ct_open(ctx, &p, &st);
	if (r == 0)
		r = hk_store_get(st, argv[g.rest], &row, &ctx->err);
	if (r == 0) {
		r = hk_ct_rename(st, &p, &row, argv[g.rest + 1], &ctx->err);
		hk_ct_row_free(&row);
	}
	hk_store_close(st);
	return r;
}

/* hako attach: a running container's output from now on, until it exits; its exit code. */
int cmd_ct_attach(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "no-stdin", no_argument, NULL, 'n' },
		{ "sig-proxy", required_argument, NULL, 's' },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	int c, r = cmd_getopt_init(ctx, &g, "attach", "+:", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&g)) != -1) {
		if (c == 's' && strcmp(optarg, "true") && strcmp(optarg, "false"))
			r = cmd_usage(ctx, "attach: --sig-proxy: true or false, not '%s'", optarg);
		else if (c != 'n' && c != 's')
			r = cmd_getopt_bad(ctx, &g, c);
	}
	if (r < 0)
		return r;
	if (argc - g.rest != 1)
		return cmd_usage(ctx, "attach: expected one container; hako attach CT");
	struct hk_paths p;
	struct hk_store *st;
	struct hk_ct_row row;
	struct hk_ctlog_reader *rd = NULL;
	int code = -1;
	r = ct_open(ctx, &p, &st);
	if (r == 0)
		r = hk_store_get(st, argv[g.rest], &row, &ctx->err);
	if (r < 0) {
		hk_store_close(st);
		return r;
	}
	if (strcmp(row.state, HK_CT_RUNNING))
		r = hk_err_usage(&ctx->err,
				 "container '%s' is not running: you cannot attach to "
				 "a stopped container, start it first",
				 row.name);
	else if (!row.detach)
		r = hk_err_usage(&ctx->err,
				 "container '%s' runs in the foreground of its hako run: "
				 "its output goes there, not to a log",
				 row.name);
	if (r == 0)
		r = hk_ct_log_end(&p, row.id, &rd, &ctx->err);
	if (r == 0)
		r = hk_ct_follow(st, &p, row.id, rd, STDOUT_FILENO, &code, &ctx->err);
	hk_ct_row_free(&row);
	hk_store_close(st);
	return r < 0 ? r : code < 0 ? 1 : code;
}

/* ---- hako system boot ---- */

/* The containers whose policy starts them at boot (always; unless-stopped not stopped by a
 * user), after the reconcile of ct_open recorded the dead ones exited. */
int cmd_system_boot(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = { {} };
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	int c, r = cmd_getopt_init(ctx, &g, "system boot", "+:", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&g)) != -1)
		r = cmd_getopt_bad(ctx, &g, c);
	if (r < 0)
		return r;
	if (g.rest < argc)
		return cmd_usage(ctx, "system boot: unexpected argument '%s'", argv[g.rest]);
	struct hk_paths p;
	struct hk_store *st;
	struct hk_ct_row *rows = NULL;
	size_t n = 0;
	r = ct_open(ctx, &p, &st);
	if (r == 0)
		r = hk_store_list(st, &rows, &n, &ctx->err);
	bool *due = calloc(n + 1, sizeof(bool));
	if (!due && r == 0)
		r = hk_err_sys(&ctx->err, -ENOMEM, "system boot");
	for (size_t i = 0; r == 0 && i < n; i++) {
		struct hk_ctlife_row life;
		struct hk_restart_policy pol;
		struct hk_err e;
		if (strcmp(rows[i].state, HK_CT_EXITED) ||
		    hk_ctlife_get(st, rows[i].id, &life, &e) < 0)
			continue;
		due[i] = hk_restart_parse(life.restart, &pol, &e) == 0 &&
			 hk_restart_at_boot(&pol, life.stopped);
		hk_ctlife_row_free(&life);
	}
	hk_store_close(st); /* before the monitors are forked */
	st = NULL;
	int failed = 0;
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (!due[i])
			continue;
		int code;
		if (run_start(ctx, &rows[i], false, &code) == 0) {
			printf("%s\n", rows[i].name);
		} else {
			fprintf(stderr, "hako: system boot: %s: %s\n", rows[i].name, ctx->err.msg);
			hk_err_clear(&ctx->err);
			failed++;
		}
	}
	hk_ct_rows_free(rows, n);
	free(due);
	if (r == 0 && failed)
		r = hk_err_set(&ctx->err, -EIO, "system boot: %d container%s could not be started",
			       failed, failed == 1 ? "" : "s");
	return r;
}

/* ---- update ---- */

struct update_args {
	struct hk_cglimits l;
	bool limits;	     /* a limit given */
	const char *restart; /* --restart POLICY; NULL: unchanged */
};

static int update_one(struct hk_ctx *ctx, struct hk_store *st, const struct hk_paths *p,
		      struct hk_ct_row *c, const void *arg)
{
	(void)p;
	const struct update_args *u = arg;
	int r = 0;
	/* the policy first: checked whole (a --rm container refuses it) before any limit */
	if (u->restart)
		r = hk_ct_update_restart(st, c, u->restart, &ctx->err);
	if (r == 0 && u->limits)
		r = hk_ct_update_limits(st, c, &u->l, &ctx->err);
	return r;
}

/* --cpu-shares N, --pids-limit N (-1 or 0: unlimited, as Docker's update) */
static int update_number(struct hk_ctx *ctx, const char *opt, const char *v, bool pids,
			 int64_t *ret)
{
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (errno || end == v || *end || (!pids && n <= 0) || n < -1)
		return cmd_usage(ctx, "update: %s '%s': expected a positive number%s", opt, v,
				 pids ? " (or -1: unlimited)" : "");
	*ret = pids && n <= 0 ? -1 : n;
	return 0;
}

int cmd_ct_update(struct hk_ctx *ctx, int argc, char **argv)
{
	enum { U_SWAP = 0x100, U_CPUS, U_SHARES, U_PIDS, U_CPUSET, U_RESTART };
	static const struct option opts[] = {
		{ "memory", required_argument, NULL, 'm' },
		{ "memory-swap", required_argument, NULL, U_SWAP },
		{ "cpus", required_argument, NULL, U_CPUS },
		{ "cpu-shares", required_argument, NULL, U_SHARES },
		{ "pids-limit", required_argument, NULL, U_PIDS },
		{ "cpuset-cpus", required_argument, NULL, U_CPUSET },
		{ "restart", required_argument, NULL, U_RESTART },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	struct update_args u = {};
	struct hk_cglimits l = {};
	struct hk_restart_policy pol;
	int64_t n = 0;
	int c, r = cmd_getopt_init(ctx, &g, "update", "+:m:", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&g)) != -1) {
		switch (c) {
		case 'm':
			r = hk_cg_parse_bytes("--memory", optarg, &l.memory, &ctx->err);
			break;
		case U_SWAP:
			r = hk_cg_parse_bytes("--memory-swap", optarg, &l.memory_swap, &ctx->err);
			break;
		case U_CPUS:
			r = hk_cg_parse_cpus(optarg, &l.cpus_milli, &ctx->err);
			/* Docker's --cpus: over its fixed period */
			l.cpu_period = HK_CG_CPU_PERIOD;
			break;
		case U_SHARES:
			r = update_number(ctx, "--cpu-shares", optarg, false, &n);
			l.cpu_shares = (uint64_t)n;
			break;
		case U_PIDS:
			r = update_number(ctx, "--pids-limit", optarg, true, &l.pids);
			break;
		case U_CPUSET:
			r = hk_cg_parse_cpuset(optarg, l.cpuset, sizeof(l.cpuset), &ctx->err);
			break;
		case U_RESTART:
			if ((r = hk_restart_parse(optarg, &pol, &ctx->err)) < 0)
				hk_err_prefix(&ctx->err, "update");
			u.restart = optarg;
			break;
		default:
			r = cmd_getopt_bad(ctx, &g, c);
		}
	}
	if (r < 0)
		return r;
	if (g.rest >= argc)
		return cmd_usage(ctx, "update: missing container; hako update [OPTIONS] CT...");
	u.limits =
		l.memory || l.memory_swap || l.cpus_milli || l.cpu_shares || l.pids || l.cpuset[0];
	if (!u.limits && !u.restart)
		return cmd_usage(ctx, "update: nothing to change: give a limit or --restart");
	u.l = l;
	return each_ct(ctx, argv + g.rest, argc - g.rest, update_one, &u);
}
