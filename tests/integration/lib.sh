# lib.sh — sourced by every tests/integration/NNN-*.sh (bash). TAP output, the sbx runner,
# assertions and the leftover checks.
#
#   . "$(dirname "$0")/lib.sh"
#   require_userns
#   run "${MINI[@]}" -- /probe hostname      # sets OUT, ERR, RC
#   is "$OUT" sbx-test "hostname comes from the profile"
#   check_no_leftovers
#   done_testing
#
# Environment: SBX and PROBE (default: the repo's ./sbx and build/probe), FDSPY
# (build/fdspy.so), SBX_TEST_PASS (root | user; default from the current uid),
# SBX_TEST_CGROUP_PARENT (a cgroup delegated to this user at the root of each hierarchy, which
# run.sh makes for the user pass) and SBX_TEST_CGROUP_LOCKED (one this user may not write).
set -u

TESTDIR=$(cd "$(dirname "$0")" && pwd)
PROFILES=$TESTDIR/profiles
: "${SBX:=$TESTDIR/../../sbx}"
: "${PROBE:=$TESTDIR/../../build/probe}"
: "${ATTACKS:=$TESTDIR/../../build/attacks}" # static programs from tests/integration/attacks
: "${FDSPY:=$TESTDIR/../../build/fdspy.so}"   # preloaded into sbx: lists the netns helper's fds

# Run the whole script as a child subreaper (probe keeps the attribute across execve), so a
# sandbox process that outlives sbx is reparented to this shell and check_no_leftovers sees it.
if [ -z "${SBXT_REAPER:-}" ] && [ -x "$PROBE" ]; then
	export SBXT_REAPER=$$
	exec "$PROBE" subreaper /bin/bash "$0" "$@"
fi
export SBXT_REAPER=$$

is_root() {
	[ "$(id -u)" = 0 ]
}

if [ -z "${SBX_TEST_PASS:-}" ]; then
	if is_root; then SBX_TEST_PASS=root; else SBX_TEST_PASS=user; fi
fi
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
ME_UID=$(id -u)
ME_GID=$(id -g)
ME_NAME=$(id -un)

# Every sbx run gets SBXT_MARK=$MARK in its environment (not on its command line), so the
# leftover check can tell this script's sbx and init processes from anyone else's.
MARK=sbxt-$$-$RANDOM
T=$(mktemp -d /tmp/sbxt-XXXXXX) || exit 1
chmod 0755 "$T"

# The probe as /probe, and the smallest sandbox around it.
PB=(--ro-bind "$PROBE:/probe")
MINI=(--profile "$PROFILES/mini.cfg" "${PB[@]}")

# ---- TAP ----------------------------------------------------------------------------------
TAP_N=0
TAP_FAILED=0

ok() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $*"
}

not_ok() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=1
	echo "not ok $TAP_N - $*"
}

# skip DESC REASON: one test point not run.
skip() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1 # SKIP ${2:-}"
}

diag() {
	local line
	while IFS= read -r line; do echo "#   $line"; done <<<"$*"
}

# The whole script can't run here: only for what the kernel lacks.
skip_all() {
	echo "1..0 # SKIP $*"
	exit 77
}

done_testing() {
	echo "1..$TAP_N"
	exit $TAP_FAILED
}

