/* SPDX-License-Identifier: MIT */
/*
 * What Docker's daemon decides for a container's lifecycle, for the commands and the
 * per-container monitor (ctlife.c): restart policies (--restart), the backoff between
 * restarts (the STATUS text of `ps` is ctinfo.h's), waiting
 * for a container to stop (hako wait, attach, start -a), following its log, renaming it.
 *
 * Restart policies, as Docker's: no; on-failure[:N] (a non-zero exit, at most N restarts
 * since the last start by a user); always; unless-stopped. A container stopped or killed by a
 * user (hako stop, kill, restart) is never restarted by its monitor; at host boot `hako
 * system boot` starts the `always` ones, and the `unless-stopped` ones no user stopped. The
 * delay before restart n (0-based) is 100 ms doubled n times, at most 60 s; a run that
 * lasted 10 s or more starts the doubling again (Docker's).
 */
#ifndef HK_CTLIFE_H
#define HK_CTLIFE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/err.h"
#include "ctlog.h"
#include "store.h"
#include "store_ctlife.h"

enum hk_restart_mode {
	HK_RESTART_NO = 0,
	HK_RESTART_ON_FAILURE,
	HK_RESTART_ALWAYS,
	HK_RESTART_UNLESS_STOPPED
};

struct hk_restart_policy {
	enum hk_restart_mode mode;
	unsigned max; /* on-failure:N; 0: no limit */
};

/* "no", "on-failure", "on-failure:N" (N >= 0), "always", "unless-stopped": else a usage
 * error naming --restart. */
int hk_restart_parse(const char *s, struct hk_restart_policy *ret, struct hk_err *err);
/* Should the monitor start it again after it exited with code, having been restarted
 * `restarts` times by the policy; stopped: a user stopped or killed it. */
bool hk_restart_should(const struct hk_restart_policy *p, int code, int restarts, bool stopped);
/* At host boot (hako system boot). */
bool hk_restart_at_boot(const struct hk_restart_policy *p, bool stopped);
/* Milliseconds to wait before the next restart; ran_ms: how long the last run lasted. */
unsigned hk_restart_delay_ms(int restarts, int64_t ran_ms);

/* Is r still going (running, being made, about to restart)? */
bool hk_ct_active(const struct hk_ct_row *r);

/* Wait until container id is not running (an exit recorded: exited, restarting, or
 * removed): *ret_code its exit code (-1 unknown; removed: the last one seen). A "created"
 * one is waited for through its start. The store stays open; when both the init and the
 * monitor are gone the row is reconciled. */
int hk_ct_wait_stopped(struct hk_store *st, const struct hk_paths *p, const char *id, int *ret_code,
		       struct hk_err *err);
/* Copy container id's log (RUN/<id>/log and its rotations) to out_fd until it stops (as
 * hk_ct_wait_stopped): from rd (hk_ct_log_end), or with rd NULL from the log's beginning (a
 * log made later: once it appears). rd is closed. *ret_code: its exit code. */
int hk_ct_follow(struct hk_store *st, const struct hk_paths *p, const char *id,
		 struct hk_ctlog_reader *rd, int out_fd, int *ret_code, struct hk_err *err);
/* A reader of id's log at its end (what is there now skipped); *ret NULL when there is no
 * log yet. */
int hk_ct_log_end(const struct hk_paths *p, const char *id, struct hk_ctlog_reader **ret,
		  struct hk_err *err);

/* Rename r to name: the row, and for a running container with a network namespace of its
 * own its /run/netns name (the new one bound first, then the old one removed), and the
 * /etc/hosts files of its networks. -EEXIST: the name is taken; usage: invalid name. */
int hk_ct_rename(struct hk_store *st, const struct hk_paths *p, const struct hk_ct_row *r,
		 const char *name, struct hk_err *err);

/* The monitor, after container id's run exited with code (having lasted ran_ms): 1 when its
 * restart policy starts it again; then it is "restarting", owned by the caller, for the
 * policy's delay, and *ret is its row (to start with hk_ct_create .reuse). 0: not (no
 * policy, or a user's stop, start or rm meanwhile: it stays as it is). A database busy
 * under load is waited out: only those decide. < 0: it cannot be told (err). */
int hk_ct_restart_due(const struct hk_paths *p, const char *id, int code, int64_t ran_ms,
		      struct hk_ct_row *ret, struct hk_err *err);
/* The address container id got on net, kept for its next start (its lease goes at the
 * exit). */
void hk_ct_keep_addr(struct hk_store *st, const char *net, const char *id);
/* Is addr on net leased to a container other than id? */
bool hk_ct_addr_taken(struct hk_store *st, const char *net, const char *addr, const char *id);

/* A --rm container's exit code for whoever waits for it (hako wait, start -a), though its
 * row is removed at its exit, as Docker's wait sees it: the waiter asks for it first
 * (RUN/exited/<id>, hk_ct_exit_want), the monitor writes it there (hk_ct_exit_note: only
 * when asked), the waiter reads it and removes the file (hk_ct_exit_unwant). */
void hk_ct_exit_want(const struct hk_paths *p, const char *id);
void hk_ct_exit_note(const struct hk_paths *p, const char *id, int code);
bool hk_ct_exit_noted(const struct hk_paths *p, const char *id, int *ret_code);
void hk_ct_exit_unwant(const struct hk_paths *p, const char *id);

/* hako update --restart POLICY (Docker's): the policy r's monitor reads at its next exit
 * and a later start keeps. Usage errors: a bad POLICY, a --rm container (a policy other
 * than no), one being created or removed, one not made by run or create. */
int hk_ct_update_restart(struct hk_store *st, const struct hk_ct_row *r, const char *policy,
			 struct hk_err *err);

/* Mark id stopped (or not) by a user; a container without a lifecycle record: nothing. */
void hk_ct_mark_stopped(struct hk_store *st, const char *id, bool stopped);

#endif
