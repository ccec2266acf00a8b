// SPDX-License-Identifier: MIT
/*
 * libhako's public functions (include/hako/hako.h): thin compositions of the library's own
 * pieces, the same ones the CLI uses. Only the hako_* names are exported (libhako.map).
 */
#include "hako/hako.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "link.h"
#include "netlink.h"
#include "netns.h"

#define API __attribute__((visibility("default")))

/* the exit statuses of docs/cli.md: the error classes' numbers */
static int fail(struct hako_error *out, const struct hk_err *e)
{
	if (out) {
		out->code = e->code ? e->code : -EIO;
		out->status = (int)e->cls;
		snprintf(out->msg, sizeof(out->msg), "%s", e->msg);
	}
	return e->code ? e->code : -EIO;
}

static void ok(struct hako_error *out)
{
	if (out)
		memset(out, 0, sizeof(*out));
}

API const char *hako_version(void)
{
	return HAKO_VERSION;
}

API int hako_netns_add(const char *name, struct hako_error *err)
{
	struct hk_err e = { 0 };
	if (!name || hk_parse_netns_name(name, &e) < 0 || hk_netns_add(name, &e) < 0)
		return fail(err, name ? &e : (hk_err_usage(&e, "netns: no name"), &e));
	ok(err);
	return 0;
}

API int hako_netns_del(const char *name, struct hako_error *err)
{
	struct hk_err e = { 0 };
	if (!name || hk_parse_netns_name(name, &e) < 0 || hk_netns_del(name, &e) < 0)
		return fail(err, name ? &e : (hk_err_usage(&e, "netns: no name"), &e));
	ok(err);
	return 0;
}

/* a netlink socket in netns (NULL: ours) */
static int nl_in(const char *netns, struct hk_nl **ret, struct hk_err *e)
{
	_cleanup_close_ int fd = -1;
	if (netns && (hk_parse_netns_name(netns, e) < 0 || hk_netns_open(netns, &fd, e) < 0))
		return e->code;
	return hk_nl_open(ret, fd, e);
}

static void res_close(struct hk_link_res *res)
{
	if (res->netns_fd >= 0)
		close(res->netns_fd);
	if (res->peer_netns_fd >= 0)
		close(res->peer_netns_fd);
}

API int hako_link_add(const char *netns, int argc, const char *const *argv, struct hako_error *err)
{
	struct hk_err e = { 0 };
	struct hk_link_req req;
	struct hk_link_res res;
	struct hk_nl *nl = NULL;
	hk_link_res_init(&res);
	int r = hk_link_parse_add(argc, (char **)argv, &req, &e);
	if (r == 0 && req.a.netns[0])
		r = hk_netns_open(req.a.netns, &res.netns_fd, &e);
	if (r == 0 && req.kind == &hk_link_veth && req.u.veth.peer_netns[0])
		r = hk_netns_open(req.u.veth.peer_netns, &res.peer_netns_fd, &e);
	if (r == 0)
		r = nl_in(netns, &nl, &e);
	if (r == 0 && req.kind->ioctl) {
		/* an ioctl kind: made by hk_tuntap_create in the namespace it is to live in */
		int fd = res.netns_fd;
		_cleanup_close_ int own = -1;
		if (fd < 0 && netns && (r = hk_netns_open(netns, &own, &e)) == 0)
			fd = own;
		if (r == 0)
			r = hk_tuntap_create(&req, fd, &e);
	} else if (r == 0) {
		struct hk_nlmsg m;
		r = hk_link_resolve(nl, &req, &res, &e);
		if (r == 0)
			r = hk_link_add_msg(&req, &res, &m, &e);
		if (r == 0)
			r = hk_nl_do(nl, &m, NULL, NULL, &e);
	}
	if (r < 0 && req.name[0])
		hk_link_explain(&req, true, &e);
	hk_nl_close(nl);
	res_close(&res);
	if (r < 0)
		return fail(err, &e);
	ok(err);
	return 0;
}

API int hako_link_del(const char *netns, const char *name, struct hako_error *err)
{
	struct hk_err e = { 0 };
	struct hk_nl *nl = NULL;
	const char *argv[] = { name, NULL };
	struct hk_link_req req;
	int r = name ? hk_link_parse_del(1, (char **)argv, &req, &e)
		     : hk_err_usage(&e, "link del: no name");
	if (r == 0)
		r = nl_in(netns, &nl, &e);
	if (r == 0) {
		struct hk_nlmsg m;
		hk_link_del_msg(req.name, &m);
		r = hk_nl_do(nl, &m, NULL, NULL, &e);
		if (r < 0)
			hk_link_explain(&req, false, &e);
	}
	hk_nl_close(nl);
	if (r < 0)
		return fail(err, &e);
	ok(err);
	return 0;
}
