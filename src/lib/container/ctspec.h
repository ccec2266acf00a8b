/* SPDX-License-Identifier: MIT */
/* A container description's own rules: valid names and hostnames, and the defaults every
 * front door (hako run, libhako) gives a description before hk_ct_create: a fresh id, the
 * name and hostname from it, and the environment Docker gives (PATH, HOME, HOSTNAME, TERM
 * with a terminal) unless the caller set those keys. */
#ifndef HK_CTSPEC_H
#define HK_CTSPEC_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "container.h"

/* Zero spec and set each of its descriptors to -1 (none). */
void hk_ct_spec_init(struct hk_ct_spec *spec);
/* A container name as Docker takes it: [A-Za-z0-9][A-Za-z0-9_.-]*, up to HK_CT_NAME_MAX. */
bool hk_ct_name_valid(const char *s);
/* A hostname: dot-separated labels of 1..63 of [A-Za-z0-9-], not ending in '-', <= 64. */
bool hk_ct_hostname_valid(const char *s);
/* Fill spec->id (random), an empty name (the id's first 12 characters) and hostname (the
 * name, or the id when the name is no hostname), and merge the default environment before
 * the caller's env[0..*nenv) (heap strings, NULL-terminated; room for max + 1 entries; the
 * defaults are added while there is room). spec->env points at env. */
/* The --rootfs DIR of a description: resolved now (realpath into real, PATH_MAX bytes), a
 * directory, not the host's /, and opened once (hk_rootfs_open: every later step uses
 * spec->rootfs_fd, never the path). spec->rootfs points at real. */
int hk_ct_spec_rootfs(struct hk_ct_spec *spec, const char *path, char *real, struct hk_err *err);
/* A bind mount's host path: resolved now and opened once (m->host_fd), so a symlink swapped
 * into it later is refused, not followed. m->host points at path. */
int hk_ct_mount_source(struct hk_mountspec *m, char *path, struct hk_err *err);
int hk_ct_spec_defaults(struct hk_ct_spec *spec, char **env, size_t *nenv, size_t max,
			struct hk_err *err);

#endif
