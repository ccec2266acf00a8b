// SPDX-License-Identifier: MIT
#include "usage.h"

#include <stddef.h>
#include <string.h>

const char *cmd_synopsis(const char *cmd)
{
	for (const struct cmd_doc *d = cmd_docs; d->cmd; d++)
		if (!strcmp(d->cmd, cmd))
			return d->synopsis;
	return NULL;
}

const char *cmd_options(const char *cmd)
{
	for (const struct cmd_doc *d = cmd_docs; d->cmd; d++)
		if (!strcmp(d->cmd, cmd))
			return d->options;
	return NULL;
}
