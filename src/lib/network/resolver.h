/* SPDX-License-Identifier: MIT */
/*
 * The embedded DNS resolver of a container on hako networks (docs/architecture.md, "Names"):
 * one small process per container, living in the host's namespaces, holding UDP and TCP
 * sockets it made inside the container's network namespace on 127.0.0.11:53 — the container side
 * only, never the host's port 53. It answers A, AAAA and PTR for the names and aliases of the
 * container's hosts file (RUN/<id>/hosts: itself and its peers on every network it is on,
 * kept by network_ct.c), and relays every other query byte for byte to the upstream
 * servers: those of RUN/<id>/dns.upstream (--dns), else the host's /etc/resolv.conf (read
 * from the host's side, so a loopback resolver such as systemd-resolved's works).
 *
 * Its pid and start time are in RUN/<id>/dns.pid. It ends when stopped (the container left
 * its last network, or ended), or by itself within a second when that file no longer names
 * it. One killed (-9) is started again by the next hako command (hk_resolver_reconcile):
 * the kernel closed its socket, so the new one binds the same address.
 */
#ifndef HK_RESOLVER_H
#define HK_RESOLVER_H

#include <stdbool.h>

#include "base/err.h"
#include "store.h"

#define HK_RESOLVER_ADDR "127.0.0.11"

/* Start the resolver of container id (netns_fd: its network namespace) unless one runs:
 * returns once its socket is bound (or with why not). */
int hk_resolver_start(const struct hk_paths *p, const char *id, int netns_fd, struct hk_err *err);
/* Stop it (SIGKILL, waited for until it has ended, at most a second) and remove dns.pid:
 * nothing running is fine. */
void hk_resolver_stop(const struct hk_paths *p, const char *id);
/* Does container id have a resolver recorded (dns.pid), and is it alive? */
bool hk_resolver_recorded(const struct hk_paths *p, const char *id, bool *ret_alive);

#endif
