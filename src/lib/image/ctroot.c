// SPDX-License-Identifier: MIT
/*
 * Container roots made of images (mount, remove, commit, export) and the offline busybox
 * bootstrap (see image.h).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "fstree.h"
#include "image_int.h"

void hk_ctroot_dir(const char *state_dir, const char *ct, char *buf, size_t len)
{
	if ((size_t)snprintf(buf, len, "%s/ctroot/%s", state_dir, ct) >= len)
		buf[0] = 0;
}

void hk_ctroot_merged(const char *state_dir, const char *ct, char *buf, size_t len)
{
	if ((size_t)snprintf(buf, len, "%s/ctroot/%s/merged", state_dir, ct) >= len)
		buf[0] = 0;
}

int hk_ctroot_prepare(struct hk_images *im, const char *ct, const char *image_id,
		      struct hk_ctroot_paths *p, struct hk_image_row *row, struct hk_err *err)
{
	hk_ctroot_dir(im->state, ct, p->dir, sizeof(p->dir));
	snprintf(p->upper, sizeof(p->upper), "%s/upper", p->dir);
	snprintf(p->work, sizeof(p->work), "%s/work", p->dir);
	snprintf(p->merged, sizeof(p->merged), "%s/merged", p->dir);
	int r = hk_imgstore_get(im->st, image_id, row, err);
	if (r < 0)
		return r;
	r = hk_imgstore_ct_set(im->st, ct, image_id, err);
	const char *parts[] = { p->upper, p->work, p->merged };
	for (size_t i = 0; r == 0 && i < 3; i++)
		if ((r = hk_mkdir_p(parts[i], 0700)) < 0)
			r = hk_err_sys(err, r, "mkdir '%s'", parts[i]);
	/* the upper dir's mode is the container's / (overlayfs takes the root from upper;
	 * with --userns the idmapped mount shows it as root's) */
	if (r == 0 && chmod(p->upper, 0755) < 0)
		r = hk_err_sys(err, -errno, "chmod '%s'", p->upper);
	if (r < 0) {
		hk_image_row_free(row);
		return hk_err_prefix(err, "container root from image %.19s", image_id);
	}
	return 0;
}

int hk_ctroot_mount(struct hk_images *im, const char *ct, const char *image_id,
		    enum hk_layers_mode mode, struct hk_err *err)
{
	struct hk_ctroot_paths p;
	struct hk_image_row row;
	int r = hk_ctroot_prepare(im, ct, image_id, &p, &row, err);
	if (r < 0)
		return r;
	if (!hk_is_mountpoint(p.merged))
		r = hk_layerstore_mount(im->ls, (const char *const *)row.layers, row.nlayers,
					p.upper, p.work, p.merged, mode, NULL, err);
	hk_image_row_free(&row);
	return r < 0 ? hk_err_prefix(err, "container root from image %.19s", image_id) : 0;
}

int hk_ctroot_remove(struct hk_store *st, const char *state_dir, const char *ct, struct hk_err *err)
{
	char dir[4096], merged[4200], img[HK_DIGEST_MAX];
	hk_ctroot_dir(state_dir, ct, dir, sizeof(dir));
	hk_ctroot_merged(state_dir, ct, merged, sizeof(merged));
	if (access(dir, F_OK) < 0 && hk_imgstore_ct_get(st, ct, img) < 0)
		return 0; /* a --rootfs container */
	for (int i = 0; i < 16 && umount2(merged, MNT_DETACH | UMOUNT_NOFOLLOW) == 0; i++)
		; /* stacked mounts (a remount after a crash) */
	int r = hk_rm_rf(dir, err);
	if (r == 0)
		r = hk_imgstore_ct_del(st, ct, err);
	return r < 0 ? hk_err_prefix(err, "container root '%s'", dir) : 0;
}

