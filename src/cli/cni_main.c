// SPDX-License-Identifier: MIT
/*
 * hako-cni: the binary invoked under that name is a CNI plugin (docs/cni.md). The front door
 * only reads the CNI_* environment and the configuration on stdin, calls the library
 * (src/lib/cni/cni.h) and prints its JSON: the result, or the spec's error object on stdout
 * with a non-zero exit status (hako's classes: 2 bad input, 5 not found, 1 otherwise).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cni.h"
#include "cni_main.h"
#include "ctx.h"

#define CONF_MAX (16 << 20)

static char *read_stdin(size_t *ret_len)
{
	size_t cap = 8192, len = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (len + 1 >= cap) {
			char *nb = cap < CONF_MAX ? realloc(buf, cap *= 2) : NULL;
			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
		}
		ssize_t k = read(STDIN_FILENO, buf + len, cap - len - 1);
		if (k == 0)
			break;
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			free(buf);
			return NULL;
		}
		len += (size_t)k;
	}
	if (buf)
		buf[len] = 0;
	*ret_len = len;
	return buf;
}

int cni_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct hk_cni_req req = {
		.command = getenv("CNI_COMMAND"),
		.container_id = getenv("CNI_CONTAINERID"),
		.netns = getenv("CNI_NETNS"),
		.ifname = getenv("CNI_IFNAME"),
		.args = getenv("CNI_ARGS"),
		.path = getenv("CNI_PATH"),
		.root = getenv("HAKO_ROOT"),
	};
	struct hk_cni_out out;
	size_t len = 0;
	char *conf = NULL;
	/* VERSION may come with nothing on stdin (a terminal: do not wait for it) */
	bool version = req.command && !strcmp(req.command, "VERSION");
	if (!version || !isatty(STDIN_FILENO))
		conf = read_stdin(&len);
	int r;
	if (!conf && !version) {
		memset(&out, 0, sizeof(out));
		snprintf(out.version, sizeof(out.version), "%s", HK_CNI_VERSION);
		out.code = HK_CNI_E_IO;
		r = hk_err_sys(&out.err, -EIO, "read the configuration from stdin");
	} else {
		req.conf = conf ? conf : "";
		req.conf_len = len;
		r = hk_cni_run(&req, &out);
	}
	free(conf);
	int status = EXIT_OK;
	if (r < 0) {
		char *e = hk_cni_error_json(&out);
		if (e)
			puts(e);
		free(e);
		status = ctx_exit_status(&out.err);
		if (status == EXIT_OK)
			status = EXIT_FAILED;
	} else if (out.json) {
		puts(out.json);
	}
	hk_cni_out_free(&out);
	if (fflush(stdout) != 0 && status == EXIT_OK)
		status = EXIT_FAILED;
	return status;
}
