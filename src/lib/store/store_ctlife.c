// SPDX-License-Identifier: MIT
/* Containers' lifecycle records in SQLite (store_ctlife.h). */
#include "store_ctlife.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_net.h" /* hk_store_sqlite */

#include "store_int.h"

void hk_ctlife_row_free(struct hk_ctlife_row *r)
{
	free(r->args);
	r->args = NULL;
	free(r->nets);
	r->nets = NULL;
}

/* One statement, stepped to its end: 0, or the error (what). */
static int step1(sqlite3 *db, sqlite3_stmt *s, const char *what, struct hk_err *err)
{
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : dberr(db, err, rc, what);
}

int hk_ctlife_put(struct hk_store *st, const struct hk_ctlife_row *r, struct hk_err *err)
{
	sqlite3 *db = DB(st);
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(db,
				    "INSERT OR REPLACE INTO ct_life (ct, args, restart, restarts,"
				    " stopped, stop_signal, stop_timeout, addr)"
				    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
				    -1, &s, NULL);
	if (rc != SQLITE_OK)
		return dberr(db, err, rc, "ct_life insert");
	sqlite3_bind_text(s, 1, r->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, r->args ? r->args : "[]", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, r->restart[0] ? r->restart : "no", -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, r->restarts);
	sqlite3_bind_int(s, 5, r->stopped);
	sqlite3_bind_int(s, 6, r->stop_signal);
	sqlite3_bind_int(s, 7, r->stop_timeout);
	sqlite3_bind_text(s, 8, r->addr, -1, SQLITE_STATIC);
	return step1(db, s, "ct_life insert", err);
}

int hk_ctlife_get(struct hk_store *st, const char *id, struct hk_ctlife_row *ret,
		  struct hk_err *err)
{
	if (!hk_store_has_db(st))
		return hk_err_set(err, -ENOENT, "container %s: no lifecycle record", id);
	sqlite3 *db = DB(st);
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(db,
				    "SELECT args, restart, restarts, stopped, stop_signal,"
				    " stop_timeout, addr, last_exit, nets FROM ct_life WHERE ct=?1",
				    -1, &s, NULL);
	if (rc != SQLITE_OK)
		return dberr(db, err, rc, "ct_life select");
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	int r = 0;
	if (rc == SQLITE_ROW) {
		memset(ret, 0, sizeof(*ret));
		snprintf(ret->id, sizeof(ret->id), "%s", id);
		const unsigned char *t = sqlite3_column_text(s, 0);
		ret->args = strdup(t ? (const char *)t : "[]");
		t = sqlite3_column_text(s, 1);
		snprintf(ret->restart, sizeof(ret->restart), "%s", t ? (const char *)t : "no");
		ret->restarts = sqlite3_column_int(s, 2);
		ret->stopped = sqlite3_column_int(s, 3) != 0;
		ret->stop_signal = sqlite3_column_int(s, 4);
		ret->stop_timeout = sqlite3_column_int(s, 5);
		t = sqlite3_column_text(s, 6);
		snprintf(ret->addr, sizeof(ret->addr), "%s", t ? (const char *)t : "");
		ret->last_exit = sqlite3_column_int(s, 7);
		t = sqlite3_column_text(s, 8);
		ret->nets = strdup(t ? (const char *)t : "[]");
		if (!ret->args || !ret->nets) {
			hk_ctlife_row_free(ret);
			r = hk_err_sys(err, -ENOMEM, "ct_life");
		}
	} else if (rc == SQLITE_DONE) {
		r = hk_err_set(err, -ENOENT, "container %s: no lifecycle record", id);
	} else {
		r = dberr(db, err, rc, "ct_life select");
	}
	sqlite3_finalize(s);
	return r;
}

static int set1(struct hk_store *st, const char *sql, const char *id, int n, const char *text,
		struct hk_err *err)
{
	sqlite3 *db = DB(st);
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return dberr(db, err, rc, "ct_life update");
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	if (text)
		sqlite3_bind_text(s, 2, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int(s, 2, n);
	return step1(db, s, "ct_life update", err);
}

int hk_ctlife_delete(struct hk_store *st, const char *id, struct hk_err *err)
{
	if (!hk_store_has_db(st))
		return 0;
	return set1(st, "DELETE FROM ct_life WHERE ct=?1 AND ?2 = 0", id, 0, NULL, err);
}

int hk_ctlife_set_stopped(struct hk_store *st, const char *id, bool stopped, struct hk_err *err)
{
	return set1(st, "UPDATE ct_life SET stopped=?2 WHERE ct=?1", id, stopped, NULL, err);
}

int hk_ctlife_set_restarts(struct hk_store *st, const char *id, int restarts, struct hk_err *err)
{
	return set1(st, "UPDATE ct_life SET restarts=?2 WHERE ct=?1", id, restarts, NULL, err);
}

int hk_ctlife_set_nets(struct hk_store *st, const char *id, const char *nets, struct hk_err *err)
{
	return set1(st, "UPDATE ct_life SET nets=?2 WHERE ct=?1", id, 0, nets, err);
}

int hk_ctlife_set_last_exit(struct hk_store *st, const char *id, int code, struct hk_err *err)
{
	return set1(st, "UPDATE ct_life SET last_exit=?2 WHERE ct=?1", id, code, NULL, err);
}

int hk_ctlife_set_addr(struct hk_store *st, const char *id, const char *addr, struct hk_err *err)
{
	return set1(st, "UPDATE ct_life SET addr=?2 WHERE ct=?1", id, 0, addr, err);
}

int hk_ctlife_set_restart(struct hk_store *st, const char *id, const char *policy,
			  struct hk_err *err)
{
	return set1(st, "UPDATE ct_life SET restart=?2 WHERE ct=?1", id, 0, policy, err);
}

int hk_store_rename(struct hk_store *st, const char *id, const char *name, struct hk_err *err)
{
	if (hk_store_ctfiles(st))
		return hk_ctfiles_rename(hk_store_ctfiles(st), id, name, err);
	sqlite3 *db = DB(st);
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(db, "UPDATE containers SET name=?2 WHERE id=?1", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return dberr(db, err, rc, "rename");
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc == SQLITE_CONSTRAINT || (rc & 0xff) == SQLITE_CONSTRAINT)
		return hk_err_set(err, -EEXIST, "container name '%s' is already in use", name);
	if (rc != SQLITE_DONE)
		return dberr(db, err, rc, "rename");
	if (sqlite3_changes(db) == 0)
		return hk_err_set(err, -ENOENT, "no such container: %s", id);
	return 0;
}

int hk_store_set_config(struct hk_store *st, const char *id, const char *config, struct hk_err *err)
{
	if (hk_store_ctfiles(st))
		return hk_ctfiles_set_config(hk_store_ctfiles(st), id, config, err);
	sqlite3 *db = DB(st);
	sqlite3_stmt *s;
	int rc =
		sqlite3_prepare_v2(db, "UPDATE containers SET config=?2 WHERE id=?1", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return dberr(db, err, rc, "store the config");
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, config, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return dberr(db, err, rc, "store the config");
	if (sqlite3_changes(db) == 0)
		return hk_err_set(err, -ENOENT, "no such container: %s", id);
	return 0;
}
