// SPDX-License-Identifier: MIT
/* Durations, sizes and times in Docker's words (human.h). */
#include "human.h"

#include <stdio.h>
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
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
