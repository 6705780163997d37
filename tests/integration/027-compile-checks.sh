#!/bin/bash
# 027-compile-checks.sh — what the compiler knows before anything runs: a profile the kernel
# would refuse fails --check with FILE:LINE and the reason (and a run says the same, with
# exit 125, before any setup); a valid setting that can't take effect is a warning,
# `sbx: warning: FILE:LINE: ...`, with --check and with the run.
. "$(dirname "$0")/lib.sh"
require_userns

# ---- capabilities that can't act on the host's network ------------------------------------
C=("${MINI[@]}" --profile "$PROFILES/caps-nbs.cfg" --profile "$PROFILES/hostnet.cfg")
WARN="^sbx: warning: $PROFILES/caps-nbs.cfg:2: security.capabilities: net_bind_service: no effect on the host's network"
run "${C[@]}" --check
is "$RC:$OUT" "0:ok" "net_bind_service with the host's network is valid"
is "$(grep -c . <<<"$ERR")" 1 "--check prints one warning line"
like "$ERR" "$WARN" "the warning names the capability and FILE:LINE"
run "${C[@]}" -- /probe bind-tcp 80
is "$OUT" EACCES "indeed: port 80 of the host's network stays refused"
like "$ERR" "$WARN" "the run warns as well"
run "${C[@]}" -q -- /probe bind-tcp 80
is "$ERR" "" "-q leaves the warning out"
run "${MINI[@]}" --profile "$PROFILES/caps-nbs.cfg" --check
is "$RC:$OUT:$ERR" "0:ok:" "its own network namespace: no warning"
if is_root; then
	run "${C[@]}" --set 'namespaces=["mount","pid","uts","ipc","cgroup"]' -- /probe bind-tcp 80
	is "$OUT:$ERR" "ok:" "root without a user namespace keeps the host capability: no warning"
fi

# ---- a proc mount without a pid namespace ----------------------------------------------------
cat >"$T/nopid.cfg" <<'CFG'
# no pid namespace, in a user namespace
namespaces = [ "user", "mount", "uts", "ipc", "net" ];
CFG
NOPID="$T/nopid.cfg:2: .*proc mount at $PROFILES/mini.cfg:[0-9]+ needs \"pid\""
run "${MINI[@]}" --profile "$T/nopid.cfg" --check
is "$RC" 1 "--check refuses a proc mount without the pid namespace"
like "$ERR" "^$NOPID" "... at the namespaces line, naming the proc mount"
run "${MINI[@]}" --profile "$T/nopid.cfg" -- /probe exit 0
is_error_line "a run fails before any setup, with the same sentence" "$NOPID"
if is_root; then
	run "${MINI[@]}" --set 'namespaces=["mount","uts","ipc","net"]' -- /probe exit 0
	is "$RC:$ERR" "0:" "root without a user namespace mounts the host pid namespace's procfs"
fi

# ---- atime options on a bind ------------------------------------------------------------------
mkdir -p "$T/src"
cat >"$T/atime.cfg" <<CFG
filesystem = { mounts = ( { type = "bind"; src = "$T/src"; dst = "/w";
  options = [ "noatime" ]; },
  { type = "tmpfs"; dst = "/t"; options = [ "noatime" ]; } ); };
CFG
ATIME="$T/atime.cfg:2: .*options \"noatime\": a bind in a user namespace keeps the atime mode of its source"
run "${MINI[@]}" --profile "$T/atime.cfg" --check
is "$RC" 1 "--check refuses noatime on a bind in a user namespace"
like "$ERR" "^$ATIME" "... at the options line, with the reason"
run "${MINI[@]}" --profile "$T/atime.cfg" -- /probe exit 0
is_error_line "a run fails before any setup, with the same sentence" "$ATIME"
sed -i '2d; 1s/$/ },/' "$T/atime.cfg" # the bind without its option
run "${MINI[@]}" --profile "$T/atime.cfg" -- /probe cat /proc/self/mountinfo
like "$(grep ' /t ' <<<"$OUT")" 'noatime' "a fresh tmpfs takes an atime option"
if is_root; then
	cat >"$T/atime-root.cfg" <<CFG
