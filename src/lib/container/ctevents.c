// SPDX-License-Identifier: MIT
/* Lifecycle events in RUN/events.log (ctevents.h). */
#include "ctevents.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "store_image.h"

#define EVENTS_MAX (1 << 20) /* bytes of events.log before it moves to events.log.1 */

static void events_path(const struct hk_paths *p, const char *suffix, char *buf, size_t len)
{
	snprintf(buf, len, "%s/events.log%s", p->run, suffix);
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Past EVENTS_MAX: events.log becomes events.log.1 (under RUN/events.lock, re-checked). */
static void rotate(const struct hk_paths *p, const char *path)
{
	char lock[HK_PATH_MAX + 32], old[HK_PATH_MAX + 32];
	events_path(p, ".lock", lock, sizeof(lock));
	events_path(p, ".1", old, sizeof(old));
	_cleanup_close_ int l = open(lock, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	struct stat st;
	if (l < 0 || flock(l, LOCK_EX) < 0)
		return;
	if (stat(path, &st) == 0 && st.st_size >= EVENTS_MAX)
		rename(path, old);
}

void hk_ct_event(struct hk_store *st, const struct hk_paths *p, const char *action,
		 const struct hk_ct_row *r, const char *const *attrs)
{
	/* the image's first name, as docker's `from`; "" for a --rootfs container */
	char image[512] = "", id[HK_DIGEST_MAX];
	struct hk_image_row row;
	struct hk_err e;
	if (st && hk_imgstore_ct_get(st, r->id, id) == 0) {
		if (hk_imgstore_get(st, id, &row, &e) == 0) {
			snprintf(image, sizeof(image), "%s", row.ntags ? row.tags[0] : id);
			hk_image_row_free(&row);
		} else {
			snprintf(image, sizeof(image), "%s", id);
		}
	}
	int64_t ns = now_ns();
	struct json_object *ev = json_object_new_object(), *actor = json_object_new_object(),
			   *at = json_object_new_object();
	json_object_object_add(at, "name", json_object_new_string(r->name));
	if (image[0])
		json_object_object_add(at, "image", json_object_new_string(image));
	for (size_t i = 0; attrs && attrs[i] && attrs[i + 1]; i += 2)
		json_object_object_add(at, attrs[i], json_object_new_string(attrs[i + 1]));
	json_object_object_add(actor, "ID", json_object_new_string(r->id));
	json_object_object_add(actor, "Attributes", at);
	json_object_object_add(ev, "status", json_object_new_string(action));
	json_object_object_add(ev, "id", json_object_new_string(r->id));
	if (image[0])
		json_object_object_add(ev, "from", json_object_new_string(image));
	json_object_object_add(ev, "Type", json_object_new_string("container"));
	json_object_object_add(ev, "Action", json_object_new_string(action));
	json_object_object_add(ev, "Actor", actor);
	json_object_object_add(ev, "scope", json_object_new_string("local"));
	json_object_object_add(ev, "time", json_object_new_int64(ns / 1000000000));
	json_object_object_add(ev, "timeNano", json_object_new_int64(ns));
	const char *text = json_object_to_json_string_ext(
		ev, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t n = strlen(text);
	char *line = malloc(n + 2);
	char path[HK_PATH_MAX + 32];
	events_path(p, "", path, sizeof(path));
	if (line) {
		memcpy(line, text, n);
		line[n] = '\n';
		int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		struct stat sb;
		if (fd >= 0) {
			if (write(fd, line, n + 1) < 0) {
				/* lost: the operation itself went on */
			}
			if (fstat(fd, &sb) == 0 && sb.st_size >= EVENTS_MAX)
				rotate(p, path);
			close(fd);
		}
		free(line);
	}
	json_object_put(ev);
}

/* A line being read (an event cut by the end of what was written so far). */
struct partial {
	char line[65536];
	size_t have;
};

/* The lines of fd from *off, whole ones only: each event in range to fn. */
static int read_from(int fd, off_t *off, struct partial *pl, int64_t since, int64_t until,
		     int (*fn)(void *, struct json_object *), void *ud)
{
	char buf[65536];
	for (;;) {
		ssize_t k = pread(fd, buf, sizeof(buf), *off);
		if (k <= 0)
			return k < 0 ? -errno : 0;
		*off += k;
		for (ssize_t i = 0; i < k; i++) {
			if (buf[i] != '\n') {
				if (pl->have < sizeof(pl->line) - 1)
					pl->line[pl->have++] = buf[i];
				continue;
			}
			pl->line[pl->have] = 0;
			pl->have = 0;
			struct json_object *ev = json_tokener_parse(pl->line), *t;
			int64_t ns = ev && json_object_object_get_ex(ev, "timeNano", &t)
					     ? json_object_get_int64(t)
					     : 0;
			int r = 0;
			if (ev && ns >= since && (!until || ns <= until))
				r = fn(ud, ev);
			json_object_put(ev);
			if (r < 0)
				return r;
		}
	}
}

int hk_ct_events(const struct hk_paths *p, int64_t since_ns, int64_t until_ns, bool follow,
		 int (*fn)(void *ud, struct json_object *ev), void *ud, struct hk_err *err)
{
	char path[HK_PATH_MAX + 32], old[HK_PATH_MAX + 32];
	events_path(p, "", path, sizeof(path));
	events_path(p, ".1", old, sizeof(old));
	int r = 0;
	_cleanup_free_ struct partial *pl = calloc(1, sizeof(*pl));
	if (!pl)
		return hk_err_sys(err, -ENOMEM, "events");
	{ /* what moved to events.log.1 first */
		_cleanup_close_ int fd = open(old, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		off_t off = 0;
		if (fd >= 0)
			r = read_from(fd, &off, pl, since_ns, until_ns, fn, ud);
		pl->have = 0;
	}
	int fd = -1;
	off_t off = 0;
	ino_t ino = 0;
	for (;;) {
		struct stat st;
		if (fd < 0 && (fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) >= 0) {
			off = 0;
			ino = fstat(fd, &st) == 0 ? st.st_ino : 0;
		}
		if (r == 0 && fd >= 0)
			r = read_from(fd, &off, pl, since_ns, until_ns, fn, ud);
		if (r < 0 || !follow || (until_ns && now_ns() > until_ns))
			break;
		/* the log moved to events.log.1: what was added to it, then the new one */
		if (fd >= 0 && (stat(path, &st) < 0 || st.st_ino != ino)) {
			r = read_from(fd, &off, pl, since_ns, until_ns, fn, ud);
			pl->have = 0;
			close(fd);
			fd = -1;
			continue;
		}
		usleep(100000);
	}
	if (fd >= 0)
		close(fd);
	return r < 0 && r != -EPIPE && r != -ECANCELED ? hk_err_sys(err, r, "events: read %s", path)
						       : (r < 0 ? r : 0);
}
