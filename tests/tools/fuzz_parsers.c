// SPDX-License-Identifier: MIT
/*
 * fuzz_parsers TARGET FILE...: feed each FILE to one of the parsers that take hostile input,
 * for scripts/fuzz.py (which makes the files by mutating tests/fixtures/fuzz and the lab
 * fixtures). Nothing is created, no command runs: only parsing and checking, so that under
 * ASan/UBSan any crash, overflow, leak or undefined behaviour is the parser's. Exit 0 when
 * every file was parsed (accepted or refused); a crash is a signal, a sanitizer report.
 *   lab       a lab file (hk_lab_parse, then the plan)
 *   oci       an OCI config.json, against an empty bundle made here (hk_oci_config_load)
 *   cni       a CNI network configuration (hk_cni_conf_parse)
 *   imgcfg    an image config blob (hk_image_config_parse, written back)
 *   manifest  a registry manifest or index (hk_manifest_parse, then the platform pick)
 *   auth      a WWW-Authenticate value and a --creds value
 *   dns       a DNS query (the embedded resolver's hk_dnsmsg_parse)
 *   seccomp   a Docker seccomp profile (hk_seccomp_profile_parse)
 *   tunconf   a wg setconf file (hk_tunconf_parse)
 *   argv      one word per line, the first naming an iproute2-style parser (linkadd,
 *             linkset, linkshow, addr, addrf, route, routef, routeq, neigh, rule, misc)
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addr.h"
#include "cniconf.h"
#include "dnsmsg.h"
#include "human.h"
#include "lab.h"
#include "link.h"
#include "manifest.h"
#include "neigh.h"
#include "oci.h"
#include "ociconfig.h"
#include "qdisc.h"
#include "regauth.h"
#include "route.h"
#include "rule.h"
#include "secfilter.h"
#include "tunconf.h"

#define FUZZ_INPUT_MAX (1 << 20)

static char bundle[64], state[80];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void lab(char *buf)
{
	struct hk_lab l;
	struct hk_err e = {};
	if (hk_lab_parse("fuzz.yml", "/labs", buf, &l, &e) == 0 && hk_lab_plan(&l, &e) == 0) {
		struct hk_labobj_row *rows;
		size_t n;
		if (hk_lab_plan_objects(&l, &rows, &n, &e) == 0)
			free(rows);
	}
	hk_lab_free(&l);
}

static void oci(const char *file)
{
	struct hk_oci_config *c = calloc(1, sizeof(*c));
	struct hk_err e = {};
	char path[PATH_MAX];
	if (!c || !realpath(file, path)) {
		free(c);
		return;
	}
	hk_oci_config_load(c, bundle, path, state, &e);
	hk_oci_config_free(c);
	free(c);
}

static void argv_parsers(char *buf)
{
	char *av[256], *save = NULL;
	int ac = 0;
	for (char *t = strtok_r(buf, "\n", &save); t && ac < 255; t = strtok_r(NULL, "\n", &save))
		av[ac++] = t;
	av[ac] = NULL;
	if (ac < 1)
		return;
	const char *w = av[0];
	int c = ac - 1;
	char **v = av + 1;
	struct hk_err e = {};
	if (!strcmp(w, "linkadd") || !strcmp(w, "linkset")) {
		struct hk_link_req r = {};
		if (w[4] == 'a')
			hk_link_parse_add(c, v, &r, &e);
		else
			hk_link_parse_set(c, v, &r, &e);
	} else if (!strcmp(w, "linkshow")) {
		struct hk_link_filter r = {};
		hk_link_parse_show(c, v, &r, &e);
	} else if (!strcmp(w, "addr")) {
		struct hk_addr_req r = {};
		hk_addr_parse(c, v, true, &r, &e);
	} else if (!strcmp(w, "addrf")) {
		struct hk_addr_filter r = {};
		hk_addr_parse_filter(c, v, &r, &e);
	} else if (!strcmp(w, "route")) {
		struct hk_route_req r = {};
		hk_route_parse(c, v, HK_ROUTE_ADD, &r, &e);
	} else if (!strcmp(w, "routef")) {
		struct hk_route_filter r = {};
		hk_route_parse_filter(c, v, &r, &e);
	} else if (!strcmp(w, "routeq")) {
		struct hk_route_query r = {};
		hk_route_parse_query(c, v, &r, &e);
	} else if (!strcmp(w, "neigh")) {
		struct hk_neigh_req r = {};
		hk_neigh_parse(c, v, HK_NEIGH_ADD, &r, &e);
	} else if (!strcmp(w, "rule")) {
		struct hk_rule r = {};
		hk_rule_parse(c, v, HK_RULE_ADD, 0, &r, &e);
	} else if (!strcmp(w, "misc") && c > 0) {
		uint64_t x;
		double d;
		int64_t y;
		struct hk_endpoint ep;
		hk_rate_parse(v[0], &x, &e);
		hk_time_parse(v[0], &x, &e);
		hk_percent_parse(v[0], &d, &e);
		hk_human_parse_time(v[0], 0, &y);
		hk_endpoint_parse(v[0], &ep, &e);
	}
}

static void one(const char *t, const char *file, char *buf, size_t n)
{
	struct hk_err e = {};
	if (!strcmp(t, "lab")) {
		lab(buf);
	} else if (!strcmp(t, "oci")) {
		oci(file);
	} else if (!strcmp(t, "cni")) {
		struct hk_cni_conf c = {};
		int code;
		hk_cni_conf_parse(buf, n, &c, &code, &e);
		hk_cni_conf_free(&c);
	} else if (!strcmp(t, "imgcfg")) {
		struct hk_image_config c = {};
		if (hk_image_config_parse(buf, n, &c, &e) == 0)
			free(hk_image_config_json(&c));
		hk_image_config_free(&c);
	} else if (!strcmp(t, "manifest")) {
		static const char *const ct[] = {
			NULL,
			"",
			"application/vnd.oci.image.index.v1+json",
			"application/vnd.oci.image.manifest.v1+json",
			"application/vnd.docker.distribution.manifest.v2+json",
			"application/vnd.docker.distribution.manifest.list.v2+json",
		};
		struct hk_manifest m = {};
		size_t k;
		if (hk_manifest_parse(buf, n, ct[n % 6], &m, &e) == 0)
			hk_manifest_pick(&m, "linux", NULL, NULL, &k, &e);
		hk_manifest_free(&m);
	} else if (!strcmp(t, "auth")) {
		struct hk_challenge c;
		struct hk_creds cr;
		hk_regauth_challenge(buf, &c);
		hk_regauth_creds_parse(buf, &cr, &e);
	} else if (!strcmp(t, "dns")) {
		struct hk_dnsmsg_q q;
		hk_dnsmsg_parse((const uint8_t *)buf, n, &q);
	} else if (!strcmp(t, "seccomp")) {
		struct hk_seccomp_profile *p = NULL;
		if (hk_seccomp_profile_parse(buf, n, "fuzz", &p, &e) == 0)
			hk_seccomp_profile_free(p);
	} else if (!strcmp(t, "tunconf")) {
		struct hk_tunconf c = {};
		FILE *m = fmemopen(buf, n ? n : 1, "r");
		if (m) {
			hk_tunconf_parse(m, "fuzz", &c, &e);
			fclose(m);
		}
		hk_tunconf_free(&c);
	} else if (!strcmp(t, "argv")) {
		argv_parsers(buf);
	}
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: fuzz_parsers TARGET FILE...\n");
		return 2;
	}
	/* the oci target's bundle: an empty rootfs in a directory of this run's */
	const char *tmp =
		getenv("HAKO_FUZZ_TMP"); /* scripts/fuzz.py's, removed even after a crash */
	snprintf(bundle, sizeof(bundle), "%.40s/bundle.XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(bundle))
		return 2;
	snprintf(state, sizeof(state), "%s/state", bundle);
	char rootfs[80];
	snprintf(rootfs, sizeof(rootfs), "%s/rootfs", bundle);
	if (mkdir(rootfs, 0755) < 0 || mkdir(state, 0700) < 0)
		return 2;
	char *buf = malloc(FUZZ_INPUT_MAX + 1);
	if (!buf)
		return 2;
	for (int i = 2; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (!f)
			continue;
		size_t n = fread(buf, 1, FUZZ_INPUT_MAX, f);
		fclose(f);
		buf[n] = 0;
		one(argv[1], argv[i], buf, n);
	}
	free(buf);
	return nftw(bundle, rm_one, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : 2;
}
