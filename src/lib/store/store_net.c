// SPDX-License-Identifier: MIT
/* Networks, leases and ports in SQLite (see store_net.h). */
#include "store_net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipam.h"
#include "store.h"

#include "store_int.h"
/* Prepare sql and bind the strings of args (NULL-terminated; "\x01" binds NULL). */
static sqlite3_stmt *prep(sqlite3 *db, const char *sql, const char *const *args)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return NULL;
	for (int i = 0; args && args[i]; i++) {
		if (!strcmp(args[i], "\x01"))
			sqlite3_bind_null(s, i + 1);
		else
			sqlite3_bind_text(s, i + 1, args[i], -1, SQLITE_TRANSIENT);
	}
	return s;
}

static int run(sqlite3 *db, const char *sql, const char *const *args, struct hk_err *err)
{
	sqlite3_stmt *s = prep(db, sql, args);
	if (!s)
		return dberr(db, err, SQLITE_ERROR, sql);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : dberr(db, err, rc, sql);
}

static void col(sqlite3_stmt *s, int i, char *dst, size_t len)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	snprintf(dst, len, "%s", t ? (const char *)t : "");
}

#define NET_COLS                                                                                   \
	"name, driver, bridge, parent, subnet, gateway, iprange, subnet6, gateway6, internal, "    \
	"mtu,"                                                                                     \
	" last, created, state, owner_pid, owner_start, masq, bridge_gw"

static void net_read(sqlite3_stmt *s, struct hk_net_row *n)
{
	memset(n, 0, sizeof(*n));
	col(s, 0, n->name, sizeof(n->name));
	col(s, 1, n->driver, sizeof(n->driver));
	col(s, 2, n->bridge, sizeof(n->bridge));
	col(s, 3, n->parent, sizeof(n->parent));
	col(s, 4, n->subnet, sizeof(n->subnet));
	col(s, 5, n->gateway, sizeof(n->gateway));
	col(s, 6, n->iprange, sizeof(n->iprange));
	col(s, 7, n->subnet6, sizeof(n->subnet6));
	col(s, 8, n->gateway6, sizeof(n->gateway6));
	n->internal = sqlite3_column_int(s, 9);
	n->mtu = (uint32_t)sqlite3_column_int(s, 10);
	/* last: "v4|v6" */
	char last[130];
	col(s, 11, last, 64 * 2);
	char *bar = strchr(last, '|');
	if (bar) {
		*bar = 0;
		snprintf(n->last6, sizeof(n->last6), "%.63s", bar + 1);
	}
	snprintf(n->last, sizeof(n->last), "%.63s", last);
	n->created = sqlite3_column_int64(s, 12);
	col(s, 13, n->state, sizeof(n->state));
	n->owner_pid = sqlite3_column_int(s, 14);
	n->owner_start = (uint64_t)sqlite3_column_int64(s, 15);
	n->no_masq = !sqlite3_column_int(s, 16);
	n->no_bridge_gw = !sqlite3_column_int(s, 17);
}

/* Networks (name NULL: every one; pending: only those being made or removed), in name
 * order; with the database's own error reporting. */
static int net_select_p(sqlite3 *db, const char *name, bool pending, struct hk_net_row **ret,
			size_t *ret_n, struct hk_err *err)
{
	const char *args[] = { name ? name : "\x01", pending ? "1" : "\x01", NULL };
	sqlite3_stmt *s = prep(db,
			       "SELECT " NET_COLS " FROM networks WHERE (?1 IS NULL OR name=?1)"
			       " AND (?2 IS NULL OR state != '') ORDER BY name",
			       args);
	if (!s)
		return dberr(db, err, SQLITE_ERROR, "select networks");
	struct hk_net_row *rows = NULL;
	size_t n = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct hk_net_row *nr = realloc(rows, (n + 1) * sizeof(*rows));
		if (!nr) {
			sqlite3_finalize(s);
			free(rows);
			return hk_err_sys(err, -ENOMEM, "networks");
		}
		rows = nr;
		net_read(s, &rows[n++]);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(rows);
		return dberr(db, err, rc, "select networks");
	}
	*ret = rows;
	*ret_n = n;
	return 0;
}

