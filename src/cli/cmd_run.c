// SPDX-License-Identifier: MIT
/*
 * hako run: parse and validate everything first (bad input changes nothing), then record
 * the container ("creating"), make its files and cgroup, spawn it, persist its namespaces,
 * mark it running, and wait for it (foreground) or leave a monitor process waiting for it
 * (-d). Exit status: the container's, 125 for hako's own failures, 126/127 for a command
 * that cannot be executed / is not found (as Docker's).
 *
 * hako create records the container ("created", no process) with its options as given
 * (the lifecycle record, store_ctlife.h); hako start, restart, system boot and a restart
 * policy replay those options (run_replay) against the same row: the same id, name,
 * configuration, root (an image's writable layer is kept) and network address. A detached
 * container's monitor carries out its restart policy (monitor()).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/parse.h"
#include "base/prefault.h"
#include "container.h"
#include "ctconfig.h"
#include "ctlife.h"
#include "ctlog.h"
#include "ctrun.h"
#include "ctwait.h"
#include "ctspec.h"
#include "ct.h"
#include "usage.h"
#include "netns.h"
#include "run_image.h"
#include "netrun.h"
#include "runflags.h"
#include "runsec.h"
#include "store_ctlife.h"
#include "store_net.h"
#include "image.h"
#include "cmd_run.h"

#define MAX_ENV 256
#define MAX_VOL 64

struct run_opts {
	struct hk_ct_spec spec;
	bool rm;
	char *env[MAX_ENV + 1];
	size_t nenv;
	struct hk_mountspec vols[MAX_VOL];
	char *mount_args[MAX_VOL + HK_RUNSEC_TMPFS_MAX]; /* --mount, as -v/--tmpfs words */
	size_t nmount_args;
	const char *rootfs_arg; /* --rootfs DIR as given */
	char rootfs[PATH_MAX];	/* resolved (hk_ct_spec_rootfs) */
	char net[300];
	char netns_path[HK_PATH_MAX]; /* --network container:NAME: its namespace */
	char resolv[4096];	      /* --network container:NAME, --dns...: resolv.conf */
	struct netrun netrun;	      /* --network NET, --ip, -p, --network-alias (cmd_netrun.c) */
	struct run_image image;	      /* hako run IMAGE [CMD...] (run_image.c) */
	struct hk_runsec sec;	      /* caps, seccomp, --read-only, --user, limits (runsec.c) */
	/* the lifecycle (ctlife.h) */
	const char *verb; /* "run" or "create" */
	int argc;	  /* the options and operands as given (stored) */
	char **argv;
	int image_at;			  /* argv index of IMAGE, -1: --rootfs */
	struct hk_restart_policy restart; /* --restart */
	char restart_arg[32];
	int stop_signal, stop_timeout; /* --stop-signal, --stop-timeout (-1: default) */
	bool reuse;		       /* a start of reuse_row (run_replay) */
	struct hk_ct_row reuse_row;    /* its pointers NULL */
	char addr[64];		       /* the address its network gave it before */
	bool foreground;	       /* start -a -i: run in this process */
	bool follow;		       /* run --restart without -d: the log copied out */
	bool create;		       /* hako create */
	bool owned_argv;	       /* argv (and its strings) malloc'ed: replay */
	bool monitored;		       /* run by the monitor (run -d, a restart policy) */
	/* the process and /dev flags (runflags.h), --entrypoint, --env-file, --cidfile */
	struct hk_runflags flags;
	char *envfile[MAX_ENV]; /* --env-file entries, K=V (applied after -e) */
	size_t nenvfile;
	char **ep_argv; /* --rootfs with --entrypoint: ENTRYPOINT CMD... */
	const char *cidfile;
	char *nets; /* a start: the networks connected later (netrun_rejoin) */
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

static int flag_r(struct hk_ctx *ctx, struct run_opts *o, int r)
{
	return r < 0 ? hk_err_prefix(&ctx->err, "%s", o->verb) : 0;
}

/* --env-file FILE: KEY=VALUE lines (KEY alone: from hako's environment, as -e KEY); blank
 * lines and lines starting with # ignored; applied after every -e (which win, as Docker). */
