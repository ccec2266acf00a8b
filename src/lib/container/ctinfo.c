// SPDX-License-Identifier: MIT
/* Containers in Docker's words (ctinfo.h). */
#include "ctinfo.h"

#include "ctconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/human.h"
#include "container.h"
#include "store_ctlife.h"
#include "store_image.h"
#include "store_net.h"

const char *hk_ctinfo_state(const struct hk_ct_row *c)
{
	if (!strcmp(c->state, HK_CT_RUNNING))
		return hk_ct_paused(c) ? "paused" : "running";
	if (!strcmp(c->state, HK_CT_CREATING))
		return "created";
	return c->state; /* created, exited, removing */
}

void hk_ctinfo_status(const struct hk_ct_row *c, int64_t now, char *buf, size_t len)
{
	char d[64];
	const char *s = hk_ctinfo_state(c);
	if (!strcmp(s, "running") || !strcmp(s, "paused")) {
		hk_human_duration(now - (c->started ? c->started : c->created), d, sizeof(d));
		snprintf(buf, len, "Up %s%s", d, strcmp(s, "paused") ? "" : " (Paused)");
	} else if (!strcmp(s, HK_CT_EXITED) || !strcmp(s, HK_CT_RESTARTING)) {
		hk_human_duration(now - (c->finished ? c->finished : c->created), d, sizeof(d));
		snprintf(buf, len, "%s (%d) %s ago",
			 strcmp(s, HK_CT_EXITED) ? "Restarting" : "Exited",
			 c->exit_code < 0 ? 255 : c->exit_code, d);
	} else if (!strcmp(s, HK_CT_REMOVING)) {
		snprintf(buf, len, "Removal In Progress");
	} else if (!strcmp(c->state, HK_CT_CREATING)) {
		snprintf(buf, len, "Creating");
	} else {
		snprintf(buf, len, "%c%s", s[0] - 'a' + 'A', s + 1); /* Created, Removing */
	}
}

void hk_ctinfo_image(struct hk_store *st, const char *ct, char *buf, size_t len, char *ret_id)
{
	char id[HK_DIGEST_MAX];
	struct hk_image_row row;
	struct hk_err e;
	buf[0] = 0;
	if (ret_id)
		ret_id[0] = 0;
	if (hk_imgstore_ct_get(st, ct, id) < 0)
		return;
	if (ret_id)
		snprintf(ret_id, HK_DIGEST_MAX, "%s", id);
	const char *hex = strncmp(id, HK_DIGEST_PREFIX, 7) ? id : id + 7;
	if (hk_imgstore_get(st, id, &row, &e) < 0) {
		snprintf(buf, len, "%.12s", hex);
		return;
	}
	if (row.ntags)
		snprintf(buf, len, "%s", row.tags[0]);
	else
		snprintf(buf, len, "%.12s", hex);
	hk_image_row_free(&row);
}

/* The "labels" object of c's stored config (a new reference), or NULL. */
static struct json_object *labels_of(const struct hk_ct_row *c)
{
	struct json_object *cfg = c->config ? json_tokener_parse(c->config) : NULL, *l, *ret = NULL;
	if (cfg && json_object_object_get_ex(cfg, "labels", &l) &&
	    json_object_is_type(l, json_type_object))
		ret = json_object_get(l);
	json_object_put(cfg);
	return ret;
}

void hk_ctinfo_labels(const struct hk_ct_row *c, char *buf, size_t len)
{
	struct json_object *l = labels_of(c);
	size_t at = 0;
	buf[0] = 0;
	if (!l)
		return;
	json_object_object_foreach(l, k, v)
	{
		int n = snprintf(buf + at, len - at, "%s%s=%s", at ? "," : "", k,
				 json_object_get_string(v));
		if (n < 0 || (size_t)n >= len - at) {
			buf[at] = 0; /* whole labels only */
			break;
		}
		at += (size_t)n;
	}
	json_object_put(l);
}

