// SPDX-License-Identifier: MIT
/* A linux node's container (labct.h). */
#include "labct.h"

#include <errno.h>

#include "ctstop.h"

int hk_lab_ct_stop(struct hk_store *st, const struct hk_paths *p, const char *ctname,
		   struct hk_err *err)
{
	struct hk_ct_row c;
	int r = hk_store_get(st, ctname, &c, err);
	if (r == 0) {
		r = hk_ct_stop(st, p, &c, -1, 0, err);
		hk_ct_row_free(&c);
	}
	return r < 0 ? hk_err_prefix(err, "stop") : 0;
}

int hk_lab_ct_remove(struct hk_store *st, const struct hk_paths *p, const char *ctname,
		     struct hk_err *err)
{
	struct hk_ct_row c;
	int r = hk_store_get(st, ctname, &c, err);
	if (r == -ENOENT) {
		hk_err_clear(err);
		return 0;
	}
	if (r == 0) {
		r = hk_ct_rm(st, p, &c, true, err);
		hk_ct_row_free(&c);
	}
	return r < 0 ? hk_err_prefix(err, "rm") : 0;
}
