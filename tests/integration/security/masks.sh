#!/bin/bash
# Docker's masked and read-only paths in a default `hako run` container (its own pid + mount
# namespace, a fresh /proc): masked files read as empty (/dev/null bound over them), masked
# directories are empty read-only tmpfs, /proc/sys & co. are read-only; the caller's view is
# untouched, and --privileged has none of them (the positive control).
# Paths the kernel does not have (CONFIG_PROC_KCORE, CONFIG_MAGIC_SYSRQ, ...) are skipped.
. "$HAKO_SRC/tests/integration/security/common.bash"
run() { sx "$@"; }

for f in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug /proc/latency_stats; do
	if [ ! -e "$f" ]; then
		skip "$f masked" "this kernel has no $f"
		continue
	fi
	is "$f reads as empty" "$(run -- sh -c "wc -c <$f")" 0
	is "$f is /dev/null (1:3)" "$(run -- stat -c '%t:%T' "$f")" "1:3"
done
for d in /proc/acpi /proc/scsi /proc/asound /sys/firmware; do
	if [ ! -d "$d" ]; then
		skip "$d masked" "this kernel has no $d"
		continue
	fi
	is "$d is an empty directory" "$(run -- ls -A "$d" | wc -l)" 0
	is "$d is a read-only tmpfs" \
		"$(run -- findmnt -n -o FSTYPE,OPTIONS "$d" | awk '{print $1, substr($2,1,2)}')" "tmpfs ro"
done
for p in /proc/sys /proc/irq /proc/bus /proc/fs /proc/sysrq-trigger; do
	if [ ! -e "$p" ]; then
		skip "$p read-only" "this kernel has no $p"
		continue
	fi
	is "$p is mounted read-only" "$(run -- findmnt -n -o OPTIONS "$p" | cut -d, -f1)" ro
done
is "/proc/sys keeps nosuid,nodev,noexec on the remount" \
	"$(run -- findmnt -n -o OPTIONS /proc/sys | tr ',' '\n' | grep -cE '^(nosuid|nodev|noexec)$')" 3
# A write that would be harmless anyway (the command's own pid namespace): EROFS, not EPERM.
check_fail "writing /proc/sys/kernel/ns_last_pid: read-only file system" 2 "Read-only file system" \
	run -- sh -c 'echo 5 >/proc/sys/kernel/ns_last_pid'
is "still the default security set-up inside" \
	"$(run -- grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status | awk '{printf "%s ", $2}')" \
	"00000000a80425fb 1 2 "
is "pid namespace: pid 1 is hako's init, not the host's" "$(run -- sh -c "tr '\\0' ' ' </proc/1/cmdline | cut -d ' ' -f1")" hako-init
is "the caller's /proc/keys is untouched" "$(stat -c '%F' /proc/keys)" "regular empty file"
is "no masks with --privileged" "$(sx --privileged -- stat -c '%F' /proc/keys)" "regular empty file"
check "--privileged: the same write to ns_last_pid works" \
	sx --privileged -- sh -c 'echo 5 >/proc/sys/kernel/ns_last_pid'
