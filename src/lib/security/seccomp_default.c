// SPDX-License-Identifier: MIT
/*
 * The built-in seccomp profile: Docker's default (moby profiles/seccomp/default.json) in
 * effect. An allowlist; everything else fails with EPERM. Rules keyed on capabilities open
 * what a granted capability is for (mount & co. with CAP_SYS_ADMIN, reboot with
 * CAP_SYS_BOOT, ...). clone is allowed without CAP_SYS_ADMIN only when it creates no
 * namespace, and clone3 (whose flags live in memory a filter cannot read) fails with ENOSYS
 * so that libcs fall back to clone. ptrace is allowed: kernels >= 4.8 no longer let it bypass
 * seccomp, and Docker allows it there too. Later additions in moby (bpf with CAP_BPF,
 * perf_event_open with CAP_PERFMON, the 6.x syscalls below) are included, and so is a later
 * removal: io_uring_setup, io_uring_enter and io_uring_register are not in the allowlist
 * (moby#46762, Docker Engine 25.0; containerd#9320), so they fail with EPERM like every call
 * the list leaves out. io_uring has been the way into many kernel exploits, and the work a
 * ring does is never seen by a seccomp filter.
 */
#include <errno.h>
#include <sched.h>
#include <string.h>

#include "base/cleanup.h"
#include "caps.h"
#include "seccomp_profile.h"

enum {
	GO_386 = 1u << 0, /* also "x86" */
	GO_AMD64 = 1u << 1,
	GO_X32 = 1u << 2,
	GO_ARM = 1u << 3,
	GO_ARM64 = 1u << 4,
	GO_MIPS = 1u << 5,
	GO_MIPSLE = 1u << 6,
	GO_MIPS64 = 1u << 7,
	GO_MIPS64LE = 1u << 8,
	GO_MIPS64N32 = 1u << 9,
	GO_MIPSLE64N32 = 1u << 10,
	GO_PPC = 1u << 11,
	GO_PPC64 = 1u << 12,
	GO_PPC64LE = 1u << 13,
	GO_S390 = 1u << 14,
	GO_S390X = 1u << 15,
	GO_RISCV64 = 1u << 16,
	GO_LOONG64 = 1u << 17,
};

static const struct {
	const char *name;
	uint32_t bit;
} goarches[] = {
	{ "386", GO_386 },
	{ "x86", GO_386 },
	{ "amd64", GO_AMD64 },
	{ "x32", GO_X32 },
	{ "arm", GO_ARM },
	{ "arm64", GO_ARM64 },
	{ "mips", GO_MIPS },
	{ "mipsle", GO_MIPSLE },
	{ "mipsel", GO_MIPSLE },
	{ "mips64", GO_MIPS64 },
	{ "mips64le", GO_MIPS64LE },
	{ "mipsel64", GO_MIPS64LE },
	{ "mips64n32", GO_MIPS64N32 },
	{ "mipsel64n32", GO_MIPSLE64N32 },
	{ "ppc", GO_PPC },
	{ "ppc64", GO_PPC64 },
	{ "ppc64le", GO_PPC64LE },
	{ "s390", GO_S390 },
	{ "s390x", GO_S390X },
	{ "riscv64", GO_RISCV64 },
	{ "loong64", GO_LOONG64 },
};

uint32_t hk_sc_goarch_bit(const char *name)
{
	for (size_t i = 0; i < HK_ARRAY_SIZE(goarches); i++)
		if (!strcmp(name, goarches[i].name))
			return goarches[i].bit;
	return 0;
}

uint32_t hk_sc_goarch_native(void)
{
#if defined(__x86_64__) && defined(__ILP32__)
	return GO_X32;
#elif defined(__x86_64__)
	return GO_AMD64;
#elif defined(__i386__)
	return GO_386;
#elif defined(__aarch64__)
	return GO_ARM64;
#elif defined(__arm__)
	return GO_ARM;
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return GO_PPC64LE;
#elif defined(__powerpc64__)
	return GO_PPC64;
#elif defined(__s390x__)
	return GO_S390X;
#elif defined(__riscv) && __riscv_xlen == 64
	return GO_RISCV64;
#elif defined(__loongarch64)
	return GO_LOONG64;
#else
	return 0; /* matches no includes.arches entry */
#endif
}

