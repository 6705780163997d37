#!/bin/bash
# 019-host-symlinks.sh — a run must not redirect the host paths of the next run. A profile
# whose overlay upper/work, or a bind's source, lies inside a read-write bind of the same
# profile lets the command replace that directory by a symlink to any host directory; the
# next run must refuse it (exit 125, one "sbx: error:" line naming the mount) and leave the
# symlink's target alone. Paths outside writable mounts still follow the host's symlinks.
. "$(dirname "$0")/lib.sh"
require_userns

PL=$ATTACKS/plantlink
[ -x "$PL" ] || {
	echo "# $PL is missing: run 'make attacks'" >&2
	exit 1
}
A=(--ro-bind "$PL:/plantlink")

# mine DIR...: give the directories to the sandbox's ids (in the root pass the sandbox runs as
# root's subordinate range or 65534, not as root), so that it can write where the profile lets
# it, and an escape could change the victim.
mine() {
	chown -R "$SB_UID:$SB_GID" "$@"
}

# victim DIR: a host directory the attack aims at, with files to read, change and delete.
victim() {
	rm -rf "$1"
	mkdir -p "$1/work/keep"
	echo marker >"$1/marker"
	echo inner >"$1/work/marker"
	mine "$1"
}
# The victim as the test sees it: names and contents; must not change.
state() {
	(cd "$1" && find . -path ./work/work -prune -o -print0 | sort -z | xargs -0 ls -ld --time-style=+ |
		awk '{ print $1, $NF }' && cat marker work/marker) 2>&1
}

# ---- 1. upper replaced by a symlink ----------------------------------------------------------
mkdir -p "$T/d1/upper" "$T/lower"
mine "$T/d1" "$T/lower"
echo low >"$T/lower/base"
victim "$T/v1"
before=$(state "$T/v1")
cat >"$T/upper.cfg" <<CFG
filesystem = { mounts = (
  { type = "bind"; src = "$T/d1"; dst = "/data"; rw = true; },
  { type = "overlay"; dst = "/app"; lower = [ "$T/lower" ];
    upper = "$T/d1/upper"; work = "$T/d1/work"; }
); };
CFG
U=("${MINI[@]}" "${A[@]}" --profile "$T/upper.cfg")
run "${U[@]}" -- /probe cat /app/base
is "$RC:$OUT" "0:low" "an overlay whose upper is inside a rw bind works"
run "${U[@]}" -- /plantlink /data/upper "$T/v1"
is "$RC:$OUT" "0:planted" "run 1 replaces the upper by a symlink to a host directory"
run "${U[@]}" -- /probe write /app/marker pwned
is_error_line "run 2 refuses the upper behind the symlink" "upper.*$T/d1/upper"
like "$ERR" "upper\.cfg:[0-9]+:" "the error names the overlay's line"
is "$(state "$T/v1")" "$before" "the symlink's target is neither read nor changed"
run --check "${U[@]}"
is "$RC" 1 "--check reports the symlinked upper too"
like "$ERR" "upper\.cfg:3: error: .*$T/d1/upper" "--check names the file and line"

# ---- 2. work replaced by a symlink -----------------------------------------------------------
mkdir -p "$T/d2/upper"
mine "$T/d2"
victim "$T/v2"
before=$(state "$T/v2")
cat >"$T/work.cfg" <<CFG
filesystem = { mounts = (
  { type = "bind"; src = "$T/d2"; dst = "/data"; rw = true; },
  { type = "overlay"; dst = "/app"; lower = [ "$T/lower" ]; upper = "$T/d2/upper"; }
); };
CFG
W=("${MINI[@]}" "${A[@]}" --profile "$T/work.cfg")
run "${W[@]}" -- /probe write /app/new x
is "$RC:$OUT" "0:ok" "an overlay with the default work dir inside a rw bind works"
check "the work dir was made next to the upper" test -d "$T/d2/upper.work"
run "${W[@]}" -- /plantlink /data/upper.work "$T/v2"
is "$RC:$OUT" "0:planted" "run 1 replaces the work dir by a symlink to a host directory"
run "${W[@]}" -- /probe cat /app/new
is_error_line "run 2 refuses the work dir behind the symlink" "work.*$T/d2/upper.work"
is "$(state "$T/v2")" "$before" "overlayfs' work dir cleanup did not touch the symlink's target"

