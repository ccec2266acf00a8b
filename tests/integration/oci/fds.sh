#!/bin/bash
# hako oci: descriptors passed to the container's process. --preserve-fds N (create, run,
# exec) passes the runtime's fds 3 .. 3+N-1 as the same numbers and nothing else; socket
# activation (LISTEN_FDS in the runtime's environment) passes those too, with LISTEN_FDS and
# LISTEN_PID (the receiving process's pid as the container sees it) in its environment.
# Oracles: /proc/self/fd and readlink inside the container, the files' contents, printenv.
. "$HAKO_SRC/tests/integration/oci/common.inc"
oci_bundle
echo three >"$HAKO_TEST_TMP/f3"
echo four >"$HAKO_TEST_TMP/f4"
echo five >"$HAKO_TEST_TMP/f5"
# the fds the command holds (but the one ls opens to list them), and what 3 and 4 are
cfg "c['process']['args']=['sh','-c','ls /proc/self/fd | tr \"\\\\n\" \" \"; echo; cat <&3; cat <&4']"

# --- without --preserve-fds: fds 3-5 of the runtime stay out (the positive control below)
out=$(cd "$B" && o run p0 </dev/null 3<"$HAKO_TEST_TMP/f3" 4<"$HAKO_TEST_TMP/f4" \
	5<"$HAKO_TEST_TMP/f5" 2>&1)
is "run without --preserve-fds: only 0-2 (and ls's own)" "$(echo "$out" | head -1)" "0 1 2 3 "

# --- --preserve-fds 2: 3 and 4, as the same numbers and the same files, 5 not
out=$(cd "$B" && o run --preserve-fds 2 p2 </dev/null 3<"$HAKO_TEST_TMP/f3" \
	4<"$HAKO_TEST_TMP/f4" 5<"$HAKO_TEST_TMP/f5" 2>&1)
is "run --preserve-fds 2: 0-4 (and ls's own 5), not the runtime's 5" "$(echo "$out" | head -1)" "0 1 2 3 4 5 "
is "run --preserve-fds 2: fd 3 and 4 are the runtime's" "$(echo "$out" | tail -n +2 | tr '\n' ' ')" "three four "

# --- a hako descriptor never reaches the container, even in the preserved range: with fds
# 3 and 4 closed in the caller, whatever hako opens there stays its own (close-on-exec)
cfg "c['process']['args']=['sh','-c','ls /proc/self/fd | tr \"\\\\n\" \" \"']"
out=$(cd "$B" && o run --preserve-fds 3 p3 </dev/null 3<&- 4<&- 5<"$HAKO_TEST_TMP/f5" 2>&1)
is "run --preserve-fds 3 with 3 and 4 closed: only the caller's 5 (and ls's 3)" "$out" "0 1 2 3 5 "

# --- create + start: the descriptors stay with the waiting process until start
cfg "c['process']['args']=['sh','-c','cat <&3 >/out; ls /proc/self/fd | tr \"\\\\n\" \" \" >>/out']"
(cd "$B" && o create --preserve-fds 1 c1 </dev/null >/dev/null 2>&1 3<"$HAKO_TEST_TMP/f3" \
	4<"$HAKO_TEST_TMP/f4")
is "create --preserve-fds 1: exit 0" "$?" 0
check "start" o start c1
for i in $(seq 50); do [ "$(o state c1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" = stopped ] && break; sleep 0.1; done
is "create --preserve-fds 1: fd 3 is the creator's, 4 is not passed" "$(cat "$B/rootfs/out" | tr '\n' ' ')" "three 0 1 2 3 4 "
check "delete" o delete c1

# --- exec --preserve-fds
cfg "c['process']['args']=['sleep','60']"
(cd "$B" && o run -d e1 </dev/null >/dev/null 2>&1)
out=$(o exec e1 sh -c 'ls /proc/self/fd | tr "\n" " "' </dev/null 3<"$HAKO_TEST_TMP/f3" 2>&1)
is "exec without --preserve-fds: not the runtime's 3" "$out" "0 1 2 3 "
out=$(o exec --preserve-fds 1 e1 sh -c 'cat <&3' </dev/null 3<"$HAKO_TEST_TMP/f3" 2>&1)
is "exec --preserve-fds 1: the runtime's 3" "$out" "three"
check_fail "exec --preserve-fds: a number" 2 "--preserve-fds 'x' is not a number" o exec --preserve-fds x e1 true
check "delete --force" o delete --force e1

# --- socket activation: LISTEN_FDS=2 passes 3 and 4 (after --preserve-fds's, when given)
cfg "c['process']['args']=['sh','-c','echo \$LISTEN_FDS \$LISTEN_PID \$\$; cat <&3; cat <&4']"
out=$(cd "$B" && LISTEN_FDS=2 o run s1 </dev/null 3<"$HAKO_TEST_TMP/f3" 4<"$HAKO_TEST_TMP/f4" 2>&1)
is "LISTEN_FDS=2: LISTEN_FDS=2, LISTEN_PID the command's own pid, fds 3 and 4" \
	"$(echo $out)" "2 1 1 three four"
cfg "c['process']['args']=['sh','-c','echo \$LISTEN_FDS \$LISTEN_PID; cat <&5']"
out=$(cd "$B" && LISTEN_FDS=1 o run --preserve-fds 2 s2 </dev/null 3<"$HAKO_TEST_TMP/f3" \
	4<"$HAKO_TEST_TMP/f4" 5<"$HAKO_TEST_TMP/f5" 2>&1)
is "LISTEN_FDS=1 with --preserve-fds 2: fd 5 is passed too" "$(echo $out)" "1 1 five"
cfg "c['process']['args']=['sh','-c','echo \${LISTEN_FDS:-none} \${LISTEN_PID:-none}; ls /proc/self/fd | tr \"\\\\n\" \" \"']"
out=$(cd "$B" && LISTEN_FDS=1 LISTEN_PID=1 o run s3 </dev/null 3<"$HAKO_TEST_TMP/f3" 2>&1)
is "LISTEN_FDS for another process (LISTEN_PID=1): nothing passed" "$(echo $out)" "none none 0 1 2 3"
check_fail "LISTEN_FDS: a number" 2 "LISTEN_FDS 'x' is not a number" env LISTEN_FDS=x "$HAKO" oci --root "$OR" run -b "$B" s4
is "nothing left" "$(o list -q)" ""
