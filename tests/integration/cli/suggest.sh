#!/bin/bash
# "Did you mean": an unknown group, verb or long option names the closest known one (edit
# distance over the command and option tables), one line, exit 2, nothing done; a word close
# to nothing gets the plain message (the control).
. "$HAKO_SRC/tests/lib/lib.sh"
check_fail "group: imgae -> image" 2 "^hako: unknown command group 'imgae'; did you mean 'image'\?$" \
	"$HAKO" imgae
check_fail "group: a transposition (netwrok)" 2 "did you mean 'network'\?$" "$HAKO" netwrok ls
check_fail "verb: shwo -> show" 2 "^hako: link: unknown verb 'shwo'; did you mean 'show'\?$" \
	"$HAKO" link shwo
check_fail "verb: an alias is a candidate too (lisst -> list)" 2 "did you mean 'list'\?$" \
	"$HAKO" addr lisst
check_fail "option: --netwrok=x -> --network (run: 125, as docker)" 125 \
	"^hako: run: unknown option '--netwrok'; did you mean '--network'\?$" \
	"$HAKO" run --netwrok=x --rootfs /nonexistent -- true
check_fail "option: an abbreviation is refused, the full name offered" 2 \
	"unknown option '--al'; did you mean '--all'\?$" "$HAKO" ps --al
# iproute2's abbreviations are refused (exact verbs), but named: the one word a short one begins
check_fail "ip's abbreviation: addr sh -> show" 2 "^hako: addr: unknown verb 'sh'; did you mean 'show'\?$" \
	"$HAKO" addr sh
check_fail "ip's abbreviation: ro -> route (not rm, one edit away)" 2 "did you mean 'route'\?$" "$HAKO" ro
check_fail "ip's abbreviation: im -> image (images only extends it)" 2 "did you mean 'image'\?$" "$HAKO" im
check_fail "an abbreviation of two verbs: no guess (link s: set, show)" 2 \
	"unknown verb 's'; try 'hako link help'$" "$HAKO" link s
check_fail "control: nothing close, the plain message" 2 \
	"^hako: unknown command group 'xyzzy'; try 'hako --help'$" "$HAKO" xyzzy
check_fail "control: a verb close to nothing" 2 "unknown verb 'frobnicate'; try 'hako link help'$" \
	"$HAKO" link frobnicate
check_fail "control: an option close to nothing" 2 "unknown option '--zzzzzz'; try 'hako ps --help'$" \
	"$HAKO" ps --zzzzzz
# `hako run help`: the usage, not a pull of an image called help
out=$("$HAKO" run help 2>&1)
[ $? = 0 ] && echo "$out" | grep -q "^  hako run \[--name N\]" && ok "run help: the usage" || not_ok "run help: $out"
