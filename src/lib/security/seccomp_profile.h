/* SPDX-License-Identifier: MIT */
/* The in-memory seccomp profile shared by seccomp.c (compile), seccomp_json.c (parse) and
 * seccomp_default.c (the built-in table). Private to the library. */
#ifndef HK_SECCOMP_PROFILE_H
#define HK_SECCOMP_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "secfilter.h"

#define HK_SC_ARGS_MAX 6 /* syscall arguments */

enum hk_sc_op {
	HK_SC_NE = 1,
	HK_SC_LT,
	HK_SC_LE,
	HK_SC_EQ,
	HK_SC_GE,
	HK_SC_GT,
	HK_SC_MASKED_EQ, /* (arg & value) == value2 */
};

struct hk_sc_arg {
	unsigned index;
	enum hk_sc_op op;
	uint64_t value, value2;
};

/* "includes"/"excludes": capabilities (all of them for includes, any for excludes), Go-style
 * architecture names as a bit set of hk_sc_goarch, and a minimum kernel. */
struct hk_sc_filter {
	uint64_t caps;
	uint32_t arches;
	unsigned min_major, min_minor; /* 0.0: none */
};

struct hk_sc_rule {
	const char *const *names;
	size_t nnames;
	enum hk_sc_action action;
	int errno_ret; /* -1: not given (EPERM) */
	const struct hk_sc_arg *args;
	size_t nargs;
	struct hk_sc_filter inc, exc;
};

/* One archMap entry, libseccomp-style lower-case names ("x86_64", "x32"). An entry with an
 * empty arch holds a plain "architectures" list: all of it is added. */
struct hk_sc_archmap {
	const char *arch;
	const char *const *sub;
	size_t nsub;
};

struct hk_seccomp_profile {
	enum hk_sc_action default_action;
	int default_errno; /* -1: not given (EPERM) */
	const struct hk_sc_archmap *archmap;
	size_t narchmap;
	const struct hk_sc_rule *rules;
	size_t nrules;
	unsigned flags;
	void *owner; /* parsed profiles: storage freed by hk_seccomp_profile_free */
};

/* Go architecture names, as Docker profiles use them in includes/excludes. */
uint32_t hk_sc_goarch_bit(const char *name); /* 0 if unknown */
uint32_t hk_sc_goarch_native(void);

/* libseccomp architecture names accepted in "architectures"/"archMap" (without the
 * SCMP_ARCH_ prefix, lower case). */
bool hk_sc_arch_known(const char *name);

/* seccomp_tree.c: the syscall numbers allowed outright on one architecture (sorted,
 * distinct), put in front of libseccomp's program rest as a binary tree over their runs:
 * the architecture checked once, a hit returns ALLOW, anything else goes on to rest. ret's
 * filter is malloc'ed. -E2BIG: longer than BPF_MAXINSNS. */
struct hk_sc_fast {
	uint32_t arch; /* seccomp_data.arch (AUDIT_ARCH_*) */
	uint32_t *nr;
	size_t n;
	bool tree; /* the native one: a tree the kernel's action cache follows (else bitmaps) */
};
int hk_sc_tree_build(const struct hk_sc_fast *fast, size_t nfast, const struct sock_fprog *rest,
		     struct sock_fprog *ret);

/* hk_seccomp_compile is hk_seccomp_compile_as(..., HK_SC_FRONT_IF_SMALLER, ...); tests
 * compare the program with and without the front. */
enum hk_sc_front {
	HK_SC_FRONT_NEVER,	/* libseccomp's program alone */
	HK_SC_FRONT_IF_SMALLER, /* the front when that makes the program shorter */
	HK_SC_FRONT_ALWAYS,
};
int hk_seccomp_compile_as(const struct hk_seccomp_profile *p, uint64_t caps, enum hk_sc_front how,
			  struct hk_seccomp_prog *ret, struct hk_err *err);

#endif
