#!/bin/bash
# hako route flush: the routes route show lists with the same filter are deleted (ip route
# as the oracle); other devices, families and tables keep theirs; a selector is required.
. "$HAKO_SRC/tests/lib/lib.sh"
ip link add rf0 type veth peer name rf1
ip link set rf0 up
ip link set rf1 up
ip addr add 10.61.0.1/24 dev rf0
ip addr add 10.62.0.1/24 dev rf1
ip -6 addr add 2001:db8:61::1/64 dev rf0 nodad
"$HAKO" route add 10.70.0.0/16 via 10.61.0.2
"$HAKO" route add 10.71.0.0/16 via 10.62.0.2
"$HAKO" route add 10.72.0.0/16 dev rf0 table 100
"$HAKO" route add 2001:db8:70::/48 via 2001:db8:61::2
check_fail "flush without a selector" 2 "name what to flush" "$HAKO" route flush
is "nothing flushed by it" "$(ip route show 10.70.0.0/16 | wc -l)" 1
check "flush dev rf0 -4" "$HAKO" route flush dev rf0 -4
is "ip route: rf0's IPv4 routes gone" "$(ip -4 route show dev rf0)" ""
is "ip route: rf1's stay" "$(ip route show 10.71.0.0/16 | awk '{print $1, $3}')" "10.71.0.0/16 10.62.0.2"
is "ip -6 route: IPv6 stays" "$(ip -6 route show 2001:db8:70::/48 | awk '{print $1}')" 2001:db8:70::/48
is "table 100 stays" "$(ip route show table 100 | awk '{print $1}')" 10.72.0.0/16
check "flush table 100" "$HAKO" route flush table 100
is "table 100 empty" "$(ip route show table 100)" ""
is "the local table is untouched" "$(ip route show table local | grep -c "local 10.62.0.1 ")" 1
check "flush -6" "$HAKO" route flush -6
is "no IPv6 route of table main left" "$(ip -6 route show table main)" ""
check "flush again: nothing to do" "$HAKO" route flush -6
