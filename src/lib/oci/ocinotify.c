// SPDX-License-Identifier: MIT
#include "ocinotify.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "container.h"

#define NOTIFY_SOCK "notify" /* the socket's name in RUN/<id>/notify and in the container */

int hk_oci_notify_paths(const char *host, char *dir, size_t dir_len, char *env, size_t env_len,
			struct hk_err *err)
{
	struct sockaddr_un sa;
	if (!host[0])
		return hk_err_usage(err, "NOTIFY_SOCKET: an empty path");
	/* an abstract socket has no path to bind in the container: crun's default place */
	const char *d = host[0] == '/' ? host : "/run/notify";
	int k = snprintf(env, env_len, "%s/%s", d, NOTIFY_SOCK);
	if (k < 0 || (size_t)k >= env_len || (size_t)k >= sizeof(sa.sun_path) ||
	    strlen(d) >= dir_len)
		return hk_err_usage(err,
				    "NOTIFY_SOCKET: '%s': '%s/%s' in the container is too long "
				    "for a socket address (%zu bytes at most)",
				    host, d, NOTIFY_SOCK, sizeof(sa.sun_path) - 1);
	snprintf(dir, dir_len, "%s", d);
	return 0;
}

int hk_oci_notify_listen(const char *rundir, struct hk_err *err)
{
	char p[HK_PATH_MAX];
	snprintf(p, sizeof(p), "%s/%s", rundir, HK_CT_NOTIFY_DIR);
	/* RUN/<id> is hako's; the directory in it is the container's too (bound there) */
	_cleanup_close_ int dfd = open(p, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0 && errno == ENOENT)
		return -ENOENT; /* created without NOTIFY_SOCKET */
	if (dfd < 0)
		return hk_err_sys(err, -errno, "NOTIFY_SOCKET: open '%s'", p);
	/* what the container may have made under the name: a socket, a file, a symlink */
	char fdp[64];
	snprintf(fdp, sizeof(fdp), "/proc/self/fd/%d", dfd);
	if (unlinkat(dfd, NOTIFY_SOCK, 0) < 0 && errno != ENOENT &&
	    !(errno == EISDIR && unlinkat(dfd, NOTIFY_SOCK, AT_REMOVEDIR) == 0))
		return hk_err_sys(err, -errno, "NOTIFY_SOCKET: remove '%s/%s'", p, NOTIFY_SOCK);
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return hk_err_sys(err, -errno, "NOTIFY_SOCKET: socket");
	/* bound through the directory's descriptor (the path is resolved again by bind, but
	 * only the last name is in the container's hands, and bind never follows it); 0777 at
	 * birth: no chmod by name afterwards */
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", fdp, NOTIFY_SOCK);
	mode_t old = umask(0);
	int r = bind(s, (struct sockaddr *)&sa, sizeof(sa));
	int e = errno;
	umask(old);
	if (r < 0) {
		close(s);
		return hk_err_sys(err, -e, "NOTIFY_SOCKET: bind '%s/%s'", p, NOTIFY_SOCK);
	}
	return s;
}

static int relay(const char *host, struct hk_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = strlen(host);
	if (n >= sizeof(sa.sun_path))
		return hk_err_usage(err, "NOTIFY_SOCKET: '%s': too long for a socket address",
				    host);
	memcpy(sa.sun_path, host, n);
	if (host[0] == '@')
		sa.sun_path[0] = 0; /* abstract */
	_cleanup_close_ int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return hk_err_sys(err, -errno, "NOTIFY_SOCKET: socket");
	static const char ready[] = "READY=1";
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	if (sendto(s, ready, sizeof(ready) - 1, MSG_NOSIGNAL, (struct sockaddr *)&sa, len) < 0)
		return hk_err_sys(err, -errno, "NOTIFY_SOCKET: send READY=1 to '%s'", host);
	return 1;
}

/* Does the datagram hold the line READY=1 (sd_notify's newline-separated assignments)? */
static bool is_ready(const char *buf, size_t n)
{
	static const char key[] = "READY=1";
	const size_t k = sizeof(key) - 1;
	for (size_t i = 0; i + k <= n; i++) {
		if (i > 0 && buf[i - 1] != '\n')
			continue;
		if (!memcmp(buf + i, key, k) && (i + k == n || buf[i + k] == '\n'))
			return true;
	}
	return false;
}

int hk_oci_notify_relay(int sock, int pidfd, const char *host, struct hk_err *err)
{
	for (;;) {
		struct pollfd pf[2] = { { sock, POLLIN, 0 }, { pidfd, POLLIN, 0 } };
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return hk_err_sys(err, -errno, "NOTIFY_SOCKET: poll");
		}
		if (pf[0].revents & POLLIN) {
			char buf[4096];
			ssize_t n = recv(sock, buf, sizeof(buf), MSG_DONTWAIT);
			if (n > 0 && is_ready(buf, (size_t)n))
				return relay(host, err);
			continue; /* anything else: not relayed (crun) */
		}
		if (pf[0].revents & (POLLERR | POLLNVAL))
			return hk_err_set(err, -EIO, "NOTIFY_SOCKET: the runtime's socket failed");
		if (pf[1].revents)
			return 0; /* the process ended (a datagram sent before is read first) */
	}
}
