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
#include <time.h>
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
	int err_fd; /* the read side of the container's stderr pipe, owned; -1: none */
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
	l->fd = l->dirfd = l->err_fd = -1;
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
	if (l->err_fd >= 0)
		close(l->err_fd);
	free(l);
}

/* --- records: stdout and stderr kept apart ------------------------------------------------ */

void hk_ctlog_set_err_fd(struct hk_ctlog *l, int fd)
{
	if (l->err_fd >= 0)
		close(l->err_fd);
	l->err_fd = fd;
}

int hk_ctlog_err_fd(const struct hk_ctlog *l)
{
	return l->err_fd;
}

/* One record: "TIME STREAM F|P DATA\n"; a record longer than a file holds is cut in pieces
 * (each a P record but the last), so put() never has to cut one. */
static int put_record(struct hk_ctlog *l, const struct timespec *ts, int stream, bool partial,
		      const char *p, size_t n)
{
	char head[64];
	struct tm tm;
	time_t t = ts->tv_sec;
	gmtime_r(&t, &tm);
	size_t h = strftime(head, sizeof(head), "%Y-%m-%dT%H:%M:%S", &tm);
	h += (size_t)snprintf(head + h, sizeof(head) - h, ".%09ldZ %s ", ts->tv_nsec,
			      stream == HK_CTLOG_STDERR ? "stderr" : "stdout");
	uint64_t most = l->o.max_size == HK_CTLOG_UNLIMITED ? UINT64_MAX : l->o.max_size;
	size_t chunk = most > h + 3 + PUMP_MAX ? PUMP_MAX : (size_t)(most - h - 3);
	if (most < h + 4)
		chunk = 1; /* a max-size smaller than one record: put() cuts it */
	char rec[PUMP_MAX + 96];
	do {
		size_t k = n > chunk ? chunk : n;
		bool last = k == n;
		memcpy(rec, head, h);
		rec[h] = last && !partial ? 'F' : 'P';
		rec[h + 1] = ' ';
		memcpy(rec + h + 2, p, k);
		rec[h + 2 + k] = '\n';
		int r = put(l, rec, h + 3 + k);
		if (r < 0)
			return r;
		p += k;
		n -= k;
	} while (n);
	return 0;
}

ssize_t hk_ctlog_pump_stream(struct hk_ctlog *l, int fd, int stream, struct hk_err *err)
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
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int r = 0;
	for (size_t i = 0; r == 0 && i < (size_t)n;) {
		const char *nl = memchr(buf + i, '\n', (size_t)n - i);
		size_t e = nl ? (size_t)(nl - buf) : (size_t)n;
		r = put_record(l, &ts, stream, !nl, buf + i, e - i);
		i = e + (nl ? 1 : 0);
	}
	if (r < 0) {
		l->dropped += (uint64_t)n;
		if (!l->werr.code)
			hk_err_sys(&l->werr, r, "log '%s': write", l->path);
	}
	return n;
}

int hk_ctlog_drain_stream(struct hk_ctlog *l, int fd, int stream, struct hk_err *err)
{
	for (;;) {
		ssize_t n = hk_ctlog_pump_stream(l, fd, stream, err);
		if (n == 0 || n == -EAGAIN)
			return 0;
		if (n < 0)
			return (int)n;
	}
}

/* "2026-12-02T21:04:49.123456789Z" -> seconds and nanoseconds; the end, or NULL */
static const char *parse_time(const char *s, const char *end, int64_t *sec, long *nsec)
{
	struct tm tm = { 0 };
	char buf[40];
	size_t n = (size_t)(end - s) < sizeof(buf) - 1 ? (size_t)(end - s) : sizeof(buf) - 1;
	memcpy(buf, s, n);
	buf[n] = 0;
	char *e = strptime(buf, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!e)
		return NULL;
	*nsec = 0;
	if (*e == '.') {
		long mul = 100000000;
		for (e++; *e >= '0' && *e <= '9'; e++, mul /= 10)
			*nsec += (*e - '0') * mul;
	}
	if (*e != 'Z')
		return NULL;
	*sec = (int64_t)timegm(&tm);
	return s + (e + 1 - buf);
}

void hk_ctlog_rec_parse(const char *line, size_t len, struct hk_ctlog_rec *ret)
{
	const char *end = line + len, *p;
	*ret = (struct hk_ctlog_rec){ .stream = HK_CTLOG_STDOUT, .data = line, .len = len };
	int64_t sec;
	long nsec;
	if (!(p = parse_time(line, end, &sec, &nsec)) || p >= end || *p != ' ')
		return; /* a log written before records: stdout, whole lines */
	p++;
	int stream;
	if ((size_t)(end - p) >= 7 && !memcmp(p, "stdout ", 7))
		stream = HK_CTLOG_STDOUT;
	else if ((size_t)(end - p) >= 7 && !memcmp(p, "stderr ", 7))
		stream = HK_CTLOG_STDERR;
	else
		return;
	p += 7;
	if (end - p < 2 || (p[0] != 'F' && p[0] != 'P') || p[1] != ' ')
		return;
	*ret = (struct hk_ctlog_rec){ .sec = sec,
				      .nsec = nsec,
				      .stream = stream,
				      .partial = p[0] == 'P',
				      .data = p + 2,
				      .len = (size_t)(end - p - 2) };
}

/* --- lines from records ------------------------------------------------------------------ */

