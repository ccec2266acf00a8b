// SPDX-License-Identifier: MIT
/* hako ps, top, logs, inspect: the read-only container commands. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/parse.h"
#include "container.h"
#include "ct.h"
#include "ctinfo.h"
#include "ctlog.h"
#include "gotmpl.h"
#include "base/human.h"
#include "out.h"

enum {
	C_ID,
	C_IMAGE,
	C_COMMAND,
	C_CREATED,
	C_STATUS,
	C_PORTS,
	C_NAME,
	C_STATE,
	C_PID,
	C_EXIT,
	C_HOSTNAME,
	C_NET
};

/* Docker's columns; hako's own keys (state, pid, exit_code, hostname, net) in JSON only */
static const struct out_col ps_cols[] = {
	[C_ID] = { "CONTAINER ID", "id" },
	[C_IMAGE] = { "IMAGE", "image" },
	[C_COMMAND] = { "COMMAND", "command" },
	[C_CREATED] = { "CREATED", "created" },
	[C_STATUS] = { "STATUS", "status" },
	[C_PORTS] = { "PORTS", "ports" },
	[C_NAME] = { "NAMES", "name" },
	[C_STATE] = { "STATE", "state", false, true },
	[C_PID] = { "PID", "pid", true, true },
	[C_EXIT] = { "EXIT", "exit_code", true, true },
	[C_HOSTNAME] = { "HOSTNAME", "hostname", false, true },
	[C_NET] = { "NET", "net", false, true },
};

/* ps --format's fields: Docker's names (docs/hako.md) */
static const struct gotmpl_title ps_titles[] = {
	{ "ID", "CONTAINER ID" },
	{ "RunningFor", "CREATED" },
	{ "CreatedAt", "CREATED AT" },
	{ NULL, NULL },
};

static char *human_command(const char *cmd)
{
	char *s = strdup(cmd);
	for (char *c = s; c && *c; c++)
		if (*c == '\x1f')
			*c = ' ';
	return s;
}

static struct json_object *command_json(const char *cmd)
{
	struct json_object *a = json_object_new_array();
	const char *p = cmd;
	for (;;) {
		const char *e = strchr(p, '\x1f');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		json_object_array_add(a, json_object_new_string_len(p, (int)n));
		if (!e)
			break;
		p = e + 1;
	}
	return a;
}

/* One container as ps --format sees it (Docker's keys). */
static struct json_object *ps_object(const struct hk_ct_row *c, const char *image,
				     const char *quoted, const char *ago, const char *status,
				     const char *ports, const char *nets, const char *labels)
{
	struct json_object *o = json_object_new_object();
	char at[64];
	time_t t = (time_t)c->created;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(at, sizeof(at), "%Y-%m-%d %H:%M:%S +0000 UTC", &tm);
	json_object_object_add(o, "Command", json_object_new_string(quoted));
	json_object_object_add(o, "CreatedAt", json_object_new_string(at));
	json_object_object_add(o, "ID", json_object_new_string(c->id));
	json_object_object_add(o, "Image", json_object_new_string(image));
	json_object_object_add(o, "Labels", json_object_new_string(labels));
	json_object_object_add(o, "Names", json_object_new_string(c->name));
	json_object_object_add(o, "Networks", json_object_new_string(nets));
	json_object_object_add(o, "Ports", json_object_new_string(ports));
	json_object_object_add(o, "RunningFor", json_object_new_string(ago));
	json_object_object_add(o, "State", json_object_new_string(hk_ctinfo_state(c)));
	json_object_object_add(o, "Status", json_object_new_string(status));
	return o;
}

/* ps --filter KEY=VALUE (Docker's): the same key again is "or", another key "and" */
#define PS_FILTERS_MAX 32
static const char *const ps_filter_keys[] = { "status", "name",	   "id",    "ancestor",
					      "exited", "network", "label", NULL };

