#!/bin/bash
# The registries configuration (regconf.h: registries.conf's fields, as JSON): a pull tries
# the mirrors first, then the registry; "insecure" stands for --tls-verify=false; a blocked
# prefix is refused; a malformed file is one line.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/registry/common.inc"
start_registry upstream
UP=$REG
start_registry mirror
MIR=$REG
mklayout "$W/one"
sk copy -q --dest-tls-verify=false "oci:$W/one" "docker://$UP/test/one:1" >/dev/null
sk copy -q --dest-tls-verify=false "oci:$W/one" "docker://$UP/test/two:1" >/dev/null
sk copy -q --dest-tls-verify=false "oci:$W/one" "docker://$MIR/hub/test/one:1" >/dev/null
export HAKO_REGISTRIES_CONF=$W/registries.json
cat >"$HAKO_REGISTRIES_CONF" <<JSON
{"registry": [
  {"location": "$UP", "insecure": true,
   "mirror": [{"location": "$MIR/hub", "insecure": true}]},
  {"prefix": "$UP/blocked", "location": "$UP", "blocked": true}
]}
JSON
out=$(h pull "$UP/test/one:1" 2>&1 >/dev/null)
is "pull through the mirror (insecure by the configuration): exit 0" "$?" 0
echo "$out" | grep -q "^resolved $MIR/hub/test/one:1"
is "resolved at the mirror, under its path" "$?" 0
is "named as asked" "$(h -j image ls | python3 -c 'import json,sys; print([r["name"] for r in json.load(sys.stdin)])')" "['$UP/test/one:1']"
out=$(h pull "$UP/test/two:1" 2>&1 >/dev/null)
is "not on the mirror: exit 0" "$?" 0
echo "$out" | grep -q "mirror failed, trying the next: .*not found (404)" && echo "$out" | grep -q "^resolved $UP/test/two:1"
is "says the mirror failed, then pulls from the registry" "$?" 0
check_fail "a blocked prefix: exit 4" 4 "registry '$UP' is blocked by $W/registries.json" h pull "$UP/blocked/x:1"
check_fail "--tls-verify=true overrides insecure: the mirror and the registry fail TLS, exit 1" 1 "TLS" \
	h pull -q --tls-verify=true "$UP/test/two:1"
echo '{"registry": [' >"$HAKO_REGISTRIES_CONF"
check_fail "a malformed configuration: exit 1, one line" 1 "registries.json: not valid JSON" h pull "$UP/test/one:1"
unset HAKO_REGISTRIES_CONF
check_fail "without it: plain HTTP is a TLS failure again" 1 "TLS" h pull "$UP/test/one:1"
