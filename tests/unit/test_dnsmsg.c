// SPDX-License-Identifier: MIT
/* Unit tests for the embedded resolver's DNS messages (dnsmsg.c): a query's question read,
 * answers built from it (A, AAAA, NODATA, truncation), malformed and non-query messages
 * refused, FORMERR/SERVFAIL headers. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "dnsmsg.h"
#include "tap.h"

/* a query for name (dotted) of type, id 0x1234, RD set; returns its length */
static size_t query(uint8_t *m, const char *name, uint16_t type)
{
	static const uint8_t hdr[12] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
	memcpy(m, hdr, 12);
	size_t o = 12;
	const char *s = name;
	while (*s) {
		const char *dot = strchr(s, '.');
		size_t n = dot ? (size_t)(dot - s) : strlen(s);
		m[o++] = (uint8_t)n;
		memcpy(m + o, s, n);
		o += n;
		s += n + (dot ? 1 : 0);
	}
	m[o++] = 0;
	m[o++] = (uint8_t)(type >> 8);
	m[o++] = (uint8_t)type;
	m[o++] = 0;
	m[o++] = 1;
	return o;
}

static void test_parse(void)
{
	uint8_t m[512];
	struct hk_dnsmsg_q q;
	size_t n = query(m, "web.example.test", HK_DNS_A);
	TAP_EQ_INT(hk_dnsmsg_parse(m, n, &q), 0, "a query parses");
	TAP_EQ_STR(q.name, "web.example.test", "its name");
	TAP_EQ_INT(q.type, HK_DNS_A, "its type");
	TAP_EQ_INT(q.class, 1, "its class");
	TAP_EQ_INT(q.id, 0x1234, "its id");
	TAP_EQ_INT(q.qend, n, "the question ends the message");
	TAP_EQ_INT(hk_dnsmsg_parse(m, 11, &q), -EINVAL, "shorter than a header");
	TAP_EQ_INT(hk_dnsmsg_parse(m, n - 3, &q), -EINVAL, "question cut short");
	m[2] |= 0x80;
	TAP_EQ_INT(hk_dnsmsg_parse(m, n, &q), -EINVAL, "a response is not a query");
	n = query(m, "x", HK_DNS_A);
	m[5] = 2;
	TAP_EQ_INT(hk_dnsmsg_parse(m, n, &q), -EINVAL, "two questions announced, one there");
	n = query(m, "a", HK_DNS_A);
	m[12] = 0xc0; /* a compression pointer in the question, pointing at itself */
	m[13] = 12;
	TAP_EQ_INT(hk_dnsmsg_parse(m, n, &q), -EINVAL, "a pointer loop");
	n = query(m, "a", HK_DNS_A);
	m[12] = 70; /* a label longer than 63 and than the message */
	TAP_EQ_INT(hk_dnsmsg_parse(m, n, &q), -EINVAL, "a label past the end");
}