static bool ps_match(const char *key, const char *v, const struct hk_ct_row *c, const char *image,
		     const char *nets)
{
	if (!strcmp(key, "status"))
		return !strcmp(v, hk_ctinfo_state(c));
	if (!strcmp(key, "name"))
		return strstr(c->name, v) != NULL;
	if (!strcmp(key, "id"))
		return !strncmp(c->id, v, strlen(v));
	if (!strcmp(key, "ancestor")) {
		size_t n = strlen(v);
		return !strcmp(image, v) ||
		       (!strncmp(image, v, n) && !strcmp(image + n, ":latest"));
	}
	if (!strcmp(key, "exited"))
		return !strcmp(c->state, HK_CT_EXITED) && c->exit_code == atoi(v);
	if (!strcmp(key, "label"))
		return hk_ctinfo_label_match(c, v);
	/* network */
	size_t n = strlen(v);
	for (const char *p = nets; (p = strstr(p, v)); p += n)
		if ((p == nets || p[-1] == ',') && (!p[n] || p[n] == ','))
			return true;
	return false;
}

static bool ps_filtered(char *const *f, size_t nf, const struct hk_ct_row *c, const char *image,
			const char *nets)
{
	for (const char *const *k = ps_filter_keys; *k; k++) {
		/* label= given again narrows (Docker's: every label asked for) */
		bool any = false, hit = false, all = !strcmp(*k, "label");
		size_t kl = strlen(*k);
		for (size_t i = 0; i < nf; i++) {
			if (strncmp(f[i], *k, kl) || f[i][kl] != '=')
				continue;
			any = true;
			bool m = ps_match(*k, f[i] + kl + 1, c, image, nets);
			if (all && !m)
				return false;
			hit |= m;
		}
		if (any && !hit)
			return false;
	}
	return true;
}

int cmd_ct_ps(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "format", required_argument, NULL, 'F' },
		{ "no-trunc", no_argument, NULL, 'T' },
		{ "filter", required_argument, NULL, 'f' },
		{ "last", required_argument, NULL, 'n' },
		{ "latest", no_argument, NULL, 'l' },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	bool all = false, quiet = false;
	const char *format = NULL;
	char *filters[PS_FILTERS_MAX];
	size_t nf = 0;
	uint32_t last = UINT32_MAX;
	int opt, r = cmd_getopt_init(ctx, &g, "ps", "+:aqf:n:l", opts, argc, argv);
	while (r == 0 && (opt = cmd_getopt_next(&g)) != -1) {
		if (opt == 'f') {
			bool known = false;
			for (const char *const *k = ps_filter_keys; *k; k++)
				known |= !strncmp(optarg, *k, strlen(*k)) &&
					 optarg[strlen(*k)] == '=';
			if (!known || nf == PS_FILTERS_MAX)
				r = cmd_usage(ctx,
					      "ps: --filter '%s': expected status=, name=, id=, "
					      "ancestor=, exited=, network= or label= with a "
					      "value",
					      optarg);
			else
				filters[nf++] = optarg;
		} else if (opt == 'n') {
			r = hk_parse_u32(optarg, 0, UINT32_MAX - 1, &last, "ps --last", &ctx->err);
			all = true;
		} else if (opt == 'l') {
			last = 1;
			all = true;
		} else if (opt == 'a')
			all = true;
		else if (opt == 'q')
			quiet = true;
		else if (opt == 'F')
			format = gotmpl_listing(optarg);
		else if (opt == 'T')
			; /* hako never truncates */
		else
			r = cmd_getopt_bad(ctx, &g, opt);
	}
	if (r < 0)
		return r;
	if (g.rest < argc)
		return cmd_usage(ctx, "ps: unknown argument '%s'; hako ps [-a] [-q] [--format F]",
				 argv[g.rest]);
	if (last == 0)
		return 0;
	struct gotmpl *tmpl = NULL;
	if (format && !quiet && !ctx->json && gotmpl_parse(ctx, format, &tmpl) < 0)
		return -EINVAL;
	struct hk_paths p;
	struct hk_store *st;
	struct hk_ct_row *rows = NULL;
	size_t n = 0;
	r = ct_open(ctx, &p, &st);
	if (r == 0)
		r = hk_store_list(st, &rows, &n, &ctx->err);
	if (r < 0) {
		hk_store_close(st);
		gotmpl_free(tmpl);
		return r;
	}
	int64_t now = (int64_t)time(NULL);
	struct out_table *t = out_table_new(ps_cols, HK_ARRAY_SIZE(ps_cols));
	struct json_object **objs = calloc(n + 1, sizeof(*objs));
	size_t nobj = 0;
	/* --last N, --latest: the N created last (the list is oldest first) */
	size_t from = last != UINT32_MAX && last < n ? n - last : 0;
	for (size_t i = n; i-- > from;) {
		struct hk_ct_row *c = &rows[i];
		bool running = !strcmp(c->state, HK_CT_RUNNING);
		if (!all && !running)
			continue;
		char image[300], status[128], ports[1024], nets[1024], ago[80], d[64];
		hk_ctinfo_image(st, c->id, image, sizeof(image), NULL);
		hk_ctinfo_networks(st, c->id, nets, sizeof(nets));
		if (nf && !ps_filtered(filters, nf, c, image, nets))
			continue;
		if (quiet && !ctx->json) {
			printf("%s\n", c->id); /* what rm, stop, inspect ... take */
			continue;
		}
		hk_ctinfo_status(c, now, status, sizeof(status));
		hk_ctinfo_ports(st, c->id, ports, sizeof(ports));
		hk_human_duration(now - c->created, d, sizeof(d));
		snprintf(ago, sizeof(ago), "%s ago", d);
		char *h = human_command(c->command);
		char *quoted = NULL;
		if (asprintf(&quoted, "\"%s\"", h ? h : "") < 0)
			quoted = NULL;
		if (tmpl) {
			char labels[1024];
			hk_ctinfo_labels(c, labels, sizeof(labels));
			objs[nobj++] = ps_object(c, image, quoted ? quoted : "", ago, status, ports,
						 nets, labels);
		} else {
			out_row(t);
			out_str(t, C_ID, c->id);
			out_str(t, C_IMAGE, image[0] ? image : NULL);
			out_json(t, C_COMMAND, command_json(c->command), quoted);
			out_json(t, C_CREATED, json_object_new_int64(c->created), ago);
			out_str(t, C_STATUS, status);
			out_str(t, C_PORTS, ports[0] ? ports : NULL);
			out_str(t, C_NAME, c->name);
			out_str(t, C_STATE, hk_ct_paused(c) ? "paused" : c->state);
			if (running)
				out_int(t, C_PID, c->pid);
			if (!running && c->exit_code >= 0)
				out_int(t, C_EXIT, c->exit_code);
			out_str(t, C_HOSTNAME, c->hostname);
			out_str(t, C_NET, c->net);
		}
		free(quoted);
		free(h);
	}
	hk_store_close(st);
	if (tmpl)
		r = gotmpl_print(ctx, tmpl, objs, nobj, ps_titles);
	else if (!quiet || ctx->json)
		r = out_table_print(t, ctx->json, ctx->noheadings);
	for (size_t i = 0; i < nobj; i++)
		json_object_put(objs[i]);
	free(objs);
	gotmpl_free(tmpl);
	out_table_free(t);
	hk_ct_rows_free(rows, n);
	return r;
}

