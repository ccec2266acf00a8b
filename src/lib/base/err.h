/* SPDX-License-Identifier: MIT */
/*
 * Errors in hako: every fallible function returns int (>= 0 success, negative errno on
 * failure) and fills a caller-provided struct hk_err.  The message buffer is fixed-size so
 * it works under OOM and after clone(); layers prefix context on the way up:
 *   netns 'lab1': link 'v0': create: File exists (kernel: ...)
 */
#ifndef HK_ERR_H
#define HK_ERR_H

#include <stddef.h>

#define HK_ERR_MSG_MAX 512
#define HK_ERR_EXTACK_MAX 128

/* Classes of failure, mapped by the CLI onto documented exit statuses. */
enum hk_err_class {
	HK_ERR_FAILED = 1,	/* the operation failed (exit 1) */
	HK_ERR_USAGE = 2,	/* bad input: nothing was changed (exit 2) */
	HK_ERR_UNSUPPORTED = 3, /* the kernel lacks the feature (exit 3) */
	HK_ERR_PERM = 4,	/* not permitted: not root / missing capability (exit 4) */
	HK_ERR_NOTFOUND = 5,	/* the named object does not exist (exit 5) */
};

struct hk_err {
	int code;		  /* negative errno, 0 when unset */
	enum hk_err_class cls;	  /* class used for the exit status */
	char msg[HK_ERR_MSG_MAX]; /* one line, no trailing newline */
	/* the kernel's extended-ack text (netlink), also shown in msg as "(kernel: ...)";
	 * "" when none. Code that explains an error reads it here, never out of msg. */
	char extack[HK_ERR_EXTACK_MAX];
};

/* Set err to code (negative errno) with a printf-style message; returns code. The errno
 * text is NOT appended: use hk_err_sys() for that. Class is derived from code. */
int hk_err_set(struct hk_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like hk_err_set() but appends ": <strerror(-code)>". */
int hk_err_sys(struct hk_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Bad input: class HK_ERR_USAGE, code -EINVAL. */
int hk_err_usage(struct hk_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prefix context "<prefix>: " to the existing message; returns err->code. */
int hk_err_prefix(struct hk_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Override the class (e.g. HK_ERR_UNSUPPORTED for EOPNOTSUPP on a missing link kind). */
void hk_err_class_set(struct hk_err *err, enum hk_err_class cls);

void hk_err_clear(struct hk_err *err);

/* The default class for a negative errno. */
enum hk_err_class hk_err_class_of(int code);

#endif
