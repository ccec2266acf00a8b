#!/bin/bash
# /etc/hosts of containers on a dual-stack network whose peers have long names and aliases
# (security review finding 5): each peer takes two lines (IPv4 and IPv6) of up to ~360 bytes,
# which overflowed the writer's buffer (glibc abort of `hako run`, garbled files). Every
# container must start, and every container's hosts file must hold every peer's two lines
# in full.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/network/common.inc"

needs_kinds "hosts with long aliases" veth bridge
sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0
check "dual-stack network" h network create --ipv6 --subnet 10.77.0.0/24 \
	--subnet fd77::/64 v6net

A=$(printf 'a%.0s' $(seq 62))
aliases="${A}1 ${A}2 ${A}3 ${A}4" # 4 x 63 characters: the longest alias list there is
al=()
for a in $aliases; do al+=(--network-alias "$a"); done
# names of the longest length (63), differing in the last character
name() { printf 'c%061d%s' 0 "$1"; }
on_exit h rm -f "$(name A)" "$(name B)" "$(name C)" "$(name D)"
for k in A B C D; do
	out=$(h run -d --name "$(name $k)" --network v6net "${al[@]}" --rootfs "$R" -- sleep 60 2>&1)
	rc=$?
	is "container $k starts (exit status)" "$rc" 0
	[ "$rc" = 0 ] || printf '%s\n' "$out" | tail -3 | diag
done

# Each container's /etc/hosts: the lines run wrote, the mark, then two lines per peer.
for k in A B C D; do
	hosts=$(h exec "$(name $k)" -- cat /etc/hosts 2>&1)
	bad=""
	for p in A B C D; do
		ip4=$(h exec "$(name $p)" -- ip -4 -o addr show eth0 2>/dev/null | awk '{sub("/.*", "", $4); print $4}')
		ip6=$(h exec "$(name $p)" -- ip -6 -o addr show eth0 scope global 2>/dev/null |
			awk '{sub("/.*", "", $4); print $4}')
		for want in "$ip4	$(name $p) $aliases" "$ip6	$(name $p) $aliases"; do
			[ "$(grep -cxF -- "$want" <<<"$hosts")" = 1 ] || bad="$bad [${want%% *}]"
		done
	done
	# nothing else after the mark: 8 lines, no garbage
	after=$(sed -n '/^# hako networks$/,$p' <<<"$hosts" | wc -l)
	if [ -z "$bad" ] && [ "$after" = 9 ] && grep -q '^127.0.0.1' <<<"$hosts"; then
		ok "hosts of container $k: every peer's lines intact"
	else
		not_ok "hosts of container $k"
		printf '%s\n' "missing:$bad" "lines from the mark: $after" | diag
		cut -c1-100 <<<"$hosts" | diag
	fi
done

# A foreground container (the report's form): exit status 0, and it sees all five
out=$(h run --rm --name "$(name E)" --network v6net "${al[@]}" --rootfs "$R" -- cat /etc/hosts 2>&1)
is "foreground run --rm: exit status" "$?" 0
is "foreground run --rm: 10 peer lines, all whole" \
	"$(sed -n '/^# hako networks$/,$p' <<<"$out" | grep -c " $aliases\$")" 10

# A peer leaving takes its lines out of the others' files.
h rm -f "$(name D)" >/dev/null
hosts=$(h exec "$(name A)" -- cat /etc/hosts)
is "peer D gone from A's hosts" "$(grep -c "$(name D)" <<<"$hosts")" 0
is "A's hosts: 6 peer lines" "$(sed -n '/^# hako networks$/,$p' <<<"$hosts" | wc -l)" 7

h rm -f "$(name A)" "$(name B)" "$(name C)" >/dev/null
check "network removed" h network rm v6net
