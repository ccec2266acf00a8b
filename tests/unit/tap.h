/* SPDX-License-Identifier: MIT */
/* A tiny TAP producer for unit tests: asserts print both values on failure. */
#ifndef HK_TAP_H
#define HK_TAP_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define TAP_OK(cond, ...)                                                                          \
	do {                                                                                       \
		tap_n++;                                                                           \
		int _ok = !!(cond);                                                                \
		if (!_ok)                                                                          \
			tap_failed++;                                                              \
		printf("%sok %d - ", _ok ? "" : "not ", tap_n);                                    \
		printf(__VA_ARGS__);                                                               \
		printf("\n");                                                                      \
		if (!_ok)                                                                          \
			printf("#   failed at %s:%d: %s\n", __FILE__, __LINE__, #cond);            \
	} while (0)

#define TAP_EQ_INT(a, b, name)                                                                     \
	do {                                                                                       \
		long long _a = (long long)(a), _b = (long long)(b);                                \
		TAP_OK(_a == _b, "%s", name);                                                      \
		if (_a != _b)                                                                      \
			printf("#   got %lld, expected %lld\n", _a, _b);                           \
	} while (0)

#define TAP_EQ_STR(a, b, name)                                                                     \
	do {                                                                                       \
		const char *_a = (a), *_b = (b);                                                   \
		int _eq = _a && _b && !strcmp(_a, _b);                                             \
		TAP_OK(_eq, "%s", name);                                                           \
		if (!_eq)                                                                          \
			printf("#   got '%s', expected '%s'\n", _a ? _a : "(null)",                \
			       _b ? _b : "(null)");                                                \
	} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
