// SPDX-License-Identifier: MIT
/*
 * seccomp profiles: the built-in default and Docker-format JSON, parsed, compiled for a
 * capability set, and checked by running the compiled classic BPF program here on made-up
 * syscalls (a small interpreter below), never loading it. Pure: no kernel state.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "caps.h"
#include "ctsec.h"
#include "seccomp_profile.h"
#include "secfilter.h"
#include "tap.h"

/* --- a classic BPF interpreter, enough for seccomp programs ------------------------------ */

static uint32_t bpf_run(const struct sock_fprog *p, const struct seccomp_data *d)
{
	uint32_t A = 0, X = 0, M[BPF_MEMWORDS] = { 0 };
	const unsigned char *data = (const unsigned char *)d;
	for (unsigned pc = 0; pc < p->len; pc++) {
		const struct sock_filter *f = &p->filter[pc];
		uint32_t k = f->k, src = BPF_SRC(f->code) == BPF_X ? X : k;
		switch (BPF_CLASS(f->code)) {
		case BPF_LD:
			if (BPF_MODE(f->code) == BPF_ABS && k + 4 <= sizeof(*d))
				memcpy(&A, data + k, 4);
			else if (BPF_MODE(f->code) == BPF_IMM)
				A = k;
			else if (BPF_MODE(f->code) == BPF_MEM)
				A = M[k % BPF_MEMWORDS];
			else
				return 0xdead0001;
			break;
		case BPF_LDX:
			X = BPF_MODE(f->code) == BPF_MEM ? M[k % BPF_MEMWORDS] : k;
			break;
		case BPF_ST:
			M[k % BPF_MEMWORDS] = A;
			break;
		case BPF_STX:
			M[k % BPF_MEMWORDS] = X;
			break;
		case BPF_ALU:
			switch (BPF_OP(f->code)) {
			case BPF_ADD:
				A += src;
				break;
			case BPF_SUB:
				A -= src;
				break;
			case BPF_MUL:
				A *= src;
				break;
			case BPF_DIV:
				A = src ? A / src : 0;
				break;
			case BPF_OR:
				A |= src;
				break;
			case BPF_AND:
				A &= src;
				break;
			case BPF_LSH:
				A <<= src;
				break;
			case BPF_RSH:
				A >>= src;
				break;
			case BPF_NEG:
				A = -A;
				break;
			default:
				return 0xdead0002;
			}
			break;
		case BPF_JMP: {
			bool t;
			switch (BPF_OP(f->code)) {
			case BPF_JA:
				pc += k;
				continue;
			case BPF_JEQ:
				t = A == src;
				break;
			case BPF_JGT:
				t = A > src;
				break;
			case BPF_JGE:
				t = A >= src;
				break;
			case BPF_JSET:
				t = (A & src) != 0;
				break;
			default:
				return 0xdead0003;
			}
			pc += t ? f->jt : f->jf;
			break;
		}
		case BPF_RET:
			return BPF_RVAL(f->code) == BPF_A ? A : k;
		case BPF_MISC:
			if (BPF_MISCOP(f->code) == BPF_TAX)
				X = A;
			else
				A = X;
			break;
		}
	}
	return 0xdead0004; /* fell off the end */
}

#define RET_ERRNO(e) (SECCOMP_RET_ERRNO | (e))

static uint32_t call(const struct hk_seccomp_prog *p, uint32_t arch, int nr, uint64_t a0,
		     uint64_t a1)
{
	struct seccomp_data d = { .nr = nr, .arch = arch, .args = { a0, a1 } };
	return bpf_run(&p->fprog, &d);
}

static uint32_t native(const struct hk_seccomp_prog *p, int nr, uint64_t a0)
{
#if defined(__x86_64__)
	return call(p, AUDIT_ARCH_X86_64, nr, a0, 0);
#elif defined(__aarch64__)
	return call(p, AUDIT_ARCH_AARCH64, nr, a0, 0);
#else
	return call(p, 0, nr, a0, 0);
#endif
}

static int compile(const struct hk_seccomp_profile *p, uint64_t caps, struct hk_seccomp_prog *ret)
{
	struct hk_err err = { 0 };
	int r = hk_seccomp_compile(p, caps, ret, &err);
	if (r < 0)
		printf("# compile: %s\n", err.msg);
	return r;
}

/* --- the default profile ----------------------------------------------------------------- */

