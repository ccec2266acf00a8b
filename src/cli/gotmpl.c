// SPDX-License-Identifier: MIT
/* --format: a small Go text/template evaluator over json-c objects (gotmpl.h). */
#include "gotmpl.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "cmd.h"
#include "out.h"

enum arg_kind { A_FIELD, A_STRING, A_NUMBER, A_FUNC };
struct arg {
	enum arg_kind kind;
	char *s; /* field path without the leading '.' ("" is the dot), string, function name */
	long long n;
};
struct cmd_ {
	struct arg *args;
	size_t nargs;
};
struct pipe_ {
	struct cmd_ *cmds;
	size_t ncmds;
};

enum node_kind { N_TEXT, N_ACTION, N_RANGE, N_IF };
struct list {
	struct node *v;
	size_t n;
};
struct node {
	enum node_kind kind;
	char *text;
	struct pipe_ pipe;
	struct list body, alt;
};

struct gotmpl {
	bool table;
	struct list root;
	const char *src; /* while parsing */
	const char *pos;
	struct hk_ctx *ctx;
};

/* ---- parsing ---- */

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);
	if (!q)
		abort();
	return q;
}

static struct node *list_add(struct list *l)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	memset(&l->v[l->n], 0, sizeof(*l->v));
	return &l->v[l->n++];
}

static int bad(struct gotmpl *t, const char *what, const char *act, size_t n)
{
	return cmd_usage(t->ctx,
			 "--format: %s '{{%.*s}}' (hako supports fields, json, join, index, upper, "
			 "lower, len, eq, ne, not, range, if/else, table: docs/hako.md)",
			 what, (int)n, act);
}

/* Split an action's text (act, n bytes) into a pipeline. */
static int parse_pipe(struct gotmpl *t, const char *act, size_t n, struct pipe_ *p)
{
	const char *s = act, *e = act + n;
	struct cmd_ *c = NULL;
	for (;;) {
		while (s < e && isspace((unsigned char)*s))
			s++;
		if (s == e)
			break;
		if (*s == '|') {
			if (!c || !c->nargs)
				return bad(t, "an empty pipe stage in", act, n);
			c = NULL;
			s++;
			continue;
		}
		if (!c) {
			p->cmds = xrealloc(p->cmds, (p->ncmds + 1) * sizeof(*p->cmds));
			c = &p->cmds[p->ncmds++];
			*c = (struct cmd_){ 0 };
		}
		c->args = xrealloc(c->args, (c->nargs + 1) * sizeof(*c->args));
		struct arg *a = &c->args[c->nargs++];
		*a = (struct arg){ 0 };
		const char *b = s;
		if (*s == '.') {
			s++;
			while (s < e && (isalnum((unsigned char)*s) || *s == '_' || *s == '.'))
				s++;
			a->kind = A_FIELD;
			a->s = strndup(b + 1, (size_t)(s - b - 1));
		} else if (*s == '"' || *s == '`') {
			char q = *s++;
			char *out = malloc((size_t)(e - s) + 1), *o = out;
			while (s < e && *s != q) {
				if (q == '"' && *s == '\\' && s + 1 < e) {
					s++;
					*o++ = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s;
					s++;
				} else {
					*o++ = *s++;
				}
			}
			*o = 0;
			a->kind = A_STRING;
			a->s = out;
			if (s == e)
				return bad(t, "an unterminated string in", act, n);
			s++;
		} else if (isdigit((unsigned char)*s) || *s == '-') {
			char *end;
			a->kind = A_NUMBER;
			a->n = strtoll(s, &end, 10);
			if (end == s)
				return bad(t, "an unsupported token in", act, n);
			s = end;
		} else if (isalpha((unsigned char)*s)) {
			while (s < e && (isalnum((unsigned char)*s) || *s == '_'))
				s++;
			a->kind = A_FUNC;
			a->s = strndup(b, (size_t)(s - b));
			static const char *const fns[] = { "json",  "join", "index", "upper",
							   "lower", "len",  "eq",    "ne",
							   "not",   NULL };
			bool known = false;
			for (int i = 0; fns[i]; i++)
				known |= !strcmp(a->s, fns[i]);
			if (!known || c->nargs != 1)
				return bad(t, "an unsupported action", act, n);
		} else {
			return bad(t, "an unsupported action", act, n);
		}
	}
	if (!p->ncmds || (c && !c->nargs))
		return bad(t, "an empty action", act, n);
	if (!c) /* it ended with "|" */
		return bad(t, "an empty pipe stage in", act, n);
	return 0;
}

