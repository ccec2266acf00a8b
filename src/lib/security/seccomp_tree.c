// SPDX-License-Identifier: MIT
/*
 * A front for libseccomp's program (seccomp_profile.h, hk_sc_tree_build): Docker's default
 * profile is ~370 syscall names allowed outright per architecture, and libseccomp spends one
 * comparison on each (1229 instructions for x86-64 + i386 + x32). The kernel converts and
 * JIT-compiles every instruction at each start, so the size is what installing costs. Here
 * the architecture is checked once; the native architecture's numbers become runs
 * ([first, last]) searched as a binary tree (only constant loads and comparisons: the
 * kernel's action cache still resolves them without running the filter), the other
 * architectures' (i386, x32) 32-bit bitmaps; a hit returns ALLOW, anything else (other
 * architectures, numbers with argument rules or other actions, numbers in no run) falls
 * through to libseccomp's program, which decides as before.
 */
#include "seccomp_profile.h"

#include <errno.h>
#include <stddef.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "base/vec.h"

#define LEAVES_PER_CHUNK 32 /* a chunk's jumps to its own ALLOW/MISS pair stay < 256 */

struct run {
	uint32_t first, last;
};

/* a jump of the current chunk to its ALLOW or MISS, patched at the chunk's end */
struct fixup {
	size_t at;
	bool allow;   /* to ALLOW, else to MISS */
	bool on_true; /* jt, else jf */
};

struct emit {
	struct sock_filter *f;
	size_t n, cap;
	struct fixup *fx; /* pending jumps of the current chunk */
	size_t nfx, capfx;
	size_t miss_ja[1024]; /* "ja rest" instructions, patched at the end */
	size_t nmiss;
	bool overflow;
};

static size_t put(struct emit *e, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	if (hk_vec_grow(&e->f, e->n, &e->cap, 256) < 0) {
		e->overflow = true;
		return e->n ? e->n - 1 : 0; /* a harmless index: the result is thrown away */
	}
	e->f[e->n] = (struct sock_filter)BPF_JUMP(code, k, jt, jf);
	return e->n++;
}

static void fix(struct emit *e, size_t at, bool on_true, bool allow)
{
	if (hk_vec_grow(&e->fx, e->nfx, &e->capfx, 64) < 0) {
		e->overflow = true;
		return;
	}
	e->fx[e->nfx++] = (struct fixup){ .at = at, .allow = allow, .on_true = on_true };
}

static bool set_off(struct emit *e, size_t at, bool on_true, size_t target)
{
	size_t off = target - at - 1;
	if (off > 255) {
		e->overflow = true;
		return false;
	}
	if (on_true)
		e->f[at].jt = (uint8_t)off;
	else
		e->f[at].jf = (uint8_t)off;
	return true;
}

static void miss_ja(struct emit *e)
{
	if (e->nmiss == sizeof(e->miss_ja) / sizeof(e->miss_ja[0])) {
		e->overflow = true;
		return;
	}
	e->miss_ja[e->nmiss++] = put(e, BPF_JMP | BPF_JA | BPF_K, 0, 0, 0);
}

/* The end of a chunk: its ALLOW and MISS, the targets of its pending jumps. */
static void chunk_end(struct emit *e)
{
	size_t allow = put(e, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
	miss_ja(e);
	for (size_t i = 0; i < e->nfx; i++) {
		const struct fixup *x = &e->fx[i];
		if (BPF_OP(e->f[x->at].code) == BPF_JA)
			e->f[x->at].k = (uint32_t)((x->allow ? allow : allow + 1) - x->at - 1);
		else
			set_off(e, x->at, x->on_true, x->allow ? allow : allow + 1);
	}
	e->nfx = 0;
}

/* A = nr >= lb here: jump to ALLOW if nr is in one of runs[lo, hi), else to MISS. */
static void tree(struct emit *e, const struct run *runs, size_t lo, size_t hi, uint32_t lb)
{
	if (hi - lo == 1) {
		const struct run *r = &runs[lo];
		if (r->first > lb)
			fix(e, put(e, BPF_JMP | BPF_JGE | BPF_K, 0, 0, r->first), false, false);
		size_t at = put(e, BPF_JMP | BPF_JGT | BPF_K, 0, 0, r->last);
		fix(e, at, true, false);
		fix(e, at, false, true);
		return;
	}
	size_t mid = lo + (hi - lo) / 2;
	bool chunk = hi - lo <= LEAVES_PER_CHUNK && e->nfx == 0;
	/* true (nr >= runs[mid].first): the right half; false: the left half, right below */
	size_t at = put(e, BPF_JMP | BPF_JGE | BPF_K, 0, 0, runs[mid].first);
	size_t ja = 0;
	bool near = hi - lo <= LEAVES_PER_CHUNK;
	if (!near) { /* too far for jt: jt 0 lands on a "ja right", jf 1 past it */
		ja = put(e, BPF_JMP | BPF_JA | BPF_K, 0, 0, 0);
		e->f[at].jf = 1;
	}
	tree(e, runs, lo, mid, lb);
	if (near)
		set_off(e, at, true, e->n);
	else
		e->f[ja].k = (uint32_t)(e->n - ja - 1);
	tree(e, runs, mid, hi, runs[mid].first);
	if (chunk)
		chunk_end(e);
}

static size_t make_runs(const uint32_t *nr, size_t n, struct run *runs)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (k && runs[k - 1].last + 1 == nr[i])
			runs[k - 1].last = nr[i];
		else
			runs[k++] = (struct run){ nr[i], nr[i] };
	}
	return k;
}

