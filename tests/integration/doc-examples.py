#!/usr/bin/env python3
r"""doc-examples.py — run every example of README.md, man/sbx.1 and man/sbx.cfg.5, so the
docs can't drift from what sbx does. Run by 023-doc-examples.sh (as root and as a user); by
hand from the repo:

    python3 tests/integration/doc-examples.py [--sbx ./sbx] [--list] [DOC...]

Prints one "ok - ..." or "not ok - ..." line per example (TAP without numbers, which the
wrapper adds), "# ..." diagnostics, and exits 1 when an example failed.

WHAT AN EXAMPLE IS
  README.md: every indented code block (four spaces) and every ``` block.
  man pages: every .EX ... .EE block (roff escapes undone: \- is -, \(dq is ", \e is \).
An example block is one of:
  a session   lines starting "$ " are commands, the lines below each one its expected output
              (standard output and error as a terminal shows them). "$ sudo CMD" is CMD run
              by root: in the root pass only (the user pass lists it as run by root only).
              "$ cat NAME" of a relative NAME that doesn't exist yet creates NAME from the
              lines shown, so a file shown by cat is the set-up of the commands after it.
  commands    no "$ " line and no directive below: each line (a trailing \ continues it) is
              an sbx command line ("sbx ..." or "./sbx ...", anything else is an error, so no
              other command runs unannounced); it must exit 0 (or the status directive's);
              the doc shows no output, so none is compared.
How the text is compared: tabs are expanded and runs of blanks count as one blank, leading
and trailing blanks don't count; a line "..." stands for any number of lines (an excerpt);
in a man page, an italic word (\fIWORD\fP) stands for any text (a format, not an example).

WHERE IT RUNS
  Each document gets a fresh directory, the working directory of all its examples in order
  (files one example makes are there for the next). It holds ./sbx (the sbx under test), and
  profiles/ (the source tree's); "sbx" is on PATH; HOME is an empty directory there;
  SBX_PROFILE_PATH names a directory with the shipped profiles but default.cfg, so
  "--profile shell" is found by name as after `make install` while "default" stays the
  built-in one. The environment is LANG=C.UTF-8 and TERM=xterm, in that order. Standard
  input is /dev/null, unless the tty directive gives a terminal. Nothing is made outside
  the directory: a host path an example needs is mapped into it (see map).

DIRECTIVES
  Comments right before the block (they add up): <!-- doc-example: D; D; ... --> in
  Markdown, .\" doc-example: D; D; ... in roff. D is one of:
  skip REASON       not run; REASON says why (listed as "not run" in the output). Rare.
  as-user           the doc shows an ordinary user's run: as root, it runs as 65534 (nobody).
                    The doc writes the ordinary user's uid and gid as 1000: the caller's are
                    replaced by 1000 in the output before comparing.
  tty               standard input, output and error are a terminal (80x24).
  status N          the exit status of a commands block, output-of or excerpt-of (default 0).
  map PATH          PATH (a host directory the doc uses, like /srv/www) is a fresh directory
                    in the document's directory, mode 0777, from here to the document's end:
                    commands and files use it, and it is shown as PATH again in the output.
  file NAME         the block is the text of file NAME (made in the directory); NAME.cfg
                    must pass `sbx --check`.
  text-of FILE [without KEY...]   the block is FILE of the source tree, without comments,
                    blank lines and the (one-line) settings KEY: compared as a stream of
                    words, so line breaks and alignment may differ.
  setup CMD         run CMD (a shell line; the rest of the directive) before the block.
  output-of CMD     the block is the whole output of the shell line CMD (rest of directive).
  excerpt-of CMD    the block is a part of it: consecutive lines, anywhere in the output.
setup, output-of, excerpt-of and skip take the rest of the comment, semicolons included,
so they come last.

BESIDES THE EXAMPLES
  - every option `sbx --help` lists has an entry in sbx(1)'s OPTIONS, and back; every option
    sbx(1), sbx.cfg(5) and the README's sbx command lines name is one that --help lists;
  - the steps of real plans come in the order of sbx(1)'s list in THE PLAN ("always come in
    this order"), and each of them is in that list.
"""

import argparse
import difflib
import fcntl
import json
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time

