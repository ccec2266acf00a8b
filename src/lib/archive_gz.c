// SPDX-License-Identifier: MIT
/*
 * gzip over zlib (see archive_gz.h). inflate() with windowBits 16 + MAX_WBITS reads one gzip
 * member: header, deflate data, then the 8-byte trailer. zlib's own trailer check is off
 * (inflateValidate; that also skips the rare optional header CRC, FHCRC) because the trailer
 * may straddle input blocks and what follows a member (another member, zero padding, garbage)
 * is decided here: the CRC32 (zlib's crc32_z) of each member's output is compared with the
 * last 8 bytes zlib
 * consumed when it reports Z_STREAM_END. Z_STREAM_END plus a matching trailer means a member
 * was whole and right; what follows is decided here.
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
	uint32_t crc;		  /* of this member's output so far */
	unsigned char tail[8];	  /* the last bytes of the previous input blocks (the trailer may */
	size_t ntail;		  /* straddle blocks), ntail of them valid, oldest first */
	const unsigned char *blk; /* the current input block */
	unsigned members;	  /* started; the complete ones are members - 1 inside a member */
	int code;		  /* sticky error */
	char msg[160];
};

/* ---- CRC32 (gzip's, bit-reflected 0xEDB88320): zlib's ---------------------------------- */

uint32_t hk_gz_crc32(uint32_t crc, const void *b, size_t n)
{
	return (uint32_t)crc32_z(crc, b, n);
}

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
	inflateValidate(&g->z, 0); /* the trailer is checked here (see the top) */
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

unsigned hk_gz_members(const struct hk_gz *g)
{
	return g->members;
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
	if (g->members > 1 && g->hdr.done != 1)
		return garbage(g); /* what follows a member is not another member */
	if (g->hdr.done != 1)
		return fail(g, -EBADMSG, "gzip: bad header (%s)", m);
	return fail(g, -EBADMSG, "gzip: data corrupted (%s)", m);
}

/* The input block is used up: keep its last bytes (up to 8 in all) for a trailer that
 * straddles blocks. */
static void keep_tail(struct hk_gz *g, size_t len)
{
	size_t n = len < 8 ? len : 8;
	size_t old = g->ntail + n > 8 ? 8 - n : g->ntail;
	memmove(g->tail, g->tail + g->ntail - old, old);
	memcpy(g->tail + old, g->blk + len - n, n);
	g->ntail = old + n;
}

/* The 8 bytes zlib consumed last: the trailer of the member it just ended. */
static void trailer(const struct hk_gz *g, unsigned char t[8])
{
	size_t in_blk = (size_t)(g->z.next_in - g->blk);
	size_t b = in_blk < 8 ? in_blk : 8, a = 8 - b; /* a from earlier blocks (ntail >= a: */
	memcpy(t, g->tail + g->ntail - a, a);	       /* the header alone is 10 bytes) */
	memcpy(t + a, g->z.next_in - b, b);
}

static uint32_t le32(const unsigned char *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int member_end(struct hk_gz *g)
{
	unsigned char t[8];
	trailer(g, t);
	if (le32(t) != g->crc)
		return fail(g, -EBADMSG, "gzip: data corrupted (CRC mismatch)");
	if (le32(t + 4) != (uint32_t)g->z.total_out)
		return fail(g, -EBADMSG, "gzip: length mismatch (ISIZE differs from the data)");
	g->state = GZ_BETWEEN;
	return 0;
}

/* Refill the input when zlib used it all: 0, or a negative errno. */
static int refill(struct hk_gz *g)
{
	if (g->z.avail_in || g->eof)
		return 0;
	if (g->blk)
		keep_tail(g, (size_t)(g->z.next_in - g->blk));
	const unsigned char *b;
	ssize_t n = g->fill(g->ud, &b);
	if (n < 0)
		return fail(g, (int)n, "read: %s", strerror((int)-n));
	if (n == 0) {
		g->eof = true;
		return 0;
	}
	g->blk = b;
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
	unsigned char *o = g->z.next_out;
	int zr = inflate(&g->z, Z_NO_FLUSH);
	g->crc = hk_gz_crc32(g->crc, o, (size_t)(g->z.next_out - o));
	switch (zr) {
	case Z_STREAM_END:
		return member_end(g);
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
	inflateValidate(&g->z, 0);
	g->crc = 0;
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
