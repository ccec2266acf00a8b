// SPDX-License-Identifier: MIT
/* Usage lines of the single-verb commands (run, exec, ps, ...), for `hako CMD --help`.
 * Groups with verbs (netns, link, ...) print theirs through cmd_dispatch(). The full
 * reference is docs/cli.md. */
#include <stddef.h>
#include <string.h>

#include "base/cleanup.h"
#include "cmd.h"

static const struct {
	const char *name;
	const char *usage;
} usages[] = {
	{ "run",
	  "run [--name N] [--hostname H] [-d] [-i] [-t] [--rm] [-e K=V]... [-w DIR]\n"
	  "         [-v HOST:CT[:ro]]... [--net none|host|netns:NAME] [--network NET [--ip IP]\n"
	  "         [--network-alias A]... [-p [HOSTIP:]HOSTPORT:CTPORT[/tcp|udp]]...]\n"
	  "         [-m|--memory SIZE] [--memory-swap SIZE] [--cpus N] [--cpu-shares N]\n"
	  "         [--pids-limit N] [--cpuset-cpus LIST] [--cap-add CAP]... [--cap-drop CAP]...\n"
	  "         [--privileged] [--security-opt seccomp=unconfined|FILE]\n"
	  "         [--security-opt no-new-privileges=false] [--read-only] [--tmpfs PATH]...\n"
	  "         [-u|--user UID[:GID]] [--userns [--uidmap C:H:N] [--gidmap C:H:N]]\n"
	  "         [--log-opt max-size=SIZE|max-file=N]...\n"
	  "         (--rootfs DIR -- CMD [ARGS...] | IMAGE [CMD [ARGS...]])" },
	{ "exec", "exec [-t] [-i] [-e K=V]... [-w DIR] CT -- CMD [ARGS...]" },
	{ "ps", "ps [-a] [-q]" },
	{ "top", "top CT" },
	{ "logs", "logs [-f] CT" },
	{ "stop", "stop [-t SECS] CT..." },
	{ "kill", "kill [-s SIGNAL] CT..." },
	{ "rm", "rm [-f] CT..." },
	{ "stats", "stats [CT...]" },
	{ "inspect", "inspect CT..." },
	{ "commit", "commit CT NAME[:TAG]" },
	{ "export", "export CT > FILE.tar" },
	{ "port", "port CT" },
	{ "ss", "ss [-t] [-u] [-p] CT" },
};

const char *cmd_single_usage(const char *name)
{
	for (size_t i = 0; i < HK_ARRAY_SIZE(usages); i++)
		if (!strcmp(usages[i].name, name))
			return usages[i].usage;
	return NULL;
}
