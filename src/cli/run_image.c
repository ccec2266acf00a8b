// SPDX-License-Identifier: MIT
/* hako run IMAGE: image config as defaults, the per-container overlay root. */
#include "run_image.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image.h"
#include "regref.h"
#include "testpoint.h"
#include "userns.h"

static size_t strv_len(char **v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

static int set_argv(struct hk_ctx *ctx, struct run_image *ri, struct hk_ct_spec *spec,
		    const struct hk_image_config *c)
{
	char **user = spec->argv;
	/* --entrypoint replaces the image's Entrypoint and drops its Cmd (Docker's) */
	char *ep[2] = { (char *)ri->entrypoint, NULL };
	char **entry = !ri->entrypoint ? c->entrypoint : ri->entrypoint[0] ? ep : NULL;
	char **tail = user && user[0] ? user : ri->entrypoint ? NULL : c->cmd;
	size_t ne = strv_len(entry), nt = strv_len(tail);
	if (ne + nt == 0)
		return cmd_usage(ctx, "run: image '%s' has no Cmd or Entrypoint: give a command",
				 ri->ref);
	ri->argv = calloc(ne + nt + 1, sizeof(char *));
	if (!ri->argv)
		return hk_err_sys(&ctx->err, -ENOMEM, "run");
	/* the strings stay owned by argv or by the kept config copy below */
	for (size_t i = 0; i < ne; i++)
		ri->argv[i] = strdup(entry[i]);
	for (size_t i = 0; i < nt; i++)
		ri->argv[ne + i] = strdup(tail[i]);
	for (size_t i = 0; i < ne + nt; i++)
		if (!ri->argv[i])
			return hk_err_sys(&ctx->err, -ENOMEM, "run");
	spec->argv = ri->argv;
	return 0;
}

static int set_env(struct hk_ctx *ctx, const struct hk_image_config *c, char **env, size_t *nenv,
		   size_t max)
{
	size_t add = 0;
	char *img[256];
	for (size_t i = 0; c->env && c->env[i] && add < 256; i++) {
		const char *eq = strchr(c->env[i], '=');
		size_t kl = eq ? (size_t)(eq - c->env[i]) + 1 : strlen(c->env[i]);
		bool over = false;
		for (size_t j = 0; j < *nenv; j++)
			over |= !strncmp(env[j], c->env[i], kl);
		if (!over && eq)
			img[add++] = c->env[i];
	}
	if (*nenv + add > max)
		return cmd_usage(ctx, "run: too many environment variables");
	memmove(env + add, env, *nenv * sizeof(char *));
	for (size_t i = 0; i < add; i++)
		if (!(env[i] = strdup(img[i])))
			return hk_err_sys(&ctx->err, -ENOMEM, "run");
	*nenv += add;
	env[*nenv] = NULL;
	return 0;
}

int run_image_defaults(struct hk_ctx *ctx, struct hk_store *st, struct run_image *ri,
		       struct hk_ct_spec *spec, char **env, size_t *nenv, size_t max)
{
	struct hk_image_row row;
	struct hk_image_config c = { 0 };
	char norm[HK_IMAGE_REF_MAX];
	struct hk_err e2 = { 0 };
	struct hk_paths p;
	int r = hk_paths_init(&p, ctx->root, &ctx->err);
	if (r < 0)
		return r;
	/* held until run_image_mount: a prune cannot remove the image in between */
	if ((ri->lock = hk_images_lock(p.state, false, &ctx->err)) < 0)
		return hk_err_prefix(&ctx->err, "run");
	/* NAME[:TAG] first, then an id or id prefix (hk_image_find without the layer store) */
	r = hk_image_ref_normalize(ri->ref, norm, sizeof(norm), &e2);
	bool named = r == 0;
	/* Docker's full spellings of a name kept in its familiar form (the name a pull gives
	 * it): docker.io/library/busybox is busybox:latest, docker.io/user/app is user/app */
	struct hk_regref rr;
	char local[HK_IMAGE_REF_MAX];
	if (named && hk_regref_parse(ri->ref, &rr, &e2) == 0 && !rr.digest[0] &&
	    hk_regref_local(&rr, local, sizeof(local)))
		snprintf(norm, sizeof(norm), "%s", local);
	r = ri->pull == RUN_PULL_ALWAYS ? -ENOENT
	    : named			? hk_imgstore_get(st, norm, &row, &ctx->err)
					: -ENOENT;
	if (r == -ENOENT && ri->pull != RUN_PULL_ALWAYS)
		r = hk_imgstore_get(st, ri->ref, &row, &ctx->err);
	/* --pull missing|always: from its registry (cmd_registry.c), then found by the name
	 * the pull gave it; a failed pull keeps "no such image" and says why it failed */
	if (r == -ENOENT && ri->pull != RUN_PULL_NEVER) {
		char id[HK_DIGEST_MAX];
		struct hk_err notfound = ctx->err;
		int p2 = cmd_registry_pull(ctx, p.state, st, ri->ref, id);
		if (p2 == 0)
			r = hk_imgstore_get(st, id, &row, &ctx->err);
		else if (ri->pull == RUN_PULL_MISSING && p2 != -EINVAL) {
			char why[HK_ERR_MSG_MAX];
			snprintf(why, sizeof(why), "%s", ctx->err.msg);
			ctx->err = notfound;
			if (!notfound.msg[0])
				hk_err_set(&ctx->err, -ENOENT, "no such image: %s", ri->ref);
			size_t n = strlen(ctx->err.msg);
			snprintf(ctx->err.msg + n, sizeof(ctx->err.msg) - n, " (pull: %s)", why);
		} else
			r = p2;
	}
	if (r < 0)
		return hk_err_prefix(&ctx->err, "run");
	snprintf(ri->id, sizeof(ri->id), "%s", row.id);
	r = hk_image_config_parse(row.config, strlen(row.config), &c, &ctx->err);
	hk_image_row_free(&row);
	if (r == 0)
		r = set_argv(ctx, ri, spec, &c);
	if (r == 0)
		r = set_env(ctx, &c, env, nenv, max);
	if (r == 0 && !spec->workdir && c.workdir && c.workdir[0] == '/')
		spec->workdir = ri->workdir = strdup(c.workdir);
	if (r == 0 && c.user && c.user[0] && !(ri->user = strdup(c.user)))
		r = hk_err_sys(&ctx->err, -ENOMEM, "run");
	ri->exposed = c.exposed_ports; /* kept for -P */
	c.exposed_ports = NULL;
	hk_image_config_free(&c);
	return r;
}

int run_image_user(struct hk_ctx *ctx, struct hk_store *st, const struct hk_paths *p,
		   const struct run_image *ri, struct hk_runsec *sec)
{
	if (!ri->user || sec->user.set)
		return 0; /* no User, or --user wins */
	struct hk_images *im = NULL;
	uid_t uid;
	gid_t gid;
	int r = hk_images_open(p->state, st, &im, &ctx->err);
	if (r == 0)
		r = hk_image_user(im, ri->id, ri->user, &uid, &gid, &ctx->err);
	hk_images_close(im);
	if (r < 0)
		return hk_err_prefix(&ctx->err, "run");
	return hk_runsec_set_user(sec, uid, gid, &ctx->err);
}

enum hk_layers_mode run_image_layers(void)
{
	const char *m = hk_test_getenv("HAKO_LAYERS");
	return !m		       ? HK_LAYERS_AUTO
	       : !strcmp(m, "copy")    ? HK_LAYERS_COPY
	       : !strcmp(m, "overlay") ? HK_LAYERS_OVERLAY
				       : HK_LAYERS_AUTO;
}

void run_image_unlock(struct run_image *ri)
{
	if (ri->lock >= 0)
		close(ri->lock);
	ri->lock = -1;
}

void run_image_free(struct run_image *ri)
{
	for (size_t i = 0; ri->argv && ri->argv[i]; i++)
		free(ri->argv[i]);
	free(ri->argv);
	free(ri->workdir);
	free(ri->user);
	for (size_t i = 0; ri->exposed && ri->exposed[i]; i++)
		free(ri->exposed[i]);
	free(ri->exposed);
	ri->exposed = NULL;
	run_image_unlock(ri);
	ri->argv = NULL;
	ri->workdir = NULL;
	ri->user = NULL;
}
