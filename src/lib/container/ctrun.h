/* SPDX-License-Identifier: MIT */
/*
 * A container made by the library, plan → apply → undo (what `hako run` does):
 *
 *   hk_ct_create   record the row ("creating", with its stored config), make RUN/<id>'s
 *                  files, mount an image's root, create the cgroup and its limits, open the
 *                  pty or stdio pipes, spawn the init, persist its namespaces, name its netns,
 *                  attach it to a hako network, wait until its main process is prepared. On
 *                  any failure everything done so far is undone, newest first.
 *   hk_ct_start    mark it running and let its command exec.
 *   hk_ct_end      after the init exited: record the exit (or remove it: --rm).
 *
 * The caller parses and resolves the description (ids, defaults, security, the image's
 * config), prints, and waits for the init (forwarding signals, copying the terminal).
 */
#ifndef HK_CTRUN_H
#define HK_CTRUN_H

#include <signal.h>
#include <stdbool.h>

#include "cglimits.h"
#include "container.h"
#include "ctconfig.h"
#include "ctlog.h"
#include "image.h"
#include "network.h"
#include "store.h"

struct hk_ct_create {
	struct hk_store *st; /* open (hk_ct_open); the run takes it (hk_ct_run_free) */
	const struct hk_paths *paths;
	struct hk_ct_spec *spec;    /* validated: id, name, hostname, argv, env, mounts, net, ...;
				     * rundir, nsdir, cgroup, rootfs (image), log_fd, pty_slave,
				     * stdio are filled here */
	const char *net;	    /* the row's net: "new", "none", "host" or "netns:NAME" */
	bool rm;		    /* --rm: removed, not kept, when it ends */
	const char *rootfs;	    /* --rootfs DIR (spec->rootfs_fd open); NULL with image_id */
	const char *image_id;	    /* NULL, or the image whose root is mounted for it */
	enum hk_layers_mode layers; /* how (image.h) */
	int *image_lock;	    /* image_id: the image store's shared lock, closed (-1) once
				     * the root is mounted; NULL: none */
	const struct hk_cglimits *lim;
	const struct hk_ctlog_opts *log;    /* spec->detach: the log's bounds */
	const struct hk_ct_config_sec *sec; /* what the stored config records (ctconfig.h) */
	const struct hk_net_attach *attach; /* NULL, or the hako network to connect it to */
	const char *resolv_conf; /* NULL: the host's /etc/resolv.conf (a network rewrites it) */
	const char *hosts_extra; /* NULL, or lines added to /etc/hosts (--add-host) */
	const sigset_t *block;	 /* blocked once the init exists (the caller forwards them) */
	/* An OCI runtime's create: the init outlives this process, and the command waits on
	 * RUN/<id>/exec.fifo for hk_ct_start_created (from another process) instead of on
	 * hk_ct_start. */
	bool created_only;
	/* hako start of a container that exists (created or exited): its row, whose id and name
	 * the spec has; the row is updated, not inserted, and a failure puts it back as it was
	 * (nothing is removed) */
	const struct hk_ct_row *reuse;
	/* NULL, or its lifecycle record (store_ctlife.h), stored with a new row */
	const struct hk_ctlife_row *life;
	/* hk_ct_start follows at once (hako run; an OCI runtime's run in the foreground with no
	 * hook, agent or socket to serve between the two): the command's go is given as soon as the
	 * container is assembled, before waiting for its main process to report its restrictions
	 * applied, so that the main process goes on to exec without waiting for this process to be
	 * scheduled again. */
	bool start_now;
	/* The caller waits for the init and then removes the container (an OCI runtime's run
	 * in the foreground): nothing outlives the init but the netns name, so its namespaces
	 * are not bound, as a foreground run --rm's (hk_ns_persist_lazy). */
	bool ends_with_caller;
};

/* A created container, as its creator sees it. */
struct hk_ct_run {
	struct hk_paths paths;
	struct hk_store *st; /* the caller's; NULL while closed (hk_ct_end reopens it) */
	struct hk_ct_row row;
	struct hk_ct_proc proc;
	char rootfs[HK_PATH_MAX];
	char rundir[HK_PATH_MAX], nsdir[HK_PATH_MAX], cgroup[HK_PATH_MAX];
	bool rm;
	int64_t memory; /* --memory, for hk_ct_oom_killed */
	int pty_master; /* -t: -1 otherwise */
	int proxy[3];	/* without -t or -d: hako's ends of the stdio pipes (hk_stdio_pipes) */
	int log_rd;	/* -d: the read side of the container's stdout/stderr pipe (O_NONBLOCK) */
	struct hk_ctlog *log;	    /* -d: RUN/<id>/log, rotated (ctlog.h) */
	struct hk_net_notes notes;  /* what connecting to the network has to tell the user */
	bool reuse;		    /* a start of an existing container (hk_ct_create.reuse) */
	bool recorded;		    /* its row was written (undo puts reuse_row back) */
	struct hk_ct_row reuse_row; /* the row as it was before (pointers NULL) */
};

/* Set every descriptor of run to -1 (before hk_ct_create, so hk_ct_run_free is safe). */
void hk_ct_run_init(struct hk_ct_run *run);
/* Everything up to a spawned, persisted, attached container waiting for hk_ct_start. On
 * failure nothing of it is left (row, files, root, cgroup, namespaces, init). The spec's
 * descriptors for the init (pty slave, log, rootfs, stdio, bind sources) are closed. */
int hk_ct_create(const struct hk_ct_create *c, struct hk_ct_run *ret, struct hk_err *err);
/* hako create: the row only, state "created" with no process (pid 0), its lifecycle record
 * (c->life) beside it; hako start makes the rest (hk_ct_create with c->reuse). The same
 * checks as hk_ct_create (a taken name). */
int hk_ct_create_record(const struct hk_ct_create *c, struct hk_ct_run *ret, struct hk_err *err);
/* Mark it running and let its command exec. < 0 with *ret_status 0: hako failed (nothing is
 * left, as for hk_ct_create); < 0 with *ret_status 126/127: the command could not be
 * executed, the container is ended with that status (hk_ct_end). */
int hk_ct_start(struct hk_ct_run *run, int *ret_status, struct hk_err *err);
/* created_only: record it "created" (no owner: its init's liveness is its state) and let
 * this process go; its command waits for hk_ct_start_created. */
int hk_ct_created(struct hk_ct_run *run, struct hk_err *err);
/* Start a "created" container (row): a byte into RUN/<id>/exec.fifo lets its command exec;
 * the fifo is removed and the row marked running. -EINVAL (usage) when it is not created or
 * its init is gone. */
int hk_ct_start_created(struct hk_store *st, const struct hk_paths *p, struct hk_ct_row *row,
			struct hk_err *err);
/* Undo a created container that is not to start after all (as a failed hk_ct_create; a
 * start of an existing one: its row put back as it was). */
void hk_ct_abort(struct hk_ct_run *run);
/* After the init exited with code: record the exit and release its runtime, or remove it
 * (rm). Reopens the store when the caller closed it (run->st NULL). */
int hk_ct_end(struct hk_ct_run *run, int code, struct hk_err *err);
/* After the init exited: was it killed by its memory limit? *ret_limit: the limit. */
bool hk_ct_oom_killed(const struct hk_ct_run *run, int64_t *ret_limit);
/* Close what run holds (pty master, proxies, log, store) and free its row. */
void hk_ct_run_free(struct hk_ct_run *run);
/* Close the descriptors a spec holds for the init (pty slave, log, rootfs, stdio, bind
 * sources) and set them to -1. */
void hk_ct_spec_close_fds(struct hk_ct_spec *spec);

#endif
