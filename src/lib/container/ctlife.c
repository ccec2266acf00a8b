// SPDX-License-Identifier: MIT
/* Restart policies, Docker's STATUS text, waiting, following, renaming (ctlife.h). */
#include "ctlife.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "container.h"
#include "ctevents.h"
#include "ctlog.h"
#include "ctspec.h"
#include "netns.h"
#include "network.h"
#include "store_net.h"

int hk_restart_parse(const char *s, struct hk_restart_policy *ret, struct hk_err *err)
{
	*ret = (struct hk_restart_policy){ 0 };
	if (!strcmp(s, "no"))
		return 0;
	if (!strcmp(s, "always")) {
		ret->mode = HK_RESTART_ALWAYS;
		return 0;
	}
	if (!strcmp(s, "unless-stopped")) {
		ret->mode = HK_RESTART_UNLESS_STOPPED;
		return 0;
	}
	if (!strncmp(s, "on-failure", 10) && (!s[10] || s[10] == ':')) {
		ret->mode = HK_RESTART_ON_FAILURE;
		if (!s[10])
			return 0;
		const char *v = s + 11;
		char *end;
		errno = 0;
		unsigned long n = strtoul(v, &end, 10);
		if (*v >= '0' && *v <= '9' && !*end && !errno && n <= 1000000) {
			ret->max = (unsigned)n;
			return 0;
		}
		return hk_err_usage(err, "--restart '%s': on-failure:N needs a number of retries",
				    s);
	}
	if (!strncmp(s, "always:", 7) || !strncmp(s, "unless-stopped:", 15) ||
	    !strncmp(s, "no:", 3))
		return hk_err_usage(err,
				    "--restart '%s': maximum retry count cannot be used with "
				    "restart policy '%.*s'",
				    s, (int)(strchr(s, ':') - s), s);
	return hk_err_usage(err,
			    "--restart '%s': expected no, on-failure[:N], always or "
			    "unless-stopped",
			    s);
}

bool hk_restart_should(const struct hk_restart_policy *p, int code, int restarts, bool stopped)
{
	if (stopped)
		return false;
	switch (p->mode) {
	case HK_RESTART_ALWAYS:
	case HK_RESTART_UNLESS_STOPPED:
		return true;
	case HK_RESTART_ON_FAILURE:
		return code != 0 && (p->max == 0 || (unsigned)restarts < p->max);
	default:
		return false;
	}
}

bool hk_restart_at_boot(const struct hk_restart_policy *p, bool stopped)
{
	return p->mode == HK_RESTART_ALWAYS || (p->mode == HK_RESTART_UNLESS_STOPPED && !stopped);
}

unsigned hk_restart_delay_ms(int restarts, int64_t ran_ms)
{
	if (ran_ms >= 10000 || restarts < 0)
		return 100;
	unsigned d = 100;
	for (int i = 0; i < restarts && d < 60000; i++)
		d *= 2;
	return d < 60000 ? d : 60000;
}

bool hk_ct_active(const struct hk_ct_row *r)
{
	return !strcmp(r->state, HK_CT_RUNNING) || !strcmp(r->state, HK_CT_CREATING) ||
	       !strcmp(r->state, HK_CT_CREATED) || !strcmp(r->state, HK_CT_RESTARTING);
}

/* One look at id: *done when it has stopped (its exit code in *code), *pid its init. */
/* *seen: the init of the run being waited for (0: none seen yet); another one means a
 * restart policy started it again between two looks: that run is over, its code kept by
 * the monitor (last_exit). */
