#!/bin/bash
# hako ns show [PID]: every link under /proc/PID/ns (pid_for_children, time_for_children
# included), checked against readlink; "shared with init" against PID 1 / kthreadd.
. "$HAKO_SRC/tests/lib/lib.sh"
s=$(uniq_suffix)

links() { for f in /proc/$1/ns/*; do printf '%s %s\n' "${f##*/}" "$(readlink "$f" | tr -dc 0-9)"; done | sort; }

want=$(links $$)
got=$("$HAKO" ns show -j $$ | jq -r '.[] | "\(.link) \(.ns)"' | sort)
is "show \$\$ matches readlink /proc/\$\$/ns/*" "$got" "$want"
"$HAKO" ns show -j $$ | jq -e 'map(.link) | index("pid_for_children") and index("time_for_children")' \
	>/dev/null && ok "pid_for_children and time_for_children listed" || not_ok "*_for_children listed"
got=$("$HAKO" ns show -j $$ | jq -r '.[] | select(.link == "pid_for_children") | .type')
is "pid_for_children has type pid" "$got" pid

# Default is self: the caller's own namespaces (hako runs in ours).
got=$("$HAKO" ns show -j | jq -r '.[] | "\(.link) \(.ns)"' | sort)
is "show without PID is self" "$got" "$want"

# The test runs in its own net and mnt namespaces: they differ from init; uts is shared.
init_ok=$("$HAKO" ns show -j $$ | jq -r '[.[] | has("shared_with_init")] | all')
if [ "$init_ok" = true ]; then
	got=$("$HAKO" ns show -j $$ | jq -c '[.[] | select(.shared_with_init | not) | .link] | sort')
	is "net and mnt differ from init, the rest shared" "$got" '["mnt","net"]'
	"$HAKO" ns show $$ | grep -Eq '^net +[0-9]+ +own' && ok "human: net marked own" || not_ok "human: net marked own"
	"$HAKO" ns show $$ | grep -Eq '^uts +[0-9]+ +shared' && ok "human: uts marked shared" ||
		not_ok "human: uts marked shared"
else
	skip "net and mnt differ from init" "initial namespaces unreadable here"
fi

# A process in its own uts namespace; a persisted netns shows its name.
unshare --uts sleep 60 &
p=$!
on_exit kill $p
for _ in $(seq 50); do [ "$(readlink /proc/$p/ns/uts)" != "$(readlink /proc/self/ns/uts)" ] && break; sleep 0.1; done
want=$(links $p)
got=$("$HAKO" ns show -j $p | jq -r '.[] | "\(.link) \(.ns)"' | sort)
is "show PID of an unshared process" "$got" "$want"
got=$("$HAKO" ns show -j $p | jq -r '.[] | select(.link == "uts") | .shared_with_init')
[ "$init_ok" = true ] && is "its uts is not shared with init" "$got" false

ip netns add "nss$s" && on_exit ip netns del "nss$s"
ip netns exec "nss$s" sleep 60 &
q=$!
on_exit kill $q
for _ in $(seq 50); do [ "$(stat -L -c %i /proc/$q/ns/net)" = "$(stat -L -c %i /run/netns/nss$s)" ] && break; sleep 0.1; done
got=$("$HAKO" ns show -j $q | jq -r '.[] | select(.link == "net") | .name')
is "net of a process in a named netns shows the name" "$got" "nss$s"

check_fail "nonexistent PID" 5 "process 999999999 does not exist" "$HAKO" ns show 999999999
check_fail "bad PID" 2 "PID 'x1' is not a number" "$HAKO" ns show x1
check_fail "extra argument" 2 "unexpected argument" "$HAKO" ns show 1 2
