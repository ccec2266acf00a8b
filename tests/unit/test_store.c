// SPDX-License-Identifier: MIT
/*
 * store: how a container or VM is looked up. A key is an exact name, an exact id or a unique
 * id prefix of 4+ characters, the name first; a name to be taken is compared with names only
 * (an id that begins with it is no clash, as in Docker). Against a database in a temporary
 * directory: no root, no kernel state.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
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
	return tap_done();
}
