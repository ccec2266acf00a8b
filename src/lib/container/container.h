/* SPDX-License-Identifier: MIT */
/*
 * Containers: a rootfs plus new pid, net, uts, ipc, mnt and cgroup namespaces, hako's own
 * PID 1 (init.c), namespaces persisted under the run directory, a cgroup per container.
 *
 *   spawn.c   clone + the child's set-up steps, reported to the parent as {step, errno}
 *   init.c    PID 1: reap, forward signals, exit with the main process's status
 *   rootfs.c  mounts and pivot_root       cgroup.c  the container's cgroup(s)
 *   nsjoin.c  joining a running container (exec)      pty.c  -t terminals
 *   store.c   the state database (SQLite)
 *
 * Layout under the root pair (--root DIR: DIR/state and DIR/run):
 *   STATE/hako.db                     the containers table (with the other tables)
 *   STATE/containers/<id>.json        the OCI runtime's instead (store.h: ct_files)
 *   RUN/ns/                           a private bind mount of itself (ns files live here)
 *   RUN/ns/<id>/{pid,net,uts,ipc,mnt,cgroup}   persisted namespaces (+ user: --userns)
 *   RUN/<id>/{hostname,hosts,resolv.conf,log}  files bound into the container, the -d log
 */
#ifndef HK_CONTAINER_H
#define HK_CONTAINER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"
#include "base/proc.h"
#include "store.h"

struct hk_cgstats;
struct hk_cglimits;
struct hk_ct_sec;
struct hk_ct_tmpfs;
struct hk_userns;

/* Exit statuses of `hako run` that are not the container's own (as Docker's). */
enum {
	HK_EXIT_HAKO = 125,	/* hako failed to set the container up */
	HK_EXIT_NOEXEC = 126,	/* the command is not executable */
	HK_EXIT_NOTFOUND = 127, /* the command is not in the container */
};

enum hk_net_mode { HK_NET_NEW = 0, HK_NET_NONE, HK_NET_HOST, HK_NET_NETNS };

/* Namespaces a container may join by path instead of getting new ones (an OCI config's
 * linux.namespaces[].path; the network one is spec->net = HK_NET_NETNS). */
enum hk_ct_ns {
	HK_CT_NS_IPC,
	HK_CT_NS_UTS,
	HK_CT_NS_CGROUP,
	HK_CT_NS_PID,
	HK_CT_NS_MNT,
	HK_CT_NS_MAX
};

/* RUN/<id>/root: the rootfs of a container sharing its creator's mount namespace. */
#define HK_CT_SHARED_ROOT "root"
/* RUN/<id>/notify: the directory bound on hk_ct_spec.notify_dir in the container. */
#define HK_CT_NOTIFY_DIR "notify"

/* Child set-up steps, reported on failure. */
enum hk_step {
	HK_STEP_READY = 0,    /* not a failure: namespaces and mounts are in place */
	HK_STEP_SETUP = 1,    /* any mount/namespace set-up step: 125 */
	HK_STEP_EXEC = 2,     /* execve of the command: 126/127 */
	HK_STEP_PREPARED = 3, /* not a failure: the main process is ready to exec (preexec.h) */
};

struct hk_mountspec {
	char *host;
	int host_fd; /* host opened once (O_PATH, no symlink followed after realpath) */
	char *ct;
	bool ro;
	bool idmap; /* -v ...:idmap, with --userns: an idmapped mount of host (userns.h) */
	/* non-NULL: not a bind but a tmpfs at ct (host NULL), made in the list's order (an OCI
	 * config's mounts; --tmpfs mounts are the security's, made after pivot_root) */
	const struct hk_ct_tmpfs *tmpfs;
};

