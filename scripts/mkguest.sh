#!/bin/sh
# Build the VM test guest offline from Debian packages: the kernel of linux-image-amd64 and a
# busybox initramfs that loads the virtio network modules of that same package and configures
# eth0 from the kernel's ip= parameter.
#   scripts/mkguest.sh --fetch     download the kernel package (install-deps.sh does it; the
#                                  only step that uses the network)
#   scripts/mkguest.sh DIR         write DIR/vmlinuz and DIR/initrd.img
#   scripts/mkguest.sh --cached    print the path of a shared, keyed copy (the tests' way)
#
# The kernel package: the newest $HAKO_GUEST_DEB_DIR (default /var/cache/hako-guest)/
# linux-image-*-amd64_*.deb, or $HAKO_GUEST_DEB. Debian's kernel lacks CONFIG_IP_PNP, so
# ip= is the guest's /init's job, which reads it the kernel's way:
#   ip=CLIENT::GATEWAY:NETMASK::eth0:off     (or ip=dhcp: busybox udhcpc on eth0)
# and prints "hako-guest: eth0 CLIENT/LEN up" on the console. More guest parameters:
#   hako.ping=ADDR[,ADDR...]   ping each once after eth0 is up and print
#                              "hako-guest: ping ADDR ok" (or "failed")
#   hako.addr=IF,ADDR/LEN      one more address (eth1, ...: a VM with several NICs)
#   hako.forward=1             enable IPv4 forwarding (a guest that routes)
#   hako.dhcp=1                DHCP (udhcpc) on eth0 whatever ip= says
#   hako.httpd=1               busybox httpd on port 80 serving "hello from the guest"
# then a shell on the console (ttyS0).
#
# --cached: $HAKO_GUEST_CACHE_DIR (default /var/tmp)/hako-test-guest-KEY, KEY the first 16
# hex digits of the sha256 of this script's, busybox's and the kernel package's sha256
# sums: a change to any of them makes a new guest, never a stale one reused. Built in a
# temporary directory and renamed into place under a lock.
set -eu
usage="usage: mkguest.sh DIR | --cached | --fetch"
dir=${1:?$usage}
bb=${BUSYBOX:-/bin/busybox}
debdir=${HAKO_GUEST_DEB_DIR:-/var/cache/hako-guest}

if [ "$dir" = --fetch ]; then
	mkdir -p "$debdir"
	# linux-image-amd64 is a metapackage: its dependency is the kernel image itself
	dep() { apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n1; }
	pkg=$(dep)
	[ -n "$pkg" ] || { apt-get update -qq && pkg=$(dep); }
	[ -n "$pkg" ] || {
		echo "mkguest: cannot resolve linux-image-amd64 (apt-get update?)" >&2
		exit 1
	}
	ls "$debdir/${pkg}_"*.deb >/dev/null 2>&1 && exit 0
	# apt's sandbox user cannot write the cache directory: download in a temporary one
	tmp=$(mktemp -d)
	chmod 755 "$tmp"
	(cd "$tmp" && apt-get download -q "$pkg" >/dev/null 2>&1) || {
		rm -rf "$tmp"
		echo "mkguest: apt-get download $pkg failed" >&2
		exit 1
	}
	mv "$tmp"/*.deb "$debdir"/
	rm -rf "$tmp"
	exit 0
fi

deb=${HAKO_GUEST_DEB:-$(ls "$debdir"/linux-image-*-amd64_*.deb 2>/dev/null | sort -V | tail -n1)}
if [ -z "$deb" ] || [ ! -f "$deb" ]; then
	echo "mkguest: no kernel package in $debdir (scripts/mkguest.sh --fetch)" >&2
	exit 1
fi
if ! "$bb" --list >/dev/null 2>&1 || ldd "$bb" 2>&1 | grep -q '=>'; then
	echo "mkguest: $bb is not a static busybox (apt-get install busybox-static)" >&2
	exit 1
fi

if [ "$dir" = --cached ]; then
	base=${HAKO_GUEST_CACHE_DIR:-/var/tmp}
	mkdir -p "$base"
	key=$({ sha256sum <"$0" && sha256sum <"$bb" && sha256sum <"$deb"; } | sha256sum | cut -c1-16)
	cache=$base/hako-test-guest-$key
	if [ ! -d "$cache" ]; then
		exec 9>"$base/hako-test-guest.lock"
		flock 9
		if [ ! -d "$cache" ]; then
			rm -rf "$cache".tmp.* # a build that died (the lock is ours)
			tmp=$(mktemp -d "$cache.tmp.XXXXXX")
			chmod 755 "$tmp"
			if ! BUSYBOX=$bb HAKO_GUEST_DEB=$deb "$0" "$tmp" >/dev/null; then
				rm -rf "$tmp"
				exit 1
			fi
			mv -T "$tmp" "$cache"
		fi
		exec 9>&-
	fi
	echo "$cache"
	exit 0
fi

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# the kernel, the virtio modules and the lists depmod needs, from the package
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work" --wildcards \
	'./boot/vmlinuz-*' './lib/modules/*/modules.builtin' './lib/modules/*/modules.builtin.modinfo' \
	'./lib/modules/*/modules.order' \
	'./lib/modules/*/kernel/drivers/virtio/*' './lib/modules/*/kernel/drivers/net/virtio_net.ko*' \
	'./lib/modules/*/kernel/drivers/net/net_failover.ko*' './lib/modules/*/kernel/net/core/failover.ko*'
