// SPDX-License-Identifier: MIT
/*
 * hako run: parse and validate everything first (bad input changes nothing), then record
 * the container ("creating"), make its files and cgroup, spawn it, persist its namespaces,
 * mark it running, and wait for it (foreground) or leave a monitor process waiting for it
 * (-d). Exit status: the container's, 125 for hako's own failures, 126/127 for a command
 * that cannot be executed / is not found (as Docker's).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/parse.h"
#include "container.h"
#include "ctlog.h"
#include "ctrun.h"
#include "ctwait.h"
#include "ctspec.h"
#include "ct.h"
#include "netns.h"
#include "run_image.h"
#include "netrun.h"
#include "runsec.h"

#define MAX_ENV 256
#define MAX_VOL 64

struct run_opts {
	struct hk_ct_spec spec;
	bool rm;
	char *env[MAX_ENV + 1];
	size_t nenv;
	struct hk_mountspec vols[MAX_VOL];
	const char *rootfs_arg; /* --rootfs DIR as given */
	char rootfs[PATH_MAX];	/* resolved (hk_ct_spec_rootfs) */
	char net[300];
	struct netrun netrun;	/* --network NET, --ip, -p, --network-alias (cmd_netrun.c) */
	struct run_image image; /* hako run IMAGE [CMD...] (run_image.c) */
	struct hk_runsec sec;	/* caps, seccomp, --read-only, --user, limits (runsec.c) */
};

static int set_env(struct hk_ctx *ctx, struct run_opts *o, const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t klen = eq ? (size_t)(eq - kv) : strlen(kv);
	if (klen == 0)
		return cmd_usage(ctx, "run: -e '%s': expected KEY=VALUE", kv);
	char *v;
	if (eq) {
		v = strdup(kv);
	} else {
		const char *host = getenv(kv);
		if (!host)
			return 0; /* -e KEY with KEY unset: nothing, as Docker */
		if (asprintf(&v, "%s=%s", kv, host) < 0)
			v = NULL;
	}
	if (!v)
		return hk_err_sys(&ctx->err, -ENOMEM, "run");
	for (size_t i = 0; i < o->nenv; i++) {
		if (!strncmp(o->env[i], v, klen + 1)) {
			free(o->env[i]);
			o->env[i] = v;
			return 0;
		}
	}
	if (o->nenv == MAX_ENV) {
		free(v);
		return cmd_usage(ctx, "run: too many -e options");
	}
	o->env[o->nenv++] = v;
	return 0;
}

