// SPDX-License-Identifier: MIT
/* Images, their layers and tags in SQLite (see store_image.h). */
#include "store_image.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
/* Prepare sql and bind args (NULL-terminated strings). */
static sqlite3_stmt *prep(sqlite3 *db, const char *sql, const char *const *args)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return NULL;
	for (int i = 0; args && args[i]; i++)
		sqlite3_bind_text(s, i + 1, args[i], -1, SQLITE_TRANSIENT);
	return s;
}

static int run(sqlite3 *db, const char *sql, const char *const *args, struct hk_err *err)
{
	sqlite3_stmt *s = prep(db, sql, args);
	if (!s)
		return dberr(db, err, SQLITE_ERROR, sql);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : dberr(db, err, rc, sql);
}

static char *coldup(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return strdup(t ? (const char *)t : "");
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

void hk_image_row_free(struct hk_image_row *r)
{
	if (!r)
		return;
	free(r->config);
	strv_free(r->layers, r->nlayers);
	free(r->layer_sizes);
	strv_free(r->tags, r->ntags);
	memset(r, 0, sizeof(*r));
}

void hk_image_rows_free(struct hk_image_row *rows, size_t n)
{
	for (size_t i = 0; rows && i < n; i++)
		hk_image_row_free(&rows[i]);
	free(rows);
}

static int append(char ***v, size_t *n, char *s)
{
	char **nv = s ? realloc(*v, (*n + 2) * sizeof(char *)) : NULL;
	if (!nv) {
		free(s);
		return -ENOMEM;
	}
	nv[(*n)++] = s;
	nv[*n] = NULL;
	*v = nv;
	return 0;
}

/* Layers and tags of r->id. */
static int fill(sqlite3 *db, struct hk_image_row *r, struct hk_err *err)
{
	const char *args[] = { r->id, NULL };
	sqlite3_stmt *s = prep(db,
			       "SELECT diff_id, size FROM image_layers WHERE image = ?"
			       " ORDER BY idx",
			       args);
	if (!s)
		return dberr(db, err, SQLITE_ERROR, "image layers");
	int rc, ret = 0;
	while (ret == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		uint64_t *ns = realloc(r->layer_sizes, (r->nlayers + 1) * sizeof(uint64_t));
		if (!ns) {
			ret = -ENOMEM;
			break;
		}
		r->layer_sizes = ns;
		ns[r->nlayers] = (uint64_t)sqlite3_column_int64(s, 1);
		ret = append(&r->layers, &r->nlayers, coldup(s, 0));
	}
	sqlite3_finalize(s);
	s = ret ? NULL
		: prep(db, "SELECT name FROM image_tags WHERE image = ? ORDER BY name", args);
	while (s && ret == 0 && sqlite3_step(s) == SQLITE_ROW)
		ret = append(&r->tags, &r->ntags, coldup(s, 0));
	sqlite3_finalize(s);
	return ret ? hk_err_sys(err, ret, "image %s", r->id) : 0;
}

static void read_row(sqlite3_stmt *s, struct hk_image_row *r)
{
	memset(r, 0, sizeof(*r));
	const unsigned char *id = sqlite3_column_text(s, 0);
	snprintf(r->id, sizeof(r->id), "%s", id ? (const char *)id : "");
	r->config = coldup(s, 1);
	r->size = (uint64_t)sqlite3_column_int64(s, 2);
	r->created = sqlite3_column_int64(s, 3);
}

int hk_imgstore_put(struct hk_store *st, const struct hk_image_row *r, const char *tag,
		    struct hk_err *err)
{
	sqlite3 *db = DB(st);
	int ret = begin(db, err);
	if (ret < 0)
		return ret;
	char size[32], created[32], idx[24];
	snprintf(size, sizeof(size), "%llu", (unsigned long long)r->size);
	snprintf(created, sizeof(created), "%lld", (long long)r->created);
	const char *a[] = { r->id, r->config, size, created, NULL };
	sqlite3_stmt *s = prep(db, "SELECT 1 FROM images WHERE id = ?", a);
	bool exists = s && sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	if (!exists)
		ret = run(db, "INSERT INTO images (id, config, size, created) VALUES (?, ?, ?, ?)",
			  a, err);
	for (size_t i = 0; !exists && ret == 0 && i < r->nlayers; i++) {
		snprintf(idx, sizeof(idx), "%zu", i);
		snprintf(size, sizeof(size), "%llu",
			 (unsigned long long)(r->layer_sizes ? r->layer_sizes[i] : 0));
		const char *l[] = { r->id, idx, r->layers[i], size, NULL };
		ret = run(db,
			  "INSERT INTO image_layers (image, idx, diff_id, size)"
			  " VALUES (?, ?, ?, ?)",
			  l, err);
	}
	if (ret == 0 && tag) {
		const char *t[] = { tag, r->id, NULL };
		ret = run(db, "INSERT OR REPLACE INTO image_tags (name, image) VALUES (?, ?)", t,
			  err);
	}
	return end(db, ret, err);
}

static bool is_hex(const char *s)
{
	return *s && strspn(s, "0123456789abcdef") == strlen(s);
}

int hk_imgstore_get(struct hk_store *st, const char *ref, struct hk_image_row *ret,
		    struct hk_err *err)
{
	sqlite3 *db = DB(st);
	static const char *cols = "SELECT id, config, size, created FROM images ";
	char sql[256], like[HK_DIGEST_MAX + 2];
	const char *hex = !strncmp(ref, HK_DIGEST_PREFIX, 7) ? ref + 7 : ref;
	snprintf(like, sizeof(like), "sha256:%.64s%%", hex);
	const char *a[] = { ref, NULL }, *b[] = { like, NULL };
	/* a tag first, then an id or id prefix */
	snprintf(sql, sizeof(sql), "%s WHERE id = (SELECT image FROM image_tags WHERE name = ?)",
		 cols);
	sqlite3_stmt *s = prep(db, sql, a);
	int rc = s ? sqlite3_step(s) : SQLITE_ERROR;
	if (rc != SQLITE_ROW && strlen(hex) >= 4 && strlen(hex) <= 64 && is_hex(hex)) {
		sqlite3_finalize(s);
		snprintf(sql, sizeof(sql), "%s WHERE id LIKE ? LIMIT 2", cols);
		s = prep(db, sql, b);
		rc = s ? sqlite3_step(s) : SQLITE_ERROR;
		if (rc == SQLITE_ROW) {
			read_row(s, ret);
			bool two = sqlite3_step(s) == SQLITE_ROW;
			sqlite3_finalize(s);
			if (two) {
				hk_image_row_free(ret);
				return hk_err_usage(err, "image id prefix '%s' is ambiguous", ref);
			}
			return fill(db, ret, err);
		}
	}
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(s);
		return rc == SQLITE_DONE ? hk_err_set(err, -ENOENT, "no such image: %s", ref)
					 : dberr(db, err, rc, "image lookup");
	}
	read_row(s, ret);
	sqlite3_finalize(s);
	return fill(db, ret, err);
}

