// SPDX-License-Identifier: MIT
/*
 * hako image import|load|add-dir|bootstrap|ls|inspect|rm|tag|prune|save, and the top-level
 * hako commit and hako export. Thin: image.h does the work.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "ct.h"
#include "image.h"
#include "out.h"
#include "gotmpl.h"
#include "base/human.h"

struct img_session {
	struct hk_paths paths;
	struct hk_store *st;
	struct hk_images *im;
};

static int img_open(struct hk_ctx *ctx, struct img_session *s)
{
	int r = ct_open(ctx, &s->paths, &s->st);
	if (r == 0)
		r = hk_images_open(s->paths.state, s->st, &s->im, &ctx->err);
	return r;
}

static void img_close(struct img_session *s)
{
	hk_images_close(s->im);
	hk_store_close(s->st);
}

/* ---- progress on a terminal ---- */

struct progress {
	struct timespec t0;
	struct timespec last;
	uint64_t done; /* bytes of finished layers */
	size_t layer;
	uint64_t in;
	uint64_t total; /* the input's size when it is a regular file, else 0 */
};

static double since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void progress_cb(void *ud, size_t layer, size_t nlayers, uint64_t in, uint64_t out)
{
	struct progress *p = ud;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (layer != p->layer) {
		p->done += p->in;
		p->layer = layer;
	}
	p->in = in;
	if (since(&p->last, &now) < 0.2)
		return;
	p->last = now;
	uint64_t cur = p->done + in;
	double t = since(&p->t0, &now), mib = (double)cur / (1 << 20);
	if (!p->total || cur > p->total) {
		fprintf(stderr,
			"\r\033[Klayer %zu/%zu: %.1f MiB read, %.1f MiB written, %.1f MiB/s",
			layer + 1, nlayers, mib, (double)out / (1 << 20), t > 0 ? mib / t : 0.0);
		return;
	}
	/* the size is known: a bar, the percentage and the time left at the rate so far */
	enum { WIDTH = 30 };
	double frac = (double)cur / (double)p->total, eta = cur ? t * (1 / frac - 1) : 0;
	char bar[WIDTH + 1];
	int fill = (int)(frac * WIDTH);
	for (int i = 0; i < WIDTH; i++)
		bar[i] = i < fill ? '=' : i == fill ? '>' : ' ';
	bar[WIDTH] = 0;
	fprintf(stderr, "\r\033[Klayer %zu/%zu [%s] %3d%% %.1f/%.1f MiB %.1f MiB/s ETA %d:%02d",
		layer + 1, nlayers, bar, (int)(frac * 100), mib, (double)p->total / (1 << 20),
		t > 0 ? mib / t : 0.0, (int)eta / 60, (int)eta % 60);
}

static void progress_end(struct progress *p)
{
	if (p->last.tv_sec)
		fprintf(stderr, "\r\033[K");
}

enum { OPT_ALLOW_DEVICES = 0x100 };

/* Options shared by import/load/add-dir/bootstrap, before or after the operands; returns the
 * number of operands (in pos). */
static int parse_add(struct hk_ctx *ctx, const char *name, int argc, char **argv, char *tag,
		     struct hk_image_opts *o, char **pos, int maxpos)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 't' },
		/* deprecated, no effect: device nodes are always imported (docs/parts/image.md) */
		{ "allow-devices", no_argument, NULL, OPT_ALLOW_DEVICES },
		{},
	};
	static const struct option load_opts[] = {
		{ "name", required_argument, NULL, 't' },
		{ "allow-devices", no_argument, NULL, OPT_ALLOW_DEVICES },
		{ "input", required_argument, NULL, 'i' }, /* as docker load -i FILE */
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	int npos = 0, c,
	    r = !strcmp(name, "image load")
			? cmd_getopt_init(ctx, &g, "image load", "-:t:i:", load_opts, argc, argv)
			: cmd_getopt_init(ctx, &g, name, "-:t:", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&g)) != -1) {
		switch (c) {
		case 't':
			if (hk_image_ref_normalize(optarg, tag, HK_IMAGE_REF_MAX, &ctx->err) < 0)
				r = hk_err_prefix(&ctx->err, "%s", name);
			o->tag = tag;
			break;
		case 'i': /* load -i FILE: the operand FILE */
		case 1:	  /* an operand */
			if (npos == maxpos)
				r = cmd_usage(ctx, "%s: unexpected argument '%s'", name, optarg);
			else
				pos[npos++] = optarg;
			break;
		case OPT_ALLOW_DEVICES:
			break;
		default:
			r = cmd_getopt_bad(ctx, &g, c);
		}
	}
	return r < 0 ? r : npos;
}