DOCS = ["README.md", "man/sbx.1", "man/sbx.cfg.5"]
DOC_UID = "1000"   # an ordinary user's uid and gid, as the docs write them
NOBODY = 65534     # who runs the as-user examples when the checker is root
TIMEOUT = 60       # seconds for one command
ELLIPSIS = object()

failed = 0


def emit_ok(desc):
    print("ok - " + desc, flush=True)


def emit_not_ok(desc, diag=""):
    global failed
    failed = 1
    print("not ok - " + desc, flush=True)
    for line in diag.rstrip("\n").split("\n") if diag else []:
        print("#   " + line, flush=True)


def note(text):
    print("# " + text, flush=True)


# ---- extraction -----------------------------------------------------------------------------

class Block:
    def __init__(self, doc, line, lines, directives, dline, roff):
        self.doc = doc            # "README.md"
        self.line = line          # line number of the block's first line
        self.lines = lines        # [(line number, text, regex source)]
        self.directives = directives
        self.dline = dline        # line of the directive comment (or None)
        self.roff = roff

    def where(self, n=None):
        return "%s:%d" % (self.doc, n if n is not None else self.line)


ROFF_NAMED = {"dq": '"', "rs": "\\", "ti": "~", "ha": "^", "aq": "'", "em": "\u2014",
              "en": "\u2013", "bu": "\u2022", "lq": "\u201c", "rq": "\u201d"}
PLACEHOLDER = "\x00"


def roff_text(s, placeholders=False):
    """One line of roff text as displayed. With placeholders, italic runs become PLACEHOLDER."""
    out = []
    italic = False
    i = 0
    while i < len(s):
        c = s[i]
        if c != "\\":
            if not (placeholders and italic):
                out.append(c)
            i += 1
            continue
        nxt = s[i + 1] if i + 1 < len(s) else ""
        if nxt == "f":
            font = s[i + 2:i + 3]
            if font == "(":
                font = s[i + 3:i + 5]
                i += 5
            else:
                i += 3
            now_italic = font in ("I", "BI")
            if placeholders and now_italic and not italic:
                out.append(PLACEHOLDER)
            italic = now_italic
            continue
        if nxt == "(":
            name = s[i + 2:i + 4]
            ch = ROFF_NAMED.get(name, "?")
            i += 4
        elif nxt == "[":
            end = s.index("]", i)
            ch = ROFF_NAMED.get(s[i + 2:end], "?")
            i = end + 1
        elif nxt in ("-", "e", "\\"):
            ch = {"-": "-", "e": "\\", "\\": "\\"}[nxt]
            i += 2
        elif nxt in ("&", "|", "^", ")", ""):
            ch = ""
            i += 2
        elif nxt == " ":
            ch = " "
            i += 2
        elif nxt == "c":
            ch = ""
            i += 2
        else:
            ch = nxt
            i += 2
        if not (placeholders and italic):
            out.append(ch)
    return "".join(out)


def norm(s):
    """A line as compared: tabs expanded, runs of blanks as one, no blanks at either end."""
    return re.sub(r"[ \t]+", " ", s.expandtabs(8)).strip()


def line_regex(text):
    """The regex of an expected line; PLACEHOLDER stands for any text."""
    return ".+?".join(re.escape(part) for part in norm(text).split(PLACEHOLDER))


def parse_directives(text, where):
    """'as-user; tty; setup make x; y' -> list of (name, arg)."""
    out = []
    rest = text.strip()
    while rest:
        m = re.match(r"(skip|setup|output-of|excerpt-of)\b:?\s*(.*)$", rest, re.S)
        if m:
            out.append((m.group(1), m.group(2).strip()))
            break
        item, _, rest = rest.partition(";")
        rest = rest.strip()
        item = item.strip()
        if not item:
            continue
        name, _, arg = item.partition(" ")
        if name not in ("as-user", "tty", "status", "map", "file", "text-of"):
            raise SystemExit("%s: doc-example: unknown directive %r" % (where, name))
        out.append((name, arg.strip()))
    return out


def add_pending(pending, text, doc, n):
    """Directive comments before one block add up; the block names the first one's line."""
    ds = parse_directives(text, "%s:%d" % (doc, n))
    return (pending[0] + ds, pending[1]) if pending else (ds, n)


