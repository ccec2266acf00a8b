// SPDX-License-Identifier: MIT
#include "cmd.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "out.h"
#include "suggest.h"
#include "usage.h"

int cmd_usage(struct hk_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char buf[HK_ERR_MSG_MAX];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return hk_err_usage(&ctx->err, "%s", buf);
}

int cmd_getopt_init(struct hk_ctx *ctx, struct cmd_getopt *g, const char *name,
		    const char *optstring, const struct option *opts, int argc, char **argv)
{
	*g = (struct cmd_getopt){ .name = name, .optstring = optstring, .opts = opts };
	g->argv = calloc((size_t)argc + 2, sizeof(char *));
	if (!g->argv)
		return hk_err_sys(&ctx->err, -ENOMEM, "%s", name);
	g->argv[0] = (char *)name;
	memcpy(g->argv + 1, argv, (size_t)argc * sizeof(char *));
	g->argc = argc + 1;
	optind = 0; /* glibc: a full re-initialisation (batch mode parses many lines) */
	opterr = 0; /* one line of our own (cmd_getopt_bad) */
	return 0;
}

void cmd_getopt_free(struct cmd_getopt *g)
{
	free(g->argv);
	g->argv = NULL;
}

/* The option a "--name[=value]" word names exactly, or NULL. */
static const struct option *long_exact(const struct cmd_getopt *g, const char *word)
{
	if (strncmp(word, "--", 2))
		return NULL;
	size_t n = strcspn(word + 2, "=");
	for (const struct option *o = g->opts; o && o->name; o++)
		if (strlen(o->name) == n && !strncmp(o->name, word + 2, n))
			return o;
	return NULL;
}

int cmd_getopt_next(struct cmd_getopt *g)
{
	if (g->tail) {
		/* "-" mode after "--": the words left are operands too */
		if (g->tail == g->argc)
			return -1;
		g->word = g->tail;
		optarg = g->argv[g->tail++];
		g->rest = g->tail - 1;
		return 1;
	}
	int li = -1;
	/* the word being scanned: a long option and its "=value" are always in it */
	g->word = optind ? optind : 1;
	int c = getopt_long(g->argc, g->argv, g->optstring, g->opts, &li);
	if (c == -1) {
		g->rest = optind - 1;
		if (g->optstring[0] == '-' && optind < g->argc) {
			g->tail = optind;
			return cmd_getopt_next(g);
		}
	} else if (li >= 0 && long_exact(g, g->argv[g->word]) != &g->opts[li]) {
		c = '?'; /* an abbreviation */
	}
	return c;
}

int cmd_no_options(struct hk_ctx *ctx, const char *name, int *argc, char ***argv)
{
	for (int i = 0; i < *argc; i++) {
		const char *w = (*argv)[i];
		if (!strcmp(w, "--")) {
			memmove(*argv + i, *argv + i + 1, (size_t)(*argc - i) * sizeof(char *));
			(*argc)--;
			return 0;
		}
		if (w[0] == '-' && w[1])
			return cmd_usage(ctx, "%s: unknown option '%.*s'; try 'hako %s --help'",
					 name, (int)strcspn(w, "="), w, name);
	}
	return 0;
}

int cmd_getopt_bad(struct hk_ctx *ctx, const struct cmd_getopt *g, int c)
{
	const char *w = g->argv[g->word];
	if (strncmp(w, "--", 2)) {
		if (c == ':')
			return cmd_usage(ctx, "%s: -%c needs a value", g->name, optopt);
		return cmd_usage(ctx, "%s: unknown option '-%c'; try 'hako %s --help'", g->name,
				 optopt, g->name);
	}
	const struct option *o = long_exact(g, w);
	int n = (int)strcspn(w, "=");
	if (o && c == ':')
		return cmd_usage(ctx, "%s: %.*s needs a value", g->name, n, w);
	if (o && w[n] == '=' && o->has_arg == no_argument)
		return cmd_usage(ctx, "%s: %.*s takes no value", g->name, n, w);
	const char *names[128];
	size_t k = 0;
	for (const struct option *p = g->opts; p && p->name && k < HK_ARRAY_SIZE(names); p++)
		names[k++] = p->name;
	const char *near = suggest(w + 2, (size_t)n - 2, names, k);
	if (near)
		return cmd_usage(ctx, "%s: unknown option '%.*s'; did you mean '--%s'?", g->name, n,
				 w, near);
	return cmd_usage(ctx, "%s: unknown option '%s'; try 'hako %s --help'", g->name, w, g->name);
}

/* A synopsis (docs/parts), each line indented by ind. */
static void print_synopsis(FILE *f, const char *ind, const char *syn)
{
	for (const char *l = syn; *l;) {
		size_t n = strcspn(l, "\n");
		fprintf(f, "%s%.*s\n", ind, (int)n, l);
		l += n + (l[n] == '\n');
	}
}

