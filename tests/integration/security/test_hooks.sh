#!/bin/bash
# The test hooks (src/lib/base/testpoint.h: HAKO_TEST_KILL_AT, HAKO_SUBUID, HAKO_SUBGID,
# HAKO_LAYERS) exist only in test builds (meson -Dtest_hooks=true): a release build
# (scripts/test.sh's build-release, -Dtest_hooks=false) holds not even their names and
# ignores them (security review finding 15). Positive control: the tested build honours
# HAKO_TEST_KILL_AT. The release binary: HAKO_RELEASE, else build-release/ of the source tree.
. "$HAKO_SRC/tests/lib/lib.sh"
REL=${HAKO_RELEASE:-$HAKO_SRC/build-release/hako}
T=$HAKO_TEST_TMP
hooked() { grep -aq "$1" "$2"; } # hooked NAME BINARY: the name is in the binary

# The tested build: the hook works (a kill -9 at the named step).
if hooked HAKO_TEST_KILL_AT "$HAKO"; then
	HAKO_TEST_KILL_AT=network-bridged "$HAKO" --root "$T/t" network create hk1 \
		--subnet 10.233.1.0/24 >/dev/null 2>&1
	is "test build: HAKO_TEST_KILL_AT kills hako at the step (SIGKILL)" "$?" 137
	"$HAKO" --root "$T/t" network rm hk1 >/dev/null 2>&1
else
	skip "test build: HAKO_TEST_KILL_AT honoured" "$HAKO was built without -Dtest_hooks=true"
fi

if [ ! -x "$REL" ]; then
	skip "release build ignores the test hooks" "no release binary ($REL; scripts/test.sh builds it)"
	exit 0
fi
new=$(find "$HAKO_SRC/src" "$HAKO_SRC/meson.build" -newer "$REL" -print -quit)
if [ -n "$new" ]; then
	skip "release build ignores the test hooks" "$REL is older than $new (ninja -C $(dirname "$REL"))"
	exit 0
fi
for v in HAKO_TEST_KILL_AT HAKO_SUBUID HAKO_SUBGID HAKO_LAYERS; do
	hooked "$v" "$REL" && not_ok "release build: no '$v' in the binary" ||
		ok "release build: no '$v' in the binary"
done
HAKO_TEST_KILL_AT=network-bridged "$REL" --root "$T/r" network create hk2 \
	--subnet 10.233.2.0/24 >/dev/null 2>&1
is "release build: HAKO_TEST_KILL_AT=network-bridged ignored (network create completes)" "$?" 0
is "release build: the network is there" \
	"$("$REL" --root "$T/r" -j network inspect hk2 2>&1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["name"])')" hk2
check "release build: network rm" "$REL" --root "$T/r" network rm hk2
