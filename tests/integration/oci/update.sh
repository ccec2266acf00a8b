#!/bin/bash
# Changing the limits of a running container: `hako oci update` (runc's flags and
# --resources FILE|-), `hako update` (Docker's flags), and `hako oci events` (runc's stats
# JSON, the OOM event). Oracles: the kernel's cgroup files read from the host (v1 hierarchy
# or v2 tree, found through /proc/PID/cgroup), python's json, and runc itself: the same
# update on a runc container must give the same files.
. "$HAKO_SRC/tests/integration/oci/common.inc"
mkdir -p "$B"
cp -a "$R" "$B/rootfs"
o spec --bundle "$B" >/dev/null
cfg "c['root']['readonly']=False; c['process']['args']=['sleep','300']; \
c['linux']['resources']={'memory':{'limit':64<<20,'swap':128<<20},'pids':{'limit':50}}"
on_exit o delete --force u1
on_exit o delete --force u2
pidof_ct() { o state "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])'; }
# cg PID V1FILE V2FILE: the value of the container's cgroup file, either version
cg() {
	local ctrl=${2%%.*} p
	p=$(awk -F: -v c="$ctrl" '{n=split($2,a,","); for(i=1;i<=n;i++) if(a[i]==c) print $3}' /proc/$1/cgroup)
	if [ -n "$p" ]; then
		for d in /sys/fs/cgroup/$ctrl /sys/fs/cgroup/*,$ctrl /sys/fs/cgroup/$ctrl,*; do
			[ -f "$d$p/$2" ] && { cat "$d$p/$2"; return; }
		done
	fi
	p=$(awk -F: '$1=="0" {print $3}' /proc/$1/cgroup)
	cat "/sys/fs/cgroup$p/$3" 2>/dev/null || cat "/sys/fs/cgroup/unified$p/$3"
}
v2=false
[ -d /sys/fs/cgroup/memory ] || v2=true

(cd "$B" && o run -d u1 </dev/null >/dev/null 2>&1)
pid=$(pidof_ct u1)
[ -n "$pid" ] && ok "a running container" || { not_ok "oci run -d u1"; exit 1; }
is "before: memory limit" "$(cg $pid memory.limit_in_bytes memory.max)" $((64 << 20))

check "oci update --memory --memory-swap --cpu-quota --cpu-period --cpu-shares --pids-limit" \
	o update --memory 128m --memory-swap 256m --cpu-quota 50000 --cpu-period 200000 \
	--cpu-shares 512 --pids-limit 77 u1
is "memory limit" "$(cg $pid memory.limit_in_bytes memory.max)" $((128 << 20))
if $v2; then
	is "swap (v2: swap alone)" "$(cg $pid x memory.swap.max)" $((128 << 20))
	is "cpu.max" "$(cg $pid x cpu.max)" "50000 200000"
	is "cpu.weight from shares 512" "$(cg $pid x cpu.weight)" 20
else
	is "memsw limit (memory + swap)" "$(cg $pid memory.memsw.limit_in_bytes x)" $((256 << 20))
	is "cfs quota and period" "$(cg $pid cpu.cfs_quota_us x) $(cg $pid cpu.cfs_period_us x)" "50000 200000"
	is "cpu.shares" "$(cg $pid cpu.shares x)" 512
fi
is "pids.max" "$(cg $pid pids.max pids.max)" 77
ncpu=$(nproc)
if [ "$ncpu" -ge 2 ]; then
	check "oci update --cpuset-cpus 1" o update --cpuset-cpus 1 u1
	is "cpuset.cpus" "$(cg $pid cpuset.cpus cpuset.cpus)" 1
fi
# only what is given changes; --memory alone keeps the swap amount (128m) in force
check "oci update --memory 32m (a cut)" o update --memory 32m u1
is "cut: memory" "$(cg $pid memory.limit_in_bytes memory.max)" $((32 << 20))
$v2 || is "cut: memsw moved with it (swap amount kept)" "$(cg $pid memory.memsw.limit_in_bytes x)" $((160 << 20))
check "oci update --memory 512m (a raise above memsw)" o update --memory 512m u1
is "raise: memory" "$(cg $pid memory.limit_in_bytes memory.max)" $((512 << 20))
$v2 || is "raise: memsw above it" "$(cg $pid memory.memsw.limit_in_bytes x)" $((640 << 20))
is "pids.max unchanged" "$(cg $pid pids.max pids.max)" 77
check "oci update --pids-limit -1 --cpu-quota -1 (unlimited)" o update --pids-limit -1 --cpu-quota -1 u1
is "pids.max: max" "$(cg $pid pids.max pids.max)" max
if $v2; then
	is "cpu.max: max" "$(cg $pid x cpu.max | cut -d' ' -f1)" max
else
	is "cfs quota: -1" "$(cg $pid cpu.cfs_quota_us x)" -1
fi

# --resources FILE and - (what podman and containerd pass)
echo '{"memory":{"limit":100663296,"swap":201326592},"cpu":{"shares":256,"quota":30000,"period":100000},"pids":{"limit":33}}' >"$HAKO_TEST_TMP/res.json"
check "oci update --resources FILE" o update --resources "$HAKO_TEST_TMP/res.json" u1
is "resources: memory" "$(cg $pid memory.limit_in_bytes memory.max)" 100663296
is "resources: pids" "$(cg $pid pids.max pids.max)" 33
$v2 || is "resources: quota" "$(cg $pid cpu.cfs_quota_us x)" 30000
echo '{"pids":{"limit":44}}' | o update -r - u1
is "oci update -r - (stdin)" "$(cg $pid pids.max pids.max)" 44

# bad input: the reason, exit 2, nothing changed
check_fail "a resource hako does not change is refused with its field" 2 "linux.resources.blockIO: not supported" \
	sh -c "echo '{\"blockIO\":{\"weight\":10}}' | '$HAKO' oci --root '$OR' update -r - u1"
check_fail "device rules are refused" 2 "cannot change device rules" \
	sh -c "echo '{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}' | '$HAKO' oci --root '$OR' update -r - u1"
check_fail "not JSON" 2 "not valid JSON" sh -c "echo '{' | '$HAKO' oci --root '$OR' update -r - u1"
check_fail "--memory below the minimum" 2 "the minimum is 6m" o update --memory 1k u1
check_fail "--memory-swap below --memory" 2 "must be at least --memory" o update --memory 64m --memory-swap 32m u1
check_fail "--cpu-period out of range" 2 "expected 1000 to 1000000" o update --cpu-period 5 u1
check_fail "--cpu-quota above the kernel's 2^44-1 microseconds" 2 "expected 1000 to 17592186044415" \
	o update --memory 64m --cpu-quota 17592186044416 u1
check_fail "--resources with a quota of 2^64 (JSON reads it as INT64_MAX)" 2 \
	"linux.resources.cpu.quota: 9223372036854775807 is out of range" \
	sh -c "echo '{\"memory\":{\"limit\":67108864},\"cpu\":{\"quota\":18446744073709551616}}' | '$HAKO' oci --root '$OR' update -r - u1"
check_fail "--resources with a flag" 2 "exclude each other" o update -r "$HAKO_TEST_TMP/res.json" --memory 64m u1
check_fail "an unknown container" 5 "container 'nosuch' does not exist" o update --memory 64m nosuch
is "nothing changed by the refusals" "$(cg $pid memory.limit_in_bytes memory.max) $(cg $pid pids.max pids.max)" "100663296 44"

# --- events --stats: runc's shape; its figures are the cgroup's
ev=$(o events --stats u1)
is "events --stats: type, id, the sections" "$(echo "$ev" | python3 -c '
import json,sys; e=json.load(sys.stdin); d=e["data"]
print(e["type"], e["id"], sorted(d), sorted(d["memory"]["usage"]), "total" in d["cpu"]["usage"], d["network_interfaces"])')" \
	"stats u1 ['blkio', 'cpu', 'hugetlb', 'intel_rdt', 'memory', 'network_interfaces', 'pids'] ['failcnt', 'limit', 'max', 'usage'] True None"
is "events: memory limit and pids as the cgroup files" \
	"$(echo "$ev" | python3 -c 'import json,sys; d=json.load(sys.stdin)["data"]; print(d["memory"]["usage"]["limit"], d["pids"]["limit"], d["pids"]["current"])')" \
	"100663296 44 $(cg $pid pids.current pids.current)"
$v2 || is "events: memory.raw is memory.stat (rss)" \
	"$(echo "$ev" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["memory"]["raw"]["total_rss"] >= 0)')" True
# the stream: stats every --interval until the container stops
"$HAKO" oci --root "$OR" events --interval 200ms u1 >"$HAKO_TEST_TMP/stream" 2>&1 & # hako itself: $! is it
evpid=$!
sleep 1.2
kill $evpid 2>/dev/null
wait $evpid 2>/dev/null
n=$(grep -c '"type":"stats"' "$HAKO_TEST_TMP/stream")
[ "$n" -ge 3 ] && [ "$n" -le 8 ] && ok "events --interval 200ms: $n stats lines in 1.2 s" || not_ok "stream: $n lines: $(head -c 300 "$HAKO_TEST_TMP/stream")"
check_fail "events: a bad interval" 2 "expected a duration" o events --interval 5x u1

# OOM: the stream reports it. A container whose memory (and memory+swap) is 16m runs tail,
# which reads /dev/zero looking for a newline until the OOM killer kills it.
cfg "c['linux']['resources']={'memory':{'limit':16<<20,'swap':16<<20}}"
(cd "$B" && o run -d u2 </dev/null >/dev/null 2>&1)
"$HAKO" oci --root "$OR" events --interval 10s u2 >"$HAKO_TEST_TMP/oom" 2>&1 &
evpid=$!
sleep 0.5
o exec u2 tail /dev/zero >/dev/null 2>&1
for i in $(seq 20); do grep -q '"type":"oom"' "$HAKO_TEST_TMP/oom" && break; sleep 0.1; done
kill $evpid 2>/dev/null
wait $evpid 2>/dev/null
grep -q '^{"type":"oom","id":"u2"}$' "$HAKO_TEST_TMP/oom" && ok "events: an oom event when the OOM killer kills" ||
	not_ok "no oom event: $(cut -c1-200 "$HAKO_TEST_TMP/oom")"

# a stopped container
o kill u2 KILL
for i in $(seq 50); do [ "$(o state u2 | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" = stopped ] && break; sleep 0.1; done
check_fail "update of a stopped container" 2 "is not running" o update --memory 64m u2
check_fail "events of a stopped container" 2 "is not running" o events --stats u2
o delete --force u2

# runc as the peer: the same update on a runc container leaves the same files
if command -v runc >/dev/null; then
	RR=$HAKO_TEST_TMP/runcroot
	cfg "c['linux']['resources']={'memory':{'limit':64<<20,'swap':128<<20},'pids':{'limit':50}}; \
c['process']['capabilities']['inheritable']=c['process']['capabilities'].get('ambient',[])"
	(cd "$B" && runc --root "$RR" run -d r1 </dev/null >/dev/null 2>&1)
	on_exit runc --root "$RR" delete -f r1
	rpid=$(runc --root "$RR" state r1 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])' 2>/dev/null)
	if [ -n "$rpid" ]; then
		U=(--memory 96m --memory-swap 192m --cpu-quota 40000 --cpu-period 100000 --cpu-share 300 --pids-limit 21)
		runc --root "$RR" update "${U[@]}" r1
		o update "${U[@]}" u1
		files() {
			echo "$(cg $1 memory.limit_in_bytes memory.max) $(cg $1 pids.max pids.max)"
			if $v2; then cg $1 x cpu.max; cg $1 x memory.swap.max; cg $1 x cpu.weight; else
				cg $1 cpu.cfs_quota_us x; cg $1 memory.memsw.limit_in_bytes x; cg $1 cpu.shares x; fi
		}
		is "the same update as runc: the same cgroup files" "$(files $pid | tr '\n' ' ')" "$(files $rpid | tr '\n' ' ')"
	else
		skip "runc comparison" "runc could not run the bundle here"
	fi
else
	skip "runc comparison" "runc is not installed"
fi

# --- hako update (Docker's): the same library call on a hako run container
h run -d --name up1 --memory 64m --pids-limit 30 --rootfs "$R" -- sleep 300 >/dev/null
on_exit h rm -f up1
hpid=$(h inspect up1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["pid"])')
is "hako update: prints the name" "$(h update --memory 96m --memory-swap 96m --cpus 0.5 --cpu-shares 256 --pids-limit 40 up1)" up1
is "hako update: memory" "$(cg $hpid memory.limit_in_bytes memory.max)" $((96 << 20))
$v2 || is "hako update: memsw = memory (no swap)" "$(cg $hpid memory.memsw.limit_in_bytes x)" $((96 << 20))
if $v2; then
	is "hako update --cpus 0.5: cpu.max" "$(cg $hpid x cpu.max)" "50000 100000"
else
	is "hako update --cpus 0.5: quota over 100 ms" "$(cg $hpid cpu.cfs_quota_us x) $(cg $hpid cpu.cfs_period_us x)" "50000 100000"
	is "hako update --cpu-shares" "$(cg $hpid cpu.shares x)" 256
fi
is "hako update --pids-limit" "$(cg $hpid pids.max pids.max)" 40
check "hako update --pids-limit 0 (Docker: unlimited)" h update --pids-limit 0 up1
is "pids.max: max" "$(cg $hpid pids.max pids.max)" max
[ "$ncpu" -ge 2 ] && { h update --cpuset-cpus 0 up1 >/dev/null; is "hako update --cpuset-cpus 0" "$(cg $hpid cpuset.cpus cpuset.cpus)" 0; }
check_fail "hako update without a limit" 2 "nothing to change" h update up1
check_fail "hako update --cpus too many" 2 "this machine has" h update --cpus 999 up1
check_fail "hako update of an unknown container" 5 "no such container" h update --memory 64m nosuch
# what inspect shows is what is in force (Docker's HostConfig, hako's config.limits)
ins() { h inspect up1 | python3 -c 'import json,sys; c=json.load(sys.stdin)[0]; print('"$1"')'; }
is "inspect after update: HostConfig" \
	"$(ins '[c["HostConfig"][k] for k in ("Memory", "MemorySwap", "NanoCpus", "CpuShares", "PidsLimit")]')" \
	"[$((96 << 20)), $((96 << 20)), 500000000, 256, 0]"
is "inspect after update: config.limits.memory" "$(ins 'c["config"]["limits"]["memory"]')" $((96 << 20))
h stop -t 1 up1 >/dev/null
# a stopped container: its stored limits change (Docker's update does), the next start applies
# them together with the earlier update's
is "hako update of a stopped container" "$(h update --memory 80m --memory-swap 80m up1)" up1
is "inspect: the new memory" "$(ins 'c["HostConfig"]["Memory"]')" $((80 << 20))
check_fail "a bad value for a stopped container" 2 "the minimum is 6m" h update --memory 1k up1
is "the bad value changed nothing" "$(ins 'c["HostConfig"]["Memory"]')" $((80 << 20))
check "start after the update" h start up1
hpid=$(ins 'c["pid"]')
is "started with the stopped update's memory" "$(cg $hpid memory.limit_in_bytes memory.max)" $((80 << 20))
if $v2; then
	is "and the running update's --cpus" "$(cg $hpid x cpu.max)" "50000 100000"
else
	is "and the running update's --cpus" "$(cg $hpid cpu.cfs_quota_us x)" 50000
fi
is "and no pids limit (the update's 0)" "$(cg $hpid pids.max pids.max)" max
h rm -f up1 >/dev/null
