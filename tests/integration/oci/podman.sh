#!/bin/bash
# podman (Debian's 4.3) with --runtime hako-runtime: run --rm, run -d + exec + logs + stop +
# rm, --sdnotify=container, --group-add, run -it (a terminal through the console socket),
# exec -it, --memory, update, --read-only, --user, --cap-drop, and -p on a CNI bridge
# network; each checked with podman's own view and from the outside (/proc, the cgroup
# files, wget over the network the test made).
# Everything podman keeps (storage, run root, CNI configs, exits) is in the test's tmpfs.
. "$HAKO_SRC/tests/lib/lib.sh"
if ! command -v podman >/dev/null || ! command -v conmon >/dev/null; then
	skip "podman with hako-runtime" "podman is not installed (scripts/install-deps.sh installs it)"
	exit 0
fi
. "$HAKO_SRC/tests/integration/container/common.inc"
T=$HAKO_TEST_TMP
mkdir -p "$T/cni" "$T/tmp"
# hako-runtime with a state root in the test's tmpfs: the default /run/hako-runtime is
# shared with every other user of the machine (and their hako's schema)
printf '#!/bin/bash\nexec -a hako-runtime "%s" --root "%s" "$@"\n' "$HAKO" "$T/hrroot" >"$T/hako-runtime"
chmod +x "$T/hako-runtime"
p() {
	podman --root "$T/storage" --runroot "$T/run" --tmpdir "$T/tmp" --network-config-dir "$T/cni" \
		--cgroup-manager cgroupfs --events-backend file --runtime "$T/hako-runtime" "$@"
}
# podman asks for RLIMIT_NOFILE 1048576, which needs CAP_SYS_RESOURCE where the hard limit is
# lower (so it does with runc): ask for what this host allows
U=(--ulimit "nofile=$(ulimit -Hn):$(ulimit -Hn)" --ulimit "nproc=1024:1024")
on_exit p rm -af
# podman's cgroupfs manager puts conmon in libpod_parent/ of every hierarchy and leaves it:
# removed at the end (the empty directories only) when this test made it
if ! ls -d /sys/fs/cgroup/*/libpod_parent >/dev/null 2>&1; then
	on_exit 'for d in /sys/fs/cgroup/*/libpod_parent; do find "$d" -depth -type d -exec rmdir {} \; ; done'
fi
if ! tar -C "$R" -c . | p import - localhost/bb >/dev/null 2>&1; then
	not_ok "podman import of the test rootfs"
	exit 1
fi
is "run --rm: output and status" "$(p run --rm "${U[@]}" --network none localhost/bb sh -c 'echo hi; exit 3' 2>&1; echo "rc=$?")" \
	"hi
rc=3"
is "the runtime podman used is hako's (no container left in its root)" \
	"$("$T/hako-runtime" list -q 2>/dev/null | wc -l)" 0
id=$(p run -d --name d1 "${U[@]}" --network none localhost/bb sh -c 'trap "exit 143" TERM; echo logged; sleep 100 & wait')
[ -n "$id" ] && ok "run -d" || not_ok "run -d"
for i in $(seq 50); do p logs d1 2>/dev/null | grep -q logged && break; sleep 0.1; done
is "logs" "$(p logs d1)" logged
is "exec" "$(p exec d1 hostname)" "${id:0:12}"
is "exec: in the container's pid namespace (PID 1 the command, as runc's)" "$(p exec d1 sh -c 'cat /proc/1/cmdline | tr "\0" " " | cut -d" " -f1-3')" "sh -c trap"
pid=$(p inspect d1 --format '{{.State.Pid}}')
[ -n "$pid" ] && [ "$(readlink /proc/$pid/ns/pid)" != "$(readlink /proc/self/ns/pid)" ] &&
	ok "podman's pid is the container's init (own pid namespace)" || not_ok "pid '$pid'"
is "podman's pid is the command itself" "$(tr '\0' ' ' </proc/$pid/cmdline | cut -d' ' -f1-3)" "sh -c trap"
check "stop" p stop -t 2 d1
is "stopped: exited 143 (stop's TERM reached the command's trap)" "$(p inspect d1 --format '{{.State.Status}} {{.State.ExitCode}}')" "exited 143"
check "rm" p rm d1
# --sdnotify=container: podman binds its own socket in the container and relays READY=1 (with
# MAINPID) to its NOTIFY_SOCKET once the container sends it; a python3 socket is the host's
cp "$HAKO_CT_PROBE" "$T/probe"
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1])
open(sys.argv[2] + ".ready", "w").close(); s.settimeout(30)
got = b""
while b"READY=1" not in got:  # podman sends MAINPID=, then READY=1, apart
    got += s.recv(4096) + b"\n"
open(sys.argv[2], "wb").write(got)' "$T/sdnotify.sock" "$T/sdnotify.got" &
on_exit "kill $! 2>/dev/null"
for i in $(seq 100); do [ -e "$T/sdnotify.got.ready" ] && break; sleep 0.05; done
NOTIFY_SOCKET=$T/sdnotify.sock p run -d --name n1 --sdnotify=container "${U[@]}" --network none \
	-v "$T/probe:/probe:ro" localhost/bb sh -c '/probe notify READY=1; exec sleep 100' >/dev/null
for i in $(seq 200); do [ -s "$T/sdnotify.got" ] && break; sleep 0.05; done
grep -q '^READY=1$' "$T/sdnotify.got" 2>/dev/null && ok "run --sdnotify=container: the container's READY=1 reached podman's NOTIFY_SOCKET" ||
	not_ok "--sdnotify=container: got '$(cat "$T/sdnotify.got" 2>/dev/null)'"
