/* SPDX-License-Identifier: MIT */
/*
 * A detached container's log: what its processes write to stdout and stderr, read from a
 * pipe by the `run -d` monitor and kept in RUN/<id>/log, bounded as Docker's json-file
 * driver bounds it with --log-opt max-size/max-file (the bytes as written, not JSON lines).
 * Docker's default is unbounded; RUN is usually a small tmpfs, so hako's default is
 * max-size=10m, max-file=3: at most log, log.1 and log.2, 10 MiB each.
 *
 *   rotation  before a write would take `log` past max_size: log.(max_file-2) is renamed
 *             log.(max_file-1) (the oldest, log.(max_file-1), removed first), ..., log to
 *             log.1, and a new `log` is started. A file never exceeds max_size. When the
 *             data has a newline in what still fits, the cut is made after it, so lines
 *             stay whole; a line longer than what is left moves whole to the new file, and
 *             a line longer than max_size is cut. max_file=1: `log` is emptied instead.
 *   pumping   event-driven, for the monitor's wait loop: hk_ctlog_pump() when the pipe is
 *             readable (it is non-blocking: one read of at most 64 KiB per call), until it
 *             returns 0 (every writer closed it). A failed write or rotation (ENOSPC, ...)
 *             drops that data, counted by hk_ctlog_dropped(); pumping goes on, so the
 *             container never blocks on a full pipe because the disk is full.
 *   reading   hk_ctlog_reader_*: the files oldest first (log.N ... log.1, log), and, for
 *             `hako logs -f`, on through rotations (tail -F): when `log` is renamed under
 *             the reader, it finishes the old file, then reads what came after it.
 *
 *   records   what the monitor pumps from the container (hk_ctlog_pump_stream) is kept as
 *             the CRI logging format's lines (kubelet's, docs/parts/container.md):
 *             "2026-12-02T21:04:49.123456789Z stdout F DATA\n", the time the monitor read
 *             it (UTC, ns), the stream (stdout, stderr), F for a whole line or P for a part
 *             (a read that ended mid-line; the line goes on in the next records of that
 *             stream), then the bytes without the newline. So stdout and stderr stay apart
 *             and each line has its time (logs -t, --since, --tail). A line not in that
 *             form (a log written by an older hako) reads as stdout, whole.
 *
 * Paths are used only under the directory fd taken at open (renameat/unlinkat/openat
 * with O_NOFOLLOW); files are made 0640, O_CLOEXEC.
 */
#ifndef HK_CTLOG_H
#define HK_CTLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"

#define HK_CTLOG_MAX_SIZE_DEFAULT (10ULL << 20)
#define HK_CTLOG_MAX_FILE_DEFAULT 3U
#define HK_CTLOG_MAX_FILE_MAX 1000U
#define HK_CTLOG_UNLIMITED UINT64_MAX

struct hk_ctlog_opts {
	uint64_t max_size; /* bytes per file; HK_CTLOG_UNLIMITED: never rotated */
	unsigned max_file; /* files kept, `log` included: 1..HK_CTLOG_MAX_FILE_MAX */
	/* write(2) unless set: tests give one that writes short */
	ssize_t (*write_fn)(int fd, const void *buf, size_t len);
};

/* max_size 10 MiB, max_file 3. */
void hk_ctlog_opts_default(struct hk_ctlog_opts *o);

/* One --log-opt value, as Docker's json-file: "max-size=SIZE" (a number with an optional
 * unit k, m or g, binary, as Docker: 10m = 10485760; "-1": unlimited) or "max-file=N"
 * (1..1000). Anything else is a usage error naming the option. After every option:
 * hk_ctlog_opts_check. */
int hk_ctlog_opt_parse(struct hk_ctlog_opts *o, const char *kv, struct hk_err *err);
/* max-file > 1 needs a max-size (as Docker): a usage error otherwise. */
int hk_ctlog_opts_check(const struct hk_ctlog_opts *o, struct hk_err *err);

struct hk_ctlog;
/* Open (create, append to) path for writing, rotated by o. */
int hk_ctlog_open(const char *path, const struct hk_ctlog_opts *o, struct hk_ctlog **ret,
		  struct hk_err *err);
/* fd readable (O_NONBLOCK): one read, written out. > 0: bytes read (written, or dropped:
 * hk_ctlog_dropped); 0: end of file (every writer closed the pipe); -EAGAIN: nothing
 * there; other < 0: reading failed. */
