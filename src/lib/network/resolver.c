// SPDX-License-Identifier: MIT
/* The embedded DNS resolver of a container: see resolver.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/nsswitch.h"
#include "base/parse.h"
#include "base/proc.h"
#include "dl_resolv.h"
#include "dnsmsg.h"
#include "resolver.h"

#define FWD_MAX 64
#define UPSTREAM_MAX 4
#define FWD_TIMEOUT_MS 2000
#define TTL 600
#define BUF 4096
/* what a container can make its resolver (root, on the host's side) hold: its hosts file is
 * writable inside it */
#define NAMES_MAX 8192
#define TCP_CHILDREN_MAX 16

static void file_of(const struct hk_paths *p, const char *id, const char *name, char *buf,
		    size_t len)
{
	hk_ct_rundir(p, id, buf, len);
	size_t o = strlen(buf);
	snprintf(buf + o, len - o, "/%s", name);
}

static bool read_pid(const char *path, pid_t *pid, unsigned long long *start)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	int v;
	if (!f || fscanf(f, "%d %llu", &v, start) != 2 || v <= 0)
		return false;
	*pid = v;
	return true;
}

bool hk_resolver_recorded(const struct hk_paths *p, const char *id, bool *ret_alive)
{
	char path[HK_PATH_MAX + 64];
	pid_t pid;
	unsigned long long start;
	file_of(p, id, "dns.pid", path, sizeof(path));
	bool there = read_pid(path, &pid, &start);
	*ret_alive = there && hk_proc_alive(pid, start);
	return there || access(path, F_OK) == 0;
}

/* ---- the resolver process ---- */

struct name {
	char name[256];
	struct hk_dnsmsg_rr rr;
};

struct fwd {
	int fd; /* -1: free */
	struct sockaddr_storage client;
	socklen_t clen;
	uint8_t q[BUF];
	size_t qlen;
	int server; /* index into upstream[] */
	struct timespec deadline;
};

struct res {
	const char *id;
	char hosts[HK_PATH_MAX + 64], pidfile[HK_PATH_MAX + 64], upfile[HK_PATH_MAX + 64];
	char resolv[HK_PATH_MAX + 64];
	char search[6][256]; /* the container's search domains (its resolv.conf) */
	size_t n_search;
	int sock, tsock; /* UDP and TCP on 127.0.0.11:53 in the container */
	int tcp_children;
	struct name *names;
	size_t n_names, cap_names;
	struct timespec hosts_mtime;
	struct sockaddr_storage up[UPSTREAM_MAX];
	socklen_t uplen[UPSTREAM_MAX];
	size_t n_up;
	struct fwd fwd[FWD_MAX];
};

static void load_hosts(struct res *r)
{
	struct stat s;
	if (stat(r->hosts, &s) < 0 || (s.st_mtim.tv_sec == r->hosts_mtime.tv_sec &&
				       s.st_mtim.tv_nsec == r->hosts_mtime.tv_nsec && r->names))
		return;
	r->hosts_mtime = s.st_mtim;
	_cleanup_fclose_ FILE *f = fopen(r->hosts, "re");
	if (!f)
		return;
	r->n_names = 0; /* names[] is kept: a file that changes often costs no allocation */
	char line[1024];
	while (fgets(line, sizeof(line), f)) {
		char *save, *ip = strtok_r(line, " \t\n", &save);
		struct hk_dnsmsg_rr rr = { 0 };
		if (!ip || ip[0] == '#')
			continue;
		if (inet_pton(AF_INET, ip, rr.raw) == 1)
			rr.family = AF_INET;
		else if (inet_pton(AF_INET6, ip, rr.raw) == 1)
			rr.family = AF_INET6;
		else
			continue;
		for (char *n = strtok_r(NULL, " \t\n", &save);
		     n && n[0] != '#' && r->n_names < NAMES_MAX;
		     n = strtok_r(NULL, " \t\n", &save)) {
			if (r->n_names == r->cap_names) { /* doubling: a hosts file of many names */
				size_t cap = r->cap_names ? 2 * r->cap_names : 64;
				struct name *nn = realloc(r->names, cap * sizeof(*nn));
				if (!nn)
					return;
				r->names = nn;
				r->cap_names = cap;
			}
			struct name *nn = &r->names[r->n_names++];
			snprintf(nn->name, sizeof(nn->name), "%s", n);
			nn->rr = rr;
		}
	}
}