static int net_select(sqlite3 *db, const char *name, struct hk_net_row **ret, size_t *ret_n,
		      struct hk_err *err)
{
	return net_select_p(db, name, false, ret, ret_n, err);
}

static int check_overlap(const struct hk_net_row *nets, size_t n, const char *subnet,
			 struct hk_err *err)
{
	struct hk_prefix a, b;
	struct hk_err e;
	if (!subnet[0] || hk_parse_prefix(subnet, 0, &a, &e) < 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		const char *other[] = { nets[i].subnet, nets[i].subnet6 };
		for (size_t k = 0; k < 2; k++) {
			if (!other[k][0] || hk_parse_prefix(other[k], 0, &b, &e) < 0 ||
			    b.family != a.family || !hk_ipam_overlap(&a, &b))
				continue;
			return hk_err_usage(err, "subnet %s overlaps network '%s' (%s)", subnet,
					    nets[i].name, other[k]);
		}
	}
	return 0;
}

static int pick_subnet(struct hk_net_row *n, const struct hk_net_row *nets, size_t nn,
		       const struct hk_prefix *avoid, size_t n_avoid, struct hk_err *err)
{
	struct hk_prefix *all = calloc(nn + n_avoid + 1, sizeof(*all));
	if (!all)
		return hk_err_sys(err, -ENOMEM, "networks");
	size_t k = 0;
	struct hk_err e;
	for (size_t i = 0; i < nn; i++)
		if (hk_parse_prefix(nets[i].subnet, AF_INET, &all[k], &e) == 0)
			k++;
	for (size_t i = 0; i < n_avoid; i++)
		if (avoid[i].family == AF_INET)
			all[k++] = avoid[i];
	struct hk_prefix pool, got;
	hk_parse_prefix(HK_IPAM_DEFAULT_POOL, AF_INET, &pool, &e);
	int r = hk_ipam_pick_subnet(&pool, HK_IPAM_DEFAULT_LEN, all, k, &got, err);
	free(all);
	if (r < 0)
		return r;
	char buf[64];
	snprintf(n->subnet, sizeof(n->subnet), "%s", hk_prefix_str(&got, buf, sizeof(buf)));
	return 0;
}

