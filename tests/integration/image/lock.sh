#!/bin/bash
# image prune/rm against concurrent imports, loads and runs (STATE/layers/gc.lock): a prune
# looping while images are imported and run never removes a layer an import stored, and
# every imported image stays runnable; prune waits for a shared holder, import for an
# exclusive one (the lock taken with util-linux flock).
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/image/cli_common.inc"

N=12
for i in $(seq 1 $N); do
	mkdir -p "$W/t$i"
	echo "marker $i" >"$W/t$i/marker"
	tar -C "$R" -cf "$W/t$i.tar" . && tar -C "$W/t$i" -rf "$W/t$i.tar" marker
done
h image ls >/dev/null # the state database exists before the concurrent commands start

( while [ ! -e "$W/stop" ]; do h image prune >/dev/null 2>>"$W/prune.err"; done ) &
pruner=$!
pids=()
for i in $(seq 1 $N); do
	h image import "$W/t$i.tar" --name "t$i" >/dev/null 2>>"$W/import.err" &
	pids+=($!)
	if [ $((i % 3)) = 0 ]; then
		wait $! # then run it while the prunes go on
		out=$(h run --rm --net none "t$i" /bin/cat /marker 2>>"$W/run.err")
		[ "$out" = "marker $i" ] || echo "run of t$i: '$out'" >>"$W/run.err"
	fi
done
wait "${pids[@]}"
touch "$W/stop"
wait "$pruner"

is "no import failed" "$(cat "$W/import.err")" ""
is "no prune failed" "$(cat "$W/prune.err")" ""
is "runs during the prunes all worked" "$(cat "$W/run.err" 2>/dev/null)" ""
ok=0
for i in $(seq 1 $N); do
	[ "$(h run --rm --net none "t$i" /bin/cat /marker 2>&1)" = "marker $i" ] && ok=$((ok + 1))
done
is "every imported image runs" "$ok" "$N"
h image prune >/dev/null
is "a final prune keeps every tagged image's layers" \
	"$(ls -A "$ROOT/state/layers/sha256" | wc -l)" "$N"
for i in $(seq 1 $N); do h image rm "t$i" >/dev/null; done
h image prune >/dev/null

# the protocol itself, with util-linux flock as the other party
L=$ROOT/state/layers/gc.lock
flock -s "$L" sleep 3 &
sleep 0.3
timeout 1 "$HAKO" --root "$ROOT" image prune >/dev/null 2>&1
is "prune waits while an import holds the lock shared" "$?" 124
wait
flock -x "$L" sleep 3 &
sleep 0.3
timeout 1 "$HAKO" --root "$ROOT" image import "$W/t1.tar" --name t1 >/dev/null 2>&1
is "import waits while a prune holds the lock" "$?" 124
timeout 1 "$HAKO" --root "$ROOT" image ls >/dev/null 2>&1
is "image ls does not wait" "$?" 0
wait
h image prune >/dev/null
is "after rm + prune nothing is left" "$(ls -A "$ROOT/state/layers/sha256" | wc -l) $(db_rows)" "0 0"
