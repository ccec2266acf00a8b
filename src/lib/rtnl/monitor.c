// SPDX-License-Identifier: MIT
#include "monitor.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/parse.h"
#include "base/vec.h"

/* A named namespace that appeared in the directory is bind-mounted only after its file is
 * created (IN_CREATE): retried every PENDING_MS for PENDING_TRIES times. */
#define PENDING_MS 20
#define PENDING_TRIES 250

static const struct {
	const char *name;
	unsigned bits;
} words[] = {
	{ "link", HK_MON_LINK },    { "addr", HK_MON_ADDR },
	{ "address", HK_MON_ADDR }, { "route", HK_MON_ROUTE },
	{ "neigh", HK_MON_NEIGH },  { "neighbour", HK_MON_NEIGH },
	{ "rule", HK_MON_RULE },    { "netns", HK_MON_NSID | HK_MON_NETNS },
	{ "nsid", HK_MON_NSID },    { "all", HK_MON_ALL },
};

int hk_monitor_obj_parse(const char *s, unsigned *ret)
{
	for (size_t i = 0; i < HK_ARRAY_SIZE(words); i++)
		if (!strcmp(s, words[i].name)) {
			*ret = words[i].bits;
			return 0;
		}
	return -EINVAL;
}

const char *hk_monitor_obj_name(enum hk_mon_obj obj)
{
	switch (obj) {
	case HK_MON_LINK:
		return "link";
	case HK_MON_ADDR:
		return "addr";
	case HK_MON_ROUTE:
		return "route";
	case HK_MON_NEIGH:
		return "neigh";
	case HK_MON_RULE:
		return "rule";
	case HK_MON_NSID:
		return "nsid";
	case HK_MON_NETNS:
		return "netns";
	default:
		return "?";
	}
}

struct watch {
	char *name; /* NULL: the namespace given to open */
	struct hk_nl *listen, *query;
};

struct pending {
	char *name;
	int tries;
};

struct hk_monitor {
	unsigned objs;
	bool all;
	char *dir;
	int ino;
	struct watch *w;
	size_t n, cap;
	struct pending *p;
	size_t np, capp;
};

static const struct {
	unsigned obj;
	unsigned group;
} groups[] = {
	{ HK_MON_LINK, RTNLGRP_LINK },	      { HK_MON_ADDR, RTNLGRP_IPV4_IFADDR },
	{ HK_MON_ADDR, RTNLGRP_IPV6_IFADDR }, { HK_MON_ROUTE, RTNLGRP_IPV4_ROUTE },
	{ HK_MON_ROUTE, RTNLGRP_IPV6_ROUTE }, { HK_MON_NEIGH, RTNLGRP_NEIGH },
	{ HK_MON_RULE, RTNLGRP_IPV4_RULE },   { HK_MON_RULE, RTNLGRP_IPV6_RULE },
	{ HK_MON_NSID, RTNLGRP_NSID },
};

static void watch_free(struct watch *w)
{
	free(w->name);
	hk_nl_close(w->listen);
	hk_nl_close(w->query);
}

static int watch_add(struct hk_monitor *m, const char *name, int fd, struct hk_err *err)
{
	struct watch w = { 0 };
	int r = hk_nl_open(&w.listen, fd, err);
	if (r == 0)
		r = hk_nl_open(&w.query, fd, err);
	for (size_t i = 0; r == 0 && i < HK_ARRAY_SIZE(groups); i++)
		if (m->objs & groups[i].obj)
			r = hk_nl_join(w.listen, groups[i].group, err);
	if (r == 0 && name && !(w.name = strdup(name)))
		r = hk_err_sys(err, -ENOMEM, "monitor");
	if (r == 0 && hk_vec_grow(&m->w, m->n, &m->cap, 8) < 0)
		r = hk_err_sys(err, -ENOMEM, "monitor");
	if (r < 0) {
		watch_free(&w);
		return name ? hk_err_prefix(err, "netns '%s'", name) : r;
	}
	m->w[m->n++] = w;
	return 0;
}

