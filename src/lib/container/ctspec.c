// SPDX-License-Identifier: MIT
#include "ctspec.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <limits.h>

#define ALNUM "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

void hk_ct_spec_init(struct hk_ct_spec *spec)
{
	*spec = (struct hk_ct_spec){ .rootfs_fd = -1,
				     .log_fd = -1,
				     .pty_slave = -1,
				     .stdio = { -1, -1, -1 },
				     .go_fd = -1,
				     .seccomp_sock = -1,
				     .umask = -1 };
}

bool hk_ct_name_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > HK_CT_NAME_MAX || !strchr(ALNUM, s[0]))
		return false;
	return strspn(s, ALNUM "_.-") == n;
}

bool hk_ct_hostname_valid(const char *s)
{
	size_t n = strlen(s), label = 0;
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (s[i] == '.' || s[i] == 0) {
			if (label == 0 || label > 63 || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!strchr(ALNUM "-", s[i]))
			return false;
		label++;
	}
	return true;
}

int hk_ct_spec_defaults(struct hk_ct_spec *spec, char **env, size_t *nenv, size_t max,
			struct hk_err *err)
{
	uint8_t rnd[HK_CT_ID_LEN / 2];
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return hk_err_sys(err, -errno, "container id: getrandom");
	for (size_t i = 0; i < sizeof(rnd); i++)
		sprintf(spec->id + 2 * i, "%02x", rnd[i]);
	if (!spec->name[0])
		snprintf(spec->name, sizeof(spec->name), "%.12s", spec->id);
	if (!spec->hostname[0])
		snprintf(spec->hostname, sizeof(spec->hostname), "%s",
			 hk_ct_hostname_valid(spec->name) ? spec->name : spec->id);
	char host[80];
	snprintf(host, sizeof(host), "HOSTNAME=%s", spec->hostname);
	const char *extra[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
				"HOME=/root", host, spec->tty ? "TERM=xterm" : NULL };
	size_t nuser = *nenv, n = 0;
	char *add[4];
	for (size_t i = 0; i < 4; i++) {
		if (!extra[i])
			continue;
		size_t kl = (size_t)(strchr(extra[i], '=') - extra[i]) + 1;
		bool over = false;
		for (size_t j = 0; j < nuser; j++)
			over |= !strncmp(env[j], extra[i], kl);
		if (over || n + nuser >= max)
			continue;
		if (!(add[n] = strdup(extra[i]))) {
			while (n)
				free(add[--n]);
			return hk_err_sys(err, -ENOMEM, "container environment");
		}
		n++;
	}
	memmove(env + n, env, nuser * sizeof(char *));
	memcpy(env, add, n * sizeof(char *));
	*nenv = n + nuser;
	env[*nenv] = NULL;
	spec->env = env;
	return 0;
}

int hk_ct_spec_rootfs(struct hk_ct_spec *spec, const char *path, char *real, struct hk_err *err)
{
	struct stat st;
	if (!realpath(path, real))
		return hk_err_sys(err, -errno, "rootfs '%s'", path);
	if (stat(real, &st) < 0 || !S_ISDIR(st.st_mode))
		return hk_err_usage(err, "rootfs '%s' is not a directory", real);
	if (!strcmp(real, "/"))
		return hk_err_usage(err, "the host's / cannot be a rootfs");
	if ((spec->rootfs_fd = hk_rootfs_open(real, err)) < 0)
		return hk_err_prefix(err, "rootfs '%s'", real);
	spec->rootfs = real;
	return 0;
}

int hk_ct_mount_source(struct hk_mountspec *m, char *path, struct hk_err *err)
{
	char real[PATH_MAX];
	if (!realpath(path, real))
		return hk_err_sys(err, -errno, "volume '%s'", path);
	m->host_fd = hk_bindsrc_open(real, err);
	if (m->host_fd < 0)
		return hk_err_prefix(err, "volume '%s'", path);
	m->host = path;
	return 0;
}
