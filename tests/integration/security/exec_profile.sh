#!/bin/bash
# `hako exec` applies the seccomp=FILE profile the container was started with: the text is
# stored with the container at run, so a file replaced or removed afterwards changes nothing
# for exec (security review finding 12). Positive control: a new run reads the new file.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"
T=$HAKO_TEST_TMP
cp -a "$R" "$T/rootfs" # the containers write to their root: not the shared cache
R=$T/rootfs
P=$T/profile.json
cat >"$P" <<'JSON'
{
	"defaultAction": "SCMP_ACT_ALLOW",
	"archMap": [
		{ "architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"] },
		{ "architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"] }
	],
	"syscalls": [
		{ "names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1 }
	]
}
JSON
# mkdir_in CT DIR: mkdir in an exec'ed process; prints "made" or the error
mkdir_in() { h exec "$1" -- sh -c "mkdir $2 2>&1 && echo made" 2>&1; }
denied() { case $1 in *"Operation not permitted"*) return 0 ;; esac; return 1; }

n=prof$(uniq_suffix)
h run -d --name "$n" --rootfs "$R" --security-opt seccomp="$P" -- sleep 1000 >/dev/null
on_exit "$HAKO --root $ROOT rm -f $n"
out=$(mkdir_in "$n" /tmp/a)
denied "$out" && ok "exec: mkdir denied by the profile (EPERM)" ||
	{ not_ok "exec: mkdir denied by the profile (EPERM)"; echo "$out" | diag; }

# The file is now an allow-all profile: exec keeps the container's filter.
echo '{"defaultAction": "SCMP_ACT_ALLOW"}' >"$P.new"
mv "$P.new" "$P"
out=$(mkdir_in "$n" /tmp/b)
denied "$out" && ok "profile file replaced by allow-all: exec's mkdir still EPERM" ||
	{ not_ok "profile file replaced by allow-all: exec's mkdir still EPERM"; echo "$out" | diag; }
is "the container's own processes agree (no /tmp/b)" \
	"$(h exec "$n" -- sh -c 'test -e /tmp/b && echo there || echo absent')" absent

# The file is gone: exec still works, with the same filter.
rm -f "$P"
is "profile file removed: exec still works" "$(h exec "$n" -- echo hi 2>&1)" hi
out=$(mkdir_in "$n" /tmp/c)
denied "$out" && ok "profile file removed: exec's mkdir still EPERM" ||
	{ not_ok "profile file removed: exec's mkdir still EPERM"; echo "$out" | diag; }
is "inspect: the seccomp option still names the file" \
	"$(h inspect "$n" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["config"]["security"]["seccomp"])')" "$P"
is "inspect: the profile's text is stored with the container" \
	"$(h inspect "$n" | python3 -c 'import json,sys; print(json.loads(json.load(sys.stdin)[0]["config"]["security"]["seccomp_profile"])["syscalls"][0]["names"])')" \
	"['mkdir', 'mkdirat']"
h rm -f "$n" >/dev/null 2>&1

# Positive control: a new run reads the file as it is now.
echo '{"defaultAction": "SCMP_ACT_ALLOW"}' >"$P"
is "a new run with the allow-all file: mkdir works" \
	"$(h run --rm --rootfs "$R" --security-opt seccomp="$P" -- sh -c 'mkdir /tmp/d 2>&1 && echo made')" made
m=prof2$(uniq_suffix)
h run -d --name "$m" --rootfs "$R" --security-opt seccomp="$P" -- sleep 1000 >/dev/null
on_exit "$HAKO --root $ROOT rm -f $m"
is "exec into it: mkdir works" "$(mkdir_in "$m" /tmp/e)" made
h rm -f "$m" >/dev/null 2>&1