static int parse_volume(struct hk_ctx *ctx, struct run_opts *o, char *arg)
{
	if (o->spec.nmounts == MAX_VOL)
		return cmd_usage(ctx, "run: too many -v options");
	struct hk_mountspec *m = &o->vols[o->spec.nmounts];
	char *ct = strchr(arg, ':');
	if (!ct)
		return cmd_usage(ctx, "run: -v '%s': expected HOST:CONTAINER[:ro]", arg);
	*ct++ = 0;
	char *opt = strchr(ct, ':');
	if (opt) {
		*opt++ = 0;
		char *save = NULL;
		for (char *w = strtok_r(opt, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
			if (strcmp(w, "ro") && strcmp(w, "rw") && strcmp(w, "idmap"))
				return cmd_usage(ctx,
						 "run: -v: unknown option '%s' (ro, rw, idmap)", w);
			if (!strcmp(w, "idmap"))
				m->idmap = true; /* checked with --userns: runsec.c */
			else
				m->ro = !strcmp(w, "ro");
		}
	}
	if (arg[0] != '/' || ct[0] != '/')
		return cmd_usage(ctx, "run: -v '%s:%s': both paths must be absolute", arg, ct);
	if (strstr(ct, "/..") || !strcmp(ct, "/"))
		return cmd_usage(ctx, "run: -v: container path '%s' is not allowed", ct);
	if (hk_ct_mount_source(m, arg, &ctx->err) < 0)
		return hk_err_prefix(&ctx->err, "run");
	m->ct = ct;
	o->spec.nmounts++;
	return 0;
}

enum { OPT_NAME = 0x100, OPT_HOSTNAME, OPT_RM, OPT_NET, OPT_ROOTFS, OPT_PULL };

/* Every option of hako run. The values of the network options are taken by cmd_netrun.c,
 * those of the isolation options by runsec.c. */
static const char run_shortopts[] = "+:dite:w:v:p:m:u:";
static const struct option run_longopts[] = {
	{ "name", required_argument, NULL, OPT_NAME },
	{ "hostname", required_argument, NULL, OPT_HOSTNAME },
	{ "detach", no_argument, NULL, 'd' },
	{ "interactive", no_argument, NULL, 'i' },
	{ "tty", no_argument, NULL, 't' },
	{ "rm", no_argument, NULL, OPT_RM },
	{ "env", required_argument, NULL, 'e' },
	{ "workdir", required_argument, NULL, 'w' },
	{ "volume", required_argument, NULL, 'v' },
	{ "net", required_argument, NULL, OPT_NET },
	{ "network", required_argument, NULL, OPT_NET },
	{ "rootfs", required_argument, NULL, OPT_ROOTFS },
	{ "pull", required_argument, NULL, OPT_PULL },
	/* hako networks (cmd_netrun.c) */
	{ "ip", required_argument, NULL, NETRUN_IP },
	{ "publish", required_argument, NULL, NETRUN_PUBLISH },
	{ "network-alias", required_argument, NULL, NETRUN_ALIAS },
	{ "alias", required_argument, NULL, NETRUN_ALIAS },
	/* isolation and limits (runsec.c) */
	{ "privileged", no_argument, NULL, HK_RUNSEC_PRIVILEGED },
	{ "read-only", no_argument, NULL, HK_RUNSEC_READ_ONLY },
	{ "userns", optional_argument, NULL, HK_RUNSEC_USERNS },
	{ "uidmap", required_argument, NULL, HK_RUNSEC_UIDMAP },
	{ "gidmap", required_argument, NULL, HK_RUNSEC_GIDMAP },
	{ "cap-add", required_argument, NULL, HK_RUNSEC_CAP_ADD },
	{ "cap-drop", required_argument, NULL, HK_RUNSEC_CAP_DROP },
	{ "security-opt", required_argument, NULL, HK_RUNSEC_SECURITY_OPT },
	{ "tmpfs", required_argument, NULL, HK_RUNSEC_TMPFS },
	{ "user", required_argument, NULL, HK_RUNSEC_USER },
	{ "memory", required_argument, NULL, HK_RUNSEC_MEMORY },
	{ "memory-swap", required_argument, NULL, HK_RUNSEC_MEMORY_SWAP },
	{ "cpus", required_argument, NULL, HK_RUNSEC_CPUS },
	{ "cpu-shares", required_argument, NULL, HK_RUNSEC_CPU_SHARES },
	{ "pids-limit", required_argument, NULL, HK_RUNSEC_PIDS_LIMIT },
	{ "cpuset-cpus", required_argument, NULL, HK_RUNSEC_CPUSET_CPUS },
	{ "log-opt", required_argument, NULL, HK_RUNSEC_LOG_OPT },
	{},
};

static int set_opt(struct hk_ctx *ctx, const struct cmd_getopt *g, struct run_opts *o, int c,
		   char *v)
{
	switch (c) {
	case 'd':
		o->spec.detach = true;
		return 0;
	case 'i':
		o->spec.interactive = true;
		return 0;
	case 't':
		o->spec.tty = true;
		return 0;
	case OPT_RM:
		o->rm = true;
		return 0;
	case OPT_NAME:
		snprintf(o->spec.name, sizeof(o->spec.name), "%s", v);
		if (!hk_ct_name_valid(v))
			return cmd_usage(ctx, "run: invalid container name '%s' (%s)", v,
					 "letters, digits, _ . -; at most 63");
		return 0;
	case OPT_HOSTNAME:
		snprintf(o->spec.hostname, sizeof(o->spec.hostname), "%s", v);
		return hk_ct_hostname_valid(v) ? 0
					       : cmd_usage(ctx, "run: invalid hostname '%s'", v);
	case 'e':
		return set_env(ctx, o, v);
	case 'w':
		if (v[0] != '/')
			return cmd_usage(ctx, "run: -w '%s': must be absolute", v);
		o->spec.workdir = v;
		return 0;
	case 'v':
		return parse_volume(ctx, o, v);
	case OPT_ROOTFS:
		o->rootfs_arg = v;
		return 0;
	case OPT_PULL:
		if (!strcmp(v, "missing"))
			o->image.pull = RUN_PULL_MISSING;
		else if (!strcmp(v, "always"))
			o->image.pull = RUN_PULL_ALWAYS;
		else if (!strcmp(v, "never"))
			o->image.pull = RUN_PULL_NEVER;
		else
			return cmd_usage(ctx, "run: --pull: missing, always or never, not '%s'", v);
		return 0;
	case OPT_NET:
		snprintf(o->net, sizeof(o->net), "%s", v);
		return 0;
	case NETRUN_PUBLISH:
	case NETRUN_IP:
	case NETRUN_ALIAS:
		return netrun_set(ctx, &o->netrun, c, v);
	case HK_RUNSEC_MEMORY:
	case HK_RUNSEC_USER:
	case HK_RUNSEC_OPT_FIRST ... HK_RUNSEC_OPT_LAST:
		return hk_runsec_set(&o->sec, c, v, &ctx->err);
	}
	return cmd_getopt_bad(ctx, g, c);
}

/* The options, up to the first operand (IMAGE, or with --rootfs the command) or "--":
 * returns the index in argv of what follows them. */
static int parse_opts(struct hk_ctx *ctx, struct run_opts *o, int argc, char **argv)
{
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	int c, r = cmd_getopt_init(ctx, &g, "run", run_shortopts, run_longopts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&g)) != -1)
		r = set_opt(ctx, &g, o, c, optarg);
	return r < 0 ? r : g.rest;
}

