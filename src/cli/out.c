// SPDX-License-Identifier: MIT
#include "out.h"

#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dl_scols.h"

struct cell {
	char *text;	       /* human text, NULL = unset */
	struct json_object *j; /* JSON value */
	bool null;	       /* present in JSON as null (ip -j's flags: "not": null) */
};

struct out_table {
	const struct out_col *cols;
	int ncols;
	struct cell *cells; /* rows * ncols */
	size_t nrows, cap;
	int *shown; /* -o: the columns shown, in order (NULL: every column not hidden) */
	int nshown;
	bool raw;
	bool notrunc;
};

struct out_table *out_table_new(const struct out_col *cols, int ncols)
{
	struct out_table *t = calloc(1, sizeof(*t));
	if (!t)
		abort();
	t->cols = cols;
	t->ncols = ncols;
	return t;
}

void out_table_free(struct out_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows * (size_t)t->ncols; i++) {
		free(t->cells[i].text);
		json_object_put(t->cells[i].j);
	}
	free(t->cells);
	free(t->shown);
	free(t);
}

void out_row(struct out_table *t)
{
	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->cells = realloc(t->cells, t->cap * t->ncols * sizeof(struct cell));
		if (!t->cells)
			abort();
	}
	memset(&t->cells[t->nrows * t->ncols], 0, t->ncols * sizeof(struct cell));
	t->nrows++;
}

static struct cell *cur(struct out_table *t, int col)
{
	if (!t->nrows || col < 0 || col >= t->ncols)
		abort();
	struct cell *c = &t->cells[(t->nrows - 1) * t->ncols + col];
	free(c->text);
	json_object_put(c->j);
	c->text = NULL;
	c->j = NULL;
	c->null = false;
	return c;
}

/* Length of the UTF-8 sequence at s if it is well formed (no overlong form, no surrogate,
 * at most U+10FFFF), else 0. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n = c >= 0xc2 && c <= 0xdf   ? 2
		   : c >= 0xe0 && c <= 0xef ? 3
		   : c >= 0xf0 && c <= 0xf4 ? 4
					    : 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f) ||
	    (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
		return 0;
	return n;
}

char *out_escape(const char *s)
{
	/* every byte may become 4 */
	char *out = malloc(strlen(s) * 4 + 1), *o = out;
	if (!out)
		abort();
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = *p < 0x80 ? 1 : utf8_len(p);
		/* C1 controls: U+0080..U+009F, as C2 80..C2 9F */
		bool bad = n == 0 || *p < 0x20 || *p == 0x7f || *p == '\\' ||
			   (*p == 0xc2 && p[1] < 0xa0);
		if (!bad) {
			memcpy(o, p, n);
			o += n;
			p += n;
			continue;
		}
		for (size_t i = 0; i < (n ? n : 1); i++)
			o += sprintf(o, "\\x%02x", *p++);
	}
	*o = 0;
	return out;
}

void out_str(struct out_table *t, int col, const char *s)
{
	struct cell *c = cur(t, col);
	if (!s)
		return;
	c->text = out_escape(s);
	c->j = json_object_new_string(s);
}

void out_int(struct out_table *t, int col, int64_t v)
{
	struct cell *c = cur(t, col);
	char buf[32];
	snprintf(buf, sizeof(buf), "%" PRId64, v);
	c->text = strdup(buf);
	c->j = json_object_new_int64(v);
}

void out_bool(struct out_table *t, int col, bool v)
{
	struct cell *c = cur(t, col);
	c->text = strdup(v ? "yes" : "no");
	c->j = json_object_new_boolean(v);
}

void out_json(struct out_table *t, int col, struct json_object *v, const char *human)
{
	struct cell *c = cur(t, col);
	c->j = v;
	c->text = human ? out_escape(human) : NULL;
}

void out_null(struct out_table *t, int col, const char *human)
{
	struct cell *c = cur(t, col);
	c->null = true;
	c->text = human ? out_escape(human) : NULL;
}

size_t out_rows(const struct out_table *t)
{
	return t->nrows;
}

static int sort_col;
static int sort_ncols;
static bool sort_numeric;

