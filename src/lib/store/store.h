/* SPDX-License-Identifier: MIT */
/*
 * The state database: one SQLite file (WAL, busy_timeout, a schema_version table with
 * migrations); store*.c are the only files that touch sqlite3. The containers table is
 * here; images (store_image.h) and networks (store_net.h) have theirs. paths.c: the layout
 * of the state and run directories.
 */
#ifndef HK_STORE_H
#define HK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"

#define HK_CT_ID_LEN 16 /* hex characters */
#define HK_CT_NAME_MAX 63
#define HK_PATH_MAX 4096

struct hk_store;
struct hk_paths;

/* Container states. "creating": hako (owner_pid) is setting it up; if the owner dies the
 * next command removes it. */
#define HK_CT_CREATING "creating"
#define HK_CT_RUNNING "running"
/* "created": made by an OCI runtime's create and waiting for its start (RUN/<id>/exec.fifo);
 * no monitor waits for it (owner_pid 0): while its init lives it stays, after that the next
 * command records it stopped, as a running one. */
#define HK_CT_CREATED "created"
#define HK_CT_EXITED "exited"
/* "restarting": exited, and its monitor (owner_pid) is waiting to start it again (a restart
 * policy, ctlife.h); if the monitor dies the next command records it exited. A "created"
 * row with no init (pid 0) was made by `hako create` and waits for `hako start`. */
#define HK_CT_RESTARTING "restarting"
/* "removing": an rm recorded its intent; whoever sees it (the monitor, the next command)
 * finishes the removal, so a killed rm leaves nothing behind. */
#define HK_CT_REMOVING "removing"

struct hk_ct_row {
	char id[HK_CT_ID_LEN + 1];
	char name[HK_CT_NAME_MAX + 1];
	char state[16];
	pid_t owner_pid; /* the hako process that created it / waits for it (monitor) */
	uint64_t owner_start;
	pid_t pid; /* the init, 0 when none */
	uint64_t pid_start;
	int exit_code; /* -1: unknown */
	char hostname[65];
	char net[300]; /* "new", "none", "private", "host", "netns:NAME" */
	char *rootfs;
	char *command;	 /* arguments separated by '\x1f' */
	char *config;	 /* JSON text: env, workdir, mounts, ... for inspect */
	int64_t created; /* unix seconds */
	int64_t started;
	int64_t finished;
	bool auto_remove;
	bool tty;
	bool detach;
};

void hk_ct_row_free(struct hk_ct_row *r);
void hk_ct_rows_free(struct hk_ct_row *rows, size_t n);

int hk_store_open(const char *path, struct hk_store **ret, struct hk_err *err);
/* The database and SQLite's files beside it, where they exist: regular files (not
 * symlinks) only root may have written. Call before hk_store_open. */
int hk_store_trusted(const char *db, struct hk_err *err);
void hk_store_close(struct hk_store *st);
/* The store of p: STATE/hako.db checked (hk_store_trusted) and opened, or with p->ct_files
 * the containers' files, the database opened only when another table is used. */
int hk_store_open_paths(const struct hk_paths *p, struct hk_store **ret, struct hk_err *err);

/* Insert a new row; a taken name: -EEXIST "container name 'N' is already in use". */
int hk_store_insert(struct hk_store *st, const struct hk_ct_row *r, struct hk_err *err);
/* Rewrite the mutable fields (state, owner, pid, exit_code, times) of row r->id. */
int hk_store_update(struct hk_store *st, const struct hk_ct_row *r, struct hk_err *err);
/* Rewrite the mutable fields of r (as hk_store_update) only while its state is still
 * expected: -ESTALE when another command changed it first (-EBUSY: the database is). */
int hk_store_update_if(struct hk_store *st, const struct hk_ct_row *r, const char *expected,
		       struct hk_err *err);
/* Look up by exact name, exact id, or unique id prefix (>= 4 characters). -ENOENT:
 * "no such container: X". */
int hk_store_get(struct hk_store *st, const char *key, struct hk_ct_row *ret, struct hk_err *err);
/* Look up by exact name only (a name to be taken: an id prefix is not a clash). */
int hk_store_get_name(struct hk_store *st, const char *name, struct hk_ct_row *ret,
		      struct hk_err *err);
/* Every container, in the order they were made (created, then insertion). */
int hk_store_list(struct hk_store *st, struct hk_ct_row **ret, size_t *ret_n, struct hk_err *err);
/* Delete row id (with the containers in files: its name too, even when its file could not
 * be read). */
int hk_store_delete(struct hk_store *st, const char *id, struct hk_err *err);
/* The id that name is given to, even when its row cannot be read (hk_store_get: -EIO, a
 * file cut short by a crash or edited by hand), for the repair of such a row; -ENOENT: none. */
int hk_store_name_id(struct hk_store *st, const char *name, char id[HK_CT_ID_LEN + 1]);

/* ---- paths.c: the state and run directories ---- */

struct hk_paths {
	char state[HK_PATH_MAX]; /* STATE: hako.db */
	char run[HK_PATH_MAX];	 /* RUN: <id>/ files, ns/<id>/ namespaces */
	/* The containers table as files, runc-style (STATE/containers/<id>.json): set by the
	 * OCI runtime for its --root, and by hk_paths_init where that directory exists. No
	 * database is opened by a command that needs no other table. */
	bool ct_files;
};

/* root NULL: /var/lib/hako and /run/hako; else ROOT/state and ROOT/run. Creates both
 * (ROOT 0711, STATE and RUN 0700), after checking that only root can write them or any
 * directory above them (trust.h). */
int hk_paths_init(struct hk_paths *p, const char *root, struct hk_err *err);
/* RUN/<id>, RUN/ns/<id>, "hako/<id>" */
void hk_ct_rundir(const struct hk_paths *p, const char *id, char *buf, size_t len);
void hk_ct_nsdir(const struct hk_paths *p, const char *id, char *buf, size_t len);
void hk_ct_cgroup(const char *id, char *buf, size_t len);
/* "new", "none" and "private" nets have a namespace of their own (persisted under RUN/ns,
 * joined by exec); "new" and "none" also have it named /run/netns/<name>. "private" is an
 * OCI runtime's new network namespace: not named, as runc and crun do not name it (a
 * container id is not a netns name, and an `ip netns add` of the same name is no
 * conflict). */
bool hk_ct_own_net(const char *net);
bool hk_ct_named_net(const char *net);

#endif
