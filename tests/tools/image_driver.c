// SPDX-License-Identifier: MIT
/*
 * image_driver: drives the image library (hkarchive.h, oci.h, layerstore.h) for the shell
 * tests in tests/integration/image/ until `hako image` is wired on it. One line on stderr
 * and the hk_err class as exit status on failure, JSON on stdout on success.
 *
 *   extract [OPTS] FILE|- DIR      OPTS: --whiteouts none|apply|overlay --allow-devices
 *                                  --no-owners --max-bytes N --max-entries N --max-ratio N
 *                                  --ratio-floor N --digest D --diff-id D
 *   tar [--gzip|--zstd|--xz] [--oci-whiteouts] [--xattrs] DIR OUT
 *   import STATE FILE|-            a tar as one layer
 *   add-dir STATE DIR              a tree as one layer
 *   load STATE PATH [--ref R]      OCI layout / docker save (dir or tar): layers stored
 *   mount STATE TARGET UPPER WORK [--copy|--overlay] ID...   (bottom layer first)
 *   save STATE OUT --ref R [--config FILE] ID...             OCI layout tar
 *   rm STATE ID | ls STATE | clean STATE
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "hkarchive.h"
#include "layerstore.h"
#include "oci.h"

static struct hk_err err;

static int fail(void)
{
	fprintf(stderr, "image_driver: %s\n", err.msg);
	return err.cls ? (int)err.cls : 1;
}

static int usage(const char *m)
{
	fprintf(stderr, "image_driver: %s\n", m);
	return 2;
}

static void print(json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
								 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static json_object *strv(char **v)
{
	if (!v)
		return NULL;
	json_object *a = json_object_new_array();
	for (; *v; v++)
		json_object_array_add(a, json_object_new_string(*v));
	return a;
}

static void add_s(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, v ? json_object_new_string(v) : NULL);
}

static json_object *result_json(const struct hk_extract_result *r)
{
	json_object *o = json_object_new_object();
	add_s(o, "digest", r->digest);
	add_s(o, "diff_id", r->diff_id);
	json_object_object_add(o, "in_bytes", json_object_new_int64((int64_t)r->in_bytes));
	json_object_object_add(o, "tar_bytes", json_object_new_int64((int64_t)r->tar_bytes));
	json_object_object_add(o, "entries", json_object_new_int64((int64_t)r->entries));
	add_s(o, "compression", hk_compress_name(r->compress));
	return o;
}

static int cmd_extract(int argc, char **argv)
{
	struct hk_extract_opts o = { 0 };
	int i = 0;
	for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--allow-devices"))
			continue; /* device nodes are always kept now: accepted, as by the CLI */
		else if (!strcmp(a, "--no-owners"))
			o.owners = HK_OWNER_NONE;
		else if (!v)
			return usage("option needs a value");
		else if (!strcmp(a, "--whiteouts") && ++i)
			o.whiteouts = !strcmp(v, "apply")     ? HK_WHITEOUT_APPLY
				      : !strcmp(v, "overlay") ? HK_WHITEOUT_OVERLAY
							      : HK_WHITEOUT_NONE;
		else if (!strcmp(a, "--max-bytes") && ++i)
			o.max_bytes = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--max-entries") && ++i)
			o.max_entries = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--max-ratio") && ++i)
			o.max_ratio = (uint32_t)strtoul(v, NULL, 0);
		else if (!strcmp(a, "--ratio-floor") && ++i)
			o.ratio_floor = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--digest") && ++i)
			o.expect_digest = v;
		else if (!strcmp(a, "--diff-id") && ++i)
			o.expect_diff_id = v;
		else
			return usage("unknown option");
	}
	if (argc - i != 2)
		return usage("extract [OPTS] FILE DIR");
	struct hk_extract_result r;
	if (hk_archive_extract(argv[i], argv[i + 1], &o, &r, &err) < 0)
		return fail();
	print(result_json(&r));
	return 0;
}

