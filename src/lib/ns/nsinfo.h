/* SPDX-License-Identifier: MIT */
/*
 * Namespace inspection and entry for every namespace type (lsns and nsenter, as a library).
 *
 *  - hk_ns_list(): one entry per namespace on the system, found through the links under
 *    /proc/PID/ns/ of every process, plus namespaces persisted by a bind mount of an nsfs file (fs
 * type "nsfs" in /proc/self/mountinfo, e.g. /run/netns/NAME) that no process is in, and optionally
 * namespaces held only by an open fd (/proc/PID/fd/N -> "net:[...]").
 *  - hk_ns_show(): the links under /proc/PID/ns/ of one process, compared with the initial
 *    namespaces.
 *  - hk_ns_enter_*(): nsenter's plan -> apply: every namespace fd is opened and checked
 *    first (bad input changes nothing), then setns() in nsenter's order.
 *
 * The pure parsers (hk_ns_link_parse, hk_mountinfo_parse_line, hk_ns_persist_name) need no
 * kernel state and are unit-tested.
 */
#ifndef HK_NSINFO_H
#define HK_NSINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"

/* Namespace types, in the order lsns sorts its TYPE names (cgroup ipc mnt ...). */
enum hk_ns_type {
	HK_NS_CGROUP,
	HK_NS_IPC,
	HK_NS_MNT,
	HK_NS_NET,
	HK_NS_PID,
	HK_NS_TIME,
	HK_NS_USER,
	HK_NS_UTS,
	HK_NS_NTYPES,
};

#define HK_NS_ALL_TYPES ((1u << HK_NS_NTYPES) - 1)

/* "net", "mnt", ... (the names lsns prints and /proc/PID/ns/ uses). */
const char *hk_ns_type_name(enum hk_ns_type t);
/* The CLONE_NEW* flag of a type. */
int hk_ns_type_clone_flag(enum hk_ns_type t);
/* Type from its name ("mount" is accepted for mnt, as nsenter spells it). Unknown: -EINVAL
 * with a usage error listing the known types. */
int hk_ns_type_parse(const char *s, enum hk_ns_type *ret, struct hk_err *err);
/* Type from a CLONE_NEW* flag (as NS_GET_NSTYPE returns); -1 if none. */
int hk_ns_type_from_clone_flag(int flag);

/* ---- pure parsers ------------------------------------------------------------------- */

/* Parse an nsfs link text "net:[4026531840]" (readlink of /proc/PID/ns/net, of an fd on
 * an nsfs file, or the root field of an nsfs mount). The prefix may be any of the types.
 * Returns 0, or -EINVAL if s is not such a text. */
int hk_ns_link_parse(const char *s, enum hk_ns_type *ret_type, uint64_t *ret_ino);

/* One line of /proc/PID/mountinfo, split in place. Escapes (\040 etc.) are decoded in
 * root and mount_point. */
struct hk_mountinfo_ent {
	char *root;	   /* field 4: root of the mount within its filesystem */
	char *mount_point; /* field 5 */
	char *fstype;	   /* first field after the " - " separator */
	char *source;	   /* second field after " - " */
};
/* Returns 0, or -EINVAL if the line is malformed. line is modified. */
int hk_mountinfo_parse_line(char *line, struct hk_mountinfo_ent *ret);

/* The persisted name of a namespace bind mount at path: "/run/netns/NAME" -> "NAME" (a
 * pointer into path); any other path: NULL (the path itself names it). */
const char *hk_ns_persist_name(const char *path);

/* ---- listing ------------------------------------------------------------------------ */

struct hk_ns_list_opts {
	unsigned types; /* bit mask of 1u << enum hk_ns_type; 0 means all */
	pid_t pid;	/* > 0: only the namespaces of this process */
	bool fds;	/* also scan /proc/PID/fd for namespaces held only by open fds */
	bool nsids;	/* fill netnsid (an rtnetlink query per network namespace) */
};

struct hk_ns_entry {
	uint64_t ino;
	enum hk_ns_type type;
	unsigned nprocs; /* processes in it; 0 for bind-mount or fd-only namespaces */
	pid_t pid;	 /* lowest PID in it, 0 if none */
	uid_t uid;	 /* owner of that process */
	char *command;	 /* its command line (args joined by spaces), NULL if none */
	char **paths;	 /* nsfs bind mounts of it (mount points), sorted */
	size_t npaths;
	pid_t fd_pid; /* with opts.fds: a process holding an fd on it (lowest), else 0 */
	int netnsid;  /* with opts.nsids, a network namespace: its id as the caller's namespace
		       * knows it (RTM_GETNSID, lsns's NETNSID); -1 unassigned or not asked */
};

