// SPDX-License-Identifier: MIT
/* The VM lifecycle over the store (see vm.h). */
#include "vm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/parse.h"
#include "base/proc.h"
#include "qemu.h"
#include "testpoint.h"
#include "vmnet.h"

void hk_vm_rundir(const struct hk_paths *p, const char *id, char *buf, size_t len)
{
	snprintf(buf, len, "%s/vm/%s", p->run, id);
}

static int set(char *dst, size_t len, const char *v, const char *what, struct hk_err *err)
{
	if (!v)
		return 0;
	if (strlen(v) >= len)
		return hk_err_usage(err, "%s is longer than %zu bytes", what, len - 1);
	snprintf(dst, len, "%s", v);
	return 0;
}

/* A file the VM boots from: it must exist and be readable. Not there: not found. */
static int readable(const char *path, const char *what, struct hk_err *err)
{
	if (!path)
		return 0;
	struct stat sb;
	if (stat(path, &sb) < 0 || access(path, R_OK) < 0) {
		hk_err_sys(err, -errno, "%s '%s'", what, path);
		if (err->code == -ENOENT)
			hk_err_class_set(err, HK_ERR_NOTFOUND);
		return err->code;
	}
	if (!S_ISREG(sb.st_mode) && !S_ISBLK(sb.st_mode))
		return hk_err_usage(err, "%s '%s' is not a file", what, path);
	return 0;
}

static int check_name(const char *n, struct hk_err *err)
{
	bool ok = n[0] && strlen(n) <= HK_CT_NAME_MAX && n[0] != '.' && n[0] != '-';
	for (const char *c = n; ok && *c; c++)
		ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		     (*c >= '0' && *c <= '9') || *c == '_' || *c == '.' || *c == '-';
	return ok ? 0 : hk_err_usage(err, "vm name '%s': use letters, digits, '_', '.', '-'", n);
}

/* The row the spec describes (validated; nothing on the system touched). */
static int plan(struct hk_store *st, const struct hk_vm_spec *s, struct hk_vm_row *v,
		struct hk_err *err)
{
	bool none = s->network && !strcmp(s->network, "none");
	const char *network = none ? NULL : s->network;
	if (network && s->macvtap)
		return hk_err_usage(err, "--network and --macvtap exclude each other");
	if (s->n_taps + !!(network || s->macvtap) > HK_VM_NICS_MAX)
		return hk_err_usage(err, "more than %d network devices", HK_VM_NICS_MAX);
	for (size_t i = 0; i < s->n_taps; i++) {
		int r = hk_parse_ifname(s->taps[i], err);
		if (r < 0)
			return hk_err_prefix(err, "--tap");
		for (size_t j = 0; j < i; j++)
			if (!strcmp(s->taps[i], s->taps[j]))
				return hk_err_usage(err, "--tap '%s' given twice", s->taps[i]);
	}
	if (!s->kernel == !s->disk)
		return hk_err_usage(err, "a VM boots a --kernel or a DISK (one of them)");
	if (!s->kernel && (s->initrd || s->append))
		return hk_err_usage(err, "--initrd and --append need --kernel");
	memset(v, 0, sizeof(*v));
	uint8_t rnd[8];
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		return hk_err_sys(err, -errno, "getrandom");
	for (int i = 0; i < 8; i++)
		snprintf(v->id + 2 * i, 3, "%02x", rnd[i]);
	if (s->name)
		snprintf(v->name, sizeof(v->name), "%.*s", HK_CT_NAME_MAX, s->name);
	else
		snprintf(v->name, sizeof(v->name), "vm-%.8s", v->id);
	int r = check_name(s->name ? s->name : v->name, err);
	r = r ?: set(v->kernel, sizeof(v->kernel), s->kernel, "--kernel", err);
	r = r ?: set(v->initrd, sizeof(v->initrd), s->initrd, "--initrd", err);
	r = r ?: set(v->append, sizeof(v->append), s->append, "--append", err);
	r = r ?: set(v->disk, sizeof(v->disk), s->disk, "DISK", err);
	if (r < 0)
		return r;
	v->memory = s->memory ? s->memory : 256;
	v->cpus = s->cpus ? s->cpus : 1;
	if (v->memory < 32 || v->memory > 1024 * 1024)
		return hk_err_usage(err, "--memory %u: expected 32 to 1048576 MiB", v->memory);
	if (v->cpus > 255)
		return hk_err_usage(err, "--cpus %u: expected 1 to 255", v->cpus);
	hk_vmnet_mac(v, 0, v->mac);
	size_t first = 0; /* the taps that are not the first NIC start here */
	if (!network && !s->macvtap && s->n_taps) {
		strcpy(v->nettype, "tap");
		r = set(v->hostif, sizeof(v->hostif), s->taps[0], "--tap", err);
		first = 1;
	} else if (s->macvtap) {
		strcpy(v->nettype, "macvtap");
		r = set(v->net, sizeof(v->net), s->macvtap, "--macvtap", err);
		snprintf(v->hostif, sizeof(v->hostif), "hv%.13s", v->id);
	} else if (none) {
		strcpy(v->nettype, "none");
	} else {
		strcpy(v->nettype, "network");
		r = set(v->net, sizeof(v->net), network ? network : HK_NET_DEFAULT, "--network",
			err);
		snprintf(v->hostif, sizeof(v->hostif), "hv%.13s", v->id);
	}
	for (size_t i = first; r == 0 && i < s->n_taps; i++) { /* names checked above */
		size_t o = strlen(v->taps);
		snprintf(v->taps + o, sizeof(v->taps) - o, "%s%s", o ? " " : "", s->taps[i]);
	}
	if (r == 0 && (s->ip || s->n_ports) && strcmp(v->nettype, "network"))
		r = hk_err_usage(err, "--ip and -p need a hako network (--network)");
	if (r < 0)
		return r;
	char bin[4096];
	r = hk_qemu_find(bin, sizeof(bin), err);
	r = r ?: hk_qemu_accel(s->accel, v->accel, err);
	r = r ?: readable(s->kernel, "kernel", err);
	r = r ?: readable(s->initrd, "initrd", err);
	r = r ?: readable(s->disk, "disk", err);
	r = r ?: hk_vmnet_check(st, v, err);
	return r;
}

