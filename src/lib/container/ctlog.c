// SPDX-License-Identifier: MIT
/* A detached container's log, bounded and rotated (ctlog.h). */
#include "ctlog.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"

#define LOG_MODE 0640
#define PUMP_MAX 65536

void hk_ctlog_opts_default(struct hk_ctlog_opts *o)
{
	*o = (struct hk_ctlog_opts){ .max_size = HK_CTLOG_MAX_SIZE_DEFAULT,
				     .max_file = HK_CTLOG_MAX_FILE_DEFAULT };
}

/* "10", "10k", "10m", "1g", also "10kb", "10MiB" (Docker's RAMInBytes: binary units) */
static int parse_size(const char *v, uint64_t *ret)
{
	if (!strcmp(v, "-1")) {
		*ret = HK_CTLOG_UNLIMITED;
		return 0;
	}
	if (*v < '0' || *v > '9')
		return -EINVAL;
	char *end;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (errno)
		return -EINVAL;
	unsigned shift = 0;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	}
	if (shift && (*end == 'i' || *end == 'I'))
		end++;
	if (*end == 'b' || *end == 'B')
		end++;
	if (*end || n == 0 || n > (UINT64_MAX >> 1) >> shift)
		return -EINVAL;
	*ret = (uint64_t)n << shift;
	return 0;
}

int hk_ctlog_opt_parse(struct hk_ctlog_opts *o, const char *kv, struct hk_err *err)
{
	if (!strncmp(kv, "max-size=", 9)) {
		if (parse_size(kv + 9, &o->max_size) < 0)
			return hk_err_usage(err,
					    "--log-opt '%s': expected a size such as 10m, 512k "
					    "or -1 (unlimited)",
					    kv);
		return 0;
	}
	if (!strncmp(kv, "max-file=", 9)) {
		const char *v = kv + 9;
		char *end;
		errno = 0;
		unsigned long n = strtoul(v, &end, 10);
		if (errno || end == v || *end || *v == '-' || *v == '+' || n < 1 ||
		    n > HK_CTLOG_MAX_FILE_MAX)
			return hk_err_usage(err,
					    "--log-opt '%s': expected a number of files from 1 "
					    "to %u",
					    kv, HK_CTLOG_MAX_FILE_MAX);
		o->max_file = (unsigned)n;
		return 0;
	}
	return hk_err_usage(err, "--log-opt '%s': unknown option (max-size=SIZE, max-file=N)", kv);
}

int hk_ctlog_opts_check(const struct hk_ctlog_opts *o, struct hk_err *err)
{
	if (o->max_file > 1 && o->max_size == HK_CTLOG_UNLIMITED)
		return hk_err_usage(err, "--log-opt max-file=%u needs a max-size", o->max_file);
	if (o->max_size == 0 || o->max_file < 1 || o->max_file > HK_CTLOG_MAX_FILE_MAX)
		return hk_err_usage(err, "--log-opt: max-size must be > 0, max-file 1..%u",
				    HK_CTLOG_MAX_FILE_MAX);
	return 0;
}

/* --- the writer -------------------------------------------------------------------------- */

struct hk_ctlog {
	int dirfd, fd;
	char base[NAME_MAX + 1];
	char path[PATH_MAX];
	uint64_t size, dropped;
	struct hk_err werr; /* the first write or rotation that failed */
	struct hk_ctlog_opts o;
};

/* path -> an O_PATH fd on its directory and its last component */
static int split(const char *path, int *ret_dirfd, char *base, size_t len)
{
	const char *slash = strrchr(path, '/');
	const char *b = slash ? slash + 1 : path;
	if (!*b || !strcmp(b, ".") || !strcmp(b, "..") || strlen(b) + 8 > len)
		return -EINVAL;
	char dir[PATH_MAX];
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else if ((size_t)(slash - path) < sizeof(dir))
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	else
		return -ENAMETOOLONG;
	int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	snprintf(base, len, "%s", b);
	*ret_dirfd = fd;
	return 0;
}

static void numbered(char *buf, size_t len, const char *base, unsigned k)
{
	if (k)
		snprintf(buf, len, "%s.%u", base, k);
	else
		snprintf(buf, len, "%s", base);
}

