#!/bin/bash
# 030-seccomp.sh — security.seccomp for real (issue 11): under the default preset each call the
# issue lists is denied as configured while ordinary programs (sh, python3 with sockets,
# threads and subprocesses, gcc compiling and running a file, coreutils) run; the actions
# (kill -> 159, trap -> a SIGSYS handler, errno by name); an argument rule; calls through
# another architecture's entry are killed; TIOCSTI on the sandbox's own terminal; --plan,
# --plan=bpf and --list-seccomp; bad input at FILE:LINE.
. "$(dirname "$0")/lib.sh"
require_userns

# profile NAME BODY: $T/NAME.cfg, the default profile with security.seccomp = { BODY }.
profile() {
	printf 'include = [ "default" ];\nsecurity = { seccomp = {\n%s\n}; };\n' "$2" >"$T/$1.cfg"
}

# ---- the default preset ------------------------------------------------------------------
# A distinctive errno, so a refusal is the filter's and not the kernel's own EPERM.
profile exdev 'preset = "default"; errno = "EXDEV";'
for call in mount unshare-user setns keyctl bpf perf_event_open userfaultfd kexec_load \
	ptrace-sibling io_uring_setup clock_settime clone-newuser personality-aslr-off; do
	run --profile "$T/exdev.cfg" "${PB[@]}" -- /probe sys "$call"
	is "$OUT" EXDEV "preset: $call is denied with the configured errno"
done
run --profile "$T/exdev.cfg" "${PB[@]}" -- /probe sys clone3
is "$OUT" ENOSYS "preset: clone3 gets ENOSYS, whatever errno says (libc falls back to clone)"
run --profile "$T/exdev.cfg" -- /bin/sh -c 'unshare -U true; echo "rc=$?"'
like "$ERR" 'unshare failed: Invalid cross-device link' "preset: unshare -U is refused"
is "$OUT" rc=1 "preset: unshare -U fails"

# The same calls get another answer without the filter: the errno above is the filter's.
profile none 'preset = "none";'
run --profile "$T/none.cfg" "${PB[@]}" -- /probe sys keyctl
isnt "$OUT" EXDEV "without the preset, keyctl is not refused with EXDEV ($OUT)"

# The built-in default profile has the preset on, with deny_action errno EPERM.
run "${PB[@]}" -- /probe sys mount
is "$OUT" EPERM "the default profile denies mount (EPERM)"
run "${PB[@]}" -- /probe sys io_uring_setup
is "$OUT" EPERM "the default profile denies io_uring_setup"
profile uring 'preset = "default"; allow = [ "@io-uring" ];'
run --profile "$T/uring.cfg" "${PB[@]}" -- /probe sys io_uring_setup
is "$OUT" ok "allow = [ \"@io-uring\" ] brings io_uring back"

# ---- ordinary programs under the preset ----------------------------------------------------
run -- /bin/sh -c 'x=$(echo a b | wc -w); ls / >/dev/null && cat /etc/hostname >/dev/null 2>&1;
	printf "%s\n" 3 1 2 | sort | tr -d "\n"; echo " $x $(date +%Y | cut -c1-2)"'
is "$OUT" "123 2 20" "sh and coreutils run under the default preset"

cat >"$T/ordinary.py" <<'PY'
import socket, subprocess, threading
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(("127.0.0.1", 0))
srv.listen(1)
got = []
def serve():
    c, _ = srv.accept()
    got.append(c.recv(16))
    c.close()
t = threading.Thread(target=serve)
t.start()
cl = socket.create_connection(srv.getsockname())
cl.sendall(b"over-tcp")
cl.close()
t.join()
a, b = socket.socketpair()
a.sendall(b"over-unix")
out = subprocess.run(["/bin/echo", "child"], capture_output=True, text=True).stdout.strip()
print(got[0].decode(), b.recv(16).decode(), out)
PY
run --ro-bind "$T/ordinary.py:/ordinary.py" -- /usr/bin/python3 /ordinary.py
is "$OUT" "over-tcp over-unix child" "python3: TCP on loopback, a thread, a socketpair, a subprocess"

run --cwd /tmp -- /bin/sh -c 'printf "#include <stdio.h>\nint main(void){puts(\"compiled\");return 0;}\n" >t.c &&
	gcc -O1 -o t t.c && ./t'
is "$OUT" compiled "gcc compiles a file and it runs, under the default preset"

# ---- actions ------------------------------------------------------------------------------
profile kill 'deny = [ "getppid" ]; deny_action = "kill";'
run --profile "$T/kill.cfg" "${PB[@]}" -- /probe sys getppid
is_rc 159 "deny_action = \"kill\": the command dies of SIGSYS, exit 159"
profile trap 'deny = [ "getppid" ]; deny_action = "trap";'
run --profile "$T/trap.cfg" "${PB[@]}" -- /probe sigsys getppid
like "$OUT" "^sigsys caught syscall=$(printf '%d' 110)$" "deny_action = \"trap\": a SIGSYS handler runs"
profile eacces 'preset = "default"; errno = "EACCES";'
run --profile "$T/eacces.cfg" "${PB[@]}" -- /probe sys bpf
is "$OUT" EACCES "errno = \"EACCES\" is what a denied call returns"

