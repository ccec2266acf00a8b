// SPDX-License-Identifier: MIT
/*
 * SQLite state. Concurrent hako commands: WAL so readers never block the writer, a 5 s
 * busy_timeout, every change in one transaction (BEGIN IMMEDIATE), and the name's UNIQUE
 * constraint decides which of two racing `run --name X` wins.
 */
#include "store.h"

#include <errno.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/trust.h"
#include "store_int.h"

struct hk_store {
	sqlite3 *db;
	/* paths' ct_files (store.h): the containers table in files, and the database (the
	 * other tables) opened when first used (dbpath, hk_store_sqlite) */
	struct hk_ctfiles *files;
	char *dbpath;
};

/* Migration i brings the schema from version i to i + 1. Append only. */
static const char *const migrations[] = {
	"CREATE TABLE containers ("
	" id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, state TEXT NOT NULL,"
	" owner_pid INTEGER NOT NULL DEFAULT 0, owner_start INTEGER NOT NULL DEFAULT 0,"
	" pid INTEGER NOT NULL DEFAULT 0, pid_start INTEGER NOT NULL DEFAULT 0,"
	" exit_code INTEGER NOT NULL DEFAULT -1, hostname TEXT NOT NULL, net TEXT NOT NULL,"
	" rootfs TEXT NOT NULL, command TEXT NOT NULL, config TEXT NOT NULL DEFAULT '{}',"
	" created INTEGER NOT NULL, started INTEGER NOT NULL DEFAULT 0,"
	" finished INTEGER NOT NULL DEFAULT 0, auto_remove INTEGER NOT NULL DEFAULT 0,"
	" tty INTEGER NOT NULL DEFAULT 0);",
	"ALTER TABLE containers ADD COLUMN detach INTEGER NOT NULL DEFAULT 0;",
	/* networks (store_net.c) */
	"CREATE TABLE networks (name TEXT PRIMARY KEY, driver TEXT NOT NULL,"
	" bridge TEXT NOT NULL, parent TEXT NOT NULL DEFAULT '', subnet TEXT NOT NULL,"
	" gateway TEXT NOT NULL, iprange TEXT NOT NULL, subnet6 TEXT NOT NULL DEFAULT '',"
	" gateway6 TEXT NOT NULL DEFAULT '', internal INTEGER NOT NULL DEFAULT 0,"
	" mtu INTEGER NOT NULL DEFAULT 0, last TEXT NOT NULL DEFAULT '',"
	" created INTEGER NOT NULL);"
	"CREATE TABLE leases (net TEXT NOT NULL, ct TEXT NOT NULL, addr TEXT NOT NULL,"
	" ifname TEXT NOT NULL, hostif TEXT NOT NULL DEFAULT '', aliases TEXT NOT NULL DEFAULT '',"
	" addr6 TEXT NOT NULL DEFAULT '', UNIQUE (net, addr), UNIQUE (net, ct));"
	"CREATE TABLE ports (ct TEXT NOT NULL, net TEXT NOT NULL, proto TEXT NOT NULL,"
	" host_ip TEXT NOT NULL, host_port INTEGER NOT NULL, ct_port INTEGER NOT NULL,"
	" UNIQUE (proto, host_ip, host_port));",
	/* images (store_image.c) */
	"CREATE TABLE images (id TEXT PRIMARY KEY, config TEXT NOT NULL,"
	" size INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL);"
	"CREATE TABLE image_layers (image TEXT NOT NULL, idx INTEGER NOT NULL,"
	" diff_id TEXT NOT NULL, size INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (image, idx));"
	"CREATE INDEX image_layers_diff ON image_layers (diff_id);"
	"CREATE TABLE image_tags (name TEXT PRIMARY KEY, image TEXT NOT NULL);"
	"CREATE TABLE ct_images (ct TEXT PRIMARY KEY, image TEXT NOT NULL);",
	/* a lease being made or undone: its owner (store_net.h, pending attachments) */
	"ALTER TABLE leases ADD COLUMN owner_pid INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE leases ADD COLUMN owner_start INTEGER NOT NULL DEFAULT 0;",
	/* blobs kept as received, reused byte for byte by image save (store_blob.c) */
	"CREATE TABLE image_blobs (image TEXT NOT NULL, kind TEXT NOT NULL,"
	" idx INTEGER NOT NULL DEFAULT 0, digest TEXT NOT NULL,"
	" media_type TEXT NOT NULL DEFAULT '', size INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY (image, kind, idx));"
	"CREATE INDEX image_blobs_digest ON image_blobs (digest);",
	/* a network being made or removed: its state and owner (store_net.h) */
	"ALTER TABLE networks ADD COLUMN state TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE networks ADD COLUMN owner_pid INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE networks ADD COLUMN owner_start INTEGER NOT NULL DEFAULT 0;",
	/* virtual machines (store_vm.c) */
	"CREATE TABLE vms (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, state TEXT NOT NULL,"
	" owner_pid INTEGER NOT NULL DEFAULT 0, owner_start INTEGER NOT NULL DEFAULT 0,"
	" pid INTEGER NOT NULL DEFAULT 0, pid_start INTEGER NOT NULL DEFAULT 0,"
	" accel TEXT NOT NULL, nettype TEXT NOT NULL, net TEXT NOT NULL, hostif TEXT NOT NULL,"
	" mac TEXT NOT NULL, addr TEXT NOT NULL, memory INTEGER NOT NULL, cpus INTEGER NOT NULL,"
	" console TEXT NOT NULL, kernel TEXT NOT NULL, initrd TEXT NOT NULL,"
	" append TEXT NOT NULL, disk TEXT NOT NULL, created INTEGER NOT NULL,"
	" started INTEGER NOT NULL DEFAULT 0, finished INTEGER NOT NULL DEFAULT 0,"
	" taps TEXT NOT NULL DEFAULT '');",
	/* a network whose traffic leaves the host unmasqueraded (hako-cni's ipMasq false), one
	 * whose bridge has no address (hako-cni's isGateway false) */
	"ALTER TABLE networks ADD COLUMN masq INTEGER NOT NULL DEFAULT 1;"
	"ALTER TABLE networks ADD COLUMN bridge_gw INTEGER NOT NULL DEFAULT 1;",
	/* labs and every object each one made (store_lab.c) */
	"CREATE TABLE labs (name TEXT PRIMARY KEY, state TEXT NOT NULL, file TEXT NOT NULL,"
	" text TEXT NOT NULL, host TEXT NOT NULL DEFAULT '', owner_pid INTEGER NOT NULL DEFAULT 0,"
	" owner_start INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL);"
	"CREATE TABLE lab_objects (lab TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,"
	" name TEXT NOT NULL, node TEXT NOT NULL DEFAULT '', PRIMARY KEY (lab, seq));",
	/* containers' lifecycle records: start, restart policies (store_ctlife.c) */
	"CREATE TABLE ct_life (ct TEXT PRIMARY KEY, args TEXT NOT NULL,"
	" restart TEXT NOT NULL DEFAULT 'no', restarts INTEGER NOT NULL DEFAULT 0,"
	" stopped INTEGER NOT NULL DEFAULT 0, stop_signal INTEGER NOT NULL DEFAULT 0,"
	" stop_timeout INTEGER NOT NULL DEFAULT -1, addr TEXT NOT NULL DEFAULT '',"
	" last_exit INTEGER NOT NULL DEFAULT -1, nets TEXT NOT NULL DEFAULT '[]');",
};