static int env_file(struct hk_ctx *ctx, struct run_opts *o, const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return cmd_usage(ctx, "%s: --env-file '%s': %s", o->verb, path, strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int r = 0, lineno = 0;
	while (r == 0 && (n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		char *l = line + strspn(line, " \t");
		if (!*l || *l == '#')
			continue;
		const char *eq = strchr(l, '=');
		size_t klen = eq ? (size_t)(eq - l) : strlen(l);
		if (klen == 0 || memchr(l, ' ', klen) || memchr(l, '\t', klen)) {
			r = cmd_usage(ctx, "%s: --env-file '%s' line %d: expected KEY=VALUE",
				      o->verb, path, lineno);
			break;
		}
		char *v = NULL;
		const char *host = eq ? NULL : getenv(l);
		if (eq)
			v = strdup(l);
		else if (!host)
			continue; /* KEY unset here: nothing, as -e KEY */
		else if (asprintf(&v, "%s=%s", l, host) < 0)
			v = NULL;
		if (!v)
			r = hk_err_sys(&ctx->err, -ENOMEM, "%s", o->verb);
		else if (o->nenvfile == MAX_ENV) {
			free(v);
			r = cmd_usage(ctx, "%s: --env-file: too many variables", o->verb);
		} else
			o->envfile[o->nenvfile++] = v;
	}
	free(line);
	fclose(f);
	return r;
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
	if (arg[0] != '/' && ct[0] == '/' && arg[0] && !strchr(arg, '/'))
		return cmd_usage(
			ctx,
			"run: -v '%s:%s': '%s' would be a named volume: hako has none (give "
			"an absolute host path)",
			arg, ct, arg);
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

/* --mount type=bind|tmpfs,... (Docker's), as the -v or --tmpfs it means: bind: source|src,
 * target|destination|dst, readonly|ro[=true|false]; the source must exist (Docker's). tmpfs:
 * target, tmpfs-size, tmpfs-mode. Named volumes (type=volume, the default) are refused. */
static int parse_mount(struct hk_ctx *ctx, struct run_opts *o, const char *arg)
{
	char type[16] = "volume", src[PATH_MAX] = "", dst[PATH_MAX] = "", opts[64] = "";
	bool ro = false;
	_cleanup_free_ char *copy = strdup(arg);
	if (!copy)
		return hk_err_sys(&ctx->err, -ENOMEM, "run");
	char *save = NULL;
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(w, '=');
		const char *v = eq ? eq + 1 : "";
		if (eq)
			*eq = 0;
		if (!strcmp(w, "type"))
			snprintf(type, sizeof(type), "%s", v);
		else if (!strcmp(w, "source") || !strcmp(w, "src"))
			snprintf(src, sizeof(src), "%s", v);
		else if (!strcmp(w, "target") || !strcmp(w, "destination") || !strcmp(w, "dst"))
			snprintf(dst, sizeof(dst), "%s", v);
		else if ((!strcmp(w, "readonly") || !strcmp(w, "ro")) &&
			 (!eq || !strcmp(v, "true") || !strcmp(v, "1")))
			ro = true;
		else if ((!strcmp(w, "readonly") || !strcmp(w, "ro")) &&
			 (!strcmp(v, "false") || !strcmp(v, "0")))
			ro = false;
		else if (!strcmp(w, "tmpfs-size") || !strcmp(w, "tmpfs-mode"))
			snprintf(opts + strlen(opts), sizeof(opts) - strlen(opts), "%s%s=%s",
				 opts[0] ? "," : "", w[6] == 's' ? "size" : "mode", v);
		else if (strcmp(w, "bind-propagation") && strcmp(w, "consistency"))
			return cmd_usage(ctx, "run: --mount '%s': unknown key '%s'", arg, w);
	}
	if (!dst[0])
		return cmd_usage(ctx, "run: --mount '%s': target= is required", arg);
	bool bind = !strcmp(type, "bind"), tmpfs = !strcmp(type, "tmpfs");
	if (!bind && !tmpfs)
		return cmd_usage(ctx,
				 "run: --mount '%s': type=%s: hako has no named volumes (type=bind "
				 "or type=tmpfs)",
				 arg, type);
	if (bind && !src[0])
		return cmd_usage(ctx, "run: --mount '%s': type=bind needs source=", arg);
	if (bind && access(src, F_OK) < 0)
		return cmd_usage(ctx, "run: --mount '%s': bind source path '%s' does not exist",
				 arg, src);
	if ((tmpfs && (src[0] || ro)) || (bind && opts[0]))
		return cmd_usage(ctx, "run: --mount '%s': keys of another type", arg);
	if (o->nmount_args == HK_ARRAY_SIZE(o->mount_args))
		return cmd_usage(ctx, "run: too many --mount options");
	char *w = NULL;
	if (asprintf(&w, bind ? "%s:%s%s" : "%s%s%s", bind ? src : dst,
		     bind ? dst : (opts[0] ? ":" : ""), bind ? (ro ? ":ro" : "") : opts) < 0)
		return hk_err_sys(&ctx->err, -ENOMEM, "run");
	o->mount_args[o->nmount_args++] = w;
	return bind ? parse_volume(ctx, o, w)
		    : hk_runsec_set(&o->sec, HK_RUNSEC_TMPFS, w, &ctx->err);
}

enum {
	OPT_NAME = 0x100,
	OPT_HOSTNAME,
	OPT_RM,
	OPT_NET,
	OPT_ROOTFS,
	OPT_PULL,
	OPT_RESTART,
	OPT_STOP_SIGNAL,
	OPT_STOP_TIMEOUT,
	OPT_ENTRYPOINT,
	OPT_ENV_FILE,
	OPT_ULIMIT,
	OPT_DEVICE,
	OPT_SYSCTL,
	OPT_SHM_SIZE,
	OPT_CIDFILE,
	OPT_INIT,
	OPT_MOUNT,
};

/* Every option of hako run. The values of the network options are taken by cmd_netrun.c,
 * those of the isolation options by runsec.c. */
static const char run_shortopts[] = "+:dite:w:v:p:m:u:l:P";
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
	{ "restart", required_argument, NULL, OPT_RESTART },
	{ "stop-signal", required_argument, NULL, OPT_STOP_SIGNAL },
	{ "stop-timeout", required_argument, NULL, OPT_STOP_TIMEOUT },
	{ "entrypoint", required_argument, NULL, OPT_ENTRYPOINT },
	{ "env-file", required_argument, NULL, OPT_ENV_FILE },
	{ "label", required_argument, NULL, 'l' },
	{ "ulimit", required_argument, NULL, OPT_ULIMIT },
	{ "device", required_argument, NULL, OPT_DEVICE },
	{ "sysctl", required_argument, NULL, OPT_SYSCTL },
	{ "shm-size", required_argument, NULL, OPT_SHM_SIZE },
	{ "cidfile", required_argument, NULL, OPT_CIDFILE },
	{ "init", no_argument, NULL, OPT_INIT },
	{ "mount", required_argument, NULL, OPT_MOUNT },
	/* hako networks (cmd_netrun.c) */
	{ "ip", required_argument, NULL, NETRUN_IP },
	{ "publish", required_argument, NULL, NETRUN_PUBLISH },
	{ "network-alias", required_argument, NULL, NETRUN_ALIAS },
	{ "alias", required_argument, NULL, NETRUN_ALIAS },
	{ "publish-all", no_argument, NULL, NETRUN_PUBLISH_ALL },
	{ "dns", required_argument, NULL, NETRUN_DNS },
	{ "dns-search", required_argument, NULL, NETRUN_DNS_SEARCH },
	{ "dns-option", required_argument, NULL, NETRUN_DNS_OPTION },
	{ "add-host", required_argument, NULL, NETRUN_ADD_HOST },
	{ "expose", required_argument, NULL, NETRUN_EXPOSE },
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
	case OPT_RESTART:
		snprintf(o->restart_arg, sizeof(o->restart_arg), "%s", v);
		return hk_restart_parse(v, &o->restart, &ctx->err) < 0
			       ? hk_err_prefix(&ctx->err, "%s", o->verb)
			       : 0;
	case OPT_ENTRYPOINT:
		o->image.entrypoint = v;
		return 0;
	case OPT_ENV_FILE:
		return env_file(ctx, o, v);
	case 'l':
		return flag_r(ctx, o, hk_runflags_label(&o->flags, v, &ctx->err));
	case OPT_ULIMIT:
		return flag_r(ctx, o, hk_runflags_ulimit(&o->flags, v, &ctx->err));
	case OPT_DEVICE:
		return flag_r(ctx, o, hk_runflags_device(&o->flags, v, &ctx->err));
	case OPT_SYSCTL:
		return flag_r(ctx, o, hk_runflags_sysctl(&o->flags, v, &ctx->err));
	case OPT_SHM_SIZE:
		return flag_r(ctx, o, hk_runflags_shm(&o->flags, v, &ctx->err));
	case OPT_MOUNT:
		return parse_mount(ctx, o, v);
	case OPT_CIDFILE:
		if (o->reuse)
			return 0; /* written once, at create */
		if (access(v, F_OK) == 0)
			return cmd_usage(ctx,
					 "%s: --cidfile '%s': the file exists (another container's "
					 "id?): remove it first",
					 o->verb, v);
		o->cidfile = v;
		return 0;
	case OPT_INIT:
		return 0; /* hako's own init is always the container's PID 1 (docs) */
	case OPT_STOP_SIGNAL:
		if (!(o->stop_signal = ct_signal(v)))
			return cmd_usage(ctx, "%s: --stop-signal: unknown signal '%s'", o->verb, v);
		return 0;
	case OPT_STOP_TIMEOUT: {
		uint32_t t;
		if (!strcmp(v, "-1"))
			t = (uint32_t)-1;
		else if (hk_parse_u32(v, 0, 3600, &t, "--stop-timeout", &ctx->err) < 0)
			return hk_err_prefix(&ctx->err, "%s", o->verb);
		o->stop_timeout = (int)t;
		return 0;
	}
	case NETRUN_PUBLISH:
	case NETRUN_IP:
	case NETRUN_ALIAS:
	case NETRUN_PUBLISH_ALL:
	case NETRUN_DNS ... NETRUN_EXPOSE:
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
	int c, r = cmd_getopt_init(ctx, &g, o->verb, run_shortopts, run_longopts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&g)) != -1)
		r = set_opt(ctx, &g, o, c, optarg);
	return r < 0 ? r : g.rest;
}

