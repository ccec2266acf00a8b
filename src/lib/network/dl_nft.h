/* SPDX-License-Identifier: MIT */
/*
 * libnftables, loaded with dlopen() by nat.c's door (hk_nat_open) so that commands without
 * NAT skip loading it and its dependencies (libnftnl, libxtables, jansson, gmp). Include
 * this instead of <nftables/libnftables.h>; the macros keep call sites unchanged.
 */
#ifndef HK_DL_NFT_H
#define HK_DL_NFT_H

#include <nftables/libnftables.h>

#include "base/err.h"

#define HK_DL_NFT_SONAME "libnftables.so.1"

/* every symbol the callers use: add a new one here and below */
#define HK_DL_NFT_SYMS(X)                                                                          \
	X(nft_ctx_buffer_error)                                                                    \
	X(nft_ctx_buffer_output)                                                                   \
	X(nft_ctx_free)                                                                            \
	X(nft_ctx_get_error_buffer)                                                                \
	X(nft_ctx_get_output_buffer)                                                               \
	X(nft_ctx_new)                                                                             \
	X(nft_ctx_output_set_flags)                                                                \
	X(nft_run_cmd_from_buffer)

struct hk_dl_nft {
#define HK_DL_FIELD(n) __typeof__(&n) n;
	HK_DL_NFT_SYMS(HK_DL_FIELD)
#undef HK_DL_FIELD
};

/* filled once by hk_dl_nft() (dl_nft.c) */
extern struct hk_dl_nft hk_dl_nft_syms;

/* Load libnftables.so.1 on first use (thread-safe, once per process); 0, or -ENOENT with err set
 * to one line naming the library. Call it in every door before the first libnftables call. */
int hk_dl_nft(struct hk_err *err);

#ifndef HK_DL_IMPL
#define nft_ctx_buffer_error (hk_dl_nft_syms.nft_ctx_buffer_error)
#define nft_ctx_buffer_output (hk_dl_nft_syms.nft_ctx_buffer_output)
#define nft_ctx_free (hk_dl_nft_syms.nft_ctx_free)
#define nft_ctx_get_error_buffer (hk_dl_nft_syms.nft_ctx_get_error_buffer)
#define nft_ctx_get_output_buffer (hk_dl_nft_syms.nft_ctx_get_output_buffer)
#define nft_ctx_new (hk_dl_nft_syms.nft_ctx_new)
#define nft_ctx_output_set_flags (hk_dl_nft_syms.nft_ctx_output_set_flags)
#define nft_run_cmd_from_buffer (hk_dl_nft_syms.nft_run_cmd_from_buffer)
#endif

#endif
