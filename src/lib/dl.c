// SPDX-License-Identifier: MIT
/*
 * dlopen() of the libraries only a few commands use (dl_archive.h, dl_nft.h). Each table is
 * filled once per process; a missing library or symbol is one error line naming it.
 */
#define HK_DL_IMPL 1
#include "dl_archive.h"
#include "dl_nft.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

struct hk_dl_archive hk_dl_archive_syms;
struct hk_dl_nft hk_dl_nft_syms;

struct dl_state {
	pthread_once_t once;
	int code;
	char msg[HK_ERR_MSG_MAX];
};

static void *dl_open(struct dl_state *st, const char *soname, const char *what)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();
		st->code = -ENOENT;
		snprintf(st->msg, sizeof(st->msg), "%s is needed for %s and cannot be loaded: %s",
			 soname, what, e ? e : "not found");
	}
	return h;
}

static void *dl_sym(struct dl_state *st, void *h, const char *soname, const char *name)
{
	void *p = st->code ? NULL : dlsym(h, name);
	if (!p && !st->code) {
		st->code = -ENOENT;
		snprintf(st->msg, sizeof(st->msg), "%s: symbol '%s' missing (wrong version?)", soname,
			 name);
	}
	return p;
}

static int dl_result(const struct dl_state *st, struct hk_err *err)
{
	if (!st->code)
		return 0;
	hk_err_set(err, st->code, "%s", st->msg);
	hk_err_class_set(err, HK_ERR_UNSUPPORTED);
	return st->code;
}

/* the *(void **)& form: ISO C has no cast from void * to a function pointer */
#define HK_DL_ONE(n) *(void **)&tab_->n = dl_sym(st_, h_, so_, #n);

static struct dl_state archive_st = { .once = PTHREAD_ONCE_INIT };
static struct dl_state nft_st = { .once = PTHREAD_ONCE_INIT };

static void archive_load(void)
{
	struct dl_state *st_ = &archive_st;
	struct hk_dl_archive *tab_ = &hk_dl_archive_syms;
	const char *so_ = HK_DL_ARCHIVE_SONAME;
	void *h_ = dl_open(st_, so_, "images (tar import and export)");
	if (!h_)
		return;
	HK_DL_ARCHIVE_SYMS(HK_DL_ONE)
}

static void nft_load(void)
{
	struct dl_state *st_ = &nft_st;
	struct hk_dl_nft *tab_ = &hk_dl_nft_syms;
	const char *so_ = HK_DL_NFT_SONAME;
	void *h_ = dl_open(st_, so_, "networks with NAT (nftables)");
	if (!h_)
		return;
	HK_DL_NFT_SYMS(HK_DL_ONE)
}

int hk_dl_archive(struct hk_err *err)
{
	pthread_once(&archive_st.once, archive_load);
	return dl_result(&archive_st, err);
}

int hk_dl_nft(struct hk_err *err)
{
	pthread_once(&nft_st.once, nft_load);
	return dl_result(&nft_st, err);
}