static void rundir_rm(const struct hk_paths *p, const char *id)
{
	char dir[HK_PATH_MAX], f[HK_PATH_MAX + 32];
	hk_vm_rundir(p, id, dir, sizeof(dir));
	static const char *const files[] = { "qemu.pid", "dhcp.pid", "console.log" };
	for (size_t i = 0; i < HK_ARRAY_SIZE(files); i++) {
		snprintf(f, sizeof(f), "%s/%s", dir, files[i]);
		unlink(f);
	}
	rmdir(dir);
}

static int rundir_make(const struct hk_paths *p, const char *id, char *dir, size_t len,
		       struct hk_err *err)
{
	char base[HK_PATH_MAX + 8];
	snprintf(base, sizeof(base), "%s/vm", p->run);
	if (mkdir(base, 0700) < 0 && errno != EEXIST)
		return hk_err_sys(err, -errno, "mkdir '%s'", base);
	hk_vm_rundir(p, id, dir, len);
	if (mkdir(dir, 0700) < 0)
		return hk_err_sys(err, -errno, "mkdir '%s'", dir);
	return 0;
}

/* The qemu of a VM whose hako died before recording its pid: the pid file qemu wrote, if
 * that process's command line names this VM's pid file (the pid may have been reused). */
static pid_t pidfile_qemu(const struct hk_paths *p, const char *id)
{
	char f[HK_PATH_MAX + 16], buf[32] = "", want[HK_PATH_MAX + 16];
	hk_vm_rundir(p, id, want, sizeof(want));
	strncat(want, "/qemu.pid", sizeof(want) - strlen(want) - 1);
	_cleanup_close_ int fd = open(want, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0)
		return 0;
	pid_t pid = (pid_t)atoi(buf);
	snprintf(f, sizeof(f), "/proc/%d/cmdline", (int)pid);
	_cleanup_close_ int cf = open(f, O_RDONLY | O_CLOEXEC);
	_cleanup_free_ char *cmd = malloc(65536);
	ssize_t k = cf < 0 || !cmd ? -1 : read(cf, cmd, 65535);
	if (pid <= 0 || k <= 0)
		return 0;
	for (ssize_t i = 0; i < k; i++)
		cmd[i] = cmd[i] ? cmd[i] : ' ';
	cmd[k] = 0;
	return strstr(cmd, want) ? pid : 0;
}

/* Everything of v's but its row: qemu, network, run directory. */
static void undo(struct hk_store *st, const struct hk_paths *p, const struct hk_vm_row *v)
{
	struct hk_err e;
	pid_t orphan = v->pid ? 0 : pidfile_qemu(p, v->id);
	hk_qemu_stop(v->pid ? v->pid : orphan, v->pid_start, 0);
	hk_vmnet_release(st, p, v, &e);
	rundir_rm(p, v->id);
}