/* The search domains of the container's resolv.conf: a name asked with one of them
 * appended (busybox's nslookup asks only so) is one of ours when the rest is, as Docker's. */
static void load_search(struct res *r)
{
	_cleanup_fclose_ FILE *f = fopen(r->resolv, "re");
	char line[1024];
	r->n_search = 0;
	while (f && fgets(line, sizeof(line), f)) {
		char *save, *w = strtok_r(line, " \t\n", &save);
		if (!w || strcmp(w, "search"))
			continue;
		while ((w = strtok_r(NULL, " \t\n", &save)) &&
		       r->n_search < HK_ARRAY_SIZE(r->search))
			snprintf(r->search[r->n_search++], sizeof(r->search[0]), "%s", w);
	}
}

/* The addresses of name (rr[], *n of cap), true when the name is one of ours. */
static bool lookup(const struct res *r, const char *name, struct hk_dnsmsg_rr *rr, size_t cap,
		   size_t *n)
{
	bool known = false;
	for (size_t i = 0; i < r->n_names; i++) {
		if (strcasecmp(r->names[i].name, name))
			continue;
		known = true;
		bool dup = false;
		for (size_t j = 0; j < *n; j++)
			dup |= !memcmp(&rr[j], &r->names[i].rr, sizeof(rr[j]));
		if (!dup && *n < cap)
			rr[(*n)++] = r->names[i].rr;
	}
	return known;
}

/* nameserver lines of file (at most UPSTREAM_MAX), port 53 */
static void load_upstream(struct res *r)
{
	_cleanup_fclose_ FILE *f = fopen(r->upfile, "re");
	if (!f)
		f = fopen("/etc/resolv.conf", "re");
	r->n_up = 0;
	char line[512], a[64]; /* %63s below */
	while (f && r->n_up < UPSTREAM_MAX && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "nameserver %63s", a) != 1)
			continue;
		char *pct = strchr(a, '%'); /* a scope: not supported, dropped */
		if (pct)
			*pct = 0;
		struct sockaddr_storage *ss = &r->up[r->n_up];
		memset(ss, 0, sizeof(*ss));
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		if (inet_pton(AF_INET, a, &s4->sin_addr) == 1) {
			s4->sin_family = AF_INET;
			s4->sin_port = htons(53);
			r->uplen[r->n_up++] = sizeof(*s4);
		} else if (inet_pton(AF_INET6, a, &s6->sin6_addr) == 1) {
			s6->sin6_family = AF_INET6;
			s6->sin6_port = htons(53);
			r->uplen[r->n_up++] = sizeof(*s6);
		}
	}
}

static void reply(struct res *r, const struct sockaddr_storage *to, socklen_t tolen,
		  const uint8_t *m, size_t len)
{
	sendto(r->sock, m, len, MSG_DONTWAIT, (const struct sockaddr *)to, tolen);
}

static void servfail(struct res *r, const struct sockaddr_storage *to, socklen_t tolen,
		     const uint8_t *q, size_t qlen)
{
	uint8_t out[HK_DNSMSG_MAX];
	int k = hk_dnsmsg_error(q, qlen, 2, out, sizeof(out));
	if (k > 0)
		reply(r, to, tolen, out, (size_t)k);
}

static void deadline_in(struct timespec *t, int ms)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	t->tv_sec += ms / 1000;
	t->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

