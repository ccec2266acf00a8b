// SPDX-License-Identifier: MIT
/*
 * ctlog: --log-opt parsing, the bounded log of a detached container (rotation at the
 * boundaries, lines kept whole, short writes, failed writes, end of file) and its reader
 * (files oldest first, rotations followed). Files in a temporary directory, a pipe as the
 * container's output: no root, no kernel state.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctlog.h"
#include "tap.h"

static char dir[64];

static void path_of(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

/* the contents of dir/name, "-" when there is no such file */
static const char *slurp(const char *name)
{
	static char buf[4][4096];
	static int i;
	char *b = buf[i++ % 4], p[128];
	path_of(p, sizeof(p), name);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return "-";
	ssize_t n = read(fd, b, sizeof(buf[0]) - 1);
	close(fd);
	b[n > 0 ? n : 0] = '\0';
	return b;
}

static void clean(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -f '%s'/log*", dir);
	if (system(cmd) != 0)
		printf("# %s failed\n", cmd);
}

static struct hk_ctlog *open_log(uint64_t max_size, unsigned max_file,
				 ssize_t (*fn)(int, const void *, size_t))
{
	struct hk_ctlog_opts o = { .max_size = max_size, .max_file = max_file, .write_fn = fn };
	struct hk_err err = { 0 };
	struct hk_ctlog *l = NULL;
	char p[128];
	path_of(p, sizeof(p), "log");
	if (hk_ctlog_open(p, &o, &l, &err) < 0)
		printf("# open: %s\n", err.msg);
	return l;
}

/* s through a pipe into the log, one pump */
static ssize_t feed(struct hk_ctlog *l, const char *s)
{
	int pfd[2];
	struct hk_err err = { 0 };
	if (pipe2(pfd, O_NONBLOCK | O_CLOEXEC) < 0)
		return -errno;
	if (write(pfd[1], s, strlen(s)) != (ssize_t)strlen(s))
		return -EIO;
	ssize_t n = hk_ctlog_pump(l, pfd[0], &err);
	close(pfd[0]);
	close(pfd[1]);
	return n;
}

static void test_opts(void)
{
	struct hk_ctlog_opts o;
	struct hk_err err = { 0 };
	hk_ctlog_opts_default(&o);
	TAP_EQ_INT(o.max_size, 10 << 20, "default max-size 10 MiB");
	TAP_EQ_INT(o.max_file, 3, "default max-file 3");
	static const struct {
		const char *in;
		uint64_t size;
	} sizes[] = { { "max-size=10m", 10485760 },
		      { "max-size=1k", 1024 },
		      { "max-size=5", 5 },
		      { "max-size=2G", 2ULL << 30 },
		      { "max-size=3MiB", 3 << 20 },
		      { "max-size=4kb", 4096 },
		      { "max-size=-1", HK_CTLOG_UNLIMITED } };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		hk_ctlog_opts_default(&o);
		int r = hk_ctlog_opt_parse(&o, sizes[i].in, &err);
		TAP_OK(r == 0 && o.max_size == sizes[i].size, "%s: %llu", sizes[i].in,
		       (unsigned long long)o.max_size);
	}
	TAP_OK(hk_ctlog_opt_parse(&o, "max-file=1", &err) == 0 && o.max_file == 1, "max-file=1");
	TAP_OK(hk_ctlog_opt_parse(&o, "max-file=1000", &err) == 0 && o.max_file == 1000,
	       "max-file=1000");
	static const char *const bad[] = { "max-size=0",
					   "max-size=",
					   "max-size=10x",
					   "max-size=m",
					   "max-size= 1",
					   "max-size=-2",
					   "max-size=99999999999999999g",
					   "max-size=1.5m",
					   "max-file=0",
					   "max-file=1001",
					   "max-file=",
					   "max-file=-1",
					   "max-file=3x",
					   "max-file=+3",
					   "mode=non-blocking",
					   "max-size",
					   "" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		hk_err_clear(&err);
		int r = hk_ctlog_opt_parse(&o, bad[i], &err);
		TAP_OK(r == -EINVAL && err.cls == HK_ERR_USAGE && strstr(err.msg, "--log-opt"),
		       "'%s' refused: %s", bad[i], err.msg);
	}
	o = (struct hk_ctlog_opts){ .max_size = HK_CTLOG_UNLIMITED, .max_file = 3 };
	TAP_OK(hk_ctlog_opts_check(&o, &err) < 0 && strstr(err.msg, "needs a max-size"),
	       "max-file=3 without a max-size refused: %s", err.msg);
	o.max_file = 1;
	TAP_EQ_INT(hk_ctlog_opts_check(&o, &err), 0, "max-file=1 unlimited: fine");
}

