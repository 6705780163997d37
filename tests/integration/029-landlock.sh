#!/bin/bash
# 029-landlock.sh — security.landlock: writes only beneath `write`, reads beneath any set, exec
# only beneath `execute`, TCP connect and bind only to the listed ports (to listeners the probe
# makes on 127.0.0.1 in the sandbox's own network namespace), the plan line, -v, and a path
# missing inside the sandbox. What a kernel's ABI lacks (required = true) is the unit tests'
# (a faked ABI): this kernel's has everything.
. "$(dirname "$0")/lib.sh"
require_userns

# /w is written, /r read, /probe executed; /probe2, a copy (rules follow inodes: a second bind
# of the same file would be covered), is in no set.
cp "$PROBE" "$T/probe2"
cat >"$T/fs.cfg" <<'EOF'
filesystem = { mounts = (
  { type = "tmpfs"; dst = "/w"; },
  { type = "tmpfs"; dst = "/r"; }
); };
EOF
cat >"$T/ll.cfg" <<'EOF'
security = { landlock = {
  read = [ "/r" ];
  write = [ "/w" ];
  execute = [ "/probe" ];
  connect_tcp = [ 40001 ];
  bind_tcp = [ 40001, 40002 ];
}; };
EOF
BASE=("${MINI[@]}" --profile "$T/fs.cfg" --ro-bind "$T/probe2:/probe2")
LL=("${BASE[@]}" --profile "$T/ll.cfg")

run "${LL[@]}" --plan -- /probe uid
like "$OUT" "^ *[0-9]+ child  landlock abi=[1-9][0-9]* read=/r write=/w execute=/probe bind_tcp=40001,40002 connect_tcp=40001 required=no  # $T/ll.cfg:1$" \
	"the plan shows the landlock step with the kernel's ABI, each set and port list"
like "$(grep -A1 ' landlock ' <<<"$OUT")" "^ *[0-9]+ child  exec " "landlock is the last step before exec"
unlike "$OUT" "left-out" "this kernel's Landlock has everything the profile asks: nothing left out"

# Files: without the section, /r is as writable as /w (both tmpfs); with it only /w is.
run "${BASE[@]}" -- /probe write /r/f text
is "$RC:$OUT" "0:ok" "without landlock: /r is writable"
run "${LL[@]}" -- /probe write /w/f text
is "$RC:$OUT" "0:ok" "a write beneath write succeeds"
run "${LL[@]}" -- /probe write /r/f text
is "$RC:$OUT" "1:EACCES" "a write beneath read only fails with EACCES"
run "${LL[@]}" -- /probe mkdir /r/d
is "$RC:$OUT" "1:EACCES" "so does making a directory there"
run "${LL[@]}" -- /probe ls /r
is "$RC" 0 "a directory beneath read is listed"
run "${LL[@]}" -- /probe ls /proc
is "$RC:$OUT" "1:EACCES" "a path in no set is not even read"

# Exec: /probe2 is outside execute.
run "${LL[@]}" -- /probe2 uid
is "$RC" 126 "an exec outside execute fails (exit 126)"
like "$ERR" "^sbx: error: /probe2: cannot execute: Permission denied" "... with EACCES, named"
run "${BASE[@]}" -- /probe2 uid
is "$RC" 0 "without landlock /probe2 runs"

# TCP: the probe listens on both ports first (landlock leaves listening alone), then connects.
run "${BASE[@]}" -- /probe connect-tcp 40001 40002
is "$RC:$(tr '\n' ';' <<<"$OUT")" "0:40001 ok;40002 ok;" "without landlock: both loopback ports connect"
run "${LL[@]}" -- /probe connect-tcp 40001 40002
is "$RC:$(tr '\n' ';' <<<"$OUT")" "1:40001 ok;40002 EACCES;" "connect_tcp: only its port connects, the other fails with EACCES"
run "${LL[@]}" -- /probe bind-tcp 40003
is "$RC:$OUT" "1:EACCES" "bind_tcp: a port not listed can't be bound"
run "${LL[@]}" -- /probe bind-tcp 40002
is "$RC:$OUT" "0:ok" "bind_tcp: a listed port can"

# -v logs the step with its duration.
run "${LL[@]}" -v -- /probe uid
like "$ERR" "^sbx: \[ *[0-9.]+ ms\] +[0-9]+ child  landlock abi=" "-v logs the landlock step with its duration"

# A path that is not inside the sandbox: exit 125, the step's FILE:LINE and the path.
cat >"$T/missing.cfg" <<'EOF'
security = { landlock = {
  read = [ "/r", "/nonexistent" ];
}; };
EOF
run "${BASE[@]}" --profile "$T/missing.cfg" -- /probe uid
is_error_line "a landlock path missing inside the sandbox: exit 125, one error line" \
	"$T/missing.cfg:1: landlock .*No such file or directory \(security.landlock.read: /nonexistent: every path"

# Without no_new_privs, restricting itself takes CAP_SYS_ADMIN in the sandbox's user namespace.
cat >"$T/all.cfg" <<'EOF'
security = { landlock = { execute = [ "/" ]; }; };
EOF
run "${BASE[@]}" --profile "$PROFILES/nnp-off.cfg" --profile "$T/all.cfg" -- /probe write /w/x text
is_error_line "no_new_privs off, no sys_admin: exit 125 and the reason" \
	"$T/all.cfg:1: landlock .*Operation not permitted \(with security.no_new_privs off, Landlock needs CAP_SYS_ADMIN"
run "${BASE[@]}" --profile "$PROFILES/nnp-off.cfg" --profile "$T/all.cfg" \
	--set 'security.capabilities=["sys_admin"]' -- /probe write /w/x text
is "$RC:$OUT" "1:EACCES" "no_new_privs off, sys_admin kept: the ruleset applies (execute only: no write to a writable tmpfs)"

check_no_leftovers
done_testing
