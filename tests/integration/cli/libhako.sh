#!/bin/bash
# libhako: `meson install` into a private destdir, then the example program
# (examples/netns_veth.c) compiled against the installed header with `pkg-config --cflags
# --libs hako`, run, and its result checked with iproute2. Also: the soname, and that the
# library exports the documented hako_* functions only.
. "$HAKO_SRC/tests/lib/lib.sh"
B=$(dirname "$HAKO")
D=$HAKO_TEST_TMP/dest
if ! command -v pkg-config >/dev/null || ! command -v cc >/dev/null; then
	skip "libhako" "no pkg-config or cc"
	exit 0
fi
check "meson install --destdir" meson install -C "$B" --destdir "$D" --no-rebuild --quiet
pc=$(find "$D" -name hako.pc | head -1)
so=$(find "$D" -name 'libhako.so.0' | head -1)
[ -n "$pc" ] && ok "hako.pc installed (${pc#$D})" || not_ok "no hako.pc under $D"
[ -f "$D/usr/local/include/hako/hako.h" ] && ok "hako/hako.h installed" || not_ok "no hako/hako.h"
is "soname" "$(readelf -d "$so" 2>/dev/null | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')" libhako.so.0
is "exported: the documented functions only" \
	"$(nm -D --defined-only "$so" | awk '$2 == "T" {sub(/@.*/, "", $3); print $3}' | sort | tr '\n' ' ')" \
	"$(grep -o 'hako_[a-z_]*(' "$HAKO_SRC/include/hako/hako.h" | tr -d '(' | sort -u | tr '\n' ' ')"
for f in "$D"/usr/local/share/man/man8/hako-container.8 "$D"/usr/local/share/man/man1/hako.1 \
	"$D"/usr/local/share/bash-completion/completions/hako "$D"/usr/local/bin/hako; do
	[ -e "$f" ] && ok "installed ${f#$D}" || not_ok "not installed: ${f#$D}"
done
flags=()
# a sanitized build's library needs the sanitizers' runtime in the program too
ldd "$so" | grep -q libasan && flags=(-fsanitize=address,undefined)
cflags=$(PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR=$D pkg-config --cflags --libs hako)
check "the example builds with pkg-config --cflags --libs hako" \
	cc "${flags[@]}" -o "$HAKO_TEST_TMP/netns_veth" "$HAKO_SRC/examples/netns_veth.c" $cflags
a=lhA$$ b=lhB$$
export LD_LIBRARY_PATH=$(dirname "$so") ASAN_OPTIONS=detect_leaks=0
out=$("$HAKO_TEST_TMP/netns_veth" "$a" "$b" 2>&1)
is "the example runs" "$(echo "$out" | tail -1)" "$a/v-a <-> $b/v-b"
is "iproute2: v-a in $a, up, peer in $b" \
	"$(ip -n "$a" -j link show v-a | python3 -c 'import json,sys; l=json.load(sys.stdin)[0]; print(l["link_type"], "UP" in l["flags"])')" \
	"ether True"
is "iproute2: v-b in $b" "$(ip -n "$b" -br link show v-b | awk '{print $1}' | cut -d@ -f1)" v-b
out=$("$HAKO_TEST_TMP/netns_veth" "$a" "$b" 2>&1)
rc=$?
echo "$out" | grep -q "netns add: network namespace '$a' already exists" && [ $rc = 1 ] &&
	ok "errors come back as one line and the command's status ($rc)" ||
	not_ok "second run: rc=$rc: $out"
check "cleanup through the library" "$HAKO_TEST_TMP/netns_veth" "$a" "$b" --cleanup
is "no namespace left" "$(ip netns list | grep -c "lh[AB]$$")" 0
# a container through the library: in NS1, hako's default isolation, removed when it ends
. "$HAKO_SRC/tests/integration/container/common.inc"
out=$(HAKO_ROOT=$ROOT "$HAKO_TEST_TMP/netns_veth" "$a" "$b" "$R" 2>&1)
rc=$?
is "a container in $a sees lo and v-a (rc $rc)" "$(echo "$out" | sed -n '3,4p' | tr '\n' ' ')" "lo v-a "
is "its status comes back" "$(echo "$out" | tail -1)" "container exited with 0"
is "removed when it ended (hako ps -a)" "$(h ps -a -q | wc -l)" 0
# the positive control of the isolation: the same container's capabilities are Docker's
cat >"$HAKO_TEST_TMP/caps.c" <<'C'
#include <hako/hako.h>
#include <stdio.h>
int main(int argc, char **argv)
{
	const char *cmd[] = { "sh", "-c", "grep CapEff /proc/self/status; hostname", NULL };
	struct hako_container ct = { .rootfs = argv[1], .argv = cmd, .hostname = "libct" };
	struct hako_error e;
	int st;
	if (hako_container_run(&ct, &st, &e) < 0) {
		fprintf(stderr, "%s\n", e.msg);
		return e.status;
	}
	(void)argc;
	return st;
}
C
if cc "${flags[@]}" -o "$HAKO_TEST_TMP/caps" "$HAKO_TEST_TMP/caps.c" $cflags; then
	out=$(HAKO_ROOT=$ROOT "$HAKO_TEST_TMP/caps" "$R" 2>&1)
	is "default capabilities (Docker's 14: 00000000a80425fb)" "$(echo "$out" | head -1 | awk '{print $2}')" 00000000a80425fb
	is "its hostname" "$(echo "$out" | tail -1)" libct
	out=$(HAKO_ROOT=$ROOT "$HAKO_TEST_TMP/caps" /nonexistent 2>&1)
	rc=$?
	echo "$out" | grep -q "container: rootfs '/nonexistent'" && [ $rc = 5 ] &&
		ok "a missing rootfs: one line, status 5 (not found)" || not_ok "missing rootfs: rc=$rc: $out"
else
	not_ok "caps.c does not build"
fi
check "cleanup" "$HAKO_TEST_TMP/netns_veth" "$a" "$b" --cleanup
