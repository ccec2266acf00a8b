// SPDX-License-Identifier: MIT
/* A delegated IPAM plugin (see cniipam.h). */
#include "cniipam.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"

extern char **environ;

static int find(const char *cni_path, const char *type, char *out, size_t cap, int *ret_code,
		struct hk_err *err)
{
	if (!type[0] || strchr(type, '/') || !strcmp(type, ".") || !strcmp(type, "..")) {
		*ret_code = HK_CNI_E_CONFIG;
		return hk_err_usage(err, "ipam.type: '%s' is not a plugin name", type);
	}
	const char *p = cni_path ? cni_path : "";
	while (*p) {
		size_t n = strcspn(p, ":");
		if (n) {
			snprintf(out, cap, "%.*s/%s", (int)n, p, type);
			if (access(out, X_OK) == 0)
				return 0;
		}
		p += n + (p[n] == ':');
	}
	*ret_code = HK_CNI_E_UNAVAILABLE;
	return hk_err_set(err, -ENOENT, "ipam plugin '%s': not found in CNI_PATH '%s'", type,
			  cni_path ? cni_path : "");
}

/* The environment with CNI_COMMAND replaced. */
static char **env_with(const char *command, char *buf, size_t cap)
{
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = calloc(n + 2, sizeof(*env));
	if (!env)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "CNI_COMMAND=", 12))
			env[k++] = environ[i];
	snprintf(buf, cap, "CNI_COMMAND=%s", command);
	env[k] = buf;
	return env;
}

/* Write in to fd 'to' and read 'from' until EOF, at the same time (a plugin may write
 * before it has read everything). */
static int pump(int to, const char *in, size_t len, int from, char **ret, size_t *ret_len)
{
	size_t cap = 4096, got = 0, put = 0;
	char *buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	if (len == 0) {
		close(to);
		to = -1;
	}
	for (;;) {
		struct pollfd p[2] = { { from, POLLIN, 0 }, { to, POLLOUT, 0 } };
		if (poll(p, to >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (to >= 0 && p[1].revents) {
			ssize_t k = write(to, in + put, len - put);
			if (k > 0)
				put += (size_t)k;
			if (k < 0 || put == len) {
				close(to);
				to = -1;
			}
		}
		if (p[0].revents) {
			if (got + 1 >= cap) {
				char *nb = realloc(buf, cap *= 2);
				if (!nb)
					break;
				buf = nb;
			}
			ssize_t k = read(from, buf + got, cap - got - 1);
			if (k <= 0)
				break;
			got += (size_t)k;
		}
	}
	if (to >= 0)
		close(to);
	buf[got] = 0;
	*ret = buf;
	*ret_len = got;
	return 0;
}

static int parse_ip(json_object *o, const char *key, struct hk_prefix *ret, bool cidr)
{
	json_object *v;
	struct hk_err e;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return -ENOENT;
	const char *s = json_object_get_string(v);
	int r = cidr ? hk_parse_prefix(s, 0, ret, &e) : hk_parse_addr(s, 0, ret, &e);
	return r < 0 ? r : (cidr && !ret->has_len ? -EINVAL : 0);
}

static int parse_result(const char *text, struct hk_cni_ipam_res *ret, struct hk_err *err)
{
	memset(ret, 0, sizeof(*ret));
	json_object *o = json_tokener_parse(text), *ips, *routes;
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return hk_err_set(err, -EPROTO, "its result is not a JSON object");
	}
	ret->root = o;
	if (json_object_object_get_ex(o, "ips", &ips) && json_object_is_type(ips, json_type_array))
		for (size_t i = 0; i < json_object_array_length(ips); i++) {
			json_object *ip = json_object_array_get_idx(ips, i);
			struct hk_prefix a, g = { 0 };
			if (parse_ip(ip, "address", &a, true) < 0)
				return hk_err_set(err, -EPROTO, "ips[%zu].address: not a CIDR", i);
			parse_ip(ip, "gateway", &g, false);
			bool six = a.family == AF_INET6;
			if (six && !ret->has6) {
				ret->addr6 = a;
				ret->gw6 = g;
				ret->has6 = true;
			} else if (!six && !ret->has4) {
				ret->addr4 = a;
				ret->gw4 = g;
				ret->has4 = true;
			}
		}
	if (json_object_object_get_ex(o, "routes", &routes) &&
	    json_object_is_type(routes, json_type_array))
		for (size_t i = 0;
		     i < json_object_array_length(routes) && ret->n_routes < HK_CNI_MAX_ROUTES;
		     i++) {
			json_object *rt = json_object_array_get_idx(routes, i);
			struct hk_net_route *x = &ret->routes[ret->n_routes];
			memset(x, 0, sizeof(*x));
			if (parse_ip(rt, "dst", &x->dst, true) < 0)
				return hk_err_set(err, -EPROTO, "routes[%zu].dst: not a CIDR", i);
			parse_ip(rt, "gw", &x->gw, false);
			ret->n_routes++;
		}
	json_object_object_get_ex(o, "dns", &ret->dns);
	if (!ret->has4)
		return hk_err_set(err, -EPROTO,
				  "no IPv4 address in its result (hako networks "
				  "need one)");
	return 0;
}

/* Run it; its stdout (malloc'ed) in *ret_text on success. */
static int run_plugin(const char *cni_path, const char *type, const char *command, const char *conf,
		      size_t len, char **ret_text, int *ret_code, struct hk_err *err)
{
	char exe[4096], cmd[64];
	int r = find(cni_path, type, exe, sizeof(exe), ret_code, err);
	if (r < 0)
		return r;
	int in[2] = { -1, -1 }, out[2] = { -1, -1 };
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) {
		r = -errno;
		close(in[0]);
		close(in[1]);
		*ret_code = HK_CNI_E_INTERNAL;
		return hk_err_sys(err, r, "ipam plugin '%s': pipe", type);
	}
	_cleanup_free_ char **env = env_with(command, cmd, sizeof(cmd));
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	char *argv[] = { exe, NULL };
	pid_t pid;
	r = env ? -posix_spawn(&pid, exe, &fa, NULL, argv, env) : -ENOMEM;
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(out[1]);
	if (r < 0) {
		close(in[1]);
		close(out[0]);
		*ret_code = HK_CNI_E_INTERNAL;
		return hk_err_sys(err, r, "ipam plugin '%s': run", exe);
	}
	/* a plugin that exits before reading its stdin must not kill us */
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	sigaction(SIGPIPE, &ign, &old);
	_cleanup_free_ char *text = NULL;
	size_t tlen = 0;
	r = pump(in[1], conf, len, out[0], &text, &tlen);
	sigaction(SIGPIPE, &old, NULL);
	close(out[0]);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (r < 0) {
		*ret_code = HK_CNI_E_INTERNAL;
		return hk_err_sys(err, r, "ipam plugin '%s'", type);
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		json_object *o = json_tokener_parse(text), *c, *m;
		*ret_code = HK_CNI_E_INTERNAL;
		const char *msg = "no error object";
		if (o && json_object_object_get_ex(o, "code", &c))
			*ret_code = json_object_get_int(c);
		if (o && json_object_object_get_ex(o, "msg", &m))
			msg = json_object_get_string(m);
		hk_err_set(err, -EIO, "ipam plugin '%s' %s: %s (code %d)", type, command, msg,
			   *ret_code);
		json_object_put(o);
		return -EIO;
	}
	*ret_text = TAKE_PTR(text);
	return 0;
}

