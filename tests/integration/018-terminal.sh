#!/bin/bash
# 018-terminal.sh — the caller's terminal never gets inside, and the relay behaves: no
# terminal of the caller's on the command's fds 0-2 (whatever stdin is), no busy loop while
# stdout is blocked, no output lost to a slow reader, and a stopped command neither hangs sbx
# nor leaves the terminal raw. Driven by python3's pty.
. "$(dirname "$0")/lib.sh"
require_userns

cat >"$T/term.py" <<'PY'
"""term.py MODE ARGV...: run ARGV (sbx) on a new pty as its controlling terminal; print what
happened as key=value lines."""
import array, fcntl, os, select, signal, struct, sys, termios, time

MODE = sys.argv[1]
ARGV = sys.argv[2:]

def report(key, value):
    print("%s=%s" % (key, value), flush=True)

master, slave = os.openpty()
fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 33, 97, 0, 0))

def state():
    """The terminal as the caller sees it: modes, size, line discipline."""
    ld = array.array("i", [0])
    try:
        fcntl.ioctl(slave, termios.TIOCGETD, ld)
        size = struct.unpack("HHHH", fcntl.ioctl(slave, termios.TIOCGWINSZ, b"\0" * 8))[:2]
        return repr((termios.tcgetattr(slave), size, ld[0]))
    except OSError as e:    # another line discipline: no termios any more
        return "broken: %s (line discipline %d)" % (e, ld[0])

def proc_state(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return fields[0], int(fields[11]) + int(fields[12])   # state, utime + stime (ticks)
    except OSError:
        return "gone", 0

def spawn(stdin_tty=True, stdout=None):
    pid = os.fork()
    if pid == 0:
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        os.dup2(slave if stdin_tty else os.open("/dev/null", os.O_RDONLY), 0)
        os.dup2(stdout if stdout is not None else slave, 1)
        os.dup2(slave, 2)
        os.closerange(3, 256)
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        os.execvp(ARGV[0], ARGV)
    return pid

out = b""
def read_master(timeout):
    global out
    r, _, _ = select.select([master], [], [], timeout)
    if r:
        try:
            out += os.read(master, 65536)
        except OSError:
            pass

def wait_exit(pid, timeout):
    end = time.time() + timeout
    while time.time() < end:
        p, st = os.waitpid(pid, os.WNOHANG)
        if p:
            return os.waitstatus_to_exitcode(st)
        read_master(0.05)
    return None

def kill_wait(pid):
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)

def wait_for(text, timeout=10):
    end = time.time() + timeout
    while text.encode() not in out and time.time() < end:
        read_master(0.05)
    return text.encode() in out

def wait_stopped(pid, timeout=5):
    end = time.time() + timeout
    while proc_state(pid)[0] != "T" and time.time() < end:
        read_master(0.05)
    return proc_state(pid)[0] == "T"

before = state()
if MODE in ("mess-null", "mess-tty"):
    # The attack runs with fds 1 and 2 (and 0 for mess-tty) on the caller's terminal.
    if MODE == "mess-null":
        os.write(master, b"typed-ahead\n")
    pid = spawn(stdin_tty=MODE == "mess-tty")
    status = wait_exit(pid, 20)
    if status is None:
        kill_wait(pid)
    read_master(0.2)
    report("status", status)
    report("escaped", "yes" if b"ESCAPED" in out else "no")
    report("held", "yes" if b"held" in out else "no")
    report("unchanged", "yes" if state() == before else "no")
    if MODE == "mess-null":
        os.set_blocking(slave, False)
        try:
            typed = os.read(slave, 100)
        except OSError:
            typed = b""
        report("typed", "kept" if typed == b"typed-ahead\n" else "lost")
