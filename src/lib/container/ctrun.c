// SPDX-License-Identifier: MIT
/*
 * A container made by the library (ctrun.h): hk_ct_create records the container first
 * ("creating", owned by this process, so a crash leaves a row hk_ct_reconcile repairs), then
 * makes its parts in order; on failure hk_ct_remove takes away whatever exists of them,
 * newest first, after the init is killed.
 */
#include "ctrun.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/testpoint.h"
#include "ctevents.h"
#include "ctlife.h"
#include "netns.h"
#include "store_ctlife.h"
#include "store_image.h"
#include "tramp.h"
#include "userns.h"

void hk_ct_run_init(struct hk_ct_run *run)
{
	*run = (struct hk_ct_run){ .pty_master = -1,
				   .proxy = { -1, -1, -1 },
				   .log_rd = -1,
				   .proc = { .report_fd = -1, .sync_fd = -1 } };
}

void hk_ct_spec_close_fds(struct hk_ct_spec *spec)
{
	int *fds[] = { &spec->pty_slave, &spec->log_fd,	  &spec->rootfs_fd, &spec->go_fd,
		       &spec->stdio[0],	 &spec->stdio[1], &spec->stdio[2],  &spec->seccomp_sock };
	for (size_t i = 0; i < HK_ARRAY_SIZE(fds); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
	for (size_t i = 0; i < spec->nmounts; i++) {
		if (spec->mounts[i].host_fd >= 0)
			close(spec->mounts[i].host_fd);
		spec->mounts[i].host_fd = -1;
	}
}

static int write_text(const char *path, const char *text, struct hk_err *err)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		return hk_err_sys(err, -errno, "write '%s'", path);
	return 0;
}

/* RUN/<id>/{hostname,hosts,resolv.conf}, and the log for -d. */
static int make_files(const struct hk_ct_create *c, struct hk_ct_run *x, struct hk_err *err)
{
	struct hk_ct_spec *spec = c->spec;
	if (mkdir(x->rundir, 0700) < 0 && !(errno == EEXIST && c->reuse)) /* start: kept */
		return hk_err_sys(err, -errno, "mkdir '%s'", x->rundir);
	char p[HK_PATH_MAX + 32], buf[8192];
	snprintf(p, sizeof(p), "%s/hostname", x->rundir);
	snprintf(buf, sizeof(buf), "%s\n", spec->hostname);
	int r = write_text(p, buf, err);
	if (r < 0)
		return r;
	snprintf(p, sizeof(p), "%s/hosts", x->rundir);
	snprintf(buf, sizeof(buf),
		 "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
		 "127.0.1.1\t%s\n%s",
		 spec->hostname, c->hosts_extra ? c->hosts_extra : "");
	r = write_text(p, buf, err);
	if (r < 0)
		return r;
	buf[0] = 0;
	if (c->resolv_conf) {
		snprintf(buf, sizeof(buf), "%s", c->resolv_conf);
	} else if (spec->net != HK_NET_NONE) {
		_cleanup_close_ int fd = open("/etc/resolv.conf", O_RDONLY | O_CLOEXEC);
		ssize_t k = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : 0;
		buf[k > 0 ? k : 0] = 0;
	}
	snprintf(p, sizeof(p), "%s/resolv.conf", x->rundir);
	r = write_text(p, buf, err);
	/* sd_notify: the directory the runtime's socket will be in, bound in the container;
	 * searchable by every user there (the socket itself is 0777, oci/ocinotify.c) */
	snprintf(p, sizeof(p), "%s/%s", x->rundir, HK_CT_NOTIFY_DIR);
	if (r == 0 && spec->notify_dir && mkdir(p, 0755) < 0 && errno != EEXIST)
		r = hk_err_sys(err, -errno, "mkdir '%s'", p);
	if (r == 0 && c->created_only) {
		/* the command's go, from `start` in another process: a fifo the main process
		 * holds open for reading and writing, so `start`'s open never blocks */
		snprintf(p, sizeof(p), "%s/exec.fifo", x->rundir);
		if (mkfifo(p, 0600) < 0)
			return hk_err_sys(err, -errno, "mkfifo '%s'", p);
		spec->go_fd = open(p, O_RDWR | O_CLOEXEC);
		if (spec->go_fd < 0)
			return hk_err_sys(err, -errno, "open '%s'", p);
		spec->survive_creator = true;
	}
	if (r < 0 || !spec->detach)
		return r;
	/* the container writes into a pipe; the monitor keeps the log, bounded (ctlog.h) */
	snprintf(p, sizeof(p), "%s/log", x->rundir);
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return hk_err_sys(err, -errno, "log pipe");
	r = hk_ctlog_open(p, c->log, &x->log, err);
	if (r < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return r;
	}
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	x->log_rd = pfd[0];
	spec->log_fd = pfd[1];
	/* stderr through a pipe of its own, so the log keeps the two apart (ctlog.h) */
	int efd[2];
	if (spec->stdio[2] < 0 && pipe2(efd, O_CLOEXEC) == 0) {
		fcntl(efd[0], F_SETFL, O_NONBLOCK);
		hk_ctlog_set_err_fd(x->log, efd[0]);
		spec->stdio[2] = efd[1];
	}
	return 0;
}