/* Parse until {{end}}, {{else}} or the end of the text; *ret_stop: 0 end of text, 1 end,
 * 2 else. */
static int parse_list(struct gotmpl *t, struct list *l, int *ret_stop)
{
	for (;;) {
		const char *open = strstr(t->pos, "{{");
		const char *text_end = open ? open : t->pos + strlen(t->pos);
		bool trim_left = open && open[2] == '-' && isspace((unsigned char)open[3]);
		const char *te = text_end;
		if (trim_left)
			while (te > t->pos && isspace((unsigned char)te[-1]))
				te--;
		if (te > t->pos) {
			struct node *x = list_add(l);
			x->kind = N_TEXT;
			x->text = strndup(t->pos, (size_t)(te - t->pos));
		}
		if (!open) {
			*ret_stop = 0;
			return 0;
		}
		const char *a = open + 2 + (trim_left ? 2 : 0);
		const char *close = strstr(a, "}}");
		if (!close)
			return cmd_usage(t->ctx, "--format: '{{' without '}}'");
		const char *ae = close;
		bool trim_right = ae - a >= 2 && ae[-1] == '-' && isspace((unsigned char)ae[-2]);
		if (trim_right)
			ae -= 2;
		t->pos = close + 2;
		if (trim_right)
			while (isspace((unsigned char)*t->pos))
				t->pos++;
		while (a < ae && isspace((unsigned char)*a))
			a++;
		while (ae > a && isspace((unsigned char)ae[-1]))
			ae--;
		size_t n = (size_t)(ae - a);
		size_t kw = 0;
		while (kw < n && isalpha((unsigned char)a[kw]))
			kw++;
		if (n >= 4 && !strncmp(a, "/*", 2) && !strncmp(ae - 2, "*/", 2))
			continue; /* a comment */
		if (kw == 3 && !strncmp(a, "end", 3) && n == 3) {
			*ret_stop = 1;
			return 0;
		}
		if (kw == 4 && !strncmp(a, "else", 4) && n == 4) {
			*ret_stop = 2;
			return 0;
		}
		if ((kw == 5 && !strncmp(a, "range", 5)) || (kw == 2 && !strncmp(a, "if", 2))) {
			struct node *x = list_add(l);
			x->kind = kw == 5 ? N_RANGE : N_IF;
			if (parse_pipe(t, a + kw, n - kw, &x->pipe) < 0)
				return -EINVAL;
			/* x may move as l grows: the lists are filled through their index */
			size_t xi = (size_t)(x - l->v);
			struct list body = { 0 }, alt = { 0 };
			int stop, r = parse_list(t, &body, &stop);
			if (r == 0 && stop == 2)
				r = parse_list(t, &alt, &stop);
			l->v[xi].body = body;
			l->v[xi].alt = alt;
			if (r < 0)
				return r;
			if (stop != 1)
				return cmd_usage(t->ctx, "--format: {{%.*s}} without {{end}}",
						 (int)kw, a);
			continue;
		}
		if (kw && a[0] != '.' &&
		    !(isalpha((unsigned char)a[0]) && parse_pipe(t, a, n, &list_add(l)->pipe) == 0))
			return -EINVAL; /* a keyword or function we do not have: parse_pipe said */
		if (!kw) {
			struct node *x = list_add(l);
			if (parse_pipe(t, a, n, &x->pipe) < 0)
				return -EINVAL;
			x->kind = N_ACTION;
		} else {
			l->v[l->n - 1].kind = N_ACTION;
		}
	}
}

static void list_free(struct list *l);