static void test_rotation(void)
{
	clean();
	struct hk_ctlog *l = open_log(10, 3, NULL);
	if (!l) {
		TAP_OK(0, "open a log");
		return;
	}
	TAP_EQ_INT(feed(l, "aaaa\n"), 5, "pump: 5 bytes");
	TAP_EQ_INT(feed(l, "bbbb\n"), 5, "pump: 5 more");
	TAP_EQ_STR(slurp("log"), "aaaa\nbbbb\n", "exactly max-size: still one file");
	TAP_EQ_STR(slurp("log.1"), "-", "  no log.1");
	feed(l, "c\n");
	TAP_EQ_STR(slurp("log.1"), "aaaa\nbbbb\n", "one byte past: rotated to log.1");
	TAP_EQ_STR(slurp("log"), "c\n", "  the new log has the new line");
	feed(l, "dddddddd\n"); /* 9 bytes, 8 left: the whole line moves on */
	TAP_EQ_STR(slurp("log"), "dddddddd\n", "a line that does not fit: moved whole");
	TAP_EQ_STR(slurp("log.1"), "c\n", "  log.1");
	TAP_EQ_STR(slurp("log.2"), "aaaa\nbbbb\n", "  log.2");
	feed(l, "ab\ncdefgh\n"); /* 10: "ab\n" fits in the 1 byte left? no: nothing fits */
	TAP_EQ_STR(slurp("log"), "ab\ncdefgh\n", "nothing fits: rotated first");
	TAP_EQ_STR(slurp("log.2"), "c\n", "  the oldest (aaaa bbbb) removed, log.2 was log.1");
	TAP_EQ_STR(slurp("log.3"), "-", "  never a log.3 with max-file=3");
	hk_ctlog_close(l);

	/* a cut after the last newline that fits */
	clean();
	l = open_log(10, 3, NULL);
	feed(l, "ab\n");
	feed(l, "cd\nefghijklm\n"); /* 7 fit: "cd\n" does, then a new file */
	TAP_EQ_STR(slurp("log.1"), "ab\ncd\n", "cut after the last newline that fits");
	TAP_EQ_STR(slurp("log"), "efghijklm\n", "  the rest in the new log (exactly 10)");
	/* a line longer than a file: cut at max-size */
	feed(l, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ\n"); /* 37: 10+10+10+10+7 */
	TAP_EQ_STR(slurp("log.2"), "ABCDEFGHIJ", "a line longer than max-size: cut at it");
	TAP_EQ_STR(slurp("log.1"), "KLMNOPQRST", "  again");
	TAP_EQ_STR(slurp("log"), "UVWXYZ\n", "  the rest in the new log");
	feed(l, "x");
	TAP_EQ_STR(slurp("log"), "UVWXYZ\nx", "  appended to");
	TAP_EQ_INT(hk_ctlog_size(l), 8, "  size tracked");
	struct stat st;
	char p[128];
	bool small = true;
	for (int k = 0; k < 3; k++) {
		snprintf(p, sizeof(p), "%s/log%s%.0d", dir, k ? "." : "", k);
		if (stat(p, &st) == 0 && st.st_size > 10)
			small = false;
	}
	TAP_OK(small, "no file over max-size");
	path_of(p, sizeof(p), "log");
	TAP_OK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0640, "log made 0640 (%o)",
	       st.st_mode & 0777);
	hk_ctlog_close(l);

	/* max-file=1: emptied in place */
	clean();
	l = open_log(8, 1, NULL);
	feed(l, "1234567\n");
	feed(l, "abc\n");
	TAP_EQ_STR(slurp("log"), "abc\n", "max-file=1: log emptied, not rotated");
	TAP_EQ_STR(slurp("log.1"), "-", "  no log.1");
	hk_ctlog_close(l);

	/* an existing log over the size: the first write rotates it */
	clean();
	path_of(p, sizeof(p), "log");
	FILE *f = fopen(p, "w");
	fputs("0123456789abcdef\n", f);
	fclose(f);
	l = open_log(10, 2, NULL);
	TAP_EQ_INT(hk_ctlog_size(l), 17, "reopened: appends to the existing log");
	feed(l, "new\n");
	TAP_EQ_STR(slurp("log.1"), "0123456789abcdef\n", "  rotated at the first write");
	TAP_EQ_STR(slurp("log"), "new\n", "  the new data in a new log");
	hk_ctlog_close(l);

	/* unlimited */
	clean();
	l = open_log(HK_CTLOG_UNLIMITED, 1, NULL);
	for (int i = 0; i < 100; i++)
		feed(l, "0123456789\n");
	TAP_EQ_INT(hk_ctlog_size(l), 1100, "max-size=-1: never rotated");
	hk_ctlog_close(l);

	/* refused: a symlink in place of the log */
	clean();
	path_of(p, sizeof(p), "log");
	if (symlink("/etc/passwd", p) == 0) {
		struct hk_ctlog_opts o;
		struct hk_err err = { 0 };
		hk_ctlog_opts_default(&o);
		TAP_EQ_INT(hk_ctlog_open(p, &o, &l, &err), -ELOOP, "a symlink as log: refused");
		unlink(p);
	}
}

