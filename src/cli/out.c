// SPDX-License-Identifier: MIT
#include "out.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct cell {
	char *text;		/* human text, NULL = unset */
	struct json_object *j;	/* JSON value */
};

struct out_table {
	const struct out_col *cols;
	int ncols;
	struct cell *cells; /* rows * ncols */
	size_t nrows, cap;
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
	return c;
}

void out_str(struct out_table *t, int col, const char *s)
{
	struct cell *c = cur(t, col);
	if (!s)
		return;
	c->text = strdup(s);
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
	c->text = human ? strdup(human) : NULL;
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
	const struct cell *ca = (const struct cell *)a + sort_col, *cb = (const struct cell *)b + sort_col;
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

int out_table_print(struct out_table *t, bool json, bool noheadings)
{
	if (json) {
		struct json_object *arr = json_object_new_array();
		for (size_t r = 0; r < t->nrows; r++) {
			struct json_object *o = json_object_new_object();
			for (int c = 0; c < t->ncols; c++) {
				struct cell *cell = &t->cells[r * t->ncols + c];
				if (cell->j)
					json_object_object_add(o, t->cols[c].key, json_object_get(cell->j));
			}
			json_object_array_add(arr, o);
		}
		return out_json_print(arr);
	}
	size_t *w = calloc(t->ncols, sizeof(size_t));
	if (!w)
		abort();
	for (int c = 0; c < t->ncols; c++) {
		w[c] = noheadings ? 0 : strlen(t->cols[c].header);
		for (size_t r = 0; r < t->nrows; r++) {
			const char *s = t->cells[r * t->ncols + c].text;
			size_t n = s ? strlen(s) : 1;
			if (n > w[c])
				w[c] = n;
		}
	}
	int last = -1;
	for (int c = 0; c < t->ncols; c++)
		if (!t->cols[c].hidden)
			last = c;
	for (long r = noheadings ? 0 : -1; r < (long)t->nrows; r++) {
		bool first = true;
		for (int c = 0; c < t->ncols; c++) {
			if (t->cols[c].hidden)
				continue;
			const char *s = r < 0 ? t->cols[c].header : t->cells[r * t->ncols + c].text;
			if (!s)
				s = "-";
			if (!first)
				fputs("  ", stdout);
			first = false;
			if (c == last && !t->cols[c].right)
				fputs(s, stdout);
			else
				printf(t->cols[c].right ? "%*s" : "%-*s", (int)w[c], s);
		}
		putchar('\n');
	}
	free(w);
	return 0;
}

int out_json_print(struct json_object *o)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
							       JSON_C_TO_STRING_NOSLASHESCAPE);
	fputs(s, stdout);
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
