/* SPDX-License-Identifier: MIT */
/*
 * A child process whose last line on stderr is the error: what a lab runs for a node (an
 * exec line, a container's `hako run -d`).
 */
#ifndef HK_BASE_CHILD_H
#define HK_BASE_CHILD_H

#include "base/err.h"

/* Run fn(arg) in a forked child with stdin and stdout on /dev/null, stderr a pipe and no
 * other descriptor of this process (fn exits or execs; returning is status 127). 0 when it
 * exits 0; else -EIO with err "what: LINE", LINE its last stderr line without a leading
 * "hako: " ("failed" when it said nothing). */
int hk_child_run(void (*fn)(void *), void *arg, const char *what, struct hk_err *err);

#endif
