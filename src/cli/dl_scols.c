// SPDX-License-Identifier: MIT
/* libsmartcols, loaded on first use by out.c (dl_scols.h, base/dl.h). */
#define HK_DL_IMPL 1
#include "dl_scols.h"

#include "base/dl.h"

HK_DL_LOADER(scols, HK_DL_SCOLS_SONAME, "tables (-j prints JSON without it)", HK_DL_SCOLS_SYMS)
