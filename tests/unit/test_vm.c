// SPDX-License-Identifier: MIT
/* Unit tests for the vm layer's pure parts: qemu's command line (qemu.c: accelerator, the
 * console, the tap fd, ',' escaped in option values, disk format) and the DHCP responder's
 * replies (dhcp.c: OFFER, ACK, NAK, other MACs and servers ignored, checksum). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dhcp.h"
#include "qemu.h"
#include "tap.h"

static int has(const struct hk_qemu_argv *a, const char *k, const char *v)
{
	for (int i = 0; i + 1 < a->n; i++)
		if (!strcmp(a->v[i], k) && !strcmp(a->v[i + 1], v))
			return 1;
	return 0;
}

static void test_argv(void)
{
	struct hk_err e = { 0 };
	struct hk_qemu_argv a;
	struct hk_qemu_cfg c = {
		.bin = "/usr/bin/qemu-system-x86_64",
		.accel = "tcg",
		.name = "v,1",
		.memory = 192,
		.cpus = 2,
		.kernel = "/k",
		.initrd = "/i",
		.append = "console=ttyS0 ip=10.0.0.2::10.0.0.1:255.255.255.0::eth0:off",
		.n_nics = 2,
		.net_fds = { 5, 7 },
		.macs = { "52:54:00:aa:bb:cc", "52:54:01:aa:bb:cc" },
		.rundir = "/run/hako/vm/a,b"
	};
	TAP_EQ_INT(hk_qemu_argv(&c, &a, &e), 0, "argv built");
	TAP_EQ_STR(a.v[0], c.bin, "the binary first");
	TAP_OK(has(&a, "-machine", "pc,accel=tcg"), "TCG");
	TAP_OK(has(&a, "-cpu", "max"), "cpu max under TCG");
	TAP_OK(has(&a, "-name", "v,,1"), "a ',' in the name is escaped");
	TAP_OK(has(&a, "-m", "192") && has(&a, "-smp", "2"), "memory and cpus");
	TAP_OK(has(&a, "-chardev",
		   "pty,id=con0,logfile=/run/hako/vm/a,,b/console.log,logappend=on"),
	       "console on a pty, logged (',' escaped)");
	TAP_OK(has(&a, "-netdev", "tap,id=net0,fd=5"), "the tap as an fd");
	TAP_OK(has(&a, "-device", "virtio-net-pci,netdev=net0,mac=52:54:00:aa:bb:cc"),
	       "virtio NIC");
	TAP_OK(has(&a, "-netdev", "tap,id=net1,fd=7") &&
		       has(&a, "-device", "virtio-net-pci,netdev=net1,mac=52:54:01:aa:bb:cc"),
	       "a second NIC");
	TAP_OK(has(&a, "-append", c.append) && has(&a, "-kernel", "/k") && has(&a, "-initrd", "/i"),
	       "direct kernel boot");
	TAP_EQ_STR(a.v[a.n - 1], "-daemonize", "daemonized");
	TAP_OK(a.v[a.n] == NULL, "NULL-terminated");
	hk_qemu_argv_free(&a);

	char disk[] = "/tmp/hako-test-disk.XXXXXX";
	int fd = mkstemp(disk);
	TAP_OK(fd >= 0 && write(fd, "QFI\xfb", 4) == 4, "a qcow2 header");
	close(fd);
	c.kernel = NULL;
	c.disk = disk;
	c.n_nics = 0;
	c.accel = "kvm";
	TAP_EQ_INT(hk_qemu_argv(&c, &a, &e), 0, "disk argv built");
	char want[128];
	snprintf(want, sizeof(want), "file=%s,if=virtio,format=qcow2", disk);
	TAP_OK(has(&a, "-drive", want), "qcow2 found by its magic");
	TAP_OK(has(&a, "-cpu", "host") && has(&a, "-machine", "pc,accel=kvm"), "KVM: cpu host");
	int netdev = 0;
	for (int i = 0; i < a.n; i++)
		netdev |= !strcmp(a.v[i], "-netdev") || !strcmp(a.v[i], "-kernel");
	TAP_OK(!netdev, "no NIC, no kernel");
	hk_qemu_argv_free(&a);
	unlink(disk);
	TAP_EQ_INT(hk_qemu_accel("xen", (char[8]){ 0 }, &e), -EINVAL, "--accel xen refused");
	char acc[8];
	TAP_OK(hk_qemu_accel("tcg", acc, &e) == 0 && !strcmp(acc, "tcg"), "--accel tcg");
}

/* A BOOTREQUEST of type t from mac, asking for want (0: none) from server sid (0: none). */
static size_t req(uint8_t *b, const uint8_t *mac, uint8_t t, uint32_t want, uint32_t sid)
{
	memset(b, 0, 400);
	b[0] = 1, b[1] = 1, b[2] = 6;
	memcpy(b + 4, "\x12\x34\x56\x78", 4);
	memcpy(b + 28, mac, 6);
	uint32_t m = htonl(0x63825363);
	memcpy(b + 236, &m, 4);
	uint8_t *p = b + 240;
	*p++ = 53, *p++ = 1, *p++ = t;
	if (want) {
		*p++ = 50, *p++ = 4;
		memcpy(p, &want, 4);
		p += 4;
	}
	if (sid) {
		*p++ = 54, *p++ = 4;
		memcpy(p, &sid, 4);
		p += 4;
	}
	*p++ = 255;
	return 300;
}

