#!/bin/bash
# 021-plan-honest.sh — what sbx shows is what it does, and the shipped profiles keep their
# memory promises.
#
# --plan, -v and the error messages escape every control character a profile, --env or --set
# can smuggle into a string (a carriage return or an escape sequence would let a shared
# profile repaint "flags=rw" as "flags=ro" on a terminal), and print lines of any length whole.
# Then every tmpfs the shipped profiles make, /dev included, is sized: writing stops with
# ENOSPC at the size the profile names.
. "$(dirname "$0")/lib.sh"
require_userns

EVIL=(--profile "$PROFILES/mini.cfg" --profile "$PROFILES/evil-strings.cfg")
ESC=$(printf '\033')
CR=$(printf '\r')

# raw_controls FILE: the lines of FILE holding a byte a terminal acts on (C0 but newline, DEL,
# and any byte >= 0x80: the inputs here hold no legitimate non-ASCII text), made visible.
raw_controls() {
	LC_ALL=C grep -naP '[\x00-\x09\x0b-\x1f\x7f-\xff]' "$1" | cat -v | head -c 1500
}

# no_raw_controls FILE DESC
no_raw_controls() {
	local bad
	bad=$(raw_controls "$1")
	if [ -z "$bad" ] && [ -s "$1" ]; then
		ok "$2"
	else
		not_ok "$2"
		[ -s "$1" ] || diag "empty output"
		diag "$bad"
		show_run
	fi
}

# ---- --plan: text and JSON ------------------------------------------------------------------
SETS=(--env "E2=a${ESC}[1Ab${CR}c"
	--set "process.time_limit=300 #${CR}  1 parent supervise time_limit_ms=1 ${ESC}[K")
run "${EVIL[@]}" "${SETS[@]}" --plan -- /bin/true
cp "$T/.out" "$T/plan.txt"
is_rc 0 "--plan with control characters in profile, --env and --set strings"
no_raw_controls "$T/plan.txt" "--plan text holds no raw control byte"
like "$OUT" ' symlink dst=/evil target="x\\r  1 child  mount-bind flags=ro\\x1b\[2K\\x1b\[1A\\x7f\\x9b2K"' \
	"--plan text shows the symlink target escaped"
like "$OUT" 'E2=a\\x1b\[1Ab\\rc' "--plan text shows an --env value escaped"
like "$OUT" '# --set process.time_limit=300 #\\r  1 parent supervise time_limit_ms=1 \\x1b\[K$' \
	"--plan text escapes the --set text in a location comment"

