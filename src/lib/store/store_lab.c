// SPDX-License-Identifier: MIT
/* Labs and their objects in SQLite (see store_lab.h). */
#include "store_lab.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "store_net.h" /* hk_store_sqlite */

void hk_lab_row_free(struct hk_lab_row *r)
{
	if (!r)
		return;
	free(r->file);
	free(r->text);
	r->file = r->text = NULL;
}

void hk_lab_rows_free(struct hk_lab_row *r, size_t n)
{
	for (size_t i = 0; r && i < n; i++)
		hk_lab_row_free(&r[i]);
	free(r);
}

static void col(sqlite3_stmt *s, int i, char *dst, size_t len)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	snprintf(dst, len, "%s", t ? (const char *)t : "");
}

static char *coldup(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return strdup(t ? (const char *)t : "");
}

static int put_objects(sqlite3 *db, const char *name, const struct hk_labobj_row *objs, size_t n,
		       struct hk_err *err)
{
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(
		db,
		"INSERT INTO lab_objects (lab, seq, kind, name, node) VALUES (?1,"
		" (SELECT COALESCE(MAX(seq), 0) + 1 FROM lab_objects WHERE lab = ?1),"
		" ?2, ?3, ?4)",
		-1, &s, NULL);
	if (rc != SQLITE_OK)
		return dberr(db, err, rc, "insert lab objects");
	for (size_t i = 0; i < n; i++) {
		sqlite3_reset(s);
		sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, objs[i].kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, objs[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 4, objs[i].node, -1, SQLITE_STATIC);
		rc = sqlite3_step(s);
		if (rc != SQLITE_DONE) {
			int r = dberr(db, err, rc, "insert lab objects");
			sqlite3_finalize(s);
			return r;
		}
	}
	sqlite3_finalize(s);
	return 0;
}

int hk_labstore_insert(struct hk_store *st, const struct hk_lab_row *r,
		       const struct hk_labobj_row *objs, size_t n, struct hk_err *err)
{
	sqlite3 *db = DB(st);
	int ret = begin(db, err);
	if (ret < 0)
		return ret;
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(
		db,
		"INSERT INTO labs (name, state, file, text, owner_pid, owner_start,"
		" created, host) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		-1, &s, NULL);
	if (rc != SQLITE_OK)
		return end(db, dberr(db, err, rc, "insert lab"), err);
	sqlite3_bind_text(s, 1, r->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, r->state, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, r->file ? r->file : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, r->text ? r->text : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, r->owner_pid);
	sqlite3_bind_int64(s, 6, (sqlite3_int64)r->owner_start);
	sqlite3_bind_int64(s, 7, r->created);
	sqlite3_bind_text(s, 8, r->host, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc == SQLITE_CONSTRAINT)
		ret = hk_err_usage(err, "lab '%s' already exists", r->name);
	else if (rc != SQLITE_DONE)
		ret = dberr(db, err, rc, "insert lab");
	if (ret == 0)
		ret = put_objects(db, r->name, objs, n, err);
	return end(db, ret, err);
}

int hk_labstore_add_objects(struct hk_store *st, const char *name, const struct hk_labobj_row *objs,
			    size_t n, struct hk_err *err)
{
	sqlite3 *db = DB(st);
	int ret = begin(db, err);
	if (ret < 0)
		return ret;
	return end(db, put_objects(db, name, objs, n, err), err);
}

static int select_labs(sqlite3 *db, const char *name, struct hk_lab_row **ret, size_t *ret_n,
		       struct hk_err *err)
{
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(
		db,
		"SELECT name, state, file, text, owner_pid, owner_start, created,"
		" host FROM labs WHERE (?1 IS NULL OR name = ?1) ORDER BY name",
		-1, &s, NULL);
	if (rc != SQLITE_OK)
		return dberr(db, err, rc, "select labs");
	if (name)
		sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	struct hk_lab_row *rows = NULL;
	size_t n = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct hk_lab_row *nr = realloc(rows, (n + 1) * sizeof(*rows));
		if (!nr)
			break;
		rows = nr;
		struct hk_lab_row *r = &rows[n++];
		memset(r, 0, sizeof(*r));
		col(s, 0, r->name, sizeof(r->name));
		col(s, 1, r->state, sizeof(r->state));
		r->file = coldup(s, 2);
		r->text = coldup(s, 3);
		r->owner_pid = (pid_t)sqlite3_column_int64(s, 4);
		r->owner_start = (uint64_t)sqlite3_column_int64(s, 5);
		r->created = sqlite3_column_int64(s, 6);
		col(s, 7, r->host, sizeof(r->host));
		if (!r->file || !r->text)
			break;
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW) {
		hk_lab_rows_free(rows, n);
		return hk_err_sys(err, -ENOMEM, "labs");
	}
	if (rc != SQLITE_DONE) {
		hk_lab_rows_free(rows, n);
		return dberr(db, err, rc, "select labs");
	}
	*ret = rows;
	*ret_n = n;
	return 0;
}

