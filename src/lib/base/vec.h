/* SPDX-License-Identifier: MIT */
/*
 * Growing arrays: room for one more element in an array of n elements with capacity cap,
 * doubling from `first`. On failure the array is left as it was (still owned by the caller).
 *
 *	if (hk_vec_grow(&l->v, l->n, &l->cap, 16) < 0)
 *		return hk_err_sys(err, -ENOMEM, "route list");
 *	l->v[l->n++] = ri;
 */
#ifndef HK_BASE_VEC_H
#define HK_BASE_VEC_H

#include <errno.h>
#include <stdlib.h>

static inline int hk_vec_grow_(void **v, size_t n, size_t *cap, size_t size, size_t first)
{
	if (n < *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : first;
	if (ncap < *cap || ncap > (size_t)-1 / size)
		return -ENOMEM;
	void *p = realloc(*v, ncap * size);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = ncap;
	return 0;
}

#define hk_vec_grow(pv, n, pcap, first)                                                            \
	hk_vec_grow_((void **)(pv), (n), (pcap), sizeof(**(pv)), (first))

#endif
