#!/bin/bash
# containerd (Debian's 1.6) with hako-runtime as its runc binary: `ctr run --runc-binary`
# runs a container from an image hako itself saved (hako image save: an OCI layout that
# `ctr images import` takes), then run -d, task exec, task kill, task rm. A private containerd
# (its own root, state and socket in the test's tmpfs) in the test's namespaces.
. "$HAKO_SRC/tests/lib/lib.sh"
if ! command -v containerd >/dev/null || ! command -v ctr >/dev/null; then
	skip "containerd with hako-runtime" "containerd is not installed (scripts/install-deps.sh installs it)"
	exit 0
fi
. "$HAKO_SRC/tests/integration/container/common.inc"
T=$HAKO_TEST_TMP
ln -s "$HAKO" "$T/hako-runtime"
tar -C "$R" -c . | "$HAKO" --root "$T/hroot" image import - --name bb:latest >/dev/null
check "hako image save (the image for containerd)" "$HAKO" --root "$T/hroot" image save bb:latest -o "$T/bb.tar"
containerd --root "$T/croot" --state "$T/cstate" --address "$T/c.sock" >"$T/containerd.log" 2>&1 &
cpid=$!
on_exit kill $cpid
for i in $(seq 100); do [ -S "$T/c.sock" ] && break; sleep 0.1; done
c() { timeout 30 ctr --address "$T/c.sock" "$@"; }
check "ctr images import" c images import --index-name localhost/bb:latest "$T/bb.tar"
is "ctr run --rm --runc-binary hako-runtime" \
	"$(c run --rm --runc-binary "$T/hako-runtime" localhost/bb:latest r1 sh -c 'echo hi; hostname' 2>&1)" \
	"hi
r1"
check "ctr run -d" c run -d --runc-binary "$T/hako-runtime" localhost/bb:latest d1 sleep 100
is "task ls: running" "$(c task ls | awk '$1 == "d1" {print $3}')" RUNNING
pid=$(c task ls | awk '$1 == "d1" {print $2}')
is "its pid is the container's process (PID 1, as runc's)" "$(tr '\0' ' ' </proc/$pid/cmdline)" "sleep 100 "
is "task exec" "$(c task exec --exec-id e1 d1 sh -c 'echo in-exec; cat /proc/1/cmdline | tr "\0" " "' 2>&1)" \
	"in-exec
sleep 100 "
check "task kill -s KILL" c task kill -s KILL d1
for i in $(seq 50); do [ "$(c task ls | awk '$1 == "d1" {print $3}')" = STOPPED ] && break; sleep 0.1; done
is "task ls: stopped" "$(c task ls | awk '$1 == "d1" {print $3}')" STOPPED
check "task rm" c task rm d1
check "container rm" c containers rm d1
is "nothing left in the runtime's root" "$("$T/hako-runtime" --root "$T/cstate/io.containerd.runtime.v2.task/default" list -q 2>/dev/null | wc -l)" 0