/* Everything `hako run` needs; filled by the CLI, validated before anything changes. */
struct hk_ct_spec {
	char id[HK_CT_ID_LEN + 1];
	char name[HK_CT_NAME_MAX + 1];
	char hostname[65];
	char domainname[65]; /* "": left as it is (an OCI config's domainname) */
	const char *rootfs;  /* absolute, resolved (for messages: rootfs_fd is what is used) */
	int rootfs_fd;	     /* the rootfs directory, opened once (hk_rootfs_open) */
	char **argv;	     /* NULL-terminated */
	char **env;	     /* NULL-terminated, K=V (PATH, HOSTNAME, TERM, HOME defaults added) */
	const char *workdir;
	struct hk_mountspec *mounts;
	size_t nmounts;
	enum hk_net_mode net;
	const char *netns; /* HK_NET_NETNS: the name under /run/netns */
	bool tty;
	bool interactive;
	bool detach;
	const char *rundir;	     /* RUN/<id> */
	const char *nsdir;	     /* RUN/ns/<id> */
	const char *cgroup;	     /* relative cgroup path, "hako/<id>" */
	int log_fd;		     /* -d: stdout/stderr of the container, -1 otherwise */
	int pty_slave;		     /* -t: the slave side, -1 otherwise */
	int stdio[3];		     /* without -t or -d: proxy pipes for 0, 1, 2 (-1: as hako's) */
	const struct hk_ct_sec *sec; /* ctsec.h: caps, seccomp, masks, --read-only; NULL: none */
	struct hk_userns *userns;    /* userns.h: --userns maps, idmapped root; NULL: none */
	/* An OCI runtime's container (oci/): created by one process, started by another. */
	int go_fd;	      /* >= 0: the main process waits for a byte here (RUN/<id>/exec.fifo,
			       * written by `start`) instead of on its creator's sync pipe */
	bool survive_creator; /* the init outlives the process that created it (no
			       * parent-death signal): the engine's subreaper collects it */
	bool command_is_init; /* the set-up process execs the command itself, no hako-init:
			       * the command is the container's init (PID 1 of a new pid
			       * namespace), its pid the init's, as runc's and crun's (OCI) */
	int umask;	      /* >= 0: the main process's umask (process.user.umask); -1: 0022 */
	int preserve_fds;     /* --preserve-fds N: the creator's fds 3 .. 3+N-1 reach the command */
	bool listen_pid;      /* socket activation: LISTEN_PID set to the command's pid */
	int seccomp_sock; /* >= 0: the seccomp filter's notification fd (a profile's listenerPath)
			   * is sent here by the main process, before its go (SCM_RIGHTS) */
	/* sd_notify (an OCI runtime's NOTIFY_SOCKET): RUN/<id>/notify (HK_CT_NOTIFY_DIR) is made
	 * and bound on this directory in the container, after the mounts; the runtime binds
	 * its datagram socket `notify` in it (oci/ocinotify.h). NULL: none. */
	const char *notify_dir;
	/* The creator's supplementary groups stay the process's (an OCI config's annotation
	 * run.oci.keep_original_groups, crun's: podman's --group-add keep-groups); otherwise
	 * they are dropped first thing, and the process has its user's (additionalGids). */
	bool keep_groups;
	const struct hk_sysctl *sysctls; /* linux.sysctl: written in its namespaces */
	size_t nsysctls;
	const struct hk_rlimit *rlimits; /* process.rlimits, set before the exec */
	size_t nrlimits;
	/* NULL: a new namespace; else the path of one to join (its type checked by the caller):
	 * the pid one by the creator around clone (the init is not its PID 1 then), the
	 * others by the init before its set-up (a joined mount namespace gets the rootfs) */
	const char *ns_path[HK_CT_NS_MAX];
	/* Namespaces shared with the creator, bits 1 << HK_CT_NS_* (an OCI config that does not
	 * list them: the spec's "inherit the runtime's"; hako run: 0). Without its own mount
	 * namespace the rootfs is mounted on RUN/<id>/root in the creator's, with every mount
	 * of the container under it, and the init chroots into it (runc, crun); it is detached
	 * when the container is released (hk_ct_release). Without its own uts namespace the
	 * hostname is left as it is. */
	unsigned ns_share;
	/* NULL: hako's own cgroup (hako/<id>); else this path under each hierarchy's root (an
	 * OCI config's linux.cgroupsPath, recorded in the stored config: hk_ct_config_cgroup) */
	const char *cgroup_path;
	/* 0, or MS_SHARED, MS_SLAVE, MS_PRIVATE or MS_UNBINDABLE: the container's mounts get it
	 * (recursively) after pivot_root (linux.rootfsPropagation). Everything was made
	 * private before, so a shared root has no peer outside the container. */
	unsigned long root_propagation;
	/* an OCI config's `cgroup` mount: /sys/fs/cgroup made in the container (its cgroup
	 * namespace's view: each v1 hierarchy on a tmpfs, or the v2 tree); cgroup_mount_rw:
	 * read-write, else read-only. With a user namespace (v1 cannot be mounted there) the
	 * container's own cgroup directories are bound instead (hk_cgroup_trees), and likewise
	 * in the creator's cgroup namespace (ns_share), whose mounts would show the host's
	 * whole hierarchies (hk_ct_cgroup_binds). */
	bool cgroup_mount, cgroup_mount_rw;
	const struct hk_ct_device *devices; /* linux.devices: made in the container's /dev */
	size_t ndevices;
	int64_t shm_size;	   /* /dev/shm's size in bytes (--shm-size); 0: 64 MiB */
	const char *const *labels; /* --label KEY[=VALUE], kept in the stored config */
	size_t nlabels;
};

