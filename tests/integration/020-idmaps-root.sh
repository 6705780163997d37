#!/bin/bash
# 020-idmaps-root.sh — who the sandbox is outside. A root caller's default map sends the
# sandbox's ids to an unprivileged range (root's own /etc/subuid range, else 65534), so host
# root's files are someone else's inside; outside = "self" keeps host root on request. An
# unprivileged caller's default map is unchanged (inside id -> the caller). A map of
# subordinate ids only (the caller's own id unmapped) still gets its network namespace.
. "$(dirname "$0")/lib.sh"
require_userns

REPO=$(cd "$TESTDIR/../.." && pwd)
SELF=(--profile "$PROFILES/self.cfg")
DEFAULT=(--profile "$REPO/profiles/default.cfg")
SUBONLY=("${MINI[@]}" --profile "$PROFILES/subuid-only.cfg")
map() { awk '{ print $1, $2, $3 }' <<<"$1" | tr '\n' ';'; }

# A test dir anyone may write to, bound rw: the owner of a file the sandbox creates there is
# the sandbox's host uid.
RW=$T/rw
mkdir "$RW" && chmod 0777 "$RW"
# owner_of_new_file ARGS...: create a file in the rw bind with the given sbx arguments and
# print its host owner "uid:gid" (empty when it was not created).
owner_of_new_file() {
	rm -f "$RW/f"
	run "$@" --bind "$RW:/rw" -- /probe write /rw/f x
	[ -e "$RW/f" ] && stat -c %u:%g "$RW/f"
}

# host_uid_of_sandbox ARGS...: the Uid line (real, effective, saved, fs) of the sandbox's
# command, read from outside while it sleeps.
host_uid_of_sandbox() {
	local tag=sbxt-uid-$$-$RANDOM pid="" i bg
	SBXT_MARK=$MARK timeout -k 3 20 "$SBX" "$@" -- /probe sleep 10 "$tag" >/dev/null 2>&1 </dev/null &
	bg=$!
	for i in $(seq 200); do
		pid=$(pgrep -f "^/probe sleep 10 $tag") && break
		sleep 0.05
	done
	[ -n "$pid" ] && awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status"
	kill -TERM "$bg" 2>/dev/null
	wait "$bg" 2>/dev/null
}

# lo_up_runs N RUNNER ARGS...: sets GOOD to how many of N runs in a row (each by RUNNER ARGS)
# had a network namespace with only lo, up, and FIRST_BAD to what the first other one did.
lo_up_runs() {
	local n=$1 i
	shift
	GOOD=0 FIRST_BAD=""
	for i in $(seq "$n"); do
		"$@" -- /probe ifaces
		if [ "$RC:$OUT" = "0:lo UP" ]; then
			GOOD=$((GOOD + 1))
		elif [ -z "$FIRST_BAD" ]; then
			FIRST_BAD="exit $RC, stdout '$OUT', stderr '$ERR'"
		fi
	done
}

