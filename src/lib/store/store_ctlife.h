/* SPDX-License-Identifier: MIT */
/*
 * A container's lifecycle record (store_ctlife.c), beside its containers row: what `hako
 * start` needs to make it again (the options of `hako run`/`hako create` as given, replayed),
 * its restart policy, how often the policy restarted it, whether a user stopped it (stop,
 * kill: Docker's "manually stopped"), its stop signal and timeout, and the address it was
 * given on a hako network (kept for the next start). Removed with the container.
 */
#ifndef HK_STORE_CTLIFE_H
#define HK_STORE_CTLIFE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "store.h"

struct hk_ctlife_row {
	char id[HK_CT_ID_LEN + 1];
	char *args;	  /* JSON array of strings: the run/create options and operands */
	char restart[32]; /* "no", "on-failure", "on-failure:N", "always", "unless-stopped" */
	int restarts;	  /* restarts made by the policy since the last start by a user */
	bool stopped;	  /* stopped (or killed) by a user since its last start */
	int stop_signal;  /* 0: SIGTERM */
	int stop_timeout; /* seconds; -1: the default (10) */
	char addr[64];	  /* "" or the IPv4 address its hako network gave it */
	char *nets;	  /* JSON: the networks joined later (network connect), for start */
	int last_exit;	  /* the exit code of the run before a policy restart, -1 none */
};

void hk_ctlife_row_free(struct hk_ctlife_row *r);
/* Insert or replace r (by id). */
int hk_ctlife_put(struct hk_store *st, const struct hk_ctlife_row *r, struct hk_err *err);
/* -ENOENT (not found class, no message prefix needed): none recorded (a container made by
 * hako before this record existed, or by the OCI runtime). */
int hk_ctlife_get(struct hk_store *st, const char *id, struct hk_ctlife_row *ret,
		  struct hk_err *err);
int hk_ctlife_delete(struct hk_store *st, const char *id, struct hk_err *err);
/* The mutable fields alone. */
int hk_ctlife_set_stopped(struct hk_store *st, const char *id, bool stopped, struct hk_err *err);
int hk_ctlife_set_restarts(struct hk_store *st, const char *id, int restarts, struct hk_err *err);
int hk_ctlife_set_nets(struct hk_store *st, const char *id, const char *nets, struct hk_err *err);
int hk_ctlife_set_last_exit(struct hk_store *st, const char *id, int code, struct hk_err *err);
int hk_ctlife_set_addr(struct hk_store *st, const char *id, const char *addr, struct hk_err *err);
int hk_ctlife_set_restart(struct hk_store *st, const char *id, const char *policy,
			  struct hk_err *err);
/* Rename container id (the containers row): -EEXIST "container name 'N' is already in use";
 * -ENOENT: no such container. */
int hk_store_rename(struct hk_store *st, const char *id, const char *name, struct hk_err *err);
/* Replace the stored config (JSON) of row id (hako update's limits). */
int hk_store_set_config(struct hk_store *st, const char *id, const char *config,
			struct hk_err *err);

#endif