/* Whether an OCI config's cgroup mount binds the container's own cgroup directories
 * rather than mounting the hierarchies (a user namespace, or the creator's cgroup one). */
static inline bool hk_ct_cgroup_binds(const struct hk_ct_spec *spec)
{
	return spec->userns || (spec->ns_share & (1u << HK_CT_NS_CGROUP));
}

/* A device node made in the container's /dev (an OCI config's linux.devices). */
struct hk_ct_device {
	const char *path; /* "/dev/..." (checked: no "..", no empty component) */
	mode_t type;	  /* S_IFCHR, S_IFBLK or S_IFIFO */
	unsigned major, minor;
	mode_t mode; /* permission bits */
	uid_t uid;
	gid_t gid;
};

/* One namespaced sysctl (net.*, kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*), written
 * to the container's /proc/sys before its /proc is made read-only. */
struct hk_sysctl {
	const char *key; /* "net.ipv4.ping_group_range" */
	const char *value;
};

/* One resource limit of the main process (setrlimit). */
struct hk_rlimit {
	int resource;	  /* RLIMIT_* */
	const char *name; /* "RLIMIT_NOFILE", for messages */
	unsigned long long soft, hard;
};

/* A spawned container as seen by its parent. */
struct hk_ct_proc {
	pid_t pid;	     /* the init, in the caller's pid namespace */
	int report_fd;	     /* read side of the child's report pipe (EOF: command exec'ed) */
	int sync_fd;	     /* write side of the sync pipe: hk_ct_spawn_go() lets the init go on */
	uint64_t start_time; /* /proc/<pid>/stat field 22, to tell a reused pid */
};

/* spawn.c: clone the container's init (new namespaces; cgroup joined before it runs);
 * return once its mounts are in place (HK_STEP_READY read) or it failed. */
int hk_ct_spawn(const struct hk_ct_spec *spec, struct hk_ct_proc *ret, struct hk_err *err);
/* After spawn (and persisting the namespaces, which must happen while the init surely
 * lives): let the init start the command. */
int hk_ct_spawn_go(struct hk_ct_proc *p, struct hk_err *err);
/* After start: wait for the command's exec. 0: running; HK_STEP_EXEC failure: negative with
 * err set and *ret_status the status hako run exits with (126/127). */
int hk_ct_wait_exec(struct hk_ct_proc *p, int *ret_status, struct hk_err *err);
/* Decode a wait status like Docker: exit code, or 128+N for a signal. */
int hk_ct_exit_code(int wstatus);

/* spawn.c, after hk_ct_spawn and before hk_ct_spawn_go: wait until the main process has
 * applied its restrictions (it reports HK_STEP_PREPARED) or failed. */
int hk_ct_wait_prepared(struct hk_ct_proc *p, struct hk_err *err);

/* rootfs.c: open path (absolute, as realpath() made it) once: O_PATH, no symlink followed
 * (one swapped in after realpath() fails: ELOOP), a directory, not the host's /. */
int hk_rootfs_open(const char *path, struct hk_err *err);
/* Open a bind source the same way (any file type). */
int hk_bindsrc_open(const char *path, struct hk_err *err);
/* rootfs.c: in the child's new mount namespace, make every mount and pivot_root. trees:
 * the rootfs and bind sources as detached trees (userns.h), u->target_fd the run directory
 * to mount the rootfs on. */
int hk_rootfs_setup(const struct hk_ct_spec *spec, const struct hk_userns *trees,
		    struct hk_err *err);
/* rootfs.c, the parent, before clone: for an OCI config's cgroup mount with a user namespace,
 * the container's cgroup directory (spec->cgroup) of each hierarchy under /sys/fs/cgroup as a
 * detached tree into u (read-only unless spec->cgroup_mount_rw); the init attaches them. */
