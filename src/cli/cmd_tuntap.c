// SPDX-License-Identifier: MIT
/*
 * hako tuntap add|del|show: `ip tuntap`'s grammar over the link group's tun/tap code. add
 * becomes `link add NAME type tun|tap ...` (so batching, undo and -n NETNS are the same),
 * del deletes only a tun/tap device, show lists them with ip -j tuntap's keys.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "cmd.h"
#include "ifnames.h"
#include "link.h"
#include "out.h"

/* [dev|name] NAME and mode tun|tap out of argv; the rest (user, group, flags) stays, in
 * order, in *rest. */
static int split(struct hk_ctx *ctx, int argc, char **argv, const char *verb, const char **name,
		 const char **mode, char **rest, int *nrest)
{
	*name = *mode = NULL;
	*nrest = 0;
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];
		if (!strcmp(w, "mode") || !strcmp(w, "dev") || !strcmp(w, "name")) {
			if (i + 1 >= argc)
				return cmd_usage(ctx, "tuntap %s: '%s' needs a value", verb, w);
			const char **dst = !strcmp(w, "mode") ? mode : name;
			*dst = argv[++i];
		} else if (!strcmp(w, "user") || !strcmp(w, "owner") || !strcmp(w, "group")) {
			if (i + 1 >= argc)
				return cmd_usage(ctx, "tuntap %s: '%s' needs a value", verb, w);
			rest[(*nrest)++] = argv[i++];
			rest[(*nrest)++] = argv[i];
		} else if (!strcmp(w, "multi_queue") || !strcmp(w, "vnet_hdr") ||
			   !strcmp(w, "pi") || !strcmp(w, "one_queue")) {
			rest[(*nrest)++] = argv[i];
		} else if (!*name) {
			*name = w;
		} else {
			return cmd_usage(ctx,
					 "tuntap %s: unexpected '%s' (expected mode, user, group, "
					 "multi_queue, vnet_hdr, pi)",
					 verb, w);
		}
	}
	if (*mode && strcmp(*mode, "tun") && strcmp(*mode, "tap"))
		return cmd_usage(ctx, "tuntap %s: mode '%s': expected tun or tap", verb, *mode);
	if (!*name && strcmp(verb, "add"))
		return cmd_usage(ctx, "tuntap %s: missing NAME", verb);
	return 0;
}

/* tuntap add without a name: MODE%d, the first not taken, as the kernel names it for
 * `ip tuntap add mode tap` (tap0, tap1, ...). */
static int free_name(struct hk_ctx *ctx, const char *mode, char *buf, size_t len)
{
	struct hk_nl *nl;
	_cleanup_free_ struct hk_link_info *v = NULL;
	size_t n = 0;
	int r = cli_nl_ready(ctx, &nl);
	if (r < 0 || (r = hk_link_list(nl, NULL, &v, &n, &ctx->err)) < 0)
		return r;
	for (unsigned k = 0; k < 4096; k++) {
		snprintf(buf, len, "%s%u", mode, k);
		bool taken = false;
		for (size_t i = 0; i < n && !taken; i++)
			taken = !strcmp(v[i].name, buf);
		if (!taken)
			return 0;
	}
	return hk_err_set(&ctx->err, -ENFILE, "tuntap add: no free name %s0..%s4095", mode, mode);
}

static int tuntap_add(struct hk_ctx *ctx, int argc, char **argv)
{
	_cleanup_free_ char **rest = calloc((size_t)argc + 5, sizeof(char *));
	if (!rest)
		return hk_err_sys(&ctx->err, -ENOMEM, "tuntap add");
	const char *name, *mode;
	int nrest, r = split(ctx, argc, argv, "add", &name, &mode, rest + 4, &nrest);
	if (r < 0)
		return r;
	if (!mode)
		return cmd_usage(ctx, "tuntap add: missing 'mode tun|tap'");
	char auto_name[HK_IFNAMSIZ];
	if (!name) {
		if ((r = free_name(ctx, mode, auto_name, sizeof(auto_name))) < 0)
			return r;
		name = auto_name;
	}
	rest[0] = (char *)"add";
	rest[1] = (char *)name;
	rest[2] = (char *)"type";
	rest[3] = (char *)mode;
	return cmd_link(ctx, nrest + 4, rest);
}

static const char *kv(const struct hk_link_info *l, const char *key, uint64_t *u)
{
	for (int i = 0; i < l->nkv; i++)
		if (!strcmp(l->kv[i].key, key)) {
			*u = l->kv[i].u;
			return l->kv[i].type == HK_KV_STR ? l->kv[i].str : "";
		}
	return NULL;
}

