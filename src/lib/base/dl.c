// SPDX-License-Identifier: MIT
#include "base/dl.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>

void *hk_dl_open(struct hk_dl *dl, const char *soname, const char *what)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();
		dl->code = -ENOENT;
		snprintf(dl->msg, sizeof(dl->msg), "%s is needed for %s and cannot be loaded: %s",
			 soname, what, e ? e : "not found");
	}
	return h;
}

void *hk_dl_sym(struct hk_dl *dl, void *h, const char *soname, const char *name)
{
	void *p = dl->code ? NULL : dlsym(h, name);
	if (!p && !dl->code) {
		dl->code = -ENOENT;
		snprintf(dl->msg, sizeof(dl->msg), "%s: symbol '%s' missing (wrong version?)",
			 soname, name);
	}
	return p;
}

int hk_dl_result(const struct hk_dl *dl, struct hk_err *err)
{
	if (!dl->code)
		return 0;
	hk_err_set(err, dl->code, "%s", dl->msg);
	hk_err_class_set(err, HK_ERR_UNSUPPORTED);
	return dl->code;
}