/* 1 watched, 0 not a namespace (yet), < 0 failed. */
static int watch_named(struct hk_monitor *m, const char *name, struct hk_err *err)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", m->dir, name);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : hk_err_sys(err, -errno, "open %s", path);
	struct statfs sf;
	if (fstatfs(fd, &sf) < 0 || sf.f_type != NSFS_MAGIC)
		return 0;
	int r = watch_add(m, name, fd, err);
	return r < 0 ? r : 1;
}

static void watch_drop(struct hk_monitor *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->w[i].name && !strcmp(m->w[i].name, name)) {
			watch_free(&m->w[i]);
			m->w[i] = m->w[--m->n];
			return;
		}
	for (size_t i = 0; i < m->np; i++)
		if (!strcmp(m->p[i].name, name)) {
			free(m->p[i].name);
			m->p[i] = m->p[--m->np];
			return;
		}
}

static int pend(struct hk_monitor *m, const char *name, struct hk_err *err)
{
	if (hk_vec_grow(&m->p, m->np, &m->capp, 4) < 0 || !(m->p[m->np].name = strdup(name)))
		return hk_err_sys(err, -ENOMEM, "monitor");
	m->p[m->np++].tries = 0;
	return 0;
}

int hk_monitor_open(struct hk_monitor **ret, unsigned objs, int netns_fd, const char *dir, bool all,
		    struct hk_err *err)
{
	struct hk_monitor *m = calloc(1, sizeof(*m));
	if (!m || !(m->dir = strdup(dir))) {
		free(m);
		return hk_err_sys(err, -ENOMEM, "monitor");
	}
	m->objs = objs;
	m->all = all;
	m->ino = -1;
	int r = watch_add(m, NULL, netns_fd, err);
	if (r == 0 && (all || (objs & HK_MON_NETNS))) {
		mkdir(dir, 0755); /* as ip netns: the directory may not exist yet */
		m->ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
		if (m->ino < 0 || inotify_add_watch(m->ino, dir, IN_CREATE | IN_DELETE) < 0)
			r = hk_err_sys(err, -errno, "monitor: watch %s", dir);
	}
	if (r == 0 && all) {
		DIR *d = opendir(dir);
		struct dirent *de;
		while (d && r >= 0 && (de = readdir(d)))
			if (de->d_name[0] != '.' && (r = watch_named(m, de->d_name, err)) == 0)
				r = pend(m, de->d_name, err);
		if (d)
			closedir(d);
	}
	if (r < 0) {
		hk_monitor_close(m);
		return r;
	}
	*ret = m;
	return 0;
}

void hk_monitor_close(struct hk_monitor *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		watch_free(&m->w[i]);
	for (size_t i = 0; i < m->np; i++)
		free(m->p[i].name);
	free(m->w);
	free(m->p);
	if (m->ino >= 0)
		close(m->ino);
	free(m->dir);
	free(m);
}

struct deliver {
	hk_mon_cb cb;
	void *data;
	struct watch *w;
	int stop; /* the callback's non-zero return */
};

static int classify(uint16_t type, enum hk_mon_obj *obj, bool *del)
{
	static const struct {
		uint16_t newt, delt;
		enum hk_mon_obj obj;
	} map[] = {
		{ RTM_NEWLINK, RTM_DELLINK, HK_MON_LINK },
		{ RTM_NEWADDR, RTM_DELADDR, HK_MON_ADDR },
		{ RTM_NEWROUTE, RTM_DELROUTE, HK_MON_ROUTE },
		{ RTM_NEWNEIGH, RTM_DELNEIGH, HK_MON_NEIGH },
		{ RTM_NEWRULE, RTM_DELRULE, HK_MON_RULE },
		{ RTM_NEWNSID, RTM_DELNSID, HK_MON_NSID },
	};
	for (size_t i = 0; i < HK_ARRAY_SIZE(map); i++)
		if (type == map[i].newt || type == map[i].delt) {
			*obj = map[i].obj;
			*del = type == map[i].delt;
			return 0;
		}
	return -EINVAL;
}