static int db_err(struct hk_store *st, struct hk_err *err, int rc, const char *what)
{
	int code = rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? -EBUSY
		   : rc == SQLITE_CONSTRAINT		    ? -EEXIST
							    : -EIO;
	return hk_err_set(err, code, "state database: %s: %s", what,
			  st && st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
}

static int exec_sql(struct hk_store *st, const char *sql, struct hk_err *err)
{
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : db_err(st, err, rc, sql);
}

/* The schema version, read without a write lock; -1 when there is none yet. */
static int schema_version(struct hk_store *st)
{
	sqlite3_stmt *s = NULL;
	int version = -1;
	if (sqlite3_prepare_v2(st->db, "SELECT version FROM schema_version", -1, &s, NULL) ==
	    SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			version = sqlite3_column_int(s, 0);
	}
	sqlite3_finalize(s);
	return version;
}

static int migrate(struct hk_store *st, struct hk_err *err)
{
	/* the common case, up to date: no write transaction on every open */
	if (schema_version(st) == (int)(sizeof(migrations) / sizeof(migrations[0])))
		return 0;
	int r = exec_sql(st, "BEGIN IMMEDIATE", err);
	if (r < 0)
		return r;
	r = exec_sql(st, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);",
		     err);
	int version = r == 0 ? schema_version(st) : -1; /* again, now under the write lock */
	if (r == 0 && version < 0) {
		r = exec_sql(st, "INSERT INTO schema_version VALUES (0)", err);
		version = 0;
	}
	int n = (int)(sizeof(migrations) / sizeof(migrations[0]));
	if (r == 0 && version > n)
		r = hk_err_set(err, -EPROTO,
			       "state database: schema version %d is newer than this "
			       "hako (%d)",
			       version, n);
	for (int i = version; r == 0 && i < n; i++)
		r = exec_sql(st, migrations[i], err);
	if (r == 0 && version < n) {
		char sql[64];
		snprintf(sql, sizeof(sql), "UPDATE schema_version SET version = %d", n);
		r = exec_sql(st, sql, err);
	}
	if (r < 0) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return r;
	}
	return exec_sql(st, "COMMIT", err);
}

