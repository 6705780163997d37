# cg-setup.sh — sourced by lib.sh, run.sh and bench/run.sh (bash): where this host keeps
# each cgroup controller sbx sets limits with, and the test parents: a cgroup of the tests' own
# at the root of each hierarchy, never inside one that other software holds.
#
# Controllers are named as sbx names them: memory, pids, cpu, cpuset, io (v1: blkio). The
# layout is read at run time, so the same scripts run on a v1 or hybrid host (a controller
# mounted in a v1 hierarchy is v1 there) and in a cgroup2-only VM (tests/vm).
#
#   cg_hier CTRL            "VERSION MOUNT" of the hierarchy holding CTRL; nothing if none has it
#   cg_version CTRL         1, 2 or nothing
#   cg_dir CTRL [PATH]      the directory of cgroup PATH (absolute from the hierarchy's root;
#                           default $CG_PARENT) in CTRL's hierarchy
#   cg_parent_make NAME OWNER CTRL...   (root) make cgroup NAME in each CTRL's hierarchy; OWNER
#                           (a user, or "") gets it delegated. Prints the directories made.
#   cg_parent_remove DIR... (root) kill what is left in DIR and its sbx-* children, remove them
#   cg_sbx_dirs PATH        the sbx-* directories under cgroup PATH, in every hierarchy

CG_CTRLS=(memory pids cpu cpuset io)

# The v1 name of a controller.
cg_v1_name() {
	if [ "$1" = io ]; then echo blkio; else echo "$1"; fi
}

# The cgroup2 mount point (mount root "/"), or nothing.
cg2_mount() {
	awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) == "cgroup2" && $4 == "/") { print $5; exit } }' \
		/proc/self/mountinfo
}

cg_hier() {
	local v1 m
	v1=$(cg_v1_name "$1")
	m=$(awk -v c="$v1" '{
		for (i = 7; $i != "-"; i++);
		if ($(i + 1) != "cgroup" || $4 != "/") next
		n = split($(i + 3), o, ",")
		for (j = 1; j <= n; j++) if (o[j] == c) { print $5; exit }
	}' /proc/self/mountinfo)
	if [ -n "$m" ]; then
		echo "1 $m"
		return
	fi
	m=$(cg2_mount)
	[ -n "$m" ] && grep -qw -- "$1" "$m/cgroup.controllers" 2>/dev/null && echo "2 $m"
}

cg_version() {
	cg_hier "$1" | cut -d' ' -f1
}

cg_dir() {
	local h
	h=$(cg_hier "$1") || return 1
	[ -n "$h" ] || return 1
	echo "${h#* }${2-${CG_PARENT:-}}"
}

# The distinct hierarchy mount points of CTRL..., one per line.
cg_mounts() {
	local c
	for c in "$@"; do cg_hier "$c" | cut -d' ' -f2-; done | awk '!seen[$0]++'
}

# cg_parent_make NAME OWNER CTRL...: v1: NAME in each hierarchy (cpuset: with the root's cpus
# and mems, which a new v1 cpuset lacks); v2: NAME under the cgroup2 mount, its controllers
# enabled in the root's cgroup.subtree_control (NAME's own is left to sbx, which must enable
# them there). OWNER gets what a delegation gives: v1 the directory and its cgroup.procs and
# tasks; v2 the directory, cgroup.procs, cgroup.subtree_control and cgroup.threads.
# Returns 1 (after undoing) when a controller is missing or a step fails.
cg_parent_make() {
	local name=$1 owner=$2 c h v m made=() v2=()
	shift 2
	for c in "$@"; do
		h=$(cg_hier "$c")
		[ -n "$h" ] || { echo "cg_parent_make: no hierarchy has the $c controller" >&2; return 1; }
		[ "${h%% *}" = 2 ] && v2+=("+$c")
	done
	for m in $(cg_mounts "$@"); do
		if ! mkdir "$m$name"; then
			cg_parent_remove "${made[@]}"
			return 1
		fi
		made+=("$m$name")
		if [ -f "$m$name/cpuset.cpus" ] && [ ! -f "$m/cgroup.controllers" ]; then
			cat "$m/cpuset.cpus" >"$m$name/cpuset.cpus" && cat "$m/cpuset.mems" >"$m$name/cpuset.mems" ||
				{ cg_parent_remove "${made[@]}"; return 1; }
		fi
		if [ -f "$m/cgroup.controllers" ]; then
			for v in "${v2[@]}"; do
				grep -qw -- "${v#+}" "$m/cgroup.subtree_control" || echo "$v" >"$m/cgroup.subtree_control" ||
					{ cg_parent_remove "${made[@]}"; return 1; }
			done
			[ -n "$owner" ] && { chown "$owner" "$m$name" "$m$name/cgroup.procs" \
				"$m$name/cgroup.subtree_control" "$m$name/cgroup.threads" ||
				{ cg_parent_remove "${made[@]}"; return 1; }; }
		elif [ -n "$owner" ]; then
			chown "$owner" "$m$name" "$m$name/cgroup.procs" "$m$name/tasks" ||
				{ cg_parent_remove "${made[@]}"; return 1; }
		fi
	done
	printf '%s\n' "${made[@]}"
}

# cg_kill_dir DIR: SIGKILL every process in cgroup DIR until it is empty (2 s at most).
cg_kill_dir() {
	local pid i
	for i in $(seq 40); do
		[ -s "$1/cgroup.procs" ] || return 0
		for pid in $(cat "$1/cgroup.procs" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
		sleep 0.05
	done
	return 1
}

# cg_parent_remove DIR...: each DIR made by cg_parent_make, with whatever sbx left in it.
cg_parent_remove() {
	local d sub
	for d in "$@"; do
		[ -d "$d" ] || continue
		for sub in "$d"/*/; do
			[ -d "$sub" ] || continue
			sub=${sub%/}
			cg_kill_dir "$sub"
			rmdir "$sub" 2>/dev/null
		done
		cg_kill_dir "$d"
		rmdir "$d" 2>/dev/null || echo "cg_parent_remove: could not remove $d" >&2
	done
}

# cg_sbx_dirs PATH: the sbx-* directories under cgroup PATH in every hierarchy where PATH is.
cg_sbx_dirs() {
	local m
	for m in $(cg_mounts "${CG_CTRLS[@]}"); do
		[ -d "$m$1" ] && find "$m$1" -mindepth 1 -maxdepth 1 -type d -name 'sbx-*'
	done | sort
}
