/* SPDX-License-Identifier: MIT */
/* hako run IMAGE: the image step of cmd_run.c (run_image.c). */
#ifndef HK_RUN_IMAGE_H
#define HK_RUN_IMAGE_H

#include <stddef.h>

#include "cmd.h"
#include "container.h"
#include "digest.h"
#include "layerstore.h"
#include "ct.h"
#include "runsec.h"

enum run_pull { RUN_PULL_MISSING = 0, RUN_PULL_ALWAYS, RUN_PULL_NEVER };

struct run_image {
	const char *ref;	/* as given; NULL: --rootfs */
	enum run_pull pull;	/* --pull (default: missing, as Docker and podman) */
	char id[HK_DIGEST_MAX]; /* resolved */
	char **argv;		/* Entrypoint + (the user's args or Cmd), owned */
	char *workdir;		/* the image's WorkingDir, owned */
	char *user;		/* the image's User, owned; NULL: none */
	char **exposed;		/* the image's ExposedPorts ("80/tcp"), owned; NULL: none */
	int lock; /* the image store's shared lock (hk_images_lock), -1: none; held until
		   * the root is mounted (hk_ct_create closes it) */
	const struct hk_userns *userns; /* --userns: idmapped layers (userns.h); NULL: none */
	const char *entrypoint;		/* --entrypoint ("": none); NULL: the image's */
};

/* Resolve ri->ref and apply its config as defaults: spec->argv (Entrypoint + the user's
 * arguments, or + Cmd without them), Env entries whose key no -e set (put before the
 * user's), WorkingDir when no -w. Usage error when there is no command at all. */
int run_image_defaults(struct hk_ctx *ctx, struct hk_store *st, struct run_image *ri,
		       struct hk_ct_spec *spec, char **env, size_t *nenv, size_t max);
/* Without --user: the image's User, resolved in the image's own /etc/passwd and /etc/group,
 * becomes the container's user (stored with it, so hako exec uses it too). */
int run_image_user(struct hk_ctx *ctx, struct hk_store *st, const struct hk_paths *p,
		   const struct run_image *ri, struct hk_runsec *sec);
/* HAKO_LAYERS=overlay|copy (test builds) forces how the image's root is mounted (default:
 * overlay, copy when it cannot mount). */
enum hk_layers_mode run_image_layers(void);
void run_image_unlock(struct run_image *ri);
void run_image_free(struct run_image *ri);

#endif