static int list_tun(struct hk_ctx *ctx, const char *name, struct hk_link_info **ret, size_t *n)
{
	struct hk_nl *nl;
	int r = cli_nl_ready(ctx, &nl);
	if (r == 0)
		r = hk_link_list(nl, name, ret, n, &ctx->err);
	if (r < 0)
		return r;
	size_t k = 0;
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*ret)[i].kind, "tun"))
			(*ret)[k++] = (*ret)[i];
	*n = k;
	return 0;
}

static int tuntap_del(struct hk_ctx *ctx, int argc, char **argv)
{
	char *rest[8];
	const char *name, *mode;
	int nrest, r = split(ctx, argc, argv, "del", &name, &mode, rest, &nrest);
	if (r < 0)
		return r;
	if (nrest)
		return cmd_usage(ctx, "tuntap del: unexpected '%s'", rest[0]);
	_cleanup_free_ struct hk_link_info *v = NULL;
	size_t n = 0;
	if ((r = list_tun(ctx, name, &v, &n)) < 0)
		return r;
	uint64_t u;
	const char *type = n ? kv(&v[0], "type", &u) : NULL;
	if (!n || (mode && type && strcmp(type, mode)))
		return hk_err_set(&ctx->err, -ENODEV, "tuntap del: no %s device '%s'",
				  mode ? mode : "tun/tap", name);
	char *del[] = { (char *)"del", (char *)name };
	return cmd_link(ctx, 2, del);
}

enum { T_NAME, T_FLAGS, T_USER, T_GROUP, T_NCOLS };

static const struct out_col cols[T_NCOLS] = {
	[T_NAME] = { "NAME", "ifname" },
	[T_FLAGS] = { "FLAGS", "flags" },
	[T_USER] = { "USER", "user", .right = true },
	[T_GROUP] = { "GROUP", "group", .right = true },
};

static int tuntap_show(struct hk_ctx *ctx, int argc, char **argv)
{
	const char *name = NULL;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "dev") && i + 1 < argc)
			i++;
		if (name)
			return cmd_usage(ctx, "tuntap show: unexpected '%s'", argv[i]);
		name = argv[i];
	}
	_cleanup_free_ struct hk_link_info *v = NULL;
	size_t n = 0;
	int r = list_tun(ctx, name, &v, &n);
	if (r < 0)
		return r;
	struct out_table *t = out_table_new(cols, T_NCOLS);
	for (size_t i = 0; i < n; i++) {
		out_row(t);
		out_str(t, T_NAME, v[i].name);
		/* the flags in ip tuntap show's order: type, then what is set */
		static const char *const bools[] = { "pi", "multi_queue", "vnet_hdr", "persist" };
		struct json_object *fl = json_object_new_array();
		char human[96] = "";
		uint64_t u;
		const char *type = kv(&v[i], "type", &u);
		if (type) {
			json_object_array_add(fl, json_object_new_string(type));
			snprintf(human, sizeof(human), "%s", type);
		}
		for (size_t k = 0; k < HK_ARRAY_SIZE(bools); k++)
			if (kv(&v[i], bools[k], &u) && u) {
				json_object_array_add(fl, json_object_new_string(bools[k]));
				snprintf(human + strlen(human), sizeof(human) - strlen(human),
					 "%s%s", human[0] ? "," : "", bools[k]);
			}
		/* ip prints "filter" when IFF_NOFILTER is clear: the same bit as IFF_NO_PI */
		if (kv(&v[i], "pi", &u) && u) {
			json_object_array_add(fl, json_object_new_string("filter"));
			snprintf(human + strlen(human), sizeof(human) - strlen(human), ",filter");
		}
		out_json(t, T_FLAGS, fl, human);
		if (kv(&v[i], "owner", &u))
			out_int(t, T_USER, (int64_t)u);
		if (kv(&v[i], "group", &u))
			out_int(t, T_GROUP, (int64_t)u);
	}
	r = out_table_print(t, ctx->json, ctx->noheadings || (!ctx->json && n == 0));
	out_table_free(t);
	return r;
}

static const struct cmd_verb verbs[] = {
	{ "add", NULL, tuntap_add },
	{ "del", "delete", tuntap_del },
	{ "show", "list", tuntap_show },
};

int cmd_tuntap(struct hk_ctx *ctx, int argc, char **argv)
{
	return cmd_dispatch(ctx, "tuntap", verbs, HK_ARRAY_SIZE(verbs), "show", argc, argv);
}
