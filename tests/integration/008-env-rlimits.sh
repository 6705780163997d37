#!/bin/bash
# 008-env-rlimits.sh — the environment (clear, keep, set, --env) and rlimits.
. "$(dirname "$0")/lib.sh"
require_userns

run_env SBXT_SECRET=leak -- "${MINI[@]}" -- /probe env
is "$RC:$OUT" "0:" "mini.cfg (clear by default, nothing kept or set): an empty environment"

run_env SBXT_SECRET=leak SBXT_KEEP=kept -- "${MINI[@]}" --profile "$PROFILES/env.cfg" -- /probe env
is "$(sort <<<"$OUT" | tr '\n' ';')" "GREETING=hello world;SBXT_KEEP=kept;" \
	"clear + keep + set: exactly the kept and the set variables"

run_env SBXT_SECRET=leak -- "${MINI[@]}" --profile "$PROFILES/env.cfg" -- /probe getenv SBXT_KEEP
is "$OUT" "(unset)" "a kept variable the caller doesn't have stays unset"

run_env SBXT_SECRET=leak -- "${MINI[@]}" --env A=1 --env 'B=two words' -- /probe env
is "$(sort <<<"$OUT" | tr '\n' ';')" "A=1;B=two words;" "--env sets variables"

run "${MINI[@]}" --profile "$PROFILES/env.cfg" --env GREETING=bye -- /probe getenv GREETING
is "$OUT" bye "--env overrides the profile's set"

run_env SBXT_SECRET=leak -- "${MINI[@]}" --set env.clear=false -- /probe getenv SBXT_SECRET
is "$OUT" leak "env.clear = false passes the caller's environment"

run_env SBXT_SECRET=leak -- "${PB[@]}" -- /probe env
like "$OUT" '^PATH=' "the default profile sets PATH"
unlike "$OUT" 'SBXT_SECRET' "the default profile clears the rest"

# rlimits, as the kernel shows them in /proc/self/limits.
R=("${MINI[@]}" --profile "$PROFILES/rlimits.cfg")
run "${R[@]}" -- /probe limits
is_rc 0 "a run with rlimits succeeds"
like "$OUT" '^Max open files +123 +123 ' "nofile = 123"
like "$OUT" '^Max core file size +0 +0 ' "core = 0"
like "$OUT" '^Max file size +1048576 +1048576 ' 'fsize = "1M"'
like "$OUT" '^Max cpu time +120 +120 ' 'cpu = "2m"'
host_stack=$(awk '/^Max stack size/ { print $4, $5 }' /proc/self/limits)
like "$OUT" "^Max stack size +$(sed 's/ / +/' <<<"$host_stack") " 'stack = "inherit" keeps the caller'"'"'s'
run "${R[@]}" -- /probe rlimit nofile
is "$OUT" "123 123" "getrlimit agrees"
run "${MINI[@]}" --set rlimits.nofile=77 -- /probe rlimit nofile
is "$OUT" "77 77" "--set rlimits.nofile"

check_no_leftovers "the env and rlimit runs"
done_testing
