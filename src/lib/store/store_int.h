/* SPDX-License-Identifier: MIT */
/* Helpers shared by the store's table modules (store_image.c, store_net.c): the sqlite3
 * handle, errors decoded into hk_err, and transactions. Only store*.c include this. */
#ifndef HK_STORE_INT_H
#define HK_STORE_INT_H

#include <errno.h>
#include <sqlite3.h>

#include "base/err.h"
#include "store.h"

#define DB(st) ((sqlite3 *)hk_store_sqlite(st))

static inline int dberr(sqlite3 *db, struct hk_err *err, int rc, const char *what)
{
	int code = rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? -EBUSY
		   : rc == SQLITE_CONSTRAINT		    ? -EEXIST
							    : -EIO;
	return hk_err_set(err, code, "state database: %s: %s", what, sqlite3_errmsg(db));
}

static inline int begin(sqlite3 *db, struct hk_err *err)
{
	int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : dberr(db, err, rc, "begin");
}

static inline int end(sqlite3 *db, int r, struct hk_err *err)
{
	if (r < 0) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return r;
	}
	int rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : dberr(db, err, rc, "commit");
}

void *hk_store_sqlite(struct hk_store *st);
/* The database is there (or open): with the containers in files (store_ctfiles.c), the other
 * tables' readers find nothing without opening one. */
bool hk_store_has_db(struct hk_store *st);

/* ---- store_ctfiles.c: the containers table as files (paths' ct_files), for store.c ---- */
struct hk_ctfiles;
/* made: the containers directory was made now (the first open of this state directory) */
int hk_ctfiles_open(const char *state, bool *made, struct hk_ctfiles **ret, struct hk_err *err);
void hk_ctfiles_close(struct hk_ctfiles *f);
struct hk_ctfiles *hk_store_ctfiles(struct hk_store *st); /* NULL: the containers are rows */
int hk_ctfiles_insert(struct hk_ctfiles *f, const struct hk_ct_row *r, struct hk_err *err);
int hk_ctfiles_update(struct hk_ctfiles *f, const struct hk_ct_row *r, const char *expected,
		      struct hk_err *err);
int hk_ctfiles_delete(struct hk_ctfiles *f, const char *id, struct hk_err *err);
int hk_ctfiles_name_id(struct hk_ctfiles *f, const char *name, char id[HK_CT_ID_LEN + 1]);
int hk_ctfiles_get(struct hk_ctfiles *f, const char *key, bool prefix, struct hk_ct_row *ret,
		   struct hk_err *err);
int hk_ctfiles_list(struct hk_ctfiles *f, struct hk_ct_row **ret, size_t *ret_n,
		    struct hk_err *err);
int hk_ctfiles_rename(struct hk_ctfiles *f, const char *id, const char *name, struct hk_err *err);
int hk_ctfiles_set_config(struct hk_ctfiles *f, const char *id, const char *config,
			  struct hk_err *err);

#endif
