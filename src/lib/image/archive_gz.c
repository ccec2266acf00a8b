// SPDX-License-Identifier: MIT
/*
 * gzip over zlib (see archive_gz.h). inflate() with windowBits 16 + MAX_WBITS reads one gzip
 * member: header (its optional CRC checked), deflate data, then the 8-byte trailer, whose
 * CRC32 and ISIZE zlib compares with what it inflated (Z_DATA_ERROR "incorrect data check" /
 * "incorrect length check"). Z_STREAM_END means a member was whole and right; what follows
 * it (another member, zero padding, garbage, the end) is decided here.
 */
#include "archive_gz.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define OUT_SIZE (256u << 10) /* inflated bytes handed out per call */

enum gz_state {
	GZ_MEMBER,  /* inside a member (header, data or trailer) */
	GZ_BETWEEN, /* a member ended: another one, zeros, garbage or the end follows */
	GZ_ZEROS,   /* trailing zero bytes: must stay zero to the end */
	GZ_END,
};

struct hk_gz {
	z_stream z;
	gz_header hdr; /* .done: the member's header was complete */
	hk_gz_fill_fn fill;
	void *ud;
	unsigned char *out;
	enum gz_state state;
	bool eof;
	unsigned members; /* started; the complete ones are members - 1 inside a member */
	int code;	  /* sticky error */
	char msg[160];
};

/* ---- the reader -------------------------------------------------------------------------- */

bool hk_gz_magic(const void *b, size_t n)
{
	const unsigned char *p = b;
	return n >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

struct hk_gz *hk_gz_new(hk_gz_fill_fn fill, void *ud)
{
	struct hk_gz *g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->out = malloc(OUT_SIZE);
	if (!g->out || inflateInit2(&g->z, 16 + MAX_WBITS) != Z_OK) {
		free(g->out);
		free(g);
		return NULL;
	}
	inflateGetHeader(&g->z, &g->hdr);
	g->fill = fill;
	g->ud = ud;
	g->members = 1;
	return g;
}

void hk_gz_free(struct hk_gz *g)
{
	if (!g)
		return;
	inflateEnd(&g->z);
	free(g->out);
	free(g);
}

const char *hk_gz_error(const struct hk_gz *g)
{
	return g->msg;
}

__attribute__((format(printf, 3, 4))) static int fail(struct hk_gz *g, int code, const char *fmt,
						      ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(g->msg, sizeof(g->msg), fmt, ap);
	va_end(ap);
	return g->code = code;
}

static int garbage(struct hk_gz *g)
{
	return fail(g, -EBADMSG, "gzip: trailing garbage after member %u",
		    g->state == GZ_MEMBER ? g->members - 1 : g->members);
}

/* Why inflate() refused the data, in words a user can act on. */
static int data_error(struct hk_gz *g)
{
	const char *m = g->z.msg ? g->z.msg : "invalid data";
	if (!strcmp(m, "incorrect data check"))
		return fail(g, -EBADMSG, "gzip: data corrupted (CRC mismatch)");
	if (!strcmp(m, "incorrect length check"))
		return fail(g, -EBADMSG, "gzip: length mismatch (ISIZE differs from the data)");
	if (g->members > 1 && g->hdr.done != 1)
		return garbage(g); /* what follows a member is not another member */
	if (g->hdr.done != 1)
		return fail(g, -EBADMSG, "gzip: bad header (%s)", m);
	return fail(g, -EBADMSG, "gzip: data corrupted (%s)", m);
}

/* Refill the input when zlib used it all: 0, or a negative errno. */
static int refill(struct hk_gz *g)
{
	if (g->z.avail_in || g->eof)
		return 0;
	const unsigned char *b;
	ssize_t n = g->fill(g->ud, &b);
	if (n < 0)
		return fail(g, (int)n, "read: %s", strerror((int)-n));
	if (n == 0) {
		g->eof = true;
		return 0;
	}
	g->z.next_in = (unsigned char *)b; /* zlib's API is not const; it never writes */
	g->z.avail_in = (uInt)n;
	return 0;
}

static int step_member(struct hk_gz *g)
{
	if (!g->z.avail_in && g->eof) {
		if (g->members > 1 && g->hdr.done != 1 && g->z.total_in < 2)
			return garbage(g); /* a lone byte after a member */
		return fail(g, -EBADMSG, "gzip: truncated (the input ends inside member %u)",
			    g->members);
	}
	switch (inflate(&g->z, Z_NO_FLUSH)) {
	case Z_STREAM_END:
		g->state = GZ_BETWEEN;
		return 0;
	case Z_OK:
	case Z_BUF_ERROR: /* no progress possible: input or output ran out (refilled above) */
		return 0;
	case Z_MEM_ERROR:
		return fail(g, -ENOMEM, "gzip: out of memory");
	default: /* Z_DATA_ERROR, Z_NEED_DICT (gzip has no preset dictionary) */
		return data_error(g);
	}
}

static int step_between(struct hk_gz *g)
{
	if (!g->z.avail_in) {
		if (g->eof)
			g->state = GZ_END;
		return 0;
	}
	if (g->z.next_in[0] == 0) {
		g->state = GZ_ZEROS;
		return 0;
	}
	if (g->z.next_in[0] != 0x1f)
		return garbage(g);
	if (inflateReset(&g->z) != Z_OK)
		return fail(g, -EINVAL, "gzip: inflateReset failed");
	inflateGetHeader(&g->z, &g->hdr); /* the reset forgot it */
	g->members++;
	g->state = GZ_MEMBER;
	return 0;
}

static int step_zeros(struct hk_gz *g)
{
	for (; g->z.avail_in; g->z.avail_in--, g->z.next_in++)
		if (*g->z.next_in)
			return garbage(g);
	if (g->eof)
		g->state = GZ_END;
	return 0;
}

ssize_t hk_gz_read(struct hk_gz *g, const void **buf)
{
	if (g->code)
		return g->code;
	g->z.next_out = g->out;
	g->z.avail_out = OUT_SIZE;
	while (g->z.avail_out && g->state != GZ_END) { /* fill the buffer: fewer calls */
		int r = refill(g);
		if (r == 0) {
			switch (g->state) {
			case GZ_MEMBER:
				r = step_member(g);
				break;
			case GZ_BETWEEN:
				r = step_between(g);
				break;
			case GZ_ZEROS:
				r = step_zeros(g);
				break;
			case GZ_END:
				break;
			}
		}
		if (r < 0)
			return r;
	}
	*buf = g->out;
	return (ssize_t)(OUT_SIZE - g->z.avail_out);
}