/* Send f's query to upstream server f->server and on; false: none left. */
static bool fwd_send(struct res *r, struct fwd *f)
{
	for (; f->server < (int)r->n_up; f->server++) {
		if (f->fd >= 0)
			close(f->fd);
		const struct sockaddr_storage *ss = &r->up[f->server];
		f->fd = socket(ss->ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (f->fd >= 0 &&
		    connect(f->fd, (const struct sockaddr *)ss, r->uplen[f->server]) == 0 &&
		    send(f->fd, f->q, f->qlen, 0) == (ssize_t)f->qlen) {
			deadline_in(&f->deadline, FWD_TIMEOUT_MS);
			return true;
		}
	}
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	return false;
}

static void forward(struct res *r, const struct sockaddr_storage *from, socklen_t flen,
		    const uint8_t *q, size_t qlen)
{
	struct fwd *f = NULL;
	for (size_t i = 0; i < FWD_MAX && !f; i++)
		if (r->fwd[i].fd < 0)
			f = &r->fwd[i];
	load_upstream(r);
	if (!f || !r->n_up) {
		servfail(r, from, flen, q, qlen);
		return;
	}
	memcpy(&f->client, from, flen);
	f->clen = flen;
	memcpy(f->q, q, qlen);
	f->qlen = qlen;
	f->server = 0;
	if (!fwd_send(r, f))
		servfail(r, from, flen, q, qlen);
}

/* The answer to query q[len] when its name is one of ours (> 0: its length in out[cap]);
 * 0: not ours (to be relayed); < 0: not a query (*out holds a FORMERR of -ret bytes). */
static int local(struct res *r, const uint8_t *q, size_t len, uint8_t *out, size_t cap)
{
	struct hk_dnsmsg_q mq;
	if (hk_dnsmsg_parse(q, len, &mq) < 0) {
		int e = hk_dnsmsg_error(q, len, 1 /* FORMERR */, out, cap);
		return e > 0 ? -e : 0;
	}
	load_hosts(r);
	uint8_t a4[4];
	if (mq.type == HK_DNS_PTR && mq.class == 1 && hk_dnsmsg_ptr_addr(mq.name, a4) == 0) {
		/* the reverse of an address of ours: its names (others go upstream) */
		const char *names[8];
		size_t k = 0;
		for (size_t i = 0; i < r->n_names && k < HK_ARRAY_SIZE(names); i++)
			if (r->names[i].rr.family == AF_INET && !memcmp(r->names[i].rr.raw, a4, 4))
				names[k++] = r->names[i].name;
		int e = k ? hk_dnsmsg_answer_ptr(q, &mq, names, k, TTL, out, cap) : 0;
		return e > 0 ? e : 0;
	}
	struct hk_dnsmsg_rr rr[16];
	size_t n = 0;
	bool known = lookup(r, mq.name, rr, HK_ARRAY_SIZE(rr), &n);
	if (!known)
		load_search(r);
	for (size_t i = 0; !known && i < r->n_search; i++) {
		size_t ln = strlen(mq.name), ld = strlen(r->search[i]);
		if (ln <= ld + 1 || mq.name[ln - ld - 1] != '.' ||
		    strcasecmp(mq.name + ln - ld, r->search[i]))
			continue;
		char base[256];
		snprintf(base, sizeof(base), "%.*s", (int)(ln - ld - 1), mq.name);
		known = lookup(r, base, rr, HK_ARRAY_SIZE(rr), &n);
	}
	if (!known || mq.class != 1 /* IN */)
		return 0;
	/* a name of ours: its addresses of the type asked, or none (NODATA, never upstream) */
	int e = hk_dnsmsg_answer(q, &mq, 0, rr, n, TTL, out, cap);
	return e > 0 ? e : 0;
}

static void query(struct res *r)
{
	uint8_t q[BUF], out[HK_DNSMSG_MAX];
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	ssize_t k = recvfrom(r->sock, q, sizeof(q), MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
	if (k <= 0)
		return;
	int e = local(r, q, (size_t)k, out, sizeof(out));
	if (e == 0)
		forward(r, &from, flen, q, (size_t)k);
	else
		reply(r, &from, flen, out, (size_t)(e < 0 ? -e : e));
}

/* ---- DNS over TCP (RFC 7766: a client retries there after a truncated answer): one
 * connection per child process (at most TCP_CHILDREN_MAX, reaped by the loop), so a slow
 * upstream never holds up the UDP side ---- */

static bool io_full(int fd, uint8_t *buf, size_t n, bool wr, int ms)
{
	for (size_t o = 0; o < n;) {
		struct pollfd pf = { fd, wr ? POLLOUT : POLLIN, 0 };
		if (poll(&pf, 1, ms) != 1)
			return false;
		ssize_t k = wr ? write(fd, buf + o, n - o) : read(fd, buf + o, n - o);
		if (k <= 0)
			return false;
		o += (size_t)k;
	}
	return true;
}

/* one length-prefixed message: its length, 0 on failure */
static size_t tcp_read(int fd, uint8_t *m, size_t cap, int ms)
{
	uint8_t lb[2];
	if (!io_full(fd, lb, 2, false, ms))
		return 0;
	size_t n = (size_t)lb[0] << 8 | lb[1];
	return n >= 12 && n <= cap && io_full(fd, m, n, false, ms) ? n : 0;
}

static bool tcp_write(int fd, const uint8_t *m, size_t n)
{
	uint8_t lb[2] = { (uint8_t)(n >> 8), (uint8_t)n };
	return io_full(fd, lb, 2, true, FWD_TIMEOUT_MS) &&
	       io_full(fd, (uint8_t *)m, n, true, FWD_TIMEOUT_MS);
}

/* The upstream's answer to q over TCP, in m[cap]: its length, 0 when none answered. */
static size_t tcp_forward(struct res *r, const uint8_t *q, size_t len, uint8_t *m, size_t cap)
{
	load_upstream(r);
	for (size_t i = 0; i < r->n_up; i++) {
		_cleanup_close_ int fd =
			socket(r->up[i].ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0)
			continue;
		struct pollfd pf = { fd, POLLOUT, 0 };
		int e = 0;
		socklen_t el = sizeof(e);
		if (connect(fd, (struct sockaddr *)&r->up[i], r->uplen[i]) < 0 &&
		    (errno != EINPROGRESS || poll(&pf, 1, FWD_TIMEOUT_MS) != 1 ||
		     getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0 || e))
			continue;
		size_t n;
		if (tcp_write(fd, q, len) && (n = tcp_read(fd, m, cap, FWD_TIMEOUT_MS)) &&
		    !memcmp(m, q, 2))
			return n;
	}
	return 0;
}

static void tcp_conn(struct res *r, int c)
{
	uint8_t q[BUF], out[BUF];
	size_t len;
	/* several queries may come on one connection; it ends when the client is idle */
	while ((len = tcp_read(c, q, sizeof(q), 2000)) > 0) {
		int e = local(r, q, len, out, sizeof(out));
		size_t n = e ? (size_t)(e < 0 ? -e : e) : tcp_forward(r, q, len, out, sizeof(out));
		if (!n && (e = hk_dnsmsg_error(q, len, 2 /* SERVFAIL */, out, sizeof(out))) > 0)
			n = (size_t)e;
		if (!n || !tcp_write(c, out, n))
			break;
	}
}

static void tcp_accept(struct res *r)
{
	int c = accept4(r->tsock, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (c < 0)
		return;
	/* a bounded number of connections at a time: the others are closed at once */
	pid_t pid = r->tcp_children < TCP_CHILDREN_MAX ? fork() : -1;
	if (pid == 0) {
		close(r->sock);
		close(r->tsock);
		tcp_conn(r, c);
		_exit(0);
	}
	r->tcp_children += pid > 0;
	close(c);
}

static void upstream_reply(struct res *r, struct fwd *f)
{
	uint8_t m[BUF];
	ssize_t k = recv(f->fd, m, sizeof(m), MSG_DONTWAIT);
	if (k < 0 && errno != EAGAIN && errno != EINTR) {
		/* refused (nothing listens there): the next server at once */
		f->server++;
		if (!fwd_send(r, f))
			servfail(r, &f->client, f->clen, f->q, f->qlen);
		return;
	}
	/* the answer to our question: same id (the socket is connected to the server) */
	if (k < 12 || memcmp(m, f->q, 2))
		return;
	reply(r, &f->client, f->clen, m, (size_t)k);
	close(f->fd);
	f->fd = -1;
}

static bool still_ours(const struct res *r)
{
	pid_t pid;
	unsigned long long start;
	return read_pid(r->pidfile, &pid, &start) && pid == getpid();
}

static int timespec_cmp(const struct timespec *a, const struct timespec *b)
{
	if (a->tv_sec != b->tv_sec)
		return a->tv_sec < b->tv_sec ? -1 : 1;
	return a->tv_nsec < b->tv_nsec ? -1 : a->tv_nsec > b->tv_nsec;
}

static volatile sig_atomic_t stop;
static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void serve(struct res *r)
{
	struct pollfd pf[FWD_MAX + 2];
	struct fwd *who[FWD_MAX + 2];
	for (size_t i = 0; i < FWD_MAX; i++)
		r->fwd[i].fd = -1;
	while (!stop) {
		size_t n = 0;
		pf[n++] = (struct pollfd){ r->sock, POLLIN, 0 };
		pf[n++] = (struct pollfd){ r->tsock, POLLIN, 0 };
		for (size_t i = 0; i < FWD_MAX; i++) {
			if (r->fwd[i].fd < 0)
				continue;
			who[n] = &r->fwd[i];
			pf[n++] = (struct pollfd){ r->fwd[i].fd, POLLIN, 0 };
		}
		int k = poll(pf, n, n > 2 || r->tcp_children ? 100 : 1000);
		while (r->tcp_children && waitpid(-1, NULL, WNOHANG) > 0)
			r->tcp_children--;
		if (k < 0 && errno != EINTR)
			break;
		if (k == 0 && n == 2 && !still_ours(r))
			break;
		if (k > 0 && (pf[0].revents & POLLIN))
			query(r);
		if (k > 0 && (pf[1].revents & POLLIN))
			tcp_accept(r);
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		for (size_t i = 2; i < n; i++) {
			struct fwd *f = who[i];
			if (k > 0 && (pf[i].revents & (POLLIN | POLLERR)))
				upstream_reply(r, f);
			if (f->fd >= 0 && timespec_cmp(&now, &f->deadline) >= 0) {
				f->server++;
				if (!fwd_send(r, f))
					servfail(r, &f->client, f->clen, f->q, f->qlen);
			}
		}
	}
	if (still_ours(r))
		unlink(r->pidfile);
}

/* The socket on 127.0.0.11:53 inside the namespace netns_fd. */
static int bind_in(int netns_fd, int type, struct hk_err *err)
{
	int old, r = hk_thread_netns_enter(netns_fd, &old, err);
	if (r < 0)
		return r;
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	int e = fd < 0 ? -errno : 0;
	hk_thread_netns_leave(old);
	if (fd < 0)
		return hk_err_sys(err, e, "resolver: socket");
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(53) };
	inet_pton(AF_INET, HK_RESOLVER_ADDR, &a.sin_addr);
	int one = 1; /* TCP: a new resolver binds while the old one's connections linger */
	if (type == SOCK_STREAM)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 16) < 0)) {
		e = -errno;
		close(fd);
		return hk_err_sys(err, e, "resolver: bind %s:53 in the container",
				  HK_RESOLVER_ADDR);
	}
	return fd;
}

