/* SPDX-License-Identifier: MIT */
/*
 * A container described in Docker's words, for ps, inspect and their --format: its STATUS
 * ("Up 2 minutes", "Exited (0) 3 seconds ago"), its image's name, its published ports
 * ("0.0.0.0:8080->80/tcp") and networks, and the inspect object in Docker's shape (Id, Name,
 * State, Config, NetworkSettings, HostConfig) beside hako's own keys (docs/json.md).
 */
#ifndef HK_CTINFO_H
#define HK_CTINFO_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#include <stdbool.h>

#include "base/err.h"
#include "store.h"

/* Docker's STATUS at unix time now: "Created", "Up 2 minutes", "Up 5 seconds (Paused)",
 * "Exited (0) 3 seconds ago", "Restarting (1) 2 seconds ago", "Removal In Progress";
 * hako's "creating" is "Creating". */
void hk_ctinfo_status(const struct hk_ct_row *c, int64_t now, char *buf, size_t len);
/* Docker's State.Status: created, running, paused, restarting, exited, removing
 * ("creating": created). */
const char *hk_ctinfo_state(const struct hk_ct_row *c);
/* The image ct's root is made of: its first tag ("busybox:latest"), else the first 12 hex
 * digits of its id; "" for a --rootfs container. ret_id (may be NULL, HK_DIGEST_MAX bytes)
 * gets the id ("" without one). */
void hk_ctinfo_image(struct hk_store *st, const char *ct, char *buf, size_t len, char *ret_id);
/* ct's published ports as Docker's PORTS: "0.0.0.0:8080->80/tcp, 127.0.0.1:53->53/udp". */
void hk_ctinfo_ports(struct hk_store *st, const char *ct, char *buf, size_t len);
/* ct's networks, comma separated ("" for none). */
void hk_ctinfo_networks(struct hk_store *st, const char *ct, char *buf, size_t len);
/* c's labels (run/create --label) as Docker's ps LABELS: "a=1,b=2" ("" for none). */
void hk_ctinfo_labels(const struct hk_ct_row *c, char *buf, size_t len);
/* ps --filter label=KEY or label=KEY=VALUE: has c that label (with that value)? */
bool hk_ctinfo_label_match(const struct hk_ct_row *c, const char *kv);
/* Add Docker's inspect keys (Id, Created, Path, Args, State, Image, Name, Config,
 * NetworkSettings, HostConfig, ...) to o, the object of hako's own keys. */
int hk_ctinfo_docker(struct hk_store *st, const struct hk_ct_row *c, struct json_object *o,
		     struct hk_err *err);

#endif