int hk_cgroup_trees(const struct hk_ct_spec *spec, struct hk_userns *u, struct hk_err *err);
/* RUN/ns: a private bind mount of itself while containers have namespaces bound in it (a
 * mount namespace file cannot be bound where the bind would propagate). hk_nsbase_hold makes
 * it so and returns a descriptor holding a shared lock on it: keep it open until the new
 * container's namespaces are bound (hk_ns_persist). hk_nsbase_release, after a container's
 * namespaces are gone, unmounts it when it is empty and nobody holds it. */
int hk_nsbase_hold(const char *dir, struct hk_err *err);
void hk_nsbase_release(const char *dir);
/* The same, as if going (a container's directory under it, whose namespaces are being
 * released) were gone already: true when dir was unmounted, going's mounts with it. */
bool hk_nsbase_release_but(const char *dir, const char *going);

/* Persist /proc/<pid>/ns/{...} under nsdir (bind mounts); remove them. */
int hk_ns_persist(pid_t pid, const char *nsdir, bool with_net, bool with_user, struct hk_err *err);
int hk_ns_unpersist(const char *nsdir, struct hk_err *err);
/* A foreground run --rm's namespaces, while its init holds them: nsdir a plain directory,
 * and, with a network namespace of its own, nsdir/net a symlink to its name under
 * /run/netns (netns_name, NULL: none). The others are /proc/<init>/ns/TYPE (hk_ct_join):
 * no mount to make, and none to take away (each umount waits for an RCU grace period).
 * hk_ns_lazy_rename points nsdir/net at a new name (nothing when it is bound). */
int hk_ns_persist_lazy(const char *nsdir, const char *netns_name, struct hk_err *err);
int hk_ns_lazy_rename(const char *nsdir, const char *netns_name, struct hk_err *err);

/* cgroup.c: create path (relative, e.g. "hako/<id>") in every hierarchy (v1 and v2);
 * move pid into it; remove it (killing what is left when force). */
int hk_cgroup_create(const char *path, struct hk_err *err);
int hk_cgroup_attach(const char *path, pid_t pid, struct hk_err *err);
int hk_cgroup_remove(const char *path, struct hk_err *err);
/* Joining path's cgroups at birth, without the RCU grace period a migration by pid waits
 * for: hk_cgjoin_open (before the clone) opens the v1 hierarchies' "tasks" files and the v2
 * directory; the child calls hk_cgjoin_self first thing (it moves itself, single-threaded,
 * into every v1 hierarchy), and the clone puts it into the v2 cgroup (clone3
 * CLONE_INTO_CGROUP with v2_fd; where clone3 cannot, the parent writes the pid into
 * v2_procs). */
#define HK_CGJOIN_MAX 16
struct hk_cgjoin {
	int fds[HK_CGJOIN_MAX]; /* v1: <hierarchy>/<path>/tasks, O_WRONLY */
	int n;
	int v2_fd; /* v2: the cgroup directory, or -1 */
	char v2_procs[HK_PATH_MAX + 32];
};
void hk_cgjoin_init(struct hk_cgjoin *j);
int hk_cgjoin_open(const char *path, struct hk_cgjoin *j, struct hk_err *err);
int hk_cgjoin_self(struct hk_cgjoin *j);
void hk_cgjoin_close(struct hk_cgjoin *j);
/* Freeze (pause) or thaw every process of path: the v1 freezer where it is mounted, else v2
 * cgroup.freeze; returns once the kernel reports it done (1 s at most). */
int hk_cgroup_freeze(const char *path, bool freeze, struct hk_err *err);
bool hk_cgroup_frozen(const char *path);
/* Before killing path's processes: thaw its freezer, and any of its processes frozen in
 * another v1 freezer cgroup (moved back into its own), so that SIGKILL reaches them all. */
void hk_cgroup_thaw_all(const char *path);
/* The pids in the container's cgroup (from the v2 or name=systemd/pids hierarchy). */
int hk_cgroup_pids(const char *path, pid_t **ret, size_t *ret_n, struct hk_err *err);

/* nsjoin.c: make the calling process a member of a running container: join its cgroup,
 * namespaces (from nsdir, else /proc/<init>/ns) and root (/proc/<init>/root), init_start
 * (its start time, 0: unchecked) telling that init is still the same process once they
 * are open. The caller must fork after this for the pid namespace to apply. */
int hk_ct_join(pid_t init, uint64_t init_start, const char *nsdir, const char *cgroup,
	       bool with_net, struct hk_err *err);

