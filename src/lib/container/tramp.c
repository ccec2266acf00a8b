// SPDX-License-Identifier: MIT
/*
 * hako's side of the exec trampoline (tramp.h): the sealed memfd, the exec through it, and
 * completing the trampoline's failure report. The trampoline's bytes come from
 * src/tramp/tramp.c, compiled freestanding and turned into hk_tramp_bin by meson.
 */
#include "tramp.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "container.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

extern const unsigned char hk_tramp_bin[];
extern const size_t hk_tramp_bin_len;

_Static_assert(HK_STEP_EXEC == 2 && HK_EXIT_NOEXEC == 126 && HK_EXIT_NOTFOUND == 127,
	       "src/tramp/tramp.c hard-codes these");

int hk_sealed_memfd(const char *name, const unsigned char *bytes, size_t len, struct hk_err *err)
{
	int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (fd < 0 && errno == EINVAL) /* kernels before 6.3 know no MFD_EXEC */
		fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return hk_err_sys(err, -errno, "memfd_create for %s", name);
	size_t off = 0;
	while (off < len) {
		ssize_t k = write(fd, bytes + off, len - off);
		if (k <= 0) {
			int e = k < 0 ? -errno : -EIO;
			close(fd);
			return hk_err_sys(err, e, "write %s", name);
		}
		off += (size_t)k;
	}
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0) {
		int e = -errno;
		close(fd);
		return hk_err_sys(err, e, "seal %s", name);
	}
	return fd;
}

int hk_tramp_open(struct hk_err *err)
{
	return hk_sealed_memfd("hako-trampoline", hk_tramp_bin, hk_tramp_bin_len, err);
}

int hk_tramp_exec(int tramp_fd, int report_fd, char *const argv[], char *const envp[],
		  struct hk_err *err)
{
	size_t argc = 0;
	while (argv[argc])
		argc++;
	char fdbuf[16];
	snprintf(fdbuf, sizeof(fdbuf), "%d", report_fd);
	char *v[argc + 3];
	v[0] = HK_TRAMP_MAGIC;
	v[1] = fdbuf;
	for (size_t i = 0; i <= argc; i++)
		v[i + 2] = argv[i];
	/* the trampoline writes the report if the command cannot run, and closes it at exec */
	if (fcntl(report_fd, F_SETFD, 0) < 0)
		return hk_err_sys(err, -errno, "exec trampoline: report fd");
	execveat(tramp_fd, "", v, envp, AT_EMPTY_PATH);
	int e = -errno;
	fcntl(report_fd, F_SETFD, FD_CLOEXEC);
	return hk_err_sys(err, e, "exec hako's trampoline from its sealed memfd");
}

void hk_exec_report_finish(struct hk_err *err)
{
	if (err->cls != 0 || err->code >= 0)
		return;
	char what[HK_ERR_MSG_MAX];
	err->msg[HK_ERR_MSG_MAX - 1] = 0;
	snprintf(what, sizeof(what), "%s", err->msg);
	if (err->code == -ENOENT)
		hk_err_set(err, err->code, "%s: executable file not found in container", what);
	else
		hk_err_sys(err, err->code, "%s", what);
}

void hk_exec_report_send(int fd, int step, const struct hk_err *err)
{
	struct hk_exec_report m = { .step = step };
	if (err)
		m.err = *err;
	ssize_t k = write(fd, &m, sizeof(m));
	(void)k; /* the reader sees a short report or EOF */
}

int hk_exec_report_recv(int fd, struct hk_exec_report *m)
{
	ssize_t k;
	do
		k = read(fd, m, sizeof(*m));
	while (k < 0 && errno == EINTR);
	if (k == 0)
		return 0;
	if (k != (ssize_t)sizeof(*m))
		return -EIO;
	return 1;
}
