/* SPDX-License-Identifier: MIT */
/*
 * Who may change hako's own state. Whatever is in STATE and RUN is believed: the database
 * holds each container's security configuration (which `exec` applies again), STATE/seccomp
 * holds compiled filters loaded as they are. So a directory or file there is used only if
 * nobody but root (or hako's own effective uid) could have written it: owned by uid 0 or
 * the euid, and not writable by group or others. The directories above STATE and RUN count
 * too (whoever can write one can rename what is below it), with one exception: a
 * world-writable directory with the sticky bit (/tmp), where others cannot rename or delete
 * what they do not own. Refusals are permission errors (class HK_ERR_PERM, exit 4):
 *   state directory '/srv/h/state': writable by group or others (mode 0777); fix with chmod go-w
 * The same rule as sudo's and sshd's (StrictModes) for the files they trust.
 */
#ifndef HK_TRUST_H
#define HK_TRUST_H

#include <stdbool.h>
#include <sys/stat.h>

#include "base/err.h"

/* st (of a file named path, called what in errors: "state directory") may be trusted:
 * owned by root or the euid, not writable by group or others (sticky directories are
 * allowed that when sticky_ok). want_dir: a directory, else a regular file. */
int hk_trust_stat(const struct stat *st, const char *what, const char *path, bool want_dir,
		  bool sticky_ok, struct hk_err *err);

/* The directory path and every directory above it, after resolving symlinks (the real
 * path is what is checked): path itself by the strict rule, its ancestors allowed the
 * sticky exception. */
int hk_trust_dir_tree(const char *path, const char *what, struct hk_err *err);

/* An existing directory (following symlinks) by the strict rule; -ENOENT is returned
 * without an error message set when missing_ok. */
int hk_trust_dir(const char *path, const char *what, bool missing_ok, struct hk_err *err);

/* An open file: regular, by the strict rule. */
int hk_trust_fd(int fd, const char *what, const char *path, struct hk_err *err);

#endif
