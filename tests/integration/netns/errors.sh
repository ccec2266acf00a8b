#!/bin/bash
# Bad input and failures: one clear line, the documented exit status, nothing changed.
. "$HAKO_SRC/tests/lib/lib.sh"
s=$(uniq_suffix)
on_exit "for n in \$(ip netns list | awk '{print \$1}'); do ip netns del \$n; done"

"$HAKO" netns add "k$s"
ino=$(stat -L -c %i "/run/netns/k$s")
snap() { ls -A /run/netns; findmnt -n -l -R -o TARGET /run/netns; }
before=$(snap)

check_fail "name with '/'" 2 "must not contain '/'" "$HAKO" netns add "a/b"
check_fail "name '..'" 2 "'\.\.' is not allowed" "$HAKO" netns add ..
check_fail "name '.'" 2 "not allowed" "$HAKO" netns add .
check_fail "empty name" 2 "name is empty" "$HAKO" netns add ""
check_fail "name with a space" 2 "whitespace" "$HAKO" netns add "a b"
check_fail "name of 256 bytes" 2 "longer than 255" "$HAKO" netns add "$(printf 'n%.0s' $(seq 256))"
check_fail "del with '/'" 2 "must not contain" "$HAKO" netns del "../etc"
check_fail "exec with '..'" 2 "not allowed" "$HAKO" netns exec .. true
check_fail "missing name" 2 "missing argument" "$HAKO" netns add
check_fail "extra argument" 2 "unexpected argument" "$HAKO" netns add "y$s" extra
check_fail "del: nonexistent" 5 "network namespace 'nope$s' does not exist" "$HAKO" netns del "nope$s"
check_fail "exec: nonexistent" 5 "network namespace 'nope$s' does not exist" "$HAKO" netns exec "nope$s" true
check_fail "pids: nonexistent" 5 "does not exist" "$HAKO" netns pids "nope$s"
check_fail "-n nonexistent" 5 "does not exist" "$HAKO" -n "nope$s" netns list
check_fail "duplicate add" 1 "network namespace 'k$s' already exists" "$HAKO" netns add "k$s"
is "duplicate add left the existing namespace untouched" "$(stat -L -c %i "/run/netns/k$s")" "$ino"
is "nothing changed under /run/netns" "$(snap)" "$before"

# not root: exit 4 with a permission line, nothing created or removed
if command -v setpriv >/dev/null; then
	nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	check_fail "non-root add: exit 4" 4 "permission denied" nobody "$HAKO" netns add "x$s"
	check_fail "non-root del: exit 4" 4 "permission denied" nobody "$HAKO" netns del "k$s"
	check_fail "non-root attach: exit 4" 4 "permission denied" nobody "$HAKO" netns attach "x$s" $$
	check "non-root list works" nobody "$HAKO" netns list
	is "non-root attempts changed nothing" "$(snap)" "$before"
else
	skip "non-root" "setpriv is not installed"
fi

# a stray empty file under /run/netns (no namespace on it)
touch "/run/netns/stray$s"
check_fail "exec on a stray file" 1 "holds no namespace" "$HAKO" netns exec "stray$s" true
is "list shows the stray name like ip netns list" "$("$HAKO" netns list | grep -c "^stray$s\$")" "1"
check "del removes a stray file" "$HAKO" netns del "stray$s"
is "stray file gone" "$(snap)" "$before"