int hk_imgstore_list(struct hk_store *st, struct hk_image_row **ret, size_t *ret_n,
		     struct hk_err *err)
{
	sqlite3 *db = DB(st);
	sqlite3_stmt *s = prep(db,
			       "SELECT id, config, size, created FROM images"
			       " ORDER BY created DESC, id",
			       NULL);
	if (!s)
		return dberr(db, err, SQLITE_ERROR, "list images");
	struct hk_image_row *rows = NULL;
	size_t n = 0;
	int r = 0;
	while (r == 0 && sqlite3_step(s) == SQLITE_ROW) {
		struct hk_image_row *nr = realloc(rows, (n + 1) * sizeof(*rows));
		if (!nr) {
			r = hk_err_sys(err, -ENOMEM, "list images");
			break;
		}
		rows = nr;
		read_row(s, &rows[n++]);
	}
	sqlite3_finalize(s);
	for (size_t i = 0; r == 0 && i < n; i++)
		r = fill(db, &rows[i], err);
	if (r < 0) {
		hk_image_rows_free(rows, n);
		return r;
	}
	*ret = rows;
	*ret_n = n;
	return 0;
}

int hk_imgstore_tag(struct hk_store *st, const char *id, const char *tag, struct hk_err *err)
{
	const char *a[] = { tag, id, NULL };
	return run(DB(st), "INSERT OR REPLACE INTO image_tags (name, image) VALUES (?, ?)", a, err);
}

