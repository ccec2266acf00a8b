/* SPDX-License-Identifier: MIT */
/*
 * Tar streams in and out of directories (named hkarchive.h: with -Isrc/lib, "archive.h" would
 * shadow libarchive's <archive.h>). archive.c and archive_write.c are the only files
 * that touch libarchive.
 *
 * Extraction is written for hostile input. libarchive only parses (tar: ustar, pax, GNU;
 * filters: none, xz, zstd, bzip2 - auto-detected; gzip is read by archive_gz.c, which checks
 * each member's CRC32 and length, unlike libarchive); every file is created by hako
 * relative to a directory fd, each parent opened with openat2(RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS), so nothing is written outside the target, whatever the archive's
 * symlinks and hardlinks say:
 *  - absolute names ("/etc/x") and ".." components are refused (not stripped: GNU tar never
 *    writes them, so an archive carrying them is broken or hostile); "./" and "//" are
 *    normalised; the entry "." sets the root's mode and owner;
 *  - symlinks are created as they are (any target: they are only followed inside the
 *    container), but never followed while creating later entries (-ELOOP: "a symlink is in
 *    the way");
 *  - hardlink targets are archive names (same rules) and must exist in the tree;
 *  - character and block devices and FIFOs are created (mknod: needs CAP_MKNOD), as Docker
 *    does; a device loses any setuid/setgid/sticky bit; char 0:0 is refused (overlayfs
 *    reads it as a whiteout). Nothing here opens them; a container's device rules (the
 *    devices cgroup) and user namespace decide what can;
 *  - modes keep setuid/setgid/sticky; owners are the archive's numeric ids when running as
 *    root (names ignored), the caller's otherwise;
 *  - xattrs are kept (user.*, security.*, system.posix_acl_*, trusted.*) except
 *    trusted.overlay.*, which would steer overlayfs;
 *  - limits (documented defaults below) on the bytes of the uncompressed tar stream, the
 *    number of entries, the path length and the compression ratio (a "zip bomb" stops once
 *    it has written HK_ARCHIVE_RATIO_FLOOR bytes at a ratio above max_ratio);
 *  - truncated or corrupted input is an error, never a silently short tree.
 * On failure the target may hold part of the archive: callers extract into a fresh
 * temporary directory and remove it (layerstore.c does).
 */
#ifndef HK_ARCHIVE_H
#define HK_ARCHIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "digest.h"

#define HK_ARCHIVE_MAX_BYTES (64ULL << 30)   /* 64 GiB of uncompressed tar */
#define HK_ARCHIVE_MAX_ENTRIES 10000000ULL   /* 10M entries */
#define HK_ARCHIVE_MAX_RATIO 200	     /* uncompressed / compressed */
#define HK_ARCHIVE_RATIO_FLOOR (64ULL << 20) /* ratio checked beyond 64 MiB out */

enum hk_compress {
	HK_COMPRESS_NONE = 0,
	HK_COMPRESS_GZIP,
	HK_COMPRESS_ZSTD,
	HK_COMPRESS_XZ,
	HK_COMPRESS_BZIP2,
};

const char *hk_compress_name(enum hk_compress c);

/* What to do with OCI whiteouts (".wh.NAME" removes NAME of a lower layer,
 * ".wh..wh..opq" hides everything the lower layers have in that directory). */
enum hk_whiteout_mode {
	HK_WHITEOUT_NONE = 0, /* ordinary files: plain rootfs tarballs (docker export) */
	HK_WHITEOUT_APPLY,    /* apply onto the lower tree already in the target (flattening) */
	HK_WHITEOUT_OVERLAY,  /* store in overlayfs form in an empty per-layer directory:
			       * char device 0/0 for NAME, trusted.overlay.opaque=y on the dir */
};

enum hk_owner_mode {
	HK_OWNER_AUTO = 0, /* keep the archive's numeric owners when euid is 0 */
	HK_OWNER_KEEP,	   /* always (fails without CAP_CHOWN) */
	HK_OWNER_NONE,	   /* never: files belong to the caller */
};