/* The image's root for the container (STATE/ctroot/<id>/merged), then the image store's
 * lock released (before anything is forked). */
static int mount_image(const struct hk_ct_create *c, struct hk_ct_run *x, struct hk_err *err)
{
	struct hk_images *im = NULL;
	int r = hk_images_open(x->paths.state, x->st, &im, err);
	if (r == 0)
		r = c->spec->userns ? hk_ctroot_mount_userns(im, x->row.id, c->image_id,
							     c->spec->userns, err)
				    : hk_ctroot_mount(im, x->row.id, c->image_id, c->layers, err);
	hk_images_close(im);
	if (c->image_lock && *c->image_lock >= 0) {
		close(*c->image_lock);
		*c->image_lock = -1;
	}
	return r;
}

static int attach(const struct hk_ct_create *c, struct hk_ct_run *x, struct hk_err *err)
{
	int r = hk_network_connect(x->st, &x->paths, &x->row, c->attach, &x->notes, err);
	struct hk_net_row nrow;
	struct hk_err e2;
	/* which ENOENT: asked of the store, never read out of the message */
	if (r == -ENOENT && hk_netstore_get(x->st, c->attach->net, &nrow, &e2) == -ENOENT)
		hk_err_set(err, -ENOENT,
			   "no such network: %s (expected none, host or netns:NAME, or a network "
			   "of 'hako network ls')",
			   c->attach->net);
	return r;
}

static char *join_args(char **argv)
{
	size_t len = 1;
	for (char **a = argv; *a; a++)
		len += strlen(*a) + 1;
	char *s = calloc(1, len);
	if (!s)
		return NULL;
	for (char **a = argv; *a; a++) {
		if (a != argv)
			strcat(s, "\x1f");
		strcat(s, *a);
	}
	return s;
}

/* The plan: refused before anything changes. */
static int check(const struct hk_ct_create *c, struct hk_ct_run *x, struct hk_err *err)
{
	struct hk_ct_row old;
	if (hk_store_get_name(x->st, c->spec->name, &old, err) == 0) {
		bool same = c->reuse && !strcmp(old.id, c->reuse->id) &&
			    !strcmp(old.state, c->reuse->state);
		hk_ct_row_free(&old);
		if (c->reuse && !same)
			return hk_err_set(err, -ESTALE, "container '%s' changed state meanwhile",
					  c->spec->name);
		if (!same)
			return hk_err_set(err, -EEXIST, "container name '%s' is already in use",
					  c->spec->name);
	} else if (c->reuse) {
		return hk_err_set(err, -ENOENT, "no such container: %s", c->spec->name);
	}
	hk_err_clear(err);
	if (hk_ct_named_net(c->net)) {
		char p[HK_PATH_MAX];
		snprintf(p, sizeof(p), "%s/%s", HK_NETNS_DIR, c->spec->name);
		if (access(p, F_OK) == 0)
			return hk_err_set(err, -EEXIST, "network namespace '%s' already exists",
					  c->spec->name);
	}
	return 0;
}

