#!/bin/bash
# hako's state is used only when nobody but root could have written it (security review
# finding 15): ROOT, STATE, RUN and every directory above them owned by root and not
# writable by group or others (a sticky directory such as /tmp excepted), the database and
# STATE/seccomp likewise. Each refusal: exit 4, one line naming the path and the reason,
# nothing made. What hako makes: ROOT 0711, STATE and RUN 0700.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"
T=$HAKO_TEST_TMP
mode() { stat -c %a "$1"; }

check "a fresh --root: made" h ps
is "ROOT made 0711" "$(mode "$ROOT")" 711
is "STATE made 0700" "$(mode "$ROOT/state")" 700
is "RUN made 0700" "$(mode "$ROOT/run")" 700
is "the database not writable by others" "$(( 0$(mode "$ROOT/state/hako.db") & 022 ))" 0

chmod 0777 "$ROOT/state"
check_fail "STATE writable by others: refused" 4 \
	"state directory '$ROOT/state': writable by group or others \(mode 0777\)" h ps
chmod 0770 "$ROOT/state"
check_fail "STATE writable by its group: refused" 4 "writable by group or others \(mode 0770\)" h ps
chmod 0700 "$ROOT/state"
chown 1000 "$ROOT/run"
check_fail "RUN owned by uid 1000: refused" 4 \
	"run directory '$ROOT/run': owned by uid 1000, not root" h ps
chown 0 "$ROOT/run"
chown 1000 "$ROOT"
check_fail "ROOT owned by uid 1000: refused" 4 \
	"state directory '$ROOT/state': directory '$ROOT': owned by uid 1000, not root" h ps
chown 0 "$ROOT"
chmod 0757 "$ROOT"
check_fail "ROOT writable by others: refused" 4 "directory '$ROOT': writable by group or others" h ps
chmod 0711 "$ROOT"
check "all restored: accepted" h ps

db=$ROOT/state/hako.db
chmod 0666 "$db"
check_fail "database writable by others: refused" 4 \
	"state database '$db': writable by group or others \(mode 0666\)" h ps
chmod 0644 "$db"
chown 1000 "$db"
check_fail "database owned by uid 1000: refused" 4 "state database '$db': owned by uid 1000" h ps
chown 0 "$db"
mv "$db" "$T/db"
ln -s "$T/db" "$db"
check_fail "database a symlink: refused" 4 "state database '$db': not a regular file" h ps
rm "$db"
mv "$T/db" "$db"
check "database restored: accepted" h ps

# a --root below a directory others may write: refused before anything is made
mkdir -m 0777 "$T/open"
check_fail "--root below a world-writable directory: refused" 4 \
	"directory '$T/open': writable by group or others \(mode 0777\)" \
	"$HAKO" --root "$T/open/root" ps
is "nothing made there" "$(ls -A "$T/open")" ""
chmod 1777 "$T/open"
check "--root below a sticky world-writable directory (as /tmp): accepted" \
	"$HAKO" --root "$T/open/root" ps
mkdir -m 0755 "$T/mine"
chown 1000 "$T/mine"
check_fail "--root below a directory of uid 1000: refused" 4 \
	"directory '$T/mine': owned by uid 1000" "$HAKO" --root "$T/mine/root" ps
ln -s "$T/mine" "$T/link"
check_fail "... reached through a symlink: the real path is checked" 4 \
	"directory '$T/mine': owned by uid 1000" "$HAKO" --root "$T/link/root" ps

# STATE/seccomp: compiled filters loaded as they are
check "a default container (fills the seccomp cache)" h run --rm --rootfs "$R" -- true
sc=$ROOT/state/seccomp
f=$(ls "$sc"/*.bpf | head -1)
chmod 0666 "$f"
check_fail "a cached filter writable by others: refused" 125 \
	"seccomp cache '$f': writable by group or others" h run --rm --rootfs "$R" -- true
chmod 0600 "$f"
chmod 0777 "$sc"
check_fail "the seccomp cache directory writable by others: refused" 125 \
	"seccomp cache '$sc': writable by group or others" h run --rm --rootfs "$R" -- true
chmod 0700 "$sc"
check "seccomp cache restored: a container runs" h run --rm --rootfs "$R" -- true