static int insert_tx(sqlite3 *db, struct hk_net_row *n, const struct hk_prefix *avoid,
		     size_t n_avoid, struct hk_err *err)
{
	struct hk_net_row *nets = NULL;
	size_t nn = 0;
	int r = net_select(db, NULL, &nets, &nn, err);
	for (size_t i = 0; r == 0 && i < nn; i++) {
		if (!strcmp(nets[i].name, n->name))
			r = hk_err_usage(err, "network '%s' already exists", n->name);
		else if (n->bridge[0] && !strcmp(nets[i].bridge, n->bridge))
			r = hk_err_usage(err, "bridge '%s' is already used by network '%s'",
					 n->bridge, nets[i].name);
	}
	if (r == 0 && !n->subnet[0])
		r = pick_subnet(n, nets, nn, avoid, n_avoid, err);
	if (r == 0)
		r = check_overlap(nets, nn, n->subnet, err);
	if (r == 0)
		r = check_overlap(nets, nn, n->subnet6, err);
	free(nets);
	if (r < 0)
		return r;
	/* the gateway: the first host unless given */
	struct hk_prefix sub, gw;
	struct hk_ipam_pool pool;
	if (!n->gateway[0] && hk_parse_prefix(n->subnet, AF_INET, &sub, err) == 0 &&
	    hk_ipam_pool_init(&pool, &sub, NULL, NULL, false, err) == 0) {
		inet_ntop(AF_INET, pool.gateway.addr.raw, n->gateway, sizeof(n->gateway));
	}
	if (n->subnet6[0] && !n->gateway6[0] &&
	    hk_parse_prefix(n->subnet6, AF_INET6, &sub, err) == 0 &&
	    hk_ipam_pool_init(&pool, &sub, NULL, NULL, false, err) == 0)
		inet_ntop(AF_INET6, pool.gateway.addr.raw, n->gateway6, sizeof(n->gateway6));
	(void)gw;
	if (!n->iprange[0])
		snprintf(n->iprange, sizeof(n->iprange), "%s", n->subnet);
	char internal[4], masq[4], bgw[4], mtu[16], created[24], pid[24], start[24];
	snprintf(internal, sizeof(internal), "%d", n->internal);
	snprintf(masq, sizeof(masq), "%d", !n->no_masq);
	snprintf(bgw, sizeof(bgw), "%d", !n->no_bridge_gw);
	snprintf(mtu, sizeof(mtu), "%u", n->mtu);
	snprintf(created, sizeof(created), "%lld", (long long)time(NULL));
	snprintf(pid, sizeof(pid), "%d", (int)n->owner_pid);
	snprintf(start, sizeof(start), "%llu", (unsigned long long)n->owner_start);
	const char *args[] = { n->name,	   n->driver,  n->bridge,  n->parent,	n->subnet,
			       n->gateway, n->iprange, n->subnet6, n->gateway6, internal,
			       mtu,	   "",	       created,	   n->state,	pid,
			       start,	   masq,       bgw,	   NULL };
	return run(db,
		   "INSERT INTO networks (" NET_COLS ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,"
		   "CAST(?10 AS INTEGER),CAST(?11 AS INTEGER),?12,CAST(?13 AS INTEGER),?14,"
		   "CAST(?15 AS INTEGER),CAST(?16 AS INTEGER),CAST(?17 AS INTEGER),"
		   "CAST(?18 AS INTEGER))",
		   args, err);
}

int hk_netstore_insert(struct hk_store *st, struct hk_net_row *n, const struct hk_prefix *avoid,
		       size_t n_avoid, struct hk_err *err)
{
	sqlite3 *db = DB(st);
	int r = begin(db, err);
	if (r < 0)
		return r;
	return end(db, insert_tx(db, n, avoid, n_avoid, err), err);
}

int hk_netstore_get(struct hk_store *st, const char *name, struct hk_net_row *ret,
		    struct hk_err *err)
{
	struct hk_net_row *rows;
	size_t n;
	int r = net_select(DB(st), name, &rows, &n, err);
	if (r < 0)
		return r;
	if (n == 1)
		*ret = rows[0];
	free(rows);
	if (n != 1) {
		hk_err_set(err, -ENOENT, "no such network: %s", name);
		hk_err_class_set(err, HK_ERR_NOTFOUND);
		return -ENOENT;
	}
	return 0;
}

int hk_netstore_list(struct hk_store *st, struct hk_net_row **ret, size_t *ret_n,
		     struct hk_err *err)
{
	return net_select(DB(st), NULL, ret, ret_n, err);
}

#define LEASE_SQL                                                                                  \
	"SELECT l.net, l.ct, IFNULL(c.name, IFNULL(v.name, '')), l.addr, l.addr6, l.ifname,"       \
	" l.hostif, l.aliases, l.owner_pid, l.owner_start FROM leases l"                           \
	" LEFT JOIN containers c ON c.id = l.ct LEFT JOIN vms v ON v.id = l.ct"                    \
	" WHERE (?1 IS NULL OR l.net=?1) AND (?2 IS NULL OR l.ct=?2)"                              \
	" AND (?3 IS NULL OR l.owner_pid != 0) ORDER BY l.net, l.addr"