/* The upper dir as an OCI layer tar in an unnamed temporary file, rewound. */
static int upper_tar(struct hk_images *im, const char *upper, struct hk_err *err)
{
	_cleanup_close_ int src = open(upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (src < 0)
		return hk_err_sys(err, -errno, "open '%s'", upper);
	_cleanup_close_ int fd =
		open(hk_layerstore_tmpdir(im->ls), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return hk_err_sys(err, -errno, "temporary file in '%s'",
				  hk_layerstore_tmpdir(im->ls));
	struct hk_tar_opts o = { .oci_whiteouts = true, .xattrs = true };
	struct hk_tar_result res;
	int r = hk_archive_write_dir(src, fd, &o, &res, err);
	if (r < 0)
		return r;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return hk_err_sys(err, -errno, "rewind");
	return TAKE_FD(fd);
}

int hk_image_commit(struct hk_images *im, const char *ct, const struct hk_image_opts *o,
		    char ret_id[HK_DIGEST_MAX], struct hk_err *err)
{
	char img[HK_DIGEST_MAX], dir[4096], upper[4200], mark[4200];
	_cleanup_close_ int lock = hk_images_lock(im->state, false, err);
	if (lock < 0)
		return hk_err_prefix(err, "commit");
	if (hk_imgstore_ct_get(im->st, ct, img) < 0)
		return hk_err_usage(err, "commit: the container's root is not made of an image"
					 " (--rootfs): use hako image add-dir");
	hk_ctroot_dir(im->state, ct, dir, sizeof(dir));
	snprintf(upper, sizeof(upper), "%s/upper", dir);
	snprintf(mark, sizeof(mark), "%s/work/hako-copy", dir);
	/* copy fallback: upper is the whole tree, the new image is that one layer */
	bool flat = access(mark, F_OK) == 0;
	struct hk_image_row row;
	int r = hk_imgstore_get(im->st, img, &row, err);
	if (r < 0)
		return r;
	struct hk_image_config c = { 0 };
	char **ids = calloc(row.nlayers + 2, sizeof(char *));
	uint64_t *sizes = calloc(row.nlayers + 2, sizeof(uint64_t));
	char id[HK_DIGEST_MAX] = "";
	struct hk_extract_result res = { 0 };
	r = ids && sizes ? hk_image_config_parse(row.config, strlen(row.config), &c, err)
			 : hk_err_sys(err, -ENOMEM, "commit");
	int fd = r < 0 ? r : upper_tar(im, upper, err);
	int stored =
		fd < 0 ? fd : hk_layerstore_import_fd(im->ls, fd, "upper", NULL, id, &res, err);
	/* the tar is kept as the layer's blob: save writes these very bytes */
	if (stored >= 0 && (r = hk_blobstore_link(im->bs, fd, res.digest, err)) < 0)
		stored = r;
	if (fd >= 0)
		close(fd);
	size_t n = 0;
	for (size_t i = 0; stored >= 0 && !flat && i < row.nlayers; i++, n++) {
		ids[n] = row.layers[i];
		sizes[n] = row.layer_sizes[i];
	}
	if (stored >= 0) {
		ids[n] = id;
		sizes[n++] = stored == 0 ? res.tar_bytes : image_layer_size(im, id);
		char **old = c.diff_ids;
		size_t nold = c.ndiff_ids;
		c.diff_ids = ids;
		c.ndiff_ids = n;
		free(c.created);
		c.created = NULL;
		r = image_store(im, &c, sizes, o ? o->tag : NULL, ret_id, true, err);
		if (r == 0)
			r = image_commit_blobs(im, row.id, flat ? 0 : row.nlayers, n - 1, &res,
					       ret_id, err);
		c.diff_ids = old;
		c.ndiff_ids = nold;
		if (r < 0 && stored == 0) {
			char *one[] = { id };
			image_gc_layers(im, one, 1);
		}
	} else {
		r = stored;
	}
	hk_image_config_free(&c);
	hk_image_row_free(&row);
	free(ids);
	free(sizes);
	return r < 0 ? hk_err_prefix(err, "commit") : 0;
}

int hk_ctroot_export(struct hk_images *im, const char *ct, int out_fd, struct hk_err *err)
{
	char img[HK_DIGEST_MAX], merged[4200];
	if (hk_imgstore_ct_get(im->st, ct, img) < 0)
		return hk_err_usage(err, "export: the container's root is not made of an image"
					 " (--rootfs): tar its directory");
	hk_ctroot_merged(im->state, ct, merged, sizeof(merged));
	int r = hk_ctroot_mount(im, ct, img, HK_LAYERS_AUTO, err);
	if (r < 0)
		return r;
	_cleanup_close_ int src = open(merged, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (src < 0)
		return hk_err_sys(err, -errno, "open '%s'", merged);
	struct hk_tar_opts o = { .xattrs = false };
	struct hk_tar_result res;
	r = hk_archive_write_dir(src, out_fd, &o, &res, err);
	return r < 0 ? hk_err_prefix(err, "export") : 0;
}

/* ---- busybox bootstrap ---- */

/* A static binary has no PT_INTERP program header. */
static int check_static(int fd, const char *path, struct hk_err *err)
{
	Elf64_Ehdr eh;
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64)
		return hk_err_usage(err, "'%s' is not a 64-bit ELF binary", path);
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		if (pread(fd, &ph, sizeof(ph),
			  (off_t)(eh.e_phoff + (uint64_t)i * eh.e_phentsize)) != sizeof(ph))
			return hk_err_usage(err, "'%s': truncated ELF", path);
		if (ph.p_type == PT_INTERP)
			return hk_err_usage(err,
					    "'%s' is not statically linked (apt-get install"
					    " busybox-static)",
					    path);
	}
	return 0;
}

/* busybox --list-full into a malloc'd buffer. */
static char *applets(const char *busybox)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return NULL;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		execl(busybox, "busybox", "--list-full", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	size_t len = 0, cap = 1 << 16;
	char *buf = pid > 0 ? malloc(cap) : NULL;
	ssize_t k;
	while (buf && (k = read(p[0], buf + len, cap - len - 1)) > 0)
		if ((len += (size_t)k) + 1 == cap && !(buf = realloc(buf, cap *= 2)))
			break;
	close(p[0]);
	int st = 0;
	if (pid > 0)
		waitpid(pid, &st, 0);
	if (buf && (!WIFEXITED(st) || WEXITSTATUS(st) != 0)) {
		free(buf);
		return NULL;
	}
	if (buf)
		buf[len] = 0;
	return buf;
}

static int write_file(const char *root, const char *name, const char *text, mode_t mode)
{
	char p[4608];
	snprintf(p, sizeof(p), "%s/%s", root, name);
	_cleanup_close_ int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return -errno ? -errno : -EIO;
	return 0;
}

static int bb_tree(const char *root, int bbfd, const char *list)
{
	/* the same tree as scripts/mkrootfs-busybox.sh */
	static const char *const dirs[] = { "bin", "sbin", "usr/bin", "usr/sbin", "etc", "proc",
					    "sys", "dev",  "tmp",     "root",	  "www", "var/log",
					    "mnt", "opt",  "home",    "run" };
	char p[4608];
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", root, dirs[i]);
		int r = hk_mkdir_p(p, 0755);
		if (r < 0)
			return r;
	}
	snprintf(p, sizeof(p), "%s/tmp", root);
	chmod(p, 01777);
	snprintf(p, sizeof(p), "%s/root", root);
	chmod(p, 0700);
	snprintf(p, sizeof(p), "%s/bin/busybox", root);
	_cleanup_close_ int out = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	struct stat st;
	if (out < 0 || fstat(bbfd, &st) < 0)
		return -errno;
	for (off_t off = 0; off < st.st_size;)
		if (sendfile(out, bbfd, &off, (size_t)(st.st_size - off)) <= 0)
			return -EIO;
	for (const char *l = list; *l;) {
		size_t n = strcspn(l, "\n");
		char rel[256];
		snprintf(rel, sizeof(rel), "%.*s", (int)n, l);
		l += n + (l[n] == '\n');
		if (!rel[0] || strstr(rel, "..") || rel[0] == '/' || !strcmp(rel, "bin/busybox"))
			continue;
		snprintf(p, sizeof(p), "%s/%s", root, rel);
		if (symlink("/bin/busybox", p) < 0 && errno != EEXIST)
			return -errno;
	}
	int r = write_file(root, "etc/passwd",
			   "root:x:0:0:root:/root:/bin/sh\n"
			   "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
			   0644);
	if (r == 0)
		r = write_file(root, "etc/group", "root:x:0:\nnogroup:x:65534:\n", 0644);
	if (r == 0)
		r = write_file(root, "www/index.html", "hello from hako\n", 0644);
	return r;
}

