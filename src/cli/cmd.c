// SPDX-License-Identifier: MIT
#include "cmd.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/cleanup.h"

int cmd_usage(struct hk_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char buf[HK_ERR_MSG_MAX];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return hk_err_usage(&ctx->err, "%s", buf);
}

static void print_group_usage(FILE *f, const char *group, const struct cmd_verb *verbs, size_t n)
{
	fprintf(f, "Usage:\n");
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "  hako %s %s\n", group, verbs[i].usage);
		if (verbs[i].alias)
			fprintf(f, "      (alias: %s)\n", verbs[i].alias);
	}
}

int cmd_dispatch(struct hk_ctx *ctx, const char *group, const struct cmd_verb *verbs, size_t n,
		 const char *default_verb, int argc, char **argv)
{
	const char *verb = argc > 0 ? argv[0] : default_verb;
	if (!verb)
		return cmd_usage(ctx, "%s: missing verb; try 'hako %s help'", group, group);
	if (!strcmp(verb, "help") || !strcmp(verb, "--help") || !strcmp(verb, "-h")) {
		print_group_usage(stdout, group, verbs, n);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(verb, verbs[i].name) && (!verbs[i].alias || strcmp(verb, verbs[i].alias)))
			continue;
		if (argc > 0) {
			argc--;
			argv++;
		}
		/* "VERB help" / "VERB --help" */
		if (argc > 0 && (!strcmp(argv[0], "help") || !strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
			printf("Usage: hako %s %s\n", group, verbs[i].usage);
			return 0;
		}
		return verbs[i].fn(ctx, argc, argv);
	}
	return cmd_usage(ctx, "%s: unknown verb '%s'; try 'hako %s help'", group, verb, group);
}

struct group {
	const char *name;
	const char *alias;
	cmd_fn fn;
	const char *summary;
};

static const struct group groups[] = {
	{ "netns", NULL, cmd_netns, "named network namespaces (like ip netns)" },
	{ "ns", NULL, cmd_ns, "list, show and enter any namespace (like lsns, nsenter)" },
	{ "link", NULL, cmd_link, "network devices: veth, bridge, tun/tap, macvlan, macvtap, vxlan, ..." },
	{ "addr", "address", cmd_addr, "IPv4 and IPv6 addresses" },
	{ "route", NULL, cmd_route, "routes" },
	{ "run", NULL, cmd_ct_run, "run a command in a new container" },
	{ "exec", NULL, cmd_ct_exec, "run a command in a running container" },
	{ "ps", NULL, cmd_ct_ps, "list containers" },
	{ "top", NULL, cmd_ct_top, "the processes of a container" },
	{ "logs", NULL, cmd_ct_logs, "the output of a detached container" },
	{ "stop", NULL, cmd_ct_stop, "stop a container (TERM, then KILL)" },
	{ "kill", NULL, cmd_ct_kill, "send a signal to a container" },
	{ "rm", NULL, cmd_ct_rm, "remove containers" },
	{ "stats", NULL, cmd_ct_stats, "memory, CPU and pids usage of containers" },
	{ "inspect", NULL, cmd_ct_inspect, "a container's state and configuration as JSON" },
	{ "image", NULL, cmd_image, "images: import, load, save, ls, rm, prune, ..." },
	{ "commit", NULL, cmd_ct_commit, "a container's changes as a new image" },
	{ "export", NULL, cmd_ct_export, "a container's root as a tar on stdout" },
	{ "network", NULL, cmd_network, "container networks: bridge and macvlan, NAT, ports" },
	{ "port", NULL, cmd_ct_port, "the published ports of a container" },
	{ "ss", NULL, cmd_ct_ss, "listening sockets inside a container (like ss -N CT -tlp)" },
};

void cmd_print_help(FILE *f)
{
	fprintf(f, "Usage: hako [OPTIONS] GROUP VERB [ARGS...]\n"
		   "       hako [OPTIONS] -b FILE|-  [--atomic]\n\n"
		   "Options:\n"
		   "  -j, --json          machine-readable JSON output (docs/json.md)\n"
		   "  -n, --netns NAME    act inside the named network namespace\n"
		   "  -b, --batch FILE    run one command per line from FILE (- for stdin)\n"
		   "      --root DIR      containers' state in DIR/state, runtime files in DIR/run\n"
		   "                      (env HAKO_ROOT; default /var/lib/hako and /run/hako)\n"
		   "      --atomic        with -b: on failure, roll back every line already done\n"
		   "  -h, --help          this help\n"
		   "  -V, --version       print the version\n\n"
		   "Groups:\n");
	for (size_t i = 0; i < HK_ARRAY_SIZE(groups); i++)
		fprintf(f, "  %-8s %s\n", groups[i].name, groups[i].summary);
	fprintf(f, "\nSee 'hako GROUP help' and docs/cli.md. Exit status: 0 ok, 1 failed, 2 bad input (nothing\n"
		   "changed), 3 unsupported by the kernel, 4 permission denied, 5 not found.\n");
}

int cmd_run(struct hk_ctx *ctx, int argc, char **argv)
{
	if (argc < 1)
		return cmd_usage(ctx, "missing command group; try 'hako --help'");
	for (size_t i = 0; i < HK_ARRAY_SIZE(groups); i++) {
		if (strcmp(argv[0], groups[i].name) && (!groups[i].alias || strcmp(argv[0], groups[i].alias)))
			continue;
		const char *usage = cmd_single_usage(groups[i].name);
		if (usage && argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
			printf("Usage: hako %s\n", usage);
			return 0;
		}
		return groups[i].fn(ctx, argc - 1, argv + 1);
	}
	return cmd_usage(ctx, "unknown command group '%s'; try 'hako --help'", argv[0]);
}
