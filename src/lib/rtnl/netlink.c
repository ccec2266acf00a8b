// SPDX-License-Identifier: MIT
#include "netlink.h"

#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/nsswitch.h"

#define RECV_BUF_SIZE (64 * 1024)
#define SOCK_BUF_SIZE (4 * 1024 * 1024)
/* A batch chunk: bounded so the kernel's acks always fit the receive buffer. */
#define CHUNK_BYTES (128 * 1024)
#define CHUNK_MSGS 1024
#define DUMP_RETRIES 10

struct batch_entry {
	uint32_t seq;
	uint32_t off, len;
	uint64_t cookie;
	int error;
	bool acked;
	char extack[160];
};

struct hk_nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	char *rbuf;
	/* batch queue */
	char *qbuf;
	size_t qlen, qcap;
	struct batch_entry *ents;
	size_t nents, cap_ents;
	uint64_t sends, requests;
};

int hk_nl_err(struct hk_err *err, int code, const char *extack, const char *what)
{
	if (!what && extack && *extack)
		hk_err_set(err, code, "%s (kernel: %s)", strerror(-code), extack);
	else if (!what)
		hk_err_set(err, code, "%s", strerror(-code));
	else if (extack && *extack)
		hk_err_set(err, code, "%s: %s (kernel: %s)", what, strerror(-code), extack);
	else
		hk_err_set(err, code, "%s: %s", what, strerror(-code));
	if (err && extack)
		snprintf(err->extack, sizeof(err->extack), "%s", extack);
	return code < 0 ? code : -EINVAL;
}

static int open_here(struct hk_nl *nl, int proto, struct hk_err *err)
{
	nl->sock = mnl_socket_open2(proto, SOCK_CLOEXEC);
	if (!nl->sock)
		return hk_err_sys(err, -errno, "netlink: open socket");
	return 0;
}

int hk_nl_open(struct hk_nl **ret, int netns_fd, struct hk_err *err)
{
	return hk_nl_open_proto(ret, NETLINK_ROUTE, netns_fd, err);
}

