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
		{ "all-netns", no_argument, NULL, 'a' },
		{},
	};
	struct hk_ctx ctx;
	ctx_init(&ctx);
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
	/* '+': stop at the first non-option, the group name */
	for (;;) {
		/* ip's "-all" (and "-a"), a single-dash word getopt cannot take */
		int at = optind ? optind : 1;
		if (at < argc && (!strcmp(argv[at], "-all") || !strcmp(argv[at], "-a"))) {
			ctx.all_netns = true;
			optind = at + 1;
			continue;
		}
		if ((c = getopt_long(argc, argv, "+:jn:b:hV460", opts, NULL)) == -1)
			break;
		switch (c) {
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
