/* SPDX-License-Identifier: MIT */
/*
 * A VM's network device on the host, handed to qemu as an open fd:
 *   network  a tap hako creates and plugs into a hako bridge network, with an IPAM lease
 *            under the VM's id (network.h hk_network_tap_connect); the guest learns its
 *            address from the kernel's ip= parameter (hk_vmnet_ip_param)
 *   tap      a tap of the given name, left for the user to plug (no address)
 *   macvtap  a macvtap (bridge mode) on a lower device; its /dev/tapN opened, as libvirt
 *   none     no network device
 * and, after that first NIC, more taps (eth1, eth2, ...) as given (v->taps): a VM between
 * several networks, e.g. a router of a lab.
 * Taps are not persistent: they go with qemu's fd. A macvtap is a link that outlives qemu:
 * hk_vmnet_release deletes it (by its recorded name), with the lease.
 */
#ifndef HK_VMNET_H
#define HK_VMNET_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "dhcp.h"
#include "network.h"
#include "store_vm.h"

/* Validate v's network choice (nettype, net, hostif) without changing anything: the network
 * exists (not found), the tap name is free (usage), the lower device exists (not found). */
int hk_vmnet_check(struct hk_store *st, const struct hk_vm_row *v, struct hk_err *err);
/* What a VM asks of a hako network: a static address, published ports. */
struct hk_vmnet_opts {
	const char *ip;
	const struct hk_port_row *ports;
	size_t n_ports;
};
/* Make v's devices, in NIC order: the network's tap or the macvtap (nettype), then the taps
 * of v->taps; their fds in ret_fds (*ret_n of them). Fills v->addr for a network. ip_param: the
 * kernel's ip= for the leased address ("" otherwise); *ret_dhcp: what the DHCP responder
 * hands out (its addr 0 when there is nothing to hand out: not on a hako network). */
int hk_vmnet_setup(struct hk_store *st, const struct hk_paths *p, struct hk_vm_row *v,
		   const struct hk_vmnet_opts *o, int ret_fds[HK_VM_NICS_MAX], size_t *ret_n,
		   char *ip_param, size_t len, struct hk_dhcp_lease *ret_dhcp,
		   struct hk_net_notes *notes, struct hk_err *err);
/* The guest MAC of v's NIC k: 52:54:00 and the id's first 3 bytes for eth0, 52:54:0k for
 * eth<k> (locally administered, qemu's prefix). */
void hk_vmnet_mac(const struct hk_vm_row *v, size_t k, char buf[18]);
/* Undo what setup made: the lease (and a tap still there), a macvtap. Idempotent. */
int hk_vmnet_release(struct hk_store *st, const struct hk_paths *p, const struct hk_vm_row *v,
		     struct hk_err *err);

#endif