static int look(struct hk_store *st, const struct hk_paths *p, const char *id, int *code,
		bool *done, pid_t *pid, uint64_t *pid_start, pid_t *seen, struct hk_err *err)
{
	struct hk_ct_row r;
	int ret = hk_store_get(st, id, &r, err);
	if (ret == -ENOENT) { /* removed (--rm): its noted code, else the last one seen */
		hk_err_clear(err);
		*done = true;
		hk_ct_exit_noted(p, id, code);
		return 0;
	}
	if (ret < 0)
		return ret;
	bool running = !strcmp(r.state, HK_CT_RUNNING) || !strcmp(r.state, HK_CT_CREATING) ||
		       !strcmp(r.state, HK_CT_CREATED);
	*done = !running;
	*code = r.exit_code;
	*pid = r.pid;
	*pid_start = r.pid_start;
	if (running && r.pid && *seen && r.pid != *seen) {
		struct hk_ctlife_row life;
		struct hk_err e;
		*done = true;
		*code = -1;
		if (hk_ctlife_get(st, id, &life, &e) == 0) {
			*code = life.last_exit;
			hk_ctlife_row_free(&life);
		}
	} else if (running && r.pid && !strcmp(r.state, HK_CT_RUNNING)) {
		*seen = r.pid;
	}
	bool orphan = running && r.pid && !hk_proc_alive(r.pid, r.pid_start) &&
		      !hk_proc_alive(r.owner_pid, r.owner_start);
	hk_ct_row_free(&r);
	if (orphan) /* init and monitor gone: recorded exited now */
		ret = hk_ct_reconcile(st, p, err);
	return ret;
}

/* Sleep until pid exits or ms pass (a pidfd when there is one). */
static void nap(pid_t pid, uint64_t start, int ms)
{
	if (pid > 0 && hk_proc_alive(pid, start)) {
		int fd = (int)syscall(SYS_pidfd_open, pid, 0);
		if (fd >= 0) {
			struct pollfd pf = { fd, POLLIN, 0 };
			poll(&pf, 1, ms);
			close(fd);
			return;
		}
	}
	usleep((useconds_t)ms * 1000);
}

int hk_ct_wait_stopped(struct hk_store *st, const struct hk_paths *p, const char *id, int *ret_code,
		       struct hk_err *err)
{
	*ret_code = -1;
	pid_t seen = 0;
	hk_ct_exit_want(p, id); /* a --rm one's code, after its row is gone */
	for (;;) {
		bool done;
		pid_t pid = 0;
		uint64_t start = 0;
		int r = look(st, p, id, ret_code, &done, &pid, &start, &seen, err);
		if (r < 0 || done) {
			hk_ct_exit_unwant(p, id);
			return r;
		}
		/* the monitor records the exit just after the init is gone */
		nap(pid, start, hk_proc_alive(pid, start) ? 1000 : 20);
	}
}

static void log_path(const struct hk_paths *p, const char *id, char *buf, size_t len)
{
	char dir[HK_PATH_MAX];
	hk_ct_rundir(p, id, dir, sizeof(dir));
	snprintf(buf, len, "%s/log", dir);
}

int hk_ct_log_end(const struct hk_paths *p, const char *id, struct hk_ctlog_reader **ret,
		  struct hk_err *err)
{
	char path[HK_PATH_MAX + 8], buf[65536];
	log_path(p, id, path, sizeof(path));
	*ret = NULL;
	if (access(path, F_OK) < 0)
		return 0;
	int r = hk_ctlog_reader_open(path, ret, err);
	ssize_t n = 1;
	while (r == 0 && n > 0)
		n = hk_ctlog_reader_read(*ret, buf, sizeof(buf), err);
	if (r == 0 && n < 0)
		r = (int)n;
	if (r < 0) {
		hk_ctlog_reader_close(*ret);
		*ret = NULL;
	}
	return r;
}

/* One line of the log to the follower's fd; a write that fails stops the following. */
static int follow_line(void *ud, const struct hk_ctlog_line *l)
{
	int fd = *(int *)ud;
	struct iovec v[2] = { { (void *)l->data, l->len }, { "\n", 1 } };
	size_t want = l->len + 1;
	while (want) {
		ssize_t w = writev(fd, v, 2);
		if (w <= 0)
			return -EPIPE;
		want -= (size_t)w;
		for (int i = 0; i < 2 && w > 0; i++) {
			size_t k = (size_t)w < v[i].iov_len ? (size_t)w : v[i].iov_len;
			v[i].iov_base = (char *)v[i].iov_base + k;
			v[i].iov_len -= k;
			w -= (ssize_t)k;
		}
	}
	return 0;
}