/*
 * WAL and the schema. Switching a brand-new file to WAL needs an exclusive lock for which
 * SQLite does not call the busy handler, so many hako opening an empty state directory at
 * the same instant get "database is locked" at once. Retry on SQLITE_BUSY with a growing,
 * jittered sleep, about 5 s in all (the busy_timeout covers the later, ordinary waits).
 */
static int setup(struct hk_store *st, struct hk_err *err)
{
	int r = 0;
	unsigned jitter = (unsigned)getpid();
	for (long waited = 0; waited < 5000000;) {
		r = exec_sql(st, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", err);
		if (r == 0)
			r = migrate(st, err);
		if (r != -EBUSY)
			return r;
		jitter = jitter * 1103515245u + 12345u;
		long us = 1000 + (waited < 20000 ? waited : 20000) + (long)(jitter % 4000);
		usleep((useconds_t)us);
		waited += us;
	}
	return r;
}

static int db_open(struct hk_store *st, const char *path, struct hk_err *err)
{
	/* No page cache allocated ahead (SQLite's default: 20 pages at once, each written
	 * into: ~60 page faults per command, more copy-on-write after a fork); pages come as
	 * the database is read. Before SQLite initialises, or SQLITE_MISUSE: nothing changes. */
	static bool configured;
	if (!configured) {
		configured = true;
		sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);
	}
	int rc = sqlite3_open_v2(path, &st->db,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
				 NULL);
	int r = 0;
	if (rc != SQLITE_OK) {
		r = hk_err_set(err, -EIO, "state database '%s': %s", path,
			       st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
		sqlite3_close(st->db);
		st->db = NULL;
		return r;
	}
	sqlite3_busy_timeout(st->db, 5000);
	/* The last connection to close does not checkpoint, so the WAL and its index stay for
	 * the next command: no WAL created and synced (with its directory), no checkpoint and
	 * its two syncs at the end of every command — four fdatasyncs per command, 1-3 ms each
	 * on a disk. The WAL is copied back every 64 pages instead (SQLite's automatic
	 * checkpoint, inside the commit that crosses it: a `run --rm` writes about 12), and
	 * kept that short because the first connection of a process re-reads the whole WAL to
	 * rebuild its index. Durability is unchanged in kind (synchronous=NORMAL: a commit
	 * is durable once checkpointed; a crash of hako loses nothing, a power loss at most the
	 * last commits, never consistency). */
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	sqlite3_wal_autocheckpoint(st->db, 64); /* the PRAGMA's effect, without a statement */
	r = setup(st, err);
	if (r < 0) {
		sqlite3_close(st->db);
		st->db = NULL;
	}
	return r;
}

int hk_store_open(const char *path, struct hk_store **ret, struct hk_err *err)
{
	struct hk_store *st = calloc(1, sizeof(*st));
	if (!st)
		return hk_err_sys(err, -ENOMEM, "state database");
	int r = db_open(st, path, err);
	if (r < 0) {
		free(st);
		return r;
	}
	*ret = st;
	return 0;
}

/* An older hako kept these containers in the database: their rows become files (once, when
 * the containers directory is made), so that an upgrade leaves none behind. */
static void import_rows(struct hk_store *st)
{
	struct hk_ctfiles *f = st->files;
	struct hk_ct_row *rows;
	size_t n;
	struct hk_err e;
	if (!hk_store_has_db(st) || !hk_store_sqlite(st))
		return;
	st->files = NULL; /* the table's SQL side */
	if (hk_store_list(st, &rows, &n, &e) == 0) {
		for (size_t i = 0; i < n; i++)
			if (hk_ctfiles_insert(f, &rows[i], &e) == 0)
				hk_store_delete(st, rows[i].id, &e);
		hk_ct_rows_free(rows, n);
	}
	st->files = f;
}

int hk_store_open_paths(const struct hk_paths *p, struct hk_store **ret, struct hk_err *err)
{
	char db[HK_PATH_MAX + 16];
	snprintf(db, sizeof(db), "%s/hako.db", p->state);
	int r = hk_store_trusted(db, err);
	if (r < 0 || !p->ct_files)
		return r < 0 ? r : hk_store_open(db, ret, err);
	struct hk_store *st = calloc(1, sizeof(*st));
	if (!st || !(st->dbpath = strdup(db))) {
		free(st);
		return hk_err_sys(err, -ENOMEM, "state database");
	}
	bool made;
	r = hk_ctfiles_open(p->state, &made, &st->files, err);
	if (r < 0) {
		hk_store_close(st);
		return r;
	}
	if (made)
		import_rows(st);
	*ret = st;
	return 0;
}

bool hk_store_has_db(struct hk_store *st)
{
	struct stat sb;
	return st->db || (st->dbpath && lstat(st->dbpath, &sb) == 0);
}

struct hk_ctfiles *hk_store_ctfiles(struct hk_store *st)
{
	return st->files;
}

/* For the other store*.c files (store_net.c): the open database; with the containers in
 * files, opened now. Should that fail (the state directory was checked and made by this
 * command: a full disk), an empty database in memory stands in, with a warning, so that the
 * caller's query finds nothing rather than crash. */
void *hk_store_sqlite(struct hk_store *st)
{
	if (!st->db && st->dbpath) {
		struct hk_err e = {};
		int r = hk_store_trusted(st->dbpath, &e);
		if (r == 0)
			r = db_open(st, st->dbpath, &e);
		if (r < 0) {
			fprintf(stderr, "hako: warning: %s\n", e.msg);
			struct hk_err e2;
			if (db_open(st, ":memory:", &e2) < 0)
				abort(); /* no memory */
		}
	}
	return st->db;
}

void hk_store_close(struct hk_store *st)
{
	if (!st)
		return;
	sqlite3_close(st->db);
	hk_ctfiles_close(st->files);
	free(st->dbpath);
	free(st);
}

void hk_ct_row_free(struct hk_ct_row *r)
{
	if (!r)
		return;
	free(r->rootfs);
	free(r->command);
	free(r->config);
	r->rootfs = r->command = r->config = NULL;
}

void hk_ct_rows_free(struct hk_ct_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		hk_ct_row_free(&rows[i]);
	free(rows);
}

#define COLS                                                                                       \
	"id, name, state, owner_pid, owner_start, pid, pid_start, exit_code, hostname, net, "      \
	"rootfs, command, config, created, started, finished, auto_remove, tty, detach"

static void cpy(char *dst, size_t len, const unsigned char *s)
{
	snprintf(dst, len, "%s", s ? (const char *)s : "");
}

static char *dup_col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return strdup(t ? (const char *)t : "");
}

