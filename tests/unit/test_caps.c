// SPDX-License-Identifier: MIT
/* Capability names, --cap-add/--cap-drop arithmetic, formatting. Pure: no kernel state. */
#include <errno.h>
#include <string.h>

#include "caps.h"
#include "tap.h"

#define ALL41 ((UINT64_C(1) << 41) - 1) /* every capability of a 6.x kernel */

static uint64_t resolve(const char *const *add, size_t nadd, const char *const *drop, size_t ndrop,
			bool priv, uint64_t avail, int *ret_r, struct hk_err *err)
{
	struct hk_caps_spec s = { add, nadd, drop, ndrop, priv };
	uint64_t set = UINT64_MAX;
	hk_err_clear(err);
	*ret_r = hk_caps_resolve(&s, avail, &set, err);
	return set;
}

static void test_names(void)
{
	struct hk_err err = { 0 };
	unsigned c = 99;
	const char *forms[] = { "NET_ADMIN", "net_admin", "CAP_NET_ADMIN", "cap_net_admin",
				"Cap_Net_Admin" };
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		c = 99;
		TAP_EQ_INT(hk_cap_parse(forms[i], &c, &err), 0, forms[i]);
		TAP_EQ_INT(c, 12, "  is capability 12");
	}
	TAP_EQ_STR(hk_cap_name(0), "CAP_CHOWN", "name of 0");
	TAP_EQ_STR(hk_cap_name(21), "CAP_SYS_ADMIN", "name of 21");
	TAP_EQ_STR(hk_cap_name(40), "CAP_CHECKPOINT_RESTORE", "name of 40 (last known)");
	TAP_OK(hk_cap_name(41) == NULL, "no name for 41");

	TAP_EQ_INT(hk_cap_parse("NET_ADMINX", &c, &err), -EINVAL, "unknown name refused");
	TAP_EQ_INT(err.cls, HK_ERR_USAGE, "  as a usage error (exit 2)");
	TAP_OK(strstr(err.msg, "'NET_ADMINX'") != NULL, "  message names the word: %s", err.msg);
	TAP_EQ_INT(hk_cap_parse("ALL", &c, &err), -EINVAL, "ALL is not one capability");
	TAP_EQ_INT(hk_cap_parse("", &c, &err), -EINVAL, "empty name refused");
	TAP_EQ_INT(hk_cap_parse("CAP_", &c, &err), -EINVAL, "bare CAP_ refused");
}

static void test_default(void)
{
	struct hk_err err = { 0 };
	char buf[512];
	int r;
	uint64_t set = resolve(NULL, 0, NULL, 0, false, ALL41, &r, &err);
	TAP_EQ_INT(r, 0, "no options: resolves");
	TAP_OK(set == UINT64_C(0xa80425fb), "default set is Docker's 00000000a80425fb");
	TAP_EQ_INT(__builtin_popcountll(set), 14, "  14 capabilities");
	hk_caps_format(set, buf, sizeof(buf));
	TAP_EQ_STR(buf,
		   "CAP_CHOWN,CAP_DAC_OVERRIDE,CAP_FOWNER,CAP_FSETID,CAP_KILL,CAP_SETGID,"
		   "CAP_SETUID,CAP_SETPCAP,CAP_NET_BIND_SERVICE,CAP_NET_RAW,CAP_SYS_CHROOT,"
		   "CAP_MKNOD,CAP_AUDIT_WRITE,CAP_SETFCAP",
		   "  by name");
	char hex[HK_CAPS_HEX_LEN];
	TAP_EQ_STR(hk_caps_hex(set, hex), "00000000a80425fb", "  as CapEff shows it");
}