static int open_log(int dirfd, const char *name, int extra, uint64_t *ret_size)
{
	int fd = openat(dirfd, name,
			O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | extra,
			LOG_MODE);
	if (fd < 0)
		return -errno;
	struct stat st;
	int e = fstat(fd, &st) < 0 ? -errno : S_ISREG(st.st_mode) ? 0 : -EINVAL;
	if (e < 0) {
		close(fd);
		return e;
	}
	*ret_size = (uint64_t)st.st_size;
	return fd;
}

int hk_ctlog_open(const char *path, const struct hk_ctlog_opts *o, struct hk_ctlog **ret,
		  struct hk_err *err)
{
	int r = hk_ctlog_opts_check(o, err);
	if (r < 0)
		return r;
	struct hk_ctlog *l = calloc(1, sizeof(*l));
	if (!l)
		return hk_err_sys(err, -ENOMEM, "log '%s'", path);
	l->o = *o;
	l->fd = l->dirfd = -1;
	snprintf(l->path, sizeof(l->path), "%s", path);
	r = split(path, &l->dirfd, l->base, sizeof(l->base));
	if (r == 0)
		r = l->fd = open_log(l->dirfd, l->base, 0, &l->size);
	if (r < 0) {
		hk_ctlog_close(l);
		return hk_err_sys(err, r, "log '%s'", path);
	}
	*ret = l;
	return 0;
}

/* log.(n-2) -> log.(n-1), ..., log -> log.1, a new log (or, n = 1, log emptied) */
static int rotate(struct hk_ctlog *l)
{
	char from[NAME_MAX + 16], to[NAME_MAX + 16];
	if (l->o.max_file <= 1) {
		if (ftruncate(l->fd, 0) < 0)
			return -errno;
		l->size = 0;
		return 0;
	}
	numbered(to, sizeof(to), l->base, l->o.max_file - 1);
	if (unlinkat(l->dirfd, to, 0) < 0 && errno != ENOENT)
		return -errno;
	for (unsigned k = l->o.max_file - 1; k >= 1; k--) {
		numbered(from, sizeof(from), l->base, k - 1);
		numbered(to, sizeof(to), l->base, k);
		if (renameat(l->dirfd, from, l->dirfd, to) < 0 && (errno != ENOENT || k == 1))
			return -errno;
	}
	uint64_t size;
	int fd = open_log(l->dirfd, l->base, O_EXCL, &size);
	if (fd < 0)
		return fd;
	close(l->fd);
	l->fd = fd;
	l->size = 0;
	return 0;
}

