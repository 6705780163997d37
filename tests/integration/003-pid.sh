#!/bin/bash
# 003-pid.sh — the pid namespace: pid 1 is sbx's init, the command is its child, and /proc
# shows the sandbox's processes only.
. "$(dirname "$0")/lib.sh"
require_userns

# A host process the sandbox must not see.
"$PROBE" sleep 30 "$MARK-host" &
host_pid=$!

run "${MINI[@]}" -- /probe ppid
is "$RC:$OUT" "0:1" "the command's parent is pid 1 (the init)"
run "${MINI[@]}" -- /probe pid
isnt "$OUT" 1 "the command is not pid 1 itself"

run "${MINI[@]}" -- /probe cat /proc/1/comm
unlike "$OUT" '^probe$' "pid 1 is not the command"
like "$OUT" '^(sbx|init)' "pid 1 is sbx's init"

run "${MINI[@]}" -- /probe procs
is "$(grep -c . <<<"$OUT")" 2 "/proc lists two processes: the init and the command"
like "$OUT" '^[0-9]+ probe$' "/proc lists the command"
unlike "$OUT" "^$host_pid " "a host pid is not listed"

run "${MINI[@]}" -- /probe stat "/proc/$host_pid"
is "$OUT" ENOENT "/proc/<host pid> does not exist inside"
run "${MINI[@]}" -- /probe cat /proc/self/status
like "$OUT" $'^NSpid:\t[0-9]+$' "/proc is the sandbox's own procfs (NSpid has one level)"

run "${MINI[@]}" --profile "$PROFILES/noinit.cfg" -- /probe pid
is "$RC:$OUT" "0:1" "with process.init = false the command is pid 1"
run "${MINI[@]}" --profile "$PROFILES/noinit.cfg" -- /probe procs
is "$(grep -c . <<<"$OUT")" 1 "with process.init = false /proc lists the command alone"

# The init reaps orphans: a grandchild that exits while its parent lives on must not stay a
# zombie. A subshell starts /bin/true in the background and exits; the init inherits it.
run "${PB[@]}" -- /bin/sh -c '(/bin/true &); sleep 0.5; /probe procs'
is "$RC" 0 "a shell leaving an orphan behind runs"
unlike "$OUT" ' true$' "the init reaps an orphaned child (no zombie left)"

# sbx returns once the command has ended. With nothing else left in the sandbox, init reports
# the status at once and the kernel tears the namespaces down after; with a process left, sbx
# returns only when init's exit has killed it. Either way nothing of the sandbox runs when sbx
# has returned: checked at once, before run()'s leak check (which waits a little), and with
# die_with_parent off, whose SIGKILL to init at sbx's exit would otherwise hide a sandbox that
# outlived sbx.
nodie=(--set process.die_with_parent=false)
CMD="sbx ${PB[*]} ${nodie[*]} -- /bin/sh -c '/probe sleep 30 $MARK-bg & exit 3'"
SBXT_MARK=$MARK timeout -k 3 20 "$SBX" "${PB[@]}" "${nodie[@]}" \
	-- /bin/sh -c "/probe sleep 30 $MARK-bg & exit 3" >"$T/.out" 2>"$T/.err" </dev/null
RC=$?
left=$(pgrep -f -- "$MARK-bg")
OUT=$(cat "$T/.out") ERR=$(cat "$T/.err")
is "$RC:$left" "3:" "a process the command left behind is gone when sbx returns"
leak_check
run "${PB[@]}" "${nodie[@]}" -- /bin/sh -c "exec /probe sleep 1 $MARK-fg"
left=$(pgrep -f -- "$MARK-fg")
is "$RC:$left" "0:" "the command is gone when sbx returns"

# The kernel-global parts of /proc are read-only or masked.
run "${MINI[@]}" -- /probe write /proc/sys/kernel/hostname evil
is "$OUT" EROFS "/proc/sys is read-only"
if [ -e /proc/sysrq-trigger ]; then
	run "${MINI[@]}" -- /probe write /proc/sysrq-trigger h
	is "$OUT" EROFS "/proc/sysrq-trigger is read-only"
else
	run "${MINI[@]}" -- /probe cat /proc/sysrq-trigger
	like "$OUT" ENOENT "/proc/sysrq-trigger: absent on this kernel, and absent inside"
fi
run "${MINI[@]}" -- /probe cat /proc/self/mountinfo
for f in kcore keys timer_list kallsyms; do
	if [ -e "/proc/$f" ]; then
		like "$OUT" "^[0-9]+ [0-9]+ [0-9:]+ [^ ]+ /proc/$f " "/proc/$f is masked"
	else
		unlike "$OUT" " /proc/$f " "/proc/$f: absent on this kernel, so nothing to mask"
	fi
done
# A masked file reads empty and can't be written; a masked directory is empty and read-only.
if [ -e /proc/keys ]; then
	run "${MINI[@]}" -- /probe cat /proc/keys
	is "$RC:$OUT" "0:" "/proc/keys reads empty"
	run "${MINI[@]}" -- /probe write /proc/keys x
	like "$OUT" '^(EROFS|EACCES)$' "/proc/keys can't be written"
fi
if [ -d /proc/acpi ]; then
	run "${MINI[@]}" -- /probe ls /proc/acpi
	is "$RC:$OUT" "0:" "/proc/acpi is an empty directory"
	run "${MINI[@]}" -- /probe mkdir /proc/acpi/x
	is "$OUT" EROFS "/proc/acpi is read-only"
fi

kill "$host_pid" 2>/dev/null
wait "$host_pid" 2>/dev/null
check_no_leftovers "the pid namespace runs"
done_testing
