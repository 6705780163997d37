#!/bin/bash
# 016-pid1.sh — nothing of the caller's reaches a command inside, and pid 1 (sbx's init) is out
# of its reach: a directory fd the caller leaked, pid 1's fds, environment, command line,
# memory and executable (the host's sbx binary), ptrace. Each attack is a static program that
# starts trying at its first instruction, run many times in a row with each shipped profile.
. "$(dirname "$0")/lib.sh"
require_userns

REPO=$TESTDIR/../..
SHIPPED=(default untrusted shell)
prof_args() { # the shipped profile $1 (default = no --profile)
	[ "$1" = default ] || echo "--profile $REPO/profiles/$1.cfg"
}

# A host directory the caller has open on fd 7 when it starts sbx.
mkdir -p "$T/host"
echo "host-secret-$$" >"$T/host/marker"
chmod -R a+rX "$T/host"

RUNS=${FDGRAB_RUNS:-30}
for prof in "${SHIPPED[@]}"; do
	escaped=0 failed=0
	for i in $(seq "$RUNS"); do
		# shellcheck disable=SC2046
		out=$(SBXT_MARK=$MARK timeout 20 "$SBX" $(prof_args "$prof") \
			--ro-bind "$ATTACKS/fdgrab:/fdgrab" -- /fdgrab 7 marker 7<"$T/host" 2>&1)
		case $out in
		ESCAPED*) escaped=$((escaped + 1)) ;;
		held) ;;
		*) failed=$((failed + 1)) last=$out ;;
		esac
	done
	if [ "$escaped" = 0 ] && [ "$failed" = 0 ]; then
		ok "$prof: a leaked directory fd is never reachable inside ($RUNS runs)"
	else
		not_ok "$prof: a leaked directory fd is never reachable inside ($RUNS runs)"
		diag "escaped in $escaped runs, $failed runs failed${last:+: $last}"
	fi
done

# pid 1 against a command that tries every way in, with a secret in the caller's environment,
# on sbx's command line (--env, --set) and in the profile: nothing of it may show.
SUM_BEFORE=$(sha256sum "$SBX" | cut -d' ' -f1)
for prof in "${SHIPPED[@]}"; do
	secret="s3cr3t-$prof-$$"
	# shellcheck disable=SC2046
	run_env "CALLER_SECRET=$secret" -- $(prof_args "$prof") --env "INSIDE=$secret" \
		--set "hostname=h$$" --ro-bind "$ATTACKS/pid1:/pid1" -- /pid1 "$secret"
	is_rc 0 "$prof: the pid-1 attack program ran"
	for what in /proc/1/fd ptrace-attach /proc/1/exe /proc/1/mem /proc/1/root \
		/proc/1/environ /proc/1/cmdline; do
		if grep -qx "held $what" <<<"$OUT"; then
			ok "$prof: pid 1 holds against $what"
		else
			not_ok "$prof: pid 1 holds against $what"
			diag "attack output: $(grep -F "$what" <<<"$OUT")"
			show_run
		fi
	done
done
# runc's CVE-2019-5736, the root caller's case: even with the sandbox mapped to the caller's
# own id (host root in the root pass), /proc/1/exe can't be opened, so the host's sbx binary
# can't be reopened for writing from inside.
run --set 'user.uid_map=({inside=0;outside="self";count=1;})' \
	--set 'user.gid_map=({inside=0;outside="self";count=1;})' --set user.uid=0 --set user.gid=0 \
	--ro-bind "$ATTACKS/pid1:/pid1" -- /pid1
like "$OUT" '^held /proc/1/exe$' "a sandbox mapped to the caller's own id can't open /proc/1/exe"
is "$(sha256sum "$SBX" | cut -d' ' -f1)" "$SUM_BEFORE" "the sbx binary is unchanged after the attacks"

# A command that forges pid 1's status or stops it can't make sbx return early or hang: with
# the attacks held, sbx returns the command's own status.
run "${PB[@]}" --ro-bind "$ATTACKS/pid1:/pid1" -- /probe exit 7 2>/dev/null
is_rc 7 "sbx returns the command's own status"

check_no_leftovers "the attacks"
done_testing
