/* SPDX-License-Identifier: MIT */
/*
 * The network configuration of hako-cni (json-c): the reference `bridge` plugin's keys —
 * name, cniVersion, bridge (default "cni0"), isGateway, isDefaultGateway, ipMasq,
 * hairpinMode, mtu, ipam, dns, args, prevResult, runtimeConfig {portMappings, ipRanges, ips},
 * cni.dev/valid-attachments (GC), and hako's own hakoRoot (the state directory, as hako
 * --root: engines may call DEL with another environment than ADD, e.g. podman's cleanup
 * from conmon, so HAKO_ROOT in the environment is not enough) — and of the host-local ipam: subnet,
 * rangeStart, rangeEnd, gateway or ranges [[{subnet, rangeStart, rangeEnd, gateway}]], routes.
 *
 * Every refusal names the field's path and the reason ("ipam.ranges[0][0].subnet:
 * '10.1.0.0/33' is not an address/length") with its CNI code: 6 for text that is no JSON
 * object, 7 for a bad value, 2 for a key hako does not do (promiscMode, vlan, macspoofchk,
 * two ranges of one family, a range that is not one CIDR block, ...).
 *
 * isGateway (or isDefaultGateway) gives the bridge the gateway address (the network's
 * no_bridge_gw otherwise), ipMasq is the network's no_masq; without isDefaultGateway only
 * ipam.routes are installed, as with the reference.
 */
#ifndef HK_CNICONF_H
#define HK_CNICONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/parse.h"
#include "network.h"
#include "store_net.h"

/* The spec's well-known error codes. */
enum {
	HK_CNI_E_VERSION = 1,	   /* incompatible CNI version */
	HK_CNI_E_FIELD = 2,	   /* unsupported field in network configuration */
	HK_CNI_E_UNKNOWN = 3,	   /* container unknown or does not exist */
	HK_CNI_E_ENV = 4,	   /* invalid necessary environment variables */
	HK_CNI_E_IO = 5,	   /* I/O failure */
	HK_CNI_E_DECODE = 6,	   /* failed to decode content */
	HK_CNI_E_CONFIG = 7,	   /* invalid network config */
	HK_CNI_E_AGAIN = 11,	   /* try again later */
	HK_CNI_E_UNAVAILABLE = 50, /* STATUS: the plugin is not available */
	HK_CNI_E_INTERNAL = 999,   /* anything else */
};

#define HK_CNI_VERSION "1.1.0"

#define HK_CNI_MAX_ROUTES 32
#define HK_CNI_MAX_PORTS 64

struct json_object;

/* One range of a family: subnet, the dynamic pool inside it as a prefix (iprange, family 0:
 * the whole subnet), gateway (family 0: the first host). */
struct hk_cni_range {
	struct hk_prefix subnet, iprange, gateway;
};

struct hk_cni_conf {
	struct json_object *root;      /* the whole configuration (owned) */
	char version[16];	       /* cniVersion */
	char name[256];		       /* the CNI network's name */
	char net[HK_NET_NAME_MAX + 1]; /* the hako network's name */
	char bridge[16];
	char hako_root[4096]; /* hakoRoot: hako's --root for this network, "" none */
	bool is_gateway, is_default_gateway, ip_masq, hairpin;
	uint32_t mtu;
	char ipam_type[256]; /* "" no ipam; "host-local" served by hako */
	bool has4, has6;
	struct hk_cni_range r4, r6;
	struct hk_net_route routes[HK_CNI_MAX_ROUTES];
	size_t n_routes;
	char static_ip[64]; /* runtimeConfig.ips[0] (the "ips" capability), "" none */
	struct hk_port_row ports[HK_CNI_MAX_PORTS];
	size_t n_ports;
	struct json_object *dns;   /* borrowed from root, NULL: none */
	struct json_object *prev;  /* prevResult, borrowed */
	struct json_object *valid; /* cni.dev/valid-attachments, borrowed */
};

/* Parse and check text (len bytes). On failure *ret_code is the CNI code and err names the
 * field; the class is usage. version is filled as soon as it is known (for the answer). */
int hk_cni_conf_parse(const char *text, size_t len, struct hk_cni_conf *ret, int *ret_code,
		      struct hk_err *err);
void hk_cni_conf_free(struct hk_cni_conf *c);

/* Whether a cniVersion is one hako-cni speaks (0.3.0 .. 1.1.0), and ordering of versions. */
bool hk_cni_version_ok(const char *v);
int hk_cni_version_cmp(const char *a, const char *b);
/* The versions hako-cni supports, as the VERSION answer lists them (NULL-terminated). */
extern const char *const hk_cni_versions[];

#endif
