// SPDX-License-Identifier: MIT
/* A VM's tap or macvtap (see vmnet.h). */
#include "vmnet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/parse.h"
#include "ifindex.h"
#include "link.h"
#include "netlink.h"

static int tap_free(const char *name, struct hk_err *err)
{
	if (strlen(name) >= IFNAMSIZ || !name[0])
		return hk_err_usage(err, "--tap '%s': not a device name", name);
	if (if_nametoindex(name)) {
		hk_err_usage(err, "tap '%s': a device of that name already exists", name);
		return err->code = -EEXIST;
	}
	return 0;
}

static int check_first(struct hk_store *st, const struct hk_vm_row *v, struct hk_err *err);

int hk_vmnet_check(struct hk_store *st, const struct hk_vm_row *v, struct hk_err *err)
{
	int r = check_first(st, v, err);
	char taps[sizeof(v->taps)];
	snprintf(taps, sizeof(taps), "%s", v->taps);
	for (char *save, *t = strtok_r(taps, " ", &save); r == 0 && t;
	     t = strtok_r(NULL, " ", &save))
		r = tap_free(t, err);
	return r;
}

static int check_first(struct hk_store *st, const struct hk_vm_row *v, struct hk_err *err)
{
	if (!strcmp(v->nettype, "network")) {
		struct hk_net_row n;
		if (!strcmp(v->net, HK_NET_DEFAULT))
			return 0; /* made on first use */
		int r = hk_netstore_get(st, v->net, &n, err);
		if (r < 0)
			return r;
		if (strcmp(n.driver, "bridge"))
			return hk_err_usage(err,
					    "network '%s' is a %s network: a VM joins its parent "
					    "with --macvtap %s",
					    n.name, n.driver, n.parent);
		return 0;
	}
	if (!strcmp(v->nettype, "tap"))
		return tap_free(v->hostif, err);
	if (!strcmp(v->nettype, "macvtap") && !if_nametoindex(v->net)) {
		hk_err_set(err, -ENODEV, "--macvtap '%s': no such device", v->net);
		hk_err_class_set(err, HK_ERR_NOTFOUND);
		return -ENODEV;
	}
	return 0;
}

static int mask_str(const char *subnet, char *addr_gw_mask, size_t len, const char *addr,
		    const char *gw, struct hk_err *err)
{
	struct hk_prefix sub;
	int r = hk_parse_prefix(subnet, AF_INET, &sub, err);
	if (r < 0)
		return r;
	struct in_addr m = { .s_addr = sub.len ? htonl(~0u << (32 - sub.len)) : 0 };
	char ms[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &m, ms, sizeof(ms));
	snprintf(addr_gw_mask, len, "ip=%s::%s:%s::eth0:off", addr, gw, ms);
	return 0;
}