/* --network container:NAME: the namespace of a running container, and its resolv.conf. */
static int net_of_container(struct hk_ctx *ctx, struct run_opts *o, const char *name)
{
	struct hk_paths p;
	struct hk_ct_row c;
	int r = ct_get(ctx, name, &p, &c);
	if (r < 0)
		return hk_err_prefix(&ctx->err, "run: --network container:%s", name);
	bool running = !strcmp(c.state, HK_CT_RUNNING);
	hk_ct_nsdir(&p, c.id, o->netns_path, sizeof(o->netns_path));
	strncat(o->netns_path, "/net", sizeof(o->netns_path) - strlen(o->netns_path) - 1);
	hk_network_ct_resolv(&p, c.id, o->resolv, sizeof(o->resolv));
	hk_ct_row_free(&c);
	if (!running)
		return cmd_usage(ctx, "run: --network container:%s: it is not running", name);
	o->spec.net = HK_NET_NETNS;
	o->spec.netns = o->netns_path;
	return 0;
}

static int parse_net(struct hk_ctx *ctx, struct run_opts *o)
{
	if (!o->net[0])
		strcpy(o->net, "bridge"); /* Docker's default: the default network */
	if (!strncmp(o->net, "container:", 10)) {
		int r = net_of_container(ctx, o, o->net + 10);
		if (r < 0)
			return r;
	} else if (!strcmp(o->net, "new")) {
		strcpy(o->net, "new");
		o->spec.net = HK_NET_NEW;
	} else if (!strcmp(o->net, "none")) {
		o->spec.net = HK_NET_NONE;
	} else if (!strcmp(o->net, "host")) {
		o->spec.net = HK_NET_HOST;
		if (o->netrun.n_ports || o->netrun.publish_all) /* as Docker: said, then run */
			fprintf(stderr, "hako: warning: published ports are discarded with "
					"--network host\n");
		o->netrun.n_ports = 0;
		o->netrun.publish_all = false;
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
	/* without a hako network, --dns and --dns-search go straight into resolv.conf */
	const struct hk_dns_conf *d = netrun_dns(&o->netrun);
	if (!o->netrun.net[0] && d && o->spec.net != HK_NET_NETNS)
		hk_network_resolv_text(d, false, o->resolv, sizeof(o->resolv), NULL);
	return netrun_check(ctx, &o->netrun);
}

static int parse(struct hk_ctx *ctx, struct run_opts *o, int argc, char **argv)
{
	int i = parse_opts(ctx, o, argc, argv);
	if (i < 0)
		return i;
	o->argc = argc;
	o->argv = argv;
	o->image_at = -1;
	if (!o->rootfs_arg && i < argc) {
		o->image_at = i;
		o->image.ref = argv[i++];
	}
	if (!o->rootfs_arg && !o->image.ref)
		return cmd_usage(ctx, "%s: expected IMAGE or --rootfs DIR", o->verb);
	for (size_t k = 0; k < o->nenvfile; k++) { /* -e wins over --env-file */
		const char *kv = o->envfile[k];
		size_t kl = (size_t)(strchr(kv, '=') - kv) + 1;
		bool set = false;
		for (size_t j = 0; j < o->nenv && !set; j++)
			set = !strncmp(o->env[j], kv, kl);
		if (!set && set_env(ctx, o, kv) < 0)
			return -EINVAL;
	}
	if (o->rootfs_arg && hk_ct_spec_rootfs(&o->spec, o->rootfs_arg, o->rootfs, &ctx->err) < 0)
		return hk_err_prefix(&ctx->err, "run");
	if (i >= argc && !o->image.ref && !(o->image.entrypoint && o->image.entrypoint[0]))
		return cmd_usage(ctx, "%s: missing command; hako %s --rootfs DIR -- CMD [ARGS...]",
				 o->verb, o->verb);
	if (!o->image.ref && o->image.entrypoint) { /* --rootfs: ENTRYPOINT CMD... */
		o->ep_argv = calloc((size_t)(argc - i) + 2, sizeof(char *));
		if (!o->ep_argv)
			return hk_err_sys(&ctx->err, -ENOMEM, "%s", o->verb);
		size_t k = 0;
		if (o->image.entrypoint[0])
			o->ep_argv[k++] = (char *)o->image.entrypoint;
		for (int j = i; j < argc; j++)
			o->ep_argv[k++] = argv[j];
		if (!k)
			return cmd_usage(ctx, "%s: --entrypoint '' with no command", o->verb);
		o->spec.argv = o->ep_argv;
	}
	if (o->restart.mode != HK_RESTART_NO && o->rm)
		return cmd_usage(ctx, "%s: conflicting options: --restart %s and --rm", o->verb,
				 o->restart_arg);
	if (o->reuse && o->foreground) { /* start -a -i: in this process, stdin attached */
		o->spec.detach = false;
		o->spec.interactive = true;
	} else if (o->reuse || o->restart.mode != HK_RESTART_NO) {
		/* a monitor of its own (start, a restart policy): detached, no terminal; run
		 * without -d follows its output (hk_ct_follow) */
		if (!o->reuse && !o->spec.detach && (o->spec.tty || o->spec.interactive))
			return cmd_usage(ctx,
					 "%s: -i and -t with --restart are not supported "
					 "(the monitor keeps the output in the log): use -d "
					 "and hako attach",
					 o->verb);
		o->follow = !o->reuse && !o->spec.detach && !o->create;
		o->spec.detach = true;
		o->spec.tty = false;
		o->spec.interactive = false;
	}
	if (o->spec.detach && o->spec.tty)
		return cmd_usage(ctx, "run: -t with -d is not supported");
	if (!o->ep_argv)
		o->spec.argv = argv + i;
	o->spec.mounts = o->vols;
	int r = parse_net(ctx, o);
	if (r == 0 && hk_runflags_check(&o->flags, o->spec.net, &ctx->err) < 0)
		r = hk_err_prefix(&ctx->err, "%s", o->verb);
	if (r == 0)
		hk_runflags_apply(&o->flags, &o->spec, &o->sec.lim);
	return r < 0 ? r : hk_runsec_prepare(&o->sec, &o->spec, ctx->root, &ctx->err);
}

/* The options as given, IMAGE replaced by the image's id (a start uses the same image even
 * when the name was moved to another one since): a JSON array, malloc'ed. */
static char *args_json(const struct run_opts *o)
{
	struct json_object *a = json_object_new_array();
	int end = o->image_at >= 0 ? o->image_at : o->argc; /* the options end before IMAGE */
	/* --env-file's variables as read now (a start does not read the file again) */
	for (size_t k = 0; a && k < o->nenvfile; k++) {
		json_object_array_add(a, json_object_new_string("-e"));
		json_object_array_add(a, json_object_new_string(o->envfile[k]));
	}
	for (int i = 0; a && i < o->argc; i++) {
		const char *w = o->argv[i];
		if (i < end && (!strcmp(w, "--env-file") || !strcmp(w, "--cidfile"))) {
			i++; /* and its value */
			continue;
		}
		if (i < end && (!strncmp(w, "--env-file=", 11) || !strncmp(w, "--cidfile=", 10)))
			continue;
		if (!strcmp(w, "--"))
			end = i; /* the command's own words follow */
		json_object_array_add(a,
				      json_object_new_string(i == o->image_at ? o->image.id : w));
	}
	char *s = a ? strdup(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN)) : NULL;
	json_object_put(a);
	return s;
}

