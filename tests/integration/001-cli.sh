#!/bin/bash
# 001-cli.sh — the command line: --version, --help, --check, --plan (text, json), -v, -q,
# profile lookup by name and include, --set.
. "$(dirname "$0")/lib.sh"
require_userns

run --version
is_rc 0 "--version exits 0"
like "$OUT" '[0-9]+\.[0-9]+' "--version prints a version number"

run --help
is_rc 0 "--help exits 0"
like "$OUT$ERR" '--profile' "--help mentions --profile"

run --check --profile "$PROFILES/mini.cfg"
is_rc 0 "--check of a valid profile exits 0"
is "$OUT" ok "--check of a valid profile prints ok"

run --check
is "$RC:$OUT" "0:ok" "--check of the built-in default profile prints ok"

# --check lists every error, each with FILE:LINE, and exits 1.
printf 'hostname = 5;\nbogus = "x";\nprocess = { cwd = "relative"; };\n' >"$T/broken.cfg"
run --check --profile "$T/broken.cfg"
is_rc 1 "--check of an invalid profile exits 1"
like "$OUT$ERR" 'broken\.cfg:1: error: ' "--check names the first error's line"
like "$OUT$ERR" 'broken\.cfg:2: error: ' "--check goes on to the next error"

# --plan must not run anything: the command would create a file in a rw bind.
mkdir "$T/plan"
chmod 0777 "$T/plan" # the real run below writes as the sandbox's ids (for root: not root)
run --plan "${MINI[@]}" --bind "$T/plan" -- /probe write "$T/plan/ran" yes
is_rc 0 "--plan exits 0"
like "$OUT" 'exec' "--plan lists the exec step"
like "$OUT" "$T/plan" "--plan shows the bind mount"
is "$(ls "$T/plan")" "" "--plan runs nothing"
plan1=$OUT
run --plan "${MINI[@]}" --bind "$T/plan" -- /probe write "$T/plan/ran" yes
is "$OUT" "$plan1" "--plan is deterministic"

run --plan=text "${MINI[@]}" --bind "$T/plan" -- /probe write "$T/plan/ran" yes
is "$OUT" "$plan1" "--plan=text is --plan"

run --plan=json "${MINI[@]}" --bind "$T/plan" -- /probe write "$T/plan/ran" yes
is_rc 0 "--plan=json exits 0"
if "$PY" -m json.tool <<<"$OUT" >/dev/null 2>"$T/json.err"; then
	ok "--plan=json prints valid JSON"
else
	not_ok "--plan=json prints valid JSON"
	diag "$(cat "$T/json.err")"
	diag "$(head -c 1500 <<<"$OUT")"
fi
is "$(ls "$T/plan")" "" "--plan=json runs nothing"
# The step names the JSON plan lists, in order (for the -v check below).
json_steps=$("$PY" -c '
import json, sys
plan = json.load(sys.stdin)
steps = plan["steps"] if isinstance(plan, dict) else plan
print("\n".join(s.get("step", s.get("name", "?")) for s in steps))' <<<"$OUT" 2>/dev/null)
text_steps=$(grep -c -v -e '^#' -e '^$' <<<"$plan1")
is "$(grep -c . <<<"$json_steps")" "$text_steps" "--plan=json and --plan list the same number of steps"

# A real run does what the plan said.
run "${MINI[@]}" --bind "$T/plan" -- /probe write "$T/plan/ran" yes
is "$RC:$(cat "$T/plan/ran" 2>/dev/null)" "0:yes" "the same command without --plan runs"

# -v logs every step with its duration; -q prints nothing on success.
run -v "${MINI[@]}" -- /probe exit 0
is_rc 0 "-v run exits 0"
missing=""
for s in $json_steps; do
	case $s in exec | supervise) continue ;; esac
	grep -q -- "$s" <<<"$ERR" || missing="$missing $s"
done
is "$missing" "" "-v logs each step of the plan by name"
n_timed=$(grep -Ec '[0-9](\.[0-9]+)? ?(ns|us|µs|ms|s)\b' <<<"$ERR")
if [ "$n_timed" -ge 5 ]; then
	ok "-v logs durations"
else
	not_ok "-v logs durations"
	diag "only $n_timed stderr lines with a duration"
	show_run
