// SPDX-License-Identifier: MIT
/* The layout of hako's state and run directories (store.h), made and checked here. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "store.h"
#include "trust.h"

/* mkdir -p: the missing directories above path 0755 (as mkdir -p), path itself mode */
static int mkdirs(const char *path, mode_t mode)
{
	/* the common case first: it exists (each command makes sure, several times) */
	if (mkdir(path, mode) == 0 || errno == EEXIST)
		return 0;
	char buf[HK_PATH_MAX];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *s = buf + 1; *s; s++) {
		if (*s == '/') {
			*s = 0;
			mkdir(buf, 0755);
			*s = '/';
		}
	}
	return mkdir(buf, mode) < 0 && errno != EEXIST ? -errno : 0;
}

/* STATE and RUN are believed (the database holds the security configuration exec applies,
 * STATE/seccomp compiled filters): each, and every directory above it, is checked before
 * anything is made (trust.h); what hako makes is its own: ROOT 0711, STATE and RUN 0700. */
int hk_paths_init(struct hk_paths *p, const char *root, struct hk_err *err)
{
	if (root && root[0] != '/')
		return hk_err_usage(err, "--root '%s': must be an absolute path", root);
	snprintf(p->state, sizeof(p->state), "%s", root ? root : "/var/lib/hako");
	snprintf(p->run, sizeof(p->run), "%s", root ? root : "/run/hako");
	if (root) {
		strncat(p->state, "/state", sizeof(p->state) - strlen(p->state) - 1);
		strncat(p->run, "/run", sizeof(p->run) - strlen(p->run) - 1);
	}
	int r = hk_trust_dir_tree(p->state, "state directory", err);
	if (r == 0)
		r = hk_trust_dir_tree(p->run, "run directory", err);
	if (r < 0)
		return r;
	if (root && (r = mkdirs(root, 0711)) < 0)
		return hk_err_sys(err, r, "--root '%s'", root);
	r = mkdirs(p->state, 0700);
	if (r < 0)
		return hk_err_sys(err, r, "state directory '%s'", p->state);
	r = mkdirs(p->run, 0700);
	if (r < 0)
		return hk_err_sys(err, r, "run directory '%s'", p->run);
	/* a state directory the OCI runtime made keeps its containers in files: whatever
	 * command opens it (`hako --root R ps` too) */
	char dir[HK_PATH_MAX + 16];
	struct stat st;
	snprintf(dir, sizeof(dir), "%s/containers", p->state);
	p->ct_files = lstat(dir, &st) == 0 && S_ISDIR(st.st_mode);
	return 0;
}

void hk_ct_rundir(const struct hk_paths *p, const char *id, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", p->run, id);
}

void hk_ct_nsdir(const struct hk_paths *p, const char *id, char *buf, size_t len)
{
	snprintf(buf, len, "%s/ns/%s", p->run, id);
}

void hk_ct_cgroup(const char *id, char *buf, size_t len)
{
	snprintf(buf, len, "hako/%s", id);
}

bool hk_ct_own_net(const char *net)
{
	return hk_ct_named_net(net) || !strcmp(net, "private");
}

bool hk_ct_named_net(const char *net)
{
	return !strcmp(net, "new") || !strcmp(net, "none");
}
