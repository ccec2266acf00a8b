#!/bin/bash
# Docker's output: ps columns and -q, inspect in Docker's shape, --format templates (the forms
# docker users type), checked against independent oracles (nsenter + ip -j, /proc, jq).
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"
T=$HAKO_TEST_TMP
command -v jq >/dev/null || { skip "format" "no jq"; exit 0; }
tar -C "$R" -cf "$T/r.tar" . && h image import "$T/r.tar" --name fmtbb >/dev/null ||
	not_ok "image import"
net=fmt$(uniq_suffix)
h network create "$net" >/dev/null 2>&1 || not_ok "network create"
on_exit "h network rm $net"
on_exit "h rm -f web old >/dev/null 2>&1"
check "run -d --name web -p 18080:80 IMAGE" h run -d --name web --network "$net" --alias www \
	-p 18080:80 fmtbb sleep 300
mkdir -p "$T/vol"
h run -d --name old -v "$T/vol:/data:ro" --rootfs "$R" -- sh -c 'exit 3' >/dev/null
for i in $(seq 50); do [ "$(h inspect -f '{{.State.Status}}' old)" = exited ] && break; sleep 0.1; done

# ps: Docker's header and cells
is "ps: Docker's columns" "$(h ps | head -1 | tr -s ' ')" \
	"CONTAINER ID IMAGE COMMAND CREATED STATUS PORTS NAMES"
row=$(h ps | grep ' web$')
like() { printf '%s' "$2" | grep -Eq -- "$3" && ok "$1" || { not_ok "$1"; echo "$2" | diag; }; }
like "ps: web's row: image, quoted command, age, Up, ports, name" "$row" \
	'^[0-9a-f]{16} +fmtbb:latest +"sleep 300" +([0-9]+ seconds|Less than a second|1 second) ago +Up .* +0\.0\.0\.0:18080->80/tcp +web$'
like "ps -a: an exited container's status" "$(h ps -a | grep ' old$')" 'Exited \(3\) .* ago'
id=$(h inspect -f '{{.Id}}' web)
is "ps -q: the running containers' ids" "$(h ps -q)" "$id"
is "ps -aq: every id, one a line" "$(h ps -aq | sort)" "$(printf '%s\n' "$id" "$(h inspect -f '{{.Id}}' old)" | sort)"
is "ps -j: status and ports keys" "$(h -j ps | jq -r '.[0] | "\(.name) \(.ports) \(.state)"')" \
	"web 0.0.0.0:18080->80/tcp running"
is "ps -aj: exit_code of the exited one, no pid" "$(h -j ps -a | jq -c '.[] | select(.name == "old") | [.exit_code, .pid]')" "[3,null]"

# ps --filter, --last, --latest (Docker's); newest first
oid=$(h inspect -f '{{.Id}}' old)
is "ps -a: newest first" "$(h ps -aq | tr '\n' ' ')" "$oid $id "
is "ps -aq -f status=exited" "$(h ps -aq -f status=exited)" "$oid"
is "ps -q --filter name=we" "$(h ps -q --filter name=we)" "$id"
is "ps -aq -f ancestor=fmtbb" "$(h ps -aq -f ancestor=fmtbb)" "$id"
is "ps -aq -f exited=3" "$(h ps -aq -f exited=3)" "$oid"
is "ps -aq -f network=NET" "$(h ps -aq -f network="$net")" "$id"
is "two keys: and" "$(h ps -aq -f status=running -f name=old | wc -l)" 0
is "one key twice: or" "$(h ps -aq -f name=old -f name=web | wc -l)" 2
is "ps -lq: the latest" "$(h ps -lq)" "$oid"
is "ps -n 2 -q: both" "$(h ps -n 2 -q | wc -l)" 2
check_fail "ps --filter bogus=1" 2 "filter 'bogus=1'" h ps --filter bogus=1

# ps --format
is "ps --format '{{.ID}} {{.Names}}'" "$(h ps --format '{{.ID}} {{.Names}}')" "$id web"
is "ps --format with literal text" "$(h ps --format 'name={{.Names}} state={{.State}}')" "name=web state=running"
is "ps --format '{{json .}}' is JSON with Docker's keys" \
	"$(h ps --format '{{json .}}' | jq -r '[.ID, .Names, .Image, .Ports, .State] | join(" ")')" \
	"$id web fmtbb:latest 0.0.0.0:18080->80/tcp running"