static void test_default_info(void)
{
	struct hk_seccomp_info info;
	hk_seccomp_profile_info(hk_seccomp_profile_default(), &info);
	TAP_EQ_INT(info.default_action, HK_SC_ERRNO, "default: default action ERRNO");
	TAP_EQ_INT(info.default_errno, EPERM, "  with EPERM");
	TAP_OK(info.nnames > 350, "  an allowlist of %zu names", info.nnames);
	TAP_OK(info.caps_used & HK_CAP_BIT(21), "  depends on CAP_SYS_ADMIN");
	TAP_OK(!(info.caps_used & HK_CAP_BIT(12)), "  not on CAP_NET_ADMIN");
	hk_seccomp_profile_free(hk_seccomp_profile_default()); /* a no-op, must not crash */
}

static void test_default_docker_caps(void)
{
	struct hk_seccomp_prog p;
	if (compile(hk_seccomp_profile_default(), HK_CAPS_DEFAULT, &p) < 0) {
		TAP_OK(0, "compile the default profile");
		return;
	}
	TAP_OK(p.fprog.len > 100 && p.fprog.len < BPF_MAXINSNS, "compiled: %u instructions",
	       p.fprog.len);
	TAP_EQ_INT(native(&p, SYS_read, 0), SECCOMP_RET_ALLOW, "read allowed");
	TAP_EQ_INT(native(&p, SYS_execve, 0), SECCOMP_RET_ALLOW, "execve allowed");
	TAP_EQ_INT(native(&p, SYS_capset, 0), SECCOMP_RET_ALLOW, "capset allowed");
	static const struct {
		int nr;
		const char *name;
	} blocked[] = {
		{ SYS_mount, "mount" },
		{ SYS_umount2, "umount2" },
		{ SYS_pivot_root, "pivot_root" },
		{ SYS_unshare, "unshare" },
		{ SYS_setns, "setns" },
		{ SYS_kexec_load, "kexec_load" },
		{ SYS_init_module, "init_module" },
		{ SYS_finit_module, "finit_module" },
		{ SYS_delete_module, "delete_module" },
		{ SYS_keyctl, "keyctl" },
		{ SYS_add_key, "add_key" },
		{ SYS_request_key, "request_key" },
		{ SYS_bpf, "bpf" },
		{ SYS_perf_event_open, "perf_event_open" },
		{ SYS_userfaultfd, "userfaultfd" },
		{ SYS_reboot, "reboot" },
		{ SYS_swapon, "swapon" },
		{ SYS_swapoff, "swapoff" },
		{ SYS_settimeofday, "settimeofday" },
		{ SYS_clock_settime, "clock_settime" },
		{ SYS_acct, "acct" },
		{ SYS_name_to_handle_at, "name_to_handle_at" },
		{ SYS_open_by_handle_at, "open_by_handle_at" },
		{ SYS_syslog, "syslog" },
		{ SYS_sethostname, "sethostname" },
		{ SYS_fsopen, "fsopen" },
		{ SYS_open_tree, "open_tree" },
		{ SYS_move_mount, "move_mount" },
		/* removed from Docker's allowlist in moby#46762 (Engine 25.0) */
		{ SYS_io_uring_setup, "io_uring_setup" },
		{ SYS_io_uring_enter, "io_uring_enter" },
		{ SYS_io_uring_register, "io_uring_register" },
#ifdef SYS_kexec_file_load
		{ SYS_kexec_file_load, "kexec_file_load" },
#endif
#ifdef SYS_iopl
		{ SYS_iopl, "iopl" },
		{ SYS_ioperm, "ioperm" },
		{ SYS_lookup_dcookie, "lookup_dcookie" },
#endif
	};
	for (size_t i = 0; i < sizeof(blocked) / sizeof(blocked[0]); i++) {
		char what[64];
		snprintf(what, sizeof(what), "%s: EPERM", blocked[i].name);
		TAP_EQ_INT(native(&p, blocked[i].nr, 0), RET_ERRNO(EPERM), what);
	}
	TAP_EQ_INT(native(&p, SYS_clone, SIGCHLD), SECCOMP_RET_ALLOW, "clone(SIGCHLD) allowed");
	TAP_EQ_INT(native(&p, SYS_clone, CLONE_VM | CLONE_THREAD | CLONE_SIGHAND),
		   SECCOMP_RET_ALLOW, "clone of a thread allowed");
	TAP_EQ_INT(native(&p, SYS_clone, CLONE_NEWUSER | SIGCHLD), RET_ERRNO(EPERM),
		   "clone(CLONE_NEWUSER): EPERM");
	TAP_EQ_INT(native(&p, SYS_clone, CLONE_NEWNET), RET_ERRNO(EPERM),
		   "clone(CLONE_NEWNET): EPERM");
	TAP_EQ_INT(native(&p, SYS_clone3, 0), RET_ERRNO(ENOSYS),
		   "clone3: ENOSYS (libc falls back)");
	TAP_EQ_INT(native(&p, SYS_personality, 0), SECCOMP_RET_ALLOW, "personality(PER_LINUX)");
	TAP_EQ_INT(native(&p, SYS_personality, 0xffffffff), SECCOMP_RET_ALLOW,
		   "personality(query)");
	TAP_EQ_INT(native(&p, SYS_personality, 0x0040000), RET_ERRNO(EPERM),
		   "personality(ADDR_NO_RANDOMIZE): EPERM");
	TAP_EQ_INT(native(&p, SYS_ptrace, 0), SECCOMP_RET_ALLOW,
		   "ptrace allowed (kernel >= 4.8, as Docker)");
	TAP_EQ_INT(native(&p, SYS_chroot, 0), SECCOMP_RET_ALLOW,
		   "chroot allowed (SYS_CHROOT held)");
	TAP_EQ_INT(native(&p, 4000, 0), RET_ERRNO(EPERM), "an unknown syscall number: EPERM");
#if defined(__x86_64__)
	TAP_EQ_INT(call(&p, AUDIT_ARCH_I386, 3 /* read */, 0, 0), SECCOMP_RET_ALLOW,
		   "i386 read allowed (archMap sub-architecture)");
	TAP_EQ_INT(call(&p, AUDIT_ARCH_I386, 21 /* mount */, 0, 0), RET_ERRNO(EPERM),
		   "i386 mount: EPERM");
	TAP_EQ_INT(call(&p, AUDIT_ARCH_X86_64, 0x40000000 | 0 /* x32 read */, 0, 0),
		   SECCOMP_RET_ALLOW, "x32 read allowed");
	uint32_t foreign = call(&p, AUDIT_ARCH_AARCH64, 63, 0, 0) & SECCOMP_RET_ACTION_FULL;
	TAP_OK(foreign == SECCOMP_RET_KILL_THREAD || foreign == SECCOMP_RET_KILL_PROCESS,
	       "a foreign architecture is killed");
#endif
	hk_seccomp_prog_release(&p);
}

