#!/bin/bash
# hako netns add/list/del, checked with iproute2 (ip netns list, ip -j netns list, findmnt):
# the same /run/netns layout as `ip netns add`, nsids shown like `ip netns list`.
. "$HAKO_SRC/tests/lib/lib.sh"
# the mounts findmnt lists under /run/netns: also the host's names hidden under the test's
# tmpfs (copied into this mount namespace), which are not this test's
left() { findmnt -n -l -o TARGET,SOURCE -R /run/netns | awk '$1 != "/run/netns"' | sort; }
left0=$(left)
s=$(uniq_suffix)
on_exit "for n in \$(ip netns list | awk '{print \$1}'); do ip netns del \$n; done"

jnorm() { python3 -c 'import json,sys; print(sorted(json.dumps({k: v for k, v in o.items() if k != "cookie"}, sort_keys=True) for o in json.load(sys.stdin)))'; }

check "netns add a$s" "$HAKO" netns add "a$s"
check "netns add b$s" "$HAKO" netns add "b$s"
is "ip netns list sees both" "$(ip netns list | awk '{print $1}' | sort | tr '\n' ' ')" "a$s b$s "
is "the file is an nsfs bind mount" "$(findmnt -n -o FSTYPE --mountpoint /run/netns/a$s)" "nsfs"
is "/run/netns is a shared mount point" "$(findmnt -n -o PROPAGATION --mountpoint /run/netns | tail -1)" "shared"
is "namespace file mode 0 (like ip netns add)" "$(umount /run/netns/a$s 2>/dev/null; stat -c %a /run/netns/a$s)" "0"
# put it back the iproute2 way for the rest: the test above unmounted a
ip netns del "a$s" && "$HAKO" netns add "a$s"
is "fresh namespace has only lo, down (ip -j link)" \
	"$(ip -n a$s -j link | python3 -c 'import json,sys; print([(l["ifname"], l["operstate"]) for l in json.load(sys.stdin)])')" \
	"[('lo', 'DOWN')]"
is "hako netns list == ip netns list (no ids)" "$("$HAKO" netns list | sort)" "$(ip netns list | sort)"

ip netns set "b$s" 7
is "list shows '(id: N)' for an assigned nsid" "$("$HAKO" netns list | grep "^b$s")" "b$s (id: 7)"
is "hako netns list == ip netns list (with ids)" "$("$HAKO" netns list | sort)" "$(ip netns list | sort)"
is "hako -j netns list == ip -j netns list" "$("$HAKO" -j netns list | jnorm)" "$(ip -j netns list | jnorm)"
ip -n "a$s" netns set "b$s" 3
is "-n NETNS: ids as seen from that namespace (ip -n)" "$("$HAKO" -n "a$s" netns list | sort)" "$(ip -n "a$s" netns list | sort)"
is "'netns' alone lists" "$("$HAKO" netns | sort)" "$("$HAKO" netns list | sort)"
is "'show' is an alias of list" "$("$HAKO" netns show | sort)" "$("$HAKO" netns list | sort)"

check "netns del a$s" "$HAKO" netns del "a$s"
check "netns delete (alias) b$s" "$HAKO" netns delete "b$s"
is "ip netns list is empty" "$(ip netns list)" ""
is "no file left under /run/netns" "$(ls -A /run/netns)" ""
# (the host's own names, under this test's /run/netns, were counted once: only mounts made
# since the start count)
for _ in $(seq 20); do [ "$(left)" = "$left0" ] && break; sleep 0.1; done
is "no mount left under /run/netns" "$(comm -13 <(echo "$left0") <(left))" ""

# /run/netns not a mount point yet: bound onto itself and made shared, the same layout
# iproute2 makes. Each tool on its own fresh /run, in a throwaway mount namespace.
layout() {
	unshare --mount --propagation private bash -c '
		mount -t tmpfs t /run && mkdir -p /run/netns || exit 1
		$1 netns add fresh >/dev/null || exit 1
		findmnt -n -R -o TARGET,FSTYPE,PROPAGATION /run | tail -n +2
		ip netns exec fresh ip -o link | wc -l
		$1 netns del fresh && ls -A /run/netns' layout "$1"
}
want=$(layout ip)
got=$(layout "$HAKO")
if [ -n "$want" ] && [ "$got" = "$want" ]; then ok "fresh /run/netns: same mount layout as ip netns add"
else not_ok "fresh /run/netns layout"; printf 'hako:\n%s\nip:\n%s\n' "$got" "$want" | diag; fi

# parallel adds on a fresh /run: the flock on /run/netns lets one of them do the set-up,
# so /run/netns is bound onto itself once, not once per add (Debian bug 949235)
got=$(unshare --mount --propagation private bash -c '
	mount -t tmpfs t /run && mkdir -p /run/netns || exit 1
	for i in $(seq 8); do "$1" netns add "par$i" & done; wait
	echo "$(ls /run/netns | wc -l) names, $(findmnt -n -l -R -o TARGET /run | grep -cx /run/netns) mount"
	for i in $(seq 8); do "$1" netns del "par$i"; done' par "$HAKO")
is "8 parallel adds on a fresh /run/netns" "$got" "8 names, 1 mount"

# batch: add is undone by --atomic rollback, kept without it
printf 'netns add c%s\nnetns add c%s\n' "$s" "$s" >"$HAKO_TEST_TMP/b.txt"
check_fail "batch: duplicate add fails on line 2" 1 "line 2: .*already exists" "$HAKO" -b "$HAKO_TEST_TMP/b.txt"
is "batch: line 1 stays" "$(ip netns list | awk '{print $1}')" "c$s"
ip netns del "c$s"
check_fail "batch --atomic: fails on line 2" 1 "rolled back.*line 2" "$HAKO" --atomic -b "$HAKO_TEST_TMP/b.txt"
is "batch --atomic: line 1 rolled back" "$(ls -A /run/netns)" ""
printf 'netns add d%s\nnetns del d%s\nnetns add d%s\n' "$s" "$s" "$s" | "$HAKO" -b -
is "batch: add, del, add the same name" "$(ip netns list | awk '{print $1}')" "d$s"
# -all netns del: every name, as ip -all netns delete (the test's /run/netns is its own)
ip netns add "e1$s"
ip netns add "e2$s"
check_fail "-all netns del NAME: no name with -all" 2 "unexpected 'e1$s'" "$HAKO" -all netns del "e1$s"
check "-all netns del" "$HAKO" -all netns del
is "ip netns list: none left" "$(ip netns list)" ""
check "-all netns del with none: nothing to do" "$HAKO" -all netns del