struct hk_ctlog_lines {
	struct hk_ctlog_lines_opts o;
	hk_ctlog_line_fn fn;
	void *ud;
	bool collecting; /* a tail: lines kept in ring until the end of what is there */
	struct kept {
		int stream;
		int64_t ns;
		char *data;
		size_t len;
	} * ring;
	size_t nring, head;
	char *pend[3]; /* a stream's line so far (P records), its last part's time */
	size_t pend_len[3];
	int64_t pend_ns[3];
	char *buf; /* bytes fed, not yet a whole record */
	size_t len;
};

int hk_ctlog_lines_new(const struct hk_ctlog_lines_opts *o, hk_ctlog_line_fn fn, void *ud,
		       struct hk_ctlog_lines **ret)
{
	struct hk_ctlog_lines *ls = calloc(1, sizeof(*ls));
	if (!ls)
		return -ENOMEM;
	ls->o = *o;
	ls->fn = fn;
	ls->ud = ud;
	if (o->tail != SIZE_MAX) {
		ls->collecting = true;
		ls->ring = calloc(o->tail ? o->tail : 1, sizeof(*ls->ring));
		if (!ls->ring) {
			free(ls);
			return -ENOMEM;
		}
	}
	*ret = ls;
	return 0;
}

static int line_out(struct hk_ctlog_lines *ls, int stream, int64_t ns, const char *d, size_t n)
{
	if ((ls->o.since && ns && ns < ls->o.since) || (ls->o.until && ns && ns > ls->o.until))
		return 0;
	if (!ls->collecting) {
		struct hk_ctlog_line l = { stream, ns, d, n };
		return ls->fn(ls->ud, &l);
	}
	if (!ls->o.tail)
		return 0;
	char *copy = malloc(n + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, d, n);
	struct kept k = { stream, ns, copy, n };
	if (ls->nring < ls->o.tail) {
		ls->ring[ls->nring++] = k;
		return 0;
	}
	free(ls->ring[ls->head].data);
	ls->ring[ls->head] = k;
	ls->head = (ls->head + 1) % ls->o.tail;
	return 0;
}

static int record_in(struct hk_ctlog_lines *ls, const char *l, size_t n)
{
	struct hk_ctlog_rec rec;
	hk_ctlog_rec_parse(l, n, &rec);
	int s = rec.stream == HK_CTLOG_STDERR ? 2 : 1;
	int64_t ns = rec.sec * 1000000000LL + rec.nsec;
	if (!rec.partial && !ls->pend[s])
		return line_out(ls, s, ns, rec.data, rec.len);
	ls->pend_ns[s] = ns; /* the line's time: when it was complete */
	char *p = realloc(ls->pend[s], ls->pend_len[s] + rec.len + 1);
	if (!p)
		return -ENOMEM;
	memcpy(p + ls->pend_len[s], rec.data, rec.len);
	ls->pend[s] = p;
	ls->pend_len[s] += rec.len;
	if (rec.partial)
		return 0;
	int r = line_out(ls, s, ls->pend_ns[s], ls->pend[s], ls->pend_len[s]);
	free(ls->pend[s]);
	ls->pend[s] = NULL;
	ls->pend_len[s] = 0;
	return r;
}

int hk_ctlog_lines_feed(struct hk_ctlog_lines *ls, const void *b, size_t k)
{
	char *nb = realloc(ls->buf, ls->len + k);
	if (!nb)
		return -ENOMEM;
	ls->buf = nb;
	memcpy(ls->buf + ls->len, b, k);
	ls->len += k;
	size_t i = 0;
	int r = 0;
	for (char *nl; r == 0 && (nl = memchr(ls->buf + i, '\n', ls->len - i));) {
		r = record_in(ls, ls->buf + i, (size_t)(nl - ls->buf) - i);
		i = (size_t)(nl - ls->buf) + 1;
	}
	memmove(ls->buf, ls->buf + i, ls->len - i);
	ls->len -= i;
	return r;
}

int hk_ctlog_lines_flush(struct hk_ctlog_lines *ls)
{
	int r = 0;
	for (size_t i = 0; i < ls->nring; i++) {
		struct kept *k = &ls->ring[(ls->head + i) % ls->nring];
		struct hk_ctlog_line l = { k->stream, k->ns, k->data, k->len };
		if (r == 0)
			r = ls->fn(ls->ud, &l);
		free(k->data);
	}
	ls->nring = ls->head = 0;
	ls->collecting = false;
	return r;
}

int hk_ctlog_lines_finish(struct hk_ctlog_lines *ls)
{
	int r = hk_ctlog_lines_flush(ls);
	if (r == 0 && ls->len) {
		r = record_in(ls, ls->buf, ls->len);
		ls->len = 0;
	}
	for (int s = 1; r == 0 && s < 3; s++)
		if (ls->pend[s]) {
			r = line_out(ls, s, ls->pend_ns[s], ls->pend[s], ls->pend_len[s]);
			free(ls->pend[s]);
			ls->pend[s] = NULL;
			ls->pend_len[s] = 0;
		}
	return r;
}

void hk_ctlog_lines_free(struct hk_ctlog_lines *ls)
{
	if (!ls)
		return;
	for (size_t i = 0; i < ls->nring; i++)
		free(ls->ring[i].data);
	free(ls->ring);
	for (int s = 0; s < 3; s++)
		free(ls->pend[s]);
	free(ls->buf);
	free(ls);
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