int hk_labstore_get(struct hk_store *st, const char *name, struct hk_lab_row *ret,
		    struct hk_err *err)
{
	struct hk_lab_row *rows = NULL;
	size_t n = 0;
	int r = select_labs(DB(st), name, &rows, &n, err);
	if (r < 0)
		return r;
	if (n != 1) {
		hk_lab_rows_free(rows, n);
		hk_err_set(err, -ENOENT, "no such lab: %s", name);
		hk_err_class_set(err, HK_ERR_NOTFOUND);
		return -ENOENT;
	}
	*ret = rows[0];
	free(rows);
	return 0;
}

int hk_labstore_list(struct hk_store *st, struct hk_lab_row **ret, size_t *ret_n,
		     struct hk_err *err)
{
	return select_labs(DB(st), NULL, ret, ret_n, err);
}

int hk_labstore_objects(struct hk_store *st, const char *name, struct hk_labobj_row **ret,
			size_t *ret_n, struct hk_err *err)
{
	sqlite3 *db = DB(st);
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(db,
				    "SELECT kind, name, node FROM lab_objects WHERE lab = ?"
				    " ORDER BY seq",
				    -1, &s, NULL);
	if (rc != SQLITE_OK)
		return dberr(db, err, rc, "select lab objects");
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	struct hk_labobj_row *rows = NULL;
	size_t n = 0, cap = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			struct hk_labobj_row *nr = realloc(rows, nc * sizeof(*rows));
			if (!nr)
				break;
			rows = nr;
			cap = nc;
		}
		struct hk_labobj_row *o = &rows[n++];
		col(s, 0, o->kind, sizeof(o->kind));
		col(s, 1, o->name, sizeof(o->name));
		col(s, 2, o->node, sizeof(o->node));
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(rows);
		return rc == SQLITE_ROW ? hk_err_sys(err, -ENOMEM, "lab objects")
					: dberr(db, err, rc, "select lab objects");
	}
	*ret = rows;
	*ret_n = n;
	return 0;
}

int hk_labstore_set_state(struct hk_store *st, const char *name, const char *state, pid_t pid,
			  uint64_t start, struct hk_err *err)
{
	sqlite3 *db = DB(st);
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(
		db, "UPDATE labs SET state = ?, owner_pid = ?, owner_start = ? WHERE name = ?", -1,
		&s, NULL);
	if (rc != SQLITE_OK)
		return dberr(db, err, rc, "update lab");
	sqlite3_bind_text(s, 1, state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, pid);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)start);
	sqlite3_bind_text(s, 4, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : dberr(db, err, rc, "update lab");
}

int hk_labstore_delete(struct hk_store *st, const char *name, struct hk_err *err)
{
	sqlite3 *db = DB(st);
	int r = begin(db, err);
	if (r < 0)
		return r;
	const char *sql[] = { "DELETE FROM lab_objects WHERE lab = ?",
			      "DELETE FROM labs WHERE name = ?" };
	for (size_t i = 0; r == 0 && i < 2; i++) {
		sqlite3_stmt *s;
		int rc = sqlite3_prepare_v2(db, sql[i], -1, &s, NULL);
		if (rc != SQLITE_OK) {
			r = dberr(db, err, rc, "delete lab");
			break;
		}
		sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
		rc = sqlite3_step(s);
		sqlite3_finalize(s);
		if (rc != SQLITE_DONE)
			r = dberr(db, err, rc, "delete lab");
	}
	return end(db, r, err);
}
