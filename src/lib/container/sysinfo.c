// SPDX-License-Identifier: MIT
/* system info, df and prune (sysinfo.h). */
#include "sysinfo.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fstree.h"
#include "container.h"
#include "image.h"
#include "network.h"
#include "store_image.h"
#include "store_net.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

static void os_name(char *buf, size_t len)
{
	snprintf(buf, len, "Linux");
	FILE *f = fopen("/etc/os-release", "re");
	char line[256];
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "PRETTY_NAME=", 12))
			continue;
		char *v = line + 12;
		v[strcspn(v, "\n")] = 0;
		if (*v == '"') {
			v++;
			v[strcspn(v, "\"")] = 0;
		}
		snprintf(buf, len, "%s", v);
	}
	if (f)
		fclose(f);
}

static bool have_fs(const char *name)
{
	FILE *f = fopen("/proc/filesystems", "re");
	char line[128];
	bool found = false;
	while (f && !found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		const char *t = strrchr(line, '\t');
		found = !strcmp(t ? t + 1 : line, name);
	}
	if (f)
		fclose(f);
	return found;
}

int hk_sysinfo_get(struct hk_store *st, const struct hk_paths *p, struct hk_sysinfo *ret,
		   struct hk_err *err)
{
	(void)p;
	*ret = (struct hk_sysinfo){ 0 };
	struct hk_ct_row *rows;
	size_t n;
	int r = hk_store_list(st, &rows, &n, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		ret->containers++;
		if (strcmp(rows[i].state, HK_CT_RUNNING))
			ret->stopped++;
		else if (hk_ct_paused(&rows[i]))
			ret->paused++;
		else
			ret->running++;
	}
	hk_ct_rows_free(rows, n);
	struct hk_image_row *im;
	if (hk_imgstore_list(st, &im, &n, err) == 0) {
		ret->images = n;
		hk_image_rows_free(im, n);
	}
	struct hk_net_row *nets;
	if (hk_netstore_list(st, &nets, &n, err) == 0) {
		ret->networks = n;
		free(nets);
	}
	hk_err_clear(err);
	struct utsname u;
	if (uname(&u) == 0) {
		snprintf(ret->kernel, sizeof(ret->kernel), "%s", u.release);
		snprintf(ret->arch, sizeof(ret->arch), "%s", u.machine);
		snprintf(ret->hostname, sizeof(ret->hostname), "%s", u.nodename);
	}
	os_name(ret->os, sizeof(ret->os));
	struct statfs sf;
	ret->cgroup_version =
		statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC ? 2 : 1;
	ret->driver = have_fs("overlay") ? "overlay" : "copy";
	ret->ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	ret->mem_total = (uint64_t)sysconf(_SC_PHYS_PAGES) * (uint64_t)sysconf(_SC_PAGESIZE);
	return 0;
}

/* Bytes of the regular files under dfd (du --apparent-size), never following a symlink. */
static uint64_t tree_bytes(int dfd)
{
	_cleanup_closedir_ DIR *d = hk_opendir_at(dfd, ".");
	uint64_t sum = 0;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		struct stat st;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISREG(st.st_mode)) {
			sum += (uint64_t)st.st_size;
		} else if (S_ISDIR(st.st_mode)) {
			_cleanup_close_ int s = openat(
				dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (s >= 0)
				sum += tree_bytes(s);
		}
	}
	return sum;
}

