// SPDX-License-Identifier: MIT
/* The exec trampoline (tramp.h): its sealed memfd, the argv[0] guard, execvp's rules, and the
 * failure report completed by hk_exec_report_finish(). Runs the embedded program; no root. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container.h"
#include "tap.h"
#include "tramp.h"

/* Run argv through the trampoline with env; *st: the exit status; returns 1 and fills m when
 * a report came back, 0 on EOF (the command was exec'ed). */
static int run(char *const argv[], char *const env[], int *st, struct hk_exec_report *m)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		struct hk_err err = {};
		close(p[0]);
		int fd = hk_tramp_open(&err);
		if (fd >= 0)
			hk_tramp_exec(fd, p[1], argv, env, &err);
		_exit(99);
	}
	close(p[1]);
	ssize_t k = read(p[0], m, sizeof(*m));
	close(p[0]);
	waitpid(pid, st, 0);
	return k == (ssize_t)sizeof(*m);
}

int main(void)
{
	struct hk_err err = {};
	int fd = hk_tramp_open(&err);
	TAP_OK(fd >= 0, "hk_tramp_open: %s", err.msg);
	int seals = fcntl(fd, F_GET_SEALS);
	TAP_EQ_INT(seals & (F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL),
		   F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL, "memfd fully sealed");
	TAP_OK(write(fd, "x", 1) < 0 && errno == EPERM, "writing the memfd fails (EPERM)");
	TAP_EQ_INT(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC, "memfd is close-on-exec");

	/* not started by hako (e.g. #!/proc/self/exe): refused with 126, no report */
	pid_t pid = fork();
	if (pid == 0) {
		char *av[] = { "/proc/self/exe", "/script", NULL }, *ev[] = { NULL };
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 2);
		execveat(fd, "", av, ev, AT_EMPTY_PATH);
		_exit(99);
	}
	int st;
	waitpid(pid, &st, 0);
	TAP_OK(WIFEXITED(st) && WEXITSTATUS(st) == 126, "wrong argv[0]: exit 126 (status %d)", st);
	close(fd);

	struct hk_exec_report m;
	char *path_env[] = { "PATH=/nonexistent-hako:/usr/bin:/bin", NULL };
	char *ok_argv[] = { "true", NULL };
	TAP_EQ_INT(run(ok_argv, path_env, &st, &m), 0, "PATH search: 'true' runs, no report");
	TAP_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "'true' exits 0");

	char *missing[] = { "no-such-command-hako", "a", NULL };
	TAP_EQ_INT(run(missing, path_env, &st, &m), 1, "missing command: a report");
	TAP_EQ_INT(m.step, HK_STEP_EXEC, "report step HK_STEP_EXEC");
	TAP_EQ_INT(m.err.code, -ENOENT, "report code -ENOENT");
	TAP_EQ_INT(m.err.cls, 0, "report class 0 until finished");
	hk_exec_report_finish(&m.err);
	TAP_EQ_STR(m.err.msg, "exec 'no-such-command-hako': executable file not found in container",
		   "finished message as execvp's");
	TAP_EQ_INT(m.err.cls, HK_ERR_NOTFOUND, "class not found");
	TAP_OK(WIFEXITED(st) && WEXITSTATUS(st) == HK_EXIT_NOTFOUND, "exit 127");

	char *dir[] = { "/", NULL };
	TAP_EQ_INT(run(dir, path_env, &st, &m), 1, "a directory: a report");
	hk_exec_report_finish(&m.err);
	TAP_EQ_STR(m.err.msg, "exec '/': Permission denied", "EACCES message");
	TAP_OK(WIFEXITED(st) && WEXITSTATUS(st) == HK_EXIT_NOEXEC, "exit 126");

	/* a finished report is left alone */
	hk_err_set(&err, -EIO, "kept");
	hk_exec_report_finish(&err);
	TAP_EQ_STR(err.msg, "kept", "hako's own reports unchanged");
	return tap_done();
}