static void test_default_with_caps(void)
{
	struct hk_seccomp_prog p;
	uint64_t caps = HK_CAPS_DEFAULT | HK_CAP_BIT(21) | HK_CAP_BIT(22) | HK_CAP_BIT(25);
	if (compile(hk_seccomp_profile_default(), caps, &p) < 0) {
		TAP_OK(0, "compile with SYS_ADMIN, SYS_BOOT, SYS_TIME");
		return;
	}
	TAP_EQ_INT(native(&p, SYS_mount, 0), SECCOMP_RET_ALLOW, "+SYS_ADMIN: mount allowed");
	TAP_EQ_INT(native(&p, SYS_unshare, 0), SECCOMP_RET_ALLOW, "+SYS_ADMIN: unshare allowed");
	TAP_EQ_INT(native(&p, SYS_setns, 0), SECCOMP_RET_ALLOW, "+SYS_ADMIN: setns allowed");
	TAP_EQ_INT(native(&p, SYS_clone, CLONE_NEWUSER), SECCOMP_RET_ALLOW,
		   "+SYS_ADMIN: clone(CLONE_NEWUSER) allowed");
	TAP_EQ_INT(native(&p, SYS_clone3, 0), SECCOMP_RET_ALLOW, "+SYS_ADMIN: clone3 allowed");
	TAP_EQ_INT(native(&p, SYS_reboot, 0), SECCOMP_RET_ALLOW, "+SYS_BOOT: reboot allowed");
	TAP_EQ_INT(native(&p, SYS_settimeofday, 0), SECCOMP_RET_ALLOW,
		   "+SYS_TIME: settimeofday allowed");
	TAP_EQ_INT(native(&p, SYS_kexec_load, 0), RET_ERRNO(EPERM),
		   "+SYS_BOOT: kexec_load still EPERM");
	TAP_EQ_INT(native(&p, SYS_init_module, 0), RET_ERRNO(EPERM), "init_module still EPERM");
	TAP_EQ_INT(native(&p, SYS_keyctl, 0), RET_ERRNO(EPERM), "keyctl still EPERM");
	hk_seccomp_prog_release(&p);

	if (compile(hk_seccomp_profile_default(), 0, &p) == 0) {
		TAP_EQ_INT(native(&p, SYS_chroot, 0), RET_ERRNO(EPERM), "no caps: chroot EPERM");
		hk_seccomp_prog_release(&p);
	}
}

