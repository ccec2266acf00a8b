// SPDX-License-Identifier: MIT
/*
 * tun and tap: `[owner U] [group G] [multi_queue] [vnet_hdr] [pi]`, persistent like
 * `ip tuntap add`. The
 * kernel refuses to create them over rtnetlink ("tun/tap creation via rtnetlink is not
 * supported"), so: open /dev/net/tun, TUNSETIFF, TUNSETOWNER/TUNSETGROUP, TUNSETPERSIST 1,
 * close. A tun fd belongs to the network namespace current at open() time, so for another
 * namespace the calling thread switches into it just for the open (as netlink.c does for
 * sockets) and straight back.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "link.h"
#include "base/nsswitch.h"

#define HK_TUN_F_USO4 0x20 /* linux 6.2 uapi; Debian 12's headers lack them */
#define HK_TUN_F_USO6 0x40

static int tuntap_parse(struct hk_link_req *req, int argc, char **argv, struct hk_err *err)
{
	struct hk_link_tuntap *t = &req->u.tuntap;
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i], *v;
		uint32_t id;
		if (!strcmp(w, "multi_queue") || !strcmp(w, "vnet_hdr") || !strcmp(w, "pi") ||
		    !strcmp(w, "one_queue")) { /* one_queue: the kernel's default, as ip */
			t->multi_queue |= !strcmp(w, "multi_queue");
			t->vnet_hdr |= !strcmp(w, "vnet_hdr");
			t->pi |= !strcmp(w, "pi");
			continue;
		}
		if (strcmp(w, "owner") && strcmp(w, "user") && strcmp(w, "group"))
			return hk_err_usage(err,
					    "unexpected '%s' (owner U, group G, multi_queue, "
					    "vnet_hdr, pi)",
					    w);
		bool grp = !strcmp(w, "group");
		int r = hk_next_arg(argc, argv, &i, &v, err);
		if (r < 0 || (r = hk_link_parse_owner(v, grp, &id, err)) < 0)
			return r;
		if (grp) {
			t->group = id;
			t->has_group = true;
		} else {
			t->owner = id;
			t->has_owner = true;
		}
	}
	return 0;
}

static int open_tun(int netns_fd, struct hk_err *err)
{
	if (netns_fd < 0) {
		int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
		return fd < 0 ? hk_err_sys(err, -errno, "open /dev/net/tun") : fd;
	}
	int old, r = hk_thread_netns_enter(netns_fd, &old, err);
	if (r < 0)
		return r;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	int saved = errno;
	hk_thread_netns_leave(old);
	return fd < 0 ? hk_err_sys(err, -saved, "open /dev/net/tun") : fd;
}

int hk_tuntap_create(const struct hk_link_req *req, int netns_fd, struct hk_err *err)
{
	const struct hk_link_tuntap *t = &req->u.tuntap;
	_cleanup_close_ int fd = open_tun(netns_fd, err);
	if (fd < 0)
		return fd;
	struct ifreq ifr = { 0 };
	strcpy(ifr.ifr_name, req->name);
	/* IFF_TUN_EXCL: without it TUNSETIFF attaches to an existing device of that name. */
	ifr.ifr_flags = (req->kind == &hk_link_tap ? IFF_TAP : IFF_TUN) | IFF_TUN_EXCL;
	if (!t->pi)
		ifr.ifr_flags |= IFF_NO_PI;
	if (t->multi_queue)
		ifr.ifr_flags |= IFF_MULTI_QUEUE;
	if (t->vnet_hdr)
		ifr.ifr_flags |= IFF_VNET_HDR;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		if (errno == EBUSY)
			return hk_err_sys(err, -EEXIST, "create %s '%s'", req->kind->name,
					  req->name);
		return hk_err_sys(err, -errno, "create %s '%s' (TUNSETIFF)", req->kind->name,
				  req->name);
	}
	int r = 0;
	if (t->has_owner && ioctl(fd, TUNSETOWNER, (unsigned long)t->owner) < 0)
		r = hk_err_sys(err, -errno, "%s '%s': set owner %u", req->kind->name, req->name,
			       t->owner);
	if (!r && t->has_group && ioctl(fd, TUNSETGROUP, (unsigned long)t->group) < 0)
		r = hk_err_sys(err, -errno, "%s '%s': set group %u", req->kind->name, req->name,
			       t->group);
	if (!r && ioctl(fd, TUNSETPERSIST, 1UL) < 0)
		r = hk_err_sys(err, -errno, "%s '%s': make persistent", req->kind->name, req->name);
	/* On failure the device is not persistent yet: closing fd destroys it. */
	return r;
}

