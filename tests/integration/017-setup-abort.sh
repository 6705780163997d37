#!/bin/bash
# 017-setup-abort.sh — a setup that hangs can be ended: process.setup_timeout (exit 125 naming
# the step), SIGINT/SIGTERM/SIGHUP before the command started (exit 128+N, the command never
# runs), the time limit counted from clone(), and a torn record on the report pipe. The hang
# is real: the stall tool holds one syscall of sbx's child with a seccomp user notification.
. "$(dirname "$0")/lib.sh"
require_userns

STALL=$ATTACKS/stall
NOINIT=(--profile "$PROFILES/noinit.cfg")

# run_stalled ARGS...: like run(), with sethostname (the hostname step) held for 30 s.
run_stalled() {
	CMD="stall sethostname 30 sbx $*"
	SBXT_MARK=$MARK timeout -k 3 20 "$STALL" sethostname 30 "$SBX" "$@" >"$T/.out" 2>"$T/.err" </dev/null
	RC=$?
	OUT=$(cat "$T/.out")
	ERR=$(cat "$T/.err")
	leak_check
}

run_stalled "${MINI[@]}" --setup-timeout 1 -- /probe echo ran
is_error_line "a hung step ends the setup at the setup timeout" \
	'hostname name=sbx-test: did not finish within the setup timeout of 1s'
is "$OUT" "" "the command never ran"

run_stalled "${MINI[@]}" --set process.setup_timeout=2 -- /probe echo ran
is_error_line "process.setup_timeout in the profile" 'setup timeout of 2s'

# The netns helper is what hangs here: the child waits for it at netns-join.
CMD="stall setns 30 sbx ..."
SBXT_MARK=$MARK timeout -k 3 20 "$STALL" setns 30 "$SBX" "${MINI[@]}" --setup-timeout 1 \
	-- /probe echo ran >"$T/.out" 2>"$T/.err" </dev/null
RC=$? OUT=$(cat "$T/.out") ERR=$(cat "$T/.err")
leak_check
is_error_line "a netns helper that never answers ends at the setup timeout" \
	'netns-join.*setup timeout of 1s'

# A signal to sbx while the setup hangs: undone, 128+N, the command never runs.
for sig in INT TERM HUP; do
	SBXT_MARK=$MARK "$PROBE" sigdfl "$STALL" sethostname 30 "$SBX" "${MINI[@]}" -- /probe echo ran \
		>"$T/sig.out" 2>"$T/sig.err" </dev/null &
	bg=$!
	sbx_pid=
	for i in $(seq 50); do
		sbx_pid=$(pgrep -P "$bg" -x sbx) && [ -n "$(pgrep -P "$sbx_pid")" ] && break
		sleep 0.1
	done
	sleep 0.3 # the child is now held in the hostname step
	kill -"$sig" "$sbx_pid"
	wait "$bg"
	rc=$?
	want=$((128 + $(kill -l "$sig")))
	if [ "$rc" = "$want" ] && [ ! -s "$T/sig.out" ]; then
		ok "SIG$sig during the setup: exit $want, the command never ran"
	else
		not_ok "SIG$sig during the setup: exit $want, the command never ran"
		diag "exit $rc; stdout '$(cat "$T/sig.out")'; stderr '$(cat "$T/sig.err")'"
	fi
done
check_no_leftovers "setups ended by a signal or the setup timeout"

# The time limit counts from clone(): a setup that hangs past it is killed (137).
run_stalled "${MINI[@]}" --time-limit 1 -- /probe echo ran
is_rc 137 "the time limit ends a setup that hangs"
is "$OUT" "" "the command never ran past the time limit"
like "$ERR" 'time limit of 1s reached during setup' "sbx says the time limit ended the setup"

# A record torn in the middle (4 bytes) on the report pipe, then the command runs on: sbx
# stops the sandbox at once instead of waiting for the command to end.
CMD="stall --torn sethostname 0 sbx ..."
start=$(date +%s)
SBXT_MARK=$MARK timeout -k 3 20 "$STALL" --torn sethostname 0 "$SBX" "${MINI[@]}" "${NOINIT[@]}" \
	-- /probe sleep 15 >"$T/.out" 2>"$T/.err" </dev/null
RC=$? OUT=$(cat "$T/.out") ERR=$(grep -v '^stall:' "$T/.err")
leak_check
is_error_line "a torn report record ends the run with an error" 'bad report from the sandbox'
check "sbx did not wait for the command (15 s) after the torn record" test "$(($(date +%s) - start))" -lt 10

# --plan shows the setup timeout; 0 turns it off.
run --plan -- /bin/true
like "$OUT" 'supervise .*setup_timeout_ms=30000' "the plan shows the default setup timeout (30s)"
run --setup-timeout 0 --plan -- /bin/true
like "$OUT" 'supervise .*setup_timeout_ms=0' "--setup-timeout 0: no setup timeout"
run --setup-timeout x -- /bin/true
is_error_line "--setup-timeout takes a duration" 'setup-timeout'

check_no_leftovers
done_testing
