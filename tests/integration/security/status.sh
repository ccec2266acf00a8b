#!/bin/bash
# Capabilities, no_new_privs and seccomp mode as the command of a `hako run` container sees
# them in /proc/self/status, against Docker's documented defaults; bad capability names
# refused before anything runs.
. "$HAKO_SRC/tests/integration/security/common.bash"
DOCKER=00000000a80425fb

is "default CapEff is Docker's" "$(status_field CapEff)" $DOCKER
is "default CapPrm is Docker's" "$(status_field CapPrm)" $DOCKER
is "default CapBnd is Docker's" "$(status_field CapBnd)" $DOCKER
is "default CapInh is empty" "$(status_field CapInh)" 0000000000000000
is "default CapAmb is empty" "$(status_field CapAmb)" 0000000000000000
is "default NoNewPrivs: 1" "$(status_field NoNewPrivs)" 1
is "default Seccomp: 2 (filter)" "$(status_field Seccomp)" 2
is "capsh decodes the same 14 names" \
	"$(capsh --decode=$DOCKER | sed 's/.*=//' | tr ',' '\n' | sort | tr '\n' ' ')" \
	"$(sx -- capsh --print | sed -n 's/^Current: \(.*\)=ep$/\1/p' | tr ',' '\n' | sort | tr '\n' ' ')"

# A non-root user: nothing effective or permitted, the bounding set kept (as Docker).
is "--user 1000: CapEff empty" "$(status_field CapEff --user 1000:1000)" 0000000000000000
is "--user 1000: CapPrm empty" "$(status_field CapPrm --user 1000:1000)" 0000000000000000
is "--user 1000: CapBnd Docker's" "$(status_field CapBnd --user 1000:1000)" $DOCKER
is "--user 1000 --cap-add NET_ADMIN: still nothing effective" \
	"$(status_field CapEff --user 1000 --cap-add NET_ADMIN)" 0000000000000000
is "--user 1000:1001: ids switched" "$(sx --user 1000:1001 -- id -u):$(sx --user 1000:1001 -- id -g):$(sx --user 1000:1001 -- id -G)" "1000:1001:1001"

is "--cap-add NET_ADMIN" "$(status_field CapEff --cap-add NET_ADMIN)" 00000000a80435fb
is "--cap-add cap_sys_admin (any case, prefix)" "$(status_field CapEff --cap-add cap_sys_admin)" 00000000a82425fb
is "--cap-drop ALL" "$(status_field CapEff --cap-drop ALL)" 0000000000000000
is "--cap-drop ALL: bounding empty too" "$(status_field CapBnd --cap-drop ALL)" 0000000000000000
is "--cap-drop all --cap-add kill" "$(status_field CapEff --cap-drop all --cap-add kill)" 0000000000000020
is "--cap-drop CHOWN,NET_RAW" "$(status_field CapEff --cap-drop CHOWN,NET_RAW)" 00000000a80405fa
host_bnd=$(grep '^CapBnd:' /proc/self/status | awk '{print $2}')
is "--privileged: everything hako holds" "$(status_field CapEff --privileged)" "$host_bnd"
is "no-new-privileges=false: NoNewPrivs 0" "$(status_field NoNewPrivs --security-opt no-new-privileges=false)" 0
is "no-new-privileges=false: seccomp still on" "$(status_field Seccomp --security-opt no-new-privileges=false)" 2
is "--seccomp unconfined: Seccomp 0" "$(status_field Seccomp --security-opt seccomp=unconfined)" 0

# Bad input: exit 125 (hako run's status for its own failures), one line, the command never
# runs; the same command with good options does (positive control).
m="$W/ran"
check_fail "--cap-add BOGUS refused" 125 "--cap-add: unknown capability 'BOGUS'" \
	sx --cap-add BOGUS -- touch /w/ran
check_fail "--cap-drop 'chown,' refused" 125 "--cap-drop: bad capability list" \
	sx --cap-drop chown, -- touch /w/ran
is "nothing ran" "$([ -e "$m" ] && echo ran || echo none)" none
check "the same command with good options runs" sx --cap-drop chown -- touch /w/ran
is "and leaves its mark" "$([ -e "$m" ] && echo ran || echo none)" ran
