/* SPDX-License-Identifier: MIT */
/*
 * User namespaces for containers (`hako run --userns`, docs/parts/security.md):
 *   maps        "C:H:N" extents (container id C.. maps to host id H.., N ids), validated as
 *               the kernel would (no overlap inside or outside, no zero length, no id past
 *               4294967294, at most 340 lines) before anything is created;
 *   subids      the default range from /etc/subuid and /etc/subgid (user "hako", else
 *               "root");
 *   maps write  the parent writes /proc/PID/{uid_map,gid_map} of the cloned init ("deny" to
 *               setgroups only when the kernel asks for it: a writer without CAP_SETGID);
 *   idmapped    open_tree(OPEN_TREE_CLONE) + mount_setattr(MOUNT_ATTR_IDMAP) of a host tree
 *   mounts      with a user namespace carrying the same maps, made before clone (the fd is
 *               inherited by the init, which move_mount()s it); an overlay built on idmapped
 *               layers for image containers (overlayfs itself cannot be idmapped).
 */
#ifndef HK_USERNS_H
#define HK_USERNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"

#define HK_USERNS_MAP_MAX 340 /* lines the kernel accepts in uid_map/gid_map */
#define HK_USERNS_SRC_MAX 72
#define HK_USERNS_DEV_MAX 32
#define HK_USERNS_CG_MAX 24
#define HK_USERNS_DEFAULT_SUBUID "/etc/subuid"
#define HK_USERNS_DEFAULT_SUBGID "/etc/subgid"

struct hk_idmap_ext {
	uint32_t inside, outside, count;
};

struct hk_idmap {
	struct hk_idmap_ext ext[HK_USERNS_MAP_MAX];
	size_t n;
};

struct hk_userns {
	bool on;
	struct hk_idmap uid, gid;
	int idmap_fd;  /* a user namespace with these maps, for mount_setattr (-1: none yet) */
	int root_fd;   /* the rootfs as an idmapped detached tree (-1: bind the path as is) */
	int target_fd; /* in the init: the rootfs directory, opened before the id change */
	/* bind sources opened (O_PATH) by the parent before clone: container root may not
	 * be allowed to look them up (a 0700 run directory) */
	struct {
		char *path;
		int fd;
	} src[HK_USERNS_SRC_MAX];
	size_t nsrc;
	/* device nodes (an OCI config's linux.devices) made by the parent, each a detached
	 * tree of one file: mknod is refused in a user namespace; dev_fd[i] is devices[i]'s */
	int dev_fd[HK_USERNS_DEV_MAX];
	size_t ndev;
	/* an OCI config's cgroup mount: the container's own cgroup directory of each hierarchy
	 * mounted under /sys/fs/cgroup (name: its mount's name there, "" for a v2-only host),
	 * detached; v1 hierarchies cannot be mounted in a user namespace */
	struct {
		char name[64];
		int fd;
	} cg[HK_USERNS_CG_MAX];
	size_t ncg;
};

void hk_userns_init(struct hk_userns *u);
void hk_userns_close(struct hk_userns *u);

/* "C:H:N" (decimal) into *ret; usage error on anything else or N == 0. */
int hk_idmap_parse_ext(const char *s, struct hk_idmap_ext *ret, struct hk_err *err);
/* Append one parsed extent (usage error past HK_USERNS_MAP_MAX). */
int hk_idmap_add(struct hk_idmap *m, const char *s, const char *what, struct hk_err *err);
/* The kernel's rules: 1..340 extents, N > 0, no id beyond 4294967294, no two extents
 * overlapping inside or outside; and container id 0 must be mapped (the init becomes it).
 * what names the map in the message ("--uidmap"). */
int hk_idmap_validate(const struct hk_idmap *m, const char *what, struct hk_err *err);
/* Host id of container id `in`, or -1 when unmapped. */
int64_t hk_idmap_to_host(const struct hk_idmap *m, uint32_t in);
/* "C:H:N[,C:H:N...]" into buf; the uid_map text ("C H N\n" lines) into buf. */
void hk_idmap_format(const struct hk_idmap *m, char *buf, size_t len);
size_t hk_idmap_kernel_text(const struct hk_idmap *m, char *buf, size_t len);

/* One line of /etc/subuid ("name:start:count"): 1 when it is name's, 0 when another's
 * or a comment/blank, usage error when malformed (line number in the message). */
