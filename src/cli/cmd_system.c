// SPDX-License-Identifier: MIT
/*
 * Docker's everyday verbs that are not a container's life: version, system info|df|prune
 * (info too), diff, history, and the aliases images, rmi, container VERB. The library does
 * the work (sysinfo.h, ctdiff.h, imghist.h); this file parses and prints.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/human.h"
#include "ct.h"
#include "ctdiff.h"
#include "gotmpl.h"
#include "image.h"
#include "imghist.h"
#include "out.h"
#include "sysinfo.h"

/* Print o (owned) as -j JSON, through --format, or with human(o). */
static int print_obj(struct hk_ctx *ctx, struct json_object *o, const char *format,
		     void (*human)(struct json_object *))
{
	int r = 0;
	if (format)
		r = gotmpl_run(ctx, format, &o, 1, NULL);
	else if (ctx->json)
		return out_json_print(o);
	else
		human(o);
	json_object_put(o);
	return r < 0 ? r : out_flush();
}

/* "--format F" / "-f F" only: the option table of version and system info */
static int format_only(struct hk_ctx *ctx, const char *name, int argc, char **argv,
		       const char **ret_format)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	int opt, r = cmd_getopt_init(ctx, &g, name, "+:f:", opts, argc, argv);
	while (r == 0 && (opt = cmd_getopt_next(&g)) != -1) {
		if (opt == 'f')
			*ret_format = optarg;
		else
			r = cmd_getopt_bad(ctx, &g, opt);
	}
	if (r == 0 && g.rest < argc)
		r = cmd_usage(ctx, "%s: unexpected '%s'", name, argv[g.rest]);
	return r;
}

static const char *go_arch(const char *machine)
{
	return !strcmp(machine, "x86_64")    ? "amd64"
	       : !strcmp(machine, "aarch64") ? "arm64"
					     : machine;
}

static void add_s(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v ? v : ""));
}

static void add_i(struct json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

static const char *gs(struct json_object *o, const char *path)
{
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *sp = NULL, *k = strtok_r(buf, ".", &sp); k; k = strtok_r(NULL, ".", &sp))
		if (!json_object_object_get_ex(o, k, &o))
			return "";
	return json_object_get_string(o);
}

/* Ask on stderr, read the answer from stdin: true for y/Y. */
static bool confirmed(const char *what)
{
	fprintf(stderr, "WARNING! This will remove:\n%s\nAre you sure you want to continue? [y/N] ",
		what);
	char line[16] = "";
	return fgets(line, sizeof(line), stdin) && (line[0] == 'y' || line[0] == 'Y');
}

/* ---- hako version ---- */

static void version_human(struct json_object *o)
{
	printf("Client: hako\n Version:           %s\n OS/Arch:           %s/%s\n"
	       " Compiler:          %s\n\n",
	       gs(o, "Client.Version"), gs(o, "Client.Os"), gs(o, "Client.Arch"),
	       gs(o, "Client.Compiler"));
	printf("Server: hako (no daemon: each container's monitor is a hako process)\n"
	       " Version:           %s\n OS/Arch:           %s/%s\n Kernel Version:    %s\n"
	       " Cgroup Version:    %s\n Storage Driver:    %s\n State Dir:         %s\n"
	       " Run Dir:           %s\n",
	       gs(o, "Server.Version"), gs(o, "Server.Os"), gs(o, "Server.Arch"),
	       gs(o, "Server.KernelVersion"), gs(o, "Server.CgroupVersion"), gs(o, "Server.Driver"),
	       gs(o, "Server.StateDir"), gs(o, "Server.RunDir"));
}

