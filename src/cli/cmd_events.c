// SPDX-License-Identifier: MIT
/*
 * hako events: the containers' lifecycle events (ctevents.h), as `docker events`: what
 * happened since --since (default: now), then new ones as they come, until --until or an
 * interrupt. -f/--filter container=|event=|type=|image=, --format, -j (one object a line).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/cleanup.h"
#include "base/human.h"
#include "cmd.h"
#include "ct.h"
#include "ctevents.h"
#include "gotmpl.h"
#include "out.h"

#define FILTERS_MAX 16

struct events {
	struct hk_ctx *ctx;
	const char *key[FILTERS_MAX], *val[FILTERS_MAX];
	size_t nf;
	struct gotmpl *fmt;
};

static const char *str_at(struct json_object *o, const char *a, const char *b)
{
	struct json_object *v;
	if (!json_object_object_get_ex(o, a, &v))
		return "";
	if (b && !json_object_object_get_ex(v, b, &v))
		return "";
	return json_object_get_string(v);
}

/* A filter key given again is "or", another key "and" (Docker's). */
static bool wanted(const struct events *e, struct json_object *ev)
{
	static const char *const keys[] = { "container", "event", "type", "image" };
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		bool asked = false, hit = false;
		for (size_t i = 0; i < e->nf; i++) {
			if (strcmp(e->key[i], keys[k]))
				continue;
			asked = true;
			const char *v = e->val[i];
			struct json_object *actor, *at;
			json_object_object_get_ex(ev, "Actor", &actor);
			json_object_object_get_ex(actor, "Attributes", &at);
			if (k == 0)
				hit |= !strcmp(str_at(at, "name", NULL), v) ||
				       !strncmp(str_at(ev, "id", NULL), v, strlen(v));
			else if (k == 1)
				hit |= !strcmp(str_at(ev, "Action", NULL), v);
			else if (k == 2)
				hit |= !strcmp(str_at(ev, "Type", NULL), v);
			else
				hit |= !strcmp(str_at(at, "image", NULL), v);
		}
		if (asked && !hit)
			return false;
	}
	return true;
}

static int print_event(void *ud, struct json_object *ev)
{
	struct events *e = ud;
	if (!wanted(e, ev))
		return 0;
	if (e->fmt) {
		if (gotmpl_print(e->ctx, e->fmt, &ev, 1, NULL) < 0)
			return -EIO;
	} else if (e->ctx->json) {
		puts(json_object_to_json_string_ext(ev, JSON_C_TO_STRING_PLAIN |
								JSON_C_TO_STRING_NOSLASHESCAPE));
	} else {
		/* 2026-12-02T22:45:00.123456789Z container start ID (image=busybox, name=web) */
		struct json_object *t, *actor, *at;
		int64_t ns = json_object_object_get_ex(ev, "timeNano", &t)
				     ? json_object_get_int64(t)
				     : 0;
		char when[64];
		time_t s = (time_t)(ns / 1000000000);
		struct tm tm;
		gmtime_r(&s, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
		printf("%s.%09lldZ %s %s %s (", when, (long long)(ns % 1000000000),
		       str_at(ev, "Type", NULL), str_at(ev, "Action", NULL),
		       str_at(ev, "id", NULL));
		json_object_object_get_ex(ev, "Actor", &actor);
		json_object_object_get_ex(actor, "Attributes", &at);
		bool first = true;
		json_object_object_foreach(at, k, v)
		{
			_cleanup_free_ char *esc = out_escape(json_object_get_string(v));
			printf("%s%s=%s", first ? "" : ", ", k, esc);
			first = false;
		}
		puts(")");
	}
	return fflush(stdout) == 0 ? 0 : -EPIPE;
}

int cmd_events(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 'S' },
		{ "until", required_argument, NULL, 'U' },
		{ "filter", required_argument, NULL, 'f' },
		{ "format", required_argument, NULL, 'F' },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	struct events e = { .ctx = ctx };
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	int64_t now_ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec, since = now_ns, until = 0;
	const char *format = NULL;
	int c, r = cmd_getopt_init(ctx, &g, "events", "+:f:", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&g)) != -1) {
		if (c == 'S' || c == 'U') {
			if (hk_human_parse_time(optarg, now_ns, c == 'S' ? &since : &until) < 0)
				r = cmd_usage(ctx,
					      "events: --%s '%s': expected a time (RFC 3339, unix "
					      "seconds) or a duration (10m, 1h30m)",
					      c == 'S' ? "since" : "until", optarg);
		} else if (c == 'f') {
			char *eq = strchr(optarg, '=');
			if (!eq || e.nf == FILTERS_MAX ||
			    (strncmp(optarg, "container=", 10) && strncmp(optarg, "event=", 6) &&
			     strncmp(optarg, "type=", 5) && strncmp(optarg, "image=", 6)))
				r = cmd_usage(ctx,
					      "events: --filter '%s': expected container=, event=, "
					      "type= or image=",
					      optarg);
			else {
				*eq = 0;
				e.key[e.nf] = optarg;
				e.val[e.nf++] = eq + 1;
			}
		} else if (c == 'F') {
			format = optarg;
		} else {
			r = cmd_getopt_bad(ctx, &g, c);
		}
	}
	if (r < 0)
		return r;
	if (g.rest < argc)
		return cmd_usage(ctx, "events: unexpected '%s'", argv[g.rest]);
	if (format && (r = gotmpl_parse(ctx, format, &e.fmt)) < 0)
		return r;
	struct hk_paths p;
	struct hk_store *st = NULL;
	r = ct_open(ctx, &p, &st);
	hk_store_close(st);
	/* a reader gone (head, a closed pipe) ends it quietly, as SIGPIPE would */
	signal(SIGPIPE, SIG_IGN);
	if (r == 0)
		r = hk_ct_events(&p, since, until, true, print_event, &e, &ctx->err);
	gotmpl_free(e.fmt);
	return r == -EPIPE ? 0 : r;
}