enum { T_PID, T_PPID, T_STATE, T_CMD };
static const struct out_col top_cols[] = {
	[T_PID] = { "PID", "pid", true },
	[T_PPID] = { "PPID", "ppid", true },
	[T_STATE] = { "S", "state" },
	[T_CMD] = { "COMMAND", "command" },
};

static void proc_row(struct out_table *t, pid_t pid)
{
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t k = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (k <= 0)
		return;
	buf[k] = 0;
	char *e = strrchr(buf, ')');
	char state[2] = { e ? e[2] : '?', 0 };
	int ppid = e ? atoi(e + 4) : 0;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	_cleanup_close_ int cfd = open(path, O_RDONLY | O_CLOEXEC);
	k = cfd >= 0 ? read(cfd, buf, sizeof(buf) - 1) : -1;
	if (k < 0)
		k = 0;
	buf[k] = 0;
	for (ssize_t i = 0; i + 1 < k; i++)
		if (!buf[i])
			buf[i] = ' ';
	out_row(t);
	out_int(t, T_PID, pid);
	out_int(t, T_PPID, ppid);
	out_str(t, T_STATE, state);
	out_str(t, T_CMD, buf);
}

int cmd_ct_top(struct hk_ctx *ctx, int argc, char **argv)
{
	if (cmd_no_options(ctx, "top", &argc, &argv) < 0)
		return -EINVAL;
	if (argc != 1)
		return cmd_usage(ctx, "top: expected one container; hako top CT");
	struct hk_paths p;
	struct hk_ct_row c;
	int r = ct_get(ctx, argv[0], &p, &c);
	if (r < 0)
		return r;
	bool running = !strcmp(c.state, HK_CT_RUNNING);
	pid_t *pids;
	size_t n;
	r = running ? hk_ct_pids(&c, &pids, &n, &ctx->err) : 0;
	hk_ct_row_free(&c);
	if (!running)
		return hk_err_set(&ctx->err, -ESRCH, "container '%s' is not running", argv[0]);
	if (r < 0)
		return r;
	struct out_table *t = out_table_new(top_cols, HK_ARRAY_SIZE(top_cols));
	for (size_t i = 0; i < n; i++)
		proc_row(t, pids[i]);
	out_sort(t, T_PID);
	r = out_table_print(t, ctx->json, ctx->noheadings);
	out_table_free(t);
	free(pids);
	return r;
}