static void print_group_usage(FILE *f, const char *group, const struct cmd_verb *verbs, size_t n)
{
	fprintf(f, "Usage:\n");
	for (size_t i = 0; i < n; i++) {
		char key[64];
		snprintf(key, sizeof(key), "%s %s", group, verbs[i].name);
		const char *syn = cmd_synopsis(key);
		if (syn)
			print_synopsis(f, "  ", syn);
		else
			fprintf(f, "  hako %s\n", key);
	}
	fprintf(f, "See man hako-%s or docs/cli.md.\n", group);
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
	/* ip's "ls" and "lst" for list: wherever a verb has the alias "list" */
	bool lst = !strcmp(verb, "ls") || !strcmp(verb, "lst");
	for (size_t i = 0; i < n; i++) {
		bool is_list = !strcmp(verbs[i].name, "list") ||
			       (verbs[i].alias && !strcmp(verbs[i].alias, "list"));
		if (strcmp(verb, verbs[i].name) &&
		    (!verbs[i].alias || strcmp(verb, verbs[i].alias)) && !(lst && is_list))
			continue;
		if (argc > 0) {
			argc--;
			argv++;
		}
		/* "VERB help" / "VERB --help" */
		if (argc > 0 && (!strcmp(argv[0], "help") || !strcmp(argv[0], "--help") ||
				 !strcmp(argv[0], "-h"))) {
			char key[64];
			snprintf(key, sizeof(key), "%s %s", group, verbs[i].name);
			const char *syn = cmd_synopsis(key), *opts = cmd_options(key);
			printf("Usage:\n");
			print_synopsis(stdout, "  ", syn ? syn : key);
			if (opts)
				printf("\n%s\n", opts);
			return 0;
		}
		return verbs[i].fn(ctx, argc, argv);
	}
	const char *names[2 * 64];
	size_t k = 0;
	for (size_t i = 0; i < n && k + 2 <= HK_ARRAY_SIZE(names); i++) {
		names[k++] = verbs[i].name;
		if (verbs[i].alias)
			names[k++] = verbs[i].alias;
	}
	const char *near = suggest(verb, strlen(verb), names, k);
	if (near)
		return cmd_usage(ctx, "%s: unknown verb '%s'; did you mean '%s'?", group, verb,
				 near);
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
	{ "link", NULL, cmd_link,
	  "network devices: veth, bridge, tun/tap, macvlan, macvtap, vxlan, ..." },
	{ "tuntap", NULL, cmd_tuntap, "tun and tap devices with ip tuntap's grammar" },
	{ "addr", "address", cmd_addr, "IPv4 and IPv6 addresses" },
	{ "route", NULL, cmd_route, "routes" },
	{ "neigh", "neighbour", cmd_neigh,
	  "the neighbour tables: ARP and NDP entries (like ip neigh)" },
	{ "rule", NULL, cmd_rule, "policy routing rules (like ip rule)" },
	{ "monitor", NULL, cmd_monitor,
	  "watch links, addresses, routes, neighbours, rules, namespaces (like ip monitor)" },
	{ "run", NULL, cmd_ct_run, "run a command in a new container" },
	{ "create", NULL, cmd_ct_create, "create a container without starting it" },
	{ "start", NULL, cmd_ct_start, "start created or stopped containers" },
	{ "restart", NULL, cmd_ct_restart, "stop and start containers" },
	{ "wait", NULL, cmd_ct_wait, "wait for containers to stop, print their exit codes" },
	{ "rename", NULL, cmd_ct_rename, "rename a container" },
	{ "attach", NULL, cmd_ct_attach, "follow a detached container's output until it exits" },
	{ "exec", NULL, cmd_ct_exec, "run a command in a running container" },
	{ "ps", NULL, cmd_ct_ps, "list containers" },
	{ "top", NULL, cmd_ct_top, "the processes of a container" },
	{ "logs", NULL, cmd_ct_logs, "the output of a detached container" },
	{ "stop", NULL, cmd_ct_stop, "stop a container (TERM, then KILL)" },
	{ "kill", NULL, cmd_ct_kill, "send a signal to a container" },
	{ "rm", NULL, cmd_ct_rm, "remove containers" },
	{ "pause", NULL, cmd_ct_pause, "freeze every process of containers" },
	{ "unpause", NULL, cmd_ct_unpause, "thaw paused containers" },
	{ "cp", NULL, cmd_ct_cp, "copy files between a container and the host" },
	{ "diff", NULL, cmd_ct_diff, "what a container changed in its root (A, C, D)" },
	{ "update", NULL, cmd_ct_update, "change the limits of running containers" },
	{ "events", NULL, cmd_events, "the containers' lifecycle events, as they happen" },
	{ "stats", NULL, cmd_ct_stats, "memory, CPU and pids usage of containers" },
	{ "inspect", NULL, cmd_ct_inspect, "a container's state and configuration as JSON" },
	{ "image", NULL, cmd_image, "images: import, load, save, ls, rm, prune, ..." },
	{ "images", NULL, cmd_images, "the images (image ls)" },
	{ "rmi", NULL, cmd_rmi, "remove images (image rm)" },
	{ "tag", NULL, cmd_tag, "another name for an image (image tag)" },
	{ "save", NULL, cmd_save, "an image as a tar (image save)" },
	{ "load", NULL, cmd_load, "an image from a tar (image load)" },
	{ "history", NULL, cmd_history, "the steps an image was made of" },
	{ "container", NULL, cmd_container, "docker container VERB: the same as hako VERB" },
	{ "system", NULL, cmd_system, "system info, df (disk usage), prune, boot" },
	{ "info", NULL, cmd_info, "hako and its host (system info)" },
	{ "version", NULL, cmd_version, "versions of hako, the kernel, the state" },
	{ "commit", NULL, cmd_ct_commit, "a container's changes as a new image" },
	{ "export", NULL, cmd_ct_export, "a container's root as a tar on stdout" },
	{ "pull", NULL, cmd_pull, "an image from a registry (OCI distribution API)" },
	{ "push", NULL, cmd_push, "an image to a registry" },
	{ "login", NULL, cmd_login, "store credentials for a registry" },
	{ "logout", NULL, cmd_logout, "remove the stored credentials for a registry" },
	{ "network", NULL, cmd_network, "container networks: bridge and macvlan, NAT, ports" },
	{ "port", NULL, cmd_ct_port, "the published ports of a container" },
	{ "ss", NULL, cmd_ct_ss, "listening sockets inside a container (like ss -N CT -tlp)" },
	{ "oci", NULL, cmd_oci, "the OCI runtime, runc's commands (also as hako-runtime)" },
	{ "vm", NULL, cmd_vm, "virtual machines (qemu) on hako's taps and macvtaps" },
	{ "lab", NULL, cmd_lab, "whole networks from one file (containerlab's format)" },
	{ "tunnel", NULL, cmd_tunnel, "WireGuard-compatible VPN tunnels over TUN, driven by wg" },
};