struct hk_extract_opts {
	uint64_t max_bytes;   /* 0: HK_ARCHIVE_MAX_BYTES */
	uint64_t max_entries; /* 0: HK_ARCHIVE_MAX_ENTRIES */
	uint32_t max_ratio;   /* 0: HK_ARCHIVE_MAX_RATIO */
	uint64_t ratio_floor; /* 0: HK_ARCHIVE_RATIO_FLOOR */
	enum hk_whiteout_mode whiteouts;
	enum hk_owner_mode owners;
	bool no_xattrs;
	/* Expected digests, "sha256:..." or NULL: of the bytes as read (an OCI layer blob)
	 * and of the uncompressed tar (a diff_id). A mismatch fails with -EBADMSG after the
	 * whole stream was read. */
	const char *expect_digest;
	const char *expect_diff_id;
	uint64_t expect_size; /* bytes as read, 0: unchecked */
	/* > 0: also append the bytes as read to this fd (a kept copy of the blob, written by
	 * the hashing thread); a write error fails the extraction. With keep_if_compressed,
	 * only when the input turns out gzip or zstd (result.kept says whether it was). */
	int keep_fd;
	bool keep_if_compressed;
	/* Called every few MiB and at the end (in = bytes read, out = uncompressed). */
	void (*progress)(void *userdata, uint64_t in, uint64_t out);
	void *userdata;
};

struct hk_extract_result {
	char digest[HK_DIGEST_MAX];  /* of the bytes as read */
	char diff_id[HK_DIGEST_MAX]; /* of the uncompressed tar stream */
	uint64_t in_bytes;	     /* bytes as read */
	uint64_t tar_bytes;	     /* uncompressed tar bytes */
	uint64_t entries;
	enum hk_compress compress;
	bool kept; /* opts.keep_fd holds the whole input */
};

/* Extract the tar stream on fd (a file or a pipe; read to its end) into the directory
 * dirfd. name names the input in errors ("layer sha256:…", "FILE"). opts may be NULL. */
int hk_archive_extract_fd(int fd, int dirfd, const char *name, const struct hk_extract_opts *opts,
			  struct hk_extract_result *ret, struct hk_err *err);

/* Same with a path ("-" for stdin) and a target directory path (created when missing). */
int hk_archive_extract(const char *file, const char *dir, const struct hk_extract_opts *opts,
		       struct hk_extract_result *ret, struct hk_err *err);

/* ---- pure helpers (unit-tested) ---- */

/* Normalise an archive entry name into out (size len): drop "./" and empty components and a
 * trailing "/"; "" means the root. -EINVAL (err says why) for an absolute name, a ".."
 * component, a component longer than NAME_MAX, or a result longer than PATH_MAX. */
int hk_archive_path_clean(const char *name, char *out, size_t len, struct hk_err *err);

enum hk_whiteout_kind {
	HK_WH_NONE = 0, /* an ordinary name */
	HK_WH_FILE,	/* ".wh.NAME": *ret_target = NAME */
	HK_WH_OPAQUE,	/* ".wh..wh..opq" */
	HK_WH_META,	/* other ".wh..wh." names (aufs metadata): skipped */
	HK_WH_INVALID,	/* ".wh." or ".wh.." / ".wh..": refused */
};

/* Classify the last component base of an entry name. */
enum hk_whiteout_kind hk_whiteout_parse(const char *base, const char **ret_target);

/* ---- writing (archive_write.c) ---- */

struct hk_tar_opts {
	enum hk_compress compress;
	bool xattrs; /* write xattrs (pax SCHILY.xattr), except trusted.overlay.* */
	/* The tree is an overlayfs layer (an upper dir or a stored layer): write char 0/0
	 * devices as ".wh.NAME" and opaque dirs as "DIR/.wh..wh..opq" (OCI form). */
	bool oci_whiteouts;
	/* Compute digests only, write nothing (out_fd ignored). */
	bool digest_only;
};

struct hk_tar_result {
	char digest[HK_DIGEST_MAX];  /* of the bytes written (compressed) */
	char diff_id[HK_DIGEST_MAX]; /* of the uncompressed tar */
	uint64_t size;		     /* bytes written */
	uint64_t tar_bytes;
	uint64_t entries;
};

/* Write the tree under dirfd as a pax tar to out_fd: names relative, without a leading
 * "./"; sorted bytewise per directory so the same tree gives the same bytes (gzip without
 * timestamp); modes, numeric owners (no user/group names), mtimes, symlinks, hardlinks
 * (first name in order is the file); sockets skipped. Never follows symlinks. */
int hk_archive_write_dir(int dirfd, int out_fd, const struct hk_tar_opts *opts,
			 struct hk_tar_result *ret, struct hk_err *err);
/* The same for one entry: name in dirfd (never followed; "." for dirfd itself) written as
 * the top entry as (one name, no "/"), a directory with its tree under it: what
 * `docker cp CT:PATH -` writes. */
int hk_archive_write_entry(int dirfd, const char *name, const char *as, int out_fd,
			   const struct hk_tar_opts *opts, struct hk_tar_result *ret,
			   struct hk_err *err);

#endif