/* ---- hako logs: the container's lines (ctlog.h), each on its own stream ---- */

static int logs_print(void *ud, const struct hk_ctlog_line *l)
{
	bool timestamps = *(const bool *)ud;
	FILE *f = l->stream == HK_CTLOG_STDERR ? stderr : stdout;
	static FILE *prev; /* both may be one file (2>&1): the order kept across them */
	if (prev && prev != f)
		fflush(prev);
	prev = f;
	if (timestamps) {
		char t[40];
		time_t sec = (time_t)(l->ns / 1000000000LL);
		struct tm tm;
		gmtime_r(&sec, &tm);
		strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(f, "%s.%09lldZ ", t, (long long)(l->ns % 1000000000LL));
	}
	if (fwrite(l->data, 1, l->len, f) != l->len || fputc('\n', f) == EOF)
		return -EIO;
	return 0;
}

int cmd_ct_logs(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ "tail", required_argument, NULL, 'n' },
		{ "since", required_argument, NULL, 'S' },
		{ "until", required_argument, NULL, 'U' },
		{ "timestamps", no_argument, NULL, 't' },
		{ "details", no_argument, NULL, 'D' },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	bool follow = false, timestamps = false;
	const char *key = NULL;
	struct hk_ctlog_lines_opts o = { .tail = SIZE_MAX };
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	int64_t now_ns = (int64_t)now.tv_sec * 1000000000LL + now.tv_nsec;
	/* "-": options before or after CT */
	int opt, r = cmd_getopt_init(ctx, &g, "logs", "-:fn:t", opts, argc, argv);
	while (r == 0 && (opt = cmd_getopt_next(&g)) != -1) {
		uint32_t n;
		if (opt == 'f')
			follow = true;
		else if (opt == 't')
			timestamps = true;
		else if (opt == 'D')
			; /* no labels or env attributes to add */
		else if (opt == 'n' && strcmp(optarg, "all"))
			r = hk_parse_u32(optarg, 0, 100000000, &n, "logs --tail", &ctx->err) < 0
				    ? -EINVAL
				    : (o.tail = n, 0);
		else if (opt == 'S' || opt == 'U')
			r = hk_human_parse_time(optarg, now_ns, opt == 'S' ? &o.since : &o.until) <
					    0
				    ? cmd_usage(ctx,
						"logs: --%s '%s': expected a time (RFC 3339, unix "
						"seconds) or a duration (10m, 1h30m)",
						opt == 'S' ? "since" : "until", optarg)
				    : 0;
		else if (opt == 1 && !key)
			key = optarg;
		else if (opt == 1)
			r = cmd_usage(ctx, "logs: unexpected '%s'; hako logs [OPTIONS] CT", optarg);
		else if (opt != 'n')
			r = cmd_getopt_bad(ctx, &g, opt);
	}
	if (r < 0)
		return r;
	if (!key)
		return cmd_usage(ctx, "logs: missing container; hako logs [OPTIONS] CT");
	struct hk_paths p;
	struct hk_ct_row c;
	r = ct_get(ctx, key, &p, &c);
	if (r < 0)
		return r;
	char dir[HK_PATH_MAX], path[HK_PATH_MAX + 8];
	hk_ct_rundir(&p, c.id, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/log", dir);
	pid_t pid = c.pid, owner = c.owner_pid;
	uint64_t start = c.pid_start, owner_start = c.owner_start;
	bool detach = c.detach;
	hk_ct_row_free(&c);
	/* log, and the files it was rotated to (ctlog.h): oldest first, rotations followed */
	struct hk_ctlog_reader *lr = NULL;
	r = hk_ctlog_reader_open(path, &lr, &ctx->err);
	if (r == -ENOENT && !detach) {
		hk_err_clear(&ctx->err);
		return 0; /* foreground containers write to their terminal: no log */
	}
	if (r < 0)
		return hk_err_prefix(&ctx->err, "logs");
	struct hk_ctlog_lines *ls = NULL;
	if (hk_ctlog_lines_new(&o, logs_print, &timestamps, &ls) < 0) {
		hk_ctlog_reader_close(lr);
		return hk_err_sys(&ctx->err, -ENOMEM, "logs");
	}
	char buf[65536];
	ssize_t k;
	bool last = false;
	for (;;) {
		k = hk_ctlog_reader_read(lr, buf, sizeof(buf), &ctx->err);
		if (k < 0)
			break;
		if (k > 0) {
			if ((k = hk_ctlog_lines_feed(ls, buf, (size_t)k)) < 0)
				break;
			continue;
		}
		if ((k = hk_ctlog_lines_flush(ls)) < 0)
			break;
		fflush(stdout);
		fflush(stderr);
		if (last || !follow || !hk_proc_alive(pid, start)) {
			if (last || !follow)
				break;
			/* the container ended: its monitor writes what was left in the pipes,
			 * then exits; read on once it is gone (2 s at most) */
			for (int i = 0; i < 40 && owner > 0 && hk_proc_alive(owner, owner_start);
			     i++)
				usleep(50000);
			last = true;
			continue;
		}
		usleep(100000);
	}
	/* a last line without its newline (a record cut short, a part never finished) */
	if (k >= 0)
		k = hk_ctlog_lines_finish(ls);
	if (k == -EIO)
		k = hk_err_sys(&ctx->err, -EIO, "write to standard output");
	else if (k == -ENOMEM)
		k = hk_err_sys(&ctx->err, -ENOMEM, "logs");
	hk_ctlog_lines_free(ls);
	hk_ctlog_reader_close(lr);
	return k < 0 ? (int)k : out_flush();
}