# The same with an explicit work directory (sbx makes it, in a parent that must exist).
mkdir -p "$T/d3/upper" "$T/d3/w"
mine "$T/d3"
victim "$T/v3"
before=$(state "$T/v3")
cat >"$T/work3.cfg" <<CFG
filesystem = { mounts = (
  { type = "bind"; src = "$T/d3"; dst = "/data"; rw = true; },
  { type = "overlay"; dst = "/app"; lower = [ "$T/lower" ];
    upper = "$T/d3/upper"; work = "$T/d3/w/work"; }
); };
CFG
W3=("${MINI[@]}" "${A[@]}" --profile "$T/work3.cfg")
run "${W3[@]}" -- /probe write /app/new x
is "$RC:$OUT" "0:ok" "an explicit work dir is created inside the rw bind"
run "${W3[@]}" -- /plantlink /data/w "$T/v3"
is "$RC:$OUT" "0:planted" "run 1 replaces the work dir's parent by a symlink"
run "${W3[@]}" -- /probe cat /app/new
is_error_line "run 2 refuses a symlink in the work dir's path" "work.*$T/d3/w"
is "$(state "$T/v3")" "$before" "the symlink's target is untouched"

# ---- 3. a read-only bind nested in a rw bind ---------------------------------------------------
mkdir -p "$T/d4/ro"
mine "$T/d4"
echo mine >"$T/d4/ro/file"
victim "$T/v4"
before=$(state "$T/v4")
cat >"$T/nested.cfg" <<CFG
filesystem = { mounts = (
  { type = "bind"; src = "$T/d4"; dst = "/data"; rw = true; },
  { type = "bind"; src = "$T/d4/ro"; dst = "/ro"; }
); };
CFG
N=("${MINI[@]}" "${A[@]}" --profile "$T/nested.cfg")
run "${N[@]}" -- /probe cat /ro/file
is "$RC:$OUT" "0:mine" "a bind nested in a rw bind works"
run "${N[@]}" -- /plantlink /data/ro "$T/v4"
is "$RC:$OUT" "0:planted" "run 1 replaces the nested bind's source by a symlink"
run "${N[@]}" -- /probe cat /ro/marker
is_error_line "run 2 refuses the nested source behind the symlink" "$T/d4/ro"
like "$ERR" "nested\.cfg:3:" "the error names the nested bind's line"
unlike "$OUT" marker "run 2 did not show the symlink's target"
is "$(state "$T/v4")" "$before" "the symlink's target is untouched"

# The same when the rw bind is spelled through a host symlink of the caller's.
ln -s d4 "$T/d4link"
cat >"$T/nested2.cfg" <<CFG
filesystem = { mounts = (
  { type = "bind"; src = "$T/d4link"; dst = "/data"; rw = true; },
  { type = "bind"; src = "$T/d4/ro"; dst = "/ro"; }
); };
CFG
run "${MINI[@]}" --profile "$T/nested2.cfg" -- /probe cat /ro/marker
is_error_line "a rw bind spelled another way is recognized" "$T/d4/ro"
cat >"$T/nested3.cfg" <<CFG
filesystem = { mounts = (
  { type = "bind"; src = "$T/d4"; dst = "/data"; rw = true; },
  { type = "overlay"; dst = "/app"; lower = [ "$T/d4link/ro" ]; }
); };
CFG
run "${MINI[@]}" --profile "$T/nested3.cfg" -- /probe cat /app/marker
is_error_line "an overlay lower inside a rw bind (through a host symlink) is refused" "ro"