static int finish_add(struct hk_ctx *ctx, int r, const char *id)
{
	if (r < 0)
		return r;
	if (ctx->json) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_string(id));
		return out_json_print(o);
	}
	printf("%s\n", id);
	return out_flush();
}

enum add_kind { ADD_IMPORT, ADD_LOAD, ADD_DIR, ADD_BOOTSTRAP };

static int image_add(struct hk_ctx *ctx, enum add_kind kind, int argc, char **argv)
{
	static const char *const verbs[] = { "import", "load", "add-dir", "bootstrap" };
	static const char *const names[] = { "image import", "image load", "image add-dir",
					     "image bootstrap" };
	const char *verb = verbs[kind];
	char tag[HK_IMAGE_REF_MAX], *pos[2] = { NULL, NULL };
	struct hk_image_opts o = { 0 };
	int npos = parse_add(ctx, names[kind], argc, argv, tag, &o, pos, 2);
	if (npos < 0)
		return npos;
	if (kind == ADD_BOOTSTRAP) {
		if (npos != 2 || strcmp(pos[0], "busybox"))
			return cmd_usage(ctx, "image bootstrap: expected 'busybox NAME[:TAG]'");
		if (hk_image_ref_normalize(pos[1], tag, sizeof(tag), &ctx->err) < 0)
			return hk_err_prefix(&ctx->err, "image bootstrap");
		o.tag = tag;
	} else if (kind == ADD_LOAD && npos == 0 && !isatty(STDIN_FILENO)) {
		pos[npos++] = "-"; /* docker load < FILE */
	} else if (npos != 1) {
		return cmd_usage(ctx, "image %s: expected one %s", verb,
				 kind == ADD_DIR ? "DIR" : "FILE");
	}
	if (kind == ADD_DIR && !o.tag)
		return cmd_usage(ctx, "image add-dir: --name NAME[:TAG] is required");
	struct progress p = { 0 };
	if ((isatty(STDERR_FILENO) || getenv("HAKO_PROGRESS")) && !ctx->json) {
		clock_gettime(CLOCK_MONOTONIC, &p.t0);
		o.progress = progress_cb;
		o.userdata = &p;
		struct stat st;
		if ((kind == ADD_IMPORT || kind == ADD_LOAD) && strcmp(pos[0], "-") &&
		    stat(pos[0], &st) == 0 && S_ISREG(st.st_mode))
			p.total = (uint64_t)st.st_size;
	}
	struct img_session s = { 0 };
	char id[HK_DIGEST_MAX];
	int r = img_open(ctx, &s);
	const char *bb = getenv("HAKO_BUSYBOX");
	if (r == 0 && kind == ADD_IMPORT)
		r = hk_image_import(s.im, pos[0], &o, id, &ctx->err);
	else if (r == 0 && kind == ADD_LOAD)
		r = hk_image_load(s.im, pos[0], &o, id, &ctx->err);
	else if (r == 0 && kind == ADD_DIR)
		r = hk_image_add_dir(s.im, pos[0], &o, id, &ctx->err);
	else if (r == 0)
		r = hk_image_bootstrap_busybox(s.im, bb ? bb : "/bin/busybox", &o, id, &ctx->err);
	progress_end(&p);
	img_close(&s);
	return finish_add(ctx, r, id);
}

