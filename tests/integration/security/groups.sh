#!/bin/bash
# The operator's supplementary groups never reach a container (found 2026-12-03: a caller in
# group 3 ran `hako run --cap-drop ALL -v FILE` and the container, root without
# CAP_DAC_OVERRIDE, read a host file of mode 040 through that group). Every process hako
# puts in a container drops them first: hako run's command and its PID 1, hako exec, oci run
# and oci exec; the process's groups are its user's (-u USER:GROUP, additionalGids) only,
# unless an OCI config asks for crun's run.oci.keep_original_groups. Oracles: the kernel's
# /proc/PID/status Groups line, the host file's access checks (setpriv(1) as the control),
# id(1) inside.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"
T=$HAKO_TEST_TMP
echo topsecret >"$T/secret"
chown 5:3 "$T/secret"
chmod 040 "$T/secret" # readable by group 3 only
chmod 755 "$T"
g() { setpriv --groups 1,2,3 "$@"; } # the operator, in groups 1, 2 and 3

# --- the controls: the file is readable through group 3 and only so; the caller has them
is "control: uid 5000 in group 3 reads the file (setpriv)" \
	"$(setpriv --reuid 5000 --regid 5000 --groups 3 cat "$T/secret" 2>&1)" topsecret
is "control: uid 5000 in groups 1,2 cannot" \
	"$(setpriv --reuid 5000 --regid 5000 --groups 1,2 cat "$T/secret" 2>&1 | grep -o 'Permission denied')" "Permission denied"
is "control: the caller's groups are 1 2 3" "$(g grep ^Groups: /proc/self/status | cut -f2)" "1 2 3 "

# --- hako run: the attack, its reason, and the positive control through an explicit group
out=$(g "$HAKO" --root "$T/h" run --rm --cap-drop ALL --network none -v "$T/secret:/s:ro" --rootfs "$R" \
	-- sh -c 'cat /s; for p in self 1; do echo "[$(grep ^Groups: /proc/$p/status | cut -f2 | tr -d " ")]"; done' 2>&1)
is "run --cap-drop ALL: the host file is not readable through the operator's group; the command and PID 1 have no group" \
	"$(echo "$out" | tr '\n' ' ')" "cat: can't open '/s': Permission denied [] [] "
is "run -u 0:3 (the group asked for): readable (positive control)" \
	"$(g "$HAKO" --root "$T/h" run --rm --cap-drop ALL --network none -u 0:3 -v "$T/secret:/s:ro" --rootfs "$R" -- cat /s 2>&1)" topsecret
is "run -u 1000: no group of the operator's for the command nor for PID 1" \
	"$(g "$HAKO" --root "$T/h" run --rm --network none -u 1000 --rootfs "$R" -- sh -c 'grep ^Groups: /proc/self/status /proc/1/status | cut -f2 | tr -d " \n"; echo .')" "."

# --- hako exec
g "$HAKO" --root "$T/h" run -d --name e1 --network none --rootfs "$R" -- sleep 60 >/dev/null
on_exit "$HAKO" --root "$T/h" rm -f e1
is "exec: no group of the operator's (the container's run with them was made by the same caller)" \
	"$(g "$HAKO" --root "$T/h" exec e1 sh -c 'grep ^Groups: /proc/self/status | cut -f2; grep ^Groups: /proc/1/status | cut -f2' | tr -d ' \n')" ""
"$HAKO" --root "$T/h" rm -f e1 >/dev/null 2>&1

# --- the OCI runtime: additionalGids only; crun's annotation keeps the runtime's
B=$T/bundle
mkdir -p "$B"
cp -a "$R" "$B/rootfs"
oc() { (cd "$B" && g "$HAKO" oci --root "$T/or" "$@" </dev/null 2>&1); }
"$HAKO" oci spec --bundle "$B"
cfgj() { python3 -c "import json; c=json.load(open('$B/config.json')); $1; json.dump(c, open('$B/config.json','w'))"; }
cfgj "c['root']['readonly']=False; c['process']['terminal']=False; c['process']['args']=['sh','-c','grep ^Groups: /proc/self/status | cut -f2']"
is "oci run: no group of the runtime's" "$(oc run o1 | tr -d ' ')" ""
cfgj "c['process']['user']['additionalGids']=[7, 9]"
is "oci run: additionalGids are the process's groups" "$(oc run o2)" "7 9 "
cfgj "c['annotations']={'run.oci.keep_original_groups':'1'}"
is "oci run, run.oci.keep_original_groups=1 (crun's): the runtime's groups are kept" "$(oc run o3)" "1 2 3 "
cfgj "c['annotations']={'run.oci.keep_original_groups':'0'}"
is "oci run, run.oci.keep_original_groups=0: not kept" "$(oc run o4)" "7 9 "
cfgj "c['annotations']={'run.oci.keep_original_groups':1}"
check_fail "a keep_original_groups that is no string: refused with its path" 2 \
	"annotations.run.oci.keep_original_groups" sh -c "cd '$B' && '$HAKO' oci --root '$T/or' run o5 </dev/null"
cfgj "c.pop('annotations'); c['process']['args']=['sleep','60']"
oc create x1 >/dev/null
oc start x1 >/dev/null
is "oci exec: the container's additionalGids only" "$(oc exec x1 sh -c 'grep ^Groups: /proc/self/status | cut -f2')" "7 9 "
"$HAKO" oci --root "$T/or" delete --force x1 >/dev/null 2>&1