/* The row, "creating", owned by this process. */
static int record(const struct hk_ct_create *c, struct hk_ct_run *x, struct hk_err *err)
{
	const struct hk_ct_spec *spec = c->spec;
	struct hk_ct_row *w = &x->row;
	snprintf(w->id, sizeof(w->id), "%s", spec->id);
	snprintf(w->name, sizeof(w->name), "%s", spec->name);
	snprintf(w->state, sizeof(w->state), "%s", HK_CT_CREATING);
	snprintf(w->hostname, sizeof(w->hostname), "%s", spec->hostname);
	snprintf(w->net, sizeof(w->net), "%s", c->net);
	w->owner_pid = getpid();
	w->owner_start = hk_proc_start_time(w->owner_pid);
	w->exit_code = -1;
	w->rootfs = strdup(x->rootfs);
	w->command = join_args(spec->argv);
	w->config = hk_ct_config_json(spec, c->sec);
	w->created = time(NULL);
	w->auto_remove = c->rm;
	w->tty = spec->tty;
	w->detach = spec->detach;
	if (!w->rootfs || !w->command || !w->config)
		return hk_err_sys(err, -ENOMEM, "run");
	if (c->reuse) { /* hako start: the same row, taken over only if still as it was */
		w->created = c->reuse->created;
		return hk_store_update_if(x->st, w, c->reuse->state, err);
	}
	int r = hk_store_insert(x->st, w, err);
	if (r == 0 && c->life) {
		struct hk_ctlife_row l = *c->life;
		snprintf(l.id, sizeof(l.id), "%s", w->id);
		r = hk_ctlife_put(x->st, &l, err);
		if (r < 0) {
			struct hk_err e2;
			hk_store_delete(x->st, w->id, &e2);
		}
	}
	return r;
}

int hk_ct_create_record(const struct hk_ct_create *c, struct hk_ct_run *x, struct hk_err *err)
{
	x->paths = *c->paths;
	x->st = c->st;
	x->rm = c->rm;
	if (c->image_id)
		hk_ctroot_merged(x->paths.state, c->spec->id, x->rootfs, sizeof(x->rootfs));
	else
		snprintf(x->rootfs, sizeof(x->rootfs), "%s", c->rootfs);
	int r = check(c, x, err);
	if (r == 0)
		r = record(c, x, err);
	if (r < 0)
		return r;
	/* its image from now on, as Docker's: ps and inspect name it, and image rm refuses
	 * it while the container exists (the start that mounts the root sets it again) */
	if (c->image_id && (r = hk_imgstore_ct_set(x->st, x->row.id, c->image_id, err)) < 0) {
		struct hk_err e2;
		hk_store_delete(x->st, x->row.id, &e2);
		hk_ctlife_delete(x->st, x->row.id, &e2);
		return r;
	}
	strcpy(x->row.state, HK_CT_CREATED);
	x->row.owner_pid = 0;
	x->row.owner_start = 0;
	r = hk_store_update(x->st, &x->row, err);
	if (r < 0) {
		struct hk_err e2;
		hk_store_delete(x->st, x->row.id, &e2);
		hk_ctlife_delete(x->st, x->row.id, &e2);
		hk_imgstore_ct_del(x->st, x->row.id, &e2);
	} else {
		hk_ct_event(x->st, &x->paths, "create", &x->row, NULL);
	}
	return r;
}

/* Undo: the init killed, then everything recorded under the row (hk_ct_remove); for a
 * start of an existing container (reuse) its runtime released and its row put back. */
