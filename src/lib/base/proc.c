// SPDX-License-Identifier: MIT
/* Telling whether a recorded process is still the same live process (proc.h). */
#include "base/proc.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

uint64_t hk_proc_start_time(pid_t pid)
{
	char p[64], buf[1024];
	snprintf(p, sizeof(p), "/proc/%d/stat", (int)pid);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t k = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (k <= 0)
		return 0;
	buf[k] = 0;
	/* comm may hold spaces and parentheses: fields start after the last ')' */
	char *s = strrchr(buf, ')');
	if (!s)
		return 0;
	char state = 0;
	unsigned long long start = 0;
	if (sscanf(s + 2,
		   "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d "
		   "%*d %*d %llu",
		   &state, &start) != 2 ||
	    state == 'Z' || state == 'X')
		return 0;
	return start;
}

bool hk_proc_alive(pid_t pid, uint64_t start_time)
{
	if (pid <= 0)
		return false;
	uint64_t st = hk_proc_start_time(pid);
	return st != 0 && (start_time == 0 || st == start_time);
}