elif MODE == "spin":
    # stdout is a pipe nobody reads while the sandbox has closed the pty and sleeps.
    rd, wr = os.pipe()
    pid = spawn(stdout=wr)
    os.close(wr)
    time.sleep(1.0)
    st1, cpu1 = proc_state(pid)
    time.sleep(2.0)
    st2, cpu2 = proc_state(pid)
    report("cpu_ms", (cpu2 - cpu1) * 1000 // os.sysconf("SC_CLK_TCK"))
    got = b""
    while True:
        data = os.read(rd, 65536)
        if not data:
            break
        got += data
    report("bytes", len(got))
    report("status", wait_exit(pid, 20))
elif MODE == "slow":
    # A slow reader on stdout: 1 KiB every 10 ms, and a pause of 3 s near the end, when the
    # command has written everything and exited; through a pipe of one page (what is in the
    # pipe when sbx gives up would still arrive).
    rd, wr = os.pipe()
    fcntl.fcntl(wr, 1031, 4096)  # F_SETPIPE_SZ
    pid = spawn(stdout=wr)
    os.close(wr)
    got = b""
    paused = False
    while True:
        time.sleep(0.01)
        if len(got) >= 195000 and not paused:
            time.sleep(3)
            paused = True
        data = os.read(rd, 1024)
        if not data:
            break
        got += data
    report("bytes", len(got))
    report("tail", repr(got[-18:]))
    report("status", wait_exit(pid, 20))
elif MODE in ("stop-term", "stop-fg"):
    # The command stops (STOP=self: it stops itself; outside: SIGSTOP from here). Then what a shell does: kill %1 (SIGTERM and SIGCONT
    # to the job) or fg (SIGCONT), after which a line is typed for the command's read.
    how = os.environ.get("STOP", "self")
    pid = spawn()
    report("ready", "yes" if wait_for("ready") else "no")
    time.sleep(0.3)
    if how == "outside":
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            os.kill(int(f.read().split()[0]), signal.SIGSTOP)
    stopped = wait_stopped(pid, 3)
    report("sbx_stopped", "yes" if stopped else "no")
    report("restored_while_stopped", "yes" if state() == before else "no")
    if MODE == "stop-term":
        os.killpg(pid, signal.SIGTERM)
    os.killpg(pid, signal.SIGCONT)
    time.sleep(0.3)
    os.write(master, b"go\n")
    status = wait_exit(pid, 3)
    if status is None:
        kill_wait(pid)
    read_master(0.2)
    report("status", status)
    report("resumed", "yes" if b"resumed:go" in out else "no")
    report("restored", "yes" if state() == before else "no")
elif MODE == "alarm":
    # A signal sbx does not forward but that would end it (SIGALRM) while the terminal is raw.
    pid = spawn()
    report("ready", "yes" if wait_for("ready") else "no")
    report("raw", "yes" if state() != before else "no")
    os.kill(pid, signal.SIGALRM)
    status = wait_exit(pid, 5)
    if status is None:
        kill_wait(pid)
    report("status", status)
    report("restored", "yes" if state() == before else "no")
sys.stderr.write(out.decode(errors="replace"))
PY

field() { sed -n "s/^$1=//p" "$T/term.out" | head -1; }
term() {
	SBXT_MARK=$MARK timeout -k 3 60 "$PY" "$T/term.py" "$@" >"$T/term.out" 2>"$T/term.err" </dev/null
}
transcript() {
	diag "driver: $(cat "$T/term.out")"
	diag "transcript: $(tail -c 1500 "$T/term.err" | tr -d '\r')"
}

ATT=(--ro-bind "$ATTACKS/ttymess:/ttymess")

# 4. The caller's terminal on fds 1 and 2 (stdin not a terminal), and on 0-2 where no pty can
# be made (no /dev in mini.cfg, or new_session = false), or as /dev/tty: the attack must
# reach none of it.
for setup in "mess-null:mini" "mess-null:default" "mess-tty:mini" "mess-tty:nosession" \
	"mess-null:nosession"; do
	mode=${setup%%:*} prof=${setup#*:}
	case $prof in
	mini) args=("${MINI[@]}") ;;
	default) args=("${PB[@]}") ;;
	nosession) args=("${PB[@]}" --profile default --profile "$PROFILES/nosession.cfg") ;;
	esac
	# /dev/tty too: without a session of its own the command must have given it up
	term "$mode" "$SBX" "${args[@]}" "${ATT[@]}" -- /ttymess 0 1 2 tty
	what="$mode, $prof"
	is "$(field status)" 0 "ttymess runs ($what)"
	is "$(field escaped)" no "nothing inside changes the caller's terminal ($what)"
	is "$(field unchanged)" yes "the terminal's modes, size and line discipline are unchanged ($what)"
	if [ "$mode" = mess-null ]; then
		is "$(field typed)" kept "what the caller typed ahead is still there ($what)"
	fi
	[ "$(field escaped)" = no ] && [ "$(field unchanged)" = yes ] || transcript
done