static int nshort;
static ssize_t write_short(int fd, const void *buf, size_t len)
{
	if (nshort++ % 4 == 3) {
		errno = EINTR;
		return -1;
	}
	return write(fd, buf, len > 3 ? 3 : len);
}

static bool full;
static ssize_t write_full(int fd, const void *buf, size_t len)
{
	if (full) {
		errno = ENOSPC;
		return -1;
	}
	return write(fd, buf, len);
}

static void test_writes(void)
{
	clean();
	struct hk_ctlog *l = open_log(16, 3, write_short);
	feed(l, "hello, ");
	feed(l, "world\nand more text\n");
	feed(l, "end\n");
	TAP_EQ_STR(slurp("log.2"), "hello, world\n", "short writes and EINTR: nothing lost");
	TAP_EQ_STR(slurp("log.1"), "and more text\n", "  nor reordered");
	TAP_EQ_STR(slurp("log"), "end\n", "  nor cut");
	TAP_OK(nshort > 8, "  (%d write calls)", nshort);
	hk_ctlog_close(l);

	clean();
	l = open_log(100, 2, write_full);
	feed(l, "one\n");
	full = true;
	ssize_t n = feed(l, "lost\n");
	full = false;
	struct hk_err e = { 0 };
	TAP_EQ_INT(n, 5, "a failed write: the data is read (the pipe never fills)");
	TAP_EQ_INT(hk_ctlog_dropped(l, &e), 5, "  and counted as dropped");
	TAP_OK(e.code == -ENOSPC && strstr(e.msg, "write"), "  the error kept: %s", e.msg);
	feed(l, "two\n");
	TAP_EQ_STR(slurp("log"), "one\ntwo\n", "  writing goes on afterwards");
	hk_ctlog_close(l);

	/* pieces of lines across pumps, end of file, nothing there */
	clean();
	l = open_log(100, 2, NULL);
	int pfd[2];
	struct hk_err err = { 0 };
	if (pipe2(pfd, O_NONBLOCK | O_CLOEXEC) < 0)
		return;
	TAP_EQ_INT(hk_ctlog_pump(l, pfd[0], &err), -EAGAIN, "empty pipe: -EAGAIN, no block");
	if (write(pfd[1], "hel", 3) != 3 || hk_ctlog_pump(l, pfd[0], &err) != 3 ||
	    write(pfd[1], "lo\nwor", 6) != 6 || hk_ctlog_pump(l, pfd[0], &err) != 6 ||
	    write(pfd[1], "ld\n", 3) != 3)
		TAP_OK(0, "pipe writes");
	close(pfd[1]);
	TAP_EQ_INT(hk_ctlog_drain(l, pfd[0], &err), 0, "drain to the end");
	TAP_EQ_INT(hk_ctlog_pump(l, pfd[0], &err), 0, "writer gone: 0 (end of file)");
	TAP_EQ_STR(slurp("log"), "hello\nworld\n", "pieces of lines joined in order");
	close(pfd[0]);
	hk_ctlog_close(l);
}

