#!/bin/bash
# A container's cgroups, joined at birth (spawn.c, cgroup.c: the init moves itself into each
# v1 hierarchy and is born in the v2 cgroup by clone3 CLONE_INTO_CGROUP): its init and main
# process are in hako/<id> in every hierarchy with a controller, not in a controller-less
# named one (name=systemd); the same on a pure v2 layout (a mount namespace with a cgroup2
# mount on /sys/fs/cgroup); the directories are gone after rm; binds of a hierarchy listed
# before its own mount do not hide it. Oracle: /proc/<pid>/cgroup read from the host, and the
# cgroup directories.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"

# "HIERARCHY-ID:CONTROLLERS PATH" lines of /proc/$1/cgroup, for those whose path is not $2
not_in() { awk -F: -v want="$2" '$3 != want {print $1 ":" $2 " " $3}' "/proc/$1/cgroup"; }
# key KEY CT CMD...: KEY of container CT in `CMD... inspect CT`
key() { "${@:3}" inspect "$2" | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['$1'])"; }

h run -d --name cg1 --rootfs "$R" -- sleep 1000 >/dev/null
is "run -d" "$?" 0
id=$(key id cg1 h)
init=$(key pid cg1 h)
main=$(cat /proc/$init/task/$init/children | tr -d ' ')
named=$(grep -c ':name=' /proc/self/cgroup)
# every line of the container's processes but the controller-less named hierarchies
is "init: hako/$id in every hierarchy with a controller" \
	"$(not_in "$init" "/hako/$id" | grep -v ':name=')" ""
is "main process: the same" "$(not_in "$main" "/hako/$id" | grep -v ':name=')" ""
# positive control: the caller itself is in none of them
[ -n "$(not_in $$ "/hako/$id")" ] && ok "the caller is not in hako/$id" ||
	not_ok "the caller is not in hako/$id"
if [ "$named" -gt 0 ]; then
	is "no cgroup in a named hierarchy without a controller" \
		"$(grep ':name=' "/proc/$init/cgroup" | grep -c "/hako/$id")" 0
else
	skip "named hierarchies" "none mounted here"
fi
if grep -q '^0::' /proc/self/cgroup; then
	is "in the v2 cgroup (CLONE_INTO_CGROUP)" "$(sed -n 's/^0:://p' "/proc/$init/cgroup")" \
		"/hako/$id"
else
	skip "v2 cgroup" "no cgroup2 hierarchy mounted"
fi
h rm -f cg1 >/dev/null
is "rm: no cgroup directory left" "$(cgroup_dirs "$id")" ""

# pure v2: a mount namespace of its own where /sys/fs/cgroup is the cgroup2 tree
if grep -q ' - cgroup2 ' /proc/self/mountinfo; then
	out=$(unshare --mount --propagation private -- sh -c '
		umount -R /sys/fs/cgroup && mount -t cgroup2 hk-cg2 /sys/fs/cgroup || exit 9
		"$1" --root "$2" run -d --name cg2 --rootfs "$3" -- sleep 1000 >/dev/null || exit 8
		j=$("$1" --root "$2" inspect cg2)
		init=$(echo "$j" | python3 -c "import json,sys; print(json.load(sys.stdin)[0][\"pid\"])")
		id=$(echo "$j" | python3 -c "import json,sys; print(json.load(sys.stdin)[0][\"id\"])")
		echo "$(sed -n "s/^0:://p" /proc/$init/cgroup) /hako/$id"
		"$1" --root "$2" rm -f cg2 >/dev/null
		ls -d /sys/fs/cgroup/hako/"$id" 2>/dev/null' sh "$HAKO" "$ROOT" "$R")
	is "pure v2: born in its cgroup, removed with it" "$(echo "$out" | awk '{print ($1 == $2)}')" 1
else
	skip "pure v2" "no cgroup2 file system here"
fi

# one entry per hierarchy: 40 binds of the memory hierarchy listed in mountinfo before
# /sys/fs/cgroup's own mounts (made again after them) neither fill hako's table nor stand for
# the hierarchy, nor the others; the container is in its memory cgroup with its limit, and in
# hako/<id> in every hierarchy with a controller (oracle: the init's
# /proc/PID/cgroup and the limit file, read from the host)
if grep -q ' - cgroup .*memory' /proc/self/mountinfo; then
	out=$(unshare --mount --propagation private -- sh -c '
		grep " - cgroup " /proc/self/mountinfo | awk "{print \$5, \$NF}" >"$4/cg.list"
		for i in $(seq 40); do
			mkdir -p "$4/b/$i" && mount --bind /sys/fs/cgroup/memory "$4/b/$i" || exit 9
		done
		umount -R /sys/fs/cgroup && mount -t tmpfs cg /sys/fs/cgroup || exit 9
		while read -r mp opts; do
			mkdir -p "$mp" && mount -t cgroup -o "$opts" cgroup "$mp" || exit 9
		done <"$4/cg.list"
		"$1" --root "$2" run -d --name cgb --memory 64m --rootfs "$3" -- sleep 1000 >/dev/null || exit 8
		j=$("$1" --root "$2" inspect cgb)
		init=$(echo "$j" | python3 -c "import json,sys; print(json.load(sys.stdin)[0][\"pid\"])")
		id=$(echo "$j" | python3 -c "import json,sys; print(json.load(sys.stdin)[0][\"id\"])")
		echo "$(grep -c " - cgroup .*memory" /proc/self/mountinfo)" \
			"$(sed -n "s/^[0-9]*:memory://p" /proc/$init/cgroup)" /hako/$id \
			"$(cat /sys/fs/cgroup/memory/hako/$id/memory.limit_in_bytes)" \
			"$(awk -F: -v want=/hako/$id "\$2 !~ /^name=/ && \$2 != \"\" && \$3 != want" /proc/$init/cgroup | wc -l)"
		"$1" --root "$2" rm -f cgb >/dev/null' sh "$HAKO" "$ROOT" "$R" "$HAKO_TEST_TMP")
	echo "$out" | awk '{exit !($1 > 32)}' && ok "40 binds of the memory hierarchy made first" ||
		not_ok "the binds: '$out'"
	is "... the container in its memory cgroup, with its limit" "$(echo "$out" | awk '{print ($2 == $3), $4}')" "1 67108864"
	is "... and in its own cgroup in every other hierarchy with a controller" "$(echo "$out" | awk '{print $5}')" 0
else
	skip "binds of the memory hierarchy" "no v1 memory hierarchy here"
fi