/* qemu for v with the NICs' fds; fills v->pid, pid_start, console. */
static int launch(struct hk_vm_row *v, const char *dir, const char *bin, const char *ip,
		  const int *fds, size_t nfd, struct hk_err *err)
{
	/* the serial console first, so a user's console= comes last and wins; ip= last */
	char append[HK_VM_ARG_MAX + 300];
	snprintf(append, sizeof(append), "console=ttyS0%s%s%s%s", v->append[0] ? " " : "",
		 v->append, ip[0] ? " " : "", ip);
	struct hk_qemu_cfg c = {
		.bin = bin,
		.accel = v->accel,
		.name = v->name,
		.memory = v->memory,
		.cpus = v->cpus,
		.kernel = v->kernel[0] ? v->kernel : NULL,
		.initrd = v->initrd[0] ? v->initrd : NULL,
		.append = append,
		.disk = v->disk[0] ? v->disk : NULL,
		.n_nics = nfd,
		.rundir = dir,
	};
	char macs[HK_VM_NICS_MAX][18];
	for (size_t i = 0; i < nfd; i++) {
		c.net_fds[i] = fds[i];
		hk_vmnet_mac(v, i, macs[i]);
		c.macs[i] = macs[i];
	}
	int r = hk_qemu_start(&c, &v->pid, v->console, sizeof(v->console), err);
	if (r < 0)
		return r;
	v->pid_start = hk_proc_start_time(v->pid);
	hk_test_point("vm-started");
	return 0;
}

static int start(struct hk_store *st, const struct hk_paths *p, struct hk_vm_row *v,
		 const struct hk_vmnet_opts *o, struct hk_net_notes *notes, struct hk_err *err)
{
	char dir[HK_PATH_MAX], ip[256], bin[4096];
	int r = rundir_make(p, v->id, dir, sizeof(dir), err);
	int fds[HK_VM_NICS_MAX];
	size_t nfd = 0;
	struct hk_dhcp_lease dhcp = { 0 };
	r = r ?: hk_vmnet_setup(st, p, v, o, fds, &nfd, ip, sizeof(ip), &dhcp, notes, err);
	hk_test_point("vm-net");
	r = r ?: hk_qemu_find(bin, sizeof(bin), err);
	if (r == 0)
		r = launch(v, dir, bin, ip, fds, nfd, err);
	for (size_t i = 0; i < nfd; i++)
		close(fds[i]); /* qemu's now, only: a tap goes when qemu does */
	if (r < 0)
		return r;
	if (dhcp.addr) {
		char pidfile[HK_PATH_MAX + 16];
		snprintf(pidfile, sizeof(pidfile), "%s/dhcp.pid", dir);
		r = hk_dhcp_spawn(&dhcp, v->pid, v->pid_start, pidfile, err);
		if (r < 0)
			return r;
	}
	strcpy(v->state, HK_VM_RUNNING);
	v->owner_pid = 0;
	v->owner_start = 0;
	v->started = time(NULL);
	return hk_vmstore_update(st, v, err);
}

int hk_vm_run(struct hk_store *st, const struct hk_paths *p, const struct hk_vm_spec *s,
	      struct hk_vm_row *ret, struct hk_net_notes *notes, struct hk_err *err)
{
	struct hk_vm_row v;
	int r = plan(st, s, &v, err);
	if (r < 0)
		return r;
	strcpy(v.state, HK_VM_CREATING);
	v.owner_pid = getpid();
	v.owner_start = hk_proc_start_time(v.owner_pid);
	v.created = time(NULL);
	r = hk_vmstore_insert(st, &v, err);
	if (r < 0)
		return r;
	struct hk_vmnet_opts o = { .ip = s->ip, .ports = s->ports, .n_ports = s->n_ports };
	r = start(st, p, &v, &o, notes, err);
	if (r < 0) {
		struct hk_err e;
		undo(st, p, &v);
		hk_vmstore_delete(st, v.id, &e);
		return hk_err_prefix(err, "vm '%s'", v.name);
	}
	*ret = v;
	return 0;
}

