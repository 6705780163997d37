#!/bin/bash
# 033-net-bridge.sh — network.mode "bridge" (root only): a veth pair whose inside end is eth0
# with its address and default route, the host end on a bridge sbx makes if missing, addresses
# from the allocation file (IPAM), nftables forwards and masquerade, and nothing left after the
# sandbox ends, also after SIGKILL of sbx. Every sbx runs inside network namespaces this test
# makes (the "host" NS, and OUT beyond it for outbound traffic) and removes; traffic goes only to
# addresses inside them.
. "$(dirname "$0")/lib.sh"
require_userns

if ! is_root; then
	run --net bridge -- /bin/true
	is_rc 125 "an unprivileged caller: exit status 125"
	like "$ERR" 'needs root.*use mode "user"' "an unprivileged caller is pointed at mode user"
	check_no_leftovers "the refused run"
	done_testing
fi

NS=sbxt-br-$$
OUT_NS=sbxt-out-$$
cleanup_netns() {
	ip netns del "$NS" 2>/dev/null
	ip netns del "$OUT_NS" 2>/dev/null
}
trap 'cleanup_netns; cleanup' EXIT
if ! by_test ip netns add "$NS" 2>"$T/netns.err" || ! by_test ip netns add "$OUT_NS"; then
	not_ok "ip netns add works"
	diag "$(cat "$T/netns.err")"
	done_testing
fi
ip -n "$NS" link set lo up
ip -n "$OUT_NS" link set lo up
# OUT: a peer beyond the "host" NS, 192.0.2.2, reached from NS by 192.0.2.1.
ip -n "$NS" link add sbxt-up type veth peer name sbxt-out netns "$OUT_NS"
ip -n "$NS" addr add 192.0.2.1/24 dev sbxt-up
ip -n "$NS" link set sbxt-up up
ip -n "$OUT_NS" addr add 192.0.2.2/24 dev sbxt-out
ip -n "$OUT_NS" link set sbxt-out up

# A server that prints "ready", answers one connection with the address it came from, and ends;
# and its client.
SERVER='import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.listen()
print("ready", flush=True)
c, a = s.accept()
c.sendall(("hello " + a[0] + "\n").encode())
c.close()'
CLIENT='import socket, sys
c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
print(c.recv(100).decode().strip())'

profile() { # profile NAME LINES...: $T/NAME.cfg on top of the default profile
	local name=$1
	shift
	{
		echo 'include = [ "builtin:default" ];'
		printf '%s\n' "$@"
	} >"$T/$name.cfg"
}
profile br 'network = { mode = "bridge"; };'
profile a 'network = { mode = "bridge"; address = "10.88.0.10/24"; };'
profile fwd 'network = { mode = "bridge"; forward = ( { host = 8080; sandbox = 8000; } ); };'
profile nat 'network = { mode = "bridge"; nat = true; };'
profile mtu 'network = { mode = "bridge"; bridge = "sbxt-mtu0"; gateway = "10.90.0.1/24"; mtu = 1400; };'
profile eph 'network = { mode = "bridge"; bridge = "sbxt-eph0"; gateway = "10.89.0.1/24";' \
	'bridge_ephemeral = true; };'

# in_ns CMD...: CMD in NS, as the test's own.
in_ns() {
	ip netns exec "$NS" "$@"
}
# nsrun ARGS...: sbx ARGS in NS, like run().
nsrun() {
	CMD="ip netns exec $NS sbx $*"
	SBXT_MARK=$MARK ip netns exec "$NS" timeout -k 3 20 "$SBX" "$@" >"$T/.out" 2>"$T/.err" \
		</dev/null
	RC=$?
	OUT=$(cat "$T/.out")
	ERR=$(cat "$T/.err")
}
# nsbg NAME ARGS...: sbx ARGS in NS in the background, output in $T/NAME.out; pid in BG.
nsbg() {
	local name=$1
	shift
	SBXT_MARK=$MARK ip netns exec "$NS" timeout -k 3 20 "$SBX" "$@" >"$T/$name.out" \
		2>"$T/$name.err" </dev/null &
	BG=$!
}
state_left() { # what sbx left in NS: sbx links, rules of its table, IPAM entries
	in_ns ip -o link show | awk -F': ' '$2 ~ /^sbx-/ { print "link " $2 }'
	in_ns nft list table ip sbx 2>/dev/null | grep -o 'comment "sbx owner=[0-9:]*"' | sort -u
	cat /run/sbx/ipam/* 2>/dev/null | grep -v '^#'
}

# eth0 inside: its address, the route, lo; the bridge made with the gateway's address.
nsrun --profile "$T/br.cfg" -- /bin/sh -c 'cat /proc/net/route; cat /proc/net/if_inet6 2>/dev/null;
	for i in /sys/class/net/*; do echo "${i##*/}"; done; cat /proc/net/fib_trie'
