// SPDX-License-Identifier: MIT
/*
 * hako pull, hako login, hako logout: registries (src/lib/registry does the work). Flags as
 * podman spells them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "ct.h"
#include "image.h"
#include "out.h"
#include "pull.h"
#include "push.h"
#include "regauth.h"
#include "regclient.h"

enum {
	OPT_TLS_VERIFY = 0x100,
	OPT_CERT_DIR,
	OPT_CREDS,
	OPT_AUTHFILE,
	OPT_PASSWORD_STDIN,
};

static int parse_bool(struct hk_ctx *ctx, const char *name, const char *opt, const char *v,
		      int *ret)
{
	if (!v || !strcmp(v, "true") || !strcmp(v, "1"))
		*ret = 1;
	else if (!strcmp(v, "false") || !strcmp(v, "0"))
		*ret = 0;
	else
		return cmd_usage(ctx, "%s: %s: 'true' or 'false' expected, not '%s'", name, opt, v);
	return 0;
}

/* The options every registry command shares; 1 when c was one of them. */
static int reg_opt(struct hk_ctx *ctx, const char *name, int c, struct hk_reg_opts *o)
{
	switch (c) {
	case OPT_TLS_VERIFY:
		return parse_bool(ctx, name, "--tls-verify", optarg, &o->tls_verify) < 0 ? -EINVAL
											 : 1;
	case OPT_CERT_DIR:
		o->cert_dir = optarg;
		return 1;
	case OPT_AUTHFILE:
		o->authfile = optarg;
		return 1;
	default:
		return 0;
	}
}

/* ---- progress ---- */

/* On a terminal: one line per blob (config, then each layer), redrawn in place: bytes, rate,
 * ETA while it downloads, then unpacking, done. Otherwise one line per event. */
enum slot_state { SLOT_WAIT, SLOT_GET, SLOT_UNPACK, SLOT_DONE, SLOT_HAD };

struct slot {
	enum slot_state st;
	uint64_t got, total;
	double t0;
	char hex[13];
	char note[96]; /* a retry's reason, until the next progress */
};

struct progress {
	bool tty, push;
	struct timespec t0, last;
	size_t nlayers;
	struct slot *slots; /* [0]: config, [1..n]: layers */
	size_t nslots, drawn;
};

#define TTY_MAX_LINES 24

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void mib(uint64_t b, char *buf, size_t len)
{
	snprintf(buf, len, "%.1f MiB", (double)b / (1 << 20));
}

static void slot_text(const struct slot *s, char *buf, size_t len)
{
	char a[32], b[32];
	mib(s->got, a, sizeof(a));
	mib(s->total, b, sizeof(b));
	double t = now_s() - s->t0, rate = t > 0 ? (double)s->got / t : 0;
	switch (s->st) {
	case SLOT_WAIT:
		snprintf(buf, len, "waiting");
		break;
	case SLOT_GET:
		if (s->note[0]) {
			snprintf(buf, len, "%s of %s, retrying: %s", a, b, s->note);
			break;
		}
		snprintf(buf, len, "%s of %s  %.1f MiB/s", a, b, rate / (1 << 20));
		if (rate > 0 && s->total > s->got) {
			size_t n = strlen(buf);
			snprintf(buf + n, len - n, "  ETA %.0fs",
				 (double)(s->total - s->got) / rate);
		}
		break;
	case SLOT_UNPACK:
		snprintf(buf, len, "%s, unpacking", b);
		break;
	case SLOT_DONE:
		snprintf(buf, len, "done (%s)", b);
		break;
	case SLOT_HAD:
		snprintf(buf, len, "already stored");
		break;
	}
}

static void tty_draw(struct progress *p)
{
	if (p->nslots > TTY_MAX_LINES) { /* would scroll: one line for all */
		uint64_t got = 0, total = 0;
		size_t done = 0;
		for (size_t i = 0; i < p->nslots; i++) {
			got += p->slots[i].got;
			total += p->slots[i].total;
			done += i && p->slots[i].st >= SLOT_DONE;
		}
		char a[32], b[32];
		mib(got, a, sizeof(a));
		mib(total, b, sizeof(b));
		fprintf(stderr, "\r\033[Klayers %zu/%zu  %s of %s", done, p->nlayers, a, b);
		return;
	}
	if (p->drawn)
		fprintf(stderr, "\033[%zuA", p->drawn);
	for (size_t i = 0; i < p->nslots; i++) {
		char name[32], text[200];
		if (i)
			snprintf(name, sizeof(name), "layer %zu/%zu", i, p->nlayers);
		else
			snprintf(name, sizeof(name), "config");
		slot_text(&p->slots[i], text, sizeof(text));
		fprintf(stderr, "\r\033[K%-12s %-12s  %s\n", name, p->slots[i].hex, text);
	}
	p->drawn = p->nslots;
}