static void test_tweaks(void)
{
	struct hk_err err = { 0 };
	int r;
	uint64_t set;

	set = resolve((const char *[]){ "NET_ADMIN" }, 1, NULL, 0, false, ALL41, &r, &err);
	TAP_OK(r == 0 && set == (HK_CAPS_DEFAULT | HK_CAP_BIT(12)), "--cap-add NET_ADMIN");
	set = resolve(NULL, 0, (const char *[]){ "chown", "CAP_NET_RAW" }, 2, false, ALL41, &r,
		      &err);
	TAP_OK(r == 0 && set == (HK_CAPS_DEFAULT & ~(HK_CAP_BIT(0) | HK_CAP_BIT(13))),
	       "--cap-drop chown --cap-drop CAP_NET_RAW");
	set = resolve((const char *[]){ "sys_admin,sys_time" }, 1, NULL, 0, false, ALL41, &r, &err);
	TAP_OK(r == 0 && set == (HK_CAPS_DEFAULT | HK_CAP_BIT(21) | HK_CAP_BIT(25)),
	       "comma list in one --cap-add");
	set = resolve((const char *[]){ "ALL" }, 1, (const char *[]){ "SYS_ADMIN" }, 1, false,
		      ALL41, &r, &err);
	TAP_OK(r == 0 && set == (ALL41 & ~HK_CAP_BIT(21)), "--cap-add ALL --cap-drop SYS_ADMIN");
	set = resolve((const char *[]){ "kill" }, 1, (const char *[]){ "all" }, 1, false, ALL41, &r,
		      &err);
	TAP_OK(r == 0 && set == HK_CAP_BIT(5), "--cap-drop all --cap-add kill: only KILL");
	set = resolve(NULL, 0, (const char *[]){ "ALL" }, 1, false, ALL41, &r, &err);
	TAP_OK(r == 0 && set == 0, "--cap-drop ALL: empty");
	set = resolve((const char *[]){ "CHOWN" }, 1, (const char *[]){ "CHOWN" }, 1, false, ALL41,
		      &r, &err);
	TAP_OK(r == 0 && (set & HK_CAP_BIT(0)), "add and drop the same: add wins (as Docker)");
	set = resolve(NULL, 0, NULL, 0, true, ALL41, &r, &err);
	TAP_OK(r == 0 && set == ALL41, "--privileged: all");
	/* hako's own bounding set lacks SYS_RESOURCE (24): ALL means what can be handed on. */
	uint64_t avail = ALL41 & ~HK_CAP_BIT(24);
	set = resolve(NULL, 0, NULL, 0, true, avail, &r, &err);
	TAP_OK(r == 0 && set == avail, "--privileged: all that hako holds");
	set = resolve((const char *[]){ "ALL" }, 1, NULL, 0, false, avail, &r, &err);
	TAP_OK(r == 0 && set == avail, "--cap-add ALL: all that hako holds");
	resolve((const char *[]){ "SYS_RESOURCE" }, 1, NULL, 0, false, avail, &r, &err);
	TAP_EQ_INT(r, -EPERM, "--cap-add of a capability hako lacks: refused");
	TAP_EQ_INT(err.cls, HK_ERR_PERM, "  class PERM (exit 4)");
	TAP_OK(strstr(err.msg, "CAP_SYS_RESOURCE") != NULL, "  names it: %s", err.msg);
	resolve(NULL, 0, NULL, 0, false, HK_CAPS_DEFAULT & ~HK_CAP_BIT(27), &r, &err);
	TAP_EQ_INT(r, -EPERM, "a default capability hako lacks: refused, not dropped");
}

static void test_bad_lists(void)
{
	struct hk_err err = { 0 };
	int r;
	resolve((const char *[]){ "NET_ADMIN", "BOGUS" }, 2, NULL, 0, false, ALL41, &r, &err);
	TAP_EQ_INT(r, -EINVAL, "--cap-add BOGUS refused");
	TAP_EQ_INT(err.cls, HK_ERR_USAGE, "  usage error");
	TAP_OK(strstr(err.msg, "--cap-add") && strstr(err.msg, "'BOGUS'"),
	       "  says which option and word: %s", err.msg);
	resolve(NULL, 0, (const char *[]){ "chown,,kill" }, 1, false, ALL41, &r, &err);
	TAP_EQ_INT(r, -EINVAL, "empty element in a list refused");
	TAP_OK(strstr(err.msg, "--cap-drop") != NULL, "  names --cap-drop: %s", err.msg);
	resolve((const char *[]){ "chown," }, 1, NULL, 0, false, ALL41, &r, &err);
	TAP_EQ_INT(r, -EINVAL, "trailing comma refused");
	resolve((const char *[]){ "" }, 1, NULL, 0, false, ALL41, &r, &err);
	TAP_EQ_INT(r, -EINVAL, "empty --cap-add refused");
	resolve((const char *[]){ "BOGUS" }, 1, NULL, 0, true, ALL41, &r, &err);
	TAP_EQ_INT(r, -EINVAL, "typo refused even with --privileged");
}

static void test_format(void)
{
	struct hk_err err = { 0 };
	char buf[32], hex[HK_CAPS_HEX_LEN];
	uint64_t v;
	TAP_EQ_INT(hk_caps_format(0, buf, sizeof(buf)), 0, "empty set formats as empty");
	TAP_EQ_STR(buf, "", "  empty string");
	TAP_EQ_INT(hk_caps_format(HK_CAP_BIT(5) | HK_CAP_BIT(50), buf, sizeof(buf)), 15,
		   "unknown bit formatted");
	TAP_EQ_STR(buf, "CAP_KILL,CAP_50", "  as CAP_<n>");
	TAP_EQ_INT(hk_caps_format(HK_CAPS_DEFAULT, buf, sizeof(buf)), -ENOSPC,
		   "too small a buffer: -ENOSPC");
	TAP_EQ_STR(hk_caps_hex(UINT64_MAX, hex), "ffffffffffffffff", "hex of all ones");
	TAP_EQ_INT(hk_caps_parse_hex("000001fffeffffff", &v, &err), 0, "parse CapBnd hex");
	TAP_OK(v == UINT64_C(0x1fffeffffff), "  value");
	TAP_EQ_INT(hk_caps_parse_hex("00000000A80425FB", &v, &err), 0, "upper-case hex");
	TAP_OK(v == HK_CAPS_DEFAULT, "  value");
	TAP_EQ_INT(hk_caps_parse_hex("0x12", &v, &err), -EINVAL, "0x prefix refused");
	TAP_EQ_INT(hk_caps_parse_hex("00000000000000000", &v, &err), -EINVAL, "17 digits refused");
}

int main(void)
{
	test_names();
	test_default();
	test_tweaks();
	test_bad_lists();
	test_format();
	return tap_done();
}