static int lease_select_p(sqlite3 *db, const char *net, const char *ct, bool pending,
			  struct hk_lease_row **ret, size_t *ret_n, struct hk_err *err)
{
	const char *args[] = { net ? net : "\x01", ct ? ct : "\x01", pending ? "1" : "\x01", NULL };
	sqlite3_stmt *s = prep(db, LEASE_SQL, args);
	if (!s)
		return dberr(db, err, SQLITE_ERROR, "select leases");
	struct hk_lease_row *rows = NULL;
	size_t n = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct hk_lease_row *nr = realloc(rows, (n + 1) * sizeof(*rows));
		if (!nr) {
			sqlite3_finalize(s);
			free(rows);
			return hk_err_sys(err, -ENOMEM, "leases");
		}
		rows = nr;
		struct hk_lease_row *l = &rows[n++];
		col(s, 0, l->net, sizeof(l->net));
		col(s, 1, l->ct, sizeof(l->ct));
		col(s, 2, l->ct_name, sizeof(l->ct_name));
		col(s, 3, l->addr, sizeof(l->addr));
		col(s, 4, l->addr6, sizeof(l->addr6));
		col(s, 5, l->ifname, sizeof(l->ifname));
		col(s, 6, l->hostif, sizeof(l->hostif));
		col(s, 7, l->aliases, sizeof(l->aliases));
		l->owner_pid = sqlite3_column_int(s, 8);
		l->owner_start = (uint64_t)sqlite3_column_int64(s, 9);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(rows);
		return dberr(db, err, rc, "select leases");
	}
	*ret = rows;
	*ret_n = n;
	return 0;
}

static int lease_select(sqlite3 *db, const char *net, const char *ct, struct hk_lease_row **ret,
			size_t *ret_n, struct hk_err *err)
{
	return lease_select_p(db, net, ct, false, ret, ret_n, err);
}

int hk_netstore_leases(struct hk_store *st, const char *net, const char *ct,
		       struct hk_lease_row **ret, size_t *ret_n, struct hk_err *err)
{
	if (!hk_store_has_db(st)) { /* none: the containers in files, no other table yet */
		*ret = NULL;
		*ret_n = 0;
		return 0;
	}
	return lease_select(DB(st), net, ct, ret, ret_n, err);
}

int hk_netstore_pending(struct hk_store *st, struct hk_lease_row **ret, size_t *ret_n,
			struct hk_err *err)
{
	return lease_select_p(DB(st), NULL, NULL, true, ret, ret_n, err);
}

int hk_netstore_idle(struct hk_store *st, bool *ret, struct hk_err *err)
{
	if (!hk_store_has_db(st)) {
		*ret = true;
		return 0;
	}
	sqlite3 *db = DB(st);
	sqlite3_stmt *s = prep(db,
			       "SELECT NOT EXISTS (SELECT 1 FROM leases) AND"
			       " NOT EXISTS (SELECT 1 FROM networks WHERE state != '')",
			       NULL);
	if (!s)
		return dberr(db, err, SQLITE_ERROR, "select leases");
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*ret = sqlite3_column_int(s, 0) != 0;
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : dberr(db, err, rc, "select leases");
}

/* -EBUSY naming the containers while net has leases. */
static int in_use(sqlite3 *db, const char *name, struct hk_err *err)
{
	struct hk_lease_row *l = NULL;
	size_t n = 0;
	int r = lease_select(db, name, NULL, &l, &n, err);
	if (r == 0 && n > 0) {
		char names[400] = "";
		for (size_t i = 0; i < n; i++) {
			size_t o = strlen(names);
			snprintf(names + o, sizeof(names) - o, "%s%s", i ? ", " : "",
				 l[i].ct_name[0] ? l[i].ct_name : l[i].ct);
		}
		hk_err_usage(err, "network '%s' is in use by container%s %s", name,
			     n > 1 ? "s" : "", names);
		r = err->code = -EBUSY;
	}
	free(l);
	return r;
}

/* One transaction: sql with ?1 = a, ?2 = b, ?3 = pid, ?4 = start; refused first while
 * busy_net (if not NULL) has leases. */