bool hk_ctinfo_label_match(const struct hk_ct_row *c, const char *kv)
{
	struct json_object *l = labels_of(c), *v;
	const char *eq = strchr(kv, '=');
	char key[256];
	snprintf(key, sizeof(key), "%.*s", (int)(eq ? (size_t)(eq - kv) : strlen(kv)), kv);
	bool hit = l && json_object_object_get_ex(l, key, &v) &&
		   (!eq || !strcmp(json_object_get_string(v), eq + 1));
	json_object_put(l);
	return hit;
}

void hk_ctinfo_ports(struct hk_store *st, const char *ct, char *buf, size_t len)
{
	struct hk_port_row *p = NULL;
	size_t n = 0, o = 0;
	struct hk_err e;
	buf[0] = 0;
	if (hk_netstore_ports(st, ct, &p, &n, &e) < 0)
		return;
	for (size_t i = 0; i < n && o < len; i++) {
		int k = snprintf(buf + o, len - o, "%s%s:%u->%u/%s", i ? ", " : "",
				 p[i].host_ip[0] ? p[i].host_ip : "0.0.0.0", p[i].host_port,
				 p[i].ct_port, p[i].proto);
		if (k < 0)
			break;
		o += (size_t)k;
	}
	free(p);
}

void hk_ctinfo_networks(struct hk_store *st, const char *ct, char *buf, size_t len)
{
	struct hk_lease_row *l = NULL;
	size_t n = 0, o = 0;
	struct hk_err e;
	buf[0] = 0;
	if (hk_netstore_leases(st, NULL, ct, &l, &n, &e) < 0)
		return;
	for (size_t i = 0; i < n && o < len; i++) {
		int k = snprintf(buf + o, len - o, "%s%s", i ? "," : "", l[i].net);
		if (k < 0)
			break;
		o += (size_t)k;
	}
	free(l);
}

static void add(struct json_object *o, const char *k, struct json_object *v)
{
	json_object_object_add(o, k, v);
}

static struct json_object *str(const char *s)
{
	return json_object_new_string(s ? s : "");
}

static struct json_object *time_json(int64_t t)
{
	char b[40];
	hk_human_rfc3339(t, b, sizeof(b));
	return json_object_new_string(b);
}

/* command "a\x1fb" -> ["a", "b"], from index first */
static struct json_object *args_json(const char *cmd, int first)
{
	struct json_object *a = json_object_new_array();
	const char *p = cmd ? cmd : "";
	for (int i = 0;; i++) {
		const char *e = strchr(p, '\x1f');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (i >= first && (n || e || i > 0))
			json_object_array_add(a, json_object_new_string_len(p, (int)n));
		if (!e)
			break;
		p = e + 1;
	}
	return a;
}

/* The network part: every lease as NetworkSettings.Networks.NET; the first one's address
 * as NetworkSettings.IPAddress (Docker's default network's field, which scripts read). */