int cmd_version(struct hk_ctx *ctx, int argc, char **argv)
{
	const char *format = NULL;
	int r = format_only(ctx, "version", argc, argv, &format);
	if (r < 0)
		return r;
	struct utsname u;
	uname(&u);
	struct json_object *o = json_object_new_object(), *c = json_object_new_object(),
			   *s = json_object_new_object();
	add_s(c, "Version", HAKO_VERSION);
	add_s(c, "Os", "linux");
	add_s(c, "Arch", go_arch(u.machine));
#ifdef __clang__
	add_s(c, "Compiler", "clang " __clang_version__);
#else
	add_s(c, "Compiler", "gcc " __VERSION__);
#endif
	add_s(s, "Version", HAKO_VERSION);
	add_s(s, "Os", "linux");
	add_s(s, "Arch", go_arch(u.machine));
	add_s(s, "KernelVersion", u.release);
	/* the state is the server's: shown when it can be read, the client's part always */
	struct hk_paths p;
	struct hk_store *st;
	struct hk_sysinfo si;
	if (ct_open(ctx, &p, &st) == 0 && hk_sysinfo_get(st, &p, &si, &ctx->err) == 0) {
		add_i(s, "CgroupVersion", si.cgroup_version);
		add_s(s, "Driver", si.driver);
		add_s(s, "StateDir", p.state);
		add_s(s, "RunDir", p.run);
	}
	hk_store_close(st);
	hk_err_clear(&ctx->err);
	json_object_object_add(o, "Client", c);
	json_object_object_add(o, "Server", s);
	return print_obj(ctx, o, format, version_human);
}

/* ---- hako system info ---- */

static void info_human(struct json_object *o)
{
	char mem[32];
	hk_human_bytes((uint64_t)json_object_get_int64(json_object_object_get(o, "MemTotal")), mem,
		       sizeof(mem));
	printf("Containers: %s\n Running: %s\n Paused: %s\n Stopped: %s\nImages: %s\n"
	       "Networks: %s\nServer Version: %s\nStorage Driver: %s\nCgroup Version: %s\n"
	       "Kernel Version: %s\nOperating System: %s\nOSType: %s\nArchitecture: %s\n"
	       "CPUs: %s\nTotal Memory: %s\nName: %s\nState Dir: %s\nRun Dir: %s\n",
	       gs(o, "Containers"), gs(o, "ContainersRunning"), gs(o, "ContainersPaused"),
	       gs(o, "ContainersStopped"), gs(o, "Images"), gs(o, "Networks"),
	       gs(o, "ServerVersion"), gs(o, "Driver"), gs(o, "CgroupVersion"),
	       gs(o, "KernelVersion"), gs(o, "OperatingSystem"), gs(o, "OSType"),
	       gs(o, "Architecture"), gs(o, "NCPU"), mem, gs(o, "Name"), gs(o, "StateDir"),
	       gs(o, "RunDir"));
}

static int sys_info(struct hk_ctx *ctx, int argc, char **argv)
{
	const char *format = NULL;
	int r = format_only(ctx, "system info", argc, argv, &format);
	if (r < 0)
		return r;
	struct hk_paths p;
	struct hk_store *st;
	struct hk_sysinfo si;
	r = ct_open(ctx, &p, &st);
	if (r == 0)
		r = hk_sysinfo_get(st, &p, &si, &ctx->err);
	hk_store_close(st);
	if (r < 0)
		return r;
	struct json_object *o = json_object_new_object();
	add_i(o, "Containers", (int64_t)si.containers);
	add_i(o, "ContainersRunning", (int64_t)si.running);
	add_i(o, "ContainersPaused", (int64_t)si.paused);
	add_i(o, "ContainersStopped", (int64_t)si.stopped);
	add_i(o, "Images", (int64_t)si.images);
	add_i(o, "Networks", (int64_t)si.networks);
	add_s(o, "ServerVersion", HAKO_VERSION);
	add_s(o, "Driver", si.driver);
	add_i(o, "CgroupVersion", si.cgroup_version);
	add_s(o, "KernelVersion", si.kernel);
	add_s(o, "OperatingSystem", si.os);
	add_s(o, "OSType", "linux");
	add_s(o, "Architecture", si.arch);
	add_i(o, "NCPU", si.ncpu);
	add_i(o, "MemTotal", (int64_t)si.mem_total);
	add_s(o, "Name", si.hostname);
	add_s(o, "StateDir", p.state);
	add_s(o, "RunDir", p.run);
	return print_obj(ctx, o, format, info_human);
}

int cmd_info(struct hk_ctx *ctx, int argc, char **argv)
{
	return sys_info(ctx, argc, argv);
}

/* ---- hako system df ---- */

