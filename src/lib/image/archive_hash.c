// SPDX-License-Identifier: MIT
/*
 * The input side of extraction on two CPUs: blocks read from the input fd go through a small
 * ring; a second thread hashes each block (the blob digest, and the diff_id when the input is
 * not compressed: the same bytes) and, when asked, appends it to a kept copy of the blob,
 * while the calling thread parses and writes files. sha256 costs about as much as tar -x
 * itself, so overlapping the two is most of the import time.
 *
 * The ring has RING slots of HK_AX_BLOCK bytes. libarchive keeps the block its read callback
 * returned until the next call, so a slot is reused only after the hasher is done with it
 * and libarchive has moved on (RING >= 3 guarantees the latter). Without a thread (creation
 * failed) every block is hashed inline: same result, one CPU.
 *
 * The counters are atomics (one writer each), so handing a block over costs no lock; a side
 * that must wait raises its flag and sleeps on a condition variable, and the other side only
 * takes the mutex to wake it when the flag is up (sequentially consistent flag/counter
 * accesses: one of the two always sees the other's store, so no wakeup is lost).
 */
#include "archive_int.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RING 8

struct hk_ax_ring {
	pthread_mutex_t mu;
	pthread_cond_t work, room; /* the hasher waits for work, the reader for room */
	pthread_t th;
	bool threaded;
	atomic_bool stop, hasher_waits, reader_waits;
	unsigned char *buf[RING];
	size_t len[RING];
	_Atomic uint64_t posted, done; /* blocks handed over / hashed (slot = count % RING) */
	struct hk_sha256 *h;
	atomic_int keep_fd; /* the kept blob, -1: none */
	int keep_err;	    /* first write error (negative errno) */
};

static void consume(struct hk_ax_ring *g, int keep_fd, const unsigned char *b, size_t n)
{
	hk_sha256_update(g->h, b, n);
	if (keep_fd < 0 || g->keep_err)
		return;
	for (size_t o = 0; o < n;) {
		ssize_t w = write(keep_fd, b + o, n - o);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			g->keep_err = w < 0 ? -errno : -EIO;
			return;
		}
		o += (size_t)w;
	}
}

static bool has_work(struct hk_ax_ring *g)
{
	return atomic_load(&g->done) != atomic_load(&g->posted) || atomic_load(&g->stop);
}

static bool has_room(struct hk_ax_ring *g)
{
	/* slot posted % RING last held block posted - RING: free once that one is hashed (the
	 * block libarchive may still hold is posted - 1, another slot) */
	return atomic_load(&g->posted) - atomic_load(&g->done) < RING;
}

static bool drained(struct hk_ax_ring *g)
{
	return atomic_load(&g->done) == atomic_load(&g->posted);
}

static void wait_for(struct hk_ax_ring *g, pthread_cond_t *cv, atomic_bool *waits,
		     bool (*ready)(struct hk_ax_ring *))
{
	if (ready(g))
		return;
	pthread_mutex_lock(&g->mu);
	atomic_store(waits, true);
	while (!ready(g))
		pthread_cond_wait(cv, &g->mu);
	atomic_store(waits, false);
	pthread_mutex_unlock(&g->mu);
}

static void wake(struct hk_ax_ring *g, pthread_cond_t *cv, atomic_bool *waits)
{
	if (!atomic_load(waits))
		return;
	pthread_mutex_lock(&g->mu);
	pthread_cond_signal(cv);
	pthread_mutex_unlock(&g->mu);
}

static void *hasher(void *arg)
{
	struct hk_ax_ring *g = arg;
	for (;;) {
		wait_for(g, &g->work, &g->hasher_waits, has_work);
		uint64_t d = atomic_load(&g->done);
		if (d == atomic_load(&g->posted))
			break; /* stopped, and everything hashed */
		size_t s = d % RING;
		consume(g, atomic_load(&g->keep_fd), g->buf[s], g->len[s]);
		atomic_store(&g->done, d + 1);
		wake(g, &g->room, &g->reader_waits);
	}
	return NULL;
}

int hk_ax_ring_start(struct xctx *x, struct hk_sha256 *h, int keep_fd)
{
	struct hk_ax_ring *g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	for (int i = 0; i < RING; i++)
		if (!(g->buf[i] = malloc(HK_AX_BLOCK))) {
			for (int j = 0; j < i; j++)
				free(g->buf[j]);
			free(g);
			return -ENOMEM;
		}
	g->h = h;
	atomic_init(&g->keep_fd, keep_fd);
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->work, NULL);
	pthread_cond_init(&g->room, NULL);
	g->threaded = pthread_create(&g->th, NULL, hasher, g) == 0;
	x->ring = g;
	return 0;
}

unsigned char *hk_ax_ring_next(struct xctx *x)
{
	struct hk_ax_ring *g = x->ring;
	if (g->threaded)
		wait_for(g, &g->room, &g->reader_waits, has_room);
	return g->buf[atomic_load(&g->posted) % RING];
}

void hk_ax_ring_post(struct xctx *x, size_t n)
{
	struct hk_ax_ring *g = x->ring;
	uint64_t p = atomic_load(&g->posted);
	size_t s = p % RING;
	g->len[s] = n;
	if (!g->threaded) {
		consume(g, atomic_load(&g->keep_fd), g->buf[s], n);
		atomic_store(&g->posted, p + 1);
		atomic_store(&g->done, p + 1);
		return;
	}
	atomic_store(&g->posted, p + 1);
	wake(g, &g->work, &g->hasher_waits);
}

void hk_ax_ring_sync(struct xctx *x)
{
	struct hk_ax_ring *g = x->ring;
	if (g && g->threaded)
		wait_for(g, &g->room, &g->reader_waits, drained);
}

void hk_ax_ring_feed(struct xctx *x, const void *b, size_t n)
{
	hk_ax_ring_sync(x);
	if (x->ring)
		consume(x->ring, atomic_load(&x->ring->keep_fd), b, n);
}

void hk_ax_ring_keep_off(struct xctx *x)
{
	atomic_store(&x->ring->keep_fd, -1);
}

int hk_ax_ring_stop(struct xctx *x)
{
	struct hk_ax_ring *g = x->ring;
	if (!g)
		return 0;
	if (g->threaded) {
		atomic_store(&g->stop, true);
		wake(g, &g->work, &g->hasher_waits);
		pthread_join(g->th, NULL);
	}
	int r = g->keep_err;
	pthread_mutex_destroy(&g->mu);
	pthread_cond_destroy(&g->work);
	pthread_cond_destroy(&g->room);
	for (int i = 0; i < RING; i++)
		free(g->buf[i]);
	free(g);
	x->ring = NULL;
	return r;
}