static int dhcp_lease(const struct hk_vm_row *v, const struct hk_net_row *n,
		      struct hk_dhcp_lease *d, struct hk_err *err)
{
	struct hk_prefix sub;
	int r = hk_parse_prefix(n->subnet, AF_INET, &sub, err);
	if (r < 0)
		return r;
	unsigned m[6];
	if (sscanf(v->mac, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6)
		return hk_err_set(err, -EINVAL, "mac '%s'", v->mac);
	for (int i = 0; i < 6; i++)
		d->mac[i] = (uint8_t)m[i];
	snprintf(d->ifname, sizeof(d->ifname), "%s", v->hostif);
	inet_pton(AF_INET, v->addr, &d->addr);
	inet_pton(AF_INET, n->gateway, &d->server);
	d->mask = sub.len ? htonl(~0u << (32 - sub.len)) : 0;
	d->router = n->internal ? 0 : d->server;
	d->lease_s = 86400;
	return 0;
}

/* The macvtap's character device number from sysfs. /sys describes the network namespace
 * it was mounted in, which may not be ours (ip netns exec remounts it; a process that only
 * setns'ed does not): then a child reads it from a sysfs of its own, in a private mount
 * namespace. */
static int macvtap_dev(const char *name, int index, dev_t *ret, struct hk_err *err)
{
	char path[128], buf[32] = "";
	snprintf(path, sizeof(path), "/sys/class/net/%s/macvtap/tap%d/dev", name, index);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int pfd[2];
		if (pipe2(pfd, O_CLOEXEC) < 0)
			return hk_err_sys(err, -errno, "pipe");
		pid_t pid = fork();
		if (pid == 0) {
			if (unshare(CLONE_NEWNS) < 0 ||
			    mount("", "/", NULL, MS_SLAVE | MS_REC, NULL) < 0 ||
			    (umount2("/sys", MNT_DETACH),
			     mount("sysfs", "/sys", "sysfs", 0, NULL)) < 0)
				_exit(1);
			int f = open(path, O_RDONLY | O_CLOEXEC);
			ssize_t k = f < 0 ? -1 : read(f, buf, sizeof(buf) - 1);
			_exit(k > 0 && write(pfd[1], buf, (size_t)k) == k ? 0 : 1);
		}
		close(pfd[1]);
		ssize_t k = pid > 0 ? read(pfd[0], buf, sizeof(buf) - 1) : -1;
		close(pfd[0]);
		if (pid > 0)
			waitpid(pid, NULL, 0);
		if (k <= 0)
			return hk_err_set(err, -ENOENT, "macvtap '%s': no %s", name, path);
		buf[k] = 0;
	} else {
		ssize_t k = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (k <= 0)
			return hk_err_sys(err, -EIO, "read %s", path);
	}
	unsigned maj, min;
	if (sscanf(buf, "%u:%u", &maj, &min) != 2)
		return hk_err_set(err, -EINVAL, "macvtap '%s': bad device number '%s'", name, buf);
	*ret = makedev(maj, min);
	return 0;
}

/* Open the macvtap's character device through a node of our own in /dev (devtmpfs may have
 * /dev/tapN of another namespace's device of that index; /run is nodev), unlinked at once. */
static int macvtap_open(const struct hk_vm_row *v, int index, struct hk_err *err)
{
	dev_t dev = 0;
	int r = macvtap_dev(v->hostif, index, &dev, err);
	if (r < 0)
		return r;
	char node[64];
	snprintf(node, sizeof(node), "/dev/.hako-vm-%s", v->id);
	unlink(node);
	if (mknod(node, S_IFCHR | 0600, dev) < 0)
		return hk_err_sys(err, -errno, "macvtap '%s': mknod %s", v->hostif, node);
	int fd = open(node, O_RDWR | O_CLOEXEC);
	int e = errno;
	unlink(node);
	return fd >= 0 ? fd : hk_err_sys(err, -e, "macvtap '%s': open", v->hostif);
}

static int macvtap_setup(struct hk_vm_row *v, int *ret_fd, struct hk_err *err)
{
	_cleanup_nl_ struct hk_nl *nl = NULL;
	int r = hk_nl_open(&nl, -1, err);
	if (r < 0)
		return r;
	struct hk_link_req req = { .kind = &hk_link_macvtap, .a.up = 1 };
	req.u.macvlan.mode = MACVLAN_MODE_BRIDGE;
	snprintf(req.name, sizeof(req.name), "%s", v->hostif);
	unsigned m[6];
	if (sscanf(v->mac, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) == 6) {
		for (int i = 0; i < 6; i++)
			req.a.mac[i] = (uint8_t)m[i];
		req.a.has_mac = true;
	}
	struct hk_link_res res;
	hk_link_res_init(&res);
	r = hk_link_index(nl, v->net, &res.link, err);
	struct hk_nlmsg msg;
	if (r == 0)
		r = hk_link_add_msg(&req, &res, &msg, err);
	if (r == 0 && (r = hk_nl_do(nl, &msg, NULL, NULL, err)) < 0)
		hk_link_explain(&req, true, err); /* no macvtap in this kernel: exit 3 */
	if (r < 0)
		return hk_err_prefix(err, "macvtap '%s' on '%s'", v->hostif, v->net);
	int index;
	r = hk_link_index(nl, v->hostif, &index, err);
	int fd = r < 0 ? r : macvtap_open(v, index, err);
	if (fd < 0) {
		struct hk_err e;
		hk_netattach_del(v->hostif, &e);
		return fd;
	}
	*ret_fd = fd;
	return 0;
}

