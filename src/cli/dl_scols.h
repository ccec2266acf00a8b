/* SPDX-License-Identifier: MIT */
/*
 * libsmartcols, loaded with dlopen() by out.c's table printer (the only user) so that
 * commands that print no table (hako-runtime, hako-cni, -j, most of a container's
 * lifecycle) skip mapping and relocating it. Include this instead of <libsmartcols.h>; the
 * macros keep call sites unchanged.
 */
#ifndef HK_DL_SCOLS_H
#define HK_DL_SCOLS_H

#include <libsmartcols.h>

#include "base/err.h"

#define HK_DL_SCOLS_SONAME "libsmartcols.so.1"

/* every symbol out.c uses: add a new one here and below */
#define HK_DL_SCOLS_SYMS(X)                                                                        \
	X(scols_line_refer_data)                                                                   \
	X(scols_line_set_data)                                                                     \
	X(scols_new_table)                                                                         \
	X(scols_print_table)                                                                       \
	X(scols_table_enable_noencoding)                                                           \
	X(scols_table_enable_noheadings)                                                           \
	X(scols_table_enable_raw)                                                                  \
	X(scols_table_new_column)                                                                  \
	X(scols_table_new_line)                                                                    \
	X(scols_table_set_column_separator)                                                        \
	X(scols_unref_table)

struct hk_dl_scols {
#define HK_DL_FIELD(n) __typeof__(&n) n;
	HK_DL_SCOLS_SYMS(HK_DL_FIELD)
#undef HK_DL_FIELD
};

/* filled once by hk_dl_scols() (dl_scols.c) */
extern struct hk_dl_scols hk_dl_scols_syms;

/* Load libsmartcols.so.1 on first use (once per process); 0, or -ENOENT with err set to one
 * line naming the library. Call it before the first libsmartcols call. */
int hk_dl_scols(struct hk_err *err);

#ifndef HK_DL_IMPL
#define scols_line_refer_data (hk_dl_scols_syms.scols_line_refer_data)
#define scols_line_set_data (hk_dl_scols_syms.scols_line_set_data)
#define scols_new_table (hk_dl_scols_syms.scols_new_table)
#define scols_print_table (hk_dl_scols_syms.scols_print_table)
#define scols_table_enable_noencoding (hk_dl_scols_syms.scols_table_enable_noencoding)
#define scols_table_enable_noheadings (hk_dl_scols_syms.scols_table_enable_noheadings)
#define scols_table_enable_raw (hk_dl_scols_syms.scols_table_enable_raw)
#define scols_table_new_column (hk_dl_scols_syms.scols_table_new_column)
#define scols_table_new_line (hk_dl_scols_syms.scols_table_new_line)
#define scols_table_set_column_separator (hk_dl_scols_syms.scols_table_set_column_separator)
#define scols_unref_table (hk_dl_scols_syms.scols_unref_table)
#endif

#endif
