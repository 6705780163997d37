#!/bin/bash
# 013-namespaces.sh — exactly the namespaces the profile lists are new; new_session;
# recursive read-only binds.
. "$(dirname "$0")/lib.sh"
require_userns

host_ns() { readlink "/proc/self/ns/$1"; }

# ns_check DESC NEW... -- ARGS...: in a run with ARGS, the namespaces NEW differ from the
# host's and all others are the host's.
ns_check() {
	local desc=$1 new=() ns got want=() bad=""
	shift
	while [ "$1" != -- ]; do new+=("$1"); shift; done
	shift
	for ns in user mnt pid uts ipc net cgroup time; do
		run "$@" -- /probe readlink "/proc/self/ns/$ns"
		got=$OUT
		if [[ " ${new[*]} " == *" $ns "* ]]; then
			[ "$got" != "$(host_ns "$ns")" ] && [ -n "$got" ] || bad="$bad $ns(shared)"
		else
			[ "$got" = "$(host_ns "$ns")" ] || bad="$bad $ns(new:$got)"
		fi
	done
	is "${bad# }" "" "$desc"
}

ns_check "the default namespaces: all but time" user mnt pid uts ipc net cgroup -- "${MINI[@]}"
ns_check "namespaces with time" user mnt pid uts ipc net cgroup time -- "${MINI[@]}" \
	--set 'namespaces=["user","mount","pid","uts","ipc","net","cgroup","time"]'
ns_check "namespaces without ipc and cgroup" user mnt pid uts net -- "${MINI[@]}" \
	--set 'namespaces=["user","mount","pid","uts","net"]'
if is_root; then
	# Root needs no user namespace.
	ns_check "root without a user namespace" mnt pid uts ipc net cgroup -- "${MINI[@]}" \
		--set 'namespaces=["mount","pid","uts","ipc","net","cgroup"]'
else
	run "${MINI[@]}" --set 'namespaces=["mount","pid","uts","ipc","net","cgroup"]' -- /probe exit 0
	is_error_line "a caller that is not root needs the user namespace" "user"
fi

# new_session: the command leads a session of its own (no terminal).
run "${MINI[@]}" -- /probe sid
like "$OUT" '^([1-9][0-9]*) \1 -1$' "new_session: the command is a session and group leader"
run "${MINI[@]}" --set process.new_session=false -- /probe sid
like "$OUT" '^0 ' "new_session = false: the session stays the caller's (outside the pid namespace)"

# A read-only bind is read-only all the way down (recursive = true, the default), and
# recursive = false leaves the submounts out. The host's /dev has /dev/shm (world-writable).
if mountpoint -q /dev/shm && [ -w /dev/shm ]; then
	marker=/dev/shm/probe-mark-$$
	echo host >"$marker"
	run "${MINI[@]}" --ro-bind /dev:/hdev -- /probe cat "/hdev/shm/probe-mark-$$"
	is "$RC:$OUT" "0:host" "a recursive bind shows the submounts"
	run "${MINI[@]}" --ro-bind /dev:/hdev -- /probe write "/hdev/shm/probe-mark-$$-new" x
	is "$OUT" EROFS "a read-only recursive bind is read-only in its submounts too"
	check "nothing was written on the host's /dev/shm" test ! -e "$marker-new"
	cat >"$T/norec.cfg" <<CFG
filesystem = { mounts = ( { type = "bind"; src = "/dev"; dst = "/hdev"; recursive = false; } ); };
CFG
	if is_root; then
		# (without a user namespace: in one, the host's submounts are locked to their parent)
		run "${MINI[@]}" --profile "$T/norec.cfg" \
			--set 'namespaces=["mount","pid","uts","ipc","net","cgroup"]' \
			-- /probe cat "/hdev/shm/probe-mark-$$"
		is "$OUT" ENOENT "recursive = false leaves the submounts out"
	else
		# The kernel refuses to bind a mount without its locked submounts in a user
		# namespace: that must be a clean error.
		run "${MINI[@]}" --profile "$T/norec.cfg" -- /probe cat "/hdev/shm/probe-mark-$$"
		is_error_line "recursive = false over locked submounts: a clean error" "norec\.cfg:1"
	fi
	rm -f "$marker" "$marker-new"
else
	skip "recursive binds" "no writable /dev/shm mount on this host"
fi

check_no_leftovers "the namespace runs"
done_testing
