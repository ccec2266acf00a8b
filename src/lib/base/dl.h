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

/* The loader of one library, in its dl_NAME.c: defines struct hk_dl_NAME hk_dl_NAME_syms
 * (declared by dl_NAME.h) and int hk_dl_NAME(struct hk_err *err), which fills it from SONAME
 * with every symbol SYMS lists (SYMS(X): X(fn) ...) on its first call (thread-safe, once per
 * process): 0, or the failure (one line naming SONAME and WHAT, the feature that needs it). */
#define HK_DL_LOADER(NAME, SONAME, WHAT, SYMS)                                                     \
	struct hk_dl_##NAME hk_dl_##NAME##_syms;                                                   \
	static struct hk_dl NAME##_dl = HK_DL_INIT;                                                \
	static void NAME##_load(void)                                                              \
	{                                                                                          \
		struct hk_dl *dl_ = &NAME##_dl;                                                    \
		struct hk_dl_##NAME *tab_ = &hk_dl_##NAME##_syms;                                  \
		const char *so_ = SONAME;                                                          \
		void *h_ = hk_dl_open(dl_, so_, WHAT);                                             \
		if (!h_)                                                                           \
			return;                                                                    \
		SYMS(HK_DL_ONE)                                                                    \
	}                                                                                          \
	int hk_dl_##NAME(struct hk_err *err)                                                       \
	{                                                                                          \
		pthread_once(&NAME##_dl.once, NAME##_load);                                        \
		return hk_dl_result(&NAME##_dl, err);                                              \
	}

#endif
