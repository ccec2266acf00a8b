#!/bin/bash
# TLS with a CA made here (--cert-dir, the /etc/containers/certs.d/HOST:PORT convention,
# --tls-verify=false), and htpasswd basic auth (--creds, login/logout with the auth file).
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/registry/common.inc"
for t in openssl htpasswd; do
	command -v $t >/dev/null || { skip "TLS and auth" "$t is not installed"; exit 0; }
done
C=$W/certs
mkdir -p "$C"
(
	cd "$C" &&
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=hako-test-ca -keyout ca.key -out ca.crt &&
	openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout srv.key -out srv.csr &&
	printf 'subjectAltName=IP:127.0.0.1\n' >ext &&
	openssl x509 -req -in srv.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile ext -out srv.crt
) >"$W/openssl.log" 2>&1 || { not_ok "openssl: $(tail -2 "$W/openssl.log")"; exit 1; }
mkdir -p "$W/cadir" && cp "$C/ca.crt" "$W/cadir/"
TLS="  tls:
    certificate: $C/srv.crt
    key: $C/srv.key"

# ---- TLS ----
start_registry tls "$TLS"
mklayout "$W/one"
check "skopeo pushes over TLS (--dest-cert-dir)" sk copy -q --dest-cert-dir "$W/cadir" "oci:$W/one" "docker://$REG/test/one:1"
check_fail "an unknown CA: exit 1, a TLS failure" 1 "TLS; --tls-verify=false or --cert-dir DIR.*certificate" \
	h pull -q "$REG/test/one:1"
is "nothing stored" "$(h -j image ls | tr -d " \n")" "[]"
id=$(h pull -q --cert-dir "$W/cadir" "$REG/test/one:1")
is "--cert-dir DIR with the CA: pulled" "$?" 0
is "layer digests as skopeo sees them" "$(hako_layer_blobs "$REG/test/one:1")" \
	"$(sk inspect --raw --cert-dir "$W/cadir" "docker://$REG/test/one:1" | layer_digests)"
check "reset" h image rm "$REG/test/one:1"
check "--tls-verify=false: pulled over TLS without checking" h pull -q --tls-verify=false "$REG/test/one:1"
check "reset" h image rm "$REG/test/one:1"
check_fail "--cert-dir that does not exist: exit 5" 5 "certificate directory" h pull -q --cert-dir "$W/nope" "$REG/test/one:1"
# /etc/containers/certs.d/HOST:PORT/, on a tmpfs of this test's own mount namespace
if mount -t tmpfs hako-test-etc /etc/containers 2>/dev/null; then
	on_exit "umount /etc/containers"
	mkdir -p "/etc/containers/certs.d/$REG" && cp "$C/ca.crt" "/etc/containers/certs.d/$REG/"
	check "/etc/containers/certs.d/$REG/ca.crt is used" h pull -q "$REG/test/one:1"
	# hako run --pull: a busybox image hako made, pushed, removed, run from the registry
	bb=${BUSYBOX:-/bin/busybox}
	if [ -x "$bb" ] && HAKO_BUSYBOX=$bb h image bootstrap busybox made:1 >/dev/null 2>&1 &&
		h push -q made:1 "$REG/made/bb:1" >/dev/null && h image rm made:1 >/dev/null; then
		check_fail "run --pull never: no such image, exit 125" 125 "no such image" \
			h run --rm --net none --pull never "$REG/made/bb:1" true
		is "run of an image not stored: pulled, then run" \
			"$(h run --rm --net none "$REG/made/bb:1" echo hello 2>/dev/null)" hello
		is "run --pull always: asks the registry again (up to date)" \
			"$(h run --rm --net none --pull always "$REG/made/bb:1" true 2>&1 | grep -c 'up to date')" 1
		check_fail "run of a missing tag: no such image, and why the pull failed" 125 \
			"no such image.*\(pull: .*not found \(404\)" h run --rm --net none "$REG/made/bb:nope" true
		check_fail "run --pull bogus: exit 125" 125 "missing, always or never" \
			h run --rm --pull bogus "$REG/made/bb:1" true
	else
		skip "run --pull" "no static busybox at $bb"
	fi
	umount /etc/containers
else
	skip "/etc/containers/certs.d" "cannot mount a tmpfs on /etc/containers"
fi

# ---- htpasswd basic auth (over TLS, as the registry wants for basic auth) ----
htpasswd -Bbc "$W/htpasswd" alice 's3cret pass' >/dev/null 2>&1
start_registry auth "$TLS" "auth:
  htpasswd:
    realm: hako-test
    path: $W/htpasswd"
check "skopeo pushes with credentials" sk copy -q --dest-cert-dir "$W/cadir" --dest-creds 'alice:s3cret pass' "oci:$W/one" "docker://$REG/test/one:1"
check_fail "no credentials: exit 4" 4 "authentication required" h pull -q --cert-dir "$W/cadir" "$REG/test/one:1"
check_fail "wrong password: exit 4" 4 "authentication required|denied|credentials" h pull -q --cert-dir "$W/cadir" --creds alice:wrong "$REG/test/one:1"
check "--creds USER:PASS: pulled" h pull -q --cert-dir "$W/cadir" --creds 'alice:s3cret pass' "$REG/test/one:1"
check "reset" h image rm "$REG/test/one:1"
AF=$W/login.json
check_fail "login with a wrong password: exit 4" 4 "login '$REG'" \
	sh -c "echo wrong | REGISTRY_AUTH_FILE=$AF '$HAKO' --root '$ROOT' login -u alice --password-stdin --cert-dir '$W/cadir' '$REG'"
is "nothing written" "$(ls "$AF" 2>/dev/null)" ""
out=$(echo 's3cret pass' | h login -u alice --password-stdin --cert-dir "$W/cadir" --authfile "$AF" "$REG")
is "login: accepted" "$out" "Login Succeeded"
is "the auth file is mode 0600" "$(stat -c %a "$AF")" 600
is "it holds base64(user:pass) under HOST:PORT" "$(python3 -c 'import json,sys,base64; print(base64.b64decode(json.load(open(sys.argv[1]))["auths"][sys.argv[2]]["auth"]).decode())' "$AF" "$REG")" "alice:s3cret pass"
check "pull with --authfile" h pull -q --cert-dir "$W/cadir" --authfile "$AF" "$REG/test/one:1"
check "skopeo reads hako's auth file" sk inspect --raw --cert-dir "$W/cadir" --authfile "$AF" "docker://$REG/test/one:1"
check "logout" h logout --authfile "$AF" "$REG"
check_fail "pull after logout: exit 4" 4 "authentication required" h pull -q --cert-dir "$W/cadir" --authfile "$AF" "$REG/test/one:1"
check_fail "logout again: exit 5" 5 "not logged in" h logout --authfile "$AF" "$REG"
check_fail "login without -u: exit 2" 2 "-u USER" h login --password-stdin "$REG"