int hk_image_bootstrap_busybox(struct hk_images *im, const char *busybox,
			       const struct hk_image_opts *o, char ret_id[HK_DIGEST_MAX],
			       struct hk_err *err)
{
	_cleanup_close_ int bb = open(busybox, O_RDONLY | O_CLOEXEC);
	if (bb < 0)
		return hk_err_sys(err, -errno, "bootstrap: '%s' (apt-get install busybox-static)",
				  busybox);
	int r = check_static(bb, busybox, err);
	if (r < 0)
		return hk_err_prefix(err, "bootstrap");
	_cleanup_free_ char *list = applets(busybox);
	if (!list)
		return hk_err_set(err, -EIO, "bootstrap: '%s --list-full' failed", busybox);
	char root[4096];
	snprintf(root, sizeof(root), "%s/bb-XXXXXX", hk_layerstore_tmpdir(im->ls));
	if (!mkdtemp(root))
		return hk_err_sys(err, -errno, "bootstrap: mkdtemp");
	chmod(root, 0755);
	r = bb_tree(root, bb, list);
	if (r < 0)
		hk_err_sys(err, r, "bootstrap: build the tree in '%s'", root);
	char *cmd[] = { "/bin/sh", NULL };
	char *env[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	struct hk_image_config c = { .cmd = cmd, .env = env };
	if (r == 0)
		r = image_add_dir_config(im, root, &c, o, ret_id, err);
	free(c.created);
	free(c.os);
	free(c.architecture);
	struct hk_err e2;
	hk_rm_rf(root, &e2);
	return r;
}