is "ps --format 'table {{.ID}}\\t{{.Names}}': header + aligned rows" \
	"$(h ps --format 'table {{.ID}}\t{{.Names}}' | tr -s ' ')" "$(printf 'CONTAINER ID NAMES\n%s web' "$id")"
# (RunningFor, Status, CREATED and STATUS move with the clock between the two commands)
notime() { jq -c 'del(.RunningFor, .Status)'; }
is "ps --format json (Docker's spelling of {{json .}}), one object a line" \
	"$(h ps --format json | notime)" "$(h ps --format '{{json .}}' | notime)"
is "ps --format table: the default table (Docker's)" "$(h ps --format table | awk '{print $1, $2, $NF}')" \
	"$(h ps | awk '{print $1, $2, $NF}')"
is "images --format table: the default table" "$(h images --format table)" "$(h images)"
is "inspect --format json: the object, compact" "$(h inspect --format json web | jq -r .Id)" "$id"

# inspect of several, one unknown: the others printed (docker inspect), the unknown one named
out=$(h inspect -f '{{.Name}}' nosuch1 web nosuch2 2>"$T/insp.err")
is "inspect -f nosuch1 web nosuch2: web printed, exit 5" "$?:$out" "5:/web"
is "... each unknown one named on stderr, in order" "$(tr '\n' '|' <"$T/insp.err")" \
	"hako: no such container or image: nosuch1|hako: no such container or image: nosuch2|"
is "inspect web nosuch (JSON): an array of web's object" "$(h inspect web nosuch 2>/dev/null | jq -r '[.[].Name] | join(" ")')" /web
out=$(h inspect -f '{{.Id}}' web fmtbb 2>&1)
is "inspect web fmtbb (a container, an image): both ids, exit 0, nothing on stderr" \
	"$?:$(echo "$out" | grep -c '^[0-9a-f]\{16\}$\|^sha256:'):$(echo "$out" | wc -l)" "0:2:2"

# labels: ps's Labels, --filter label=, inspect's Config.Labels (the stored config's, jq)
h run -d --name lab -l app=x -l tier --rootfs "$R" -- sleep 300 >/dev/null
on_exit "h rm -f lab >/dev/null 2>&1"
lid=$(h inspect -f '{{.Id}}' lab)
is "inspect -f '{{json .Config.Labels}}': --label KEY=V and KEY" \
	"$(h inspect -f '{{json .Config.Labels}}' lab | jq -c .)" '{"app":"x","tier":""}'
is "... as stored (inspect's config.labels)" "$(h inspect lab | jq -c '.[0].config.labels')" \
	'{"app":"x","tier":""}'
is "inspect: no labels is {}" "$(h inspect -f '{{json .Config.Labels}}' web)" "{}"
is "ps --format '{{.Labels}}': KEY=VALUE, comma separated" \
	"$(h ps --filter name=lab --format '{{.Labels}}')" "app=x,tier="
is "ps -q --filter label=app" "$(h ps -q --filter label=app)" "$lid"
is "ps -q --filter label=app=x" "$(h ps -q --filter label=app=x)" "$lid"
is "ps -q --filter label=app=y: none" "$(h ps -q --filter label=app=y | wc -l)" 0
is "ps -q -f label=tier -f label=app=x: every label asked for (Docker's and)" \
	"$(h ps -q -f label=tier -f label=app=x)" "$lid"
is "ps -q -f label=tier -f label=nope: none" "$(h ps -q -f label=tier -f label=nope | wc -l)" 0
h rm -f lab >/dev/null

# inspect in Docker's shape, against oracles
pid=$(h inspect -f '{{.State.Pid}}' web)
[ -n "$pid" ] && [ -d "/proc/$pid" ] && grep -q "hako/$id" "/proc/$pid/cgroup" &&
	ok "inspect -f '{{.State.Pid}}': a live process in the container's cgroup" ||
	not_ok "State.Pid '$pid'"
oracle=$(nsenter -t "$pid" -n ip -j -4 addr show eth0 | jq -r '.[0].addr_info[0].local')
is "inspect -f '{{.NetworkSettings.IPAddress}}' = the address eth0 has (ip -j)" \
	"$(h inspect -f '{{.NetworkSettings.IPAddress}}' web)" "$oracle"
is "Networks.NET.IPAddress through range" \
	"$(h inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' web)" "$oracle"
