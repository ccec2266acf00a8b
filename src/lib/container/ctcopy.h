/* SPDX-License-Identifier: MIT */
/*
 * hako cp: files and directories between a container and the host, as `docker cp`.
 *
 * Every path inside the container is resolved through descriptors, with the container's root
 * as "/": the root is a descriptor (a running container's /proc/<init>/root, so its volumes
 * and tmpfs mounts are seen as its processes see them; a stopped one's rootfs, an image
 * container's root mounted again; a --userns one's rootfs, running or not: the files there
 * carry the container's own ids, its idmapped view takes no host root's file), and each path below
 * it is opened with openat2 RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS. So a symlink planted in the
 * container — absolute
 * ("/etc"), climbing ("../../.."), or a /proc magic link (/proc/self/root, /proc/1/cwd) — is
 * resolved inside the container or refused (ELOOP), never followed to the host. Below the
 * resolved top, trees are copied with hk_tree_copy (fstree.h: every name opened relative to
 * its parent's descriptor, O_NOFOLLOW; symlinks copied as symlinks). Needs openat2
 * (Linux >= 5.6): without it, -ENOSYS (exit 3).
 *
 * Docker's rules: a file onto a missing name creates it, onto a file replaces it, into a
 * directory keeps its base name; "DEST/" must be an existing directory; a directory onto a
 * missing name creates it, into a directory is copied as a subdirectory, and "SRC/." copies
 * its content; a directory onto a file is refused. The source's last component is copied as
 * it is when it is a symlink, followed (inside the container) with follow (-L). Owners: the
 * source's with archive (-a), else root's (uid 0, gid 0).
 */
#ifndef HK_CTCOPY_H
#define HK_CTCOPY_H

#include <stdbool.h>

#include "base/err.h"
#include "store.h"

struct hk_ctcp_opts {
	bool archive; /* -a: keep the source's owners */
	bool follow;  /* -L: follow a symlink named as the source */
};

/* Open ct's root as an O_PATH directory descriptor (above). fd or negative errno. */
int hk_ctcp_root(struct hk_store *st, const struct hk_paths *p, const struct hk_ct_row *c,
		 struct hk_err *err);

/* Copy ct_path (as seen in the container) to host_path, or host_path to ct_path. */
int hk_ctcp_from(int root_fd, const char *ct_path, const char *host_path,
		 const struct hk_ctcp_opts *o, struct hk_err *err);
int hk_ctcp_to(int root_fd, const char *host_path, const char *ct_path,
	       const struct hk_ctcp_opts *o, struct hk_err *err);

/* docker cp's "-": ct_path as a tar on out_fd (hkarchive.h's writer, never following a
 * symlink), as Docker writes it: the entry itself under its name (a file, a symlink, or a
 * directory with its tree: "etc/", "etc/passwd"); "DIR/." and "/": the directory's content,
 * names relative to it. Or the tar on in_fd extracted into the directory ct_path
 * (hkarchive.h's hostile-input extraction, every parent opened beneath that directory
 * without following symlinks; owners kept): a file there is -ENOTDIR. */
int hk_ctcp_tar_out(int root_fd, const char *ct_path, int out_fd, struct hk_err *err);
int hk_ctcp_tar_in(int root_fd, int in_fd, const char *ct_path, struct hk_err *err);

#endif