/* The DHCP message type in reply out (an IPv4+UDP packet), 0 if none. */
static int type_of(const uint8_t *out, size_t n)
{
	for (size_t i = 28 + 240; i + 2 < n; i += 2 + out[i + 1])
		if (out[i] == 53)
			return out[i + 2];
	return 0;
}

static void test_dhcp(void)
{
	struct hk_dhcp_lease l = { .ifname = "hv1",
				   .mac = { 0x52, 0x54, 0, 1, 2, 3 },
				   .lease_s = 60 };
	inet_pton(AF_INET, "10.9.0.5", &l.addr);
	inet_pton(AF_INET, "255.255.255.0", &l.mask);
	inet_pton(AF_INET, "10.9.0.1", &l.router);
	l.server = l.router;
	uint8_t b[400], out[1024];
	size_t n = hk_dhcp_reply(&l, b, req(b, l.mac, 1, 0, 0), out, sizeof(out));
	TAP_OK(n > 28 + 240, "DISCOVER answered");
	TAP_EQ_INT(type_of(out, n), 2, "with an OFFER");
	TAP_OK(!memcmp(out + 28 + 16, &l.addr, 4), "yiaddr is the lease");
	TAP_OK(!memcmp(out + 28 + 4, "\x12\x34\x56\x78", 4), "xid copied");
	TAP_EQ_INT(out[20 + 3], 68, "to the client port");
	TAP_OK(!memcmp(out + 16, "\xff\xff\xff\xff", 4), "broadcast");
	uint32_t s = 0;
	for (int i = 0; i < 20; i += 2)
		s += (uint32_t)(out[i] << 8 | out[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	TAP_EQ_INT(s, 0xffff, "IPv4 header checksum");
	n = hk_dhcp_reply(&l, b, req(b, l.mac, 3, l.addr, l.server), out, sizeof(out));
	TAP_EQ_INT(type_of(out, n), 5, "REQUEST of the lease: ACK");
	uint32_t other;
	inet_pton(AF_INET, "10.9.0.77", &other);
	n = hk_dhcp_reply(&l, b, req(b, l.mac, 3, other, 0), out, sizeof(out));
	TAP_EQ_INT(type_of(out, n), 6, "REQUEST of another address: NAK");
	TAP_EQ_INT(hk_dhcp_reply(&l, b, req(b, l.mac, 3, l.addr, other), out, sizeof(out)), 0,
		   "REQUEST to another server: ignored");
	uint8_t mac2[6] = { 0x52, 0x54, 0, 9, 9, 9 };
	TAP_EQ_INT(hk_dhcp_reply(&l, b, req(b, mac2, 1, 0, 0), out, sizeof(out)), 0,
		   "another MAC: ignored");
	TAP_EQ_INT(hk_dhcp_reply(&l, b, 100, out, sizeof(out)), 0, "short: ignored");
	req(b, l.mac, 1, 0, 0);
	b[0] = 2;
	TAP_EQ_INT(hk_dhcp_reply(&l, b, 300, out, sizeof(out)), 0, "a BOOTREPLY: ignored");
}

int main(void)
{
	test_argv();
	test_dhcp();
	return tap_done();
}
