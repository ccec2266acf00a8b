// SPDX-License-Identifier: MIT
/*
 * libhako's public functions (include/hako/hako.h): thin compositions of the library's own
 * pieces, the same ones the CLI uses. Only the hako_* names are exported (libhako.map).
 */
#include "hako/hako.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/parse.h"
#include "container.h"
#include "ctrun.h"
#include "ctspec.h"
#include "ctwait.h"
#include "link.h"
#include "netlink.h"
#include "netns.h"
#include "runsec.h"
#include "store.h"

#define API __attribute__((visibility("default")))

/* the exit statuses of docs/cli.md: the error classes' numbers */
static int fail(struct hako_error *out, const struct hk_err *e)
{
	if (out) {
		out->code = e->code ? e->code : -EIO;
		out->status = (int)e->cls;
		snprintf(out->msg, sizeof(out->msg), "%s", e->msg);
	}
	return e->code ? e->code : -EIO;
}

static void ok(struct hako_error *out)
{
	if (out)
		memset(out, 0, sizeof(*out));
}

API const char *hako_version(void)
{
	return HAKO_VERSION;
}

API int hako_netns_add(const char *name, struct hako_error *err)
{
	struct hk_err e = { 0 };
	if (!name || hk_parse_netns_name(name, &e) < 0 || hk_netns_add(name, &e) < 0)
		return fail(err, name ? &e : (hk_err_usage(&e, "netns: no name"), &e));
	ok(err);
	return 0;
}

API int hako_netns_del(const char *name, struct hako_error *err)
{
	struct hk_err e = { 0 };
	if (!name || hk_parse_netns_name(name, &e) < 0 || hk_netns_del(name, &e) < 0)
		return fail(err, name ? &e : (hk_err_usage(&e, "netns: no name"), &e));
	ok(err);
	return 0;
}

/* a netlink socket in netns (NULL: ours) */
static int nl_in(const char *netns, struct hk_nl **ret, struct hk_err *e)
{
	_cleanup_close_ int fd = -1;
	if (netns && (hk_parse_netns_name(netns, e) < 0 || hk_netns_open(netns, &fd, e) < 0))
		return e->code;
	return hk_nl_open(ret, fd, e);
}

static void res_close(struct hk_link_res *res)
{
	if (res->netns_fd >= 0)
		close(res->netns_fd);
	if (res->peer_netns_fd >= 0)
		close(res->peer_netns_fd);
}

API int hako_link_add(const char *netns, int argc, const char *const *argv, struct hako_error *err)
{
	struct hk_err e = { 0 };
	struct hk_link_req req;
	struct hk_link_res res;
	struct hk_nl *nl = NULL;
	hk_link_res_init(&res);
	int r = hk_link_parse_add(argc, (char **)argv, &req, &e);
	if (r == 0 && req.a.netns[0])
		r = hk_netns_open(req.a.netns, &res.netns_fd, &e);
	if (r == 0 && req.kind == &hk_link_veth && req.u.veth.peer_netns[0])
		r = hk_netns_open(req.u.veth.peer_netns, &res.peer_netns_fd, &e);
	if (r == 0)
		r = nl_in(netns, &nl, &e);
	if (r == 0 && req.kind->ioctl) {
		/* an ioctl kind: made by hk_tuntap_create in the namespace it is to live in */
		int fd = res.netns_fd;
		_cleanup_close_ int own = -1;
		if (fd < 0 && netns && (r = hk_netns_open(netns, &own, &e)) == 0)
			fd = own;
		if (r == 0)
			r = hk_tuntap_create(&req, fd, &e);
	} else if (r == 0) {
		struct hk_nlmsg m;
		r = hk_link_resolve(nl, &req, &res, &e);
		if (r == 0)
			r = hk_link_add_msg(&req, &res, &m, &e);
		if (r == 0)
			r = hk_nl_do(nl, &m, NULL, NULL, &e);
	}
	if (r < 0 && req.name[0])
		hk_link_explain(&req, true, &e);
	hk_nl_close(nl);
	res_close(&res);
	if (r < 0)
		return fail(err, &e);
	ok(err);
	return 0;
}

API int hako_link_del(const char *netns, const char *name, struct hako_error *err)
{
	struct hk_err e = { 0 };
	struct hk_nl *nl = NULL;
	const char *argv[] = { name, NULL };
	struct hk_link_req req;
	int r = name ? hk_link_parse_del(1, (char **)argv, &req, &e)
		     : hk_err_usage(&e, "link del: no name");
	if (r == 0)
		r = nl_in(netns, &nl, &e);
	if (r == 0) {
		struct hk_nlmsg m;
		hk_link_del_msg(req.name, &m);
		r = hk_nl_do(nl, &m, NULL, NULL, &e);
		if (r < 0)
			hk_link_explain(&req, false, &e);
	}
	hk_nl_close(nl);
	if (r < 0)
		return fail(err, &e);
	ok(err);
	return 0;
}

