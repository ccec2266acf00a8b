#!/bin/bash
# hako logs as docker logs: stdout and stderr kept apart (the -d log's records, ctlog.h), --tail,
# -t, --since/--until, -f; the container's own output is the oracle.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"
on_exit "h rm -f ls1 ls2 >/dev/null 2>&1"
h run -d --name ls1 --rootfs "$R" -- sh -c \
	'for i in 1 2 3 4 5 6; do echo out$i; echo err$i >&2; done; printf "no-newline"; sleep 2;
	 echo late-out; echo late-err >&2' >/dev/null || not_ok "run -d"
for i in $(seq 60); do h logs ls1 2>&1 | grep -q late-err && break; sleep 0.1; done
is "stdout only (2>/dev/null): its lines, the last one without its newline joined" \
	"$(h logs ls1 2>/dev/null | tr '\n' ' ')" "out1 out2 out3 out4 out5 out6 no-newlinelate-out "
is "stderr only (>/dev/null)" "$(h logs ls1 2>&1 >/dev/null | tr '\n' ' ')" \
	"err1 err2 err3 err4 err5 err6 late-err "
is "--tail 2: the last two lines of both streams (as Docker)" \
	"$(h logs --tail 2 ls1 2>&1 | sort | tr '\n' ' ')" "late-err no-newlinelate-out "
is "-n 1 of stderr" "$(h logs -n 1 ls1 2>&1 >/dev/null)" "late-err"
is "--tail 0: nothing" "$(h logs --tail 0 ls1 2>&1)" ""
is "--tail all: every line" "$(h logs --tail all ls1 2>&1 | wc -l)" 14
# -t: Docker's RFC3339Nano, fixed nine digits, in order per stream
ts=$(h logs -t ls1 2>/dev/null)
is "-t: every line starts with a UTC time with ns" \
	"$(echo "$ts" | grep -cE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z ')" 7
is "-t: times do not go back" "$(echo "$ts" | cut -d' ' -f1 | sort -c 2>&1 && echo sorted)" sorted
first=$(echo "$ts" | head -1 | cut -d' ' -f1)
late=$(h logs -t ls1 2>&1 >/dev/null | tail -1 | cut -d' ' -f1)
# the late lines came 2 s after the first ones: --since one second after the first
since=$(date -u -d "$(echo "$first" | sed 's/T/ /; s/Z//') UTC + 1 second" +%Y-%m-%dT%H:%M:%S.%NZ)
is "--since (RFC 3339): only the late lines" "$(h logs --since "$since" ls1 2>&1 | sort | tr '\n' ' ')" \
	"late-err no-newlinelate-out "
is "--until (the same time): only the early ones" "$(h logs --until "$since" ls1 2>&1 | wc -l)" 12
is "--since as unix seconds" "$(h logs --since "$(date -u -d "${late%Z}" +%s)" ls1 2>&1 | grep -c late)" 2
is "--since 1h (a duration): everything" "$(h logs --since 1h ls1 2>&1 | wc -l)" 14
check_fail "--since bogus: refused, exit 2" 2 "--since 'bogus'" h logs --since bogus ls1
check_fail "--tail -3: refused, exit 2" 2 "tail" h logs --tail -3 ls1
check_fail "logs of an unknown container" 5 "no such container" h logs nosuch
# -f with --tail: the last line, then what comes, until the container exits
h run -d --name ls2 --rootfs "$R" -- sh -c 'echo a; echo b; sleep 1; echo c >&2; sleep 1; echo d' >/dev/null
sleep 0.5
out=$(timeout 20 "$HAKO" --root "$ROOT" logs -f --tail 1 ls2 2>&1)
is "logs -f --tail 1: b, then c and d as they come; ends with the container" "$?:$(echo $out)" "0:b c d"