static int parse_net(struct hk_ctx *ctx, struct run_opts *o)
{
	if (!o->net[0] || !strcmp(o->net, "new")) {
		strcpy(o->net, "new");
		o->spec.net = HK_NET_NEW;
	} else if (!strcmp(o->net, "none")) {
		o->spec.net = HK_NET_NONE;
	} else if (!strcmp(o->net, "host")) {
		o->spec.net = HK_NET_HOST;
	} else if (!strncmp(o->net, "netns:", 6)) {
		o->spec.net = HK_NET_NETNS;
		o->spec.netns = o->net + 6;
		int fd;
		if (hk_parse_netns_name(o->spec.netns, &ctx->err) < 0 ||
		    hk_netns_open(o->spec.netns, &fd, &ctx->err) < 0)
			return hk_err_prefix(&ctx->err, "run: --net");
		close(fd);
	} else {
		/* a hako network ("bridge": the default one) in a namespace of its own */
		if (netrun_network(ctx, &o->netrun, o->net) < 0)
			return -EINVAL;
		strcpy(o->net, "new");
		o->spec.net = HK_NET_NEW;
	}
	return netrun_check(ctx, &o->netrun);
}

static int parse(struct hk_ctx *ctx, struct run_opts *o, int argc, char **argv)
{
	int i = parse_opts(ctx, o, argc, argv);
	if (i < 0)
		return i;
	if (!o->rootfs_arg && i < argc)
		o->image.ref = argv[i++];
	if (!o->rootfs_arg && !o->image.ref)
		return cmd_usage(ctx, "run: expected IMAGE or --rootfs DIR");
	if (o->rootfs_arg && hk_ct_spec_rootfs(&o->spec, o->rootfs_arg, o->rootfs, &ctx->err) < 0)
		return hk_err_prefix(&ctx->err, "run");
	if (i >= argc && !o->image.ref)
		return cmd_usage(ctx,
				 "run: missing command; hako run --rootfs DIR -- CMD [ARGS...]");
	if (o->spec.detach && o->spec.tty)
		return cmd_usage(ctx, "run: -t with -d is not supported");
	o->spec.argv = argv + i;
	o->spec.mounts = o->vols;
	int r = parse_net(ctx, o);
	return r < 0 ? r : hk_runsec_prepare(&o->sec, &o->spec, ctx->root, &ctx->err);
}

/* Resolve the rest (the image's config, the user, defaults), then let the library create
 * the container (hk_ct_create) and start it. On failure every trace is removed; *ret_status
 * is 126/127 when the command could not be executed. */
static int start(struct hk_ctx *ctx, struct run_opts *o, struct hk_ct_run *x, int *ret_status)
{
	int r = ct_open(ctx, &x->paths, &x->st);
	if (r == 0 && o->image.ref)
		r = run_image_defaults(ctx, x->st, &o->image, &o->spec, o->env, &o->nenv, MAX_ENV);
	if (r == 0 && o->image.ref)
		r = run_image_user(ctx, x->st, &x->paths, &o->image, &o->sec);
	if (r < 0)
		return r;
	r = hk_ct_spec_defaults(&o->spec, o->env, &o->nenv, MAX_ENV, &ctx->err);
	if (r < 0)
		return r;
	struct hk_ct_config_sec sec;
	hk_runsec_config(&o->sec, &sec);
	struct hk_net_attach na;
	sigset_t fwd;
	hk_ct_fwd_sigset(&fwd);
	struct hk_ct_create c = {
		.st = x->st,
		.paths = &x->paths,
		.spec = &o->spec,
		.net = o->net,
		.rm = o->rm,
		.rootfs = o->rootfs,
		.image_id = o->image.ref ? o->image.id : NULL,
		.layers = run_image_layers(),
		.image_lock = &o->image.lock,
		.lim = &o->sec.lim,
		.log = &o->sec.log,
		.sec = &sec,
		.attach = netrun_attach_spec(&o->netrun, &na),
		.block =
			&fwd, /* the container exists: its signals are forwarded (hk_ct_wait_fwd) */
		.start_now = true,
	};
	r = hk_ct_create(&c, x, &ctx->err);
	if (c.attach)
		netrun_notes_out(&o->netrun, &x->notes);
	return r < 0 ? r : hk_ct_start(x, ret_status, &ctx->err);
}