is "$RC" 0 "a bridge-mode sandbox runs"
like "$OUT" $'eth0\t00000000\t0100580A\t0003' "eth0's default route goes via the gateway 10.88.0.1"
like "$OUT" '10\.88\.0\.2$' "the first address handed out is 10.88.0.2"
is "$(in_ns ip -o -4 addr show dev sbx0 | awk '{ print $4 }')" "10.88.0.1/24" \
	"the bridge sbx0 was made with the gateway's address"
like "$(in_ns ip -o link show sbx0)" '<[^>]*[<,]UP[,>]' "... and is up"
is "$(state_left)" "" "after it: no host end, no rule, no address held"

# Two sandboxes on one bridge talk TCP; the second gets the next address.
nsbg server --profile "$T/a.cfg" -- python3 -c "$SERVER" 8000
if wait_for "$T/server.out" '^ready' 10; then
	nsrun --profile "$T/br.cfg" -- python3 -c "$CLIENT" 10.88.0.10 8000
	is "$RC:$OUT" "0:hello 10.88.0.2" "two sandboxes on one bridge exchange TCP (the client is 10.88.0.2)"
else
	not_ok "the server sandbox started"
	diag "$(cat "$T/server.err")"
fi
wait "$BG"

# address = "auto": two at once get two addresses; a released one is handed out again.
nsbg one --profile "$T/br.cfg" -- /bin/sh -c 'ip -o -4 addr show dev eth0; sleep 2'
wait_for "$T/one.out" '10\.88' 10
nsrun --profile "$T/br.cfg" -- /bin/sh -c 'ip -o -4 addr show dev eth0'
like "$OUT" '10\.88\.0\.3' "a second sandbox while the first runs gets 10.88.0.3"
like "$(cat "$T/one.out")" '10\.88\.0\.2' "... the first one has 10.88.0.2"
wait "$BG"
nsrun --profile "$T/br.cfg" -- /bin/sh -c 'ip -o -4 addr show dev eth0'
like "$OUT" '10\.88\.0\.2' "once both ended, 10.88.0.2 is handed out again"
# A static address a live sandbox holds is refused, naming the holder.
nsbg holder --profile "$T/a.cfg" -- /bin/sleep 2
sleep 0.5
nsrun --profile "$T/a.cfg" -- /bin/true
is "$RC" 125 "a static address another sandbox holds: exit status 125"
like "$ERR" '10\.88\.0\.10.*pid [0-9]+' "... naming the holder's pid"
wait "$BG"

# A forward: the host's 127.0.0.1:8080 reaches the sandbox's :8000.
nsbg fserver --profile "$T/fwd.cfg" -- python3 -c "$SERVER" 8000
if wait_for "$T/fserver.out" '^ready' 10; then
	OUT=$(in_ns timeout 10 python3 -c "$CLIENT" 127.0.0.1 8080 2>&1)
	is "$OUT" "hello 10.88.0.1" "a forward: 127.0.0.1:8080 in the host namespace reaches the sandbox (seen from the bridge)"
else
	not_ok "the forwarded server started"
	diag "$(cat "$T/fserver.err")"
fi
wait "$BG"
is "$(state_left)" "" "after the forward's sandbox: no link, rule or address left"

