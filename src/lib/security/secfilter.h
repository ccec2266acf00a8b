/* SPDX-License-Identifier: MIT */
/*
 * seccomp for a container's process.
 *
 *   profile   what to allow: the built-in default (Docker's default profile in effect: an
 *             allowlist, everything else ERRNO(EPERM), rules that depend on the capability
 *             set and on the architecture), or a file in Docker's JSON format
 *             (--security-opt seccomp=FILE); "unconfined" is simply no profile.
 *   compile   profile + capability set -> a classic BPF program (libseccomp, exported to
 *             memory, behind a front that allows the plain allowlist through a binary tree
 *             over runs of syscall numbers: half the instructions, and installing costs per
 *             instruction; seccomp_tree.c). It costs about a millisecond, so a
 *             hk_seccomp_cache compiles once per distinct set of the capabilities the profile
 *             looks at, and hands back the same ready program afterwards.
 *   apply     in the child, right before execve: one seccomp(SECCOMP_SET_MODE_FILTER) call.
 *
 * Only seccomp.c uses libseccomp (seccomp_tree.c only emits instructions); only
 * seccomp_json.c uses json-c.
 */
#ifndef HK_SECCOMP_H
#define HK_SECCOMP_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct hk_seccomp_profile;

enum hk_sc_action {
	HK_SC_KILL_THREAD = 1, /* SCMP_ACT_KILL, SCMP_ACT_KILL_THREAD */
	HK_SC_KILL_PROCESS,
	HK_SC_TRAP,
	HK_SC_ERRNO,
	HK_SC_TRACE,
	HK_SC_LOG,
	HK_SC_ALLOW,
	HK_SC_NOTIFY, /* SCMP_ACT_NOTIFY: a seccomp agent decides (the profile's listenerPath) */
};

/* A summary, for tests and for `hako` to show. */
struct hk_seccomp_info {
	enum hk_sc_action default_action;
	int default_errno;  /* for ERRNO/TRACE */
	size_t nrules;	    /* syscalls[] entries */
	size_t nnames;	    /* syscall names over all rules */
	unsigned flags;	    /* SECCOMP_FILTER_FLAG_* */
	uint64_t caps_used; /* capabilities some rule depends on */
};

/* The built-in default profile. Static: freeing it is a no-op. */
const struct hk_seccomp_profile *hk_seccomp_profile_default(void);

/* Parse a Docker-format JSON profile held in memory; origin names it in errors
 * ("seccomp profile FILE: line 3, column 7: ..." or "...: syscalls[2].action: ..."). Errors
 * are usage errors (exit 2). */
int hk_seccomp_profile_parse(const char *text, size_t len, const char *origin,
			     struct hk_seccomp_profile **ret, struct hk_err *err);

/* Read and parse a profile file. */
int hk_seccomp_profile_load(const char *path, struct hk_seccomp_profile **ret, struct hk_err *err);
/* Read a profile file's text (a regular file, at most 4 MiB) into a malloc'ed,
 * NUL-terminated buffer, for callers that parse it and keep the very bytes they parsed
 * (`hako run` stores them with the container, so `exec` never reads the file again). */
int hk_seccomp_profile_read(const char *path, char **ret_text, size_t *ret_len, struct hk_err *err);

void hk_seccomp_profile_free(const struct hk_seccomp_profile *p);
static inline void hk_seccomp_profile_freep(struct hk_seccomp_profile **p)
{
	hk_seccomp_profile_free(*p);
}
#define _cleanup_seccomp_profile_ __attribute__((cleanup(hk_seccomp_profile_freep)))

void hk_seccomp_profile_info(const struct hk_seccomp_profile *p, struct hk_seccomp_info *ret);

/* A compiled filter, ready for the kernel. */
struct hk_seccomp_prog {
	struct sock_fprog fprog; /* .filter is owned */
	unsigned flags;		 /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
	uint64_t key;		 /* caps & caps_used it was compiled for */
};

/* Compile p for the capability set caps (includes/excludes by capability), this machine's
 * architecture (+ its sub-architectures, as Docker's archMap) and kernel (minKernel).
 * Unknown syscall names are skipped, as Docker does (they belong to other architectures or
 * newer kernels). Fills ret; release with hk_seccomp_prog_release(). */
int hk_seccomp_compile(const struct hk_seccomp_profile *p, uint64_t caps,
		       struct hk_seccomp_prog *ret, struct hk_err *err);
void hk_seccomp_prog_release(struct hk_seccomp_prog *prog);
/* A program allowing only the named system calls (names unknown on this architecture are
 * skipped); every other call fails with EPERM. For hako's container init (initbin.c), whose
 * loop needs a handful: it is built, and libseccomp's context freed, before the filter is
 * installed with hk_seccomp_apply(), so nothing allocates under a filter that refuses mmap. */
int hk_seccomp_allowlist(const char *const *names, size_t n, struct hk_seccomp_prog *ret,
			 struct hk_err *err);
/* libseccomp's run-time version, "2.5.4" (part of the on-disk cache key). */
void hk_seccomp_lib_version(char *buf, size_t len);

/* Compile once, reuse: programs keyed by the capability bits the profile looks at. The cache
 * does not own the profile, which must outlive it. */
struct hk_seccomp_cache;
int hk_seccomp_cache_new(const struct hk_seccomp_profile *p, struct hk_seccomp_cache **ret,
			 struct hk_err *err);
int hk_seccomp_cache_get(struct hk_seccomp_cache *c, uint64_t caps,
			 const struct hk_seccomp_prog **ret, struct hk_err *err);
void hk_seccomp_cache_free(struct hk_seccomp_cache *c);
static inline void hk_seccomp_cache_freep(struct hk_seccomp_cache **c)
{
	hk_seccomp_cache_free(*c);
}
#define _cleanup_seccomp_cache_ __attribute__((cleanup(hk_seccomp_cache_freep)))

/* In the child, as the last step before execve: install prog. Needs no_new_privs set or
 * CAP_SYS_ADMIN. One system call, no allocation. 0, or with SECCOMP_FILTER_FLAG_NEW_LISTENER
 * (a profile's listenerPath) the filter's notification fd (> 0, close-on-exec). */
int hk_seccomp_apply(const struct hk_seccomp_prog *prog, struct hk_err *err);

#endif
