// SPDX-License-Identifier: MIT
/*
 * store: how a container or VM is looked up. A key is an exact name, an exact id or a unique
 * id prefix of 4+ characters, the name first; a name to be taken is compared with names only
 * (an id that begins with it is no clash, as in Docker). Against a database in a temporary
 * directory, and the same against the containers kept as files (the OCI runtime's state: a
 * name taken by a symlink, rows renamed into place, rows an older hako kept imported): no
 * root, no kernel state.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"
#include "store_ctlife.h"
#include "store_vm.h"
#include "tap.h"

static void ct(struct hk_store *st, const char *id, const char *name)
{
	struct hk_ct_row r = { .rootfs = "/", .command = "true", .config = "{}" };
	snprintf(r.id, sizeof(r.id), "%s", id);
	snprintf(r.name, sizeof(r.name), "%s", name);
	snprintf(r.state, sizeof(r.state), "exited");
	struct hk_err e = {};
	TAP_EQ_INT(hk_store_insert(st, &r, &e), 0, name);
}

static void test_containers(struct hk_store *st)
{
	ct(st, "abcd1234abcd1234", "first");
	struct hk_ct_row r;
	struct hk_err e = {};
	TAP_EQ_INT(hk_store_get(st, "abcd", &r, &e), 0, "get: a 4-character id prefix");
	TAP_EQ_STR(r.name, "first", "get: by the prefix, the container of that id");
	hk_ct_row_free(&r);
	TAP_EQ_INT(hk_store_get(st, "abc", &r, &e), -ENOENT, "get: 3 characters are no prefix");
	TAP_EQ_INT(hk_store_get_name(st, "abcd", &r, &e), -ENOENT,
		   "get_name: an id prefix is not a name");
	TAP_EQ_STR(e.msg, "no such container: abcd", "get_name: the reason");

	ct(st, "ffff0000ffff0000", "abcd"); /* the name is free to take */
	TAP_EQ_INT(hk_store_get(st, "abcd", &r, &e), 0, "get: a name that is also an id prefix");
	TAP_EQ_STR(r.id, "ffff0000ffff0000", "get: the name comes first");
	hk_ct_row_free(&r);
	TAP_EQ_INT(hk_store_get_name(st, "abcd", &r, &e), 0, "get_name: that name");
	TAP_EQ_STR(r.id, "ffff0000ffff0000", "get_name: its container");
	hk_ct_row_free(&r);
	TAP_EQ_INT(hk_store_get(st, "abcd1", &r, &e), 0, "get: a longer prefix");
	TAP_EQ_STR(r.name, "first", "get: a longer prefix, the other");
	hk_ct_row_free(&r);

	struct hk_ct_row dup = { .rootfs = "/", .command = "true", .config = "{}" };
	snprintf(dup.id, sizeof(dup.id), "1111222233334444");
	snprintf(dup.name, sizeof(dup.name), "first");
	snprintf(dup.state, sizeof(dup.state), "exited");
	TAP_EQ_INT(hk_store_insert(st, &dup, &e), -EEXIST, "insert: a taken name");
	TAP_EQ_STR(e.msg, "container name 'first' is already in use", "insert: the reason");

	ct(st, "abce0000abce0000", "third");
	TAP_EQ_INT(hk_store_get(st, "abc", &r, &e), -ENOENT, "get: still no 3-character prefix");
	ct(st, "abcd9999abcd9999", "fourth");
	TAP_EQ_INT(hk_store_get(st, "abcd9", &r, &e), 0, "get: a unique prefix among two");
	hk_ct_row_free(&r);
	/* "abcd" is a name: never ambiguous */
	TAP_EQ_INT(hk_store_get(st, "abcd", &r, &e), 0, "get: the name beats two id prefixes");
	hk_ct_row_free(&r);
	TAP_EQ_INT(hk_store_get(st, "abcd1234", &r, &e) == 0 && !strcmp(r.name, "first"), 1,
		   "get: another unique prefix");
	hk_ct_row_free(&r);
}

static void vm(struct hk_store *st, const char *id, const char *name)
{
	struct hk_vm_row v = { .memory = 64, .cpus = 1 };
	snprintf(v.id, sizeof(v.id), "%s", id);
	snprintf(v.name, sizeof(v.name), "%s", name);
	snprintf(v.state, sizeof(v.state), "stopped");
	struct hk_err e = {};
	TAP_EQ_INT(hk_vmstore_insert(st, &v, &e), 0, name);
}

