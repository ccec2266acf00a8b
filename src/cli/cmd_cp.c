// SPDX-License-Identifier: MIT
/* hako cp: docker cp's two directions; ctcopy.h does the work. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "container.h"
#include "ct.h"
#include "ctcopy.h"

/* "CT:PATH" (a ':' before any '/') -> the container's key into ct, the path returned; a host
 * path (one with ':' in it is written ./a:b) -> NULL. */
static const char *ct_side(const char *arg, char *ct, size_t len)
{
	const char *colon = strchr(arg, ':');
	if (!colon || colon == arg || memchr(arg, '/', (size_t)(colon - arg)) ||
	    (size_t)(colon - arg) >= len)
		return NULL;
	snprintf(ct, len, "%.*s", (int)(colon - arg), arg);
	return colon + 1;
}

int cmd_ct_cp(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "archive", no_argument, NULL, 'a' },
		{ "follow-link", no_argument, NULL, 'L' },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	struct hk_ctcp_opts o = { 0 };
	int opt, r = cmd_getopt_init(ctx, &g, "cp", "+:aL", opts, argc, argv);
	while (r == 0 && (opt = cmd_getopt_next(&g)) != -1) {
		if (opt == 'a')
			o.archive = true;
		else if (opt == 'L')
			o.follow = true;
		else
			r = cmd_getopt_bad(ctx, &g, opt);
	}
	if (r < 0)
		return r;
	if (argc - g.rest != 2)
		return cmd_usage(ctx,
				 "cp: expected SRC and DEST; hako cp [-a] [-L] CT:PATH HOSTPATH"
				 " or HOSTPATH CT:PATH");
	const char *src = argv[g.rest], *dst = argv[g.rest + 1];
	char sct[HK_CT_NAME_MAX + 1], dct[HK_CT_NAME_MAX + 1];
	const char *sp = ct_side(src, sct, sizeof(sct)), *dp = ct_side(dst, dct, sizeof(dct));
	if (!sp == !dp)
		return cmd_usage(ctx, sp ? "cp: copying between containers is not supported"
					 : "cp: one of SRC and DEST must be CT:PATH");
	if (!(sp ? sp : dp)[0])
		return cmd_usage(ctx, "cp: '%s': an empty path in the container", sp ? src : dst);
	if (!(sp ? dst : src)[0])
		return cmd_usage(ctx, "cp: an empty host path");
	bool tar = !strcmp(sp ? dst : src, "-");
	if (tar && sp && isatty(STDOUT_FILENO))
		return cmd_usage(ctx, "cp: refusing to write a tar to a terminal (> FILE)");
	if (tar && (o.archive || o.follow))
		return cmd_usage(ctx, "cp: -a and -L do not apply to '-' (a tar keeps owners)");
	struct hk_paths p;
	struct hk_store *st;
	struct hk_ct_row c;
	r = ct_open(ctx, &p, &st);
	if (r == 0)
		r = hk_store_get(st, sp ? sct : dct, &c, &ctx->err);
	if (r < 0) {
		hk_store_close(st);
		return r;
	}
	_cleanup_close_ int root = hk_ctcp_root(st, &p, &c, &ctx->err);
	hk_store_close(st);
	hk_ct_row_free(&c);
	if (root < 0)
		return root;
	if (tar)
		r = sp ? hk_ctcp_tar_out(root, sp, STDOUT_FILENO, &ctx->err)
		       : hk_ctcp_tar_in(root, STDIN_FILENO, dp, &ctx->err);
	else
		r = sp ? hk_ctcp_from(root, sp, dst, &o, &ctx->err)
		       : hk_ctcp_to(root, src, dp, &o, &ctx->err);
	return r < 0 ? hk_err_prefix(&ctx->err, "cp") : 0;
}