# ---- a default that denies: the base sbx adds -----------------------------------------------
# What the static probe needs for `sys getppid`, and not execve or exit_group: sbx adds those.
probe_needs='"@file-system", "write", "brk", "mprotect", "arch_prctl", "set_tid_address",
  "set_robust_list", "prlimit64", "getrandom", "rseq", "getppid"'
profile strict "default_action = \"errno\"; errno = \"EXDEV\"; allow = [ $probe_needs ];"
run --profile "$T/strict.cfg" "${PB[@]}" -- /probe sys getppid
is "$OUT" ok "default_action = \"errno\" with an allow list enough for the probe: it runs"
run --profile "$T/strict.cfg" "${PB[@]}" -- /probe sys keyctl
is "$OUT" EXDEV "... and what the list leaves out gets the default action"
profile strictkill "default_action = \"kill_process\"; allow = [ $probe_needs ];"
run -v --profile "$T/strictkill.cfg" "${PB[@]}" -- /probe sys getppid
is "$OUT" ok "default_action = \"kill_process\": the probe runs (and -v's records don't kill it)"
like "$ERR" "child  seccomp default=kill_process base=execve,execveat,exit,exit_group,rt_sigreturn,close_range " \
	"-v logs the seccomp step with its base"
run --profile "$T/strictkill.cfg" "${PB[@]}" -- /nosuch
is_rc 127 "under a killing default, a command that is not there: exit 127"
is "$ERR" "sbx: error: /nosuch: command not found in the sandbox" "... said as without a filter"
profile denyall 'default_action = "errno";'
run --profile "$T/denyall.cfg" -- /bin/true
unlike "$ERR" "enter-ids|sandbox process died" "nothing allowed: the command starts, no setup step is blamed"
[ "$RC" != 0 ] && [ "$RC" != 125 ] && ok "... and sbx exits with the command's own failure ($RC)" ||
	not_ok "... and sbx exits with the command's own failure (got $RC)"
run --plan --profile "$T/denyall.cfg" -- /bin/true
like "$OUT" "child  seccomp default=errno\(EPERM\) base=execve,execveat,exit,exit_group,rt_sigreturn,close_range deny_action" \
	"--plan shows the base"
like "$OUT" "preset=default@builtin:default.cfg:[0-9]+ other_arch=kill_process  # $T/denyall.cfg:3$" \
	"... on the line of the default_action that made it deny, the included preset at its own"
run --plan --profile "$T/denyall.cfg" --set 'security.seccomp.deny_action="kill"' -- /bin/true
like "$OUT" "child  seccomp default=errno\(EPERM\)@$T/denyall.cfg:3 .* deny_action=kill .*  # --set security.seccomp.deny_action=\"kill\"$" \
	"a --set of deny_action after it: the step names the --set, default_action keeps its line"
printf 'include = [ "default" ];\nsecurity = { seccomp = {\n  default_action = "errno";\n  deny = [ "read",\n    "execve" ];\n}; };\n' >"$T/denyexec.cfg"
run --check --profile "$T/denyexec.cfg"
like "$ERR" "^$T/denyexec.cfg:5: error: security.seccomp.deny\[1\]: \"execve\" can't be denied: the command could never start" \
	"deny naming execve is an error at its line"
run --profile "$T/denyexec.cfg" -- /bin/true
is_rc 125 "... and the run is refused"

# A child that dies in a setup step is blamed on that step, not on the first one: strace kills
# it at the step's syscall (sethostname: the hostname step; setsid: the command's new-session).
if command -v strace >/dev/null; then
	for c in "sethostname hostname" "setsid new-session"; do
		set -- $c
		SBXT_MARK=$MARK timeout -k 3 20 strace -f -qq -o /dev/null -e trace="$1" \
			-e inject="$1":signal=SIGKILL:when=1 "$SBX" -- /bin/true >"$T/.out" 2>"$T/.err" </dev/null
		RC=$? ERR=$(cat "$T/.err")
		is_rc 125 "killed in the $2 step: exit 125"
		like "$ERR" "^sbx: error: ([^ ]*: )?$2 .*: the sandbox process died" "... and the message names the $2 step"
	done
else
	not_ok "strace(1) is needed to kill the sandbox in a chosen step"
fi

# ---- an argument rule ---------------------------------------------------------------------
profile rule 'preset = "default";
rules = ( { syscall = "socket"; action = "errno"; errno = "EAFNOSUPPORT"; args = [ "a0 == 2" ]; } );'
run --profile "$T/rule.cfg" "${PB[@]}" -- /probe sys socket-inet
is "$OUT" EAFNOSUPPORT "a rule denies socket(AF_INET, ...)"
run --profile "$T/rule.cfg" "${PB[@]}" -- /probe sys socket-unix
is "$OUT" ok "the same rule lets socket(AF_UNIX, ...) through"