int hk_subid_parse_line(const char *line, const char *name, uint32_t *ret_start,
			uint32_t *ret_count);
/* The first range of name in file (then of fallback, when not NULL): 0 and *ret_who set,
 * -ENOENT when neither has one (or the file does not exist). */
int hk_subid_lookup(const char *file, const char *name, const char *fallback, uint32_t *ret_start,
		    uint32_t *ret_count, const char **ret_who, struct hk_err *err);
/* No explicit map: container 0.. maps to the subordinate range of "hako" (else "root")
 * from subuid/subgid; a usage error naming the line to add when there is none. */
int hk_userns_default(struct hk_userns *u, const char *subuid, const char *subgid,
		      struct hk_err *err);

/* Parent of a freshly cloned init (blocked on its sync pipe): write its gid_map and
 * uid_map. */
int hk_userns_write_maps(pid_t pid, const struct hk_userns *u, struct hk_err *err);
/* The init (or an exec'ed process) inside the namespace: become container root (ids 0,
 * no supplementary groups unless keep_groups: the creator's stay, hk_ct_spec.keep_groups).
 * Keeps the capabilities (they are the namespace's now). */
int hk_userns_become_root(bool keep_groups, struct hk_err *err);
/* A user namespace with u's maps (a short-lived helper's), as u->idmap_fd. */
int hk_userns_make_fd(struct hk_userns *u, struct hk_err *err);
/* The tree at dirfd (>= 0; path only names it in errors) or at path (recursive) as a
 * detached idmapped mount: *ret_fd for move_mount. An error names the path and its
 * filesystem when that filesystem cannot be idmapped. */
int hk_userns_idmap_tree(const struct hk_userns *u, int dirfd, const char *path, int *ret_fd,
			 struct hk_err *err);
/* Before clone, for --rootfs: an idmapped tree of rootfs in u->root_fd, unless the rootfs
 * is already owned by the host id of container root (chowned into the range: bound as it
 * is). */
int hk_userns_prepare_rootfs(struct hk_userns *u, int rootfs_fd, const char *rootfs,
			     struct hk_err *err);
/* In the init's mount namespace: put the rootfs tree (u->root_fd) on u->target_fd (the
 * container's run directory, opened by the init; target names it in errors). ret_root is
 * then "/proc/self/fd/N", the path to use for the root from now on: nothing is looked up
 * by the rootfs's own path again (container root may not even be allowed to look up its
 * parents, e.g. a 0700 state directory). */
int hk_userns_mount_root(const struct hk_userns *u, const char *target, char *ret_root, size_t len,
			 struct hk_err *err);
/* Parent, before clone: path as a detached tree (open_tree OPEN_TREE_CLONE, idmapped when
 * idmap, read-only when ro), for the init to move_mount (a bind from a path would need the
 * lookup rights of container root, and an fd of the parent's mount namespace cannot be
 * bound). */
int hk_userns_open_src(struct hk_userns *u, int fd, const char *path, bool ro, bool idmap,
		       struct hk_err *err);
/* A detached copy (open_tree OPEN_TREE_CLONE, recursive, close-on-exec) of the directory or
 * file dirfd (>= 0) or, when dirfd < 0, of path. fd or -1 with errno. */
int hk_tree_clone(int dirfd, const char *path);
/* The rootfs's tree is u->root_fd; the bind sources are looked up by path: */
/* The tree opened for path, -1 when none (or u NULL). */
int hk_userns_src_fd(const struct hk_userns *u, const char *path);
/* The tree opened for the nth (from 0) source opened with path: a source bound twice has a
 * tree per bind (each with its own read-only flag). */
int hk_userns_src_fd_nth(const struct hk_userns *u, const char *path, size_t nth);
void hk_userns_close_trees(struct hk_userns *u);
/* Image containers: overlay of lowers (top first) with upper/work, every layer an
 * idmapped mount, created with container root's filesystem ids so the upper layer is
 * written in the image's ids; mounted on target. */
int hk_userns_overlay(const struct hk_userns *u, char *const *lowers, const char *upper,
		      const char *work, const char *target, struct hk_err *err);

/* ctroot_userns.c: hk_ctroot_mount (image.h) for a --userns container: the overlay on
 * idmapped layers (hk_userns_overlay). */
struct hk_images;
int hk_ctroot_mount_userns(struct hk_images *im, const char *ct, const char *image_id,
			   const struct hk_userns *u, struct hk_err *err);

#endif
