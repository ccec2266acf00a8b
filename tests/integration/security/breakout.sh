#!/bin/bash
# The breakout battery: each attempt runs inside a default container (`hako run --rm`) and
# must fail; where meaningful it then succeeds with --privileged or the right --cap-add.
# Oracles: the host's own view (hostname, /proc/sys values, the hako binary's sha256, the
# clock), the exit statuses and errors of busybox applets and ct_probe (raw syscalls).
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"
PROBE=${HAKO_CT_PROBE:-$(dirname "$HAKO")/tests/ct_probe}
if [ ! -x "$PROBE" ]; then
	skip "breakout battery" "ct_probe not built ($PROBE)"
	exit 0
fi
cp -a "$R" "$HAKO_TEST_TMP/rootfs"
R=$HAKO_TEST_TMP/rootfs
cp "$PROBE" "$R/bin/ct_probe"
# ct CMD...: run CMD in a default container, stdout+stderr together
ct() { h run --rm --rootfs "$R" "$@" 2>&1; }
# fails DESC REASON CMD...: the shell command must fail inside a default container, and its
# last line must say why (REASON, grep -E: the errno text the refusal gives)
fails() {
	local d=$1 why=$2
	shift 2
	local out
	if out=$(ct -- sh -c "$*"); then
		not_ok "default: $d (succeeded)"
		echo "$out" | diag
	elif echo "$out" | tail -1 | grep -Eq -- "$why"; then
		ok "default: $d fails ($(echo "$out" | tail -1 | cut -c1-60))"
	else
		not_ok "default: $d failed, but not for the expected reason ($why)"
		echo "$out" | diag
	fi
}
# works OPTS -- DESC CMD: succeeds with OPTS
works() {
	local opts=()
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	local d=$1
	shift
	local out
	if out=$(ct "${opts[@]}" -- sh -c "$*"); then
		ok "${opts[*]}: $d works"
	else
		not_ok "${opts[*]}: $d (failed)"
		echo "$out" | diag
	fi
}

# mount a file system
fails "mount tmpfs" "permission denied" "mount -t tmpfs t /mnt"
works --privileged -- "mount tmpfs" "mount -t tmpfs t /mnt && umount /mnt"
works --cap-add SYS_ADMIN --security-opt seccomp=unconfined -- "mount tmpfs with SYS_ADMIN" \
	"mount -t tmpfs t /mnt"

# load a module (the host has none to load: the point is the refusal before the file is read)
echo junk >"$R/tmp/x.ko"
out=$(ct -- insmod /tmp/x.ko)
echo "$out" | grep -Eq "Operation not permitted" && ok "default: insmod refused (EPERM)" ||
	not_ok "default: insmod: $out"
out=$(ct -- modprobe -q dummy0x; echo "rc=$?")
echo "$out" | grep -q "rc=0" && not_ok "default: modprobe succeeded" || ok "default: modprobe fails"

# reboot (a container's reboot(2) in its pid namespace would only end the container; the
# default set has no SYS_BOOT, so even that is refused)
out=$(ct -- reboot -f; echo "rc=$?")
is "default: reboot -f refused, the container exits on its own" \
	"$(echo "$out" | grep -c 'Operation not permitted')$(echo "$out" | grep -c 'rc=1')" "11"

# the host's hostname and clock
host_before=$(hostname)
fails "sethostname" "Operation not permitted" "hostname evil-$$"
is "host hostname unchanged" "$(hostname)" "$host_before"
works --cap-add SYS_ADMIN -- "sethostname in its own UTS namespace" "hostname ct-$$ && hostname"
is "host hostname unchanged after the privileged container" "$(hostname)" "$host_before"
t0=$(date +%s)
out=$(ct -- date -s '2001-01-01 00:00:00')
echo "$out" | grep -q "can't set date: Operation not permitted" &&
	ok "default: date -s refused (no SYS_TIME)" || not_ok "default: date -s: $out"
