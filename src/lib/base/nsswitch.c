// SPDX-License-Identifier: MIT
#include "base/nsswitch.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

static int open_self(int *ret_old, struct hk_err *err)
{
	*ret_old = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*ret_old < 0)
		return hk_err_sys(err, -errno, "open /proc/thread-self/ns/net");
	return 0;
}

int hk_thread_netns_enter(int netns_fd, int *ret_old, struct hk_err *err)
{
	*ret_old = -1;
	if (netns_fd < 0)
		return 0;
	int old, r = open_self(&old, err);
	if (r < 0)
		return r;
	if (setns(netns_fd, CLONE_NEWNET) < 0) {
		r = hk_err_sys(err, -errno, "enter the network namespace");
		close(old);
		return r;
	}
	*ret_old = old;
	return 0;
}

int hk_thread_netns_new(int *ret_old, struct hk_err *err)
{
	int old, r = open_self(&old, err);
	if (r < 0)
		return r;
	if (unshare(CLONE_NEWNET) < 0) {
		r = hk_err_sys(err, -errno, "create a new network namespace");
		close(old);
		*ret_old = -1;
		return r;
	}
	*ret_old = old;
	return 0;
}

void hk_thread_netns_leave(int old)
{
	if (old < 0)
		return;
	if (setns(old, CLONE_NEWNET) < 0)
		abort(); /* we could no longer tell which namespace later calls would change */
	close(old);
}