int hk_ct_follow(struct hk_store *st, const struct hk_paths *p, const char *id,
		 struct hk_ctlog_reader *rd, int out_fd, int *ret_code, struct hk_err *err)
{
	char path[HK_PATH_MAX + 8];
	log_path(p, id, path, sizeof(path));
	char buf[65536];
	*ret_code = -1;
	int r = 0;
	bool done = false;
	pid_t seen = 0;
	hk_ct_exit_want(p, id); /* a --rm one's code, after its row is gone */
	struct hk_ctlog_lines_opts lo = { .tail = SIZE_MAX };
	struct hk_ctlog_lines *lines = NULL;
	if (hk_ctlog_lines_new(&lo, follow_line, &out_fd, &lines) < 0) {
		hk_ct_exit_unwant(p, id);
		return hk_err_sys(err, -ENOMEM, "follow the log");
	}
	for (int last = 0; r == 0 && last < 2;) {
		if (!rd && access(path, F_OK) == 0 && hk_ctlog_reader_open(path, &rd, err) < 0) {
			hk_err_clear(err);
			rd = NULL;
		}
		ssize_t n = rd ? hk_ctlog_reader_read(rd, buf, sizeof(buf), err) : 0;
		if (n < 0) {
			r = (int)n;
			break;
		}
		if (n > 0) {
			/* the log's records (stream, time, part) back into the command's lines */
			if (hk_ctlog_lines_feed(lines, buf, (size_t)n) < 0)
				last = 2; /* the reader went away: stop following */
			continue;
		}
		if (done) {
			last++; /* what the monitor drained after the exit: read once more */
			continue;
		}
		pid_t pid = 0;
		uint64_t start = 0;
		r = look(st, p, id, ret_code, &done, &pid, &start, &seen, err);
		if (r == 0 && !done)
			usleep(50000);
	}
	if (r == 0)
		hk_ctlog_lines_finish(lines);
	hk_ctlog_lines_free(lines);
	hk_ctlog_reader_close(rd);
	hk_ct_exit_unwant(p, id);
	return r;
}

