// SPDX-License-Identifier: MIT
/*
 * iproute2's `ip link` keyword grammar -> struct hk_link_req. Pure: no kernel state, only
 * the user and group databases for `owner NAME` / `group NAME`. Everything is checked here,
 * so bad input is refused before any request is sent.
 */
#include "link.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct hk_link_kind *const kinds[] = {
	&hk_link_veth,	  &hk_link_bridge, &hk_link_tun,  &hk_link_tap,	   &hk_link_macvlan,
	&hk_link_macvtap, &hk_link_vxlan,  &hk_link_vlan, &hk_link_ipvlan, &hk_link_dummy,
};

const struct hk_link_kind *hk_link_kind_find(const char *name)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i]->name, name))
			return kinds[i];
	return NULL;
}

void hk_link_res_init(struct hk_link_res *res)
{
	*res = (struct hk_link_res){ .netns_fd = -1, .peer_netns_fd = -1 };
}

int hk_link_parse_owner(const char *s, bool group, uint32_t *ret, struct hk_err *err)
{
	const char *what = group ? "group" : "owner";
	if (*s >= '0' && *s <= '9')
		return hk_parse_u32(s, 0, UINT32_MAX - 1, ret, what, err);
	char buf[4096];
	int r;
	if (group) {
		struct group gr, *g = NULL;
		r = getgrnam_r(s, &gr, buf, sizeof(buf), &g);
		if (!r && g) {
			*ret = g->gr_gid;
			return 0;
		}
	} else {
		struct passwd pw, *p = NULL;
		r = getpwnam_r(s, &pw, buf, sizeof(buf), &p);
		if (!r && p) {
			*ret = p->pw_uid;
			return 0;
		}
	}
	return hk_err_usage(err, "%s '%s': no such %s", what, s, group ? "group" : "user");
}

static int copy_name(char *dst, const char *s, const char *what, struct hk_err *err)
{
	if (hk_parse_ifname(s, err) < 0)
		return hk_err_prefix(err, "%s", what);
	strcpy(dst, s);
	return 0;
}

int hk_link_parse_lower(struct hk_link_req *req, int argc, char **argv, int *i, struct hk_err *err)
{
	const char *v;
	if (strcmp(argv[*i], "link"))
		return 0;
	int r = hk_next_arg(argc, argv, i, &v, err);
	if (r < 0)
		return r;
	if (hk_parse_ifname(v, err) < 0)
		return hk_err_prefix(err, "link");
	strcpy(req->a.link, v);
	return 1;
}

int hk_link_parse_lower_mode(struct hk_link_req *req, int argc, char **argv,
			     const struct hk_link_mode *modes, size_t n, uint32_t *ret_mode,
			     struct hk_err *err)
{
	for (int i = 0; i < argc; i++) {
		int r = hk_link_parse_lower(req, argc, argv, &i, err);
		if (r < 0)
			return r;
		if (r > 0)
			continue;
		const char *v;
		if (strcmp(argv[i], "mode"))
			return hk_err_usage(err, "unexpected '%s' (link DEV, mode MODE)", argv[i]);
		if ((r = hk_next_arg(argc, argv, &i, &v, err)) < 0)
			return r;
		size_t m = 0;
		while (m < n && strcmp(v, modes[m].name))
			m++;
		if (m < n) {
			*ret_mode = modes[m].value;
			continue;
		}
		char list[128] = "";
		for (size_t k = 0, len = 0; k < n && len < sizeof(list); k++)
			len += snprintf(list + len, sizeof(list) - len, "%s%s", k ? ", " : "",
					modes[k].name);
		return hk_err_usage(err, "unknown mode '%s' (%s)", v, list);
	}
	return 0;
}

const char *hk_link_mode_name(const struct hk_link_mode *modes, size_t n, uint32_t value)
{
	for (size_t m = 0; m < n; m++)
		if (modes[m].value == value)
			return modes[m].name;
	return "unknown";
}

static int copy_netns(char *dst, const char *s, struct hk_err *err)
{
	if (hk_parse_netns_name(s, err) < 0)
		return hk_err_prefix(err, "netns");
	strcpy(dst, s);
	return 0;
}

/* on|off keywords (promisc, arp, multicast, allmulticast) and txqueuelen, alias, group:
 * 1 consumed, 0 not one of them, < 0 bad input. */
