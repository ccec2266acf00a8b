/* SPDX-License-Identifier: MIT */
/*
 * Registry configuration: mirrors, insecure and blocked registries, with the field names of
 * containers/image's registries.conf (v2) but written as JSON, since Debian 12 has no C TOML
 * library; the file is $HAKO_REGISTRIES_CONF, else /etc/hako/registries.json (absent: no
 * configuration):
 *
 *   {"registry": [{"prefix": "docker.io",            (default: location)
 *                  "location": "docker.io",
 *                  "insecure": false,                 (TLS not verified, http allowed)
 *                  "blocked": false,
 *                  "mirror": [{"location": "127.0.0.1:5000/hub", "insecure": true}]}]}
 *
 * The entry whose prefix is the longest match of a reference's HOST/PATH (at a '/' boundary)
 * applies: a pull tries its mirrors in order, then the location (the prefix replaced by the
 * mirror's or the entry's location); push and login use the location only.
 */
#ifndef HK_REGCONF_H
#define HK_REGCONF_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "regref.h"

#define HK_REGCONF_PATH "/etc/hako/registries.json"
#define HK_REGCONF_MAX_EP 9

struct hk_regconf_ep {
	struct hk_regref ref; /* the reference at this endpoint */
	bool insecure;
	bool mirror;
};

/* The endpoints to try for ref, mirrors first (with_mirrors: pulls), at least one (ref
 * itself when no entry applies). -EACCES (class 4) when the entry is blocked, -EBADMSG when
 * the file is malformed (err names it and why). */
int hk_regconf_endpoints(const struct hk_regref *ref, bool with_mirrors,
			 struct hk_regconf_ep ret[HK_REGCONF_MAX_EP], size_t *ret_n,
			 struct hk_err *err);

#endif
