// SPDX-License-Identifier: MIT
/*
 * hako monitor [OBJECT...] [-t]: rtnetlink's events as they happen (monitor.c), one line
 * each; with -j one JSON object per line, carrying the keys of the object's `show` plus
 * "object" and "event" (and "netns", "time"). With the global -all, every named network
 * namespace is watched too, those added later included. Ends on SIGINT or SIGTERM, exit 0.
 */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "base/cleanup.h"
#include "cmd.h"
#include "monitor.h"
#include "out.h"
#include "rows.h"

#define MON_NAMES 256

/* Device names learned from link events, so that the events that follow a device's
 * deletion (its addresses, routes, neighbours) still name it, as ip monitor does. */
struct mon_name {
	char netns[64]; /* "" the first namespace */
	int index;
	char name[HK_IFNAMSIZ];
};

struct mon {
	struct hk_ctx *ctx;
	bool timestamp;
	struct mon_name names[MON_NAMES];
	size_t next;
	char seen[32][64]; /* namespaces whose devices were listed ("" the first) */
	size_t nseen;
};

static void learn(struct mon *m, const char *netns, const struct hk_link_info *l)
{
	const char *ns = netns ? netns : "";
	struct mon_name *slot = NULL;
	for (size_t i = 0; i < MON_NAMES && !slot; i++)
		if (m->names[i].index == l->index && !strncmp(m->names[i].netns, ns, 63))
			slot = &m->names[i];
	if (!slot)
		slot = &m->names[m->next++ % MON_NAMES];
	snprintf(slot->netns, sizeof(slot->netns), "%s", ns);
	slot->index = l->index;
	memcpy(slot->name, l->name, sizeof(slot->name));
}

/* The first event from a namespace: learn the names of the devices it has already, so a
 * device that existed before hako started is named in the events after its deletion. */