kver=$(ls "$work/lib/modules")
depmod -b "$work" "$kver"
mods=$work/lib/modules/$kver
# load order: each module after what it depends on (modules.dep, transitively)
order=""
add() { # add MODPATH (relative to $mods): its dependencies first
	case " $order " in *" $1 "*) return ;; esac
	for d in $(sed -n "s|^$1: *||p" "$mods/modules.dep"); do add "$d"; done
	order="$order $1"
}
for m in virtio_pci virtio_net; do
	p=$(sed -n "s|^\(kernel/.*/$m\.ko[^:]*\):.*|\1|p" "$mods/modules.dep")
	[ -n "$p" ] || { grep -q "/$m\.ko" "$mods/modules.builtin" && continue; }
	[ -n "$p" ] || { echo "mkguest: module $m not in $deb" >&2; exit 1; }
	add "$p"
done

root=$work/root
mkdir -p "$root"/bin "$root"/sbin "$root"/etc "$root"/proc "$root"/sys "$root"/dev \
	"$root"/tmp "$root"/root "$root"/lib/modules
cp "$bb" "$root/bin/busybox"
for a in $("$bb" --list); do [ "$a" = busybox ] || ln -s busybox "$root/bin/$a"; done
for m in $order; do
	cp "$mods/$m" "$root/lib/modules/"
	echo "${m##*/}" >>"$root/etc/modules"
done
cat >"$root/init" <<'INIT'
#!/bin/sh
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
for m in $(cat /etc/modules); do
	insmod /lib/modules/$m || echo "hako-guest: insmod $m failed"
done
ip link set lo up
arg() { # the value of kernel parameter $1
	for w in $(cat /proc/cmdline); do
		case "$w" in "$1="*) echo "${w#*=}"; return ;; esac
	done
}
masklen() { # 255.255.255.0 -> 24
	n=0
	for o in $(echo "$1" | tr . ' '); do
		while [ "$o" -gt 0 ]; do n=$((n + (o & 1))); o=$((o >> 1)); done
	done
	echo $n
}
for i in $(seq 50); do [ -e /sys/class/net/eth0 ] && break; sleep 0.1; done
ipa=$(arg ip)
[ "$(arg hako.dhcp)" = 1 ] && ipa=dhcp
case "$ipa" in
dhcp)
	ip link set eth0 up
	udhcpc -i eth0 -n -q -t 10 -s /etc/udhcpc.sh || echo "hako-guest: dhcp failed"
	;;
?*)
	IFS=: read -r client server gw mask host dev auto <<EOF
$ipa
EOF
	dev=${dev:-eth0}
	len=$(masklen "${mask:-255.255.255.0}")
	ip link set "$dev" up
	ip addr add "$client/$len" dev "$dev"
	[ -n "$gw" ] && ip route add default via "$gw"
	echo "hako-guest: $dev $client/$len up"
	;;
esac
for w in $(cat /proc/cmdline); do # hako.addr=IF,ADDR/LEN (any number of them)
	case "$w" in hako.addr=*,*) ;; *) continue ;; esac
	v=${w#hako.addr=}
	dev=${v%%,*}
	for i in $(seq 50); do [ -e "/sys/class/net/$dev" ] && break; sleep 0.1; done
	ip link set "$dev" up && ip addr add "${v#*,}" dev "$dev" && echo "hako-guest: $dev ${v#*,} up"
done
[ "$(arg hako.forward)" = 1 ] && echo 1 >/proc/sys/net/ipv4/ip_forward
if [ "$(arg hako.httpd)" = 1 ]; then
	mkdir -p /www
	echo "hello from the guest" >/www/index.html
	httpd -p 80 -h /www && echo "hako-guest: httpd on port 80"
fi
for a in $(arg hako.ping | tr , ' '); do
	if ping -c 1 -W 2 "$a" >/dev/null 2>&1 || ping -c 1 -W 2 "$a" >/dev/null 2>&1; then
		echo "hako-guest: ping $a ok"
	else
		echo "hako-guest: ping $a failed"
	fi
done
echo "hako-guest: ready"
while :; do setsid cttyhack sh; done
INIT
cat >"$root/etc/udhcpc.sh" <<'DH'
#!/bin/sh
case "$1" in
bound | renew)
	ip addr flush dev "$interface"
	ip addr add "$ip/${mask:-24}" dev "$interface"
	[ -n "$router" ] && ip route add default via "${router%% *}"
	echo "hako-guest: $interface $ip/${mask:-24} up"
	;;
esac
DH
chmod 755 "$root/init" "$root/etc/udhcpc.sh"
echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
cp "$work/boot/vmlinuz-$kver" "$dir/vmlinuz"
(cd "$root" && find . | "$bb" cpio -o -H newc 2>/dev/null | gzip -1 >"$dir/initrd.img")
echo "guest ready: $dir (kernel $kver, modules:$(echo $order | sed 's|[^ ]*/||g'))"