static void test_cache(void)
{
	struct hk_err err = { 0 };
	struct hk_seccomp_cache *c = NULL;
	const struct hk_seccomp_prog *a = NULL, *b = NULL, *s = NULL;
	TAP_EQ_INT(hk_seccomp_cache_new(hk_seccomp_profile_default(), &c, &err), 0, "cache");
	hk_seccomp_cache_get(c, HK_CAPS_DEFAULT, &a, &err);
	hk_seccomp_cache_get(c, HK_CAPS_DEFAULT | HK_CAP_BIT(12), &b, &err);
	TAP_OK(a && a == b, "+NET_ADMIN (which no rule looks at) reuses the program");
	hk_seccomp_cache_get(c, HK_CAPS_DEFAULT | HK_CAP_BIT(21), &s, &err);
	TAP_OK(s && s != a, "+SYS_ADMIN compiles another");
	hk_seccomp_cache_get(c, HK_CAPS_DEFAULT, &b, &err);
	TAP_OK(b == a, "the default set again: the first program");
	for (unsigned i = 0; i < 12; i++) /* more distinct keys than the cache holds */
		TAP_EQ_INT(hk_seccomp_cache_get(c, HK_CAP_BIT(16 + i), &b, &err), 0,
			   "eviction keeps working");
	hk_seccomp_cache_free(c);
	hk_seccomp_cache_free(NULL);
}

/* The on-disk cache (seccomp_disk.c) is keyed by the profile's contents: a program cached
 * for the default profile of an older hako, which allowed io_uring, is not the one handed
 * out for today's default. */
static void test_disk_cache_key(void)
{
	static const char *const uring[] = { "io_uring_setup", "io_uring_enter",
					     "io_uring_register" };
	const struct hk_seccomp_profile *d = hk_seccomp_profile_default();
	struct hk_sc_rule rules[64];
	if (d->nrules + 1 > HK_ARRAY_SIZE(rules)) {
		TAP_OK(0, "disk cache: %zu rules fit the test's copy", d->nrules);
		return;
	}
	memcpy(rules, d->rules, d->nrules * sizeof(rules[0]));
	rules[d->nrules] = (struct hk_sc_rule){
		.names = uring, .nnames = 3, .action = HK_SC_ALLOW, .errno_ret = -1
	};
	struct hk_seccomp_profile old = *d;
	old.rules = rules;
	old.nrules = d->nrules + 1;

	char dir[] = "/tmp/hako-test-seccomp.XXXXXX";
	if (!mkdtemp(dir)) {
		TAP_OK(0, "disk cache: mkdtemp: %s", strerror(errno));
		return;
	}
	struct hk_err err = { 0 };
	struct hk_seccomp_prog p;
	bool hit = true;
	TAP_EQ_INT(hk_seccomp_disk_get(&old, HK_CAPS_DEFAULT, dir, &p, &hit, &err), 0,
		   "disk cache: the old default (io_uring allowed) compiled and stored");
	TAP_OK(!hit, "  a miss the first time");
	TAP_EQ_INT(native(&p, SYS_io_uring_setup, 0), SECCOMP_RET_ALLOW,
		   "  io_uring_setup allowed");
	hk_seccomp_prog_release(&p);
	TAP_EQ_INT(hk_seccomp_disk_get(&old, HK_CAPS_DEFAULT, dir, &p, &hit, &err), 0,
		   "  asked again");
	TAP_OK(hit, "  a hit the second time");
	hk_seccomp_prog_release(&p);
	hit = true;
	TAP_EQ_INT(hk_seccomp_disk_get(d, HK_CAPS_DEFAULT, dir, &p, &hit, &err), 0,
		   "disk cache: today's default, same directory");
	TAP_OK(!hit, "  not the old default's file (the key follows the contents)");
	TAP_EQ_INT(native(&p, SYS_io_uring_setup, 0), RET_ERRNO(EPERM), "  io_uring_setup: EPERM");
	hk_seccomp_prog_release(&p);
	TAP_EQ_INT(hk_seccomp_disk_get(d, HK_CAPS_DEFAULT, dir, &p, &hit, &err), 0,
		   "  today's default again");
	TAP_OK(hit, "  now from its own file");
	TAP_EQ_INT(native(&p, SYS_io_uring_setup, 0), RET_ERRNO(EPERM), "  io_uring_setup: EPERM");
	hk_seccomp_prog_release(&p);
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	TAP_EQ_INT(system(cmd), 0, "disk cache: test directory removed");
}

/* --- JSON profiles --------------------------------------------------------------------- */

