#!/bin/bash
# bench/run.sh — `make bench`: sbx's start-up time and peak memory against its peers, and 100
# sandboxes at once. The timing is done by the driver bench/bench.c (build/bench).
#
#   SBX=$PWD/sbx BENCH=$PWD/build/bench bench/run.sh
#
# As root on Debian it first installs the peers that are missing (bubblewrap, firejail,
# crun); a peer that can't be had, or that fails here, is skipped with a line saying why.
# The start-up set (sbx with bench/profiles/bench.cfg, bwrap with the same isolation,
# unshare, firejail, crun, plain /bin/true) runs twice: as root, and as the unprivileged user
# sbxtest (created like tests/integration/run.sh does) from a world-readable temp copy of sbx,
# the driver and the profile. Without root, only the second pass runs, as the caller.
#
# The cost of a quota: in the root pass, sbx with bench/profiles/bench-cgroup.cfg on top (memory
# and pids limits, in a parent cgroup made at the root of each hierarchy for the run and removed
# after it) is one more launcher of the same interleaved driver run, so it pairs with plain sbx;
# the difference of their medians is cgroup_startup_overhead_ms. A user has no cgroup to use
# without delegation: then that figure is skipped(REASON).
#
# The cost of seccomp: sbx-seccomp is sbx with bench/profiles/bench-seccomp.cfg on top (the
# default preset) and bwrap-seccomp is bwrap given the very BPF program that loads (written by
# `sbx --plan=bpf`) through --seccomp 9: two more launchers of the same driver run, whose
# ratio is startup_seccomp_ratio_vs_bwrap. Then build/syscall-loop (10M getppid, 1M open and
# close of /dev/null, timed from inside) runs bare, in sbx-seccomp and in bwrap-seccomp,
# interleaved, BENCH_LOOP_ROUNDS times, in the headline pass only (it takes a while):
# seccomp_ns_per_syscall is what sbx's filter adds to a syscall of that loop (the median time
# of its 12M syscalls under sbx minus bare), and seccomp_ns_per_syscall_bwrap the same for bwrap.
#
# The cost of network mode "user": sbx-usernet is sbx with --net user and one forward (the
# host's 127.0.0.1:18080 to port 80 inside; nothing is sent), one more launcher of the same
# driver run; its median minus sbx's (mode none) is startup_user_net_ms. pasta's own start is
# most of it. The user pass needs /dev/net/tun usable: as root, run.sh makes it 0666 for that
# pass (as Debian's udev rule does) and puts its mode back after.
#
# Prints a report, writes it to bench/results/latest.md, and ends with the one line
#   bench: startup_ratio_vs_bwrap=X startup_seccomp_ratio_vs_bwrap=X rss_ratio_vs_bwrap=X seccomp_ns_per_syscall=X seccomp_ns_per_syscall_bwrap=X concurrent_failures=N cgroup_startup_overhead_ms=X startup_user_net_ms=X
# Environment: BENCH_ROUNDS (100), BENCH_WARMUP (5), BENCH_COPIES (100), BENCH_PASSES
# ("root user"), BENCH_LOOP_ROUNDS (3), BENCH_LOOP ("10000000 1000000": getppid calls and
# open/close pairs), BENCH_RESULTS (the report file). No timing is asserted anywhere.
set -u

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
SBX=$(realpath "${SBX:-$repo/sbx}")
BENCH=$(realpath "${BENCH:-$repo/build/bench}")
LOOP=$(realpath "${LOOP:-$repo/build/syscall-loop}")
PROFILE=$here/profiles/bench.cfg
CG_PROFILE=$here/profiles/bench-cgroup.cfg
SC_PROFILE=$here/profiles/bench-seccomp.cfg
ROUNDS=${BENCH_ROUNDS:-100}
WARMUP=${BENCH_WARMUP:-5}
COPIES=${BENCH_COPIES:-100}
PASSES=${BENCH_PASSES:-root user}
LOOP_ROUNDS=${BENCH_LOOP_ROUNDS:-3}
read -r LOOP_CALLS LOOP_PAIRS <<<"${BENCH_LOOP:-10000000 1000000}"
RESULTS=${BENCH_RESULTS:-$here/results/latest.md}
TEST_USER=sbxtest
CLEAN_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
PEERS=(bubblewrap firejail crun)
BWRAP_ARGS=(--unshare-all --unshare-user --cap-drop ALL --ro-bind /usr /usr
	--symlink usr/lib /lib --symlink usr/lib64 /lib64 --symlink usr/bin /bin
	--symlink usr/sbin /sbin --proc /proc --dev /dev --tmpfs /tmp --die-with-parent --new-session)

