#!/bin/bash
# 028-cgroups.sh — cgroup quotas for real (issue 10), on whatever this host has: v1 or hybrid
# here, cgroup2 only in tests/vm. Each limit holds against a command that tries to exceed it,
# sbx says when the memory limit killed the command and counts refused forks, nothing escapes
# the sandbox's end, no cgroup is left behind (good run, failed run, sbx killed), the plan and
# -v show the steps, the sandbox sees its own cgroup as the root, a caller without a delegated
# cgroup gets one clear sentence (or, with optional, a warning), and bad values are FILE:LINE
# errors.
#
# Every sandbox's cgroup goes under the test parent (cgroup.parent): as root one this script
# makes at the root of each hierarchy; in the user pass the one run.sh delegated to the user.
. "$(dirname "$0")/lib.sh"
require_userns

if ! cg_parent_setup memory pids cpu cpuset io; then
	is_root || skip_all "$CG_WHY"
	not_ok "a test parent cgroup: $CG_WHY"
	done_testing
fi
CGP=(--set "cgroup.parent=\"$CG_PARENT\"")
Q=("${MINI[@]}" "${CGP[@]}")
NCPU=$(getconf _NPROCESSORS_ONLN 2>/dev/null || nproc)

# in_range VALUE LOW HIGH: VALUE is a number, LOW <= VALUE <= HIGH; decimals allowed.
in_range() {
	awk -v v="$1" -v lo="$2" -v hi="$3" \
		'BEGIN { exit !(v ~ /^[0-9]+(\.[0-9]+)?$/ && v + 0 >= lo && v + 0 <= hi) }'
}

# ratio A B: A / B with two decimals; nothing unless both are numbers and B > 0.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9]+$/ && b ~ /^[0-9]+$/ && b > 0) printf "%.2f", a / b }'
}

# stat_of KEY: KEY of the last run's --stats=json line (a flat object): a number, "null", or
# "missing".
stat_of() {
	local v
	v=$(grep -o '{.*"wall_ms".*}' <<<"$ERR" | tail -1 | grep -o "\"$1\": *[^,}]*" | sed 's/.*: *//')
	echo "${v:-missing}"
}