cleanup() {
	[ -n "${CG_MADE[*]:-}" ] && cg_parent_remove "${CG_MADE[@]}"
	chmod -R u+rwX "$T" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

# ---- environment checks ---------------------------------------------------------------------
require_userns() {
	if ! unshare --user --map-root-user true 2>/dev/null; then
		skip_all "no user namespaces for $ME_NAME"
	fi
}

require_root() {
	is_root || skip_all "needs root: $*"
}

# ---- cgroups ----------------------------------------------------------------------------------
. "$TESTDIR/cg-setup.sh"

# The parent cgroup of this script's sandboxes (absolute from each hierarchy's root, for
# --set cgroup.parent), and the directories this script made for it (removed at exit).
CG_PARENT=${SBX_TEST_CGROUP_PARENT:-}
CG_MADE=()
CG_WHY=""

# cg_parent_setup CTRL...: a parent in each CTRL's hierarchy (memory, pids, cpu, cpuset, io)
# in CG_PARENT: the delegated one run.sh made for the user pass, or as root one this script
# makes now (/sbx-test-PID at the root of each hierarchy) and removes at exit. Returns 1 with
# the reason in CG_WHY when there is none.
cg_parent_setup() {
	local c d out
	if [ -n "${SBX_TEST_CGROUP_PARENT:-}" ]; then
		CG_PARENT=$SBX_TEST_CGROUP_PARENT
		for c in "$@"; do
			d=$(cg_dir "$c") && [ -d "$d" ] && [ -w "$d" ] ||
				{ CG_WHY="the delegated parent $CG_PARENT is not writable in the $c hierarchy"; return 1; }
		done
	elif is_root; then
		CG_PARENT=/sbx-test-$$
		out=$(cg_parent_make "$CG_PARENT" "" "$@") ||
			{ CG_WHY="could not make $CG_PARENT in the hierarchies of $*"; return 1; }
		mapfile -t CG_MADE <<<"$out"
	else
		CG_WHY="not root, and no delegated cgroup in SBX_TEST_CGROUP_PARENT"
		return 1
	fi
	cgroup_snapshot >"$T/.cgroups"
}

# The sbx-* cgroups under the test parent: sbx removes its own when the sandbox ends.
cgroup_snapshot() {
	[ -n "$CG_PARENT" ] && cg_sbx_dirs "$CG_PARENT"
	return 0
}

# ---- running sbx ----------------------------------------------------------------------------
# run ARGS...: run sbx with stdin from /dev/null and a time guard; sets OUT, ERR, RC and CMD
# (for diagnostics). RC 124 means sbx hung and was killed by the guard.
run() {
	CMD="sbx $*"
	SBXT_MARK=$MARK timeout -k 3 "${RUN_TIMEOUT:-20}" "$SBX" "$@" >"$T/.out" 2>"$T/.err" </dev/null
	RC=$?
	OUT=$(cat "$T/.out")
	ERR=$(cat "$T/.err")
	leak_check
}

# run_env VAR=VALUE... -- ARGS...: run with extra variables in sbx's environment.
run_env() {
	local vars=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do vars+=("$1"); shift; done
	shift
	CMD="${vars[*]} sbx $*"
	env "${vars[@]}" SBXT_MARK=$MARK timeout -k 3 "${RUN_TIMEOUT:-20}" "$SBX" "$@" \
		>"$T/.out" 2>"$T/.err" </dev/null
	RC=$?
	OUT=$(cat "$T/.out")
	ERR=$(cat "$T/.err")
	leak_check
}

# What went wrong, after a failed assertion.
show_run() {
	diag "command: ${CMD:-?}"
	diag "exit status: ${RC:-?}"
	[ -n "${ERR:-}" ] && diag "stderr: $(head -c 2000 <<<"$ERR")"
	return 0
}

# ---- assertions -------------------------------------------------------------------------------
# is GOT WANT DESC
is() {
	if [ "$1" = "$2" ]; then
		ok "$3"
	else
		not_ok "$3"
		diag "expected: '$2'"
		diag "got:      '$1'"
		show_run
	fi
}

# isnt GOT UNWANTED DESC
isnt() {
	if [ "$1" != "$2" ]; then
		ok "$3"
	else
		not_ok "$3"
		diag "got '$1', which it must not be"
		show_run
	fi
}

# like GOT ERE DESC (grep -E on the whole text, any line)
like() {
	if grep -Eq -- "$2" <<<"$1"; then
		ok "$3"
	else
		not_ok "$3"
		diag "expected to match: $2"
		diag "got: '$1'"
		show_run
	fi
}

unlike() {
	if ! grep -Eq -- "$2" <<<"$1"; then
		ok "$3"
	else
		not_ok "$3"
		diag "must not match: $2"
		diag "got: '$1'"
		show_run
	fi
}

# is_rc WANT DESC: the last run's exit status.
is_rc() {
	if [ "$RC" = "$1" ]; then
		ok "$2"
	else
		not_ok "$2"
		diag "expected exit status $1, got $RC"
		diag "stdout: $(head -c 1000 <<<"$OUT")"
		show_run
	fi
}

# check DESC CMD...: ok when CMD succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; diag "failed: $*"; fi
}