p rm -f n1 >/dev/null 2>&1
# supplementary groups: the caller's (setpriv) never reach the container, unless podman asks
# to keep them (--group-add keep-groups: crun's annotation, which hako honours)
pg() { setpriv --groups 1,2,3 podman --root "$T/storage" --runroot "$T/run" --tmpdir "$T/tmp" \
	--network-config-dir "$T/cni" --cgroup-manager cgroupfs --events-backend file \
	--runtime "$T/hako-runtime" run --rm "${U[@]}" --network none "$@" localhost/bb \
	sh -c 'sed -n "s/^Groups:[[:space:]]*//p" /proc/self/status | tr -s " " ,; echo .' |
		tr -d "\n" 2>&1; }
is "the caller's groups do not reach the container; --group-add 7 gives 7; keep-groups keeps them" \
	"$(pg) $(pg --group-add 7) $(pg --group-add keep-groups)" ". 7,. 1,2,3,."
# --pid/--uts/--ipc=host: podman lists none of them, so each is the runtime's (the spec's
# MUST; hako refused a config without a pid namespace until 2026-12-03)
is "run --pid=host --uts=host --ipc=host: the host's namespaces and name" \
	"$(p run --rm "${U[@]}" --network none --pid=host --uts=host --ipc=host localhost/bb \
		sh -c 'for n in pid uts ipc; do readlink /proc/self/ns/$n; done; hostname' 2>&1 | tr '\n' ' ')" \
	"$(for n in pid uts ipc; do readlink /proc/self/ns/$n; done | tr '\n' ' ')$(hostname) "
# the command lingers a moment so that conmon copies its output before the terminal goes;
# under load a short-lived one can still lose it: up to three tries
for try in 1 2 3; do
	out=$(script -qec "podman --root $T/storage --runroot $T/run --tmpdir $T/tmp --network-config-dir $T/cni --cgroup-manager cgroupfs --events-backend file --runtime $T/hako-runtime run --rm -it ${U[*]} --network none localhost/bb sh -c '[ -t 0 ] && [ -t 1 ] && echo on-a-terminal; sleep 0.5'" /dev/null </dev/null | tr -d '\r\0' | grep -o on-a-terminal)
	[ -n "$out" ] && break
done
is "run -it: a terminal (console socket)" "$out" on-a-terminal
p run -d --name d2 "${U[@]}" --network none localhost/bb sleep 100 >/dev/null
out=$(script -qec "podman --root $T/storage --runroot $T/run --tmpdir $T/tmp --network-config-dir $T/cni --cgroup-manager cgroupfs --events-backend file --runtime $T/hako-runtime exec -it d2 sh -c '[ -t 0 ] && echo exec-terminal'" /dev/null </dev/null | tr -d '\r\0' | grep -o exec-terminal)
is "exec -it: a terminal" "$out" exec-terminal
p rm -f d2 >/dev/null
out=$(p run --rm "${U[@]}" --network none --read-only --user 1000:1000 --cap-drop ALL localhost/bb \
	sh -c 'id -u; touch /x 2>&1 | grep -o Read-only; grep CapEff /proc/self/status' 2>&1)
is "--read-only --user --cap-drop ALL" "$(echo $out)" "1000 Read-only CapEff: 0000000000000000"
p run -d --name m1 "${U[@]}" --network none --memory 64m localhost/bb sleep 100 >/dev/null
pid=$(p inspect m1 --format '{{.State.Pid}}')
mcg=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3}' /proc/$pid/cgroup)
is "--memory 64m: the container's memory cgroup" \
	"$(cat /sys/fs/cgroup/memory$mcg/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup$mcg/memory.max)" 67108864
# podman update: podman hands the runtime `update --resources FILE`
check "podman update --memory 96m --cpu-quota 20000 --cpu-shares 512" \
	p update --memory 96m --cpu-quota 20000 --cpu-shares 512 m1
ccg=$(awk -F: '$2 ~ /(^|,)cpu(,|$)/ {print $3}' /proc/$pid/cgroup)
is "update: the memory cgroup's new limit" \
	"$(cat /sys/fs/cgroup/memory$mcg/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup$mcg/memory.max)" 100663296
is "update: the cpu cgroup's quota and shares" \
	"$(cat /sys/fs/cgroup/cpu$ccg/cpu.cfs_quota_us /sys/fs/cgroup/cpu$ccg/cpu.shares 2>/dev/null | tr '\n' ' ' ||
		cat /sys/fs/cgroup$ccg/cpu.max)" "20000 512 "
p rm -f m1 >/dev/null
# -p on a CNI bridge network podman makes (in the test's own network namespace)
if p network create hnet >/dev/null 2>&1; then
	p run -d --name web "${U[@]}" --network hnet -p 18080:80 localhost/bb \
		sh -c 'mkdir -p /w; echo served-by-hako >/w/index.html; exec httpd -f -p 80 -h /w' >/dev/null
	ip=$(p inspect web --format '{{.NetworkSettings.Networks.hnet.IPAddress}}')
	for i in $(seq 30); do timeout 2 wget -qO- "http://$ip/" >/dev/null 2>&1 && break; sleep 0.2; done
	is "a second container reaches the first over the network" \
		"$(p run --rm "${U[@]}" --network hnet localhost/bb timeout 5 wget -qO- "http://$ip/" 2>&1)" served-by-hako
	is "-p 18080:80 reaches it from the host side" "$(timeout 5 wget -qO- http://127.0.0.1:18080/ 2>&1)" served-by-hako
	p rm -f web >/dev/null
else
	skip "-p on a CNI network" "podman network create failed (containernetworking-plugins missing?)"
fi
