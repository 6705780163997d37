#!/bin/bash
# 022-leftover-checks.sh — the leftover checks of lib.sh themselves: what the test suite does to
# the host is never blamed on sbx, whatever the machine had before, and what sbx would leave
# behind (a mount, a temp file, a process, a cgroup) is always found.
#
# The mounts and temp files are checked on a stand-in for the host: a process in mount, network
# and user namespaces of its own (the same in both passes) with fresh tmpfs on /run, /tmp,
# /var/tmp and /dev/shm, like a machine that never had /run/netns. Nothing done to it reaches
# the real host, and no other test running meanwhile sees it.
. "$(dirname "$0")/lib.sh"
require_userns

# clean DESC: leftovers() finds nothing.
clean() {
	local left
	left=$(leftovers)
	if [ -z "$left" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "$left"
	fi
}

# found STRING DESC: leftovers() reports STRING (a fixed string); then forget it.
found() {
	local left
	left=$(leftovers)
	if grep -qF -- "$1" <<<"$left"; then
		ok "$2"
	else
		not_ok "$2"
		diag "expected the report to name: $1"
		diag "got: ${left:-(nothing)}"
	fi
	forget_leftovers
}

unshare -Urmn --propagation private sh -c 'for d in /run /tmp /var/tmp /dev/shm; do
	mount -t tmpfs -o mode=1777 tmpfs "$d" || exit 1; done; exec sleep 600' </dev/null &
host=$!
trap 'kill "$host" 2>/dev/null; cleanup' EXIT
for i in $(seq 100); do
	[ "$(cat "/proc/$host/comm" 2>/dev/null)" = sleep ] && break
	sleep 0.05
done
if [ "$(cat "/proc/$host/comm" 2>/dev/null)" != sleep ]; then
	not_ok "a stand-in host: mount, network and user namespaces with tmpfs on /run, /tmp ..."
	done_testing
fi
in_host() {
	nsenter -t "$host" -U -m -n --preserve-credentials "$@"
}
HOST_PID=$host
forget_leftovers # the stand-in's state is the start
in_host mountpoint -q /run/netns
is $? 1 "the stand-in host has no /run/netns mount point"

# ---- the suite's own state: not sbx's ---------------------------------------------------------
# (Not named sbxt-*, which the checks excuse by name: only by_test says it is the test's.)
ns=own-$$
by_test in_host ip netns add "$ns"
check "ip netns add made /run/netns a mount point there" in_host mountpoint -q /run/netns
clean "a netns the test made, and the /run/netns mount ip made for it, are not sbx's"
by_test in_host ip netns del "$ns"
clean "deleting it leaves nothing to blame either"

in_host ip netns add "sbxt-$$" # as another run of 011-network.sh would
clean "a netns named as the suite names its own (sbxt-*) is not sbx's"
in_host ip netns del "sbxt-$$"

mkdir "/proc/$host/root/tmp/sbx-unit-$$" # as a unit test run alongside would
clean "a unit test's temp dir (/tmp/sbx-unit-*) is not sbx's"
rmdir "/proc/$host/root/tmp/sbx-unit-$$"

sleep 600 </dev/null &
own=$!
clean "a process the test started itself is not sbx's"
kill "$own"
wait "$own" 2>/dev/null

# ---- what sbx would leave: found ----------------------------------------------------------
# A mount no by_test made, wherever it is: below /run/netns too, where a network mode may one
# day keep a namespace.
in_host ip netns add "sbx-leak-$$"
found "/run/netns/sbx-leak-$$ " "a network namespace left mounted under /run/netns is found"
in_host ip netns del "sbx-leak-$$"
forget_leftovers

in_host sh -c "mkdir /run/sbx-mnt-$$ && mount -t tmpfs sbx /run/sbx-mnt-$$"
found "/run/sbx-mnt-$$ / tmpfs sbx" "a tmpfs left mounted on the host is found"
in_host sh -c "umount /run/sbx-mnt-$$ && rmdir /run/sbx-mnt-$$"
forget_leftovers

for d in /tmp /var/tmp /dev/shm /run; do
	mkdir "/proc/$host/root$d/sbx-$$"
	found "$d/sbx-$$" "a temp dir left in $d is found"
	rmdir "/proc/$host/root$d/sbx-$$"
	forget_leftovers
done

# Processes: one with this script's mark (as every sbx run has), one in a pid namespace of its
# own (as a sandbox's), each left running.
# (Disowned: the shell need not say that forget_leftovers killed them.)
SBXT_MARK=$MARK sleep 600 </dev/null &
leak=$!
disown
found "$leak sleep" "a process with the mark of this script's sbx runs is found"
unshare -Urpf sleep 600 </dev/null 2>/dev/null &
disown
found " sleep sleep 600" "a process in another pid namespace is found"

kill "$host"
wait "$host" 2>/dev/null
HOST_PID=self
forget_leftovers

# A cgroup left under the test parent (the one this script makes as root, or the user pass's
# delegated one), in each hierarchy: sbx removes its sbx-PID cgroups when the sandbox ends.
if cg_parent_setup memory pids; then
	for d in $(cg_mounts memory pids); do
		mkdir "$d$CG_PARENT/sbx-leak-$$"
		found "$d$CG_PARENT/sbx-leak-$$" "a cgroup left under the test parent in $d is found"
		rmdir "$d$CG_PARENT/sbx-leak-$$"
		forget_leftovers
	done
	mkdir "$(cg_dir memory)/other-$$"
	clean "a cgroup under the test parent not named sbx-* is not sbx's"
	rmdir "$(cg_dir memory)/other-$$"
else
	skip "a cgroup left under the test parent is found" "$CG_WHY"
fi

# And on the real host: an ordinary run leaves nothing, and nothing of the above remains.
run "${MINI[@]}" -- /probe uid
is_rc 0 "a plain run"
check_no_leftovers "a plain run and the checks above"
done_testing