static void on_event(void *ud, const struct hk_pull_event *ev)
{
	struct progress *p = ud;
	if (ev->kind == HK_PULL_RESOLVED) {
		p->nlayers = ev->n;
		p->nslots = ev->n + 1;
		free(p->slots);
		p->slots = calloc(p->nslots, sizeof(*p->slots));
		if (!p->slots)
			p->nslots = 0;
		if (!p->tty)
			fprintf(stderr, "resolved %s: %s, %zu layers\n", ev->msg, ev->digest,
				ev->n);
		return;
	}
	const char *what = ev->idx ? "layer" : "config";
	if (p->tty) {
		if (ev->kind == HK_PULL_UPTODATE || ev->kind == HK_PULL_MIRROR_FAILED) {
			fprintf(stderr,
				ev->kind == HK_PULL_UPTODATE
					? "%s: up to date\n"
					: "mirror failed, trying the next: %s\n",
				ev->msg);
			p->drawn = 0;
			return;
		}
		if (ev->idx >= p->nslots)
			return;
		struct slot *s = &p->slots[ev->idx];
		if (ev->digest && !s->hex[0])
			snprintf(s->hex, sizeof(s->hex), "%.12s", hk_digest_hex(ev->digest));
		s->total = ev->total;
		switch (ev->kind) {
		case HK_PULL_START:
			s->st = SLOT_GET;
			s->t0 = now_s();
			break;
		case HK_PULL_PROGRESS:
			s->got = ev->done;
			s->note[0] = 0;
			if (s->got == s->total && ev->idx)
				s->st = SLOT_UNPACK;
			break;
		case HK_PULL_RETRY:
			snprintf(s->note, sizeof(s->note), "%s", ev->msg);
			break;
		case HK_PULL_EXISTS:
			s->st = SLOT_HAD;
			s->got = ev->total;
			break;
		case HK_PULL_DONE:
			s->got = ev->total;
			if (s->st != SLOT_HAD)
				s->st = SLOT_DONE;
			break;
		default:
			return;
		}
		double t = now_s(), l = (double)p->last.tv_sec + (double)p->last.tv_nsec / 1e9;
		if (ev->kind == HK_PULL_PROGRESS && s->st == SLOT_GET && t - l < 0.1)
			return;
		clock_gettime(CLOCK_MONOTONIC, &p->last);
		tty_draw(p);
		return;
	}
	char sz[32];
	mib(ev->total, sz, sizeof(sz));
	switch (ev->kind) {
	case HK_PULL_EXISTS:
		fprintf(stderr, "%s %zu %s: already %s\n", what, ev->idx, ev->digest,
			p->push ? "in the registry" : "stored");
		break;
	case HK_PULL_START:
		fprintf(stderr, "%s %zu %s: %s %s\n", what, ev->idx, ev->digest,
			p->push ? "uploading" : "downloading", sz);
		break;
	case HK_PULL_RETRY:
		fprintf(stderr, "%s %zu %s: retrying at byte %llu: %s\n", what, ev->idx, ev->digest,
			(unsigned long long)ev->done, ev->msg);
		break;
	case HK_PULL_DONE:
		fprintf(stderr, "%s %zu %s: done\n", what, ev->idx, ev->digest);
		break;
	case HK_PULL_UNPACK:
		fprintf(stderr, "unpacking %zu layers\n", p->nlayers);
		break;
	case HK_PULL_UPTODATE:
		fprintf(stderr, "%s: up to date\n", ev->msg);
		break;
	case HK_PULL_MIRROR_FAILED:
		fprintf(stderr, "mirror failed, trying the next: %s\n", ev->msg);
		break;
	case HK_PULL_MOUNTED:
		fprintf(stderr, "%s %zu %s: mounted from another repository\n", what, ev->idx,
			ev->digest);
		break;
	default:
		break;
	}
}

/* ---- hako pull ---- */

/* Pull ref into the image store of state, with the progress on stderr when shown. */
static int pull_shown(struct hk_ctx *ctx, const char *state, struct hk_store *st, const char *ref,
		      struct hk_pull_opts *o, bool shown, char id[HK_DIGEST_MAX], char *name,
		      size_t name_len)
{
	struct progress p = { .tty = isatty(STDERR_FILENO) };
	clock_gettime(CLOCK_MONOTONIC, &p.t0);
	if (shown) {
		o->progress = on_event;
		o->ud = &p;
	}
	struct hk_images *im = NULL;
	int r = hk_images_open(state, st, &im, &ctx->err);
	if (r == 0)
		r = hk_pull(im, state, ref, o, id, name, name_len, &ctx->err);
	if (p.tty && shown && p.nslots > TTY_MAX_LINES)
		fprintf(stderr, "\n");
	free(p.slots);
	hk_images_close(im);
	return r;
}

