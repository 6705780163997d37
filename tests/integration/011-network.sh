#!/bin/bash
# 011-network.sh — network.mode "none" (a new netns with only lo, up) and "host" (the caller's
# network namespace). Traffic only to addresses inside namespaces this test made.
. "$(dirname "$0")/lib.sh"
require_userns

run "${MINI[@]}" -- /probe ifaces
is "$RC:$(tr '\n' ';' <<<"$OUT")" "0:lo UP;" 'network.mode = "none": only lo, and it is up'
run "${MINI[@]}" -- /probe loopback
is "$OUT" ok 'network.mode = "none": a datagram over 127.0.0.1 arrives'
run "${MINI[@]}" --profile "$PROFILES/noinit.cfg" -- /probe ifaces
is "$RC:$(tr '\n' ';' <<<"$OUT")" "0:lo UP;" 'without an init (the command is pid 1): lo is up too'
run "${MINI[@]}" --net none -- /probe ifaces
is "$(tr '\n' ';' <<<"$OUT")" "lo UP;" "--net none"

# host mode in the caller's own namespace: the same interfaces as the host.
run "${MINI[@]}" --profile "$PROFILES/hostnet.cfg" -- /probe ifaces
is "$RC:$OUT" "0:$("$PROBE" ifaces)" 'network.mode = "host": the host'"'"'s interfaces'

# Unsupported yet or impossible: a clear error, never silence.
run "${MINI[@]}" --net host -- /probe ifaces
if [ "$RC" = 0 ]; then
	is "$OUT" "$("$PROBE" ifaces)" "--net host (the net namespace dropped with it)"
else
	is_error_line "--net host with a net namespace listed: a clear error" "net"
fi

# host mode inside a namespace made for the test (root only: ip netns needs it). by_test: the
# namespace's mount, and /run/netns made a mount point on a machine where it was none, are the
# test's own doing.
if is_root; then
	ns=sbxt-$$
	if by_test ip netns add "$ns" 2>"$T/netns.err"; then
		ip -n "$ns" link add sbxt0 type veth peer name sbxt1
		ip -n "$ns" link set sbxt0 up
		SBXT_MARK=$MARK ip netns exec "$ns" "$SBX" "${MINI[@]}" --profile "$PROFILES/hostnet.cfg" \
			-- /probe ifaces >"$T/ns.out" 2>"$T/ns.err" </dev/null
		RC=$? OUT=$(cat "$T/ns.out") ERR=$(cat "$T/ns.err") CMD="ip netns exec $ns sbx ... hostnet.cfg -- /probe ifaces"
		is "$RC:$(sort <<<"$OUT" | tr '\n' ';')" "0:lo DOWN;sbxt0 UP;sbxt1 DOWN;" 'network.mode = "host" inside a test netns sees exactly its interfaces'
		SBXT_MARK=$MARK ip netns exec "$ns" "$SBX" "${MINI[@]}" -- /probe ifaces >"$T/ns.out" 2>&1 </dev/null
		is "$(tr '\n' ';' <"$T/ns.out")" "lo UP;" 'network.mode = "none" from inside a netns: a fresh one'
		by_test ip netns del "$ns"
		is "$(ip netns list | grep -c "^$ns\b")" 0 "the test netns is gone"
	else
		not_ok "ip netns add works"
		diag "$(cat "$T/netns.err")"
	fi
else
	# Unprivileged: no netns of our own to make, so compare namespace identities instead.
	run "${MINI[@]}" --profile "$PROFILES/hostnet.cfg" -- /probe readlink /proc/self/ns/net
	is "$OUT" "$(readlink /proc/self/ns/net)" 'network.mode = "host" shares the caller'"'"'s network namespace'
	run "${MINI[@]}" -- /probe readlink /proc/self/ns/net
	isnt "$OUT" "$(readlink /proc/self/ns/net)" 'network.mode = "none" gets a namespace of its own'
fi

# The netns helper holds no fd it does not need: a copy of the parent's end of another channel
# (the report pipe's read end, say) would hide sbx's death from the child while it lives.
# fdspy.so, preloaded into sbx, lists the fds of whoever calls unshare(CLONE_NEWNET), which the
# helper does first thing after it closed the others.
run "${MINI[@]}" --plan -- /probe ifaces
like "$OUT" "parent +netns-create by=helper" "the netns helper makes the namespace"
: >"$T/fds"
run_env LD_PRELOAD="$FDSPY" SBXT_FDSPY="$T/fds" -- "${MINI[@]}" -- /probe ifaces
is "$RC:$OUT" "0:lo UP" "a run with fdspy.so preloaded"
is "$(grep -c '^end$' "$T/fds")" 1 "fdspy.so saw the helper's unshare(CLONE_NEWNET) once"
# Its end of the net channel, and the child's pidfd (to enter its user namespace) if clone3()
# gave one: nothing else, not even stdin, stdout or stderr.
held=$(grep -v '^end$' "$T/fds" | sed -e 's/^[0-9]* //' -e 's/:\[[0-9]*\]$//' |
	grep -vx 'anon_inode:\[pidfd\]' | sort | tr '\n' ' ')
is "$held" "socket " "the netns helper holds only its socket to the child (and the pidfd)"
[ "$held" = "socket " ] || diag "$(cat "$T/fds")"

# The namespace is made beside the child (netns-create) and joined before sysfs is mounted:
# sysfs shows the sandbox's namespace, not the caller's.
run "${MINI[@]}" --profile "$PROFILES/fs-types.cfg" -- /probe ls /sys/class/net
is "$RC:$OUT" "0:lo" "sysfs shows the sandbox's network namespace: only lo"

# A limit the machine can't meet: no network namespace may be made (the limit is 0 in a user
# namespace of the test's own). One line naming it, exit 125, nothing left behind. sbx is
# root there, in a namespace that maps only that root: self.cfg maps it (root's default map
# would need 65534 there).
if unshare -Ur true 2>/dev/null; then
	CMD="unshare -Ur (user.max_net_namespaces=0) sbx mini self.cfg -- /probe ifaces"
	SBXT_MARK=$MARK unshare -Ur sh -c 'echo 0 >/proc/sys/user/max_net_namespaces && exec "$@"' \
		sh "$SBX" "${MINI[@]}" --profile "$PROFILES/self.cfg" -- /probe ifaces \
		>"$T/.out" 2>"$T/.err" </dev/null
	RC=$? OUT=$(cat "$T/.out") ERR=$(cat "$T/.err")
	leak_check
	is_error_line "no network namespace allowed: one line naming the step and the limit" \
		"netns-join.*No space left on device.*user\.max_net_namespaces"
else
	not_ok "unshare -Ur works (needed for the namespace-limit test)"
fi

# Mode bridge makes links on the host: an unprivileged caller gets one line at the mode's line
# suggesting mode "user", and nothing runs (root's bridge is tested with its plumbing).
if ! is_root; then
	printf 'network = {\n  mode = "bridge";\n};\n' >"$T/bridge.cfg"
	run "${MINI[@]}" --profile "$T/bridge.cfg" -- /probe ifaces
	is_error_line 'network.mode = "bridge" as an unprivileged user: 125 naming the line' \
		'bridge\.cfg:2: network\.mode "bridge" needs root .*use mode "user"'
fi

check_no_leftovers "the network runs"
done_testing