fi
is "$OUT" "" "-v logs to stderr, not stdout"

# -v logs every step of the plan, init included (pid 1 never returns from it: the command it
# started reports it), each line the --plan line after its duration: number, side, arguments
# and the "# FILE:LINE" behind it. The default profile has an init.
run --plan "${PB[@]}" -- /probe exit 0
plan_lines=$(tail -n +2 <<<"$OUT")
run -v "${PB[@]}" -- /probe exit 0
is_rc 0 "-v run on the default profile exits 0"
v_lines=$(sed -E 's/^sbx: \[ *[0-9]+\.[0-9]{3} ms\] //' <<<"$ERR")
is "$v_lines" "$plan_lines" "-v logs each --plan line, in order, after its duration"
like "$ERR" '^sbx: \[ *[0-9.]+ ms\] +[0-9]+ child  init ' "-v logs the init step"
like "$ERR" ' symlink dst=/bin target=usr/bin  # builtin:default\.cfg:[0-9]+$' \
	"-v lines carry the # FILE:LINE of --plan"

# --stats comes last, after the supervise step's -v line.
run -v --stats "${PB[@]}" -- /probe exit 0
like "$(tail -n 2 <<<"$ERR" | head -n 1)" ' parent supervise ' "-v --stats: the supervise line..."
like "$(tail -n 1 <<<"$ERR")" '^sbx: stats: wall ' "... is followed by the stats"

run -q "${MINI[@]}" -- /probe exit 0
is "$RC:$ERR" "0:" "-q prints nothing on success"
run -q --check --profile "$PROFILES/mini.cfg"
is "$RC:$OUT:$ERR" "0::" "-q --check prints nothing for a valid profile"
run -q --check --profile "$T/broken.cfg"
is_rc 1 "-q --check of an invalid profile exits 1"
like "$ERR" 'broken\.cfg:1: error: ' "-q --check still prints the errors"

# --stats: wall, user and system time and peak memory on stderr.
run --stats "${MINI[@]}" -- /probe exit 0
is_rc 0 "--stats run exits 0"
like "$ERR" 'wall' "--stats prints the wall time"
like "$ERR" 'user' "--stats prints the user time"
like "$ERR" 'sys' "--stats prints the system time"
like "$ERR" '(mem|rss|RSS)' "--stats prints the peak memory"

# Profiles by name (SBX_PROFILE_PATH), include by name, stacking, --set and shortcuts.
run_env SBX_PROFILE_PATH="$T/none:$PROFILES" -- --profile include "${PB[@]}" -- /probe hostname
is "$RC:$OUT" "0:included" "--profile NAME is found in SBX_PROFILE_PATH, its include too"

run "${MINI[@]}" --profile "$PROFILES/uts.cfg" -- /probe hostname
is "$OUT" sbx-uts "a later --profile overrides an earlier one"

run "${MINI[@]}" --set hostname=from-set -- /probe hostname
is "$OUT" from-set "--set overrides the profile"

run "${MINI[@]}" --set hostname=from-set --hostname from-cli -- /probe hostname
like "$OUT" '^from-(set|cli)$' "--hostname and --set both apply"

run "${MINI[@]}" --cwd /proc -- /probe cwd
is "$OUT" /proc "--cwd sets the working directory"

run "${MINI[@]}" --set process.cwd=/proc -- /probe cwd
is "$OUT" /proc "--set process.cwd sets the working directory"

run "${MINI[@]}" --tmpfs /scratch -- /probe write /scratch/f x
is "$RC:$OUT" "0:ok" "--tmpfs adds a writable tmpfs"

run "${MINI[@]}" --set 'process.umask="0027"' -- /probe umask
is "$OUT" 0027 "process.umask sets the umask"

# Only fds 0-2 reach the command: a descriptor the caller leaked (not close-on-exec) is closed.
exec 7</dev/null
run "${MINI[@]}" -- /probe ls /proc/self/fd
exec 7<&-
is "$(tr '\n' ' ' <<<"$OUT")" "0 1 2 3 " "a leaked fd 7 does not reach the command (3 is the probe's listing)"

check_no_leftovers "the CLI runs"
done_testing