t1=$(date +%s)
[ $((t1 - t0)) -ge 0 ] && [ $((t1 - t0)) -lt 30 ] && [ "$t1" -gt 1700000000 ] &&
	ok "host clock unchanged" || not_ok "host clock moved: $t0 -> $t1"

# /proc/sys/kernel and /proc/kcore
before=$(cat /proc/sys/kernel/domainname)
fails "write /proc/sys/kernel/domainname" "Read-only file system" "echo evil > /proc/sys/kernel/domainname"
fails "write /proc/sys/kernel/core_pattern" "Read-only file system" "echo '|/tmp/x' > /proc/sys/kernel/core_pattern"
is "host /proc/sys/kernel/domainname unchanged" "$(cat /proc/sys/kernel/domainname)" "$before"
if [ -e /proc/kcore ]; then
	out=$(ct -- sh -c 'wc -c < /proc/kcore')
	is "default: /proc/kcore reads as empty" "$(echo "$out" | tr -d ' ')" 0
	out=$(ct --privileged -- sh -c 'head -c 4 /proc/kcore | od -An -c | tr -d " "')
	is "--privileged: /proc/kcore is the real one (ELF)" "$out" '177ELF'
else
	skip "read /proc/kcore" "this kernel has no /proc/kcore (CONFIG_PROC_KCORE off)"
fi
n=$(wc -l </proc/timer_list)
out=$(ct -- sh -c 'wc -l < /proc/timer_list; wc -l < /proc/keys; ls /sys/firmware | wc -l')
is "default: /proc/timer_list, /proc/keys, /sys/firmware masked (host: $n lines)" \
	"$(echo $out)" "0 0 0"

# device nodes made inside (MKNOD is a default capability) cannot be opened: the v1 devices
# controller allows only null, zero, full, random, urandom, tty, console, ptmx, pts, tun.
# The node lives on a --tmpfs mounted "dev" so that nodev is not what refuses it.
dev=$(awk '$4 ~ /^(vd|sd|nvme|xvd)/ {print $1" "$2; exit}' /proc/partitions)
if [ -n "$dev" ]; then
	out=$(ct --tmpfs /blk:dev -- sh -c "mknod /blk/b b $dev && head -c 512 /blk/b >/dev/null")
	echo "$out" | grep -q "Operation not permitted" &&
		ok "default: mknod b $dev works, reading it is refused" ||
		not_ok "default: block device: $out"
else
	skip "mknod a block device" "no disk in /proc/partitions"
fi
# the positive case with a device the host can open this way (this VM refuses block
# devices opened through a new node even on the host): /dev/kmsg, 1:11
out=$(ct --tmpfs /blk:dev -- sh -c 'mknod /blk/k c 1 11 && dd if=/blk/k bs=4096 count=1')
echo "$out" | grep -q "Operation not permitted" && ok "default: a kmsg node (1:11) is refused" ||
	not_ok "default: kmsg node: $out"
works --privileged --tmpfs /blk:dev -- "mknod + read /dev/kmsg (1:11)" \
	"mknod /blk/k c 1 11 && dd if=/blk/k bs=4096 count=1 >/dev/null"

# processes outside: invisible, and PID 1 (hako's init) cannot be traced
host_pid=$$
out=$(ct -- sh -c "ls /proc | grep -E '^[0-9]+\$' | sort -n | tr '\n' ' '")
echo "$out" | grep -qw "$host_pid" && not_ok "host pid $host_pid visible: $out" ||
	ok "default: host processes invisible (sees: $out)"
fails "ptrace PID 1 (hako-init, not dumpable)" "Operation not permitted" "ct_probe ptrace 1"
fails "read /proc/1/exe" "Permission denied" "cat /proc/1/exe >/dev/null"
works --cap-add SYS_PTRACE -- "ptrace a process of its own" \
	"sleep 5 & ct_probe ptrace \$!"