int cmd_pull(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "tls-verify", optional_argument, NULL, OPT_TLS_VERIFY },
		{ "cert-dir", required_argument, NULL, OPT_CERT_DIR },
		{ "creds", required_argument, NULL, OPT_CREDS },
		{ "authfile", required_argument, NULL, OPT_AUTHFILE },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	struct hk_pull_opts o = { .reg = { .tls_verify = -1 } };
	const char *ref = NULL;
	bool quiet = false;
	int c, r = cmd_getopt_init(ctx, &g, "pull", "-:q", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&g)) != -1) {
		if (c == 'q')
			quiet = true;
		else if (c == OPT_CREDS)
			o.reg.creds = optarg;
		else if (c == 1 && !ref)
			ref = optarg;
		else if (c == 1)
			r = cmd_usage(ctx, "pull: unexpected argument '%s'", optarg);
		else if ((r = reg_opt(ctx, "pull", c, &o.reg)) == 0)
			r = cmd_getopt_bad(ctx, &g, c);
		else if (r > 0)
			r = 0;
	}
	if (r < 0)
		return r;
	if (!ref)
		return cmd_usage(ctx, "pull: expected an image reference");
	struct hk_regref rr;
	if (hk_regref_parse(ref, &rr, &ctx->err) < 0)
		return hk_err_prefix(&ctx->err, "pull");
	struct hk_paths paths;
	struct hk_store *st = NULL;
	char id[HK_DIGEST_MAX], name[HK_IMAGE_REF_MAX];
	r = ct_open(ctx, &paths, &st);
	if (r == 0)
		r = pull_shown(ctx, paths.state, st, ref, &o, !quiet && !ctx->json, id, name,
			       sizeof(name));
	hk_store_close(st);
	if (r < 0)
		return r;
	if (ctx->json) {
		struct json_object *j = json_object_new_object();
		json_object_object_add(j, "id", json_object_new_string(id));
		json_object_object_add(j, "name", name[0] ? json_object_new_string(name) : NULL);
		return out_json_print(j);
	}
	printf("%s\n", id);
	return out_flush();
}

int cmd_registry_pull(struct hk_ctx *ctx, const char *state, struct hk_store *st, const char *ref,
		      char ret_id[HK_DIGEST_MAX])
{
	struct hk_pull_opts o = { .reg = { .tls_verify = -1 } };
	char name[HK_IMAGE_REF_MAX];
	return pull_shown(ctx, state, st, ref, &o, true, ret_id, name, sizeof(name));
}

/* ---- hako push ---- */

int cmd_push(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "tls-verify", optional_argument, NULL, OPT_TLS_VERIFY },
		{ "cert-dir", required_argument, NULL, OPT_CERT_DIR },
		{ "creds", required_argument, NULL, OPT_CREDS },
		{ "authfile", required_argument, NULL, OPT_AUTHFILE },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	struct hk_push_opts o = { .reg = { .tls_verify = -1 } };
	const char *pos[2] = { NULL, NULL };
	int npos = 0;
	bool quiet = false;
	int c, r = cmd_getopt_init(ctx, &g, "push", "-:q", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&g)) != -1) {
		if (c == 'q')
			quiet = true;
		else if (c == OPT_CREDS)
			o.reg.creds = optarg;
		else if (c == 1 && npos < 2)
			pos[npos++] = optarg;
		else if (c == 1)
			r = cmd_usage(ctx, "push: unexpected argument '%s'", optarg);
		else if ((r = reg_opt(ctx, "push", c, &o.reg)) == 0)
			r = cmd_getopt_bad(ctx, &g, c);
		else if (r > 0)
			r = 0;
	}
	if (r < 0)
		return r;
	if (!npos)
		return cmd_usage(ctx, "push: expected IMAGE [DEST]");
	struct hk_regref rr;
	if (hk_regref_parse(pos[npos - 1], &rr, &ctx->err) < 0)
		return hk_err_prefix(&ctx->err, "push");
	struct progress p = { .push = true };
	if (!quiet && !ctx->json) {
		o.progress = on_event;
		o.ud = &p;
	}
	struct hk_paths paths;
	struct hk_store *st = NULL;
	struct hk_images *im = NULL;
	char digest[HK_DIGEST_MAX];
	r = ct_open(ctx, &paths, &st);
	if (r == 0)
		r = hk_images_open(paths.state, st, &im, &ctx->err);
	if (r == 0)
		r = hk_push(im, paths.state, pos[0], pos[1], &o, digest, &ctx->err);
	free(p.slots);
	hk_images_close(im);
	hk_store_close(st);
	if (r < 0)
		return r;
	if (ctx->json) {
		struct json_object *j = json_object_new_object();
		json_object_object_add(j, "digest", json_object_new_string(digest));
		return out_json_print(j);
	}
	printf("%s\n", digest);
	return out_flush();
}

