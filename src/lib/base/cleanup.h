/* SPDX-License-Identifier: MIT */
/* Scope-bound cleanup helpers (systemd style). Destructors accept NULL / -1. */
#ifndef HK_CLEANUP_H
#define HK_CLEANUP_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void hk_freep(void *p)
{
	free(*(void **)p);
}

static inline void hk_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void hk_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline void hk_closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(hk_freep)
#define _cleanup_close_ _cleanup_(hk_closep)
#define _cleanup_fclose_ _cleanup_(hk_fclosep)
#define _cleanup_closedir_ _cleanup_(hk_closedirp)

/* Move ownership out of a cleanup variable. */
#define TAKE_PTR(p)                                                                                \
	({                                                                                         \
		__typeof__(p) _p = (p);                                                            \
		(p) = NULL;                                                                        \
		_p;                                                                                \
	})
#define TAKE_FD(fd)                                                                                \
	({                                                                                         \
		int _fd = (fd);                                                                    \
		(fd) = -1;                                                                         \
		_fd;                                                                               \
	})

#define HK_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
