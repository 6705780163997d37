#!/bin/bash
# 025-cli-usage.sh — what a newcomer types wrong on the command line gets one clear line and
# exit 125 (SPEC.md §1): unknown and abbreviated options, an optional argument written as a
# separate word; --check names a bad option as typed, in the format of a profile's errors; --env
# checks its names as variable names; a command not found in an empty root says why.
. "$(dirname "$0")/lib.sh"
require_userns

# Unknown options: one line "sbx: error: ...", exit 125, pointing to --help and the man page.
run --bogus -- /bin/true
is_error_line "an unknown option is one error line, exit 125" "unknown option '--bogus'"
like "$ERR" "sbx --help.*sbx\(1\)" "the unknown-option error points to --help and sbx(1)"
run -x -- /bin/true
is_error_line "an unknown short option is one error line" "unknown option '-x'"

# Long options are never abbreviated: --pla is no --plan, and the error names the full option.
run --pla=json "${MINI[@]}" -- /probe exit 0
is_error_line "an abbreviated long option is an unknown option naming the full one" \
	"unknown option '--pla' .*--plan"
is "$OUT" "" "an abbreviated --plan prints no plan"
run --verb "${MINI[@]}" -- /probe exit 0
is_error_line "--verb is not --verbose" "unknown option '--verb'.*--verbose"

# An optional argument goes with '=': "--plan json" would plan a command named json.
run --plan json -- /bin/true
is_error_line "--plan json is an error" "--plan=json"
is "$OUT" "" "--plan json prints no plan"
run --plan text "${MINI[@]}" -- /probe exit 0
is_error_line "--plan text is an error too" "--plan=text"
run --plan -- json
is_rc 0 "--plan -- json plans a command named json"
like "$OUT" 'exec argv=json' "--plan -- json: the command is json"
run --plan=bogus -- /bin/true
is_error_line "--plan=bogus is a usage error" "--plan=bogus.*text, json or bpf"

# Missing or unwanted option arguments.
run --profile
is_error_line "--profile without its argument" "option '--profile' needs an argument"
run --check=yes
is_error_line "--check=yes" "option '--check' takes no argument"

# --check: errors that come from command-line options have the format of the others, with
# the option as typed in place of FILE:LINE.
printf 'hostname = 5;\n' >"$T/bad.cfg"
run --check --profile "$T/bad.cfg" --set colour=red --bind "$T/none:/x" --cwd rel --set foo
is_rc 1 "--check with bad options exits 1"
is "$ERR" "$T/bad.cfg:1: error: hostname: must be a string
--set colour=red: error: colour: unknown setting
--cwd rel: error: process.cwd: \"rel\" is not an absolute path
--set foo: error: expected KEY=VALUE
--bind $T/none:/x: error: bind source $T/none: No such file or directory" \
	"--check names each option as typed, in the format of a profile's errors"
run --profile "$T/none.cfg" --check
is "$RC:$ERR" "1:$T/none.cfg: error: No such file or directory" \
	"--check: a missing profile file in the same format"
# A run says it in its one line, the option in place of FILE:LINE.
run "${MINI[@]}" --bind "$T/none" -- /probe exit 0
is_error_line "a run names the --bind as typed" "--bind $T/none: bind source $T/none: "

# --env: the error quotes the argument as typed, and the name is checked as a variable name
# ('-' is none, '.' no dotted key, no leading digit).
run --check --env 1X=y --env A-B=1 --env A.B=1 --env NOVALUE --env =1
is_rc 1 "--check with bad --env names exits 1"
is "$ERR" '--env 1X=y: error: "1X" is not a variable name --env can set (a letter, then letters, digits and _)
--env A-B=1: error: "A-B" is not a variable name --env can set (a letter, then letters, digits and _)
--env A.B=1: error: "A.B" is not a variable name --env can set (a letter, then letters, digits and _)
--env NOVALUE: error: expected NAME=VALUE
--env =1: error: expected NAME=VALUE' "--env errors quote the argument as typed and check the name"
run "${MINI[@]}" --env A-B=1 -- /probe exit 0
is_error_line "a run with a bad --env name: one error line" '--env A-B=1: "A-B" is not a variable name'
run "${MINI[@]}" --env 'X_1=a=b "c" \d' --env=EMPTY= -- /probe env
like "$OUT" '^X_1=a=b "c" \\d$' "--env takes the value literally, '=' and quotes included"
like "$OUT" '^EMPTY=$' "--env=NAME= sets an empty value"

# A profile with no mounts has an empty root: a command not found there says so, and how to
# build on the default profile. A root with something in it gets the plain message.
printf 'name = "empty";\n' >"$T/empty.cfg"
run --profile "$T/empty.cfg" -- /bin/true
is_rc 127 "a command in an empty root is not found: 127"
like "$ERR" '^sbx: error: /bin/true: command not found in the sandbox \(its root is empty: the profile has no mounts; add include = \[ "default" \]; to build on the default profile\)$' \
	"not found in an empty root: says the root is empty and suggests including default"
run --profile "$T/empty.cfg" --tmpfs /scratch -- /bin/true
is "$RC:$ERR" "127:sbx: error: /bin/true: command not found in the sandbox" \
	"not found in a root with a mount: the plain message"

check_no_leftovers "the usage errors"
done_testing
