// SPDX-License-Identifier: MIT
/* Root qdiscs for link impairments: tbf and netem (see qdisc.h). */
#include "qdisc.h"

#include <errno.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "base/nsswitch.h"

bool hk_impair_needs_netem(const struct hk_impair *imp)
{
	return imp->delay || imp->jitter || imp->loss > 0 || imp->corrupt > 0;
}

bool hk_impair_any(const struct hk_impair *imp)
{
	return imp->rate || hk_impair_needs_netem(imp);
}

struct unit {
	const char *name;
	double mult;
};

static int parse_unit(const char *s, const struct unit *u, size_t n, bool need_unit, double *ret,
		      const char *what, struct hk_err *err)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || !(v >= 0) || isinf(v))
		return hk_err_usage(err, "%s '%s': not a number", what, s);
	if (!*end && !need_unit) {
		*ret = v * u[0].mult;
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (!strcasecmp(end, u[i].name)) {
			*ret = v * u[i].mult;
			return 0;
		}
	}
	return hk_err_usage(err, "%s '%s': unknown unit", what, s);
}

int hk_rate_parse(const char *s, uint64_t *ret_bytes, struct hk_err *err)
{
	static const struct unit u[] = {
		{ "bit", 1 / 8.0 },
		{ "kbit", 1e3 / 8 },
		{ "mbit", 1e6 / 8 },
		{ "gbit", 1e9 / 8 },
		{ "tbit", 1e12 / 8 },
		{ "bps", 1 },
		{ "kbps", 1e3 },
		{ "mbps", 1e6 },
		{ "gbps", 1e9 },
		{ "kibit", 1024 / 8.0 },
		{ "mibit", 1048576 / 8.0 },
		{ "gibit", 1073741824 / 8.0 },
	};
	double v = 0;
	int r = parse_unit(s, u, sizeof(u) / sizeof(u[0]), false, &v, "rate", err);
	if (r < 0)
		return r;
	if (v < 1 || v > 1e15)
		return hk_err_usage(err, "rate '%s': out of range (8bit .. 8000tbit)", s);
	*ret_bytes = (uint64_t)v;
	return 0;
}

int hk_time_parse(const char *s, uint64_t *ret_ns, struct hk_err *err)
{
	static const struct unit u[] = {
		{ "us", 1e3 }, { "usec", 1e3 }, { "ms", 1e6 }, { "msec", 1e6 },
		{ "s", 1e9 },  { "sec", 1e9 },	{ "ns", 1 },
	};
	double v = 0;
	int r = parse_unit(s, u, sizeof(u) / sizeof(u[0]), true, &v, "time", err);
	if (r < 0)
		return r;
	if (v > 3600e9)
		return hk_err_usage(err, "time '%s': more than an hour", s);
	*ret_ns = (uint64_t)v;
	return 0;
}

int hk_percent_parse(const char *s, double *ret, struct hk_err *err)
{
	static const struct unit u[] = { { "%", 1 } };
	double v = 0;
	int r = parse_unit(s, u, 1, false, &v, "percentage", err);
	if (r < 0)
		return r;
	if (v > 100)
		return hk_err_usage(err, "percentage '%s': more than 100%%", s);
	*ret = v;
	return 0;
}

const char *hk_rate_str(uint64_t bytes, char *buf, size_t len)
{
	uint64_t bits = bytes * 8;
	if (bits % 1000000000 == 0)
		snprintf(buf, len, "%llugbit", (unsigned long long)(bits / 1000000000));
	else if (bits % 1000000 == 0)
		snprintf(buf, len, "%llumbit", (unsigned long long)(bits / 1000000));
	else if (bits % 1000 == 0)
		snprintf(buf, len, "%llukbit", (unsigned long long)(bits / 1000));
	else
		snprintf(buf, len, "%llubit", (unsigned long long)bits);
	return buf;
}