static int parse_flags(int argc, char **argv, int *i, struct hk_link_attrs *a, struct hk_err *err)
{
	const char *w = argv[*i], *v;
	enum hk_onoff *onoff = !strcmp(w, "promisc")	    ? &a->promisc
			       : !strcmp(w, "arp")	    ? &a->arp
			       : !strcmp(w, "multicast")    ? &a->multicast
			       : !strcmp(w, "allmulticast") ? &a->allmulticast
							    : NULL;
	bool valued = onoff || !strcmp(w, "txqueuelen") || !strcmp(w, "txqlen") ||
		      !strcmp(w, "qlen") || !strcmp(w, "alias") || !strcmp(w, "group");
	if (!valued)
		return 0;
	int r = hk_next_arg(argc, argv, i, &v, err);
	if (r < 0)
		return r;
	if (onoff) {
		if (strcmp(v, "on") && strcmp(v, "off"))
			return hk_err_usage(err, "%s '%s': expected on or off", w, v);
		*onoff = !strcmp(v, "on") ? HK_ON : HK_OFF;
	} else if (!strcmp(w, "alias")) {
		if (strlen(v) >= sizeof(a->alias))
			return hk_err_usage(err, "alias: longer than %d bytes",
					    HK_LINK_ALIAS_MAX - 1);
		snprintf(a->alias, sizeof(a->alias), "%s", v);
		a->has_alias = true;
	} else if (!strcmp(w, "group")) {
		if (!strcmp(v, "default"))
			a->group = 0;
		else if (hk_parse_u32(v, 0, INT32_MAX, &a->group, "group", err) < 0)
			return -EINVAL;
		a->has_group = true;
	} else {
		if (hk_parse_u32(v, 0, UINT32_MAX, &a->txqlen, "txqueuelen", err) < 0)
			return -EINVAL;
		a->has_txqlen = true;
	}
	return 1;
}

/*
 * One generic keyword at argv[*i] into a (add or set). Returns 1 when it was one, 0 when
 * it is not a generic keyword, negative on bad input.
 */
static int parse_common(int argc, char **argv, int *i, struct hk_link_attrs *a, bool add,
			struct hk_err *err)
{
	const char *w = argv[*i], *v;
	int r;
	if (!strcmp(w, "up") || !strcmp(w, "down")) {
		a->up = !strcmp(w, "up");
		return 1;
	}
	if (!strcmp(w, "nomaster") && !add) {
		a->nomaster = true;
		return 1;
	}
	r = parse_flags(argc, argv, i, a, err);
	if (r != 0)
		return r;
	if (strcmp(w, "mtu") && strcmp(w, "address") && strcmp(w, "master") && strcmp(w, "netns") &&
	    strcmp(w, "link"))
		return 0;
	if (!strcmp(w, "link") && !add)
		return 0;
	r = hk_next_arg(argc, argv, i, &v, err);
	if (r < 0)
		return r;
	if (!strcmp(w, "mtu")) {
		a->has_mtu = true;
		r = hk_parse_u32(v, 68, INT32_MAX, &a->mtu, "mtu", err);
	} else if (!strcmp(w, "address")) {
		a->has_mac = true;
		r = hk_parse_mac(v, a->mac, err);
	} else if (!strcmp(w, "master")) {
		r = copy_name(a->master, v, "master", err);
	} else if (!strcmp(w, "netns")) {
		r = copy_netns(a->netns, v, err);
	} else {
		r = copy_name(a->link, v, "link", err);
	}
	return r < 0 ? r : 1;
}

static int check_common(const struct hk_link_attrs *a, struct hk_err *err)
{
	if (a->master[0] && a->nomaster)
		return hk_err_usage(err, "'master' and 'nomaster' contradict each other");
	/* The kernel resolves IFLA_MASTER in the namespace the device ends up in, after the
	 * move; accepting both would look the bridge up in one namespace and use it in
	 * another. Enslave inside the namespace instead. */
	if (a->master[0] && a->netns[0])
		return hk_err_usage(err,
				    "'master' and 'netns' cannot be combined: enslave the device "
				    "inside its namespace (hako -n NS link set NAME master BR)");
	return 0;
}

int hk_link_parse_add(int argc, char **argv, struct hk_link_req *ret, struct hk_err *err)
{
	struct hk_link_req req = { 0 };
	req.a.up = -1;
	int i, r;
	for (i = 0; i < argc; i++) {
		const char *w = argv[i], *v;
		if (!strcmp(w, "type")) {
			r = hk_next_arg(argc, argv, &i, &v, err);
			if (r < 0)
				return r;
			req.kind = hk_link_kind_find(v);
			if (!req.kind)
				return hk_err_usage(
					err,
					"unknown link kind '%s' (known: veth bridge tun tap "
					"macvlan macvtap vxlan vlan ipvlan dummy)",
					v);
			i++;
			break;
		}
		r = parse_common(argc, argv, &i, &req.a, true, err);
		if (r < 0)
			return r;
		if (r > 0)
			continue;
		if (!strcmp(w, "name") || !strcmp(w, "dev")) {
			r = hk_next_arg(argc, argv, &i, &w, err);
			if (r < 0)
				return r;
		}
		if (req.name[0])
			return hk_err_usage(err, "unexpected '%s' (the name is already '%s')", w,
					    req.name);
		r = copy_name(req.name, w, "name", err);
		if (r < 0)
			return r;
	}
	if (!req.name[0])
		return hk_err_usage(err, "link add: missing NAME");
	if (!req.kind)
		return hk_err_usage(err, "link add '%s': missing 'type KIND'", req.name);
	if (req.kind == &hk_link_ipvlan)
		req.u.ipvlan.mode = 0xffff;
	if (req.kind == &hk_link_bridge)
		req.u.bridge = (struct hk_link_bridge){ .stp_state = -1, .forward_delay = -1 };
	if (req.kind->parse) {
		r = req.kind->parse(&req, argc - i, argv + i, err);
		if (r < 0)
			return hk_err_prefix(err, "%s", req.kind->name);
	} else if (i < argc) {
		return hk_err_usage(err, "%s: unexpected '%s'", req.kind->name, argv[i]);
	}
	if (req.kind->needs_link && !req.a.link[0])
		return hk_err_usage(err, "%s: missing 'link DEV' (the lower device)",
				    req.kind->name);
	if (!req.kind->needs_link && req.a.link[0])
		return hk_err_usage(err, "%s: takes no 'link DEV'", req.kind->name);
	r = check_common(&req.a, err);
	if (r < 0)
		return r;
	*ret = req;
	return 0;
}

