// SPDX-License-Identifier: MIT
/* libnftables, loaded on first use by nat.c's door (dl_nft.h, base/dl.h). */
#define HK_DL_IMPL 1
#include "dl_nft.h"

#include "base/dl.h"

HK_DL_LOADER(nft, HK_DL_NFT_SONAME, "networks with NAT (nftables)", HK_DL_NFT_SYMS)