for f in "$SBX" "$BENCH" "$LOOP" "$PROFILE" "$CG_PROFILE" "$SC_PROFILE"; do
	[ -r "$f" ] || {
		echo "bench: $f is missing; run 'make sbx build/bench build/syscall-loop'" >&2
		exit 2
	}
done

is_root() {
	[ "$(id -u)" = 0 ]
}

# ---- set-up ---------------------------------------------------------------------------------
# install_peers: as root on Debian, apt-get install each missing peer (one at a time, so one
# that can't be had doesn't keep the others out).
install_peers() {
	local p updated=no
	is_root && command -v apt-get >/dev/null && command -v dpkg >/dev/null || return 0
	for p in "${PEERS[@]}"; do
		dpkg -s "$p" >/dev/null 2>&1 && continue
		echo "bench: installing $p"
		if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			"$p" >/dev/null 2>&1; then
			[ $updated = no ] && apt-get update -qq >/dev/null 2>&1 && updated=yes
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
				"$p" >/dev/null 2>&1 || echo "bench: could not install $p; it is skipped"
		fi
	done
}

# ensure_user comes from tests/test-user.sh, shared with the integration tests; the cgroup
# layout and parents from the integration tests' cg-setup.sh.
. "$repo/tests/test-user.sh"
. "$repo/tests/integration/cg-setup.sh"

# The parent of the sandboxes' cgroups in the root pass: made by cgroup_parent, removed at exit.
CG_PARENT=/sbx-bench-$$
CG_DIRS=()
CG_SKIP="" # why cgroup_startup_overhead_ms is not measured
TUN_MODE="" # /dev/net/tun's mode while the user pass has it 0666

