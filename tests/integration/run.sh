#!/bin/bash
# run.sh — run the integration tests: every NNN-*.sh and bad-profiles.sh as TAP scripts, as
# the caller and, when the caller is root, again as the unprivileged user sbxtest (created
# with subordinate id ranges if missing), from a copy under /tmp that user can read.
#
#   SBX=$PWD/sbx PROBE=$PWD/build/probe tests/integration/run.sh [PATTERN...]
#
# PATTERN selects scripts by substring (e.g. 005 mounts). SBX_TEST_PASSES=root|user limits
# the passes. For the user pass, root makes a cgroup delegated to sbxtest at the root of each
# hierarchy (SBX_TEST_CGROUP_PARENT), and one it may not write (SBX_TEST_CGROUP_LOCKED), and
# removes both after it; sbx must leave no sbx-* cgroup in the first. Run by a user, those two
# are passed on from the environment. Ends with one line "N passed, N failed[, N skipped]";
# exits 1 if anything failed.
set -u

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
SBX=$(realpath "${SBX:-$repo/sbx}")
PROBE=$(realpath "${PROBE:-$repo/build/probe}")
BENCH=$(realpath -m "${BENCH:-$repo/build/bench}") # the bench driver, for 015-bench-driver.sh
LOOP=$(realpath -m "${LOOP:-$repo/build/syscall-loop}") # bench's syscall loop, for 015 too
ATTACKS=$(realpath -m "${ATTACKS:-$repo/build/attacks}") # tests/integration/attacks, built
FDSPY=$(realpath -m "${FDSPY:-$repo/build/fdspy.so}") # tests/integration/fdspy.c, built
USERNET_DRIVE=$(realpath -m "${USERNET_DRIVE:-$repo/build/usernet-drive}") # usernet-drive.c, built
TEST_USER=sbxtest
SCRIPT_TIMEOUT=${SCRIPT_TIMEOUT:-240}
CLEAN_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

for f in "$SBX" "$PROBE"; do
	[ -x "$f" ] || { echo "run.sh: $f is missing; run 'make sbx build/probe'" >&2; exit 2; }
done

passed=0 failed=0 skipped=0

