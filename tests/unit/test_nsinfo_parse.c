// SPDX-License-Identifier: MIT
/* nsinfo's pure parsers: nsfs link texts, mountinfo lines, persisted names, type names. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nsinfo.h"
#include "tap.h"

static void test_link_parse(void)
{
	enum hk_ns_type t = HK_NS_NTYPES;
	uint64_t ino = 0;
	TAP_EQ_INT(hk_ns_link_parse("net:[4026531840]", &t, &ino), 0, "net link parses");
	TAP_EQ_INT(t, HK_NS_NET, "net link type");
	TAP_EQ_INT(ino, 4026531840ull, "net link inode");
	TAP_EQ_INT(hk_ns_link_parse("pid:[4026531836]", &t, &ino), 0, "pid link parses");
	TAP_EQ_INT(t, HK_NS_PID, "pid link type");
	TAP_EQ_INT(hk_ns_link_parse("time:[4026531834]", &t, &ino), 0, "time link parses");
	TAP_EQ_INT(t, HK_NS_TIME, "time link type");
	TAP_EQ_INT(hk_ns_link_parse("cgroup:[1]", &t, &ino), 0, "cgroup link parses");
	TAP_EQ_INT(t, HK_NS_CGROUP, "cgroup link type");
	TAP_EQ_INT(ino, 1, "small inode");

	static const char *const bad[] = {
		"",				 /* empty */
		"net",				 /* no inode */
		"net:[]",			 /* empty inode */
		"net:[12",			 /* unclosed */
		"net:[12]x",			 /* trailing text */
		"net:[-5]",			 /* negative */
		"net:[0]",			 /* zero is no inode */
		"bogus:[12]",			 /* unknown type */
		"pid_for_children:[1]",		 /* a file name, not a type */
		"socket:[12345]",		 /* an fd on a socket, not a namespace */
		"anon_inode:[eventfd]",		 /* another fd link */
		"/run/netns/x",			 /* a path */
		"net:[99999999999999999999999]", /* overflows 64 bits */
		"ne:[12]",			 /* prefix of a type */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		TAP_EQ_INT(hk_ns_link_parse(bad[i], &t, &ino), -EINVAL,
			   bad[i][0] ? bad[i] : "(empty)");
}

static void test_mountinfo(void)
{
	struct hk_mountinfo_ent m;
	char l1[] = "612 29 0:4 net:[4026532288] /run/netns/lab1 rw shared:5 - nsfs nsfs rw\n";
	TAP_EQ_INT(hk_mountinfo_parse_line(l1, &m), 0, "nsfs line parses");
	TAP_EQ_STR(m.root, "net:[4026532288]", "root field");
	TAP_EQ_STR(m.mount_point, "/run/netns/lab1", "mount point");
	TAP_EQ_STR(m.fstype, "nsfs", "fs type");
	TAP_EQ_STR(m.source, "nsfs", "source");

	/* no optional fields, escaped space and backslash in the mount point */
	char l2[] = "700 29 0:4 uts:[4026532300] /run/uts\\040ns/my\\134x rw - nsfs nsfs rw";
	TAP_EQ_INT(hk_mountinfo_parse_line(l2, &m), 0, "line without optional fields parses");
	TAP_EQ_STR(m.mount_point, "/run/uts ns/my\\x", "escapes decoded");
	TAP_EQ_STR(m.root, "uts:[4026532300]", "root of uts bind");

	/* several optional fields */
	char l3[] =
		"25 1 8:1 / / rw,relatime shared:1 master:2 propagate_from:3 - ext4 /dev/sda1 rw";
	TAP_EQ_INT(hk_mountinfo_parse_line(l3, &m), 0, "line with many optional fields parses");
	TAP_EQ_STR(m.fstype, "ext4", "fs type after optional fields");
	TAP_EQ_STR(m.source, "/dev/sda1", "source after optional fields");

	char b1[] = "25 1 8:1 / / rw,relatime shared:1";
	TAP_EQ_INT(hk_mountinfo_parse_line(b1, &m), -EINVAL, "no separator: malformed");
	char b2[] = "25 1 8:1 / / rw - ext4";
	TAP_EQ_INT(hk_mountinfo_parse_line(b2, &m), -EINVAL, "no source: malformed");
	char b3[] = "25 1 8:1";
	TAP_EQ_INT(hk_mountinfo_parse_line(b3, &m), -EINVAL, "short line: malformed");
	char b4[] = "";
	TAP_EQ_INT(hk_mountinfo_parse_line(b4, &m), -EINVAL, "empty line: malformed");
}

static void test_persist_name(void)
{
	TAP_EQ_STR(hk_ns_persist_name("/run/netns/lab1"), "lab1", "/run/netns/NAME -> NAME");
	TAP_OK(hk_ns_persist_name("/run/netns/") == NULL, "/run/netns/ alone: no name");
	TAP_OK(hk_ns_persist_name("/run/netns/a/b") == NULL, "nested path: no name");
	TAP_OK(hk_ns_persist_name("/run/utsns/test") == NULL, "other directory: no name");
	TAP_OK(hk_ns_persist_name("/run/netnsx/a") == NULL, "prefix-alike directory: no name");
}

static void test_types(void)
{
	static const char *const names[] = { "cgroup", "ipc",  "mnt",  "net",
					     "pid",    "time", "user", "uts" };
	struct hk_err err = { 0 };
	for (int t = 0; t < HK_NS_NTYPES; t++) {
		enum hk_ns_type got = HK_NS_NTYPES;
		TAP_EQ_STR(hk_ns_type_name(t), names[t], names[t]);
		TAP_OK(hk_ns_type_parse(names[t], &got, &err) == 0 && got == (enum hk_ns_type)t,
		       "parse %s", names[t]);
		TAP_EQ_INT(hk_ns_type_from_clone_flag(hk_ns_type_clone_flag(t)), t,
			   "clone flag round trip");
	}
	enum hk_ns_type got;
	TAP_OK(hk_ns_type_parse("mount", &got, &err) == 0 && got == HK_NS_MNT, "mount is mnt");
	TAP_EQ_INT(hk_ns_type_parse("network", &got, &err), -EINVAL, "unknown type refused");
	TAP_EQ_INT(err.cls, HK_ERR_USAGE, "unknown type is a usage error");
	TAP_OK(strstr(err.msg, "network") != NULL, "message names the bad type: %s", err.msg);
	TAP_EQ_INT(hk_ns_type_from_clone_flag(0x1), -1, "unknown clone flag");
}

int main(void)
{
	test_link_parse();
	test_mountinfo();
	test_persist_name();
	test_types();
	return tap_done();
}
