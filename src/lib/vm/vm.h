/* SPDX-License-Identifier: MIT */
/*
 * hako's virtual machines: qemu (qemu.h) with its network through a tap or macvtap hako made
 * (vmnet.h), recorded in the state database (store_vm.h). A run validates everything first
 * (bad input: nothing made), records the VM "creating" (owner: this process), makes its
 * device, starts qemu (and, on a hako network, the VM's DHCP responder: dhcp.h) and marks
 * it "running" last; a failure undoes in reverse. No hako process supervises the VM: the
 * next command that opens the store (hk_vm_reconcile) finds a qemu that died (kill -9, a
 * guest poweroff) and releases its tap, lease or macvtap, and finishes a run or rm whose
 * hako died half-way.
 */
#ifndef HK_VM_H
#define HK_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "network.h"
#include "store_vm.h"

struct hk_vm_spec {
	const char *name;		  /* NULL: "vm-" and the id's first 8 characters */
	const char *network;		  /* a hako bridge network ("none": none) */
	const char *taps[HK_VM_NICS_MAX]; /* and/or taps of these names, unplugged */
	size_t n_taps;
	const char *macvtap;		      /* or a macvtap (bridge mode) on this lower device */
	uint32_t memory;		      /* MiB; 0: 256 */
	uint32_t cpus;			      /* 0: 1 */
	const char *kernel, *initrd, *append; /* direct kernel boot */
	const char *disk;		      /* or a disk image (raw or qcow2) */
	const char *accel;		      /* "auto" (NULL), "kvm" or "tcg" */
	const char *ip;			      /* on a hako network: this address */
	const struct hk_port_row *ports;      /* on a hako network: published ports */
	size_t n_ports;
};

/* RUN/vm/<id>: qemu.pid, console.log */
void hk_vm_rundir(const struct hk_paths *p, const char *id, char *buf, size_t len);

int hk_vm_run(struct hk_store *st, const struct hk_paths *p, const struct hk_vm_spec *s,
	      struct hk_vm_row *ret, struct hk_net_notes *notes, struct hk_err *err);
/* Stop a running VM (qemu: TERM, 5 s, KILL) and release its network; stopped: nothing. */
int hk_vm_stop(struct hk_store *st, const struct hk_paths *p, const char *key,
	       struct hk_vm_row *ret, struct hk_err *err);
/* Remove a VM; a running one only with force (stopped first), else -EBUSY usage. */
int hk_vm_remove(struct hk_store *st, const struct hk_paths *p, const char *key, bool force,
		 struct hk_vm_row *ret, struct hk_err *err);
/* The repairs described above; cheap when nothing is stale (one query). */
int hk_vm_reconcile(struct hk_store *st, const struct hk_paths *p, struct hk_err *err);
/* Open a running VM's serial console (its pty) read-write. */
int hk_vm_console_open(const struct hk_vm_row *v, struct hk_err *err);

#endif
