// SPDX-License-Identifier: MIT
#include "ctx.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "ifindex.h"
#include "netns.h"

struct ifcache_ent {
	char name[16];
	int index;
};

struct ns_ent {
	char *name; /* NULL: the caller's namespace */
	int fd;
	struct hk_nl *nl;
	/* batch mode: device name -> index lookups of this namespace */
	struct ifcache_ent *ifc;
	size_t nifc;
};

enum undo_kind { UNDO_MSG, UNDO_NETNS_DEL };

struct undo_ent {
	unsigned line;
	enum undo_kind kind;
	bool applied;
	char *netns;	      /* namespace of the socket to send on (UNDO_MSG), or to delete */
	struct hk_nlmsg *msg; /* UNDO_MSG */
	char what[128];	      /* what the forward step did, for error reports */
};

void ctx_init(struct hk_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
}

static void free_undo(struct hk_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nundo; i++) {
		free(ctx->undo[i].netns);
		free(ctx->undo[i].msg);
	}
	free(ctx->undo);
	ctx->undo = NULL;
	ctx->nundo = ctx->capundo = 0;
}

void ctx_done(struct hk_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nns; i++) {
		hk_nl_close(ctx->ns[i].nl);
		if (ctx->ns[i].fd >= 0)
			close(ctx->ns[i].fd);
		free(ctx->ns[i].name);
		free(ctx->ns[i].ifc);
	}
	free(ctx->ns);
	ctx->ns = NULL;
	ctx->nns = 0;
	free_undo(ctx);
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static struct ns_ent *find_ns(struct hk_ctx *ctx, const char *name)
{
	for (size_t i = 0; i < ctx->nns; i++)
		if (same(ctx->ns[i].name, name))
			return &ctx->ns[i];
	return NULL;
}

static int get_ns_how(struct hk_ctx *ctx, const char *name, bool pid_ok, struct ns_ent **ret)
{
	struct ns_ent *e = find_ns(ctx, name);
	if (e) {
		*ret = e;
		return 0;
	}
	int fd = -1;
	if (name) {
		int r = pid_ok ? hk_netns_open_or_pid(name, &fd, &ctx->err)
			       : hk_netns_open(name, &fd, &ctx->err);
		if (r < 0)
			return r;
	}
	struct ns_ent *n = realloc(ctx->ns, (ctx->nns + 1) * sizeof(*n));
	if (!n) {
		if (fd >= 0)
			close(fd);
		return hk_err_sys(&ctx->err, -ENOMEM, "context");
	}
	ctx->ns = n;
	e = &ctx->ns[ctx->nns++];
	*e = (struct ns_ent){ .name = name ? strdup(name) : NULL, .fd = fd };
	*ret = e;
	return 0;
}

static int get_ns(struct hk_ctx *ctx, const char *name, struct ns_ent **ret)
{
	return get_ns_how(ctx, name, false, ret);
}

int ctx_netns_fd_or_pid(struct hk_ctx *ctx, const char *name, int *ret_fd)
{
	struct ns_ent *e;
	int r = get_ns_how(ctx, name, true, &e);
	if (r < 0)
		return r;
	*ret_fd = e->fd;
	return 0;
}

int ctx_netns_fd(struct hk_ctx *ctx, const char *name, int *ret_fd)
{
	if (!name) {
		*ret_fd = -1;
		return 0;
	}
	struct ns_ent *e;
	int r = get_ns(ctx, name, &e);
	if (r < 0)
		return r;
	*ret_fd = e->fd;
	return 0;
}

void ctx_netns_forget(struct hk_ctx *ctx, const char *name)
{
	struct ns_ent *e = find_ns(ctx, name);
	if (!e)
		return;
	if (e->nl && hk_nl_batch_pending(e->nl))
		ctx_flush(ctx);
	hk_nl_close(e->nl);
	if (e->fd >= 0)
		close(e->fd);
	free(e->name);
	free(e->ifc);
	*e = ctx->ns[--ctx->nns];
}