static int cmp_rows(const void *a, const void *b)
{
	const struct cell *ca = (const struct cell *)a + sort_col,
			  *cb = (const struct cell *)b + sort_col;
	const char *sa = ca->text ? ca->text : "", *sb = cb->text ? cb->text : "";
	if (sort_numeric) {
		long long x = atoll(sa), y = atoll(sb);
		return x < y ? -1 : x > y;
	}
	return strcmp(sa, sb);
}

void out_sort(struct out_table *t, int col)
{
	sort_col = col;
	sort_ncols = t->ncols;
	sort_numeric = true;
	for (size_t r = 0; r < t->nrows; r++) {
		const char *s = t->cells[r * t->ncols + col].text;
		if (!s || !*s || strspn(s, "-0123456789") != strlen(s))
			sort_numeric = false;
	}
	qsort(t->cells, t->nrows, t->ncols * sizeof(struct cell), cmp_rows);
}

struct json_object *out_row_json(const struct out_table *t, size_t r)
{
	struct json_object *o = json_object_new_object();
	for (int c = 0; c < t->ncols; c++) {
		struct cell *cell = &t->cells[r * t->ncols + c];
		if (cell->j || cell->null)
			json_object_object_add(o, t->cols[c].key, json_object_get(cell->j));
	}
	return o;
}

char *out_row_words(const struct out_table *t, size_t r)
{
	size_t len = 1;
	for (int c = 0; c < t->ncols; c++) {
		const char *s = t->cells[r * t->ncols + c].text;
		if (s)
			len += strlen(t->cols[c].key) + strlen(s) + 2;
	}
	char *out = malloc(len), *o = out;
	if (!out)
		abort();
	*o = 0;
	for (int c = 0; c < t->ncols; c++) {
		const char *s = t->cells[r * t->ncols + c].text;
		if (s && !t->cols[c].hidden)
			o += sprintf(o, "%s%s %s", o == out ? "" : " ", t->cols[c].key, s);
	}
	return out;
}

int out_table_select(struct out_table *t, const char *list, const char **ret_bad, size_t *ret_len)
{
	int *v = calloc((size_t)t->ncols * 2 + strlen(list) + 1, sizeof(int)), n = 0;
	if (!v)
		abort();
	if (*list == '+') {
		for (int c = 0; c < t->ncols; c++)
			if (!t->cols[c].hidden)
				v[n++] = c;
		list++;
	}
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		int c = 0;
		while (c < t->ncols &&
		       (strlen(t->cols[c].header) != len || strncasecmp(t->cols[c].header, p, len)))
			c++;
		if (c == t->ncols) {
			free(v);
			*ret_bad = p;
			*ret_len = len;
			return -EINVAL;
		}
		v[n++] = c;
		p += len;
		if (*p == ',')
			p++;
	}
	free(t->shown);
	t->shown = v;
	t->nshown = n;
	return 0;
}

void out_table_raw(struct out_table *t, bool raw)
{
	t->raw = raw;
}

void out_table_notrunc(struct out_table *t, bool notrunc)
{
	t->notrunc = notrunc;
}

const char *out_table_headers(const struct out_table *t)
{
	static char buf[512];
	size_t off = 0;
	for (int c = 0; c < t->ncols && off < sizeof(buf); c++)
		off += snprintf(buf + off, sizeof(buf) - off, "%s%s", c ? ", " : "",
				t->cols[c].header);
	return buf;
}

/* The columns printed, in order: -o's, or every one not hidden. Returns how many. */
static int shown(const struct out_table *t, int *v)
{
	if (t->shown) {
		memcpy(v, t->shown, t->nshown * sizeof(int));
		return t->nshown;
	}
	int n = 0;
	for (int c = 0; c < t->ncols; c++)
		if (!t->cols[c].hidden)
			v[n++] = c;
	return n;
}

static int print_json(struct out_table *t)
{
	struct json_object *arr = json_object_new_array();
	int *v = calloc(t->nshown + t->ncols, sizeof(int));
	if (!v)
		abort();
	/* without -o, JSON has every key (hidden ones too) */
	int n = t->shown ? shown(t, v) : t->ncols;
	for (int c = 0; !t->shown && c < t->ncols; c++)
		v[c] = c;
	for (size_t r = 0; r < t->nrows; r++) {
		struct json_object *o = json_object_new_object();
		for (int i = 0; i < n; i++) {
			struct cell *cell = &t->cells[r * t->ncols + v[i]];
			if (cell->j || cell->null)
				json_object_object_add(o, t->cols[v[i]].key,
						       json_object_get(cell->j));
		}
		json_object_array_add(arr, o);
	}
	free(v);
	return out_json_print(arr);
}