# 10. The pty relay: the sandbox closes its pty and sleeps while stdout is blocked: sbx must
# not spin, and nothing is lost once the reader reads.
term spin "$SBX" "${PB[@]}" -- /bin/sh -c \
	'head -c 70000 /dev/zero; exec >/dev/null 2>&1 </dev/null; sleep 4'
cpu=$(field cpu_ms)
if [ -n "$cpu" ] && [ "$cpu" -lt 300 ]; then
	ok "sbx stays idle while stdout is blocked and the pty closed (${cpu} ms CPU in 2 s)"
else
	not_ok "sbx stays idle while stdout is blocked and the pty closed (${cpu:-?} ms CPU in 2 s)"
	transcript
fi
is "$(field bytes)" 70000 "all 70000 bytes reach the late reader"
is "$(field status)" 0 "sbx exits 0 (spin)"

# A slow reader on stdout, which stops reading for 3 s after the command has ended.
term slow "$SBX" "${PB[@]}" -- /bin/sh -c \
	'head -c 199989 /dev/zero | tr "\0" x; printf "\nlast-line-0042\n"'
is "$(field bytes)" 200007 "all 200,005 bytes reach a slow reader (+2 CRs from the pty)"
is "$(field tail)" "b'\\r\\nlast-line-0042\\r\\n'" "the last line arrives"
is "$(field status)" 0 "sbx exits 0 (slow reader)"

# 11. A stopped command: sbx, the terminal's foreground job, stops too, with the caller's
# terminal restored; kill %1 (SIGTERM + SIGCONT) ends it, fg (SIGCONT) resumes it. With an
# init the command stops itself; without one it is pid 1, which only a signal from outside can
# stop and which ignores a SIGTERM it does not trap.
CMD_SELF='echo ready; kill -STOP $$; read x; echo "resumed:$x"'
CMD_WAIT='trap "exit 143" TERM; echo ready; read x; echo "resumed:$x"'
for setup in "self:" "outside:noinit"; do
	how=${setup%%:*} prof=${setup#*:}
	extra=()
	[ -n "$prof" ] && extra=(--profile default --profile "$PROFILES/$prof.cfg")
	cmd=$CMD_WAIT
	[ "$how" = self ] && cmd=$CMD_SELF
	p=" (stopped $how${prof:+, $prof})"
	for mode in stop-term stop-fg; do
		STOP=$how term "$mode" "$SBX" "${PB[@]}" "${extra[@]}" -- /bin/sh -c "$cmd"
		is "$(field ready)" yes "the command starts and its output shows before it stops$p"
		is "$(field sbx_stopped)" yes "sbx stops along with its command$p"
		is "$(field restored_while_stopped)" yes "the caller's terminal is restored while stopped$p"
		if [ "$mode" = stop-term ]; then
			is "$(field status)" 143 "kill %1 (SIGTERM, SIGCONT) ends sbx: 143$p"
		else
			is "$(field resumed)" yes "fg (SIGCONT) resumes the command$p"
			is "$(field status)" 0 "sbx exits 0 after fg$p"
		fi
		is "$(field restored)" yes "the caller's terminal is restored at the end ($mode)$p"
		[ "$(field restored)" = yes ] && [ "$(field sbx_stopped)" = yes ] || transcript
	done
done

# Any ending short of SIGKILL restores the terminal: SIGALRM, which sbx does not forward.
term alarm "$SBX" "${PB[@]}" -- /bin/sh -c 'echo ready; sleep 20'
is "$(field raw)" yes "the caller's terminal is raw while the sandbox's pty is relayed"
is "$(field status)" 142 "SIGALRM ends sbx and the sandbox: 142"
is "$(field restored)" yes "the caller's terminal is restored after SIGALRM"

# Without a terminal at all: a stopped command still ends with SIGTERM to sbx.
SBXT_MARK=$MARK "$PROBE" sigdfl "$SBX" "${MINI[@]}" -- /probe kill-self 19 >"$T/bg.out" 2>&1 </dev/null &
BG=$!
sleep 1
kill -TERM "$BG"
for i in $(seq 40); do kill -0 "$BG" 2>/dev/null || break; sleep 0.05; done
if kill -0 "$BG" 2>/dev/null; then
	not_ok "SIGTERM ends sbx with a stopped command (no terminal)"
	kill -KILL "$BG"
	wait "$BG"
else
	wait "$BG"
	is "$?" 143 "SIGTERM ends sbx with a stopped command (no terminal)"
fi

check_no_leftovers "the terminal runs"
done_testing
