/* SPDX-License-Identifier: MIT */
/*
 * libarchive, loaded with dlopen() by the image code's doors (archive.c, archive_write.c) so
 * that every other hako command skips loading it and its dependency chain (libxml2, ICU,
 * libstdc++, nettle, zstd, lz4, bz2, acl: most of the dynamic loader's work at start-up).
 * Include this instead of <archive.h>: the macros below turn each call into a call through
 * the table, so call sites read as plain libarchive.
 */
#ifndef HK_DL_ARCHIVE_H
#define HK_DL_ARCHIVE_H

#include <archive.h>
#include <archive_entry.h>

#include "base/err.h"

#define HK_DL_ARCHIVE_SONAME "libarchive.so.13"

/* every symbol the callers use: add a new one here and below */
#define HK_DL_ARCHIVE_SYMS(X)                                                                      \
	X(archive_entry_atime)                                                                     \
	X(archive_entry_atime_is_set)                                                              \
	X(archive_entry_atime_nsec)                                                                \
	X(archive_entry_clear)                                                                     \
	X(archive_entry_filetype)                                                                  \
	X(archive_entry_free)                                                                      \
	X(archive_entry_gid)                                                                       \
	X(archive_entry_hardlink)                                                                  \
	X(archive_entry_mtime)                                                                     \
	X(archive_entry_mtime_nsec)                                                                \
	X(archive_entry_new)                                                                       \
	X(archive_entry_pathname)                                                                  \
	X(archive_entry_perm)                                                                      \
	X(archive_entry_rdev)                                                                      \
	X(archive_entry_rdevmajor)                                                                 \
	X(archive_entry_rdevminor)                                                                 \
	X(archive_entry_set_filetype)                                                              \
	X(archive_entry_set_gid)                                                                   \
	X(archive_entry_set_hardlink)                                                              \
	X(archive_entry_set_mode)                                                                  \
	X(archive_entry_set_mtime)                                                                 \
	X(archive_entry_set_pathname)                                                              \
	X(archive_entry_set_rdev)                                                                  \
	X(archive_entry_set_size)                                                                  \
	X(archive_entry_set_symlink)                                                               \
	X(archive_entry_set_uid)                                                                   \
	X(archive_entry_size)                                                                      \
	X(archive_entry_size_is_set)                                                               \
	X(archive_entry_symlink)                                                                   \
	X(archive_entry_uid)                                                                       \
	X(archive_entry_xattr_add_entry)                                                           \
	X(archive_entry_xattr_next)                                                                \
	X(archive_entry_xattr_reset)                                                               \
	X(archive_errno)                                                                           \
	X(archive_error_string)                                                                    \
	X(archive_filter_code)                                                                     \
	X(archive_read_data_block)                                                                 \
	X(archive_read_free)                                                                       \
	X(archive_read_new)                                                                        \
	X(archive_read_next_header)                                                                \
	X(archive_read_open)                                                                       \
	X(archive_read_support_filter_bzip2)                                                       \
	X(archive_read_support_filter_xz)                                                          \
	X(archive_read_support_filter_zstd)                                                        \
	X(archive_read_support_format_raw)                                                         \
	X(archive_read_support_format_tar)                                                         \
	X(archive_set_error)                                                                       \
	X(archive_write_add_filter_bzip2)                                                          \
	X(archive_write_add_filter_gzip)                                                           \
	X(archive_write_add_filter_xz)                                                             \
	X(archive_write_add_filter_zstd)                                                           \
	X(archive_write_close)                                                                     \
	X(archive_write_data)                                                                      \
	X(archive_write_free)                                                                      \
	X(archive_write_header)                                                                    \
	X(archive_write_new)                                                                       \
	X(archive_write_open)                                                                      \
	X(archive_write_set_bytes_in_last_block)                                                   \
	X(archive_write_set_filter_option)                                                         \
	X(archive_write_set_format_pax_restricted)                                                 \
	X(archive_write_set_format_raw)

struct hk_dl_archive {
#define HK_DL_FIELD(n) __typeof__(&n) n;
	HK_DL_ARCHIVE_SYMS(HK_DL_FIELD)
#undef HK_DL_FIELD
};

/* filled once by hk_dl_archive() (dl_archive.c) */
extern struct hk_dl_archive hk_dl_archive_syms;

/* Load libarchive.so.13 on first use (thread-safe, once per process); 0, or -ENOENT with err set
 * to one line naming the library. Call it in every door before the first libarchive call. */
int hk_dl_archive(struct hk_err *err);