/* Numbers nr[0, n) (all >= base, A = nr here) as a bitmap of 32-bit words: the word index
 * picks a constant by a chain of comparisons, the bit is tested with jset. Smaller than
 * the tree, but the kernel's action cache cannot follow the shift: for the architectures
 * other than the native one (i386, x32), which containers seldom run. */
static void bitmap(struct emit *e, const uint32_t *nr, size_t n, uint32_t base)
{
	uint32_t words = (nr[n - 1] - base) / 32 + 1;
	if (base) {
		fix(e, put(e, BPF_JMP | BPF_JGE | BPF_K, 0, 0, base), false, false);
		put(e, BPF_ALU | BPF_SUB | BPF_K, 0, 0, base);
	}
	fix(e, put(e, BPF_JMP | BPF_JGE | BPF_K, 0, 0, words * 32), true, false);
	put(e, BPF_ST, 0, 0, 0); /* M[0] = n */
	put(e, BPF_ALU | BPF_AND | BPF_K, 0, 0, 31);
	put(e, BPF_MISC | BPF_TAX, 0, 0, 0);
	put(e, BPF_LD | BPF_IMM, 0, 0, 1);
	put(e, BPF_ALU | BPF_LSH | BPF_X, 0, 0, 0);
	put(e, BPF_ST, 0, 0, 1); /* M[1] = 1 << (n % 32) */
	put(e, BPF_LD | BPF_MEM, 0, 0, 0);
	put(e, BPF_ALU | BPF_RSH | BPF_K, 0, 0, 5); /* A = n / 32 */
	for (size_t i = 0; i < n;) {
		uint32_t w = (nr[i] - base) / 32, bits = 0;
		for (; i < n && (nr[i] - base) / 32 == w; i++)
			bits |= 1U << ((nr[i] - base) % 32);
		if (bits == 0xffffffff) {
			fix(e, put(e, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, w), true, true);
			continue;
		}
		put(e, BPF_JMP | BPF_JEQ | BPF_K, 0, 2, w);
		put(e, BPF_LD | BPF_MEM, 0, 0, 1);
		size_t at = put(e, BPF_JMP | BPF_JSET | BPF_K, 0, 0, bits);
		fix(e, at, true, true);
		fix(e, at, false, false);
	}
	fix(e, put(e, BPF_JMP | BPF_JA | BPF_K, 0, 0, 0), true, false);
	chunk_end(e);
}

/* A = nr >= lb: the runs of nr[0, n) as a tree */
static void runs_tree(struct emit *e, const uint32_t *nr, size_t n)
{
	struct run *runs = malloc(n * sizeof(*runs));
	if (!runs) {
		e->overflow = true;
		return;
	}
	size_t k = make_runs(nr, n, runs);
	tree(e, runs, 0, k, 0);
	if (e->nfx)
		chunk_end(e); /* a tree of a single run */
	free(runs);
}

/* One architecture: load the number; below x32's bit a tree (or a bitmap), above a bitmap. */
static void section(struct emit *e, const struct hk_sc_fast *fa)
{
	const uint32_t x32 = 0x40000000;
	size_t lo = 0;
	while (lo < fa->n && fa->nr[lo] < x32)
		lo++;
	put(e, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, nr));
	size_t ja = 0;
	if (lo && lo < fa->n) { /* both: x32's numbers after a "ja" */
		put(e, BPF_JMP | BPF_JGE | BPF_K, 0, 1, x32);
		ja = put(e, BPF_JMP | BPF_JA | BPF_K, 0, 0, 0);
	}
	if (lo && fa->tree)
		runs_tree(e, fa->nr, lo);
	else if (lo)
		bitmap(e, fa->nr, lo, 0);
	if (ja)
		e->f[ja].k = (uint32_t)(e->n - ja - 1);
	if (lo < fa->n)
		bitmap(e, fa->nr + lo, fa->n - lo, x32);
	if (fa->n == 0)
		miss_ja(e);
}

int hk_sc_tree_build(const struct hk_sc_fast *fast, size_t nfast, const struct sock_fprog *rest,
		     struct sock_fprog *ret)
{
	struct emit e = { 0 };
	if (hk_vec_grow(&e.f, 0, &e.cap, 256) < 0) /* put() may then always hand back an index */
		return -ENOMEM;
	put(&e, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, arch));
	for (size_t i = 0; i < nfast && !e.overflow; i++) {
		/* arch matches: the section right below; else past it, to the next check */
		put(&e, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, fast[i].arch);
		size_t ja = put(&e, BPF_JMP | BPF_JA | BPF_K, 0, 0, 0);
		section(&e, &fast[i]);
		e.f[ja].k = (uint32_t)(e.n - ja - 1);
	}
	size_t front = e.n;
	for (size_t i = 0; i < e.nmiss && !e.overflow; i++)
		e.f[e.miss_ja[i]].k = (uint32_t)(front - e.miss_ja[i] - 1);
	free(e.fx);
	if (e.overflow || front + rest->len > BPF_MAXINSNS) {
		free(e.f);
		return -E2BIG;
	}
	struct sock_filter *f = realloc(e.f, (front + rest->len) * sizeof(*f));
	if (!f) {
		free(e.f);
		return -ENOMEM;
	}
	memcpy(f + front, rest->filter, rest->len * sizeof(*f));
	ret->filter = f;
	ret->len = (unsigned short)(front + rest->len);
	return 0;
}