static void undo(struct hk_ct_run *x)
{
	if (x->reuse) {
		struct hk_err e2;
		if (x->proc.sync_fd >= 0)
			close(x->proc.sync_fd);
		x->proc.sync_fd = -1;
		if (x->proc.pid > 0) {
			kill(x->proc.pid, SIGKILL);
			waitpid(x->proc.pid, NULL, 0);
		}
		if (!x->recorded)
			return; /* the row is someone else's now */
		hk_network_ct_release(x->st, &x->paths, x->row.id, &e2);
		hk_ct_release(&x->row, &x->paths, &e2);
		struct hk_ct_row back = x->reuse_row;
		hk_store_update(x->st, &back, &e2);
		return;
	}
	struct hk_err e2;
	if (x->proc.sync_fd >= 0)
		close(x->proc.sync_fd);
	x->proc.sync_fd = -1;
	if (x->proc.pid > 0) {
		kill(x->proc.pid, SIGKILL);
		waitpid(x->proc.pid, NULL, 0);
	}
	hk_ct_remove(x->st, &x->row, &x->paths, &e2);
}

/* A step after the spawn failed because the init died (its /proc/<pid>/ns files gone, say):
 * the reason is what its main process reported, when it did. */
static void init_reason(struct hk_ct_run *x, struct hk_err *err)
{
	struct pollfd pf = { x->proc.report_fd, POLLIN, 0 };
	struct hk_exec_report m;
	if (poll(&pf, 1, 200) == 1 && (pf.revents & POLLIN) &&
	    hk_exec_report_recv(x->proc.report_fd, &m) > 0 && m.err.code)
		*err = m.err;
}

