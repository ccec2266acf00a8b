// SPDX-License-Identifier: MIT
/*
 * The container lifecycle over the store: open, reconcile, release, remove. Every step is
 * idempotent so that a command killed half-way leaves state the next command repairs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fstree.h"
#include "base/testpoint.h"
#include "cglimits.h"
#include "ctlog.h"
#include "image.h"
#include "netns.h"
#include "network.h"
#include "container.h"
#include "ctevents.h"
#include "store.h"
#include "store_ctlife.h"
#include "trust.h"

int hk_ct_open(const struct hk_paths *p, struct hk_store **ret, struct hk_err *err)
{
	struct hk_store *st;
	int r = hk_store_open_paths(p, &st, err);
	if (r < 0)
		return r;
	r = hk_ct_reconcile(st, p, err);
	if (r < 0) {
		hk_store_close(st);
		return r;
	}
	*ret = st;
	return 0;
}

int hk_ct_release(const struct hk_ct_row *r, const struct hk_paths *p, struct hk_err *err)
{
	char buf[HK_PATH_MAX];
	struct hk_err e2 = {};
	int ret = 0;
	hk_ct_nsdir(p, r->id, buf, sizeof(buf));
	/* RUN/ns: unmounted with the last container's namespaces; when this is the last, at
	 * once with them (one umount less) */
	char *slash = strrchr(buf, '/');
	*slash = 0;
	bool gone = hk_nsbase_release_but(buf, slash + 1);
	*slash = '/';
	if (hk_ns_unpersist(buf, &e2) < 0 && !ret)
		ret = -1;
	*slash = 0;
	if (!gone)
		hk_nsbase_release(buf);
	if (hk_ct_named_net(r->net)) {
		/* only our own name: a /run/netns/NAME someone else made for another ns stays */
		char nsfile[HK_PATH_MAX];
		snprintf(nsfile, sizeof(nsfile), "%s/%s", HK_NETNS_DIR, r->name);
		struct stat st;
		if (stat(nsfile, &st) == 0 && hk_netns_del(r->name, &e2) < 0 &&
		    e2.code != -ENOENT && !ret)
			ret = -1;
	}
	hk_ct_row_cgroup(r, buf, sizeof(buf));
	if (hk_cgroup_remove(buf, &e2) < 0 && !ret)
		ret = -1;
	/* a container in its creator's mount namespace (container.h: ns_share): its rootfs
	 * tree, with everything mounted under it, at once; its processes are gone (above) */
	hk_ct_rundir(p, r->id, buf, sizeof(buf));
	size_t k = strlen(buf);
	snprintf(buf + k, sizeof(buf) - k, "/%s", HK_CT_SHARED_ROOT);
	while (umount2(buf, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
		;
	if (errno != EINVAL && errno != ENOENT && !ret)
		ret = hk_err_sys(&e2, -errno, "umount '%s'", buf);
	if (ret < 0) {
		*err = e2;
		return hk_err_prefix(err, "container '%s': release", r->name);
	}
	return 0;
}

static void rm_rundir(const struct hk_paths *p, const char *id)
{
	char dir[HK_PATH_MAX], f[HK_PATH_MAX + 32];
	hk_ct_rundir(p, id, dir, sizeof(dir));
	static const char *const files[] = { "hostname",  "hosts",    "resolv.conf", "log",
					     "exec.fifo", "oci.json", "dns.upstream" };
	for (size_t i = 0; i < HK_ARRAY_SIZE(files); i++) {
		snprintf(f, sizeof(f), "%s/%s", dir, files[i]);
		unlink(f);
	}
	for (unsigned k = 1; k <= HK_CTLOG_MAX_FILE_MAX; k++) { /* log.1, log.2, ... (ctlog.h) */
		snprintf(f, sizeof(f), "%s/log.%u", dir, k);
		if (unlink(f) < 0 && errno == ENOENT)
			break;
	}
	snprintf(f, sizeof(f), "%s/%s", dir, HK_CT_SHARED_ROOT);
	rmdir(f);
	/* sd_notify's directory: read-only in the container, but one with CAP_SYS_ADMIN can
	 * remount it: whatever it made there too */
	snprintf(f, sizeof(f), "%s/%s", dir, HK_CT_NOTIFY_DIR);
	hk_rm_rf_at(AT_FDCWD, f);
	rmdir(dir);
}

int hk_ct_remove(struct hk_store *st, const struct hk_ct_row *r, const struct hk_paths *p,
		 struct hk_err *err)
{
	struct hk_err e2;
	hk_network_ct_release(st, p, r->id, &e2); /* leases, ports, veths, peers' hosts */
	int ret = hk_ct_release(r, p, err);
	if (ret < 0)
		return ret;
	rm_rundir(p, r->id);
	ret = hk_ctroot_remove(st, p->state, r->id, err); /* a root made of an image (image.h) */
	if (ret < 0)
		return ret;
	ret = hk_store_delete(st, r->id, err);
	struct hk_err e3;
	if (ret == 0) {
		hk_ctlife_delete(st, r->id, &e3); /* its lifecycle record (store_ctlife.h) */
		hk_ct_event(NULL, p, "destroy", r, NULL); /* its image is forgotten already */
	}
	return ret;
}

int hk_ct_purge(struct hk_store *st, const struct hk_paths *p, const char *id, const char *name,
		const char *cgroup, struct hk_err *err)
{
	struct hk_ct_row r = { .config = NULL };
	snprintf(r.id, sizeof(r.id), "%s", id);
	snprintf(r.name, sizeof(r.name), "%s", name);
	strcpy(r.state, HK_CT_EXITED);
	struct json_object *conf = NULL;
	/* what hk_ct_row_cgroup reads; never a hierarchy's root or outside it */
	if (cgroup && cgroup[strspn(cgroup, "/")] && !strstr(cgroup, "..")) {
		conf = json_object_new_object();
		json_object_object_add(conf, "cgroup", json_object_new_string(cgroup));
		r.config = (char *)json_object_to_json_string_ext(conf, JSON_C_TO_STRING_PLAIN);
	}
	/* its processes: what its cgroup holds (thawed, or a frozen one never dies) */
	char cg[HK_PATH_MAX];
	hk_ct_row_cgroup(&r, cg, sizeof(cg));
	for (int t = 0; t < 1000; t++) {
		pid_t *pids = NULL;
		size_t n = 0;
		struct hk_err e2;
		if (hk_cgroup_pids(cg, &pids, &n, &e2) < 0 || n == 0) {
			free(pids);
			break;
		}
		for (size_t i = 0; i < n; i++)
			if (pids[i] > 0)
				kill(pids[i], SIGKILL);
		free(pids);
		hk_cgroup_thaw_all(cg);
		usleep(5000);
	}
	int ret = hk_ct_remove(st, &r, p, err);
	json_object_put(conf);
	return ret;
}

int hk_ct_finish(struct hk_store *st, struct hk_ct_row *r, const struct hk_paths *p, int exit_code,
		 struct hk_err *err)
{
	struct hk_ct_row cur;
	struct hk_err e2;
	if (hk_store_get(st, r->id, &cur, &e2) == 0) {
		bool removing = !strcmp(cur.state, HK_CT_REMOVING);
		hk_ct_row_free(&cur);
		if (removing) /* an rm is (or was) under way: finish it */
			return hk_ct_remove(st, r, p, err);
	}
	strcpy(r->state, HK_CT_EXITED);
	r->exit_code = exit_code;
	r->finished = time(NULL);
	r->owner_pid = 0;
	r->owner_start = 0;
	struct hk_err enet;
	hk_network_ct_release(st, p, r->id, &enet);
	int ret = hk_ct_release(r, p, err);
	int r2 = hk_store_update(st, r, ret < 0 ? NULL : err);
	return ret < 0 ? ret : r2;
}

/*
 * Row c, as listed, is still the row: its owner and init were found dead after the list was
 * read, and a dead process writes no more, so an unchanged row is its last word. One that
 * changed meanwhile (a create that finished and exited between the list and the check,
 * another command's repair) is left to the next command to judge.
 */
static bool unchanged(struct hk_store *st, const struct hk_ct_row *c)
{
	struct hk_ct_row now;
	struct hk_err e;
	if (hk_store_get(st, c->id, &now, &e) < 0)
		return false;
	bool same = !strcmp(now.id, c->id) && !strcmp(now.state, c->state) &&
		    now.owner_pid == c->owner_pid && now.owner_start == c->owner_start &&
		    now.pid == c->pid && now.pid_start == c->pid_start;
	hk_ct_row_free(&now);
	return same;
}

int hk_ct_reconcile(struct hk_store *st, const struct hk_paths *p, struct hk_err *err)
{
	struct hk_ct_row *rows;
	size_t n;
	/* half-made or half-undone attachments and networks: best effort here, so that one
	 * repair that keeps failing cannot stop every command; network commands report it */
	struct hk_err enet = {};
	hk_network_reconcile(st, p, &enet);
	int r = hk_store_list(st, &rows, &n, err);
	if (r < 0)
		return r;
	hk_test_delay("reconcile-listed");
	for (size_t i = 0; i < n && r == 0; i++) {
		struct hk_ct_row *c = &rows[i];
		bool owner = hk_proc_alive(c->owner_pid, c->owner_start);
		bool init = hk_proc_alive(c->pid, c->pid_start);
		if (!strcmp(c->state, HK_CT_CREATING) && !owner && unchanged(st, c)) {
			/* the hako that made it died half-way: undo everything */
			if (init)
				kill(c->pid, SIGKILL);
			r = hk_ct_remove(st, c, p, err);
		} else if (!strcmp(c->state, HK_CT_REMOVING)) {
			/* an rm was killed half-way: kill the init, wait for it, remove */
			if (init)
				kill(c->pid, SIGKILL);
			for (int t = 0; t < 500 && hk_proc_alive(c->pid, c->pid_start); t++)
				usleep(10000);
			r = hk_ct_remove(st, c, p, err);
		} else if (!strcmp(c->state, HK_CT_CREATED) && c->pid == 0) {
			continue; /* hako create: no process until hako start */
		} else if (!strcmp(c->state, HK_CT_RESTARTING) && !owner && unchanged(st, c)) {
			r = hk_ct_finish(st, c, p, c->exit_code, err); /* its monitor died */
		} else if ((!strcmp(c->state, HK_CT_RUNNING) || !strcmp(c->state, HK_CT_CREATED)) &&
			   !init && !owner && unchanged(st, c)) {
			if (c->auto_remove)
				r = hk_ct_remove(st, c, p, err);
			else
				r = hk_ct_finish(st, c, p, -1, err);
		}
	}
	hk_ct_rows_free(rows, n);
	return r;
}

bool hk_ct_paused(const struct hk_ct_row *r)
{
	/* only a running container can be: the config's JSON is parsed for those alone
	 * (hako ps asks for every row) */
	if (strcmp(r->state, HK_CT_RUNNING))
		return false;
	char cg[HK_PATH_MAX];
	hk_ct_row_cgroup(r, cg, sizeof(cg));
	return hk_cgroup_frozen(cg);
}

int hk_ct_pause(const struct hk_ct_row *r, bool pause, struct hk_err *err)
{
	bool paused = hk_ct_paused(r);
	/* a thaw does not need the init alive: one frozen while it was dying (a pause right
	 * after its main process exited) finishes dying only once thawed */
	if (strcmp(r->state, HK_CT_RUNNING) ||
	    (!hk_proc_alive(r->pid, r->pid_start) && !(!pause && paused)))
		return hk_err_usage(err, "container '%s' is not running", r->name);
	if (pause && paused)
		return hk_err_usage(err, "container '%s' is already paused", r->name);
	if (!pause && !paused)
		return hk_err_usage(err, "container '%s' is not paused", r->name);
	char cg[HK_PATH_MAX];
	hk_ct_row_cgroup(r, cg, sizeof(cg));
	return hk_cgroup_freeze(cg, pause, err);
}

void hk_ct_row_cgroup(const struct hk_ct_row *r, char *buf, size_t len)
{
	struct json_object *c = r->config ? json_tokener_parse(r->config) : NULL, *v;
	if (c && json_object_object_get_ex(c, "cgroup", &v) &&
	    json_object_get_type(v) == json_type_string && json_object_get_string(v)[0])
		snprintf(buf, len, "%s", json_object_get_string(v));
	else
		hk_ct_cgroup(r->id, buf, len);
	if (c)
		json_object_put(c);
}

int hk_ct_pids(const struct hk_ct_row *r, pid_t **ret, size_t *ret_n, struct hk_err *err)
{
	char cg[HK_PATH_MAX];
	hk_ct_row_cgroup(r, cg, sizeof(cg));
	return hk_cgroup_pids(cg, ret, ret_n, err);
}

int hk_ct_stats(const struct hk_ct_row *r, struct hk_cgstats *ret, struct hk_err *err)
{
	char cg[HK_PATH_MAX];
	hk_ct_row_cgroup(r, cg, sizeof(cg));
	return hk_cglimits_stats(cg, ret, err);
}

int hk_ct_update(const struct hk_ct_row *r, const struct hk_cglimits *l, struct hk_err *err)
{
	if ((strcmp(r->state, HK_CT_RUNNING) && strcmp(r->state, HK_CT_CREATED)) ||
	    !hk_proc_alive(r->pid, r->pid_start))
		return hk_err_usage(err, "container '%s' is not running", r->name);
	char cg[HK_PATH_MAX];
	hk_ct_row_cgroup(r, cg, sizeof(cg));
	int rc = hk_cglimits_update(cg, l, err);
	return rc < 0 ? hk_err_prefix(err, "container '%s'", r->name) : 0;
}