static int image_import(struct hk_ctx *ctx, int argc, char **argv)
{
	return image_add(ctx, ADD_IMPORT, argc, argv);
}
static int image_load(struct hk_ctx *ctx, int argc, char **argv)
{
	return image_add(ctx, ADD_LOAD, argc, argv);
}
static int image_add_dir(struct hk_ctx *ctx, int argc, char **argv)
{
	return image_add(ctx, ADD_DIR, argc, argv);
}
static int image_bootstrap(struct hk_ctx *ctx, int argc, char **argv)
{
	return image_add(ctx, ADD_BOOTSTRAP, argc, argv);
}

static void human_size(uint64_t b, char *buf, size_t len)
{
	if (b >= (1ULL << 30))
		snprintf(buf, len, "%.1fGB", (double)b / (1ULL << 30));
	else if (b >= (1ULL << 20))
		snprintf(buf, len, "%.1fMB", (double)b / (1ULL << 20));
	else
		snprintf(buf, len, "%.1fkB", (double)b / 1024);
}

enum { C_NAME, C_ID, C_LAYERS, C_SIZE, C_CREATED, C_BYTES };
static const struct out_col ls_cols[] = {
	[C_NAME] = { "NAME", "name" },
	[C_ID] = { "ID", "id" },
	[C_LAYERS] = { "LAYERS", "layers", true },
	[C_SIZE] = { "SIZE", "size_human", true },
	[C_CREATED] = { "CREATED", "created" },
	[C_BYTES] = { "BYTES", "size", true, true },
};

static void ls_row(struct out_table *t, const struct hk_image_row *r, const char *name)
{
	char size[32], created[32], id[16];
	struct tm tm;
	time_t c = (time_t)r->created;
	strftime(created, sizeof(created), "%Y-%m-%d %H:%M:%S", localtime_r(&c, &tm));
	human_size(r->size, size, sizeof(size));
	snprintf(id, sizeof(id), "%.12s", hk_digest_hex(r->id));
	out_row(t);
	out_str(t, C_NAME, name);
	out_str(t, C_ID, id);
	out_int(t, C_LAYERS, (int64_t)r->nlayers);
	out_str(t, C_SIZE, size);
	out_str(t, C_CREATED, created);
	out_int(t, C_BYTES, (int64_t)r->size);
}

/* image ls --format's object: Docker's keys */
static struct json_object *ls_object(const struct hk_image_row *r, const char *name)
{
	struct json_object *o = json_object_new_object();
	char id[16], size[32], at[40], ago[80], d[64];
	const char *colon = name ? strrchr(name, ':') : NULL;
	snprintf(id, sizeof(id), "%.12s", hk_digest_hex(r->id));
	hk_human_size(r->size, size, sizeof(size));
	hk_human_rfc3339(r->created, at, sizeof(at));
	hk_human_duration((int64_t)time(NULL) - r->created, d, sizeof(d));
	snprintf(ago, sizeof(ago), "%s ago", d);
	json_object_object_add(o, "ID", json_object_new_string(id));
	json_object_object_add(o, "Repository",
			       colon ? json_object_new_string_len(name, (int)(colon - name))
				     : json_object_new_string("<none>"));
	json_object_object_add(o, "Tag", json_object_new_string(colon ? colon + 1 : "<none>"));
	json_object_object_add(o, "CreatedAt", json_object_new_string(at));
	json_object_object_add(o, "CreatedSince", json_object_new_string(ago));
	json_object_object_add(o, "Size", json_object_new_string(size));
	json_object_object_add(o, "Digest", json_object_new_string(r->id));
	return o;
}

static const struct gotmpl_title ls_titles[] = { { "ID", "IMAGE ID" },
						 { "CreatedSince", "CREATED" },
						 { NULL, NULL } };

/* image ls's selection, Docker's: [REPOSITORY[:TAG]], -f dangling=true|false,
 * -f reference=PATTERN (a glob over NAME:TAG or NAME); the same key again: or. */
struct ls_sel {
	const char *repo; /* the operand */
	int dangling;	  /* -1: any */
	const char *refs[16];
	size_t nrefs;
};