static void node_free(struct node *x)
{
	free(x->text);
	for (size_t i = 0; i < x->pipe.ncmds; i++) {
		for (size_t j = 0; j < x->pipe.cmds[i].nargs; j++)
			free(x->pipe.cmds[i].args[j].s);
		free(x->pipe.cmds[i].args);
	}
	free(x->pipe.cmds);
	list_free(&x->body);
	list_free(&x->alt);
}

static void list_free(struct list *l)
{
	for (size_t i = 0; i < l->n; i++)
		node_free(&l->v[i]);
	free(l->v);
}

void gotmpl_free(struct gotmpl *t)
{
	if (!t)
		return;
	list_free(&t->root);
	free(t);
}

const char *gotmpl_listing(const char *fmt)
{
	size_t b = fmt ? strspn(fmt, " ") : 0;
	if (fmt && !strncmp(fmt + b, "table", 5) && !fmt[b + 5 + strspn(fmt + b + 5, " ")])
		return NULL;
	return fmt;
}

int gotmpl_parse(struct hk_ctx *ctx, const char *fmt, struct gotmpl **ret)
{
	struct gotmpl *t = calloc(1, sizeof(*t));
	if (!t)
		abort();
	t->ctx = ctx;
	const char *f = fmt;
	while (*f == ' ')
		f++;
	/* Docker's `--format json` (ps, inspect, images, network ls, events): {{json .}} */
	if (!strncmp(f, "json", 4)) {
		const char *e = f + 4; /* (strspn here: GCC's -Wstringop-overread under ASan) */
		while (*e == ' ')
			e++;
		if (!*e)
			f = "{{json .}}";
	}
	if (!strncmp(f, "table", 5) && (!f[5] || isspace((unsigned char)f[5]))) {
		t->table = true;
		f += 5;
	}
	/* Docker: "\t" and "\n" as typed (two characters) are TAB and newline */
	size_t n = strlen(f);
	_cleanup_free_ char *src = malloc(n + 1);
	char *o = src;
	while (*f == ' ')
		f++;
	for (const char *s = f; *s; s++) {
		if (s[0] == '\\' && (s[1] == 't' || s[1] == 'n')) {
			*o++ = s[1] == 't' ? '\t' : '\n';
			s++;
		} else {
			*o++ = *s;
		}
	}
	while (o > src && o[-1] == ' ')
		o--;
	*o = 0;
	t->src = t->pos = src;
	int stop, r = parse_list(t, &t->root, &stop);
	if (r == 0 && stop)
		r = cmd_usage(ctx, "--format: {{%s}} without its {{range}} or {{if}}",
			      stop == 1 ? "end" : "else");
	t->src = t->pos = NULL;
	if (r < 0) {
		gotmpl_free(t);
		return r;
	}
	*ret = t;
	return 0;
}

/* ---- evaluation ---- */

/* A value: j (one reference owned; NULL is JSON null), or missing. */
struct val {
	struct json_object *j;
	bool missing;
};

struct run {
	struct hk_ctx *ctx;
	FILE *out;
	bool header; /* fields print their column titles */
	bool escape; /* strings escaped for a terminal */
	const struct gotmpl_title *titles;
};

static void val_put(struct val *v)
{
	json_object_put(v->j);
	v->j = NULL;
}

static int keycmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The keys of object o, sorted (Go prints and ranges maps in key order). */
static const char **sorted_keys(struct json_object *o, size_t *ret_n)
{
	size_t n = (size_t)json_object_object_length(o), i = 0;
	const char **k = calloc(n + 1, sizeof(*k));
	if (!k)
		abort();
	json_object_object_foreach(o, key, v)
	{
		(void)v;
		k[i++] = key;
	}
	qsort(k, n, sizeof(*k), keycmp);
	*ret_n = n;
	return k;
}

static void put_str(struct run *r, const char *s)
{
	if (r->escape) {
		char *e = out_escape(s);
		fputs(e, r->out);
		free(e);
	} else {
		fputs(s, r->out);
	}
}

