#!/bin/sh
# tree-checks.sh — checks of the source tree itself, run by `make check` before the build.
#
# 1. Layering, STYLE.md §1: dependencies point down. A kernel subsystem under src/sys/
# includes only plan/plan.h, profile/profile.h, util/*, its own header and headers of its own
# folder; nothing under src/plan/ or src/profile/ reaches into src/run/. Prints each violation
# and exits 1 when there is one. Run by `make check`.
cd "$(dirname "$0")/.." || exit 2
bad=0
for f in $(find src/sys -name '*.[ch]' | sort); do
	dir=$(dirname "$f")
	own=${f%.[ch]}.h
	grep -n '#include "' "$f" | while IFS= read -r line; do
		inc=$(printf '%s' "$line" | sed 's/.*#include "\([^"]*\)".*/\1/')
		case $inc in
		plan/plan.h | profile/profile.h | util/*) continue ;;
		esac
		[ "src/$inc" = "$own" ] && continue
		[ "$dir" != src/sys ] && [ "$(dirname "src/$inc")" = "$dir" ] && continue
		echo "layering: $f:${line%%:*}: includes \"$inc\" (src/sys may include only plan/plan.h, profile/profile.h, util/* and its own folder)"
	done
done >layering.out
for f in $(find src/plan src/profile -name '*.[ch]' | sort); do
	grep -Hn '#include "run/' "$f" | sed 's/^/layering: /;s/$/ (plan and profile never include run\/)/'
done >>layering.out
[ -s layering.out ] && bad=1
cat layering.out
rm -f layering.out
[ $bad = 0 ] && echo "layering: ok"

# 2. Phase buckets, STYLE.md §6: no subsystem looks for (or emits) another's step kinds. A
#    subsystem (a file of src/sys, or a folder of it) may name only the kinds whose describer
#    (steps.def's fifth column) it defines.
all=$(sed -n 's/^STEP(\([A-Z_]*\),.*/STEP_\1/p' src/plan/steps.def)
for unit in $(find src/sys -maxdepth 1 -name '*.c' | sort) $(find src/sys -mindepth 1 -type d | sort); do
	files=$(find "$unit" -name '*.[ch]' | sort)
	describers=$(grep -ho '^void [a-z_]*_describe(' $files | sed 's/^void //;s/($//' | sort -u)
	own=$(for d in $describers; do
		sed -n "s/^STEP(\([A-Z_]*\),.*[ ,]$d,.*/STEP_\1/p" src/plan/steps.def
	done | sort -u)
	grep -Hno 'STEP_[A-Z_]*' $files | while IFS=: read -r f n kind; do
		printf '%s\n' "$all" | grep -qx "$kind" || continue # not a kind (STEP_ATTR_...)
		printf '%s\n' "$own" | grep -qx "$kind" && continue
		echo "buckets: $f:$n: names $kind, a step kind of another subsystem"
	done
done >buckets.out
[ -s buckets.out ] && bad=1
cat buckets.out
rm -f buckets.out
[ $bad = 0 ] && echo "buckets: ok"

# 3. A build without its Debian packages names `make deps` (a stand-in pkg-config that finds
#    nothing, and then a compiler that isn't there).
for v in PKG_CONFIG=false CC=/nonexistent/cc; do
	out=$(make -s --no-print-directory "$v" sbx 2>&1)
	if printf '%s' "$out" | grep -q "missing build dependencies.*run 'make deps' as root"; then
		echo "deps message ($v): ok"
	else
		echo "deps message ($v): the build did not say to run 'make deps': $out"
		bad=1
	fi
done
exit $bad