static const struct gotmpl_title inspect_titles[] = { { NULL, NULL } };

/* hako's own keys (docs/json.md), then Docker's (ctinfo.h) */
static struct json_object *inspect_one(struct hk_store *st, const struct hk_paths *p,
				       const struct hk_ct_row *c, struct hk_err *err)
{
	struct json_object *o = json_object_new_object();
	char buf[HK_PATH_MAX];
	bool running = !strcmp(c->state, HK_CT_RUNNING);
	json_object_object_add(o, "id", json_object_new_string(c->id));
	json_object_object_add(o, "name", json_object_new_string(c->name));
	json_object_object_add(o, "state", json_object_new_string(c->state));
	if (running && c->pid > 0)
		json_object_object_add(o, "pid", json_object_new_int(c->pid));
	if (c->exit_code >= 0)
		json_object_object_add(o, "exit_code", json_object_new_int(c->exit_code));
	json_object_object_add(o, "hostname", json_object_new_string(c->hostname));
	json_object_object_add(o, "net", json_object_new_string(c->net));
	json_object_object_add(o, "rootfs", json_object_new_string(c->rootfs));
	json_object_object_add(o, "command", command_json(c->command));
	json_object_object_add(o, "created", json_object_new_int64(c->created));
	if (c->started)
		json_object_object_add(o, "started", json_object_new_int64(c->started));
	if (c->finished)
		json_object_object_add(o, "finished", json_object_new_int64(c->finished));
	json_object_object_add(o, "auto_remove", json_object_new_boolean(c->auto_remove));
	json_object_object_add(o, "tty", json_object_new_boolean(c->tty));
	json_object_object_add(o, "detach", json_object_new_boolean(c->detach));
	hk_ct_nsdir(p, c->id, buf, sizeof(buf));
	json_object_object_add(o, "ns_dir", json_object_new_string(buf));
	hk_ct_row_cgroup(c, buf, sizeof(buf));
	json_object_object_add(o, "cgroup", json_object_new_string(buf));
	hk_ct_rundir(p, c->id, buf, sizeof(buf));
	strncat(buf, "/log", sizeof(buf) - strlen(buf) - 1);
	json_object_object_add(o, "log_path", json_object_new_string(buf));
	json_object_object_add(o, "config", json_tokener_parse(c->config));
	hk_ctinfo_docker(st, c, o, err);
	return o;
}

