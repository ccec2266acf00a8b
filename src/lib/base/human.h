/* SPDX-License-Identifier: MIT */
/*
 * Numbers as people read them, in Docker's words (github.com/docker/go-units):
 * durations ("2 minutes", "About an hour"), sizes in decimal units ("1.23MB", images and
 * `system df`) and binary units ("1.5MiB", `stats`), and RFC 3339 times.
 */
#ifndef HK_HUMAN_H
#define HK_HUMAN_H

#include <stddef.h>
#include <stdint.h>

/* go-units HumanDuration: "Less than a second", "1 second", "5 seconds", "About a minute",
 * "3 minutes", "About an hour", "5 hours", "3 days", "2 weeks", "3 months", "2 years". */
void hk_human_duration(int64_t secs, char *buf, size_t len);
/* go-units HumanSize: 4 significant digits, powers of 1000: "0B", "1.5kB", "123.4MB". */
void hk_human_size(uint64_t bytes, char *buf, size_t len);
/* go-units BytesSize: powers of 1024: "1.5MiB", "7.63GiB". */
void hk_human_bytes(uint64_t bytes, char *buf, size_t len);
/* Unix seconds as RFC 3339 in UTC ("2026-12-02T21:04:49Z"); 0 gives Go's zero time
 * "0001-01-01T00:00:00Z" as Docker prints for "never". */
void hk_human_rfc3339(int64_t t, char *buf, size_t len);

/* A point in time as `docker logs --since/--until` takes it, into unix nanoseconds: RFC 3339
 * ("2026-12-02T21:04:49Z", fractions and offsets too, or a date "2026-12-02"), unix seconds
 * ("1796245489", "1796245489.5"), or a Go duration before now ("10m", "1h30m", "42s",
 * "1.5h", "250ms"). -EINVAL for anything else, -ERANGE past what an int64 of ns holds. */
int hk_human_parse_time(const char *s, int64_t now_ns, int64_t *ret_ns);

#endif
