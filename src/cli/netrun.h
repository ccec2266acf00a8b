/* SPDX-License-Identifier: MIT */
/* `hako run` options for hako networks (--network NET, --ip, -p, --network-alias), kept in
 * cmd_netrun.c so cmd_run.c only calls them. */
#ifndef HK_NETRUN_H
#define HK_NETRUN_H

#include <stdbool.h>

#include "cmd.h"
#include "network.h"
#include "store_net.h"

#define NETRUN_PORTS_MAX 32

struct netrun {
	char net[HK_NET_NAME_MAX + 1]; /* "" no hako network */
	const char *ip;
	char aliases[256];
	struct hk_port_row ports[NETRUN_PORTS_MAX];
	size_t n_ports;
	bool publish_all; /* -P: the image's exposed ports too (netrun_publish_all) */
	char expose[NETRUN_PORTS_MAX][16]; /* --expose PORT[/PROTO]: "80/tcp", for -P */
	size_t n_expose;
	/* --dns, --dns-search, --dns-option (space separated), --add-host (hosts lines) */
	char dns[256], dns_search[256], dns_option[256], add_hosts[1024];
	struct hk_dns_conf dnsconf; /* pointing at those (netrun_attach_spec) */
	int notes_fd; /* -d: a copy of the caller's stderr for the monitor's notes, 0: stderr */
};

/* -d: keep a copy of stderr for the detached monitor (closed once the notes are out). */
void netrun_keep_stderr(struct netrun *n);

/* The network options of `hako run` and `hako network connect`: the vals of their entries in
 * those commands' option tables (-p: the letter of its short form). */
enum netrun_opt {
	NETRUN_PUBLISH = 'p',	  /* -p, --publish [HOSTIP:]HOSTPORT:CTPORT[/tcp|udp] */
	NETRUN_IP = 0x300,	  /* --ip IP */
	NETRUN_ALIAS,		  /* --network-alias, --alias NAME */
	NETRUN_DNS,		  /* --dns IP */
	NETRUN_DNS_SEARCH,	  /* --dns-search DOMAIN */
	NETRUN_DNS_OPTION,	  /* --dns-option OPT */
	NETRUN_ADD_HOST,	  /* --add-host NAME:IP */
	NETRUN_EXPOSE,		  /* --expose PORT[/tcp|udp] */
	NETRUN_PUBLISH_ALL = 'P', /* -P, --publish-all */
};

/* Option id with its value (optarg): 0, or < 0 bad input. */
int netrun_set(struct hk_ctx *ctx, struct netrun *n, int id, const char *val);
/* --network VALUE that is not none/host/netns:NAME/new: a hako network ("bridge": the
 * default one). Validated (name syntax) now, resolved at attach. */
int netrun_network(struct hk_ctx *ctx, struct netrun *n, const char *val);
/* -P: each port of exposed ("80/tcp", NULL-terminated; the image's), then of --expose, not
 * published yet gets a random host port. */
int netrun_publish_all(struct hk_ctx *ctx, struct netrun *n, char **exposed);
/* --dns, --dns-search, --dns-option as the library takes them (NULL: none given). */
const struct hk_dns_conf *netrun_dns(struct netrun *n);
/* After parsing: --ip, -p, -P, --network-alias need a hako network. */
int netrun_check(struct hk_ctx *ctx, const struct netrun *n);
/* What hk_ct_create connects the container to (in buf): NULL without --network NET. */
const struct hk_net_attach *netrun_attach_spec(struct netrun *n, struct hk_net_attach *buf);
/* hako network connect: attach the container (its namespaces persisted) to n's network. */
int netrun_attach(struct hk_ctx *ctx, struct netrun *n, struct hk_store *st,
		  const struct hk_paths *p, const struct hk_ct_row *row);
/* Print what the lib asks to tell the user once (forwarding enabled, resolv.conf). */
void netrun_notes(const struct hk_net_notes *notes);
/* The same after the container's network was connected: through the kept copy of stderr in
 * the detached monitor (netrun_keep_stderr), which is closed then. */
void netrun_notes_out(struct netrun *n, const struct hk_net_notes *notes);

/* hako network connect: the attachment (network, the address it got, aliases, ports) kept in
 * the container's lifecycle record, so that a start joins it again (netrun_rejoin);
 * disconnect forgets it. Best effort: a container without a record keeps nothing. */
void netrun_remember(struct hk_store *st, const struct netrun *n, const char *ct_id);
void netrun_forget(struct hk_store *st, const char *net, const char *ct_id);
/* hako start: join every network remembered (nets: their JSON), each with its address. */
int netrun_rejoin(struct hk_ctx *ctx, struct hk_store *st, const struct hk_paths *p,
		  const struct hk_ct_row *row, const char *nets);

#endif
