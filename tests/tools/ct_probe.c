// SPDX-License-Identifier: MIT
/*
 * ct_probe: raw system calls that busybox has no applet for, run inside a container by the
 * breakout battery (tests/integration/security/breakout.sh). Linked statically so it runs
 * in any rootfs. Each probe prints "ok" or "EPERM"-style errno name and exits 0 when the
 * call succeeded, 1 when it failed.
 *   ct_probe keyctl | add_key | ptrace PID | bpf | userfaultfd | perf | kexec | swapoff |
 *            io_uring_setup
 * and, for the OCI runtime's sd_notify relay (oci/notify.sh):
 *   ct_probe notify K=V...    sends the assignments, a line each, to $NOTIFY_SOCKET, as
 *                             sd_notify(3) does
 */
#include <errno.h>
#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static int verdict(long r)
{
	if (r >= 0) {
		puts("ok");
		return 0;
	}
	printf("%s\n", strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	const char *p = argv[1];
	if (!strcmp(p, "notify") && argc > 2) {
		const char *path = getenv("NOTIFY_SOCKET");
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		if (!path || strlen(path) >= sizeof(sa.sun_path)) {
			puts("no NOTIFY_SOCKET");
			return 1;
		}
		strcpy(sa.sun_path, path);
		char msg[1024] = ""; /* the arguments, one assignment per line */
		for (int i = 2; i < argc; i++)
			snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), "%s%s",
				 i > 2 ? "\n" : "", argv[i]);
		int s = socket(AF_UNIX, SOCK_DGRAM, 0);
		return verdict(
			s < 0 ? -1
			      : sendto(s, msg, strlen(msg), 0, (struct sockaddr *)&sa, sizeof(sa)));
	}
	if (!strcmp(p, "keyctl"))
		return verdict(syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, "hako-probe"));
	if (!strcmp(p, "add_key"))
		return verdict(
			syscall(SYS_add_key, "user", "hako", "v", 1, KEY_SPEC_PROCESS_KEYRING));
	if (!strcmp(p, "ptrace") && argc > 2) {
		pid_t pid = atoi(argv[2]);
		long r = ptrace(PTRACE_ATTACH, pid, 0, 0);
		if (r == 0) {
			waitpid(pid, NULL, __WALL);
			ptrace(PTRACE_DETACH, pid, 0, 0);
		}
		return verdict(r);
	}
	if (!strcmp(p, "bpf")) {
		union bpf_attr a;
		memset(&a, 0, sizeof(a));
		a.map_type = BPF_MAP_TYPE_ARRAY;
		a.key_size = 4;
		a.value_size = 4;
		a.max_entries = 1;
		return verdict(syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a)));
	}
	if (!strcmp(p, "userfaultfd"))
		return verdict(syscall(SYS_userfaultfd, 0));
	if (!strcmp(p, "perf")) {
		struct perf_event_attr a;
		memset(&a, 0, sizeof(a));
		a.size = sizeof(a);
		a.type = PERF_TYPE_SOFTWARE;
		a.config = PERF_COUNT_SW_CPU_CLOCK;
		return verdict(syscall(SYS_perf_event_open, &a, 0, -1, -1, 0));
	}
	if (!strcmp(p, "kexec"))
		return verdict(syscall(SYS_kexec_load, 0, 0, NULL, 0));
	if (!strcmp(p, "io_uring_setup")) {
		/* a ring of 8 entries: harmless when allowed (closed at exit) */
		struct io_uring_params prm;
		memset(&prm, 0, sizeof(prm));
		return verdict(syscall(SYS_io_uring_setup, 8, &prm));
	}
	if (!strcmp(p, "swapoff"))
		return verdict(syscall(SYS_swapoff, "/nonexistent"));
	return 2;
}
