/* SPDX-License-Identifier: MIT */
/* Command groups and the verb dispatch shared by them. */
#ifndef HK_CMD_H
#define HK_CMD_H

#include <getopt.h>
#include <stdio.h>

#include "ctx.h"
#include "digest.h"

typedef int (*cmd_fn)(struct hk_ctx *ctx, int argc, char **argv);

struct cmd_verb {
	const char *name;
	const char *alias; /* documented alias, or NULL */
	cmd_fn fn;	   /* its synopsis: docs/parts (usage.h) */
};

/* Find argv[0] among verbs (exact names and aliases only) and run it with argv shifted.
 * No verb: default_verb (may be NULL -> usage error). "help" prints the group's usage. */
int cmd_dispatch(struct hk_ctx *ctx, const char *group, const struct cmd_verb *verbs, size_t n,
		 const char *default_verb, int argc, char **argv);

/* Usage error helper: sets ctx->err (class usage) and returns -EINVAL. */
int cmd_usage(struct hk_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * A command's options: getopt_long over one `static const struct option` table. The optstring
 * starts with "+:" (options end at the first operand: the IMAGE or CT whose command and flags
 * follow) or "-:" (options may follow operands, `image import FILE --name N`: every operand,
 * those after "--" too, comes back in order as 1, in optarg); its ':' tells a missing value
 * from an unknown option. So every command takes `--opt value` and `--opt=value`, bundled
 * short options (-dit) and `--`. Long options are matched exactly, as verbs are: getopt_long's
 * unique prefixes (--na for --name) are refused. Neither mode permutes argv, so in "+" mode
 * the operands left after the loop are the caller's argv + g.rest.
 *
 *	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
 *	if (cmd_getopt_init(ctx, &g, "ps", "+:aq", opts, argc, argv) < 0) ...
 *	while ((c = cmd_getopt_next(&g)) != -1)
 *		switch (c) { case 'a': ...; default: return cmd_getopt_bad(ctx, &g, c); }
 */
struct cmd_getopt {
	const char *name; /* "run", "image import": the start of error messages */
	const char *optstring;
	const struct option *opts;
	int argc;
	char **argv; /* name, then the arguments: what getopt_long scans (heap) */
	int word;    /* argv index of the option just returned */
	int rest;    /* "+" mode, after -1: the first operand's index in the caller's argv */
	int tail;    /* "-" mode, after "--": the next operand */
};

/* Set g up over argc/argv (the arguments after the command word); optind reset (0: glibc's
 * full re-initialisation, as batch mode parses many lines in one process), opterr off. */
int cmd_getopt_init(struct hk_ctx *ctx, struct cmd_getopt *g, const char *name,
		    const char *optstring, const struct option *opts, int argc, char **argv);
/* The next option's val (its value in optarg), 1 for an operand in "-" mode, -1 at the end,
 * '?' or ':' for a bad option: pass those to cmd_getopt_bad. */
int cmd_getopt_next(struct cmd_getopt *g);
/* The usage error for '?' or ':' from cmd_getopt_next, one line: "run: unknown option
 * '--bogus'; try 'hako run --help'", "run: --name needs a value", "run: --rm takes no value". */
int cmd_getopt_bad(struct hk_ctx *ctx, const struct cmd_getopt *g, int c);
void cmd_getopt_free(struct cmd_getopt *g);
/* A verb without options (top, diff, port, export, commit, image tag, network inspect ...):
 * a word that looks like one ("-x", "--x"; not "-" alone) before a "--" is refused as an
 * unknown option, as getopt would, never taken as a name; the "--" is dropped from *argv.
 * 0, or the usage error. */
int cmd_no_options(struct hk_ctx *ctx, const char *name, int *argc, char ***argv);

/* Groups. Each returns 0 or a negative errno with ctx->err set. */
int cmd_netns(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ns(struct hk_ctx *ctx, int argc, char **argv);
int cmd_link(struct hk_ctx *ctx, int argc, char **argv);
int cmd_addr(struct hk_ctx *ctx, int argc, char **argv);
int cmd_route(struct hk_ctx *ctx, int argc, char **argv);
int cmd_neigh(struct hk_ctx *ctx, int argc, char **argv);
int cmd_rule(struct hk_ctx *ctx, int argc, char **argv);
int cmd_monitor(struct hk_ctx *ctx, int argc, char **argv);
int cmd_tuntap(struct hk_ctx *ctx, int argc, char **argv);
/* Containers (top-level commands like docker's; argv after the command word). The group
 * dispatcher already owns the name cmd_run, so `run` is cmd_ct_run. */
int cmd_ct_run(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_exec(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_ps(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_top(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_logs(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_inspect(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_stats(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_stop(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_kill(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_rm(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_pause(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_unpause(struct hk_ctx *ctx, int argc, char **argv);
/* hako cp (cmd_cp.c). */
int cmd_ct_cp(struct hk_ctx *ctx, int argc, char **argv);
/* version, system, info, diff, history, images, rmi, container (cmd_system.c). */
int cmd_version(struct hk_ctx *ctx, int argc, char **argv);
int cmd_system(struct hk_ctx *ctx, int argc, char **argv);
int cmd_info(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_diff(struct hk_ctx *ctx, int argc, char **argv);
int cmd_history(struct hk_ctx *ctx, int argc, char **argv);
int cmd_images(struct hk_ctx *ctx, int argc, char **argv);
int cmd_rmi(struct hk_ctx *ctx, int argc, char **argv);
int cmd_tag(struct hk_ctx *ctx, int argc, char **argv);
int cmd_save(struct hk_ctx *ctx, int argc, char **argv);
int cmd_load(struct hk_ctx *ctx, int argc, char **argv);
int cmd_container(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_create(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_start(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_restart(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_wait(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_rename(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_attach(struct hk_ctx *ctx, int argc, char **argv);
/* hako system boot (cmd_lifecycle.c), a verb of cmd_system. */
int cmd_system_boot(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_update(struct hk_ctx *ctx, int argc, char **argv);
/* hako events (cmd_events.c). */
int cmd_events(struct hk_ctx *ctx, int argc, char **argv);
/* Images (cmd_image.c). */
int cmd_image(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_commit(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_export(struct hk_ctx *ctx, int argc, char **argv);
/* The image ref's inspect object (image inspect's keys and Docker's: Id, RepoTags, Created,
 * Size, Config, RootFS, Architecture, Os): hako inspect IMAGE. */
struct json_object;
int cmd_image_inspect_obj(struct hk_ctx *ctx, const char *ref, struct json_object **ret);
/* Registries (cmd_registry.c). */
int cmd_pull(struct hk_ctx *ctx, int argc, char **argv);
int cmd_push(struct hk_ctx *ctx, int argc, char **argv);
int cmd_login(struct hk_ctx *ctx, int argc, char **argv);
int cmd_logout(struct hk_ctx *ctx, int argc, char **argv);
/* hako run --pull: pull ref into the store at state (progress on stderr as hako pull
 * prints it); ret_id gets the image id. */
struct hk_store;
int cmd_registry_pull(struct hk_ctx *ctx, const char *state, struct hk_store *st, const char *ref,
		      char ret_id[HK_DIGEST_MAX]);
/* Networks (cmd_network.c, cmd_netrun.c). */
int cmd_network(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_port(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_ss(struct hk_ctx *ctx, int argc, char **argv);

/* The OCI runtime (cmd_oci.c): runc's global options and verbs; also `hako-runtime`. */
int cmd_oci(struct hk_ctx *ctx, int argc, char **argv);
/* Virtual machines (cmd_vm.c). */
int cmd_vm(struct hk_ctx *ctx, int argc, char **argv);
/* Labs (cmd_lab.c). */
int cmd_lab(struct hk_ctx *ctx, int argc, char **argv);
/* Tunnels (cmd_tunnel.c). */
int cmd_tunnel(struct hk_ctx *ctx, int argc, char **argv);

/* Run one command line (argv after global options) through the group table. */
int cmd_run(struct hk_ctx *ctx, int argc, char **argv);

/* -b FILE: run a batch. */
int cmd_batch(struct hk_ctx *ctx, const char *file);

/* Print the group list (hako --help). */
void cmd_print_help(FILE *f);

#endif
