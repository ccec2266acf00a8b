// SPDX-License-Identifier: MIT
/* qemu: binary, accelerator, command line, start and stop (see qemu.h). */
#include "qemu.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/proc.h"

#define QEMU_NAME "qemu-system-x86_64"

int hk_qemu_find(char *buf, size_t len, struct hk_err *err)
{
	const char *env = getenv("HAKO_QEMU");
	if (env && env[0]) {
		if (access(env, X_OK) == 0) {
			snprintf(buf, len, "%s", env);
			return 0;
		}
		hk_err_sys(err, -errno, "qemu '%s' (HAKO_QEMU)", env);
		hk_err_class_set(err, HK_ERR_UNSUPPORTED);
		return err->code;
	}
	const char *path = getenv("PATH");
	_cleanup_free_ char *dirs = strdup(path && path[0] ? path : "/usr/local/bin:/usr/bin:/bin");
	if (!dirs)
		return hk_err_sys(err, -ENOMEM, "PATH");
	for (char *save, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(buf, len, "%s/%s", d, QEMU_NAME);
		if (access(buf, X_OK) == 0)
			return 0;
	}
	hk_err_set(err, -ENOENT,
		   "qemu is not installed: no " QEMU_NAME " on PATH (apt-get install "
		   "qemu-system-x86)");
	hk_err_class_set(err, HK_ERR_UNSUPPORTED);
	return -ENOENT;
}

int hk_qemu_accel(const char *want, char ret[8], struct hk_err *err)
{
	if (want && !strcmp(want, "tcg")) {
		strcpy(ret, "tcg");
		return 0;
	}
	if (want && strcmp(want, "auto") && strcmp(want, "kvm"))
		return hk_err_usage(err, "--accel '%s': expected auto, kvm or tcg", want);
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		strcpy(ret, "kvm");
		return 0;
	}
	if (!want || !strcmp(want, "auto")) {
		strcpy(ret, "tcg");
		return 0;
	}
	hk_err_sys(err, -errno, "--accel kvm: open /dev/kvm");
	hk_err_class_set(err, HK_ERR_UNSUPPORTED);
	return err->code;
}

void hk_qemu_argv_free(struct hk_qemu_argv *a)
{
	for (int i = 0; i < a->n; i++)
		free(a->v[i]);
	a->n = 0;
	a->v[0] = NULL;
}

static int add(struct hk_qemu_argv *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int add(struct hk_qemu_argv *a, const char *fmt, ...)
{
	if (a->n >= HK_QEMU_ARGS_MAX)
		return -E2BIG;
	va_list ap;
	va_start(ap, fmt);
	int k = vasprintf(&a->v[a->n], fmt, ap);
	va_end(ap);
	if (k < 0)
		return -ENOMEM;
	a->v[++a->n] = NULL;
	return 0;
}

/* A value inside qemu's KEY=VALUE,... option syntax: ',' is written ',,'. */
static char *esc(const char *s)
{
	char *o = malloc(strlen(s) * 2 + 1), *p = o;
	for (; o && *s; s++) {
		*p++ = *s;
		if (*s == ',')
			*p++ = ',';
	}
	if (o)
		*p = 0;
	return o;
}

static const char *disk_format(const char *path)
{
	unsigned char m[4] = { 0 };
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && read(fd, m, 4) == 4 && !memcmp(m, "QFI\xfb", 4))
		return "qcow2";
	return "raw";
}

int hk_qemu_argv(const struct hk_qemu_cfg *c, struct hk_qemu_argv *a, struct hk_err *err)
{
	bool kvm = !strcmp(c->accel, "kvm");
	_cleanup_free_ char *dir = esc(c->rundir);
	_cleanup_free_ char *name = esc(c->name);
	_cleanup_free_ char *disk = c->disk ? esc(c->disk) : NULL;
	int r = dir && name && (!c->disk || disk) ? 0 : -ENOMEM;
	a->n = 0;
	a->v[0] = NULL;
	r = r ?: add(a, "%s", c->bin);
	r = r ?: add(a, "-name");
	r = r ?: add(a, "%s", name);
	r = r ?: add(a, "-machine");
	r = r ?: add(a, "pc,accel=%s", c->accel);
	r = r ?: add(a, "-cpu");
	r = r ?: add(a, "%s", kvm ? "host" : "max");
	r = r ?: add(a, "-m");
	r = r ?: add(a, "%u", c->memory);
	r = r ?: add(a, "-smp");
	r = r ?: add(a, "%u", c->cpus);
	r = r ?: add(a, "-nodefaults");
	r = r ?: add(a, "-no-user-config");
	r = r ?: add(a, "-display");
	r = r ?: add(a, "none");
	r = r ?: add(a, "-no-reboot");
	/* the serial console: a pty of qemu's (vm console), everything logged */
	r = r ?: add(a, "-chardev");
	r = r ?: add(a, "pty,id=con0,logfile=%s/console.log,logappend=on", dir);
	r = r ?: add(a, "-serial");
	r = r ?: add(a, "chardev:con0");
	if (c->kernel) {
		r = r ?: add(a, "-kernel");
		r = r ?: add(a, "%s", c->kernel);
		if (c->initrd) {
			r = r ?: add(a, "-initrd");
			r = r ?: add(a, "%s", c->initrd);
		}
		r = r ?: add(a, "-append");
		r = r ?: add(a, "%s", c->append ? c->append : "");
	}
	if (c->disk) {
		r = r ?: add(a, "-drive");
		r = r ?: add(a, "file=%s,if=virtio,format=%s", disk, disk_format(c->disk));
	}
	for (size_t i = 0; i < c->n_nics && i < HK_QEMU_NICS_MAX; i++) {
		r = r ?: add(a, "-netdev");
		r = r ?: add(a, "tap,id=net%zu,fd=%d", i, c->net_fds[i]);
		r = r ?: add(a, "-device");
		r = r ?: add(a, "virtio-net-pci,netdev=net%zu,mac=%s", i, c->macs[i]);
	}
	r = r ?: add(a, "-pidfile");
	r = r ?: add(a, "%s/qemu.pid", c->rundir);
	r = r ?: add(a, "-daemonize");
	if (r < 0) {
		hk_qemu_argv_free(a);
		return hk_err_sys(err, r, "qemu command line");
	}
	return 0;
}