static const char *const scmp_arches[] = {
	"x86",	       "x86_64", "x32",	     "arm",    "aarch64",  "loongarch64",
	"m68k",	       "mips",	 "mipsel",   "mips64", "mipsel64", "mips64n32",
	"mipsel64n32", "parisc", "parisc64", "ppc",    "ppc64",	   "ppc64le",
	"riscv64",     "s390",	 "s390x",    "sh",     "sheb",
};

bool hk_sc_arch_known(const char *name)
{
	for (size_t i = 0; i < HK_ARRAY_SIZE(scmp_arches); i++)
		if (!strcmp(name, scmp_arches[i]))
			return true;
	return false;
}

/* --- the table -------------------------------------------------------------------------- */

static const char *const allow_always[] = {
	"accept",
	"accept4",
	"access",
	"adjtimex",
	"alarm",
	"bind",
	"brk",
	"cachestat",
	"capget",
	"capset",
	"chdir",
	"chmod",
	"chown",
	"chown32",
	"clock_adjtime",
	"clock_adjtime64",
	"clock_getres",
	"clock_getres_time64",
	"clock_gettime",
	"clock_gettime64",
	"clock_nanosleep",
	"clock_nanosleep_time64",
	"close",
	"close_range",
	"connect",
	"copy_file_range",
	"creat",
	"dup",
	"dup2",
	"dup3",
	"epoll_create",
	"epoll_create1",
	"epoll_ctl",
	"epoll_ctl_old",
	"epoll_pwait",
	"epoll_pwait2",
	"epoll_wait",
	"epoll_wait_old",
	"eventfd",
	"eventfd2",
	"execve",
	"execveat",
	"exit",
	"exit_group",
	"faccessat",
	"faccessat2",
	"fadvise64",
	"fadvise64_64",
	"fallocate",
	"fanotify_mark",
	"fchdir",
	"fchmod",
	"fchmodat",
	"fchmodat2",
	"fchown",
	"fchown32",
	"fchownat",
	"fcntl",
	"fcntl64",
	"fdatasync",
	"fgetxattr",
	"flistxattr",
	"flock",
	"fork",
	"fremovexattr",
	"fsetxattr",
	"fstat",
	"fstat64",
	"fstatat64",
	"fstatfs",
	"fstatfs64",
	"fsync",
	"ftruncate",
	"ftruncate64",
	"futex",
	"futex_requeue",
	"futex_time64",
	"futex_wait",
	"futex_waitv",
	"futex_wake",
	"futimesat",
	"getcpu",
	"getcwd",
	"getdents",
	"getdents64",
	"getegid",
	"getegid32",
	"geteuid",
	"geteuid32",
	"getgid",
	"getgid32",
	"getgroups",
	"getgroups32",
	"getitimer",
	"getpeername",
	"getpgid",
	"getpgrp",
	"getpid",
	"getppid",
	"getpriority",
	"getrandom",
	"getresgid",
	"getresgid32",
	"getresuid",
	"getresuid32",
	"getrlimit",
	"get_robust_list",
	"getrusage",
	"getsid",
	"getsockname",
	"getsockopt",
	"get_thread_area",
	"gettid",
	"gettimeofday",
	"getuid",
	"getuid32",
	"getxattr",
	"inotify_add_watch",
	"inotify_init",
	"inotify_init1",
	"inotify_rm_watch",
	"io_cancel",
	"ioctl",
	"io_destroy",
	"io_getevents",
	"io_pgetevents",
	"io_pgetevents_time64",
	"ioprio_get",
	"ioprio_set",
	"io_setup",
	"io_submit",
	"ipc",
	"kill",
	"landlock_add_rule",
	"landlock_create_ruleset",
	"landlock_restrict_self",
	"lchown",
	"lchown32",
	"lgetxattr",
	"link",
	"linkat",
	"listen",
	"listxattr",
	"llistxattr",
	"_llseek",
	"lremovexattr",
	"lseek",
	"lsetxattr",
	"lstat",
	"lstat64",
	"madvise",
	"map_shadow_stack",
	"membarrier",
	"memfd_create",
	"memfd_secret",
	"mincore",
	"mkdir",
	"mkdirat",
	"mknod",
	"mknodat",
	"mlock",
	"mlock2",
	"mlockall",
	"mmap",
	"mmap2",
	"mprotect",
	"mq_getsetattr",
	"mq_notify",
	"mq_open",
	"mq_timedreceive",
	"mq_timedreceive_time64",
	"mq_timedsend",
	"mq_timedsend_time64",
	"mq_unlink",
	"mremap",
	"msgctl",
	"msgget",
	"msgrcv",
	"msgsnd",
	"msync",
	"munlock",
	"munlockall",
	"munmap",
	"nanosleep",
	"newfstatat",
	"_newselect",
	"open",
	"openat",
	"openat2",
	"pause",
	"pidfd_open",
	"pidfd_send_signal",
	"pipe",
	"pipe2",
	"poll",
	"ppoll",
	"ppoll_time64",
	"prctl",
	"pread64",
	"preadv",
	"preadv2",
	"prlimit64",
	"process_mrelease",
	"pselect6",
	"pselect6_time64",
	"pwrite64",
	"pwritev",
	"pwritev2",
	"read",
	"readahead",
	"readlink",
	"readlinkat",
	"readv",
	"recv",
	"recvfrom",
	"recvmmsg",
	"recvmmsg_time64",
	"recvmsg",
	"remap_file_pages",
	"removexattr",
	"rename",
	"renameat",
	"renameat2",
	"restart_syscall",
	"rmdir",
	"rseq",
	"rt_sigaction",
	"rt_sigpending",
	"rt_sigprocmask",
	"rt_sigqueueinfo",
	"rt_sigreturn",
	"rt_sigsuspend",
	"rt_sigtimedwait",
	"rt_sigtimedwait_time64",
	"rt_tgsigqueueinfo",
	"sched_getaffinity",
	"sched_getattr",
	"sched_getparam",
	"sched_get_priority_max",
	"sched_get_priority_min",
	"sched_getscheduler",
	"sched_rr_get_interval",
	"sched_rr_get_interval_time64",
	"sched_setaffinity",
	"sched_setattr",
	"sched_setparam",
	"sched_setscheduler",
	"sched_yield",
	"seccomp",
	"select",
	"semctl",
	"semget",
	"semop",
	"semtimedop",
	"semtimedop_time64",
	"send",
	"sendfile",
	"sendfile64",
	"sendmmsg",
	"sendmsg",
	"sendto",
	"setfsgid",
	"setfsgid32",
	"setfsuid",
	"setfsuid32",
	"setgid",
	"setgid32",
	"setgroups",
	"setgroups32",
	"setitimer",
	"setpgid",
	"setpriority",
	"setregid",
	"setregid32",
	"setresgid",
	"setresgid32",
	"setresuid",
	"setresuid32",
	"setreuid",
	"setreuid32",
	"setrlimit",
	"set_robust_list",
	"setsid",
	"setsockopt",
	"set_thread_area",
	"set_tid_address",
	"setuid",
	"setuid32",
	"setxattr",
	"shmat",
	"shmctl",
	"shmdt",
	"shmget",
	"shutdown",
	"sigaltstack",
	"signalfd",
	"signalfd4",
	"sigprocmask",
	"sigreturn",
	"socket",
	"socketcall",
	"socketpair",
	"splice",
	"stat",
	"stat64",
	"statfs",
	"statfs64",
	"statx",
	"symlink",
	"symlinkat",
	"sync",
	"sync_file_range",
	"syncfs",
	"sysinfo",
	"tee",
	"tgkill",
	"time",
	"timer_create",
	"timer_delete",
	"timer_getoverrun",
	"timer_gettime",
	"timer_gettime64",
	"timer_settime",
	"timer_settime64",
	"timerfd_create",
	"timerfd_gettime",
	"timerfd_gettime64",
	"timerfd_settime",
	"timerfd_settime64",
	"times",
	"tkill",
	"truncate",
	"truncate64",
	"ugetrlimit",
	"umask",
	"uname",
	"unlink",
	"unlinkat",
	"utime",
	"utimensat",
	"utimensat_time64",
	"utimes",
	"vfork",
	"vmsplice",
	"wait4",
	"waitid",
	"waitpid",
	"write",
	"writev",
};