static void test_vms(struct hk_store *st)
{
	vm(st, "beef1234beef1234", "vm1");
	struct hk_vm_row v;
	struct hk_err e = {};
	TAP_EQ_INT(hk_vmstore_get(st, "beef", &v, &e), 0, "vm get: an id prefix");
	TAP_EQ_STR(v.name, "vm1", "vm get: the VM of that id");
	TAP_EQ_INT(hk_vmstore_get_name(st, "beef", &v, &e), -ENOENT,
		   "vm get_name: an id prefix is not a name");
	TAP_EQ_STR(e.msg, "no such vm: beef", "vm get_name: the reason");
	vm(st, "0000beef0000beef", "beef");
	TAP_EQ_INT(hk_vmstore_get_name(st, "beef", &v, &e), 0, "vm get_name: the name");
	TAP_EQ_STR(v.id, "0000beef0000beef", "vm get_name: its VM");
	TAP_EQ_INT(hk_vmstore_get(st, "beef", &v, &e), 0, "vm get: the name first");
	TAP_EQ_STR(v.id, "0000beef0000beef", "vm get: the named VM");
}

static int exists(const char *dir, const char *name)
{
	char p[160];
	struct stat sb;
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return lstat(p, &sb) == 0;
}

/* The containers as files: what the database's constraints gave, by other means. */
static void test_files(const char *dir)
{
	struct hk_paths p = { .ct_files = true };
	snprintf(p.state, sizeof(p.state), "%s", dir);
	struct hk_store *st = NULL;
	struct hk_err e = {};
	TAP_EQ_INT(hk_store_open_paths(&p, &st, &e), 0, "files: open");
	if (!st)
		return;
	test_containers(st);
	TAP_EQ_INT(exists(dir, "hako.db"), 0, "files: no database made");
	TAP_EQ_INT(exists(dir, "names/first"), 1, "files: a name is a symlink");

	struct hk_ct_row r, *rows = NULL;
	size_t n = 0;
	TAP_EQ_INT(hk_store_list(st, &rows, &n, &e), 0, "files: list");
	TAP_EQ_INT((int)n, 4, "files: list: every container");
	TAP_EQ_STR(n == 4 ? rows[0].name : "", "first", "files: list: the order they were made");
	TAP_EQ_STR(n == 4 ? rows[3].name : "", "fourth", "files: list: ... to the last");
	hk_ct_rows_free(rows, n);

	TAP_EQ_INT(hk_store_get_name(st, "first", &r, &e), 0, "files: get_name");
	snprintf(r.state, sizeof(r.state), "running");
	r.pid = 42;
	TAP_EQ_INT(hk_store_update_if(st, &r, "exited", &e), 0, "files: update_if, as expected");
	TAP_EQ_INT(hk_store_update_if(st, &r, "exited", &e), -ESTALE,
		   "files: update_if, changed meanwhile");
	TAP_EQ_STR(e.msg, "container 'first' changed state meanwhile (not exited)",
		   "files: update_if: the reason");
	hk_ct_row_free(&r);
	TAP_EQ_INT(hk_store_get(st, "first", &r, &e) == 0 && r.pid == 42 &&
			   !strcmp(r.config, "{}") && !strcmp(r.command, "true"),
		   1, "files: the update kept, the rest unchanged");
	hk_ct_row_free(&r);

	TAP_EQ_INT(hk_store_rename(st, "abcd1234abcd1234", "fourth", &e), -EEXIST,
		   "files: rename to a taken name");
	TAP_EQ_INT(hk_store_rename(st, "abcd1234abcd1234", "renamed", &e), 0, "files: rename");
	TAP_EQ_INT(hk_store_get_name(st, "first", &r, &e), -ENOENT, "files: the old name is free");
	TAP_EQ_INT(exists(dir, "names/first"), 0, "files: ... and its symlink gone");
	TAP_EQ_INT(hk_store_set_config(st, "abcd1234abcd1234", "{\"a\":1}", &e), 0,
		   "files: set_config");
	TAP_EQ_INT(hk_store_get(st, "renamed", &r, &e) == 0 && !strcmp(r.config, "{\"a\":1}"), 1,
		   "files: found by the new name, with the new config");
	hk_ct_row_free(&r);

	TAP_EQ_INT(hk_store_delete(st, "abcd1234abcd1234", &e), 0, "files: delete");
	TAP_EQ_INT(hk_store_delete(st, "abcd1234abcd1234", &e), 0, "files: delete again: done");
	TAP_EQ_INT(exists(dir, "names/renamed"), 0, "files: delete frees the name");
	/* a writer killed between the name and the row: the name is stale, taken over */
	char l[160];
	snprintf(l, sizeof(l), "%s/names/stale", dir);
	TAP_EQ_INT(symlink("0123456701234567", l), 0, "files: a name without its row");
	TAP_EQ_INT(hk_store_get(st, "stale", &r, &e), -ENOENT, "files: ... is no container");
	ct(st, "7777777777777777", "stale");
	/* a row cut short (a crash before its data reached the disk): reported, and its delete
	 * takes its name too */
	snprintf(l, sizeof(l), "%s/containers/7777777777777777.json", dir);
	TAP_EQ_INT(truncate(l, 0), 0, "files: a row cut short");
	TAP_EQ_INT(hk_store_get(st, "stale", &r, &e), -EIO, "files: ... is reported");
	TAP_EQ_STR(e.msg,
		   "container state 'containers/7777777777777777.json': not a container's record",
		   "files: ... with the reason");
	char hid[HK_CT_ID_LEN + 1] = "";
	TAP_EQ_INT(hk_store_name_id(st, "stale", hid), 0, "files: its name still leads to its id");
	TAP_EQ_STR(hid, "7777777777777777", "files: ... that id");
	TAP_EQ_INT(hk_store_delete(st, hid, &e), 0, "files: delete it");
	TAP_EQ_INT(exists(dir, "containers/7777777777777777.json") + exists(dir, "names/stale"), 0,
		   "files: ... its file and its name gone");
	TAP_EQ_INT(hk_store_name_id(st, "stale", hid), -ENOENT, "files: the name leads nowhere");
	snprintf(l, sizeof(l), "%s/names/../x", dir);
	struct hk_ct_row bad = { .rootfs = "/", .command = "true", .config = "{}" };
	snprintf(bad.id, sizeof(bad.id), "8888888888888888");
	snprintf(bad.name, sizeof(bad.name), "../x");
	TAP_EQ_INT(hk_store_insert(st, &bad, &e), -EINVAL, "files: a name that is a path");
	TAP_EQ_INT(exists(dir, "x"), 0, "files: ... refused, nothing made");
	hk_store_close(st);
}

