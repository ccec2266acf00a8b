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

#endif
