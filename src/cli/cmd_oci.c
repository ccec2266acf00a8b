// SPDX-License-Identifier: MIT
/*
 * hako oci: the OCI runtime with runc's command line (src/lib/oci/ociruntime.h). Also what
 * the binary is when invoked as `hako-runtime` (main.c): a runc replacement for podman,
 * containerd and the runtime-tools validation suite.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/human.h"
#include "base/parse.h"
#include "caps.h"
#include "cglimits.h"
#include "cmd.h"
#include "ct.h"
#include "ociconfig.h"
#include "ociruntime.h"
#include "out.h"

/* runc's global options, before the verb */
static struct {
	const char *root;
	const char *log;
	bool log_json;
} g;

static int one_id(struct hk_ctx *ctx, const char *verb, int argc, char **argv, int i)
{
	if (i >= argc)
		return cmd_usage(ctx, "oci %s: missing container id", verb);
	if (i + 1 < argc)
		return cmd_usage(ctx, "oci %s: unexpected argument '%s'", verb, argv[i + 1]);
	return i;
}

static int print_json(struct json_object *o)
{
	int r = out_json_print(o);
	return r;
}

enum { OPT_PID_FILE = 0x100, OPT_CONSOLE, OPT_PRESERVE, OPT_NO_PIVOT, OPT_NO_KEYRING, OPT_CONFIG };

/* create and run: the options and the id; ret_detach for run's -d. */
static int parse_create(struct hk_ctx *ctx, const char *verb, int argc, char **argv,
			struct hk_oci_create_opts *o, const char **id)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "pid-file", required_argument, NULL, OPT_PID_FILE },
		{ "console-socket", required_argument, NULL, OPT_CONSOLE },
		{ "preserve-fds", required_argument, NULL, OPT_PRESERVE },
		{ "detach", no_argument, NULL, 'd' },
		{ "no-pivot", no_argument, NULL, OPT_NO_PIVOT },
		{ "no-new-keyring", no_argument, NULL, OPT_NO_KEYRING },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{},
	};
	char name[32];
	snprintf(name, sizeof(name), "oci %s", verb);
	_cleanup_(cmd_getopt_free) struct cmd_getopt gg = {};
	int c, r = cmd_getopt_init(ctx, &gg, name, "+:b:d", opts, argc, argv);
	uint32_t n;
	while (r == 0 && (c = cmd_getopt_next(&gg)) != -1) {
		switch (c) {
		case 'b':
			o->bundle = optarg;
			break;
		case OPT_PID_FILE:
			o->pid_file = optarg;
			break;
		case OPT_CONSOLE:
			o->console_socket = optarg;
			break;
		case OPT_PRESERVE:
			r = hk_parse_u32(optarg, 0, 1024, &n, "--preserve-fds", &ctx->err);
			o->preserve_fds = (int)n;
			break;
		case 'd':
			if (strcmp(verb, "run"))
				return cmd_getopt_bad(ctx, &gg, '?');
			o->detach = true;
			break;
		case OPT_NO_PIVOT:
			return cmd_usage(ctx, "oci %s: --no-pivot: hako always pivots the root",
					 verb);
		case OPT_CONFIG:
			o->config = optarg;
			break;
		case OPT_NO_KEYRING:
			break; /* hako always gives a container a session keyring of its own */
		default:
			return cmd_getopt_bad(ctx, &gg, c);
		}
	}
	if (r < 0)
		return r;
	int i = one_id(ctx, verb, argc, argv, gg.rest);
	if (i < 0)
		return i;
	*id = argv[i];
	const char *ns = getenv("NOTIFY_SOCKET"); /* sd_notify through the runtime */
	o->notify_socket = ns && ns[0] ? ns : NULL;
	/* socket activation (sd_listen_fds(3)): LISTEN_FDS for this process (LISTEN_PID unset
	 * or ours), as runc and crun take it */
	const char *lf = getenv("LISTEN_FDS"), *lp = getenv("LISTEN_PID");
	char me[24];
	snprintf(me, sizeof(me), "%d", (int)getpid());
	if (lf && (!lp || !strcmp(lp, me))) {
		int e = hk_parse_u32(lf, 0, 1024, &n, "LISTEN_FDS", &ctx->err);
		if (e < 0)
			return e;
		if ((int)n + o->preserve_fds > 1024)
			return cmd_usage(ctx,
					 "oci %s: --preserve-fds %d with LISTEN_FDS %u: more than "
					 "1024 descriptors",
					 verb, o->preserve_fds, n);
		o->listen_fds = (int)n;
	}
	return 0;
}

