#!/bin/bash
# The seed's fourth document as a lab: containers test01 and test02 (kind linux, from a
# rootfs), each with a web server, joined by a bridge; each serves its own name, reached
# from the other's namespace. Destroy removes the containers too.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/lab/common.inc"
. "$HAKO_SRC/tests/integration/container/common.inc" # $R: a busybox rootfs; h with $ROOT
h lab ls >/dev/null
before=$(snapshot)
for n in test01 test02; do
	mkdir -p "$HAKO_TEST_TMP/www-$n"
	echo "$n" >"$HAKO_TEST_TMP/www-$n/index.html"
done
f=$(lab_file web <<EOF2
name: web
topology:
  kinds:
    linux:
      rootfs: $R
      cmd: httpd -f -p 80 -h /www
  nodes:
    test01:
      kind: linux
      binds: ["www-test01:/www:ro"]
      env: {GREETING: hi}
      exec: ["grep -E '^(Cap|NoNewPrivs|Seccomp)' /proc/self/status >/dev/shm/exec-sec; echo \$GREETING >/dev/shm/exec-env"]
      interfaces:
        eth1: {ipv4: 10.30.0.1/24}
    test02:
      kind: linux
      binds: ["www-test02:/www:ro"]
      cap-add: [SYS_ADMIN]
      interfaces:
        eth1: {ipv4: 10.30.0.2/24}
    br0:
      kind: bridge
  links:
    - endpoints: ["test01:eth1", "br0:test01"]
    - endpoints: ["test02:eth1", "br0:test02"]
EOF2
)
check "deploy two containers on a bridge" h lab deploy "$f"
is "both containers running (hako ps)" \
	"$(h -j ps | jq -r '[.[] | select(.name | startswith("web-")) | "\(.name)=\(.state)"] | sort | join(",")')" \
	"web-test01=running,web-test02=running"
is "test01's hostname" "$(h lab exec web test01 -- hostname)" test01
# capabilities: NET_ADMIN (12) always, SYS_ADMIN (21) only where the file's cap-add asks
capeff() { printf '%d' "0x$(h lab exec web "$1" -- grep CapEff /proc/self/status | awk '{print $2}')"; }
c1=$(capeff test01) c2=$(capeff test02)
[ $((c1 >> 12 & 1)) = 1 ] && [ $((c1 >> 21 & 1)) = 0 ] &&
	ok "test01: NET_ADMIN, no SYS_ADMIN" || not_ok "test01 CapEff $c1"
[ $((c2 >> 21 & 1)) = 1 ] && ok "test02 (cap-add: [SYS_ADMIN]): SYS_ADMIN" || not_ok "test02 CapEff $c2"
# the lab's container gets exactly hako run's defaults plus NET_ADMIN: its command's (and its
# init's) capabilities, no_new_privs and seccomp as a plain `hako run -d --cap-add NET_ADMIN`'s,
# and a plain `hako run -d`'s capabilities but for NET_ADMIN
sec() { grep -E '^(Cap|NoNewPrivs|Seccomp)' /proc/"$1"/status; }
init_of() { h inspect -f '{{.State.Pid}}' "$1"; }
main_of() { # the init's child: the container's command
	local p
	p=$(init_of "$1")
	awk '{print $1}' /proc/"$p"/task/"$p"/children
}
h run -d --name labsec-na --net none --cap-add NET_ADMIN --rootfs "$R" -- sleep 1000 >/dev/null
h run -d --name labsec-plain --net none --rootfs "$R" -- sleep 1000 >/dev/null
is "test01's command: the security of run -d --cap-add NET_ADMIN" \
	"$(sec "$(main_of web-test01)")" "$(sec "$(main_of labsec-na)")"
is "test01's init: the security of run -d --cap-add NET_ADMIN's" \
	"$(sec "$(init_of web-test01)")" "$(sec "$(init_of labsec-na)")"
capeff_of() { printf '%d' "0x$(awk '/^CapEff/ {print $2}' /proc/"$1"/status)"; }
is "test01's command: run -d's capabilities plus NET_ADMIN" \
	"$(capeff_of "$(main_of web-test01)")" "$(($(capeff_of "$(main_of labsec-plain)") | 1 << 12))"
h rm -f labsec-na labsec-plain >/dev/null
# an exec line runs as `hako exec` runs a command: the container's security and environment
is "test01's exec line: the container's security" \
	"$(h lab exec web test01 -- cat /dev/shm/exec-sec)" \
	"$(h lab exec web test01 -- sh -c "grep -E '^(Cap|NoNewPrivs|Seccomp)' /proc/self/status")"
is "test01's exec line: the node's env" "$(h lab exec web test01 -- cat /dev/shm/exec-env)" hi
# (busybox 1.35 wget -T segfaults: the timeout comes from timeout(1))
get() { timeout 5 ip netns exec "$1" "$R/bin/busybox" wget -q -O - "http://$2/" 2>&1; }
for i in 1 2 3 4 5 6 7 8 9 10; do get web-test01 10.30.0.2 >/dev/null && break; sleep 0.2; done
is "from test01's namespace, test02 serves its name" "$(get web-test01 10.30.0.2)" test02
is "from test02's namespace, test01 serves its name" "$(get web-test02 10.30.0.1)" test01
is "inspect: containers running" \
	"$(h -j lab inspect web | jq -r '[.[] | select(.kind == "linux") | .state] | unique | join(",")')" running
check "node stop web test02" h lab node stop web test02
is "inspect: test02 stopped" \
	"$(h -j lab inspect web | jq -r '[.[] | select(.node == "test02") | .state][0]')" stopped
check "node start web test02" h lab node start web test02
for i in 1 2 3 4 5 6 7 8 9 10; do get web-test01 10.30.0.2 >/dev/null && break; sleep 0.2; done
is "test02 serves again after start" "$(get web-test01 10.30.0.2)" test02
# the lab's container steps fail as one line, exit 1, whatever the container's error
h rm -f web-test02 >/dev/null
check_fail "node stop of a container removed by hand: exit 1" 1 \
	"^hako: node 'test02': stop: no such container: web-test02$" h lab node stop web test02
check_fail "lab exec in a container removed by hand: exit 125" 125 \
	"^hako: no such container: web-test02$" h lab exec web test02 -- true
check "destroy" h lab destroy web
f=$(lab_file boom <<EOF2
name: boom
topology:
  nodes:
    c: {kind: linux, rootfs: $R, cmd: sleep 2147483647, exec: ["echo out; echo boom >&2; exit 4"]}
EOF2
)
check_fail "an exec line that fails: its last stderr line, exit 1" 1 \
	"^hako: lab 'boom': node 'c': exec 'echo out; echo boom >&2; exit 4': exec: boom$" \
	h lab deploy -q "$f"
is "... and nothing of it is left (labs, containers)" \
	"$(h -j lab ls | jq length),$(h -j ps -a | jq '[.[] | select(.name | startswith("boom-"))] | length')" 0,0
is "no container left" "$(h -j ps -a | jq -r '[.[] | select(.name | startswith("web-"))] | length')" 0
as_before "after destroy, as before"