static int on_msg(const struct nlmsghdr *nlh, void *data, struct hk_err *err)
{
	struct deliver *d = data;
	struct hk_mon_event ev = {
		.netns = d->w->name, .nlh = nlh, .query = d->w->query, .nsid = -1
	};
	if (d->stop || classify(nlh->nlmsg_type, &ev.obj, &ev.del) < 0)
		return 0;
	if (ev.obj == HK_MON_NSID) {
		const struct nlattr *tb[NETNSA_MAX + 1];
		hk_attr_parse(nlh, sizeof(struct rtgenmsg), tb, NETNSA_MAX);
		if (tb[NETNSA_NSID])
			ev.nsid = (int32_t)hk_attr_u32(tb[NETNSA_NSID]);
	}
	int r = d->cb(&ev, d->data, err);
	if (r < 0)
		return r;
	d->stop = r;
	return 0;
}

static int named_event(struct hk_monitor *m, const char *name, bool del, hk_mon_cb cb, void *data,
		       struct hk_err *err)
{
	if (!(m->objs & HK_MON_NETNS))
		return 0;
	struct hk_mon_event ev = { .obj = HK_MON_NETNS, .del = del, .name = name, .nsid = -1 };
	return cb(&ev, data, err);
}

/* Read the directory's events: watch new namespaces (-all), drop deleted ones. */
static int on_inotify(struct hk_monitor *m, hk_mon_cb cb, void *data, struct hk_err *err)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;
	while ((n = read(m->ino, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ie = (const void *)p;
			p += sizeof(*ie) + ie->len;
			if (!ie->len || ie->name[0] == '.')
				continue;
			bool del = ie->mask & IN_DELETE;
			int r = 0;
			if (del)
				watch_drop(m, ie->name);
			else if (m->all && (r = watch_named(m, ie->name, err)) == 0)
				r = pend(m, ie->name, err);
			if (r >= 0)
				r = named_event(m, ie->name, del, cb, data, err);
			if (r != 0)
				return r;
		}
	}
	return 0;
}

static int retry_pending(struct hk_monitor *m, struct hk_err *err)
{
	for (size_t i = 0; i < m->np;) {
		int r = watch_named(m, m->p[i].name, err);
		if (r < 0)
			return r;
		if (r == 0 && ++m->p[i].tries < PENDING_TRIES) {
			i++;
			continue;
		}
		free(m->p[i].name); /* watched, or never became a namespace */
		m->p[i] = m->p[--m->np];
	}
	return 0;
}

static int run_loop(struct hk_monitor *m, int sfd, hk_mon_cb cb, void *data, struct hk_err *err)
{
	for (;;) {
		size_t nfd = 2 + m->n;
		_cleanup_free_ struct pollfd *pfd = calloc(nfd, sizeof(*pfd));
		if (!pfd)
			return hk_err_sys(err, -ENOMEM, "monitor");
		pfd[0] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = m->ino, .events = POLLIN };
		for (size_t i = 0; i < m->n; i++)
			pfd[2 + i] =
				(struct pollfd){ .fd = hk_nl_fd(m->w[i].listen), .events = POLLIN };
		if (poll(pfd, nfd, m->np ? PENDING_MS : -1) < 0) {
			if (errno == EINTR)
				continue;
			return hk_err_sys(err, -errno, "monitor: poll");
		}
		if (pfd[0].revents) { /* SIGINT or SIGTERM: taken, so it is not delivered later */
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
				return 0;
		}
		for (size_t i = 0; i < m->n; i++) {
			if (!pfd[2 + i].revents)
				continue;
			struct deliver d = { .cb = cb, .data = data, .w = &m->w[i] };
			int r = hk_nl_recv_events(m->w[i].listen, on_msg, &d, err);
			if (r == -ENOBUFS) { /* events were lost; go on, as ip monitor does */
				hk_err_clear(err);
				r = 0;
			}
			if (r < 0)
				return r;
			if (d.stop)
				return d.stop;
		}
		int r = pfd[1].revents ? on_inotify(m, cb, data, err) : 0;
		if (r == 0 && m->np)
			r = retry_pending(m, err);
		if (r != 0)
			return r;
	}
}

int hk_monitor_run(struct hk_monitor *m, hk_mon_cb cb, void *data, struct hk_err *err)
{
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, &old) < 0)
		return hk_err_sys(err, -errno, "monitor: block signals");
	int sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	int r = sfd < 0 ? hk_err_sys(err, -errno, "monitor: signalfd")
			: run_loop(m, sfd, cb, data, err);
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}