int hk_imgstore_untag(struct hk_store *st, const char *tag, struct hk_err *err)
{
	sqlite3 *db = DB(st);
	const char *a[] = { tag, NULL };
	int r = run(db, "DELETE FROM image_tags WHERE name = ?", a, err);
	if (r == 0 && sqlite3_changes(db) == 0)
		return hk_err_set(err, -ENOENT, "no such image: %s", tag);
	return r;
}

int hk_imgstore_delete(struct hk_store *st, const char *id, struct hk_err *err)
{
	sqlite3 *db = DB(st);
	const char *a[] = { id, NULL };
	int r = begin(db, err);
	if (r == 0)
		r = run(db, "DELETE FROM image_tags WHERE image = ?", a, err);
	if (r == 0)
		r = run(db, "DELETE FROM image_layers WHERE image = ?", a, err);
	if (r == 0)
		r = run(db, "DELETE FROM image_blobs WHERE image = ?", a, err);
	if (r == 0)
		r = run(db, "DELETE FROM images WHERE id = ?", a, err);
	return end(db, r, err);
}

int hk_imgstore_user(struct hk_store *st, const char *id, char *ret_name, size_t len,
		     struct hk_err *err)
{
	sqlite3 *db = DB(st);
	const char *a[] = { id, NULL };
	sqlite3_stmt *s = prep(db,
			       "SELECT c.name FROM ct_images i JOIN containers c ON c.id = i.ct"
			       " WHERE i.image = ? ORDER BY c.name LIMIT 1",
			       a);
	if (!s)
		return dberr(db, err, SQLITE_ERROR, "image users");
	int r = 0;
	if (sqlite3_step(s) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(s, 0);
		snprintf(ret_name, len, "%s", t ? (const char *)t : "");
		r = 1;
	}
	sqlite3_finalize(s);
	return r;
}

bool hk_imgstore_layer_used(struct hk_store *st, const char *diff_id)
{
	const char *a[] = { diff_id, NULL };
	sqlite3_stmt *s = prep(DB(st), "SELECT 1 FROM image_layers WHERE diff_id = ? LIMIT 1", a);
	bool used = !s || sqlite3_step(s) == SQLITE_ROW; /* on doubt: in use */
	sqlite3_finalize(s);
	return used;
}

int hk_imgstore_dangling(struct hk_store *st, char ***ret, size_t *ret_n, struct hk_err *err)
{
	sqlite3 *db = DB(st);
	sqlite3_stmt *s = prep(db,
			       "SELECT id FROM images WHERE id NOT IN (SELECT image FROM"
			       " image_tags) AND id NOT IN (SELECT i.image FROM ct_images i"
			       " JOIN containers c ON c.id = i.ct)",
			       NULL);
	if (!s)
		return dberr(db, err, SQLITE_ERROR, "dangling images");
	char **v = NULL;
	size_t n = 0;
	int r = 0;
	while (r == 0 && sqlite3_step(s) == SQLITE_ROW)
		r = append(&v, &n, coldup(s, 0));
	sqlite3_finalize(s);
	if (r < 0) {
		strv_free(v, n);
		return hk_err_sys(err, r, "dangling images");
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

int hk_imgstore_ct_set(struct hk_store *st, const char *ct, const char *image, struct hk_err *err)
{
	const char *a[] = { ct, image, NULL };
	return run(DB(st), "INSERT OR REPLACE INTO ct_images (ct, image) VALUES (?, ?)", a, err);
}

int hk_imgstore_ct_get(struct hk_store *st, const char *ct, char ret[HK_DIGEST_MAX])
{
	if (!hk_store_has_db(st))
		return -ENOENT;
	const char *a[] = { ct, NULL };
	sqlite3_stmt *s = prep(DB(st), "SELECT image FROM ct_images WHERE ct = ?", a);
	int r = -ENOENT;
	if (s && sqlite3_step(s) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(s, 0);
		snprintf(ret, HK_DIGEST_MAX, "%s", t ? (const char *)t : "");
		r = 0;
	}
	sqlite3_finalize(s);
	return r;
}

int hk_imgstore_ct_del(struct hk_store *st, const char *ct, struct hk_err *err)
{
	const char *a[] = { ct, NULL };
	return run(DB(st), "DELETE FROM ct_images WHERE ct = ?", a, err);
}