static int ls_filter(struct hk_ctx *ctx, struct ls_sel *sel, const char *f)
{
	if (!strcmp(f, "dangling=true") || !strcmp(f, "dangling=false")) {
		sel->dangling = !strcmp(f, "dangling=true");
		return 0;
	}
	if (!strncmp(f, "reference=", 10) && f[10] && sel->nrefs < HK_ARRAY_SIZE(sel->refs)) {
		sel->refs[sel->nrefs++] = f + 10;
		return 0;
	}
	return cmd_usage(ctx,
			 "image ls: --filter '%s': expected dangling=true|false or "
			 "reference=PATTERN",
			 f);
}

/* Does tag (NAME:TAG; NULL for an untagged image) pass sel? */
static bool ls_selected(const struct ls_sel *sel, const char *tag)
{
	if (sel->dangling >= 0 && sel->dangling != !tag)
		return false;
	if ((sel->repo || sel->nrefs) && !tag)
		return false;
	char name[HK_IMAGE_REF_MAX];
	const char *colon = tag ? strrchr(tag, ':') : NULL;
	snprintf(name, sizeof(name), "%.*s", colon ? (int)(colon - tag) : 0, tag ? tag : "");
	if (sel->repo && strcmp(sel->repo, strchr(sel->repo, ':') ? tag : name))
		return false;
	bool hit = !sel->nrefs;
	for (size_t i = 0; i < sel->nrefs; i++)
		hit |= !fnmatch(sel->refs[i], tag, 0) || !fnmatch(sel->refs[i], name, 0);
	return hit;
}

/* REPOSITORY[:TAG] as its familiar name is stored (no tag: every tag of it) */
static int ls_repo(struct hk_ctx *ctx, struct ls_sel *sel, const char *arg, char *buf, size_t len)
{
	const char *slash = strrchr(arg, '/'), *colon = strrchr(arg, ':');
	sel->repo = arg;
	if (colon && (!slash || colon > slash)) {
		if (hk_image_ref_normalize(arg, buf, len, &ctx->err) < 0)
			return hk_err_prefix(&ctx->err, "image ls");
		sel->repo = buf;
	}
	return 0;
}

static int image_ls(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "all", no_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'F' },
		{ "filter", required_argument, NULL, 'f' },
		{ "no-trunc", no_argument, NULL, 'T' },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	bool quiet = false, full = false;
	const char *format = NULL;
	struct ls_sel sel = { .dangling = -1 };
	char repo[HK_IMAGE_REF_MAX];
	/* "-": options before or after REPOSITORY, as docker images */
	int opt, r = cmd_getopt_init(ctx, &g, "image ls", "-:qaf:", opts, argc, argv);
	while (r == 0 && (opt = cmd_getopt_next(&g)) != -1) {
		if (opt == 'q')
			quiet = true;
		else if (opt == 'F')
			format = gotmpl_listing(optarg);
		else if (opt == 'f')
			r = ls_filter(ctx, &sel, optarg);
		else if (opt == 'T')
			full = true;
		else if (opt == 1 && sel.repo)
			r = cmd_usage(ctx, "image ls: unexpected '%s'", optarg);
		else if (opt == 1)
			r = ls_repo(ctx, &sel, optarg, repo, sizeof(repo));
		else if (opt != 'a') /* every image is listed: -a changes nothing */
			r = cmd_getopt_bad(ctx, &g, opt);
	}
	if (r < 0)
		return r;
	struct img_session s = { 0 };
	struct hk_image_row *rows = NULL;
	size_t n = 0;
	r = img_open(ctx, &s);
	if (r == 0)
		r = hk_imgstore_list(s.st, &rows, &n, &ctx->err);
	img_close(&s);
	if (r < 0)
		return r;
	struct out_table *t = out_table_new(ls_cols, HK_ARRAY_SIZE(ls_cols));
	struct json_object **objs = NULL;
	size_t nobj = 0;
	for (size_t i = 0; i < n; i++) {
		bool any = false;
		for (size_t k = 0; k < (rows[i].ntags ? rows[i].ntags : 1); k++)
			any |= ls_selected(&sel, rows[i].ntags ? rows[i].tags[k] : NULL);
		if (!any)
			continue;
		if (quiet && !ctx->json) { /* one line per image; --no-trunc: the whole id */
			if (full)
				printf("%s\n", rows[i].id);
			else
				printf("%.12s\n", hk_digest_hex(rows[i].id));
			continue;
		}
		for (size_t k = 0; k < (rows[i].ntags ? rows[i].ntags : 1); k++) {
			const char *name = rows[i].ntags ? rows[i].tags[k] : NULL;
			if (!ls_selected(&sel, name))
				continue;
			if (format && !ctx->json) {
				objs = realloc(objs, (nobj + 1) * sizeof(*objs));
				if (!objs)
					abort();
				objs[nobj++] = ls_object(&rows[i], name);
			} else {
				ls_row(t, &rows[i], name);
			}
		}
	}
	hk_image_rows_free(rows, n);
	if (format && !ctx->json && !quiet)
		r = gotmpl_run(ctx, format, objs, nobj, ls_titles);
	else if (!quiet || ctx->json)
		r = out_table_print(t, ctx->json, ctx->noheadings);
	for (size_t i = 0; i < nobj; i++)
		json_object_put(objs[i]);
	free(objs);
	out_table_free(t);
	if (r == -EINVAL || (r < 0 && ctx->err.msg[0])) /* said already */
		return r;
	return r < 0 ? hk_err_sys(&ctx->err, r, "image ls") : out_flush();
}

