// SPDX-License-Identifier: MIT
/* DNS messages of the embedded resolver: see dnsmsg.h. The only libresolv user (loaded on
 * first use: dl_resolv.h). */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dl_resolv.h"
#include "dnsmsg.h"

int hk_dnsmsg_parse(const uint8_t *msg, size_t len, struct hk_dnsmsg_q *ret)
{
	ns_msg m;
	ns_rr rr;
	memset(ret, 0, sizeof(*ret));
	struct hk_err e; /* a library that cannot be loaded: the resolver's start said so */
	if (hk_dl_resolv(&e) < 0)
		return -ENOSYS;
	if (len < NS_HFIXEDSZ || len > 65535 || ns_initparse(msg, (int)len, &m) < 0)
		return -EINVAL;
	if (ns_msg_getflag(m, ns_f_qr) || ns_msg_getflag(m, ns_f_opcode) != ns_o_query ||
	    ns_msg_count(m, ns_s_qd) != 1 || ns_parserr(&m, ns_s_qd, 0, &rr) < 0)
		return -EINVAL;
	ret->id = ns_msg_id(m);
	ret->type = ns_rr_type(rr);
	ret->class = ns_rr_class(rr);
	size_t n = strlen(ns_rr_name(rr));
	if (n >= sizeof(ret->name))
		return -EINVAL;
	memcpy(ret->name, ns_rr_name(rr), n + 1);
	if (n && ret->name[n - 1] == '.')
		ret->name[n - 1] = 0;
	/* the question (the message's first) ends after its name, type and class */
	int k = dn_skipname(msg + NS_HFIXEDSZ, msg + len);
	if (k < 0)
		return -EINVAL;
	ret->qend = NS_HFIXEDSZ + (size_t)k + 4;
	return ret->qend <= len ? 0 : -EINVAL;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

int hk_dnsmsg_answer(const uint8_t *msg, const struct hk_dnsmsg_q *q, int rcode,
		     const struct hk_dnsmsg_rr *rr, size_t n, uint32_t ttl, uint8_t *out,
		     size_t cap)
{
	if (q->qend > cap || q->qend < NS_HFIXEDSZ)
		return -ENOSPC;
	memcpy(out, msg, q->qend);
	/* QR, opcode 0, AA, RD as asked, RA; rcode */
	out[2] = (uint8_t)(0x80 | 0x04 | (msg[2] & 0x01));
	out[3] = (uint8_t)(0x80 | (rcode & 0x0f));
	put16(out + 6, 0);
	put16(out + 8, 0);
	put16(out + 10, 0);
	size_t o = q->qend;
	uint16_t an = 0;
	for (size_t i = 0; i < n; i++) {
		uint16_t type = rr[i].family == AF_INET6 ? HK_DNS_AAAA : HK_DNS_A;
		size_t dl = rr[i].family == AF_INET6 ? 16 : 4;
		if (type != q->type)
			continue;
		if (o + 12 + dl > cap) {
			out[2] |= 0x02; /* TC: the client may ask again over TCP */
			break;
		}
		put16(out + o, 0xc000 | NS_HFIXEDSZ); /* the name: the question's */
		put16(out + o + 2, type);
		put16(out + o + 4, ns_c_in);
		put16(out + o + 6, (uint16_t)(ttl >> 16));
		put16(out + o + 8, (uint16_t)ttl);
		put16(out + o + 10, (uint16_t)dl);
		memcpy(out + o + 12, rr[i].raw, dl);
		o += 12 + dl;
		an++;
	}
	put16(out + 6, an);
	return (int)o;
}

int hk_dnsmsg_answer_ptr(const uint8_t *msg, const struct hk_dnsmsg_q *q, const char *const *names,
			 size_t n, uint32_t ttl, uint8_t *out, size_t cap)
{
	int o = hk_dnsmsg_answer(msg, q, 0, NULL, 0, ttl, out, cap);
	if (o < 0)
		return o;
	uint8_t *dnptrs[16] = { out, NULL };
	uint16_t an = 0;
	for (size_t i = 0; i < n; i++) {
		if ((size_t)o + 12 > cap) {
			out[2] |= 0x02;
			break;
		}
		put16(out + o, 0xc000 | NS_HFIXEDSZ);
		put16(out + o + 2, HK_DNS_PTR);
		put16(out + o + 4, ns_c_in);
		put16(out + o + 6, (uint16_t)(ttl >> 16));
		put16(out + o + 8, (uint16_t)ttl);
		int k = dn_comp(names[i], out + o + 12, (int)(cap - (size_t)o - 12), dnptrs,
				dnptrs + 15);
		if (k < 0) {
			out[2] |= 0x02;
			break;
		}
		put16(out + o + 10, (uint16_t)k);
		o += 12 + k;
		an++;
	}
	put16(out + 6, an);
	return o;
}

int hk_dnsmsg_ptr_addr(const char *name, uint8_t raw[4])
{
	unsigned a[4];
	char tail[16];
	int used = 0;
	if (sscanf(name, "%3u.%3u.%3u.%3u.%15[-A-Za-z.]%n", &a[3], &a[2], &a[1], &a[0], tail,
		   &used) != 5 ||
	    name[used] || strcasecmp(tail, "in-addr.arpa"))
		return -EINVAL;
	for (int i = 0; i < 4; i++) {
		if (a[i] > 255)
			return -EINVAL;
		raw[i] = (uint8_t)a[i];
	}
	return 0;
}

int hk_dnsmsg_error(const uint8_t *msg, size_t len, int rcode, uint8_t *out, size_t cap)
{
	if (len < NS_HFIXEDSZ || cap < NS_HFIXEDSZ)
		return -EINVAL;
	memset(out, 0, NS_HFIXEDSZ);
	memcpy(out, msg, 2);
	out[2] = (uint8_t)(0x80 | (msg[2] & 0x79));
	out[3] = (uint8_t)(0x80 | (rcode & 0x0f));
	return NS_HFIXEDSZ;
}