enum { D_TYPE, D_TOTAL, D_ACTIVE, D_SIZE, D_RECL, D_SIZEB, D_RECLB };
static const struct out_col df_cols[] = {
	[D_TYPE] = { "TYPE", "type" },
	[D_TOTAL] = { "TOTAL", "total", true },
	[D_ACTIVE] = { "ACTIVE", "active", true },
	[D_SIZE] = { "SIZE", "size_human", true },
	[D_RECL] = { "RECLAIMABLE", "reclaimable_human", true },
	[D_SIZEB] = { "BYTES", "size", true, true },
	[D_RECLB] = { "RECLAIMABLE_BYTES", "reclaimable", true, true },
};

static int sys_df(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'F' },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	const char *format = NULL;
	int opt, r = cmd_getopt_init(ctx, &g, "system df", "+:", opts, argc, argv);
	while (r == 0 && (opt = cmd_getopt_next(&g)) != -1)
		r = opt == 'F' ? (format = optarg, 0) : cmd_getopt_bad(ctx, &g, opt);
	if (r == 0 && g.rest < argc)
		r = cmd_usage(ctx, "system df: unexpected '%s'", argv[g.rest]);
	if (r < 0)
		return r;
	struct hk_paths p;
	struct hk_store *st;
	struct hk_sysdf df[HK_SYSDF_ROWS];
	r = ct_open(ctx, &p, &st);
	if (r == 0)
		r = hk_sysdf_get(st, &p, df, &ctx->err);
	hk_store_close(st);
	if (r < 0)
		return r;
	struct out_table *t = out_table_new(df_cols, HK_ARRAY_SIZE(df_cols));
	struct json_object *objs[HK_SYSDF_ROWS];
	for (int i = 0; i < HK_SYSDF_ROWS; i++) {
		char size[32], recl[48], rb[32];
		hk_human_size(df[i].size, size, sizeof(size));
		hk_human_size(df[i].reclaimable, rb, sizeof(rb));
		unsigned pct = df[i].size ? (unsigned)(df[i].reclaimable * 100 / df[i].size) : 0;
		snprintf(recl, sizeof(recl), "%s (%u%%)", rb, pct);
		out_row(t);
		out_str(t, D_TYPE, df[i].type);
		out_int(t, D_TOTAL, (int64_t)df[i].total);
		out_int(t, D_ACTIVE, (int64_t)df[i].active);
		out_str(t, D_SIZE, size);
		out_str(t, D_RECL, recl);
		out_int(t, D_SIZEB, (int64_t)df[i].size);
		out_int(t, D_RECLB, (int64_t)df[i].reclaimable);
		objs[i] = json_object_new_object();
		add_s(objs[i], "Type", df[i].type);
		add_i(objs[i], "TotalCount", (int64_t)df[i].total);
		add_i(objs[i], "Active", (int64_t)df[i].active);
		add_s(objs[i], "Size", size);
		add_s(objs[i], "Reclaimable", recl);
	}
	r = format ? gotmpl_run(ctx, format, objs, HK_SYSDF_ROWS, NULL)
		   : out_table_print(t, ctx->json, ctx->noheadings);
	for (int i = 0; i < HK_SYSDF_ROWS; i++)
		json_object_put(objs[i]);
	out_table_free(t);
	return r;
}

/* ---- hako system prune ---- */

