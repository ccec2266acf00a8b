// SPDX-License-Identifier: MIT
/* The gzip reader (archive_gz.h) on streams made here with zlib: members, trailer checks,
 * truncation, trailing bytes, every single-byte corruption, inputs cut into any chunk size. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "archive_gz.h"
#include "tap.h"

struct src {
	const unsigned char *p;
	size_t len, off, chunk;
	int fail; /* > 0: return -EIO once this many bytes were handed out */
};

static ssize_t fill(void *ud, const unsigned char **buf)
{
	struct src *s = ud;
	if (s->fail && s->off >= (size_t)s->fail)
		return -EIO;
	size_t n = s->len - s->off < s->chunk ? s->len - s->off : s->chunk;
	*buf = s->p + s->off;
	s->off += n;
	return (ssize_t)n;
}

/* gzip of data: one member, header without a name (10 bytes), trailer 8 bytes */
static size_t gz(const void *data, size_t n, unsigned char *out, size_t cap)
{
	z_stream z = { 0 };
	if (deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	z.next_in = (unsigned char *)data;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		abort();
	size_t len = z.total_out;
	deflateEnd(&z);
	return len;
}

/* Read everything: the inflated length (into out) or the error code; msg gets the error. */
static ssize_t inflate_all(const unsigned char *in, size_t len, size_t chunk, unsigned char *out,
			   size_t cap, const char **msg)
{
	struct src s = { .p = in, .len = len, .chunk = chunk };
	struct hk_gz *g = hk_gz_new(fill, &s);
	size_t got = 0;
	ssize_t n;
	const void *b;
	while ((n = hk_gz_read(g, &b)) > 0) {
		if (got + (size_t)n <= cap)
			memcpy(out + got, b, (size_t)n);
		got += (size_t)n;
	}
	static char m[200];
	snprintf(m, sizeof(m), "%s", hk_gz_error(g));
	*msg = m;
	if (n < 0 && hk_gz_read(g, &b) != n)
		n = -12345; /* the error must be sticky */
	hk_gz_free(g);
	return n < 0 ? n : (ssize_t)got;
}

static unsigned char data[300000], a[400000], b[400000], out[400000];

static void make_data(void)
{
	unsigned x = 42;
	for (size_t i = 0; i < sizeof(data); i++) {
		x = x * 1103515245 + 12345;
		/* half text-like (compressible), half noise */
		data[i] = i < sizeof(data) / 2 ? (unsigned char)('a' + (i / 7) % 26)
					       : (unsigned char)(x >> 16);
	}
}

static void test_valid(void)
{
	const char *msg;
	size_t n = gz(data, sizeof(data), a, sizeof(a));
	TAP_OK(hk_gz_magic(a, n) && !hk_gz_magic(a, 1) && !hk_gz_magic("\x1f\x8c", 2), "magic");
	static const size_t chunks[] = { 1, 2, 7, 4096, 65536, 1 << 20 };
	for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		ssize_t r = inflate_all(a, n, chunks[i], out, sizeof(out), &msg);
		TAP_OK(r == (ssize_t)sizeof(data) && !memcmp(out, data, sizeof(data)),
		       "one member, chunks of %zu: the data back", chunks[i]);
	}
	/* three members (cut at odd places) and trailing zeros */
	size_t m1 = gz(data, 1000, b, sizeof(b));
	size_t m2 = gz(data + 1000, 1, b + m1, sizeof(b) - m1);
	size_t m3 = gz(data + 1001, sizeof(data) - 1001, b + m1 + m2, sizeof(b) - m1 - m2);
	size_t t = m1 + m2 + m3;
	for (size_t c = 1; c <= 65536; c *= 16) {
		ssize_t r = inflate_all(b, t, c, out, sizeof(out), &msg);
		TAP_OK(r == (ssize_t)sizeof(data) && !memcmp(out, data, sizeof(data)),
		       "three members, chunks of %zu: the data back", c);
	}
	memset(b + t, 0, 100);
	ssize_t r = inflate_all(b, t + 100, 3, out, sizeof(out), &msg);
	TAP_EQ_INT(r, sizeof(data), "trailing zero bytes are ignored");
	/* an empty member is valid gzip */
	size_t e = gz("", 0, b, sizeof(b));
	TAP_EQ_INT(inflate_all(b, e, 1, out, sizeof(out), &msg), 0, "an empty member: no data");
}

