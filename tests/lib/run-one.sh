#!/bin/bash
# Run one integration test script in a private mount + network namespace, with a private
# /run/netns and hako state, so that nothing it creates can reach (or leak into) the host:
# when the script ends, its namespaces, links and mounts go with it. A mount still there when
# the script ends (made by the test or by hako, and not removed) fails the test.
set -u
script=$1
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP integration tests need root"
	exit 0
fi
mkdir -p /run/netns
exec unshare --mount --net --propagation private -- bash -c '
	set -e
	mount -t tmpfs -o mode=755 hako-test-netns /run/netns
	tmp=$(mktemp -d /tmp/hako-test.XXXXXX)
	mount -t tmpfs hako-test-tmp "$tmp"
	export HAKO_TEST_TMP=$tmp
	ip link set lo up
	# a new namespace copies forwarding from the initial namespace of the host: start from
	# the values of a fresh machine whatever the host has (tests check that hako enables it)
	sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
	mounts() { findmnt -rn -o TARGET | sort; }
	before=$(mounts)
	set +e
	bash "$1"
	rc=$?
	# every mount the test (or hako) made must be gone when it ends: a leak fails it
	leaked=$(comm -13 <(echo "$before") <(mounts))
	if [ -n "$leaked" ]; then
		echo "not ok - mounts left behind: $(echo $leaked)"
		rc=1
	fi
	umount -l "$tmp" 2>/dev/null; rmdir "$tmp" 2>/dev/null
	exit $rc
' run-one "$script"