static int row_read(sqlite3_stmt *s, struct hk_ct_row *r)
{
	memset(r, 0, sizeof(*r));
	cpy(r->id, sizeof(r->id), sqlite3_column_text(s, 0));
	cpy(r->name, sizeof(r->name), sqlite3_column_text(s, 1));
	cpy(r->state, sizeof(r->state), sqlite3_column_text(s, 2));
	r->owner_pid = sqlite3_column_int(s, 3);
	r->owner_start = (uint64_t)sqlite3_column_int64(s, 4);
	r->pid = sqlite3_column_int(s, 5);
	r->pid_start = (uint64_t)sqlite3_column_int64(s, 6);
	r->exit_code = sqlite3_column_int(s, 7);
	cpy(r->hostname, sizeof(r->hostname), sqlite3_column_text(s, 8));
	cpy(r->net, sizeof(r->net), sqlite3_column_text(s, 9));
	r->rootfs = dup_col(s, 10);
	r->command = dup_col(s, 11);
	r->config = dup_col(s, 12);
	r->created = sqlite3_column_int64(s, 13);
	r->started = sqlite3_column_int64(s, 14);
	r->finished = sqlite3_column_int64(s, 15);
	r->auto_remove = sqlite3_column_int(s, 16);
	r->tty = sqlite3_column_int(s, 17);
	r->detach = sqlite3_column_int(s, 18);
	if (!r->rootfs || !r->command || !r->config) {
		hk_ct_row_free(r);
		return -ENOMEM;
	}
	return 0;
}

