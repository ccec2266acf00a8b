/* SPDX-License-Identifier: MIT */
/*
 * dlopen() of a library only a few commands use, filled into a table of function pointers
 * once per process (image/dl_archive.c, network/dl_nft.c); a missing library or symbol is
 * one error line naming it, class "unsupported".
 */
#ifndef HK_BASE_DL_H
#define HK_BASE_DL_H

#include <pthread.h>

#include "base/err.h"

struct hk_dl {
	pthread_once_t once;
	int code;
	char msg[HK_ERR_MSG_MAX];
};
#define HK_DL_INIT                                                                                 \
	{                                                                                          \
		.once = PTHREAD_ONCE_INIT                                                          \
	}

/* NULL on failure, recorded in dl (what: the feature that needs the library). */
void *hk_dl_open(struct hk_dl *dl, const char *soname, const char *what);
/* NULL on failure (or after an earlier failure), recorded in dl. */
void *hk_dl_sym(struct hk_dl *dl, void *h, const char *soname, const char *name);
/* 0, or the recorded failure in err. */
int hk_dl_result(const struct hk_dl *dl, struct hk_err *err);

/* In a loader: fill tab_->NAME from h_ (the *(void **)& form: ISO C has no cast from void *
 * to a function pointer). Expects dl_, h_, so_ and tab_ in scope. */
#define HK_DL_ONE(n) *(void **)&tab_->n = hk_dl_sym(dl_, h_, so_, #n);

#endif
