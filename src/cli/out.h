/* SPDX-License-Identifier: MIT */
/*
 * Output: one column table per object renders both the aligned human table (through
 * util-linux's libsmartcols: this file is its one door) and the JSON array, so the two
 * cannot drift.
 *
 *   struct out_table *t = out_table_new(cols, N);
 *   out_row(t); out_str(t, COL_NAME, "eth0"); out_int(t, COL_MTU, 1500); ...
 *   out_table_print(t, json);  out_table_free(t);
 *
 * A cell may also be a JSON value (arrays of flags, addresses): out_json() takes ownership;
 * its human form is given separately. Cells left unset print "-" and are absent in JSON.
 *
 * Cells often hold what a container or an image chose (argv, process names, image
 * commands): their human text is escaped (out_escape) so that no terminal control sequence
 * reaches the operator's terminal; JSON carries the exact string (json-c escapes control
 * characters as \u00XX).
 */
#ifndef HK_OUT_H
#define HK_OUT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"

struct out_col {
	const char *header; /* human header, e.g. "NAME" */
	const char *key;    /* JSON key, e.g. "ifname" */
	bool right;	    /* right-align (numbers) */
	bool hidden;	    /* JSON only, not in the human table (unless chosen with -o) */
	bool trunc;	    /* may be truncated to fit a terminal (long free text) */
};

struct out_table;

struct out_table *out_table_new(const struct out_col *cols, int ncols);
void out_table_free(struct out_table *t);
void out_row(struct out_table *t);
/* A copy of s safe to print on a terminal (malloc'd; aborts on OOM): control characters
 * (C0, DEL, C1), backslash and bytes that are not well-formed UTF-8 become \xNN, as
 * util-linux does; printable UTF-8 is kept. */
char *out_escape(const char *s);
void out_str(struct out_table *t, int col, const char *s); /* NULL: unset */
void out_int(struct out_table *t, int col, int64_t v);
void out_bool(struct out_table *t, int col, bool v);
/* JSON value (owned) plus its human text (copied; NULL: "-"). */
void out_json(struct out_table *t, int col, struct json_object *v, const char *human);
/* A key present in JSON with the value null (ip -j's flag keys), human text as given. */
void out_null(struct out_table *t, int col, const char *human);
/* Sort rows by the human text of column col (numeric if all cells are numbers). */
void out_sort(struct out_table *t, int col);
size_t out_rows(const struct out_table *t);
/* Row r as one JSON object (a new reference), and as "key text key text ..." of its visible
 * cells that are set (malloc'd): monitor's events. */
struct json_object *out_row_json(const struct out_table *t, size_t r);
char *out_row_words(const struct out_table *t, size_t r);
/* Print to stdout; with noheadings the human header line is left out. Returns 0 or -EIO.
 * On a terminal, columns marked trunc are cut to its width (COLUMNS overrides it). */
int out_table_print(struct out_table *t, bool json, bool noheadings);

/* -o/--output LIST: the columns shown (and the JSON keys given), in that order; headers
 * case-insensitive, comma separated, "+LIST" appends to the default ones. An unknown name:
 * -EINVAL and *ret_bad points at it (in list). */
int out_table_select(struct out_table *t, const char *list, const char **ret_bad, size_t *ret_len);
/* --raw: one space between columns, no alignment, blanks and controls escaped (lsns -r). */
void out_table_raw(struct out_table *t, bool raw);
/* --notruncate: no column is cut to the terminal's width (lsns -u). */
void out_table_notrunc(struct out_table *t, bool notrunc);
/* "NAME, NAME, ...": the column headers, for a usage message. Static buffer. */
const char *out_table_headers(const struct out_table *t);

/* Print one JSON object (owned) to stdout, pretty (or compact, see below). */
int out_json_print(struct json_object *o);
/* The iproute2 groups print JSON on one line, as `ip -j` does (`-p` pretty); the others
 * pretty, as docker and podman do. */
void out_json_compact(bool compact);

/* Where out_table_print reports that its library cannot be loaded (the command's error,
 * set once by main). */
void out_set_err(struct hk_err *err);

/* Flush stdout and report write errors (EPIPE, ENOSPC) as a failure. */
int out_flush(void);

#endif
