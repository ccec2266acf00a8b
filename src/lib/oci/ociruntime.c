// SPDX-License-Identifier: MIT
#include "ociruntime.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fdpass.h"
#include "base/human.h"
#include "base/prefault.h"
#include "base/proc.h"
#include "base/trust.h"
#include "container.h"
#include "ctrun.h"
#include "ctexec.h"
#include "ctspec.h"
#include "ctwait.h"
#include "inroot.h"
#include "ociconfig.h"
#include "ocinotify.h"
#include "ocistats.h"
#include "store.h"

/* ---- ids, paths, the store ---- */

/* An OCI id as runc takes it ([A-Za-z0-9_.-]+, not "." or ".."); hako's row name is the id
 * (its first HK_CT_NAME_MAX characters for a longer one; oci.json keeps it whole). */
static int check_id(const char *id, struct hk_err *err)
{
	size_t n = id ? strlen(id) : 0;
	if (n == 0 || n > 1024 || !strcmp(id, ".") || !strcmp(id, "..") ||
	    strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != n ||
	    !strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", id[0]))
		return hk_err_usage(err,
				    "invalid container id '%s' (expected [A-Za-z0-9_.-]+, "
				    "starting with a letter or digit)",
				    id ? id : "");
	return 0;
}

static void row_name(const char *id, char name[HK_CT_NAME_MAX + 1])
{
	snprintf(name, HK_CT_NAME_MAX + 1, "%s", id);
}

struct oci_ct {
	struct hk_paths paths;
	struct hk_store *st;
	struct hk_ct_row row;
	bool have_row;
	struct json_object *meta; /* RUN/<row id>/oci.json */
};

static void oci_ct_close(struct oci_ct *c)
{
	if (c->have_row)
		hk_ct_row_free(&c->row);
	c->have_row = false;
	if (c->meta)
		json_object_put(c->meta);
	c->meta = NULL;
	hk_store_close(c->st);
	c->st = NULL;
}

static int open_store(const char *root, struct oci_ct *c, struct hk_err *err)
{
	memset(c, 0, sizeof(*c));
	int r = hk_paths_init(&c->paths, root ? root : HK_OCI_DEFAULT_ROOT, err);
	c->paths.ct_files = true; /* runc-style state: a file per container (store.h) */
	return r < 0 ? r : hk_ct_open(&c->paths, &c->st, err);
}

static void meta_path(const struct oci_ct *c, char *buf, size_t len)
{
	char dir[HK_PATH_MAX];
	hk_ct_rundir(&c->paths, c->row.id, dir, sizeof(dir));
	snprintf(buf, len, "%s/oci.json", dir);
}

/* Container hid's oci.json (RUN/<hid>/oci.json), believed only if nobody but root could
 * have written it (trust.h: its hooks are run, its cgroup's processes killed). -ENOENT,
 * without a message: none, or not JSON (being created or removed). */
static int meta_read(const struct hk_paths *paths, const char *hid, struct json_object **ret,
		     struct hk_err *err)
{
	char dir[HK_PATH_MAX], p[HK_PATH_MAX + 16];
	hk_ct_rundir(paths, hid, dir, sizeof(dir));
	snprintf(p, sizeof(p), "%s/oci.json", dir);
	*ret = NULL;
	_cleanup_close_ int fd = open(p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ENOENT
				       : hk_err_sys(err, -errno, "container state '%s'", p);
	int r = hk_trust_fd(fd, "container state", p, err);
	if (r < 0)
		return r;
	*ret = json_object_from_fd(fd);
	return *ret ? 0 : -ENOENT;
}

/* The container id names, with its oci.json. */
static int lookup(const char *root, const char *id, struct oci_ct *c, struct hk_err *err)
{
	memset(c, 0, sizeof(*c)); /* a bad id: the caller's clean-up finds nothing to free */
	int r = check_id(id, err);
	if (r == 0)
		r = open_store(root, c, err);
	if (r < 0)
		return r;
	char name[HK_CT_NAME_MAX + 1];
	row_name(id, name);
	struct hk_err e2;
	r = hk_store_get_name(c->st, name, &c->row, &e2);
	if (r == -EIO) { /* a record that cannot be read: say so (delete --force removes it) */
		*err = e2;
		return hk_err_prefix(err, "container '%s'", id);
	}
	if (r < 0)
		return hk_err_set(err, -ENOENT, "container '%s' does not exist", id);
	c->have_row = true;
	r = meta_read(&c->paths, c->row.id, &c->meta, err);
	if (r < 0 && r != -ENOENT)
		return hk_err_prefix(err, "container '%s'", id);
	struct json_object *v;
	if (!c->meta || !json_object_object_get_ex(c->meta, "id", &v) ||
	    strcmp(json_object_get_string(v), id))
		return hk_err_set(err, -ENOENT, "container '%s' does not exist", id);
	return 0;
}

static const char *status_of(const struct hk_ct_row *r)
{
	bool alive = hk_proc_alive(r->pid, r->pid_start);
	if (!strcmp(r->state, HK_CT_CREATING))
		return "creating";
	if (!strcmp(r->state, HK_CT_CREATED) && alive)
		return "created";
	if (!strcmp(r->state, HK_CT_RUNNING) && alive) {
		char cg[HK_PATH_MAX];
		hk_ct_row_cgroup(r, cg, sizeof(cg));
		return hk_cgroup_frozen(cg) ? "paused" : "running";
	}
	return "stopped";
}

static struct json_object *meta_get(struct json_object *meta, const char *key)
{
	struct json_object *v = NULL;
	if (meta)
		json_object_object_get_ex(meta, key, &v);
	return v;
}

static struct json_object *state_json(const struct hk_ct_row *r, struct json_object *meta)
{
	struct json_object *o = json_object_new_object();
	const char *status = status_of(r);
	json_object_object_add(o, "ociVersion", json_object_new_string("1.0.2"));
	json_object_object_add(o, "id", json_object_get(meta_get(meta, "id")));
	json_object_object_add(o, "status", json_object_new_string(status));
	if (strcmp(status, "stopped"))
		json_object_object_add(o, "pid", json_object_new_int(r->pid));
	json_object_object_add(o, "bundle", json_object_get(meta_get(meta, "bundle")));
	struct json_object *a = meta_get(meta, "annotations");
	if (a)
		json_object_object_add(o, "annotations", json_object_get(a));
	json_object_object_add(o, "created", json_object_get(meta_get(meta, "created")));
	return o;
}

/* ---- hooks (runtime-spec config.md "POSIX-platform Hooks") ---- */

static int run_hook(struct json_object *h, const char *kind, size_t i, const char *state,
		    struct hk_err *err)
{
	struct json_object *path, *args, *env, *timeout;
	if (!json_object_object_get_ex(h, "path", &path) || !path)
		return hk_err_usage(err, "hooks.%s[%zu].path: required", kind, i);
	json_object_object_get_ex(h, "args", &args);
	json_object_object_get_ex(h, "env", &env);
	json_object_object_get_ex(h, "timeout", &timeout);
	size_t na = args ? json_object_array_length(args) : 0;
	size_t ne = env ? json_object_array_length(env) : 0;
	char **argv = calloc(na + 2, sizeof(char *)), **envp = calloc(ne + 1, sizeof(char *));
	if (!argv || !envp) {
		free(argv);
		free(envp);
		return hk_err_sys(err, -ENOMEM, "hooks.%s[%zu]", kind, i);
	}
	argv[0] = (char *)json_object_get_string(path);
	for (size_t k = 0; k < na; k++)
		argv[k] = (char *)json_object_get_string(json_object_array_get_idx(args, k));
	if (!na)
		argv[1] = NULL;
	for (size_t k = 0; k < ne; k++)
		envp[k] = (char *)json_object_get_string(json_object_array_get_idx(env, k));
	int in[2];
	if (pipe2(in, O_CLOEXEC) < 0) {
		free(argv);
		free(envp);
		return hk_err_sys(err, -errno, "hooks.%s[%zu]: pipe", kind, i);
	}
	pid_t pid = fork();
	if (pid == 0) {
		dup2(in[0], 0);
		/* no env: the runtime's own, as runc's and crun's hooks get it */
		execve(json_object_get_string(path), argv, env ? envp : environ);
		_exit(127);
	}
	int e = errno;
	free(argv);
	free(envp);
	close(in[0]);
	if (pid < 0) {
		close(in[1]);
		return hk_err_sys(err, -e, "hooks.%s[%zu]: fork", kind, i);
	}
	/* a hook that does not read its stdin (or exits first) is fine: no SIGPIPE for us,
	 * and the caller's disposition is back as it was */
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	sigaction(SIGPIPE, &ign, &old);
	if (write(in[1], state, strlen(state)) < 0) {
		/* EPIPE: see above */
	}
	sigaction(SIGPIPE, &old, NULL);
	close(in[1]);
	int secs = timeout ? json_object_get_int(timeout) : 0, status = 0;
	for (int t = 0;; t++) {
		pid_t w = waitpid(pid, &status, secs > 0 ? WNOHANG : 0);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return hk_err_sys(err, -errno, "hooks.%s[%zu]: wait", kind, i);
		if (secs > 0 && t >= secs * 100) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return hk_err_set(err, -ETIMEDOUT,
					  "hooks.%s[%zu] '%s': timed out after %d s", kind, i,
					  json_object_get_string(path), secs);
		}
		if (secs > 0)
			usleep(10000);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return hk_err_set(err, -EIO, "hooks.%s[%zu] '%s': exited with status %d", kind, i,
				  json_object_get_string(path),
				  WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}

/* Every hook of kind in meta's hooks, in order, the state on its stdin. */
static int run_hooks(struct json_object *meta, const struct hk_ct_row *row, const char *kind,
		     struct hk_err *err)
{
	struct json_object *hooks = meta_get(meta, "hooks"), *list;
	if (!hooks || !json_object_object_get_ex(hooks, kind, &list) || !list)
		return 0;
	struct json_object *st = state_json(row, meta);
	/* poststart runs once the command was started: it is running as far as the hooks
	 * know, even when it has already exited (as crun reports it) */
	if (!strcmp(kind, "poststart")) {
		json_object_object_add(st, "status", json_object_new_string("running"));
		json_object_object_add(st, "pid", json_object_new_int(row->pid));
	}
	const char *text = json_object_to_json_string_ext(st, JSON_C_TO_STRING_PLAIN);
	int r = 0;
	for (size_t i = 0; r == 0 && i < json_object_array_length(list); i++)
		r = run_hook(json_object_array_get_idx(list, i), kind, i, text, err);
	json_object_put(st);
	return r;
}

/* ---- create ---- */

/* --console-socket: connected before anything joins the container (exec does). */
/* A connected unix stream socket to path; what names it in errors. */
static int unix_connect(const char *path, const char *what, struct hk_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path))
		return hk_err_usage(err, "%s '%s': path too long", what, path);
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = -errno;
		if (fd >= 0)
			close(fd);
		return hk_err_sys(err, e, "%s '%s'", what, path);
	}
	return fd;
}