void cmd_print_help(FILE *f)
{
	fprintf(f,
		"Usage: hako [OPTIONS] GROUP VERB [ARGS...]\n"
		"       hako [OPTIONS] -b FILE|-  [--atomic]\n\n"
		"Options:\n"
		"  -j, --json          machine-readable JSON output (docs/json.md)\n"
		"  -n, --netns NAME    act inside the named network namespace\n"
		"  -4, -6, -0          IPv4, IPv6 or link-layer only (addr, route, neigh, rule)\n"
		"  -all, --all-netns   every named network namespace (monitor, netns exec|del)\n"
		"  -b, --batch FILE    run one command per line from FILE (- for stdin)\n"
		"      --root DIR      containers' state in DIR/state, runtime files in DIR/run\n"
		"                      (env HAKO_ROOT; default /var/lib/hako and /run/hako)\n"
		"      --atomic        with -b: on failure, roll back every line already done\n"
		"  -br, -s, -d, -o, -p iproute2's brief, statistics, details, one-line and pretty\n"
		"                      output (link, addr; -p: indented JSON), as with ip\n"
		"  -h, --help          this help\n"
		"  -V, --version       print the version\n\n"
		"Groups:\n");
	for (size_t i = 0; i < HK_ARRAY_SIZE(groups); i++)
		fprintf(f, "  %-8s %s\n", groups[i].name, groups[i].summary);
	fprintf(f, "\nSee 'hako GROUP help' and docs/cli.md. Exit status: 0 ok, 1 failed, 2 bad "
		   "input (nothing\n"
		   "changed), 3 unsupported by the kernel, 4 permission denied, 5 not found.\n");
}

int cmd_run(struct hk_ctx *ctx, int argc, char **argv)
{
	if (argc < 1)
		return cmd_usage(ctx, "missing command group; try 'hako --help'");
	for (size_t i = 0; i < HK_ARRAY_SIZE(groups); i++) {
		if (strcmp(argv[0], groups[i].name) &&
		    (!groups[i].alias || strcmp(argv[0], groups[i].alias)))
			continue;
		/* ip's groups: `ip -j` is one line, `-p` pretty */
		static const char *const ipg[] = { "netns", "link", "addr",  "route",
						   "neigh", "rule", "tuntap" };
		bool ip = false;
		for (size_t k = 0; k < HK_ARRAY_SIZE(ipg); k++)
			ip |= !strcmp(groups[i].name, ipg[k]);
		out_json_compact(ip && !ctx->pretty);
		const char *usage = cmd_synopsis(groups[i].name);
		if (usage && argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
			const char *opts = cmd_options(groups[i].name);
			printf("Usage:\n");
			print_synopsis(stdout, "  ", usage);
			if (opts)
				printf("\n%s\n", opts);
			return 0;
		}
		return groups[i].fn(ctx, argc - 1, argv + 1);
	}
	const char *names[2 * HK_ARRAY_SIZE(groups)];
	size_t k = 0;
	for (size_t i = 0; i < HK_ARRAY_SIZE(groups); i++) {
		names[k++] = groups[i].name;
		if (groups[i].alias)
			names[k++] = groups[i].alias;
	}
	const char *near = suggest(argv[0], strlen(argv[0]), names, k);
	if (near)
		return cmd_usage(ctx, "unknown command group '%s'; did you mean '%s'?", argv[0],
				 near);
	return cmd_usage(ctx, "unknown command group '%s'; try 'hako --help'", argv[0]);
}
