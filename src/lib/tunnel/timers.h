/* SPDX-License-Identifier: MIT */
/*
 * WireGuard's timer constants (the paper's section 6.1), in milliseconds. A test build may
 * divide them all by HAKO_TEST_TUNNEL_TIME_DIV (read through hk_test_getenv, so a release
 * build has no such knob) to see a rekey within seconds.
 */
#ifndef HK_TUNNEL_TIMERS_H
#define HK_TUNNEL_TIMERS_H

#include <stdint.h>

struct hk_timers {
	uint64_t rekey_after;	/* REKEY_AFTER_TIME 120 s: the initiator starts a new handshake */
	uint64_t reject_after;	/* REJECT_AFTER_TIME 180 s: a session is no longer used */
	uint64_t rekey_attempt; /* REKEY_ATTEMPT_TIME 90 s: retries of one handshake */
	uint64_t rekey_timeout; /* REKEY_TIMEOUT 5 s: an unanswered initiation is resent */
	uint64_t keepalive;	/* KEEPALIVE_TIMEOUT 10 s: passive keepalive */
	uint64_t div;		/* the divisor applied (1 normally) */
};

/* The constants, divided by the test knob when there is one. */
void hk_timers_init(struct hk_timers *t);
/* CLOCK_MONOTONIC in milliseconds (never 0). */
uint64_t hk_timers_now(void);

#endif