static int console_connect(const char *sock, struct hk_err *err)
{
	return unix_connect(sock, "--console-socket", err);
}

/* The pty master over the socket, as runc sends it (SCM_RIGHTS). */
static int console_send(int fd, const char *sock, int master, struct hk_err *err)
{
	int r = hk_fd_send(fd, "/dev/ptmx", 9, master);
	return r < 0 ? hk_err_sys(err, r, "--console-socket '%s': send the terminal", sock) : 0;
}

/* ---- the seccomp agent (runtime-spec config-linux.md "Seccomp", runtime.md) ---- */

/* The notification fd the container's process sent over sock (preexec.h) once it had
 * loaded its filter, and its pid as seen here (SO_PASSCRED's credentials). */
static int seccomp_fd_recv(int sock, pid_t *ret_pid, struct hk_err *err)
{
	char b;
	struct iovec iov = { .iov_base = &b, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} u = {};
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf) };
	/* sent before the process reported itself prepared: there, or never */
	ssize_t k = recvmsg(sock, &m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (k != 1)
		return hk_err_sys(err, k < 0 ? -errno : -EIO,
				  "seccomp: the container's process sent no notification fd");
	int fd = -1;
	*ret_pid = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(&fd, CMSG_DATA(c), sizeof(int));
		else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
			struct ucred cr;
			memcpy(&cr, CMSG_DATA(c), sizeof(cr));
			*ret_pid = cr.pid;
		}
	}
	if (fd < 0 || (m.msg_flags & MSG_CTRUNC)) {
		if (fd >= 0)
			close(fd);
		return hk_err_set(err, -EIO,
				  "seccomp: the container's process sent no notification fd");
	}
	return fd;
}

/* The container process's state to the agent connected on fd (at path), the notification
 * fd nfd with it (SCM_RIGHTS): {ociVersion, fds: ["seccompFd"], pid, metadata, state}. The
 * version is the one the runtime spec's example gives, and crun sends. */
static int seccomp_agent_send(int fd, const char *path, const char *metadata, pid_t pid,
			      struct json_object *state, int nfd, struct hk_err *err)
{
	struct json_object *m = json_object_new_object(), *fds = json_object_new_array();
	json_object_object_add(m, "ociVersion", json_object_new_string("0.2.0"));
	json_object_array_add(fds, json_object_new_string("seccompFd"));
	json_object_object_add(m, "fds", fds);
	json_object_object_add(m, "pid", json_object_new_int(pid));
	json_object_object_add(m, "metadata", json_object_new_string(metadata ? metadata : ""));
	json_object_object_add(m, "state", state);
	const char *text = json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN);
	int r = hk_fd_send(fd, text, strlen(text), nfd);
	if (r < 0)
		r = hk_err_sys(err, r, "linux.seccomp.listenerPath '%s': send", path);
	json_object_put(m);
	return r;
}

/* A connection to the agent at path (linux.seccomp.listenerPath). */
static int seccomp_agent_connect(const char *path, struct hk_err *err)
{
	int fd = unix_connect(path, "linux.seccomp.listenerPath", err);
	if (fd < 0 && err->cls != HK_ERR_USAGE) /* no agent there: it failed, not the bundle */
		hk_err_class_set(err, HK_ERR_FAILED);
	return fd;
}

/* create: the fd the container's process sent over sock, to the agent at cfg's
 * listenerPath, with the state (status "creating"). */