run "${EVIL[@]}" "${SETS[@]}" --plan=json -- /bin/true
cp "$T/.out" "$T/plan.json"
is_rc 0 "--plan=json with control characters"
no_raw_controls "$T/plan.json" "--plan=json holds no raw control byte"
got=$("$PY" -c 'import json, sys
p = json.load(open(sys.argv[1], encoding="utf-8", errors="surrogateescape"))
for s in p["steps"]:
    if s["step"] == "symlink":
        print(repr(s["args"]["target"]))' "$T/plan.json" 2>&1)
is "$got" "'x\\r  1 child  mount-bind flags=ro\\x1b[2K\\x1b[1A\\x7f\\udc9b2K'" \
	"--plan=json parses back to the exact target (a stray byte as a lone surrogate)"

# A real directory with a 4080-byte path (PATH_MAX is 4096), so a --bind of it passes the
# plan's check that the source exists.
deep=$T
while [ ${#deep} -lt 3840 ]; do deep=$deep/$(head -c 200 /dev/zero | tr '\0' d); done
deep=$deep/$(head -c $((4079 - ${#deep})) /dev/zero | tr '\0' e)
mkdir -p "$deep" || not_ok "mkdir a 4080-byte path"

# --plan: the line still ends in dst= and the flags.
run --plan --bind "$deep:/etc" -- /bin/true
is_rc 0 "--plan with a 4080-byte --bind path"
like "$(grep -F "src=$deep " <<<"$OUT")" " dst=/etc recursive=yes flags=rw,nosuid,nodev  # --bind $deep:/etc\$" \
	"--plan prints the 4080-byte path whole, dst and flags included"
run --plan=json --bind "$deep:/etc" -- /bin/true
like "$OUT" "\"src\": \"$deep\", \"dst\": \"/etc\"" "--plan=json prints the long path whole"

# ---- -v -------------------------------------------------------------------------------------
run -v "${EVIL[@]}" "${PB[@]}" -- /probe uid
printf '%s\n' "$ERR" >"$T/v.txt"
is_rc 0 "-v run with control characters in the profile"
no_raw_controls "$T/v.txt" "-v log holds no raw control byte"
like "$ERR" 'child  symlink dst=/evil target="x\\r  1 child' "-v log shows the symlink escaped"

# The 4080-byte directory, bound: the -v line holds all of it.
run -v "${MINI[@]}" --ro-bind "$deep:/deep" -- /probe uid
is_rc 0 "-v run with a 4080-byte bind source"
like "$(grep -F "mount-bind src=$deep " <<<"$ERR")" " dst=/deep recursive=yes flags=ro,nosuid,nodev  # --ro-bind $deep:/deep\$" \
	"-v prints the long bind line whole"

# ---- error messages built from a step's description ------------------------------------------
run --profile "$PROFILES/mini.cfg" --profile "$PROFILES/evil-fail.cfg" -- /bin/true
printf '%s\n' "$ERR" >"$T/err.txt"
is_error_line "a failing step with a hostile string: one error line" 'symlink dst=/proc target='
no_raw_controls "$T/err.txt" "the error message holds no raw control byte"

# ---- every tmpfs of the shipped profiles is sized --------------------------------------------
SHIPPED=$(cd "$TESTDIR/../../profiles" 2>/dev/null && pwd)
MiB=1048576

# plan_size PLAN DST: the size= the plan gives the last tmpfs or dev mount on DST (the one on
# top), or 0 when it has none.
plan_size() {
	awk -v dst="dst=$2" '$3 ~ /^mount-(tmpfs|dev)$/ && $4 == dst {
		size = 0; for (i = 5; i <= NF; i++) if ($i ~ /^size=/) size = substr($i, 6) }
		END { print size + 0 }' <<<"$1"
}

# In the sandbox: write 8M files into $1 until the writes fail or $2 bytes went in (8M more at
# most, so an unsized tmpfs does not eat the memory). Prints "BYTES ENOSPC|no".
FILL='dir=$1 cap=$2 i=0 total=0 full=no
while [ $total -lt $cap ]; do
	err=$(dd if=/dev/zero of=$dir/sbxt-fill$i bs=1M count=8 2>&1 >/dev/null) ||
		case $err in *"No space left"*) full=ENOSPC ;; *) full="$err" ;; esac
	total=$((total + $(stat -c %s $dir/sbxt-fill$i 2>/dev/null || echo 0)))
	[ "$full" != no ] && break
	i=$((i + 1))
done
echo $total $full'

# fill_stops PROFILE-ARGS... -- DIR SIZE DESC: writing into DIR stops with ENOSPC at SIZE bytes.
fill_stops() {
	local args=() d size desc cap got full
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	d=$2 size=$3 desc=$4
	cap=$(( (size > 0 ? size : 16 * MiB) + 16 * MiB ))
	run "${args[@]}" -- /bin/sh -c "$FILL" fill "$d" "$cap"
	read -r got full <<<"$OUT"
	if [ "$full" = ENOSPC ] && [ "${got:-0}" -le "$size" ] && [ "${got:-0}" -ge $((size / 2)) ]; then
		ok "$desc: writing to $d stops with ENOSPC at its size ($got of $size bytes)"
	else
		not_ok "$desc: writing to $d stops with ENOSPC at its size"
		diag "wrote ${got:-?} bytes (at most $cap tried), stopped by: ${full:-?}; size $size"
		show_run
	fi
}

# A dev mount without a size: 4M, /dev/shm included.
run --profile "$PROFILES/dev-default.cfg" --plan -- /bin/true
is "$(plan_size "$OUT" /dev)" $((4 * MiB)) "a dev mount without a size gets 4M"
fill_stops --profile "$PROFILES/dev-default.cfg" -- /dev/shm $((4 * MiB)) "dev without size"

for prof in untrusted default shell; do
	P=(--profile "$SHIPPED/$prof.cfg")
	run "${P[@]}" --plan -- /bin/true
	plan=$OUT
	dsts=/dev
	for d in /tmp /dev/shm /var/tmp; do
		grep -q "mount-tmpfs dst=$d " <<<"$plan" && dsts="$dsts $d"
	done
	for d in $dsts; do
		size=$(plan_size "$plan" "$d")
		isnt "$size" 0 "$prof.cfg: the plan sizes the tmpfs on $d ($size bytes)"
		# statfs inside: the kernel's idea of the size (an unsized tmpfs is half the RAM).
		run "${P[@]}" -- /bin/sh -c "stat -f -c '%b %S' $d"
		is "$(awk '{ print $1 * $2 }' <<<"$OUT")" "$size" "$prof.cfg: statfs of $d shows that size"
		[ "$size" -gt $((64 * MiB)) ] && continue # only statfs for the big ones
		fill_stops "${P[@]}" -- "$d" "$size" "$prof.cfg"
	done
done

check_no_leftovers
done_testing