static int cmd_tar(int argc, char **argv)
{
	struct hk_tar_opts o = { 0 };
	int i = 0;
	for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
		if (!strcmp(argv[i], "--gzip"))
			o.compress = HK_COMPRESS_GZIP;
		else if (!strcmp(argv[i], "--zstd"))
			o.compress = HK_COMPRESS_ZSTD;
		else if (!strcmp(argv[i], "--xz"))
			o.compress = HK_COMPRESS_XZ;
		else if (!strcmp(argv[i], "--oci-whiteouts"))
			o.oci_whiteouts = true;
		else if (!strcmp(argv[i], "--xattrs"))
			o.xattrs = true;
		else
			return usage("unknown option");
	}
	if (argc - i != 2)
		return usage("tar [OPTS] DIR OUT");
	int d = open(argv[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int out = open(argv[i + 1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (d < 0 || out < 0)
		return usage("cannot open DIR or OUT");
	struct hk_tar_result r;
	if (hk_archive_write_dir(d, out, &o, &r, &err) < 0)
		return fail();
	json_object *j = json_object_new_object();
	add_s(j, "digest", r.digest);
	add_s(j, "diff_id", r.diff_id);
	json_object_object_add(j, "size", json_object_new_int64((int64_t)r.size));
	json_object_object_add(j, "entries", json_object_new_int64((int64_t)r.entries));
	print(j);
	return 0;
}

static int store(const char *state, struct hk_layerstore **ls)
{
	return hk_layerstore_open(state, ls, &err);
}

static int cmd_import(char **argv, bool dir)
{
	struct hk_layerstore *ls;
	if (store(argv[0], &ls) < 0)
		return fail();
	char id[HK_DIGEST_MAX];
	int r;
	if (dir) {
		r = hk_layerstore_import_dir(ls, argv[1], id, &err);
	} else {
		int fd = strcmp(argv[1], "-") ? open(argv[1], O_RDONLY | O_CLOEXEC) : 0;
		if (fd < 0)
			return usage("cannot open FILE");
		r = hk_layerstore_import_fd(ls, fd, argv[1], NULL, id, NULL, &err);
	}
	hk_layerstore_close(ls);
	if (r < 0)
		return fail();
	json_object *o = json_object_new_object();
	add_s(o, "diff_id", id);
	json_object_object_add(o, "stored", json_object_new_boolean(r == 0));
	print(o);
	return 0;
}

static int cmd_load(int argc, char **argv)
{
	const char *ref = argc >= 4 && !strcmp(argv[2], "--ref") ? argv[3] : NULL;
	struct hk_layerstore *ls;
	struct hk_oci_image *img;
	if (store(argv[0], &ls) < 0)
		return fail();
	if (hk_oci_open(argv[1], hk_layerstore_tmpdir(ls), ref, &img, &err) < 0) {
		hk_err_prefix(&err, "'%s'", argv[1]);
		hk_layerstore_close(ls);
		return fail();
	}
	json_object *o = json_object_new_object(), *layers = json_object_new_array();
	int r = 0;
	for (size_t i = 0; i < img->nlayers && r >= 0; i++) {
		struct hk_extract_opts eo = { 0 };
		char id[HK_DIGEST_MAX];
		int fd = hk_oci_layer_open(img, i, &eo, &err);
		if (fd < 0) {
			r = fd;
			break;
		}
		char name[64];
		snprintf(name, sizeof(name), "layer %zu", i);
		r = hk_layerstore_import_fd(ls, fd, name, &eo, id, NULL, &err);
		close(fd);
		json_object *l = json_object_new_object();
		add_s(l, "diff_id", id);
		json_object_object_add(l, "stored", json_object_new_boolean(r == 0));
		json_object_array_add(layers, l);
	}
	if (r >= 0) {
		add_s(o, "ref", img->ref);
		json_object_object_add(o, "docker", json_object_new_boolean(img->docker));
		add_s(o, "manifest", img->manifest_digest);
		add_s(o, "config", img->config_digest);
		json_object_object_add(o, "env", strv(img->config.env));
		json_object_object_add(o, "cmd", strv(img->config.cmd));
		json_object_object_add(o, "entrypoint", strv(img->config.entrypoint));
		json_object_object_add(o, "exposed_ports", strv(img->config.exposed_ports));
		add_s(o, "workdir", img->config.workdir);
		add_s(o, "user", img->config.user);
		json_object_object_add(o, "layers", layers);
		print(o);
	} else {
		json_object_put(layers);
		json_object_put(o);
	}
	hk_oci_image_free(img);
	hk_layerstore_close(ls);
	return r < 0 ? fail() : 0;
}

static int cmd_mount(int argc, char **argv)
{
	enum hk_layers_mode m = HK_LAYERS_AUTO, used;
	int i = 4;
	if (i < argc && !strcmp(argv[i], "--copy") && ++i)
		m = HK_LAYERS_COPY;
	else if (i < argc && !strcmp(argv[i], "--overlay") && ++i)
		m = HK_LAYERS_OVERLAY;
	struct hk_layerstore *ls;
	if (store(argv[0], &ls) < 0)
		return fail();
	int r = hk_layerstore_mount(ls, (const char *const *)argv + i, (size_t)(argc - i), argv[2],
				    argv[3], argv[1], m, &used, &err);
	hk_layerstore_close(ls);
	if (r < 0)
		return fail();
	printf("%s\n", used == HK_LAYERS_COPY ? "copy" : "overlay");
	return 0;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	char *buf = malloc(1 << 20);
	*len = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
	fclose(f);
	return buf;
}

static int cmd_save(int argc, char **argv)
{
	if (argc < 4 || strcmp(argv[2], "--ref"))
		return usage("save STATE OUT --ref R [--config FILE] ID...");
	int i = 4;
	struct hk_image_config cfg = { 0 };
	if (i + 1 < argc && !strcmp(argv[i], "--config")) {
		size_t len;
		char *buf = slurp(argv[i + 1], &len);
		if (!buf || hk_image_config_parse(buf, len, &cfg, &err) < 0)
			return buf ? fail() : usage("cannot read config");
		free(buf);
		i += 2;
	}
	struct hk_layerstore *ls;
	if (store(argv[0], &ls) < 0)
		return fail();
	size_t n = (size_t)(argc - i);
	char **dirs = calloc(n + 1, sizeof(*dirs));
	for (size_t k = 0; k < n; k++) {
		char p[4096];
		if (hk_layerstore_path(ls, argv[i + (int)k], p, sizeof(p)) < 0)
			return usage("layer not stored");
		dirs[k] = strdup(p);
	}
	int out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0)
		return usage("cannot create OUT");
	struct hk_oci_save_spec spec = { .ref = argv[3],
					 .config = &cfg,
					 .layer_dirs = (const char *const *)dirs,
					 .nlayers = n,
					 .tmp_parent = hk_layerstore_tmpdir(ls) };
	int r = hk_oci_save(out, &spec, &err);
	close(out);
	for (size_t k = 0; k < n; k++)
		free(dirs[k]);
	free(dirs);
	hk_image_config_free(&cfg);
	hk_layerstore_close(ls);
	return r < 0 ? fail() : 0;
}

static int cmd_simple(const char *verb, char **argv, int argc)
{
	struct hk_layerstore *ls;
	if (store(argv[0], &ls) < 0)
		return fail();
	int r = 0;
	if (!strcmp(verb, "rm") && argc == 2) {
		r = hk_layerstore_remove(ls, argv[1], &err);
	} else if (!strcmp(verb, "clean")) {
		r = hk_layerstore_clean(ls, &err);
	} else if (!strcmp(verb, "ls")) {
		char **ids;
		size_t n;
		if ((r = hk_layerstore_list(ls, &ids, &n, &err)) == 0) {
			for (size_t i = 0; i < n; i++) {
				printf("%s\n", ids[i]);
				free(ids[i]);
			}
			free(ids);
		}
	} else {
		hk_layerstore_close(ls);
		return usage("unknown command");
	}
	hk_layerstore_close(ls);
	return r < 0 ? fail() : 0;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return usage("usage: image_driver "
			     "extract|tar|import|add-dir|load|mount|save|rm|ls|clean ...");
	const char *verb = argv[1];
	argc -= 2;
	argv += 2;
	if (!strcmp(verb, "extract"))
		return cmd_extract(argc, argv);
	if (!strcmp(verb, "tar"))
		return cmd_tar(argc, argv);
	if (!strcmp(verb, "import") && argc == 2)
		return cmd_import(argv, false);
	if (!strcmp(verb, "add-dir") && argc == 2)
		return cmd_import(argv, true);
	if (!strcmp(verb, "load") && argc >= 2)
		return cmd_load(argc, argv);
	if (!strcmp(verb, "mount") && argc >= 4)
		return cmd_mount(argc, argv);
	if (!strcmp(verb, "save"))
		return cmd_save(argc, argv);
	return cmd_simple(verb, argv, argc);
}