static int owner_update(struct hk_store *st, const char *sql, const char *a, const char *b,
			pid_t pid, uint64_t start, const char *busy_net, struct hk_err *err)
{
	sqlite3 *db = DB(st);
	char ps[24], ss[24];
	snprintf(ps, sizeof(ps), "%d", (int)pid);
	snprintf(ss, sizeof(ss), "%llu", (unsigned long long)start);
	const char *args[] = { a, b, ps, ss, NULL };
	int r = begin(db, err);
	if (r < 0)
		return r;
	if (busy_net)
		r = in_use(db, busy_net, err);
	if (r == 0)
		r = run(db, sql, args, err);
	return end(db, r, err);
}

int hk_netstore_set_owner(struct hk_store *st, const char *net, const char *ct, pid_t pid,
			  uint64_t start, struct hk_err *err)
{
	return owner_update(st,
			    "UPDATE leases SET owner_pid=CAST(?3 AS INTEGER), owner_start="
			    "CAST(?4 AS INTEGER) WHERE (?1 IS NULL OR net=?1) AND ct=?2",
			    net ? net : "\x01", ct, pid, start, NULL, err);
}

int hk_netstore_delete(struct hk_store *st, const char *name, struct hk_err *err)
{
	sqlite3 *db = DB(st);
	int r = begin(db, err);
	if (r < 0)
		return r;
	r = in_use(db, name, err);
	const char *args[] = { name, NULL };
	if (r == 0)
		r = run(db, "DELETE FROM ports WHERE net=?1", args, err);
	if (r == 0)
		r = run(db, "DELETE FROM networks WHERE name=?1", args, err);
	return end(db, r, err);
}

int hk_netstore_set_state(struct hk_store *st, const char *name, const char *state, pid_t pid,
			  uint64_t start, struct hk_err *err)
{
	return owner_update(st,
			    "UPDATE networks SET state=?2, owner_pid=CAST(?3 AS INTEGER),"
			    " owner_start=CAST(?4 AS INTEGER) WHERE name=?1",
			    name, state, pid, start, !strcmp(state, HK_NET_REMOVING) ? name : NULL,
			    err);
}

int hk_netstore_pending_nets(struct hk_store *st, struct hk_net_row **ret, size_t *ret_n,
			     struct hk_err *err)
{
	return net_select_p(DB(st), NULL, true, ret, ret_n, err);
}

/* The addresses taken on net of one family, as prefixes. */
static int taken(sqlite3 *db, const char *net, bool v6, struct hk_prefix **ret, size_t *ret_n,
		 struct hk_err *err)
{
	struct hk_lease_row *l;
	size_t n;
	int r = lease_select(db, net, NULL, &l, &n, err);
	if (r < 0)
		return r;
	struct hk_prefix *p = calloc(n + 1, sizeof(*p));
	size_t k = 0;
	struct hk_err e;
	for (size_t i = 0; p && i < n; i++)
		if (hk_parse_addr(v6 ? l[i].addr6 : l[i].addr, 0, &p[k], &e) == 0)
			k++;
	free(l);
	if (!p)
		return hk_err_sys(err, -ENOMEM, "leases");
	*ret = p;
	*ret_n = k;
	return 0;
}