static int oci_create(struct hk_ctx *ctx, int argc, char **argv)
{
	struct hk_oci_create_opts o = {};
	const char *id;
	int r = parse_create(ctx, "create", argc, argv, &o, &id);
	return r < 0 ? r : hk_oci_create(g.root, id, &o, &ctx->err);
}

static int oci_run(struct hk_ctx *ctx, int argc, char **argv)
{
	struct hk_oci_create_opts o = {};
	const char *id;
	int status = 0, r = parse_create(ctx, "run", argc, argv, &o, &id);
	if (r == 0)
		r = hk_oci_run(g.root, id, &o, &status, &ctx->err);
	return r < 0 ? r : status;
}

/* Verbs whose only operand is the id and that take no option. */
static int id_only(struct hk_ctx *ctx, const char *verb, int argc, char **argv)
{
	static const struct option opts[] = { {} };
	char name[32];
	snprintf(name, sizeof(name), "oci %s", verb);
	_cleanup_(cmd_getopt_free) struct cmd_getopt gg = {};
	int c, r = cmd_getopt_init(ctx, &gg, name, "+:", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&gg)) != -1)
		return cmd_getopt_bad(ctx, &gg, c);
	return r < 0 ? r : one_id(ctx, verb, argc, argv, gg.rest);
}

enum { E_PID_FILE = 0x100, E_CONSOLE, E_CWD, E_NNP, E_PRESERVE };

/* A boolean flag's value as runc (Go's strconv.ParseBool) takes it. */
static int parse_go_bool(const char *s, bool *ret)
{
	static const char *const on[] = { "1", "t", "T", "true", "TRUE", "True" };
	static const char *const off[] = { "0", "f", "F", "false", "FALSE", "False" };
	for (size_t i = 0; i < HK_ARRAY_SIZE(on); i++) {
		if (!strcmp(s, on[i]) || !strcmp(s, off[i])) {
			*ret = !strcmp(s, on[i]);
			return 0;
		}
	}
	return -EINVAL;
}

