#!/bin/bash
# hako events (docker events): a stream of lifecycle events while it runs, in order, with
# Docker's JSON keys; --since/--until replay what was recorded; --filter and --format.
# Oracles: the commands the test itself runs, and the container's real exit status.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"
h ps >/dev/null
# (hako itself in the background, not the h function's subshell: $! must be hako)
"$HAKO" --root "$ROOT" -j events >"$HAKO_TEST_TMP/stream" 2>&1 &
ev=$!
on_exit kill $ev
sleep 0.5
h run -d --name e1 --network none --rootfs "$R" -- sh -c 'sleep 30' >/dev/null
h pause e1 >/dev/null && h unpause e1 >/dev/null
h rename e1 e-two
h stop -t 1 e-two >/dev/null
h rm e-two >/dev/null
h run --rm --network none --rootfs "$R" -- sh -c 'exit 3'
for _ in $(seq 30); do grep -q '"Action":"destroy".*' "$HAKO_TEST_TMP/stream" &&
	[ "$(grep -c '"Action":"destroy"' "$HAKO_TEST_TMP/stream")" = 2 ] && break; sleep 0.1; done
kill $ev
wait $ev 2>/dev/null
kill -0 $ev 2>/dev/null && not_ok "hako events still runs after its kill" || ok "hako events ends on SIGTERM"
is "the stream, in order" "$(jq -r '.Action' "$HAKO_TEST_TMP/stream" | tr '\n' ' ')" \
	"create start pause unpause rename kill die stop destroy create start die destroy "
is "Docker's keys" "$(head -1 "$HAKO_TEST_TMP/stream" | jq -c 'keys')" \
	'["Action","Actor","Type","id","scope","status","time","timeNano"]'
is "rename: the old name" "$(jq -r 'select(.Action == "rename") | "\(.Actor.Attributes.oldName)>\(.Actor.Attributes.name)"' "$HAKO_TEST_TMP/stream")" "e1>e-two"
is "stop: kill with TERM's number, then die 143" \
	"$(jq -r 'select(.Action == "kill" or .Action == "die") | .Actor.Attributes.signal // .Actor.Attributes.exitCode' "$HAKO_TEST_TMP/stream" | head -2 | tr '\n' ' ')" "15 143 "
is "the --rm container's exit status" "$(jq -r 'select(.Action == "die") | .Actor.Attributes.exitCode' "$HAKO_TEST_TMP/stream" | tail -1)" 3
# replayed from the record: --since/--until, --filter, --format
is "--since 1m --until now: the same events" \
	"$(h -j events --since 1m --until 0s | jq -r .Action | tr '\n' ' ')" \
	"$(jq -r '.Action' "$HAKO_TEST_TMP/stream" | tr '\n' ' ')"
is "--filter event=die --format" "$(h events --since 1m --until 0s -f event=die --format '{{.Actor.Attributes.exitCode}}' | tr '\n' ' ')" "143 3 "
is "--filter container=e-two (a name)" "$(h events --since 1m --until 0s -f container=e-two --format '{{.Action}}' | tr '\n' ' ')" "rename kill die stop destroy "
is "a human line" "$(h events --since 1m --until 0s -f event=rename | sed 's/^[0-9T:.-]*Z //; s/ [0-9a-f]\{16\} / ID /')" \
	"container rename ID (name=e-two, oldName=e1)"
is "--until before anything: nothing" "$(h events --since 1m --until 1m | wc -l)" 0
check_fail "a bad --since" 2 "events: --since 'yesterday': expected a time" h events --since yesterday
check_fail "a bad filter" 2 "expected container=, event=, type= or image=" h events -f colour=red
