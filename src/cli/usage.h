/* SPDX-License-Identifier: MIT */
/* The synopses `hako CMD --help` and `hako GROUP help` print: generated at build time by
 * scripts/gendoc.py from the pages of docs/parts (usage_gen.c), the same text the man pages and
 * docs/cli.md are made from; scripts/gendoc.py check fails when they disagree with the
 * commands' verb and option tables. */
#ifndef HK_USAGE_H
#define HK_USAGE_H

struct cmd_doc {
	const char *cmd;      /* "netns add", "run" */
	const char *synopsis; /* "hako netns add NAME"; lines separated by '\n' */
	const char *options;  /* "Options:" and one entry per option the docs describe, or NULL */
};

extern const struct cmd_doc cmd_docs[]; /* ends with { NULL, NULL, NULL } */

/* The synopsis of "GROUP VERB" or of a single command, NULL if it has none. */
const char *cmd_synopsis(const char *cmd);
/* Its options with their descriptions (for --help), NULL if the docs describe none. */
const char *cmd_options(const char *cmd);

#endif
