/* SPDX-License-Identifier: MIT */
/*
 * hako as a CNI plugin (CNI spec 1.1): ADD, DEL, CHECK, VERSION, GC and STATUS over hako's
 * bridge networks. The configuration is the reference `bridge` plugin's (cniconf.h), so a
 * conflist works by changing its "type"; a CNI network is a hako network of the same name
 * (or "cni-<hash>" when that name is not a valid hako network name), created on the first
 * ADD with the config's bridge, subnet and gateway, and kept (as the reference plugin keeps
 * its bridge). An attachment is a hako lease keyed by a hash of (CNI_CONTAINERID,
 * CNI_IFNAME) (cni_attach_id): its interface is CNI_IFNAME in CNI_NETNS, its host end
 * "hkn<12 hex>", its ports the portMappings capability, all made and undone by network.h
 * (hk_network_attach_ext / hk_network_detach_ext), so a half-made ADD is undone by the next
 * hako command, DEL or GC like any interrupted connect. An ipam of type host-local is served
 * by hako's IPAM (leases in the state database); any other type is delegated to that plugin,
 * found in CNI_PATH (cniipam.h), and its address is leased in hako's store as a static one.
 *
 * Errors carry a CNI error code (the spec's well-known ones; 999 for any other failure, as
 * the reference plugins' skeleton does) besides the hk_err line and class; the front door
 * prints {"cniVersion", "code", "msg"} on stdout and exits with the class's status.
 */
#ifndef HK_CNI_H
#define HK_CNI_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "cniconf.h" /* the error codes, HK_CNI_VERSION */

/* One invocation: the CNI_* environment and the configuration read from stdin. */
struct hk_cni_req {
	const char *command;	  /* CNI_COMMAND */
	const char *container_id; /* CNI_CONTAINERID */
	const char *netns;	  /* CNI_NETNS */
	const char *ifname;	  /* CNI_IFNAME */
	const char *args;	  /* CNI_ARGS */
	const char *path;	  /* CNI_PATH */
	const char *conf;	  /* stdin, NUL-terminated */
	size_t conf_len;
	const char *root; /* hako's --root (HAKO_ROOT), NULL: the default; the config's
			   * hakoRoot comes first */
};

struct hk_cni_out {
	char *json;	   /* what to print on success (ADD, VERSION), malloc'ed; NULL: nothing */
	int code;	   /* the CNI error code on failure */
	char version[16];  /* the cniVersion of the answer (the config's, else HK_CNI_VERSION) */
	struct hk_err err; /* the failure */
};

/* Run one command. 0, or a negative errno with out->code and out->err set. */
int hk_cni_run(const struct hk_cni_req *req, struct hk_cni_out *out);
void hk_cni_out_free(struct hk_cni_out *out);

/* The spec's error object for out, malloc'ed ({"cniVersion", "code", "msg"}). */
char *hk_cni_error_json(const struct hk_cni_out *out);

/* The lease id of an attachment: the first 16 hex digits of sha256(CONTAINERID "/" IFNAME).
 * hostif (16 bytes): "hkn" + 12 of them. */
void hk_cni_attach_id(const char *container_id, const char *ifname, char id[17], char hostif[16]);

#endif
