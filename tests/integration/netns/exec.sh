#!/bin/bash
# hako netns exec behaves like ip netns exec: the namespace, a /sys for it, /etc/netns/NAME
# bound over /etc, nothing propagating back; exit statuses 127/126/the command's own.
. "$HAKO_SRC/tests/lib/lib.sh"
s=$(uniq_suffix)
T=$HAKO_TEST_TMP
on_exit "for n in \$(ip netns list | awk '{print \$1}'); do ip netns del \$n; done"

"$HAKO" netns add "e$s"
is "exec runs in the namespace (vs ip netns exec)" \
	"$("$HAKO" netns exec "e$s" readlink /proc/self/ns/net)" "$(ip netns exec "e$s" readlink /proc/self/ns/net)"
is "exec runs in the namespace (vs the bind mount)" \
	"$("$HAKO" netns exec "e$s" readlink /proc/self/ns/net | tr -dc 0-9)" "$(stat -L -c %i /run/netns/e$s)"

if have_kind veth; then
	ip -n "e$s" link add "x0$s" type veth peer name "x1$s"
	want="lo x0$s x1$s "
else
	want="lo "
fi
is "/sys/class/net lists only the namespace's devices" "$("$HAKO" netns exec "e$s" ls /sys/class/net | tr '\n' ' ')" "$want"
is "/sys/class/net same as ip netns exec" "$("$HAKO" netns exec "e$s" ls /sys/class/net)" "$(ip netns exec "e$s" ls /sys/class/net)"
is "the caller's /sys is untouched" "$(ls /sys/class/net | grep -c "x0$s")" "0"
is "/ is a slave inside (like ip netns exec)" \
	"$("$HAKO" netns exec "e$s" findmnt -n -o PROPAGATION /)" "$(ip netns exec "e$s" findmnt -n -o PROPAGATION /)"

# /etc/netns/NAME/hosts over /etc/hosts. /etc is overlaid in this test's private mount
# namespace, so nothing is written to the real /etc.
mkdir -p "$T/up" "$T/work"
if mount -t overlay overlay -o "lowerdir=/etc,upperdir=$T/up,workdir=$T/work" /etc; then
	on_exit "umount -l /etc"
	mkdir -p "/etc/netns/e$s"
	echo "10.9.9.9 hako-etc-$s" >"/etc/netns/e$s/hosts"
	is "/etc/netns/NAME/hosts is bound over /etc/hosts" "$("$HAKO" netns exec "e$s" cat /etc/hosts)" "10.9.9.9 hako-etc-$s"
	is "same as ip netns exec" "$("$HAKO" netns exec "e$s" cat /etc/hosts)" "$(ip netns exec "e$s" cat /etc/hosts)"
	is "the caller's /etc/hosts is untouched" "$(grep -c "hako-etc-$s" /etc/hosts)" "0"
	mkdir "/etc/netns/e$s/nosuchdir$s"
	out=$("$HAKO" netns exec "e$s" cat /etc/hosts 2>"$T/err")
	if [ "$out" = "10.9.9.9 hako-etc-$s" ] && grep -q "warning: .*nosuchdir$s" "$T/err"; then
		ok "a failing /etc bind warns and goes on (like iproute2)"
	else not_ok "failing /etc bind"; diag <"$T/err"; fi
	rmdir "/etc/netns/e$s/nosuchdir$s"
else
	for d in "hosts bound" "same as ip" "caller untouched" "failing bind"; do skip "$d" "overlayfs unavailable"; done
fi

# exit statuses
"$HAKO" netns exec "e$s" sh -c 'exit 7'
is "the command's exit status is returned" "$?" "7"
check_fail "command not found: 127" 127 "command 'no-such-cmd-$s' not found" "$HAKO" netns exec "e$s" "no-such-cmd-$s"
printf '#!/bin/sh\n' >"$T/noexec" && chmod 644 "$T/noexec"
check_fail "not executable: 126" 126 "cannot execute .*Permission denied" "$HAKO" netns exec "e$s" "$T/noexec"
check_fail "nonexistent namespace: 5" 5 "network namespace 'nope$s' does not exist" "$HAKO" netns exec "nope$s" true
check_fail "missing command: 2" 2 "missing" "$HAKO" netns exec "e$s"
is "'--' before the command" "$("$HAKO" netns exec "e$s" -- echo hi)" "hi"
is "stdin and arguments pass through" "$(echo abc | "$HAKO" netns exec "e$s" tr a-c x-z)" "xyz"

# inside a batch: runs in a child, a failing command stops the batch at its line
printf 'netns exec e%s true\nnetns exec e%s false\nnetns add never%s\n' "$s" "$s" "$s" >"$T/b.txt"
check_fail "batch: failing exec stops at its line" 1 "line 2: .*exited with status 1" "$HAKO" -b "$T/b.txt"
is "batch: nothing after the failing line ran" "$(ls /run/netns | grep -c "never$s")" "0"