/* pty.c */
int hk_pty_open(int *ret_master, int *ret_slave, struct hk_err *err);
/* Make fd (a terminal) the controlling terminal and 0/1/2 of the calling process. */
int hk_pty_become(int slave, struct hk_err *err);
/* Copy between the caller's terminal (stdin/stdout) and master until the master hangs up
 * or child exits (sigfd readable on SIGCHLD). Raw mode on stdin if it is a terminal,
 * restored on return. SIGWINCH resizes master. */
int hk_pty_proxy(int master, bool forward_stdin, int sigfd, struct hk_err *err);
void hk_pty_copy_winsize(int from, int to);
/* Without -t the operator's terminal is never handed to a container (Docker proxies too):
 * for each of hako's 0, 1, 2 that is a terminal (0 only when in), a CLOEXEC pipe, child[i]
 * for the container, parent[i] for hako; -1 where hako's own fd is passed as it is. */
int hk_stdio_pipes(bool in, int child[3], int parent[3], struct hk_err *err);
/* Copy hako's terminal to parent[0] and parent[1], parent[2] to hako's 1, 2 until a signal
 * arrives on sigfd: returns its number (as hk_pty_proxy). Pipes at EOF are closed and set
 * to -1. hk_stdio_drain: after the process ended, what is left; closes them all. */
int hk_stdio_proxy(int fds[3], int sigfd, struct hk_err *err);
void hk_stdio_drain(int fds[3]);

/* ---- container.c: the lifecycle over the store ---- */

/* Open the store and reconcile it (below). */
int hk_ct_open(const struct hk_paths *p, struct hk_store **ret, struct hk_err *err);
/* Stale state after crashes or kill -9: a "creating" row whose hako died is removed with
 * everything it made; a "running" row whose init died (and whose monitor is gone) is
 * marked exited and its runtime (ns files, netns name, cgroup) released. */
int hk_ct_reconcile(struct hk_store *st, const struct hk_paths *p, struct hk_err *err);
/* Release the runtime of a stopped container: persisted namespaces, /run/netns name,
 * cgroup. Idempotent. */
int hk_ct_release(const struct hk_ct_row *r, const struct hk_paths *p, struct hk_err *err);
/* Release, then remove its files and its row. The init must be dead. */
int hk_ct_remove(struct hk_store *st, const struct hk_ct_row *r, const struct hk_paths *p,
		 struct hk_err *err);
/* Remove container id, named name, whose record cannot be read (hk_store_get: -EIO, a file
 * cut short by a crash or edited by hand): kill what runs in its cgroup (cgroup: the one the
 * record named, when the caller knows it from elsewhere; NULL: hako's own for id), then
 * hk_ct_remove, the record and its name included. */
int hk_ct_purge(struct hk_store *st, const struct hk_paths *p, const char *id, const char *name,
		const char *cgroup, struct hk_err *err);
/* Record the init's exit (the monitor's job): state exited, exit code, release. */
int hk_ct_finish(struct hk_store *st, struct hk_ct_row *r, const struct hk_paths *p, int exit_code,
		 struct hk_err *err);
/* Pause (freeze its cgroup) or unpause a running container: Docker's pause/unpause. A
 * container not running, already paused or not paused: -EINVAL with Docker's message. */
int hk_ct_pause(const struct hk_ct_row *r, bool pause, struct hk_err *err);
bool hk_ct_paused(const struct hk_ct_row *r);
/* The container's cgroup (relative to each hierarchy's root): the one its stored config
 * records (spec->cgroup_path, key "cgroup"), else hako's own, hako/<id> (hk_ct_cgroup). */
void hk_ct_row_cgroup(const struct hk_ct_row *r, char *buf, size_t len);
/* The processes of container id (its cgroup's pids: hako top), malloc'ed. */
int hk_ct_pids(const struct hk_ct_row *r, pid_t **ret, size_t *ret_n, struct hk_err *err);
/* Change the limits of a running (or OCI-created) container's cgroup: hako update, hako oci
 * update (hk_cglimits_update: only the fields set change). Not running: -EINVAL. The stored
 * config is not changed (ctconfig.h: hk_ct_update_limits does both). */
int hk_ct_update(const struct hk_ct_row *r, const struct hk_cglimits *l, struct hk_err *err);
/* The usage of container id's cgroup (hako stats; cglimits.h). */
int hk_ct_stats(const struct hk_ct_row *r, struct hk_cgstats *ret, struct hk_err *err);

#endif