int ctx_nl_for(struct hk_ctx *ctx, const char *netns, struct hk_nl **ret)
{
	struct ns_ent *e;
	int r = get_ns(ctx, netns, &e);
	if (r < 0)
		return r;
	/* Keep the order of requests across sockets: anything queued elsewhere goes first. */
	for (size_t i = 0; i < ctx->nns; i++) {
		if (&ctx->ns[i] != e && ctx->ns[i].nl && hk_nl_batch_pending(ctx->ns[i].nl)) {
			r = ctx_flush(ctx);
			if (r < 0)
				return r;
			break;
		}
	}
	if (!e->nl) {
		r = hk_nl_open(&e->nl, e->fd, &ctx->err);
		if (r < 0) {
			if (netns)
				hk_err_prefix(&ctx->err, "netns '%s'", netns);
			return r;
		}
	}
	*ret = e->nl;
	return 0;
}

int ctx_nl(struct hk_ctx *ctx, struct hk_nl **ret)
{
	return ctx_nl_for(ctx, ctx->netns, ret);
}

static const char *nl_netns(struct hk_ctx *ctx, struct hk_nl *nl)
{
	for (size_t i = 0; i < ctx->nns; i++)
		if (ctx->ns[i].nl == nl)
			return ctx->ns[i].name;
	return ctx->netns;
}

static struct undo_ent *push_undo(struct hk_ctx *ctx, enum undo_kind kind, const char *netns)
{
	if (ctx->nundo == ctx->capundo) {
		size_t cap = ctx->capundo ? ctx->capundo * 2 : 64;
		struct undo_ent *u = realloc(ctx->undo, cap * sizeof(*u));
		if (!u)
			return NULL;
		ctx->undo = u;
		ctx->capundo = cap;
	}
	struct undo_ent *u = &ctx->undo[ctx->nundo++];
	*u = (struct undo_ent){ .line = ctx->line,
				.kind = kind,
				.applied = true,
				.netns = netns ? strdup(netns) : NULL };
	return u;
}

static struct hk_nlmsg *copy_msg(const struct hk_nlmsg *m)
{
	size_t len = offsetof(struct hk_nlmsg, buf) + m->nlh.nlmsg_len;
	struct hk_nlmsg *c = malloc(sizeof(*c) > len ? sizeof(*c) : len);
	if (c)
		memcpy(c, m, len);
	return c;
}

int ctx_undo_msg(struct hk_ctx *ctx, const char *netns, const struct hk_nlmsg *undo)
{
	if (!ctx->batch)
		return 0;
	struct undo_ent *u = push_undo(ctx, UNDO_MSG, netns);
	if (!u || !(u->msg = copy_msg(undo)))
		return hk_err_sys(&ctx->err, -ENOMEM, "batch undo log");
	return 0;
}

int ctx_undo_netns_del(struct hk_ctx *ctx, const char *name)
{
	if (!ctx->batch)
		return 0;
	struct undo_ent *u = push_undo(ctx, UNDO_NETNS_DEL, name);
	if (!u)
		return hk_err_sys(&ctx->err, -ENOMEM, "batch undo log");
	return 0;
}

static void ifcache_clear(struct hk_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nns; i++) {
		free(ctx->ns[i].ifc);
		ctx->ns[i].ifc = NULL;
		ctx->ns[i].nifc = 0;
	}
}

int ctx_link_index(struct hk_ctx *ctx, struct hk_nl *nl, const char *name, int *ret_index)
{
	struct ns_ent *e = NULL;
	for (size_t i = 0; ctx->batch && i < ctx->nns; i++)
		if (ctx->ns[i].nl == nl)
			e = &ctx->ns[i];
	for (size_t i = 0; e && i < e->nifc; i++) {
		if (!strcmp(e->ifc[i].name, name)) {
			*ret_index = e->ifc[i].index;
			return 0;
		}
	}
	int r;
	if (hk_nl_batch_pending(nl) && (r = ctx_flush(ctx)) < 0)
		return r;
	r = hk_link_index(nl, name, ret_index, &ctx->err);
	if (r < 0 || !e || strlen(name) >= sizeof(e->ifc[0].name))
		return r;
	struct ifcache_ent *c = realloc(e->ifc, (e->nifc + 1) * sizeof(*c));
	if (!c)
		return 0; /* the cache is an optimisation only */
	e->ifc = c;
	snprintf(c[e->nifc].name, sizeof(c[e->nifc].name), "%s", name);
	c[e->nifc++].index = *ret_index;
	return 0;
}

