#!/bin/bash
# Terminal escapes from a container (security review finding 11): a container's argv holds
# OSC (set title) + BEL, CSI 2J (clear screen), a C1 CSI in UTF-8 and a raw 8-bit CSI. The
# human tables of `hako top`, `hako ps` and `hako ns list` print none of those bytes (they
# are shown as \xNN), and the JSON output still carries the exact string, with the control
# characters as \u00XX escapes.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"

P=$(printf '\033]0;PWNED-TITLE\007\033[2J\302\233\233X\303\251')
# what the tables show: printable UTF-8 (the final e-acute) is kept
ESCAPED='\x1b]0;PWNED-TITLE\x07\x1b[2J\xc2\x9b\x9bX'$'\303\251'

# raw BYTES: does stdin hold ESC, BEL, or a C1 CSI (0x9b)?
raw() { od -An -v -tx1 | tr -s ' \n' '\n\n' | grep -Eq '^(1b|07|9b)$'; }

# human DESC CMD...: no control byte in the output, and the payload shown escaped
human() {
	local desc=$1 out
	shift
	out=$("$@" 2>&1)
	if printf '%s' "$out" | raw; then
		not_ok "$desc: control bytes reach the terminal"
		printf '%s' "$out" | od -c | grep -m3 033 | diag
	elif ! grep -qF -- "$ESCAPED" <<<"$out"; then
		not_ok "$desc: payload not shown escaped"
		printf '%s\n' "$out" | diag
	else
		ok "$desc: control bytes shown as \\xNN"
	fi
}

# json DESC PYEXPR CMD...: PYEXPR over the parsed output (d) and payload (p) is true
json() {
	local desc=$1 expr=$2
	shift 2
	if "$@" 2>/dev/null | P="$P" python3 -c '
import json, os, sys
p = os.environb[b"P"].decode("utf-8", "surrogateescape")
raw = sys.stdin.buffer.read()
d = json.loads(raw.decode("utf-8", "surrogateescape"))
# ESC, BEL and the C1 CSI in UTF-8 escaped (\u00XX); the raw 8-bit byte, which no JSON
# string can hold escaped, is passed as it is
clean = all(b not in raw for b in (b"\x1b", b"\x07", b"\xc2\x9b"))
sys.exit(0 if clean and ('"$expr"') else 1)'; then
		ok "$desc"
	else
		not_ok "$desc"
		"$@" 2>&1 | od -c | head -20 | diag
	fi
}

check "container with escapes in its argv" \
	h run -d --name esc --rootfs "$R" -- sh -c 'sleep 60; true' "$P"
on_exit h rm -f esc
for _ in $(seq 50); do h top esc 2>/dev/null | grep -q 'sleep 60' && break; sleep 0.1; done

human "top" h top esc
human "ps" h ps
json "top -j: the exact command line" 'any(p in r["command"] for r in d)' h -j top esc
json "ps -j: the exact argv" 'any(r["command"][-1] == p for r in d)' h -j ps

# ns list: a process of our own in a new UTS namespace, so its command heads the row
unshare --uts sh -c 'sleep 60; true' "$P" &
pid=$!
on_exit kill $pid
for _ in $(seq 50); do
	[ "$(readlink /proc/$pid/ns/uts)" != "$(readlink /proc/self/ns/uts)" ] && break
	sleep 0.1
done
ino=$(stat -L -c %i /proc/$pid/ns/uts)
human "ns list" h ns list -t uts
json "ns list -j: the exact command line" \
	"any(r['ns'] == $ino and p in r.get('command', '') for r in d)" h ns list -t uts -j
# the rest of the argv is shown as it is
h ps | grep -qF "sh -c sleep 60; true $ESCAPED" && ok "ps: the plain words unchanged" ||
	{ not_ok "ps: the plain words unchanged"; h ps | diag; }