static int sys_prune(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "force", no_argument, NULL, 'f' },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	bool all = false, force = false;
	int opt, r = cmd_getopt_init(ctx, &g, "system prune", "+:af", opts, argc, argv);
	while (r == 0 && (opt = cmd_getopt_next(&g)) != -1) {
		if (opt == 'a')
			all = true;
		else if (opt == 'f')
			force = true;
		else
			r = cmd_getopt_bad(ctx, &g, opt);
	}
	if (r == 0 && g.rest < argc)
		r = cmd_usage(ctx, "system prune: unexpected '%s'", argv[g.rest]);
	if (r < 0)
		return r;
	if (!force && !confirmed(all ? "  - all stopped containers\n  - all networks not used by "
				       "at least one container\n  - all images without at least "
				       "one container associated to them\n"
				     : "  - all stopped containers\n  - all networks not used by "
				       "at least one container\n  - all dangling images\n"))
		return hk_err_set(&ctx->err, -ECANCELED,
				  "system prune: not confirmed; nothing removed (-f: no question)");

	struct hk_paths p;
	struct hk_store *st;
	struct hk_prune_result res;
	r = ct_open(ctx, &p, &st);
	if (r == 0)
		r = hk_system_prune(st, &p, all, &res, &ctx->err);
	hk_store_close(st);
	if (r < 0)
		return r;
	if (ctx->json) {
		struct json_object *o = json_object_new_object();
		add_i(o, "containers", (int64_t)res.containers);
		add_i(o, "networks", (int64_t)res.networks);
		add_i(o, "images", (int64_t)res.images);
		add_i(o, "layers", (int64_t)res.layers);
		add_i(o, "reclaimed", (int64_t)res.reclaimed);
		return out_json_print(o);
	}
	char b[32];
	hk_human_size(res.reclaimed, b, sizeof(b));
	printf("Deleted: %zu containers, %zu networks, %zu images, %zu layers\n"
	       "Total reclaimed space: %s\n",
	       res.containers, res.networks, res.images, res.layers, b);
	return out_flush();
}

static const struct cmd_verb system_verbs[] = {
	{ "info", NULL, sys_info },
	{ "df", NULL, sys_df },
	{ "prune", NULL, sys_prune },
	{ "boot", NULL, cmd_system_boot }, /* cmd_lifecycle.c: restart policies at boot */
};

int cmd_system(struct hk_ctx *ctx, int argc, char **argv)
{
	return cmd_dispatch(ctx, "system", system_verbs, HK_ARRAY_SIZE(system_verbs), NULL, argc,
			    argv);
}

/* ---- hako diff CT ---- */

enum { F_KIND, F_PATH };
static const struct out_col diff_cols[] = {
	[F_KIND] = { "KIND", "kind" },
	[F_PATH] = { "PATH", "path" },
};

int cmd_ct_diff(struct hk_ctx *ctx, int argc, char **argv)
{
	if (cmd_no_options(ctx, "diff", &argc, &argv) < 0)
		return -EINVAL;
	if (argc != 1)
		return cmd_usage(ctx, "diff: expected one container; hako diff CT");
	struct hk_paths p;
	struct hk_store *st;
	struct hk_images *im = NULL;
	struct hk_ct_row c;
	struct hk_ctdiff *d = NULL;
	size_t n = 0;
	int r = ct_open(ctx, &p, &st);
	if (r == 0 && (r = hk_store_get(st, argv[0], &c, &ctx->err)) == 0) {
		r = hk_images_open(p.state, st, &im, &ctx->err);
		if (r == 0)
			r = hk_ctdiff_get(im, c.id, &d, &n, &ctx->err);
		if (im)
			hk_images_close(im);
		hk_ct_row_free(&c);
	}
	hk_store_close(st);
	if (r < 0)
		return r;
	if (ctx->json) {
		struct out_table *t = out_table_new(diff_cols, HK_ARRAY_SIZE(diff_cols));
		for (size_t i = 0; i < n; i++) {
			char k[2] = { d[i].kind, 0 };
			out_row(t);
			out_str(t, F_KIND, k);
			out_str(t, F_PATH, d[i].path);
		}
		r = out_table_print(t, true, false);
		out_table_free(t);
	} else {
		for (size_t i = 0; i < n; i++) {
			char *e = out_escape(d[i].path);
			printf("%c %s\n", d[i].kind, e);
			free(e);
		}
		r = out_flush();
	}
	hk_ctdiff_free(d, n);
	return r;
}

/* ---- hako history IMAGE ---- */

enum { H_ID, H_CREATED, H_BY, H_SIZE, H_COMMENT, H_BYTES };
static const struct out_col hist_cols[] = {
	[H_ID] = { "IMAGE", "id" },
	[H_CREATED] = { "CREATED", "created" },
	[H_BY] = { "CREATED BY", "created_by" },
	[H_SIZE] = { "SIZE", "size_human" },
	[H_COMMENT] = { "COMMENT", "comment" },
	[H_BYTES] = { "BYTES", "size", true, true },
};