/* The device name at argv[*i]: "dev NAME" or "NAME". */
static int parse_dev(int argc, char **argv, int *i, struct hk_link_req *req, struct hk_err *err)
{
	const char *w = argv[*i];
	if (!strcmp(w, "dev")) {
		int r = hk_next_arg(argc, argv, i, &w, err);
		if (r < 0)
			return r;
	}
	if (req->name[0])
		return hk_err_usage(err,
				    "unexpected '%s' (expected up, down, mtu, master, nomaster, "
				    "netns, name, address, promisc, arp, multicast, allmulticast, "
				    "txqueuelen, alias, group)",
				    w);
	return copy_name(req->name, w, "device", err);
}

int hk_link_parse_set(int argc, char **argv, struct hk_link_req *ret, struct hk_err *err)
{
	struct hk_link_req req = { 0 };
	req.a.up = -1;
	bool any = false;
	for (int i = 0; i < argc; i++) {
		int r = parse_common(argc, argv, &i, &req.a, false, err);
		if (r < 0)
			return r;
		if (r > 0) {
			any = true;
			continue;
		}
		if (!strcmp(argv[i], "name")) {
			const char *v;
			r = hk_next_arg(argc, argv, &i, &v, err);
			if (r < 0 || (r = copy_name(req.a.newname, v, "name", err)) < 0)
				return r;
			any = true;
			continue;
		}
		r = parse_dev(argc, argv, &i, &req, err);
		if (r < 0)
			return r;
	}
	if (!req.name[0])
		return hk_err_usage(err, "link set: missing NAME");
	if (!any)
		return hk_err_usage(err,
				    "link set '%s': nothing to change (up, down, mtu, master, "
				    "nomaster, netns, name, address, promisc, arp, multicast, "
				    "allmulticast, txqueuelen, alias, group)",
				    req.name);
	int r = check_common(&req.a, err);
	if (r < 0)
		return r;
	*ret = req;
	return 0;
}

int hk_link_parse_del(int argc, char **argv, struct hk_link_req *ret, struct hk_err *err)
{
	struct hk_link_req req = { 0 };
	req.a.up = -1;
	for (int i = 0; i < argc; i++) {
		int r = parse_dev(argc, argv, &i, &req, err);
		if (r < 0)
			return r;
	}
	if (!req.name[0])
		return hk_err_usage(err, "link del: missing NAME");
	*ret = req;
	return 0;
}

int hk_link_parse_show(int argc, char **argv, struct hk_link_filter *ret, struct hk_err *err)
{
	struct hk_link_filter f = { 0 };
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i], *v;
		int r;
		if (!strcmp(w, "type") || !strcmp(w, "master")) {
			r = hk_next_arg(argc, argv, &i, &v, err);
			if (r < 0)
				return r;
			if (!strcmp(w, "master")) {
				r = copy_name(f.master, v, "master", err);
				if (r < 0)
					return r;
			} else if (!hk_link_kind_find(v)) {
				return hk_err_usage(err, "unknown link kind '%s'", v);
			} else {
				strcpy(f.kind, v);
			}
			continue;
		}
		if (!strcmp(w, "up") || !strcmp(w, "nomaster")) {
			*(w[0] == 'u' ? &f.up : &f.nomaster) = true;
			continue;
		}
		if (!strcmp(w, "group")) {
			if ((r = hk_next_arg(argc, argv, &i, &v, err)) < 0)
				return r;
			if (!strcmp(v, "default"))
				f.group = 0;
			else if (hk_parse_u32(v, 0, INT32_MAX, &f.group, "group", err) < 0)
				return -EINVAL;
			f.has_group = true;
			continue;
		}
		if (!strcmp(w, "dev")) {
			r = hk_next_arg(argc, argv, &i, &w, err);
			if (r < 0)
				return r;
		}
		if (f.name[0])
			return hk_err_usage(err, "link show: unexpected '%s'", w);
		r = copy_name(f.name, w, "device", err);
		if (r < 0)
			return r;
	}
	*ret = f;
	return 0;
}
