// SPDX-License-Identifier: MIT
#include "regpool.h"

#include <errno.h>

void hk_regpool_init(struct hk_regpool *pl)
{
	*pl = (struct hk_regpool){ 0 };
	pthread_mutex_init(&pl->lock, NULL);
}

void hk_regpool_destroy(struct hk_regpool *pl)
{
	pthread_mutex_destroy(&pl->lock);
}

static void *worker(void *arg)
{
	struct hk_regpool *pl = arg;
	struct hk_http *h = NULL;
	struct hk_err e = { 0 };
	int r = hk_http_new(&h, &e);
	for (size_t i;
	     r == 0 && !atomic_load(&pl->failed) && (i = atomic_fetch_add(&pl->next, 1)) < pl->n;)
		r = pl->task(pl->ud, h, i, &e);
	if (r < 0 && r != -ECANCELED) {
		pthread_mutex_lock(&pl->lock);
		if (!atomic_exchange(&pl->failed, true))
			pl->err = e;
		pthread_mutex_unlock(&pl->lock);
	}
	hk_http_free(h);
	return NULL;
}

int hk_regpool_run(struct hk_regpool *pl, unsigned parallel, size_t n,
		   int (*task)(void *ud, struct hk_http *h, size_t i, struct hk_err *err), void *ud,
		   struct hk_err *err)
{
	pl->task = task;
	pl->ud = ud;
	pl->n = n;
	atomic_store(&pl->next, 0);
	unsigned t = parallel ? parallel : 3, started = 0;
	pthread_t th[16];
	if (t > 16)
		t = 16;
	if (t > n)
		t = (unsigned)n;
	for (; started < t; started++)
		if (pthread_create(&th[started], NULL, worker, pl) != 0)
			break;
	if (started == 0 && n)
		worker(pl);
	for (unsigned i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	if (atomic_load(&pl->failed)) {
		*err = pl->err;
		return err->code;
	}
	return 0;
}