int cmd_history(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "no-trunc", no_argument, NULL, 'T' },
		{ "format", required_argument, NULL, 'F' },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	bool quiet = false, notrunc = false;
	const char *format = NULL, *ref = NULL;
	int opt, r = cmd_getopt_init(ctx, &g, "history", "-:q", opts, argc, argv);
	while (r == 0 && (opt = cmd_getopt_next(&g)) != -1) {
		if (opt == 'q')
			quiet = true;
		else if (opt == 'T')
			notrunc = true;
		else if (opt == 'F')
			format = optarg;
		else if (opt == 1 && !ref)
			ref = optarg;
		else if (opt == 1)
			r = cmd_usage(ctx, "history: unexpected '%s'; hako history IMAGE", optarg);
		else
			r = cmd_getopt_bad(ctx, &g, opt);
	}
	if (r == 0 && !ref)
		r = cmd_usage(ctx, "history: missing image; hako history IMAGE");
	if (r < 0)
		return r;
	struct hk_paths p;
	struct hk_store *st;
	struct hk_images *im = NULL;
	struct hk_imghist *h = NULL;
	size_t n = 0;
	char id[HK_DIGEST_MAX];
	r = ct_open(ctx, &p, &st);
	if (r == 0)
		r = hk_images_open(p.state, st, &im, &ctx->err);
	if (r == 0)
		r = hk_imghist_get(im, ref, &h, &n, id, &ctx->err);
	if (im)
		hk_images_close(im);
	hk_store_close(st);
	if (r < 0)
		return r;
	const char *hex = strncmp(id, "sha256:", 7) ? id : id + 7;
	int64_t now = (int64_t)time(NULL);
	struct out_table *t = out_table_new(hist_cols, HK_ARRAY_SIZE(hist_cols));
	struct json_object **objs = calloc(n + 1, sizeof(*objs));
	for (size_t i = 0; i < n; i++) {
		char sid[80], ago[80], d[64], size[32], at[40];
		snprintf(sid, sizeof(sid),
			 i	   ? "<missing>"
			 : notrunc ? "%s"
				   : "%.12s",
			 notrunc ? id : hex);
		if (quiet) {
			if (!i)
				printf("%s\n", sid);
			continue;
		}
		hk_human_duration(now - h[i].created, d, sizeof(d));
		snprintf(ago, sizeof(ago), "%s ago", d);
		hk_human_size(h[i].size, size, sizeof(size));
		hk_human_rfc3339(h[i].created, at, sizeof(at));
		const char *by = h[i].created_by ? h[i].created_by : "";
		char shortby[50];
		snprintf(shortby, sizeof(shortby), "%.44s%s", by, strlen(by) > 44 ? "…" : "");
		out_row(t);
		out_str(t, H_ID, sid);
		out_json(t, H_CREATED, json_object_new_int64(h[i].created),
			 h[i].created ? ago : "N/A");
		out_json(t, H_BY, json_object_new_string(by), notrunc ? by : shortby);
		out_str(t, H_SIZE, size);
		out_str(t, H_COMMENT, h[i].comment && h[i].comment[0] ? h[i].comment : NULL);
		out_int(t, H_BYTES, (int64_t)h[i].size);
		objs[i] = json_object_new_object();
		add_s(objs[i], "ID", sid);
		add_s(objs[i], "CreatedSince", ago);
		add_s(objs[i], "CreatedAt", at);
		add_s(objs[i], "CreatedBy", by);
		add_s(objs[i], "Size", size);
		add_s(objs[i], "Comment", h[i].comment);
	}
	if (!quiet)
		r = format ? gotmpl_run(ctx, format, objs, n, NULL)
			   : out_table_print(t, ctx->json, ctx->noheadings);
	for (size_t i = 0; i < n; i++)
		json_object_put(objs[i]);
	free(objs);
	out_table_free(t);
	hk_imghist_free(h, n);
	return r < 0 ? r : out_flush();
}

/* ---- aliases: images, rmi, container VERB ---- */

