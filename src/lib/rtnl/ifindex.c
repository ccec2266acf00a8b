// SPDX-License-Identifier: MIT
#include "ifindex.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>

#include "base/parse.h"

struct lookup {
	int index;
	char name[HK_IFNAMSIZ];
};

static int on_link(const struct nlmsghdr *nlh, void *data, struct hk_err *err)
{
	(void)err;
	struct lookup *l = data;
	if (!nlh || nlh->nlmsg_type != RTM_NEWLINK)
		return 0;
	const struct ifinfomsg *ifi = hk_nlmsg_payload(nlh);
	const struct nlattr *tb[IFLA_MAX + 1];
	hk_attr_parse(nlh, sizeof(*ifi), tb, IFLA_MAX);
	l->index = ifi->ifi_index;
	if (tb[IFLA_IFNAME] && hk_attr_str(tb[IFLA_IFNAME]))
		snprintf(l->name, sizeof(l->name), "%s", hk_attr_str(tb[IFLA_IFNAME]));
	return 0;
}

static int get_link(struct hk_nl *nl, int index, const char *name, struct lookup *l,
		    struct hk_err *err)
{
	struct hk_nlmsg m;
	struct ifinfomsg *ifi;
	hk_nlmsg_init(&m, RTM_GETLINK, 0, sizeof(*ifi), (void **)&ifi);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	if (name)
		hk_nlmsg_put_str(&m, IFLA_IFNAME, name);
	/* Ask for no statistics: the reply is then a few hundred bytes. */
	hk_nlmsg_put_u32(&m, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	return hk_nl_do(nl, &m, on_link, l, err);
}

int hk_link_index(struct hk_nl *nl, const char *name, int *ret_index, struct hk_err *err)
{
	int r = hk_parse_ifname(name, err);
	if (r < 0)
		return r;
	struct lookup l = { 0 };
	r = get_link(nl, 0, name, &l, err);
	if (r == -ENODEV || (r == 0 && l.index == 0))
		return hk_err_set(err, -ENODEV, "device '%s' does not exist", name);
	if (r < 0)
		return hk_err_prefix(err, "device '%s'", name);
	*ret_index = l.index;
	return 0;
}

int hk_link_name(struct hk_nl *nl, int index, char *buf, struct hk_err *err)
{
	struct lookup l = { 0 };
	int r = get_link(nl, index, NULL, &l, err);
	if (r == -ENODEV || (r == 0 && !l.name[0]))
		return hk_err_set(err, -ENODEV, "device index %d does not exist", index);
	if (r < 0)
		return hk_err_prefix(err, "device index %d", index);
	memcpy(buf, l.name, HK_IFNAMSIZ);
	return 0;
}
