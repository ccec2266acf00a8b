// SPDX-License-Identifier: MIT
#include <string.h>

#include "replay.h"

void hk_replay_init(struct hk_replay *r)
{
	memset(r, 0, sizeof(*r));
}

bool hk_replay_accept(struct hk_replay *r, uint64_t ctr)
{
	if (ctr >= HK_REPLAY_LIMIT)
		return false;
	uint64_t blk = ctr >> 6;
	if (ctr > r->last) {
		uint64_t cur = r->last >> 6, diff = blk - cur;
		if (diff > HK_REPLAY_BLOCKS)
			diff = HK_REPLAY_BLOCKS;
		for (uint64_t i = 1; i <= diff; i++)
			r->block[(cur + i) % HK_REPLAY_BLOCKS] = 0;
		r->last = ctr;
	} else if (r->last - ctr > HK_REPLAY_WINDOW) {
		return false;
	}
	uint64_t bit = 1ULL << (ctr & 63), *b = &r->block[blk % HK_REPLAY_BLOCKS];
	if (*b & bit)
		return false;
	*b |= bit;
	return true;
}
