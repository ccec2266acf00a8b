// SPDX-License-Identifier: MIT
/* Virtual machines in SQLite (see store_vm.h). */
#include "store_vm.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_net.h" /* hk_store_sqlite */

#include "store_int.h"

#define VM_COLS                                                                                    \
	"id, name, state, owner_pid, owner_start, pid, pid_start, accel, nettype, net, hostif,"    \
	" mac, addr, memory, cpus, console, kernel, initrd, append, disk, created, started,"       \
	" finished, taps"

static void col(sqlite3_stmt *s, int i, char *dst, size_t len)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	snprintf(dst, len, "%s", t ? (const char *)t : "");
}

static void vm_read(sqlite3_stmt *s, struct hk_vm_row *v)
{
	memset(v, 0, sizeof(*v));
	col(s, 0, v->id, sizeof(v->id));
	col(s, 1, v->name, sizeof(v->name));
	col(s, 2, v->state, sizeof(v->state));
	v->owner_pid = sqlite3_column_int(s, 3);
	v->owner_start = (uint64_t)sqlite3_column_int64(s, 4);
	v->pid = sqlite3_column_int(s, 5);
	v->pid_start = (uint64_t)sqlite3_column_int64(s, 6);
	col(s, 7, v->accel, sizeof(v->accel));
	col(s, 8, v->nettype, sizeof(v->nettype));
	col(s, 9, v->net, sizeof(v->net));
	col(s, 10, v->hostif, sizeof(v->hostif));
	col(s, 11, v->mac, sizeof(v->mac));
	col(s, 12, v->addr, sizeof(v->addr));
	v->memory = (uint32_t)sqlite3_column_int64(s, 13);
	v->cpus = (uint32_t)sqlite3_column_int64(s, 14);
	col(s, 15, v->console, sizeof(v->console));
	col(s, 16, v->kernel, sizeof(v->kernel));
	col(s, 17, v->initrd, sizeof(v->initrd));
	col(s, 18, v->append, sizeof(v->append));
	col(s, 19, v->disk, sizeof(v->disk));
	v->created = sqlite3_column_int64(s, 20);
	v->started = sqlite3_column_int64(s, 21);
	v->finished = sqlite3_column_int64(s, 22);
	col(s, 23, v->taps, sizeof(v->taps));
}

/* Bind every column of v in VM_COLS order (?1 .. ?24). */
static void vm_bind(sqlite3_stmt *s, const struct hk_vm_row *v)
{
	const char *text[] = {
		[0] = v->id,	  [1] = v->name,     [2] = v->state,   [7] = v->accel,
		[8] = v->nettype, [9] = v->net,	     [10] = v->hostif, [11] = v->mac,
		[12] = v->addr,	  [15] = v->console, [16] = v->kernel, [17] = v->initrd,
		[18] = v->append, [19] = v->disk
	};
	for (int i = 0; i < (int)(sizeof(text) / sizeof(text[0])); i++)
		if (text[i])
			sqlite3_bind_text(s, i + 1, text[i], -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, v->owner_pid);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)v->owner_start);
	sqlite3_bind_int(s, 6, v->pid);
	sqlite3_bind_int64(s, 7, (sqlite3_int64)v->pid_start);
	sqlite3_bind_int64(s, 14, v->memory);
	sqlite3_bind_int64(s, 15, v->cpus);
	sqlite3_bind_int64(s, 21, v->created);
	sqlite3_bind_int64(s, 22, v->started);
	sqlite3_bind_int64(s, 23, v->finished);
	sqlite3_bind_text(s, 24, v->taps, -1, SQLITE_STATIC);
}

/* One statement (sql, with v bound if not NULL, else ?1 = key) in its own transaction. */
static int write1(struct hk_store *st, const char *sql, const struct hk_vm_row *v, const char *key,
		  const char *what, struct hk_err *err)
{
	sqlite3 *db = DB(st);
	sqlite3_stmt *s;
	int r = begin(db, err);
	if (r < 0)
		return r;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return end(db, dberr(db, err, SQLITE_ERROR, what), err);
	if (v)
		vm_bind(s, v);
	else
		sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return end(db, rc == SQLITE_DONE ? 0 : dberr(db, err, rc, what), err);
}

