// SPDX-License-Identifier: MIT
/* Capabilities: names, --cap-add/--cap-drop arithmetic, and the child's set-up (libcap). */
#include "caps.h"

#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "base/cleanup.h"

/* capabilities(7), in bit order. */
static const char *const cap_full_names[] = {
	"CAP_CHOWN",
	"CAP_DAC_OVERRIDE",
	"CAP_DAC_READ_SEARCH",
	"CAP_FOWNER",
	"CAP_FSETID",
	"CAP_KILL",
	"CAP_SETGID",
	"CAP_SETUID",
	"CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",
	"CAP_NET_RAW",
	"CAP_IPC_LOCK",
	"CAP_IPC_OWNER",
	"CAP_SYS_MODULE",
	"CAP_SYS_RAWIO",
	"CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE",
	"CAP_SYS_PACCT",
	"CAP_SYS_ADMIN",
	"CAP_SYS_BOOT",
	"CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",
	"CAP_SYS_TIME",
	"CAP_SYS_TTY_CONFIG",
	"CAP_MKNOD",
	"CAP_LEASE",
	"CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL",
	"CAP_SETFCAP",
	"CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN",
	"CAP_SYSLOG",
	"CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",
	"CAP_AUDIT_READ",
	"CAP_PERFMON",
	"CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

#define HK_CAP_KNOWN ((unsigned)HK_ARRAY_SIZE(cap_full_names))

const char *hk_cap_name(unsigned cap)
{
	return cap < HK_CAP_KNOWN ? cap_full_names[cap] : NULL;
}

int hk_cap_parse(const char *name, unsigned *ret_cap, struct hk_err *err)
{
	const char *s = name;
	if (!s || !*s)
		return hk_err_usage(err, "empty capability name");
	if (!strncasecmp(s, "CAP_", 4))
		s += 4;
	for (unsigned i = 0; i < HK_CAP_KNOWN; i++) {
		if (!strcasecmp(s, cap_full_names[i] + 4)) {
			*ret_cap = i;
			return 0;
		}
	}
	return hk_err_usage(err,
			    "unknown capability '%s' (names as in capabilities(7), e.g. "
			    "NET_ADMIN or CAP_NET_ADMIN, or ALL)",
			    name);
}

/* Walk one list of possibly comma-separated names: set *all when ALL appears, OR the rest
 * into *set. what is "--cap-add" or "--cap-drop" for the message. */
static int parse_list(const char *const *list, size_t n, const char *what, uint64_t *set, bool *all,
		      struct hk_err *err)
{
	for (size_t i = 0; i < n; i++) {
		char word[64];
		const char *p = list[i];
		if (!p || !*p)
			return hk_err_usage(err, "%s: empty capability name", what);
		while (*p) {
			size_t len = strcspn(p, ",");
			if (len == 0 || len >= sizeof(word))
				return hk_err_usage(err, "%s: bad capability list '%s'", what,
						    list[i]);
			memcpy(word, p, len);
			word[len] = '\0';
			p += len;
			if (*p == ',' && !*++p)
				return hk_err_usage(err, "%s: bad capability list '%s'", what,
						    list[i]);
			if (!strcasecmp(word, "ALL")) {
				*all = true;
				continue;
			}
			unsigned cap;
			int r = hk_cap_parse(word, &cap, err);
			if (r < 0)
				return hk_err_prefix(err, "%s", what);
			*set |= HK_CAP_BIT(cap);
		}
	}
	return 0;
}

int hk_caps_resolve(const struct hk_caps_spec *spec, uint64_t avail, uint64_t *ret,
		    struct hk_err *err)
{
	uint64_t add = 0, drop = 0, set;
	bool add_all = false, drop_all = false;
	int r;

	/* Parse both lists even when privileged, so a typo is reported, not ignored. */
	r = parse_list(spec->add, spec->nadd, "--cap-add", &add, &add_all, err);
	if (r < 0)
		return r;
	r = parse_list(spec->drop, spec->ndrop, "--cap-drop", &drop, &drop_all, err);
	if (r < 0)
		return r;

	if (spec->privileged)
		set = avail;
	else if (add_all)
		set = avail & ~drop;
	else if (drop_all)
		set = add;
	else
		set = (HK_CAPS_DEFAULT & ~drop) | add;

	uint64_t missing = set & ~avail;
	if (missing) {
		unsigned c = (unsigned)__builtin_ctzll(missing);
		const char *name = hk_cap_name(c);
		int rr =
			hk_err_set(err, -EPERM,
				   "capability %s%s is not available: hako itself does not hold it "
				   "(not in its bounding set)",
				   name ? name : "#", name ? "" : "?");
		hk_err_class_set(err, HK_ERR_PERM);
		return rr;
	}
	*ret = set;
	return 0;
}

int hk_caps_available(uint64_t *ret, struct hk_err *err)
{
	uint64_t set = 0;
	cap_value_t max = cap_max_bits();
	if (max <= 0 || max > 64)
		return hk_err_set(err, -EOPNOTSUPP, "capabilities: the kernel reports %d of them",
				  (int)max);
	for (cap_value_t c = 0; c < max; c++) {
		int r = cap_get_bound(c);
		if (r < 0)
			break; /* the kernel does not know this one */
		if (r > 0)
			set |= HK_CAP_BIT(c);
	}
	*ret = set;
	return 0;
}

int hk_caps_format(uint64_t set, char *buf, size_t len)
{
	size_t off = 0;
	bool trunc = false;
	if (len == 0)
		return -ENOSPC;
	buf[0] = '\0';
	for (unsigned c = 0; c < 64; c++) {
		if (!(set & HK_CAP_BIT(c)))
			continue;
		char tmp[16];
		const char *name = hk_cap_name(c);
		if (!name) {
			snprintf(tmp, sizeof(tmp), "CAP_%u", c);
			name = tmp;
		}
		int n = snprintf(buf + off, len - off, "%s%s", off ? "," : "", name);
		if (n < 0 || (size_t)n >= len - off) {
			trunc = true;
			break;
		}
		off += (size_t)n;
	}
	return trunc ? -ENOSPC : (int)off;
}

const char *hk_caps_hex(uint64_t set, char buf[HK_CAPS_HEX_LEN])
{
	snprintf(buf, HK_CAPS_HEX_LEN, "%016" PRIx64, set);
	return buf;
}

int hk_caps_parse_hex(const char *s, uint64_t *ret, struct hk_err *err)
{
	uint64_t v = 0;
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 16)
		return hk_err_usage(err, "bad capability mask '%s': want 1 to 16 hex digits",
				    s ? s : "");
	for (size_t i = 0; i < n; i++) {
		int c = tolower((unsigned char)s[i]);
		int d = isdigit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
		if (d < 0)
			return hk_err_usage(err, "bad capability mask '%s': want hex digits", s);
		v = v << 4 | (uint64_t)d;
	}
	*ret = v;
	return 0;
}