/* The blobs kept as received (store_image.h): [{kind, index, digest, media_type, size}]. */
static struct json_object *inspect_blobs(struct hk_store *st, const char *id)
{
	struct json_object *a = json_object_new_array();
	struct hk_blob_row *b;
	size_t n;
	struct hk_err e;
	if (hk_imgstore_blobs_get(st, id, &b, &n, &e) < 0)
		return a;
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "kind", json_object_new_string(b[i].kind));
		json_object_object_add(o, "index", json_object_new_int64((int64_t)b[i].idx));
		json_object_object_add(o, "digest", json_object_new_string(b[i].digest));
		json_object_object_add(o, "media_type", json_object_new_string(b[i].media_type));
		json_object_object_add(o, "size", json_object_new_int64((int64_t)b[i].size));
		json_object_array_add(a, o);
	}
	free(b);
	return a;
}

static struct json_object *inspect_one(struct hk_store *st, const struct hk_image_row *r)
{
	struct json_object *o = json_object_new_object(), *tags = json_object_new_array(),
			   *layers = json_object_new_array();
	json_object_object_add(o, "id", json_object_new_string(r->id));
	for (size_t i = 0; i < r->ntags; i++)
		json_object_array_add(tags, json_object_new_string(r->tags[i]));
	json_object_object_add(o, "tags", tags);
	json_object_object_add(o, "created", json_object_new_int64(r->created));
	json_object_object_add(o, "size", json_object_new_int64((int64_t)r->size));
	for (size_t i = 0; i < r->nlayers; i++) {
		struct json_object *l = json_object_new_object();
		json_object_object_add(l, "diff_id", json_object_new_string(r->layers[i]));
		json_object_object_add(l, "size",
				       json_object_new_int64((int64_t)r->layer_sizes[i]));
		json_object_array_add(layers, l);
	}
	json_object_object_add(o, "layers", layers);
	json_object_object_add(o, "blobs", inspect_blobs(st, r->id));
	struct json_object *cfg = json_tokener_parse(r->config);
	json_object_object_add(o, "config", cfg);
	return o;
}