static struct hk_seccomp_profile *parse(const char *json, struct hk_err *err)
{
	struct hk_seccomp_profile *p = NULL;
	hk_err_clear(err);
	if (hk_seccomp_profile_parse(json, strlen(json), "t.json", &p, err) < 0)
		return NULL;
	return p;
}

static void test_json_ok(void)
{
	struct hk_err err = { 0 };
	struct hk_seccomp_prog prog;
	struct hk_seccomp_profile *p = parse(
		"{\n"
		"  \"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
		"  \"archMap\": [ { \"architecture\": \"SCMP_ARCH_X86_64\",\n"
		"                 \"subArchitectures\": [\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"] },\n"
		"               { \"architecture\": \"SCMP_ARCH_AARCH64\",\n"
		"                 \"subArchitectures\": [\"SCMP_ARCH_ARM\"] } ],\n"
		"  \"syscalls\": [\n"
		"    { \"names\": [\"mkdir\", \"mkdirat\", \"no_such_syscall\"],\n"
		"      \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13, \"comment\": \"x\" },\n"
		"    { \"name\": \"personality\", \"action\": \"SCMP_ACT_ERRNO\",\n"
		"      \"args\": [ { \"index\": 0, \"value\": 8, \"op\": \"SCMP_CMP_EQ\" },\n"
		"                { \"index\": 0, \"value\": 9, \"op\": \"SCMP_CMP_EQ\" } ] },\n"
		"    { \"names\": [\"kill\"], \"action\": \"SCMP_ACT_ERRNO\",\n"
		"      \"args\": [ { \"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\" },\n"
		"                { \"index\": 1, \"value\": 9, \"op\": \"SCMP_CMP_EQ\" } ] },\n"
		"    { \"names\": [\"clone\"], \"action\": \"SCMP_ACT_ERRNO\",\n"
		"      \"args\": [ { \"index\": 0, \"value\": 268435456, \"valueTwo\": 268435456,\n"
		"                  \"op\": \"SCMP_CMP_MASKED_EQ\" } ] },\n"
		"    { \"names\": [\"sethostname\"], \"action\": \"SCMP_ACT_ERRNO\",\n"
		"      \"excludes\": { \"caps\": [\"CAP_SYS_ADMIN\"] } },\n"
		"    { \"names\": [\"uname\"], \"action\": \"SCMP_ACT_ERRNO\",\n"
		"      \"includes\": { \"arches\": [\"s390x\"], \"minKernel\": \"4.8\" } },\n"
		"    { \"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ALLOW\" }\n"
		"  ]\n"
		"}\n",
		&err);
	TAP_OK(p != NULL, "a Docker-format profile parses%s%s", p ? "" : ": ", p ? "" : err.msg);
	if (!p)
		return;
	struct hk_seccomp_info info;
	hk_seccomp_profile_info(p, &info);
	TAP_EQ_INT(info.default_action, HK_SC_ALLOW, "  defaultAction");
	TAP_EQ_INT(info.nrules, 7, "  7 rules");
	TAP_OK(info.caps_used == HK_CAP_BIT(21), "  looks at CAP_SYS_ADMIN only");
	if (compile(p, HK_CAPS_DEFAULT, &prog) < 0) {
		TAP_OK(0, "compile it");
		hk_seccomp_profile_free(p);
		return;
	}
	TAP_EQ_INT(native(&prog, SYS_mkdir, 0), RET_ERRNO(EACCES), "mkdir: errnoRet 13");
	TAP_EQ_INT(native(&prog, SYS_mkdirat, 0), RET_ERRNO(EACCES), "mkdirat: errnoRet 13");
	TAP_EQ_INT(native(&prog, SYS_getpid, 0), SECCOMP_RET_ALLOW, "getpid: allowed");
	TAP_EQ_INT(native(&prog, SYS_personality, 8), RET_ERRNO(EPERM), "same index twice: OR (8)");
	TAP_EQ_INT(native(&prog, SYS_personality, 9), RET_ERRNO(EPERM), "same index twice: OR (9)");
	TAP_EQ_INT(native(&prog, SYS_personality, 0), SECCOMP_RET_ALLOW, "  other values allowed");
	TAP_EQ_INT(call(&prog, AUDIT_ARCH_X86_64, SYS_kill, 1, 9), RET_ERRNO(EPERM),
		   "distinct indexes: AND (both match)");
	TAP_EQ_INT(call(&prog, AUDIT_ARCH_X86_64, SYS_kill, 1, 15), SECCOMP_RET_ALLOW,
		   "distinct indexes: AND (one matches)");
	TAP_EQ_INT(native(&prog, SYS_clone, CLONE_NEWUSER | SIGCHLD), RET_ERRNO(EPERM),
		   "MASKED_EQ: flag set");
	TAP_EQ_INT(native(&prog, SYS_clone, SIGCHLD), SECCOMP_RET_ALLOW, "MASKED_EQ: flag clear");
	TAP_EQ_INT(native(&prog, SYS_sethostname, 0), RET_ERRNO(EPERM), "excludes caps: applies");
	TAP_EQ_INT(native(&prog, SYS_uname, 0), SECCOMP_RET_ALLOW, "includes arches: other arch");
	hk_seccomp_prog_release(&prog);
	if (compile(p, HK_CAPS_DEFAULT | HK_CAP_BIT(21), &prog) == 0) {
		TAP_EQ_INT(native(&prog, SYS_sethostname, 0), SECCOMP_RET_ALLOW,
			   "excludes caps: lifted by SYS_ADMIN");
		hk_seccomp_prog_release(&prog);
	}
	hk_seccomp_profile_free(p);

	p = parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,"
		  "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_AARCH64\"],"
		  "\"syscalls\":null,\"flags\":[\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"]}",
		  &err);
	TAP_OK(p != NULL, "architectures list, defaultErrnoRet, flags%s%s", p ? "" : ": ",
	       p ? "" : err.msg);
	if (p && compile(p, 0, &prog) == 0) {
		TAP_EQ_INT(native(&prog, SYS_read, 0), RET_ERRNO(ENOSYS), "defaultErrnoRet 38");
		TAP_EQ_INT(prog.flags, SECCOMP_FILTER_FLAG_SPEC_ALLOW, "flags carried");
		hk_seccomp_prog_release(&prog);
	}
	hk_seccomp_profile_free(p);
}

