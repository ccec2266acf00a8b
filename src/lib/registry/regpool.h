/* SPDX-License-Identifier: MIT */
/*
 * The blob workers of pull and push: n tasks spread over a few threads, each with its own
 * HTTP handle; the first failure is kept and stops the rest (a task in the middle of a
 * transfer asks hk_regpool_failed() and gives up with -ECANCELED).
 */
#ifndef HK_REGPOOL_H
#define HK_REGPOOL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "http.h"

struct hk_regpool {
	pthread_mutex_t lock; /* also the caller's, around its progress calls */
	atomic_bool failed;
	atomic_size_t next;
	size_t n;
	struct hk_err err; /* the first failure */
	int (*task)(void *ud, struct hk_http *h, size_t i, struct hk_err *err);
	void *ud;
};

void hk_regpool_init(struct hk_regpool *pl);
void hk_regpool_destroy(struct hk_regpool *pl);
/* task(ud, h, i) for every i in [0, n), on up to parallel threads (0: 3; at most 16; this
 * thread alone if none can be made). The first failure's error, or 0. */
int hk_regpool_run(struct hk_regpool *pl, unsigned parallel, size_t n,
		   int (*task)(void *ud, struct hk_http *h, size_t i, struct hk_err *err), void *ud,
		   struct hk_err *err);
static inline bool hk_regpool_failed(struct hk_regpool *pl)
{
	return atomic_load(&pl->failed);
}

#endif