MD_MARK = re.compile(r"^\s*<!--\s*doc-example:(.*?)-->\s*$")
ROFF_MARK = re.compile(r'^\.\\"\s*doc-example:(.*)$')


def extract_markdown(doc, text):
    lines = text.split("\n")
    blocks = []
    pending = None
    i = 0
    while i < len(lines):
        ln = lines[i]
        m = MD_MARK.match(ln)
        if m:
            pending = add_pending(pending, m.group(1), doc, i + 1)
            i += 1
            continue
        if ln.startswith("```"):
            j = i + 1
            body = []
            while j < len(lines) and not lines[j].startswith("```"):
                body.append((j + 1, lines[j], None))
                j += 1
            blocks.append(Block(doc, i + 2, body, *(pending or ([], None)), roff=False))
            pending = None
            i = j + 1
            continue
        if ln.startswith("    ") and (i == 0 or lines[i - 1].strip() == "" or MD_MARK.match(lines[i - 1])):
            j = i
            body = []
            while j < len(lines) and (lines[j].startswith("    ") or lines[j].strip() == ""):
                body.append((j + 1, lines[j][4:], None))
                j += 1
            while body and body[-1][1].strip() == "":
                body.pop()
            blocks.append(Block(doc, i + 1, body, *(pending or ([], None)), roff=False))
            pending = None
            i = j
            continue
        i += 1
    if pending:
        raise SystemExit("%s:%d: doc-example comment before no example" % (doc, pending[1]))
    return blocks


def extract_roff(doc, text):
    lines = text.split("\n")
    blocks = []
    pending = None
    i = 0
    while i < len(lines):
        ln = lines[i]
        m = ROFF_MARK.match(ln)
        if m:
            pending = add_pending(pending, m.group(1), doc, i + 1)
        elif ln.strip() == ".EX":
            j = i + 1
            body = []
            while j < len(lines) and lines[j].strip() != ".EE":
                raw = lines[j]
                if raw.startswith(".") or raw.startswith("'"):
                    raise SystemExit("%s:%d: a request inside .EX" % (doc, j + 1))
                body.append((j + 1, roff_text(raw), line_regex(roff_text(raw, placeholders=True))))
                j += 1
            blocks.append(Block(doc, i + 2, body, *(pending or ([], None)), roff=True))
            pending = None
            i = j
        i += 1
    if pending:
        raise SystemExit("%s:%d: doc-example comment before no example" % (doc, pending[1]))
    return blocks


def extract(repo, doc):
    with open(os.path.join(repo, doc), encoding="utf-8") as f:
        text = f.read()
    return extract_roff(doc, text) if doc.startswith("man/") else extract_markdown(doc, text)


# ---- running ----------------------------------------------------------------------------------

class Ctx:
    """One document's directory and what its examples share."""

    def __init__(self, args, doc):
        self.args = args
        self.dir = os.path.join(args.work, doc.replace("/", "_"))
        self.maps = []  # (doc path, real path)
        os.makedirs(self.dir)
        os.chmod(self.dir, 0o777)
        os.symlink(args.sbx, os.path.join(self.dir, "sbx"))
        os.makedirs(os.path.join(self.dir, "bin"))
        os.symlink(args.sbx, os.path.join(self.dir, "bin", "sbx"))
        os.symlink(os.path.join(args.repo, "profiles"), os.path.join(self.dir, "profiles"))
        os.makedirs(os.path.join(self.dir, "home"), 0o777)
        os.chmod(os.path.join(self.dir, "home"), 0o777)
        self.ppath = os.path.join(self.dir, "profile-path")
        os.makedirs(self.ppath)
        for name in sorted(os.listdir(os.path.join(args.repo, "profiles"))):
            if name.endswith(".cfg") and name != "default.cfg":
                os.symlink(os.path.join(args.repo, "profiles", name), os.path.join(self.ppath, name))
        self.empty = os.path.join(self.dir, ".empty")
        open(self.empty, "w").close()
        os.chmod(self.empty, 0o644)
        self.status = 0  # the last command's, for $?

    def env(self):
        env = {"LANG": "C.UTF-8", "TERM": "xterm",
               "PATH": os.path.join(self.dir, "bin") + ":/usr/local/bin:/usr/bin:/bin",
               "HOME": os.path.join(self.dir, "home"),
               "SBX_PROFILE_PATH": self.ppath}
        if os.environ.get("SBXT_MARK"):
            env["SBXT_MARK"] = os.environ["SBXT_MARK"]
        return env

    def add_map(self, path):
        real = os.path.join(self.dir, "map" + path)
        os.makedirs(real, exist_ok=True)
        os.chmod(real, 0o777)
        self.maps.append((path, real))

    def to_real(self, s):
        for doc_path, real in self.maps:
            s = re.sub(re.escape(doc_path) + r"(?=$|[/\s\"':;,)])", real, s)
        return s

    def to_doc(self, s):
        for doc_path, real in self.maps:
            s = s.replace(real, doc_path)
        return s

    def write_file(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.to_real(text))
        os.chmod(path, 0o644)


