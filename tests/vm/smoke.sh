#!/bin/bash
# smoke.sh — the VM harness's own test (tests/vm/README), run by `make vm-check` in both
# passes: the VM is the cgroup2-only host it claims to be, the user pass has the delegated
# subtree SBX_TEST_CGROUP_PARENT names and can use it, and sbx runs there.
. "$(dirname "$0")/lib.sh"

# Not require_userns: here a skip would hide a broken VM.
check "user namespaces work for $ME_NAME" unshare --user --map-root-user true
f=/proc/sys/kernel/unprivileged_userns_clone
[ -e $f ] && is "$(cat $f)" 1 "$f is 1"

CG=/sys/fs/cgroup

own=$(cat /proc/self/cgroup)
like "$own" '^0::/[^ ]*$' "one cgroup2 line in /proc/self/cgroup ($own)"
is "$(stat -f -c %T $CG)" cgroup2fs "cgroup2 is mounted at $CG"
is "$(awk '$3 == "cgroup"' /proc/mounts)" "" "no cgroup v1 hierarchy is mounted"
ctl=$(cat $CG/cgroup.subtree_control)
for c in cpu cpuset io memory pids; do
	like " $ctl " " $c " "$c is enabled in the root's cgroup.subtree_control"
done

# The parent to make test cgroups in: the delegated one for the user, our own for root.
if [ "$SBX_TEST_PASS" = user ]; then
	parent=${SBX_TEST_CGROUP_PARENT:-}
	like "$parent" '^/' "SBX_TEST_CGROUP_PARENT names the delegated cgroup ($parent)"
	check "the user may move processes into $parent" test -w "$CG$parent/cgroup.procs"
	like "$own" "^0::$parent/" "the script runs inside $parent"
	like " $(cat "$CG$parent/cgroup.subtree_control") " " memory .* pids " \
		"memory and pids are enabled in $parent's cgroup.subtree_control"
else
	parent=/sbx-smoke-$$
	mkdir "$CG$parent"
	echo "+pids" >"$CG$parent/cgroup.subtree_control"
fi

# A pids limit in a child of the parent holds for a shell moved into it: it cannot fork.
d=$CG$parent/smoke-$$
if mkdir "$d" && echo 1 >"$d/pids.max"; then
	# timeout forks once and gives up at once (bash would retry for seconds).
	out=$(bash -c 'echo $$ >"$1/cgroup.procs" && exec timeout 5 echo forked' sh "$d" 2>&1)
	like "$out" 'fork.*Resource temporarily unavailable' "pids.max = 1 in $d refuses a fork"
	like "$(cat "$d/pids.events")" '^max [1-9]' "$d/pids.events counts the refused fork"
	rmdir "$d"
else
	not_ok "make $d with pids.max"
	rmdir "$d"
fi
[ "$SBX_TEST_PASS" = root ] && rmdir "$CG$parent"

run -- /bin/true
is_rc 0 "sbx -- /bin/true"
run --plan -- /bin/true
is_rc 0 "sbx --plan -- /bin/true"
like "$OUT" ' clone ' "the plan has a clone step"
run_is sbx-test "a sandbox from mini.cfg runs the probe" "${MINI[@]}" -- /probe hostname

check_no_leftovers
done_testing
