/* SPDX-License-Identifier: MIT */
/*
 * The DHCP responder of a VM on a hako network: the other way (besides the kernel's ip=
 * parameter) the guest learns the address leased to it, for guests booted from a disk.
 * One small process per VM, forked by vm run once qemu is up, listening with a packet socket
 * on the VM's own tap (not on the bridge): it sees only that guest's frames, answers only
 * its MAC with its lease (DISCOVER -> OFFER, REQUEST -> ACK, or NAK for another address),
 * sends back through the tap, and never competes with another VM's responder or a DHCP
 * server elsewhere on the bridge. It runs as nobody (uid and gid 65534, no_new_privs) once
 * its socket is bound, and exits when qemu does (a pidfd), or when the tap goes.
 * Its pid is in RUN/vm/<id>/dhcp.pid.
 */
#ifndef HK_VM_DHCP_H
#define HK_VM_DHCP_H

#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"

struct hk_dhcp_lease {
	char ifname[16]; /* the tap */
	uint8_t mac[6];	 /* the guest's */
	uint32_t addr;	 /* network byte order */
	uint32_t mask;
	uint32_t router; /* 0: none (internal network); also the server id when set */
	uint32_t server; /* the server identifier (the bridge's address) */
	uint32_t lease_s;
};

/* Fork the responder for l, alive as long as process qemu (pid, start); its pid is written
 * to pidfile. */
int hk_dhcp_spawn(const struct hk_dhcp_lease *l, pid_t qemu, uint64_t qemu_start,
		  const char *pidfile, struct hk_err *err);

/* Build the reply (OFFER or ACK or NAK) to one BOOTREQUEST (the UDP payload req) for l;
 * returns its length (an IPv4 + UDP packet in out), 0 when req is not to be answered (not
 * a request, another MAC, an unknown message type). Pure: the unit tests call it. */
size_t hk_dhcp_reply(const struct hk_dhcp_lease *l, const uint8_t *req, size_t len, uint8_t *out,
		     size_t cap);

#endif