int cmd_image_inspect_obj(struct hk_ctx *ctx, const char *ref, struct json_object **ret)
{
	struct img_session s = { 0 };
	struct hk_image_row row;
	int r = img_open(ctx, &s);
	if (r == 0 && (r = hk_image_find(s.im, ref, &row, &ctx->err)) == 0) {
		struct json_object *o = inspect_one(s.st, &row), *cfg, *v;
		/* Docker's keys beside hako's */
		json_object_object_add(o, "Id", json_object_new_string(row.id));
		struct json_object *tags = json_object_new_array(),
				   *layers = json_object_new_array();
		for (size_t i = 0; i < row.ntags; i++)
			json_object_array_add(tags, json_object_new_string(row.tags[i]));
		json_object_object_add(o, "RepoTags", tags);
		char at[40];
		hk_human_rfc3339(row.created, at, sizeof(at));
		json_object_object_add(o, "Created", json_object_new_string(at));
		json_object_object_add(o, "Size", json_object_new_int64((int64_t)row.size));
		for (size_t i = 0; i < row.nlayers; i++)
			json_object_array_add(layers, json_object_new_string(row.layers[i]));
		struct json_object *rootfs = json_object_new_object();
		json_object_object_add(rootfs, "Type", json_object_new_string("layers"));
		json_object_object_add(rootfs, "Layers", layers);
		json_object_object_add(o, "RootFS", rootfs);
		if (json_object_object_get_ex(o, "config", &cfg)) {
			if (json_object_object_get_ex(cfg, "config", &v))
				json_object_object_add(o, "Config", json_object_get(v));
			if (json_object_object_get_ex(cfg, "architecture", &v))
				json_object_object_add(o, "Architecture", json_object_get(v));
			if (json_object_object_get_ex(cfg, "os", &v))
				json_object_object_add(o, "Os", json_object_get(v));
		}
		*ret = o;
		hk_image_row_free(&row);
	}
	img_close(&s);
	return r;
}

/* -f/--format: a template over each image as `hako inspect IMAGE` shows it (Docker's keys
 * beside hako's), as `docker image inspect -f '{{.Id}}'` */
static int image_inspect_format(struct hk_ctx *ctx, const char *format, char **refs, int n)
{
	struct gotmpl *t = NULL;
	if (gotmpl_parse(ctx, format, &t) < 0)
		return -EINVAL;
	struct json_object **objs = calloc((size_t)n + 1, sizeof(*objs));
	int r = objs ? 0 : hk_err_sys(&ctx->err, -ENOMEM, "image inspect"), k = 0;
	for (int i = 0; r == 0 && i < n; i++)
		if ((r = cmd_image_inspect_obj(ctx, refs[i], &objs[k])) == 0)
			k++;
	static const struct gotmpl_title titles[] = { { NULL, NULL } };
	if (r == 0)
		r = gotmpl_print(ctx, t, objs, (size_t)k, titles);
	for (int i = 0; i < k; i++)
		json_object_put(objs[i]);
	free(objs);
	gotmpl_free(t);
	return r;
}

static int image_inspect(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	const char *format = NULL;
	_cleanup_free_ char **refs = calloc((size_t)argc + 1, sizeof(char *));
	int n = 0;
	/* "-": options before or after the images, as docker image inspect */
	int c, r = refs ? cmd_getopt_init(ctx, &g, "image inspect", "-:f:", opts, argc, argv)
			: hk_err_sys(&ctx->err, -ENOMEM, "image inspect");
	while (r == 0 && (c = cmd_getopt_next(&g)) != -1) {
		if (c == 'f')
			format = optarg;
		else if (c == 1)
			refs[n++] = optarg;
		else
			r = cmd_getopt_bad(ctx, &g, c);
	}
	if (r < 0)
		return r;
	argv = refs;
	argc = n;
	if (argc < 1)
		return cmd_usage(ctx, "image inspect: expected IMAGE...");
	if (format)
		return image_inspect_format(ctx, format, argv, argc);
	struct img_session s = { 0 };
	r = img_open(ctx, &s);
	struct json_object *a = json_object_new_array();
	for (int i = 0; r == 0 && i < argc; i++) {
		struct hk_image_row row;
		r = hk_image_find(s.im, argv[i], &row, &ctx->err);
		if (r == 0) {
			json_object_array_add(a, inspect_one(s.st, &row));
			hk_image_row_free(&row);
		}
	}
	img_close(&s);
	if (r < 0) {
		json_object_put(a);
		return r;
	}
	return out_json_print(a);
}