# ---- what keeps working ----------------------------------------------------------------------
# Host symlinks the profile names on purpose, outside anything the sandbox can write.
mkdir -p "$T/real"
mine "$T/real"
echo real >"$T/real/file"
ln -s real "$T/alias"
run "${MINI[@]}" --ro-bind "$T/alias:/a" -- /probe cat /a/file
is "$RC:$OUT" "0:real" "a bind source through a host symlink outside writable mounts works"
cat >"$T/lowerlink.cfg" <<CFG
filesystem = { mounts = (
  { type = "bind"; src = "$T/d1"; dst = "/data"; rw = true; },
  { type = "overlay"; dst = "/app"; lower = [ "$T/alias" ]; }
); };
CFG
run "${MINI[@]}" --profile "$T/lowerlink.cfg" -- /probe cat /app/file
is "$RC:$OUT" "0:real" "an overlay lower through a host symlink outside writable mounts works"
# A symlink the caller made for the upper is refused: upper and work never follow one.
mkdir -p "$T/u5"
mine "$T/u5"
ln -s u5 "$T/u5link"
cat >"$T/upperlink.cfg" <<CFG
filesystem = { mounts = (
  { type = "overlay"; dst = "/app"; lower = [ "$T/lower" ]; upper = "$T/u5link"; }
); };
CFG
run "${MINI[@]}" --profile "$T/upperlink.cfg" -- /probe cat /app/base
is_error_line "an upper given through a symlink is refused" "$T/u5link"

# ---- the race: a symlink planted between the check and the mount ------------------------------
# One sandbox swaps the nested source between the directory and a symlink as fast as it can;
# runs of the same profile started meanwhile must never show the symlink's target.
mkdir -p "$T/d6/ro"
mine "$T/d6"
echo mine >"$T/d6/ro/file"
victim "$T/v6"
cat >"$T/race.cfg" <<CFG
filesystem = { mounts = (
  { type = "bind"; src = "$T/d6"; dst = "/data"; rw = true; },
  { type = "bind"; src = "$T/d6/ro"; dst = "/ro"; }
); };
CFG
R=("${MINI[@]}" "${A[@]}" --profile "$T/race.cfg")
SBXT_MARK=$MARK "$SBX" "${R[@]}" -- /plantlink flip /data/ro "$T/v6" 8 >"$T/flip.out" 2>&1 &
flipper=$!
sleep 0.3
escaped=0 shown=0 refused=0 other=0 runs=0
# Not through run(): its leftover check would take the flipper for a leak.
while kill -0 $flipper 2>/dev/null && [ $runs -lt "${RACE_RUNS:-400}" ]; do
	SBXT_MARK=$MARK timeout -k 3 20 "$SBX" "${R[@]}" -- /probe cat /ro/marker \
		>"$T/.rout" 2>"$T/.rerr" </dev/null
	RC=$? OUT=$(cat "$T/.rout") ERR=$(cat "$T/.rerr")
	runs=$((runs + 1))
	case "$RC:$OUT" in
	0:marker) escaped=$((escaped + 1)) ;;
	1:ENOENT) shown=$((shown + 1)) ;;
	125:*) if [ "$(grep -c . <<<"$ERR")" = 1 ] && grep -q '^sbx: error: ' <<<"$ERR"; then
		refused=$((refused + 1))
	else
		other=$((other + 1)) && diag "$ERR"
	fi ;;
	*) other=$((other + 1)) && diag "exit $RC: $OUT $ERR" ;;
	esac
done
wait $flipper
diag "flipper: $(cat "$T/flip.out")"
diag "$runs runs: target shown $escaped, own dir $shown, refused $refused, other $other"
is "$escaped" 0 "no run started during the swapping shows the symlink's target"
is "$other" 0 "every run either showed its own directory or failed cleanly"
isnt "$shown:$refused" "0:0" "the runs did start"

check_no_leftovers "the host symlink runs"
done_testing