struct hk_caps_plan {
	uint64_t caps;	    /* the bounding set */
	uint64_t effective; /* permitted = effective after the user switch */
	uint64_t ambient;   /* hk_caps_plan_set_exact: raised after capset */
	cap_t proc;	    /* prepared for cap_set_proc() */
	struct hk_caps_user user;
	gid_t *groups; /* owned copy of user.groups */
	int max;       /* cap_max_bits() */
};

void hk_caps_plan_free(struct hk_caps_plan *plan)
{
	if (!plan)
		return;
	if (plan->proc)
		cap_free(plan->proc);
	free(plan->groups);
	free(plan);
}

int hk_caps_plan_new(uint64_t caps, const struct hk_caps_user *user, struct hk_caps_plan **ret,
		     struct hk_err *err)
{
	struct hk_caps_plan *p = calloc(1, sizeof(*p));
	if (!p)
		return hk_err_sys(err, -ENOMEM, "capabilities");
	p->caps = caps;
	p->max = cap_max_bits();
	if (user && user->set) {
		p->user = *user;
		if (user->ngroups) {
			p->groups = calloc(user->ngroups, sizeof(gid_t));
			if (!p->groups) {
				hk_caps_plan_free(p);
				return hk_err_sys(err, -ENOMEM, "capabilities");
			}
			memcpy(p->groups, user->groups, user->ngroups * sizeof(gid_t));
		}
		p->user.groups = p->groups;
	}
	/* A non-root user gets nothing effective or permitted: what execve would leave it
	 * (moby oci.SetCapabilities). */
	bool root = p->user.set ? p->user.uid == 0 : geteuid() == 0;
	p->effective = root ? caps : 0;

	p->proc = cap_init(); /* all flags clear */
	if (!p->proc) {
		hk_caps_plan_free(p);
		return hk_err_sys(err, -ENOMEM, "capabilities");
	}
	for (cap_value_t c = 0; c < 64 && c < p->max; c++) {
		if (!(p->effective & HK_CAP_BIT(c)))
			continue;
		if (cap_set_flag(p->proc, CAP_PERMITTED, 1, &c, CAP_SET) < 0 ||
		    cap_set_flag(p->proc, CAP_EFFECTIVE, 1, &c, CAP_SET) < 0) {
			int e = -errno;
			hk_caps_plan_free(p);
			return hk_err_sys(err, e, "capabilities: prepare %s", hk_cap_name(c));
		}
	}
	*ret = p;
	return 0;
}

