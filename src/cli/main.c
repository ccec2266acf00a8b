// SPDX-License-Identifier: MIT
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "base/parse.h"
#include "cmd.h"
#include "cni_main.h"
#include "ctx.h"
#include "out.h"

#ifndef HAKO_VERSION
#define HAKO_VERSION "0.0.0"
#endif

/* The name hako was invoked as: "hako-cni" makes it the CNI plugin (docs/parts/cni.md),
 * "hako-runtime" the OCI runtime (docs/parts/oci.md). */
static bool invoked_as(const char *argv0, const char *name)
{
	const char *slash = argv0 ? strrchr(argv0, '/') : NULL;
	return argv0 && !strcmp(slash ? slash + 1 : argv0, name);
}

/* iproute2 spells its output options as single-dash words (-br, -stats, -details, ...):
 * before the group, those exact words become their long options (-b FILE stays batch). */
static void ip_words(int argc, char **argv)
{
	static const struct {
		const char *word, *opt;
	} words[] = {
		{ "-br", "--brief" },	     { "-brief", "--brief" },
		{ "-stats", "--stats" },     { "-statistics", "--stats" },
		{ "-details", "--details" }, { "-oneline", "--oneline" },
		{ "-pretty", "--pretty" },   { "-json", "--json" },
		{ "-all", "--all-netns" },   { "-a", "--all-netns" },
	};
	for (int i = 1; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--"); i++) {
		for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
			if (!strcmp(argv[i], words[k].word))
				argv[i] = (char *)words[k].opt;
		/* the value of an option that takes one is not an option word */
		if (!strcmp(argv[i], "-n") || !strcmp(argv[i], "-b") ||
		    !strcmp(argv[i], "--netns") || !strcmp(argv[i], "--batch") ||
		    !strcmp(argv[i], "--root"))
			i++;
	}
}

int main(int argc, char **argv)
{
	if (argc > 0 && invoked_as(argv[0], "hako-cni"))
		return cni_main(argc, argv);
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "netns", required_argument, NULL, 'n' },
		{ "batch", required_argument, NULL, 'b' },
		{ "atomic", no_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "root", required_argument, NULL, 'R' },
		{ "brief", no_argument, NULL, 'B' },
		{ "stats", no_argument, NULL, 's' },
		{ "statistics", no_argument, NULL, 's' },
		{ "details", no_argument, NULL, 'd' },
		{ "oneline", no_argument, NULL, 'o' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "all-netns", no_argument, NULL, 'a' },
		{},
	};
	struct hk_ctx ctx;
	ctx_init(&ctx);
	out_set_err(&ctx.err); /* a table's library that cannot be loaded: the command's error */
	const char *batch = NULL;
	ctx.root = getenv("HAKO_ROOT");
	int c, r;
	/* invoked as hako-runtime: an OCI runtime with runc's command line (cmd_oci.c) */
	if (argc > 0 && invoked_as(argv[0], "hako-runtime")) {
		ctx.root = NULL; /* its own --root, as runc's */
		r = cmd_oci(&ctx, argc - 1, argv + 1);
		goto done;
	}
	opterr = 0; /* one line of our own on bad options */
	ip_words(argc, argv);
	/* '+': stop at the first non-option, the group name */
	while ((c = getopt_long(argc, argv, "+:jn:b:hVsdop460", opts, NULL)) != -1) {
		switch (c) {
		case 'B':
			ctx.brief = true;
			break;
		case 's':
			ctx.stats++;
			break;
		case 'd':
			ctx.details = true;
			break;
		case 'o':
			ctx.oneline = true;
			break;
		case 'p':
			ctx.pretty = true;
			break;
		case 'a':
			ctx.all_netns = true;
			break;
		case 'j':
			ctx.json = true;
			break;
		case 'n':
			if (hk_parse_netns_name(optarg, &ctx.err) < 0) {
				fprintf(stderr, "hako: %s\n", ctx.err.msg);
				return EXIT_USAGE;
			}
			ctx.netns = optarg;
			break;
		case '4':
			ctx.family = AF_INET;
			break;
		case '6':
			ctx.family = AF_INET6;
			break;
		case '0':
			ctx.family = AF_PACKET;
			break;
		case 'b':
			batch = optarg;
			break;
		case 'A':
			ctx.atomic = true;
			break;
		case 'R':
			ctx.root = optarg;
			break;
		case 'h':
			cmd_print_help(stdout);
			return EXIT_OK;
		case 'V':
			printf("hako %s\n", HAKO_VERSION);
			return EXIT_OK;
		case ':':
			fprintf(stderr, "hako: option '%s' needs a value; try 'hako --help'\n",
				argv[optind - 1]);
			return EXIT_USAGE;
		default:
			fprintf(stderr, "hako: unknown option '%s'; try 'hako --help'\n",
				argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (ctx.atomic && !batch) {
		fprintf(stderr, "hako: --atomic goes with -b FILE\n");
		return EXIT_USAGE;
	}
	if (batch) {
		if (optind < argc) {
			fprintf(stderr, "hako: -b FILE takes no command on the command line\n");
			return EXIT_USAGE;
		}
		r = cmd_batch(&ctx, batch);
	} else {
		r = cmd_run(&ctx, argc - optind, argv + optind);
	}
done:;
	int status = EXIT_OK;
	if (r < 0) {
		fprintf(stderr, "hako: %s\n", ctx.err.msg[0] ? ctx.err.msg : strerror(-r));
		status = ctx.err.msg[0] ? ctx_exit_status(&ctx.err) : EXIT_FAILED;
	} else if (r > 0) {
		status = r; /* a command's own status (netns exec, ns enter: the child's) */
	}
	if (getenv("HAKO_NL_STATS")) {
		/* Debugging aid (docs/cli.md): how many requests went in how many sendmsg(). */
		unsigned long long sends, requests;
		ctx_stats(&ctx, &sends, &requests);
		fprintf(stderr, "hako: netlink: %llu requests in %llu sendmsg calls\n", requests,
			sends);
	}
	ctx_done(&ctx);
	if (fflush(stdout) != 0 && status == EXIT_OK) {
		fprintf(stderr, "hako: write to standard output: %s\n", strerror(errno));
		status = EXIT_FAILED;
	}
	return status;
}
