// SPDX-License-Identifier: MIT
#include <stdlib.h>
#include <time.h>

#include "base/testpoint.h"
#include "timers.h"

void hk_timers_init(struct hk_timers *t)
{
	uint64_t div = 1;
	const char *s = hk_test_getenv("HAKO_TEST_TUNNEL_TIME_DIV");
	if (s && atoi(s) > 1)
		div = (uint64_t)atoi(s);
	t->div = div;
	t->rekey_after = 120000 / div;
	t->reject_after = 180000 / div;
	t->rekey_attempt = 90000 / div;
	t->rekey_timeout = 5000 / div;
	t->keepalive = 10000 / div;
}

uint64_t hk_timers_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000 + 1;
}
