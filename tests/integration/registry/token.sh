#!/bin/bash
# Bearer tokens (the registry's `auth: token`, as Docker Hub, quay.io, ghcr.io): a token
# server made here signs JWTs; anonymous pulls get a pull-only token, pushes need
# credentials (--creds, or login), wrong ones are refused; skopeo is the independent client.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/registry/common.inc"
command -v openssl >/dev/null || { skip "bearer tokens" "openssl is not installed"; exit 0; }
T=$W/token
mkdir -p "$T"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=hako-test-token \
	-keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1 || { not_ok "openssl"; exit 1; }
TLOG=$W/token.log
: >"$TLOG"
python3 "$HAKO_SRC/tests/integration/registry/tokensrv.py" "$T/port" "$T/key.pem" "$T/cert.pem" \
	'bob:hunter2 pw' "$TLOG" 2>"$W/tokensrv.err" &
tpid=$!
on_exit "kill $tpid; wait $tpid"
for i in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
start_registry token "" "auth:
  token:
    realm: http://127.0.0.1:$(cat "$T/port")/token
    service: hako-test
    issuer: hako-test-issuer
    rootcertbundle: $T/cert.pem"
mklayout "$W/one"
check "skopeo pushes with credentials (token)" sk copy -q --dest-tls-verify=false --dest-creds 'bob:hunter2 pw' "oci:$W/one" "docker://$REG/test/one:1"

check "anonymous pull: a pull-only token" h pull -q --tls-verify=false "$REG/test/one:1"
is "asked for repository:test/one:pull, anonymously" "$(grep -c "^anonymous \['repository:test/one:pull'\]" "$TLOG")" 1
is "layer digests as skopeo sees them" "$(hako_layer_blobs "$REG/test/one:1")" \
	"$(sk inspect --raw --tls-verify=false --creds 'bob:hunter2 pw' "docker://$REG/test/one:1" | layer_digests)"
check_fail "anonymous push: refused, exit 4" 4 "authentication required" \
	h push -q --tls-verify=false "$REG/test/one:1" "$REG/test/copy:1"
check_fail "wrong credentials: exit 4" 4 "credentials refused" \
	h pull -q --tls-verify=false --creds bob:nope "$REG/test/one:1"
check "push with --creds: a pull,push token" h push -q --tls-verify=false --creds 'bob:hunter2 pw' "$REG/test/one:1" "$REG/test/copy:1"
is "asked for pull,push as bob" "$(grep -c "^bob \['repository:test/copy:pull,push'\]" "$TLOG")" 1
is "and, to mount the layers, pull on the source repository (the registry's challenge)" \
	"$(grep -c "^bob \['repository:test/copy:pull,push', 'repository:test/one:pull'\]" "$TLOG")" 1
check "skopeo reads the pushed image" sk inspect --raw --tls-verify=false --creds 'bob:hunter2 pw' "docker://$REG/test/copy:1"
AF=$W/login.json
check_fail "login with a wrong password: exit 4" 4 "credentials refused" \
	sh -c "echo nope | '$HAKO' --root '$ROOT' login -u bob --password-stdin --tls-verify=false --authfile '$AF' '$REG'"
check "login" sh -c "echo 'hunter2 pw' | '$HAKO' --root '$ROOT' login -u bob --password-stdin --tls-verify=false --authfile '$AF' '$REG'"
check "push with the login's credentials" h push -q --tls-verify=false --authfile "$AF" "$REG/test/one:1" "$REG/test/copy:2"