static int oci_exec(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "process", required_argument, NULL, 'p' },
		{ "detach", no_argument, NULL, 'd' },
		{ "tty", no_argument, NULL, 't' },
		{ "pid-file", required_argument, NULL, E_PID_FILE },
		{ "console-socket", required_argument, NULL, E_CONSOLE },
		{ "cwd", required_argument, NULL, E_CWD },
		{ "env", required_argument, NULL, 'e' },
		{ "user", required_argument, NULL, 'u' },
		{ "no-new-privs", optional_argument, NULL, E_NNP },
		{ "preserve-fds", required_argument, NULL, E_PRESERVE },
		{ "cap", required_argument, NULL, 'c' },
		{},
	};
	struct hk_oci_exec_opts o = {};
	char *env[65] = {};
	size_t ne = 0;
	_cleanup_(cmd_getopt_free) struct cmd_getopt gg = {};
	int c, r = cmd_getopt_init(ctx, &gg, "oci exec", "+:p:dte:u:c:", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&gg)) != -1) {
		switch (c) {
		case 'p':
			o.process = optarg;
			break;
		case 'd':
			o.detach = true;
			break;
		case 't':
			o.tty = true;
			break;
		case E_PID_FILE:
			o.pid_file = optarg;
			break;
		case E_CONSOLE:
			o.console_socket = optarg;
			break;
		case E_CWD:
			o.cwd = optarg;
			break;
		case 'e':
			if (ne == 64 || !strchr(optarg, '='))
				return cmd_usage(ctx,
						 "oci exec: -e '%s': expected KEY=VALUE (64 at "
						 "most)",
						 optarg);
			env[ne++] = optarg;
			break;
		case 'u': {
			unsigned uid, gid = 0;
			char extra;
			int k = sscanf(optarg, "%u:%u%c", &uid, &gid, &extra);
			if (k != 1 && k != 2)
				return cmd_usage(ctx, "oci exec: --user '%s': expected UID[:GID]",
						 optarg);
			o.user_set = true;
			o.uid = uid;
			o.gid = gid;
			break;
		}
		case 'c': {
			unsigned cap;
			struct hk_err e2;
			if (strncmp(optarg, "CAP_", 4) || hk_cap_parse(optarg, &cap, &e2) < 0)
				fprintf(stderr,
					"hako: warning: oci exec: --cap '%s' is not a capability "
					"this "
					"kernel knows: ignored\n",
					optarg);
			else
				o.caps_add |= HK_CAP_BIT(cap);
			break;
		}
		case E_NNP: { /* runc's boolean flag: --no-new-privs, --no-new-privs=false */
			bool v = true;
			if (optarg && parse_go_bool(optarg, &v) < 0)
				return cmd_usage(ctx,
						 "oci exec: --no-new-privs='%s': expected true or "
						 "false",
						 optarg);
			o.no_new_privs = v ? 1 : -1;
			break;
		}
		case E_PRESERVE: {
			uint32_t n;
			r = hk_parse_u32(optarg, 0, 1024, &n, "--preserve-fds", &ctx->err);
			o.preserve_fds = (int)n;
			break;
		}
		default:
			return cmd_getopt_bad(ctx, &gg, c);
		}
	}
	if (r < 0)
		return r;
	int i = gg.rest;
	if (i >= argc)
		return cmd_usage(ctx, "oci exec: missing container id");
	const char *id = argv[i++];
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (!o.process && i >= argc)
		return cmd_usage(ctx, "oci exec: a command or --process FILE is required");
	o.argv = i < argc ? argv + i : NULL;
	o.env = env;
	int status = 0;
	r = hk_oci_exec(g.root, id, &o, &status, &ctx->err);
	if (r < 0 && status)
		return ct_fail(ctx, status); /* could not be executed: why, and runc's status */
	return r < 0 ? r : status;
}

static int oci_start(struct hk_ctx *ctx, int argc, char **argv)
{
	int i = id_only(ctx, "start", argc, argv);
	const char *ns = getenv("NOTIFY_SOCKET"); /* READY=1 relayed there (ocinotify.h) */
	return i < 0 ? i : hk_oci_start(g.root, argv[i], ns && ns[0] ? ns : NULL, &ctx->err);
}

static int oci_pause(struct hk_ctx *ctx, int argc, char **argv)
{
	int i = id_only(ctx, "pause", argc, argv);
	return i < 0 ? i : hk_oci_pause(g.root, argv[i], true, &ctx->err);
}

static int oci_resume(struct hk_ctx *ctx, int argc, char **argv)
{
	int i = id_only(ctx, "resume", argc, argv);
	return i < 0 ? i : hk_oci_pause(g.root, argv[i], false, &ctx->err);
}

static int oci_state(struct hk_ctx *ctx, int argc, char **argv)
{
	int i = id_only(ctx, "state", argc, argv);
	struct json_object *o;
	if (i < 0)
		return i;
	int r = hk_oci_state(g.root, argv[i], &o, &ctx->err);
	return r < 0 ? r : print_json(o);
}