static int write_pid(const char *path, struct hk_err *err)
{
	char tmp[HK_PATH_MAX + 80], text[64];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	snprintf(text, sizeof(text), "%d %llu\n", getpid(),
		 (unsigned long long)hk_proc_start_time(getpid()));
	_cleanup_close_ int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    rename(tmp, path) < 0)
		return hk_err_sys(err, -errno, "resolver: '%s'", path);
	return 0;
}

/* The daemon (the grandchild of the caller): bind, record, report, serve. */
static _Noreturn void daemon_main(const struct hk_paths *p, const char *id, int netns_fd,
				  int report)
{
	struct hk_err err = { 0 };
	sigset_t none;
	sigemptyset(&none);
	for (int s = 1; s < _NSIG; s++)
		signal(s, SIG_DFL);
	sigprocmask(SIG_SETMASK, &none, NULL);
	struct sigaction sa = { .sa_handler = on_term };
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	prctl(PR_SET_NAME, "hako-dns"); /* what ps shows */
	static struct res r;
	r.id = id;
	file_of(p, id, "hosts", r.hosts, sizeof(r.hosts));
	file_of(p, id, "dns.pid", r.pidfile, sizeof(r.pidfile));
	file_of(p, id, "dns.upstream", r.upfile, sizeof(r.upfile));
	file_of(p, id, "resolv.conf", r.resolv, sizeof(r.resolv));
	r.sock = bind_in(netns_fd, SOCK_DGRAM, &err);
	r.tsock = r.sock < 0 ? -1 : bind_in(netns_fd, SOCK_STREAM, &err);
	int rc = r.tsock < 0 ? -1 : write_pid(r.pidfile, &err);
	if (write(report, &err, sizeof(err)) < 0 || rc < 0)
		_exit(1);
	/* nothing of the caller's stays open: only the sockets (as fds 3, 4), stdio on null */
	int u = fcntl(r.sock, F_DUPFD_CLOEXEC, 10), t = fcntl(r.tsock, F_DUPFD_CLOEXEC, 10);
	if (u < 0 || t < 0 || dup2(u, 3) < 0 || dup2(t, 4) < 0)
		_exit(1);
	r.sock = 3;
	r.tsock = 4;
	int null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	close_range(5, ~0U, 0);
	serve(&r);
	_exit(0);
}

