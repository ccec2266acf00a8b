#!/bin/bash
# hako oci: linux.devices outside /dev (made in the root, before a read-only root is made
# read-only, every path resolved inside the root) and in a new user namespace (mknod is
# refused there: the runtime makes the node and the container binds it onto an empty file).
# Hostile bundles: a symbolic link on the way stays inside the root, one at the node's own
# name is refused. Oracles: stat(1) inside the container and on the host, ls.
. "$HAKO_SRC/tests/integration/oci/common.inc"
OUT=$HAKO_TEST_TMP/outside
mkdir -p "$OUT"
oci_bundle
ST='stat -c "%n %F %t:%T %a %u:%g"'

# --- outside /dev, under a read-only root (crun's mknod-device)
cfg "c['root']['readonly']=True; c['linux']['devices']=[{'path':'/foo-dev','type':'b','major':10,'minor':229},{'path':'/subdir/foo-dev','type':'c','major':1,'minor':3,'fileMode':0o640,'uid':7,'gid':8}]; \
c['process']['args']=['sh','-c','$ST /foo-dev /subdir/foo-dev; touch /x 2>&1 | grep -c Read-only']"
is "devices outside /dev, read-only root: made as given, the root still read-only" "$(run_out d1 | tr '\n' ' ')" \
	"/foo-dev block special file a:e5 666 0:0 /subdir/foo-dev character special file 1:3 640 7:8 1 "
is "they are in the rootfs (as runc and crun make them)" "$(stat -c '%F %t:%T' "$B/rootfs/subdir/foo-dev")" "character special file 1:3"
rm -rf "$B/rootfs/foo-dev" "$B/rootfs/subdir"

# --- hostile rootfs: symbolic links to the host's $OUT, absolute and relative
ln -s "$OUT" "$B/rootfs/abs"
ln -s ../../../../../../../../.."$OUT" "$B/rootfs/rel"
ln -s "$OUT/node" "$B/rootfs/last"
cfg "c['root']['readonly']=False; c['linux']['devices']=[{'path':'/abs/n1','type':'c','major':1,'minor':3},{'path':'/rel/n2','type':'c','major':1,'minor':3}]; \
c['process']['args']=['sh','-c','$ST /abs/n1 /rel/n2']"
out=$(run_out d2 | tr '\n' ' ')
is "a symlinked directory: resolved inside the root (the container sees the nodes)" "$out" \
	"/abs/n1 character special file 1:3 666 0:0 /rel/n2 character special file 1:3 666 0:0 "
is "nothing made in the host's directory" "$(ls -A "$OUT")" ""
[ -c "$B/rootfs$OUT/n1" ] && [ -c "$B/rootfs$OUT/n2" ] && ok "both made under the rootfs" || not_ok "not under the rootfs: $(find "$B/rootfs$OUT" 2>&1)"
cfg "c['linux']['devices']=[{'path':'/last','type':'c','major':1,'minor':3}]"
check_fail "a symbolic link at the node's name is refused" 1 "device '/last': something else is there" \
	sh -c "cd '$B' && '$HAKO' oci --root '$OR' run d3 </dev/null"
is "nothing made in the host's directory (the link not followed)" "$(ls -A "$OUT")" ""
is "the failed container is gone" "$(o list -q)" ""
rm -rf "$B/rootfs/abs" "$B/rootfs/rel" "$B/rootfs/last" "$B/rootfs${OUT%/outside}"

# --- a new user namespace: mknod is refused there; the runtime's node is bound instead
cfg "c['linux']['namespaces'].append({'type':'user'}); \
c['linux']['uidMappings']=[{'containerID':0,'hostID':200000,'size':65536}]; c['linux']['gidMappings']=[{'containerID':0,'hostID':300000,'size':65536}]; \
c['linux']['devices']=[{'path':'/dev/foo','type':'b','major':1,'minor':5,'uid':10,'gid':11},{'path':'/dev/sub/mynull','type':'c','major':1,'minor':3,'fileMode':0o600},{'path':'/foo-dev','type':'c','major':1,'minor':3}]; \
c['process']['args']=['sh','-c','$ST /dev/foo /dev/sub/mynull /foo-dev; echo x >/dev/sub/mynull && echo written; mknod /dev/t c 1 3 2>&1 | grep -c \"not permitted\"']"
is "user namespace: the nodes as given (owner as the container sees it), usable" "$(run_out u1 | tr '\n' ' ')" \
	"/dev/foo block special file 1:5 666 10:11 /dev/sub/mynull character special file 1:3 600 0:0 /foo-dev character special file 1:3 666 0:0 written 1 "
is "the runtime's node is not left in the run directory" "$(find "$OR" -name ".device*" | wc -l)" 0
cfg "c['linux']['devices']=[{'path':'/dev/foo','type':'b','major':1,'minor':5,'uid':70000,'gid':0}]"
check_fail "an owner not mapped in the user namespace is refused" 2 "device '/dev/foo': owner 70000:0 is not mapped" \
	sh -c "cd '$B' && '$HAKO' oci --root '$OR' run u2 </dev/null"
is "nothing left" "$(o list -q)" ""