int hk_cni_ipam_exec(const char *cni_path, const char *type, const char *command, const char *conf,
		     size_t len, struct hk_cni_ipam_res *ret, int *ret_code, struct hk_err *err)
{
	_cleanup_free_ char *text = NULL;
	int r = run_plugin(cni_path, type, command, conf, len, &text, ret_code, err);
	if (r < 0 || !ret)
		return r;
	r = parse_result(text, ret, err);
	if (r < 0) {
		hk_cni_ipam_res_free(ret);
		*ret_code = HK_CNI_E_INTERNAL;
		return hk_err_prefix(err, "ipam plugin '%s' ADD", type);
	}
	return 0;
}

void hk_cni_ipam_res_free(struct hk_cni_ipam_res *r)
{
	json_object_put(r->root);
	r->root = NULL;
}

int hk_cni_ipam_supports(const char *cni_path, const char *type, const char *version, bool *ret,
			 int *ret_code, struct hk_err *err)
{
	char conf[64];
	snprintf(conf, sizeof(conf), "{\"cniVersion\": \"%s\"}", version);
	_cleanup_free_ char *text = NULL;
	*ret = false;
	int r = run_plugin(cni_path, type, "VERSION", conf, strlen(conf), &text, ret_code, err);
	if (r < 0)
		return r;
	json_object *o = json_tokener_parse(text), *v;
	if (o && json_object_object_get_ex(o, "supportedVersions", &v) &&
	    json_object_is_type(v, json_type_array))
		for (size_t i = 0; i < json_object_array_length(v) && !*ret; i++) {
			const char *s = json_object_get_string(json_object_array_get_idx(v, i));
			*ret = s && !strcmp(s, version); /* a null entry: not that version */
		}
	json_object_put(o);
	return 0;
}
