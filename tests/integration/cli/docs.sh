#!/bin/bash
# Every verb of every command group is documented in docs/cli.md and in its man page, which
# are made from one source (docs/hako.md, docs/parts: scripts/gendoc.py) with --help; the
# options the C sources accept agree with the documented synopses (gendoc.py check, with a
# negative control); global usage errors have the documented exit status.
. "$HAKO_SRC/tests/lib/lib.sh"
groups=$("$HAKO" --help | sed -n '/^Groups:/,/^$/p' | awk 'NR>1 && NF {print $1}')
[ -n "$groups" ] && ok "hako --help lists groups" || not_ok "hako --help lists groups"
for g in $groups; do
	verbs=$("$HAKO" "$g" help 2>/dev/null | awk -v g="$g" '$1=="hako" && $2==g && $3 ~ /^[a-z]/ {print $3}' | sort -u)
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
	B=$(dirname "$HAKO")
	man=$(ls "$B"/hako-"$g".[18] 2>/dev/null | head -1)
	[ -n "$man" ] || man=$(grep -l "^hako $g\b" "$B"/hako*.[18] 2>/dev/null | head -1)
	if [ -n "$man" ] && ! grep -q PLACEHOLDER "$man" && grep -q '^\.SH' "$man"; then ok "man page for $g"
	else not_ok "man page for $g"; fi
done
check_fail "unknown group" 2 "unknown command group" "$HAKO" nosuchgroup
check_fail "unknown verb" 2 "unknown verb" "$HAKO" netns nosuchverb
check_fail "bad global option" 2 "try 'hako --help'" "$HAKO" --nosuchoption
check_fail "--atomic without -b" 2 "atomic" "$HAKO" --atomic netns list
check_fail "bad -n name" 2 "namespace name" "$HAKO" -n a/b link show
check "hako --version" "$HAKO" --version
# one source: the agreement check passes, and fails on a disagreement planted in a copy
check "docs agree with the commands (gendoc.py check)" python3 "$HAKO_SRC/scripts/gendoc.py" check
C=$HAKO_TEST_TMP/doccopy
mkdir -p "$C/scripts" "$C/src"
cp -r "$HAKO_SRC/docs" "$C/docs"
cp -r "$HAKO_SRC/src/cli" "$C/src/cli"
cp "$HAKO_SRC/scripts/gendoc.py" "$C/scripts/"
sed -i 's/\[-q|--quiet\]//; /^- `-q, --quiet`/d' "$C/docs/parts/container.md"
out=$(python3 "$C/scripts/gendoc.py" check 2>&1)
[ $? = 1 ] && echo "$out" | grep -q "hako ps: option --quiet is accepted but not in its synopsis" &&
	ok "an option missing from the docs is found" || not_ok "docs without --quiet: $out"
cp "$HAKO_SRC/docs/parts/container.md" "$C/docs/parts/"
sed -i 's/{ "all", no_argument, NULL, .a. },/{ "all", no_argument, NULL, 1 }, { "every", no_argument, NULL, 2 },/' "$C/src/cli/cmd_ps.c"
out=$(python3 "$C/scripts/gendoc.py" check 2>&1)
[ $? = 1 ] && echo "$out" | grep -q "hako ps: option --every is accepted but not in its synopsis" &&
	ok "an option the code accepts but the docs lack is found" || not_ok "ps --every: $out"
cp "$HAKO_SRC/src/cli/cmd_ps.c" "$C/src/cli/"
echo "stale" >>"$C/docs/cli.md"
out=$(python3 "$C/scripts/gendoc.py" check 2>&1)
[ $? = 1 ] && echo "$out" | grep -q "docs/cli.md: stale" && ok "a stale docs/cli.md is found" ||
	not_ok "stale cli.md: $out"
# --help prints the documented synopsis (then the options' descriptions), the man page holds
# the same text
# (a long synopsis is wrapped at spaces: its lines joined give it back)
is "hako ps --help is the synopsis of docs/parts" \
	"$("$HAKO" ps --help | sed -n '2,/^$/p' | sed '/^$/d; s/^ *//' | paste -sd ' ')" \
	"$(grep -o '^`hako ps [^`]*' "$HAKO_SRC/docs/parts/container.md" | tr -d '`')"
if command -v groff >/dev/null; then
	for m in "$(dirname "$HAKO")"/hako.1 "$(dirname "$HAKO")"/hako-*.8; do
		w=$(groff -man -z -ww "$m" 2>&1)
		[ -z "$w" ] && ok "$(basename "$m") renders without warnings" || { not_ok "$(basename "$m"): $w"; }
	done
fi
if [ -f "$(dirname "$HAKO")/completion/hako" ]; then
	out=$(bash -c ". '$(dirname "$HAKO")/completion/hako'; COMP_WORDS=(hako netns a); COMP_CWORD=2; _hako; echo \${COMPREPLY[*]}")
	is "bash completion: hako netns a<TAB>" "$out" "add attach"
	out=$(bash -c ". '$(dirname "$HAKO")/completion/hako'; COMP_WORDS=(hako run --cap); COMP_CWORD=2; _hako; echo \${COMPREPLY[*]}")
	is "bash completion: hako run --cap<TAB>" "$out" "--cap-add --cap-drop"
fi
# --help describes the options the docs describe (generated from the same section)
out=$("$HAKO" ns list --help)
echo "$out" | grep -q "^Options:$" && echo "$out" | grep -Eq "^  -o, --output LIST +the columns shown" &&
	ok "ns list --help describes its options" || not_ok "ns list --help: $out"
"$HAKO" vm help | grep -q "^Options:" && not_ok "a group's help lists only the synopses" ||
	ok "a group's help lists only the synopses"
