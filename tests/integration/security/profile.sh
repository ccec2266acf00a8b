#!/bin/bash
# `hako run --security-opt seccomp=FILE` takes Docker's JSON profile format: a profile that
# blocks mkdir is honoured; malformed profiles are refused before anything runs, with one line
# naming where.
. "$HAKO_SRC/tests/integration/security/common.bash"
T=$W
cat >"$T/nomkdir.json" <<'JSON'
{
	"defaultAction": "SCMP_ACT_ALLOW",
	"archMap": [
		{ "architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"] },
		{ "architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"] }
	],
	"syscalls": [
		{ "names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
		  "comment": "no new directories" },
		{ "names": ["keyctl"], "action": "SCMP_ACT_ERRNO",
		  "excludes": { "caps": ["CAP_SYS_ADMIN"] } }
	]
}
JSON
check_fail "mkdir blocked by the profile (errnoRet 13)" 1 "Permission denied" \
	sx --security-opt seccomp="$T/nomkdir.json" -- mkdir /w/d1
is "the directory was not made" "$([ -d "$T/d1" ] && echo made || echo absent)" absent
check "other calls allowed (defaultAction ALLOW)" sx --security-opt seccomp="$T/nomkdir.json" -- touch /w/f1
is "Seccomp: 2 under the file profile" "$(status_field Seccomp --security-opt seccomp="$T/nomkdir.json")" 2
check "same profile, no filter: mkdir works" sx --security-opt seccomp=unconfined -- mkdir /w/d2
if [ "$(uname -m)" = x86_64 ]; then
	is "excludes caps: keyctl blocked by default" \
		"$(sx --security-opt seccomp="$T/nomkdir.json" -- python3 "$PROBE" keyctl)" "keyctl=EPERM"
	is "excludes caps: lifted with --cap-add SYS_ADMIN" \
		"$(sx --cap-add SYS_ADMIN --security-opt seccomp="$T/nomkdir.json" -- python3 "$PROBE" keyctl)" "keyctl=OK"
fi

m="$W/ran"
printf '{\n  "defaultAction": "SCMP_ACT_ERRNO",\n  "syscalls": [\n    { "names": ["read"] "action": "SCMP_ACT_ALLOW" }\n  ]\n}\n' >"$T/syntax.json"
check_fail "syntax error: line and column" 125 "seccomp profile '.*syntax.json': line 4, column 25: not valid JSON" \
	 sx --security-opt seccomp="$T/syntax.json" -- touch /w/ran
echo '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALOW"}]}' >"$T/action.json"
check_fail "unknown action: field named" 125 "syscalls\[0\]\.action: unknown action 'SCMP_ACT_ALOW'" \
	 sx --security-opt seccomp="$T/action.json" -- touch /w/ran
echo '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "arg": []}]}' >"$T/key.json"
check_fail "misspelt key refused" 125 "syscalls\[0\]\.arg: unknown key" \
	 sx --security-opt seccomp="$T/key.json" -- touch /w/ran
echo '{"syscalls": []}' >"$T/nodefault.json"
check_fail "missing defaultAction" 125 "defaultAction: missing" sx --security-opt seccomp="$T/nodefault.json" -- touch /w/ran
check_fail "missing file" 125 "seccomp profile '.*/nope.json': No such file" \
	 sx --security-opt seccomp="$T/nope.json" -- touch /w/ran
is "nothing ran" "$([ -e "$m" ] && echo ran || echo none)" none