/* Pick (or check) one address of a family for the lease; fills out (no /len). */
static int pick(sqlite3 *db, const struct hk_net_row *n, bool v6, const char *ip, char *out,
		struct hk_err *err)
{
	struct hk_prefix sub, range, gw, last, want, got;
	struct hk_ipam_pool pool;
	int fam = v6 ? AF_INET6 : AF_INET;
	int r = hk_parse_prefix(v6 ? n->subnet6 : n->subnet, fam, &sub, err);
	if (r == 0 && !v6)
		r = hk_parse_prefix(n->iprange, fam, &range, err);
	if (r == 0)
		r = hk_parse_addr(v6 ? n->gateway6 : n->gateway, fam, &gw, err);
	if (r == 0)
		r = hk_ipam_pool_init(&pool, &sub, v6 ? NULL : &range, &gw, false, err);
	if (r < 0)
		return hk_err_prefix(err, "network '%s'", n->name);
	struct hk_prefix *tk = NULL;
	size_t ntk = 0;
	r = taken(db, n->name, v6, &tk, &ntk, err);
	if (r < 0)
		return r;
	if (ip) {
		r = hk_parse_addr(ip, fam, &want, err);
		if (r == 0)
			r = hk_ipam_check(&pool, &want, tk, ntk, err);
		if (r < 0) /* a bad --ip (taken, outside, the gateway): bad input */
			hk_err_class_set(err, HK_ERR_USAGE);
		got = want;
	} else {
		struct hk_err e;
		const char *l = v6 ? n->last6 : n->last;
		bool has_last = l[0] && hk_parse_addr(l, fam, &last, &e) == 0;
		r = hk_ipam_next(&pool, has_last ? &last : NULL, tk, ntk, &got, err);
	}
	free(tk);
	if (r < 0)
		return hk_err_prefix(err, "network '%s'", n->name);
	inet_ntop(fam, got.addr.raw, out, 64);
	return 0;
}

static int ports_check(sqlite3 *db, const struct hk_port_row *p, struct hk_err *err)
{
	char port[8];
	snprintf(port, sizeof(port), "%u", p->host_port);
	const char *args[] = { p->proto, port, p->host_ip, NULL };
	sqlite3_stmt *s = prep(db,
			       "SELECT IFNULL(c.name, p.ct) FROM ports p LEFT JOIN containers c"
			       " ON c.id = p.ct WHERE p.proto=?1 AND p.host_port=CAST(?2 AS"
			       " INTEGER) AND (p.host_ip=?3 OR p.host_ip='' OR ?3='')",
			       args);
	if (!s)
		return dberr(db, err, SQLITE_ERROR, "select ports");
	int r = 0;
	if (sqlite3_step(s) == SQLITE_ROW) {
		r = hk_err_usage(err, "host port %s%s%u/%s is already published by container '%s'",
				 p->host_ip, p->host_ip[0] ? ":" : "", p->host_port, p->proto,
				 (const char *)sqlite3_column_text(s, 0));
		err->code = -EADDRINUSE;
	}
	sqlite3_finalize(s);
	return r;
}

static int lease_tx(sqlite3 *db, struct hk_lease_row *l, const char *ip,
		    const struct hk_port_row *ports, size_t n_ports, struct hk_err *err)
{
	struct hk_net_row *nets;
	size_t nn;
	int r = net_select(db, l->net, &nets, &nn, err);
	if (r < 0)
		return r;
	struct hk_net_row n = nn == 1 ? nets[0] : (struct hk_net_row){ 0 };
	free(nets);
	if (nn != 1)
		return hk_err_set(err, -ENOENT, "no such network: %s", l->net);
	struct hk_lease_row *have;
	size_t nh;
	r = lease_select(db, l->net, l->ct, &have, &nh, err);
	free(have);
	if (r == 0 && nh)
		r = hk_err_usage(err, "container is already connected to network '%s'", l->net);
	if (r == 0)
		r = pick(db, &n, false, ip, l->addr, err);
	char want6[64];
	snprintf(want6, sizeof(want6), "%s", l->addr6);
	l->addr6[0] = 0;
	if (r == 0 && want6[0] && !n.subnet6[0])
		r = hk_err_usage(err, "network '%s' has no IPv6 subnet for %s", n.name, want6);
	if (r == 0 && n.subnet6[0])
		r = pick(db, &n, true, want6[0] ? want6 : NULL, l->addr6, err);
	for (size_t i = 0; r == 0 && i < n_ports; i++)
		r = ports_check(db, &ports[i], err);
	if (r < 0)
		return r;
	char ps[24], ss[24];
	snprintf(ps, sizeof(ps), "%d", (int)l->owner_pid);
	snprintf(ss, sizeof(ss), "%llu", (unsigned long long)l->owner_start);
	const char *args[] = { l->net,	   l->ct,    l->addr, l->ifname, l->hostif,
			       l->aliases, l->addr6, ps,      ss,	 NULL };
	r = run(db,
		"INSERT INTO leases (net, ct, addr, ifname, hostif, aliases, addr6, owner_pid,"
		" owner_start) VALUES (?1,?2,?3,?4,?5,?6,?7,CAST(?8 AS INTEGER),"
		"CAST(?9 AS INTEGER))",
		args, err);
	char last[130];
	snprintf(last, sizeof(last), "%s|%s", ip ? n.last : l->addr, want6[0] ? n.last6 : l->addr6);
	const char *largs[] = { l->net, last, NULL };
	if (r == 0)
		r = run(db, "UPDATE networks SET last=?2 WHERE name=?1", largs, err);
	for (size_t i = 0; r == 0 && i < n_ports; i++) {
		char hp[8], cp[8];
		snprintf(hp, sizeof(hp), "%u", ports[i].host_port);
		snprintf(cp, sizeof(cp), "%u", ports[i].ct_port);
		const char *pa[] = {
			l->ct, l->net, ports[i].proto, ports[i].host_ip, hp, cp, NULL
		};
		r = run(db,
			"INSERT INTO ports VALUES (?1,?2,?3,?4,CAST(?5 AS INTEGER),"
			"CAST(?6 AS INTEGER))",
			pa, err);
	}
	return r;
}