def set_ctty():
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def run_shell(ctx, cmd, as_user=False, as_root=False, tty=False):
    """Run the shell line CMD in the document's directory; returns (status, output)."""
    argv = ["/bin/bash", "-c", "(exit %d); %s" % (ctx.status, cmd)]
    if as_user and os.getuid() == 0:
        argv = ["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY, "--clear-groups",
                "--"] + argv
    if as_root:
        # Root's default map depends on a range of root's in /etc/subuid: the doc shows root
        # without one, so the example runs in a private mount namespace where both are empty.
        argv = ["unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c",
                'mount --bind "$0" /etc/subuid && mount --bind "$0" /etc/subgid && exec "$@"',
                ctx.empty] + argv
    env = ctx.env()
    deadline = time.monotonic() + TIMEOUT
    if not tty:
        p = subprocess.Popen(argv, cwd=ctx.dir, env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             start_new_session=True)
        try:
            out, _ = p.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            out, _ = p.communicate()
            return "timeout", out.decode("utf-8", "replace")
        return p.returncode, out.decode("utf-8", "replace")
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    p = subprocess.Popen(argv, cwd=ctx.dir, env=env, stdin=slave, stdout=slave, stderr=slave,
                         start_new_session=True, preexec_fn=set_ctty)
    os.close(slave)
    chunks = []
    status = None
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            os.killpg(p.pid, signal.SIGKILL)
            status = "timeout"
            break
        r, _, _ = select.select([master], [], [], min(left, 0.5))
        if r:
            try:
                data = os.read(master, 65536)
            except OSError:
                data = b""
            if not data:
                break
            chunks.append(data)
    os.close(master)
    rc = p.wait()
    out = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
    return (status or rc), out


# ---- comparing --------------------------------------------------------------------------------

def compare(block, expected, output, excerpt=False):
    """expected: [(line number, text, regex)]. Returns None or a readable account of the first
    difference, naming the document and line."""
    exp = []
    if excerpt:
        exp.append((None, "...", ELLIPSIS))
    for n, text, rx in expected:
        if norm(text) == "...":
            exp.append((n, text, ELLIPSIS))
        else:
            exp.append((n, text, re.compile(rx if rx is not None else re.escape(norm(text)))))
    if excerpt:
        exp.append((None, "...", ELLIPSIS))
    act = [norm(x) for x in output.rstrip("\n").split("\n")] if output.strip() else []

    memo = {}
    deepest = [0, 0]

    def m(i, j):
        key = (i, j)
        if key in memo:
            return memo[key]
        if i > deepest[0] or (i == deepest[0] and j > deepest[1]):
            deepest[0], deepest[1] = i, j
        if i == len(exp):
            r = j == len(act)
        elif exp[i][2] is ELLIPSIS:
            r = any(m(i + 1, k) for k in range(j, len(act) + 1))
        else:
            r = j < len(act) and exp[i][2].fullmatch(act[j]) is not None and m(i + 1, j + 1)
        memo[key] = r
        return r

    sys.setrecursionlimit(10000)
    if m(0, 0):
        return None
    has_gaps = any(e[2] is ELLIPSIS for e in exp) or any(
        rx is not None and ".+?" in rx for _, _, rx in expected)
    if not has_gaps:
        first = expected[0][0] if expected else block.line
        diff = list(difflib.unified_diff([norm(t) for _, t, _ in expected], act,
                                         "%s (expected)" % block.doc, "actual output",
                                         lineterm="", n=2))
        # Hunk headers count from the expected block's first line in the document.
        out = []
        for d in diff:
            h = re.match(r"@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@", d)
            if h:
                d = "@@ -%d%s +%s%s @@" % (int(h.group(1)) + first - 1, h.group(2) or "",
                                           h.group(3), h.group(4) or "")
            out.append(d)
        return "\n".join(out)
    i = deepest[0]
    if i < len(exp):
        n, text, _ = exp[i]
        head = "%s:%s: expected line not found (in order): %s" % (
            block.doc, n if n is not None else "?", text.strip())
        close = difflib.get_close_matches(norm(text), act, n=1, cutoff=0.6)
        if close:
            head += "\nthe closest line of the output: " + close[0]
    else:
        head = "%s: more output than the example shows" % block.where()
    shown = output.rstrip("\n").split("\n")
    body = "\n".join("  | " + x for x in shown[:80])
    if len(shown) > 80:
        body += "\n  | ... (%d more lines)" % (len(shown) - 80)
    return head + "\nactual output:\n" + body