static int seccomp_agent_create(const struct hk_oci_config *cfg, const struct oci_ct *c, int sock,
				struct hk_err *err)
{
	pid_t pid = 0;
	int nfd = seccomp_fd_recv(sock, &pid, err);
	if (nfd < 0)
		return nfd;
	int fd = seccomp_agent_connect(cfg->seccomp_listener, err), r = fd;
	if (fd >= 0) {
		struct json_object *st = state_json(&c->row, c->meta);
		json_object_object_add(st, "status", json_object_new_string("creating"));
		r = seccomp_agent_send(fd, cfg->seccomp_listener, cfg->seccomp_metadata, pid, st,
				       nfd, err);
		close(fd);
	}
	close(nfd);
	return r;
}

/* exec: the listenerPath and listenerMetadata of the profile stored at create (NULL: none);
 * the strings live in *ret_json (put by the caller). */
static void stored_listener(const char *config, struct json_object **ret_json,
			    const char **ret_path, const char **ret_meta)
{
	struct json_object *c = config ? json_tokener_parse(config) : NULL, *sec, *p, *prof = NULL;
	*ret_path = *ret_meta = NULL;
	if (c && json_object_object_get_ex(c, "security", &sec) &&
	    json_object_object_get_ex(sec, "seccomp_profile", &p) &&
	    json_object_is_type(p, json_type_string))
		prof = json_tokener_parse(json_object_get_string(p));
	if (c)
		json_object_put(c);
	*ret_json = prof;
	if (prof && json_object_object_get_ex(prof, "listenerPath", &p) &&
	    json_object_is_type(p, json_type_string) && *json_object_get_string(p))
		*ret_path = json_object_get_string(p);
	if (prof && *ret_path && json_object_object_get_ex(prof, "listenerMetadata", &p) &&
	    json_object_is_type(p, json_type_string))
		*ret_meta = json_object_get_string(p);
}

static int send_console(const char *sock, int master, struct hk_err *err)
{
	int fd = console_connect(sock, err);
	if (fd < 0)
		return fd;
	int r = console_send(fd, sock, master, err);
	close(fd);
	return r;
}

/* A file written whole under its final name (a temporary renamed), relative to dirfd. */
static int write_at_atomic(int dirfd, const char *path, const char *text, struct hk_err *err)
{
	char tmp[HK_PATH_MAX + 32];
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	snprintf(tmp, sizeof(tmp), ".%s.tmp%d", base, getpid());
	_cleanup_close_ int fd =
		openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    renameat(dirfd, tmp, dirfd, base) < 0) {
		int e = -errno;
		unlinkat(dirfd, tmp, 0);
		return hk_err_sys(err, e, "write '%s'", path);
	}
	return 0;
}

/* The directory of path, opened now (before exec joins the container's mount namespace). */
static int dir_of(const char *path, struct hk_err *err)
{
	char d[HK_PATH_MAX];
	snprintf(d, sizeof(d), "%s", path);
	char *slash = strrchr(d, '/');
	if (!slash)
		strcpy(d, ".");
	else if (slash == d)
		d[1] = 0;
	else
		*slash = 0;
	int fd = open(d, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return hk_err_sys(err, -errno, "--pid-file '%s'", path);
	return fd;
}

static int write_file_atomic(const char *path, const char *text, struct hk_err *err)
{
	int dfd = dir_of(path, err);
	if (dfd < 0)
		return dfd;
	int r = write_at_atomic(dfd, path, text, err);
	close(dfd);
	return r;
}

static void oom_adj(pid_t pid, int v)
{
	char p[64], val[16];
	snprintf(val, sizeof(val), "%d", v);
	snprintf(p, sizeof(p), "/proc/%d/oom_score_adj", pid);
	_cleanup_close_ int fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd >= 0 && write(fd, val, strlen(val)) < 0) {
		/* best effort: the init's; its command's below */
	}
}

static int write_meta(struct oci_ct *c, const char *id, const struct hk_oci_config *cfg,
		      struct hk_err *err)
{
	struct json_object *m = json_object_new_object(), *v;
	json_object_object_add(m, "id", json_object_new_string(id));
	json_object_object_add(m, "bundle", json_object_new_string(cfg->bundle));
	char ts[64];
	hk_human_rfc3339((int64_t)time(NULL), ts, sizeof(ts));
	json_object_object_add(m, "created", json_object_new_string(ts));
	char cg[HK_PATH_MAX]; /* for a delete --force that finds the record unreadable */
	hk_ct_row_cgroup(&c->row, cg, sizeof(cg));
	json_object_object_add(m, "cgroup", json_object_new_string(cg));
	if (json_object_object_get_ex(cfg->root, "annotations", &v) && v)
		json_object_object_add(m, "annotations", json_object_get(v));
	if (json_object_object_get_ex(cfg->root, "hooks", &v) && v)
		json_object_object_add(m, "hooks", json_object_get(v));
	char p[HK_PATH_MAX + 16];
	meta_path(c, p, sizeof(p));
	int r = write_file_atomic(p, json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN),
				  err);
	c->meta = m;
	return r;
}

/* KEY=value in the process's environment, in place of the config's KEY if it has one. */
static int set_env(struct hk_oci_config *cfg, const char *key, const char *value,
		   struct hk_err *err)
{
	char *e;
	if (asprintf(&e, "%s=%s", key, value) < 0)
		return hk_err_sys(err, -ENOMEM, "create");
	size_t i = 0, k = strlen(key);
	while (i < cfg->nenv && !(!strncmp(cfg->env[i], key, k) && cfg->env[i][k] == '='))
		i++;
	if (i < cfg->nenv)
		free(cfg->env[i]);
	else
		cfg->nenv++;
	cfg->env[i] = e;
	return 0;
}

/* Does the config have hooks of that kind? */
static bool has_hooks(const struct hk_oci_config *cfg, const char *kind)
{
	struct json_object *h, *k;
	return json_object_object_get_ex(cfg->root, "hooks", &h) &&
	       json_object_object_get_ex(h, kind, &k) &&
	       json_object_get_type(k) == json_type_array && json_object_array_length(k) > 0;
}

/* create (or run's first half). x: the run, kept for run's wait. *agent: the socket the
 * container's process sends its seccomp notification fd over (a listenerPath). *notify:
 * run's sd_notify socket (ocinotify.h; `start` binds its own). */
