#!/bin/bash
# Resource limits: the kernel's own counters are the oracle (the cgroup files of the
# container, read from the host), plus exit statuses. OOM kill -> 137 and one line; fork
# bomb stops at --pids-limit; --cpus 0.5 holds a busy loop near half a CPU; bad values and
# a missing controller are refused before anything is created; hako stats -j.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"
ct() { h run --rm --rootfs "$R" "$@"; }
# cgdir CTRL ID: the container's directory of controller CTRL (v1 hierarchy or v2 tree)
cgdir() {
	local d
	for d in /sys/fs/cgroup/$1/hako/$2 /sys/fs/cgroup/*,$1/hako/$2 /sys/fs/cgroup/$1,*/hako/$2 \
		/sys/fs/cgroup/hako/$2 /sys/fs/cgroup/unified/hako/$2; do
		[ -d "$d" ] && { echo "$d"; return; }
	done
}
cid() { h inspect "$1" | sed -n 's/.*"id": *"\([0-9a-f]*\)".*/\1/p' | head -1; }

# OOM: a 64 MiB buffer under a 32 MiB limit
err=$(ct --memory 32m -- dd if=/dev/zero of=/dev/null bs=64M count=1 2>&1 >/dev/null)
rc=$?
is "OOM kill: exit 137" "$rc" 137
echo "$err" | grep -Eq '^container [0-9a-f]+: killed: memory limit \(33554432 bytes\) reached$' &&
	ok "OOM kill: the line names the limit" || not_ok "OOM line: $err"
out=$(ct --memory 64m -- dd if=/dev/zero of=/dev/null bs=16M count=1 2>&1)
is "16 MiB under a 64 MiB limit: fine" "$?" 0

# the limit files as the kernel holds them
h run -d --name lim-$$ --memory 48m --memory-swap 48m --cpus 0.5 --cpu-shares 512 \
	--pids-limit 33 --rootfs "$R" -- sh -c 'while :; do :; done' >/dev/null
id=$(cid lim-$$)
m=$(cgdir memory "$id")
if [ -f "$m/memory.limit_in_bytes" ]; then
	is "v1 memory.limit_in_bytes" "$(cat "$m/memory.limit_in_bytes")" $((48 << 20))
	[ -f "$m/memory.memsw.limit_in_bytes" ] &&
		is "v1 memsw = memory (no swap)" "$(cat "$m/memory.memsw.limit_in_bytes")" $((48 << 20))
else
	is "v2 memory.max" "$(cat "$m/memory.max")" $((48 << 20))
fi
c=$(cgdir cpu "$id")
if [ -f "$c/cpu.cfs_quota_us" ]; then
	is "v1 cpu quota/period/shares" \
		"$(cat "$c/cpu.cfs_quota_us" "$c/cpu.cfs_period_us" "$c/cpu.shares" | tr '\n' ' ')" \
		"50000 100000 512 "
else
	is "v2 cpu.max" "$(cat "$c/cpu.max")" "50000 100000"
fi
is "pids.max" "$(cat "$(cgdir pids "$id")/pids.max")" 33
out=$(ct --cpuset-cpus 0 -- grep Cpus_allowed_list /proc/self/status)
is "--cpuset-cpus 0: the process may run on CPU 0 only" "$(echo $out)" "Cpus_allowed_list: 0"

# --cpus 0.5: CPU time over ~3 s of wall time, from the container's own cgroup accounting
# (cpuacct.usage on v1, cpu.stat usage_usec on v2). Both bounds: 30-60% of a CPU, generous
# for a loaded 2-CPU machine. An unlimited control loop is measured first (and again if the
# limited loop falls short): when even it gets less than 30% of a CPU, the machine is too
# busy to tell a limit from load, and the lower bound is skipped with that reason.
usage() { # ID: nanoseconds of CPU used by the container's cgroup
	local a
	a=$(cgdir cpuacct "$1")
	if [ -n "$a" ] && [ -f "$a/cpuacct.usage" ]; then cat "$a/cpuacct.usage"; else
		echo $(($(awk '/^usage_usec/ {print $2}' "$(cgdir cpu "$1")/cpu.stat") * 1000)); fi
}
share() { # ID SECONDS: percent of one CPU the container used over SECONDS of wall time
	local u0 u1 t0 t1
	u0=$(usage "$1") t0=$(date +%s%N)
	sleep "$2"
	u1=$(usage "$1") t1=$(date +%s%N)
	echo $(((u1 - u0) * 100 / (t1 - t0)))
}
control() { # percent of a CPU an unlimited busy loop gets now
	local c
	h run -d --name ctl-$$ --rootfs "$R" -- sh -c 'while :; do :; done' >/dev/null
	c=$(cid ctl-$$)
	sleep 0.2
	share "$c" 2
	h rm -f "ctl-$$" >/dev/null
}
ctl=$(control)
pct=$(share "$id" 3)
if [ "$pct" -gt 60 ]; then
	not_ok "--cpus 0.5: busy loop used ${pct}% of a CPU over 3 s, want at most 60 (control: ${ctl}%)"