static void test_answer(void)
{
	uint8_t m[512], out[512];
	struct hk_dnsmsg_q q;
	struct hk_dnsmsg_rr rr[2] = { { AF_INET, { 0 } }, { AF_INET6, { 0 } } };
	inet_pton(AF_INET, "10.211.1.2", rr[0].raw);
	inet_pton(AF_INET6, "fd00::2", rr[1].raw);
	size_t n = query(m, "web", HK_DNS_A);
	hk_dnsmsg_parse(m, n, &q);
	int k = hk_dnsmsg_answer(m, &q, 0, rr, 2, 600, out, sizeof(out));
	TAP_EQ_INT(k, (int)n + 16, "A: one record of 16 bytes after the question");
	TAP_OK(out[0] == 0x12 && out[1] == 0x34, "the query's id");
	TAP_OK((out[2] & 0x80) && (out[2] & 0x04) && (out[2] & 0x01), "QR, AA, RD kept");
	TAP_OK((out[3] & 0x80) && (out[3] & 0x0f) == 0, "RA, NOERROR");
	TAP_OK(out[6] == 0 && out[7] == 1, "ANCOUNT 1");
	TAP_OK(out[n] == 0xc0 && out[n + 1] == 12, "the name points at the question");
	TAP_OK(out[n + 3] == 1 && out[n + 5] == 1, "type A, class IN");
	TAP_OK(out[n + 8] == 0x02 && out[n + 9] == 0x58, "TTL 600");
	TAP_OK(!memcmp(out + n + 12, rr[0].raw, 4), "the address");
	n = query(m, "web", HK_DNS_AAAA);
	hk_dnsmsg_parse(m, n, &q);
	k = hk_dnsmsg_answer(m, &q, 0, rr, 2, 600, out, sizeof(out));
	TAP_EQ_INT(k, (int)n + 28, "AAAA: one record of 28 bytes");
	TAP_OK(!memcmp(out + n + 12, rr[1].raw, 16), "the IPv6 address");
	k = hk_dnsmsg_answer(m, &q, 0, rr, 1, 600, out, sizeof(out));
	TAP_EQ_INT(k, (int)n, "AAAA of a name with IPv4 only: NODATA (no record)");
	TAP_OK(out[7] == 0 && (out[3] & 0x0f) == 0, "ANCOUNT 0, NOERROR");
	k = hk_dnsmsg_answer(m, &q, 0, rr, 2, 600, out, n + 10);
	TAP_EQ_INT(k, (int)n, "what does not fit is left out");
	TAP_OK(out[2] & 0x02, "and TC is set");
	k = hk_dnsmsg_error(m, n, 2, out, sizeof(out));
	TAP_EQ_INT(k, 12, "an error is a header");
	TAP_OK(out[0] == 0x12 && out[1] == 0x34 && (out[3] & 0x0f) == 2 && (out[2] & 0x80),
	       "SERVFAIL with the id, QR");
	TAP_EQ_INT(hk_dnsmsg_error(m, 5, 1, out, sizeof(out)), -EINVAL, "no header: no error");
}

static void test_ptr(void)
{
	uint8_t m[512], out[512], a[4];
	struct hk_dnsmsg_q q;
	TAP_EQ_INT(hk_dnsmsg_ptr_addr("2.1.211.10.in-addr.arpa", a), 0, "a reverse name");
	TAP_OK(a[0] == 10 && a[1] == 211 && a[2] == 1 && a[3] == 2, "its address, in order");
	TAP_EQ_INT(hk_dnsmsg_ptr_addr("2.1.211.10.IN-ADDR.ARPA", a), 0, "any case");
	TAP_EQ_INT(hk_dnsmsg_ptr_addr("2.1.211.in-addr.arpa", a), -EINVAL, "three octets");
	TAP_EQ_INT(hk_dnsmsg_ptr_addr("2.1.211.300.in-addr.arpa", a), -EINVAL, "octet > 255");
	TAP_EQ_INT(hk_dnsmsg_ptr_addr("2.1.211.10.in-addr.arpa.x", a), -EINVAL, "trailing");
	TAP_EQ_INT(hk_dnsmsg_ptr_addr("2.1.211.10.ip6.arpa", a), -EINVAL, "not in-addr");
	size_t n = query(m, "2.1.211.10.in-addr.arpa", HK_DNS_PTR);
	hk_dnsmsg_parse(m, n, &q);
	const char *names[] = { "web", "www" };
	int k = hk_dnsmsg_answer_ptr(m, &q, names, 2, 600, out, sizeof(out));
	TAP_EQ_INT(k, (int)n + 2 * (12 + 5), "two PTR records (web, www: 5 bytes each)");
	TAP_OK(out[7] == 2, "ANCOUNT 2");
	TAP_OK(out[n + 3] == HK_DNS_PTR && out[n + 11] == 5 && out[n + 12] == 3 &&
		       !memcmp(out + n + 13, "web", 3) && out[n + 16] == 0,
	       "the first is web");
}

int main(void)
{
	test_parse();
	test_answer();
	test_ptr();
	return tap_done();
}
