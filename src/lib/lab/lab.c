// SPDX-License-Identifier: MIT
/* The lab model (lab.h): lookups, loading a file, freeing. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "lab.h"

static void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

const struct hk_lab_host *hk_lab_host_find(const struct hk_lab *lab, const char *name)
{
	for (size_t i = 0; i < lab->nhosts; i++)
		if (!strcmp(lab->hosts[i].name, name))
			return &lab->hosts[i];
	return NULL;
}

long hk_lab_node_find(const struct hk_lab *lab, const char *name)
{
	for (size_t i = 0; i < lab->nnodes; i++)
		if (!strcmp(lab->nodes[i].name, name))
			return (long)i;
	return -1;
}

static int read_file(const char *file, char **ret, struct hk_err *err)
{
	_cleanup_close_ int fd = open(file, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return hk_err_sys(err, -errno, "lab file '%s'", file);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return hk_err_usage(err, "lab file '%s': not a regular file", file);
	if (st.st_size > 16 << 20)
		return hk_err_usage(err, "lab file '%s': larger than 16 MiB", file);
	char *buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return hk_err_sys(err, -ENOMEM, "lab file '%s'", file);
	size_t n = 0;
	while (n < (size_t)st.st_size) {
		ssize_t k = read(fd, buf + n, (size_t)st.st_size - n);
		if (k <= 0) {
			free(buf);
			return hk_err_sys(err, k < 0 ? -errno : -EIO, "lab file '%s'", file);
		}
		n += (size_t)k;
	}
	buf[n] = 0;
	if (strlen(buf) != n) {
		free(buf);
		return hk_err_usage(err, "lab file '%s': contains a NUL byte", file);
	}
	*ret = buf;
	return 0;
}

int hk_lab_load(const char *file, struct hk_lab *ret, struct hk_err *err)
{
	memset(ret, 0, sizeof(*ret));
	_cleanup_free_ char *text = NULL;
	int r = read_file(file, &text, err);
	if (r < 0) {
		if (r == -ENOENT)
			hk_err_class_set(err, HK_ERR_NOTFOUND);
		return r;
	}
	char real[PATH_MAX];
	if (!realpath(file, real))
		return hk_err_sys(err, -errno, "lab file '%s'", file);
	return hk_lab_parse(file, dirname(real), text, ret, err);
}

int hk_lab_file_name(const char *file, char *buf, size_t len, struct hk_err *err)
{
	struct hk_lab lab;
	int r = hk_lab_load(file, &lab, err);
	if (r == 0)
		snprintf(buf, len, "%s", lab.name);
	hk_lab_free(&lab);
	return r;
}

int hk_lab_ep_find(const struct hk_lab *lab, const char *ep, struct hk_lab_ep *ret,
		   struct hk_err *err)
{
	const char *colon = strchr(ep, ':');
	for (size_t i = 0; colon && i < lab->nnodes; i++) {
		const struct hk_lab_node *nd = &lab->nodes[i];
		if (strlen(nd->name) != (size_t)(colon - ep) || strncmp(nd->name, ep, colon - ep))
			continue;
		for (size_t k = 0; k < nd->nifs; k++) {
			if (!strcmp(nd->ifs[k].name, colon + 1) && nd->ifs[k].link >= 0) {
				*ret = (struct hk_lab_ep){ i, k };
				return 0;
			}
		}
	}
	hk_err_usage(err, "lab '%s': no endpoint '%s'", lab->name, ep);
	return -ENOENT;
}

void hk_lab_free(struct hk_lab *lab)
{
	for (size_t i = 0; i < lab->nnodes; i++) {
		struct hk_lab_node *n = &lab->nodes[i];
		free(n->image);
		free(n->rootfs);
		free(n->cmd);
		free(n->kernel);
		free(n->initrd);
		free(n->append);
		free(n->accel);
		strv_free(n->exec);
		strv_free(n->binds);
		strv_free(n->cap_add);
		strv_free(n->env);
		for (size_t k = 0; k < n->nroutes; k++)
			free(n->routes[k].text);
		free(n->routes);
		for (size_t k = 0; k < n->nsysctls; k++) {
			free(n->sysctls[k].key);
			free(n->sysctls[k].value);
		}
		free(n->sysctls);
		free(n->ifs);
	}
	free(lab->nodes);
	free(lab->links);
	free(lab->hosts);
	free(lab->file);
	free(lab->dir);
	free(lab->text);
	memset(lab, 0, sizeof(*lab));
}
