/* SPDX-License-Identifier: MIT */
/*
 * qemu for hako's VMs (Debian's qemu-system-x86): finding it, choosing the accelerator (KVM
 * when /dev/kvm opens, TCG otherwise), the command line, and starting it daemonized with its
 * network device handed over as an already open fd (-netdev tap,fd=N: a tap hako created, or
 * a macvtap's /dev/tapN, as libvirt does) and its serial console on a pty (qemu's, logged to
 * a file). hako supervises nothing by a live process: the VM's row records qemu's pid and
 * start time (base/proc.h), and the next command finds a dead qemu (vm.h reconcile).
 */
#ifndef HK_QEMU_H
#define HK_QEMU_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"

#define HK_QEMU_ARGS_MAX 96
#define HK_QEMU_NICS_MAX 8

struct hk_qemu_cfg {
	const char *bin;   /* hk_qemu_find */
	const char *accel; /* "kvm" or "tcg" */
	const char *name;
	uint32_t memory; /* MiB */
	uint32_t cpus;
	const char *kernel, *initrd, *append; /* direct kernel boot (kernel NULL: disk) */
	const char *disk;		      /* a raw or qcow2 image, NULL none */
	size_t n_nics;			      /* virtio NICs, in order (eth0, eth1, ...) */
	int net_fds[HK_QEMU_NICS_MAX];	      /* each one's tap / macvtap fd */
	const char *macs[HK_QEMU_NICS_MAX];   /* and the guest's MAC on it */
	const char *rundir;		      /* qemu.pid and console.log go here */
};

struct hk_qemu_argv {
	char *v[HK_QEMU_ARGS_MAX + 1]; /* NULL-terminated, malloc'ed */
	int n;
};
void hk_qemu_argv_free(struct hk_qemu_argv *a);

/* The binary: $HAKO_QEMU, else qemu-system-x86_64 on PATH. None: -ENOENT, class
 * unsupported (exit 3), "qemu is not installed (...)". */
int hk_qemu_find(char *buf, size_t len, struct hk_err *err);
/* want "auto" (or NULL): "kvm" when /dev/kvm opens read-write, else "tcg". "kvm": /dev/kvm
 * must open (class unsupported otherwise); "tcg": always. Anything else: usage. */
int hk_qemu_accel(const char *want, char ret[8], struct hk_err *err);
/* The command line for c (the disk's format from its first bytes: qcow2 or raw). */
int hk_qemu_argv(const struct hk_qemu_cfg *c, struct hk_qemu_argv *ret, struct hk_err *err);
/* Start qemu daemonized (its own session, parent init): waits until it has set everything up
 * or failed; its error line becomes err's message. Returns the daemon's pid, and the pty of
 * its serial console into console. */
int hk_qemu_start(const struct hk_qemu_cfg *c, pid_t *ret_pid, char *console, size_t len,
		  struct hk_err *err);
/* SIGTERM, up to timeout_ms for it to go, then SIGKILL and wait for it to be gone. Not ours
 * (pid reused) or already gone: nothing. */
void hk_qemu_stop(pid_t pid, uint64_t start, int timeout_ms);

#endif
