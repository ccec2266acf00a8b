// SPDX-License-Identifier: MIT
/*
 * The containers table as files, runc-style (store_int.h): the OCI runtime's state under its
 * --root, where every command is a short-lived process and SQLite's open alone (its code
 * paged in, the WAL index rebuilt, the schema parsed) cost a container start ~2 ms.
 *
 *   STATE/containers/<id>.json   one row: a JSON object, written whole to a temporary
 *                                file and renamed over the old one (readers take no lock)
 *   STATE/names/<name>           a symlink to <id>: the name's UNIQUE constraint and index
 *   STATE/containers.lock        flock(2) held by each writer: one change at a time
 *
 * Each file is read only if it may be trusted (trust.h), and through the directory's fd
 * with O_NOFOLLOW. A writer killed half-way leaves at most a name whose row is missing (a
 * stale name: taken over by the next insert, invisible to lookups) or a temporary file.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/testpoint.h"
#include "base/trust.h"
#include "store.h"
#include "store_int.h"

#define ROW_MAX (16u << 20) /* a row's file: the config text is the only large field */

struct hk_ctfiles {
	int dir;   /* STATE/containers */
	int names; /* STATE/names */
	int lock;  /* STATE/containers.lock */
};

static int open_dir(const char *state, const char *name, bool *made, struct hk_err *err)
{
	char path[HK_PATH_MAX + 32];
	snprintf(path, sizeof(path), "%s/%s", state, name);
	*made = mkdir(path, 0700) == 0;
	if (!*made && errno != EEXIST)
		return hk_err_sys(err, -errno, "state directory '%s'", path);
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return hk_err_sys(err, -errno, "state directory '%s'", path);
	struct stat st;
	int r = fstat(fd, &st) < 0 ? hk_err_sys(err, -errno, "state directory '%s'", path)
				   : hk_trust_stat(&st, "state directory", path, true, false, err);
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

void hk_ctfiles_close(struct hk_ctfiles *f)
{
	if (!f)
		return;
	if (f->dir >= 0)
		close(f->dir);
	if (f->names >= 0)
		close(f->names);
	if (f->lock >= 0)
		close(f->lock);
	free(f);
}

int hk_ctfiles_open(const char *state, bool *made, struct hk_ctfiles **ret, struct hk_err *err)
{
	bool made2;
	struct hk_ctfiles *f = calloc(1, sizeof(*f));
	if (!f)
		return hk_err_sys(err, -ENOMEM, "state directory");
	f->names = f->lock = -1;
	int r = f->dir = open_dir(state, "containers", made, err);
	if (r >= 0)
		r = f->names = open_dir(state, "names", &made2, err);
	if (r >= 0) {
		char path[HK_PATH_MAX + 32];
		snprintf(path, sizeof(path), "%s/containers.lock", state);
		r = f->lock = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (r < 0)
			r = hk_err_sys(err, -errno, "state lock '%s'", path);
		else if ((r = hk_trust_fd(f->lock, "state lock", path, err)) >= 0)
			r = 0;
	}
	if (r < 0) {
		hk_ctfiles_close(f);
		return r;
	}
	*ret = f;
	return 0;
}

/* The writers' lock; about 5 s of waiting (SQLite's busy_timeout here), then -EBUSY. */
static int lock(struct hk_ctfiles *f, struct hk_err *err)
{
	for (int t = 0; t < 5000; t++) {
		if (flock(f->lock, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return hk_err_sys(err, -errno, "state lock");
		usleep(1000);
	}
	return hk_err_set(err, -EBUSY, "state lock: held by another command for 5 s");
}

static void unlock(struct hk_ctfiles *f)
{
	flock(f->lock, LOCK_UN);
}

/* An id is 16 lower-case hex characters; a name is one path component. */
static bool id_ok(const char *id)
{
	size_t n = strspn(id, "0123456789abcdef");
	return n == HK_CT_ID_LEN && !id[n];
}

static bool name_ok(const char *name)
{
	return name[0] && name[0] != '.' && !strchr(name, '/') && strlen(name) <= 255;
}

static const char *jstr(struct json_object *o, const char *k)
{
	struct json_object *v;
	return json_object_object_get_ex(o, k, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : "";
}

static int64_t jint(struct json_object *o, const char *k)
{
	struct json_object *v;
	return json_object_object_get_ex(o, k, &v) ? json_object_get_int64(v) : 0;
}

/* Row id's file into ret (seq: its insertion stamp, for the list's order): -ENOENT when
 * there is none, without a message. */
static int row_read(struct hk_ctfiles *f, const char *id, struct hk_ct_row *ret, int64_t *seq,
		    struct hk_err *err)
{
	char file[HK_CT_ID_LEN + 8], name[HK_CT_ID_LEN + 24];
	snprintf(file, sizeof(file), "%s.json", id);
	snprintf(name, sizeof(name), "containers/%s", file); /* in errors */
	_cleanup_close_ int fd = openat(f->dir, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ENOENT
				       : hk_err_sys(err, -errno, "container state '%s'", name);
	int r = hk_trust_fd(fd, "container state", name, err);
	if (r < 0)
		return r;
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_size > ROW_MAX)
		return hk_err_set(err, -EIO, "container state '%s': unreadable or too large", name);
	_cleanup_free_ char *buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return hk_err_sys(err, -ENOMEM, "container state '%s'", name);
	size_t n = 0;
	for (ssize_t k; n < (size_t)st.st_size; n += (size_t)k)
		if ((k = read(fd, buf + n, (size_t)st.st_size - n)) <= 0)
			return hk_err_sys(err, k < 0 ? -errno : -EIO, "container state '%s'", name);
	buf[n] = 0;
	struct json_object *o = json_tokener_parse(buf);
	if (!o || !json_object_is_type(o, json_type_object) || strcmp(jstr(o, "id"), id)) {
		json_object_put(o);
		return hk_err_set(err, -EIO, "container state '%s': not a container's record",
				  name);
	}
	struct hk_ct_row *r2 = ret;
	memset(r2, 0, sizeof(*r2));
	snprintf(r2->id, sizeof(r2->id), "%s", id);
	snprintf(r2->name, sizeof(r2->name), "%s", jstr(o, "name"));
	snprintf(r2->state, sizeof(r2->state), "%s", jstr(o, "state"));
	r2->owner_pid = (pid_t)jint(o, "owner_pid");
	r2->owner_start = (uint64_t)jint(o, "owner_start");
	r2->pid = (pid_t)jint(o, "pid");
	r2->pid_start = (uint64_t)jint(o, "pid_start");
	r2->exit_code = (int)jint(o, "exit_code");
	snprintf(r2->hostname, sizeof(r2->hostname), "%s", jstr(o, "hostname"));
	snprintf(r2->net, sizeof(r2->net), "%s", jstr(o, "net"));
	r2->rootfs = strdup(jstr(o, "rootfs"));
	r2->command = strdup(jstr(o, "command"));
	r2->config = strdup(jstr(o, "config"));
	r2->created = jint(o, "created");
	r2->started = jint(o, "started");
	r2->finished = jint(o, "finished");
	r2->auto_remove = jint(o, "auto_remove") != 0;
	r2->tty = jint(o, "tty") != 0;
	r2->detach = jint(o, "detach") != 0;
	if (seq)
		*seq = jint(o, "seq");
	json_object_put(o);
	if (!r2->rootfs || !r2->command || !r2->config) {
		hk_ct_row_free(r2);
		return hk_err_sys(err, -ENOMEM, "container state '%s'", name);
	}
	return 0;
}

/* Row r as a whole new file, renamed over the old one; seq kept from the old one (0: now). */
static int row_write(struct hk_ctfiles *f, const struct hk_ct_row *r, int64_t seq,
		     struct hk_err *err)
{
	if (!seq) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		seq = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	}
	struct json_object *o = json_object_new_object();
	if (!o)
		return hk_err_sys(err, -ENOMEM, "container state");
	const struct {
		const char *k;
		const char *s;
		int64_t i;
	} f2[] = {
		{ "id", r->id, 0 },
		{ "name", r->name, 0 },
		{ "state", r->state, 0 },
		{ "owner_pid", NULL, r->owner_pid },
		{ "owner_start", NULL, (int64_t)r->owner_start },
		{ "pid", NULL, r->pid },
		{ "pid_start", NULL, (int64_t)r->pid_start },
		{ "exit_code", NULL, r->exit_code },
		{ "hostname", r->hostname, 0 },
		{ "net", r->net, 0 },
		{ "rootfs", r->rootfs ? r->rootfs : "", 0 },
		{ "command", r->command ? r->command : "", 0 },
		{ "config", r->config ? r->config : "{}", 0 },
		{ "created", NULL, r->created },
		{ "started", NULL, r->started },
		{ "finished", NULL, r->finished },
		{ "auto_remove", NULL, r->auto_remove },
		{ "tty", NULL, r->tty },
		{ "detach", NULL, r->detach },
		{ "seq", NULL, seq },
	};
	for (size_t i = 0; i < HK_ARRAY_SIZE(f2); i++)
		json_object_object_add(o, f2[i].k,
				       f2[i].s ? json_object_new_string(f2[i].s)
					       : json_object_new_int64(f2[i].i));
	const char *text = json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	char file[HK_CT_ID_LEN + 8], tmp[HK_CT_ID_LEN + 16];
	snprintf(file, sizeof(file), "%s.json", r->id);
	snprintf(tmp, sizeof(tmp), ".%s.tmp", r->id);
	int ret = 0;
	int fd = openat(f->dir, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		ret = hk_err_sys(err, -errno, "container state '%s'", tmp);
	} else {
		size_t len = text ? strlen(text) : 0, n = 0;
		for (ssize_t k = 0; text && n < len && k >= 0; n += (size_t)k)
			k = write(fd, text + n, len - n);
		if (!text || n < len)
			ret = hk_err_sys(err, text ? -errno : -ENOMEM, "container state '%s'", tmp);
		close(fd);
		if (ret == 0 && renameat(f->dir, tmp, f->dir, file) < 0)
			ret = hk_err_sys(err, -errno, "container state '%s'", file);
		if (ret < 0)
			unlinkat(f->dir, tmp, 0);
	}
	json_object_put(o);
	return ret;
}

/* The id names/<name> points to, if it is an id whose row exists and has that name. */
static int name_lookup(struct hk_ctfiles *f, const char *name, char id[HK_CT_ID_LEN + 1])
{
	if (!name_ok(name))
		return -ENOENT;
	char buf[HK_CT_ID_LEN + 2];
	ssize_t n = readlinkat(f->names, name, buf, sizeof(buf) - 1);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	if (!id_ok(buf))
		return -ENOENT;
	memcpy(id, buf, HK_CT_ID_LEN + 1);
	return 0;
}

/* Drop names/<name> if it points to id. */
static void name_drop(struct hk_ctfiles *f, const char *name, const char *id)
{
	char cur[HK_CT_ID_LEN + 1];
	if (name_lookup(f, name, cur) == 0 && !strcmp(cur, id))
		unlinkat(f->names, name, 0);
}

/* Drop every name that points to id. */
static void names_drop_id(struct hk_ctfiles *f, const char *id)
{
	int fd = openat(f->names, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	for (struct dirent *e; (e = readdir(d));)
		if (e->d_name[0] != '.')
			name_drop(f, e->d_name, id);
	closedir(d);
}

int hk_ctfiles_name_id(struct hk_ctfiles *f, const char *name, char id[HK_CT_ID_LEN + 1])
{
	return name_lookup(f, name, id);
}

/* Take names/<name> for id; a name whose row is gone (or renamed) is stale and taken over. */
static int name_take(struct hk_ctfiles *f, const char *name, const char *id, struct hk_err *err)
{
	if (!name_ok(name))
		return hk_err_usage(err, "container name '%s': not usable as a file name", name);
	for (int t = 0; t < 2; t++) {
		if (symlinkat(id, f->names, name) == 0)
			return 0;
		if (errno != EEXIST)
			return hk_err_sys(err, -errno, "container name '%s'", name);
		char cur[HK_CT_ID_LEN + 1];
		struct hk_ct_row row;
		struct hk_err e2;
		if (name_lookup(f, name, cur) == 0 && row_read(f, cur, &row, NULL, &e2) == 0) {
			bool same = !strcmp(row.name, name);
			hk_ct_row_free(&row);
			if (same)
				return hk_err_set(err, -EEXIST,
						  "container name '%s' is already in use", name);
		}
		unlinkat(f->names, name, 0); /* stale */
	}
	return hk_err_sys(err, -EEXIST, "container name '%s'", name);
}

int hk_ctfiles_insert(struct hk_ctfiles *f, const struct hk_ct_row *r, struct hk_err *err)
{
	if (!id_ok(r->id))
		return hk_err_usage(err, "container id '%s': not 16 hex characters", r->id);
	int ret = lock(f, err);
	if (ret < 0)
		return ret;
	char file[HK_CT_ID_LEN + 8];
	snprintf(file, sizeof(file), "%s.json", r->id);
	if (faccessat(f->dir, file, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		ret = hk_err_set(err, -EEXIST, "container id '%s' is already in use", r->id);
	if (ret == 0)
		ret = name_take(f, r->name, r->id, err);
	if (ret == 0)
		hk_test_point("ctfiles-named"); /* the name taken, its row not yet written */
	if (ret == 0 && (ret = row_write(f, r, 0, err)) < 0)
		name_drop(f, r->name, r->id);
	unlock(f);
	return ret;
}

/* Under the lock: the row, changed by fn, written back. */
static int modify(struct hk_ctfiles *f, const char *id,
		  int (*fn)(struct hk_ctfiles *f, struct hk_ct_row *cur, const void *arg,
			    struct hk_err *err),
		  const void *arg, struct hk_err *err)
{
	if (!id_ok(id))
		return hk_err_set(err, -ENOENT, "no such container: %s", id);
	int ret = lock(f, err);
	if (ret < 0)
		return ret;
	struct hk_ct_row cur;
	int64_t seq = 0;
	ret = row_read(f, id, &cur, &seq, err);
	if (ret == -ENOENT)
		ret = fn(f, NULL, arg, err);
	else if (ret == 0) {
		ret = fn(f, &cur, arg, err);
		if (ret > 0)
			ret = row_write(f, &cur, seq, err);
		hk_ct_row_free(&cur);
	}
	unlock(f);
	return ret < 0 ? ret : 0;
}

struct upd {
	const struct hk_ct_row *r;
	const char *expected;
};

static int upd_fn(struct hk_ctfiles *f, struct hk_ct_row *cur, const void *arg, struct hk_err *err)
{
	(void)f;
	const struct upd *u = arg;
	if (!cur || (u->expected && strcmp(cur->state, u->expected)))
		return u->expected ? hk_err_set(err, -ESTALE,
						"container '%s' changed state meanwhile (not %s)",
						u->r->name, u->expected)
				   : 0; /* as an UPDATE of no row */
	const struct hk_ct_row *r = u->r;
	snprintf(cur->state, sizeof(cur->state), "%s", r->state);
	cur->owner_pid = r->owner_pid;
	cur->owner_start = r->owner_start;
	cur->pid = r->pid;
	cur->pid_start = r->pid_start;
	cur->exit_code = r->exit_code;
	cur->started = r->started;
	cur->finished = r->finished;
	return 1;
}

int hk_ctfiles_update(struct hk_ctfiles *f, const struct hk_ct_row *r, const char *expected,
		      struct hk_err *err)
{
	const struct upd u = { r, expected };
	return modify(f, r->id, upd_fn, &u, err);
}

static int rename_fn(struct hk_ctfiles *f, struct hk_ct_row *cur, const void *arg,
		     struct hk_err *err)
{
	const char *name = arg;
	if (!cur)
		return -ENOENT;
	if (!strcmp(cur->name, name))
		return 0;
	int r = name_take(f, name, cur->id, err);
	if (r < 0)
		return r;
	name_drop(f, cur->name, cur->id);
	snprintf(cur->name, sizeof(cur->name), "%s", name);
	return 1;
}

int hk_ctfiles_rename(struct hk_ctfiles *f, const char *id, const char *name, struct hk_err *err)
{
	int r = modify(f, id, rename_fn, name, err);
	return r == -ENOENT ? hk_err_set(err, -ENOENT, "no such container: %s", id) : r;
}

static int config_fn(struct hk_ctfiles *f, struct hk_ct_row *cur, const void *arg,
		     struct hk_err *err)
{
	(void)f;
	(void)err;
	if (!cur)
		return -ENOENT;
	char *c = strdup(arg);
	if (!c)
		return -ENOMEM;
	free(cur->config);
	cur->config = c;
	return 1;
}

int hk_ctfiles_set_config(struct hk_ctfiles *f, const char *id, const char *config,
			  struct hk_err *err)
{
	int r = modify(f, id, config_fn, config, err);
	if (r == -ENOENT)
		return hk_err_set(err, -ENOENT, "no such container: %s", id);
	return r == -ENOMEM ? hk_err_sys(err, r, "container state") : r;
}

int hk_ctfiles_delete(struct hk_ctfiles *f, const char *id, struct hk_err *err)
{
	if (!id_ok(id))
		return 0;
	int ret = lock(f, err);
	if (ret < 0)
		return ret;
	struct hk_ct_row cur;
	struct hk_err e2;
	char file[HK_CT_ID_LEN + 8];
	snprintf(file, sizeof(file), "%s.json", id);
	bool had = row_read(f, id, &cur, NULL, &e2) == 0;
	if (unlinkat(f->dir, file, 0) < 0 && errno != ENOENT)
		ret = hk_err_sys(err, -errno, "container state '%s'", file);
	else if (had)
		name_drop(f, cur.name, id);
	else
		names_drop_id(f, id); /* a record that could not be read: its name is unknown */
	if (had)
		hk_ct_row_free(&cur);
	unlock(f);
	return ret;
}

/* Every row's id (from its file's name), for list and prefix lookups. */
static int ids(struct hk_ctfiles *f, char (**ret)[HK_CT_ID_LEN + 1], size_t *ret_n,
	       struct hk_err *err)
{
	int fd = openat(f->dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return hk_err_sys(err, -errno, "state directory 'containers'");
	}
	char(*v)[HK_CT_ID_LEN + 1] = NULL;
	size_t n = 0;
	for (struct dirent *e; (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		if (len != HK_CT_ID_LEN + 5 || strcmp(e->d_name + HK_CT_ID_LEN, ".json"))
			continue;
		char id[HK_CT_ID_LEN + 1];
		memcpy(id, e->d_name, HK_CT_ID_LEN);
		id[HK_CT_ID_LEN] = 0;
		if (!id_ok(id))
			continue;
		void *nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv) {
			free(v);
			closedir(d);
			return hk_err_sys(err, -ENOMEM, "state directory");
		}
		v = nv;
		memcpy(v[n++], id, sizeof(id));
	}
	closedir(d);
	*ret = v;
	*ret_n = n;
	return 0;
}

int hk_ctfiles_get(struct hk_ctfiles *f, const char *key, bool prefix, struct hk_ct_row *ret,
		   struct hk_err *err)
{
	char id[HK_CT_ID_LEN + 1];
	if (name_lookup(f, key, id) == 0) {
		int r = row_read(f, id, ret, NULL, err);
		if (r == 0 && !strcmp(ret->name, key))
			return 0;
		if (r == 0)
			hk_ct_row_free(ret);
		else if (r != -ENOENT)
			return r;
	}
	size_t len = strlen(key);
	if (prefix && len >= 4 && len <= HK_CT_ID_LEN && strspn(key, "0123456789abcdef") == len) {
		char(*v)[HK_CT_ID_LEN + 1];
		size_t n, hit = 0, which = 0;
		int r = ids(f, &v, &n, err);
		if (r < 0)
			return r;
		for (size_t i = 0; i < n; i++)
			if (!strncmp(v[i], key, len)) {
				hit++;
				which = i;
			}
		if (hit == 1)
			r = row_read(f, v[which], ret, NULL, err);
		free(v);
		if (hit > 1)
			return hk_err_set(err, -EINVAL, "container id prefix '%s' is ambiguous",
					  key);
		if (hit == 1 && r != -ENOENT)
			return r;
	}
	return hk_err_set(err, -ENOENT, "no such container: %s", key);
}

struct ent {
	struct hk_ct_row row;
	int64_t seq;
};

static int ent_cmp(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;
	if (x->row.created != y->row.created)
		return x->row.created < y->row.created ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int hk_ctfiles_list(struct hk_ctfiles *f, struct hk_ct_row **ret, size_t *ret_n, struct hk_err *err)
{
	char(*v)[HK_CT_ID_LEN + 1];
	size_t n;
	int r = ids(f, &v, &n, err);
	if (r < 0)
		return r;
	struct ent *e = calloc(n ? n : 1, sizeof(*e));
	size_t k = 0;
	for (size_t i = 0; e && i < n && r >= 0; i++) {
		struct hk_err e2;
		r = row_read(f, v[i], &e[k].row, &e[k].seq, &e2);
		if (r == 0)
			k++;
		else if (r == -ENOENT || r == -EIO) /* removed meanwhile; not a row (a lookup by
						       its name or id says why) */
			r = 0;
		else
			*err = e2;
	}
	free(v);
	if (!e || r < 0) {
		for (size_t i = 0; e && i < k; i++)
			hk_ct_row_free(&e[i].row);
		free(e);
		return e ? r : hk_err_sys(err, -ENOMEM, "state directory");
	}
	qsort(e, k, sizeof(*e), ent_cmp);
	struct hk_ct_row *rows = calloc(k ? k : 1, sizeof(*rows));
	for (size_t i = 0; i < k; i++) {
		if (rows)
			rows[i] = e[i].row;
		else
			hk_ct_row_free(&e[i].row);
	}
	free(e);
	if (!rows)
		return hk_err_sys(err, -ENOMEM, "state directory");
	*ret = rows;
	*ret_n = k;
	return 0;
}
