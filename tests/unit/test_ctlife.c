// SPDX-License-Identifier: MIT
/*
 * ctlife: restart policies as Docker parses and applies them, the backoff between restarts,
 * Docker's STATUS text and HumanDuration, and the namespaced-sysctl / ulimit / device checks
 * of runflags.c, the limits hako update writes into a stored config. Pure logic: no root, no kernel
 * state (one stat of /dev/null).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "ctconfig.h"
#include "ctinfo.h"
#include "ctlife.h"
#include "runflags.h"
#include "tap.h"

static void test_policy(void)
{
	struct hk_restart_policy p;
	struct hk_err e = {};
	TAP_OK(hk_restart_parse("no", &p, &e) == 0 && p.mode == HK_RESTART_NO, "no");
	TAP_OK(hk_restart_parse("always", &p, &e) == 0 && p.mode == HK_RESTART_ALWAYS, "always");
	TAP_OK(hk_restart_parse("unless-stopped", &p, &e) == 0 &&
		       p.mode == HK_RESTART_UNLESS_STOPPED,
	       "unless-stopped");
	TAP_OK(hk_restart_parse("on-failure", &p, &e) == 0 && p.mode == HK_RESTART_ON_FAILURE &&
		       p.max == 0,
	       "on-failure");
	TAP_OK(hk_restart_parse("on-failure:3", &p, &e) == 0 && p.max == 3, "on-failure:3");
	static const char *const bad[] = {
		"",	    "sometimes", "on-failure:", "on-failure:x", "on-failure:-1",
		"always:2", "no:1",	 "On-failure",	"on-failure3"
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e = (struct hk_err){};
		TAP_OK(hk_restart_parse(bad[i], &p, &e) < 0 && e.cls == HK_ERR_USAGE &&
			       strstr(e.msg, "--restart"),
		       "refused: '%s' (%s)", bad[i], e.msg);
	}
	struct hk_restart_policy of3 = { HK_RESTART_ON_FAILURE, 3 },
				 of = { HK_RESTART_ON_FAILURE, 0 }, al = { HK_RESTART_ALWAYS, 0 },
				 us = { HK_RESTART_UNLESS_STOPPED, 0 }, no = { HK_RESTART_NO, 0 };
	TAP_OK(hk_restart_should(&of3, 1, 2, false), "on-failure:3 after 2 restarts: again");
	TAP_OK(!hk_restart_should(&of3, 1, 3, false), "on-failure:3 after 3 restarts: no more");
	TAP_OK(!hk_restart_should(&of, 0, 0, false), "on-failure: exit 0 is not a failure");
	TAP_OK(hk_restart_should(&of, 137, 100, false), "on-failure: no limit");
	TAP_OK(hk_restart_should(&al, 0, 1000, false), "always: exit 0 too");
	TAP_OK(!hk_restart_should(&al, 1, 0, true), "always: not after a user's stop");
	TAP_OK(!hk_restart_should(&us, 1, 0, true), "unless-stopped: not after a user's stop");
	TAP_OK(!hk_restart_should(&no, 1, 0, false), "no: never");
	TAP_OK(hk_restart_at_boot(&al, true), "boot: always even when a user stopped it");
	TAP_OK(hk_restart_at_boot(&us, false) && !hk_restart_at_boot(&us, true),
	       "boot: unless-stopped unless a user stopped it");
	TAP_OK(!hk_restart_at_boot(&of, false) && !hk_restart_at_boot(&no, false),
	       "boot: not on-failure, not no");
	TAP_EQ_INT(hk_restart_delay_ms(0, 0), 100, "delay: 100 ms first");
	TAP_EQ_INT(hk_restart_delay_ms(3, 500), 800, "delay: doubled per restart");
	TAP_EQ_INT(hk_restart_delay_ms(30, 500), 60000, "delay: at most a minute");
	TAP_EQ_INT(hk_restart_delay_ms(5, 10000), 100, "delay: back to 100 ms after 10 s of run");
}

static void test_status(void)
{
	/* the durations are test_human's; the STATUS text is ctinfo.c's, with restarting */
	char b[64];
	struct hk_ct_row r = {
		.created = 1000, .started = 1000, .finished = 1100, .exit_code = 137
	};
	strcpy(r.state, HK_CT_RUNNING);
	hk_ctinfo_status(&r, 1000 + 130, b, sizeof(b));
	TAP_EQ_STR(b, "Up 2 minutes", "running");
	strcpy(r.state, HK_CT_EXITED);
	hk_ctinfo_status(&r, 1103, b, sizeof(b));
	TAP_EQ_STR(b, "Exited (137) 3 seconds ago", "exited");
	strcpy(r.state, HK_CT_RESTARTING);
	hk_ctinfo_status(&r, 1100, b, sizeof(b));
	TAP_EQ_STR(b, "Restarting (137) Less than a second ago", "restarting");
	strcpy(r.state, HK_CT_CREATED);
	hk_ctinfo_status(&r, 5000, b, sizeof(b));
	TAP_EQ_STR(b, "Created", "created");
	strcpy(r.state, HK_CT_REMOVING);
	hk_ctinfo_status(&r, 5000, b, sizeof(b));
	TAP_EQ_STR(b, "Removal In Progress", "removing");
}