int hk_nl_open_proto(struct hk_nl **ret, int proto, int netns_fd, struct hk_err *err)
{
	struct hk_nl *nl = calloc(1, sizeof(*nl));
	if (!nl)
		return hk_err_sys(err, -ENOMEM, "netlink");
	nl->rbuf = malloc(RECV_BUF_SIZE);
	if (!nl->rbuf) {
		hk_nl_close(nl);
		return hk_err_sys(err, -ENOMEM, "netlink");
	}
	int r;
	if (netns_fd >= 0) {
		/* Switch this thread into the target namespace only for socket(): the socket
		 * keeps its namespace for life. */
		int old;
		r = hk_thread_netns_enter(netns_fd, &old, err);
		if (r < 0) {
			hk_nl_close(nl);
			return hk_err_prefix(err, "netlink");
		}
		r = open_here(nl, proto, err);
		hk_thread_netns_leave(old);
	} else {
		r = open_here(nl, proto, err);
	}
	if (r < 0) {
		hk_nl_close(nl);
		return r;
	}
	int one = 1, size = SOCK_BUF_SIZE;
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	int fd = mnl_socket_get_fd(nl->sock);
	/* Root may exceed rmem_max; fall back silently to the plain options. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = hk_err_sys(err, -errno, "netlink: bind");
		hk_nl_close(nl);
		return r;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (uint32_t)time(NULL);
	*ret = nl;
	return 0;
}

void hk_nl_close(struct hk_nl *nl)
{
	if (!nl)
		return;
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl->rbuf);
	free(nl->qbuf);
	free(nl->ents);
	free(nl);
}

/* ---- message construction ---------------------------------------------------------- */

void hk_nlmsg_init(struct hk_nlmsg *m, uint16_t type, uint16_t flags, size_t hdrlen, void **ret_hdr)
{
	m->overflow = false;
	memset(m->buf, 0, MNL_NLMSG_HDRLEN + MNL_ALIGN(hdrlen));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(m->buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	void *hdr = mnl_nlmsg_put_extra_header(nlh, hdrlen);
	if (ret_hdr)
		*ret_hdr = hdr;
}

void hk_nlmsg_put(struct hk_nlmsg *m, uint16_t type, size_t len, const void *data)
{
	if (!mnl_attr_put_check(&m->nlh, sizeof(m->buf), type, len, data))
		m->overflow = true;
}

/* Raw bytes (a family header inside a nest, e.g. the veth peer's ifinfomsg), zero-padded. */
void hk_nlmsg_put_raw(struct hk_nlmsg *m, const void *data, size_t len)
{
	if (m->nlh.nlmsg_len + MNL_ALIGN(len) > sizeof(m->buf)) {
		m->overflow = true;
		return;
	}
	memcpy(mnl_nlmsg_put_extra_header(&m->nlh, len), data, len);
}

void hk_nlmsg_put_u8(struct hk_nlmsg *m, uint16_t type, uint8_t v)
{
	hk_nlmsg_put(m, type, sizeof(v), &v);
}

void hk_nlmsg_put_u16(struct hk_nlmsg *m, uint16_t type, uint16_t v)
{
	hk_nlmsg_put(m, type, sizeof(v), &v);
}

void hk_nlmsg_put_u32(struct hk_nlmsg *m, uint16_t type, uint32_t v)
{
	hk_nlmsg_put(m, type, sizeof(v), &v);
}

void hk_nlmsg_put_s32(struct hk_nlmsg *m, uint16_t type, int32_t v)
{
	hk_nlmsg_put(m, type, sizeof(v), &v);
}

void hk_nlmsg_put_str(struct hk_nlmsg *m, uint16_t type, const char *s)
{
	hk_nlmsg_put(m, type, strlen(s) + 1, s);
}

void hk_nlmsg_put_flag(struct hk_nlmsg *m, uint16_t type)
{
	hk_nlmsg_put(m, type, 0, NULL);
}

struct nlattr *hk_nlmsg_nest_start(struct hk_nlmsg *m, uint16_t type)
{
	struct nlattr *a = mnl_attr_nest_start_check(&m->nlh, sizeof(m->buf), type);
	if (!a)
		m->overflow = true;
	return a;
}

void hk_nlmsg_nest_end(struct hk_nlmsg *m, struct nlattr *nest)
{
	if (nest)
		mnl_attr_nest_end(&m->nlh, nest);
}

/* ---- parsing ------------------------------------------------------------------------ */

void hk_attr_parse(const struct nlmsghdr *nlh, size_t hdrlen, const struct nlattr **tb,
		   uint16_t max)
{
	memset(tb, 0, sizeof(*tb) * (max + 1u));
	const struct nlattr *a;
	mnl_attr_for_each (a, nlh, hdrlen) {
		uint16_t t = mnl_attr_get_type(a);
		if (t <= max)
			tb[t] = a;
	}
}

void hk_attr_parse_nested(const struct nlattr *nest, const struct nlattr **tb, uint16_t max)
{
	memset(tb, 0, sizeof(*tb) * (max + 1u));
	const struct nlattr *a;
	mnl_attr_for_each_nested (a, nest) {
		uint16_t t = mnl_attr_get_type(a);
		if (t <= max)
			tb[t] = a;
	}
}

uint8_t hk_attr_u8(const struct nlattr *a)
{
	return mnl_attr_get_payload_len(a) >= 1 ? mnl_attr_get_u8(a) : 0;
}

uint16_t hk_attr_u16(const struct nlattr *a)
{
	return mnl_attr_get_payload_len(a) >= 2 ? mnl_attr_get_u16(a) : 0;
}

uint32_t hk_attr_u32(const struct nlattr *a)
{
	return mnl_attr_get_payload_len(a) >= 4 ? mnl_attr_get_u32(a) : 0;
}

uint64_t hk_attr_u64(const struct nlattr *a)
{
	uint64_t v = 0;
	if (mnl_attr_get_payload_len(a) >= 8)
		memcpy(&v, mnl_attr_get_payload(a), 8);
	return v;
}

const char *hk_attr_str(const struct nlattr *a)
{
	uint16_t n = mnl_attr_get_payload_len(a);
	const char *s = mnl_attr_get_payload(a);
	if (n == 0 || s[n - 1] != '\0')
		return NULL;
	return s;
}

const void *hk_attr_data(const struct nlattr *a)
{
	return mnl_attr_get_payload(a);
}

uint16_t hk_attr_len(const struct nlattr *a)
{
	return mnl_attr_get_payload_len(a);
}

uint16_t hk_attr_type(const struct nlattr *a)
{
	return mnl_attr_get_type(a);
}

void *hk_nlmsg_payload(const struct nlmsghdr *nlh)
{
	return mnl_nlmsg_get_payload(nlh);
}

const struct nlattr *hk_attr_first(const struct nlattr *nest)
{
	const struct nlattr *a = mnl_attr_get_payload(nest);
	int len = (int)mnl_attr_get_payload_len(nest);
	return mnl_attr_ok(a, len) ? a : NULL;
}

const struct nlattr *hk_attr_next(const struct nlattr *nest, const struct nlattr *cur)
{
	const struct nlattr *a = mnl_attr_next(cur);
	int len = (int)((const char *)mnl_attr_get_payload(nest) + mnl_attr_get_payload_len(nest) -
			(const char *)a);
	return mnl_attr_ok(a, len) ? a : NULL;
}

/* ---- error messages ----------------------------------------------------------------- */

/* Decode an NLMSG_ERROR: returns the (negative or zero) error and copies the extack text. */
static int decode_error(const struct nlmsghdr *nlh, char *extack, size_t extack_len)
{
	extack[0] = '\0';
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(struct nlmsgerr))
		return -EBADMSG;
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		size_t off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
		const struct nlattr *a;
		mnl_attr_for_each (a, nlh, off) {
			if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG) {
				const char *s = hk_attr_str(a);
				if (s)
					snprintf(extack, extack_len, "%s", s);
			}
		}
	}
	return e->error;
}

