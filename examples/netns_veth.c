// SPDX-License-Identifier: MIT
/*
 * libhako example: two named network namespaces joined by a veth pair, the seed's first
 * scenario, and a container in the first one. Build against the installed library:
 *   cc -o netns_veth netns_veth.c $(pkg-config --cflags --libs hako)
 * Run as root: ./netns_veth NS1 NS2 [ROOTFS] (removes both namespaces again with --cleanup).
 * With ROOTFS (a directory with a busybox or coreutils ls), a container in NS1 lists its
 * network devices: lo and v-a.
 */
#include <hako/hako.h>
#include <stdio.h>
#include <string.h>

static int die(const char *what, const struct hako_error *e)
{
	fprintf(stderr, "netns_veth: %s: %s\n", what, e->msg);
	return e->status ? e->status : 1;
}

int main(int argc, char **argv)
{
	struct hako_error e;
	if (argc < 3) {
		fprintf(stderr, "usage: netns_veth NS1 NS2 [ROOTFS | --cleanup]\n");
		return 2;
	}
	const char *a = argv[1], *b = argv[2];
	if (argc > 3 && !strcmp(argv[3], "--cleanup")) {
		if (hako_netns_del(a, &e) < 0 || hako_netns_del(b, &e) < 0)
			return die("netns del", &e);
		return 0;
	}
	printf("libhako %s\n", hako_version());
	if (hako_netns_add(a, &e) < 0 || hako_netns_add(b, &e) < 0)
		return die("netns add", &e);
	/* made in NS1, its peer put in NS2: hako -n NS1 link add v-a type veth peer name v-b netns
	 * NS2 */
	const char *words[] = { "v-a", "up", "type", "veth", "peer", "name", "v-b", "netns", b };
	if (hako_link_add(a, sizeof(words) / sizeof(words[0]), words, &e) < 0)
		return die("link add", &e);
	printf("%s/v-a <-> %s/v-b\n", a, b);
	if (argc < 4)
		return 0;
	/* hako run --rm --name example-ct --net netns:NS1 --rootfs ROOTFS -- ls /sys/class/net */
	const char *cmd[] = { "ls", "/sys/class/net", NULL };
	struct hako_container ct = {
		.rootfs = argv[3], .argv = cmd, .name = "example-ct", .netns = a
	};
	int status;
	fflush(stdout);
	if (hako_container_run(&ct, &status, &e) < 0)
		return die("container", &e);
	printf("container exited with %d\n", status);
	return status;
}