/* One statement in its own IMMEDIATE transaction. */
static int write_stmt(struct hk_store *st, sqlite3_stmt *s, const char *what, struct hk_err *err)
{
	int r = exec_sql(st, "BEGIN IMMEDIATE", err);
	if (r < 0) {
		sqlite3_finalize(s);
		return r;
	}
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		r = db_err(st, err, rc, what);
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return r;
	}
	return exec_sql(st, "COMMIT", err);
}

int hk_store_insert(struct hk_store *st, const struct hk_ct_row *r, struct hk_err *err)
{
	if (st->files)
		return hk_ctfiles_insert(st->files, r, err);
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(st->db,
				    "INSERT INTO containers (" COLS ") VALUES "
				    "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,"
				    "?16,?17,?18,?19)",
				    -1, &s, NULL);
	if (rc != SQLITE_OK)
		return db_err(st, err, rc, "insert");
	sqlite3_bind_text(s, 1, r->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, r->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, r->state, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, r->owner_pid);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)r->owner_start);
	sqlite3_bind_int(s, 6, r->pid);
	sqlite3_bind_int64(s, 7, (sqlite3_int64)r->pid_start);
	sqlite3_bind_int(s, 8, r->exit_code);
	sqlite3_bind_text(s, 9, r->hostname, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 10, r->net, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 11, r->rootfs, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 12, r->command, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 13, r->config ? r->config : "{}", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 14, r->created);
	sqlite3_bind_int64(s, 15, r->started);
	sqlite3_bind_int64(s, 16, r->finished);
	sqlite3_bind_int(s, 17, r->auto_remove);
	sqlite3_bind_int(s, 18, r->tty);
	sqlite3_bind_int(s, 19, r->detach);
	int ret = write_stmt(st, s, "insert", err);
	if (ret == -EEXIST)
		return hk_err_set(err, -EEXIST, "container name '%s' is already in use", r->name);
	return ret;
}

/* The row's state and process columns; expected non-NULL: only while its state is that
 * (-ESTALE otherwise), so that two processes cannot both take a container over. */
static int update_row(struct hk_store *st, const struct hk_ct_row *r, const char *expected,
		      struct hk_err *err)
{
	if (st->files)
		return hk_ctfiles_update(st->files, r, expected, err);
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(
		st->db,
		"UPDATE containers SET state=?2, owner_pid=?3, "
		"owner_start=?4, pid=?5, pid_start=?6, exit_code=?7, "
		"started=?8, finished=?9 WHERE id=?1 AND (?10 IS NULL OR state=?10)",
		-1, &s, NULL);
	if (rc != SQLITE_OK)
		return db_err(st, err, rc, "update");
	sqlite3_bind_text(s, 1, r->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, r->state, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, r->owner_pid);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)r->owner_start);
	sqlite3_bind_int(s, 5, r->pid);
	sqlite3_bind_int64(s, 6, (sqlite3_int64)r->pid_start);
	sqlite3_bind_int(s, 7, r->exit_code);
	sqlite3_bind_int64(s, 8, r->started);
	sqlite3_bind_int64(s, 9, r->finished);
	if (expected)
		sqlite3_bind_text(s, 10, expected, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 10);
	int ret = write_stmt(st, s, "update", err);
	if (ret == 0 && expected && sqlite3_changes(st->db) == 0)
		return hk_err_set(err, -ESTALE, "container '%s' changed state meanwhile (not %s)",
				  r->name, expected);
	return ret;
}

int hk_store_update(struct hk_store *st, const struct hk_ct_row *r, struct hk_err *err)
{
	return update_row(st, r, NULL, err);
}