def fix_ids(text, as_user):
    """As the docs write an ordinary user's ids: the caller's uid and gid as 1000."""
    if not as_user:
        return text
    uid = NOBODY if os.getuid() == 0 else os.getuid()
    gid = NOBODY if os.getuid() == 0 else os.getgid()
    for n in {str(uid), str(gid)} - {DOC_UID}:
        text = re.sub(r"(?<![0-9])%s(?![0-9])" % n, DOC_UID, text)
    return text


def show(status, output):
    text = "exit status %s" % status
    if output.strip():
        lines = output.rstrip("\n").split("\n")
        text += "\noutput:\n" + "\n".join("  | " + x for x in lines[:60])
        if len(lines) > 60:
            text += "\n  | ... (%d more lines)" % (len(lines) - 60)
    return text


# ---- one block --------------------------------------------------------------------------------

def logical_lines(lines):
    """Join lines ending in a backslash; yields (line number, text)."""
    cur, start = "", None
    for n, text, _ in lines:
        if start is None:
            start = n
        if text.rstrip().endswith("\\"):
            cur += text.strip()[:-1].strip() + " "
            continue
        cur += text.strip()
        yield start, cur.strip()
        cur, start = "", None
    if start is not None:
        yield start, cur.strip()


def run_block(ctx, b):
    d = {}
    for name, arg in b.directives:
        d.setdefault(name, []).append(arg)
    for path in d.get("map", []):
        ctx.add_map(path)
    if "skip" in d:
        note("not run: %s: %s" % (b.where(), d["skip"][0]))
        return
    as_user = "as-user" in d
    tty = "tty" in d
    want_status = int(d["status"][0]) if "status" in d else 0
    is_root = os.getuid() == 0

    for cmd in d.get("setup", []):
        st, out = run_shell(ctx, ctx.to_real(cmd), as_user=as_user)
        if st != 0:
            emit_not_ok("%s: setup: %s" % (b.where(b.dline), cmd), show(st, out))
            return

    if "text-of" in d:
        words = d["text-of"][0].split()
        src, drop = words[0], words[2:] if len(words) > 2 and words[1] == "without" else []
        with open(os.path.join(ctx.args.repo, src), encoding="utf-8") as f:
            want = profile_words(f.read(), drop)
        got = profile_words("\n".join(t for _, t, _ in b.lines), [])
        if want == got:
            emit_ok("%s: the text of %s" % (b.where(), src))
        else:
            diff = "\n".join(difflib.unified_diff(want.split(" ; "), got.split(" ; "),
                                                  src, b.where(), lineterm="", n=1))
            emit_not_ok("%s: the text of %s" % (b.where(), src),
                        "statements that differ (split at ';'):\n" + diff)

    if "file" in d:
        name = d["file"][0]
        ctx.write_file(name, "\n".join(t for _, t, _ in b.lines) + "\n")
        if name.endswith(".cfg"):
            st, out = run_shell(ctx, "sbx --check --profile ./%s" % name, as_user=as_user)
            out = ctx.to_doc(out)
            if st == 0 and norm(out) == "ok":
                emit_ok("%s: %s passes sbx --check" % (b.where(), name))
            else:
                emit_not_ok("%s: %s passes sbx --check" % (b.where(), name), show(st, out))
        return
    if "text-of" in d:
        return

    for kind in ("output-of", "excerpt-of"):
        if kind in d:
            cmd = d[kind][0]
            st, out = run_shell(ctx, ctx.to_real(cmd), as_user=as_user, tty=tty)
            out = fix_ids(ctx.to_doc(out), as_user)
            desc = "%s: %s %s" % (b.where(), kind.replace("-of", " of"), cmd)
            why = compare(b, b.lines, out, excerpt=(kind == "excerpt-of"))
            if st != want_status:
                why = "exit status %s, the doc wants %d\n%s" % (st, want_status, why or show(st, out))
            (emit_ok(desc) if why is None else emit_not_ok(desc, why))
            return

    if any(t.startswith("$ ") for _, t, _ in b.lines):
        run_session(ctx, b, as_user, tty)
        return

    for n, cmd in logical_lines(b.lines):
        if not cmd:
            continue
        desc = "%s: %s" % (b.where(n), cmd)
        if cmd.split()[0] not in ("sbx", "./sbx"):
            # Only sbx command lines run unannounced: anything else could act on the host.
            emit_not_ok(desc, "not an sbx command line: make the block a session ($ lines with "
                        "their output) or mark it (doc-example: skip REASON)")
            continue
        st, out = run_shell(ctx, ctx.to_real(cmd), as_user=as_user, tty=tty)
        ctx.status = st if isinstance(st, int) else 1
        if st == want_status:
            emit_ok(desc)
        else:
            emit_not_ok(desc, "the doc wants exit status %d\n%s" % (want_status, show(st, ctx.to_doc(out))))


