// SPDX-License-Identifier: MIT
#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum hk_err_class hk_err_class_of(int code)
{
	switch (-code) {
	case EPERM:
	case EACCES:
		return HK_ERR_PERM;
	case ENOENT:
	case ENODEV:
	case ESRCH:
		return HK_ERR_NOTFOUND;
	case EOPNOTSUPP:
	case EAFNOSUPPORT:
	case EPROTONOSUPPORT:
		return HK_ERR_UNSUPPORTED;
	default:
		return HK_ERR_FAILED;
	}
}

static void vset(struct hk_err *err, int code, int with_errno, const char *fmt, va_list ap)
{
	if (!err)
		return;
	err->code = code < 0 ? code : -EINVAL;
	err->cls = hk_err_class_of(err->code);
	err->extack[0] = 0;
	int n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	if (with_errno && n >= 0 && (size_t)n < sizeof(err->msg))
		snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(-err->code));
}

int hk_err_set(struct hk_err *err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vset(err, code, 0, fmt, ap);
	va_end(ap);
	return code < 0 ? code : -EINVAL;
}

int hk_err_sys(struct hk_err *err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vset(err, code, 1, fmt, ap);
	va_end(ap);
	return code < 0 ? code : -EINVAL;
}

int hk_err_usage(struct hk_err *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vset(err, -EINVAL, 0, fmt, ap);
	va_end(ap);
	if (err)
		err->cls = HK_ERR_USAGE;
	return -EINVAL;
}

int hk_err_prefix(struct hk_err *err, const char *fmt, ...)
{
	if (!err)
		return -EINVAL;
	char pfx[HK_ERR_MSG_MAX], old[HK_ERR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(pfx, sizeof(pfx), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	size_t n = strlen(pfx);
	if (n + 2 >= sizeof(err->msg))
		n = sizeof(err->msg) - 3;
	memcpy(err->msg, pfx, n);
	memcpy(err->msg + n, ": ", 2);
	size_t room = sizeof(err->msg) - n - 2;
	size_t m = strnlen(old, room - 1);
	memcpy(err->msg + n + 2, old, m);
	err->msg[n + 2 + m] = '\0';
	return err->code;
}

void hk_err_class_set(struct hk_err *err, enum hk_err_class cls)
{
	if (err)
		err->cls = cls;
}

void hk_err_clear(struct hk_err *err)
{
	if (!err)
		return;
	err->code = 0;
	err->cls = 0;
	err->msg[0] = '\0';
}