is "index .NetworkSettings.Networks NET | json" \
	"$(h inspect -f "{{index .NetworkSettings.Networks \"$net\" | json}}" web | jq -r .IPAddress)" "$oracle"
is "Aliases: an array" "$(h inspect web | jq -c ".[0].NetworkSettings.Networks[\"$net\"].Aliases")" '["www"]'
is "HostConfig.PortBindings" "$(h inspect -f '{{json .HostConfig.PortBindings}}' web)" \
	'{"80/tcp":[{"HostIp":"","HostPort":"18080"}]}'
is "State.Running, Config.Image, Config.Cmd, Name" \
	"$(h inspect -f '{{.State.Running}} {{.Config.Image}} {{.Config.Cmd}} {{.Name}}' web)" \
	"true fmtbb:latest [sleep 300] /web"
is "Config.Hostname = the UTS name (nsenter -u hostname)" \
	"$(h inspect -f '{{.Config.Hostname}}' web)" "$(nsenter -t "$pid" -u hostname)"
is "if/else, upper, a pipe, json of a list" \
	"$(h inspect --format '{{if .State.Paused}}p{{else}}np{{end}} {{upper .State.Status}} {{.Name | upper}} {{json .Config.Cmd}}' web)" \
	'np RUNNING /WEB ["sleep","300"]'
is "exited: State.ExitCode, Pid 0, Running false" \
	"$(h inspect -f '{{.State.ExitCode}} {{.State.Pid}} {{.State.Running}}' old)" "3 0 false"
is "Mounts: the -v bind" "$(h inspect -f '{{range .Mounts}}{{.Type}} {{.Source}} {{.Destination}} {{.RW}}{{end}}' old)" \
	"bind $T/vol /data false"
is "eq, ne, not in if" \
	"$(h inspect -f '{{if eq .State.Status "paused" "running"}}y{{end}}{{if ne .Name "/web"}}n{{end}}{{if not .State.Paused}}z{{end}}' web)" yz
is "a missing key: <no value>" "$(h inspect -f '{{.Nope}}' web)" "<no value>"
is "inspect -f, two containers: one line each" "$(h inspect -f '{{.Name}}' web old | tr '\n' ' ')" "/web /old "
is "inspect CT -f (options after the container)" "$(h inspect web -f '{{.State.Status}}')" running
is "inspect without -f: hako's keys kept" "$(h inspect web | jq -r '.[0] | [.name, .state] | join(" ")')" "web running"

# network ls --format, network inspect: aliases an array, no "" placeholders
is "network ls --format" "$(h network ls --format '{{.Name}} {{.Driver}} {{.Scope}}' | grep "^$net ")" \
	"$net bridge local"
is "network ls --format table: NETWORK ID" "$(h network ls --format 'table {{.ID}}\t{{.Driver}}' | head -1 | tr -s ' ')" \
	"NETWORK ID DRIVER"
is "network inspect: aliases is an array" \
	"$(h network inspect "$net" | jq -c '.[0].containers[] | select(.name == "web") | .aliases')" '["www"]'
is "network ls -j: no empty-string values" "$(h -j network ls | jq '[.. | strings | select(. == "")] | length')" 0
is "network inspect: no empty-string values" \
	"$(h network inspect "$net" | jq '[.. | strings | select(. == "")] | length')" 0

# refusals: exit 2, the action named, nothing printed on stdout
check_fail "unsupported action (with)" 2 "unsupported action '\{\{with .State\}\}'" \
	h inspect -f '{{with .State}}x{{end}}' web
check_fail "unsupported action (variable)" 2 "unsupported action" h ps --format '{{$x := .ID}}'
check_fail "unsupported function (printf)" 2 "unsupported action" h inspect -f '{{printf "%s" .Id}}' web
check_fail "range without end" 2 "without \{\{end\}\}" h inspect -f '{{range .Args}}x' web
check_fail "inspect -f of an unknown name" 5 "no such container or image: nosuch" h inspect -f '{{.Id}}' nosuch
check_fail "inspect --type container of an image's name" 5 "no such container: fmtbb" h inspect --type container fmtbb
is "inspect IMAGE (as docker inspect): Docker's keys" \
	"$(h inspect -f '{{index .RepoTags 0}} {{len .RootFS.Layers}} {{.Os}}' fmtbb)" "fmtbb:latest 1 linux"
is "inspect --type image" "$(h inspect --type image fmtbb | jq -r '.[0].Id')" "$(h image inspect fmtbb | jq -r '.[0].id')"

# the docker user's cleanup
check "rm -f \$(hako ps -aq)" h rm -f $(h ps -aq)
is "nothing left" "$(h ps -aq | wc -l)" 0
