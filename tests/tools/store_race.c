// SPDX-License-Identifier: MIT
/*
 * store_race DB N: N processes open the state database DB (usually not there yet) at the same
 * instant (forked first, then released together by closing a pipe), much tighter than N
 * hako commands can be. Prints "F/N failed" and each failure's message; exit 1 if any failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store.h"

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: store_race DB N\n");
		return 2;
	}
	int n = atoi(argv[2]), p[2], fails = 0;
	if (n < 1 || pipe(p) < 0)
		return 2;
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid < 0)
			return 2;
		if (pid == 0) {
			char c;
			close(p[1]);
			if (read(p[0], &c, 1) < 0)
				_exit(2);
			struct hk_store *st;
			struct hk_err e = { 0 };
			if (hk_store_open(argv[1], &st, &e) < 0) {
				fprintf(stderr, "%s\n", e.msg);
				_exit(1);
			}
			hk_store_close(st);
			_exit(0);
		}
	}
	close(p[0]);
	usleep(200000); /* every child waits in read() by now */
	close(p[1]);
	int s;
	while (wait(&s) > 0)
		fails += !WIFEXITED(s) || WEXITSTATUS(s) != 0;
	printf("%d/%d failed\n", fails, n);
	return fails != 0;
}