int hk_netstore_lease(struct hk_store *st, struct hk_lease_row *lease, const char *ip,
		      const struct hk_port_row *ports, size_t n_ports, struct hk_err *err)
{
	sqlite3 *db = DB(st);
	int r = begin(db, err);
	if (r < 0)
		return r;
	return end(db, lease_tx(db, lease, ip, ports, n_ports, err), err);
}

int hk_netstore_release(struct hk_store *st, const char *net, const char *ct, struct hk_err *err)
{
	sqlite3 *db = DB(st);
	int r = begin(db, err);
	if (r < 0)
		return r;
	const char *args[] = { net ? net : "\x01", ct, NULL };
	r = run(db, "DELETE FROM leases WHERE (?1 IS NULL OR net=?1) AND ct=?2", args, err);
	if (r == 0)
		r = run(db, "DELETE FROM ports WHERE (?1 IS NULL OR net=?1) AND ct=?2", args, err);
	return end(db, r, err);
}

int hk_netstore_ports(struct hk_store *st, const char *ct, struct hk_port_row **ret, size_t *ret_n,
		      struct hk_err *err)
{
	if (!hk_store_has_db(st)) { /* as hk_netstore_leases */
		*ret = NULL;
		*ret_n = 0;
		return 0;
	}
	sqlite3 *db = DB(st);
	const char *args[] = { ct ? ct : "\x01", NULL };
	sqlite3_stmt *s = prep(db,
			       "SELECT ct, net, proto, host_ip, host_port, ct_port FROM ports"
			       " WHERE ?1 IS NULL OR ct=?1 ORDER BY host_port, proto",
			       args);
	if (!s)
		return dberr(db, err, SQLITE_ERROR, "select ports");
	struct hk_port_row *rows = NULL;
	size_t n = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct hk_port_row *nr = realloc(rows, (n + 1) * sizeof(*rows));
		if (!nr) {
			sqlite3_finalize(s);
			free(rows);
			return hk_err_sys(err, -ENOMEM, "ports");
		}
		rows = nr;
		struct hk_port_row *p = &rows[n++];
		col(s, 0, p->ct, sizeof(p->ct));
		col(s, 1, p->net, sizeof(p->net));
		col(s, 2, p->proto, sizeof(p->proto));
		col(s, 3, p->host_ip, sizeof(p->host_ip));
		p->host_port = (uint16_t)sqlite3_column_int(s, 4);
		p->ct_port = (uint16_t)sqlite3_column_int(s, 5);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(rows);
		return dberr(db, err, rc, "select ports");
	}
	*ret = rows;
	*ret_n = n;
	return 0;
}
