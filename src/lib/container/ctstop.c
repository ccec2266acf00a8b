// SPDX-License-Identifier: MIT
/* Stop, kill and remove a container (ctstop.h). */
#include "ctstop.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/proc.h"
#include "container.h"
#include "ctevents.h"
#include "ctlife.h"
#include "store_ctlife.h"

/* Wait until pid is gone, up to ms milliseconds. */
static bool wait_gone(pid_t pid, uint64_t start, int ms)
{
	for (int t = 0; t < ms; t += 10) {
		if (!hk_proc_alive(pid, start))
			return true;
		usleep(10000);
	}
	return !hk_proc_alive(pid, start);
}

/* After the init is gone: let its monitor record the exit (it knows the status); if the
 * monitor is gone too, reconcile does it. */
static int settle(struct hk_store *st, const struct hk_paths *p, const char *id, struct hk_err *err)
{
	for (int t = 0; t < 300; t++) {
		struct hk_ct_row r;
		if (hk_store_get(st, id, &r, err) < 0) {
			hk_err_clear(err);
			return 0; /* --rm: removed */
		}
		bool done = strcmp(r.state, HK_CT_RUNNING) && strcmp(r.state, HK_CT_RESTARTING);
		bool owner = hk_proc_alive(r.owner_pid, r.owner_start);
		hk_ct_row_free(&r);
		if (done)
			return 0;
		if (!owner)
			return hk_ct_reconcile(st, p, err);
		usleep(10000);
	}
	return hk_ct_reconcile(st, p, err);
}

/* docker events' "kill" with its signal's number */
static void kill_event(struct hk_store *st, const struct hk_paths *p, const struct hk_ct_row *c,
		       int sig)
{
	char n[16];
	snprintf(n, sizeof(n), "%d", sig);
	const char *const at[] = { "signal", n, NULL };
	hk_ct_event(st, p, "kill", c, at);
}

int hk_ct_stop(struct hk_store *st, const struct hk_paths *p, const struct hk_ct_row *c, int secs,
	       int sig, struct hk_err *err)
{
	/* a user's stop: its restart policy leaves it stopped (Docker's "manually stopped") */
	hk_ct_mark_stopped(st, c->id, true);
	struct hk_ctlife_row life;
	struct hk_err e;
	if (hk_ctlife_get(st, c->id, &life, &e) == 0) {
		if (sig <= 0 && life.stop_signal > 0)
			sig = life.stop_signal;
		if (secs < 0 && life.stop_timeout >= 0)
			secs = life.stop_timeout;
		hk_ctlife_row_free(&life);
	}
	if (sig <= 0)
		sig = SIGTERM;
	if (secs < 0)
		secs = 10;
	if (!strcmp(c->state, HK_CT_RESTARTING))
		return settle(st, p, c->id, err); /* its monitor sees the mark and gives up */
	if (strcmp(c->state, HK_CT_RUNNING))
		return 0;
	bool paused = hk_ct_paused(c);
	if (!hk_proc_alive(c->pid, c->pid_start)) {
		/* dying (its init gone, the exit not recorded yet): stopped once its monitor
		 * says so, as Docker's stop returns once the container is; a cgroup frozen
		 * meanwhile is thawed, or its processes could never finish dying */
		if (paused)
			hk_ct_pause(c, false, err);
		return settle(st, p, c->id, err);
	}
	kill(c->pid, sig);
	kill_event(st, p, c, sig);
	if (paused)
		hk_ct_pause(c, false, err);
	if (!wait_gone(c->pid, c->pid_start, secs * 1000)) {
		kill(c->pid, SIGKILL);
		kill_event(st, p, c, SIGKILL);
		wait_gone(c->pid, c->pid_start, 5000);
	}
	int r = settle(st, p, c->id, err);
	if (r == 0)
		hk_ct_event(st, p, "stop", c, NULL);
	return r;
}

int hk_ct_kill(struct hk_store *st, const struct hk_paths *p, const struct hk_ct_row *c, int sig,
	       struct hk_err *err)
{
	if (strcmp(c->state, HK_CT_RUNNING) || !hk_proc_alive(c->pid, c->pid_start))
		return hk_err_set(err, -ESRCH, "container '%s' is not running", c->name);
	bool paused = hk_ct_paused(c);
	hk_ct_mark_stopped(st, c->id, true); /* as Docker's kill: no restart by its policy */
	if (kill(c->pid, sig) < 0)
		return hk_err_sys(err, -errno, "kill container '%s'", c->name);
	kill_event(st, p, c, sig);
	if (paused) /* a frozen process gets its signal once thawed, as Docker does */
		hk_ct_pause(c, false, err);
	return 0;
}

int hk_ct_rm(struct hk_store *st, const struct hk_paths *p, struct hk_ct_row *c, bool force,
	     struct hk_err *err)
{
	bool alive = hk_proc_alive(c->pid, c->pid_start);
	if (alive && !force)
		return hk_err_set(err, -EBUSY, "container '%s' is running; stop it or use rm -f",
				  c->name);
	/* the intent first: if this rm is killed, the next command finishes it */
	snprintf(c->state, sizeof(c->state), "%s", HK_CT_REMOVING);
	int r = hk_store_update(st, c, err);
	if (r < 0)
		return r;
	if (alive) {
		kill(c->pid, SIGKILL);
		/* paused (or frozen elsewhere): it dies once thawed, as Docker's rm -f */
		char cg[HK_PATH_MAX];
		hk_ct_row_cgroup(c, cg, sizeof(cg));
		hk_cgroup_thaw_all(cg);
		wait_gone(c->pid, c->pid_start, 5000);
	}
	/* the monitor may be removing it at the same time: both are idempotent */
	return hk_ct_remove(st, c, p, err);
}
