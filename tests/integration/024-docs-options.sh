#!/bin/bash
# 024-docs-options.sh — --help, sbx(1) and README.md agree on the options: the same options,
# short names and arguments in --help and in sbx(1)'s OPTIONS, in the same order, and every
# option either page or the README names elsewhere is one sbx has. And sbx.cfg(5) shows the
# seccomp preset and groups exactly as `sbx --list-seccomp` prints them (its reasons are the
# ones the code has), to the blank, which 023's example check, folding blanks, would let pass.
. "$(dirname "$0")/lib.sh"

DOCS=$(cd "$TESTDIR/../.." && pwd)
[ -f "$DOCS/man/sbx.1" ] && [ -f "$DOCS/README.md" ] || skip_all "no man/ or README.md next to the tests"

run --help
is_rc 0 "--help exits 0"
printf '%s\n' "$OUT" >"$T/help.txt"
like "$OUT" 'sbx\(1\)' "--help points to the man page"

# Each line: the option as "-p --profile ARG", ARG as written ("FILE|NAME", "[=text|json]").
"$PY" - "$T/help.txt" "$DOCS/man/sbx.1" >"$T/options.txt" 2>&1 <<'PYEOF'
import re, sys
help_text = open(sys.argv[1]).read()
man = open(sys.argv[2]).read()

def norm_arg(a):
    return re.sub(r"\s+", "", a).lower()

helps = []
for line in help_text.splitlines():
    m = re.match(r"^  (?:-(\w), |    )--([a-z-]+)(\S*(?: [A-Z][^ ]*)?)", line)
    if m:
        helps.append((m.group(1) or "", m.group(2), norm_arg(m.group(3))))

# sbx(1): the .TP entries of OPTIONS up to the first paragraph after them.
section = man.split("\n.SH OPTIONS\n", 1)[1].split("\n.SH ", 1)[0]
lines = section.splitlines()
mans = []
for i, line in enumerate(lines):
    if line != ".TP" or i + 1 >= len(lines):
        continue
    head = lines[i + 1]
    head = re.sub(r"\\f[BIRP]", "", head).replace("\\-", "-").replace("\\(dq", '"')
    head = re.sub(r'^\.(?:B|BR|BI|IR|RB)\s+', "", head)
    words = re.findall(r'"[^"]*"|\S+', head)
    text = "".join(w.strip('"') for w in words)
    m = re.match(r"^(?:-(\w),\s*)?--([a-z-]+)(.*)$", text)
    if m:
        mans.append((m.group(1) or "", m.group(2), norm_arg(m.group(3))))

for tag, opts in (("help", helps), ("man", mans)):
    for s, name, arg in opts:
        print(tag, s or "-", name, arg or "-")
PYEOF
help_opts=$(awk '$1 == "help" { print $2, $3, $4 }' "$T/options.txt")
man_opts=$(awk '$1 == "man" { print $2, $3, $4 }' "$T/options.txt")
isnt "$help_opts" "" "--help lists options"
is "$man_opts" "$help_opts" "sbx(1) OPTIONS lists the options of --help, in its order, with the same arguments"

# Every --option named anywhere in sbx(1), sbx.cfg(5) or the README is one of sbx's, but the
# abbreviation sbx(1) shows as an error and the other tools' options the README quotes.
known=$(awk '{ print "--" $2 }' <<<"$help_opts")
unknown=""
for f in "$DOCS/man/sbx.1" "$DOCS/man/sbx.cfg.5" "$DOCS/README.md"; do
	for o in $(sed 's/\\-/-/g' "$f" | grep -oE -- '(^|[^a-zA-Z0-9-])--[a-z][a-z-]*' | grep -oE -- '--[a-z-]*[a-z]' | sort -u); do
		case "$(basename "$f"):$o" in
		sbx.1:--verb | README.md:--mount-proc) continue ;;
		sbx.cfg.5:--user | sbx.cfg.5:--scope) continue ;; # systemd-run's, for delegation
		esac
		grep -qx -- "$o" <<<"$known" || unknown="$unknown $(basename "$f"):$o"
	done
done
is "$unknown" "" "every option the docs name is one sbx has"

# sbx.cfg(5)'s example blocks (.EX to .EE, roff escapes undone), one per record; one of them
# must be --list-seccomp's output to the letter.
run --list-seccomp
is_rc 0 "--list-seccomp exits 0"
printf '%s\n' "$OUT" >"$T/list.txt"
"$PY" - "$DOCS/man/sbx.cfg.5" "$T/list.txt" >"$T/list-diff.txt" 2>&1 <<'PYEOF'
import difflib, re, sys
man = open(sys.argv[1]).read()
want = open(sys.argv[2]).read().rstrip("\n").split("\n")
names = {"dq": '"', "aq": "'", "rs": "\\"}
def text(line):
    line = re.sub(r"\\\((..)", lambda m: names.get(m.group(1), "?"), line)
    return line.replace("\\-", "-").replace("\\e", "\\").replace("\\&", "")
blocks = [[text(l) for l in b.split("\n")] for b in re.findall(r"^\.EX\n(.*?)\n\.EE$", man, re.S | re.M)]
if want in blocks:
    sys.exit(0)
near = max(blocks, key=lambda b: difflib.SequenceMatcher(None, b, want).ratio(), default=[])
print("\n".join(difflib.unified_diff(near, want, "sbx.cfg(5)", "sbx --list-seccomp", lineterm="")))
sys.exit(1)
PYEOF
if [ $? = 0 ]; then
	ok "sbx.cfg(5) shows the seccomp preset and groups as sbx --list-seccomp prints them"
else
	not_ok "sbx.cfg(5) shows the seccomp preset and groups as sbx --list-seccomp prints them"
	while IFS= read -r l; do diag "$l"; done <"$T/list-diff.txt"
fi

done_testing