#define NAMES(...)                                                                                 \
	(const char *const[]){ __VA_ARGS__ }, HK_ARRAY_SIZE(((const char *const[]){ __VA_ARGS__ }))
#define ARGS(...)                                                                                  \
	(const struct hk_sc_arg[]){ __VA_ARGS__ },                                                 \
		HK_ARRAY_SIZE(((const struct hk_sc_arg[]){ __VA_ARGS__ }))
#define NOARGS NULL, 0
#define CAP(c) HK_CAP_BIT(c)

/* The namespace flags clone must not carry without CAP_SYS_ADMIN. */
#define NS_FLAGS                                                                                   \
	(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | \
	 CLONE_NEWCGROUP)

#define PERSONALITY(v)                                                                             \
	{                                                                                          \
		NAMES("personality"), HK_SC_ALLOW, -1, ARGS({ 0, HK_SC_EQ, (v), 0 })               \
	}

static const struct hk_sc_rule default_rules[] = {
	{ allow_always, HK_ARRAY_SIZE(allow_always), HK_SC_ALLOW, -1, NOARGS },
	{ NAMES("process_vm_readv", "process_vm_writev", "ptrace"), HK_SC_ALLOW, -1, NOARGS,
	  .inc = { .min_major = 4, .min_minor = 8 } },
	/* PER_LINUX, UNAME26, PER_LINUX32, UNAME26|PER_LINUX32, and the query 0xffffffff. */
	PERSONALITY(0x0),
	PERSONALITY(0x8),
	PERSONALITY(0x20000),
	PERSONALITY(0x20008),
	PERSONALITY(0xffffffff),
	{ NAMES("sync_file_range2", "swapcontext"), HK_SC_ALLOW, -1, NOARGS,
	  .inc = { .arches = GO_PPC64LE } },
	{ NAMES("arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2", "breakpoint",
		"cacheflush", "set_tls"),
	  HK_SC_ALLOW, -1, NOARGS, .inc = { .arches = GO_ARM | GO_ARM64 } },
	{ NAMES("arch_prctl"), HK_SC_ALLOW, -1, NOARGS, .inc = { .arches = GO_AMD64 | GO_X32 } },
	{ NAMES("modify_ldt"), HK_SC_ALLOW, -1, NOARGS,
	  .inc = { .arches = GO_AMD64 | GO_X32 | GO_386 } },
	{ NAMES("s390_pci_mmio_read", "s390_pci_mmio_write", "s390_runtime_instr"), HK_SC_ALLOW, -1,
	  NOARGS, .inc = { .arches = GO_S390 | GO_S390X } },
	{ NAMES("riscv_flush_icache"), HK_SC_ALLOW, -1, NOARGS, .inc = { .arches = GO_RISCV64 } },
	{ NAMES("open_by_handle_at"), HK_SC_ALLOW, -1, NOARGS,
	  .inc = { .caps = CAP(2) /* DAC_READ_SEARCH */ } },
	{ NAMES("bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen",
		"fspick", "lookup_dcookie", "mount", "mount_setattr", "move_mount",
		"name_to_handle_at", "open_tree", "perf_event_open", "quotactl", "quotactl_fd",
		"setdomainname", "sethostname", "setns", "syslog", "umount", "umount2", "unshare"),
	  HK_SC_ALLOW, -1, NOARGS, .inc = { .caps = CAP(21) /* SYS_ADMIN */ } },
	{ NAMES("clone"), HK_SC_ALLOW, -1, ARGS({ 0, HK_SC_MASKED_EQ, NS_FLAGS, 0 }),
	  .exc = { .caps = CAP(21), .arches = GO_S390 | GO_S390X } },
	/* s390 passes clone's flags second. */
	{ NAMES("clone"), HK_SC_ALLOW, -1, ARGS({ 1, HK_SC_MASKED_EQ, NS_FLAGS, 0 }),
	  .inc = { .arches = GO_S390 | GO_S390X }, .exc = { .caps = CAP(21) } },
	{ NAMES("clone3"), HK_SC_ERRNO, ENOSYS, NOARGS, .exc = { .caps = CAP(21) } },
	{ NAMES("reboot"), HK_SC_ALLOW, -1, NOARGS, .inc = { .caps = CAP(22) /* SYS_BOOT */ } },
	{ NAMES("chroot"), HK_SC_ALLOW, -1, NOARGS, .inc = { .caps = CAP(18) /* SYS_CHROOT */ } },
	{ NAMES("delete_module", "init_module", "finit_module"), HK_SC_ALLOW, -1, NOARGS,
	  .inc = { .caps = CAP(16) /* SYS_MODULE */ } },
	{ NAMES("acct"), HK_SC_ALLOW, -1, NOARGS, .inc = { .caps = CAP(20) /* SYS_PACCT */ } },
	{ NAMES("kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev",
		"ptrace"),
	  HK_SC_ALLOW, -1, NOARGS, .inc = { .caps = CAP(19) /* SYS_PTRACE */ } },
	{ NAMES("iopl", "ioperm"), HK_SC_ALLOW, -1, NOARGS,
	  .inc = { .caps = CAP(17) /* SYS_RAWIO */ } },
	{ NAMES("settimeofday", "stime", "clock_settime", "clock_settime64"), HK_SC_ALLOW, -1,
	  NOARGS, .inc = { .caps = CAP(25) /* SYS_TIME */ } },
	{ NAMES("vhangup"), HK_SC_ALLOW, -1, NOARGS,
	  .inc = { .caps = CAP(26) /* SYS_TTY_CONFIG */ } },
	{ NAMES("get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node"), HK_SC_ALLOW,
	  -1, NOARGS, .inc = { .caps = CAP(23) /* SYS_NICE */ } },
	{ NAMES("syslog"), HK_SC_ALLOW, -1, NOARGS, .inc = { .caps = CAP(34) /* SYSLOG */ } },
	{ NAMES("bpf"), HK_SC_ALLOW, -1, NOARGS, .inc = { .caps = CAP(39) /* BPF */ } },
	{ NAMES("perf_event_open"), HK_SC_ALLOW, -1, NOARGS,
	  .inc = { .caps = CAP(38) /* PERFMON */ } },
};

/* Docker's archMap: the native architecture brings its compat ABIs along. */
static const struct hk_sc_archmap default_archmap[] = {
	{ "x86_64", NAMES("x86", "x32") },
	{ "aarch64", NAMES("arm") },
	{ "mips64", NAMES("mips", "mips64n32") },
	{ "mips64n32", NAMES("mips", "mips64") },
	{ "mipsel64", NAMES("mipsel", "mipsel64n32") },
	{ "mipsel64n32", NAMES("mipsel", "mipsel64") },
	{ "s390x", NAMES("s390") },
	{ "riscv64", NULL, 0 },
};

static const struct hk_seccomp_profile default_profile = {
	.default_action = HK_SC_ERRNO,
	.default_errno = EPERM,
	.archmap = default_archmap,
	.narchmap = HK_ARRAY_SIZE(default_archmap),
	.rules = default_rules,
	.nrules = HK_ARRAY_SIZE(default_rules),
};

const struct hk_seccomp_profile *hk_seccomp_profile_default(void)
{
	return &default_profile;
}