static void learn_all(struct mon *m, const struct hk_mon_event *ev)
{
	const char *ns = ev->netns ? ev->netns : "";
	for (size_t i = 0; i < m->nseen; i++)
		if (!strncmp(m->seen[i], ns, 63))
			return;
	if (m->nseen < HK_ARRAY_SIZE(m->seen))
		snprintf(m->seen[m->nseen++], sizeof(m->seen[0]), "%s", ns);
	struct hk_link_info *v = NULL;
	size_t n = 0;
	struct hk_err err;
	if (hk_link_list(ev->query, NULL, &v, &n, &err) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		learn(m, ev->netns, &v[i]);
	free(v);
}

static void known(const struct mon *m, const char *netns, struct cli_names *c)
{
	const char *ns = netns ? netns : "";
	c->n = 0;
	for (size_t i = 0; i < MON_NAMES && c->n < HK_ARRAY_SIZE(c->index); i++)
		if (m->names[i].index && !strncmp(m->names[i].netns, ns, 63)) {
			c->index[c->n] = m->names[i].index;
			memcpy(c->name[c->n++], m->names[i].name, HK_IFNAMSIZ);
		}
}

/* The event's object as a one-row table of its show's columns; NULL: not shown. */
static struct out_table *event_table(struct mon *m, const struct hk_mon_event *ev)
{
	struct cli_names cache;
	learn_all(m, ev);
	known(m, ev->netns, &cache);
	union {
		struct hk_link_info link;
		struct hk_addr_info addr;
		struct hk_route_info route;
		struct hk_neigh_info neigh;
		struct hk_rule rule;
	} *u = malloc(sizeof(*u));
	if (!u)
		abort();
	struct out_table *t = NULL;
	switch (ev->obj) {
	case HK_MON_LINK:
		if (hk_link_decode(ev->nlh, &u->link) == 0) {
			learn(m, ev->netns, &u->link);
			t = cli_link_table1(&u->link);
		}
		break;
	case HK_MON_ADDR:
		if (hk_addr_decode(ev->nlh, &u->addr) == 0)
			t = cli_addr_table1(ev->query, &cache, &u->addr);
		break;
	case HK_MON_ROUTE:
		if (hk_route_decode(ev->nlh, &u->route) == 0 && !(u->route.flags & RTM_F_CLONED))
			t = cli_route_table1(ev->query, &cache, &u->route);
		break;
	case HK_MON_NEIGH:
		if (hk_neigh_decode(ev->nlh, &u->neigh) == 0)
			t = cli_neigh_table1(ev->query, &cache, &u->neigh);
		break;
	case HK_MON_RULE:
		if (hk_rule_decode(ev->nlh, &u->rule) == 0)
			t = cli_rule_table1(&u->rule);
		break;
	default:
		break;
	}
	free(u);
	return t;
}

static void now_str(char *buf, size_t len)
{
	struct timeval tv;
	struct tm tm;
	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%06ld", (long)tv.tv_usec);
}

static int on_event(const struct hk_mon_event *ev, void *data, struct hk_err *err)
{
	struct mon *m = data;
	struct out_table *t = NULL;
	struct json_object *o;
	char extra[64] = "";
	if (ev->obj == HK_MON_NETNS || ev->obj == HK_MON_NSID) {
		o = json_object_new_object();
		if (ev->name) {
			json_object_object_add(o, "name", json_object_new_string(ev->name));
			snprintf(extra, sizeof(extra), "name %s", ev->name);
		} else {
			json_object_object_add(o, "nsid", json_object_new_int(ev->nsid));
			snprintf(extra, sizeof(extra), "nsid %d", ev->nsid);
		}
	} else {
		if (!(t = event_table(m, ev)))
			return 0;
		o = out_row_json(t, 0);
	}
	const char *obj = hk_monitor_obj_name(ev->obj), *what = ev->del ? "del" : "new";
	char ts[64] = "";
	if (m->timestamp)
		now_str(ts, sizeof(ts));
	if (m->ctx->json) {
		struct json_object *line = json_object_new_object();
		if (ts[0])
			json_object_object_add(line, "time", json_object_new_string(ts));
		if (ev->netns)
			json_object_object_add(line, "netns", json_object_new_string(ev->netns));
		json_object_object_add(line, "object", json_object_new_string(obj));
		json_object_object_add(line, "event", json_object_new_string(what));
		json_object_object_foreach(o, k, v)
			json_object_object_add(line, k, json_object_get(v));
		puts(json_object_to_json_string_ext(line, JSON_C_TO_STRING_PLAIN |
								  JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(line);
	} else {
		_cleanup_free_ char *words = t ? out_row_words(t, 0) : NULL;
		_cleanup_free_ char *safe = ev->netns ? out_escape(ev->netns) : NULL;
		printf("%s%s%s%s%s%s %s %s\n", ts, ts[0] ? " " : "", safe ? "[netns " : "",
		       safe ? safe : "", safe ? "] " : "", obj, what, words ? words : extra);
	}
	json_object_put(o);
	if (t)
		out_table_free(t);
	if (out_flush() < 0)
		return hk_err_sys(err, -EIO, "monitor: write to standard output");
	return 0;
}

static int cmd_monitor_run(struct hk_ctx *ctx, int argc, char **argv)
{
	struct mon m = { .ctx = ctx };
	unsigned objs = 0;
	for (int i = 0; i < argc; i++) {
		unsigned bits;
		if (!strcmp(argv[i], "-t") || !strcmp(argv[i], "--timestamp"))
			m.timestamp = true;
		else if (hk_monitor_obj_parse(argv[i], &bits) == 0)
			objs |= bits;
		else
			return cmd_usage(ctx,
					 "monitor: unexpected '%s' (expected link, addr, route, "
					 "neigh, rule, netns, all or -t)",
					 argv[i]);
	}
	if (!objs)
		objs = HK_MON_ALL;
	if (ctx->all_netns && ctx->netns)
		return cmd_usage(ctx, "monitor: -all and -n NETNS exclude each other");
	int fd = -1;
	int r = ctx_netns_fd(ctx, ctx->netns, &fd);
	if (r < 0)
		return r;
	struct hk_monitor *mon;
	if ((r = hk_monitor_open(&mon, objs, fd, HK_NETNS_RUN_DIR, ctx->all_netns, &ctx->err)) < 0)
		return r;
	r = hk_monitor_run(mon, on_event, &m, &ctx->err);
	hk_monitor_close(mon);
	return r < 0 ? r : 0;
}

int cmd_monitor(struct hk_ctx *ctx, int argc, char **argv)
{
	return cmd_monitor_run(ctx, argc, argv);
}