/* Print v as Go's fmt prints it. */
static void print_go(struct run *r, struct json_object *j)
{
	switch (json_object_get_type(j)) {
	case json_type_null:
		fputs("<nil>", r->out);
		break;
	case json_type_string:
		put_str(r, json_object_get_string(j));
		break;
	case json_type_array:
		fputc('[', r->out);
		for (size_t i = 0; i < json_object_array_length(j); i++) {
			if (i)
				fputc(' ', r->out);
			print_go(r, json_object_array_get_idx(j, i));
		}
		fputc(']', r->out);
		break;
	case json_type_object: {
		size_t n;
		const char **k = sorted_keys(j, &n);
		fputs("map[", r->out);
		for (size_t i = 0; i < n; i++) {
			fprintf(r->out, "%s%s:", i ? " " : "", k[i]);
			print_go(r, json_object_object_get(j, k[i]));
		}
		fputc(']', r->out);
		free(k);
		break;
	}
	default: /* numbers, booleans */
		fputs(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN), r->out);
	}
}

static struct val strval(const char *s)
{
	return (struct val){ json_object_new_string(s) };
}

/* The column title of field path p. */
static struct val title(struct run *r, const char *p)
{
	for (const struct gotmpl_title *t = r->titles; t && t->field; t++)
		if (!strcmp(t->field, p))
			return strval(t->title);
	const char *last = strrchr(p, '.');
	char *u = strdup(last ? last + 1 : p);
	for (char *c = u; c && *c; c++)
		*c = (char)toupper((unsigned char)*c);
	struct val v = strval(u ? u : "");
	free(u);
	return v;
}

static struct val field(struct run *r, struct json_object *dot, const char *path)
{
	if (r->header && *path)
		return title(r, path);
	struct json_object *j = dot;
	char buf[512];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *sp = NULL, *k = strtok_r(buf, ".", &sp); k; k = strtok_r(NULL, ".", &sp))
		if (!json_object_is_type(j, json_type_object) ||
		    !json_object_object_get_ex(j, k, &j))
			return (struct val){ .missing = true };
	return (struct val){ json_object_get(j) };
}

static char *go_string(struct run *r, struct json_object *j)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);
	struct run sub = *r;
	sub.out = f;
	sub.escape = false;
	print_go(&sub, j);
	fclose(f);
	return s;
}

static bool truth(const struct val *v)
{
	if (v->missing || !v->j)
		return false;
	switch (json_object_get_type(v->j)) {
	case json_type_boolean:
		return json_object_get_boolean(v->j);
	case json_type_int:
		return json_object_get_int64(v->j) != 0;
	case json_type_double:
		return json_object_get_double(v->j) != 0;
	case json_type_string:
		return json_object_get_string_len(v->j) > 0;
	case json_type_array:
		return json_object_array_length(v->j) > 0;
	case json_type_object:
		return json_object_object_length(v->j) > 0;
	default:
		return false;
	}
}

static struct val arg_val(struct run *r, struct json_object *dot, const struct arg *a)
{
	if (a->kind == A_FIELD)
		return field(r, dot, a->s);
	if (a->kind == A_NUMBER)
		return (struct val){ json_object_new_int64(a->n) };
	return strval(a->s);
}