/* -d: the monitor tells the caller how the start went: {status, err}. */
struct started {
	int status;
	struct hk_err err;
	char id[HK_CT_ID_LEN + 1];
};

static int run(struct hk_ctx *ctx, struct run_opts *o, int result_fd)
{
	struct hk_ct_run x;
	hk_ct_run_init(&x);
	int status = 0;
	int r = start(ctx, o, &x, &status);
	if (result_fd >= 0) {
		struct started s = { .status = r < 0 ? (status ? status : HK_EXIT_HAKO) : 0,
				     .err = ctx->err };
		snprintf(s.id, sizeof(s.id), "%s", x.row.id);
		if (write(result_fd, &s, sizeof(s)) < 0)
			r = r < 0 ? r : -errno;
		close(result_fd);
	}
	if (r < 0) {
		hk_ct_run_free(&x);
		return status ? status : HK_EXIT_HAKO;
	}
	/* run -d's monitor, which may live for months, does not hold the database open while
	 * the container runs; a foreground run keeps its connection (no second open and schema
	 * parse at exit: an idle WAL connection holds no lock) */
	if (result_fd >= 0) {
		hk_store_close(x.st);
		x.st = NULL;
	}
	int code = x.log ? hk_ct_wait_logged(x.proc.pid, x.log, x.log_rd)
			 : hk_ct_wait_fwd(x.proc.pid, o->spec.tty ? x.pty_master : -1,
					  o->spec.interactive, x.proxy);
	int64_t limit;
	if (hk_ct_oom_killed(&x, &limit))
		fprintf(stderr, "container %s: killed: memory limit (%" PRId64 " bytes) reached\n",
			x.row.name, limit);
	hk_ct_end(&x, code, &ctx->err);
	hk_ct_run_free(&x);
	return code;
}

static int detach(struct hk_ctx *ctx, struct run_opts *o)
{
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return ct_fail(ctx, hk_err_sys(&ctx->err, -errno, "pipe") ? HK_EXIT_HAKO : 0);
	netrun_keep_stderr(&o->netrun); /* the monitor's network notes still reach the user */
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return ct_fail(ctx, hk_err_sys(&ctx->err, -errno, "fork") ? HK_EXIT_HAKO : 0);
	if (pid == 0) {
		close(pfd[0]);
		setsid();
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		_exit(run(ctx, o, pfd[1]) & 0xff);
	}
	close(pfd[1]);
	struct started s;
	ssize_t k = read(pfd[0], &s, sizeof(s));
	close(pfd[0]);
	if (k != (ssize_t)sizeof(s)) {
		waitpid(pid, NULL, 0);
		hk_err_set(&ctx->err, -EIO, "run: the monitor process died");
		return ct_fail(ctx, HK_EXIT_HAKO);
	}
	if (s.status) {
		waitpid(pid, NULL, 0);
		ctx->err = s.err;
		return ct_fail(ctx, s.status);
	}
	printf("%s\n", s.id);
	return 0;
}

int cmd_ct_run(struct hk_ctx *ctx, int argc, char **argv)
{
	struct run_opts *o = calloc(1, sizeof(*o));
	if (!o)
		return hk_err_sys(&ctx->err, -ENOMEM, "run");
	hk_ct_spec_init(&o->spec);
	o->image.lock = -1;
	int r = parse(ctx, o, argc, argv);
	if (r < 0)
		r = ct_fail(ctx, HK_EXIT_HAKO);
	else if (o->spec.detach)
		r = detach(ctx, o);
	else {
		r = run(ctx, o, -1);
		if (ctx->err.msg[0] && r >= HK_EXIT_HAKO && r <= HK_EXIT_NOTFOUND)
			ct_fail(ctx, r);
	}
	for (size_t i = 0; i < o->nenv; i++)
		free(o->env[i]);
	hk_ct_spec_close_fds(&o->spec);
	run_image_free(&o->image);
	hk_runsec_free(&o->sec);
	free(o);
	return r;
}
