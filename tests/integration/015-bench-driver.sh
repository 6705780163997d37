#!/bin/bash
# 015-bench-driver.sh — the timing driver of `make bench` (bench/bench.c) and its syscall loop
# (bench/syscall-loop.c), so they can't rot unnoticed: the output format, failures counted
# apart, {n} and arguments with spaces, a file opened as a descriptor for every run, the time
# limit, the concurrency mode, usage errors. Never their numbers.
. "$(dirname "$0")/lib.sh"

: "${BENCH:=$TESTDIR/../../build/bench}"
if [ ! -x "$BENCH" ]; then
	not_ok "the bench driver is at $BENCH"
	diag "build it with: make build/bench"
	done_testing
fi

NUM='[0-9]+\.[0-9]{2}'
L=$T/launchers.tsv

# bench ARGS...: run the driver; sets OUT, ERR, RC like run() does for sbx.
bench() {
	CMD="bench $*"
	timeout -k 3 60 "$BENCH" "$@" >"$T/.out" 2>"$T/.err" </dev/null
	RC=$?
	OUT=$(cat "$T/.out")
	ERR=$(cat "$T/.err")
}

printf 'true\t/bin/true\n' >"$L"
bench -r 3 -w 1 "$L"
is_rc 0 "3 rounds of /bin/true: exit status 0"
like "$(sed -n 1p <<<"$OUT")" '^# bench: 1 launcher\(s\), 1 warm-up and 3 interleaved run\(s\) each$' \
	"the first line says what ran"
like "$(sed -n 2p <<<"$OUT")" \
	'^launcher +runs +failed +median_ms +min_ms +max_ms +rss_kib +first_failure$' "the header"
like "$(sed -n 3p <<<"$OUT")" "^true +3 +0 +$NUM +$NUM +$NUM +[0-9]+ +-$" \
	"one line per launcher: runs, failures, median, min, max, RSS"
is "$(wc -l <<<"$OUT")" 3 "nothing else on stdout"
is "$ERR" "" "nothing on stderr"

# A failing launcher is counted, left out of the figures, and its first reason shown. Tabs
# separate the arguments, so one may hold spaces; {n} is different in every run.
{
	printf '# a comment, then an empty line\n\n'
	printf 'true\t/bin/true\n'
	printf 'false\t/bin/false\n'
	printf 'spaces\t/bin/sh\t-c\ttest "$1" = "a b"\tsh\ta b\n'
	printf 'tag\t/bin/sh\t-c\techo "$1" >>%s/tags\tsh\tid-{n}\n' "$T"
	printf 'missing\t/nonexistent/launcher\n'
} >"$L"
bench -r 3 -w 0 "$L"
is_rc 1 "a failing launcher: exit status 1"
like "$OUT" "^true +3 +0 +$NUM" "the others still run"
like "$OUT" 'false +3 +3 +- +- +- +- +exit=1' "a failing run is counted, with its exit status"
like "$OUT" "spaces +3 +0 +$NUM" "an argument may contain spaces"
like "$OUT" 'missing +3 +3 +- +- +- +- +spawn=ENOENT' "a launcher that can't start"
is "$(sort -u "$T/tags" | grep -c '^id-[0-9]*-[0-9]*$')" 3 "{n} is replaced, differently in each run"

# <N=PATH: PATH is opened afresh for every run, so each reads it from the start (bwrap's
# --seccomp 9 reads its filter so).
echo hello >"$T/input"
printf 'fd\t<9=%s\t/bin/sh\t-c\tread -r x <&9 && test "$x" = hello && echo ok >>%s/fd-runs\n' \
	"$T/input" "$T" >"$L"
bench -r 3 -w 1 "$L"
is_rc 0 "<9=PATH: exit status 0"
like "$OUT" "^fd +3 +0 +$NUM" "<9=PATH: every run reads PATH on descriptor 9"
is "$(grep -c '^ok$' "$T/fd-runs")" 4 "each run, the warm-up too, reads it from the start"
printf 'fd\t<2=%s\t/bin/true\n' "$T/input" >"$L"
bench "$L"
like "$RC:$ERR" '^2:bench: .*launchers.tsv:1: want LABEL' "<N=PATH: N below 3 is refused"
printf 'fd\t<9=%s\t/bin/true\n' "$T/nonexistent" >"$L"
bench -r 2 -w 0 "$L"
is_rc 1 "<N=PATH: a missing PATH: exit status 1"
like "$OUT" '^fd +2 +2 +- +- +- +- +spawn=ENOENT' "<N=PATH: a missing PATH fails the runs"

printf 'slow\t/bin/sleep\t5\n' >"$L"
bench -r 1 -w 0 -t 1 "$L"
like "$OUT" 'slow +1 +1 +- +- +- +- +timeout' "a run past the time limit is killed and counted"

# Concurrency: COPIES at once, one line.
printf 'first\t/bin/true\nsecond\t/bin/false\n' >"$L"
bench -c 5 "$L"
is_rc 0 "concurrency: exit status 0"
like "$OUT" "^concurrent launcher=first copies=5 wall_ms=$NUM failed=0 first_failure=-$" \
	"concurrency: the first launcher by default, one line"
bench -c 3 -l second "$L"
like "$RC:$OUT" "^1:concurrent launcher=second copies=3 wall_ms=$NUM failed=3 first_failure=exit=1$" \
	"concurrency: -l picks a launcher; failures are counted"

# Usage errors: exit status 2 and a message.
printf 'no command\n' >"$L"
bench "$L"
like "$RC:$ERR" '^2:bench: .*launchers.tsv:1: want LABEL' "a line without a command"
bench -r 0 "$L"
is "$RC" 2 "-r 0 is refused"
bench "$T/nonexistent"
like "$RC:$ERR" '^2:bench: .*No such file' "a missing file"

# The syscall loop: its one line, and a usage error.
: "${LOOP:=$TESTDIR/../../build/syscall-loop}"
if [ -x "$LOOP" ]; then
	CMD="syscall-loop 1000 100"
	OUT=$("$LOOP" 1000 100 2>&1)
	RC=$?
	like "$RC:$OUT" '^0:getppid_ns=[0-9]+\.[0-9] open_close_ns=[0-9]+\.[0-9]$' \
		"syscall-loop: one line with the time of a getppid and of an open and close"
	OUT=$("$LOOP" 0 2>&1)
	like "$?:$OUT" '^2:usage: syscall-loop' "syscall-loop: a count of 0 is a usage error"
else
	not_ok "the syscall loop is at $LOOP"
	diag "build it with: make build/syscall-loop"
fi

check_no_leftovers "the bench driver"
done_testing
