// SPDX-License-Identifier: MIT
#include "brief.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/parse.h"
#include "ifindex.h"
#include "out.h"

/* "v0@v1" as ip prints it: the peer (or lower device) by name, "ifN" in another namespace. */
static const char *brief_name(const struct hk_link_info *all, size_t n,
			      const struct hk_link_info *l, char *buf, size_t len)
{
	if (!l->link || l->link == l->index) {
		snprintf(buf, len, "%s", l->name);
		return buf;
	}
	const char *peer = NULL;
	for (size_t i = 0; !l->has_link_netnsid && i < n; i++)
		if (all[i].index == l->link)
			peer = all[i].name;
	if (peer)
		snprintf(buf, len, "%s@%s", l->name, peer);
	else
		snprintf(buf, len, "%s@if%d", l->name, l->link);
	return buf;
}

static const char *peer_name(const struct hk_link_info *all, size_t n, const struct hk_link_info *l)
{
	for (size_t i = 0; l->link && !l->has_link_netnsid && i < n; i++)
		if (all[i].index == l->link)
			return all[i].name;
	return NULL;
}

static void add_flag(const char *name, void *data)
{
	json_object_array_add(data, json_object_new_string(name));
}

bool link_mdown(const struct hk_link_info *all, size_t n, const struct hk_link_info *l)
{
	for (size_t i = 0; l->link && l->link != l->index && !l->has_link_netnsid && i < n; i++)
		if (all[i].index == l->link)
			return !(all[i].flags & IFF_UP);
	return false;
}

/* The common head of a brief JSON object: link / link_index, ifname, operstate. */
static struct json_object *head_json(const struct hk_link_info *all, size_t n,
				     const struct hk_link_info *l)
{
	struct json_object *o = json_object_new_object();
	const char *peer = peer_name(all, n, l);
	if (peer)
		json_object_object_add(o, "link", json_object_new_string(peer));
	else if (l->link && l->link != l->index)
		json_object_object_add(o, "link_index", json_object_new_int(l->link));
	json_object_object_add(o, "ifname", json_object_new_string(l->name));
	json_object_object_add(o, "operstate",
			       json_object_new_string(hk_link_operstate_str(l->operstate)));
	return o;
}

static int finish(struct hk_ctx *ctx, struct json_object *arr)
{
	if (ctx->json)
		return out_json_print(arr);
	json_object_put(arr);
	return 0;
}

int brief_links(struct hk_ctx *ctx, const struct hk_link_info *all, size_t n,
		const struct hk_link_info *const *rows, size_t nrows)
{
	struct json_object *arr = json_object_new_array();
	for (size_t i = 0; i < nrows; i++) {
		const struct hk_link_info *l = rows[i];
		char name[2 * HK_IFNAMSIZ + 8], mac[64] = "", flags[256];
		if (l->maclen)
			hk_mac_str(l->mac, l->maclen, mac, sizeof(mac));
		hk_link_flags_str(l->flags, flags, sizeof(flags));
		bool mdown = link_mdown(all, n, l);
		if (mdown)
			strncat(flags, flags[0] ? ",M-DOWN" : "M-DOWN",
				sizeof(flags) - strlen(flags) - 1);
		if (!ctx->json) {
			char *e = out_escape(brief_name(all, n, l, name, sizeof(name)));
			printf("%-16s %-14s %s <%s> \n", e, hk_link_operstate_str(l->operstate),
			       mac, flags);
			free(e);
			continue;
		}
		struct json_object *o = head_json(all, n, l), *fl = json_object_new_array();
		json_object_object_add(o, "address", json_object_new_string(mac));
		hk_link_flags_each(l->flags, add_flag, fl);
		if (mdown)
			add_flag("M-DOWN", fl);
		json_object_object_add(o, "flags", fl);
		json_object_array_add(arr, o);
	}
	return finish(ctx, arr);
}

int brief_addrs(struct hk_ctx *ctx, const struct hk_link_info *all, size_t n,
		const struct hk_link_info *const *rows, size_t nrows, const struct hk_addr_info *a,
		size_t na)
{
	struct json_object *arr = json_object_new_array();
	for (size_t i = 0; i < nrows; i++) {
		const struct hk_link_info *l = rows[i];
		char name[2 * HK_IFNAMSIZ + 8];
		struct json_object *o = NULL, *ai = NULL;
		if (ctx->json) {
			o = head_json(all, n, l);
			ai = json_object_new_array();
		} else {
			char *e = out_escape(brief_name(all, n, l, name, sizeof(name)));
			printf("%-16s %-14s ", e, hk_link_operstate_str(l->operstate));
			free(e);
		}
		for (size_t k = 0; k < na; k++) {
			if (a[k].ifindex != l->index)
				continue;
			char buf[INET6_ADDRSTRLEN];
			inet_ntop(a[k].local.family, a[k].local.addr.raw, buf, sizeof(buf));
			char peer[INET6_ADDRSTRLEN] = "";
			if (a[k].peer.family) /* as ip: "LOCAL peer PEER/LEN" */
				inet_ntop(a[k].peer.family, a[k].peer.addr.raw, peer, sizeof(peer));
			if (!ctx->json) {
				printf("%s%s%s/%u ", buf, peer[0] ? " peer " : "", peer,
				       a[k].prefixlen);
				continue;
			}
			struct json_object *x = json_object_new_object();
			json_object_object_add(x, "local", json_object_new_string(buf));
			if (peer[0])
				json_object_object_add(x, "address", json_object_new_string(peer));
			json_object_object_add(x, "prefixlen", json_object_new_int(a[k].prefixlen));
			json_object_array_add(ai, x);
		}
		if (ctx->json) {
			json_object_object_add(o, "addr_info", ai);
			json_object_array_add(arr, o);
		} else {
			putchar('\n');
		}
	}
	return finish(ctx, arr);
}
