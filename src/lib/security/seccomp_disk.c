// SPDX-License-Identifier: MIT
/*
 * The compiled seccomp program, cached on disk. Compiling Docker's default profile with
 * libseccomp costs 10-15 ms, and every `hako run` is a new process, so the in-process cache
 * alone never hits; reading a 4 KiB file costs ~20 us. Key: sha256 over the profile's
 * contents (walked field by field), caps & the capabilities it looks at, libseccomp's
 * version, the layout of the program (seccomp_tree.c), the kernel release and machine.
 * File: "HKBPF1\n" + flags + key + n + n instructions, written to a temporary name and
 * renamed (readers never see half a file). The directory and the file are loaded only when
 * nobody but root could have written them (trust.h): anything else is refused, not used.
 */
#include "ctsec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "digest.h"
#include "seccomp_profile.h"
#include "trust.h"

#define MAGIC "HKBPF1\n"

struct hdr {
	char magic[8];
	uint32_t flags;
	uint32_t n;
	uint64_t key;
};

static void h_str(struct hk_sha256 *h, const char *s)
{
	hk_sha256_update(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

static void h_filter(struct hk_sha256 *h, const struct hk_sc_filter *f)
{
	uint64_t v[4] = { f->caps, f->arches, f->min_major, f->min_minor };
	hk_sha256_update(h, v, sizeof(v));
}

static void profile_hash(const struct hk_seccomp_profile *p, uint64_t caps, char out[HK_DIGEST_MAX])
{
	struct hk_sha256 h;
	hk_sha256_init(&h);
	uint64_t used = 0;
	for (size_t i = 0; i < p->nrules; i++)
		used |= p->rules[i].inc.caps | p->rules[i].exc.caps;
	int64_t head[5] = { p->default_action, p->default_errno, p->flags, (int64_t)(caps & used),
			    (int64_t)p->nrules };
	hk_sha256_update(&h, head, sizeof(head));
	for (size_t i = 0; i < p->narchmap; i++) {
		h_str(&h, p->archmap[i].arch);
		for (size_t j = 0; j < p->archmap[i].nsub; j++)
			h_str(&h, p->archmap[i].sub[j]);
		h_str(&h, "/");
	}
	for (size_t i = 0; i < p->nrules; i++) {
		const struct hk_sc_rule *r = &p->rules[i];
		for (size_t j = 0; j < r->nnames; j++)
			h_str(&h, r->names[j]);
		int64_t a[3] = { r->action, r->errno_ret, (int64_t)r->nargs };
		hk_sha256_update(&h, a, sizeof(a));
		for (size_t j = 0; j < r->nargs; j++) {
			uint64_t v[4] = { r->args[j].index, r->args[j].op, r->args[j].value,
					  r->args[j].value2 };
			hk_sha256_update(&h, v, sizeof(v));
		}
		h_filter(&h, &r->inc);
		h_filter(&h, &r->exc);
	}
	char ver[64];
	struct utsname u;
	hk_seccomp_lib_version(ver, sizeof(ver));
	h_str(&h, ver);
	h_str(&h, "front1"); /* the program's layout (seccomp_tree.c): older files go stale */
	if (uname(&u) == 0) {
		h_str(&h, u.release);
		h_str(&h, u.machine);
	}
	hk_sha256_final(&h, out);
}

/* -ENOENT or -EBADMSG: compile (and store) it; other errors are the caller's. */
static int load(const char *path, struct hk_seccomp_prog *ret, struct hk_err *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT)
		return -ENOENT;
	if (fd < 0)
		return hk_err_sys(err, -errno, "seccomp cache '%s'", path);
	int r = hk_trust_fd(fd, "seccomp cache", path, err); /* loaded as it is: root's only */
	if (r < 0)
		return r;
	struct hdr hd;
	if (read(fd, &hd, sizeof(hd)) != (ssize_t)sizeof(hd) || memcmp(hd.magic, MAGIC, 8) ||
	    hd.n == 0 || hd.n > BPF_MAXINSNS)
		return -EBADMSG;
	size_t sz = hd.n * sizeof(struct sock_filter);
	struct sock_filter *f = malloc(sz);
	if (!f)
		return -ENOMEM;
	if (read(fd, f, sz) != (ssize_t)sz) {
		free(f);
		return -EBADMSG;
	}
	ret->fprog.len = (unsigned short)hd.n;
	ret->fprog.filter = f;
	ret->flags = hd.flags;
	ret->key = hd.key;
	return 0;
}

static void store(const char *path, const struct hk_seccomp_prog *prog)
{
	char tmp[PATH_MAX + 32];
	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
	_cleanup_close_ int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	struct hdr hd = { .flags = prog->flags, .n = prog->fprog.len, .key = prog->key };
	memcpy(hd.magic, MAGIC, 8);
	size_t sz = prog->fprog.len * sizeof(struct sock_filter);
	if (write(fd, &hd, sizeof(hd)) != (ssize_t)sizeof(hd) ||
	    write(fd, prog->fprog.filter, sz) != (ssize_t)sz || rename(tmp, path) < 0)
		unlink(tmp);
}

int hk_seccomp_disk_get(const struct hk_seccomp_profile *p, uint64_t caps, const char *dir,
			struct hk_seccomp_prog *ret, bool *ret_hit, struct hk_err *err)
{
	char dg[HK_DIGEST_MAX], path[PATH_MAX];
	*ret_hit = false;
	profile_hash(p, caps, dg);
	if (dir &&
	    snprintf(path, sizeof(path), "%s/%s.bpf", dir, hk_digest_hex(dg)) >= (int)sizeof(path))
		dir = NULL;
	if (dir) {
		mkdir(dir, 0700);
		int r = hk_trust_dir(dir, "seccomp cache", false, err);
		if (r == 0)
			r = load(path, ret, err);
		if (r == 0) {
			*ret_hit = true;
			return 0;
		}
		if (r != -ENOENT && r != -EBADMSG)
			return r;
		hk_err_clear(err);
	}
	int r = hk_seccomp_compile(p, caps, ret, err);
	if (r == 0 && dir)
		store(path, ret);
	return r;
}
