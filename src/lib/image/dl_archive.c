// SPDX-License-Identifier: MIT
/* libarchive, loaded on first use by the image commands (dl_archive.h, base/dl.h). */
#define HK_DL_IMPL 1
#include "dl_archive.h"

#include "base/dl.h"

struct hk_dl_archive hk_dl_archive_syms;
static struct hk_dl archive_dl = HK_DL_INIT;

static void archive_load(void)
{
	struct hk_dl *dl_ = &archive_dl;
	struct hk_dl_archive *tab_ = &hk_dl_archive_syms;
	const char *so_ = HK_DL_ARCHIVE_SONAME;
	void *h_ = hk_dl_open(dl_, so_, "images (tar import and export)");
	if (!h_)
		return;
	HK_DL_ARCHIVE_SYMS(HK_DL_ONE)
}

int hk_dl_archive(struct hk_err *err)
{
	pthread_once(&archive_dl.once, archive_load);
	return hk_dl_result(&archive_dl, err);
}
