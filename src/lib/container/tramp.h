/* SPDX-License-Identifier: MIT */
/*
 * The exec trampoline (CVE-2019-5736): a container's command is not exec'ed by hako's code
 * directly but by a tiny static program (src/tramp/tramp.c, embedded in hako) run from a
 * sealed memfd. Anything in the container that reaches "/proc/self/exe" during that exec
 * (a `#!/proc/self/exe` script) gets the sealed trampoline, never the hako file, and the
 * trampoline refuses to run unless hako started it.
 *
 * Protocol: argv = { HK_TRAMP_MAGIC, "<report fd>", CMD, ARGS..., NULL }. The trampoline
 * sets FD_CLOEXEC on the report fd, runs CMD like execvp(3) (PATH search, EACCES and
 * ENOEXEC handling as glibc) and on failure writes one struct hk_exec_report with step
 * HK_STEP_EXEC, err.code the negative errno, err.cls 0 and msg "exec 'CMD'"; the reader
 * completes it with hk_exec_report_finish(). Exit 127 (ENOENT) or 126.
 */
#ifndef HK_TRAMP_H
#define HK_TRAMP_H

#include "base/err.h"

#define HK_TRAMP_MAGIC "hako-trampoline-7c1e"

struct hk_exec_report {
	int step; /* enum hk_step */
	struct hk_err err;
};

#ifndef HK_TRAMP_FREESTANDING
#include <stddef.h>

/* A sealed (WRITE, SHRINK, GROW, SEAL), close-on-exec memfd holding bytes (a program that
 * is then exec'ed with execveat(fd, "", ..., AT_EMPTY_PATH)). */
int hk_sealed_memfd(const char *name, const unsigned char *bytes, size_t len, struct hk_err *err);

/* A sealed (WRITE, SHRINK, GROW, SEAL), close-on-exec memfd holding the trampoline: made
 * once per hako process, before the clone/fork whose child runs the command. */
int hk_tramp_open(struct hk_err *err);

/* The child's last step: exec argv (with envp) through the trampoline in tramp_fd. Returns
 * only on failure (negative errno, err set: a set-up failure, not the command's). */
int hk_tramp_exec(int tramp_fd, int report_fd, char *const argv[], char *const envp[],
		  struct hk_err *err);

/* The child -> parent failure report, the one copy of it: {step, err} in one write on a
 * CLOEXEC pipe (EOF: the command was exec'ed). recv: 1 a report, 0 EOF, -EIO a short one. */
void hk_exec_report_send(int fd, int step, const struct hk_err *err);
int hk_exec_report_recv(int fd, struct hk_exec_report *m);

/* A report the trampoline wrote (err->cls 0): complete the message exactly as hako's own
 * "exec 'CMD': ..." errors and set the class. Other reports are left alone. */
void hk_exec_report_finish(struct hk_err *err);
#endif

#endif
