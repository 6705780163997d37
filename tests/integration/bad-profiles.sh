#!/bin/bash
# bad-profiles.sh — every malformed or hostile profile in tests/unit/data/bad/ is refused
# cleanly by the real binary: `sbx --check` exits 1 and names FILE:LINE, a run exits 125 with
# one line `sbx: error: ... FILE:LINE ...`, and nothing crashes (also under ASan+UBSan).
#
#   SBX=$PWD/sbx tests/integration/bad-profiles.sh
#
# Each corpus file starts with `# expect: LINE [TEXT]`: the line its first error must name.
# TAP output, then one line "N passed, N failed"; exits 1 if anything failed.
set -u

here=$(cd "$(dirname "$0")" && pwd)
corpus=$(cd "$here/../unit/data/bad" && pwd) || exit 2
SBX=${SBX:-$here/../../sbx}
case $SBX in /*) ;; */*) SBX=$PWD/$SBX ;; esac
TIMEOUT=${TIMEOUT:-30}

if [ ! -x "$SBX" ]; then
	echo "bad-profiles.sh: $SBX is missing; run 'make sbx'" >&2
	exit 2
fi

files=("$corpus"/*.cfg)
n=0 passed=0 failed=0
echo "1..$((2 * ${#files[@]}))"

ok() {
	n=$((n + 1)) passed=$((passed + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1)) failed=$((failed + 1))
	echo "not ok $n - $1"
	shift
	for line in "$@"; do
		printf '#   %s\n' "$line"
	done
}

for f in "${files[@]}"; do
	name=${f##*/}
	line=$(sed -n '1s/^# expect: \([0-9][0-9]*\).*/\1/p' "$f")
	if [ -z "$line" ]; then
		not_ok "$name: --check" "no '# expect: LINE' on its first line"
		not_ok "$name: run" "no '# expect: LINE' on its first line"
		continue
	fi

	out=$(timeout "$TIMEOUT" "$SBX" --check --profile "$f" 2>&1)
	rc=$?
	if [ "$rc" = 1 ] && [[ $out == *"$f:$line: error: "* ]]; then
		ok "$name: --check exits 1 naming line $line"
	else
		not_ok "$name: --check exits 1 naming line $line" "exit status $rc, output:" \
			"$(printf '%s\n' "$out" | head -5)"
	fi

	err=$(timeout "$TIMEOUT" "$SBX" --profile "$f" -- /bin/true 2>&1 >/dev/null)
	rc=$?
	first=$(printf '%s\n' "$err" | head -1)
	if [ "$rc" = 125 ] && [[ $first == "sbx: error: "* ]] && [[ $first == *"$f:$line"* ]]; then
		ok "$name: a run exits 125 with 'sbx: error: ...:$line'"
	else
		not_ok "$name: a run exits 125 with 'sbx: error: ...:$line'" "exit status $rc, stderr:" \
			"$(printf '%s\n' "$err" | head -5)"
	fi
done

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
