#!/bin/bash
# 012-tty.sh — interactive use: with a terminal on stdin, the sandbox gets a pty of its own
# (job control, window size relayed), the caller's terminal mode comes back afterwards, and
# TIOCSTI from inside can't push input into the caller's terminal. Driven by python3's pty.
. "$(dirname "$0")/lib.sh"
require_userns

cat >"$T/driver.py" <<'PY'
"""Run argv on a new pty; feed it lines; print what happened as key=value lines."""
import fcntl, os, re, select, struct, sys, termios, time

def set_size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

master, slave = os.openpty()
set_size(master, 33, 97)
pid = os.fork()
if pid == 0:
    os.setsid()
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    for i in range(3):
        os.dup2(slave, i)
    os.close(master)
    os.close(slave)
    os.execvp(sys.argv[2], sys.argv[2:])
os.close(slave)
buf = b""
eof = False

def read_some(timeout):
    global buf, eof
    r, _, _ = select.select([master], [], [], timeout)
    if not r:
        return
    try:
        data = os.read(master, 4096)
    except OSError:
        data = b""
    if not data:
        eof = True
    buf += data

def expect(pattern, timeout=10.0, start=0):
    """Wait until pattern appears in the output after offset start; return the match."""
    end = time.time() + timeout
    while True:
        m = re.search(pattern.encode(), buf[start:])
        if m or eof or time.time() > end:
            return m
        read_some(0.1)

def send(text):
    os.write(master, text.encode())

def report(key, value):
    print("%s=%s" % (key, value if isinstance(value, str) else value.decode(errors="replace")))

def command(text, pattern):
    """Type one line at the prompt, return the match of pattern in what follows; wait for
    the next prompt so typed-ahead input never mixes with the output."""
    mark = len(buf)
    send(text + "\n")
    m = expect(r"(?:^|\n|[$#] )" + pattern + r"\r?\n", 5, mark)
    expect(r"[$#] $", 5, mark + len(text))
    return m

if sys.argv[1] == "shell":
    report("prompt", "yes" if expect(r"[$#] $", 10) else "no")
    report("answer", "yes" if command("echo $((6*7))", r"42") else "no")
    m = command("tty", r"(/dev/[^\r\n]*)")
    report("tty", m.group(1) if m else "none")
    m = command("stty size", r"(\d+ \d+)")
    report("size1", m.group(1) if m else "none")
    set_size(master, 40, 100)
    time.sleep(0.3)
    m = command("stty size", r"(\d+ \d+)")
    report("size2", m.group(1) if m else "none")
    m = command("/probe sid", r"(\d+) (\d+) (-?\d+)")
    report("jobctl", ("yes" if m.group(2) == m.group(3) else "no " + m.group(0).strip().decode())
           if m else "none")
    send("exit 7\n")
elif sys.argv[1] == "tiocsti":
    # The caller's shell runs sbx, then reads one line from the caller's terminal.
    report("probe", (expect(r"\n?(ok|E[A-Z]+)\r?\n", 10) or [b"", b"none"])[1])
    expect(r"waiting-for-line", 10)
    time.sleep(0.3)
    send("clean\n")
    m = expect(r"after:\[(.*?)\]", 5)
    report("after", m.group(1) if m else "none")
    m = expect(r"restored=(\w+)", 5)
    report("restored", m.group(1) if m else "none")
end = time.time() + 10
while not eof and time.time() < end:
    read_some(0.1)
_, status = os.waitpid(pid, 0)
report("status", str(os.waitstatus_to_exitcode(status)))
sys.stderr.write(buf.decode(errors="replace"))
PY

# field KEY: one key=value line of the driver's output.
field() { sed -n "s/^$1=//p" "$T/drv.out" | head -1; }

drive() {
	SBXT_MARK=$MARK timeout -k 3 40 "$PY" "$T/driver.py" "$@" >"$T/drv.out" 2>"$T/drv.err" </dev/null
}
transcript() {
	diag "driver: $(cat "$T/drv.out")"
	diag "transcript: $(tail -c 1500 "$T/drv.err" | tr -d '\r')"
}

# An interactive shell in the default profile.
drive shell "$SBX" "${PB[@]}" -- /bin/sh -i
is "$(field prompt)" yes "an interactive shell prompts"
is "$(field answer)" yes "the shell evaluates echo \$((6*7)) -> 42"
like "$(field tty)" '^/dev/pts/[0-9]+$' "the shell's tty is a /dev/pts/N inside"
is "$(field size1)" "33 97" "the sandbox's terminal starts with the caller's window size"
is "$(field size2)" "40 100" "a window size change is relayed"
is "$(field jobctl)" yes "the shell has job control (its job is the terminal's foreground group)"
is "$(field status)" 7 "exit 7 from the shell is sbx's exit status"
[ "$(field status)" = 7 ] || transcript

# TIOCSTI from inside must not reach the caller's terminal.
caller='before=$(stty -g)
"$0" "$@"
after=$(stty -g)
[ "$before" = "$after" ] && echo restored=yes || echo restored=no
echo waiting-for-line
IFS= read -r line
echo "after:[$line]"'
drive tiocsti /bin/sh -c "$caller" "$SBX" "${PB[@]}" -- /probe tiocsti
like "$(field probe)" '^(ok|E[A-Z]+)$' "the probe ran TIOCSTI inside ($(field probe))"
is "$(field after)" clean "TIOCSTI inside does not inject into the caller's terminal"
is "$(field restored)" yes "the caller's terminal mode is restored after sbx exits"
[ "$(field after)" = clean ] || transcript

# Without a terminal on stdin there is none inside either.
run "${MINI[@]}" -- /probe isatty
is "$OUT" no "stdin not a terminal: none inside"

check_no_leftovers "the tty runs"
done_testing
