// SPDX-License-Identifier: MIT
/* Kept blobs of images in SQLite (image_blobs; see store_image.h). */
#include "store_image.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

static bool has_blobs(sqlite3 *db, const char *id)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM image_blobs WHERE image = ? LIMIT 1", -1, &s,
			       NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
	bool r = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return r;
}

static int put_one(sqlite3 *db, const char *id, const struct hk_blob_row *b, struct hk_err *err)
{
	sqlite3_stmt *s;
	const char *sql = "INSERT INTO image_blobs (image, kind, idx, digest, media_type, size)"
			  " VALUES (?, ?, ?, ?, ?, ?)";
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return dberr(db, err, SQLITE_ERROR, "keep blob");
	sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, b->kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)b->idx);
	sqlite3_bind_text(s, 4, b->digest, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 5, b->media_type, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 6, (sqlite3_int64)b->size);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : dberr(db, err, rc, "keep blob");
}

int hk_imgstore_blobs_put(struct hk_store *st, const char *id, const struct hk_blob_row *rows,
			  size_t n, struct hk_err *err)
{
	sqlite3 *db = DB(st);
	int r = begin(db, err);
	if (r < 0 || has_blobs(db, id))
		return end(db, r, err); /* the first source of an image keeps its blobs */
	uint64_t total = 0;
	for (size_t i = 0; r == 0 && i < n; i++) {
		r = put_one(db, id, &rows[i], err);
		total += rows[i].size;
	}
	if (r == 0) {
		sqlite3_stmt *s;
		if (sqlite3_prepare_v2(db, "UPDATE images SET size = size + ? WHERE id = ?", -1, &s,
				       NULL) != SQLITE_OK)
			r = dberr(db, err, SQLITE_ERROR, "image size");
		else {
			sqlite3_bind_int64(s, 1, (sqlite3_int64)total);
			sqlite3_bind_text(s, 2, id, -1, SQLITE_TRANSIENT);
			int rc = sqlite3_step(s);
			sqlite3_finalize(s);
			if (rc != SQLITE_DONE)
				r = dberr(db, err, rc, "image size");
		}
	}
	return end(db, r, err);
}

static void col(sqlite3_stmt *s, int i, char *buf, size_t len)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	snprintf(buf, len, "%s", t ? (const char *)t : "");
}

int hk_imgstore_blobs_get(struct hk_store *st, const char *id, struct hk_blob_row **ret,
			  size_t *ret_n, struct hk_err *err)
{
	sqlite3 *db = DB(st);
	sqlite3_stmt *s;
	*ret = NULL;
	*ret_n = 0;
	const char *sql = "SELECT kind, idx, digest, media_type, size FROM image_blobs"
			  " WHERE image = ? ORDER BY kind, idx";
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return dberr(db, err, SQLITE_ERROR, "kept blobs");
	sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
	struct hk_blob_row *v = NULL;
	size_t n = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct hk_blob_row *nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv) {
			free(v);
			sqlite3_finalize(s);
			return hk_err_set(err, -ENOMEM, "out of memory");
		}
		v = nv;
		struct hk_blob_row *b = &v[n++];
		col(s, 0, b->kind, sizeof(b->kind));
		b->idx = (size_t)sqlite3_column_int64(s, 1);
		col(s, 2, b->digest, sizeof(b->digest));
		col(s, 3, b->media_type, sizeof(b->media_type));
		b->size = (uint64_t)sqlite3_column_int64(s, 4);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(v);
		return dberr(db, err, rc, "kept blobs");
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

bool hk_imgstore_blob_used(struct hk_store *st, const char *digest)
{
	sqlite3 *db = DB(st);
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM image_blobs WHERE digest = ? LIMIT 1", -1, &s,
			       NULL) != SQLITE_OK)
		return true; /* when in doubt, keep it */
	sqlite3_bind_text(s, 1, digest, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc != SQLITE_DONE;
}