static int oci_kill(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = { { "all", no_argument, NULL, 'a' }, {} };
	_cleanup_(cmd_getopt_free) struct cmd_getopt gg = {};
	bool all = false;
	int c, r = cmd_getopt_init(ctx, &gg, "oci kill", "+:a", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&gg)) != -1) {
		if (c != 'a')
			return cmd_getopt_bad(ctx, &gg, c);
		all = true;
	}
	if (r < 0)
		return r;
	int i = gg.rest;
	if (i >= argc)
		return cmd_usage(ctx, "oci kill: missing container id");
	int sig = SIGTERM;
	if (i + 1 < argc && !(sig = ct_signal(argv[i + 1])))
		return cmd_usage(ctx, "oci kill: unknown signal '%s'", argv[i + 1]);
	if (i + 2 < argc)
		return cmd_usage(ctx, "oci kill: unexpected argument '%s'", argv[i + 2]);
	return hk_oci_kill(g.root, argv[i], sig, all, &ctx->err);
}

static int oci_delete(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = { { "force", no_argument, NULL, 'f' },
					      { "regex", no_argument, NULL, 'r' },
					      {} };
	_cleanup_(cmd_getopt_free) struct cmd_getopt gg = {};
	bool force = false, regex = false;
	int c, r = cmd_getopt_init(ctx, &gg, "oci delete", "+:fr", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&gg)) != -1) {
		if (c == 'f')
			force = true;
		else if (c == 'r')
			regex = true;
		else
			return cmd_getopt_bad(ctx, &gg, c);
	}
	if (r < 0)
		return r;
	if (gg.rest >= argc)
		return cmd_usage(ctx, "oci delete: missing container id");
	if (regex && gg.rest + 1 != argc)
		return cmd_usage(ctx, "oci delete --regex: one regular expression");
	if (regex)
		return hk_oci_delete_regex(g.root, argv[gg.rest], force, &ctx->err);
	for (int i = gg.rest; r == 0 && i < argc; i++)
		r = hk_oci_delete(g.root, argv[i], force, &ctx->err);
	return r;
}

/* --format table|json */
static int parse_format(struct hk_ctx *ctx, const char *v, bool *json)
{
	if (!strcmp(v, "json"))
		*json = true;
	else if (!strcmp(v, "table"))
		*json = false;
	else
		return cmd_usage(ctx, "oci: --format '%s': expected table or json", v);
	return 0;
}

static int oci_list(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = { { "format", required_argument, NULL, 'f' },
					      { "quiet", no_argument, NULL, 'q' },
					      {} };
	_cleanup_(cmd_getopt_free) struct cmd_getopt gg = {};
	bool json = ctx->json, quiet = false;
	int c, r = cmd_getopt_init(ctx, &gg, "oci list", "+:f:q", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&gg)) != -1) {
		if (c == 'f')
			r = parse_format(ctx, optarg, &json);
		else if (c == 'q')
			quiet = true;
		else
			return cmd_getopt_bad(ctx, &gg, c);
	}
	if (r == 0 && gg.rest < argc)
		return cmd_usage(ctx, "oci list: unexpected argument '%s'", argv[gg.rest]);
	struct json_object *a;
	if (r < 0 || (r = hk_oci_list(g.root, &a, &ctx->err)) < 0)
		return r;
	if (json)
		return print_json(a);
	enum { L_ID, L_PID, L_STATUS, L_BUNDLE, L_CREATED };
	static const struct out_col cols[] = { { "ID", "id", false, false },
					       { "PID", "pid", true, false },
					       { "STATUS", "status", false, false },
					       { "BUNDLE", "bundle", false, false },
					       { "CREATED", "created", false, false } };
	struct out_table *t = out_table_new(cols, HK_ARRAY_SIZE(cols));
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *s = json_object_array_get_idx(a, i), *v;
		if (quiet) {
			json_object_object_get_ex(s, "id", &v);
			printf("%s\n", json_object_get_string(v));
			continue;
		}
		out_row(t);
		static const char *const keys[] = { "id", "pid", "status", "bundle", "created" };
		for (int k = 0; k < 5; k++)
			if (json_object_object_get_ex(s, keys[k], &v) && v)
				out_str(t, k, json_object_get_string(v));
	}
	if (!quiet)
		r = out_table_print(t, false, false);
	out_table_free(t);
	json_object_put(a);
	return r;
}