# nat = true: the sandbox reaches OUT, which sees the host's address; without nat it does not.
ip netns exec "$OUT_NS" python3 -c "$SERVER" 9000 >"$T/out.out" 2>&1 &
OUTBG=$!
wait_for "$T/out.out" '^ready' 10
nsrun --profile "$T/nat.cfg" -- python3 -c "$CLIENT" 192.0.2.2 9000
is "$RC:$OUT" "0:hello 192.0.2.1" "nat = true: the sandbox reaches an outside peer, masqueraded as the host"
kill "$OUTBG" 2>/dev/null
wait "$OUTBG" 2>/dev/null
is "$(in_ns cat /proc/sys/net/ipv4/ip_forward)" 1 "nat turned forwarding on (in the test's namespace)"

# SIGKILL of sbx: the sandbox dies with it and the kernel drops the veth pair; the rules and
# the address stay until the next run, which reclaims them.
nsbg killed --profile "$T/fwd.cfg" -- /bin/sleep 30
for _ in $(seq 50); do
	[ -n "$(state_left | grep owner)" ] && [ -n "$(state_left | grep '^link')" ] && break
	sleep 0.1
done
pid=$(pgrep -f -n -- "--profile $T/fwd.cfg -- /bin/sleep 30" | head -1)
kill -KILL "$pid" 2>/dev/null
wait "$BG" 2>/dev/null
sleep 0.3
left=$(state_left)
like "$left" 'owner=' "after SIGKILL of sbx: its rules are still there"
unlike "$left" '^link' "... but its host end went with the sandbox"
nsrun --profile "$T/br.cfg" -- /bin/true
is "$RC:$(state_left)" "0:" "the next run reclaimed the dead sandbox's rules and address"

# bridge_ephemeral: a bridge this run made goes at the end; an existing bridge stays.
nsrun --profile "$T/eph.cfg" -- /bin/true
is "$RC:$(in_ns ip -o link show sbxt-eph0 2>/dev/null | wc -l)" "0:0" \
	"bridge_ephemeral: the bridge sbx made is removed at the end"
in_ns ip link add sbxt-eph0 type bridge
nsrun --profile "$T/eph.cfg" -- /bin/true
is "$RC:$(in_ns ip -o link show sbxt-eph0 2>/dev/null | wc -l)" "0:1" \
	"bridge_ephemeral: a bridge that was there before stays"
is "$(in_ns ip -o link show sbx0 | wc -l)" 1 "the shared bridge sbx0 stays (not ephemeral)"

# mtu: eth0 gets it (the bridge's own follows its ports, as Linux does).
nsrun --profile "$T/mtu.cfg" -- /bin/sh -c 'cat /sys/class/net/eth0/mtu 2>/dev/null || ip -o link show eth0'
like "$RC:$OUT" '^0:(1400|.* mtu 1400 .*)$' "mtu = 1400: eth0 has it"

# A line of the address file sbx can't read is dropped with a warning naming FILE:LINE.
mkdir -p /run/sbx/ipam && chmod 0700 /run/sbx /run/sbx/ipam
printf '# made by 033\ngarbage line\n' >/run/sbx/ipam/sbxt-w0
nsrun --profile "$T/br.cfg" --set 'network.bridge="sbxt-w0"' -- /bin/true
is "$RC" 0 "a damaged address file: the run goes on"
like "$ERR" "warning: /run/sbx/ipam/sbxt-w0:2: dropped a line .*'garbage line'" \
	"... with a warning naming the file and line"
is "$(cat /run/sbx/ipam/sbxt-w0 2>/dev/null)" "" "... and the file, empty again, is gone"

# The plan shows every link, address, route and rule.
nsrun --plan --profile "$T/fwd.cfg" -- /bin/true
like "$OUT" 'net-bridge bridge=sbx0 if-missing=create reclaim=rules-of-dead-owners address=10\.88\.0\.1 prefix=24' "the plan: the bridge"
like "$OUT" 'net-rules table="ip sbx".*dnat=tcp:127\.0\.0\.1:8080->8000' "the plan: the forward's rule"
like "$OUT" 'net-veth host=sbx-PID bridge=sbx0 inside=eth0 address=auto prefix=24 default-route-via=10\.88\.0\.1' \
	"the plan: the veth pair, eth0's address and route"

is "$(state_left)" "" "nothing of sbx's left in the test's namespace"
cleanup_netns
check_no_leftovers "bridge mode"
done_testing