static int run_user_name(struct hk_ctx *ctx, struct hk_store *st, const struct hk_paths *paths,
			 struct run_opts *o)
{
	uid_t uid;
	gid_t gid;
	int r;
	if (o->image.ref) {
		struct hk_images *im = NULL;
		r = hk_images_open(paths->state, st, &im, &ctx->err);
		if (r == 0)
			r = hk_image_user(im, o->image.id, o->sec.user_name, &uid, &gid, &ctx->err);
		hk_images_close(im);
	} else {
		r = hk_ct_rootfs_user(o->spec.rootfs_fd, o->sec.user_name, &uid, &gid, &ctx->err);
	}
	if (r == 0)
		r = hk_runsec_set_user(&o->sec, uid, gid, &ctx->err);
	return r < 0 ? hk_err_prefix(&ctx->err, "%s", o->verb) : 0;
}

/* Resolve the rest (the image's config, the user, defaults): 0 or < 0. */
static int resolve(struct hk_ctx *ctx, struct run_opts *o, struct hk_store *st,
		   const struct hk_paths *paths)
{
	int r = 0;
	if (o->image.ref)
		r = run_image_defaults(ctx, st, &o->image, &o->spec, o->env, &o->nenv, MAX_ENV);
	if (r == 0 && o->image.ref)
		r = run_image_user(ctx, st, paths, &o->image, &o->sec);
	if (r == 0 && o->sec.user_name) /* --user NAME[:GROUP], in the container's /etc */
		r = run_user_name(ctx, st, paths, o);
	if (r == 0)
		r = netrun_publish_all(ctx, &o->netrun, o->image.exposed);
	if (r < 0)
		return r;
	r = hk_ct_spec_defaults(&o->spec, o->env, &o->nenv, MAX_ENV, &ctx->err);
	if (r == 0 && o->reuse) { /* the same container again */
		snprintf(o->spec.id, sizeof(o->spec.id), "%s", o->reuse_row.id);
		snprintf(o->spec.name, sizeof(o->spec.name), "%s", o->reuse_row.name);
	}
	return r;
}

