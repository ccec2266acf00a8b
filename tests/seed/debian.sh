#!/bin/bash
# The seed's Debian container, end to end (not part of the integration suite: it downloads
# Debian packages, ~50 MB, from the configured apt mirror):
#   1. mmdebstrap --variant=minbase --include=nginx-light,openssh-server bookworm OUT.tar
#      (installs mmdebstrap with apt-get when it is missing);
#   2. hako image import OUT.tar (a tar with dev/null, dev/console, ... device nodes);
#   3. hako run -d on a hako network: nginx in the foreground; curl from the host side
#      (the test's namespace) gets its page;
#   4. hako exec starts sshd; the container listens on 22 (/proc/net/tcp) and ssh-keyscan
#      from the host side reads its host key.
# Steps 2-4 run through tests/lib/run-one.sh: private mount and network namespaces, a
# private hako --root; all traffic stays inside namespaces made here. TAP on stdout.
#
# Usage, as root, from the source tree after a build:
#   tests/seed/debian.sh
# Environment: HAKO (default build/hako), DEBIAN_SEED_TAR=FILE (use this tarball, made by
# the same mmdebstrap command, instead of making one), DEBIAN_SEED_SUITE (bookworm),
# DEBIAN_SEED_KEEP=1 (keep the tarball made, its path is printed).
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
export HAKO_SRC=$src HAKO=${HAKO:-$src/build/hako}

if [ -z "${DEBIAN_SEED_INNER:-}" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "1..0 # SKIP the Debian seed needs root"
		exit 0
	fi
	[ -x "$HAKO" ] || { echo "Bail out! no hako binary at $HAKO (build first)"; exit 1; }
	tar=${DEBIAN_SEED_TAR:-}
	tmp=
	if [ -z "$tar" ]; then
		if ! command -v mmdebstrap >/dev/null; then
			echo "# installing mmdebstrap (apt-get)"
			{ apt-get update && apt-get install -y mmdebstrap; } >/dev/null 2>&1 ||
				{ echo "Bail out! apt-get install mmdebstrap failed"; exit 1; }
		fi
		tmp=$(mktemp -d /var/tmp/hako-seed-debian.XXXXXX)
		[ -n "${DEBIAN_SEED_KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
		tar=$tmp/debian.tar
		echo "# mmdebstrap ${DEBIAN_SEED_SUITE:-bookworm} -> $tar (log: $tmp/mmdebstrap.log)"
		if ! mmdebstrap --variant=minbase --include=nginx-light,openssh-server \
			"${DEBIAN_SEED_SUITE:-bookworm}" "$tar" >"$tmp/mmdebstrap.log" 2>&1; then
			sed 's/^/# /' "$tmp/mmdebstrap.log" | tail -20
			echo "Bail out! mmdebstrap failed"
			exit 1
		fi
	fi
	DEBIAN_SEED_INNER=1 DEBIAN_SEED_TAR=$(realpath "$tar") "$src/tests/lib/run-one.sh" "$0"
	exit $?
fi

# ---- inside run-one.sh's namespaces ------------------------------------------------------
. "$HAKO_SRC/tests/lib/lib.sh"
for tool in curl ssh-keyscan; do
	command -v $tool >/dev/null || { skip "the Debian seed" "no $tool (apt-get install curl openssh-client)"; exit 0; }
done
TAR=$DEBIAN_SEED_TAR
ROOT=$HAKO_TEST_TMP/root
h() { "$HAKO" --root "$ROOT" "$@"; }
NET=seed IP=10.89.0.10
on_exit h network rm "$NET"
on_exit h rm -f web

is "the tarball has device nodes (dev/null c 1,3)" \
	"$(tar -tvf "$TAR" ./dev/null 2>&1 | awk '{print substr($1,1,1), $3}')" "c 1,3"
check "image import (device nodes and all, no option)" h image import "$TAR" --name debian-seed
is "the image runs Debian" "$(h run --rm --net none debian-seed cat /etc/debian_version | cut -d. -f1)" \
	"$(tar -xOf "$TAR" ./etc/debian_version | cut -d. -f1)"

check "network create" h network create --subnet 10.89.0.0/24 "$NET"
check "run -d: nginx in the foreground" h run -d --name web --network "$NET" --ip "$IP" \
	debian-seed nginx -g 'daemon off;'
page=
for _ in $(seq 50); do
	page=$(curl -s -m 2 "http://$IP/" 2>/dev/null) && [ -n "$page" ] && break
	sleep 0.2
done
if echo "$page" | grep -q "Welcome to nginx"; then
	ok "curl from the host side: nginx answers"
else
	not_ok "curl from the host side: nginx answers"
	{ echo "page: $page"; h logs web 2>&1 | tail -5; } | diag
fi

# 0016 = port 22, state 0A = LISTEN
listening() { h exec web -- cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk '$2 ~ /:0016$/ && $4 == "0A"' | grep -q .; }
if listening; then not_ok "nothing listens on 22 before sshd"; else ok "nothing listens on 22 before sshd"; fi
check "exec: start sshd" h exec web -- sh -c 'mkdir -p /run/sshd && /usr/sbin/sshd'
for _ in $(seq 25); do listening && break; sleep 0.2; done
if listening; then ok "the container listens on 22 (/proc/net/tcp)"; else not_ok "the container listens on 22"; fi
keys=$(ssh-keyscan -T 5 "$IP" 2>/dev/null)
if echo "$keys" | grep -q "^$IP ssh-ed25519 "; then
	ok "ssh-keyscan from the host side reads sshd's key"
else
	not_ok "ssh-keyscan from the host side reads sshd's key"
	echo "$keys" | diag
fi
is "nginx still serves" "$(curl -s -m 2 -o /dev/null -w '%{http_code}' "http://$IP/")" 200