static void hosts_update(struct hk_store *st, const struct hk_paths *p, const char *id)
{
	struct hk_lease_row *l = NULL;
	size_t n = 0;
	struct hk_err e;
	if (hk_netstore_leases(st, NULL, id, &l, &n, &e) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		hk_network_hosts_update(st, p, l[i].net, &e);
	free(l);
}

int hk_ct_rename(struct hk_store *st, const struct hk_paths *p, const struct hk_ct_row *r,
		 const char *name, struct hk_err *err)
{
	if (!hk_ct_name_valid(name))
		return hk_err_usage(err, "rename: invalid container name '%s' (%s)", name,
				    "letters, digits, _ . -; at most 63");
	if (!strcmp(r->name, name))
		return hk_err_usage(err, "rename: '%s' is already its name", name);
	struct hk_ct_row other;
	if (hk_store_get_name(st, name, &other, err) == 0) {
		hk_ct_row_free(&other);
		return hk_err_set(err, -EEXIST, "container name '%s' is already in use", name);
	}
	hk_err_clear(err);
	bool ns = hk_ct_named_net(r->net) && r->pid && hk_proc_alive(r->pid, r->pid_start);
	char nsfile[HK_PATH_MAX];
	snprintf(nsfile, sizeof(nsfile), "%s/%s", HK_NETNS_DIR, name);
	if (ns && access(nsfile, F_OK) == 0)
		return hk_err_set(err, -EEXIST, "network namespace '%s' already exists", name);
	int ret = hk_store_rename(st, r->id, name, err);
	if (ret < 0)
		return ret;
	if (ns) {
		ret = hk_netns_attach(name, r->pid, err);
		if (ret < 0) {
			struct hk_err e2;
			hk_store_rename(st, r->id, r->name, &e2);
			return hk_err_prefix(err, "rename '%s'", r->name);
		}
		struct hk_err e2;
		char nsdir[HK_PATH_MAX];
		hk_ct_nsdir(p, r->id, nsdir, sizeof(nsdir));
		hk_ns_lazy_rename(nsdir, name, &e2); /* a foreground run --rm's RUN/ns/<id>/net */
		hk_netns_del(r->name, &e2);
	}
	hosts_update(st, p, r->id);
	struct hk_ct_row now = *r;
	snprintf(now.name, sizeof(now.name), "%s", name);
	const char *const old[] = { "oldName", r->name, NULL };
	hk_ct_event(st, p, "rename", &now, old);
	return 0;
}

int hk_ct_update_restart(struct hk_store *st, const struct hk_ct_row *r, const char *policy,
			 struct hk_err *err)
{
	struct hk_restart_policy pol;
	int rc = hk_restart_parse(policy, &pol, err);
	if (rc < 0)
		return rc;
	if (!strcmp(r->state, HK_CT_CREATING) || !strcmp(r->state, HK_CT_REMOVING))
		return hk_err_usage(err, "container '%s' is %s", r->name, r->state);
	if (r->auto_remove && pol.mode != HK_RESTART_NO)
		return hk_err_usage(err,
				    "container '%s': --restart %s with --rm (auto-remove): "
				    "conflicting options",
				    r->name, policy);
	struct hk_ctlife_row life;
	if (hk_ctlife_get(st, r->id, &life, err) < 0)
		return hk_err_usage(err,
				    "container '%s' was not made by hako run or create: it has no "
				    "restart policy",
				    r->name);
	hk_ctlife_row_free(&life);
	rc = hk_ctlife_set_restart(st, r->id, policy, err);
	return rc < 0 ? hk_err_prefix(err, "container '%s'", r->name) : 0;
}

void hk_ct_mark_stopped(struct hk_store *st, const char *id, bool stopped)
{
	struct hk_err e;
	hk_ctlife_set_stopped(st, id, stopped, &e);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The row and the lifecycle record of id, the store opened; busy: tried again for 5 s. */
static int open_both(const struct hk_paths *p, const char *id, struct hk_store **st,
		     struct hk_ct_row *row, struct hk_ctlife_row *life, struct hk_err *err)
{
	int r = -EBUSY;
	*st = NULL;
	for (int t = 0; r == -EBUSY && t < 25; t++) {
		if (t)
			usleep(200000);
		hk_store_close(*st);
		*st = NULL;
		r = hk_ct_open(p, st, err);
		if (r == 0)
			r = hk_store_get(*st, id, row, err);
		if (r == 0 && (r = hk_ctlife_get(*st, id, life, err)) < 0)
			hk_ct_row_free(row);
	}
	return r;
}

int hk_ct_restart_due(const struct hk_paths *p, const char *id, int code, int64_t ran_ms,
		      struct hk_ct_row *ret, struct hk_err *err)
{
	struct hk_store *st;
	struct hk_ctlife_row life;
	struct hk_restart_policy pol;
	struct hk_err e;
	int r = open_both(p, id, &st, ret, &life, err);
	if (r < 0) {
		hk_store_close(st);
		return r == -ENOENT ? 0 : r; /* removed, or no record: nothing to do */
	}
	bool due = !strcmp(ret->state, HK_CT_EXITED) &&
		   hk_restart_parse(life.restart, &pol, &e) == 0 &&
		   hk_restart_should(&pol, code, life.restarts, life.stopped);
	unsigned delay = hk_restart_delay_ms(life.restarts, ran_ms);
	int restarts = life.restarts;
	hk_ctlife_row_free(&life);
	if (due) {
		strcpy(ret->state, HK_CT_RESTARTING);
		ret->owner_pid = getpid();
		ret->owner_start = hk_proc_start_time(ret->owner_pid);
		r = hk_store_update_if(st, ret, HK_CT_EXITED, &e);
		for (int t = 0; r == -EBUSY && t < 25; t++) {
			usleep(200000);
			r = hk_store_update_if(st, ret, HK_CT_EXITED, &e);
		}
		due = r == 0;
		if (due) { /* best effort: the count, and the code for hk_ct_wait_stopped */
			hk_ctlife_set_restarts(st, id, restarts + 1, &e);
			hk_ctlife_set_last_exit(st, id, code, &e);
		}
	}
	for (int64_t end = now_ms() + delay; due && now_ms() < end;) {
		usleep(50000);
		struct hk_ct_row cur;
		bool stopped = false;
		r = hk_store_get(st, id, &cur, &e);
		if (r == -ENOENT) {
			due = false; /* removed */
		} else if (r == 0) { /* a user's start took it over, or rm is removing it */
			due = !strcmp(cur.state, HK_CT_RESTARTING) && cur.owner_pid == getpid();
			hk_ct_row_free(&cur);
			if (hk_ctlife_get(st, id, &life, &e) == 0) {
				stopped = life.stopped;
				hk_ctlife_row_free(&life);
			}
		}
		if (due && stopped) { /* hako stop meanwhile: it stays exited */
			struct hk_ct_row back = *ret;
			strcpy(back.state, HK_CT_EXITED);
			back.owner_pid = 0;
			back.owner_start = 0;
			hk_store_update_if(st, &back, HK_CT_RESTARTING, &e);
			due = false;
		}
	}
	if (!due)
		hk_ct_row_free(ret);
	hk_store_close(st);
	return due ? 1 : 0;
}

void hk_ct_keep_addr(struct hk_store *st, const char *net, const char *id)
{
	struct hk_lease_row *l = NULL;
	size_t n = 0;
	struct hk_err e;
	if (hk_netstore_leases(st, net, id, &l, &n, &e) < 0)
		return;
	if (n == 1 && l[0].addr[0])
		hk_ctlife_set_addr(st, id, l[0].addr, &e);
	free(l);
}

bool hk_ct_addr_taken(struct hk_store *st, const char *net, const char *addr, const char *id)
{
	struct hk_lease_row *l = NULL;
	size_t n = 0;
	struct hk_err e;
	bool taken = false;
	if (hk_netstore_leases(st, net, NULL, &l, &n, &e) < 0)
		return false;
	for (size_t i = 0; i < n && !taken; i++)
		taken = !strcmp(l[i].addr, addr) && strcmp(l[i].ct, id);
	free(l);
	return taken;
}

#define EXIT_NOTE_KEEP 3600 /* seconds: a note left by a waiter that was killed */

static int exited_dir(const struct hk_paths *p, bool make)
{
	char dir[HK_PATH_MAX + 16];
	snprintf(dir, sizeof(dir), "%s/exited", p->run);
	if (make && mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	int d = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return d < 0 ? -errno : d;
}

void hk_ct_exit_want(const struct hk_paths *p, const char *id)
{
	_cleanup_close_ int d = exited_dir(p, true);
	if (d < 0)
		return;
	/* notes of waiters killed long ago go as new ones come */
	int dd = dup(d);
	_cleanup_closedir_ DIR *ls = dd >= 0 ? fdopendir(dd) : NULL;
	if (!ls && dd >= 0)
		close(dd);
	time_t now = time(NULL);
	for (struct dirent *de; ls && (de = readdir(ls));) {
		struct stat st;
		if (de->d_name[0] != '.' && fstatat(d, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    now - st.st_mtime > EXIT_NOTE_KEEP)
			unlinkat(d, de->d_name, 0);
	}
	_cleanup_close_ int fd = openat(d, id, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
}

void hk_ct_exit_note(const struct hk_paths *p, const char *id, int code)
{
	_cleanup_close_ int d = exited_dir(p, false);
	if (d < 0)
		return; /* nobody waits */
	_cleanup_close_ int fd = openat(d, id, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%d\n", code);
	if (fd >= 0 && write(fd, buf, (size_t)n) < 0)
		return;
}

bool hk_ct_exit_noted(const struct hk_paths *p, const char *id, int *ret_code)
{
	char path[HK_PATH_MAX + 64], buf[16] = "";
	snprintf(path, sizeof(path), "%s/exited/%s", p->run, id);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0)
		return false;
	char *end;
	long v = strtol(buf, &end, 10);
	if (end == buf || v < -1 || v > 255)
		return false;
	*ret_code = (int)v;
	return true;
}

void hk_ct_exit_unwant(const struct hk_paths *p, const char *id)
{
	char dir[HK_PATH_MAX + 16], path[HK_PATH_MAX + 64];
	snprintf(dir, sizeof(dir), "%s/exited", p->run);
	snprintf(path, sizeof(path), "%s/%s", dir, id);
	unlink(path);
	rmdir(dir); /* when no other waiter has a note there */
}
