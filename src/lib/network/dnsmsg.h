/* SPDX-License-Identifier: MIT */
/*
 * DNS messages for the embedded resolver (resolver.c): the one question of a query read
 * with glibc's libresolv (ns_initparse/ns_parserr: bounds, labels and compression checked
 * there), and an answer built from that query: its header and question copied, the answer
 * records pointing back at the question's name. Nothing else of DNS is needed here: what
 * the resolver does not answer itself is relayed to an upstream server byte for byte.
 */
#ifndef HK_DNSMSG_H
#define HK_DNSMSG_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define HK_DNSMSG_MAX 512 /* a UDP message without EDNS0 */
#define HK_DNS_A 1
#define HK_DNS_AAAA 28
#define HK_DNS_PTR 12

struct hk_dnsmsg_q {
	uint16_t id;
	uint16_t type, class;
	char name[256]; /* as asked, without the trailing dot */
	size_t qend;	/* offset just past the question in the query */
};

/* An address record of an answer: family AF_INET or AF_INET6, the address in raw. */
struct hk_dnsmsg_rr {
	int family;
	uint8_t raw[16];
};

/* Read the query msg[len]: a standard query (QR 0, opcode 0) with exactly one question.
 * -EINVAL: not one (no answer is sent for it then, or FORMERR by the caller). */
int hk_dnsmsg_parse(const uint8_t *msg, size_t len, struct hk_dnsmsg_q *ret);
/* The answer to query q (msg[len]) in out[cap]: rcode (0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN)
 * and the records rr[n] of q's type (others skipped), TTL ttl. Returns its length, or
 * -ENOSPC (records that do not fit are left out and TC is set; the length is returned). */
int hk_dnsmsg_answer(const uint8_t *msg, const struct hk_dnsmsg_q *q, int rcode,
		     const struct hk_dnsmsg_rr *rr, size_t n, uint32_t ttl, uint8_t *out,
		     size_t cap);
/* The answer to PTR query q: one PTR record per name of names[n] (dotted, compressed
 * against the message by libresolv's dn_comp). Returns its length, or -ENOSPC / -EINVAL (a
 * name that cannot be encoded). */
int hk_dnsmsg_answer_ptr(const uint8_t *msg, const struct hk_dnsmsg_q *q, const char *const *names,
			 size_t n, uint32_t ttl, uint8_t *out, size_t cap);
/* The IPv4 address that name ("4.3.2.1.in-addr.arpa", any case) stands for, in raw[4]. */
int hk_dnsmsg_ptr_addr(const char *name, uint8_t raw[4]);
/* A minimal FORMERR/SERVFAIL for a message that is at least a header: its id and opcode. */
int hk_dnsmsg_error(const uint8_t *msg, size_t len, int rcode, uint8_t *out, size_t cap);

#endif
