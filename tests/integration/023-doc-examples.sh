#!/bin/bash
# 023-doc-examples.sh — the examples of README.md, man/sbx.1 and man/sbx.cfg.5 run as written
# and print what the docs show; --help and sbx(1) list the same options; real plans keep the
# step order sbx(1) gives. doc-examples.py does the work: its header explains what counts as
# an example and the notation of the comments (<!-- doc-example: ... -->, .\" doc-example:)
# that set one up, or mark one not run with the reason.
#
# As root, the examples a doc shows for an ordinary user run as 65534, and "$ sudo" ones as
# root; as a user, the "$ sudo" ones are listed as run by root only.
. "$(dirname "$0")/lib.sh"
require_userns

REPO=$(cd "$TESTDIR/../.." && pwd)
for f in README.md man/sbx.1 man/sbx.cfg.5; do
	[ -f "$REPO/$f" ] || skip_all "no $f next to the tests"
done

mkdir -p "$T/docs"
SBXT_MARK=$MARK "$PY" "$TESTDIR/doc-examples.py" --repo "$REPO" --sbx "$SBX" --work "$T/docs" \
	>"$T/docex.out" 2>&1 </dev/null
rc=$?
while IFS= read -r line; do
	case $line in
	"ok - "*) ok "${line#ok - }" ;;
	"not ok - "*) not_ok "${line#not ok - }" ;;
	"#"*) echo "$line" ;;
	*) echo "# $line" ;;
	esac
done <"$T/docex.out"
if [ "$rc" != 0 ] && [ "$TAP_FAILED" = 0 ]; then
	not_ok "doc-examples.py ran to the end"
	diag "exit status $rc"
fi
check_no_leftovers "the docs' examples"
done_testing