static int oci_ps(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = { { "format", required_argument, NULL, 'f' }, {} };
	_cleanup_(cmd_getopt_free) struct cmd_getopt gg = {};
	bool json = ctx->json;
	int c, r = cmd_getopt_init(ctx, &gg, "oci ps", "+:f:", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&gg)) != -1) {
		if (c != 'f')
			return cmd_getopt_bad(ctx, &gg, c);
		r = parse_format(ctx, optarg, &json);
	}
	if (r < 0)
		return r;
	int i = one_id(ctx, "ps", argc, argv, gg.rest);
	int *pids;
	size_t n;
	if (i < 0 || (r = hk_oci_pids(g.root, argv[i], &pids, &n, &ctx->err)) < 0)
		return i < 0 ? i : r;
	if (json) {
		struct json_object *a = json_object_new_array();
		for (size_t k = 0; k < n; k++)
			json_object_array_add(a, json_object_new_int(pids[k]));
		r = print_json(a);
	} else {
		printf("PID\n");
		for (size_t k = 0; k < n; k++)
			printf("%d\n", pids[k]);
	}
	free(pids);
	return r;
}

static int oci_spec(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = { { "bundle", required_argument, NULL, 'b' }, {} };
	_cleanup_(cmd_getopt_free) struct cmd_getopt gg = {};
	const char *bundle = ".";
	int c, r = cmd_getopt_init(ctx, &gg, "oci spec", "+:b:", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&gg)) != -1) {
		if (c != 'b')
			return cmd_getopt_bad(ctx, &gg, c);
		bundle = optarg;
	}
	if (r == 0 && gg.rest < argc)
		return cmd_usage(ctx, "oci spec: unexpected argument '%s'", argv[gg.rest]);
	if (r < 0)
		return r;
	char path[4096];
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return errno == EEXIST
			       ? cmd_usage(ctx, "oci spec: %s exists: remove it first", path)
			       : hk_err_sys(&ctx->err, -errno, "oci spec: %s", path);
	struct json_object *o = hk_oci_config_default();
	const char *text = json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (write(fd, text, strlen(text)) < 0 || write(fd, "\n", 1) < 0)
		r = hk_err_sys(&ctx->err, -errno, "oci spec: write %s", path);
	json_object_put(o);
	return r;
}

static int oci_features(struct hk_ctx *ctx, int argc, char **argv)
{
	if (argc > 0)
		return cmd_usage(ctx, "oci features: unexpected argument '%s'", argv[0]);
	return print_json(hk_oci_features());
}

/* an integer option value: min .. INT64_MAX, or -1 when minus_one */
static int parse_i64(struct hk_ctx *ctx, const char *opt, const char *s, int64_t min,
		     bool minus_one, int64_t *ret)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end || (v < min && !(minus_one && v == -1)))
		return cmd_usage(ctx, "oci update: %s '%s': expected an integer%s", opt, s,
				 minus_one ? " (-1: unlimited)" : "");
	*ret = v;
	return 0;
}

/* --resources FILE|-: a linux.resources object */
static int read_resources(struct hk_ctx *ctx, const char *file, struct hk_cglimits *l)
{
	struct json_object *o;
	if (!strcmp(file, "-")) {
		char *text = NULL;
		size_t cap = 0, n = 0;
		for (;;) {
			if (n + 4096 + 1 > cap) {
				char *t = realloc(text, cap = cap ? cap * 2 : 8192);
				if (!t) {
					free(text);
					return hk_err_sys(&ctx->err, -ENOMEM, "oci update: stdin");
				}
				text = t;
			}
			ssize_t k = read(0, text + n, 4096);
			if (k <= 0)
				break;
			n += (size_t)k;
		}
		if (!text)
			return cmd_usage(ctx, "oci update: --resources -: nothing on stdin");
		text[n] = 0;
		o = json_tokener_parse(text);
		free(text);
	} else {
		if (access(file, R_OK) < 0)
			return hk_err_sys(&ctx->err, -errno, "oci update: --resources %s", file);
		o = json_object_from_file(file);
	}
	if (!o)
		return cmd_usage(ctx, "oci update: --resources %s: not valid JSON", file);
	int r = hk_oci_resources(o, l, &ctx->err);
	json_object_put(o);
	return r < 0 ? hk_err_prefix(&ctx->err, "oci update: --resources %s", file) : 0;
}

