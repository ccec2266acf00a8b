#!/bin/bash
# Attacks on the configuration socket (the `wg` userspace protocol): a client that trickles
# its request a byte at a time, one that sends an endless line, malformed set=1 requests,
# many clients at once, a client that is not root. The data path never waits on a client, the
# daemon's memory stays bounded, bad requests change nothing, the daemon lives on.
. "$HAKO_SRC/tests/integration/tunnel/common.inc"
hosts_init || { not_ok "set up hosts"; exit 1; }
keypair a && keypair b && keypair c
conf "$WORK/a.conf" "[Interface]" "PrivateKey = $(key a)" "ListenPort = 51820" "Address = 10.9.0.1/24" \
	"Workers = 1" "[Peer]" "PublicKey = $(pub b)" "AllowedIPs = 10.9.0.2/32" "Endpoint = 192.0.2.2:51821"
conf "$WORK/b.conf" "[Interface]" "PrivateKey = $(key b)" "ListenPort = 51821" "Address = 10.9.0.2/24" \
	"[Peer]" "PublicKey = $(pub a)" "AllowedIPs = 10.9.0.1/32"
check "tunnel up in A (one worker)" "$HAKO" -n A tunnel up ta -c "$WORK/a.conf"
check "tunnel up in B" "$HAKO" -n B tunnel up tb -c "$WORK/b.conf"
check "ping A -> B" nsx A ping -c 1 -W 2 10.9.0.2
pid=$("$HAKO" -j tunnel ls | python3 -c 'import json,sys; print([o["pid"] for o in json.load(sys.stdin) if o["name"]=="ta"][0])')
sock=/run/wireguard/ta.sock

# a client that sends "get=1" and then a byte every 0.5 s for 8 s, never the blank line
python3 - "$sock" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.send(b"get=1\n")
try:
    for _ in range(16):
        time.sleep(0.5); s.send(b"x")
except OSError:
    pass
PY
slow=$!
sleep 0.3
out=$(nsx A ping -c 10 -i 0.3 -w 8 10.9.0.2)
is "pings through A's only worker while a client trickles its request" "$(printf '%s' "$out" | sed -n 's/.* \([0-9]*\) received.*/\1/p')" "10"
max=$(printf '%s' "$out" | sed -n 's|.*= [0-9.]*/[0-9.]*/\([0-9]*\)\..*|\1|p')
if [ "${max:-9999}" -lt 500 ]; then ok "... none held up by it (max rtt ${max} ms)"; else not_ok "pings held up by the client (max rtt ${max:-?} ms)"; fi
check "wg show answers meanwhile" nsx A wg show ta
wait $slow

# an endless line: answered E2BIG, the daemon's memory stays small
is "a 64 MiB line: errno=-7 (E2BIG)" "$(python3 - "$sock" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.send(b"set=1\nlisten_port=")
try:
    for _ in range(64): s.sendall(b"1" * (1 << 20))
except OSError:
    pass
print(s.recv(100).decode().strip())
PY
)" "errno=-7"
rss=$(awk '/VmRSS/ {print $2}' /proc/"$pid"/status)
if [ "$rss" -lt 32768 ]; then ok "daemon RSS stays small ($rss kB)"; else not_ok "daemon RSS stays small ($rss kB)"; fi

# malformed set=1 requests: an error, nothing changed, the connection answered
before=$(nsx A wg showconf ta)
req() { python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(sys.argv[2].encode().decode("unicode_escape").encode("latin-1")); s.shutdown(socket.SHUT_WR); print(s.recv(4096).decode().strip().split("\n")[-1])' "$sock" "$1"; }
cpub=$(base64 -d <"$WORK/c.pub" | od -An -tx1 | tr -d ' \n')
for r in 'set=1\nprivate_key=zz\n\n' 'set=1\nlisten_port=99999\n\n' 'set=1\nlisten_port=-1\n\n' \
	"set=1\npublic_key=${cpub:0:60}\n\n" "set=1\npublic_key=${cpub}\nallowed_ip=10.0.0.0/99\n\n" \
	"set=1\npublic_key=${cpub}\nendpoint=[::1\n\n" "set=1\npublic_key=${cpub}\npersistent_keepalive_interval=1e9\n\n" \
	"set=1\npublic_key=${cpub}\nprotocol_version=2\n\n" 'set=1\nbogus\n\n' 'set=1\nfwmark=4294967296\n\n' \
	'set=1\nreplace_peers=maybe\n\n' 'get=2\n\n' '\x00\xff\n\n'; do
	out=$(req "$r")
	case $out in errno=0 | "") not_ok "malformed request $r: $out" ;; *) ok "malformed request $r: $out" ;; esac
done
is "bad requests left only the peers before them" "$(nsx A wg show ta peers)" "$(pub b)"$'\n'"$(pub c)"
nsx A wg set ta peer "$(pub c)" remove
is "... and nothing else changed" "$(nsx A wg showconf ta)" "$before"

check "wg set with the interface's own key as a peer: accepted" nsx A wg set ta peer "$(pub a)" allowed-ips 10.44.0.0/16
is "... and ignored, as the kernel does" "$(nsx A wg show ta peers)" "$(pub b)"

# a private key whose public key is a peer's: that peer goes, as in the kernel
check "wg set ta peer C" nsx A wg set ta peer "$(pub c)" allowed-ips 10.45.0.0/16
check "wg set ta private-key C's" nsx A wg set ta private-key "$WORK/c.key"
is "C is no peer of itself" "$(nsx A wg show ta peers)" "$(pub b)"
check "wg set ta private-key A's again" nsx A wg set ta private-key "$WORK/a.key"

# many clients at once, ten of them silent: none waits on the silent ones
silent=
for i in $(seq 10); do
	python3 -c 'import socket,sys,time; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.send(b"get=1\n"); time.sleep(3)' "$sock" &
	silent="$silent $!"
done
sleep 0.3
t0=$(date +%s%N)
fails=0
for i in $(seq 20); do nsx A wg show ta >/dev/null 2>&1 & done
for j in $(jobs -p); do case " $silent " in *" $j "*) ;; *) wait "$j" || fails=$((fails + 1)) ;; esac; done
ms=$((($(date +%s%N) - t0) / 1000000))
is "20 concurrent wg show, 10 silent clients among them: all answered" "$fails" "0"
if [ "$ms" -lt 1500 ]; then ok "... without waiting on the silent ones (${ms} ms)"; else not_ok "wg show waited on silent clients (${ms} ms)"; fi
wait $silent

# a client that is not root
if command -v setpriv >/dev/null; then
	is "a non-root client cannot connect" "$(setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 -c 'import socket,sys
try:
    socket.socket(socket.AF_UNIX).connect(sys.argv[1]); print("connected")
except PermissionError:
    print("refused")' "$sock")" "refused"
fi
is "daemon ta alive after all of it" "$(kill -0 "$pid" && echo alive)" "alive"
check "positive control: ping A -> B" nsx A ping -c 2 -i 0.2 -W 2 10.9.0.2
