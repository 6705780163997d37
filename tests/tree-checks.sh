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

# 2. A build without its Debian packages names `make deps` (a stand-in pkg-config that finds
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

# 3. One table of names per kind of setting: each resource limit's name (SPEC.md's list) is
#    written once in src/, in the profile's name table, and everything else asks it
#    (profile_rlimit_name()), so a new limit can't be parsed under one name and shown under
#    another.
dup=0
for n in as core cpu data fsize memlock msgqueue nice nofile nproc rtprio stack; do
	hits=$(grep -rn --include='*.[ch]' "\"$n\"" src)
	if [ "$(printf '%s' "$hits" | grep -c .)" != 1 ]; then
		printf 'rlimit names: "%s" is written %s times in src/, not once:\n%s\n' "$n" \
			"$(printf '%s' "$hits" | grep -c .)" "$hits"
		dup=1
	fi
done
[ $dup = 0 ] && echo "rlimit names: ok" || bad=1
exit $bad
