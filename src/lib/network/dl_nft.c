// SPDX-License-Identifier: MIT
/* libnftables, loaded on first use by nat.c's door (dl_nft.h, base/dl.h). */
#define HK_DL_IMPL 1
#include "dl_nft.h"

#include "base/dl.h"

struct hk_dl_nft hk_dl_nft_syms;
static struct hk_dl nft_dl = HK_DL_INIT;

static void nft_load(void)
{
	struct hk_dl *dl_ = &nft_dl;
	struct hk_dl_nft *tab_ = &hk_dl_nft_syms;
	const char *so_ = HK_DL_NFT_SONAME;
	void *h_ = hk_dl_open(dl_, so_, "networks with NAT (nftables)");
	if (!h_)
		return;
	HK_DL_NFT_SYMS(HK_DL_ONE)
}

int hk_dl_nft(struct hk_err *err)
{
	pthread_once(&nft_dl.once, nft_load);
	return hk_dl_result(&nft_dl, err);
}