static struct tcmsg *qdisc_init(struct hk_nlmsg *m, uint16_t type, uint16_t flags, int ifindex)
{
	struct tcmsg *t;
	hk_nlmsg_init(m, type, flags, sizeof(*t), (void **)&t);
	t->tcm_family = AF_UNSPEC;
	t->tcm_ifindex = ifindex;
	t->tcm_parent = TC_H_ROOT;
	return t;
}

/* tbf: the burst is 20 ms at the rate (at least 2 full frames, so a 1500-byte packet always
 * fits), the queue another 50 ms: tc's "latency 50ms". The rate table is not sent: with the
 * link layer given, the kernel computes the rate itself (psched_ratecfg_precompute). */
static void put_tbf(struct hk_nlmsg *m, const struct hk_impair *imp)
{
	uint64_t burst = imp->rate / 50;
	if (burst < 3200)
		burst = 3200;
	if (burst > UINT32_MAX / 2)
		burst = UINT32_MAX / 2;
	uint64_t limit = burst + imp->rate / 20;
	if (limit > UINT32_MAX)
		limit = UINT32_MAX;
	struct tc_tbf_qopt q = { 0 };
	q.rate.rate = imp->rate > UINT32_MAX ? UINT32_MAX : (uint32_t)imp->rate;
	q.rate.linklayer = TC_LINKLAYER_ETHERNET;
	q.limit = (uint32_t)limit;
	hk_nlmsg_put_str(m, TCA_KIND, "tbf");
	struct nlattr *o = hk_nlmsg_nest_start(m, TCA_OPTIONS);
	hk_nlmsg_put(m, TCA_TBF_PARMS, sizeof(q), &q);
	if (imp->rate > UINT32_MAX)
		hk_nlmsg_put(m, TCA_TBF_RATE64, sizeof(imp->rate), &imp->rate);
	hk_nlmsg_put_u32(m, TCA_TBF_BURST, (uint32_t)burst);
	hk_nlmsg_nest_end(m, o);
}

static uint32_t prob(double percent)
{
	return (uint32_t)(percent / 100.0 * UINT32_MAX);
}

/* netem: TCA_OPTIONS is the struct itself followed by attributes (not a plain nest). */
static void put_netem(struct hk_nlmsg *m, const struct hk_impair *imp)
{
	hk_nlmsg_put_str(m, TCA_KIND, "netem");
	struct nlattr *o = hk_nlmsg_nest_start(m, TCA_OPTIONS);
	struct tc_netem_qopt q = { .limit = 1000, .loss = prob(imp->loss) };
	hk_nlmsg_put_raw(m, &q, sizeof(q));
	int64_t lat = (int64_t)imp->delay, jit = (int64_t)imp->jitter;
	hk_nlmsg_put(m, TCA_NETEM_LATENCY64, sizeof(lat), &lat);
	hk_nlmsg_put(m, TCA_NETEM_JITTER64, sizeof(jit), &jit);
	if (imp->corrupt > 0) {
		struct tc_netem_corrupt c = { .probability = prob(imp->corrupt) };
		hk_nlmsg_put(m, TCA_NETEM_CORRUPT, sizeof(c), &c);
	}
	if (imp->rate) {
		struct tc_netem_rate rt = { .rate = imp->rate > UINT32_MAX ? UINT32_MAX
									   : (uint32_t)imp->rate };
		hk_nlmsg_put(m, TCA_NETEM_RATE, sizeof(rt), &rt);
		if (imp->rate > UINT32_MAX)
			hk_nlmsg_put(m, TCA_NETEM_RATE64, sizeof(imp->rate), &imp->rate);
	}
	hk_nlmsg_nest_end(m, o);
}

void hk_qdisc_impair_msg(int ifindex, const struct hk_impair *imp, struct hk_nlmsg *m)
{
	qdisc_init(m, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_REPLACE, ifindex);
	if (hk_impair_needs_netem(imp))
		put_netem(m, imp);
	else
		put_tbf(m, imp);
}