static void bad_json(const char *json, const char *want, const char *what)
{
	struct hk_err err = { 0 };
	struct hk_seccomp_profile *p = parse(json, &err);
	TAP_OK(!p && err.cls == HK_ERR_USAGE && strstr(err.msg, want) && !strchr(err.msg, '\n') &&
		       !strncmp(err.msg, "seccomp profile 't.json': ", 26),
	       "%s: %s", what, err.msg);
	if (p || !strstr(err.msg, want))
		printf("#   wanted '%s' in the message\n", want);
	hk_seccomp_profile_free(p);
}

static void test_json_bad(void)
{
	bad_json("", "empty file", "empty");
	bad_json("{\"defaultAction\": \"SCMP_ACT_ERRNO\",", "unexpected end", "truncated");
	bad_json("{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"syscalls\": [,]\n}",
		 "line 3, column 16", "syntax error has line and column");
	bad_json("{\"defaultAction\": \"SCMP_ACT_ERRNO\",}", "line 1, column 36", "trailing comma");
	bad_json("{\"defaultAction\": \"SCMP_ACT_ERRNO\"} x", "line 1, column 37", "trailing text");
	bad_json("[]", "top level: want an object", "not an object");
	bad_json("{}", "defaultAction: missing", "no defaultAction");
	bad_json("{\"defaultAction\": \"SCMP_ACT_NOPE\"}", "unknown action 'SCMP_ACT_NOPE'",
		 "unknown default action");
	bad_json("{\"defaultAction\": \"SCMP_ACT_NOTIFY\"}", "cannot be the default action",
		 "notify as the default refused");
	bad_json("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],"
		 "\"action\":\"SCMP_ACT_NOTIFY\"}]}",
		 "needs a seccomp agent listening at listenerPath", "notify without listenerPath");
	bad_json("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultAktion\": 1}",
		 "defaultAktion: unknown key", "misspelt key");
	bad_json("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": {}}",
		 "syscalls: want an array, got object", "syscalls not an array");
	bad_json("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
		 "\"action\":\"SCMP_ACT_ALLOW\"},{\"names\":\"mkdir\",\"action\":\"SCMP_ACT_"
		 "ALLOW\"}]}",
		 "syscalls[1].names: want an array of strings, got string", "names as a string");
	bad_json("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"]}]}",
		 "syscalls[0]: 'action' is missing", "rule without action");
	bad_json("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"action\":\"SCMP_ACT_"
		 "ALLOW\"}]}",
		 "syscalls[0]: no syscall 'names'", "rule without names");
	bad_json("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
		 "\"action\":\"SCMP_ACT_ALLOW\",\"arg\":[]}]}",
		 "syscalls[0].arg: unknown key", "misspelt args refused (would widen the rule)");
	bad_json("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
		 "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":6,\"value\":1,"
		 "\"op\":\"SCMP_CMP_EQ\"}]}]}",
		 "syscalls[0].args[0].index: 6 is out of range (max 5)", "arg index 6");
	bad_json("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
		 "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":-1,"
		 "\"op\":\"SCMP_CMP_EQ\"}]}]}",
		 "syscalls[0].args[0].value: want a non-negative integer", "negative value");
	bad_json("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
		 "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":1,"
		 "\"op\":\"SCMP_CMP_ABOUT\"}]}]}",
		 "unknown operator 'SCMP_CMP_ABOUT'", "unknown op");
	bad_json("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
		 "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":1}]}]}",
		 "syscalls[0].args[0]: 'op' is missing", "arg without op");
	bad_json("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
		 "\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"caps\":[\"CAP_SYS_ADMINN\"]}}]}",
		 "syscalls[0].includes.caps[0]: unknown capability 'CAP_SYS_ADMINN'",
		 "unknown cap");
	bad_json("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
		 "\"action\":\"SCMP_ACT_ALLOW\",\"excludes\":{\"arches\":[\"amd46\"]}}]}",
		 "syscalls[0].excludes.arches[0]: unknown architecture 'amd46'", "unknown arch");
	bad_json("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
		 "\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"minKernel\":\"four\"}}]}",
		 "want a kernel version", "bad minKernel");
	bad_json("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
		 "\"action\":\"SCMP_ACT_ALLOW\",\"errnoRet\":1}]}",
		 "'errnoRet' goes with SCMP_ACT_ERRNO", "errnoRet on ALLOW");
	bad_json("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"
		 "\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\"}]}",
		 "either 'architectures' or 'archMap'", "both arch forms");
	bad_json("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"X86_64\"]}",
		 "architectures[0]: want an architecture like SCMP_ARCH_X86_64", "arch w/o prefix");
	bad_json("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_VAX\"]}",
		 "unknown architecture 'SCMP_ARCH_VAX'", "unknown SCMP arch");
	bad_json("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"flags\":[\"SECCOMP_FILTER_FLAG_NOPE\"]}",
		 "unknown flag", "unknown flag");
	{ /* listenerPath: the filter gets a notification fd (the OCI runtime sends it there) */
		struct hk_err e = { 0 };
		struct hk_seccomp_profile *q = parse(
			"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/run/a.sock\","
			"\"listenerMetadata\":\"m\",\"syscalls\":[{\"names\":[\"mkdir\"],"
			"\"action\":\"SCMP_ACT_NOTIFY\"}]}",
			&e);
		TAP_OK(q && (q->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER),
		       "listenerPath: a notification fd is asked for%s%s", q ? "" : ": ",
		       q ? "" : e.msg);
		hk_seccomp_profile_free(q);
	}
	bad_json("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":\"1\"}",
		 "defaultErrnoRet: want a non-negative integer, got string", "errno as a string");

	struct hk_err err = { 0 };
	struct hk_seccomp_profile *p = NULL;
	TAP_EQ_INT(hk_seccomp_profile_load("/nonexistent/p.json", &p, &err), -ENOENT,
		   "missing file: -ENOENT");
	TAP_EQ_INT(err.cls, HK_ERR_USAGE, "  usage error (exit 2)");
	TAP_OK(strstr(err.msg, "/nonexistent/p.json") != NULL, "  names the file: %s", err.msg);
}

