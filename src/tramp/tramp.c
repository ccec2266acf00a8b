// SPDX-License-Identifier: MIT
/*
 * hako's exec trampoline (protocol in src/lib/container/tramp.h). Freestanding: no libc, inline
 * system calls, built with -nostdlib -static -ffreestanding and never with sanitizers, and
 * embedded in hako as a byte array (meson.build). It is exec'ed from a sealed memfd by the
 * container's main process and by `hako exec`'s child, after their capabilities, no_new_privs
 * and seccomp are in place; it only execs the command and reports a failure.
 */
#define HK_TRAMP_FREESTANDING 1
#include "tramp.h"

#include <asm/unistd.h>
#include <linux/errno.h>
#include <linux/fcntl.h>

#define STEP_EXEC 2 /* HK_STEP_EXEC (container.h) */
#define EXIT_NOEXEC 126
#define EXIT_NOTFOUND 127
#define PATH_BUF 4096

#define HK_FREESTANDING_MAIN tramp_main
#include "sys.h"

static unsigned long slen(const char *s)
{
	unsigned long n = 0;
	while (s[n])
		n++;
	return n;
}

static int sexec(const char *path, char **argv, char **envp)
{
	return (int)-sys3(__NR_execve, (long)path, (long)argv, (long)envp);
}

/* glibc: a file the kernel cannot run (ENOEXEC) is run by /bin/sh */
static int exec_file(const char *path, char **argv, char **envp)
{
	int e = sexec(path, argv, envp);
	if (e != ENOEXEC)
		return e;
	unsigned long argc = 0;
	while (argv[argc])
		argc++;
	char *sh[argc + 2];
	sh[0] = (char *)"/bin/sh";
	sh[1] = (char *)path;
	for (unsigned long i = 1; i <= argc; i++)
		sh[i + 1] = argv[i];
	sexec(sh[0], sh, envp);
	return e;
}

/* execvp(3) as glibc does it: PATH (default /bin:/usr/bin), EACCES remembered */
static int exec_path(char **argv, char **envp)
{
	const char *file = argv[0], *path = "/bin:/usr/bin";
	unsigned long flen = slen(file);
	if (!flen)
		return ENOENT;
	for (unsigned long i = 0; i < flen; i++)
		if (file[i] == '/')
			return exec_file(file, argv, envp);
	if (flen > 255)
		return ENAMETOOLONG;
	for (char **e = envp; *e; e++)
		if ((*e)[0] == 'P' && (*e)[1] == 'A' && (*e)[2] == 'T' && (*e)[3] == 'H' &&
		    (*e)[4] == '=') {
			path = *e + 5;
			break;
		}
	char buf[PATH_BUF];
	int eacces = 0, err = ENOENT;
	for (const char *p = path;; p++) {
		const char *q = p;
		while (*q && *q != ':')
			q++;
		unsigned long dlen = (unsigned long)(q - p), n = 0;
		if (dlen + flen + 2 <= sizeof(buf)) {
			for (; n < dlen; n++)
				buf[n] = p[n];
			if (dlen)
				buf[n++] = '/';
			for (unsigned long i = 0; i <= flen; i++)
				buf[n + i] = file[i];
			err = exec_file(buf, argv, envp);
			switch (err) {
			case EACCES:
				eacces = 1;
				break;
			case ENOENT:
			case ESTALE:
			case ENOTDIR:
			case ENODEV:
			case ETIMEDOUT:
				break;
			default:
				return err;
			}
		}
		if (!*q)
			break;
		p = q;
	}
	return eacces ? EACCES : err;
}

static void report(int fd, const char *cmd, int e)
{
	struct hk_exec_report r;
	memset(&r, 0, sizeof(r));
	r.step = STEP_EXEC;
	r.err.code = -e;
	static const char pre[] = "exec '";
	unsigned long n = 0, max = sizeof(r.err.msg) - 2;
	for (unsigned long i = 0; pre[i]; i++)
		r.err.msg[n++] = pre[i];
	for (unsigned long i = 0; cmd[i] && n < max; i++)
		r.err.msg[n++] = cmd[i];
	r.err.msg[n] = '\'';
	sys3(__NR_write, fd, (long)&r, sizeof(r));
}

__attribute__((noreturn, used)) void tramp_main(long *sp);

__attribute__((noreturn, used)) void tramp_main(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1), **envp = argv + argc + 1;
	static const char magic[] = HK_TRAMP_MAGIC;
	int ok = argc >= 3;
	for (unsigned long i = 0; ok && i < sizeof(magic); i++)
		ok = argv[0][i] == magic[i];
	if (!ok) {
		/* e.g. a `#!/proc/self/exe` script: /proc/self/exe is this sealed copy */
		static const char msg[] = "hako: trampoline not started by hako, refused\n";
		sys3(__NR_write, 2, (long)msg, sizeof(msg) - 1);
		sys_exit(EXIT_NOEXEC);
	}
	int fd = 0;
	for (const char *p = argv[1]; *p >= '0' && *p <= '9'; p++)
		fd = fd * 10 + (*p - '0');
	sys3(__NR_fcntl, fd, F_SETFD, FD_CLOEXEC);
	int e = exec_path(argv + 2, envp);
	report(fd, argv[2], e);
	sys_exit(e == ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC);
}