static int create_in(const char *root, const char *id, const struct hk_oci_create_opts *o,
		     struct hk_oci_config *cfg, struct oci_ct *c, struct hk_ct_run *x,
		     const sigset_t *block, int *agent, int *notify, struct hk_err *err)
{
	int r = check_id(id, err);
	if (r == 0)
		r = hk_oci_config_load(cfg, o->bundle ? o->bundle : ".", o->config,
				       root ? root : HK_OCI_DEFAULT_ROOT, err);
	if (r < 0)
		return r;
	/* runc's semantics: fds 3 .. 3+N-1 of this process are the command's (preexec.h);
	 * socket activation's follow them (systemd passes them from 3 up: --preserve-fds
	 * with LISTEN_FDS is the engine's own fds, then the sockets) */
	cfg->spec.preserve_fds = o->preserve_fds + o->listen_fds;
	if (o->listen_fds > 0) {
		char n[16];
		snprintf(n, sizeof(n), "%d", o->listen_fds);
		if ((r = set_env(cfg, "LISTEN_FDS", n, err)) < 0)
			return r;
		cfg->spec.listen_pid = true;
	}
	if (o->notify_socket) { /* sd_notify through the runtime (ocinotify.h) */
		char env[128];
		r = hk_oci_notify_paths(o->notify_socket, cfg->notify_dir, sizeof(cfg->notify_dir),
					env, sizeof(env), err);
		if (r == 0)
			r = set_env(cfg, "NOTIFY_SOCKET", env, err);
		if (r < 0)
			return r;
		cfg->spec.notify_dir = cfg->notify_dir;
	}
	if (cfg->terminal && !o->console_socket && !o->foreground)
		return hk_err_usage(err, "process.terminal is true: use --console-socket SOCK "
					 "to receive its terminal (a detached container's)");
	if (!o->foreground)
		for (int i = 0; !cfg->terminal && i < 3; i++)
			if (isatty(i))
				return hk_err_usage(err,
						    "fd %d is a terminal: a container never gets "
						    "the caller's terminal; set process.terminal "
						    "(with --console-socket) or pass pipes",
						    i);
	if ((r = open_store(root, c, err)) < 0)
		return r;
	char name[HK_CT_NAME_MAX + 1];
	row_name(id, name);
	struct hk_ct_row old;
	struct hk_err e2;
	if (hk_store_get_name(c->st, name, &old, &e2) == 0) {
		hk_ct_row_free(&old);
		return hk_err_set(err, -EEXIST, "container '%s' already exists", id);
	}
	snprintf(cfg->spec.name, sizeof(cfg->spec.name), "%s", name);
	/* the runtime's uts namespace (not listed): its name is the container's (HOSTNAME,
	 * /etc/hostname), left as it is */
	if (cfg->spec.ns_share & (1u << HK_CT_NS_UTS) &&
	    gethostname(cfg->spec.hostname, sizeof(cfg->spec.hostname) - 1) < 0)
		cfg->spec.hostname[0] = 0;
	if (!cfg->spec.hostname[0])
		snprintf(cfg->spec.hostname, sizeof(cfg->spec.hostname), "%s",
			 hk_ct_hostname_valid(name) ? name : "hako");
	/* process.cwd missing from the rootfs: made, as runc and crun make it (inside the root,
	 * symlinks resolved there) */
	if (cfg->spec.workdir && strcmp(cfg->spec.workdir, "/")) {
		int fd = hk_inroot_open(cfg->spec.rootfs_fd, cfg->spec.workdir);
		mode_t um = umask(022); /* 0755 whatever the engine's umask */
		if (fd < 0)
			fd = hk_inroot_target(cfg->spec.rootfs_fd, cfg->spec.workdir, false, err);
		umask(um);
		if (fd < 0)
			return hk_err_prefix(err, "config.json: process.cwd");
		close(fd);
	}
	/* HOME: the user's home in the rootfs's /etc/passwd, else "/" (runc, crun) */
	bool home = false;
	for (size_t i = 0; i < cfg->nenv; i++)
		home |= !strncmp(cfg->env[i], "HOME=", 5);
	if (!home) {
		char h[512], *e;
		hk_oci_home(cfg->spec.rootfs_fd, cfg->sec.user.set ? cfg->sec.user.uid : 0, h,
			    sizeof(h));
		if (asprintf(&e, "HOME=%s", h) < 0)
			return hk_err_sys(err, -ENOMEM, "create");
		cfg->env[cfg->nenv++] = e;
	}
	r = hk_ct_spec_defaults(&cfg->spec, cfg->env, &cfg->nenv, cfg->nenv + 6, err);
	if (r < 0)
		return r;
	struct hk_ct_config_sec cs;
	hk_runsec_config(&cfg->sec, &cs);
	char net[HK_PATH_MAX + 8];
	snprintf(net, sizeof(net), cfg->netns[0] ? "netns:%s" : "private", cfg->netns);
	if (cfg->spec.net == HK_NET_HOST)
		snprintf(net, sizeof(net), "host");
	struct hk_ct_create cc = {
		.st = c->st,
		.paths = &c->paths,
		.spec = &cfg->spec,
		.net = net,
		.rootfs = cfg->rootfs,
		.lim = &cfg->sec.lim,
		.log = &cfg->sec.log,
		.sec = &cs,
		.block = block,
		.created_only = !o->foreground,
		.ends_with_caller = o->foreground,
		/* run in the foreground with nothing to do between create and start (no hook
		 * before the start, no seccomp agent, READY=1 listener or console to hand over):
		 * the command's go as soon as it is assembled, as hako run's, so that it goes on
		 * to exec while this process records it (hk_ct_create) */
		.start_now = o->foreground && !has_hooks(cfg, "createRuntime") &&
			     !has_hooks(cfg, "prestart") && !cfg->seccomp_listener &&
			     !o->notify_socket && !(cfg->terminal && o->console_socket),
	};
	if (cfg->seccomp_listener) {
		int sp[2];
		int one = 1;
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
			return hk_err_sys(err, -errno, "seccomp: socketpair");
		*agent = sp[0];
		cfg->spec.seccomp_sock = sp[1]; /* closed with the spec's (hk_ct_create) */
		if (setsockopt(sp[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0)
			return hk_err_sys(err, -errno, "seccomp: SO_PASSCRED");
	}
	c->st = NULL; /* the run holds it now */
	r = hk_ct_create(&cc, x, err);
	if (r == 0 && !o->foreground)
		r = hk_ct_created(x, err);
	c->st = x->st;
	x->st = NULL;
	if (r < 0)
		return r;
	c->row = x->row;
	memset(&x->row, 0, sizeof(x->row));
	c->have_row = true;
	/* run: the row is marked running (with its pid) only by hk_ct_start; the hooks and the
	 * seccomp agent below see the process's pid already, as they do after create */
	if (c->row.pid <= 0) {
		c->row.pid = x->proc.pid;
		c->row.pid_start = x->proc.start_time;
	}
	if (cfg->has_oom_score_adj) {
		oom_adj(x->proc.pid, cfg->oom_score_adj);
		pid_t *pids;
		size_t n;
		struct hk_err e3;
		if (hk_ct_pids(&c->row, &pids, &n, &e3) == 0) {
			for (size_t i = 0; i < n; i++)
				oom_adj(pids[i], cfg->oom_score_adj);
			free(pids);
		}
	}
	r = write_meta(c, id, cfg, err);
	if (r == 0 && *agent >= 0)
		r = seccomp_agent_create(cfg, c, *agent, err);
	if (r == 0 && cfg->terminal && o->console_socket) {
		r = send_console(o->console_socket, x->pty_master, err);
		close(x->pty_master);
		x->pty_master = -1;
	}
	if (r == 0 && o->foreground && o->notify_socket) {
		char dir[HK_PATH_MAX];
		hk_ct_rundir(&c->paths, c->row.id, dir, sizeof(dir));
		*notify = hk_oci_notify_listen(dir, err);
		r = *notify < 0 ? *notify : 0;
		if (r == -ENOENT) /* made by hk_ct_create: only gone if removed meanwhile */
			hk_err_set(err, r, "NOTIFY_SOCKET: '%s/%s' is missing", dir,
				   HK_CT_NOTIFY_DIR);
	}
	if (r == 0 && o->pid_file) {
		char pid[32];
		snprintf(pid, sizeof(pid), "%d", c->row.pid);
		r = write_file_atomic(o->pid_file, pid, err);
	}
	if (r == 0)
		r = run_hooks(c->meta, &c->row, "createRuntime", err);
	if (r == 0)
		r = run_hooks(c->meta, &c->row, "prestart", err);
	if (r < 0) {
		struct hk_err e4;
		/* the init (never pid 0: kill(0) is this process's whole group, the engine's) */
		pid_t init = c->row.pid > 0 ? c->row.pid : x->proc.pid;
		if (init > 0)
			kill(init, SIGKILL);
		for (int t = 0; init > 0 && t < 500 && hk_proc_alive(init, c->row.pid_start); t++)
			usleep(10000);
		hk_ct_remove(c->st, &c->row, &c->paths, &e4);
	}
	return r;
}

static int create(const char *root, const char *id, const struct hk_oci_create_opts *o,
		  struct hk_oci_config *cfg, struct oci_ct *c, struct hk_ct_run *x,
		  const sigset_t *block, int *notify, struct hk_err *err)
{
	int agent = -1;
	*notify = -1;
	int r = create_in(root, id, o, cfg, c, x, block, &agent, notify, err);
	if (agent >= 0)
		close(agent);
	if (r < 0 && *notify >= 0)
		close(*notify);
	if (r < 0)
		*notify = -1;
	return r;
}

/* A pidfd of the container's process pid (started at start), -1 when it has ended. */
static int pidfd_of(pid_t pid, uint64_t start)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd >= 0 && !hk_proc_alive(pid, start)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* run's relay of READY=1, in a thread while the process is waited for */
struct notify_relay {
	int sock, pidfd;
	const char *host;
	int r;
	struct hk_err err;
};

static void *notify_relay_main(void *arg)
{
	struct notify_relay *n = arg;
	n->r = hk_oci_notify_relay(n->sock, n->pidfd, n->host, &n->err);
	return NULL;
}

int hk_oci_create(const char *root, const char *id, const struct hk_oci_create_opts *o,
		  struct hk_err *err)
{
	hk_stack_prefault(); /* the start's stack in one call (base/prefault.h) */
	struct hk_oci_config *cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		return hk_err_sys(err, -ENOMEM, "create");
	struct oci_ct c = {};
	struct hk_ct_run x;
	hk_ct_run_init(&x);
	int notify;
	int r = create(root, id, o, cfg, &c, &x, NULL, &notify, err);
	hk_ct_run_free(&x);
	oci_ct_close(&c);
	hk_oci_config_free(cfg);
	free(cfg);
	return r;
}

int hk_oci_start(const char *root, const char *id, const char *notify_socket, struct hk_err *err)
{
	struct oci_ct c;
	int r = lookup(root, id, &c, err);
	if (r == 0 && strcmp(status_of(&c.row), "created"))
		r = hk_err_usage(err,
				 "container '%s' is %s: only a created container can be "
				 "started",
				 id, status_of(&c.row));
	/* sd_notify: the socket bound before the command runs, so no READY=1 is lost */
	_cleanup_close_ int sock = -1, pidfd = -1;
	if (r == 0 && notify_socket) {
		char dir[HK_PATH_MAX];
		hk_ct_rundir(&c.paths, c.row.id, dir, sizeof(dir));
		sock = hk_oci_notify_listen(dir, err);
		if (sock < 0 && sock != -ENOENT) /* -ENOENT: created without NOTIFY_SOCKET */
			r = sock;
		if (sock >= 0)
			pidfd = pidfd_of(c.row.pid, c.row.pid_start);
	}
	if (r == 0)
		r = hk_ct_start_created(c.st, &c.paths, &c.row, err);
	if (r == 0 && sock >= 0 && pidfd >= 0) {
		hk_store_close(c.st); /* not held while the container gets ready */
		c.st = NULL;
		r = hk_oci_notify_relay(sock, pidfd, notify_socket, err);
		r = r < 0 ? r : 0;
	}
	if (r == 0) {
		struct hk_err e2; /* poststart: a failure is a warning, the container runs */
		if (run_hooks(c.meta, &c.row, "poststart", &e2) < 0)
			fprintf(stderr, "hako: warning: %s\n", e2.msg);
	}
	oci_ct_close(&c);
	return r;
}

int hk_oci_run(const char *root, const char *id, const struct hk_oci_create_opts *o,
	       int *ret_status, struct hk_err *err)
{
	*ret_status = 0;
	if (o->detach) { /* (create prefaults its stack) */
		struct hk_oci_create_opts d = *o;
		d.foreground = false;
		int r = hk_oci_create(root, id, &d, err);
		return r < 0 ? r : hk_oci_start(root, id, o->notify_socket, err);
	}
	hk_stack_prefault(); /* the start's stack in one call (base/prefault.h) */
	struct hk_oci_config *cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		return hk_err_sys(err, -ENOMEM, "run");
	struct hk_oci_create_opts f = *o;
	f.foreground = true;
	struct oci_ct c = {};
	struct hk_ct_run x;
	hk_ct_run_init(&x);
	sigset_t fwd, old;
	hk_ct_fwd_sigset(&fwd);
	sigprocmask(SIG_SETMASK, NULL, &old);
	int notify = -1;
	int r = create(root, id, &f, cfg, &c, &x, &fwd, &notify, err), status = 0;
	struct notify_relay nr = { .sock = notify, .pidfd = -1, .host = o->notify_socket };
	pthread_t relay;
	bool relaying = false;
	/* the pidfd before the go: a command that notifies and exits at once must not be seen
	 * as gone before its READY=1 is read (our child: its pid stays ours until reaped) */
	if (r == 0 && notify >= 0)
		nr.pidfd = (int)syscall(SYS_pidfd_open, x.proc.pid, 0);
	if (r == 0) {
		x.row = c.row; /* hk_ct_start marks it running */
		x.st = c.st;
		r = hk_ct_start(&x, &status, err);
		c.row = x.row;
		c.st = x.st;
		memset(&x.row, 0, sizeof(x.row));
		x.st = NULL;
	}
	/* READY=1 relayed while the process is waited for */
	relaying = r == 0 && nr.pidfd >= 0 &&
		   pthread_create(&relay, NULL, notify_relay_main, &nr) == 0;
	if (r == 0) {
		struct hk_err e2;
		if (run_hooks(c.meta, &c.row, "poststart", &e2) < 0)
			fprintf(stderr, "hako: warning: %s\n", e2.msg);
		/* the store is kept open while it runs, as hako run's foreground does (it holds
		 * no lock): no second open and reconcile pass come at the exit */
		status = hk_ct_wait_fwd(x.proc.pid, cfg->terminal ? x.pty_master : -1, true,
					x.proxy);
		if (relaying) /* the process has ended: so has the relay */
			pthread_join(relay, NULL);
		if (relaying && nr.r < 0)
			fprintf(stderr, "hako: warning: %s\n", nr.err.msg);
		struct hk_err e3;
		if (c.st || hk_ct_open(&c.paths, &c.st, &e3) == 0) {
			hk_ct_remove(c.st, &c.row, &c.paths, &e3);
			run_hooks(c.meta, &c.row, "poststop", &e3);
		}
	} else if (status) {
		/* the command could not be executed: its status (126/127), the container gone */
		struct hk_err e3;
		if (c.st || hk_ct_open(&c.paths, &c.st, &e3) == 0)
			hk_ct_remove(c.st, &c.row, &c.paths, &e3);
		r = 0;
	}
	*ret_status = status;
	if (nr.pidfd >= 0)
		close(nr.pidfd);
	if (notify >= 0)
		close(notify);
	sigprocmask(SIG_SETMASK, &old, NULL);
	hk_ct_run_free(&x);
	oci_ct_close(&c);
	hk_oci_config_free(cfg);
	free(cfg);
	return r;
}

int hk_oci_state(const char *root, const char *id, struct json_object **ret, struct hk_err *err)
{
	struct oci_ct c;
	int r = lookup(root, id, &c, err);
	if (r == 0)
		*ret = state_json(&c.row, c.meta);
	oci_ct_close(&c);
	return r;
}

int hk_oci_list(const char *root, struct json_object **ret, struct hk_err *err)
{
	struct oci_ct c;
	struct hk_ct_row *rows;
	size_t n;
	int r = open_store(root, &c, err);
	if (r == 0)
		r = hk_store_list(c.st, &rows, &n, err);
	if (r < 0) {
		oci_ct_close(&c);
		return r;
	}
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < n && r == 0; i++) {
		struct json_object *meta;
		r = meta_read(&c.paths, rows[i].id, &meta, err);
		if (r == -ENOENT) /* being created or removed */
			r = 0;
		else if (r == 0)
			json_object_array_add(a, state_json(&rows[i], meta));
		json_object_put(meta);
	}
	hk_ct_rows_free(rows, n);
	oci_ct_close(&c);
	if (r < 0) {
		json_object_put(a);
		return r;
	}
	*ret = a;
	return 0;
}

int hk_oci_kill(const char *root, const char *id, int sig, bool all, struct hk_err *err)
{
	struct oci_ct c;
	int r = lookup(root, id, &c, err);
	if (r == 0 && !strcmp(status_of(&c.row), "stopped"))
		r = hk_err_usage(err, "container '%s' is not running", id);
	if (r == 0 && all) {
		pid_t *pids;
		size_t n;
		r = hk_ct_pids(&c.row, &pids, &n, err);
		for (size_t i = 0; r == 0 && i < n; i++)
			kill(pids[i], sig);
		if (r == 0)
			free(pids);
	} else if (r == 0 && (c.row.pid <= 0 || kill(c.row.pid, sig) < 0)) {
		if (c.row.pid <= 0)
			errno = ESRCH; /* never kill(0): the caller's process group */
		r = hk_err_sys(err, -errno, "kill container '%s'", id);
	}
	oci_ct_close(&c);
	return r;
}

/* delete --force of id, whose record lookup found unreadable (err says why): its
 * processes killed in the cgroup its oci.json names, everything removed; a warning. */
static int purge(struct oci_ct *c, const char *id, struct hk_err *err)
{
	char name[HK_CT_NAME_MAX + 1], hid[HK_CT_ID_LEN + 1];
	row_name(id, name);
	struct hk_err why = *err;
	hk_err_clear(err);
	int r = hk_store_name_id(c->st, name, hid);
	if (r == 0) {
		struct json_object *m = NULL, *v = NULL;
		const char *cg = NULL;
		struct hk_err e2; /* one others could have written: hako's own cgroup for hid */
		int k = meta_read(&c->paths, hid, &m, &e2);
		if (k < 0 && k != -ENOENT)
			fprintf(stderr, "hako: warning: %s\n", e2.msg);
		if (m && json_object_object_get_ex(m, "id", &v) &&
		    !strcmp(json_object_get_string(v), id) &&
		    json_object_object_get_ex(m, "cgroup", &v))
			cg = json_object_get_string(v);
		r = hk_ct_purge(c->st, &c->paths, hid, name, cg, err);
		if (r == 0)
			fprintf(stderr, "hako: warning: %s: removed\n", why.msg);
		json_object_put(m);
	}
	oci_ct_close(c);
	return r == -ENOENT ? 0 : r; /* removed meanwhile */
}

int hk_oci_delete(const char *root, const char *id, bool force, struct hk_err *err)
{
	struct oci_ct c;
	int r = lookup(root, id, &c, err);
	if (r == -EIO && force)
		return purge(&c, id, err);
	if (r == -ENOENT && force) {
		oci_ct_close(&c);
		hk_err_clear(err);
		return 0;
	}
	const char *status = r == 0 ? status_of(&c.row) : "";
	/* running or paused: an error (the spec's "MUST"); --force kills it first. Created:
	 * killed and removed, as runc (delete.go: Created -> destroy) and crun do, which is
	 * what engines expect of `delete` after a create they give up on */
	if (r == 0 && strcmp(status, "stopped") && strcmp(status, "created") && !force)
		r = hk_err_usage(err, "cannot delete container '%s' that is not stopped: %s", id,
				 status);
	if (r == 0 && strcmp(status, "stopped") && c.row.pid > 0) {
		kill(c.row.pid, SIGKILL);
		/* paused (or frozen elsewhere): it dies once thawed, as runc's delete -f */
		char cg[HK_PATH_MAX];
		hk_ct_row_cgroup(&c.row, cg, sizeof(cg));
		hk_cgroup_thaw_all(cg);
		for (int t = 0; t < 1000 && hk_proc_alive(c.row.pid, c.row.pid_start); t++)
			usleep(5000);
	}
	if (r == 0)
		r = hk_ct_remove(c.st, &c.row, &c.paths, err);
	if (r == 0) {
		struct hk_err e2; /* poststop: a failure is a warning, the container is gone */
		if (run_hooks(c.meta, &c.row, "poststop", &e2) < 0)
			fprintf(stderr, "hako: warning: %s\n", e2.msg);
	}
	oci_ct_close(&c);
	return r;
}

int hk_oci_delete_regex(const char *root, const char *regex, bool force, struct hk_err *err)
{
	regex_t re;
	int e = regcomp(&re, regex, REG_EXTENDED | REG_NOSUB);
	if (e) {
		char m[256];
		regerror(e, &re, m, sizeof(m));
		return hk_err_usage(err, "delete --regex '%s': %s", regex, m);
	}
	struct json_object *list = NULL;
	int r = hk_oci_list(root, &list, err);
	size_t n = r == 0 ? json_object_array_length(list) : 0;
	for (size_t i = 0; i < n; i++) {
		struct json_object *id = NULL;
		json_object_object_get_ex(json_object_array_get_idx(list, i), "id", &id);
		if (!id || regexec(&re, json_object_get_string(id), 0, NULL, 0))
			continue;
		struct hk_err e2 = {};
		/* as crun: a failure is a warning, the others are still deleted (ENOENT: one
		 * deleted meanwhile) */
		int k = hk_oci_delete(root, json_object_get_string(id), force, &e2);
		if (k < 0 && k != -ENOENT)
			fprintf(stderr, "hako: warning: %s\n", e2.msg);
	}
	if (list)
		json_object_put(list);
	regfree(&re);
	return r;
}

/* --process FILE: args, env, cwd, terminal, noNewPrivileges, user of a process object. */
static int read_process(const char *file, struct json_object **ret, char ***argv, char ***env,
			struct hk_oci_exec_opts *o, struct hk_err *err)
{
	struct json_object *p = json_object_from_file(file), *v;
	char origin[PATH_MAX + 16];
	snprintf(origin, sizeof(origin), "--process %s", file);
	if (!p || json_object_get_type(p) != json_type_object) {
		if (p)
			json_object_put(p);
		return hk_err_usage(err, "%s: %s", origin,
				    p ? "expected an object" : json_util_get_last_err());
	}
	*ret = p;
	/* every value as config.json's process gets it: a wrong type is refused, never taken
	 * for an empty, zero (root) or truncated one */
	size_t n = 0;
	if (!json_object_object_get_ex(p, "args", &v) || !v ||
	    json_object_get_type(v) != json_type_array || !json_object_array_length(v))
		return hk_err_usage(err, "%s: args: at least one is required", origin);
	int r = hk_oci_json_strings(v, origin, "args", argv, &n, err);
	if (r < 0)
		return r;
	if (json_object_object_get_ex(p, "env", &v) && v) {
		if (json_object_get_type(v) != json_type_array)
			return hk_err_usage(err, "%s: env: expected an array", origin);
		if ((r = hk_oci_json_strings(v, origin, "env", env, &n, err)) < 0)
			return r;
		for (size_t i = 0; i < n; i++)
			if (!strchr((*env)[i], '=') || (*env)[i][0] == '=')
				return hk_err_usage(err, "%s: env[%zu]: '%s': expected KEY=VALUE",
						    origin, i, (*env)[i]);
	} else if (!(*env = calloc(1, sizeof(char *)))) {
		return hk_err_sys(err, -ENOMEM, "%s", origin);
	}
	if (json_object_object_get_ex(p, "cwd", &v) && v) {
		if (json_object_get_type(v) != json_type_string ||
		    json_object_get_string(v)[0] != '/')
			return hk_err_usage(err, "%s: cwd: an absolute path is required", origin);
		if (!o->cwd)
			o->cwd = json_object_get_string(v);
	}
	if (json_object_object_get_ex(p, "terminal", &v) && v) {
		if (json_object_get_type(v) != json_type_boolean)
			return hk_err_usage(err, "%s: terminal: expected a boolean", origin);
		if (json_object_get_boolean(v))
			o->tty = true;
	}
	if (json_object_object_get_ex(p, "noNewPrivileges", &v) && v) {
		if (json_object_get_type(v) != json_type_boolean)
			return hk_err_usage(err, "%s: noNewPrivileges: expected a boolean", origin);
		if (!o->no_new_privs) /* --no-new-privs=BOOL comes first */
			o->no_new_privs = json_object_get_boolean(v) ? 1 : -1;
	}
	struct json_object *u;
	if (!o->user_set && json_object_object_get_ex(p, "user", &u) && u) {
		struct hk_oci_user ou;
		_Static_assert(HK_ARRAY_SIZE(ou.groups) <= HK_ARRAY_SIZE(o->groups), "groups");
		if ((r = hk_oci_json_user(u, origin, "user", &ou, err)) < 0)
			return r;
		o->user_set = true;
		o->uid = ou.uid;
		o->gid = ou.gid;
		for (size_t i = 0; i < ou.ngroups; i++)
			o->groups[i] = ou.groups[i];
		o->ngroups = ou.ngroups;
	}
	return 0;
}

int hk_oci_exec(const char *root, const char *id, const struct hk_oci_exec_opts *opts,
		int *ret_status, struct hk_err *err)
{
	struct hk_oci_exec_opts o = *opts;
	struct json_object *proc_json = NULL;
	char **pargv = NULL, **penv = NULL, **env = NULL;
	struct hk_runsec sec = {};
	struct oci_ct c;
	*ret_status = 0;
	int r = lookup(root, id, &c, err);
	if (r == 0 && strcmp(status_of(&c.row), "running"))
		r = hk_err_usage(err, "container '%s' is %s, not running", id, status_of(&c.row));
	if (r == 0 && o.process)
		r = read_process(o.process, &proc_json, &pargv, &penv, &o, err);
	if (r == 0 && o.tty && !o.console_socket && o.detach)
		r = hk_err_usage(err, "exec --tty --detach: use --console-socket SOCK to receive "
				      "its terminal");
	/* the environment: the process's (--process), else the container's, as runc; then -e
	 * (replacing a variable of the same name) */
	struct json_object *cconf = NULL, *cenv = NULL;
	if (r == 0 && !penv && c.row.config && (cconf = json_tokener_parse(c.row.config)))
		json_object_object_get_ex(cconf, "env", &cenv);
	size_t n = 0, ne = 0, nc = cenv ? json_object_array_length(cenv) : 0;
	for (char *const *e = penv; e && *e; e++)
		n++;
	for (char *const *e = o.env; e && *e; e++)
		ne++;
	if (r == 0 && !(env = calloc(n + nc + ne + 3, sizeof(char *))))
		r = hk_err_sys(err, -ENOMEM, "exec");
	size_t k = 0;
	for (size_t i = 0; r == 0 && i < n; i++)
		env[k++] = penv[i];
	for (size_t i = 0; r == 0 && i < nc; i++)
		env[k++] = (char *)json_object_get_string(json_object_array_get_idx(cenv, i));
	for (size_t i = 0; r == 0 && i < ne; i++) {
		size_t kl = (size_t)(strchr(o.env[i], '=') - o.env[i]) + 1, j = 0;
		while (j < k && strncmp(env[j], o.env[i], kl))
			j++;
		env[j] = o.env[i];
		k += j == k;
	}
	if (r == 0 && k == 0)
		env[k++] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	char *const *argv = pargv ? pargv : o.argv;
	if (r == 0 && (!argv || !argv[0]))
		r = hk_err_usage(err, "exec: a command or --process FILE is required");
	if (r == 0)
		r = hk_runsec_from_config(&sec, c.row.config, &c.paths, err);
	if (r == 0 && o.user_set)
		r = hk_runsec_set_user(&sec, o.uid, o.gid, err);
	/* an explicit no_new_privs, as runc's exec; without one, the container's (crun's exec
	 * drops it unless asked: runc's and Docker's keep it) */
	if (r == 0 && o.no_new_privs)
		sec.sec.plan.no_new_privs = o.no_new_privs > 0;
	if (r == 0 && (o.caps_add || o.ngroups)) { /* the plan again, with them */
		sec.caps |= o.caps_add;
		if (o.ngroups) {
			sec.user.ngroups = o.ngroups;
			sec.user.groups = o.groups;
		}
		hk_caps_plan_free(sec.plan);
		sec.plan = NULL;
		r = hk_caps_plan_new(sec.caps, &sec.user, &sec.plan, err);
		sec.sec.plan.caps = sec.plan;
	}
	/* HOME: the user's home in the container's /etc/passwd, else "/" (runc, crun) */
	char home[520];
	bool has_home = false;
	for (size_t i = 0; r == 0 && i < k; i++)
		has_home |= !strncmp(env[i], "HOME=", 5);
	if (r == 0 && !has_home) {
		char p[64];
		snprintf(p, sizeof(p), "/proc/%d/root", (int)c.row.pid);
		int rfd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
		strcpy(home, "HOME=");
		hk_oci_home(rfd, sec.user.set ? sec.user.uid : 0, home + 5, sizeof(home) - 5);
		if (rfd >= 0)
			close(rfd);
		env[k++] = home;
	}
	struct hk_ct_exec_proc proc = { .pid = -1, .pty_master = -1, .proxy = { -1, -1, -1 } };
	/* what lives outside the container, opened before this process joins it */
	int piddir = -1, console = -1, agent = -1, nfd = -1;
	if (r == 0 && o.pid_file && (piddir = dir_of(o.pid_file, err)) < 0)
		r = piddir;
	/* the seccomp agent (a listenerPath): connected here, sent the exec'd process's
	 * filter fd once it runs */
	struct json_object *lj = NULL;
	const char *lpath = NULL, *lmeta = NULL;
	if (r == 0)
		stored_listener(c.row.config, &lj, &lpath, &lmeta);
	if (r == 0 && lpath && (agent = seccomp_agent_connect(lpath, err)) < 0)
		r = agent;
	/* its state now: once in the container, this process no longer sees the host's /proc */
	struct json_object *lstate = agent >= 0 ? state_json(&c.row, c.meta) : NULL;
	if (r == 0 && o.tty && o.console_socket &&
	    (console = console_connect(o.console_socket, err)) < 0)
		r = console;
	sigset_t fwd, old;
	hk_ct_fwd_sigset(&fwd);
	sigprocmask(SIG_SETMASK, NULL, &old);
	if (r == 0) {
		struct hk_ct_exec x = {
			.paths = &c.paths,
			.row = &c.row,
			.argv = argv,
			.env = env,
			.workdir = o.cwd,
			.tty = o.tty,
			.interactive = true,
			.sec = &sec.sec.plan,
			.block = o.detach ? NULL : &fwd,
			.preserve_fds = o.preserve_fds,
			.seccomp_fd = lpath ? &nfd : NULL,
		};
		/* r < 0 with *ret_status set: it could not be executed (err says why, the
		 * status is 125-127 as runc's) */
		r = hk_ct_exec(&x, &proc, ret_status, err);
		if (r == 0 && agent >= 0) {
			r = nfd < 0 ? hk_err_set(err, -EIO,
						 "seccomp: the filter has no notification fd")
				    : seccomp_agent_send(agent, lpath, lmeta, proc.pid,
							 TAKE_PTR(lstate), nfd, err);
			if (r < 0 && proc.pid > 0) /* failed: nothing of it stays */
				kill(proc.pid, SIGKILL);
		}
		if (r == 0 && o.pid_file) {
			char pid[32];
			snprintf(pid, sizeof(pid), "%d", proc.pid);
			r = write_at_atomic(piddir, o.pid_file, pid, err);
		}
		if (r == 0 && proc.pid > 0 && console >= 0)
			r = console_send(console, o.console_socket, proc.pty_master, err);
		if (r == 0 && proc.pid > 0 && !o.detach)
			*ret_status =
				hk_ct_wait_fwd(proc.pid, o.console_socket ? -1 : proc.pty_master,
					       true, proc.proxy);
		if (proc.pty_master >= 0)
			close(proc.pty_master);
		for (int i = 0; i < 3; i++)
			if (proc.proxy[i] >= 0)
				close(proc.proxy[i]);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (piddir >= 0)
		close(piddir);
	if (console >= 0)
		close(console);
	if (agent >= 0)
		close(agent);
	if (nfd >= 0)
		close(nfd);
	if (lj)
		json_object_put(lj);
	if (lstate)
		json_object_put(lstate);
	hk_runsec_free(&sec);
	free(env);
	if (cconf)
		json_object_put(cconf);
	free(pargv);
	free(penv);
	if (proc_json)
		json_object_put(proc_json);
	oci_ct_close(&c);
	return r;
}

int hk_oci_pause(const char *root, const char *id, bool pause, struct hk_err *err)
{
	struct oci_ct c;
	int r = lookup(root, id, &c, err);
	const char *want = pause ? "running" : "paused";
	if (r == 0 && strcmp(status_of(&c.row), want))
		r = hk_err_usage(err, "container '%s' is %s, not %s", id, status_of(&c.row), want);
	if (r == 0) {
		char cg[HK_PATH_MAX];
		hk_ct_row_cgroup(&c.row, cg, sizeof(cg));
		r = hk_cgroup_freeze(cg, pause, err);
	}
	oci_ct_close(&c);
	return r;
}

int hk_oci_pids(const char *root, const char *id, int **ret, size_t *ret_n, struct hk_err *err)
{
	struct oci_ct c;
	int r = lookup(root, id, &c, err);
	if (r == 0)
		r = hk_ct_pids(&c.row, ret, ret_n, err);
	oci_ct_close(&c);
	return r;
}

int hk_oci_update(const char *root, const char *id, const struct hk_cglimits *l, struct hk_err *err)
{
	struct oci_ct c;
	int r = lookup(root, id, &c, err);
	if (r == 0 && strcmp(status_of(&c.row), "stopped"))
		r = hk_ct_update(&c.row, l, err);
	else if (r == 0)
		r = hk_err_usage(err, "container '%s' is not running", id);
	oci_ct_close(&c);
	return r;
}

int hk_oci_stats(const char *root, const char *id, struct json_object **ret,
		 uint64_t *ret_oom_kills, struct hk_err *err)
{
	struct oci_ct c;
	int r = lookup(root, id, &c, err);
	if (r == 0 && !strcmp(status_of(&c.row), "stopped"))
		r = hk_err_usage(err, "container '%s' is not running", id);
	if (r == 0) {
		char cg[HK_PATH_MAX];
		hk_ct_row_cgroup(&c.row, cg, sizeof(cg));
		struct json_object *e = json_object_new_object();
		json_object_object_add(e, "type", json_object_new_string("stats"));
		json_object_object_add(e, "id", json_object_new_string(id));
		json_object_object_add(e, "data", hk_oci_stats_json(cg, ret_oom_kills));
		*ret = e;
	}
	oci_ct_close(&c);
	return r;
}

struct json_object *hk_oci_features(void)
{
	static const char *const ns[] = { "cgroup", "ipc", "mount", "network", "pid", "uts" };
	static const char *const mopts[] = { "bind",	"rbind",      "ro",	     "rw",
					     "nosuid",	"nodev",      "noexec",	     "suid",
					     "dev",	"exec",	      "strictatime", "relatime",
					     "noatime", "nodiratime", "diratime",    "sync",
					     "async",	"dirsync" };
	struct json_object *o = json_object_new_object(), *l = json_object_new_object();
	json_object_object_add(o, "ociVersionMin", json_object_new_string("1.0.0"));
	json_object_object_add(o, "ociVersionMax", json_object_new_string("1.1.0"));
	struct json_object *hooks = json_object_new_array();
	static const char *const hk[] = { "prestart", "createRuntime", "poststart", "poststop" };
	for (size_t i = 0; i < HK_ARRAY_SIZE(hk); i++)
		json_object_array_add(hooks, json_object_new_string(hk[i]));
	json_object_object_add(o, "hooks", hooks);
	struct json_object *mo = json_object_new_array();
	for (size_t i = 0; i < HK_ARRAY_SIZE(mopts); i++)
		json_object_array_add(mo, json_object_new_string(mopts[i]));
	json_object_object_add(o, "mountOptions", mo);
	struct json_object *na = json_object_new_array();
	for (size_t i = 0; i < HK_ARRAY_SIZE(ns); i++)
		json_object_array_add(na, json_object_new_string(ns[i]));
	json_object_object_add(l, "namespaces", na);
	struct json_object *sc = json_object_new_object();
	json_object_object_add(sc, "enabled", json_object_new_boolean(1));
	json_object_object_add(l, "seccomp", sc);
	json_object_object_add(o, "linux", l);
	return o;
}