/* --- the front (seccomp_tree.c): the same answers as libseccomp's program alone ---------- */

static bool same_everywhere(const struct hk_seccomp_profile *p, uint64_t caps, const char *what)
{
	static const uint32_t arches[] = { AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64,
					   AUDIT_ARCH_ARM, 0x12345678 };
	static const uint64_t a0s[] = { 0,
					1,
					8,
					9,
					40,
					SIGCHLD,
					CLONE_NEWUSER | SIGCHLD,
					CLONE_VM | CLONE_THREAD,
					0x0040000,
					0x20008,
					0xffffffff,
					0x100000000ULL };
	struct hk_err err = { 0 };
	struct hk_seccomp_prog a, b;
	if (hk_seccomp_compile_as(p, caps, HK_SC_FRONT_NEVER, &a, &err) < 0) {
		TAP_OK(0, "%s: compile plain: %s", what, err.msg);
		return false;
	}
	if (hk_seccomp_compile_as(p, caps, HK_SC_FRONT_ALWAYS, &b, &err) < 0) {
		hk_seccomp_prog_release(&a);
		TAP_OK(0, "%s: compile: %s", what, err.msg);
		return false;
	}
	size_t diffs = 0, checked = 0;
	for (size_t i = 0; i < HK_ARRAY_SIZE(arches); i++) {
		for (uint32_t n = 0; n < 2 * 1100; n++) {
			/* 0..1099, then x32's 0x40000000 + 0..1099 */
			uint32_t nr = n < 1100 ? n : 0x40000000 + n - 1100;
			for (size_t j = 0; j < HK_ARRAY_SIZE(a0s); j++) {
				uint32_t x = call(&a, arches[i], (int)nr, a0s[j], 9);
				uint32_t y = call(&b, arches[i], (int)nr, a0s[j], 9);
				checked++;
				if (x != y && diffs++ < 5)
					printf("# %s: arch %#x nr %#x a0 %#llx: %#x, front %#x\n",
					       what, arches[i], nr, (unsigned long long)a0s[j], x,
					       y);
			}
		}
	}
	for (uint32_t nr = 0xfffffff0; nr != 0; nr++)
		diffs += call(&a, AUDIT_ARCH_X86_64, (int)nr, 0, 0) !=
			 call(&b, AUDIT_ARCH_X86_64, (int)nr, 0, 0);
	TAP_OK(diffs == 0, "%s: %u instructions, libseccomp alone %u; %zu of %zu calls differ",
	       what, b.fprog.len, a.fprog.len, diffs, checked);
	hk_seccomp_prog_release(&a);
	hk_seccomp_prog_release(&b);
	return diffs == 0;
}

