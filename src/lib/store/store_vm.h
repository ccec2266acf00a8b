/* SPDX-License-Identifier: MIT */
/*
 * Virtual machines in the state database (store_vm.c, over store.c's connection): one row per
 * VM, its qemu (pid and start time, so a dead or reused pid is told apart: base/proc.h), how
 * it is networked and what it boots. Names are unique among VMs; ids are 16 hex characters
 * like containers' (a VM's lease on a hako network uses its id where a container's does).
 */
#ifndef HK_STORE_VM_H
#define HK_STORE_VM_H

#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"
#include "store.h"

/* VM states. "creating": hako (owner) is starting it; a dead owner leaves it for the next
 * command to undo. "running": qemu (pid) runs; found dead, the VM becomes "stopped" and its
 * network goes. "removing": an rm recorded its intent; the next command finishes it. */
#define HK_VM_CREATING "creating"
#define HK_VM_RUNNING "running"
#define HK_VM_STOPPED "stopped"
#define HK_VM_REMOVING "removing"

#define HK_VM_ARG_MAX 1024 /* kernel, initrd, disk paths and the kernel command line */
#define HK_VM_NICS_MAX 8   /* network devices of one VM */

struct hk_vm_row {
	char id[HK_CT_ID_LEN + 1];
	char name[HK_CT_NAME_MAX + 1];
	char state[16];
	pid_t owner_pid; /* the hako starting it (creating) or removing it */
	uint64_t owner_start;
	pid_t pid; /* qemu, 0 none */
	uint64_t pid_start;
	char accel[8];	  /* "kvm" or "tcg" */
	char nettype[12]; /* "network", "tap", "macvtap" or "none" */
	char net[64];	  /* the hako network, or the macvtap's lower device */
	char hostif[16];  /* the tap or macvtap on the host, "" none */
	char mac[18];
	char addr[64];			/* the address leased on net (network), "" otherwise */
	char taps[HK_VM_NICS_MAX * 16]; /* more NICs: taps (--tap), space separated */
	uint32_t memory;		/* MiB */
	uint32_t cpus;
	char console[64]; /* the serial console's pty (qemu's), "" when stopped */
	char kernel[HK_VM_ARG_MAX], initrd[HK_VM_ARG_MAX], append[HK_VM_ARG_MAX];
	char disk[HK_VM_ARG_MAX];
	int64_t created, started, finished; /* unix seconds, 0 unset */
};

/* Insert; a taken name: -EEXIST, usage class, "vm name 'N' is already in use". */
int hk_vmstore_insert(struct hk_store *st, const struct hk_vm_row *v, struct hk_err *err);
/* Rewrite every field of row v->id. */
int hk_vmstore_update(struct hk_store *st, const struct hk_vm_row *v, struct hk_err *err);
/* By exact name, exact id or unique id prefix (>= 4 characters); -ENOENT, not-found class,
 * "no such vm: X". */
int hk_vmstore_get(struct hk_store *st, const char *key, struct hk_vm_row *ret, struct hk_err *err);
/* By exact name only (a name to be taken, or a lab's own VM: an id prefix is another VM). */
int hk_vmstore_get_name(struct hk_store *st, const char *name, struct hk_vm_row *ret,
			struct hk_err *err);
/* Every VM, by name; *ret malloc'ed. */
int hk_vmstore_list(struct hk_store *st, struct hk_vm_row **ret, size_t *ret_n, struct hk_err *err);
int hk_vmstore_delete(struct hk_store *st, const char *id, struct hk_err *err);

#endif