/* qemu's last non-empty line of output (its error), without the "qemu-system-x86_64: " */
static void last_line(const char *out, char *buf, size_t len)
{
	const char *best = NULL;
	size_t blen = 0;
	for (const char *p = out; *p;) {
		const char *e = strchr(p, '\n');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l && strncmp(p, "char device redirected", 22)) {
			best = p;
			blen = l;
		}
		p += l + (e ? 1 : 0);
	}
	if (best && blen > strlen(QEMU_NAME ": ") && !strncmp(best, QEMU_NAME ": ", 20)) {
		best += 20;
		blen -= 20;
	}
	snprintf(buf, len, "%.*s", (int)(best ? blen : 0), best ? best : "");
}

/* Read the child's output until EOF (qemu's daemon points its stdio at /dev/null when it is
 * ready) or 60 s. */
static void collect(int fd, char *out, size_t cap)
{
	size_t n = 0;
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		long ms = 60000 - (now.tv_sec - t0.tv_sec) * 1000 -
			  (now.tv_nsec - t0.tv_nsec) / 1000000;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (ms <= 0 || poll(&p, 1, (int)ms) <= 0)
			break;
		char tmp[512];
		ssize_t k = read(fd, tmp, sizeof(tmp));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		size_t take = (size_t)k < cap - 1 - n ? (size_t)k : cap - 1 - n;
		memcpy(out + n, tmp, take);
		n += take;
	}
	out[n] = 0;
}

static int read_pid(const char *rundir, pid_t *ret)
{
	char path[4200], buf[32] = "";
	snprintf(path, sizeof(path), "%s/qemu.pid", rundir);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0)
		return -ENOENT;
	*ret = (pid_t)strtol(buf, NULL, 10);
	return *ret > 0 ? 0 : -EINVAL;
}

int hk_qemu_start(const struct hk_qemu_cfg *c, pid_t *ret_pid, char *console, size_t len,
		  struct hk_err *err)
{
	struct hk_qemu_argv a;
	int r = hk_qemu_argv(c, &a, err);
	if (r < 0)
		return r;
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		hk_qemu_argv_free(&a);
		return hk_err_sys(err, -errno, "pipe");
	}
	pid_t pid = fork();
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (nul < 0 || dup2(nul, 0) < 0 || dup2(pfd[1], 1) < 0 || dup2(pfd[1], 2) < 0)
			_exit(127);
		/* the fds qemu inherits: every other one of hako's is close-on-exec */
		for (size_t i = 0; i < c->n_nics; i++)
			if (fcntl(c->net_fds[i], F_SETFD, 0) < 0)
				_exit(127);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execv(a.v[0], a.v);
		dprintf(2, "exec %s: %s\n", a.v[0], strerror(errno));
		_exit(127);
	}
	int e = errno;
	close(pfd[1]);
	hk_qemu_argv_free(&a);
	if (pid < 0) {
		close(pfd[0]);
		return hk_err_sys(err, -e, "fork");
	}
	char out[8192];
	collect(pfd[0], out, sizeof(out));
	close(pfd[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char line[400];
		last_line(out, line, sizeof(line));
		pid_t daemon;
		if (read_pid(c->rundir, &daemon) == 0) /* it got that far: not to be left */
			hk_qemu_stop(daemon, 0, 0);
		return hk_err_set(err, -EIO, "qemu failed: %s", line[0] ? line : "no message");
	}
	const char *p = strstr(out, "char device redirected to ");
	console[0] = 0;
	if (p) /* "char device redirected to /dev/pts/N (label con0)" */
		snprintf(console, len, "%.*s", (int)strcspn(p + 26, " \n"), p + 26);
	if (read_pid(c->rundir, ret_pid) < 0)
		return hk_err_set(err, -EIO, "qemu started but wrote no pid file in '%s'",
				  c->rundir);
	return 0;
}

void hk_qemu_stop(pid_t pid, uint64_t start, int timeout_ms)
{
	if (pid <= 0 || !hk_proc_alive(pid, start))
		return;
	if (start == 0)
		start = hk_proc_start_time(pid);
	kill(pid, timeout_ms > 0 ? SIGTERM : SIGKILL);
	for (int t = 0; t < timeout_ms / 10 && hk_proc_alive(pid, start); t++)
		usleep(10000);
	if (hk_proc_alive(pid, start))
		kill(pid, SIGKILL);
	for (int t = 0; t < 500 && hk_proc_alive(pid, start); t++)
		usleep(10000);
}
