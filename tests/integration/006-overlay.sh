#!/bin/bash
# 006-overlay.sh — overlay mounts: without upper the changes vanish at exit, with an upper
# they persist there; the lower layers never change.
. "$(dirname "$0")/lib.sh"
require_userns

mkdir -p "$T/lower1" "$T/lower2" "$T/upper" "$T/work"
echo base >"$T/lower1/base"
echo under >"$T/lower2/base"
echo low2 >"$T/lower2/only2"
# The layers belong to the sandbox's host ids, as an unprivileged caller's own files do (for
# root those are its unprivileged range, not root).
chown -R "$SB_UID:$SB_GID" "$T/lower1" "$T/lower2" "$T/upper" "$T/work"

cat >"$T/ephemeral.cfg" <<CFG
filesystem = { mounts = (
  { type = "overlay"; dst = "/app"; lower = [ "$T/lower1", "$T/lower2" ]; }
); };
CFG
cat >"$T/persistent.cfg" <<CFG
filesystem = { mounts = (
  { type = "overlay"; dst = "/app"; lower = [ "$T/lower1" ];
    upper = "$T/upper"; work = "$T/work"; }
); };
CFG
E=("${MINI[@]}" --profile "$T/ephemeral.cfg")
P=("${MINI[@]}" --profile "$T/persistent.cfg")

run "${E[@]}" -- /probe cat /app/base
is "$RC:$OUT" "0:base" "the topmost lower layer wins"
run "${E[@]}" -- /probe cat /app/only2
is "$OUT" low2 "files of the lower layers below show through"
run "${E[@]}" -- /probe write /app/base changed
is "$RC:$OUT" "0:ok" "an ephemeral overlay is writable"
run "${E[@]}" -- /probe write /app/new created
is "$OUT" ok "an ephemeral overlay takes new files"
run "${E[@]}" -- /probe cat /app/base
is "$OUT" base "ephemeral changes vanish at exit"
run "${E[@]}" -- /probe cat /app/new
is "$OUT" ENOENT "ephemeral new files vanish at exit"
is "$(cat "$T/lower1/base"):$(ls "$T/lower1" | tr '\n' ' ')" "base:base " "the lower layer is untouched"

run "${P[@]}" -- /probe write /app/new persisted
is "$RC:$OUT" "0:ok" "an overlay with an upper is writable"
run "${P[@]}" -- /probe write /app/base changed
is "$OUT" ok "a lower file can be changed through it"
is "$(cat "$T/upper/new" 2>/dev/null)" persisted "new files land in the upper dir"
run "${P[@]}" -- /probe cat /app/new
is "$OUT" persisted "the next run sees the persisted file"
run "${P[@]}" -- /probe cat /app/base
is "$OUT" changed "the next run sees the changed file"
is "$(cat "$T/lower1/base")" base "the lower layer is untouched"

# Without work, sbx picks one (SPEC: work is optional).
# The sandbox makes the work dir beside the upper: in a dir of its own.
mkdir -p "$T/own/upper2"
chown -R "$SB_UID:$SB_GID" "$T/own"
cat >"$T/nowork.cfg" <<CFG
filesystem = { mounts = (
  { type = "overlay"; dst = "/app"; lower = [ "$T/lower1" ]; upper = "$T/own/upper2"; }
); };
CFG
run "${MINI[@]}" --profile "$T/nowork.cfg" -- /probe write /app/new x
is "$RC:$OUT" "0:ok" "an overlay with upper but no work works"
is "$(cat "$T/own/upper2/new" 2>/dev/null)" x "and persists into its upper"

# sbx makes a missing work dir, but nothing above it on the host: a missing parent is a profile
# error naming the mount's line, as a missing source is, and nothing is created. (Its would-be
# grandparent is the sandbox's to write, so only sbx's rule can stop it.)
mkdir -p "$T/open/upper3"
chown -R "$SB_UID:$SB_GID" "$T/open"
cat >"$T/workparent.cfg" <<CFG
filesystem = { mounts = (
  { type = "overlay"; dst = "/app"; lower = [ "$T/lower1" ];
    upper = "$T/open/upper3"; work = "$T/open/absent/work"; }
); };
CFG
run "${MINI[@]}" --profile "$T/workparent.cfg" --check
is "$RC:$ERR" "1:$T/workparent.cfg:2: error: overlay work $T/open/absent/work: parent directory $T/open/absent: No such file or directory" \
	"--check: a work dir whose parent is missing is an error at the mount's line"
run "${MINI[@]}" --profile "$T/workparent.cfg" -- /probe write /app/new x
is_error_line "a run with it fails before anything starts" "workparent\.cfg:2: .*parent directory"
check "and makes no directory on the host" test ! -e "$T/open/absent"

check_no_leftovers "the overlay runs"
done_testing
