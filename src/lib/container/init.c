// SPDX-License-Identifier: MIT
/*
 * Exit statuses as Docker reports them. The container's PID 1 itself is hako-init
 * (src/tramp/init.c, started by initbin.c).
 */
#include "container.h"

#include <sys/wait.h>

int hk_ct_exit_code(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return HK_EXIT_HAKO;
}
