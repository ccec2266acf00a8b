/* SPDX-License-Identifier: MIT */
/*
 * The rtnetlink door: the only module that touches libmnl.
 *
 * A struct hk_nl is one NETLINK_ROUTE socket bound to one network namespace. It is opened
 * inside the target namespace by switching the calling thread's network namespace with
 * setns(CLONE_NEWNET), creating the socket and switching straight back: a socket stays in
 * the namespace it was created in, so no fork and no mount-namespace work is needed (see
 * docs/architecture.md, "Operating in another namespace").
 *
 * Three ways to talk to the kernel:
 *   hk_nl_do()         one request, wait for its ack (and any reply messages);
 *   hk_nl_dump()       a dump, restarted transparently when the kernel flags NLM_F_DUMP_INTR;
 *   hk_nl_batch_*()    many requests in as few sendmsg() calls as possible, each ack matched
 *                      back to its request by sequence number.
 * Errors carry the kernel's extended-ack text: "File exists (kernel: ...)".
 */
#ifndef HK_NETLINK_H
#define HK_NETLINK_H

#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define HK_NLMSG_SIZE 8192

struct hk_nl;

/* A request under construction. Attribute putters never overflow: they set .overflow and
 * the send reports it. */
struct hk_nlmsg {
	bool overflow;
	union {
		struct nlmsghdr nlh;
		char buf[HK_NLMSG_SIZE];
	};
};

/* Open a NETLINK_ROUTE socket in the network namespace netns_fd (-1: the caller's). */
int hk_nl_open(struct hk_nl **ret, int netns_fd, struct hk_err *err);
/* The same for another netlink protocol (NETLINK_SOCK_DIAG for sockdiag.c). */
int hk_nl_open_proto(struct hk_nl **ret, int proto, int netns_fd, struct hk_err *err);
void hk_nl_close(struct hk_nl *nl);
static inline void hk_nl_closep(struct hk_nl **nl)
{
	if (*nl)
		hk_nl_close(*nl);
}
#define _cleanup_nl_ __attribute__((cleanup(hk_nl_closep)))

/* Start a message: type, flags (NLM_F_REQUEST is added) and a zeroed family header of
 * hdrlen bytes, returned in *ret_hdr. */
void hk_nlmsg_init(struct hk_nlmsg *m, uint16_t type, uint16_t flags, size_t hdrlen,
		   void **ret_hdr);

void hk_nlmsg_put(struct hk_nlmsg *m, uint16_t type, size_t len, const void *data);
/* Raw bytes, no attribute header (the veth peer's ifinfomsg inside its nest). */
void hk_nlmsg_put_raw(struct hk_nlmsg *m, const void *data, size_t len);
void hk_nlmsg_put_u8(struct hk_nlmsg *m, uint16_t type, uint8_t v);
void hk_nlmsg_put_u16(struct hk_nlmsg *m, uint16_t type, uint16_t v);
void hk_nlmsg_put_u32(struct hk_nlmsg *m, uint16_t type, uint32_t v);
void hk_nlmsg_put_s32(struct hk_nlmsg *m, uint16_t type, int32_t v);
void hk_nlmsg_put_str(struct hk_nlmsg *m, uint16_t type, const char *s); /* NUL included */
void hk_nlmsg_put_flag(struct hk_nlmsg *m, uint16_t type);
struct nlattr *hk_nlmsg_nest_start(struct hk_nlmsg *m, uint16_t type);
void hk_nlmsg_nest_end(struct hk_nlmsg *m, struct nlattr *nest);

/* Parsing: fill tb[0..max] with the attributes after a family header of hdrlen bytes;
 * duplicates keep the last one, unknown types above max are ignored. */
void hk_attr_parse(const struct nlmsghdr *nlh, size_t hdrlen, const struct nlattr **tb,
		   uint16_t max);
void hk_attr_parse_nested(const struct nlattr *nest, const struct nlattr **tb, uint16_t max);
uint8_t hk_attr_u8(const struct nlattr *a);
uint16_t hk_attr_u16(const struct nlattr *a);
uint32_t hk_attr_u32(const struct nlattr *a);
uint64_t hk_attr_u64(const struct nlattr *a);
const char *hk_attr_str(const struct nlattr *a); /* NULL unless NUL-terminated */
const void *hk_attr_data(const struct nlattr *a);
uint16_t hk_attr_len(const struct nlattr *a); /* payload length */
uint16_t hk_attr_type(const struct nlattr *a);
void *hk_nlmsg_payload(const struct nlmsghdr *nlh);
/* Iterate the attributes of a nest. */
const struct nlattr *hk_attr_first(const struct nlattr *nest);
const struct nlattr *hk_attr_next(const struct nlattr *nest, const struct nlattr *cur);

/* Called for each data message of a reply or dump. Return < 0 (negative errno, err set) to
 * abort. For dumps, cb is also called with nlh == NULL when the dump restarts after
 * NLM_F_DUMP_INTR: drop what was collected. */
typedef int (*hk_nl_cb)(const struct nlmsghdr *nlh, void *data, struct hk_err *err);

/* Send one request with NLM_F_ACK and wait for the ack; cb (may be NULL) sees replies. */
int hk_nl_do(struct hk_nl *nl, struct hk_nlmsg *m, hk_nl_cb cb, void *data, struct hk_err *err);

/* Send a dump request (NLM_F_DUMP is added) and feed every message to cb. */
int hk_nl_dump(struct hk_nl *nl, struct hk_nlmsg *m, hk_nl_cb cb, void *data, struct hk_err *err);

/*
 * Batching. hk_nl_batch_add() copies the request into the socket's queue with a fresh
 * sequence number and the caller's cookie; hk_nl_batch_flush() sends the queue in as few
 * sendmsg() calls as the socket buffers allow and reports each request's result, in order,
 * to done(cookie, error, extack). error is 0 or a negative errno; extack is the kernel's
 * text or "". Every queued request is reported, also after a failure (the kernel goes on
 * with the rest of a sendmsg). flush returns the first negative error of a *transport*
 * failure only; per-request failures are reported through done.
 */
typedef void (*hk_nl_done_cb)(uint64_t cookie, int error, const char *extack, void *data);
int hk_nl_batch_add(struct hk_nl *nl, const struct hk_nlmsg *m, uint64_t cookie,
		    struct hk_err *err);
size_t hk_nl_batch_pending(const struct hk_nl *nl);
int hk_nl_batch_flush(struct hk_nl *nl, hk_nl_done_cb done, void *data, struct hk_err *err);

/*
 * Listening (monitor.c). hk_nl_join() adds the socket to multicast group (RTNLGRP_*);
 * hk_nl_fd() is its descriptor for poll(); hk_nl_recv_events() reads what is there (one
 * datagram) and feeds every message to cb. -ENOBUFS: the kernel dropped events (the socket
 * overran); the socket stays usable.
 */
int hk_nl_join(struct hk_nl *nl, unsigned group, struct hk_err *err);
int hk_nl_fd(const struct hk_nl *nl);
int hk_nl_recv_events(struct hk_nl *nl, hk_nl_cb cb, void *data, struct hk_err *err);

/* Statistics for tests and benchmarks: sendmsg() calls and requests sent on this socket. */
void hk_nl_stats(const struct hk_nl *nl, uint64_t *ret_sends, uint64_t *ret_requests);

/* Decode a netlink error into err: "<what>: <strerror> (kernel: <extack>)"; what may be
 * NULL (the caller prefixes context later). */
int hk_nl_err(struct hk_err *err, int code, const char *extack, const char *what);

#endif