/* Call function name on v[0..n). */
static struct val call(struct run *r, const char *name, struct val *v, size_t n)
{
	if (r->header)
		return n ? (struct val){ json_object_get(v[n - 1].j), v[n - 1].missing }
			 : strval("");
	bool one = n == 1;
	if (!strcmp(name, "json") && one) {
		if (v[0].missing)
			return strval("null");
		return strval(json_object_to_json_string_ext(
			v[0].j, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	}
	if ((!strcmp(name, "upper") || !strcmp(name, "lower")) && one) {
		char *s = v[0].missing ? strdup("<no value>") : go_string(r, v[0].j);
		for (char *c = s; c && *c; c++)
			*c = (char)(name[0] == 'u' ? toupper((unsigned char)*c)
						   : tolower((unsigned char)*c));
		struct val x = strval(s ? s : "");
		free(s);
		return x;
	}
	if (!strcmp(name, "len") && one) {
		json_type ty = json_object_get_type(v[0].j);
		size_t k = ty == json_type_array    ? json_object_array_length(v[0].j)
			   : ty == json_type_object ? (size_t)json_object_object_length(v[0].j)
			   : ty == json_type_string ? (size_t)json_object_get_string_len(v[0].j)
						    : 0;
		return (struct val){ json_object_new_int64((int64_t)k) };
	}
	if (!strcmp(name, "join") && n == 2 && json_object_is_type(v[0].j, json_type_array)) {
		char *s = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&s, &len);
		for (size_t i = 0; i < json_object_array_length(v[0].j); i++) {
			char *e = go_string(r, json_object_array_get_idx(v[0].j, i));
			fprintf(f, "%s%s", i ? json_object_get_string(v[1].j) : "", e ? e : "");
			free(e);
		}
		fclose(f);
		struct val x = strval(s ? s : "");
		free(s);
		return x;
	}
	if (!strcmp(name, "index") && n == 2) {
		struct json_object *x = NULL;
		if (json_object_is_type(v[0].j, json_type_object) &&
		    json_object_object_get_ex(v[0].j, json_object_get_string(v[1].j), &x))
			return (struct val){ json_object_get(x) };
		if (json_object_is_type(v[0].j, json_type_array) &&
		    json_object_is_type(v[1].j, json_type_int)) {
			int64_t i = json_object_get_int64(v[1].j);
			if (i >= 0 && (size_t)i < json_object_array_length(v[0].j))
				return (struct val){ json_object_get(
					json_object_array_get_idx(v[0].j, (size_t)i)) };
		}
		return (struct val){ .missing = true };
	}
	if ((!strcmp(name, "eq") && n >= 2) || (!strcmp(name, "ne") && n == 2)) {
		/* as Go's: the first against each of the others, values compared as printed */
		char *a = v[0].missing ? strdup("<no value>") : go_string(r, v[0].j);
		bool hit = false;
		for (size_t i = 1; i < n && a; i++) {
			char *b = v[i].missing ? strdup("<no value>") : go_string(r, v[i].j);
			hit |= b && !strcmp(a, b);
			free(b);
		}
		free(a);
		return (struct val){ json_object_new_boolean(name[0] == 'e' ? hit : !hit) };
	}
	if (!strcmp(name, "not") && one)
		return (struct val){ json_object_new_boolean(!truth(&v[0])) };
	hk_err_usage(&r->ctx->err, "--format: %s: wrong arguments (%zu)", name, n);
	return (struct val){ .missing = true, .j = NULL };
}

static int eval_pipe(struct run *r, struct json_object *dot, const struct pipe_ *p, struct val *ret)
{
	struct val prev = { .missing = true };
	bool have_prev = false;
	for (size_t i = 0; i < p->ncmds; i++) {
		const struct cmd_ *c = &p->cmds[i];
		if (c->args[0].kind != A_FUNC) {
			if (c->nargs != 1 || have_prev)
				return cmd_usage(r->ctx, "--format: a value cannot take arguments");
			prev = arg_val(r, dot, &c->args[0]);
			have_prev = true;
			continue;
		}
		size_t n = c->nargs - 1 + (have_prev ? 1 : 0);
		struct val *v = calloc(n + 1, sizeof(*v));
		if (!v)
			abort();
		for (size_t k = 1; k < c->nargs; k++)
			v[k - 1] = arg_val(r, dot, &c->args[k]);
		if (have_prev)
			v[n - 1] = prev;
		hk_err_clear(&r->ctx->err);
		prev = call(r, c->args[0].s, v, n);
		have_prev = true;
		for (size_t k = 0; k < n; k++)
			val_put(&v[k]);
		free(v);
		if (r->ctx->err.msg[0])
			return -EINVAL;
	}
	*ret = prev;
	return 0;
}

static int exec_list(struct run *r, struct json_object *dot, const struct list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct node *x = &l->v[i];
		if (x->kind == N_TEXT) {
			fputs(x->text, r->out);
			continue;
		}
		struct val v;
		int rc = eval_pipe(r, dot, &x->pipe, &v);
		if (rc < 0)
			return rc;
		if (x->kind == N_ACTION) {
			if (v.missing)
				fputs("<no value>", r->out);
			else
				print_go(r, v.j);
		} else if (x->kind == N_IF || r->header) {
			rc = exec_list(r, dot, truth(&v) || r->header ? &x->body : &x->alt);
		} else if (!truth(&v)) {
			rc = exec_list(r, dot, &x->alt);
		} else if (json_object_is_type(v.j, json_type_array)) {
			for (size_t k = 0; rc == 0 && k < json_object_array_length(v.j); k++)
				rc = exec_list(r, json_object_array_get_idx(v.j, k), &x->body);
		} else if (json_object_is_type(v.j, json_type_object)) {
			size_t n;
			const char **keys = sorted_keys(v.j, &n);
			for (size_t k = 0; rc == 0 && k < n; k++)
				rc = exec_list(r, json_object_object_get(v.j, keys[k]), &x->body);
			free(keys);
		} else {
			rc = cmd_usage(r->ctx, "--format: range over a value that is not a list");
		}
		val_put(&v);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int render(struct run *r, const struct gotmpl *t, struct json_object *dot, char **ret)
{
	size_t n = 0;
	*ret = NULL;
	r->out = open_memstream(ret, &n);
	if (!r->out)
		abort();
	int rc = exec_list(r, dot, &t->root);
	fclose(r->out);
	r->out = NULL;
	if (rc < 0) {
		free(*ret);
		*ret = NULL;
	}
	return rc;
}

/* Split s at TABs into at most max cells. */
static size_t cells(char *s, char **v, size_t max)
{
	size_t n = 0;
	for (char *sp = NULL, *c = strsep(&s, "\t"); c && n < max; c = strsep(&s, "\t"), (void)sp)
		v[n++] = c;
	return n;
}

#define TABLE_COLS_MAX 64

int gotmpl_print(struct hk_ctx *ctx, const struct gotmpl *t, struct json_object **objs, size_t n,
		 const struct gotmpl_title *titles)
{
	struct run r = { .ctx = ctx, .titles = titles };
	if (!t->table) {
		r.escape = isatty(STDOUT_FILENO);
		for (size_t i = 0; i < n; i++) {
			char *s;
			int rc = render(&r, t, objs[i], &s);
			if (rc < 0)
				return rc;
			printf("%s\n", s);
			free(s);
		}
		return out_flush();
	}
	/* table: the header's cells name the columns, out.c aligns them */
	char *h;
	r.header = true;
	int rc = render(&r, t, NULL, &h);
	if (rc < 0)
		return rc;
	r.header = false;
	char *hv[TABLE_COLS_MAX];
	size_t nc = cells(h, hv, TABLE_COLS_MAX);
	struct out_col cols[TABLE_COLS_MAX] = { 0 };
	char keys[TABLE_COLS_MAX][8];
	for (size_t i = 0; i < nc; i++) {
		snprintf(keys[i], sizeof(keys[i]), "c%zu", i);
		cols[i] = (struct out_col){ hv[i], keys[i] };
	}
	struct out_table *tb = out_table_new(cols, (int)nc);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char *s, *line, *rest;
		if ((rc = render(&r, t, objs[i], &s)) < 0)
			break;
		rest = s;
		while ((line = strsep(&rest, "\n"))) {
			if (!*line && !rest)
				break;
			char *cv[TABLE_COLS_MAX];
			size_t k = cells(line, cv, nc);
			out_row(tb);
			for (size_t c = 0; c < k; c++)
				out_str(tb, (int)c, cv[c]);
		}
		free(s);
	}
	if (rc == 0)
		rc = out_table_print(tb, false, ctx->noheadings);
	out_table_free(tb);
	free(h);
	return rc;
}

int gotmpl_run(struct hk_ctx *ctx, const char *fmt, struct json_object **objs, size_t n,
	       const struct gotmpl_title *titles)
{
	struct gotmpl *t;
	int r = gotmpl_parse(ctx, fmt, &t);
	if (r < 0)
		return r;
	r = gotmpl_print(ctx, t, objs, n, titles);
	gotmpl_free(t);
	return r;
}
