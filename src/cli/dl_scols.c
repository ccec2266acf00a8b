// SPDX-License-Identifier: MIT
/* libsmartcols, loaded on first use by out.c (dl_scols.h, base/dl.h). */
#define HK_DL_IMPL 1
#include "dl_scols.h"

#include "base/dl.h"

struct hk_dl_scols hk_dl_scols_syms;
static struct hk_dl scols_dl = HK_DL_INIT;

static void scols_load(void)
{
	struct hk_dl *dl_ = &scols_dl;
	struct hk_dl_scols *tab_ = &hk_dl_scols_syms;
	const char *so_ = HK_DL_SCOLS_SONAME;
	void *h_ = hk_dl_open(dl_, so_, "tables (-j prints JSON without it)");
	if (!h_)
		return;
	HK_DL_SCOLS_SYMS(HK_DL_ONE)
}

int hk_dl_scols(struct hk_err *err)
{
	pthread_once(&scols_dl.once, scols_load);
	return hk_dl_result(&scols_dl, err);
}