/* everything the reader gives until it says 0 */
static const char *read_all(struct hk_ctlog_reader *r)
{
	static char out[8192];
	size_t n = 0;
	struct hk_err err = { 0 };
	for (;;) {
		ssize_t k = hk_ctlog_reader_read(r, out + n, 5, &err); /* small reads */
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	out[n] = '\0';
	return out;
}

static void test_reader(void)
{
	clean();
	char p[128];
	struct hk_err err = { 0 };
	struct hk_ctlog_reader *r = NULL;
	path_of(p, sizeof(p), "log");
	TAP_EQ_INT(hk_ctlog_reader_open(p, &r, &err), -ENOENT, "reader: no log at all: -ENOENT");

	struct hk_ctlog *l = open_log(10, 3, NULL);
	feed(l, "1111\n");
	feed(l, "2222\n");
	feed(l, "3333\n");
	feed(l, "4444\n");
	feed(l, "5555\n");
	feed(l, "6666\n"); /* log.2: 1 2, log.1: 3 4, log: 5 6 */
	TAP_EQ_INT(hk_ctlog_reader_open(p, &r, &err), 0, "reader opened");
	TAP_EQ_STR(read_all(r), "1111\n2222\n3333\n4444\n5555\n6666\n",
		   "reader: the files oldest first");
	/* follow: more, with rotations, under the open reader */
	feed(l, "7777\n"); /* rotates: log.2 3 4, log.1 5 6, log 7 */
	feed(l, "8888\n");
	TAP_EQ_STR(read_all(r), "7777\n8888\n", "follow: on through a rotation, nothing twice");
	feed(l, "9999\n");
	feed(l, "aaaa\n");
	feed(l, "bbbb\n"); /* two rotations since the last read */
	TAP_EQ_STR(read_all(r), "9999\naaaa\nbbbb\n", "follow: two rotations between reads");
	/* the reader's file (bbbb) rotated out, and the two after it too: the rest of its
	 * own file (still open), then on from the oldest left; what was removed unread
	 * (dddd to gggg) is lost, as with tail -F */
	static const char *const more[] = { "cccc\n", "dddd\n", "eeee\n", "ffff\n",
					    "gggg\n", "hhhh\n", "iiii\n", "jjjj\n",
					    "kkkk\n", "llll\n", "mmmm\n" };
	for (size_t i = 0; i < sizeof(more) / sizeof(more[0]); i++)
		feed(l, more[i]);
	char want[256];
	snprintf(want, sizeof(want), "cccc\n%s%s%s", slurp("log.2"), slurp("log.1"), slurp("log"));
	TAP_EQ_STR(want, "cccc\nhhhh\niiii\njjjj\nkkkk\nllll\nmmmm\n", "  (the files left)");
	TAP_EQ_STR(read_all(r), want,
		   "follow: the reader's file rotated out: on from the oldest left");
	TAP_EQ_STR(read_all(r), "", "nothing new: 0");
	hk_ctlog_reader_close(r);
	hk_ctlog_close(l);

	clean();
	l = open_log(8, 1, NULL);
	feed(l, "abcdef\n");
	TAP_EQ_INT(hk_ctlog_reader_open(p, &r, &err), 0, "max-file=1: reader opened");
	TAP_EQ_STR(read_all(r), "abcdef\n", "  read");
	feed(l, "xyz\n"); /* emptied in place */
	read_all(r);	  /* notices the truncation */
	TAP_EQ_STR(read_all(r), "xyz\n", "  emptied in place: read again from its start");
	hk_ctlog_reader_close(r);
	hk_ctlog_close(l);
	hk_ctlog_reader_close(NULL);
	hk_ctlog_close(NULL);
}

/* s through a pipe into the log as records of stream */
static void feed_stream(struct hk_ctlog *l, const char *s, int stream)
{
	int fd[2];
	struct hk_err err = { 0 };
	if (pipe(fd) < 0)
		return;
	if (write(fd[1], s, strlen(s)) < 0)
		printf("# write: %s\n", strerror(errno));
	close(fd[1]);
	hk_ctlog_drain_stream(l, fd[0], stream, &err);
	close(fd[0]);
}

/* the records of the log's text, as "S F|P DATA;" each */
static const char *records(const char *text)
{
	static char out[4096];
	size_t o = 0;
	out[0] = 0;
	for (const char *p = text; *p && o < sizeof(out) - 64;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		struct hk_ctlog_rec r;
		hk_ctlog_rec_parse(p, n, &r);
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%d %c %.*s;", r.stream,
				      r.partial ? 'P' : 'F', (int)r.len, r.data);
		p += n + (nl ? 1 : 0);
	}
	return out;
}

