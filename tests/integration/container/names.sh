#!/bin/bash
# A name is a name: one that happens to begin another container's id (4+ hex digits) is free
# to take, as in Docker; looking up by that string finds the named container first. (A
# `run --name X` once failed "already in use" when a random id began with X: the name was
# checked with the lookup that also matches id prefixes.)
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"
on_exit h rm -f first
id=$(h run -d --name first --net none --rootfs "$R" -- sleep 1000)
p4=${id:0:4} p6=${id:0:6}
on_exit h rm -f "$p4" "$p6"
# the lookup by prefix, before any container takes it as a name
is "inspect <4-digit id prefix> finds the container by its id" \
	"$(h inspect --format '{{.Name}}' "$p4")" /first

# negative control: a name that is taken is refused, with the reason
out=$(h run -d --name first --net none --rootfs "$R" -- true 2>&1)
is "run --name <taken>: refused, exit status (Docker's 125)" "$?" 125
is "run --name <taken>: the reason" "$out" "hako: container name 'first' is already in use"

out=$(h run -d --name "$p4" --net none --rootfs "$R" -- sleep 1000 2>&1)
is "run --name <a prefix of another id>: accepted" "$?" 0
is "inspect <that name> finds the named container, not the other" \
	"$(h inspect --format '{{.Name}} {{.Id}}' "$p4")" "/$p4 $out"
is "the first is untouched" "$(h inspect --format '{{.Name}} {{.State.Status}}' "$id")" \
	"/first running"

is "rename to another prefix of the first's id: accepted" "$(h rename "$p4" "$p6" 2>&1; echo $?)" 0
is "rename to a taken name: refused, with the reason" "$(h rename "$p6" first 2>&1)" \
	"hako: container name 'first' is already in use"
is "rm -f <name that is also a prefix>: removes the named one" "$(h rm -f "$p6")" "$p6"
is "the first still runs" "$(h inspect --format '{{.State.Status}}' first)" running