ssize_t hk_ctlog_pump(struct hk_ctlog *l, int fd, struct hk_err *err);
/* Pump until end of file or nothing is there (-EAGAIN: never blocks): after the
 * container's init is gone, what is left in the pipe. 0, or < 0 if reading failed. */
int hk_ctlog_drain(struct hk_ctlog *l, int fd, struct hk_err *err);
/* Bytes dropped because a write or rotation failed; the first such error in *ret_err
 * (when not NULL and there was one). */
uint64_t hk_ctlog_dropped(const struct hk_ctlog *l, struct hk_err *ret_err);
/* Bytes in the current `log` (tests). */
uint64_t hk_ctlog_size(const struct hk_ctlog *l);
void hk_ctlog_close(struct hk_ctlog *l);

enum { HK_CTLOG_STDOUT = 1, HK_CTLOG_STDERR = 2 };
/* As hk_ctlog_pump / hk_ctlog_drain, but what is read becomes records of stream (above). */
ssize_t hk_ctlog_pump_stream(struct hk_ctlog *l, int fd, int stream, struct hk_err *err);
int hk_ctlog_drain_stream(struct hk_ctlog *l, int fd, int stream, struct hk_err *err);
/* The read side of the container's stderr pipe, kept (and closed) with the log; -1: none
 * (stderr shares the stdout pipe). */
void hk_ctlog_set_err_fd(struct hk_ctlog *l, int fd);
int hk_ctlog_err_fd(const struct hk_ctlog *l);

/* One record of the log, parsed (data points into the line given). */
struct hk_ctlog_rec {
	int64_t sec; /* unix time; 0: unknown (an older log's line) */
	long nsec;
	int stream; /* HK_CTLOG_STDOUT or HK_CTLOG_STDERR */
	bool partial;
	const char *data;
	size_t len;
};
/* Parse one line of the log (without its newline). */
void hk_ctlog_rec_parse(const char *line, size_t len, struct hk_ctlog_rec *ret);

/*
 * The container's lines from the log's bytes (hako logs): records joined into whole lines
 * per stream (a line takes the time of its last part), kept when read in [since, until],
 * and with a tail only the last `tail` of them (both streams counted together, as Docker):
 *
 *   hk_ctlog_lines_new(&o, fn, ud, &ls);
 *   while ((n = hk_ctlog_reader_read(r, buf, ...)) > 0) hk_ctlog_lines_feed(ls, buf, n);
 *   hk_ctlog_lines_flush(ls);   at the end of what is there: the tail's lines go to fn;
 *                               from then on every line goes to fn as it is fed (-f)
 *   hk_ctlog_lines_finish(ls);  at the very end: a last line without its newline
 *
 * fn's return value, when negative, stops and is returned.
 */
struct hk_ctlog_line {
	int stream;
	int64_t ns; /* unix time in nanoseconds; 0 unknown (an older log's line) */
	const char *data;
	size_t len; /* without the newline */
};
typedef int (*hk_ctlog_line_fn)(void *ud, const struct hk_ctlog_line *line);
struct hk_ctlog_lines_opts {
	int64_t since, until; /* ns; 0: no bound */
	size_t tail;	      /* SIZE_MAX: every line */
};
struct hk_ctlog_lines;
int hk_ctlog_lines_new(const struct hk_ctlog_lines_opts *o, hk_ctlog_line_fn fn, void *ud,
		       struct hk_ctlog_lines **ret);
int hk_ctlog_lines_feed(struct hk_ctlog_lines *ls, const void *buf, size_t n);
int hk_ctlog_lines_flush(struct hk_ctlog_lines *ls);
int hk_ctlog_lines_finish(struct hk_ctlog_lines *ls);
void hk_ctlog_lines_free(struct hk_ctlog_lines *ls);

struct hk_ctlog_reader;
/* The log at path (and its rotated files): -ENOENT when there is none at all. */
int hk_ctlog_reader_open(const char *path, struct hk_ctlog_reader **ret, struct hk_err *err);
/* Up to len bytes, in order: > 0 bytes; 0: nothing more for now (end of `log`; with
 * follow, call again later: rotations are followed). */
ssize_t hk_ctlog_reader_read(struct hk_ctlog_reader *r, void *buf, size_t len, struct hk_err *err);
void hk_ctlog_reader_close(struct hk_ctlog_reader *r);

#endif