void hk_vmnet_mac(const struct hk_vm_row *v, size_t k, char buf[18])
{
	snprintf(buf, 18, "52:54:%02zx:%.2s:%.2s:%.2s", k, v->id, v->id + 2, v->id + 4);
}

/* The first NIC (nettype); *ret_fd -1 for none. */
static int first_nic(struct hk_store *st, const struct hk_paths *p, struct hk_vm_row *v,
		     const struct hk_vmnet_opts *o, int *ret_fd, char *ip_param, size_t len,
		     struct hk_dhcp_lease *ret_dhcp, struct hk_net_notes *notes, struct hk_err *err)
{
	*ret_fd = -1;
	memset(ret_dhcp, 0, sizeof(*ret_dhcp));
	ip_param[0] = 0;
	if (!strcmp(v->nettype, "network")) {
		struct hk_net_tap t = { .net = v->net,
					.id = v->id,
					.ifname = v->hostif,
					.ip = o->ip,
					.ports = o->ports,
					.n_ports = o->n_ports };
		struct hk_net_row n;
		struct hk_lease_row l;
		int r = hk_network_tap_connect(st, p, &t, &n, &l, ret_fd, notes, err);
		if (r < 0)
			return r;
		snprintf(v->addr, sizeof(v->addr), "%s", l.addr);
		r = mask_str(n.subnet, ip_param, len, l.addr, n.internal ? "" : n.gateway, err);
		if (r == 0)
			r = dhcp_lease(v, &n, ret_dhcp, err);
		return r;
	}
	if (!strcmp(v->nettype, "tap")) {
		int fd = hk_tuntap_open(v->hostif, err);
		if (fd < 0)
			return fd;
		*ret_fd = fd;
		return 0;
	}
	if (!strcmp(v->nettype, "macvtap"))
		return macvtap_setup(v, ret_fd, err);
	return 0;
}

int hk_vmnet_setup(struct hk_store *st, const struct hk_paths *p, struct hk_vm_row *v,
		   const struct hk_vmnet_opts *o, int ret_fds[HK_VM_NICS_MAX], size_t *ret_n,
		   char *ip_param, size_t len, struct hk_dhcp_lease *ret_dhcp,
		   struct hk_net_notes *notes, struct hk_err *err)
{
	*ret_n = 0;
	int fd, r = first_nic(st, p, v, o, &fd, ip_param, len, ret_dhcp, notes, err);
	if (r < 0)
		return r;
	if (fd >= 0)
		ret_fds[(*ret_n)++] = fd;
	char taps[sizeof(v->taps)];
	snprintf(taps, sizeof(taps), "%s", v->taps);
	for (char *save, *t = strtok_r(taps, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (*ret_n == HK_VM_NICS_MAX)
			r = hk_err_usage(err, "more than %d network devices", HK_VM_NICS_MAX);
		else if ((fd = hk_tuntap_open(t, err)) < 0)
			r = fd;
		else
			ret_fds[(*ret_n)++] = fd;
		if (r < 0)
			break;
	}
	if (r < 0) {
		struct hk_err e;
		for (size_t i = 0; i < *ret_n; i++)
			close(ret_fds[i]);
		*ret_n = 0;
		hk_vmnet_release(st, p, v, &e);
	}
	return r;
}

int hk_vmnet_release(struct hk_store *st, const struct hk_paths *p, const struct hk_vm_row *v,
		     struct hk_err *err)
{
	if (!strcmp(v->nettype, "network"))
		return hk_network_disconnect(st, p, v->id, NULL, err);
	if (!strcmp(v->nettype, "macvtap") && v->hostif[0])
		return hk_netattach_del(v->hostif, err);
	return 0; /* a tap went with qemu's fd */
}
