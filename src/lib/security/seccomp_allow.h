/* SPDX-License-Identifier: MIT */
#ifndef HK_SECCOMP_ALLOW_H
#define HK_SECCOMP_ALLOW_H

#include <stddef.h>

#include "base/err.h"

/* Install a filter allowing only the named system calls (names unknown on this architecture
 * are skipped); every other call fails with EPERM. Sets no_new_privs (libseccomp's default). */
int hk_seccomp_load_allowlist(const char *const *names, size_t n, struct hk_err *err);

#endif
