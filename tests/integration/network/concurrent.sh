#!/bin/bash
# Many `hako run --rm` at once on one network (the default one, created by the first of
# them): every container gets a distinct address, every lease is free afterwards, and the
# next command reclaims the lease of a hako killed with -9 in the middle of a run.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/network/common.inc"

needs_kinds "concurrent runs" veth bridge
before=$(nft -s list ruleset)
N=${HAKO_NET_CONCURRENCY:-50}
out=$HAKO_TEST_TMP/addrs
mkdir -p "$out"
# No command before: the N hako also race to create the state database (store.c retries).
for i in $(seq 1 "$N"); do
	h run --rm --network bridge --rootfs "$R" -- \
		sh -c 'ip -4 -o addr show eth0 | awk "{print \$4}"; sleep 1' >"$out/$i" 2>"$out/$i.err" &
done
wait
is "all $N containers got an address" "$(cat "$out"/[0-9]* | grep -c '^10\.123\.')" "$N"
is "all addresses are distinct" "$(cat "$out"/[0-9]* | grep "^10\." | sort -u | wc -l)" "$N"
errs=$(cat "$out"/*.err | grep -v forwarding)
[ -z "$errs" ] && ok "no errors" || { not_ok "errors"; echo "$errs" | head -5 | diag; }
is "the default network is bridge on hako0" \
	"$(h network ls | awk '$1=="bridge" {print $2, $5}')" "bridge hako0"
is "every lease is free afterwards" "$(h network ls | awk '$1=="bridge" {print $7}')" 0
is "no veth left" "$(ip -o link show | grep -c '^[0-9]*: hk')" 0

# kill -9 of hako run after the lease: the next command reclaims it
# hako itself in the background, not the shell function h (whose $! is a subshell: killing
# it left hako run alive, releasing the lease itself, later under load)
"$HAKO" --root "$ROOT" run --name victim --network bridge --rootfs "$R" -- sleep 100 &
pid=$!
for _ in $(seq 50); do
	h network inspect bridge | grep -q victim && break
	sleep 0.1
done
kill -9 "$pid"
wait "$pid" 2>/dev/null
init=$(h inspect victim 2>/dev/null | sed -n 's/.*"pid": \([0-9]*\).*/\1/p')
[ -n "$init" ] && kill -9 "$init" 2>/dev/null
# the init of a pid namespace dies once every process in it is gone: wait for that (up to
# 10 s under load; a zombie counts as gone), then one command must reclaim the lease
for _ in $(seq 100); do
	[ -z "$init" ] || ! [ -e "/proc/$init" ] || [ "$(awk '{print $3}' "/proc/$init/stat" 2>/dev/null)" = Z ] && break
	sleep 0.1
done
is "lease of the killed run reclaimed by the next command" \
	"$(h network ls | awk '$1=="bridge" {print $7}')" 0
h rm -f victim >/dev/null 2>&1
check "default network removed" h network rm bridge
is "nft list ruleset back to its original state" "$(nft -s list ruleset)" "$before"