/* The bytes container id changed (its upper dir; 0 for a --rootfs container). */
static uint64_t ct_bytes(const struct hk_paths *p, const char *id)
{
	char dir[4096], up[4200];
	hk_ctroot_dir(p->state, id, dir, sizeof(dir));
	snprintf(up, sizeof(up), "%s/upper", dir);
	_cleanup_close_ int fd = open(up, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? 0 : tree_bytes(fd);
}

int hk_sysdf_get(struct hk_store *st, const struct hk_paths *p, struct hk_sysdf ret[HK_SYSDF_ROWS],
		 struct hk_err *err)
{
	ret[0] = (struct hk_sysdf){ .type = "Images" };
	ret[1] = (struct hk_sysdf){ .type = "Containers" };
	ret[2] = (struct hk_sysdf){ .type = "Local Volumes" };
	ret[3] = (struct hk_sysdf){ .type = "Build Cache" };
	struct hk_image_row *im;
	size_t n;
	int r = hk_imgstore_list(st, &im, &n, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		char user[HK_CT_NAME_MAX + 1];
		bool used = hk_imgstore_user(st, im[i].id, user, sizeof(user), err) == 1;
		ret[0].total++;
		ret[0].size += im[i].size;
		if (used)
			ret[0].active++;
		else
			ret[0].reclaimable += im[i].size;
	}
	hk_image_rows_free(im, n);
	struct hk_ct_row *rows;
	if ((r = hk_store_list(st, &rows, &n, err)) < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		uint64_t b = ct_bytes(p, rows[i].id);
		bool running = !strcmp(rows[i].state, HK_CT_RUNNING);
		ret[1].total++;
		ret[1].size += b;
		if (running)
			ret[1].active++;
		else
			ret[1].reclaimable += b;
	}
	hk_ct_rows_free(rows, n);
	hk_err_clear(err);
	return 0;
}

int hk_container_prune(struct hk_store *st, const struct hk_paths *p, struct hk_prune_result *ret,
		       struct hk_err *err)
{
	struct hk_err e;
	int first = 0;
	struct hk_ct_row *rows;
	size_t n;
	int r = hk_store_list(st, &rows, &n, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(rows[i].state, HK_CT_EXITED) && strcmp(rows[i].state, HK_CT_CREATED))
			continue;
		if (!strcmp(rows[i].state, HK_CT_CREATED) &&
		    hk_proc_alive(rows[i].pid, rows[i].pid_start))
			continue; /* an OCI runtime's container waiting for its start */
		uint64_t b = ct_bytes(p, rows[i].id);
		snprintf(rows[i].state, sizeof(rows[i].state), "%s", HK_CT_REMOVING);
		r = hk_store_update(st, &rows[i], &e);
		if (r == 0)
			r = hk_ct_remove(st, &rows[i], p, &e);
		if (r < 0 && !first) {
			first = r;
			*err = e;
		} else if (r == 0) {
			ret->containers++;
			ret->reclaimed += b;
		}
	}
	hk_ct_rows_free(rows, n);
	return first;
}

int hk_system_prune(struct hk_store *st, const struct hk_paths *p, bool all_images,
		    struct hk_prune_result *ret, struct hk_err *err)
{
	*ret = (struct hk_prune_result){ 0 };
	struct hk_err e;
	size_t n;
	int r, first = hk_container_prune(st, p, ret, err);
	struct hk_net_row *nets;
	if (hk_netstore_list(st, &nets, &n, &e) == 0) {
		for (size_t i = 0; i < n; i++) {
			struct hk_lease_row *l = NULL;
			size_t nl = 1;
			if (!strcmp(nets[i].name, HK_NET_DEFAULT) ||
			    !strcmp(nets[i].name, "bridge") ||
			    hk_netstore_leases(st, nets[i].name, NULL, &l, &nl, &e) < 0 || nl) {
				free(l);
				continue;
			}
			free(l);
			r = hk_network_remove(st, p, nets[i].name, &e);
			if (r < 0 && !first) {
				first = r;
				*err = e;
			} else if (r == 0) {
				ret->networks++;
			}
		}
		free(nets);
	}
	struct hk_images *im = NULL;
	r = hk_images_open(p->state, st, &im, &e);
	if (r == 0 && all_images) {
		struct hk_image_row *img;
		if (hk_imgstore_list(st, &img, &n, &e) == 0) {
			for (size_t i = 0; i < n; i++) {
				char user[HK_CT_NAME_MAX + 1];
				if (hk_imgstore_user(st, img[i].id, user, sizeof(user), &e) != 0)
					continue;
				/* every tag, then the image (hk_image_remove by id removes it all)
				 */
				if (hk_image_remove(im, img[i].id, &e) == 0) {
					ret->images++;
					ret->reclaimed += img[i].size;
				}
			}
			hk_image_rows_free(img, n);
		}
	}
	if (r == 0) {
		size_t ni = 0, nl = 0;
		r = hk_image_prune(im, &ni, &nl, &e);
		ret->images += ni;
		ret->layers += nl;
	}
	if (im)
		hk_images_close(im);
	if (r < 0 && !first) {
		first = r;
		*err = e;
	}
	return first;
}