# namespaces
fails "unshare -m" "Operation not permitted" "unshare -m true"
fails "unshare -U (user namespace)" "Operation not permitted" "unshare -U true"
fails "nsenter -t 1 -m" "Permission denied|Operation not permitted" "nsenter -t 1 -m true"
works --privileged -- "unshare -m" "unshare -m true"

# keyctl, bpf, perf, userfaultfd, kexec, swap
for p in keyctl add_key bpf perf userfaultfd kexec swapoff; do
	fails "$p" "Operation not permitted" "ct_probe $p"
done

# the hako binary via /proc/self/exe and /proc/1/exe (CVE-2019-5736)
bin=$(readlink -f "$HAKO")
sum=$(sha256sum <"$bin")
fails "open /proc/1/exe for writing" "Permission denied" "echo x >> /proc/1/exe"
# --privileged has CAP_SYS_PTRACE, so it reaches the init's /proc/1/exe (the hako file): the
# kernel refuses writes to a file that a live process executes, and the init lives as long
# as anything in the container does
out=$(ct --privileged -- sh -c 'echo x >> /proc/1/exe; echo rc=$?')
echo "$out" | grep -q 'rc=1' &&
	ok "--privileged: writing /proc/1/exe fails ($(echo "$out" | head -1 | sed 's/.*: //'))" ||
	not_ok "--privileged: /proc/1/exe: $out"
# the #!/proc/self/exe trick: the command is exec'ed by hako's trampoline from a sealed
# memfd, so /proc/self/exe is that copy, which refuses to run unless hako started it (no
# loop, no hako code, nothing to write)
printf '#!/proc/self/exe\n' >"$R/evil"
chmod +x "$R/evil"
printf '#!/proc/self/exe\necho x >> /proc/self/exe\n' >"$R/evil2"
chmod +x "$R/evil2"
for opt in "" --privileged; do
	out=$(timeout 30 "$HAKO" --root "$ROOT" run --rm $opt --rootfs "$R" -- /evil2 2>&1)
	rc=$?
	if [ $rc = 126 ] && echo "$out" | grep -q "trampoline not started by hako"; then
		ok "run ${opt:-(defaults)}: a #!/proc/self/exe command is refused (126), no loop"
	else
		not_ok "run ${opt:-(defaults)}: #!/proc/self/exe gave rc=$rc: $out"
	fi
done
out=$(ct -- sh -c 'cat /proc/self/exe >/dev/null; for p in /proc/[0-9]*; do readlink $p/exe; done')
echo "$out" | grep -q "$(basename "$bin")" && not_ok "a container process names the hako file" ||
	ok "run: no container process has the hako file as its exe"
# the same through hako exec
h run -d --name bo-$$ --rootfs "$R" -- sleep 30 >/dev/null
out=$(timeout 30 "$HAKO" --root "$ROOT" exec "bo-$$" -- /evil 2>&1)
rc=$?
[ $rc = 126 ] && echo "$out" | grep -q "trampoline not started by hako" &&
	ok "exec: a #!/proc/self/exe command is refused (126), no loop" ||
	not_ok "exec: #!/proc/self/exe gave rc=$rc: $out"
out=$(h exec "bo-$$" -- sh -c 'for p in /proc/[0-9]*; do readlink $p/exe; done' 2>&1)
echo "$out" | grep -q "$(basename "$bin")" && not_ok "a container process names the hako file" ||
	ok "exec: no container process has the hako file as its exe"
h rm -f "bo-$$" >/dev/null
is "the hako binary is unchanged" "$(sha256sum <"$bin")" "$sum"

# host file descriptors and working directory (CVE-2024-21626)
exec 7</etc/hostname
out=$(cd /etc && ct -- sh -c 'pwd; for f in /proc/self/fd/*; do readlink $f; done')
exec 7<&-
echo "$out" | grep -Eq '^/etc/hostname$|bash_jobs|hako\.db' &&
	not_ok "a host fd leaked: $out" || ok "no host fd in /proc/self/fd"
is "the working directory is inside the new root" "$(echo "$out" | head -1)" /
