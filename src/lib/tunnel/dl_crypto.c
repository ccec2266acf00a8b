// SPDX-License-Identifier: MIT
/* libcrypto and libsodium, loaded on first use by crypto.c's door (dl_crypto.h, base/dl.h). */
#define HK_DL_IMPL 1
#include "dl_crypto.h"

#include <errno.h>
#include <stdio.h>

#include "base/dl.h"

struct hk_dl_crypto hk_dl_crypto_syms;
static struct hk_dl crypto_dl = HK_DL_INIT;

static void crypto_load(void)
{
	struct hk_dl *dl_ = &crypto_dl;
	struct hk_dl_crypto *tab_ = &hk_dl_crypto_syms;
	const char *so_ = HK_DL_SSL_SONAME;
	void *h_ = hk_dl_open(dl_, so_, "tunnels (OpenSSL 3 libcrypto)");
	if (!h_)
		return;
	HK_DL_SSL_SYMS(HK_DL_ONE)
	so_ = HK_DL_SODIUM_SONAME;
	h_ = hk_dl_open(dl_, so_, "tunnels (libsodium)");
	if (!h_)
		return;
	HK_DL_SODIUM_SYMS(HK_DL_ONE)
	if (!dl_->code && tab_->sodium_init() < 0) {
		dl_->code = -EIO;
		snprintf(dl_->msg, sizeof(dl_->msg), "%s: sodium_init failed", so_);
	}
}

int hk_dl_crypto(struct hk_err *err)
{
	pthread_once(&crypto_dl.once, crypto_load);
	return hk_dl_result(&crypto_dl, err);
}
