// SPDX-License-Identifier: MIT
/* dummy: no options. (Not in every kernel: without CONFIG_DUMMY the create fails with
 * EOPNOTSUPP, "Unknown device type", reported as "the kernel has no dummy support".) */
#include "link.h"

const struct hk_link_kind hk_link_dummy = {
	.name = "dummy",
	.info_kind = "dummy",
};
