/* SPDX-License-Identifier: MIT */
/*
 * A test hook: HAKO_TEST_KILL_AT=STEP makes hako kill itself with SIGKILL when it reaches the
 * named step, so tests can reproduce a `kill -9` at an exact point of a change and check that
 * the next command repairs it (docs/architecture.md lists the steps). Unset, it costs one
 * getenv(). Not an interface for anything but tests.
 */
#ifndef HK_TESTPOINT_H
#define HK_TESTPOINT_H

#include <signal.h>
#include <stdlib.h>
#include <string.h>

static inline void hk_test_point(const char *step)
{
	const char *at = getenv("HAKO_TEST_KILL_AT");
	if (at && !strcmp(at, step))
		raise(SIGKILL);
}

#endif
