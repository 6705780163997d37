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

# 3. One table of names per kind of setting: each resource limit's name (SPEC.md's list) is
#    written once in src/, in the profile's name table, and everything else asks it
#    (profile_rlimit_name()), so a new limit can't be parsed under one name and shown under
#    another. src/sys/cgroup/layout.c holds the one table of cgroup controller names, where
#    "cpu" names a controller, not the limit.
dup=0
for n in as core cpu data fsize memlock msgqueue nice nofile nproc rtprio stack; do
	hits=$(grep -rn --include='*.[ch]' "\"$n\"" src | grep -v '^src/sys/cgroup/layout\.c:')
	if [ "$(printf '%s' "$hits" | grep -c .)" != 1 ]; then
		printf 'rlimit names: "%s" is written %s times in src/, not once:\n%s\n' "$n" \
			"$(printf '%s' "$hits" | grep -c .)" "$hits"
		dup=1
	fi
done
[ $dup = 0 ] && echo "rlimit names: ok" || bad=1

# 4. util/child-safe.h refuses what child code must not call (STYLE.md §7): for each name, a
#    file that includes what declares it, then util/child-safe.h, then uses it, must not
#    compile, because the name is poisoned; the same uses compile without the header, and the
#    header compiles without them. The list is this check's own, so a name dropped from the
#    header is caught too. _cleanup_free_ and freep come from util/cleanup.h, included first
#    as in sbx's files.
cs_names="malloc calloc realloc reallocarray free strdup strndup asprintf vasprintf
	printf fprintf dprintf sprintf snprintf vsnprintf perror strerror syslog
	exit atexit getpwnam getgrnam getpwuid getgrgid setenv putenv
	fopen fputs puts opendir realpath posix_memalign mnl_socket_open seccomp_load assert
	sbx_err_set sbx_err_errno freep _cleanup_free_"
cs_dir=$(mktemp -d /tmp/sbxt-tree-checks.XXXXXX) || exit 2 # sbxt-: the suite's own (lib.sh)
cs_cc() { # FILE: compile it as sbx's sources are; stderr to $cs_dir/err
	${CC:-cc} -std=gnu11 -D_GNU_SOURCE -Isrc -Wall -Wextra -Werror \
		$(${PKG_CONFIG:-pkg-config} --cflags libmnl libseccomp 2>/dev/null) \
		-fsyntax-only "$1" 2>"$cs_dir/err"
}
cs_use() { # NAME: one statement that uses it
	case $1 in
	assert) echo 'assert(1);' ;;
	_cleanup_free_) echo '_cleanup_free_ char *p = NULL; (void)p;' ;;
	*) echo "(void)$1;" ;;
	esac
}
cs_tu() { # CHILD_SAFE(0/1) STATEMENTS...
	printf '%s\n' '#include <assert.h>' '#include <dirent.h>' '#include <grp.h>' \
		'#include <pwd.h>' '#include <stdio.h>' '#include <stdlib.h>' '#include <string.h>' \
		'#include <syslog.h>' '#include <libmnl/libmnl.h>' '#include <seccomp.h>' \
		'#include "util/cleanup.h"' '#include "util/err.h"'
	[ "$1" = 1 ] && echo '#include "util/child-safe.h"'
	shift
	echo 'void child_code(void);'
	echo 'void child_code(void)'
	echo '{'
	for u in "$@"; do echo "	$u"; done
	echo '}'
}
cs_bad=0
all_uses=$(for n in $cs_names; do cs_use "$n"; done)
cs_tu 0 "$all_uses" >"$cs_dir/uses.c"
if ! cs_cc "$cs_dir/uses.c"; then
	echo "child-safe: the uses do not compile even without util/child-safe.h:"
	cat "$cs_dir/err"
	cs_bad=1
fi
cs_tu 1 >"$cs_dir/none.c"
if ! cs_cc "$cs_dir/none.c"; then
	echo "child-safe: a file that includes util/child-safe.h and uses nothing does not compile:"
	cat "$cs_dir/err"
	cs_bad=1
fi
for n in $cs_names; do
	cs_tu 1 "$(cs_use "$n")" >"$cs_dir/$n.c"
	if cs_cc "$cs_dir/$n.c"; then
		echo "child-safe: $n is allowed after util/child-safe.h"
		cs_bad=1
	elif ! grep -q "poisoned" "$cs_dir/err"; then
		echo "child-safe: $n is refused, but not as poisoned:"
		cat "$cs_dir/err"
		cs_bad=1
	fi
done
rm -rf "$cs_dir"
[ $cs_bad = 0 ] && echo "child-safe: ok" || bad=1
exit $bad