static int image_rm(struct hk_ctx *ctx, int argc, char **argv)
{
	/* -f: an image a container is made of loses its names (Docker's rmi -f); the image
	 * itself stays while the container does. --no-prune: accepted (nothing else goes). */
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "no-prune", no_argument, NULL, 'P' },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	bool force = false;
	int c, r = cmd_getopt_init(ctx, &g, "image rm", "+:f", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&g)) != -1)
		if (c == 'f')
			force = true;
		else if (c != 'P')
			r = cmd_getopt_bad(ctx, &g, c);
	if (r < 0)
		return r;
	argc -= g.rest;
	argv += g.rest;
	if (argc < 1)
		return cmd_usage(ctx, "image rm: expected IMAGE...");
	struct img_session s = { 0 };
	int ret = 0;
	size_t n;
	r = img_open(ctx, &s);
	for (int i = 0; r == 0 && i < argc; i++) {
		int k = hk_image_remove(s.im, argv[i], &ctx->err);
		if (k == -EBUSY && force) {
			hk_err_clear(&ctx->err);
			k = hk_image_untag_all(s.im, argv[i], &n, &ctx->err);
		}
		if (k < 0) {
			if (i + 1 < argc)
				fprintf(stderr, "hako: %s\n", ctx->err.msg);
			ret = ctx->err.code;
		}
	}
	img_close(&s);
	return r < 0 ? r : ret;
}

static int image_tag(struct hk_ctx *ctx, int argc, char **argv)
{
	if (cmd_no_options(ctx, "image tag", &argc, &argv) < 0)
		return -EINVAL;
	char tag[HK_IMAGE_REF_MAX];
	if (argc != 2)
		return cmd_usage(ctx, "image tag: expected IMAGE NAME[:TAG]");
	if (hk_image_ref_normalize(argv[1], tag, sizeof(tag), &ctx->err) < 0)
		return hk_err_prefix(&ctx->err, "image tag");
	struct img_session s = { 0 };
	struct hk_image_row row;
	int r = img_open(ctx, &s);
	if (r == 0 && (r = hk_image_find(s.im, argv[0], &row, &ctx->err)) == 0) {
		r = hk_imgstore_tag(s.st, row.id, tag, &ctx->err);
		hk_image_row_free(&row);
	}
	img_close(&s);
	return r;
}

static int image_prune(struct hk_ctx *ctx, int argc, char **argv)
{
	/* -f: Docker's "do not prompt" (hako's prune never asks) */
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	int c, r = cmd_getopt_init(ctx, &g, "image prune", "+:f", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&g)) != -1)
		if (c != 'f')
			r = cmd_getopt_bad(ctx, &g, c);
	if (r < 0)
		return r;
	if (g.rest < argc)
		return cmd_usage(ctx, "image prune: unexpected '%s'", argv[g.rest]);
	struct img_session s = { 0 };
	size_t ni = 0, nl = 0;
	r = img_open(ctx, &s);
	if (r == 0)
		r = hk_image_prune(s.im, &ni, &nl, &ctx->err);
	img_close(&s);
	if (r < 0)
		return r;
	if (ctx->json) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "images", json_object_new_int64((int64_t)ni));
		json_object_object_add(o, "layers", json_object_new_int64((int64_t)nl));
		return out_json_print(o);
	}
	printf("removed %zu images, %zu layers\n", ni, nl);
	return out_flush();
}

