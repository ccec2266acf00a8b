// SPDX-License-Identifier: MIT
/* The workers' park and hand-off (mq.h). */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "mq.h"

int hk_mq_init(struct hk_mq *m, unsigned n)
{
	memset(m, 0, sizeof(*m));
	m->n = n;
	pthread_mutex_init(&m->mu, NULL);
	pthread_cond_init(&m->cv, NULL);
	for (unsigned w = 0; w < HK_PEER_WORKERS; w++)
		m->wake[w] = -1;
	for (unsigned w = 0; w < n; w++)
		if ((m->wake[w] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0)
			return -errno;
	return 0;
}

void hk_mq_fini(struct hk_mq *m)
{
	for (unsigned w = 0; w < HK_PEER_WORKERS; w++)
		if (m->wake[w] >= 0)
			close(m->wake[w]);
	for (struct hk_handoff *h = hk_mq_take(m), *next; h; h = next) {
		next = h->next;
		free(h);
	}
	pthread_mutex_destroy(&m->mu);
	pthread_cond_destroy(&m->cv);
}

void hk_mq_wake(struct hk_mq *m, unsigned w)
{
	uint64_t one = 1;
	if (write(m->wake[w], &one, sizeof(one)) < 0)
		return; /* the counter is full: it is awake anyway */
}

void hk_mq_park(struct hk_mq *m)
{
	if (m->n < 2 || m->depth++ > 0)
		return;
	__atomic_store_n(&m->pause, 1, __ATOMIC_SEQ_CST);
	for (unsigned w = 1; w < m->n; w++)
		hk_mq_wake(m, w);
	while (__atomic_load_n(&m->parked, __ATOMIC_SEQ_CST) < (int)m->n - 1)
		sched_yield();
}

void hk_mq_unpark(struct hk_mq *m)
{
	if (m->n < 2 || --m->depth > 0)
		return;
	pthread_mutex_lock(&m->mu);
	__atomic_store_n(&m->pause, 0, __ATOMIC_SEQ_CST);
	pthread_cond_broadcast(&m->cv);
	pthread_mutex_unlock(&m->mu);
}

void hk_mq_check(struct hk_mq *m)
{
	if (!__atomic_load_n(&m->pause, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&m->mu);
	__atomic_fetch_add(&m->parked, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&m->pause, __ATOMIC_SEQ_CST))
		pthread_cond_wait(&m->cv, &m->mu);
	__atomic_fetch_sub(&m->parked, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&m->mu);
}

bool hk_mq_handoff(struct hk_mq *m, bool from_tun, const struct virtio_net_hdr *h,
		   const struct hk_endpoint *from, const uint8_t *data, size_t len)
{
	if (__atomic_fetch_add(&m->pending, 1, __ATOMIC_RELAXED) >= HK_MQ_PENDING) {
		__atomic_fetch_sub(&m->pending, 1, __ATOMIC_RELAXED);
		return false;
	}
	struct hk_handoff *o = malloc(sizeof(*o) + len);
	if (!o) {
		__atomic_fetch_sub(&m->pending, 1, __ATOMIC_RELAXED);
		return false;
	}
	memset(o, 0, sizeof(*o));
	o->from_tun = from_tun;
	if (h)
		o->h = *h;
	if (from)
		o->from = *from;
	o->len = len;
	memcpy(o->data, data, len);
	o->next = __atomic_load_n(&m->inbox, __ATOMIC_RELAXED);
	while (!__atomic_compare_exchange_n(&m->inbox, &o->next, o, true, __ATOMIC_RELEASE,
					    __ATOMIC_RELAXED))
		;
	hk_mq_wake(m, 0);
	return true;
}

struct hk_handoff *hk_mq_take(struct hk_mq *m)
{
	struct hk_handoff *h = __atomic_exchange_n(&m->inbox, NULL, __ATOMIC_ACQUIRE), *rev = NULL;
	while (h) { /* pushed newest first: turned around */
		struct hk_handoff *next = h->next;
		__atomic_fetch_sub(&m->pending, 1, __ATOMIC_RELAXED);
		h->next = rev;
		rev = h;
		h = next;
	}
	return rev;
}
