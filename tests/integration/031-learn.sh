#!/bin/bash
# 031-learn.sh — sbx --learn OUT.cfg (issue 11): calls the profile denies fail under it, go
# through under --learn (answered by sbx through a seccomp listener, as root and as a user),
# and go through under the profile --learn wrote, which passes --check; the count line; a
# profile that denies everything but what a shell needs, learned from nothing (the filter's
# base left out); what the plan says; OUT.cfg replaced atomically and never over
# anything but a regular file.
. "$(dirname "$0")/lib.sh"
require_userns

# A profile of the user's, on the default one: a distinctive errno, so a refusal is the
# filter's; io_uring allowed and keyctl denied by name, which OUT.cfg must keep and drop.
cat >"$T/app.cfg" <<'EOF'
include = [ "default" ];
security = { seccomp = {
  errno = "EXDEV";
  allow = [ "@io-uring" ];
  deny = [ "keyctl", "bpf" ];
}; };
EOF
CALLS='/probe sys personality-aslr-off; /probe sys keyctl; /probe sys io_uring_setup'
APP=(--profile "$T/app.cfg" "${PB[@]}")

run "${APP[@]}" -- /bin/sh -c "$CALLS"
is "$OUT" "EXDEV
EXDEV
ok" "under the profile, personality(ADDR_NO_RANDOMIZE) and keyctl are denied"

run "${APP[@]}" --learn "$T/out.cfg" -- /bin/sh -c "$CALLS"
is "$OUT" "ok
ok
ok" "under --learn both go through"
is_rc 0 "--learn: the command's status"
is "$ERR" "sbx: learn: allowed 2 distinct syscalls, written to $T/out.cfg" \
	"--learn says how many syscalls it allowed, and where it wrote them"
text=$(cat "$T/out.cfg" 2>&1)
like "$text" "^include = \[ \"$T/app.cfg\" \];$" "OUT.cfg includes the profile as it was given"
like "$text" '^      "personality" # seen 1 time; a0\.\.a2: \(0x40000, ' \
	"OUT.cfg allows personality, with its count and arguments"
like "$text" '^      "keyctl", # seen 1 time; ' "... and keyctl"
like "$text" "^      \"@io-uring\", # kept from $T/app.cfg:4$" "... and keeps the profile's own allow"
like "$text" "^      # dropped, now allowed: keyctl from $T/app.cfg:5$" \
	"keyctl leaves deny (a name in both lists would conflict)"
like "$text" "^      \"bpf\" # kept from $T/app.cfg:5$" "the rest of deny stays"

run --check --profile "$T/out.cfg"
is_rc 0 "the written profile passes --check"
run --profile "$T/out.cfg" "${PB[@]}" -- /bin/sh -c "$CALLS"
is "$OUT" "ok
ok
ok" "under the written profile the calls go through"
run --profile "$T/out.cfg" "${PB[@]}" -- /probe sys bpf
is "$OUT" EXDEV "... and what it didn't see stays denied"

# Again over the file: replaced through a rename, nothing left beside it.
run "${APP[@]}" --learn "$T/out.cfg" -- /bin/sh -c '/probe sys keyctl; exit 3'
is_rc 3 "--learn passes the command's exit status on"
is "$ERR" "sbx: learn: allowed 1 distinct syscall, written to $T/out.cfg" "... and writes OUT.cfg"
unlike "$(cat "$T/out.cfg")" personality "OUT.cfg was replaced"
is "$(ls -A "$T" | grep -c '^out\.cfg')" 1 "no temporary file is left"

# ---- the command line's settings ------------------------------------------------------------
# OUT.cfg includes every --profile in order and carries the --set and shortcut values, so it
# is the policy that was learned.
printf 'hostname = "two";\n' >"$T/two.cfg"
run "${APP[@]}" --profile "$T/two.cfg" --set 'security.seccomp.deny_action="kill"' \
	--set security.seccomp.errno=EACCES --hostname learned --learn "$T/set-out.cfg" -- /probe sys keyctl
