#!/bin/bash
# Ten `hako run -d` at once: ten distinct rows, all running, an intact database; and the
# seed's check: `ss -N <container> -tl` (iproute2) sees a listener started inside. The rootfs
# is a fresh copy without /etc/hosts, as on a new machine: the ten runs all make that mount
# target at once.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"
cp -a "$R" "$HAKO_TEST_TMP/rootfs"
R=$HAKO_TEST_TMP/rootfs
rm -f "$R/etc/hosts" "$R/etc/hostname" "$R/etc/resolv.conf"
pids=()
for i in $(seq 10); do
	h run -d --name cc$i --rootfs "$R" -- sleep 1000 >"$HAKO_TEST_TMP/id$i" 2>"$HAKO_TEST_TMP/err$i" &
	pids+=($!)
done
fails=0
for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
on_exit h rm -f cc1 cc2 cc3 cc4 cc5 cc6 cc7 cc8 cc9 cc10
is "10 concurrent run -d: all succeeded" "$fails $(cat "$HAKO_TEST_TMP"/err* | head -3)" "0 "
is "10 distinct ids printed" "$(cat "$HAKO_TEST_TMP"/id* | sort -u | grep -c .)" 10
is "10 rows, all running" "$(h ps --format '{{.ID}} {{.Names}} {{.State}}' | awk '$2 ~ /^cc/ && $3 == "running"' | wc -l)" 10
if command -v sqlite3 >/dev/null; then
	db=$ROOT/state/hako.db
	is "database integrity_check" "$(sqlite3 "$db" 'pragma integrity_check')" ok
	is "10 distinct ids and names in the table" \
		"$(sqlite3 "$db" 'select count(distinct id), count(distinct name) from containers')" "10|10"
fi
is "10 network namespaces named" "$(ls /run/netns | grep -c '^cc')" 10
n=$(for i in $(seq 10); do readlink /proc/$(h inspect cc$i | jq .[0].pid)/ns/net; done | sort -u | wc -l)
is "10 distinct network namespaces" "$n" 10

# the seed's check: a listener started inside, seen with iproute2's ss -N
h exec cc1 -- httpd -p 8080 -h /www
out=$(ss -N cc1 -Htln)
echo "$out" | grep -q ':8080' && ok "ss -N cc1 -tl sees the listener" || not_ok "ss -N: $out"
# (but the embedded DNS resolver's, 127.0.0.11:53, which every container on a network has)
[ -z "$(ss -N cc2 -Htln | grep -v '127\.0\.0\.11:53 ')" ] &&
	ok "ss -N cc2 -tl: no listener in another container" || not_ok "cc2 listens"
out=$(ip netns exec cc1 ss -Htlnp)
echo "$out" | grep -q 'httpd' && ok "ip netns exec cc1 ss -tlp names httpd" || not_ok "ss -p: $out"

# ten concurrent rm
for i in $(seq 10); do h rm -f cc$i >/dev/null 2>&1 & done
wait
is "10 concurrent rm: no rows" "$(h ps -a -q | wc -l)" 0
is "no netns left" "$(ls /run/netns | grep -c '^cc')" 0
[ -z "$(grep "$ROOT/run/ns/" /proc/self/mountinfo)" ] && ok "no ns mounts left" || not_ok "ns mounts left"