int hk_ct_create(const struct hk_ct_create *c, struct hk_ct_run *x, struct hk_err *err)
{
	struct hk_ct_spec *spec = c->spec;
	char nsbase[HK_PATH_MAX + 8];
	int nsbase_fd = -1; /* holds RUN/ns mounted until our namespaces are bound in it */
	x->paths = *c->paths;
	x->st = c->st;
	x->rm = c->rm;
	x->memory = c->lim->memory;
	if (c->image_id)
		hk_ctroot_merged(x->paths.state, spec->id, x->rootfs, sizeof(x->rootfs));
	else
		snprintf(x->rootfs, sizeof(x->rootfs), "%s", c->rootfs);
	spec->rootfs = x->rootfs;
	x->reuse = c->reuse != NULL;
	if (c->reuse)
		x->reuse_row = *c->reuse;
	x->reuse_row.rootfs = x->reuse_row.command = x->reuse_row.config = NULL;
	int r = check(c, x, err);
	if (r == 0)
		r = record(c, x, err);
	if (r < 0)
		return r;
	x->recorded = true;
	hk_ct_rundir(&x->paths, spec->id, x->rundir, sizeof(x->rundir));
	hk_ct_nsdir(&x->paths, spec->id, x->nsdir, sizeof(x->nsdir));
	if (spec->cgroup_path)
		snprintf(x->cgroup, sizeof(x->cgroup), "%s", spec->cgroup_path);
	else
		hk_ct_cgroup(spec->id, x->cgroup, sizeof(x->cgroup));
	snprintf(nsbase, sizeof(nsbase), "%s/ns", x->paths.run);
	spec->rundir = x->rundir;
	spec->nsdir = x->nsdir;
	spec->cgroup = x->cgroup;
	bool own_net = hk_ct_own_net(c->net), named_net = hk_ct_named_net(c->net);
	/* a foreground run --rm, or an OCI run in the foreground: nothing outlives its init
	 * but the netns name, so its namespaces are not bound (hk_ns_persist_lazy); a user
	 * namespace is (hk_ct_join learns from the file that there is one) */
	bool lazy =
		((c->rm && c->start_now) || c->ends_with_caller) && !spec->detach && !spec->userns;
	r = make_files(c, x, err);
	if (r == 0 && c->image_id)
		r = mount_image(c, x, err);
	if (r == 0 && c->image_id && (spec->rootfs_fd = hk_rootfs_open(x->rootfs, err)) < 0)
		r = spec->rootfs_fd;
	if (r == 0 && !lazy && (nsbase_fd = hk_nsbase_hold(nsbase, err)) < 0)
		r = nsbase_fd;
	if (r == 0)
		r = hk_cgroup_create(x->cgroup, err);
	if (r == 0)
		r = hk_cglimits_apply(x->cgroup, c->lim, err);
	if (r == 0 && spec->tty)
		r = hk_pty_open(&x->pty_master, &spec->pty_slave, err);
	else if (r == 0 && !spec->detach)
		r = hk_stdio_pipes(spec->interactive, spec->stdio, x->proxy, err);
	if (r == 0)
		r = hk_ct_spawn(spec, &x->proc, err);
	/* the container exists: from now on the caller forwards the signals to it */
	if (r == 0 && c->block)
		sigprocmask(SIG_BLOCK, c->block, NULL);
	hk_ct_spec_close_fds(spec);
	if (r == 0 && lazy)
		r = hk_ns_persist_lazy(x->nsdir, named_net ? x->row.name : NULL, err);
	else if (r == 0)
		r = hk_ns_persist(x->proc.pid, x->nsdir, own_net, spec->userns, err);
	if (nsbase_fd >= 0)
		close(nsbase_fd); /* before hk_ct_remove (undo), whose release may unmount RUN/ns */
	if (r == 0) {
		hk_test_point("ct-spawned"); /* the init made, its row still "creating" */
		hk_test_delay("ct-spawned");
	}
	if (r == 0 && named_net)
		r = hk_netns_attach(x->row.name, x->proc.pid, err);
	if (r == 0 && c->attach)
		r = attach(c, x, err);
	/* start_now: the go before the wait below (the row is marked running after it, by
	 * hk_ct_start; a crash in between leaves a "creating" row the next command removes) */
	if (r == 0 && c->start_now)
		r = hk_ct_spawn_go(&x->proc, err);
	/* the main process has dropped its privileges before anything (hako exec) can join */
	if (r == 0)
		r = hk_ct_wait_prepared(&x->proc, err);
	if (r < 0 && x->proc.report_fd >= 0)
		init_reason(x, err);
	if (r < 0)
		undo(x);
	return r;
}

int hk_ct_start(struct hk_ct_run *x, int *ret_status, struct hk_err *err)
{
	struct hk_ct_row *w = &x->row;
	*ret_status = 0;
	strcpy(w->state, HK_CT_RUNNING);
	w->pid = x->proc.pid;
	w->pid_start = x->proc.start_time;
	w->started = time(NULL);
	int r = hk_store_update(x->st, w, err);
	if (r == 0 && x->proc.sync_fd >= 0) /* not given already (start_now) */
		r = hk_ct_spawn_go(&x->proc, err);
	if (r < 0) {
		undo(x);
		return r;
	}
	if (!x->reuse) /* hako run: made and started at once (docker's create, then start) */
		hk_ct_event(x->st, &x->paths, "create", w, NULL);
	hk_ct_event(x->st, &x->paths, "start", w, NULL);
	int status = 0;
	r = hk_ct_wait_exec(&x->proc, &status, err);
	if (r < 0) {
		struct hk_err keep = *err;
		waitpid(x->proc.pid, NULL, 0);
		hk_ct_end(x, status, err);
		*err = keep;
		*ret_status = status;
	}
	return r;
}

int hk_ct_created(struct hk_ct_run *x, struct hk_err *err)
{
	struct hk_ct_row *w = &x->row;
	strcpy(w->state, HK_CT_CREATED);
	w->pid = x->proc.pid;
	w->pid_start = x->proc.start_time;
	w->owner_pid = 0;
	w->owner_start = 0;
	int r = hk_store_update(x->st, w, err);
	if (r < 0) {
		undo(x);
		return r;
	}
	/* the command reports nothing more to us: its exec failure is its exit status */
	close(x->proc.report_fd);
	x->proc.report_fd = -1;
	close(x->proc.sync_fd);
	x->proc.sync_fd = -1;
	return 0;
}