# The scripts to run, as names relative to the tests dir.
scripts=()
for f in "$here"/[0-9][0-9][0-9]-*.sh "$here"/bad-profiles.sh; do
	[ -f "$f" ] || continue
	name=${f#"$here"/}
	if [ $# -gt 0 ]; then
		want=no
		for p in "$@"; do [[ $name == *"$p"* ]] && want=yes; done
		[ $want = yes ] || continue
	fi
	scripts+=("$name")
done

# summarize PASS NAME LOG RC: count the TAP points of one script and print its result line.
summarize() {
	local pass=$1 name=$2 log=$3 rc=$4
	local n_ok n_fail n_skip plan line
	n_skip=$(grep -Ec '^ok [0-9]+.*# SKIP' "$log")
	n_ok=$(($(grep -Ec '^ok [0-9]+' "$log") - n_skip))
	n_fail=$(grep -Ec '^not ok [0-9]+' "$log")
	plan=$(grep -Eo '^1\.\.[0-9]+' "$log" | tail -1)
	if [ "$rc" = 77 ]; then
		line="SKIP ($(sed -n 's/^1\.\.0 # SKIP //p' "$log"))"
		n_skip=$((n_skip + 1))
	elif [ "$n_fail" -gt 0 ]; then
		line="FAIL ($n_fail of $((n_ok + n_fail + n_skip)) failed)"
	elif [ "$rc" != 0 ]; then
		line="FAIL (exit status $rc${plan:+, plan $plan})"
		n_fail=$((n_fail + 1))
	elif [ -z "$plan" ] || [ "${plan#1..}" != $((n_ok + n_fail + n_skip)) ]; then
		line="FAIL (plan ${plan:-missing}, ran $((n_ok + n_skip)))"
		n_fail=$((n_fail + 1))
	else
		line="ok ($n_ok passed)"
		[ "$n_skip" -gt 0 ] && line="ok ($n_ok passed, $n_skip skipped)"
	fi
	printf '%-5s %-24s %s\n' "$pass" "$name" "$line"
	if [ "$n_fail" -gt 0 ] || [ "$rc" != 0 ] && [ "$rc" != 77 ]; then
		# Show the failures with their diagnostics, and any stray output of a crash.
		awk '/^not ok /{show=1; print "      " $0; next} /^(ok |1\.\.)/{show=0} show{print "      " $0}' "$log"
		[ "$rc" != 0 ] && [ "$rc" != 77 ] && grep -Ev '^(ok |not ok |#|1\.\.)' "$log" | head -20 | sed 's/^/      | /'
	fi
	passed=$((passed + n_ok))
	failed=$((failed + n_fail))
	skipped=$((skipped + n_skip))
}

# run_pass PASS DIR [USER]: every script from the tests copy in DIR (or the repo).
run_pass() {
	local pass=$1 dir=$2 user=${3:-} name log rc
	for name in "${scripts[@]}"; do
		log=$(mktemp)
		chmod 0644 "$log"
		local envs=(env -i PATH="$CLEAN_PATH" LANG=C.UTF-8 SBX="$SBX_DIR/sbx" PROBE="$SBX_DIR/probe"
			BENCH="$SBX_DIR/build/bench" LOOP="$SBX_DIR/build/syscall-loop" ATTACKS="$SBX_DIR/attacks" FDSPY="$SBX_DIR/build/fdspy.so"
			USERNET_DRIVE="$SBX_DIR/build/usernet-drive"
			SBX_TEST_PASS="$pass" SCRIPT_TIMEOUT="$SCRIPT_TIMEOUT")
		if [ -n "$user" ] && [ ${#CG_USER_DIRS[@]} -gt 0 ]; then
			envs+=(SBX_TEST_CGROUP_PARENT="$CG_USER" SBX_TEST_CGROUP_LOCKED="$CG_LOCKED")
		elif [ "$pass" = user ] && [ -z "$user" ]; then
			envs+=(${SBX_TEST_CGROUP_PARENT:+SBX_TEST_CGROUP_PARENT="$SBX_TEST_CGROUP_PARENT"}
				${SBX_TEST_CGROUP_LOCKED:+SBX_TEST_CGROUP_LOCKED="$SBX_TEST_CGROUP_LOCKED"})
		fi
		if [ -n "$user" ]; then
			(cd "$dir" && { [ -z "$CG_RUNNER" ] || echo "$BASHPID" >"$CG_RUNNER/cgroup.procs"; } &&
				timeout -k 5 "$SCRIPT_TIMEOUT" runuser -u "$user" -- \
				"${envs[@]}" HOME="$(getent passwd "$user" | cut -d: -f6)" USER="$user" \
				LOGNAME="$user" /bin/bash "$dir/tests/integration/$name") >"$log" 2>&1 </dev/null
		else
			(cd "$dir" && timeout -k 5 "$SCRIPT_TIMEOUT" "${envs[@]}" HOME="${HOME:-/root}" \
				/bin/bash "$dir/tests/integration/$name") >"$log" 2>&1 </dev/null
		fi
		rc=$?
		[ "$rc" = 124 ] && echo "not ok - $name timed out after ${SCRIPT_TIMEOUT}s" >>"$log"
		summarize "$pass" "$name" "$log" "$rc"
		[ -n "${SBX_TEST_KEEP_LOGS:-}" ] && cp "$log" "$SBX_TEST_KEEP_LOGS/$pass-$name.log"
		rm -f "$log"
	done
}

# ensure_user comes from tests/test-user.sh, shared with bench/run.sh.
. "$repo/tests/test-user.sh"
. "$here/cg-setup.sh"

# The user pass's cgroups (root makes them): CG_USER delegated to the test user, CG_LOCKED not,
# each at the root of every hierarchy that has one of sbx's controllers. On cgroup v2 the pass
# itself runs in CG_USER/runner, so that the common ancestor of its sbx and the sandboxes
# (CG_USER/sbx-PID) is the delegated cgroup: moving a process needs write access there.
CG_USER=/sbx-itest-user-$$
CG_LOCKED=/sbx-itest-locked-$$
CG_USER_DIRS=()
CG_LOCKED_DIRS=()
CG_RUNNER=""

cg_user_setup() {
	local c ctrls=() out m
	for c in "${CG_CTRLS[@]}"; do [ -n "$(cg_hier "$c")" ] && ctrls+=("$c"); done
	[ ${#ctrls[@]} -gt 0 ] || return 0 # no cgroups here: the scripts say what they miss
	out=$(cg_parent_make "$CG_USER" "$TEST_USER" "${ctrls[@]}") || return 1
	mapfile -t CG_USER_DIRS <<<"$out"
	out=$(cg_parent_make "$CG_LOCKED" "" "${ctrls[@]}") || return 1
	mapfile -t CG_LOCKED_DIRS <<<"$out"
	m=$(cg2_mount)
	if [ -n "$m" ] && [ -d "$m$CG_USER" ]; then
		mkdir "$m$CG_USER/runner" || return 1
		CG_RUNNER=$m$CG_USER/runner
	fi
}

# cg_user_done: sbx left no cgroup in CG_USER (a failure otherwise); remove both.
cg_user_done() {
	local left
	[ ${#CG_USER_DIRS[@]} -gt 0 ] || return 0
	left=$(cg_sbx_dirs "$CG_USER")
	if [ -n "$left" ]; then
		echo "user  (cgroups)                FAIL (left behind: $(paste -sd' ' <<<"$left"))"
		failed=$((failed + 1))
	fi
	cg_parent_remove "${CG_USER_DIRS[@]}" "${CG_LOCKED_DIRS[@]}"
	CG_USER_DIRS=()
	CG_LOCKED_DIRS=()
}

# A copy laid out like the repo (sbx, build/probe, tests/integration, profiles, docs) that any
# user can read, wherever the repo is.
work=$(mktemp -d /tmp/sbx-itest.XXXXXX)
TUN_MODE="" # /dev/net/tun's mode while the user pass has it 0666
trap 'rm -rf "$work"; cg_user_done >/dev/null; [ -z "$TUN_MODE" ] || chmod "$TUN_MODE" /dev/net/tun' EXIT
chmod 0755 "$work"
mkdir -p "$work/build" "$work/tests"
cp "$SBX" "$work/sbx"
cp "$PROBE" "$work/probe"
cp "$PROBE" "$work/build/probe"
[ -x "$BENCH" ] && cp "$BENCH" "$work/build/bench"
[ -x "$LOOP" ] && cp "$LOOP" "$work/build/syscall-loop"
[ -f "$FDSPY" ] && cp "$FDSPY" "$work/build/fdspy.so"
[ -x "$USERNET_DRIVE" ] && cp "$USERNET_DRIVE" "$work/build/usernet-drive"
[ -d "$ATTACKS" ] && cp -r "$ATTACKS" "$work/attacks"
cp -r "$here" "$work/tests/integration"
[ -d "$repo/profiles" ] && cp -r "$repo/profiles" "$work/profiles"
# The docs, for 023-doc-examples.sh (which runs their examples) and 024-docs-options.sh.
cp "$repo/README.md" "$work/README.md"
cp -r "$repo/man" "$work/man"
[ -d "$repo/tests/unit/data" ] && mkdir -p "$work/tests/unit" && cp -r "$repo/tests/unit/data" "$work/tests/unit/data"
chmod -R a+rX "$work"
SBX_DIR=$work

passes=${SBX_TEST_PASSES:-root user}
if [ "$(id -u)" = 0 ]; then
	[[ $passes == *root* ]] && run_pass root "$work"
	if [[ $passes == *user* ]]; then
		if ! ensure_user; then
			echo "user  (setup)                  FAIL (could not create $TEST_USER)"
			failed=$((failed + 1))
		elif ! cg_user_setup; then
			echo "user  (setup)                  FAIL (could not delegate a cgroup to $TEST_USER)"
			failed=$((failed + 1))
			cg_user_done
		else
			# Network mode "user" needs /dev/net/tun, which Debian's udev rule makes 0666;
			# this machine may have no udev. As udev would, for the pass only.
			TUN_MODE=$(stat -c %a /dev/net/tun 2>/dev/null)
			[ -n "$TUN_MODE" ] && chmod 0666 /dev/net/tun
			run_pass user "$work" "$TEST_USER"
			[ -n "$TUN_MODE" ] && chmod "$TUN_MODE" /dev/net/tun && TUN_MODE=""
			cg_user_done
		fi
	fi
else
	run_pass user "$work"
fi

summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ "$failed" = 0 ]
