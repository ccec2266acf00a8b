/* SPDX-License-Identifier: MIT */
/*
 * A delegated IPAM plugin (an ipam "type" other than host-local), run as the CNI spec says:
 * the executable named by the type, found in CNI_PATH's directories, with the caller's
 * environment (CNI_COMMAND set to the command) and the whole network configuration on its
 * stdin; its stdout is its result or its error object.
 */
#ifndef HK_CNIIPAM_H
#define HK_CNIIPAM_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "base/parse.h"
#include "cniconf.h"

/* What an ADD of the ipam plugin gave: at most one address per family (the first), its
 * gateway, the routes, and the dns object (owned by *root). */
struct hk_cni_ipam_res {
	struct json_object *root;
	bool has4, has6;
	struct hk_prefix addr4, addr6; /* with the prefix length */
	struct hk_prefix gw4, gw6;     /* family 0: none */
	struct hk_net_route routes[HK_CNI_MAX_ROUTES];
	size_t n_routes;
	struct json_object *dns;
};

/* Run type with command. Failure: the plugin's code (or HK_CNI_E_UNAVAILABLE when it is not
 * in CNI_PATH, 999 when it gave no error object) in *ret_code and its message. ADD fills
 * *ret (may be NULL for the other commands). */
int hk_cni_ipam_exec(const char *cni_path, const char *type, const char *command, const char *conf,
		     size_t len, struct hk_cni_ipam_res *ret, int *ret_code, struct hk_err *err);
void hk_cni_ipam_res_free(struct hk_cni_ipam_res *r);

/* Whether the plugin's VERSION lists version (GC and STATUS go only to plugins that speak
 * 1.1.0, as libcni does). */
int hk_cni_ipam_supports(const char *cni_path, const char *type, const char *version, bool *ret,
			 int *ret_code, struct hk_err *err);

#endif