static int tun_attach(const char *name, int netns_fd, bool tap, bool offload, short mq_flags,
		      int *ret_fd, struct hk_err *err)
{
	_cleanup_close_ int fd = open_tun(netns_fd, err);
	if (fd < 0)
		return fd;
	struct ifreq ifr = { 0 };
	if (strlen(name) >= sizeof(ifr.ifr_name))
		return hk_err_usage(err, "tun '%s': name too long", name);
	strcpy(ifr.ifr_name, name);
	const char *kind = tap ? "tap" : "tun";
	ifr.ifr_flags =
		(short)((tap ? IFF_TAP : IFF_TUN) | IFF_NO_PI | (offload ? IFF_VNET_HDR : 0) |
			(mq_flags ? mq_flags : IFF_TUN_EXCL));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		if (errno == EBUSY)
			return hk_err_sys(err, -EEXIST, "create %s '%s'", kind, name);
		return hk_err_sys(err, -errno, "create %s '%s' (TUNSETIFF)", kind, name);
	}
	/* partial checksums and TCP segments of up to 64 KiB; a kernel that refuses still
	 * sends every packet behind a virtio_net_hdr, only never a GSO one */
	if (offload && !tap) {
		unsigned long f = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN;
		/* UDP segments too where the kernel has them (6.2); older ones refuse the
		 * whole set, so ask again without */
		if (ioctl(fd, TUNSETOFFLOAD, f | HK_TUN_F_USO4 | HK_TUN_F_USO6) < 0)
			ioctl(fd, TUNSETOFFLOAD, f);
	}
	*ret_fd = TAKE_FD(fd);
	return 0;
}

int hk_tun_attach(const char *name, int netns_fd, bool tap, bool offload, int *ret_fd,
		  struct hk_err *err)
{
	return tun_attach(name, netns_fd, tap, offload, 0, ret_fd, err);
}

int hk_tun_attach_queue(const char *name, int netns_fd, bool first, int *ret_fd, struct hk_err *err)
{
	/* the first queue makes the device (a taken name: -EEXIST); the others join it */
	return tun_attach(name, netns_fd, false, true,
			  (short)(IFF_MULTI_QUEUE | (first ? IFF_TUN_EXCL : 0)), ret_fd, err);
}

int hk_tuntap_open(const char *name, struct hk_err *err)
{
	if (strlen(name) >= IFNAMSIZ)
		return hk_err_usage(err, "tap name '%s' is longer than %d characters", name,
				    IFNAMSIZ - 1);
	/* IFF_VNET_HDR as libvirt sets it: qemu finds it (TUNGETIFF) and passes offloads */
	int fd, r = hk_tun_attach(name, -1, true, true, &fd, err);
	if (r == -ENOENT || r == -ENODEV) /* no tun module, or no device node */
		hk_err_class_set(err, HK_ERR_UNSUPPORTED);
	if (r == -EEXIST) {
		hk_err_usage(err, "tap '%s': a device of that name already exists", name);
		return err->code = -EEXIST;
	}
	return r < 0 ? r : fd;
}

static void tuntap_info(const struct nlattr *data, struct hk_link_info *info)
{
	const struct nlattr *tb[IFLA_TUN_MAX + 1];
	hk_attr_parse_nested(data, tb, IFLA_TUN_MAX);
	if (tb[IFLA_TUN_TYPE])
		hk_link_kv_str(info, "type",
			       hk_attr_u8(tb[IFLA_TUN_TYPE]) == IFF_TAP ? "tap" : "tun");
	if (tb[IFLA_TUN_PI])
		hk_link_kv_bool(info, "pi", hk_attr_u8(tb[IFLA_TUN_PI]));
	if (tb[IFLA_TUN_VNET_HDR])
		hk_link_kv_bool(info, "vnet_hdr", hk_attr_u8(tb[IFLA_TUN_VNET_HDR]));
	if (tb[IFLA_TUN_MULTI_QUEUE])
		hk_link_kv_bool(info, "multi_queue", hk_attr_u8(tb[IFLA_TUN_MULTI_QUEUE]));
	if (tb[IFLA_TUN_PERSIST])
		hk_link_kv_bool(info, "persist", hk_attr_u8(tb[IFLA_TUN_PERSIST]));
	if (tb[IFLA_TUN_OWNER])
		hk_link_kv_u64(info, "owner", hk_attr_u32(tb[IFLA_TUN_OWNER]));
	if (tb[IFLA_TUN_GROUP])
		hk_link_kv_u64(info, "group", hk_attr_u32(tb[IFLA_TUN_GROUP]));
}

const struct hk_link_kind hk_link_tun = {
	.name = "tun",
	.info_kind = "tun",
	.ioctl = true,
	.parse = tuntap_parse,
	.info = tuntap_info,
};

const struct hk_link_kind hk_link_tap = {
	.name = "tap",
	.info_kind = "tun",
	.ioctl = true,
	.parse = tuntap_parse,
	.info = tuntap_info,
};