# ---- other architectures --------------------------------------------------------------------
FA=(--ro-bind "$ATTACKS/foreign-arch:/fa")
run "${FA[@]}" -- /fa x32
is_rc 159 "an x32 syscall (nr | 0x40000000) is killed"
unlike "$OUT" ESCAPED "the x32 call never ran"
host=$("$ATTACKS/foreign-arch" i386 2>/dev/null)
if [[ $host == ESCAPED* ]]; then
	run "${FA[@]}" -- /fa i386
	is_rc 159 "a 32-bit syscall through int \$0x80 is killed"
	unlike "$OUT" ESCAPED "the i386 call never ran"
else
	skip "a 32-bit syscall through int \$0x80 is killed" \
		"int \$0x80 faults outside any sandbox here: the kernel runs no IA32 syscalls"
fi

# ---- TIOCSTI on a terminal ----------------------------------------------------------------
# script(1) gives sbx a terminal, so the sandbox gets a pty of its own: TIOCSTI on it.
if command -v script >/dev/null; then
	# Only the probe's word: the pty may echo a control character before it (seen: "^@").
	out=$(SBXT_MARK=$MARK timeout -k 3 20 script -qec "$SBX ${PB[*]} -- /probe tiocsti x" /dev/null </dev/null | tr -d '\r\0' | grep -Eo 'ok|E[A-Z]+' | head -1)
	is "$out" EPERM "TIOCSTI on the sandbox's terminal is denied by the preset"
	out=$(SBXT_MARK=$MARK timeout -k 3 20 script -qec "$SBX --profile $T/none.cfg ${PB[*]} -- /probe tiocsti x" /dev/null </dev/null | tr -d '\r\0' | grep -Eo 'ok|E[A-Z]+' | head -1)
	isnt "$out" EPERM "without the preset TIOCSTI gets another answer (${out:-nothing})"
else
	not_ok "script(1) is needed to give sbx a terminal"
fi

# ---- the plan, the program, the list --------------------------------------------------------
run --profile "$T/rule.cfg" --plan -- /bin/true
like "$OUT" "child  seccomp default=allow deny_action=errno\(EPERM\) insns=[0-9]+ preset=default rules=socket\(a0==2\)=errno\(EAFNOSUPPORT\)@$T/rule.cfg:4 other_arch=kill_process  # $T/rule.cfg:3" \
	"--plan shows the filter, its size and each rule's line"
last=$(grep -E '^ *[0-9]+ child ' <<<"$OUT" | tail -2 | awk '{print $3}' | tr '\n' ' ')
is "$last" "seccomp exec " "seccomp is the last step before exec"
n=$("$SBX" --plan=bpf -- /bin/true | wc -c)
insns=$("$SBX" --plan -- /bin/true | sed -n 's/.* seccomp .*insns=\([0-9]*\).*/\1/p')
is "$n" "$((insns * 8))" "--plan=bpf writes the program: insns x 8 bytes ($n)"
run --profile "$T/none.cfg" --plan=bpf -- /bin/true
is_rc 125 "--plan=bpf without a filter exits 125"
like "$ERR" "asks for no seccomp filter" "... and says why"
run --list-seccomp
like "$OUT" '^  @io-uring +io_uring is a frequent escape path' "--list-seccomp lists the preset's reasons"
like "$OUT" '^  @namespaces +' "--list-seccomp lists the groups"

# ---- bad input -----------------------------------------------------------------------------
printf 'security = { seccomp = {\n  deny = [ "ptrace",\n    "frobnicate" ];\n  allow = [ "@nosuch" ];\n  rules = ( { syscall = "socket"; args = [ "a7 == 1" ]; },\n    { syscall = "read"; args = [ "a0 === 1" ]; } );\n}; };\n' >"$T/bad.cfg"
run --check --profile "$T/bad.cfg"
is_rc 1 "--check refuses bad seccomp settings"
like "$ERR" "^$T/bad.cfg:5: error: .*a7" "an argument index out of range, at its line"
like "$ERR" "^$T/bad.cfg:6: error: .*a0 === 1" "bad condition syntax, at its line"
printf 'security = { seccomp = {\n  deny = [ "ptrace",\n    "frobnicate" ];\n  allow = [ "@nosuch" ];\n}; };\n' >"$T/bad2.cfg"
run --check --profile "$T/bad2.cfg"
like "$ERR" "^$T/bad2.cfg:3: error: security.seccomp.deny\[1\]: \"frobnicate\" is no syscall" \
	"an unknown syscall, at its line"
like "$ERR" "^$T/bad2.cfg:4: error: security.seccomp.allow\[0\]: \"@nosuch\" is no group" \
	"an unknown group, at its line"
printf 'security = { seccomp = {\n  allow = [ "ptrace" ];\n  deny = [ "bpf",\n    "ptrace" ];\n}; };\n' >"$T/bad3.cfg"
run --profile "$T/bad3.cfg" -- /bin/true
is_rc 125 "conflicting actions: the run is refused"
like "$ERR" "^sbx: error: $T/bad3.cfg:4: security.seccomp.deny: conflicting actions" \
	"conflicting actions, at the deny entry's line"

check_no_leftovers "the seccomp runs"
done_testing