/* ---- single requests and dumps ------------------------------------------------------ */

static int send_one(struct hk_nl *nl, struct hk_nlmsg *m, struct hk_err *err)
{
	if (m->overflow)
		return hk_err_set(err, -EMSGSIZE, "netlink: request does not fit %d bytes",
				  HK_NLMSG_SIZE);
	if (hk_nl_batch_pending(nl))
		return hk_err_set(err, -EBUSY, "netlink: batch pending: flush it first");
	m->nlh.nlmsg_seq = ++nl->seq;
	m->nlh.nlmsg_pid = 0;
	nl->sends++;
	nl->requests++;
	if (mnl_socket_sendto(nl->sock, &m->nlh, m->nlh.nlmsg_len) < 0)
		return hk_err_sys(err, -errno, "netlink: send");
	return 0;
}

/* Receive until the ack (or DONE) of seq; data messages go to cb. */
static int recv_reply(struct hk_nl *nl, uint32_t seq, bool dump, hk_nl_cb cb, void *data,
		      bool *intr, struct hk_err *err)
{
	char extack[256];
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->sock, nl->rbuf, RECV_BUF_SIZE);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return hk_err_sys(err, -errno, "netlink: receive");
		}
		int len = (int)n;
		for (const struct nlmsghdr *h = (const void *)nl->rbuf; mnl_nlmsg_ok(h, len);
		     h = mnl_nlmsg_next(h, &len)) {
			if (h->nlmsg_seq != seq || h->nlmsg_pid != nl->portid)
				continue; /* a stale reply of an earlier, abandoned request */
			if (h->nlmsg_flags & NLM_F_DUMP_INTR)
				*intr = true;
			if (h->nlmsg_type == NLMSG_ERROR) {
				int e = decode_error(h, extack, sizeof(extack));
				if (e < 0)
					return hk_nl_err(err, e, extack, NULL);
				return 0; /* ack */
			}
			if (h->nlmsg_type == NLMSG_DONE) {
				if (!dump)
					continue;
				/* A failed dump reports its error in DONE's payload. */
				if (mnl_nlmsg_get_payload_len(h) >= sizeof(int)) {
					int e = *(const int *)mnl_nlmsg_get_payload(h);
					if (e < 0) {
						size_t off = sizeof(int);
						extack[0] = '\0';
						const struct nlattr *a;
						if (h->nlmsg_flags & NLM_F_ACK_TLVS)
							mnl_attr_for_each (a, h, off)
								if (mnl_attr_get_type(a) ==
									    NLMSGERR_ATTR_MSG &&
								    hk_attr_str(a))
									snprintf(extack,
										 sizeof(extack),
										 "%s",
										 hk_attr_str(a));
						return hk_nl_err(err, e, extack, NULL);
					}
				}
				return 0;
			}
			if (h->nlmsg_type < NLMSG_MIN_TYPE)
				continue;
			if (cb && !*intr) {
				int r = cb(h, data, err);
				if (r < 0)
					return r;
			}
		}
	}
}

