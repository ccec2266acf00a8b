/* SPDX-License-Identifier: MIT */
/*
 * The CLI's per-invocation context: global options, the error of the failing step, one
 * netlink socket per network namespace (opened once, reused by every line of a batch),
 * and, in batch mode (-b), the queue of requests and the undo log.
 */
#ifndef HK_CTX_H
#define HK_CTX_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "netlink.h"

#define HK_NETNS_RUN_DIR "/run/netns"

/* Documented exit statuses (docs/cli.md). */
enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,
	EXIT_UNSUPPORTED = 3,
	EXIT_PERM = 4,
	EXIT_NOTFOUND = 5,
};

struct ns_ent;
struct undo_ent;

struct hk_ctx {
	bool json;
	bool noheadings;
	/* iproute2's output options (docs/hako.md): -br, -s (twice: more), -d, -o, -p */
	bool brief;
	int stats;
	bool details;
	bool oneline;
	bool pretty;
	bool all_netns;	   /* -all, --all-netns: every named namespace (monitor, netns exec|del) */
	int family;	   /* -4, -6, -0: AF_INET, AF_INET6, AF_PACKET; 0 every family */
	const char *netns; /* -n NETNS for this command (line), NULL: the caller's */
	const char *
		root; /* --root DIR / HAKO_ROOT: containers' DIR/state and DIR/run, NULL: default */
	struct hk_err err;

	/* batch mode */
	bool batch;
	bool atomic;
	unsigned line; /* current batch line, 1-based */

	struct ns_ent *ns;
	size_t nns;
	struct undo_ent *undo;
	size_t nundo, capundo;
	int failed_line; /* set by ctx_flush when a queued line failed */
};

void ctx_init(struct hk_ctx *ctx);
void ctx_done(struct hk_ctx *ctx);

/* The fd of /run/netns/NAME, opened once (NULL name: -1, the caller's namespace). */
int ctx_netns_fd(struct hk_ctx *ctx, const char *name, int *ret_fd);
/* The same for `link set DEV netns NAME|PID`: a number that names no namespace is a PID
 * (ip's rule); later lookups of the same word reuse the namespace. */
int ctx_netns_fd_or_pid(struct hk_ctx *ctx, const char *name, int *ret_fd);
/* Forget a cached namespace (after it was deleted). Flushes first. */
void ctx_netns_forget(struct hk_ctx *ctx, const char *name);

/* The socket for ctx->netns / for a named namespace. Switching sockets flushes the batch
 * queue of every other socket first, so requests keep their order across namespaces. */
int ctx_nl(struct hk_ctx *ctx, struct hk_nl **ret);
int ctx_nl_for(struct hk_ctx *ctx, const char *netns, struct hk_nl **ret);

/*
 * A state-changing request. Outside batch mode it is sent at once and its failure is
 * reported as "<what>: <error> (kernel: ...)". In batch mode it is queued when queueable
 * (an undo is given: creations whose inverse is exact) and sent with the next flush;
 * otherwise the queue is flushed and it is sent at once. undo (may be NULL) is recorded
 * for rollback, to be sent on the same socket.
 */
int ctx_write(struct hk_ctx *ctx, struct hk_nl *nl, struct hk_nlmsg *m, const struct hk_nlmsg *undo,
	      const char *what);

/* hk_link_index() through a per-namespace cache kept for the batch: repeated lookups of
 * the same device (a bridge every line enslaves to) cost no round trip and so do not break
 * the queue. Flushes before a miss. Any immediate (non-queued) change clears the caches, as
 * it may rename, move or delete devices; creations never change an existing mapping. */
int ctx_link_index(struct hk_ctx *ctx, struct hk_nl *nl, const char *name, int *ret_index);

/* Record an undo request for the current line, to be sent on namespace netns's socket. */
int ctx_undo_msg(struct hk_ctx *ctx, const char *netns, const struct hk_nlmsg *undo);
/* Record "delete network namespace NAME" as the undo of the current line. */
int ctx_undo_netns_del(struct hk_ctx *ctx, const char *name);

/* Send everything queued. On a failed request: ctx->err says what, on which line, and
 * ctx->failed_line is set; returns negative. */
int ctx_flush(struct hk_ctx *ctx);

/* Undo recorded lines > after_line (all of them with after_line = 0), newest first.
 * Failures are printed as warnings; returns how many undo steps failed. */
int ctx_rollback(struct hk_ctx *ctx, unsigned after_line);

/* Totals over every socket of this context: sendmsg() calls and requests sent. */
void ctx_stats(const struct hk_ctx *ctx, unsigned long long *ret_sends,
	       unsigned long long *ret_requests);

/* Map an error class to the documented exit status. */
int ctx_exit_status(const struct hk_err *err);

#endif