static void net_settings(struct hk_store *st, const struct hk_ct_row *c, struct json_object *o)
{
	struct json_object *ns = json_object_new_object(), *nets = json_object_new_object();
	struct hk_lease_row *l = NULL;
	size_t n = 0;
	struct hk_err e;
	if (hk_netstore_leases(st, NULL, c->id, &l, &n, &e) < 0)
		n = 0;
	const char *ip = "", *gw = "";
	int plen = 0;
	for (size_t i = 0; i < n; i++) {
		struct hk_net_row net = { 0 };
		hk_netstore_get(st, l[i].net, &net, &e);
		const char *slash = strchr(net.subnet, '/');
		int pl = slash ? atoi(slash + 1) : 0;
		struct json_object *x = json_object_new_object(), *al = json_object_new_array();
		for (char *sp = NULL, *a = strtok_r(l[i].aliases, " ", &sp); a;
		     a = strtok_r(NULL, " ", &sp))
			json_object_array_add(al, str(a));
		add(x, "Aliases", al);
		add(x, "NetworkID", str(l[i].net));
		add(x, "Gateway", str(net.gateway));
		add(x, "IPAddress", str(l[i].addr));
		add(x, "IPPrefixLen", json_object_new_int(pl));
		add(x, "GlobalIPv6Address", str(l[i].addr6));
		add(nets, l[i].net, x);
		if (i == 0) {
			ip = l[i].addr;
			plen = pl;
			gw = json_object_get_string(json_object_object_get(x, "Gateway"));
		}
	}
	add(ns, "IPAddress", str(ip));
	add(ns, "IPPrefixLen", json_object_new_int(plen));
	add(ns, "Gateway", str(gw));
	/* Ports and PortBindings: {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}]} */
	struct json_object *ports = json_object_new_object(), *bind = json_object_new_object();
	struct hk_port_row *p = NULL;
	size_t np = 0;
	if (hk_netstore_ports(st, c->id, &p, &np, &e) < 0)
		np = 0;
	for (size_t i = 0; i < np; i++) {
		char key[32], hp[8];
		snprintf(key, sizeof(key), "%u/%s", p[i].ct_port, p[i].proto);
		snprintf(hp, sizeof(hp), "%u", p[i].host_port);
		for (int k = 0; k < 2; k++) {
			struct json_object *m = k ? bind : ports, *arr;
			if (!json_object_object_get_ex(m, key, &arr)) {
				arr = json_object_new_array();
				add(m, key, arr);
			}
			struct json_object *b = json_object_new_object();
			/* Ports says where it listens, PortBindings what was asked */
			const char *hip = p[i].host_ip[0] ? p[i].host_ip : k ? "" : "0.0.0.0";
			add(b, "HostIp", str(hip));
			add(b, "HostPort", str(hp));
			json_object_array_add(arr, b);
		}
	}
	free(p);
	add(ns, "Ports", ports);
	add(ns, "Networks", nets);
	add(o, "NetworkSettings", ns);
	struct json_object *hc;
	if (!json_object_object_get_ex(o, "HostConfig", &hc)) {
		hc = json_object_new_object();
		add(o, "HostConfig", hc);
	}
	add(hc, "PortBindings", bind);
	add(hc, "NetworkMode", str(n ? l[0].net : !strcmp(c->net, "new") ? "none" : c->net));
	free(l);
}