static void test_front_same(void)
{
	const struct hk_seccomp_profile *d = hk_seccomp_profile_default();
	same_everywhere(d, HK_CAPS_DEFAULT, "default profile, default caps");
	same_everywhere(d, 0, "default profile, no caps");
	same_everywhere(d, ~0ULL, "default profile, all caps");
	same_everywhere(d, HK_CAPS_DEFAULT | HK_CAP_BIT(21), "default profile, +SYS_ADMIN");
	struct hk_err err = { 0 };
	struct hk_seccomp_profile *p = parse(
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,"
		"\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\","
		"\"subArchitectures\":[\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"]},"
		"{\"architecture\":\"SCMP_ARCH_AARCH64\","
		"\"subArchitectures\":[\"SCMP_ARCH_ARM\"]}],"
		"\"syscalls\":["
		"{\"names\":[\"read\",\"write\",\"close\",\"getpid\",\"socketcall\",\"ipc\","
		"\"stat\",\"fstat\",\"lstat\",\"poll\",\"lseek\",\"mmap\",\"mprotect\",\"munmap\","
		"\"brk\",\"rt_sigaction\",\"rt_sigprocmask\",\"rt_sigreturn\",\"ioctl\","
		"\"pread64\","
		"\"pwrite64\",\"readv\",\"writev\",\"access\",\"pipe\",\"select\",\"sched_yield\","
		"\"mremap\",\"msync\",\"mincore\",\"madvise\",\"shmget\",\"shmat\",\"shmctl\","
		"\"dup\",\"dup2\",\"pause\",\"nanosleep\",\"getitimer\",\"alarm\",\"setitimer\","
		"\"semop\",\"accept4\",\"kill\",\"open\",\"openat\",\"exit_group\"],"
		"\"action\":\"SCMP_ACT_ALLOW\"},"
		"{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13,"
		"\"args\":[{\"index\":0,\"value\":40,\"op\":\"SCMP_CMP_EQ\"}]},"
		"{\"names\":[\"socket\",\"bind\"],\"action\":\"SCMP_ACT_ALLOW\"},"
		"{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_KILL_PROCESS\","
		"\"args\":[{\"index\":1,\"value\":9,\"op\":\"SCMP_CMP_EQ\"}]},"
		"{\"names\":[\"clone3\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38},"
		"{\"names\":[\"write\"],\"action\":\"SCMP_ACT_ALLOW\","
		"\"excludes\":{\"caps\":[\"CAP_SYS_ADMIN\"]}}"
		"]}",
		&err);
	TAP_OK(p != NULL, "a mixed profile parses%s%s", p ? "" : ": ", p ? "" : err.msg);
	if (p) {
		same_everywhere(p, HK_CAPS_DEFAULT, "mixed profile");
		same_everywhere(p, ~0ULL, "mixed profile, all caps");
		hk_seccomp_profile_free(p);
	}
}

int main(void)
{
	test_default_info();
	test_default_docker_caps();
	test_default_with_caps();
	test_cache();
	test_disk_cache_key();
	test_json_ok();
	test_json_bad();
	test_front_same();
	return tap_done();
}
