/* SPDX-License-Identifier: MIT */
/*
 * hako as an OCI runtime (runc's verbs): a bundle's config.json becomes hako's container
 * description (ociconfig.h) and goes through the same hk_ct_create as `hako run`, with
 * created_only (ctrun.h): `create` leaves the container's command waiting on its exec fifo
 * and returns; `start`, from another process, lets it exec. No monitor process stays: the
 * container's init is reparented to the engine's subreaper (conmon, containerd-shim), and
 * its liveness is its state. State lives under --root (default /run/hako-runtime): hako's
 * own store (ROOT/state) and run directories (ROOT/run/<id>, with oci.json: the bundle,
 * annotations and creation time the spec's `state` reports).
 */
#ifndef HK_OCIRUNTIME_H
#define HK_OCIRUNTIME_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"
#include "cglimits.h"

#define HK_OCI_DEFAULT_ROOT "/run/hako-runtime"

struct hk_oci_create_opts {
	const char *bundle;	    /* default "." */
	const char *config;	    /* crun's --config: NULL, config.json */
	const char *pid_file;	    /* NULL: none */
	const char *console_socket; /* process.terminal: where the pty master is sent */
	int preserve_fds;	    /* fds 3 .. 3+N-1 passed to the container */
	int listen_fds; /* socket activation (the runtime's LISTEN_FDS): the N fds after those
			 * passed too, LISTEN_FDS=N and LISTEN_PID=<the command's pid> set */
	/* the runtime's NOTIFY_SOCKET (NULL: none): the container gets a socket of the runtime's
	 * and its READY=1 is relayed there (ocinotify.h) */
	const char *notify_socket;
	bool foreground; /* `run`: this process waits for the container (no fifo) */
	bool detach;	 /* `run -d` */
};

/* create ID. 0, or < 0 with err (exit 2 for bad input: nothing is left). */
int hk_oci_create(const char *root, const char *id, const struct hk_oci_create_opts *o,
		  struct hk_err *err);
/* start ID: its command execs; poststart hooks run. notify_socket (the runtime's
 * NOTIFY_SOCKET, NULL: none), for a container created with one: first the container's
 * READY=1 is waited for and relayed there (ocinotify.h), or its process's end. */
int hk_oci_start(const char *root, const char *id, const char *notify_socket, struct hk_err *err);
/* run ID: create and start; in the foreground (not detach) wait for it and delete it.
 * *ret_status: the container's status (128+N for signal N). */
int hk_oci_run(const char *root, const char *id, const struct hk_oci_create_opts *o,
	       int *ret_status, struct hk_err *err);
/* state ID: the runtime spec's state object (ociVersion, id, status, pid, bundle,
 * annotations; created as hako's extension). */
int hk_oci_state(const char *root, const char *id, struct json_object **ret, struct hk_err *err);
/* Every container: their states, as `list` shows them. */
int hk_oci_list(const char *root, struct json_object **ret, struct hk_err *err);
/* kill ID SIG: to the container's process (its PID 1: without a handler for SIG, only
 * KILL and STOP reach it, the kernel's rule for an init); all: to every process of its
 * cgroup. A stopped container: -EINVAL "container not running". */
int hk_oci_kill(const char *root, const char *id, int sig, bool all, struct hk_err *err);
/* delete ID: a stopped or created container's runtime and files (a created one's process
 * killed first, as runc), its poststop hooks; force: a running or paused one too. */
int hk_oci_delete(const char *root, const char *id, bool force, struct hk_err *err);
/* delete --regex (crun's): every container whose id the POSIX extended regex matches
 * (anywhere in the id, as regexec), as hk_oci_delete; as crun, one that cannot be deleted
 * is a warning on stderr and the others are still deleted (0). A regex that does not
 * compile: a usage error. */
int hk_oci_delete_regex(const char *root, const char *regex, bool force, struct hk_err *err);
struct hk_oci_exec_opts {
	const char *process; /* --process FILE: a process object (config.json's) */
	char *const *argv;   /* else the command, NULL-terminated */
	char *const *env;    /* -e K=V..., NULL-terminated (added to the process's) */
	const char *cwd;     /* --cwd; NULL: the process's, or / */
	bool tty;	     /* --tty (or process.terminal) */
	bool user_set;	     /* --user UID[:GID] */
	unsigned uid, gid;
	uint64_t caps_add; /* --cap: into its bounding, effective and permitted sets */
	gid_t groups[64];  /* --process's user.additionalGids */
	size_t ngroups;
	bool detach;		    /* --detach: return once it runs */
	const char *pid_file;	    /* its pid */
	const char *console_socket; /* tty: where the pty master goes (else it is copied) */
	int preserve_fds;	    /* fds 3 .. 3+N-1 passed to the process */
	/* no_new_privs: 0 the container's (process.noNewPrivileges of its config), 1 on, -1
	 * off; --no-new-privs[=BOOL], over --process's noNewPrivileges, as runc's exec */
	int no_new_privs;
};

/* exec ID: a process in a running container, under the container's restrictions
 * (ctexec.h). Not detached: waits for it; *ret_status its status. A command that
 * could not be executed: < 0 (err says why) with *ret_status 125-127, as runc. */
int hk_oci_exec(const char *root, const char *id, const struct hk_oci_exec_opts *o, int *ret_status,
		struct hk_err *err);
/* pause / resume ID: freeze or thaw its cgroup (state "paused"). */
int hk_oci_pause(const char *root, const char *id, bool pause, struct hk_err *err);
/* The pids of its cgroup (`ps`), malloc'ed. */
int hk_oci_pids(const char *root, const char *id, int **ret, size_t *ret_n, struct hk_err *err);
/* update ID: change the limits of its cgroup (hk_ct_update: only the fields set). A stopped
 * container: -EINVAL "not running". */
int hk_oci_update(const char *root, const char *id, const struct hk_cglimits *l,
		  struct hk_err *err);
/* events --stats ID: one stats event, runc's {"type":"stats","id":ID,"data":{...}}
 * (ocistats.h); *ret_oom_kills: the OOM killer's count so far, for the stream's "oom"
 * events. A stopped container: -EINVAL "not running". */
int hk_oci_stats(const char *root, const char *id, struct json_object **ret,
		 uint64_t *ret_oom_kills, struct hk_err *err);
/* `features`: what this runtime supports (runtime-spec features.md), owned JSON. */
struct json_object *hk_oci_features(void);

#endif