static void test_records(void)
{
	clean();
	struct hk_ctlog *l = open_log(4096, 1, NULL);
	feed_stream(l, "a\nbc", HK_CTLOG_STDOUT);
	feed_stream(l, "d\n", HK_CTLOG_STDOUT);
	feed_stream(l, "oops\n", HK_CTLOG_STDERR);
	feed_stream(l, "\n", HK_CTLOG_STDOUT);
	TAP_EQ_STR(records(slurp("log")), "1 F a;1 P bc;1 F d;2 F oops;1 F ;",
		   "records: streams apart, a read that ends mid-line is a part (P)");
	const char *t = slurp("log");
	TAP_OK(strlen(t) > 31 && t[4] == '-' && t[10] == 'T' && t[29] == 'Z' && t[30] == ' ',
	       "records: an RFC 3339 time with nanoseconds first");
	struct hk_ctlog_rec r;
	hk_ctlog_rec_parse(t, strcspn(t, "\n"), &r);
	TAP_OK(r.sec > 1600000000 && r.nsec >= 0 && r.nsec < 1000000000,
	       "records: the time parsed");
	hk_ctlog_close(l);
	/* a line longer than a file holds: parts, each file within max_size */
	clean();
	l = open_log(64, 3, NULL);
	char big[200];
	memset(big, 'x', sizeof(big) - 2);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = 0;
	feed_stream(l, big, HK_CTLOG_STDERR);
	TAP_OK(strlen(slurp("log")) <= 64 && strlen(slurp("log.1")) <= 64,
	       "records: a long line cut in parts, no file past max-size");
	TAP_OK(strstr(records(slurp("log")), "2 F x") != NULL, "records: its last part is F");
	hk_ctlog_close(l);
	hk_ctlog_rec_parse("plain old line", 14, &r);
	TAP_OK(r.stream == HK_CTLOG_STDOUT && !r.partial && r.sec == 0 && r.len == 14,
	       "an older log's line: stdout, whole, no time");
	hk_ctlog_rec_parse("2026-12-02T21:04:49.5Z stdsth F x", 33, &r);
	TAP_OK(r.sec == 0 && r.len == 33, "an unknown stream: the line as it is");
}

static char got[1024];
static int collect(void *ud, const struct hk_ctlog_line *l)
{
	(void)ud;
	size_t o = strlen(got);
	snprintf(got + o, sizeof(got) - o, "%d:%lld:%.*s;", l->stream,
		 (long long)(l->ns / 1000000000LL), (int)l->len, l->data);
	return 0;
}

static void lines_of(const char *log, size_t cut, const struct hk_ctlog_lines_opts *o,
		     const char *after)
{
	struct hk_ctlog_lines *ls;
	got[0] = 0;
	if (hk_ctlog_lines_new(o, collect, NULL, &ls) < 0)
		return;
	hk_ctlog_lines_feed(ls, log, cut);
	hk_ctlog_lines_feed(ls, log + cut, strlen(log) - cut);
	hk_ctlog_lines_flush(ls);
	if (after)
		hk_ctlog_lines_feed(ls, after, strlen(after));
	hk_ctlog_lines_finish(ls);
	hk_ctlog_lines_free(ls);
}

static void test_lines(void)
{
	static const char log[] = "2026-12-02T21:04:40.000000000Z stdout F a\n"
				  "2026-12-02T21:04:41.000000000Z stderr P e1\n"
				  "2026-12-02T21:04:42.000000000Z stdout F b\n"
				  "2026-12-02T21:04:43.000000000Z stderr F e2\n"
				  "old plain line\n"
				  "2026-12-02T21:04:45.000000000Z stdout F c";
	struct hk_ctlog_lines_opts o = { .tail = SIZE_MAX };
	lines_of(log, 20, &o, NULL);
	TAP_EQ_STR(got,
		   "1:1796245480:a;1:1796245482:b;2:1796245483:e1e2;1:0:old plain line;"
		   "1:1796245485:c;",
		   "lines: fed cut mid-record; parts joined (the last part's time); an older "
		   "line; a last one without its newline");
	o.since = 1796245482LL * 1000000000LL;
	lines_of(log, sizeof(log) - 1, &o, NULL);
	TAP_EQ_STR(got, "1:1796245482:b;2:1796245483:e1e2;1:0:old plain line;1:1796245485:c;",
		   "lines: --since (a line of unknown time kept)");
	o.since = 0;
	o.until = 1796245482LL * 1000000000LL;
	lines_of(log, sizeof(log) - 1, &o, NULL);
	TAP_EQ_STR(got, "1:1796245480:a;1:1796245482:b;1:0:old plain line;", "lines: --until");
	o.until = 0;
	o.tail = 2;
	lines_of(log, sizeof(log) - 1, &o, "\n2026-12-02T21:04:46.000000000Z stderr F after\n");
	TAP_EQ_STR(got, "2:1796245483:e1e2;1:0:old plain line;1:1796245485:c;2:1796245486:after;",
		   "lines: a tail of 2, then every line fed after the flush");
	o.tail = 0;
	lines_of(log, sizeof(log) - 1, &o, NULL);
	TAP_EQ_STR(got, "1:1796245485:c;", "lines: a tail of 0, then what comes");
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/hako-test-ctlog.XXXXXX");
	if (!mkdtemp(dir)) {
		printf("1..0 # SKIP mkdtemp: %s\n", strerror(errno));
		return 0;
	}
	test_opts();
	test_rotation();
	test_writes();
	test_reader();
	test_records();
	test_lines();
	clean();
	rmdir(dir);
	return tap_done();
}