/* Every namespace, sorted by inode. Processes that vanish or cannot be read are skipped
 * (as lsns does). opts.pid that does not exist: -ESRCH, "process N does not exist".
 * Free with hk_ns_list_free(). */
int hk_ns_list(const struct hk_ns_list_opts *opts, struct hk_ns_entry **ret, size_t *ret_n,
	       struct hk_err *err);
void hk_ns_list_free(struct hk_ns_entry *e, size_t n);

/* nsfs bind mounts in /proc/self/mountinfo. Free with hk_ns_binds_free(). */
struct hk_ns_bind {
	enum hk_ns_type type;
	uint64_t ino;
	char *path;
};
int hk_ns_binds(struct hk_ns_bind **ret, size_t *ret_n, struct hk_err *err);
void hk_ns_binds_free(struct hk_ns_bind *b, size_t n);

/* ---- one process -------------------------------------------------------------------- */

struct hk_ns_link {
	char file[24]; /* "net", "pid_for_children", ... (the name under /proc/PID/ns) */
	enum hk_ns_type type;
	uint64_t ino;
	bool init_known;       /* the initial namespace of this type could be read */
	bool shared_with_init; /* same namespace as the initial one (valid if init_known) */
};

/* The links under /proc/PID/ns/ of pid (0: self), sorted by file name. The initial namespaces
 * are read from PID 1, or from PID 2 when it is kthreadd and PID 1 is unreadable (kernel
 * threads always run in the initial namespaces). Unknown pid: -ESRCH. Caller frees. */
int hk_ns_show(pid_t pid, struct hk_ns_link **ret, size_t *ret_n, struct hk_err *err);

/* ---- entering (nsenter) ------------------------------------------------------------- */

struct hk_ns_enter {
	/* input: fill before hk_ns_enter_prepare() */
	pid_t target;			/* -t PID, 0 if none */
	bool want[HK_NS_NTYPES];	/* namespace requested */
	const char *path[HK_NS_NTYPES]; /* its file, NULL: /proc/TARGET/ns/TYPE */
	bool all;			/* every namespace of target differing from ours */
	bool root;			/* -r: chroot to target's root ... */
	const char *root_path;		/* ... or this directory */
	bool wd;			/* -w: chdir to target's cwd ... */
	const char *wd_path;		/* ... or this directory */

	/* state: filled by prepare */
	int fd[HK_NS_NTYPES];
	int root_fd, wd_fd;
	int self_pid_fd; /* our own pid and mount namespaces, to go back to after the fork */
	int self_mnt_fd;
};

/* Zero the plan and set every fd to -1. */
void hk_ns_enter_init(struct hk_ns_enter *e);
/* Open every namespace file and directory, check each file is a namespace of the right
 * type. Changes nothing in the calling process; on error all fds are closed. A namespace
 * identical to the caller's is dropped for --all (and for user, where setns would fail
 * with EINVAL). Returns the number of namespaces to enter. */
int hk_ns_enter_prepare(struct hk_ns_enter *e, struct hk_err *err);
/* A pid namespace is entered: the caller must fork so that its child runs inside. */
bool hk_ns_enter_needs_fork(const struct hk_ns_enter *e);
/* In the parent after the fork: make the children's pid namespace our own again, so
 * that nothing else the parent clones (a sanitizer's helper, say) lands in the entered
 * one, and go back to our mount namespace when permitted (our own /proc again). Closes
 * self_pid_fd and self_mnt_fd. */
int hk_ns_enter_parent_reset(struct hk_ns_enter *e, struct hk_err *err);
/* setns() in nsenter's order (user first when it raises privilege, else last; mnt and
 * time near the end); after a user namespace: uid/gid 0 and no supplementary groups; then
 * root and working directory. Closes the fds (self_pid_fd stays open when a pid namespace was
 * entered: see hk_ns_enter_parent_reset). */
int hk_ns_enter_apply(struct hk_ns_enter *e, struct hk_err *err);
/* Close whatever prepare opened (safe to call twice). */
void hk_ns_enter_done(struct hk_ns_enter *e);

/* The type and inode of an open namespace file (NS_GET_NSTYPE + fstat). */
int hk_ns_fd_identify(int fd, enum hk_ns_type *ret_type, uint64_t *ret_ino);

#endif