static struct hk_err *table_err; /* out_set_err */

void out_set_err(struct hk_err *err)
{
	table_err = err;
}

int out_table_print(struct out_table *t, bool json, bool noheadings)
{
	if (json)
		return print_json(t);
	struct hk_err lost;
	int r = hk_dl_scols(table_err ? table_err : &lost);
	if (r < 0)
		return r;
	/* the text is UTF-8 (out_escape keeps only well-formed sequences): libsmartcols
	 * measures it as such whatever the environment's locale (in "C" it would take each
	 * byte of a character for a column, and loop on them when cutting) */
	static bool utf8;
	if (!utf8 && setlocale(LC_CTYPE, "C.UTF-8"))
		utf8 = true;
	struct libscols_table *tb = scols_new_table();
	int *v = calloc(t->nshown + t->ncols, sizeof(int));
	if (!tb || !v)
		abort();
	int n = shown(t, v);
	scols_table_enable_noheadings(tb, noheadings);
	/* the cells' text is escaped already (out_escape: controls, backslash, bad UTF-8);
	 * without a UTF-8 locale libsmartcols' own encoding stays (it escapes our escapes'
	 * backslashes again, but never loops) */
	scols_table_enable_noencoding(tb, utf8);
	if (t->raw)
		scols_table_enable_raw(tb, 1);
	else
		scols_table_set_column_separator(tb, "  ");
	for (int i = 0; i < n; i++) {
		const struct out_col *c = &t->cols[v[i]];
		bool trunc = c->trunc && !t->notrunc;
		int fl = (c->right ? SCOLS_FL_RIGHT : 0) | (trunc ? SCOLS_FL_TRUNC : 0);
		if (!scols_table_new_column(tb, c->header, trunc ? 0.3 : 0, fl))
			abort();
	}
	for (size_t row = 0; row < t->nrows; row++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);
		if (!ln)
			abort();
		for (int i = 0; i < n; i++) {
			const char *s = t->cells[row * t->ncols + v[i]].text;
			if (!t->raw) {
				if (scols_line_set_data(ln, i, s ? s : "-") < 0)
					abort();
				continue;
			}
			/* raw: blanks too become \x20, so that words are columns (lsns -r) */
			s = s ? s : "-";
			char *e = malloc(strlen(s) * 4 + 1), *o = e;
			if (!e)
				abort();
			for (; *s; s++)
				o = *s == ' ' || *s == '\t' ? o + sprintf(o, "\\x%02x", *s)
							    : (*o++ = *s, o);
			*o = 0;
			if (scols_line_refer_data(ln, i, e) < 0)
				abort();
		}
	}
	if (!t->nrows && !noheadings) {
		/* libsmartcols prints nothing for a table without lines: the header, as docker
		 * and ip do */
		for (int i = 0; i < n; i++)
			printf("%s%s", i ? (t->raw ? " " : "  ") : "", t->cols[v[i]].header);
		if (n)
			putchar('\n');
	} else if (n && scols_print_table(tb) < 0) {
		r = -EIO;
	}
	scols_unref_table(tb);
	free(v);
	return r;
}

static bool json_compact;

void out_json_compact(bool compact)
{
	json_compact = compact;
}

int out_json_print(struct json_object *o)
{
	const char *s = json_object_to_json_string_ext(
		o, (json_compact ? JSON_C_TO_STRING_PLAIN
				 : JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED) |
			   JSON_C_TO_STRING_NOSLASHESCAPE);
	/* json-c escapes C0 controls as \u00XX; DEL and the C1 controls (U+0080..U+009F, C2 80..
	 * C2 9F in UTF-8), which some terminals act on, get the same (the string is unchanged).
	 * Both only occur inside strings: the JSON syntax itself is ASCII. */
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == 0x7f)
			fputs("\\u007f", stdout);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			printf("\\u00%02x", *++p);
		else
			putchar(*p);
	}
	putchar('\n');
	json_object_put(o);
	return 0;
}

int out_flush(void)
{
	if (fflush(stdout) != 0 || ferror(stdout))
		return -(errno ? errno : EIO);
	return 0;
}