enum {
	U_CPU_PERIOD = 0x100,
	U_CPU_QUOTA,
	U_CPU_SHARES,
	U_CPUSET_CPUS,
	U_CPUSET_MEMS,
	U_MEMORY,
	U_MEMORY_SWAP,
	U_MEMORY_RES,
	U_PIDS,
};

static int oci_update(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "resources", required_argument, NULL, 'r' },
		{ "cpu-period", required_argument, NULL, U_CPU_PERIOD },
		{ "cpu-quota", required_argument, NULL, U_CPU_QUOTA },
		{ "cpu-share", required_argument, NULL, U_CPU_SHARES },
		{ "cpu-shares", required_argument, NULL, U_CPU_SHARES },
		{ "cpuset-cpus", required_argument, NULL, U_CPUSET_CPUS },
		{ "cpuset-mems", required_argument, NULL, U_CPUSET_MEMS },
		{ "memory", required_argument, NULL, U_MEMORY },
		{ "memory-swap", required_argument, NULL, U_MEMORY_SWAP },
		{ "memory-reservation", required_argument, NULL, U_MEMORY_RES },
		{ "pids-limit", required_argument, NULL, U_PIDS },
		{},
	};
	struct hk_cglimits l = {};
	const char *file = NULL;
	int64_t v = 0;
	bool flags = false;
	_cleanup_(cmd_getopt_free) struct cmd_getopt gg = {};
	int c, r = cmd_getopt_init(ctx, &gg, "oci update", "+:r:", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&gg)) != -1) {
		flags = flags || c != 'r';
		switch (c) {
		case 'r':
			file = optarg;
			break;
		case U_CPU_PERIOD:
			r = parse_i64(ctx, "--cpu-period", optarg, 1, false, &v);
			l.cpu_period = (uint64_t)v;
			break;
		case U_CPU_QUOTA:
			r = parse_i64(ctx, "--cpu-quota", optarg, 1, true, &l.cpu_quota);
			break;
		case U_CPU_SHARES:
			r = parse_i64(ctx, "--cpu-shares", optarg, 1, false, &v);
			l.cpu_shares = (uint64_t)v;
			break;
		case U_CPUSET_CPUS:
			r = hk_cg_parse_cpuset(optarg, l.cpuset, sizeof(l.cpuset), &ctx->err);
			break;
		case U_CPUSET_MEMS:
			r = hk_cg_parse_cpuset(optarg, l.cpuset_mems, sizeof(l.cpuset_mems),
					       &ctx->err);
			break;
		case U_MEMORY:
			r = hk_cg_parse_bytes("--memory", optarg, &l.memory, &ctx->err);
			break;
		case U_MEMORY_SWAP:
			r = hk_cg_parse_bytes("--memory-swap", optarg, &l.memory_swap, &ctx->err);
			break;
		case U_MEMORY_RES:
			r = hk_cg_parse_bytes("--memory-reservation", optarg, &l.mem_reservation,
					      &ctx->err);
			break;
		case U_PIDS:
			r = parse_i64(ctx, "--pids-limit", optarg, 1, true, &l.pids);
			break;
		default:
			return cmd_getopt_bad(ctx, &gg, c);
		}
	}
	if (r < 0)
		return r;
	int i = one_id(ctx, "update", argc, argv, gg.rest);
	if (i < 0)
		return i;
	if (file && flags)
		return cmd_usage(ctx, "oci update: --resources and the limit options exclude each "
				      "other");
	if (file && (r = read_resources(ctx, file, &l)) < 0)
		return r;
	return hk_oci_update(g.root, argv[i], &l, &ctx->err);
}