def run_session(ctx, b, as_user, tty):
    # Split into (command line number, command, [expected lines]).
    cmds = []
    cont = False
    for n, text, rx in b.lines:
        if cont:
            cmds[-1][1] += " " + text.strip()
            cont = text.rstrip().endswith("\\")
            if cont:
                cmds[-1][1] = cmds[-1][1].rstrip()[:-1]
            continue
        if text.startswith("$ "):
            cmd = text[2:].strip()
            cont = cmd.endswith("\\")
            cmds.append([n, cmd[:-1] if cont else cmd, []])
        elif not cmds:
            raise SystemExit("%s:%d: output before the first $ command" % (b.doc, n))
        else:
            cmds[-1][2].append((n, text, rx))
    for n, cmd, expected in cmds:
        as_root = False
        if cmd.startswith("sudo "):
            cmd = cmd[5:].strip()
            as_root = True
            if os.getuid() != 0:
                note("run by root only: %s: $ sudo %s" % (b.where(n), cmd))
                continue
        m = re.fullmatch(r"cat\s+([^\s/|;&<>]+)", cmd)
        if m and not os.path.lexists(os.path.join(ctx.dir, m.group(1))):
            ctx.write_file(m.group(1), "\n".join(t for _, t, _ in expected) + "\n")
        st, out = run_shell(ctx, ctx.to_real(cmd), as_user=as_user, as_root=as_root, tty=tty)
        ctx.status = st if isinstance(st, int) else 1
        out = fix_ids(ctx.to_doc(out), as_user)
        why = compare(b, expected, out)
        if st == "timeout":
            why = "timed out after %ds\n%s" % (TIMEOUT, why or "")
        desc = "%s: $ %s%s" % (b.where(n), "sudo " if as_root else "", cmd)
        if why is None:
            emit_ok(desc)
        else:
            emit_not_ok(desc, why + "\n(exit status %s)" % st)


def profile_words(text, drop):
    """A profile's text as words: comments and the settings in drop removed, blanks collapsed."""
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == '"':
            j = i + 1
            while j < len(text) and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif c == "#" or text.startswith("//", i):
            while i < len(text) and text[i] != "\n":
                i += 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = len(text) if end < 0 else end + 2
        else:
            out.append(c)
            i += 1
    s = "".join(out)
    for key in drop:
        s = re.sub(r"(?m)^\s*%s\s*=[^;\n]*;" % re.escape(key), "", s)
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"\s*;\s*", " ; ", s)
    return s


# ---- agreement checks -------------------------------------------------------------------------

def man_section(text, name):
    m = re.search(r"^\.SH %s\n(.*?)(?=^\.SH )" % re.escape(name), text, re.S | re.M)
    return m.group(1) if m else ""


