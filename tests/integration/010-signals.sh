#!/bin/bash
# 010-signals.sh — signals sent to sbx reach the command; SIGKILL to sbx leaves no sandbox
# process alive; die_with_parent.
. "$(dirname "$0")/lib.sh"
require_userns

# start_bg OUTFILE ARGS...: sbx in the background with every signal at its default (a
# non-interactive shell would start it with SIGINT and SIGQUIT ignored); sets BG.
start_bg() {
	local out=$1
	shift
	# Emptied here, not only by the background job's redirection: under load the waiter could
	# otherwise read the last run's "ready" before the job starts, and signal sbx too early.
	: >"$out"
	SBXT_MARK=$MARK "$PROBE" sigdfl "$SBX" "$@" >"$out" 2>"$out.err" </dev/null &
	BG=$!
}

# Each forwarded signal, with and without an init.
for prof in "" noinit; do
	extra=()
	[ -n "$prof" ] && extra=(--profile "$PROFILES/$prof.cfg")
	for sig in TERM INT HUP QUIT USR1 USR2; do
		desc="SIG$sig to sbx reaches the command${prof:+ ($prof)}"
		start_bg "$T/sig.out" "${MINI[@]}" "${extra[@]}" -- /probe trap "$sig"
		if ! wait_for "$T/sig.out" '^ready$' 5; then
			not_ok "$desc"
			diag "the command never said ready; stderr: $(cat "$T/sig.out.err")"
			kill -KILL "$BG" 2>/dev/null
			wait "$BG" 2>/dev/null
			continue
		fi
		kill -"$sig" "$BG"
		wait "$BG"
		rc=$?
		got="$rc:$(tr '\n' ' ' <"$T/sig.out")"
		if [ "$got" = "42:ready got $sig " ]; then
			ok "$desc"
		else
			not_ok "$desc"
			diag "expected exit 42 and 'got $sig'; got $got"
			diag "stderr: $(cat "$T/sig.out.err")"
		fi
	done
done

# A command that doesn't handle SIGTERM dies of it: 143.
start_bg "$T/term.out" "${MINI[@]}" -- /probe sleep 30
sleep 0.5
kill -TERM "$BG"
wait "$BG"
is "$?" 143 "SIGTERM to sbx kills a command that doesn't trap it: 143"

# SIGKILL to sbx: nothing of the sandbox survives.
for prof in "" noinit; do
	extra=()
	[ -n "$prof" ] && extra=(--profile "$PROFILES/$prof.cfg")
	tag=$MARK-kill$prof
	start_bg "$T/kill.out" "${MINI[@]}" "${extra[@]}" -- /probe sleep 30 "$tag"
	for i in $(seq 100); do
		pgrep -f "^/probe sleep 30 $tag\$" >/dev/null && break
		sleep 0.05
	done
	inner=$(pgrep -f "^/probe sleep 30 $tag\$")
	isnt "$inner" "" "the sandboxed command started${prof:+ ($prof)}"
	kill -KILL "$BG"
	wait "$BG" 2>/dev/null
	for i in $(seq 40); do
		pgrep -f "$tag" >/dev/null || break
		sleep 0.05
	done
	left=$(pgrep -af "$tag")
	is "$left" "" "SIGKILL to sbx leaves no sandbox process alive${prof:+ ($prof)}"
	for i in $(awk '{ print $1 }' <<<"$left"); do kill -KILL "$i" 2>/dev/null; done
	check_no_leftovers "SIGKILL to sbx${prof:+ ($prof)}"
done

check_no_leftovers "the signal runs"
done_testing