static void expect_err(const unsigned char *in, size_t len, size_t chunk, const char *want,
		       const char *name)
{
	const char *msg;
	ssize_t r = inflate_all(in, len, chunk, out, sizeof(out), &msg);
	TAP_EQ_INT(r, -EBADMSG, name);
	TAP_EQ_STR(msg, want, name);
}

static void test_refused(void)
{
	size_t n = gz(data, sizeof(data), a, sizeof(a));
	memcpy(b, a, n);
	b[n - 8] ^= 1;
	expect_err(b, n, 4096, "gzip: data corrupted (CRC mismatch)", "CRC flipped");
	memcpy(b, a, n);
	b[n - 2] ^= 0x40;
	expect_err(b, n, 4096, "gzip: length mismatch (ISIZE differs from the data)",
		   "ISIZE flipped");
	memcpy(b, a, n);
	memcpy(b + n, "garbage", 7);
	expect_err(b, n + 7, 1, "gzip: trailing garbage after member 1", "garbage after a member");
	memcpy(b + n, "\x1f\x8c\x08", 3);
	expect_err(b, n + 3, 65536, "gzip: trailing garbage after member 1",
		   "a second member with bad magic");
	memcpy(b + n, a, n);
	memcpy(b + 2 * n, "\0\0\0z", 4);
	expect_err(b, 2 * n + 4, 5, "gzip: trailing garbage after member 2",
		   "zeros then garbage after two members");
	b[n + 3] = 0xe0; /* reserved header flags in member 2 */
	expect_err(b, 2 * n, 4096, "gzip: trailing garbage after member 1",
		   "a second header that is not gzip");

	/* every prefix is truncated (one chunk and byte by byte for a few) */
	size_t bad = 0;
	for (size_t cut = 0; cut < n; cut += cut < 64 || cut > n - 64 ? 1 : 997) {
		const char *msg;
		ssize_t r = inflate_all(a, cut, cut % 3 ? 65536 : 1000, out, sizeof(out), &msg);
		if (r != -EBADMSG || strncmp(msg, "gzip: truncated", 15))
			bad++;
	}
	TAP_EQ_INT(bad, 0, "every cut of the stream is refused as truncated");

	/* every bit of two small members' deflate data and trailers, flipped: refused, or (a
	 * padding bit deflate never reads: after a stored block's header, at the end) the very
	 * same data: never different data */
	size_t s = gz(data, 3000, b, sizeof(b));
	size_t s2 = gz(data + sizeof(data) - 3000, 3000, b + s, sizeof(b) - s);
	static unsigned char want[6000];
	memcpy(want, data, 3000);
	memcpy(want + 3000, data + sizeof(data) - 3000, 3000);
	size_t refused = 0, same = 0;
	bad = 0;
	for (size_t i = 10; i < s + s2; i++) {
		if (i >= s && i < s + 10)
			continue; /* member 2's header: mtime, xfl, os are free */
		for (unsigned x = 1; x < 256; x <<= 1) {
			const char *msg;
			b[i] ^= (unsigned char)x;
			ssize_t r = inflate_all(b, s + s2, 512, out, sizeof(out), &msg);
			b[i] ^= (unsigned char)x;
			if (r == -EBADMSG && !strncmp(msg, "gzip: ", 6))
				refused++;
			else if (r == (ssize_t)sizeof(want) && !memcmp(out, want, sizeof(want)))
				same++;
			else
				bad++;
		}
	}
	TAP_EQ_INT(bad, 0, "every bit flip of the data and trailers: refused or the same data");
	TAP_OK(refused > 8 * (s + s2 - 20 - 4), "nearly all refused (%zu refused, %zu padding)",
	       refused, same);
}

static void test_io_error(void)
{
	size_t n = gz(data, sizeof(data), a, sizeof(a));
	struct src s = { .p = a, .len = n, .chunk = 1000, .fail = 5000 };
	struct hk_gz *g = hk_gz_new(fill, &s);
	const void *p;
	ssize_t r;
	while ((r = hk_gz_read(g, &p)) > 0)
		;
	TAP_EQ_INT(r, -EIO, "a read error is passed on");
	TAP_EQ_STR(hk_gz_error(g), "read: Input/output error", "and named");
	hk_gz_free(g);
	hk_gz_free(NULL);
}

int main(void)
{
	make_data();
	test_valid();
	test_refused();
	test_io_error();
	return tap_done();
}