static int with_verb(struct hk_ctx *ctx, int (*fn)(struct hk_ctx *, int, char **), const char *verb,
		     int argc, char **argv)
{
	_cleanup_free_ char **v = calloc((size_t)argc + 2, sizeof(char *));
	if (!v)
		return hk_err_sys(&ctx->err, -ENOMEM, "%s", verb);
	v[0] = (char *)verb;
	memcpy(v + 1, argv, (size_t)argc * sizeof(char *));
	return fn(ctx, argc + 1, v);
}

int cmd_images(struct hk_ctx *ctx, int argc, char **argv)
{
	return with_verb(ctx, cmd_image, "ls", argc, argv);
}

int cmd_rmi(struct hk_ctx *ctx, int argc, char **argv)
{
	return with_verb(ctx, cmd_image, "rm", argc, argv);
}

/* docker tag, save, load: image tag, save, load */
int cmd_tag(struct hk_ctx *ctx, int argc, char **argv)
{
	return with_verb(ctx, cmd_image, "tag", argc, argv);
}

int cmd_save(struct hk_ctx *ctx, int argc, char **argv)
{
	return with_verb(ctx, cmd_image, "save", argc, argv);
}

int cmd_load(struct hk_ctx *ctx, int argc, char **argv)
{
	return with_verb(ctx, cmd_image, "load", argc, argv);
}

/* hako container prune [-f]: every stopped container */
static int ct_prune(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	bool force = false;
	int opt, r = cmd_getopt_init(ctx, &g, "container prune", "+:f", opts, argc, argv);
	while (r == 0 && (opt = cmd_getopt_next(&g)) != -1)
		r = opt == 'f' ? (force = true, 0) : cmd_getopt_bad(ctx, &g, opt);
	if (r == 0 && g.rest < argc)
		r = cmd_usage(ctx, "container prune: unexpected '%s'", argv[g.rest]);
	if (r < 0)
		return r;
	if (!force && !confirmed("  - all stopped containers\n"))
		return hk_err_set(
			&ctx->err, -ECANCELED,
			"container prune: not confirmed; nothing removed (-f: no question)");
	struct hk_paths p;
	struct hk_store *st;
	struct hk_prune_result res = { 0 };
	r = ct_open(ctx, &p, &st);
	if (r == 0)
		r = hk_container_prune(st, &p, &res, &ctx->err);
	hk_store_close(st);
	if (r < 0)
		return r;
	if (ctx->json) {
		struct json_object *o = json_object_new_object();
		add_i(o, "containers", (int64_t)res.containers);
		add_i(o, "reclaimed", (int64_t)res.reclaimed);
		return out_json_print(o);
	}
	char b[32];
	hk_human_size(res.reclaimed, b, sizeof(b));
	printf("Deleted: %zu containers\nTotal reclaimed space: %s\n", res.containers, b);
	return out_flush();
}

/* docker container VERB: the top-level command of that name (ls and list are ps) */
int cmd_container(struct hk_ctx *ctx, int argc, char **argv)
{
	static const char *const verbs[] = {
		"attach", "commit", "cp",    "create", "diff", "exec",	  "export",  "inspect",
		"kill",	  "logs",   "pause", "port",   "ps",   "rename",  "restart", "rm",
		"run",	  "start",  "stats", "stop",   "top",  "unpause", "update",  "wait",
	};
	if (argc < 1)
		return cmd_usage(ctx, "container: missing verb; try 'hako container help'");
	const char *v = argv[0];
	if (!strcmp(v, "ls") || !strcmp(v, "list"))
		v = "ps";
	if (!strcmp(v, "help") || !strcmp(v, "--help") || !strcmp(v, "-h")) {
		printf("Usage: hako container VERB [ARGS...]: the same as hako VERB (ls and list: "
		       "ps)\n");
		return 0;
	}
	if (!strcmp(v, "prune") && argc == 2 &&
	    (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("Usage: hako container prune [-f|--force]\n");
		return 0;
	}
	if (!strcmp(v, "prune"))
		return ct_prune(ctx, argc - 1, argv + 1);
	for (size_t i = 0; i < HK_ARRAY_SIZE(verbs); i++)
		if (!strcmp(v, verbs[i])) {
			argv[0] = (char *)v;
			return cmd_run(ctx, argc, argv);
		}
	return cmd_usage(ctx, "container: unknown verb '%s'; try 'hako container help'", argv[0]);
}