static int image_save(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	const char *ref = NULL, *out = NULL;
	/* "-": IMAGE -o FILE as well as -o FILE IMAGE */
	int c, r = cmd_getopt_init(ctx, &g, "image save", "-:o:", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&g)) != -1) {
		if (c == 'o')
			out = optarg;
		else if (c == 1 && !ref)
			ref = optarg;
		else if (c == 1)
			r = cmd_usage(ctx, "image save: unexpected argument '%s'", optarg);
		else
			r = cmd_getopt_bad(ctx, &g, c);
	}
	if (r < 0)
		return r;
	if (!ref || !out)
		return cmd_usage(ctx, "image save: expected IMAGE -o FILE");
	if (!strcmp(out, "-") && isatty(STDOUT_FILENO))
		return cmd_usage(ctx, "image save: refusing to write a tar to a terminal");
	struct img_session s = { 0 };
	r = img_open(ctx, &s);
	struct hk_image_row row;
	if (r == 0 && (r = hk_image_find(s.im, ref, &row, &ctx->err)) == 0)
		hk_image_row_free(&row); /* exists: only now create FILE */
	int fd = -1;
	if (r == 0) {
		fd = strcmp(out, "-") ? open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)
				      : STDOUT_FILENO;
		if (fd < 0)
			r = hk_err_sys(&ctx->err, -errno, "image save: '%s'", out);
	}
	if (r == 0)
		r = hk_image_save(s.im, ref, fd, &ctx->err);
	if (fd > STDOUT_FILENO && close(fd) < 0 && r == 0)
		r = hk_err_sys(&ctx->err, -errno, "image save: '%s'", out);
	if (r < 0 && fd > STDOUT_FILENO)
		unlink(out);
	img_close(&s);
	return r;
}

/* docker image history: hako history */
static int image_history(struct hk_ctx *ctx, int argc, char **argv)
{
	return cmd_history(ctx, argc, argv);
}

static const struct cmd_verb image_verbs[] = {
	{ "ls", "list", image_ls },
	{ "import", NULL, image_import },
	{ "load", NULL, image_load },
	{ "add-dir", NULL, image_add_dir },
	{ "bootstrap", NULL, image_bootstrap },
	{ "inspect", NULL, image_inspect },
	{ "rm", "remove", image_rm },
	{ "tag", NULL, image_tag },
	{ "prune", NULL, image_prune },
	{ "save", NULL, image_save },
	{ "history", NULL, image_history },
};

int cmd_image(struct hk_ctx *ctx, int argc, char **argv)
{
	return cmd_dispatch(ctx, "image", image_verbs, HK_ARRAY_SIZE(image_verbs), "ls", argc,
			    argv);
}

/* ---- hako commit CT NAME[:TAG], hako export CT ---- */

static int ct_image_cmd(struct hk_ctx *ctx, bool commit, int argc, char **argv)
{
	if (cmd_no_options(ctx, commit ? "commit" : "export", &argc, &argv) < 0)
		return -EINVAL;
	char tag[HK_IMAGE_REF_MAX];
	if (commit ? argc != 2 : argc != 1)
		return cmd_usage(ctx,
				 commit ? "commit: expected CONTAINER NAME[:TAG]"
					: "export: expected CONTAINER (the tar goes to stdout)");
	if (commit && hk_image_ref_normalize(argv[1], tag, sizeof(tag), &ctx->err) < 0)
		return hk_err_prefix(&ctx->err, "commit");
	if (!commit && isatty(STDOUT_FILENO))
		return cmd_usage(ctx, "export: refusing to write a tar to a terminal (> FILE)");
	struct img_session s = { 0 };
	struct hk_ct_row ct;
	char id[HK_DIGEST_MAX];
	int r = img_open(ctx, &s);
	if (r == 0 && (r = hk_store_get(s.st, argv[0], &ct, &ctx->err)) == 0) {
		struct hk_image_opts o = { .tag = tag };
		r = commit ? hk_image_commit(s.im, ct.id, &o, id, &ctx->err)
			   : hk_ctroot_export(s.im, ct.id, STDOUT_FILENO, &ctx->err);
		hk_ct_row_free(&ct);
	}
	img_close(&s);
	if (r < 0)
		return hk_err_prefix(&ctx->err, "container '%s'", argv[0]);
	return commit ? finish_add(ctx, r, id) : 0;
}

int cmd_ct_commit(struct hk_ctx *ctx, int argc, char **argv)
{
	return ct_image_cmd(ctx, true, argc, argv);
}

int cmd_ct_export(struct hk_ctx *ctx, int argc, char **argv)
{
	return ct_image_cmd(ctx, false, argc, argv);
}
