/* SPDX-License-Identifier: MIT */
/*
 * glibc's libresolv, loaded with dlopen() by the embedded resolver's message parser
 * (dnsmsg.c) so that every other hako command skips mapping and relocating it. Include this
 * instead of <resolv.h>; the macros keep call sites unchanged.
 */
#ifndef HK_DL_RESOLV_H
#define HK_DL_RESOLV_H

#include <arpa/nameser.h>
#include <resolv.h>

#include "base/err.h"

#define HK_DL_RESOLV_SONAME "libresolv.so.2"

/* every libresolv symbol the callers use: add a new one here and below (dn_skipname and
 * the ns_msg_ and ns_rr_ macros are libc's) */
#define HK_DL_RESOLV_SYMS(X)                                                                       \
	X(ns_initparse)                                                                            \
	X(ns_msg_getflag)                                                                          \
	X(ns_parserr)

struct hk_dl_resolv {
#define HK_DL_FIELD(n) __typeof__(&n) n;
	HK_DL_RESOLV_SYMS(HK_DL_FIELD)
#undef HK_DL_FIELD
};

/* filled once by hk_dl_resolv() (dl_resolv.c) */
extern struct hk_dl_resolv hk_dl_resolv_syms;

/* Load libresolv.so.2 on first use (thread-safe, once per process); 0, or -ENOENT with err
 * set to one line naming the library. Call it before the first libresolv call. */
int hk_dl_resolv(struct hk_err *err);

#ifndef HK_DL_IMPL
#define ns_initparse (hk_dl_resolv_syms.ns_initparse)
#define ns_msg_getflag (hk_dl_resolv_syms.ns_msg_getflag)
#define ns_parserr (hk_dl_resolv_syms.ns_parserr)
#endif

#endif
