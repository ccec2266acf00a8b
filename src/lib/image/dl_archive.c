// SPDX-License-Identifier: MIT
/* libarchive, loaded on first use by the image commands (dl_archive.h, base/dl.h). */
#define HK_DL_IMPL 1
#include "dl_archive.h"

#include "base/dl.h"

HK_DL_LOADER(archive, HK_DL_ARCHIVE_SONAME, "images (tar import and export)", HK_DL_ARCHIVE_SYMS)