/* --cidfile: the id, once the container exists (Docker's); a failure is said, not fatal. */
static void write_cidfile(const struct run_opts *o, const char *id)
{
	if (!o->cidfile || o->reuse)
		return;
	int fd = open(o->cidfile, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 || write(fd, id, strlen(id)) != (ssize_t)strlen(id))
		fprintf(stderr, "hako: %s: --cidfile '%s': %s\n", o->verb, o->cidfile,
			strerror(errno));
	if (fd >= 0)
		close(fd);
}

/* Let the library create the container (hk_ct_create) and start it. On failure every trace
 * is removed (a start: the row is put back as it was); *ret_status is 126/127 when the
 * command could not be executed. */
static int start(struct hk_ctx *ctx, struct run_opts *o, struct hk_ct_run *x, int *ret_status)
{
	int r = ct_open(ctx, &x->paths, &x->st);
	if (r == 0)
		r = resolve(ctx, o, x->st, &x->paths);
	if (r < 0)
		return r;
	struct hk_ct_config_sec sec;
	hk_runsec_config(&o->sec, &sec);
	struct hk_net_attach na;
	sigset_t fwd;
	hk_ct_fwd_sigset(&fwd);
	struct hk_ctlife_row life = { .stop_signal = o->stop_signal,
				      .stop_timeout = o->stop_timeout };
	snprintf(life.restart, sizeof(life.restart), "%s",
		 o->restart_arg[0] ? o->restart_arg : "no");
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
		.resolv_conf = o->resolv[0] ? o->resolv : NULL,
		.hosts_extra = o->netrun.add_hosts,
		.block =
			&fwd, /* the container exists: its signals are forwarded (hk_ct_wait_fwd) */
		.reuse = o->reuse ? &o->reuse_row : NULL,
		.life = o->reuse ? NULL : &life,
		.start_now = true,
	};
	if (!o->reuse && !(life.args = args_json(o)))
		return hk_err_sys(&ctx->err, -ENOMEM, "%s", o->verb);
	if (o->create) {
		c.block = NULL;
		r = hk_ct_create_record(&c, x, &ctx->err);
		free(life.args);
		if (r == 0)
			write_cidfile(o, x->row.id);
		return r;
	}
	r = hk_ct_create(&c, x, &ctx->err);
	free(life.args);
	if (r == 0)
		write_cidfile(o, x->row.id);
	if (c.attach)
		netrun_notes_out(&o->netrun, &x->notes);
	if (r == 0 && (!o->reuse || !o->addr[0]) && o->netrun.net[0] && !o->netrun.ip)
		hk_ct_keep_addr(x->st, o->netrun.net, x->row.id); /* its first start there */
	if (r == 0 && o->nets && (r = netrun_rejoin(ctx, x->st, &x->paths, &x->row, o->nets)) < 0)
		hk_ct_abort(x); /* the networks connected later: joined again, or no start */
	return r < 0 ? r : hk_ct_start(x, ret_status, &ctx->err);
}