/* An older hako's database with a container: moved into files by the first open. */
static void test_import(const char *dir)
{
	char db[160];
	snprintf(db, sizeof(db), "%s/hako.db", dir);
	struct hk_store *st = NULL;
	struct hk_err e = {};
	TAP_EQ_INT(hk_store_open(db, &st, &e), 0, "import: an older database");
	if (!st)
		return;
	ct(st, "5555666655556666", "old");
	hk_store_close(st);
	struct hk_paths p = { .ct_files = true };
	snprintf(p.state, sizeof(p.state), "%s", dir);
	TAP_EQ_INT(hk_store_open_paths(&p, &st, &e), 0, "import: open as files");
	struct hk_ct_row r;
	TAP_EQ_INT(hk_store_get_name(st, "old", &r, &e), 0, "import: the container is there");
	hk_ct_row_free(&r);
	hk_store_close(st);
	TAP_EQ_INT(hk_store_open(db, &st, &e), 0, "import: the database again");
	TAP_EQ_INT(hk_store_get_name(st, "old", &r, &e), -ENOENT, "import: its row moved out");
	hk_store_close(st);
}

static void rm_files(const char *dir)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	TAP_EQ_INT(system(cmd), 0, "remove the temporary directory");
}

int main(void)
{
	char dir[] = "/tmp/hako-test-store.XXXXXX", db[64];
	if (!mkdtemp(dir))
		return 1;
	snprintf(db, sizeof(db), "%s/hako.db", dir);
	struct hk_store *st = NULL;
	struct hk_err e = {};
	TAP_EQ_INT(hk_store_open(db, &st, &e), 0, "open a new database");
	if (st) {
		test_containers(st);
		test_vms(st);
		hk_store_close(st);
	}
	const char *f[] = { "", "-wal", "-shm" };
	for (size_t i = 0; i < 3; i++) {
		char p[80];
		snprintf(p, sizeof(p), "%s%s", db, f[i]);
		unlink(p);
	}
	TAP_EQ_INT(rmdir(dir), 0, "nothing left in the temporary directory");
	char fdir[] = "/tmp/hako-test-store.XXXXXX", idir[] = "/tmp/hako-test-store.XXXXXX";
	if (!mkdtemp(fdir) || !mkdtemp(idir))
		return 1;
	test_files(fdir);
	test_import(idir);
	rm_files(fdir);
	rm_files(idir);
	return tap_done();
}
