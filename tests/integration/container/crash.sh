#!/bin/bash
# kill -9 of hako: the next command repairs the state.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"
"$HAKO" --root "$ROOT" run --name crash1 --rootfs "$R" -- sleep 1000 &
hp=$!
for i in $(seq 50); do h ps -q | grep -q crash1 && break; sleep 0.05; done
id=$(h inspect crash1 | sed -n 's/.*"id": "\(.*\)".*/\1/p')
kill -9 $hp
wait $hp 2>/dev/null
sleep 0.2
is "after kill -9 of hako run: exited" "$(h ps -a | awk '$2 == "crash1" {print $3}')" exited
[ -z "$(grep "$id" /proc/self/mountinfo)" ] && ok "ns mounts repaired" || not_ok "ns mounts left"
[ ! -e /run/netns/crash1 ] && ok "netns name repaired" || not_ok "netns left"
h rm crash1 >/dev/null
[ -z "$(cgroup_dirs "$id")" ] && ok "cgroup removed" || not_ok "cgroup left"
