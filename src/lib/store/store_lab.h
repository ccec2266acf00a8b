/* SPDX-License-Identifier: MIT */
/*
 * Labs in the state database (store_lab.c, over store.c's connection): one row per lab with
 * the file it was deployed from (its text, so destroy, inspect, graph and save work after the
 * file changed or is gone), and one row per kernel or hako object the lab makes, written
 * BEFORE the object is made. So whatever happens to the deploying hako (kill -9 included),
 * the rows list everything that may exist, and destroy removes exactly those objects,
 * finding some already gone.
 */
#ifndef HK_STORE_LAB_H
#define HK_STORE_LAB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"

struct hk_store;

#define HK_LAB_NAME_MAX 32
#define HK_LAB_DEPLOYING "deploying"
#define HK_LAB_RUNNING "running"
#define HK_LAB_DESTROYING "destroying"

struct hk_lab_row {
	char name[HK_LAB_NAME_MAX + 1];
	char state[16];
	char *file;	 /* the path it was deployed from (absolute) */
	char *text;	 /* the file's contents at deploy */
	char host[64];	 /* the part of a lab over several hosts deployed here, "" all of it */
	pid_t owner_pid; /* the hako deploying or destroying it, 0 when none */
	uint64_t owner_start;
	int64_t created;
};

/* Kinds of recorded objects. */
#define HK_LABOBJ_NETNS "netns"	  /* a named network namespace: name */
#define HK_LABOBJ_LINK "link"	  /* a device in the host's namespace: name */
#define HK_LABOBJ_CT "container"  /* a hako container: name */
#define HK_LABOBJ_VM "vm"	  /* a hako VM (vm.h): name */
#define HK_LABOBJ_NSLINK "nslink" /* a device in a lab namespace: "NETNS/DEVICE" */
#define HK_LABOBJ_NET "network"	  /* a hako network the lab made (its mgmt): name */
#define HK_LABOBJ_MGMT "mgmt"	  /* a node's lease on it (network.h): "NET/ID" */

struct hk_labobj_row {
	char kind[16];
	char name[256];
	char node[64]; /* the lab node it belongs to, "" none */
};

void hk_lab_row_free(struct hk_lab_row *r);
void hk_lab_rows_free(struct hk_lab_row *r, size_t n);

/* Insert lab r with its objects, in one transaction. A name taken: -EEXIST "lab 'N' already
 * exists" (class usage). */
int hk_labstore_insert(struct hk_store *st, const struct hk_lab_row *r,
		       const struct hk_labobj_row *objs, size_t n, struct hk_err *err);
/* Add objects to lab name (runtime changes: a container restarted). */
int hk_labstore_add_objects(struct hk_store *st, const char *name, const struct hk_labobj_row *objs,
			    size_t n, struct hk_err *err);
/* -ENOENT "no such lab: NAME" (class not found). */
int hk_labstore_get(struct hk_store *st, const char *name, struct hk_lab_row *ret,
		    struct hk_err *err);
int hk_labstore_list(struct hk_store *st, struct hk_lab_row **ret, size_t *ret_n,
		     struct hk_err *err);
int hk_labstore_objects(struct hk_store *st, const char *name, struct hk_labobj_row **ret,
			size_t *ret_n, struct hk_err *err);
int hk_labstore_set_state(struct hk_store *st, const char *name, const char *state, pid_t pid,
			  uint64_t start, struct hk_err *err);
/* Remove the lab's row and its objects' rows. */
int hk_labstore_delete(struct hk_store *st, const char *name, struct hk_err *err);

#endif
