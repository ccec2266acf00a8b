// SPDX-License-Identifier: MIT
/* libresolv, loaded on first use by dnsmsg.c (dl_resolv.h, base/dl.h). */
#define HK_DL_IMPL 1
#include "dl_resolv.h"

#include "base/dl.h"

struct hk_dl_resolv hk_dl_resolv_syms;
static struct hk_dl resolv_dl = HK_DL_INIT;

static void resolv_load(void)
{
	struct hk_dl *dl_ = &resolv_dl;
	struct hk_dl_resolv *tab_ = &hk_dl_resolv_syms;
	const char *so_ = HK_DL_RESOLV_SONAME;
	void *h_ = hk_dl_open(dl_, so_, "the embedded DNS resolver");
	if (!h_)
		return;
	HK_DL_RESOLV_SYMS(HK_DL_ONE)
}

int hk_dl_resolv(struct hk_err *err)
{
	pthread_once(&resolv_dl.once, resolv_load);
	return hk_dl_result(&resolv_dl, err);
}