int cmd_ct_inspect(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "type", required_argument, NULL, 'T' },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	const char *format = NULL, *type = NULL;
	_cleanup_free_ char **keys = calloc((size_t)argc + 1, sizeof(char *));
	int nkeys = 0;
	/* "-": options before or after the containers, as docker inspect */
	int opt, r = cmd_getopt_init(ctx, &g, "inspect", "-:f:", opts, argc, argv);
	while (r == 0 && (opt = cmd_getopt_next(&g)) != -1) {
		if (opt == 'f')
			format = optarg;
		else if (opt == 'T' && strcmp(optarg, "container") && strcmp(optarg, "image"))
			r = cmd_usage(ctx, "inspect: --type %s: container or image", optarg);
		else if (opt == 'T')
			type = optarg;
		else if (opt == 1)
			keys[nkeys++] = optarg;
		else if (opt != 'T')
			r = cmd_getopt_bad(ctx, &g, opt);
	}
	if (r < 0)
		return r;
	if (nkeys < 1)
		return cmd_usage(ctx, "inspect: missing container; hako inspect [-f FORMAT] CT...");
	struct gotmpl *tmpl = NULL;
	if (format && gotmpl_parse(ctx, format, &tmpl) < 0)
		return -EINVAL;
	struct hk_paths p;
	struct hk_store *st;
	r = ct_open(ctx, &p, &st);
	struct json_object *arr = json_object_new_array();
	/* an unknown name does not hide the others (docker inspect): they are printed, each
	 * unknown one named on stderr, the status the not-found one's */
	int missing = 0;
	struct hk_err last;
	for (int i = 0; r == 0 && i < nkeys; i++) {
		if (r == 0 && ctx->err.code == -ENOENT) {
			if (missing)
				fprintf(stderr, "hako: %s\n", last.msg);
			last = ctx->err;
			missing = -ENOENT;
			hk_err_clear(&ctx->err);
		}
		struct hk_ct_row c;
		/* a container, else (as docker inspect) an image of that name */
		r = type && !strcmp(type, "image") ? -ENOENT
						   : hk_store_get(st, keys[i], &c, &ctx->err);
		if (r == -ENOENT && !(type && !strcmp(type, "container"))) {
			struct json_object *io = NULL;
			r = cmd_image_inspect_obj(ctx, keys[i], &io);
			if (r == 0) {
				json_object_array_add(arr, io);
				hk_err_clear(&ctx->err); /* the container lookup's */
			} else if (r == -ENOENT && !type)
				hk_err_set(&ctx->err, -ENOENT, "no such container or image: %s",
					   keys[i]);
			if (r == -ENOENT)
				r = 0; /* noted at the loop's top */
			continue;
		}
		if (r == -ENOENT) {
			r = 0;
			continue;
		}
		if (r < 0)
			break;
		json_object_array_add(arr, inspect_one(st, &p, &c, &ctx->err));
		hk_ct_row_free(&c);
	}
	hk_store_close(st);
	if (r == 0 && ctx->err.code == -ENOENT) { /* the last name's */
		if (missing)
			fprintf(stderr, "hako: %s\n", last.msg);
		last = ctx->err;
		missing = -ENOENT;
	}
	if (r == 0 && tmpl) {
		size_t n = json_object_array_length(arr);
		struct json_object **objs = calloc(n + 1, sizeof(*objs));
		for (size_t i = 0; i < n; i++)
			objs[i] = json_object_array_get_idx(arr, i);
		r = gotmpl_print(ctx, tmpl, objs, n, inspect_titles);
		free(objs);
	}
	gotmpl_free(tmpl);
	if (r == 0 && !tmpl)
		r = out_json_print(arr);
	else
		json_object_put(arr);
	if (r == 0 && missing) {
		fflush(stdout);
		ctx->err = last;
		r = missing;
	}
	return r;
}