/* --interval: Go's duration syntax as runc takes it (500ms, 5s, 1m, 1.5s) */
static int parse_interval(struct hk_ctx *ctx, const char *s, long *ret_ms)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	double mul = !strcmp(end, "ms")	 ? 1
		     : !strcmp(end, "s") ? 1000
		     : !strcmp(end, "m") ? 60000
		     : !strcmp(end, "h") ? 3600000
					 : -1;
	if (errno || end == s || mul < 0 || v * mul < 1 || v * mul > 86400000)
		return cmd_usage(ctx,
				 "oci events: --interval '%s': expected a duration such as "
				 "500ms, 5s or 1m",
				 s);
	*ret_ms = (long)(v * mul);
	return 0;
}

static void print_line(struct json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
								 JSON_C_TO_STRING_NOSLASHESCAPE));
	fflush(stdout);
	json_object_put(o);
}

static int oci_events(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = { { "stats", no_argument, NULL, 's' },
					      { "interval", required_argument, NULL, 'i' },
					      {} };
	_cleanup_(cmd_getopt_free) struct cmd_getopt gg = {};
	bool once = false;
	long ms = 5000;
	int c, r = cmd_getopt_init(ctx, &gg, "oci events", "+:", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&gg)) != -1) {
		if (c == 's')
			once = true;
		else if (c == 'i')
			r = parse_interval(ctx, optarg, &ms);
		else
			return cmd_getopt_bad(ctx, &gg, c);
	}
	if (r < 0)
		return r;
	int i = one_id(ctx, "events", argc, argv, gg.rest);
	if (i < 0)
		return i;
	const char *id = argv[i];
	struct json_object *e;
	uint64_t ooms, last;
	if ((r = hk_oci_stats(g.root, id, &e, &last, &ctx->err)) < 0)
		return r;
	print_line(e);
	/* the stream: stats every interval, an "oom" event as soon as the count grows (looked
	 * at every 250 ms at most); it ends when the container stops */
	long step = ms < 250 ? ms : 250;
	for (long waited = 0; !once;) {
		usleep((useconds_t)step * 1000);
		waited += step;
		if (hk_oci_stats(g.root, id, &e, &ooms, &ctx->err) < 0)
			return 0;
		if (ooms > last) {
			struct json_object *o = json_object_new_object();
			json_object_object_add(o, "type", json_object_new_string("oom"));
			json_object_object_add(o, "id", json_object_new_string(id));
			print_line(o);
			last = ooms;
		}
		if (waited >= ms) {
			print_line(e);
			waited = 0;
		} else {
			json_object_put(e);
		}
	}
	return 0;
}

static const struct cmd_verb verbs[] = {
	{ "create", NULL, oci_create },
	{ "start", NULL, oci_start },
	{ "run", NULL, oci_run },
	{ "state", NULL, oci_state },
	{ "kill", NULL, oci_kill },
	{ "delete", NULL, oci_delete },
	{ "exec", NULL, oci_exec },
	{ "pause", NULL, oci_pause },
	{ "resume", NULL, oci_resume },
	{ "list", NULL, oci_list },
	{ "ps", NULL, oci_ps },
	{ "spec", NULL, oci_spec },
	{ "features", NULL, oci_features },
	{ "update", NULL, oci_update },
	{ "events", NULL, oci_events },
};

/* --log FILE: the error, as runc writes it (conmon and containerd read it from there). */
static void log_error(const char *msg)
{
	FILE *f = fopen(g.log, "ae");
	if (!f)
		return;
	char ts[64];
	hk_human_rfc3339((int64_t)time(NULL), ts, sizeof(ts));
	if (g.log_json) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "level", json_object_new_string("error"));
		json_object_object_add(o, "msg", json_object_new_string(msg));
		json_object_object_add(o, "time", json_object_new_string(ts));
		fprintf(f, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
	} else {
		fprintf(f, "time=\"%s\" level=error msg=\"%s\"\n", ts, msg);
	}
	fclose(f);
}

/* --systemd-cgroup, --cgroup-manager systemd: the driver places containers through systemd's
 * D-Bus API, which hako does not speak; where systemd is not PID 1 there is nobody to speak
 * to at all. Exit 3 either way, with the reason. */