void hk_qdisc_del_root_msg(int ifindex, struct hk_nlmsg *m)
{
	qdisc_init(m, RTM_DELQDISC, 0, ifindex);
}

int hk_qdisc_probe(const char *kind, struct hk_err *err)
{
	int old;
	int r = hk_thread_netns_new(&old, err);
	if (r < 0)
		return hk_err_prefix(err, "qdisc probe");
	struct hk_nl *nl = NULL;
	r = hk_nl_open(&nl, -1, err);
	hk_thread_netns_leave(old);
	if (r < 0)
		return hk_err_prefix(err, "qdisc probe");
	struct hk_impair imp = { .rate = 125000 };
	if (!strcmp(kind, "netem"))
		imp.delay = 1000000;
	struct hk_nlmsg m;
	hk_qdisc_impair_msg(1, &imp, &m); /* lo: index 1 in every namespace */
	struct hk_err e = { 0 };
	r = hk_nl_do(nl, &m, NULL, NULL, &e);
	hk_nl_close(nl);
	if (r == 0)
		return 1;
	if (r == -ENOENT || r == -EOPNOTSUPP)
		return 0;
	*err = e;
	return hk_err_prefix(err, "qdisc probe '%s'", kind);
}

struct root_q {
	int ifindex;
	struct hk_qdisc_root *q;
};

static int on_qdisc(const struct nlmsghdr *nlh, void *data, struct hk_err *err)
{
	struct root_q *x = data;
	(void)err;
	if (!nlh) { /* the dump restarts */
		memset(x->q, 0, sizeof(*x->q));
		return 0;
	}
	if (nlh->nlmsg_type != RTM_NEWQDISC || nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct tcmsg)))
		return 0;
	const struct tcmsg *t = NLMSG_DATA(nlh);
	if (t->tcm_ifindex != x->ifindex || t->tcm_parent != TC_H_ROOT)
		return 0;
	const struct nlattr *tb[TCA_MAX + 1] = { 0 };
	hk_attr_parse(nlh, sizeof(*t), tb, TCA_MAX);
	const char *kind = tb[TCA_KIND] ? hk_attr_str(tb[TCA_KIND]) : NULL;
	snprintf(x->q->kind, sizeof(x->q->kind), "%s", kind ? kind : "");
	x->q->rate = 0;
	if (!kind || strcmp(kind, "tbf") || !tb[TCA_OPTIONS])
		return 0;
	const struct nlattr *o[TCA_TBF_MAX + 1] = { 0 };
	hk_attr_parse_nested(tb[TCA_OPTIONS], o, TCA_TBF_MAX);
	if (o[TCA_TBF_PARMS] && hk_attr_len(o[TCA_TBF_PARMS]) >= sizeof(struct tc_tbf_qopt)) {
		const struct tc_tbf_qopt *p = hk_attr_data(o[TCA_TBF_PARMS]);
		x->q->rate = p->rate.rate;
	}
	if (o[TCA_TBF_RATE64] && hk_attr_len(o[TCA_TBF_RATE64]) >= 8)
		x->q->rate = hk_attr_u64(o[TCA_TBF_RATE64]);
	return 0;
}

int hk_qdisc_root_get(struct hk_nl *nl, int ifindex, struct hk_qdisc_root *ret, struct hk_err *err)
{
	memset(ret, 0, sizeof(*ret));
	struct hk_nlmsg m;
	struct tcmsg *t;
	hk_nlmsg_init(&m, RTM_GETQDISC, 0, sizeof(*t), (void **)&t);
	t->tcm_family = AF_UNSPEC;
	t->tcm_ifindex = ifindex;
	struct root_q x = { ifindex, ret };
	int r = hk_nl_dump(nl, &m, on_qdisc, &x, err);
	return r < 0 ? hk_err_prefix(err, "qdiscs") : 0;
}