int hk_nl_do(struct hk_nl *nl, struct hk_nlmsg *m, hk_nl_cb cb, void *data, struct hk_err *err)
{
	m->nlh.nlmsg_flags |= NLM_F_ACK;
	int r = send_one(nl, m, err);
	if (r < 0)
		return r;
	bool intr = false;
	return recv_reply(nl, m->nlh.nlmsg_seq, false, cb, data, &intr, err);
}

int hk_nl_dump(struct hk_nl *nl, struct hk_nlmsg *m, hk_nl_cb cb, void *data, struct hk_err *err)
{
	m->nlh.nlmsg_flags |= NLM_F_DUMP;
	for (int attempt = 0;; attempt++) {
		int r = send_one(nl, m, err);
		if (r < 0)
			return r;
		bool intr = false;
		r = recv_reply(nl, m->nlh.nlmsg_seq, true, cb, data, &intr, err);
		if (r < 0 || !intr)
			return r;
		if (attempt + 1 >= DUMP_RETRIES)
			return hk_err_set(err, -EAGAIN,
					  "netlink: dump kept changing under us (%d attempts)",
					  DUMP_RETRIES);
		if (cb) {
			r = cb(NULL, data, err); /* restart: drop partial results */
			if (r < 0)
				return r;
		}
	}
}

/* ---- batching ----------------------------------------------------------------------- */

size_t hk_nl_batch_pending(const struct hk_nl *nl)
{
	return nl->nents;
}

int hk_nl_batch_add(struct hk_nl *nl, const struct hk_nlmsg *m, uint64_t cookie, struct hk_err *err)
{
	if (m->overflow)
		return hk_err_set(err, -EMSGSIZE, "netlink: request does not fit %d bytes",
				  HK_NLMSG_SIZE);
	uint32_t len = m->nlh.nlmsg_len;
	if (nl->qlen + len > nl->qcap) {
		size_t cap = nl->qcap ? nl->qcap * 2 : 64 * 1024;
		while (cap < nl->qlen + len)
			cap *= 2;
		char *q = realloc(nl->qbuf, cap);
		if (!q)
			return hk_err_sys(err, -ENOMEM, "netlink: batch");
		nl->qbuf = q;
		nl->qcap = cap;
	}
	if (nl->nents == nl->cap_ents) {
		size_t cap = nl->cap_ents ? nl->cap_ents * 2 : 256;
		struct batch_entry *e = realloc(nl->ents, cap * sizeof(*e));
		if (!e)
			return hk_err_sys(err, -ENOMEM, "netlink: batch");
		nl->ents = e;
		nl->cap_ents = cap;
	}
	struct nlmsghdr *h = (struct nlmsghdr *)(nl->qbuf + nl->qlen);
	memcpy(h, &m->nlh, len);
	h->nlmsg_flags |= NLM_F_ACK;
	h->nlmsg_seq = ++nl->seq;
	h->nlmsg_pid = 0;
	nl->ents[nl->nents++] = (struct batch_entry){
		.seq = h->nlmsg_seq, .off = (uint32_t)nl->qlen, .len = len, .cookie = cookie
	};
	nl->qlen += MNL_ALIGN(len);
	return 0;
}