int hk_vmstore_insert(struct hk_store *st, const struct hk_vm_row *v, struct hk_err *err)
{
	int r = write1(st,
		       "INSERT INTO vms (" VM_COLS ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,"
		       "?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24)",
		       v, NULL, "insert vm", err);
	if (r == -EEXIST)
		return hk_err_usage(err, "vm name '%s' is already in use", v->name);
	return r;
}

int hk_vmstore_update(struct hk_store *st, const struct hk_vm_row *v, struct hk_err *err)
{
	return write1(st,
		      "UPDATE vms SET name=?2, state=?3, owner_pid=?4, owner_start=?5, pid=?6,"
		      " pid_start=?7, accel=?8, nettype=?9, net=?10, hostif=?11, mac=?12,"
		      " addr=?13, memory=?14, cpus=?15, console=?16, kernel=?17, initrd=?18,"
		      " append=?19, disk=?20, created=?21, started=?22, finished=?23, taps=?24 "
		      "WHERE id=?1",
		      v, NULL, "update vm", err);
}

int hk_vmstore_delete(struct hk_store *st, const char *id, struct hk_err *err)
{
	return write1(st, "DELETE FROM vms WHERE id=?1", NULL, id, "delete vm", err);
}

/* Rows matching key (NULL: all), at most max. */
static int vm_select(struct hk_store *st, const char *key, bool name_only, size_t max,
		     struct hk_vm_row **ret, size_t *ret_n, struct hk_err *err)
{
	if (!hk_store_has_db(st)) { /* none: the containers in files, no other table yet */
		*ret = NULL;
		*ret_n = 0;
		return 0;
	}
	sqlite3 *db = DB(st);
	sqlite3_stmt *s;
	const char *sql = !key	      ? "SELECT " VM_COLS " FROM vms ORDER BY name"
			  : name_only ? "SELECT " VM_COLS " FROM vms WHERE name=?1"
				      : "SELECT " VM_COLS " FROM vms WHERE name=?1 OR id=?1 OR"
					" (length(?1) >= 4 AND substr(id, 1, length(?1)) = ?1)"
					" ORDER BY name=?1 DESC, id=?1 DESC";
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return dberr(db, err, SQLITE_ERROR, "select vms");
	if (key)
		sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	struct hk_vm_row *rows = NULL;
	size_t n = 0;
	int rc;
	while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct hk_vm_row *nr = realloc(rows, (n + 1) * sizeof(*rows));
		if (!nr) {
			sqlite3_finalize(s);
			free(rows);
			return hk_err_sys(err, -ENOMEM, "vms");
		}
		rows = nr;
		vm_read(s, &rows[n++]);
	}
	sqlite3_finalize(s);
	if (n < max && rc != SQLITE_DONE) {
		free(rows);
		return dberr(db, err, rc, "select vms");
	}
	*ret = rows;
	*ret_n = n;
	return 0;
}

int hk_vmstore_list(struct hk_store *st, struct hk_vm_row **ret, size_t *ret_n, struct hk_err *err)
{
	return vm_select(st, NULL, false, (size_t)-1, ret, ret_n, err);
}

static int vm_get(struct hk_store *st, const char *key, bool name_only, struct hk_vm_row *ret,
		  struct hk_err *err)
{
	struct hk_vm_row *rows = NULL;
	size_t n = 0;
	int r = vm_select(st, key, name_only, 2, &rows, &n, err);
	if (r < 0)
		return r;
	bool exact = n > 0 && (!strcmp(rows[0].name, key) || !strcmp(rows[0].id, key));
	if (n == 1 || exact)
		*ret = rows[0];
	free(rows);
	if (n == 0) {
		hk_err_set(err, -ENOENT, "no such vm: %s", key);
		hk_err_class_set(err, HK_ERR_NOTFOUND);
		return -ENOENT;
	}
	if (n > 1 && !exact)
		return hk_err_usage(err, "vm id prefix '%s' is ambiguous", key);
	return 0;
}

int hk_vmstore_get(struct hk_store *st, const char *key, struct hk_vm_row *ret, struct hk_err *err)
{
	return vm_get(st, key, false, ret, err);
}

int hk_vmstore_get_name(struct hk_store *st, const char *name, struct hk_vm_row *ret,
			struct hk_err *err)
{
	return vm_get(st, name, true, ret, err);
}