# no_sbx_cgroups DESC: no sbx-* directory under the test parent, in any hierarchy.
no_sbx_cgroups() {
	local left
	left=$(cg_sbx_dirs "$CG_PARENT")
	if [ -z "$left" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "left: $left"
		show_run
	fi
}

# The sandbox's own cgroup file FILE (v1: under the controller's hierarchy name) as a `cgroup`
# mount at /sys/fs/cgroup shows it.
inside_file() {
	local ctrl=$1 file=$2
	if [ "$(cg_version "$ctrl")" = 1 ]; then
		echo "/sys/fs/cgroup/$(basename "$(cg_dir "$ctrl" /)")/$file"
	else
		echo "/sys/fs/cgroup/$file"
	fi
}

# ---- memory --------------------------------------------------------------------------------
# memory_swap = 0: no swap on top, so a v1 host with swap kills too instead of swapping.
cat >"$T/mem.cfg" <<'CFG'
cgroup = { memory = "64M"; memory_swap = 0; };
CFG
run "${Q[@]}" --profile "$T/mem.cfg" -- /probe alloc 16M
is "$RC:$OUT" "0:ok" "memory = 64M: touching 16M works"
run "${Q[@]}" --profile "$T/mem.cfg" --stats=json -- /probe alloc 256M
is_rc 137 "memory = 64M: touching 256M, the command is killed (exit 137)"
like "$ERR" '^sbx: memory limit 64M reached: the command was killed$' "sbx says the memory limit killed it"
check "--stats=json counts the OOM kill ($(stat_of oom_kills))" in_range "$(stat_of oom_kills)" 1 1000
check "--stats=json: the peak memory is near the limit, not above ($(stat_of memory_peak_bytes))" \
	in_range "$(stat_of memory_peak_bytes)" $((32 << 20)) $((64 << 20))
run "${Q[@]}" --profile "$T/mem.cfg" -- /probe kill-self KILL
is_rc 137 "a command killed by SIGKILL under a memory limit: 137"
unlike "$ERR" 'memory limit' "... but not by the limit: sbx does not blame it"

# ---- pids: a bounded fork bomb ---------------------------------------------------------------
# sbx-init, the probe and its children share pids = 32: at most 30 children.
run "${Q[@]}" --set cgroup.pids=32 --stats -- /probe forks 64
is_rc 0 "pids = 32: a bounded fork bomb ends, sbx exits with the command's status"
read -r forked refused other <<<"$(sed -n 's/^forked \([0-9]*\) refused \([0-9]*\) other \([0-9]*\)$/\1 \2 \3/p' <<<"$OUT")"
check "at most 30 children, never above 32 tasks with sbx-init and the probe ($OUT)" \
	in_range "${forked:-}" 16 30
is "${refused:-}:${other:-}" "$((64 - ${forked:-0})):0" "every other fork failed with EAGAIN"
like "$ERR" "^sbx: stats: wall [0-9.]+s user [0-9.]+s sys [0-9.]+s maxrss [0-9]+ KiB .*refused-forks ${refused:-x}( |$)" \
	"--stats says how many forks were refused"

# ---- cpus: half a CPU --------------------------------------------------------------------------
run "${Q[@]}" --set cgroup.cpus=0.5 --stats=json -- /probe spin 3
read -r _ cpu _ wall <<<"$OUT"
check "cpus = 0.5: a busy loop gets about half a CPU, by its own clock ($OUT)" \
	in_range "$(ratio "${cpu:-}" "${wall:-}")" 0.3 0.7
u=$(stat_of user_ms) s=$(stat_of sys_ms) w=$(stat_of wall_ms)
us=$(awk -v u="$u" -v s="$s" 'BEGIN { if (u ~ /^[0-9]+$/ && s ~ /^[0-9]+$/) print u + s }')
check "... and by --stats=json (user $u ms, sys $s ms, wall $w ms)" \
	in_range "$(ratio "$us" "$w")" 0.3 0.7
check "--stats=json: the cgroup was throttled ($(stat_of throttled_ms) ms)" \
	in_range "$(stat_of throttled_ms)" 1 100000

# ---- cpuset ------------------------------------------------------------------------------------
run "${Q[@]}" --set 'cgroup.cpuset="0"' -- /probe status Cpus_allowed_list
is "$RC:$OUT" "0:0" "cpuset = \"0\": the command may run on CPU 0 only"
if [ "$NCPU" -ge 2 ]; then
	run "${Q[@]}" --set 'cgroup.cpuset="1"' -- /probe status Cpus_allowed_list
	is "$RC:$OUT" "0:1" "cpuset = \"1\": on CPU 1 only"
fi

# ---- io_limits: a direct-I/O dd at 1 MB/s -------------------------------------------------------
# On the host's root (read-only, for dd), with a dev mount and a dir on a disk bound read-write:
# in $T, or in /var/tmp where /tmp is in memory (tests/vm has a scratch disk there).
# block_dev DIR: the source of the mount holding DIR (the last one mounted there).
block_dev() {
	awk -v mp="$(stat -c %m "$1")" '{ for (i = 7; $i != "-"; i++); if ($5 == mp) src = $(i + 2) }
		END { print src }' /proc/self/mountinfo
}
IO=$T/io
dev=$(block_dev "$T")
if [ ! -b "$dev" ] && [ -b "$(block_dev /var/tmp)" ]; then
	IO=$(by_test mktemp -d /var/tmp/sbxt-io-XXXXXX) && dev=$(block_dev "$IO")
fi
if [ -b "$dev" ]; then
	mkdir -p "$IO"
	chmod 0777 "$IO"
	cat >"$T/io.cfg" <<CFG
filesystem = { root = "host"; mounts = ( { type = "dev"; dst = "/dev"; } ); };
cgroup = { io_limits = ( { device = "$dev"; write_bps = "1M"; } ); };
CFG
	DD=(/bin/dd if=/dev/zero "of=$IO/f" bs=64k count=48 oflag=direct)
	QH=(--profile "$PROFILES/mini.cfg" "${CGP[@]}") # no /probe: the root is read-only
	# dd's own time ("copied, S s"), not the whole run's: sbx's start is not the I/O's, and
	# under emulation (tests/vm) it alone takes seconds.
	dd_secs() { sed -n 's/.*copied, \([0-9.]*\) s.*/\1/p' <<<"$ERR" | tail -1; }
	run "${QH[@]}" --profile "$T/io.cfg" --bind "$IO" -- "${DD[@]}"
	took=$(dd_secs)
	is_rc 0 "io_limits write_bps = 1M on $dev: dd of 3 MiB succeeds"
	check "... and takes about 3 s (${took}s)" in_range "$took" 1.5 10
	sed -i '/io_limits/d' "$T/io.cfg"
	run "${QH[@]}" --profile "$T/io.cfg" --bind "$IO" -- "${DD[@]}"
	took=$(dd_secs)
	if [ "$RC" = 0 ] && in_range "$took" 0 1.5; then
		ok "without io_limits the same dd takes under 1.5 s (${took}s)"
	else
		not_ok "without io_limits the same dd takes under 1.5 s"
		diag "took ${took}s"
		show_run
	fi
	[ "$IO" = "$T/io" ] || rm -rf "$IO"
else
	skip "io_limits: a direct-I/O dd at 1 MB/s" "neither $T nor /var/tmp is on a block device"
fi

# ---- a double-forked daemon does not outlive the sandbox ----------------------------------------
# No pid namespace: nothing but the cgroup ends the daemon. Then with a pid namespace, without
# and with sbx-init.
NS='"user", "mount", "uts", "ipc", "net", "cgroup"'
cat >"$T/daemon.cfg" <<CFG
namespaces = [ $NS ];
filesystem = { root = "host"; mounts = ( { type = "dev"; dst = "/dev"; } ); };
cgroup = { pids = 64; };
CFG
daemon_test() {
	local what=$1 tag=$MARK-daemon-$2 pids p
	shift 2
	run "$@" "${CGP[@]}" -- /bin/sh -c "($PROBE sleep 300 $tag &) ; exit 0"
	is_rc 0 "a command leaving a double-forked daemon, $what: exit 0"
	pids=$(pgrep -f -- "$tag")
	is "$pids" "" "... the daemon is gone when sbx returns"
	for p in $pids; do kill -KILL "$p"; done
	no_sbx_cgroups "... and so is the sandbox's cgroup"
}
daemon_test "no pid namespace" nopid --profile "$T/daemon.cfg"
sed -i "s/\"cgroup\" \]/\"cgroup\", \"pid\" ]/" "$T/daemon.cfg"
daemon_test "command as pid 1" noinit --profile "$T/daemon.cfg" --profile "$PROFILES/noinit.cfg"
daemon_test "under sbx-init" init --profile "$T/daemon.cfg"

# ---- no cgroup left behind ------------------------------------------------------------------------
run "${Q[@]}" --set cgroup.pids=32 --set 'cgroup.memory="64M"' -- /probe uid
is_rc 0 "a good run with memory and pids limits"
no_sbx_cgroups "no cgroup left after a good run"
run "${Q[@]}" --set cgroup.pids=32 --set 'cgroup.memory="64M"' -- /nonexistent
is_rc 127 "a command that is not found: 127"
no_sbx_cgroups "no cgroup left after it"
run "${Q[@]}" --set cgroup.pids=32 --set 'cgroup.memory="64M"' --cwd /nonexistent -- /probe uid
is_error_line "a setup step failing in the sandbox (cwd): 125" "chdir"
no_sbx_cgroups "no cgroup left after it"
# A block device node with no driver behind it (root makes one): the kernel refuses its I/O
# limit, after the memory cgroup was made and filled.
if is_root; then
	for maj in $(seq 240 254); do
		awk -v m="$maj" '/^Block devices:/ { b = 1 } b && $1 == m { f = 1 } END { exit !f }' \
			/proc/devices || break
	done
	mknod "$T/nodisk" b "$maj" 0
	run "${Q[@]}" --set 'cgroup.memory="64M"' \
		--set "cgroup.io_limits=({ device = \"$T/nodisk\"; write_bps = \"1M\"; })" -- /probe uid
	is_error_line "an I/O limit on a device without a driver ($maj:0), which the kernel refuses: 125" \
		"$maj:0|No such device"
	no_sbx_cgroups "no cgroup left after it"
fi

# sbx killed with SIGKILL while the command runs: its cgroup may stay (die_with_parent ends the
# sandbox, so it is empty); the next run removes it.
tag=$MARK-killed
SBXT_MARK=$MARK "$SBX" "${Q[@]}" --set cgroup.pids=32 --set 'cgroup.memory="64M"' \
	-- /probe sleep 30 "$tag" >/dev/null 2>&1 </dev/null &
victim=$!
running() {
	pgrep -f -- "$1" >/dev/null
}
for _ in $(seq 100); do
	running "$tag" && break
	sleep 0.05
done
check "sbx, killed: its sandbox ran" running "$tag"
is "$(cg_sbx_dirs "$CG_PARENT" | grep -c "/sbx-$victim$")" "$(cg_mounts memory pids | wc -l)" \
	"... in cgroup sbx-$victim under the parent, in each hierarchy"
kill -KILL "$victim" 2>/dev/null
wait "$victim" 2>/dev/null
for _ in $(seq 100); do
	running "$tag" || break
	sleep 0.05
done
is "$(pgrep -f -- "$tag")" "" "... and ended with it (die_with_parent)"
run "${Q[@]}" --set cgroup.pids=32 --set 'cgroup.memory="64M"' -- /probe uid
is_rc 0 "the next run"
no_sbx_cgroups "... removes the stale cgroup of the killed sbx"

# ---- the plan and -v ------------------------------------------------------------------------------
# step_like TEXT DESC KIND ERE...: TEXT (a plan, or a -v log when KIND starts with "-v ") has a
# KIND step with a field matching each ERE (whole fields, any order).
step_like() {
	local text=$1 desc=$2 kind=$3 pre='' re lines
	shift 3
	if [ "${kind#-v }" != "$kind" ]; then
		kind=${kind#-v }
		pre='sbx: \[ *[0-9.]+ ms\]'
	fi
	lines=$(grep -E "^$pre *[0-9]+ +[a-z]+ +$kind( |$)" <<<"$text")
	for re in "$@"; do lines=$(grep -E " $re( |$)" <<<"$lines"); done
	if [ -n "$lines" ]; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "expected a $kind step with: $*"
		diag "got: $(grep -E "$kind" <<<"$text")"
		show_run
	fi
}
V=$(cg_version memory)
MEM_FILE=memory.max
[ "$V" = 1 ] && MEM_FILE=memory.limit_in_bytes
MD=$(cg_dir memory)
PD=$(cg_dir pids)
HM=hierarchy=memory
HP=hierarchy=pids
[ "$V" = 2 ] && HM='hierarchy=[^ ]+'
[ "$(cg_version pids)" = 2 ] && HP='hierarchy=[^ ]+'
run "${Q[@]}" --set 'cgroup.memory="64M"' --set cgroup.pids=32 --plan -- /probe uid
is_rc 0 "--plan with memory and pids"
step_like "$OUT" "the plan creates the memory cgroup under the parent, naming its hierarchy" \
	cgroup-create "version=$V" "$HM" "dir=$MD/sbx-[0-9]+"
step_like "$OUT" "... and the pids one" cgroup-create "version=$(cg_version pids)" "$HP" "dir=$PD/sbx-[0-9]+"
step_like "$OUT" "the plan writes the memory limit: hierarchy, file and value" \
	cgroup-set "version=$V" "$HM" "file=$MD/sbx-[0-9]+/$MEM_FILE" value=67108864
step_like "$OUT" "... and pids.max" cgroup-set "$HP" "file=$PD/sbx-[0-9]+/pids\.max" value=32
run -v "${Q[@]}" --set 'cgroup.memory="64M"' --set cgroup.pids=32 -- /probe uid
is_rc 0 "-v run with memory and pids"
step_like "$ERR" "-v logs cgroup-create with its duration" "-v cgroup-create" "$HM" "dir=$MD/sbx-[0-9]+"
step_like "$ERR" "-v logs cgroup-set with its duration" "-v cgroup-set" "file=$MD/sbx-[0-9]+/$MEM_FILE" \
	value=67108864

# ---- the sandbox's view: its own cgroup as the root; a cgroup mount --------------------------------
run "${Q[@]}" --set 'cgroup.memory="64M"' -- /probe cat /proc/self/cgroup
if [ -z "$(cg_mounts memory pids cpu cpuset io | grep -v "^$(cg2_mount)$")" ]; then
	is "$RC:$OUT" "0:0::/" "with the cgroup namespace, /proc/self/cgroup says 0::/"
else
	is "$RC:$(grep -vc ':/$' <<<"$OUT")" "0:0" "with the cgroup namespace, every hierarchy's line of /proc/self/cgroup ends in :/"
fi
cat >"$T/cgmount.cfg" <<'CFG'
cgroup = { memory = "64M"; pids = 32; };
filesystem = { mounts = ( { type = "cgroup"; dst = "/sys/fs/cgroup"; } ); };
CFG
MEM_IN=$(inside_file memory "$MEM_FILE")
run "${Q[@]}" --profile "$T/cgmount.cfg" -- /probe cat "$MEM_IN"
is "$RC:$OUT" "0:67108864" "a cgroup mount lets the command read its memory limit ($MEM_IN)"
run "${Q[@]}" --profile "$T/cgmount.cfg" -- /probe write "$MEM_IN" 1073741824
like "$OUT" '^E(ROFS|ACCES|PERM)$' "... and not raise it ($OUT)"
run "${Q[@]}" --profile "$T/cgmount.cfg" -- /probe forks 64 "$(inside_file pids pids.current)"
is "$(head -1 <<<"$OUT")" 32 "pids.current at the fork bomb's height is the limit, 32"

# ---- --stats without a cgroup --------------------------------------------------------------------
run "${MINI[@]}" --stats=json -- /probe uid
is "$RC:$(stat_of refused_forks):$(stat_of oom_kills)" "0:null:null" \
	"--stats=json without a cgroup: no cgroup counts (null)"

# ---- a caller without a delegated cgroup --------------------------------------------------------
# The cgroup run.sh made and left root's, else the hierarchies' roots (tests/vm makes none).
if ! is_root; then
	LOCKED=${SBX_TEST_CGROUP_LOCKED:-/}
	LOCKED_DIR=$(cg_dir memory "$LOCKED")
	LOCKED_DIR=${LOCKED_DIR%/}
	cat >"$T/locked.cfg" <<CFG
# a parent that is root's
cgroup = { memory = "64M";
  parent = "$LOCKED"; };
CFG
	run "${MINI[@]}" --profile "$T/locked.cfg" -- /probe uid
	is "$RC:$(grep -c . <<<"$ERR")" "125:1" "a parent this user may not write: exit 125, one line"
	like "$ERR" "^sbx: .*$T/locked.cfg:[23]: .*$LOCKED_DIR is not writable by uid $ME_UID: delegate" \
		"... naming FILE:LINE, the cgroup, the uid and how to delegate one"
	sed -i 's/parent =/optional = true; parent =/' "$T/locked.cfg"
	run "${MINI[@]}" --profile "$T/locked.cfg" -- /probe pid
	is "$RC:$OUT" "0:2" "optional = true: the command runs without the limits"
	is "$(grep -c . <<<"$ERR"):$(grep -c '^sbx: warning: ' <<<"$ERR")" "1:1" "... after one warning line"
	run "${MINI[@]}" --profile "$T/locked.cfg" --plan -- /probe pid
	like "$OUT" '^ *#.*(left out|without)' "... and the plan says the limits were left out"
	unlike "$OUT" 'cgroup-(create|set)' "... with no cgroup step"
fi

# ---- no cgroup.parent: sbx's own cgroup is the parent -----------------------------------------
# sbx alone in a cgroup of its own (own-PID under the test parent, made here) runs without
# cgroup.parent: the sandbox's cgroup goes under that one. On v2 sbx moves itself to a leaf
# first (a cgroup holding a process can't hand controllers down), and gives the controllers
# back and leaves the leaf at the end, so nothing is left.
OWN=$CG_PARENT/own-$$
own_dirs=()
for m in $(cg_mounts memory pids); do mkdir "$m$OWN" && own_dirs+=("$m$OWN"); done
# v2: the test parent hands the controllers down to own-PID, as a delegated cgroup would.
[ "$(cg_version memory)" = 2 ] && echo "+memory +pids" >"$(cg_dir memory)/cgroup.subtree_control"
# own_run ARGS...: sbx ARGS from a shell that moved itself into $OWN in each hierarchy, then
# exec'd sbx (so sbx is the only process there), under a time guard outside.
own_run() {
	local procs=() d
	for d in "${own_dirs[@]}"; do procs+=("$d/cgroup.procs"); done
	CMD="(in $OWN) sbx $*"
	timeout -k 3 20 bash -c 'n=$1; shift; for ((i = 0; i < n; i++)); do echo $$ >"$1" || exit 99; shift; done; exec "$@"' \
		own "${#procs[@]}" "${procs[@]}" "$SBX" "$@" >"$T/.out" 2>"$T/.err" </dev/null
	RC=$?
	OUT=$(cat "$T/.out")
	ERR=$(cat "$T/.err")
}
cat >"$T/own.cfg" <<'CFG'
cgroup = { memory = "64M"; memory_swap = 0; pids = 16; };
CFG
own_run "${MINI[@]}" --profile "$T/own.cfg" --plan -- /probe uid
like "$OUT" "cgroup-create .*dir=[^ ]*$OWN/sbx-[0-9]+( |$)" "without cgroup.parent, the plan makes the sandbox's cgroup in sbx's own"
if [ "$(cg_version memory)" = 2 ]; then
	like "$OUT" "cgroup-create .*dir=[^ ]*$OWN/sbx-[0-9]+-launcher .*move=sbx" "v2: sbx moves itself to a leaf of its own cgroup first"
else
	unlike "$OUT" "launcher" "v1: no leaf needed (no rule against processes in inner cgroups)"
fi
own_run "${MINI[@]}" --profile "$T/own.cfg" -- /probe alloc 256M
is_rc 137 "the limit holds in sbx's own cgroup: touching 256M under 64M is killed"
like "$ERR" 'memory limit 64M reached' "... and sbx says so"
own_run "${MINI[@]}" --profile "$T/own.cfg" -- /probe uid
is_rc 0 "a good run in sbx's own cgroup"
is "$(cg_sbx_dirs "$OWN")" "" "nothing is left in sbx's own cgroup: no sandbox cgroup, no leaf"
if [ "$(cg_version memory)" = 2 ]; then
	is "$(cat "${own_dirs[0]}/cgroup.subtree_control")" "" "v2: the controllers sbx handed down are taken back"
fi
for d in "${own_dirs[@]}"; do rmdir "$d" 2>/dev/null || { cg_kill_dir "$d"; rmdir "$d"; }; done

# ---- bad values: FILE:LINE ------------------------------------------------------------------------
# bad NAME LINE ERE DESC: $T/NAME.cfg fails --check at LINE with a message matching ERE, which
# gives the reason (not "not supported"). The test parent is given on the command line, but
# for a profile naming its own.
bad() {
	local parent=("${CGP[@]}")
	grep -q parent "$T/$1.cfg" && parent=()
	run "${MINI[@]}" "${parent[@]}" --profile "$T/$1.cfg" --check
	is "$RC" 1 "--check refuses $4"
	like "$(grep -v 'not supported' <<<"$ERR")" "^$T/$1.cfg:$2: error: .*$3" "... at $1.cfg:$2, saying why"
}
printf 'cgroup = {\n  cpus = %s;\n};\n' $((NCPU + 1)) >"$T/cpus.cfg"
bad cpus 2 "cpus.*[^0-9]$NCPU([^0-9]|$)" "cpus above the $NCPU CPUs online"
printf 'cgroup = {\n  cpuset = "999";\n};\n' >"$T/cpuset.cfg"
bad cpuset 2 "cpuset.*999" "a cpuset naming absent CPUs"
printf 'cgroup = {\n  memory = "64M";\n  memory_swap = "32M";\n};\n' >"$T/swap.cfg"
bad swap 3 "memory_swap" "memory_swap below memory"
printf 'cgroup = {\n  io_limits = ( { device = "/dev/null"; write_bps = "1M"; } );\n};\n' >"$T/iodev.cfg"
bad iodev 2 "/dev/null.*block device" "an io_limits device that is not a block device"
printf 'cgroup = {\n  parent = "/a/../b";\n};\n' >"$T/dotdot.cfg"
bad dotdot 2 "parent.*\\.\\." "a parent with .."
printf 'cgroup = {\n  pids = 0;\n};\n' >"$T/zero.cfg"
bad zero 2 "pids" "pids = 0"
printf 'cgroup = {\n  cpus = -1;\n};\n' >"$T/neg.cfg"
bad neg 2 "cpus" "negative cpus"
run "${MINI[@]}" "${CGP[@]}" --profile "$T/swap.cfg" -- /probe uid
is_error_line "a run with memory_swap below memory: exit 125, one line" "$T/swap.cfg:3: .*memory_swap"

check_no_leftovers "the cgroup runs"
done_testing
