// SPDX-License-Identifier: MIT
/* base/human.c: Docker's durations, sizes, times, and --since/--until parsing. */
#include <errno.h>
#include <string.h>

#include "base/human.h"
#include "tap.h"

static const char *dur(int64_t s)
{
	static char b[64];
	hk_human_duration(s, b, sizeof(b));
	return b;
}

int main(void)
{
	/* go-units HumanDuration's own table */
	TAP_EQ_STR(dur(0), "Less than a second", "0 s");
	TAP_EQ_STR(dur(1), "1 second", "1 s");
	TAP_EQ_STR(dur(59), "59 seconds", "59 s");
	TAP_EQ_STR(dur(60), "About a minute", "60 s");
	TAP_EQ_STR(dur(3 * 60), "3 minutes", "3 min");
	TAP_EQ_STR(dur(3600 - 1), "59 minutes", "59 min 59 s");
	TAP_EQ_STR(dur(3600), "About an hour", "1 h");
	TAP_EQ_STR(dur(2 * 3600), "2 hours", "2 h");
	TAP_EQ_STR(dur(47 * 3600), "47 hours", "47 h");
	TAP_EQ_STR(dur(48 * 3600), "2 days", "48 h");
	TAP_EQ_STR(dur(14 * 86400), "2 weeks", "14 d");
	TAP_EQ_STR(dur(60 * 86400), "2 months", "60 d");
	TAP_EQ_STR(dur(2 * 365 * 86400), "2 years", "2 y");
	char b[64];
	hk_human_size(0, b, sizeof(b));
	TAP_EQ_STR(b, "0B", "size 0");
	hk_human_size(1500, b, sizeof(b));
	TAP_EQ_STR(b, "1.5kB", "size 1500");
	hk_human_size(2140160, b, sizeof(b));
	TAP_EQ_STR(b, "2.14MB", "size 2140160");
	hk_human_bytes(50331648, b, sizeof(b));
	TAP_EQ_STR(b, "48MiB", "bytes 48 MiB");
	hk_human_bytes(1536, b, sizeof(b));
	TAP_EQ_STR(b, "1.5KiB", "bytes 1536");
	hk_human_rfc3339(0, b, sizeof(b));
	TAP_EQ_STR(b, "0001-01-01T00:00:00Z", "time 0: Go's zero time");
	hk_human_rfc3339(1796245489, b, sizeof(b));
	TAP_EQ_STR(b, "2026-12-02T21:04:49Z", "time");
	hk_human_rfc3339(951782400, b, sizeof(b)); /* a leap day, with single-digit fields */
	TAP_EQ_STR(b, "2000-02-29T00:00:00Z", "time: zero-padded fields, a leap day");
	hk_human_rfc3339(4102444799, b, sizeof(b));
	TAP_EQ_STR(b, "2099-12-31T23:59:59Z", "time: the last second of a year");
	int64_t now = 1796245489LL * 1000000000LL, t = 0;
	TAP_OK(hk_human_parse_time("10m", now, &t) == 0 && t == now - 600LL * 1000000000LL,
	       "since 10m");
	TAP_OK(hk_human_parse_time("1h30m", now, &t) == 0 && t == now - 5400LL * 1000000000LL,
	       "since 1h30m");
	TAP_OK(hk_human_parse_time("250ms", now, &t) == 0 && t == now - 250000000LL, "since 250ms");
	TAP_OK(hk_human_parse_time("1796245489", now, &t) == 0 && t == now, "unix seconds");
	TAP_OK(hk_human_parse_time("1796245489.5", now, &t) == 0 && t == now + 500000000LL,
	       "unix seconds with a fraction");
	TAP_OK(hk_human_parse_time("2026-12-02T21:04:49Z", now, &t) == 0 && t == now, "RFC 3339");
	TAP_OK(hk_human_parse_time("2026-12-02T21:04:49.25Z", now, &t) == 0 &&
		       t == now + 250000000LL,
	       "RFC 3339 with a fraction");
	TAP_OK(hk_human_parse_time("2026-12-02T22:04:49+01:00", now, &t) == 0 && t == now,
	       "RFC 3339 with an offset");
	TAP_OK(hk_human_parse_time("2026-12-02", now, &t) == 0 &&
		       t == (1796245489LL - (21 * 3600 + 4 * 60 + 49)) * 1000000000LL,
	       "a date");
	TAP_OK(hk_human_parse_time("bogus", now, &t) < 0, "bogus refused");
	/* past an int64 of nanoseconds (once undefined behaviour, found by scripts/fuzz.py) */
	TAP_OK(hk_human_parse_time("4294967296h", now, &t) == -ERANGE,
	       "a duration too long: ERANGE");
	TAP_OK(hk_human_parse_time("99999999999999999999", now, &t) == -ERANGE,
	       "unix seconds too large: ERANGE");
	TAP_OK(hk_human_parse_time("2562047h", now, &t) == 0, "2562047h still fits");
	TAP_OK(hk_human_parse_time("10x", now, &t) < 0, "an unknown unit refused");
	TAP_OK(hk_human_parse_time("", now, &t) < 0, "empty refused");
	TAP_OK(hk_human_parse_time("2026-12-02T21:04:49 junk", now, &t) < 0, "junk after a time");
	return tap_done();
}
