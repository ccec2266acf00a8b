// SPDX-License-Identifier: MIT
/* A lab drawn as dot or Mermaid text (see labgraph.h). Names in a lab are letters, digits,
 * '_', '.', '-' (labfile.c), interface names have no quotes or spaces (hk_parse_ifname),
 * so quoting them is enough. */
#include "labgraph.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "qdisc.h"

static const char *shape(enum hk_lab_kind k)
{
	switch (k) {
	case HK_LAB_BRIDGE:
		return "ellipse";
	case HK_LAB_HOST:
		return "house";
	case HK_LAB_LINUX:
		return "box3d";
	case HK_LAB_VM:
		return "component";
	default:
		return "box";
	}
}

/* Above this many nodes, Graphviz's neato with overlap removal and a label at each end of
 * every edge takes minutes (a 1000-node star: almost 7 min here): big labs get sfdp and
 * bare edges (0.6 s for the same star). */
#define BIG_GRAPH 100

static void dot(const struct hk_lab *lab, FILE *f)
{
	bool big = lab->nnodes > BIG_GRAPH;
	fprintf(f,
		"graph \"%s\" {\n\t%s\n"
		"\tnode [fontname=\"sans\"]; edge [fontname=\"sans\", fontsize=9];\n",
		lab->name, big ? "layout=sfdp;" : "layout=neato; overlap=false; splines=true;");
	for (size_t i = 0; i < lab->nnodes; i++)
		fprintf(f, "\t\"%s\" [shape=%s, label=\"%s\\n(%s)\"];\n", lab->nodes[i].name,
			shape(lab->nodes[i].kind), lab->nodes[i].name,
			hk_lab_kind_name(lab->nodes[i].kind));
	for (size_t i = 0; i < lab->nlinks; i++) {
		const struct hk_lab_link *l = &lab->links[i];
		const struct hk_lab_node *a = &lab->nodes[l->ep[0].node],
					 *b = &lab->nodes[l->ep[1].node];
		if (big) {
			fprintf(f, "\t\"%s\" -- \"%s\";\n", a->name, b->name);
			continue;
		}
		char rate[32] = "";
		if (l->imp.rate)
			hk_rate_str(l->imp.rate, rate, sizeof(rate));
		fprintf(f, "\t\"%s\" -- \"%s\" [taillabel=\"%s\", headlabel=\"%s\"%s%s%s];\n",
			a->name, b->name, a->ifs[l->ep[0].iface].name, b->ifs[l->ep[1].iface].name,
			rate[0] ? ", label=\"" : "", rate, rate[0] ? "\"" : "");
	}
	fputs("}\n", f);
}

static void mermaid(const struct hk_lab *lab, FILE *f)
{
	fputs("graph LR\n", f);
	for (size_t i = 0; i < lab->nnodes; i++) {
		const struct hk_lab_node *n = &lab->nodes[i];
		const char *o = n->kind == HK_LAB_BRIDGE ? "(("
				: n->kind == HK_LAB_HOST ? "[/"
				: n->kind == HK_LAB_VM	 ? "[["
							 : "[";
		const char *c = n->kind == HK_LAB_BRIDGE ? "))"
				: n->kind == HK_LAB_HOST ? "\\]"
				: n->kind == HK_LAB_VM	 ? "]]"
							 : "]";
		fprintf(f, "  n%zu%s\"%s (%s)\"%s\n", i, o, n->name, hk_lab_kind_name(n->kind), c);
	}
	for (size_t i = 0; i < lab->nlinks; i++) {
		const struct hk_lab_link *l = &lab->links[i];
		const struct hk_lab_node *a = &lab->nodes[l->ep[0].node],
					 *b = &lab->nodes[l->ep[1].node];
		fprintf(f, "  n%zu ---|\"%s - %s\"| n%zu\n", l->ep[0].node,
			a->ifs[l->ep[0].iface].name, b->ifs[l->ep[1].iface].name, l->ep[1].node);
	}
}

int hk_lab_graph(const struct hk_lab *lab, enum hk_lab_graph_fmt fmt, char **ret,
		 struct hk_err *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return hk_err_sys(err, -errno, "lab graph");
	if (fmt == HK_LAB_GRAPH_DOT)
		dot(lab, f);
	else
		mermaid(lab, f);
	if (fclose(f) != 0) {
		free(buf);
		return hk_err_sys(err, -ENOMEM, "lab graph");
	}
	*ret = buf;
	return 0;
}
