#!/bin/bash
# Every verb of every command group is documented in docs/cli.md and in its man page;
# global usage errors have the documented exit status.
. "$HAKO_SRC/tests/lib/lib.sh"
groups=$("$HAKO" --help | sed -n '/^Groups:/,/^$/p' | awk 'NR>1 && NF {print $1}')
[ -n "$groups" ] && ok "hako --help lists groups" || not_ok "hako --help lists groups"
for g in $groups; do
	verbs=$("$HAKO" "$g" help 2>/dev/null | awk -v g="$g" '$1=="hako" && $2==g {print $3}' | sort -u)
	if [ -z "$verbs" ]; then
		# a single-verb command (run, exec, ps, ...): --help prints its usage, exit 0
		if out=$("$HAKO" "$g" --help 2>&1) && printf '%s' "$out" | grep -qi "usage"; then ok "$g --help prints usage"
		else not_ok "$g --help prints usage"; printf '%s\n' "$out" | diag; fi
		if grep -Eq "^#+ .*hako $g\b" "$HAKO_SRC/docs/cli.md"; then ok "docs/cli.md documents '$g'"
		else not_ok "docs/cli.md documents '$g'"; fi
		continue
	fi
	for v in $verbs; do
		if grep -Eq "^#+ .*hako $g $v\b" "$HAKO_SRC/docs/cli.md"; then ok "docs/cli.md documents '$g $v'"
		else not_ok "docs/cli.md documents '$g $v'"; fi
	done
	man=$(ls "$HAKO_SRC"/man/hako-"$g".[18] 2>/dev/null | head -1)
	[ -n "$man" ] || man=$(grep -l "^\.B.*hako $g\b" "$HAKO_SRC"/man/*.[18] 2>/dev/null | head -1)
	if [ -n "$man" ] && ! grep -q PLACEHOLDER "$man" && grep -q '^\.SH' "$man"; then ok "man page for $g"
	else not_ok "man page for $g"; fi
done
check_fail "unknown group" 2 "unknown command group" "$HAKO" nosuchgroup
check_fail "unknown verb" 2 "unknown verb" "$HAKO" netns nosuchverb
check_fail "bad global option" 2 "try 'hako --help'" "$HAKO" --nosuchoption
check_fail "--atomic without -b" 2 "atomic" "$HAKO" --atomic netns list
check_fail "bad -n name" 2 "namespace name" "$HAKO" -n a/b link show
check "hako --version" "$HAKO" --version