def opts_in(s):
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*|-[a-z])(?![\w-])", s))


def check_options(ctx):
    args = ctx.args
    st, helptext = run_shell(ctx, "sbx --help")
    if st != 0:
        emit_not_ok("sbx --help exits 0", show(st, helptext))
        return
    help_opts = set()
    for ln in helptext.split("\n"):
        m = re.match(r"\s+((?:-[a-z], )?--[a-z][a-z-]*)", ln)
        if m:
            help_opts |= opts_in(m.group(1))
    with open(os.path.join(args.repo, "man/sbx.1"), encoding="utf-8") as f:
        man1 = f.read()
    with open(os.path.join(args.repo, "man/sbx.cfg.5"), encoding="utf-8") as f:
        man5 = f.read()
    with open(os.path.join(args.repo, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    # sbx(1)'s OPTIONS: the tag line after each .TP.
    tags = set()
    opt_lines = man_section(man1, "OPTIONS").split("\n")
    for i, ln in enumerate(opt_lines):
        if ln.strip() == ".TP" and i + 1 < len(opt_lines):
            tags |= opts_in(roff_text(opt_lines[i + 1]))
    tags.discard("--")
    only_help = sorted(help_opts - tags)
    only_man = sorted(tags - help_opts)
    desc = "sbx --help and sbx(1)'s OPTIONS list the same options"
    if only_help or only_man:
        emit_not_ok(desc, "only in --help: %s\nonly in sbx(1) OPTIONS: %s" % (
            " ".join(only_help) or "-", " ".join(only_man) or "-"))
    else:
        emit_ok(desc)
    # Every option the man pages name is one sbx has.
    for name, text in (("man/sbx.1", man1), ("man/sbx.cfg.5", man5)):
        named = set()
        # An option the text names as an example of what is not one (an abbreviation that
        # is refused): `.\" not-an-option: --OPT` anywhere in the page.
        not_options = set(re.findall(r'^\.\\" not-an-option: (\S+)$', text, re.M))
        for n, ln in enumerate(text.split("\n"), 1):
            if ln.startswith('.\\"'):
                continue
            for o in opts_in(roff_text(ln)):
                if o.startswith("--"):
                    named.add((o, n))
        bad = sorted("%s:%d: %s" % (name, n, o) for o, n in named
                     if o not in help_opts and o not in not_options)
        desc = "every option %s names is in sbx --help" % name
        emit_not_ok(desc, "\n".join(bad)) if bad else emit_ok(desc)
    # The README's sbx command lines and option spans: `sbx ...`, `./sbx ...`, `--opt ...`.
    bad = []
    for n, ln in enumerate(readme.split("\n"), 1):
        spans = re.findall(r"`([^`]+)`", ln)
        if ln.startswith("    "):
            spans.append(ln.strip().lstrip("$ "))
        for s in spans:
            words = s.split()
            if not words or not (words[0] in ("sbx", "./sbx") or words[0].startswith("-")):
                continue
            s = s.split(" -- ")[0]
            for o in opts_in(s):
                if o != "--" and o not in help_opts:
                    bad.append("README.md:%d: %s" % (n, o))
    desc = "every option the README's sbx command lines name is in sbx --help"
    emit_not_ok(desc, "\n".join(bad)) if bad else emit_ok(desc)


def plan_order_list(man1):
    """sbx(1) THE PLAN: the step names of the list after "always come in this order", each
    with its rank (names of one entry share it)."""
    sec = man_section(man1, "THE PLAN")
    at = sec.find("always\ncome in this order")
    if at < 0:
        at = sec.find("always come in this order")
    if at < 0:
        return None
    lines = sec[at:].split("\n")
    order = {}
    rank = 0
    for i, ln in enumerate(lines):
        if ln.strip() == ".TP" and i + 1 < len(lines):
            rank += 1
            for w in re.findall(r"[a-z][a-z0-9*-]*", roff_text(lines[i + 1])):
                if w not in ("or", "and", "instead"):
                    order[w] = rank
    return order


def check_plan_order(ctx):
    with open(os.path.join(ctx.args.repo, "man/sbx.1"), encoding="utf-8") as f:
        order = plan_order_list(f.read())
    if not order:
        emit_not_ok("sbx(1) THE PLAN has a list of the steps in order", "not found")
        return
    variants = [
        ("the default profile", "", False),
        ("the default profile, in a terminal", "", True),
        ("limits, names, umask, capabilities", "--set rlimits.nofile=64 --set rlimits.core=0 "
         "--set domainname=dom --set process.umask=022 --set 'security.capabilities=[\"chown\"]'", False),
        ("no new session, in a terminal", "--set process.new_session=false", True),
        ("no init, the host's network", "--set process.init=false --set network.mode=host", False),
        ("every mount type", "--tmpfs /t --set 'filesystem.mounts=({type=\"dir\"; dst=\"/d\";}, "
         "{type=\"file\"; dst=\"/f\"; content=\"x\";}, {type=\"mqueue\"; dst=\"/dev/mqueue\";})'", False),
        ("Landlock, in a terminal", "--set 'security.landlock.read=[\"/usr\"]'", True),
    ]
    subuid = os.path.join(ctx.args.repo, "tests/integration/profiles/subuid-only.cfg")
    mini = os.path.join(ctx.args.repo, "tests/integration/profiles/mini.cfg")
    if os.getuid() != 0 and os.path.exists(subuid) and has_subids():
        variants.append(("a map of subuid ids only", "-p %s -p %s" % (mini, subuid), False))
    for what, opts, tty in variants:
        desc = "the steps of a plan (%s) come in sbx(1)'s order" % what
        st, out = run_shell(ctx, "sbx --plan=json %s -- /bin/true" % opts, tty=tty)
        try:
            steps = [s["step"] for s in json.loads(out)["steps"]]
        except (ValueError, KeyError):
            emit_not_ok(desc, show(st, out))
            continue
        problems = []
        last, last_name = 0, None
        for k, name in enumerate(steps, 1):
            r = order.get(name)
            if r is None and name.startswith("mount-"):
                r = order.get("mount-*")
            if r is None:
                problems.append("step %d %s is not in sbx(1)'s list" % (k, name))
                continue
            if r < last:
                problems.append("step %d %s comes after %s, but sbx(1) lists it before" %
                                (k, name, last_name))
            last, last_name = r, name
        if problems:
            emit_not_ok(desc, "\n".join(problems) + "\nplan: " + " ".join(steps))
        else:
            emit_ok(desc)


def has_subids():
    try:
        import pwd
        me = pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return False
    for f in ("/etc/subuid", "/etc/subgid"):
        try:
            with open(f) as fh:
                if not any(ln.split(":")[0] in (me, str(os.getuid())) for ln in fh):
                    return False
        except OSError:
            return False
    return True


# ---- main -------------------------------------------------------------------------------------

def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description="run the docs' examples")
    ap.add_argument("--repo", default=os.path.normpath(os.path.join(here, "../..")))
    ap.add_argument("--sbx", default=None)
    ap.add_argument("--work", default=None, help="an empty directory to work in (default: a new one)")
    ap.add_argument("--list", action="store_true", help="print the examples found, run nothing")
    ap.add_argument("docs", nargs="*", default=DOCS)
    args = ap.parse_args()
    args.repo = os.path.abspath(args.repo)
    args.sbx = os.path.abspath(args.sbx or os.path.join(args.repo, "sbx"))

    blocks = {doc: extract(args.repo, doc) for doc in args.docs}
    if args.list:
        for doc, bl in blocks.items():
            for b in bl:
                print("%s %s" % (b.where(), "; ".join((n + " " + a).strip() for n, a in b.directives)))
                for n, t, _ in b.lines:
                    print("    %5d| %s" % (n, t))
        return 0

    import tempfile
    made = args.work is None
    if made:
        args.work = tempfile.mkdtemp(prefix="sbxt-docex-")  # the suite's name: never a leftover
    os.makedirs(args.work, exist_ok=True)
    os.chmod(args.work, 0o755)
    try:
        for doc in args.docs:
            ctx = Ctx(args, doc)
            for b in blocks[doc]:
                run_block(ctx, b)
        if args.docs == DOCS:
            ctx = Ctx(args, "agreement")
            check_options(ctx)
            check_plan_order(ctx)
    finally:
        if made:
            shutil.rmtree(args.work, ignore_errors=True)
    return failed


if __name__ == "__main__":
    sys.exit(main())
