/* SPDX-License-Identifier: MIT */
/* A lab's topology as text for a drawing tool: Graphviz dot (svg through `dot -Tsvg`) or
 * Mermaid. Node names and interface names are quoted, never pasted raw. */
#ifndef HK_LABGRAPH_H
#define HK_LABGRAPH_H

#include "lab.h"

enum hk_lab_graph_fmt { HK_LAB_GRAPH_DOT, HK_LAB_GRAPH_MERMAID };

/* The text, malloc'ed in *ret. */
int hk_lab_graph(const struct hk_lab *lab, enum hk_lab_graph_fmt fmt, char **ret,
		 struct hk_err *err);

#endif