# run_is WANT DESC ARGS...: run, expect exit 0 and stdout WANT.
run_is() {
	local want=$1 desc=$2
	shift 2
	run "$@"
	if [ "$RC" = 0 ] && [ "$OUT" = "$want" ]; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "expected exit 0 and stdout '$want'"
		diag "got exit $RC and stdout '$OUT'"
		show_run
	fi
}

# is_error_line DESC [ERE]: the last run failed with exit 125 and exactly one stderr line
# "sbx: error: ..." (matching ERE when given).
is_error_line() {
	local desc=$1 re=${2:-.}
	local n
	n=$(grep -c . <<<"$ERR")
	if [ "$RC" = 125 ] && [ "$n" = 1 ] && grep -Eq "^sbx: error: .*($re)" <<<"$ERR"; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "expected exit 125 and one line 'sbx: error: ...' matching: $re"
		diag "got exit $RC, $n stderr line(s)"
		show_run
	fi
}

# ---- leftovers --------------------------------------------------------------------------------
MY_PIDNS=$(readlink /proc/$$/ns/pid)

# Processes of this script's sandboxes still alive: descendants of this shell (orphans are
# reparented here) that live in another pid namespace or carry this script's mark.
sandbox_procs() {
	local pid ns
	for pid in $(ps -e -o pid=,ppid= | awk -v root=$$ '
		{ parent[$1] = $2 }
		END {
			for (p in parent) {
				q = p
				for (i = 0; i < 64 && (q in parent) && q != root && q > 1; i++)
					q = parent[q]
				if (q == root && p != root)
					print p
			}
		}'); do
		ns=$(readlink "/proc/$pid/ns/pid" 2>/dev/null) || continue
		if [ "$ns" != "$MY_PIDNS" ] ||
			tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "SBXT_MARK=$MARK"; then
			echo "$pid $(cat "/proc/$pid/comm" 2>/dev/null) $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
		fi
	done
}

# What the test itself does to the host is never sbx's leftover. A script that changes the host
# on purpose does it through by_test (below), which records what appeared meanwhile. What the
# suite names is excused by name too, since another run of it (or of the unit tests) may work
# at the same time: temp dirs /tmp/sbxt-* (this file's $T, and any other of the suite's
# scripts), /tmp/sbx-itest.* (run.sh's copy), /tmp/sbx-unit-* (the unit tests'), and network
# namespaces sbxt-* (/run/netns/sbxt-*, which ip netns add mounts). Nothing else is excused:
# every check compares with a snapshot taken at the start, so it depends on nothing this machine
# had before. Cgroups are looked for only under the test parent (CG_PARENT): elsewhere other
# software makes and removes its own at any time.
: >"$T/.own-mounts"
: >"$T/.own-tmps"
: >"$T/.own-cgroups"

# The host the checks look at: the mount namespace and root of this script (self). Only
# 022-leftover-checks.sh points it at a stand-in (a pid), to test these checks.
HOST_PID=self

# Mounts of the host's mount namespace, without ids: mount point, root, type and source; but
# the suite's own network namespaces.
mount_snapshot() {
	awk '{ for (i = 7; $i != "-"; i++); print $5, $4, $(i + 1), $(i + 2) }' \
		"/proc/$HOST_PID/mountinfo" | grep -v '^/run/netns/sbxt-' | sort
}

# Temp files or dirs sbx might create, but the suite's own.
tmp_snapshot() {
	local r="" dirs=(/tmp /var/tmp /dev/shm /run)
	[ "$HOST_PID" = self ] || r=/proc/$HOST_PID/root
	[ -d "$r/run/user/$ME_UID" ] && dirs+=("/run/user/$ME_UID")
	# /run/sbx is sbx's state directory (bridge mode's allocation files): it may stay, but
	# not a file in it.
	{
		find "${dirs[@]/#/$r}" -maxdepth 1 -iname '*sbx*' 2>/dev/null
		find "$r/run/sbx" -mindepth 2 2>/dev/null
	} | sed "s|^$r/|/|" | grep -v -e '^/tmp/sbxt-' -e '^/tmp/sbx-itest\.' -e '^/tmp/sbx-unit-' \
		-e '^/run/sbx$' | sort
}

# by_test CMD...: run CMD, something this script does to the host itself (ip netns add, which
# also makes /run/netns a mount point on a machine where it was none): the host mounts and temp
# files that appear meanwhile are the test's, not sbx's. CMD's exit status.
by_test() {
	local rc
	mount_snapshot >"$T/.by-mounts"
	tmp_snapshot >"$T/.by-tmps"
	"$@"
	rc=$?
	mount_snapshot | comm -13 "$T/.by-mounts" - >>"$T/.own-mounts"
	tmp_snapshot | comm -13 "$T/.by-tmps" - >>"$T/.own-tmps"
	return $rc
}

mount_snapshot >"$T/.mounts"
tmp_snapshot >"$T/.tmps"
cgroup_snapshot >"$T/.cgroups"
: >"$T/.leaks"

# new_since SNAPSHOT OWN: the lines of stdin (sorted) not in SNAPSHOT and not the test's own.
new_since() {
	comm -13 "$1" - | grep -vxF -f "$2"
}

# What is left now that wasn't at the start (or at the last reported leak); empty if nothing.
# A sandbox process gets up to $1 tenths of a second to go.
leftovers() {
	local procs mounts tmps cgroups i
	for i in $(seq "${1:-1}"); do
		procs=$(sandbox_procs)
		[ -z "$procs" ] && break
		sleep 0.1
	done
	mounts=$(mount_snapshot | new_since "$T/.mounts" "$T/.own-mounts")
	tmps=$(tmp_snapshot | new_since "$T/.tmps" "$T/.own-tmps")
	cgroups=$(cgroup_snapshot | new_since "$T/.cgroups" "$T/.own-cgroups")
	[ -n "$procs" ] && echo "processes still alive (pid comm cmdline):" && echo "$procs"
	[ -n "$mounts" ] && echo "new host mounts:" && echo "$mounts"
	[ -n "$tmps" ] && echo "new temp files:" && echo "$tmps"
	[ -n "$cgroups" ] && echo "cgroups left under the test parent $CG_PARENT:" && echo "$cgroups"
	return 0
}

# Forget about what leftovers() found, so one leak doesn't fail every later check: kill the
# processes (by pid) and take new snapshots.
forget_leftovers() {
	local pid
	for pid in $(sandbox_procs | awk '{ print $1 }'); do kill -KILL "$pid" 2>/dev/null; done
	mount_snapshot >"$T/.mounts"
	tmp_snapshot >"$T/.tmps"
	cgroup_snapshot >"$T/.cgroups"
}

# After each run(): sbx has exited, so nothing of its sandbox may remain. Leaks are collected
# and reported by the next check_no_leftovers, with the command that left them.
leak_check() {
	local left
	left=$(leftovers 5)
	[ -z "$left" ] && return 0
	{ echo "after: $CMD (exit $RC)"; echo "$left"; } >>"$T/.leaks"
	forget_leftovers
}

# check_no_leftovers [WHAT]: one test point: no run since the last check left anything behind
# (process, host mount, temp file, cgroup under the test parent), and nothing is left now.
check_no_leftovers() {
	local what=${1:-previous runs} left
	left=$(leftovers 20)
	[ -n "$left" ] && { echo "now:"; echo "$left"; } >>"$T/.leaks"
	if [ -s "$T/.leaks" ]; then
		not_ok "nothing left behind by $what"
		diag "$(head -c 3000 "$T/.leaks")"
		forget_leftovers
	else
		ok "nothing left behind by $what"
	fi
	: >"$T/.leaks"
}

# wait_for FILE ERE [SECONDS]: poll until FILE has a line matching ERE.
wait_for() {
	local i
	for i in $(seq $((${3:-5} * 20))); do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# subid_start FILE: the start of this user's first range in /etc/subuid or /etc/subgid.
subid_start() {
	awk -F: -v u="$ME_NAME" -v id="$ME_UID" '($1 == u || $1 == id) { print $2; exit }' "$1"
}

# The host ids a sandbox's command has under the default id map: the caller's own, but for a
# root caller the first id of root's /etc/subuid (/etc/subgid) range, else 65534. A test dir
# the sandbox writes into must let these ids write (root's sandbox is not host root).
if is_root; then
	SB_UID=$(subid_start /etc/subuid)
	SB_GID=$(subid_start /etc/subgid)
	: "${SB_UID:=65534}" "${SB_GID:=65534}"
else
	SB_UID=$ME_UID
	SB_GID=$ME_GID
fi
