/* SPDX-License-Identifier: MIT */
/* Helpers shared by the store's table modules (store_image.c, store_net.c): the sqlite3
 * handle, errors decoded into hk_err, and transactions. Only store*.c include this. */
#ifndef HK_STORE_INT_H
#define HK_STORE_INT_H

#include <errno.h>
#include <sqlite3.h>

#include "base/err.h"

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

#endif