/* ---- hako login, hako logout ---- */

static int read_line(FILE *f, char *buf, size_t len)
{
	if (!fgets(buf, (int)len, f))
		return -EIO;
	buf[strcspn(buf, "\r\n")] = 0;
	return 0;
}

static int read_password_tty(char *buf, size_t len)
{
	struct termios t, old;
	if (tcgetattr(STDIN_FILENO, &old) < 0)
		return -errno;
	t = old;
	t.c_lflag &= ~(tcflag_t)ECHO;
	fprintf(stderr, "Password: ");
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &t);
	int r = read_line(stdin, buf, len);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	fprintf(stderr, "\n");
	return r;
}

int cmd_login(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "username", required_argument, NULL, 'u' },
		{ "password", required_argument, NULL, 'p' },
		{ "password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN },
		{ "tls-verify", optional_argument, NULL, OPT_TLS_VERIFY },
		{ "cert-dir", required_argument, NULL, OPT_CERT_DIR },
		{ "authfile", required_argument, NULL, OPT_AUTHFILE },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	struct hk_reg_opts o = { .tls_verify = -1 };
	struct hk_creds cr = { 0 };
	const char *reg = NULL, *pass = NULL;
	bool from_stdin = false;
	int c, r = cmd_getopt_init(ctx, &g, "login", "-:u:p:", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&g)) != -1) {
		if (c == 'u')
			snprintf(cr.user, sizeof(cr.user), "%s", optarg);
		else if (c == 'p')
			pass = optarg;
		else if (c == OPT_PASSWORD_STDIN)
			from_stdin = true;
		else if (c == 1 && !reg)
			reg = optarg;
		else if (c == 1)
			r = cmd_usage(ctx, "login: unexpected argument '%s'", optarg);
		else if ((r = reg_opt(ctx, "login", c, &o)) == 0)
			r = cmd_getopt_bad(ctx, &g, c);
		else if (r > 0)
			r = 0;
	}
	if (r < 0)
		return r;
	char host[256];
	if (!reg)
		return cmd_usage(ctx, "login: expected a REGISTRY (HOST[:PORT])");
	if (hk_regref_registry(reg, host, sizeof(host), &ctx->err) < 0)
		return hk_err_prefix(&ctx->err, "login");
	if (!cr.user[0])
		return cmd_usage(ctx, "login: -u USER is required");
	if (pass && from_stdin)
		return cmd_usage(ctx, "login: -p and --password-stdin exclude each other");
	if (pass)
		snprintf(cr.pass, sizeof(cr.pass), "%s", pass);
	else if (from_stdin ? read_line(stdin, cr.pass, sizeof(cr.pass)) < 0
			    : (!isatty(STDIN_FILENO) ||
			       read_password_tty(cr.pass, sizeof(cr.pass)) < 0))
		return cmd_usage(ctx, "login: no password (--password-stdin, or a terminal)");
	r = hk_regclient_login(host, &cr, &o, &ctx->err);
	char path[4200];
	if (r == 0)
		r = hk_regauth_store(o.authfile, host, &cr, path, sizeof(path), &ctx->err);
	explicit_bzero(&cr, sizeof(cr));
	if (r < 0)
		return hk_err_prefix(&ctx->err, "login '%s'", host);
	if (!ctx->json)
		printf("Login Succeeded\n");
	return out_flush();
}

int cmd_logout(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "authfile", required_argument, NULL, OPT_AUTHFILE },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	const char *reg = NULL, *authfile = NULL;
	int c, r = cmd_getopt_init(ctx, &g, "logout", "-:", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&g)) != -1) {
		if (c == OPT_AUTHFILE)
			authfile = optarg;
		else if (c == 1 && !reg)
			reg = optarg;
		else if (c == 1)
			r = cmd_usage(ctx, "logout: unexpected argument '%s'", optarg);
		else
			r = cmd_getopt_bad(ctx, &g, c);
	}
	if (r < 0)
		return r;
	char host[256];
	if (!reg)
		return cmd_usage(ctx, "logout: expected a REGISTRY (HOST[:PORT])");
	if (hk_regref_registry(reg, host, sizeof(host), &ctx->err) < 0 ||
	    hk_regauth_remove(authfile, host, &ctx->err) < 0)
		return hk_err_prefix(&ctx->err, "logout");
	if (!ctx->json)
		printf("Removed login credentials for %s\n", host);
	return out_flush();
}
