/* SPDX-License-Identifier: MIT */
/*
 * Link impairments as root qdiscs over rtnetlink (what `tc qdisc replace dev D root ...`
 * does): a rate through tbf, delay / jitter / loss / corrupt through netem (with the rate
 * given to netem too when both are asked). The kernel here may lack netem (CONFIG_NET_SCH_NETEM):
 * hk_qdisc_probe() tells before anything is changed, so a lab that asks for a delay is
 * refused whole (exit 3) instead of half deployed.
 *
 * Units follow tc(8): rates "10mbit", "1gbit", "500kbit", "100kbps" (bytes), a bare number is
 * bit/s; times "10ms", "250us", "1s" (a unit is required); percentages "1%", "0.5" (percent).
 */
#ifndef HK_QDISC_H
#define HK_QDISC_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "netlink.h"

struct hk_impair {
	uint64_t rate;	 /* bytes per second, 0: none */
	uint64_t delay;	 /* nanoseconds, 0: none */
	uint64_t jitter; /* nanoseconds */
	double loss;	 /* percent, 0..100 */
	double corrupt;	 /* percent, 0..100 */
};

/* Does imp need netem (anything but a rate)? */
bool hk_impair_needs_netem(const struct hk_impair *imp);
/* Is anything asked at all? */
bool hk_impair_any(const struct hk_impair *imp);

int hk_rate_parse(const char *s, uint64_t *ret_bytes, struct hk_err *err);
int hk_time_parse(const char *s, uint64_t *ret_ns, struct hk_err *err);
int hk_percent_parse(const char *s, double *ret, struct hk_err *err);
/* "10mbit" for 1250000 bytes per second, into buf (32 bytes). */
const char *hk_rate_str(uint64_t bytes, char *buf, size_t len);

/* RTM_NEWQDISC (create or replace) of the root qdisc of device ifindex for imp: tbf for a
 * rate alone, netem otherwise. */
void hk_qdisc_impair_msg(int ifindex, const struct hk_impair *imp, struct hk_nlmsg *m);
/* RTM_DELQDISC of the root qdisc of ifindex (back to the default). */
void hk_qdisc_del_root_msg(int ifindex, struct hk_nlmsg *m);

/* The root qdisc of device ifindex as the kernel has it: its kind ("tbf", "netem", or a
 * default: "noqueue", "pfifo_fast", ...; "" none) and, for tbf, its rate in bytes per second
 * (what `lab save` reads back). */
struct hk_qdisc_root {
	char kind[16];
	uint64_t rate;
};
int hk_qdisc_root_get(struct hk_nl *nl, int ifindex, struct hk_qdisc_root *ret, struct hk_err *err);

/* Can this kernel make a qdisc of kind ("netem", "tbf")? Asks in a throwaway network
 * namespace (its lo), so nothing is changed anywhere. 1 yes, 0 no, < 0 the probe failed. */
int hk_qdisc_probe(const char *kind, struct hk_err *err);

#endif