if is_root; then
	# What a root caller's default map uses: root's own range when it has one, else 65534
	# (lib.sh's SB_UID and SB_GID).
	want=$SB_UID want_g=$SB_GID
	range=$(awk -F: '($1 == "root" || $1 == "0") { print $2, $3; exit }' /etc/subuid)
	if [ -n "$range" ]; then want_map="0 $range"; else want_map="0 65534 1"; fi

	# /etc/shadow is root's, mode 0640 or less: the sandbox must not read it.
	run -- cat /etc/shadow
	is "$RC:$OUT" "1:" "default profile as root: cat /etc/shadow fails"
	like "$ERR" "Permission denied" "default profile as root: /etc/shadow is permission denied"
	run --profile "$REPO/profiles/untrusted.cfg" -- cat /etc/shadow
	is "$RC:$OUT" "1:" "untrusted.cfg as root: cat /etc/shadow fails"
	like "$ERR" "Permission denied" "untrusted.cfg as root: /etc/shadow is permission denied"

	run "${MINI[@]}" -- /probe cat /proc/self/uid_map
	is "$RC:$(map "$OUT")" "0:$want_map;" "root's default uid_map: inside 0 to $want"
	run "${MINI[@]}" -- /probe uid
	is "$RC:$(head -1 <<<"$OUT")" "0:0 0 0 0" "still uid 0 inside"
	is "$(host_uid_of_sandbox "${MINI[@]}")" "$want $want $want $want" \
		"the command's host uid is $want, not 0 (read from outside)"
	is "$(owner_of_new_file "${MINI[@]}")" "$want:$want_g" \
		"a file the sandbox creates in a rw bind is owned by $want:$want_g"
	run --plan "${MINI[@]}" -- /probe uid
	like "$OUT" "idmap-write file=uid_map map=\"$want_map\"" "--plan shows the map to $want"
	if [ -z "$range" ]; then
		run "${MINI[@]}" --profile "$PROFILES/uid1000.cfg" -- /probe cat /proc/self/uid_map
		is "$RC:$(map "$OUT")" "0:1000 65534 1;" "user.uid = 1000: inside 1000 to 65534"
	fi

	# Root in a user namespace that maps only itself (as in some containers): 65534 can't be
	# mapped. One line that says what to do, never a silent fallback to root.
	CMD="unshare -Ur sbx mini -- /probe uid"
	SBXT_MARK=$MARK timeout -k 3 20 unshare -Ur "$SBX" "${MINI[@]}" -- /probe uid \
		>"$T/.out" 2>"$T/.err" </dev/null
	RC=$? OUT=$(cat "$T/.out") ERR=$(cat "$T/.err")
	leak_check
	is_error_line "root whose own namespace lacks 65534: a clear error" \
		'idmap-write file=uid_map .*Operation not permitted \(.*not mapped in sbx.s own user namespace.*"self"'

	# On request, host root as before.
	run "${DEFAULT[@]}" "${SELF[@]}" -- cat /etc/shadow
	is "$RC" 0 'outside = "self": root can read /etc/shadow again'
	is "$(host_uid_of_sandbox "${MINI[@]}" "${SELF[@]}")" "0 0 0 0" \
		'outside = "self": the command is host uid 0'
	is "$(owner_of_new_file "${MINI[@]}" "${SELF[@]}")" "0:0" \
		'outside = "self": a new file in a rw bind is root'"'"'s'

	# The helper that makes the network namespace runs as root: it can enter a user namespace
	# that does not map uid 0.
	lo_up_runs 20 run "${MINI[@]}"
	is "$GOOD" 20 "root's default map: 20 of 20 runs have only lo, up"
	[ "$GOOD" = 20 ] || diag "first failure: $FIRST_BAD"

	# Root with a subordinate range: a private mount namespace shows sbx a subuid file that
	# has one (the host's files stay untouched).
	printf 'root:524288:65536\n' >"$T/subid"
	chmod 0644 "$T/subid"
	in_range() {
		CMD="(root has 524288:65536) sbx $*"
		SBXT_MARK=$MARK timeout -k 3 20 unshare -m --propagation private sh -c \
			'mount --bind "$0" /etc/subuid && mount --bind "$0" /etc/subgid && exec "$@"' \
			"$T/subid" "$SBX" "$@" >"$T/.out" 2>"$T/.err" </dev/null
		RC=$?
		OUT=$(cat "$T/.out")
		ERR=$(cat "$T/.err")
		leak_check
	}
	in_range "${MINI[@]}" -- /probe cat /proc/self/uid_map
	is "$RC:$(map "$OUT")" "0:0 524288 65536;" "root with a subuid range: inside 0-65535 to it"
	in_range "${MINI[@]}" -- /probe cat /proc/self/gid_map
	is "$RC:$(map "$OUT")" "0:0 524288 65536;" "root with a subgid range: inside 0-65535 to it"
	in_range "${MINI[@]}" -- /probe cat /proc/self/setgroups
	is "$OUT" allow "root with a range: setgroups allowed"
	in_range "${MINI[@]}" --profile "$PROFILES/uid1000.cfg" -- /probe uid
	is "$RC:$(head -1 <<<"$OUT")" "0:1000 1000 1000 1000" "root with a range: uid 1000 inside it"
	in_range -- cat /etc/shadow
	is "$RC:$OUT" "1:" "root with a range: cat /etc/shadow fails"
	lo_up_runs 20 in_range "${SUBONLY[@]}"
	is "$GOOD" 20 "root, subuid maps only: 20 of 20 runs have only lo, up"
	[ "$GOOD" = 20 ] || diag "first failure: $FIRST_BAD"
else
	# Unprivileged: unchanged, the inside id is the caller outside.
	run "${MINI[@]}" -- /probe cat /proc/self/uid_map
	is "$RC:$(map "$OUT")" "0:$ME_UID $ME_UID 1;" "default uid_map: the caller's id to itself"
	is "$(owner_of_new_file "${MINI[@]}" --set user.uid=0 --set user.gid=0)" "$ME_UID:$ME_GID" \
		"root inside: a file in a rw bind is the caller's"
	is "$(host_uid_of_sandbox "${MINI[@]}" --set user.uid=0)" "$ME_UID $ME_UID $ME_UID $ME_UID" \
		"root inside: the command is the caller outside"

	# Subordinate ids only: the helper running as the caller can't enter a user namespace
	# that doesn't map it, so the child makes the network namespace itself.
	if [ -n "$(subid_start /etc/subuid)" ] && [ -n "$(subid_start /etc/subgid)" ]; then
		lo_up_runs 20 run "${SUBONLY[@]}"
		is "$GOOD" 20 "subuid maps only: 20 of 20 runs have only lo, up"
		[ "$GOOD" = 20 ] || diag "first failure: $FIRST_BAD"
		run "${SUBONLY[@]}" -- /probe loopback
		is "$OUT" ok "subuid maps only: a datagram over 127.0.0.1 arrives"
		run "${SUBONLY[@]}" --profile "$PROFILES/fs-types.cfg" -- /probe ls /sys/class/net
		is "$RC:$OUT" "0:lo" "subuid maps only: sysfs shows the sandbox's network namespace"
		run --plan "${SUBONLY[@]}" -- /probe ifaces
		like "$OUT" "child +netns-unshare .*up=lo" "--plan: the child makes the namespace"
		unlike "$OUT" "netns-create|netns-join" "--plan: no helper for it"
	else
		skip "subuid maps only: the network namespace" "no /etc/subuid range for $ME_NAME"
	fi
fi

check_no_leftovers "the id map runs"
done_testing