int ctx_write(struct hk_ctx *ctx, struct hk_nl *nl, struct hk_nlmsg *m, const struct hk_nlmsg *undo,
	      const char *what)
{
	if (!ctx->batch) {
		int r = hk_nl_do(nl, m, NULL, NULL, &ctx->err);
		if (r < 0)
			hk_err_prefix(&ctx->err, "%s", what);
		return r;
	}
	const char *netns = nl_netns(ctx, nl);
	if (undo) {
		int r = ctx_undo_msg(ctx, netns, undo);
		if (r < 0)
			return r;
		struct undo_ent *u = &ctx->undo[ctx->nundo - 1];
		snprintf(u->what, sizeof(u->what), "%s", what);
		/* cookie: index of the undo entry, so the ack can mark it applied or not */
		return hk_nl_batch_add(nl, m, ctx->nundo - 1, &ctx->err);
	}
	int r = ctx_flush(ctx);
	if (r < 0)
		return r;
	/* A change that is not a pure creation may rename, move or delete devices. */
	ifcache_clear(ctx);
	r = hk_nl_do(nl, m, NULL, NULL, &ctx->err);
	if (r < 0)
		hk_err_prefix(&ctx->err, "%s", what);
	return r;
}

struct flush_state {
	struct hk_ctx *ctx;
	bool failed;
};

static void flush_done(uint64_t cookie, int error, const char *extack, void *data)
{
	struct flush_state *st = data;
	struct hk_ctx *ctx = st->ctx;
	if (cookie >= ctx->nundo)
		return;
	struct undo_ent *u = &ctx->undo[cookie];
	if (error >= 0)
		return;
	u->applied = false;
	if (!st->failed) {
		st->failed = true;
		hk_nl_err(&ctx->err, error, extack, u->what);
		ctx->failed_line = (int)u->line;
	}
}

int ctx_flush(struct hk_ctx *ctx)
{
	struct flush_state st = { .ctx = ctx };
	int ret = 0;
	for (size_t i = 0; i < ctx->nns; i++) {
		struct hk_nl *nl = ctx->ns[i].nl;
		if (!nl || !hk_nl_batch_pending(nl))
			continue;
		int r = hk_nl_batch_flush(nl, flush_done, &st, &ctx->err);
		if (r < 0 && !st.failed) {
			st.failed = true;
			ctx->failed_line = (int)ctx->line;
			ret = r;
		}
	}
	if (st.failed && !ret)
		ret = ctx->err.code < 0 ? ctx->err.code : -EIO;
	return ret;
}

int ctx_rollback(struct hk_ctx *ctx, unsigned after_line)
{
	int failures = 0;
	while (ctx->nundo > 0) {
		struct undo_ent *u = &ctx->undo[ctx->nundo - 1];
		if (u->line <= after_line)
			break;
		if (u->applied) {
			struct hk_err err = { 0 };
			int r = 0;
			if (u->kind == UNDO_NETNS_DEL) {
				ctx_netns_forget(ctx, u->netns);
				r = hk_netns_del(u->netns, &err);
			} else {
				struct hk_nl *nl;
				r = ctx_nl_for(ctx, u->netns, &nl);
				if (r == 0)
					r = hk_nl_do(nl, u->msg, NULL, NULL, &err);
				else
					err = ctx->err;
				/* Undoing a creation inside a namespace that was itself rolled back
				 * finds nothing: that is success. */
				if (r == -ENODEV || r == -ENOENT || r == -EADDRNOTAVAIL ||
				    r == -ESRCH)
					r = 0;
			}
			if (r < 0) {
				failures++;
				fprintf(stderr, "hako: warning: rollback of line %u failed: %s\n",
					u->line, err.msg);
			}
		}
		free(u->netns);
		free(u->msg);
		ctx->nundo--;
	}
	return failures;
}

void ctx_stats(const struct hk_ctx *ctx, unsigned long long *ret_sends,
	       unsigned long long *ret_requests)
{
	*ret_sends = *ret_requests = 0;
	for (size_t i = 0; i < ctx->nns; i++) {
		uint64_t s = 0, q = 0;
		if (ctx->ns[i].nl)
			hk_nl_stats(ctx->ns[i].nl, &s, &q);
		*ret_sends += s;
		*ret_requests += q;
	}
}

int ctx_exit_status(const struct hk_err *err)
{
	switch (err->cls) {
	case HK_ERR_USAGE:
		return EXIT_USAGE;
	case HK_ERR_UNSUPPORTED:
		return EXIT_UNSUPPORTED;
	case HK_ERR_PERM:
		return EXIT_PERM;
	case HK_ERR_NOTFOUND:
		return EXIT_NOTFOUND;
	default:
		return EXIT_FAILED;
	}
}