int hk_ct_start_created(struct hk_store *st, const struct hk_paths *p, struct hk_ct_row *row,
			struct hk_err *err)
{
	if (strcmp(row->state, HK_CT_CREATED))
		return hk_err_usage(err, "container '%s' is %s, not created", row->name,
				    row->state);
	if (!hk_proc_alive(row->pid, row->pid_start))
		return hk_err_usage(err, "container '%s': its init is gone", row->name);
	char dir[HK_PATH_MAX], fifo[HK_PATH_MAX + 16];
	hk_ct_rundir(p, row->id, dir, sizeof(dir));
	snprintf(fifo, sizeof(fifo), "%s/exec.fifo", dir);
	/* the main process holds it open: a non-blocking open for writing succeeds while it
	 * waits, and fails (ENXIO) when it is gone */
	_cleanup_close_ int fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return hk_err_sys(err, -errno, "container '%s': start: '%s'", row->name, fifo);
	strcpy(row->state, HK_CT_RUNNING);
	row->started = time(NULL);
	int r = hk_store_update(st, row, err);
	if (r < 0)
		return r;
	if (write(fd, "g", 1) != 1)
		return hk_err_sys(err, -errno, "container '%s': start", row->name);
	unlink(fifo);
	hk_ct_event(st, p, "start", row, NULL);
	return 0;
}

void hk_ct_abort(struct hk_ct_run *x)
{
	undo(x);
}

int hk_ct_end(struct hk_ct_run *x, int code, struct hk_err *err)
{
	if (!x->st) {
		/* the store only, not hk_ct_open's reconcile pass over every row: repairing what
		 * other commands left is theirs (and the next command's); this one ends its own
		 * container */
		int r = hk_store_open_paths(&x->paths, &x->st, err);
		if (r < 0)
			return r;
	}
	struct hk_ct_row cur; /* renamed meanwhile (hako rename): its netns has the new name */
	struct hk_err e2;
	if (hk_store_get(x->st, x->row.id, &cur, &e2) == 0) {
		snprintf(x->row.name, sizeof(x->row.name), "%s", cur.name);
		hk_ct_row_free(&cur);
	}
	char codes[16];
	snprintf(codes, sizeof(codes), "%d", code);
	const char *const die[] = { "exitCode", codes, NULL };
	hk_ct_event(x->st, &x->paths, "die", &x->row, die);
	if (x->rm) {
		hk_ct_exit_note(&x->paths, x->row.id, code); /* for a hako wait (ctlife.h) */
		return hk_ct_remove(x->st, &x->row, &x->paths, err);
	}
	return hk_ct_finish(x->st, &x->row, &x->paths, code, err);
}

bool hk_ct_oom_killed(const struct hk_ct_run *x, int64_t *ret_limit)
{
	bool oom = false;
	int64_t limit = -1;
	struct hk_err e = {};
	if (!x->memory || hk_cglimits_oom(x->cgroup, &oom, &limit, &e) < 0 || !oom)
		return false;
	*ret_limit = limit > 0 ? limit : x->memory;
	return true;
}

void hk_ct_run_free(struct hk_ct_run *x)
{
	if (x->pty_master >= 0)
		close(x->pty_master);
	x->pty_master = -1;
	for (int i = 0; i < 3; i++) {
		if (x->proxy[i] >= 0)
			close(x->proxy[i]);
		x->proxy[i] = -1;
	}
	hk_ctlog_close(x->log);
	x->log = NULL;
	if (x->log_rd >= 0)
		close(x->log_rd);
	x->log_rd = -1;
	hk_ct_row_free(&x->row);
	hk_store_close(x->st);
	x->st = NULL;
}