#define CT_ENV_MAX 256

struct ct_call {
	struct hk_ct_spec spec;
	struct hk_runsec sec;
	char rootfs[PATH_MAX];
	char *env[CT_ENV_MAX + 1];
	size_t nenv;
	char net[HK_PATH_MAX];
};

static void ct_call_free(struct ct_call *k)
{
	for (size_t i = 0; i < k->nenv; i++)
		free(k->env[i]);
	hk_ct_spec_close_fds(&k->spec);
	hk_runsec_free(&k->sec);
	free(k);
}

/* The description hako run would make of the same options, validated and resolved. */
static int ct_describe(const struct hako_container *c, const char *root, struct ct_call *k,
		       struct hk_err *e)
{
	struct hk_ct_spec *s = &k->spec;
	hk_ct_spec_init(s);
	if (!c || !c->rootfs || !c->argv || !c->argv[0])
		return hk_err_usage(e, "container: a rootfs and a command are required");
	if (c->name && !hk_ct_name_valid(c->name))
		return hk_err_usage(e, "container: invalid name '%s'", c->name);
	if (c->hostname && !hk_ct_hostname_valid(c->hostname))
		return hk_err_usage(e, "container: invalid hostname '%s'", c->hostname);
	snprintf(s->name, sizeof(s->name), "%s", c->name ? c->name : "");
	snprintf(s->hostname, sizeof(s->hostname), "%s", c->hostname ? c->hostname : "");
	for (const char *const *v = c->env; v && *v; v++) {
		if (k->nenv == CT_ENV_MAX)
			return hk_err_usage(e, "container: more than %d variables", CT_ENV_MAX);
		if (!strchr(*v, '=') || **v == '=')
			return hk_err_usage(e, "container: env '%s': expected KEY=VALUE", *v);
		if (!(k->env[k->nenv] = strdup(*v)))
			return hk_err_sys(e, -ENOMEM, "container: env");
		k->nenv++;
	}
	if (hk_ct_spec_rootfs(s, c->rootfs, k->rootfs, e) < 0)
		return hk_err_prefix(e, "container");
	s->argv = (char **)c->argv;
	if (c->netns) {
		int fd;
		if (hk_parse_netns_name(c->netns, e) < 0 || hk_netns_open(c->netns, &fd, e) < 0)
			return hk_err_prefix(e, "container: netns");
		close(fd);
		s->net = HK_NET_NETNS;
		s->netns = c->netns;
		snprintf(k->net, sizeof(k->net), "netns:%s", c->netns);
	} else {
		s->net = HK_NET_NONE;
		snprintf(k->net, sizeof(k->net), "none");
	}
	int r = hk_runsec_prepare(&k->sec, s, root, e);
	if (r == 0)
		r = hk_ct_spec_defaults(s, k->env, &k->nenv, CT_ENV_MAX, e);
	return r;
}

API int hako_container_run(const struct hako_container *c, int *exit_status, struct hako_error *err)
{
	struct hk_err e = { 0 };
	struct ct_call *k = calloc(1, sizeof(*k));
	if (!k) {
		hk_err_sys(&e, -ENOMEM, "container");
		return fail(err, &e);
	}
	struct hk_ct_run x;
	hk_ct_run_init(&x);
	int status = 0;
	const char *root = c && c->state_root ? c->state_root : getenv("HAKO_ROOT");
	sigset_t fwd, old;
	hk_ct_fwd_sigset(&fwd);
	pthread_sigmask(SIG_SETMASK, NULL, &old);
	int r = ct_describe(c, root, k, &e);
	if (r == 0 && (r = hk_paths_init(&x.paths, root, &e)) == 0)
		r = hk_ct_open(&x.paths, &x.st, &e);
	if (r == 0) {
		struct hk_ct_config_sec cs;
		hk_runsec_config(&k->sec, &cs);
		struct hk_ct_create cc = {
			.st = x.st,
			.paths = &x.paths,
			.spec = &k->spec,
			.net = k->net,
			.rm = true,
			.rootfs = k->rootfs,
			.lim = &k->sec.lim,
			.log = &k->sec.log,
			.sec = &cs,
			.block = &fwd,
		};
		r = hk_ct_create(&cc, &x, &e);
		if (r == 0)
			r = hk_ct_start(&x, &status, &e);
	}
	if (r == 0) {
		hk_store_close(x.st); /* not held open while the container runs */
		x.st = NULL;
		status = hk_ct_wait_fwd(x.proc.pid, -1, false, x.proxy);
		hk_ct_end(&x, status, &e);
	}
	hk_ct_run_free(&x);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	ct_call_free(k);
	if (r < 0 && !status)
		return fail(err, &e);
	/* 126/127: the command could not be executed; the container was ended with that status */
	if (exit_status)
		*exit_status = status;
	ok(err);
	return 0;
}
