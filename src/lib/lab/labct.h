/* SPDX-License-Identifier: MIT */
/*
 * A linux node's container, through the container library: the same functions `hako stop`,
 * `hako rm` and `hako exec` call (ctstop.h, ctexec.h). Private to the lab.
 */
#ifndef HK_LABCT_H
#define HK_LABCT_H

#include "base/err.h"
#include "lab.h"
#include "store.h"

/* Stop container ctname as `hako stop` does (its stop signal, 10 s, then SIGKILL). */
int hk_lab_ct_stop(struct hk_store *st, const struct hk_paths *p, const char *ctname,
		   struct hk_err *err);
/* Remove container ctname, running or not, as `hako rm -f` does; a missing one is
 * success. */
int hk_lab_ct_remove(struct hk_store *st, const struct hk_paths *p, const char *ctname,
		     struct hk_err *err);
/* The words after `hako run -d` that make node n's container, so that it gets exactly hako
 * run's defaults: --cap-add NET_ADMIN and the node's cap-add, --name, --hostname (the node's
 * name, when it is a valid one), --net netns:NAME, -v binds (SRC relative to the lab's
 * file), -e env, then --rootfs DIR -- CMD (default: sleep forever) or IMAGE [CMD]; CMD split
 * as a shell would. NULL-terminated, every word malloc'ed: hk_lab_run_args_free. */
int hk_lab_run_args(const struct hk_lab *lab, const struct hk_lab_node *n, char ***ret,
		    struct hk_err *err);
void hk_lab_run_args_free(char **args);

/* Run cmd (a shell line, `sh -c`) in node n: in its container as `hako exec CT sh -c LINE`
 * does (hk_ct_exec_start: the container's security, user, environment), else in its
 * namespace as `ip netns exec` does. From a child process holding no descriptor of this one
 * but its stdout (/dev/null) and stderr (a pipe: its last line is the error). */
int hk_lab_node_exec(struct hk_store *st, const struct hk_paths *p, const struct hk_lab_node *n,
		     const char *cmd, struct hk_err *err);

#endif