/* -d: the monitor tells the caller how the start went: {status, err}. */
struct started {
	int status;
	struct hk_err err;
	char id[HK_CT_ID_LEN + 1];
};

/* One run of the container, up to its exit (recorded). *started: it ran at all. */
static int run(struct hk_ctx *ctx, struct run_opts *o, int result_fd, bool *started)
{
	struct hk_ct_run x;
	hk_ct_run_init(&x);
	int status = 0;
	*started = false;
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
	*started = true;
	/* the monitor of run -d or of a restart policy, which may live for months, does not
	 * hold the database open while the container runs; a foreground run keeps its
	 * connection (no second open and schema parse at exit: an idle WAL connection holds
	 * no lock) */
	if (result_fd >= 0 || o->monitored) {
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
	/* the exit is recorded here or nowhere (a reconcile would record -1): a database
	 * busy past its timeout under load is tried again */
	for (int t = 0; hk_ct_end(&x, code, &ctx->err) == -EBUSY && t < 10; t++)
		usleep(200000);
	hk_ct_run_free(&x);
	return code;
}

static void opts_free(struct run_opts *o)
{
	for (size_t i = 0; i < o->nmount_args; i++)
		free(o->mount_args[i]);
	for (size_t i = 0; i < o->nenv; i++)
		free(o->env[i]);
	hk_ct_spec_close_fds(&o->spec);
	run_image_free(&o->image);
	hk_runsec_free(&o->sec);
	hk_runflags_free(&o->flags);
	for (size_t i = 0; i < o->nenvfile; i++)
		free(o->envfile[i]);
	free(o->ep_argv);
	free(o->nets);
	if (o->owned_argv) {
		for (int i = 0; i < o->argc; i++)
			free(o->argv[i]);
		free(o->argv);
	}
	free(o);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* After an exit: should the policy start it again (hk_ct_restart_due: it is "restarting"
 * meanwhile)? On true *ret is the row to start again. */
static bool restart_due(struct hk_ctx *ctx, const char *id, int code, int64_t ran_ms,
			struct hk_ct_row *ret)
{
	struct hk_paths p;
	struct hk_err e;
	if (hk_paths_init(&p, ctx->root, &e) < 0)
		return false;
	return hk_ct_restart_due(&p, id, code, ran_ms, ret, &e) > 0;
}

static int replay(struct hk_ctx *ctx, const struct hk_ct_row *row, bool foreground,
		  struct run_opts **ret);

/* The detached monitor: the container's runs, as its restart policy says. */
static int monitor(struct hk_ctx *ctx, struct run_opts *o, int result_fd)
{
	bool started;
	int64_t t0 = now_ms();
	o->monitored = true;
	int code = run(ctx, o, result_fd, &started);
	char id[HK_CT_ID_LEN + 1];
	snprintf(id, sizeof(id), "%s", o->spec.id);
	opts_free(o);
	struct hk_ct_row row;
	while (started && restart_due(ctx, id, code, now_ms() - t0, &row)) {
		struct run_opts *next = NULL;
		int r = -EBUSY;
		/* a busy database under load is waited out (the row is still ours) */
		for (int t = 0; r == -EBUSY && t < 10; t++) {
			if (t)
				usleep(300000);
			if (next)
				opts_free(next);
			next = NULL;
			hk_err_clear(&ctx->err);
			r = replay(ctx, &row, false, &next);
			if (r == 0) {
				t0 = now_ms();
				next->monitored = true;
				code = run(ctx, next, -1, &started);
				if (!started && ctx->err.code == -EBUSY)
					r = -EBUSY;
			}
		}
		if (r < 0 || !started) { /* it cannot start again: it stays exited */
			struct hk_paths p;
			struct hk_store *st;
			struct hk_err e;
			if (ct_open(ctx, &p, &st) == 0)
				hk_ct_finish(st, &row, &p, row.exit_code, &e);
			hk_store_close(st);
			started = false;
		}
		if (next)
			opts_free(next);
		hk_ct_row_free(&row);
	}
	return code;
}

/* Start o in a monitor process of its own (setsid); 0 once it started, its id in ret_id;
 * else the exit status (125, 126, 127), ctx->err saying why. */
static int detach(struct hk_ctx *ctx, struct run_opts *o, char ret_id[HK_CT_ID_LEN + 1])
{
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return hk_err_sys(&ctx->err, -errno, "pipe") ? HK_EXIT_HAKO : 0;
	netrun_keep_stderr(&o->netrun); /* the monitor's network notes still reach the user */
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return hk_err_sys(&ctx->err, -errno, "fork") ? HK_EXIT_HAKO : 0;
	if (pid == 0) {
		close(pfd[0]);
		setsid();
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		_exit(monitor(ctx, o, pfd[1]) & 0xff);
	}
	close(pfd[1]);
	struct started s;
	ssize_t k = read(pfd[0], &s, sizeof(s));
	close(pfd[0]);
	if (k != (ssize_t)sizeof(s)) {
		waitpid(pid, NULL, 0);
		hk_err_set(&ctx->err, -EIO, "%s: the monitor process died", o->verb);
		return HK_EXIT_HAKO;
	}
	if (s.status) {
		waitpid(pid, NULL, 0);
		ctx->err = s.err;
		return s.status;
	}
	snprintf(ret_id, HK_CT_ID_LEN + 1, "%s", s.id);
	return 0;
}

/* run --restart without -d: the monitor is detached (a kill of this process leaves the
 * policy working); its output copied here until the first exit, whose code is ours. */
static int follow(struct hk_ctx *ctx, const char *id)
{
	struct hk_paths p;
	struct hk_store *st;
	int code = HK_EXIT_HAKO;
	int r = ct_open(ctx, &p, &st);
	if (r == 0)
		r = hk_ct_follow(st, &p, id, NULL, STDOUT_FILENO, &code, &ctx->err);
	hk_store_close(st);
	if (r < 0)
		return ct_fail(ctx, HK_EXIT_HAKO);
	return code < 0 ? HK_EXIT_HAKO : code;
}

static int go(struct hk_ctx *ctx, struct run_opts *o)
{
	if (o->create) {
		struct hk_ct_run x;
		hk_ct_run_init(&x);
		int status = 0;
		int r = start(ctx, o, &x, &status);
		if (r == 0)
			printf("%s\n", x.row.id);
		hk_ct_run_free(&x);
		return r < 0 ? ct_fail(ctx, HK_EXIT_HAKO) : 0;
	}
	if (o->spec.detach) {
		char id[HK_CT_ID_LEN + 1];
		bool fol = o->follow;
		int r = detach(ctx, o, id);
		if (r > 0)
			return ct_fail(ctx, r);
		if (!fol)
			printf("%s\n", id);
		return fol ? follow(ctx, id) : 0;
	}
	bool started;
	int r = run(ctx, o, -1, &started);
	if (ctx->err.msg[0] && r >= HK_EXIT_HAKO && r <= HK_EXIT_NOTFOUND)
		ct_fail(ctx, r);
	return r;
}

static struct run_opts *opts_new(const char *verb)
{
	struct run_opts *o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	hk_ct_spec_init(&o->spec);
	o->image.lock = -1;
	o->verb = verb;
	o->stop_timeout = -1;
	return o;
}

static int run_or_create(struct hk_ctx *ctx, int argc, char **argv, const char *verb)
{
	struct run_opts *o = opts_new(verb);
	if (!o)
		return hk_err_sys(&ctx->err, -ENOMEM, "%s", verb);
	o->create = !strcmp(verb, "create");
	int r = parse(ctx, o, argc, argv);
	if (r < 0) {
		opts_free(o);
		return ct_fail(ctx, HK_EXIT_HAKO);
	}
	r = go(ctx, o);
	opts_free(o); /* a monitor (forked) frees its own copy */
	return r;
}

/* `hako run help` (the only word): the usage, as `hako GROUP VERB help` elsewhere, rather
 * than a pull of an image called "help" */
static bool help_word(int argc, char **argv, const char *verb)
{
	if (argc != 1 || strcmp(argv[0], "help"))
		return false;
	const char *syn = cmd_synopsis(verb), *opts = cmd_options(verb);
	printf("Usage:\n");
	for (const char *l = syn ? syn : verb; *l;) {
		size_t n = strcspn(l, "\n");
		printf("  %.*s\n", (int)n, l);
		l += n + (l[n] == '\n');
	}
	if (opts)
		printf("\n%s\n", opts);
	return true;
}

int cmd_ct_run(struct hk_ctx *ctx, int argc, char **argv)
{
	hk_stack_prefault(); /* the start's stack in one call (base/prefault.h) */
	return help_word(argc, argv, "run") ? 0 : run_or_create(ctx, argc, argv, "run");
}

int cmd_ct_create(struct hk_ctx *ctx, int argc, char **argv)
{
	return help_word(argc, argv, "create") ? 0 : run_or_create(ctx, argc, argv, "create");
}

/* The stored options of row, parsed again for a start of the same container. */
static int replay(struct hk_ctx *ctx, const struct hk_ct_row *row, bool foreground,
		  struct run_opts **ret)
{
	struct hk_paths p;
	struct hk_store *st;
	struct hk_ctlife_row life;
	int r = ct_open(ctx, &p, &st);
	if (r == 0 && (r = hk_ctlife_get(st, row->id, &life, &ctx->err)) == -ENOENT)
		r = hk_err_usage(&ctx->err,
				 "container '%s' was not made by hako run or create (no stored "
				 "options): it cannot be started again",
				 row->name);
	hk_store_close(st);
	if (r < 0)
		return r;
	struct run_opts *o = opts_new("start");
	struct json_object *a = json_tokener_parse(life.args);
	size_t n =
		a && json_object_get_type(a) == json_type_array ? json_object_array_length(a) : 0;
	if (o)
		o->argv = calloc(n + 1, sizeof(char *));
	if (!o || !o->argv) {
		json_object_put(a);
		hk_ctlife_row_free(&life);
		if (o)
			opts_free(o);
		return hk_err_sys(&ctx->err, -ENOMEM, "start");
	}
	o->owned_argv = true;
	for (size_t i = 0; i < n; i++)
		o->argv[o->argc++] =
			strdup(json_object_get_string(json_object_array_get_idx(a, i)));
	json_object_put(a);
	o->reuse = true;
	o->foreground = foreground;
	o->reuse_row = *row;
	o->reuse_row.rootfs = o->reuse_row.command = o->reuse_row.config = NULL;
	snprintf(o->addr, sizeof(o->addr), "%s", life.addr);
	o->nets = life.nets && strcmp(life.nets, "[]") ? strdup(life.nets) : NULL;
	hk_ctlife_row_free(&life);
	int argc = o->argc;
	char **argv = o->argv;
	r = parse(ctx, o, argc, argv);
	o->argc = argc;
	o->argv = argv;
	/* limits changed by hako update since the run (stored in its config) */
	if (r == 0)
		hk_ct_config_limits_get(row->config, &o->sec.lim);
	/* the same image (its id is stored), never pulled again; the same address */
	o->image.pull = RUN_PULL_NEVER;
	snprintf(o->spec.name, sizeof(o->spec.name), "%s", row->name);
	snprintf(o->spec.hostname, sizeof(o->spec.hostname), "%s", row->hostname);
	if (r == 0 && o->netrun.net[0] && !o->netrun.ip && o->addr[0]) {
		o->netrun.ip = o->addr; /* not a --ip of the user's: another one if taken */
		struct hk_paths p2;
		struct hk_store *st2;
		if (ct_open(ctx, &p2, &st2) == 0 &&
		    hk_ct_addr_taken(st2, o->netrun.net, o->addr, row->id)) {
			/* its old address went to another container while it was stopped: a
			 * new one (Docker's), recorded for the next start */
			fprintf(stderr,
				"hako: container %s: its address %s is taken now; it gets "
				"another\n",
				row->name, o->addr);
			o->netrun.ip = NULL;
			o->addr[0] = 0;
		}
		hk_store_close(st2); /* before any fork */
	}
	if (r < 0) {
		opts_free(o);
		return r;
	}
	*ret = o;
	return 0;
}

int run_start(struct hk_ctx *ctx, const struct hk_ct_row *row, bool foreground, int *ret_code)
{
	struct run_opts *o = NULL;
	*ret_code = 0;
	int r = replay(ctx, row, foreground, &o);
	if (r < 0)
		return r;
	struct hk_paths p;
	struct hk_store *st;
	struct hk_err e;
	if (ct_open(ctx, &p, &st) == 0) { /* a start by a user: the policy counts anew */
		hk_ctlife_set_stopped(st, row->id, false, &e);
		hk_ctlife_set_restarts(st, row->id, 0, &e);
	}
	hk_store_close(st);
	if (foreground) {
		bool started;
		*ret_code = run(ctx, o, -1, &started);
		opts_free(o);
		return started ? 0 : ctx->err.code < 0 ? ctx->err.code : -EIO;
	}
	char id[HK_CT_ID_LEN + 1];
	r = detach(ctx, o, id);
	opts_free(o);
	*ret_code = r;
	return r == 0 ? 0 : ctx->err.code < 0 ? ctx->err.code : -EIO;
}