static void test_runflags(void)
{
	struct hk_runflags f = {};
	struct hk_err e = {};
	TAP_OK(hk_runflags_sysctl(&f, "net.ipv4.ip_forward=1", &e) == 0, "sysctl net.*");
	TAP_OK(hk_runflags_sysctl(&f, "net/ipv4/ping_group_range=0 0", &e) == 0 &&
		       !strcmp(f.sysctls[1].key, "net.ipv4.ping_group_range"),
	       "sysctl with slashes");
	TAP_OK(hk_runflags_sysctl(&f, "kernel.shmmax=1000", &e) == 0, "sysctl kernel.shmmax");
	TAP_OK(hk_runflags_sysctl(&f, "fs.mqueue.msg_max=20", &e) == 0, "sysctl fs.mqueue.*");
	static const char *const bad[] = {
		"kernel.pid_max=1",   "vm.swappiness=1", "kernel.hostname=x", "net..x=1", "=1",
		"net.ipv4.ip_forward"
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e = (struct hk_err){};
		TAP_OK(hk_runflags_sysctl(&f, bad[i], &e) < 0 && e.cls == HK_ERR_USAGE,
		       "sysctl refused: %s (%s)", bad[i], e.msg);
	}
	TAP_OK(hk_runflags_check(&f, HK_NET_HOST, &e) < 0 && strstr(e.msg, "network host"),
	       "net.* with the host's network refused");
	TAP_OK(hk_runflags_check(&f, HK_NET_NEW, &e) == 0, "net.* with its own network");
	TAP_OK(hk_runflags_ulimit(&f, "nofile=10:20", &e) == 0 && f.rlimits[0].soft == 10 &&
		       f.rlimits[0].hard == 20,
	       "ulimit nofile=10:20");
	TAP_OK(hk_runflags_ulimit(&f, "nofile=5", &e) == 0 && f.nrlimits == 1 &&
		       f.rlimits[0].hard == 5,
	       "ulimit again: replaced, HARD = SOFT");
	TAP_OK(hk_runflags_ulimit(&f, "core=-1", &e) == 0 && f.rlimits[1].soft == RLIM_INFINITY,
	       "ulimit -1: unlimited");
	static const char *const badu[] = { "nofile",	  "nofile=", "nofile=x",
					    "nofile=2:1", "files=1", "nofile=-2" };
	for (size_t i = 0; i < sizeof(badu) / sizeof(badu[0]); i++) {
		e = (struct hk_err){};
		TAP_OK(hk_runflags_ulimit(&f, badu[i], &e) < 0, "ulimit refused: %s (%s)", badu[i],
		       e.msg);
	}
	TAP_OK(hk_runflags_device(&f, "/dev/null:/dev/x:rw", &e) == 0 &&
		       !strcmp(f.devices[0].path, "/dev/x") &&
		       !strcmp(f.devrules[0].rule, "c 1:3 rw"),
	       "device /dev/null:/dev/x:rw (%s)", f.devrules[0].rule);
	TAP_OK(hk_runflags_device(&f, "/dev/null:r", &e) == 0 &&
		       !strcmp(f.devices[1].path, "/dev/null") &&
		       !strcmp(f.devrules[1].rule, "c 1:3 r"),
	       "device HOST:PERMS");
	static const char *const badd[] = { "/dev/null:/etc/x", "/dev/null:/dev/../etc/x",
					    "/dev/null:/dev/x:rwx", "/nonexistent" };
	for (size_t i = 0; i < sizeof(badd) / sizeof(badd[0]); i++) {
		e = (struct hk_err){};
		TAP_OK(hk_runflags_device(&f, badd[i], &e) < 0, "device refused: %s (%s)", badd[i],
		       e.msg);
	}
	hk_runflags_free(&f);
}

/* hako update's limits in a stored config, and back (what a later start replays) */
static void test_config_limits(void)
{
	const char *cfg = "{\"env\":[\"A=1\"],\"limits\":{\"memory\":67108864,\"memory_swap\":0,"
			  "\"cpus\":0.0,\"cpu_shares\":0,\"pids_limit\":30,\"cpuset_cpus\":\"\"}}";
	struct hk_cglimits u = { .memory = 100 << 20, .cpus_milli = 1500, .pids = -1 };
	char *out = hk_ct_config_limits_set(cfg, &u);
	TAP_OK(out && strstr(out, "\"A=1\""), "the rest of the config is kept");
	struct hk_cglimits l = { .cpu_shares = 7 };
	hk_ct_config_limits_get(out, &l);
	TAP_OK(l.memory == 100 << 20 && l.cpus_milli == 1500 && l.pids == 0 && l.cpu_shares == 0 &&
		       l.memory_swap == 0 && !l.cpuset[0],
	       "read back: memory, cpus 1.5, pids -1 as none, the stored zeros");
	free(out);
	struct hk_cglimits c = { .cpuset = "0-1" };
	out = hk_ct_config_limits_set("{}", &c);
	l = (struct hk_cglimits){ .memory = 5 };
	hk_ct_config_limits_get(out, &l);
	TAP_OK(out && !strcmp(l.cpuset, "0-1") && l.memory == 5,
	       "a config without limits gets them; fields it lacks are left alone");
	free(out);
	TAP_OK(!hk_ct_config_limits_set(NULL, &c) && !hk_ct_config_limits_set("[", &c) &&
		       !hk_ct_config_limits_set("[1]", &c),
	       "no config, or not a JSON object: NULL");
	l = (struct hk_cglimits){ .memory = 5 };
	hk_ct_config_limits_get("{\"limits\":[]}", &l);
	hk_ct_config_limits_get(NULL, &l);
	TAP_OK(l.memory == 5, "nothing read from a config without a limits object");
}

int main(void)
{
	test_policy();
	test_status();
	test_runflags();
	test_config_limits();
	return tap_done();
}