int hk_store_update_if(struct hk_store *st, const struct hk_ct_row *r, const char *expected,
		       struct hk_err *err)
{
	return update_row(st, r, expected, err);
}

int hk_store_delete(struct hk_store *st, const char *id, struct hk_err *err)
{
	if (st->files)
		return hk_ctfiles_delete(st->files, id, err);
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(st->db, "DELETE FROM containers WHERE id=?1", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return db_err(st, err, rc, "delete");
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	return write_stmt(st, s, "delete", err);
}

int hk_store_name_id(struct hk_store *st, const char *name, char id[HK_CT_ID_LEN + 1])
{
	if (st->files)
		return hk_ctfiles_name_id(st->files, name, id);
	struct hk_ct_row r;
	struct hk_err e;
	if (hk_store_get_name(st, name, &r, &e) < 0)
		return -ENOENT;
	memcpy(id, r.id, HK_CT_ID_LEN + 1);
	hk_ct_row_free(&r);
	return 0;
}

static int get_row(struct hk_store *st, const char *key, bool prefix, struct hk_ct_row *ret,
		   struct hk_err *err)
{
	if (st->files)
		return hk_ctfiles_get(st->files, key, prefix, ret, err);
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(st->db,
				    prefix ? "SELECT " COLS " FROM containers WHERE name=?1 OR "
					     "id=?1 OR (length(?1) >= 4 AND substr(id, 1, "
					     "length(?1)) = ?1) ORDER BY name=?1 DESC LIMIT 2"
					   : "SELECT " COLS " FROM containers WHERE name=?1",
				    -1, &s, NULL);
	if (rc != SQLITE_OK)
		return db_err(st, err, rc, "select");
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	int r = -ENOENT;
	struct hk_ct_row first;
	int n = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == 0) {
			if (row_read(s, &first) < 0) {
				r = -ENOMEM;
				break;
			}
		} else if (strcmp(first.name, key) && strcmp(first.id, key)) {
			hk_ct_row_free(&first);
			sqlite3_finalize(s);
			return hk_err_set(err, -EINVAL, "container id prefix '%s' is ambiguous",
					  key);
		}
		n++;
	}
	sqlite3_finalize(s);
	if (n > 0 && r != -ENOMEM) {
		*ret = first;
		return 0;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_err(st, err, rc, "select");
	if (r == -ENOMEM)
		return hk_err_sys(err, r, "state database");
	return hk_err_set(err, -ENOENT, "no such container: %s", key);
}

int hk_store_get(struct hk_store *st, const char *key, struct hk_ct_row *ret, struct hk_err *err)
{
	return get_row(st, key, true, ret, err);
}

int hk_store_get_name(struct hk_store *st, const char *name, struct hk_ct_row *ret,
		      struct hk_err *err)
{
	return get_row(st, name, false, ret, err);
}

int hk_store_list(struct hk_store *st, struct hk_ct_row **ret, size_t *ret_n, struct hk_err *err)
{
	if (st->files)
		return hk_ctfiles_list(st->files, ret, ret_n, err);
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(
		st->db, "SELECT " COLS " FROM containers ORDER BY created, rowid", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return db_err(st, err, rc, "select");
	struct hk_ct_row *rows = NULL;
	size_t n = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct hk_ct_row *nr = realloc(rows, (n + 1) * sizeof(*rows));
		if (!nr || row_read(s, &nr[n]) < 0) {
			rows = nr ? nr : rows;
			sqlite3_finalize(s);
			hk_ct_rows_free(rows, n);
			return hk_err_sys(err, -ENOMEM, "state database");
		}
		rows = nr;
		n++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		hk_ct_rows_free(rows, n);
		return db_err(st, err, rc, "select");
	}
	*ret = rows;
	*ret_n = n;
	return 0;
}

int hk_store_trusted(const char *db, struct hk_err *err)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		char f[HK_PATH_MAX + 32];
		struct stat st;
		snprintf(f, sizeof(f), "%s%s", db, sfx[i]);
		if (lstat(f, &st) < 0) {
			if (errno == ENOENT)
				continue;
			return hk_err_sys(err, -errno, "state database '%s'", f);
		}
		int r = hk_trust_stat(&st, "state database", f, false, false, err);
		if (r < 0)
			return r;
	}
	return 0;
}