static int refuse_systemd(struct hk_ctx *ctx, const char *opt)
{
	char comm[32] = "";
	FILE *f = fopen("/proc/1/comm", "re");
	if (f) {
		if (!fgets(comm, sizeof(comm), f))
			comm[0] = 0;
		fclose(f);
	}
	comm[strcspn(comm, "\n")] = 0;
	if (strcmp(comm, "systemd"))
		return hk_err_set(&ctx->err, -EOPNOTSUPP,
				  "oci: %s: systemd is not PID 1 on this host (PID 1 is '%s'), so "
				  "there is no systemd cgroup driver; configure the engine for "
				  "cgroupfs",
				  opt, comm);
	return hk_err_set(&ctx->err, -EOPNOTSUPP,
			  "oci: %s: hako does not implement the systemd cgroup driver; "
			  "configure the engine for cgroupfs",
			  opt);
}

enum { G_ROOT = 0x100, G_LOG, G_LOG_FORMAT, G_DEBUG, G_SYSTEMD, G_ROOTLESS, G_CGMANAGER };

#ifndef HAKO_VERSION
#define HAKO_VERSION "0.0.0"
#endif

int cmd_oci(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, G_ROOT },
		{ "log", required_argument, NULL, G_LOG },
		{ "log-format", required_argument, NULL, G_LOG_FORMAT },
		{ "debug", no_argument, NULL, G_DEBUG },
		{ "systemd-cgroup", no_argument, NULL, G_SYSTEMD },
		{ "rootless", required_argument, NULL, G_ROOTLESS },
		{ "cgroup-manager", required_argument, NULL, G_CGMANAGER },
		{ "version", no_argument, NULL, 'v' },
		{},
	};
	g.root = ctx->root;
	g.log = NULL;
	g.log_json = false;
	_cleanup_(cmd_getopt_free) struct cmd_getopt gg = {};
	int c, r = cmd_getopt_init(ctx, &gg, "oci", "+:v", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&gg)) != -1) {
		switch (c) {
		case G_ROOT:
			g.root = optarg;
			break;
		case G_LOG:
			g.log = optarg;
			break;
		case G_LOG_FORMAT:
			if (strcmp(optarg, "text") && strcmp(optarg, "json"))
				return cmd_usage(ctx,
						 "oci: --log-format '%s': expected text or json",
						 optarg);
			g.log_json = !strcmp(optarg, "json");
			break;
		case G_DEBUG:
			break; /* hako's messages are the same either way */
		case G_SYSTEMD:
			return refuse_systemd(ctx, "--systemd-cgroup");
		case 'v': /* runc's and crun's shape; crun's feature line (its tests read it):
			   +SYSTEMD is sd_notify's relay (NOTIFY_SOCKET), the one part of crun's
			   systemd support hako has (the systemd cgroup manager is refused) */
			printf("hako-runtime version %s\nspec: 1.1.0\n+CAP +SECCOMP +SYSTEMD\n",
			       HAKO_VERSION);
			return 0;
		case G_CGMANAGER: /* crun's spelling: cgroupfs, systemd or disabled */
			if (!strcmp(optarg, "systemd"))
				return refuse_systemd(ctx, "--cgroup-manager systemd");
			if (strcmp(optarg, "cgroupfs"))
				return cmd_usage(ctx,
						 "oci: --cgroup-manager '%s': only cgroupfs is "
						 "supported",
						 optarg);
			break;
		case G_ROOTLESS:
			if (strcmp(optarg, "false") && strcmp(optarg, "auto"))
				return cmd_usage(ctx,
						 "oci: --rootless %s: hako's runtime runs as "
						 "root only",
						 optarg);
			break;
		default:
			return cmd_getopt_bad(ctx, &gg, c);
		}
	}
	if (r < 0)
		return r;
	r = cmd_dispatch(ctx, "oci", verbs, HK_ARRAY_SIZE(verbs), NULL, argc - gg.rest,
			 argv + gg.rest);
	if (r < 0 && g.log && ctx->err.msg[0])
		log_error(ctx->err.msg);
	return r;
}