int hk_resolver_start(const struct hk_paths *p, const char *id, int netns_fd, struct hk_err *err)
{
	bool alive;
	if (hk_resolver_recorded(p, id, &alive) && alive)
		return 0;
	/* its message parser's library, loaded here: a failure is this one line, not every
	 * query answered FORMERR */
	int r = hk_dl_resolv(err);
	if (r < 0)
		return r;
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return hk_err_sys(err, -errno, "resolver: pipe");
	fflush(NULL);
	pid_t c1 = fork();
	if (c1 < 0) {
		int e = -errno;
		close(pfd[0]);
		close(pfd[1]);
		return hk_err_sys(err, e, "resolver: fork");
	}
	if (c1 == 0) {
		close(pfd[0]);
		setsid();
		pid_t c2 = fork();
		if (c2 == 0)
			daemon_main(p, id, netns_fd, pfd[1]);
		_exit(c2 < 0);
	}
	close(pfd[1]);
	int st;
	waitpid(c1, &st, 0);
	struct hk_err got;
	ssize_t k = read(pfd[0], &got, sizeof(got));
	close(pfd[0]);
	if (k != (ssize_t)sizeof(got))
		return hk_err_set(err, -EIO, "resolver of container %.12s: it did not start", id);
	if (got.code) {
		*err = got;
		return hk_err_prefix(err, "container %.12s", id);
	}
	return 0;
}

void hk_resolver_stop(const struct hk_paths *p, const char *id)
{
	char path[HK_PATH_MAX + 64];
	pid_t pid;
	unsigned long long start;
	file_of(p, id, "dns.pid", path, sizeof(path));
	if (read_pid(path, &pid, &start) && hk_proc_alive(pid, start)) {
		/* nothing to flush: killed at once, and waited for until it is a zombie (its
		 * sockets closed), so a resolver started right after binds the same address */
		kill(pid, SIGKILL);
		for (int i = 0; i < 1000 && hk_proc_alive(pid, start); i++)
			usleep(1000);
	}
	unlink(path);
}