namespaces = [ "mount", "pid", "uts", "ipc", "net" ];
filesystem = { mounts = ( { type = "bind"; src = "$T/src"; dst = "/w"; options = [ "noatime" ]; } ); };
CFG
	run "${MINI[@]}" --profile "$T/atime-root.cfg" -- /probe cat /proc/self/mountinfo
	like "$(grep ' /w ' <<<"$OUT")" 'noatime' "root without a user namespace: the bind is noatime"
fi

# ---- rlimits above the caller's hard limit -----------------------------------------------------
# The message states the hard limit this shell passes to sbx, and who may raise it.
HQ=$(ulimit -Hq)
cat >"$T/rlim.cfg" <<CFG
rlimits = {
  nice = 10;
  msgqueue = $((HQ + 1));
};
CFG
run "${MINI[@]}" --profile "$T/rlim.cfg" --check
is "$RC:$(grep -c . <<<"$ERR")" "1:2" "--check lists both limits above the hard limit"
like "$ERR" "^$T/rlim.cfg:3: error: rlimits.msgqueue: $((HQ + 1)) is above the hard limit sbx runs with \($HQ\), and in a user namespace no one may raise it, root included" \
	"... each at its line, with the caller's hard limit"
like "$ERR" "^$T/rlim.cfg:2: error: rlimits.nice: 10 is above the hard limit sbx runs with \($(ulimit -He)\)" \
	"... nice too"
run "${MINI[@]}" --profile "$T/rlim.cfg" -- /probe exit 0
is_error_line "a run fails before any setup, naming the limit" "rlimits.msgqueue: .*hard limit sbx runs with \($HQ\)"
if [ "$(ulimit -Hn)" != unlimited ]; then
	run "${MINI[@]}" --set rlimits.nofile='"unlimited"' -- /probe exit 0
	is_error_line "nofile = \"unlimited\" in a user namespace" "rlimits.nofile: unlimited is above the hard limit sbx runs with \($(ulimit -Hn)\)"
fi
run "${MINI[@]}" --set rlimits.msgqueue="$HQ" -- /probe rlimit msgqueue
is "$RC:$OUT" "0:$HQ $HQ" "up to the hard limit is fine"
if is_root; then
	# Without a user namespace, root may raise a hard limit if it has CAP_SYS_RESOURCE (bit 24;
	# root in a container may lack it), and the message says which.
	NOUSER='namespaces=["mount","pid","uts","ipc","net"]'
	run "${MINI[@]}" --profile "$T/rlim.cfg" --set "$NOUSER" -- /probe rlimit msgqueue
	if (( 0x$(awk '/^CapEff/ { print $2 }' /proc/self/status) >> 24 & 1 )); then
		is "$RC:$OUT" "0:$((HQ + 1)) $((HQ + 1))" "root without a user namespace raises a hard limit"
	else
		is_error_line "root without CAP_SYS_RESOURCE: the message says so" "rlimits.msgqueue: .*CAP_SYS_RESOURCE, which sbx lacks"
	fi
fi

# ---- sbx.cfg(5)'s web server example runs as written ---------------------------------------
MAN5=$TESTDIR/../../man/sbx.cfg.5
mkdir -p "$T/www" "$T/log"
chmod 0777 "$T/log"
echo page >"$T/www/index.html"
awk '/^A web server on top of it/ { f = 1 } f && /^\.EX/ { p = 1; next } p && /^\.EE/ { exit }
	p { print }' "$MAN5" | sed -e "s,/srv/www,$T/www,g" -e "s,/var/log/web,$T/log,g" >"$T/web.cfg"
like "$(cat "$T/web.cfg")" 'network = \{ mode = "host"; \}' "the web example is found in sbx.cfg(5)"
run --profile "$T/web.cfg" --check
is "$RC:$OUT:$ERR" "0:ok:" "the web example passes --check without a warning"
run --profile "$T/web.cfg" "${PB[@]}" -- /probe bind-tcp 8080
is "$RC:$OUT:$ERR" "0:ok:" "the web example's server can bind its port"
run --profile "$T/web.cfg" "${PB[@]}" -- /probe cat index.html
is "$RC:$OUT" "0:page" "the web example serves its directory (cwd)"

check_no_leftovers "the runs"
done_testing
