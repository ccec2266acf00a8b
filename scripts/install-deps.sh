#!/bin/bash
# Install what hako needs to build and test on Debian 12, as root. Idempotent: packages
# already present are left alone and apt is only called when something is missing.
set -euo pipefail
build=(gcc meson ninja-build pkg-config clang-format libmnl-dev libjson-c-dev libsqlite3-dev libseccomp-dev
	libcap-dev libnftables-dev libarchive-dev libyaml-dev nettle-dev zlib1g-dev
	libssl-dev libsodium-dev libcurl4-openssl-dev libsmartcols-dev)
# Independent oracles and fixtures used by the tests and the demo.
test=(iproute2 util-linux iputils-ping procps busybox-static nftables kmod python3 jq skopeo
	podman conmon containernetworking-plugins iptables containerd runc sqlite3
	qemu-system-x86 iperf3 graphviz wireguard-go wireguard-tools
	docker-registry apache2-utils openssl zsh mmdebstrap)
want=("${build[@]}" "${test[@]}" "$@")
missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The VM test guest's kernel package (scripts/mkguest.sh), downloaded once: tests run offline.
"$(dirname "$0")/mkguest.sh" --fetch