int hk_caps_plan_set_exact(struct hk_caps_plan *plan, const struct hk_caps_sets *sets,
			   struct hk_err *err)
{
	cap_t proc = cap_init();
	if (!proc)
		return hk_err_sys(err, -ENOMEM, "capabilities");
	static const struct {
		size_t off;
		cap_flag_t flag;
	} flags[] = { { offsetof(struct hk_caps_sets, effective), CAP_EFFECTIVE },
		      { offsetof(struct hk_caps_sets, permitted), CAP_PERMITTED },
		      { offsetof(struct hk_caps_sets, inheritable), CAP_INHERITABLE } };
	for (cap_value_t c = 0; c < 64 && c < plan->max; c++) {
		for (size_t i = 0; i < HK_ARRAY_SIZE(flags); i++) {
			uint64_t set;
			memcpy(&set, (const char *)sets + flags[i].off, sizeof(set));
			if ((set & HK_CAP_BIT(c)) &&
			    cap_set_flag(proc, flags[i].flag, 1, &c, CAP_SET) < 0) {
				int e = -errno;
				cap_free(proc);
				return hk_err_sys(err, e, "capabilities: prepare %s",
						  hk_cap_name(c));
			}
		}
	}
	cap_free(plan->proc);
	plan->proc = proc;
	plan->caps = sets->bounding;
	plan->effective = sets->effective;
	/* the kernel raises an ambient capability only when it is permitted and inheritable:
	 * any other is left out, as runc and crun leave it (runc's own `spec` asks for ambient
	 * capabilities without inheritable ones) */
	plan->ambient = sets->ambient & sets->permitted & sets->inheritable;
	return 0;
}

uint64_t hk_caps_plan_effective(const struct hk_caps_plan *plan)
{
	return plan->effective;
}

uint64_t hk_caps_plan_bounding(const struct hk_caps_plan *plan)
{
	return plan->caps;
}

static int switch_user(const struct hk_caps_user *u, struct hk_err *err)
{
	/* Keep the permitted set across setresuid() so capset() below still has something to
	 * choose from; the effective set is cleared by the kernel on the switch anyway. */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return hk_err_sys(err, -errno, "prctl PR_SET_KEEPCAPS");
	if (!u->keep_groups && setgroups(u->ngroups, u->ngroups ? u->groups : NULL) < 0)
		return hk_err_sys(err, -errno, "setgroups (%zu groups)", u->ngroups);
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return hk_err_sys(err, -errno, "setgid %u", (unsigned)u->gid);
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return hk_err_sys(err, -errno, "setuid %u", (unsigned)u->uid);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return hk_err_sys(err, -errno, "prctl PR_SET_KEEPCAPS");
	return 0;
}

int hk_caps_plan_apply(const struct hk_caps_plan *plan, struct hk_err *err)
{
	/* Bounding first: it needs CAP_SETPCAP, which the user switch may take away. */
	for (cap_value_t c = 0; c < 64 && c < plan->max; c++) {
		if (plan->caps & HK_CAP_BIT(c))
			continue;
		if (cap_drop_bound(c) < 0) {
			if (errno == EINVAL)
				break; /* beyond the kernel's last capability */
			return hk_err_sys(err, -errno,
					  "capabilities: drop %s from the bounding set",
					  hk_cap_name(c) ? hk_cap_name(c) : "?");
		}
	}
	if (plan->user.set) {
		int r = switch_user(&plan->user, err);
		if (r < 0)
			return hk_err_prefix(err, "user %u:%u", (unsigned)plan->user.uid,
					     (unsigned)plan->user.gid);
	}
	/* Inheritable stays empty (CVE-2022-24769) and ambient is cleared, unless the sets
	 * were given exactly (hk_caps_plan_set_exact). */
	if (cap_set_proc(plan->proc) < 0)
		return hk_err_sys(err, -errno, "capabilities: capset");
	/* one prctl (libcap's cap_reset_ambient() first asks about each capability); EINVAL:
	 * a kernel before 4.3, which has no ambient set */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return hk_err_sys(err, -errno, "capabilities: clear the ambient set");
	for (unsigned long c = 0; c < 64 && plan->ambient; c++)
		if ((plan->ambient & HK_CAP_BIT(c)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
			return hk_err_sys(err, -errno, "capabilities: raise ambient %s",
					  hk_cap_name((unsigned)c) ? hk_cap_name((unsigned)c)
								   : "?");
	return 0;
}

int hk_caps_user_parse(const char *s, struct hk_caps_user *u, struct hk_err *err)
{
	char *end;
	errno = 0;
	unsigned long uid = strtoul(s, &end, 10), gid;
	if (errno || end == s || uid > 0xfffffffeUL || s[0] == '-')
		goto bad;
	gid = uid;
	if (*end == ':') {
		const char *g = end + 1;
		gid = strtoul(g, &end, 10);
		if (errno || end == g || gid > 0xfffffffeUL || g[0] == '-')
			goto bad;
	}
	if (*end)
		goto bad;
	u->set = true;
	u->uid = (uid_t)uid;
	u->gid = (gid_t)gid;
	return 0;
bad:
	return hk_err_usage(err, "run: --user '%s': expected UID[:GID] (numbers)", s);
}
