#!/bin/bash
# 002-exit.sh — exit statuses: the command's own, 128+N on a signal, 125 when sbx fails, 126
# not executable, 127 not found, 137 on the time limit.
. "$(dirname "$0")/lib.sh"
require_userns

run "${MINI[@]}" -- /probe exit 0
is_rc 0 "exit 0 passes through"
run "${MINI[@]}" -- /probe exit 3
is_rc 3 "exit 3 passes through"
run "${MINI[@]}" -- /probe exit 255
is_rc 255 "exit 255 passes through"
run "${MINI[@]}" --profile "$PROFILES/noinit.cfg" -- /probe exit 5
is_rc 5 "exit 5 passes through without an init"

run "${MINI[@]}" -- /probe kill-self TERM
is_rc 143 "killed by SIGTERM -> 143"
run "${MINI[@]}" -- /probe kill-self USR1
is_rc 138 "killed by SIGUSR1 -> 138"
run "${MINI[@]}" -- /probe crash
is_rc 139 "a segfault -> 139"
# (kill-self would not do here: pid 1 of a namespace ignores its own default-action signals)
run "${MINI[@]}" --profile "$PROFILES/noinit.cfg" -- /probe crash
is_rc 139 "a segfault without an init -> 139"

# 125: sbx itself fails, with one clear line.
printf 'hostname = "a";\nfilesystem = {\n  root = tmpfs;\n};\n' >"$T/bad.cfg"
run --profile "$T/bad.cfg" -- /probe exit 0
is_error_line "a profile syntax error -> 125, one line naming FILE:LINE" "bad\.cfg:3"

printf 'hostname = "a";\nbogus_key = 1;\n' >"$T/unknown.cfg"
run --profile "$T/unknown.cfg" -- /probe exit 0
is_error_line "an unknown key -> 125, one line naming FILE:LINE" "unknown\.cfg:2"

run --profile "$T/does-not-exist.cfg" -- /probe exit 0
is_error_line "a missing profile file -> 125" "does-not-exist"

run "${MINI[@]}" --ro-bind "$T/missing-src:/data" -- /probe exit 0
is_error_line "a missing bind source -> 125, naming the source" "missing-src"

cat >"$T/missing.cfg" <<CFG
filesystem = {
  mounts = (
    { type = "bind";
      src = "$T/missing-too"; dst = "/data"; }
  );
};
CFG
run "${MINI[@]}" --profile "$T/missing.cfg" -- /probe exit 0
is_error_line "a missing bind source in a profile -> 125, naming its line" "missing\.cfg:4"

run "${MINI[@]}" --set no.such.key=1 -- /probe exit 0
is_error_line "--set of an unknown key -> 125" "no\.such\.key|--set"

# 126: exists but can't be executed.
printf 'not a program\n' >"$T/notexec"
chmod 0644 "$T/notexec"
run "${MINI[@]}" --ro-bind "$T/notexec:/notexec" -- /notexec
is_rc 126 "a non-executable file -> 126"
like "$ERR" 'notexec' "the 126 message names the command"
run "${MINI[@]}" -- /proc
is_rc 126 "a directory as command -> 126"

# 127: not there.
run "${MINI[@]}" -- /no/such/command
is_rc 127 "a missing absolute command -> 127"
like "$ERR" 'no/such/command' "the 127 message names the command"
run "${MINI[@]}" -- no-such-command-sbxt
is_rc 127 "a command not found in PATH -> 127"
# The host has /bin/true, the empty root has not: the lookup happens inside.
run "${MINI[@]}" -- /bin/true
is_rc 127 "a command only on the host -> 127"

# 137: the time limit kills with SIGKILL.
start=$(date +%s%N)
run "${MINI[@]}" --time-limit 1 -- /probe sleep 10
elapsed=$((($(date +%s%N) - start) / 1000000))
is_rc 137 "--time-limit 1 on a 10 s sleep -> 137"
if [ "$elapsed" -lt 4000 ]; then
	ok "the time limit struck in time (${elapsed} ms)"
else
	not_ok "the time limit struck in time (${elapsed} ms)"
fi
run "${MINI[@]}" --time-limit 1 -- /probe trap TERM
is_rc 137 "a command trapping SIGTERM still gets 137 on the time limit"
run "${MINI[@]}" --set process.time_limit=1s -- /probe sleep 10
is_rc 137 "process.time_limit=1s -> 137"
run "${MINI[@]}" --time-limit 5 -- /probe exit 4
is_rc 4 "a command ending before its time limit keeps its status"

check_no_leftovers "the exit status runs"
done_testing