int hk_ctinfo_docker(struct hk_store *st, const struct hk_ct_row *c, struct json_object *o,
		     struct hk_err *err)
{
	(void)err;
	const char *state = hk_ctinfo_state(c);
	bool running = !strcmp(state, "running") || !strcmp(state, "paused");
	char name[HK_CT_NAME_MAX + 2], image[300], image_id[HK_DIGEST_MAX];
	hk_ctinfo_image(st, c->id, image, sizeof(image), image_id);
	snprintf(name, sizeof(name), "/%s", c->name);
	add(o, "Id", str(c->id));
	add(o, "Created", time_json(c->created));
	struct json_object *args = args_json(c->command, 0);
	add(o, "Path", json_object_get(json_object_array_get_idx(args, 0)) ?: str(""));
	json_object_put(args);
	add(o, "Args", args_json(c->command, 1));
	struct json_object *s = json_object_new_object();
	add(s, "Status", str(state));
	add(s, "Running", json_object_new_boolean(running));
	add(s, "Paused", json_object_new_boolean(!strcmp(state, "paused")));
	add(s, "Restarting", json_object_new_boolean(false));
	add(s, "OOMKilled", json_object_new_boolean(false));
	add(s, "Dead", json_object_new_boolean(false));
	add(s, "Pid", json_object_new_int(running ? c->pid : 0));
	add(s, "ExitCode", json_object_new_int(c->exit_code < 0 ? 0 : c->exit_code));
	add(s, "Error", str(""));
	add(s, "StartedAt", time_json(c->started));
	add(s, "FinishedAt", time_json(c->finished));
	add(o, "State", s);
	add(o, "Image", str(image_id));
	add(o, "Name", str(name));
	struct json_object *cfg = json_object_new_object(), *env = NULL, *hako = NULL, *v;
	if (c->config && (hako = json_tokener_parse(c->config)) &&
	    json_object_object_get_ex(hako, "env", &v))
		env = json_object_get(v);
	add(cfg, "Hostname", str(c->hostname));
	add(cfg, "Env", env ? env : json_object_new_array());
	add(cfg, "Cmd", args_json(c->command, 0));
	add(cfg, "Image", str(image[0] ? image : c->rootfs));
	add(cfg, "WorkingDir",
	    str(hako && json_object_object_get_ex(hako, "workdir", &v) ? json_object_get_string(v)
								       : ""));
	struct json_object *labels = labels_of(c);
	add(cfg, "Labels", labels ? labels : json_object_new_object());
	add(cfg, "Tty", json_object_new_boolean(c->tty));
	add(cfg, "OpenStdin",
	    json_object_new_boolean(hako && json_object_object_get_ex(hako, "interactive", &v) &&
				    json_object_get_boolean(v)));
	/* Mounts: the -v binds and tmpfs mounts, as Docker lists them */
	struct json_object *mounts = json_object_new_array(), *ms;
	if (hako && json_object_object_get_ex(hako, "mounts", &ms) &&
	    json_object_is_type(ms, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(ms); i++) {
			struct json_object *m = json_object_array_get_idx(ms, i), *x, *d;
			const char *src = json_object_object_get_ex(m, "source", &x)
						  ? json_object_get_string(x)
						  : "";
			d = json_object_new_object();
			add(d, "Type", str(strcmp(src, "tmpfs") ? "bind" : "tmpfs"));
			add(d, "Source", str(strcmp(src, "tmpfs") ? src : ""));
			add(d, "Destination",
			    str(json_object_object_get_ex(m, "destination", &x)
					? json_object_get_string(x)
					: ""));
			add(d, "RW",
			    json_object_new_boolean(
				    !(json_object_object_get_ex(m, "readonly", &x) &&
				      json_object_get_boolean(x))));
			json_object_array_add(mounts, d);
		}
	}
	add(o, "Mounts", mounts);
	json_object_put(hako);
	add(o, "Config", cfg);
	struct json_object *hc = json_object_new_object();
	add(hc, "AutoRemove", json_object_new_boolean(c->auto_remove));
	/* the limits in force (run's, or hako update's since), as Docker's HostConfig has them:
	 * 0 none; MemorySwap -1 unlimited, 0 unset (twice Memory) */
	struct hk_cglimits lim = {};
	hk_ct_config_limits_get(c->config, &lim);
	add(hc, "Memory", json_object_new_int64(lim.memory));
	add(hc, "MemorySwap", json_object_new_int64(lim.memory_swap));
	add(hc, "NanoCpus", json_object_new_int64((int64_t)lim.cpus_milli * 1000000));
	add(hc, "CpuShares", json_object_new_int64((int64_t)lim.cpu_shares));
	add(hc, "PidsLimit", json_object_new_int64(lim.pids > 0 ? lim.pids : 0));
	add(hc, "CpusetCpus", str(lim.cpuset));
	/* the restart policy (Docker's Name and MaximumRetryCount) and RestartCount: the
	 * policy's restarts since the last start by a user */
	struct hk_ctlife_row life;
	struct hk_err e;
	bool have = st && hk_ctlife_get(st, c->id, &life, &e) == 0;
	const char *pol = have ? life.restart : "no", *colon = strchr(pol, ':');
	struct json_object *rp = json_object_new_object();
	add(rp, "Name",
	    json_object_new_string_len(pol, colon ? (int)(colon - pol) : (int)strlen(pol)));
	add(rp, "MaximumRetryCount", json_object_new_int(colon ? atoi(colon + 1) : 0));
	add(hc, "RestartPolicy", rp);
	add(o, "RestartCount", json_object_new_int(have ? life.restarts : 0));
	if (have)
		hk_ctlife_row_free(&life);
	add(o, "HostConfig", hc);
	net_settings(st, c, o);
	return 0;
}
