// SPDX-License-Identifier: MIT
/* libresolv, loaded on first use by dnsmsg.c (dl_resolv.h, base/dl.h). */
#define HK_DL_IMPL 1
#include "dl_resolv.h"

#include "base/dl.h"

HK_DL_LOADER(resolv, HK_DL_RESOLV_SONAME, "the embedded DNS resolver", HK_DL_RESOLV_SYMS)