is "$OUT" ok "--learn with --set: the call goes through"
text=$(cat "$T/set-out.cfg" 2>&1)
like "$text" "^include = \[ \"$T/app.cfg\", \"$T/two.cfg\" \];$" "OUT.cfg includes both profiles, in order"
like "$text" '^#   --set security.seccomp.deny_action="kill"$' "... names the --set it carries"
like "$text" '^    deny_action = "kill";$' "... and carries it"
run --check --profile "$T/set-out.cfg"
is_rc 0 "that OUT.cfg passes --check"
run --profile "$T/set-out.cfg" "${PB[@]}" -- /probe sys bpf
is_rc 159 "under it, what was not seen is killed: the --set deny_action came along"
run --profile "$T/set-out.cfg" "${PB[@]}" -- /probe hostname
is "$OUT" learned "... and --hostname's value"
run --profile "$T/set-out.cfg" "${PB[@]}" -- /probe sys keyctl
is "$OUT" ok "... while what was learned goes through"

# ---- learned from nothing ---------------------------------------------------------------
# Everything denied but the filter's base (execve, exit_group, ...: sbx.cfg(5)), which is not
# learned; sbx's own setup makes no other call after the filter.
printf 'include = [ "default" ];\nsecurity = { seccomp = { default_action = "errno"; }; };\n' \
	>"$T/nothing.cfg"
SH='echo hello; ls / >/dev/null && echo listed'
run --profile "$T/nothing.cfg" -- /bin/sh -c "$SH"
isnt "$RC" 0 "a profile that denies every call can't start a shell ($RC)"
run --profile "$T/nothing.cfg" --learn "$T/nothing-out.cfg" -- /bin/sh -c "$SH"
is "$OUT" "hello
listed" "--learn runs it"
like "$ERR" "^sbx: learn: allowed [0-9]+ distinct syscalls, written to $T/nothing-out.cfg$" \
	"... and counts what it allowed"
text=$(cat "$T/nothing-out.cfg" 2>&1)
for call in write getdents64; do
	like "$text" "^      \"$call\",? # seen" "the learned profile allows $call"
done
unlike "$text" '"sendmsg"' "sbx's own passing of the listener is not learned"
unlike "$text" '"(execve|exit_group|close_range)"' "nor the filter's base"
run --check --profile "$T/nothing-out.cfg"
is_rc 0 "... and passes --check"
run --profile "$T/nothing-out.cfg" -- /bin/sh -c "$SH"
is "$OUT" "hello
listed" "the learned profile runs the shell"

# ---- the plan --------------------------------------------------------------------------------
run "${APP[@]}" --learn "$T/out.cfg" --plan -- /bin/true
like "$OUT" "child  seccomp .* learn=notify  #" "--plan: the seccomp step notifies"
like "$OUT" "parent seccomp-learn listener=from-seccomp answer=continue$" \
	"--plan: sbx answers the listener"
like "$OUT" "parent learn-write out=$T/out.cfg include=$T/app.cfg$" "--plan: where OUT.cfg goes"

# ---- refusals ----------------------------------------------------------------------------
mkdir "$T/a-dir.cfg"
run "${APP[@]}" --learn "$T/a-dir.cfg" -- /bin/sh -c 'echo ran'
is_rc 125 "OUT.cfg that is a directory: refused"
is "$OUT" "" "... before the command runs"
like "$ERR" "^sbx: error: --learn $T/a-dir.cfg: exists and is not a regular file; not replaced$" \
	"... with a sentence"
ln -s out.cfg "$T/link.cfg"
run "${APP[@]}" --learn "$T/link.cfg" -- /bin/true
is_rc 125 "OUT.cfg that is a symlink: refused"
check "... and the symlink stays" test -L "$T/link.cfg"
run "${APP[@]}" --learn "$T/app.cfg" -- /bin/true
is_rc 125 "OUT.cfg that is the profile it would include: refused"
printf 'include = [ "default" ];\nsecurity = { seccomp = { preset = "none"; }; };\n' >"$T/none.cfg"
run --profile "$T/none.cfg" --learn "$T/n.cfg" -- /bin/true
is_rc 125 "a profile with no seccomp filter: nothing to learn"
like "$ERR" "--learn: the profiles ask for no seccomp filter" "... says so"

check_no_leftovers "the learn runs"
done_testing
