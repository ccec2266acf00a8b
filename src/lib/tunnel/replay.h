/* SPDX-License-Identifier: MIT */
/*
 * The receive counter window of one session (RFC 6479: a ring of 64-bit blocks, so sliding
 * the window clears whole blocks instead of shifting bits), as WireGuard uses it. A counter
 * is accepted once, when it is below the limit and not older than the window.
 */
#ifndef HK_TUNNEL_REPLAY_H
#define HK_TUNNEL_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#define HK_REPLAY_BLOCKS 128 /* 8192 bits, as the Linux kernel's WireGuard */
#define HK_REPLAY_WINDOW ((HK_REPLAY_BLOCKS - 1) * 64)
/* REJECT_AFTER_MESSAGES of the paper: 2^64 - 2^13 - 1 */
#define HK_REPLAY_LIMIT (UINT64_MAX - (1ULL << 13))

struct hk_replay {
	uint64_t last; /* the greatest counter accepted */
	uint64_t block[HK_REPLAY_BLOCKS];
};

void hk_replay_init(struct hk_replay *r);
/* Accept ctr (and remember it) or refuse it: a replay, too old, or past the limit. Call it
 * only after the packet authenticated, so a forged counter cannot move the window. */
bool hk_replay_accept(struct hk_replay *r, uint64_t ctr);

#endif