#ifndef HK_DL_IMPL
#define archive_entry_atime (hk_dl_archive_syms.archive_entry_atime)
#define archive_entry_atime_is_set (hk_dl_archive_syms.archive_entry_atime_is_set)
#define archive_entry_atime_nsec (hk_dl_archive_syms.archive_entry_atime_nsec)
#define archive_entry_clear (hk_dl_archive_syms.archive_entry_clear)
#define archive_entry_filetype (hk_dl_archive_syms.archive_entry_filetype)
#define archive_entry_free (hk_dl_archive_syms.archive_entry_free)
#define archive_entry_gid (hk_dl_archive_syms.archive_entry_gid)
#define archive_entry_hardlink (hk_dl_archive_syms.archive_entry_hardlink)
#define archive_entry_mtime (hk_dl_archive_syms.archive_entry_mtime)
#define archive_entry_mtime_nsec (hk_dl_archive_syms.archive_entry_mtime_nsec)
#define archive_entry_new (hk_dl_archive_syms.archive_entry_new)
#define archive_entry_pathname (hk_dl_archive_syms.archive_entry_pathname)
#define archive_entry_perm (hk_dl_archive_syms.archive_entry_perm)
#define archive_entry_rdev (hk_dl_archive_syms.archive_entry_rdev)
#define archive_entry_rdevmajor (hk_dl_archive_syms.archive_entry_rdevmajor)
#define archive_entry_rdevminor (hk_dl_archive_syms.archive_entry_rdevminor)
#define archive_entry_set_filetype (hk_dl_archive_syms.archive_entry_set_filetype)
#define archive_entry_set_gid (hk_dl_archive_syms.archive_entry_set_gid)
#define archive_entry_set_hardlink (hk_dl_archive_syms.archive_entry_set_hardlink)
#define archive_entry_set_mode (hk_dl_archive_syms.archive_entry_set_mode)
#define archive_entry_set_mtime (hk_dl_archive_syms.archive_entry_set_mtime)
#define archive_entry_set_pathname (hk_dl_archive_syms.archive_entry_set_pathname)
#define archive_entry_set_rdev (hk_dl_archive_syms.archive_entry_set_rdev)
#define archive_entry_set_size (hk_dl_archive_syms.archive_entry_set_size)
#define archive_entry_set_symlink (hk_dl_archive_syms.archive_entry_set_symlink)
#define archive_entry_set_uid (hk_dl_archive_syms.archive_entry_set_uid)
#define archive_entry_size (hk_dl_archive_syms.archive_entry_size)
#define archive_entry_size_is_set (hk_dl_archive_syms.archive_entry_size_is_set)
#define archive_entry_symlink (hk_dl_archive_syms.archive_entry_symlink)
#define archive_entry_uid (hk_dl_archive_syms.archive_entry_uid)
#define archive_entry_xattr_add_entry (hk_dl_archive_syms.archive_entry_xattr_add_entry)
#define archive_entry_xattr_next (hk_dl_archive_syms.archive_entry_xattr_next)
#define archive_entry_xattr_reset (hk_dl_archive_syms.archive_entry_xattr_reset)
#define archive_errno (hk_dl_archive_syms.archive_errno)
#define archive_error_string (hk_dl_archive_syms.archive_error_string)
#define archive_filter_code (hk_dl_archive_syms.archive_filter_code)
#define archive_read_data_block (hk_dl_archive_syms.archive_read_data_block)
#define archive_read_free (hk_dl_archive_syms.archive_read_free)
#define archive_read_new (hk_dl_archive_syms.archive_read_new)
#define archive_read_next_header (hk_dl_archive_syms.archive_read_next_header)
#define archive_read_open (hk_dl_archive_syms.archive_read_open)
#define archive_read_support_filter_bzip2 (hk_dl_archive_syms.archive_read_support_filter_bzip2)
#define archive_read_support_filter_xz (hk_dl_archive_syms.archive_read_support_filter_xz)
#define archive_read_support_filter_zstd (hk_dl_archive_syms.archive_read_support_filter_zstd)
#define archive_read_support_format_raw (hk_dl_archive_syms.archive_read_support_format_raw)
#define archive_read_support_format_tar (hk_dl_archive_syms.archive_read_support_format_tar)
#define archive_set_error (hk_dl_archive_syms.archive_set_error)
#define archive_write_add_filter_bzip2 (hk_dl_archive_syms.archive_write_add_filter_bzip2)
#define archive_write_add_filter_gzip (hk_dl_archive_syms.archive_write_add_filter_gzip)
#define archive_write_add_filter_xz (hk_dl_archive_syms.archive_write_add_filter_xz)
#define archive_write_add_filter_zstd (hk_dl_archive_syms.archive_write_add_filter_zstd)
#define archive_write_close (hk_dl_archive_syms.archive_write_close)
#define archive_write_data (hk_dl_archive_syms.archive_write_data)
#define archive_write_free (hk_dl_archive_syms.archive_write_free)
#define archive_write_header (hk_dl_archive_syms.archive_write_header)
#define archive_write_new (hk_dl_archive_syms.archive_write_new)
#define archive_write_open (hk_dl_archive_syms.archive_write_open)
#define archive_write_set_bytes_in_last_block                                                      \
	(hk_dl_archive_syms.archive_write_set_bytes_in_last_block)
#define archive_write_set_filter_option (hk_dl_archive_syms.archive_write_set_filter_option)
#define archive_write_set_format_pax_restricted                                                    \
	(hk_dl_archive_syms.archive_write_set_format_pax_restricted)
#define archive_write_set_format_raw (hk_dl_archive_syms.archive_write_set_format_raw)
#endif

#endif
