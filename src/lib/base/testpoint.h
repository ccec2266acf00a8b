/* SPDX-License-Identifier: MIT */
/*
 * Test hooks, compiled only into test builds (meson -Dtest_hooks=true, which scripts/test.sh
 * sets for build/ and build-asan/; a release build leaves it false, its default): there
 * they are environment variables, elsewhere they do not exist, names included, so that
 * nothing in the environment of a real hako can steer it.
 *
 *   HAKO_TEST_KILL_AT=STEP  hk_test_point(STEP) makes hako kill itself with SIGKILL when it
 *                           reaches the named step, so tests can reproduce a `kill -9` at an
 *                           exact point of a change and check that the next command repairs
 *                           it (docs/architecture.md lists the steps).
 *   HAKO_TEST_DELAY_AT=STEP:MS  hk_test_delay(STEP) sleeps MS milliseconds there, to widen
 *                           a race window so that a test can hit it every time.
 *   hk_test_getenv(NAME)    getenv(NAME) in a test build, NULL otherwise: every other
 *                           test-only variable (HAKO_SUBUID, HAKO_SUBGID, HAKO_LAYERS) is
 *                           read through it.
 * Macros, not functions, so that a release build holds not even the variables' names.
 */
#ifndef HK_TESTPOINT_H
#define HK_TESTPOINT_H

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef HAKO_TEST_HOOKS
#define HK_TEST_HOOKS 1
#define hk_test_getenv(name) ((const char *)getenv(name))
#define hk_test_point(step)                                                                        \
	do {                                                                                       \
		const char *_at = getenv("HAKO_TEST_KILL_AT");                                     \
		if (_at && !strcmp(_at, (step)))                                                   \
			raise(SIGKILL);                                                            \
	} while (0)
#define hk_test_delay(step)                                                                        \
	do {                                                                                       \
		const char *_at = getenv("HAKO_TEST_DELAY_AT");                                    \
		size_t _n = strlen(step);                                                          \
		if (_at && !strncmp(_at, (step), _n) && _at[_n] == ':')                            \
			usleep((useconds_t)atoi(_at + _n + 1) * 1000);                             \
	} while (0)
#else
#define HK_TEST_HOOKS 0
#define hk_test_delay(step) ((void)0)
#define hk_test_getenv(name) ((const char *)NULL)
#define hk_test_point(step) ((void)0)
#endif

#endif