/* Receive acks until every entry in [lo, hi) is acked. */
static int batch_collect(struct hk_nl *nl, size_t lo, size_t hi, struct hk_err *err)
{
	size_t left = hi - lo;
	uint32_t first = nl->ents[lo].seq;
	while (left) {
		ssize_t n = mnl_socket_recvfrom(nl->sock, nl->rbuf, RECV_BUF_SIZE);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return hk_err_sys(err, -errno, "netlink: receive batch acks");
		}
		int len = (int)n;
		for (const struct nlmsghdr *h = (const void *)nl->rbuf; mnl_nlmsg_ok(h, len);
		     h = mnl_nlmsg_next(h, &len)) {
			if (h->nlmsg_type != NLMSG_ERROR || h->nlmsg_pid != nl->portid)
				continue;
			uint32_t idx = h->nlmsg_seq - first;
			if (idx >= hi - lo)
				continue;
			struct batch_entry *e = &nl->ents[lo + idx];
			if (e->acked)
				continue;
			e->error = decode_error(h, e->extack, sizeof(e->extack));
			e->acked = true;
			left--;
		}
	}
	return 0;
}

int hk_nl_batch_flush(struct hk_nl *nl, hk_nl_done_cb done, void *data, struct hk_err *err)
{
	int r = 0;
	size_t i = 0;
	while (i < nl->nents && r == 0) {
		size_t j = i, bytes = 0;
		while (j < nl->nents && j - i < CHUNK_MSGS &&
		       (bytes == 0 || bytes + MNL_ALIGN(nl->ents[j].len) <= CHUNK_BYTES))
			bytes += MNL_ALIGN(nl->ents[j++].len);
		nl->sends++;
		nl->requests += j - i;
		if (mnl_socket_sendto(nl->sock, nl->qbuf + nl->ents[i].off, bytes) < 0) {
			r = hk_err_sys(err, -errno, "netlink: send batch");
			break;
		}
		r = batch_collect(nl, i, j, err);
		i = j;
	}
	for (size_t k = 0; k < nl->nents; k++) {
		struct batch_entry *e = &nl->ents[k];
		if (done)
			done(e->cookie, e->acked ? e->error : (r < 0 ? r : -EIO),
			     e->acked ? e->extack : "", data);
	}
	nl->nents = 0;
	nl->qlen = 0;
	return r;
}

void hk_nl_stats(const struct hk_nl *nl, uint64_t *ret_sends, uint64_t *ret_requests)
{
	if (ret_sends)
		*ret_sends = nl->sends;
	if (ret_requests)
		*ret_requests = nl->requests;
}

/* ---- listening ---------------------------------------------------------------------- */

int hk_nl_join(struct hk_nl *nl, unsigned group, struct hk_err *err)
{
	if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0)
		return hk_err_sys(err, -errno, "netlink: join group %u", group);
	return 0;
}

int hk_nl_fd(const struct hk_nl *nl)
{
	return mnl_socket_get_fd(nl->sock);
}

int hk_nl_recv_events(struct hk_nl *nl, hk_nl_cb cb, void *data, struct hk_err *err)
{
	ssize_t n = recv(mnl_socket_get_fd(nl->sock), nl->rbuf, RECV_BUF_SIZE, MSG_DONTWAIT);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		return hk_err_sys(err, -errno, "netlink: receive events");
	}
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)nl->rbuf;
	int left = (int)n;
	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
			continue;
		int r = cb(nlh, data, err);
		if (r < 0)
			return r;
	}
	return 0;
}