static int write_all(struct hk_ctlog *l, const char *p, size_t n)
{
	while (n) {
		ssize_t k = l->o.write_fn ? l->o.write_fn(l->fd, p, n) : write(l->fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return k < 0 ? -errno : -EIO;
		p += k;
		n -= (size_t)k;
		l->size += (uint64_t)k;
	}
	return 0;
}

/* n bytes at p, rotating so that no file exceeds max_size; lines kept whole when they fit */
static int put(struct hk_ctlog *l, const char *p, size_t n)
{
	while (n) {
		uint64_t room = l->o.max_size > l->size ? l->o.max_size - l->size : 0;
		if (n <= room)
			return write_all(l, p, n);
		const char *nl = room ? memrchr(p, '\n', (size_t)room) : NULL;
		size_t cut = nl ? (size_t)(nl - p) + 1 : l->size == 0 ? (size_t)room : 0;
		int r = cut ? write_all(l, p, cut) : 0;
		if (r == 0)
			r = rotate(l);
		if (r < 0)
			return r;
		p += cut;
		n -= cut;
	}
	return 0;
}

ssize_t hk_ctlog_pump(struct hk_ctlog *l, int fd, struct hk_err *err)
{
	char buf[PUMP_MAX];
	ssize_t n;
	do
		n = read(fd, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return -EAGAIN;
	if (n < 0)
		return hk_err_sys(err, -errno, "log '%s': read", l->path);
	int r = n ? put(l, buf, (size_t)n) : 0;
	if (r < 0) {
		l->dropped += (uint64_t)n; /* at most that much was lost */
		if (!l->werr.code)
			hk_err_sys(&l->werr, r, "log '%s': write", l->path);
	}
	return n;
}

int hk_ctlog_drain(struct hk_ctlog *l, int fd, struct hk_err *err)
{
	for (;;) {
		ssize_t n = hk_ctlog_pump(l, fd, err);
		if (n == 0 || n == -EAGAIN)
			return 0;
		if (n < 0)
			return (int)n;
	}
}

uint64_t hk_ctlog_dropped(const struct hk_ctlog *l, struct hk_err *ret_err)
{
	if (ret_err && l->werr.code)
		*ret_err = l->werr;
	return l->dropped;
}

uint64_t hk_ctlog_size(const struct hk_ctlog *l)
{
	return l->size;
}

void hk_ctlog_close(struct hk_ctlog *l)
{
	if (!l)
		return;
	if (l->fd >= 0)
		close(l->fd);
	if (l->dirfd >= 0)
		close(l->dirfd);
	free(l);
}

/* --- the reader ------------------------------------------------------------------------ */

struct hk_ctlog_reader {
	int dirfd, fd;
	char base[NAME_MAX + 1];
	char path[PATH_MAX];
	dev_t dev; /* of fd */
	ino_t ino;
};

/* Which file is (dev, ino) now: 0 for `log`, k for log.k, -1 if none (rotated out) */
static int locate(const struct hk_ctlog_reader *r, unsigned *ret_oldest)
{
	char name[NAME_MAX + 16];
	int at = -1;
	unsigned oldest = 0;
	for (unsigned k = 0; k <= HK_CTLOG_MAX_FILE_MAX; k++) {
		struct stat st;
		numbered(name, sizeof(name), r->base, k);
		if (fstatat(r->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (k == 0)
				continue; /* `log` may be missing for an instant, mid-rotation */
			break;
		}
		oldest = k;
		if (at < 0 && st.st_dev == r->dev && st.st_ino == r->ino)
			at = (int)k;
	}
	if (ret_oldest)
		*ret_oldest = oldest;
	return at;
}

/* Open file k (0: `log`) instead of the current one. */
static int reopen(struct hk_ctlog_reader *r, unsigned k)
{
	char name[NAME_MAX + 16];
	numbered(name, sizeof(name), r->base, k);
	int fd = openat(r->dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	struct stat st;
	int e = fstat(fd, &st) < 0 ? -errno : S_ISREG(st.st_mode) ? 0 : -EINVAL;
	if (e < 0) {
		close(fd);
		return e;
	}
	if (r->fd >= 0)
		close(r->fd);
	r->fd = fd;
	r->dev = st.st_dev;
	r->ino = st.st_ino;
	return 0;
}

int hk_ctlog_reader_open(const char *path, struct hk_ctlog_reader **ret, struct hk_err *err)
{
	struct hk_ctlog_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return hk_err_sys(err, -ENOMEM, "log '%s'", path);
	r->fd = r->dirfd = -1;
	snprintf(r->path, sizeof(r->path), "%s", path);
	unsigned oldest = 0;
	int e = split(path, &r->dirfd, r->base, sizeof(r->base));
	if (e == 0) {
		locate(r, &oldest); /* matches nothing yet: finds the oldest file */
		e = reopen(r, oldest);
	}
	if (e < 0) {
		hk_ctlog_reader_close(r);
		return hk_err_sys(err, e, "log '%s'", path);
	}
	*ret = r;
	return 0;
}

ssize_t hk_ctlog_reader_read(struct hk_ctlog_reader *r, void *buf, size_t len, struct hk_err *err)
{
	for (;;) {
		ssize_t n = read(r->fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return hk_err_sys(err, -errno, "log '%s': read", r->path);
		if (n > 0)
			return n;
		/* the end of this file: if it is still `log`, of everything for now */
		unsigned oldest;
		int at = locate(r, &oldest);
		if (at == 0) {
			/* max-file=1 empties `log` in place: start again at its beginning */
			struct stat st;
			off_t pos = lseek(r->fd, 0, SEEK_CUR);
			if (fstat(r->fd, &st) == 0 && pos > st.st_size)
				lseek(r->fd, 0, SEEK_SET);
			return 0;
		}
		/* rotated: the writer is done with it, but may have added to it since the read */
		n = read(r->fd, buf, len);
		if (n > 0)
			return n;
		/* then the next newer file; if this one is gone, every file left is newer */
		unsigned next = at > 0 ? (unsigned)at - 1 : oldest;
		int e = reopen(r, next);
		if (e == -ENOENT && next == 0)
			return 0; /* `log` missing for an instant: the next call finds it */
		if (e < 0)
			return hk_err_sys(err, e, "log '%s'", r->path);
	}
}

void hk_ctlog_reader_close(struct hk_ctlog_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	if (r->dirfd >= 0)
		close(r->dirfd);
	free(r);
}
