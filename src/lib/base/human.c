// SPDX-License-Identifier: MIT
/* Durations, sizes and times in Docker's words (human.h). */
#include "human.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void hk_human_duration(int64_t s, char *buf, size_t len)
{
	int64_t m = s / 60, h = (s + 1800) / 3600; /* hours rounded, as go-units */
	if (s < 1)
		snprintf(buf, len, "Less than a second");
	else if (s == 1)
		snprintf(buf, len, "1 second");
	else if (s < 60)
		snprintf(buf, len, "%lld seconds", (long long)s);
	else if (m == 1)
		snprintf(buf, len, "About a minute");
	else if (m < 60)
		snprintf(buf, len, "%lld minutes", (long long)m);
	else if (h == 1)
		snprintf(buf, len, "About an hour");
	else if (h < 48)
		snprintf(buf, len, "%lld hours", (long long)h);
	else if (h < 24 * 7 * 2)
		snprintf(buf, len, "%lld days", (long long)(h / 24));
	else if (h < 24 * 30 * 2)
		snprintf(buf, len, "%lld weeks", (long long)(h / 24 / 7));
	else if (h < 24 * 365 * 2)
		snprintf(buf, len, "%lld months", (long long)(h / 24 / 30));
	else
		snprintf(buf, len, "%lld years", (long long)(s / 3600 / 24 / 365));
}

static void scaled(uint64_t bytes, double base, const char *const *units, char *buf, size_t len)
{
	double v = (double)bytes;
	int i = 0;
	while (v >= base && units[i + 1]) {
		v /= base;
		i++;
	}
	snprintf(buf, len, "%.4g%s", v, units[i]);
}

void hk_human_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const u[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB", NULL };
	scaled(bytes, 1000.0, u, buf, len);
}

void hk_human_bytes(uint64_t bytes, char *buf, size_t len)
{
	static const char *const u[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", NULL };
	scaled(bytes, 1024.0, u, buf, len);
}

void hk_human_rfc3339(int64_t t, char *buf, size_t len)
{
	if (t <= 0) {
		snprintf(buf, len, "0001-01-01T00:00:00Z");
		return;
	}
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	/* not strftime: it calls tzset(), which reads /etc/localtime (and stats it on every later
	 * call) for a time in UTC */
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Go's time.ParseDuration: a sequence of decimal numbers, each with a unit */
static int go_duration(const char *s, int64_t *ret_ns)
{
	static const struct {
		const char *unit;
		double ns;
	} units[] = { { "ns", 1 },  { "us", 1e3 }, { "\xc2\xb5s", 1e3 }, { "ms", 1e6 },
		      { "s", 1e9 }, { "m", 60e9 }, { "h", 3600e9 } };
	double total = 0;
	if (!*s)
		return -EINVAL;
	while (*s) {
		char *end;
		if (!((*s >= '0' && *s <= '9') || *s == '.'))
			return -EINVAL;
		double v = strtod(s, &end);
		if (end == s)
			return -EINVAL;
		s = end;
		size_t best = 0, k = 0;
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t n = strlen(units[i].unit);
			if (!strncmp(s, units[i].unit, n) && n > best) {
				best = n;
				k = i;
			}
		}
		if (!best)
			return -EINVAL;
		total += v * units[k].ns;
		s += best;
	}
	if (!(total < 9223372036854775807.0)) /* Go: "invalid duration" (an int64 of ns) */
		return -ERANGE;
	*ret_ns = (int64_t)total;
	return 0;
}

int hk_human_parse_time(const char *s, int64_t now_ns, int64_t *ret_ns)
{
	if (!s || !*s)
		return -EINVAL;
	int64_t d;
	int r = go_duration(s, &d);
	if (r == 0) {
		*ret_ns = now_ns - d;
		return 0;
	}
	if (r == -ERANGE)
		return r;
	char *end;
	if (strspn(s, "0123456789.") == strlen(s)) {
		double v = strtod(s, &end);
		if (*end)
			return -EINVAL;
		if (!(v * 1e9 < 9223372036854775807.0)) /* seconds past what an int64 holds */
			return -ERANGE;
		*ret_ns = (int64_t)(v * 1e9);
		return 0;
	}
	struct tm tm = { 0 };
	const char *e = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!e) {
		e = strptime(s, "%Y-%m-%d", &tm);
		if (!e || *e)
			return -EINVAL;
		*ret_ns = (int64_t)timegm(&tm) * 1000000000LL;
		return 0;
	}
	int64_t ns = 0;
	if (*e == '.') {
		int64_t mul = 100000000;
		for (e++; *e >= '0' && *e <= '9'; e++, mul /= 10)
			ns += (*e - '0') * mul;
	}
	int64_t off = 0;
	if ((*e == '+' || *e == '-') && strlen(e) == 6 && e[3] == ':') {
		off = ((e[1] - '0') * 10 + (e[2] - '0')) * 3600 +
		      ((e[4] - '0') * 10 + (e[5] - '0')) * 60;
		off = *e == '+' ? off : -off;
	} else if (strcmp(e, "Z") && *e) {
		return -EINVAL;
	}
	*ret_ns = ((int64_t)timegm(&tm) - off) * 1000000000LL + ns;
	return 0;
}