/* qemu is gone (or is to go): stop it, release the network, record it stopped. */
static int finish(struct hk_store *st, const struct hk_paths *p, struct hk_vm_row *v,
		  int timeout_ms, struct hk_err *err)
{
	hk_qemu_stop(v->pid, v->pid_start, timeout_ms);
	int r = hk_vmnet_release(st, p, v, err);
	if (r < 0)
		return hk_err_prefix(err, "vm '%s'", v->name);
	strcpy(v->state, HK_VM_STOPPED);
	v->pid = 0;
	v->pid_start = 0;
	v->console[0] = 0;
	v->finished = time(NULL);
	if (!strcmp(v->nettype, "network"))
		v->addr[0] = 0;
	char f[HK_PATH_MAX + 16];
	hk_vm_rundir(p, v->id, f, sizeof(f));
	strncat(f, "/qemu.pid", sizeof(f) - strlen(f) - 1);
	unlink(f);
	return hk_vmstore_update(st, v, err);
}

int hk_vm_stop(struct hk_store *st, const struct hk_paths *p, const char *key,
	       struct hk_vm_row *ret, struct hk_err *err)
{
	int r = hk_vmstore_get(st, key, ret, err);
	if (r < 0 || strcmp(ret->state, HK_VM_RUNNING))
		return r;
	return finish(st, p, ret, 5000, err);
}

static int remove_row(struct hk_store *st, const struct hk_paths *p, struct hk_vm_row *v,
		      struct hk_err *err)
{
	hk_qemu_stop(v->pid, v->pid_start, 0);
	int r = hk_vmnet_release(st, p, v, err);
	if (r < 0)
		return hk_err_prefix(err, "vm '%s'", v->name);
	rundir_rm(p, v->id);
	return hk_vmstore_delete(st, v->id, err);
}

int hk_vm_remove(struct hk_store *st, const struct hk_paths *p, const char *key, bool force,
		 struct hk_vm_row *ret, struct hk_err *err)
{
	int r = hk_vmstore_get(st, key, ret, err);
	if (r < 0)
		return r;
	bool busy = strcmp(ret->state, HK_VM_RUNNING) && strcmp(ret->state, HK_VM_STOPPED);
	if (busy && hk_proc_alive(ret->owner_pid, ret->owner_start)) {
		hk_err_usage(err, "vm '%s' is %s by hako (pid %d)", ret->name,
			     !strcmp(ret->state, HK_VM_CREATING) ? "being created"
								 : "being removed",
			     (int)ret->owner_pid);
		return err->code = -EBUSY;
	}
	if (!strcmp(ret->state, HK_VM_RUNNING) && !force) {
		hk_err_usage(err, "vm '%s' is running: stop it first, or rm --force", ret->name);
		return err->code = -EBUSY;
	}
	if (!strcmp(ret->state, HK_VM_RUNNING)) {
		r = finish(st, p, ret, 5000, err);
		if (r < 0)
			return r;
	}
	/* the intent first: an rm killed from here on is finished by the next command */
	strcpy(ret->state, HK_VM_REMOVING);
	ret->owner_pid = getpid();
	ret->owner_start = hk_proc_start_time(ret->owner_pid);
	r = hk_vmstore_update(st, ret, err);
	return r < 0 ? r : remove_row(st, p, ret, err);
}

int hk_vm_reconcile(struct hk_store *st, const struct hk_paths *p, struct hk_err *err)
{
	struct hk_vm_row *rows;
	size_t n;
	int r = hk_vmstore_list(st, &rows, &n, err);
	if (r < 0)
		return r;
	for (size_t i = 0; r == 0 && i < n; i++) {
		struct hk_vm_row *v = &rows[i];
		bool owner = hk_proc_alive(v->owner_pid, v->owner_start);
		bool qemu = hk_proc_alive(v->pid, v->pid_start);
		if (!strcmp(v->state, HK_VM_CREATING) && !owner) {
			undo(st, p, v);
			r = hk_vmstore_delete(st, v->id, err);
		} else if (!strcmp(v->state, HK_VM_REMOVING) && !owner) {
			r = remove_row(st, p, v, err);
		} else if (!strcmp(v->state, HK_VM_RUNNING) && !qemu) {
			r = finish(st, p, v, 0, err);
		}
	}
	free(rows);
	return r;
}

int hk_vm_console_open(const struct hk_vm_row *v, struct hk_err *err)
{
	if (strcmp(v->state, HK_VM_RUNNING) || !v->console[0]) {
		hk_err_usage(err, "vm '%s' is not running", v->name);
		return err->code = -ESRCH;
	}
	int fd = open(v->console, O_RDWR | O_NOCTTY | O_CLOEXEC);
	return fd >= 0 ? fd : hk_err_sys(err, -errno, "vm '%s': console %s", v->name, v->console);
}
