#!/bin/bash
# 026-source-profiles.sh — profile names from a built source tree: sbx run as TREE/sbx or
# TREE/build/sbx finds TREE/profiles/NAME.cfg after the search path, never for "default", and
# only when the tree is its owner's alone; a name found nowhere lists the directories searched.
. "$(dirname "$0")/lib.sh"
require_userns

# A tree laid out like a checkout: src/main.c, profiles/, sbx and build/sbx; this user's own.
tree=$T/tree
mkdir -p "$tree/src" "$tree/profiles" "$tree/build"
: >"$tree/src/main.c"
cp "$SBX" "$tree/sbx"
cp "$SBX" "$tree/build/sbx"
chmod 0755 "$tree" "$tree/profiles"
printf 'include = [ "default" ];\nhostname = "from-tree";\n' >"$tree/profiles/sbxt-tree.cfg"
printf 'hostname = "tree-default";\n' >"$tree/profiles/default.cfg"
printf 'hostname = "from-xdg";\n' >"$T/sbxt-xdg.cfg"
mkdir -p "$T/xdg/sbx/profiles"
ENVS=(XDG_CONFIG_HOME="$T/xdg" SBX_PROFILE_PATH=)

# run_as BINARY ARGS...: run another copy of sbx (sets OUT, ERR, RC).
run_as() {
	local bin=$1
	shift
	CMD="$bin $*"
	env "${ENVS[@]}" SBXT_MARK=$MARK timeout -k 3 20 "$bin" "$@" >"$T/.out" 2>"$T/.err" </dev/null
	RC=$?
	OUT=$(cat "$T/.out")
	ERR=$(cat "$T/.err")
	leak_check
}

run_as "$tree/sbx" --plan --profile sbxt-tree -- /bin/true
is_rc 0 "TREE/sbx finds a NAME in TREE/profiles"
like "$OUT" "hostname name=from-tree  # $tree/profiles/sbxt-tree\\.cfg:2\$" \
	"... and the plan names that file"
run_as "$tree/build/sbx" --plan --profile sbxt-tree -- /bin/true
like "$OUT" "hostname name=from-tree " "TREE/build/sbx finds it too"
run_as "$tree/sbx" --check --profile sbxt-tree
is "$RC:$OUT" "0:ok" "--check --profile NAME from the tree"

# The tree's profiles come after the user's: the same name in $XDG_CONFIG_HOME wins.
cp "$T/sbxt-xdg.cfg" "$T/xdg/sbx/profiles/sbxt-tree.cfg"
run_as "$tree/sbx" --plan --profile sbxt-tree -- /bin/true
like "$OUT" "hostname name=from-xdg " "a user's profile of the same name comes first"
rm "$T/xdg/sbx/profiles/sbxt-tree.cfg"

# "default" is never read from the tree: the built-in default is compiled from it.
run_as "$tree/sbx" --plan -- /bin/true
unlike "$OUT" "tree-default|$tree/profiles/default" "\"default\" is not looked up in the tree"

# A name found nowhere: the error lists every directory searched, the tree's last.
run_as "$tree/sbx" --profile sbxt-none -- /bin/true
is_error_line "an unknown NAME is one error line" \
	"sbxt-none: no such profile; searched $T/xdg/sbx/profiles, .*, $tree/profiles\$"
run_as "$tree/sbx" --check --profile sbxt-none
like "$RC:$ERR" "^1:sbxt-none: error: no such profile; searched $T/xdg/sbx/profiles, .*, $tree/profiles\$" \
	"--check lists the directories searched too"
printf 'include = [ "sbxt-none" ];\n' >"$T/inc.cfg"
run_as "$tree/sbx" --check --profile "$T/inc.cfg"
like "$ERR" "inc\\.cfg:1: error: include \"sbxt-none\": no such profile; searched $T/xdg/sbx/profiles, .*$tree/profiles\$" \
	"an include of an unknown NAME lists them as well"

# Not a tree, or not the owner's alone: its profiles are not searched.
chmod g+w "$tree/profiles"
run_as "$tree/sbx" --profile sbxt-tree -- /bin/true
is_error_line "a group-writable TREE/profiles is not searched" "sbxt-tree: no such profile; searched "
unlike "$ERR" "$tree/profiles" "... nor listed"
chmod g-w "$tree/profiles"
chmod o+w "$tree"
run_as "$tree/sbx" --profile sbxt-tree -- /bin/true
is_error_line "a world-writable TREE is not used" "sbxt-tree: no such profile"
chmod o-w "$tree"
rm "$tree/src/main.c"
run_as "$tree/sbx" --profile sbxt-tree -- /bin/true
is_error_line "without src/main.c it is no source tree" "sbxt-tree: no such profile"
: >"$tree/src/main.c"
mkdir "$T/other"
cp "$SBX" "$T/other/sbx"
run_as "$T/other/sbx" --profile sbxt-tree -- /bin/true
is_error_line "a copy of sbx elsewhere does not look in the tree" "sbxt-tree: no such profile"

check_no_leftovers "the source-tree lookups"
done_testing