# A copy of sbx, the driver and the profile that any user can read, and the passes' files.
work=$(mktemp -d /tmp/bench-run.XXXXXX) || exit 2
chmod 0755 "$work"
cleanup() {
	local pass state id
	for pass in root user; do
		state=$work/$pass/crun/state
		[ -d "$state" ] || continue
		for id in $(as_pass "$pass" crun --root "$state" list -q 2>/dev/null); do
			as_pass "$pass" crun --root "$state" delete -f "$id" >/dev/null 2>&1
		done
	done
	[ ${#CG_DIRS[@]} -gt 0 ] && cg_parent_remove "${CG_DIRS[@]}"
	[ -n "$TUN_MODE" ] && chmod "$TUN_MODE" /dev/net/tun
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cp "$SBX" "$work/sbx"
cp "$BENCH" "$work/bench"
cp "$PROFILE" "$work/bench.cfg"
cp "$CG_PROFILE" "$work/bench-cgroup.cfg"
cp "$SC_PROFILE" "$work/bench-seccomp.cfg"
cp "$LOOP" "$work/syscall-loop"
chmod a+rX "$work"/*

# as_pass PASS CMD...: run CMD with a clean environment, from $work, as the pass's user.
as_pass() {
	local pass=$1
	shift
	if [ "$pass" = user ] && is_root; then
		(cd "$work" && runuser -u "$TEST_USER" -- env -i PATH="$CLEAN_PATH" LANG=C.UTF-8 \
			HOME="$(getent passwd "$TEST_USER" | cut -d: -f6)" USER="$TEST_USER" \
			LOGNAME="$TEST_USER" "$@")
	else
		(cd "$work" && env -i PATH="$CLEAN_PATH" LANG=C.UTF-8 HOME="${HOME:-/}" \
			USER="$(id -un)" LOGNAME="$(id -un)" "$@")
	fi
}

# quote ARGS...: ARGS as one shell command line.
quote() {
	local q
	q=$(printf '%q ' "$@")
	echo "${q% }"
}

# ---- the launchers --------------------------------------------------------------------------
NOTES=()    # "pass launcher: why it is skipped"
COMMANDS=() # "pass label: the exact command"

# add_launcher PASS FILE LABEL [<N=PATH] CMD...: one run of CMD first, with its output kept;
# if that fails, the launcher is skipped with its last line of error output. Else a line of
# FILE. With <N=PATH, every run gets PATH open for reading as descriptor N.
add_launcher() {
	local pass=$1 file=$2 label=$3 out rc why redirect="" fd="" path=""
	shift 3
	if [[ $1 == "<"* ]]; then
		redirect=$1 fd=${1%%=*} fd=${fd#<} path=${1#*=}
		shift
	fi
	out=$(
		[ -n "$fd" ] && eval "exec $fd<\"\$path\""
		as_pass "$pass" timeout -k 2 20 "${@//\{n\}/pre}" 2>&1 </dev/null
	)
	rc=$?
	if [ $rc != 0 ]; then
		why=$(grep -v '^[[:space:]]*$' <<<"$out" | tail -1)
		NOTES+=("$pass $label: skipped (exit status $rc${why:+: $why})")
		return 1
	fi
	(
		IFS=$'\t'
		echo "$label"$'\t'"${redirect:+$redirect$'\t'}$*"
	) >>"$file"
	COMMANDS+=("$pass $label: $(quote "$@")${fd:+ $fd<$path}")
}

# crun_bundle PASS DIR: a bundle for /bin/true: `crun spec` (--rootless in the user pass)
# with the same isolation as the others: no capabilities, the user and cgroup namespaces
# too, /usr bound read-only over a rootfs holding the merged-/usr symlinks, a tmpfs /tmp,
# no /sys; the root stays writable like bwrap's.
crun_bundle() {
	local pass=$1 dir=$2 d
	mkdir -p "$dir/rootfs/usr" "$dir/state"
	for d in bin sbin lib lib64; do ln -s "usr/$d" "$dir/rootfs/$d"; done
	chmod -R a+rX "$dir"
	if [ "$pass" = user ] && is_root; then chown "$TEST_USER" "$dir" "$dir/state"; fi
	local spec=(crun spec)
	[ "$pass" = user ] && spec+=(--rootless)
	as_pass "$pass" sh -c 'cd "$1" && shift && exec "$@"' sh "$dir" "${spec[@]}" || return 1
	python3 - "$dir/config.json" "$pass" "$(id -u)" <<-'EOF'
		import json, sys
		path, want_map = sys.argv[1], sys.argv[2] == "root" and sys.argv[3] == "0"
		c = json.load(open(path))
		p = c["process"]
		p.update(args=["/bin/true"], terminal=False, env=["PATH=/usr/bin:/bin"])
		p["capabilities"] = {k: [] for k in
				     ("bounding", "effective", "inheritable", "permitted", "ambient")}
		c["root"] = {"path": "rootfs", "readonly": False}
		keep = ("/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue")
		c["mounts"] = [m for m in c["mounts"] if m["destination"] in keep] + [
		    {"destination": "/usr", "type": "bind", "source": "/usr",
		     "options": ["rbind", "ro", "nosuid", "nodev"]},
		    {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
		     "options": ["nosuid", "nodev", "mode=755"]}]
		lx = c["linux"]
		lx["namespaces"] = [n for n in lx["namespaces"] if n["type"] not in ("user", "cgroup")] + \
		    [{"type": "user"}, {"type": "cgroup"}]
		if want_map:  # root's sandbox root is the host's root, as with sbx and bwrap
		    lx["uidMappings"] = [{"containerID": 0, "hostID": 0, "size": 1}]
		    lx["gidMappings"] = [{"containerID": 0, "hostID": 0, "size": 1}]
		json.dump(c, open(path, "w"), indent=1)
	EOF
	chmod a+r "$dir/config.json"
}

# cgroup_parent: as root, CG_PARENT in the memory and pids hierarchies; else CG_SKIP says why not.
cgroup_parent() {
	local out
	if ! is_root; then
		CG_SKIP="no-cgroup-delegated-to-$(id -un)"
		return 1
	fi
	if ! out=$(cg_parent_make "$CG_PARENT" "" memory pids 2>&1); then
		CG_SKIP="no-memory-and-pids-controllers"
		NOTES+=("root sbx-cgroup: skipped (could not make the parent cgroup: $(tail -1 <<<"$out"))")
		return 1
	fi
	mapfile -t CG_DIRS <<<"$out"
}

# sbx with the default seccomp preset, its command to follow.
SBX_SECCOMP=("$work/sbx" --profile "$work/bench.cfg" --profile "$work/bench-seccomp.cfg")

# seccomp_program PASS: $work/PASS/filter.bpf, the program SBX_SECCOMP loads in PASS, for bwrap.
seccomp_program() {
	local pass=$1 out=$work/$1/filter.bpf
	if ! as_pass "$pass" "${SBX_SECCOMP[@]}" --plan=bpf -- /bin/true >"$out" 2>"$out.err"; then
		NOTES+=("$pass bwrap-seccomp: skipped (sbx --plan=bpf failed: $(tail -1 "$out.err"))")
		return 1
	fi
	chmod a+r "$out"
}

# startup_launchers PASS FILE: the start-up set of one pass, the ones that run here.
startup_launchers() {
	local pass=$1 file=$2
	add_launcher "$pass" "$file" sbx "$work/sbx" --profile "$work/bench.cfg" -- /bin/true
	if [ "$pass" = root ] && cgroup_parent; then
		add_launcher "$pass" "$file" sbx-cgroup "$work/sbx" --profile "$work/bench.cfg" \
			--profile "$work/bench-cgroup.cfg" --set "cgroup.parent=\"$CG_PARENT\"" -- /bin/true ||
			CG_SKIP="sbx-with-a-cgroup-failed"
	fi
	add_launcher "$pass" "$file" sbx-seccomp "${SBX_SECCOMP[@]}" -- /bin/true
	add_launcher "$pass" "$file" sbx-usernet "$work/sbx" --profile "$work/bench.cfg" \
		--net user --forward 18080:80 -- /bin/true
	if command -v bwrap >/dev/null; then
		add_launcher "$pass" "$file" bwrap bwrap "${BWRAP_ARGS[@]}" /bin/true
		if seccomp_program "$pass"; then
			add_launcher "$pass" "$file" bwrap-seccomp "<9=$work/$pass/filter.bpf" \
				bwrap "${BWRAP_ARGS[@]}" --seccomp 9 /bin/true
		fi
	else
		NOTES+=("$pass bwrap: skipped (bubblewrap is not installed)")
	fi
	add_launcher "$pass" "$file" unshare unshare -Urmpfiun --mount-proc /bin/true
	if command -v firejail >/dev/null; then
		add_launcher "$pass" "$file" firejail firejail --noprofile --net=none --private /bin/true
	else
		NOTES+=("$pass firejail: skipped (firejail is not installed)")
	fi
	if ! command -v crun >/dev/null; then
		NOTES+=("$pass crun: skipped (crun is not installed)")
	elif ! crun_bundle "$pass" "$work/$pass/crun"; then
		NOTES+=("$pass crun: skipped (could not make its bundle)")
	else
		add_launcher "$pass" "$file" crun crun --cgroup-manager=disabled \
			--root "$work/$pass/crun/state" run --bundle "$work/$pass/crun" "bench-{n}"
	fi
	add_launcher "$pass" "$file" true /bin/true
}

# run_pass PASS: the start-up set, then the concurrency run; rows go to $work/rows.tsv
# (pass label runs failed median min max rss first_failure) and $work/concurrent.tsv
# (pass copies wall_ms failed first_failure).
run_pass() {
	local pass=$1 dir=$work/$1 rc line
	mkdir -p "$dir"
	chmod 0755 "$dir"
	: >"$dir/startup.tsv"
	startup_launchers "$pass" "$dir/startup.tsv"
	chmod a+r "$dir/startup.tsv"
	echo "bench: $pass pass: $(wc -l <"$dir/startup.tsv") launchers," \
		"$WARMUP warm-up and $ROUNDS interleaved runs each"
	COMMANDS+=("$pass driver: bench -r $ROUNDS -w $WARMUP FILE (one launcher above per line)")
	as_pass "$pass" "$work/bench" -r "$ROUNDS" -w "$WARMUP" "$dir/startup.tsv" \
		>"$dir/startup.out" 2>"$dir/startup.err" </dev/null
	rc=$?
	if [ $rc -gt 1 ]; then
		NOTES+=("$pass: the driver failed (exit status $rc: $(tail -1 "$dir/startup.err"))")
	fi
	awk -v pass="$pass" 'NR > 2 && !/^#/ { print pass, $0 }' "$dir/startup.out" >>"$work/rows.tsv"

	printf 'sbx-sleep\t%s\t--profile\t%s\t--\t/bin/sleep\t1\n' "$work/sbx" "$work/bench.cfg" \
		>"$dir/concurrent.tsv"
	chmod a+r "$dir/concurrent.tsv"
	COMMANDS+=("$pass concurrency: bench -c $COPIES FILE, FILE holding the one launcher sbx-sleep: $(
		quote "$work/sbx" --profile "$work/bench.cfg" -- /bin/sleep 1)")
	echo "bench: $pass pass: $COPIES sandboxes at once"
	line=$(as_pass "$pass" "$work/bench" -c "$COPIES" "$dir/concurrent.tsv" 2>&1 </dev/null |
		grep '^concurrent ')
	if [ -n "$line" ]; then
		sed -E 's/.* copies=([0-9]+) wall_ms=([0-9.]+) failed=([0-9]+) first_failure=(.*)/\1 \2 \3 \4/' \
			<<<"$line" | sed "s/^/$pass /" >>"$work/concurrent.tsv"
	else
		echo "$pass $COPIES - $COPIES driver-failed" >>"$work/concurrent.tsv"
	fi
	leftover_check "$pass"
	cgroup_done
}

# cgroup_done: sbx left no cgroup under CG_PARENT (a note otherwise); remove it.
cgroup_done() {
	local left
	[ ${#CG_DIRS[@]} -gt 0 ] || return 0
	left=$(cg_sbx_dirs "$CG_PARENT")
	[ -n "$left" ] && NOTES+=("root: cgroups left behind: $(paste -sd' ' <<<"$left")")
	cg_parent_remove "${CG_DIRS[@]}"
	CG_DIRS=()
}

# user_net_cost PASS: median of sbx-usernet minus sbx's in PASS, or n/a.
user_net_cost() {
	awk -v p="$1" '$1 == p && $2 == "sbx" { s = $5 } $1 == p && $2 == "sbx-usernet" { u = $5 }
		END { if (s == "" || u == "" || s == "-" || u == "-") print "n/a";
		      else printf "%.2f\n", u - s }' "$work/rows.tsv"
}

# cgroup_overhead: median of sbx-cgroup minus sbx's in the root pass, or skipped(REASON).
cgroup_overhead() {
	awk -v why="${CG_SKIP:-not-measured}" '$1 == "root" && $2 == "sbx" { s = $5 }
		$1 == "root" && $2 == "sbx-cgroup" { c = $5 }
		END { if (s == "" || c == "" || s == "-" || c == "-") print "skipped(" why ")";
		      else printf "%.2f\n", c - s }' "$work/rows.tsv"
}

# leftover_check PASS: nothing may still run from $work (sbx, the driver); a sandbox gets up
# to two seconds to go after its sbx.
leftover_check() {
	local left
	for _ in $(seq 20); do
		left=$(pgrep -af -- "$work/") || return 0
		sleep 0.1
	done
	NOTES+=("$1: processes left behind: $(tr '\n' ';' <<<"$left")")
}

# ---- the cost of a filter per syscall --------------------------------------------------------
# run_loops PASS: syscall-loop bare, in sbx-seccomp and in bwrap-seccomp, LOOP_ROUNDS times
# interleaved; rows "variant getppid_ns open_close_ns" go to $work/loops.tsv. A variant that
# fails is noted and left out.
run_loops() {
	local pass=$1 round variant out loop=(/syscall-loop "$LOOP_CALLS" "$LOOP_PAIRS")
	local -A failed=()
	echo "bench: $pass pass: syscall-loop ($LOOP_CALLS getppid, $LOOP_PAIRS open/close)," \
		"$LOOP_ROUNDS rounds of bare, sbx-seccomp and bwrap-seccomp"
	COMMANDS+=("$pass loop bare: $(quote "$work/syscall-loop" "${loop[@]:1}")")
	COMMANDS+=("$pass loop sbx-seccomp: $(quote "${SBX_SECCOMP[@]}" \
		--ro-bind "$work/syscall-loop:/syscall-loop" -- "${loop[@]}")")
	COMMANDS+=("$pass loop bwrap-seccomp: $(quote bwrap "${BWRAP_ARGS[@]}" \
		--ro-bind "$work/syscall-loop" /syscall-loop --seccomp 9 "${loop[@]}") 9<$work/$pass/filter.bpf")
	for round in $(seq "$LOOP_ROUNDS"); do
		for variant in bare sbx-seccomp bwrap-seccomp; do
			[ -n "${failed[$variant]:-}" ] && continue
			case $variant in
			bare) out=$(as_pass "$pass" "$work/syscall-loop" "${loop[@]:1}" 2>&1) ;;
			sbx-seccomp)
				out=$(as_pass "$pass" "${SBX_SECCOMP[@]}" \
					--ro-bind "$work/syscall-loop:/syscall-loop" -- "${loop[@]}" 2>&1)
				;;
			bwrap-seccomp)
				[ -r "$work/$pass/filter.bpf" ] && command -v bwrap >/dev/null ||
					{ failed[$variant]=1 && continue; }
				out=$(
					exec 9<"$work/$pass/filter.bpf"
					as_pass "$pass" bwrap "${BWRAP_ARGS[@]}" --ro-bind \
						"$work/syscall-loop" /syscall-loop --seccomp 9 "${loop[@]}" 2>&1
				)
				;;
			esac
			if [[ $out =~ getppid_ns=([0-9.]+)\ open_close_ns=([0-9.]+) ]]; then
				echo "$variant ${BASH_REMATCH[1]} ${BASH_REMATCH[2]}" >>"$work/loops.tsv"
			else
				failed[$variant]=1
				NOTES+=("$pass loop $variant: failed ($(tail -1 <<<"$out"))")
			fi
		done
	done
}

# loop_medians: "variant getppid_ns open_close_ns per_syscall_ns" per variant, each the median
# over the rounds; per_syscall_ns is the loop's whole time over its syscalls.
loop_medians() {
	local variant
	for variant in bare sbx-seccomp bwrap-seccomp; do
		awk -v v=$variant -v c="$LOOP_CALLS" -v p="$LOOP_PAIRS" 'BEGIN { n = 0 } $1 == v {
			g[n] = $2; o[n] = $3; t[n] = (c * $2 + p * $3) / (c + 2 * p); n++ }
			function med(a,   i, j, x) {
				for (i = 1; i < n; i++) for (j = i; j > 0 && a[j - 1] > a[j]; j--) {
					x = a[j]; a[j] = a[j - 1]; a[j - 1] = x }
				return n % 2 ? a[int(n / 2)] : (a[n / 2 - 1] + a[n / 2]) / 2 }
			END { if (n) printf "%s %.1f %.1f %.1f\n", v, med(g), med(o), med(t) }' \
			"$work/loops.tsv"
	done
}

# filter_cost VARIANT: what VARIANT's filter adds to a syscall of the loop, in ns, or n/a.
filter_cost() {
	loop_medians | awk -v v="$1" '$1 == "bare" { b = $4 } $1 == v { s = $4 }
		END { if (b == "" || s == "") print "n/a"; else printf "%.1f\n", s - b }'
}

# ---- the report -----------------------------------------------------------------------------
# headline_pass: the pass the ratios come from: user, unless it lacks sbx or bwrap figures.
headline_pass() {
	local p
	for p in user root; do
		if awk -v p=$p '$1 == p && ($2 == "sbx" || $2 == "bwrap") && $5 != "-" { n++ }
			END { exit n != 2 }' "$work/rows.tsv"; then
			echo $p
			return
		fi
	done
	echo none
}

# ratio PASS FIELD [SBX BWRAP]: sbx's FIELD (5 median, 8 rss) over bwrap's in PASS, or n/a;
# SBX and BWRAP name other launchers to compare.
ratio() {
	awk -v p="$1" -v f="$2" -v a="${3:-sbx}" -v c="${4:-bwrap}" \
		'$1 == p && $2 == a { s = $f } $1 == p && $2 == c { b = $f }
		END { if (s == "" || b == "" || s == "-" || b == "-" || b == 0) print "n/a";
		      else printf "%.2f\n", s / b }' "$work/rows.tsv"
}

startup_table() {
	echo "| pass | launcher | median ms | min ms | max ms | × sbx | peak RSS KiB | failed/runs |"
	echo "|------|----------|----------:|-------:|-------:|------:|-------------:|------------:|"
	awk '{ row[NR] = $0; if ($2 == "sbx") sbx[$1] = $5 }
	END {
		for (i = 1; i <= NR; i++) {
			split(row[i], f, " ")
			r = (f[5] == "-" || sbx[f[1]] == "" || sbx[f[1]] == "-" || sbx[f[1]] == 0) ? "n/a" \
				: sprintf("%.2f", f[5] / sbx[f[1]])
			why = f[9] == "-" ? "" : " (" f[9] ")"
			printf "| %s | %s | %s | %s | %s | %s | %s | %s/%s%s |\n", f[1], f[2], f[5], f[6],
				f[7], r, f[8], f[4], f[3], why
		}
	}' "$work/rows.tsv"
}

# report HEADLINE_PASS: the whole report, in Markdown.
report() {
	local hp=$1 n
	echo "# sbx benchmark: latest results"
	echo
	echo "- Date: $(date -u)"
	echo "- Machine: $(uname -srm), $(nproc) CPUs, $(grep -m1 '^model name' /proc/cpuinfo |
		cut -d: -f2- | sed 's/^ *//')"
	echo "- sbx: $("$SBX" --version 2>&1 | head -1) (\`make bench\` builds it with CFLAGS=\"-O2 -g\")"
	echo
	echo "## Start-up of /bin/true"
	echo
	echo "$WARMUP warm-up runs, then $ROUNDS runs of each launcher, interleaved; each run is a"
	echo "posix_spawn() and wait4() of the launcher with its output on /dev/null. Times are wall"
	echo "times; peak RSS is wait4()'s ru_maxrss, the median over the runs; × sbx is the median"
	echo "over sbx's median in the same pass. Failed runs are counted and left out of the figures."
	echo
	startup_table
	echo
	for n in "${NOTES[@]}"; do echo "- $n"; done
	[ ${#NOTES[@]} -gt 0 ] && echo
	if [ "$hp" = none ]; then
		echo "No pass has figures for both sbx and bwrap, so the ratios of the last line are n/a."
	else
		echo "The ratios of the last line come from the $hp pass."
	fi
	echo
	echo "## The cost of a quota"
	echo
	echo "sbx-cgroup is sbx with bench-cgroup.cfg on top of bench.cfg: memory = 256M and pids = 256,"
	echo "in a parent cgroup made for the run at the root of each hierarchy (root pass only). Its"
	echo "median minus sbx's, from the same interleaved runs: $(cgroup_overhead) ms."
	echo
	echo "## The cost of network mode user"
	echo
	echo "sbx-usernet is sbx with \`--net user --forward 18080:80\` (pasta, or slirp4netns without it)"
	echo "on bench.cfg; its median minus sbx's (mode none), from the same interleaved runs:"
	echo "$(user_net_cost root) ms as root, $(user_net_cost user) ms as the user."
	echo
	echo "## $COPIES sandboxes at once"
	echo
	echo "All started at once by the driver, each running \`sleep 1\` in sbx's bench profile;"
	echo "the wall time is from the first start to the last exit. concurrent_failures in the last"
	echo "line counts the failures of every pass."
	echo
	echo "| pass | copies | wall ms | failed |"
	echo "|------|-------:|--------:|-------:|"
	awk '{ why = $5 == "-" ? "" : " (" $5 ")"; printf "| %s | %s | %s | %s%s |\n", $1, $2, $3, $4, why }' \
		"$work/concurrent.tsv"
	echo
	echo "## The cost of seccomp"
	echo
	echo "sbx-seccomp is sbx with bench-seccomp.cfg (the default preset, $(wc -c <"$work/$hp/filter.bpf" \
		2>/dev/null | awk '{ print $1 / 8 }') BPF instructions) on top of bench.cfg;"
	echo "bwrap-seccomp is bwrap given that same program (\`sbx --plan=bpf\`) with --seccomp 9. Their"
	echo "start-up is in the table above; sbx-seccomp over bwrap-seccomp in the $hp pass:"
	echo "$(ratio "$hp" 5 sbx-seccomp bwrap-seccomp)."
	echo
	echo "The syscall loop, in the $hp pass ($LOOP_CALLS getppid calls, then $LOOP_PAIRS opens and"
	echo "closes of /dev/null, timed from inside; medians of $LOOP_ROUNDS interleaved rounds):"
	echo
	echo "| variant | getppid ns | open+close ns | ns per syscall | filter's cost ns |"
	echo "|---------|-----------:|--------------:|---------------:|-----------------:|"
	loop_medians | awk '$1 == "bare" { b = $4 } { r[NR] = $0 }
		END { for (i = 1; i <= NR; i++) { split(r[i], f, " ")
			printf "| %s | %s | %s | %s | %s |\n", f[1], f[2], f[3], f[4],
				f[1] == "bare" ? "-" : sprintf("%.1f", f[4] - b) } }'
	echo
	echo "## Commands"
	echo
	echo "Each pass runs from a world-readable copy in a temp dir (\`$work\`, removed afterwards);"
	echo "the user pass runs as $TEST_USER with \`runuser -u $TEST_USER --\`."
	echo
	echo '```'
	for n in "${COMMANDS[@]}"; do echo "$n"; done
	echo '```'
}

# ---- main -----------------------------------------------------------------------------------
install_peers
: >"$work/rows.tsv"
: >"$work/concurrent.tsv"
if is_root; then
	[[ $PASSES == *root* ]] && run_pass root
	if [[ $PASSES == *user* ]]; then
		if ensure_user; then
			TUN_MODE=$(stat -c %a /dev/net/tun 2>/dev/null)
			[ -n "$TUN_MODE" ] && chmod 0666 /dev/net/tun
			run_pass user
			[ -n "$TUN_MODE" ] && chmod "$TUN_MODE" /dev/net/tun
			TUN_MODE=""
		else
			NOTES+=("user: skipped (could not create $TEST_USER)")
		fi
	fi
else
	run_pass user
fi

hp=$(headline_pass)
: >"$work/loops.tsv"
[ "$hp" != none ] && run_loops "$hp"
report "$hp" >"$work/report.md"
mkdir -p "$(dirname "$RESULTS")"
startup=$(ratio "$hp" 5)
rss=$(ratio "$hp" 8)
conc=$(awk '{ n += $4 } END { print NR ? n : "n/a" }' "$work/concurrent.tsv")
line="bench: startup_ratio_vs_bwrap=$startup"
line="$line startup_seccomp_ratio_vs_bwrap=$(ratio "$hp" 5 sbx-seccomp bwrap-seccomp)"
line="$line rss_ratio_vs_bwrap=$rss seccomp_ns_per_syscall=$(filter_cost sbx-seccomp)"
line="$line seccomp_ns_per_syscall_bwrap=$(filter_cost bwrap-seccomp) concurrent_failures=$conc"
line="$line cgroup_startup_overhead_ms=$(cgroup_overhead) startup_user_net_ms=$(user_net_cost "$hp")"
{
	cat "$work/report.md"
	echo
	echo '```'
	echo "$line"
	echo '```'
} >"$RESULTS"
echo
cat "$work/report.md"
echo
echo "$line"