else
	ok "--cpus 0.5: upper bound: busy loop used ${pct}% of a CPU over 3 s (<= 60)"
fi
[ "$pct" -lt 30 ] && ctl=$(control)
if [ "$pct" -ge 30 ]; then
	ok "--cpus 0.5: lower bound: busy loop used ${pct}% of a CPU over 3 s (>= 30; unlimited control: ${ctl}%)"
elif [ "$ctl" -lt 30 ]; then
	skip "--cpus 0.5: lower bound" "machine too loaded: an unlimited busy loop got only ${ctl}% of a CPU (load: $(cut -d' ' -f1-3 /proc/loadavg))"
else
	not_ok "--cpus 0.5: busy loop used ${pct}% of a CPU, want at least 30 (unlimited control: ${ctl}%)"
fi

# hako stats -j
js=$(h -j stats "lim-$$")
echo "$js" | jq -e '.[0] | .name == "lim-'$$'" and .memory_limit_bytes == 50331648 and
	.pids == 2 and .pids_limit == 33 and .cpu_percent >= 0 and .cpu_percent <= 65' \
	>/dev/null && ok "stats -j: memory, limit, pids, CPU%" || not_ok "stats -j: $js"
h stats | grep -q "lim-$$" && ok "stats: table" || not_ok "stats table"
is "stats: the limit in binary units (48MiB, as Docker's stats)" \
	"$(h stats "lim-$$" | awk 'NR == 2 {print $4}')" 48MiB
h rm -f "lim-$$" >/dev/null
[ -z "$(cgdir memory "$id")$(cgdir pids "$id")$(cgdir cpu "$id")" ] &&
	ok "cgroups removed with the container" || not_ok "cgroups left for $id"

# fork bomb under --pids-limit 20: the count inside never passes the limit
out=$(ct --pids-limit 20 -- sh -c '
	(i=0; while [ $i -lt 60 ]; do sleep 3 & i=$((i + 1)); done)
	set -- /proc/[0-9]*; echo $#' 2>&1)
n=$(echo "$out" | tail -1)
[ "$n" -le 20 ] && [ "$n" -ge 10 ] && echo "$out" | grep -q "can't fork" &&
	ok "fork bomb stops at --pids-limit 20 ($n processes)" || not_ok "pids-limit: $out"
# a real fork bomb, watched from the host: pids.current never passes 16, and the kernel
# counted refused forks (pids.events "max")
h run -d --name fb-$$ --pids-limit 16 --rootfs "$R" -- \
	sh -c 'b() { b | b & }; (b); exec sleep 1000' >/dev/null 2>&1
fb=$(cgdir pids "$(cid fb-$$)")
peak=0
for _ in $(seq 20); do
	n=$(cat "$fb/pids.current" 2>/dev/null || echo 0)
	[ "$n" -gt "$peak" ] && peak=$n
	sleep 0.05
done
refused=$(awk '/^max/ {print $2}' "$fb/pids.events" 2>/dev/null)
h rm -f "fb-$$" >/dev/null
[ "$peak" -le 16 ] && [ "${refused:-0}" -gt 0 ] &&
	ok "a real fork bomb: at most 16 tasks (peak seen $peak), $refused forks refused" ||
	not_ok "fork bomb: peak $peak, refused '${refused}'"

# bad input: nothing created
before=$(ls "$ROOT/run" 2>/dev/null | wc -l)
check_fail "--memory below the minimum" 125 "minimum is 6m" ct --memory 1m -- true
check_fail "--memory garbage" 125 "expected a size" ct --memory lots -- true
check_fail "--memory-swap below --memory" 125 "at least --memory" \
	ct --memory 64m --memory-swap 32m -- true
check_fail "--cpus 0" 125 "expected a number of CPUs" ct --cpus 0 -- true
check_fail "--cpus more than the machine" 125 "this machine has" ct --cpus 64 -- true
check_fail "--cpuset-cpus of a missing CPU" 125 "does not exist" ct --cpuset-cpus 999 -- true
check_fail "--pids-limit 0" 125 "positive number" ct --pids-limit 0 -- true
check_fail "--cpu-shares 1" 125 "2 to 262144" ct --cpu-shares 1 -- true
# a controller missing on the host: hide the pids hierarchy in this test's mount namespace
pm=$(awk '$9 == "cgroup" && $NF ~ /(^|,)pids(,|$)/ {print $5; exit}' /proc/self/mountinfo)
if [ -n "$pm" ] && umount -l "$pm" 2>/dev/null; then
	check_fail "--pids-limit without a pids controller" 125 \
		"'pids' cgroup controller is not available" ct --pids-limit 10 -- true
else
	skip "missing controller" "pids is not a v1 hierarchy here"
fi
is "bad input created nothing" "$(ls "$ROOT/run" 2>/dev/null | wc -l)" "$before"
is "no container rows left" "$(h ps -a -q | wc -l)" 0
