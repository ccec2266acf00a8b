/* SPDX-License-Identifier: MIT */
/*
 * --format: the forms of Go's text/template that Docker users type, evaluated over json-c
 * objects (each command's object: docs/json.md). Kept small on purpose:
 *
 *   literal text, with "\t" and "\n" written as two characters turned into TAB and newline
 *   {{.}}  {{.Field}}  {{.A.B.C}}      a value by its path (missing: "<no value>")
 *   {{json .}}  {{json .Field}}         compact JSON
 *   {{join .List ", "}}  {{index .Map "key"}}  {{index .List 0}}
 *   {{upper .X}}  {{lower .X}}  {{len .X}}  {{.X | upper}}   (a pipe passes the value last)
 *   {{eq .X "a" "b"}}  {{ne .X "a"}}  {{not .X}}   (compared as printed; for if)
 *   {{range .X}}...{{end}}             each element (arrays) or value (objects, key order)
 *   {{if .X}}...{{else}}...{{end}}      false, 0, "", null, empty arrays/objects are false
 *   {{- ... -}}                         trims the white space beside the action
 *   "table " prefix                     a header line, columns split at TABs and aligned
 *
 * Values print as Go prints them: strings as they are, [a b] for arrays, map[k:v] for
 * objects, <nil> for null. Anything else (variables, with, define, template, printf,
 * lt/gt, parentheses) is refused with a usage error (exit 2) naming the action.
 */
#ifndef HK_GOTMPL_H
#define HK_GOTMPL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "ctx.h"

struct gotmpl;

/* A column title for a field path in table mode ("ID" -> "CONTAINER ID"); NULL: the last
 * path component upper-cased. */
struct gotmpl_title {
	const char *field;
	const char *title;
};

/* --format VALUE as a listing takes it: Docker's "table" alone is the default table (NULL,
 * as no --format); anything else is VALUE. */
const char *gotmpl_listing(const char *fmt);
/* Parse fmt; a usage error in ctx->err (exit 2) for what is not supported. */
int gotmpl_parse(struct hk_ctx *ctx, const char *fmt, struct gotmpl **ret);
void gotmpl_free(struct gotmpl *t);
/* Print objs (borrowed) with t: one rendering + newline each, or with "table" a header
 * (titles: a table ended by {NULL, NULL}, may be NULL) and aligned columns. */
int gotmpl_print(struct hk_ctx *ctx, const struct gotmpl *t, struct json_object **objs, size_t n,
		 const struct gotmpl_title *titles);
/* Parse fmt, print objs, free: the one call of most commands. */
int gotmpl_run(struct hk_ctx *ctx, const char *fmt, struct json_object **objs, size_t n,
	       const struct gotmpl_title *titles);

#endif
