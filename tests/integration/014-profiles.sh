#!/bin/bash
# 014-profiles.sh — the shipped profiles (profiles/*.cfg) and the README's commands.
. "$(dirname "$0")/lib.sh"
require_userns

SHIPPED=$(cd "$TESTDIR/../../profiles" 2>/dev/null && pwd)
[ -n "$SHIPPED" ] || skip_all "no profiles/ next to the tests"

for f in "$SHIPPED"/*.cfg; do
	run --check --profile "$f"
	is "$RC:$OUT" "0:ok" "--check $(basename "$f")"
done

# The built-in default profile, as in the issue's tour.
run -- /bin/sh -c 'hostname; id -u; cat /proc/1/cmdline | tr "\0" " "; echo; ls /'
is_rc 0 "the default profile runs a shell command"
is "$(sed -n 1p <<<"$OUT")" sbx "default: hostname sbx"
is "$(sed -n 2p <<<"$OUT")" "$ME_UID" "default: the caller's uid inside"
unlike "$(sed -n 3p <<<"$OUT")" '^/bin/sh' "default: pid 1 is not the command"
for d in usr bin etc tmp proc dev; do
	grep -qx "$d" <<<"$OUT" || missing="${missing:-}$d "
done
is "${missing:-}" "" "default: / holds usr bin etc tmp proc dev"
for d in /etc /usr /; do
	run "${PB[@]}" -- /probe write "${d%/}/sbxt-test" x
	is "$OUT" EROFS "default: $d is read-only"
done
run -- /bin/sh -c 'echo x > /tmp/f && cat /tmp/f'
is "$OUT" x "default: /tmp is writable"
run "${PB[@]}" -- /probe ifaces
is "$OUT" "lo UP" "default: no network but lo"
run "${PB[@]}" -- /probe status CapBnd
is "$OUT" 0000000000000000 "default: no capabilities"
run -- /bin/sh -c 'echo $HOME; echo $PATH'
is "$(head -1 <<<"$OUT")" /tmp "default: HOME=/tmp"

# shell.cfg: the working directory bound read-write at the same path.
mkdir -p "$T/work"
chown "$SB_UID:$SB_GID" "$T/work" # the user's own dir; for root, its sandbox's range owns it
run --profile "$SHIPPED/shell.cfg" --bind "$T/work" --cwd "$T/work" -- /bin/sh -c 'pwd; echo made > here'
is "$RC:$(head -1 <<<"$OUT")" "0:$T/work" "shell.cfg: the working directory inside"
is "$(cat "$T/work/here" 2>/dev/null)" made "shell.cfg: writes in it reach the host"
run_env SBX_PROFILE_PATH="$SHIPPED" -- --profile shell -- /bin/sh -c 'echo by-name'
is "$RC:$OUT" "0:by-name" "--profile shell found by name"

# A default.cfg of one's own builds on the built-in one by its name, builtin:default.
mkdir -p "$T/xdg/sbx/profiles"
printf '%s\n' 'include = [ "builtin:default" ];' 'hostname = "mine";' >"$T/xdg/sbx/profiles/default.cfg"
run_env XDG_CONFIG_HOME="$T/xdg" -- -- /bin/sh -c 'hostname; ls -d /usr'
is "$RC:$OUT" "0:mine
/usr" "~/.config/sbx/profiles/default.cfg including builtin:default"
run --check --profile builtin:default
is "$RC:$OUT" "0:ok" "--profile builtin:default"

# Two profiles that both include default apply it once (it keeps its first place).
run --plan --profile "$SHIPPED/shell.cfg" --profile "$SHIPPED/untrusted.cfg" -- /bin/true
is "$RC:$(grep -c 'mount-bind src=/usr dst=/usr ' <<<"$OUT")" "0:1" \
	"shell + untrusted: default's /usr is bound once"

# untrusted.cfg: nothing writable but tmpfs, no network, tight limits.
U=(--profile "$SHIPPED/untrusted.cfg" "${PB[@]}")
run "${U[@]}" -- /probe cat /proc/self/mountinfo
writable=$(awk '{ for (i = 7; $i != "-"; i++); if ($6 ~ /(^|,)rw(,|$)/) print $5, $(i + 1) }' <<<"$OUT" |
	awk '$2 !~ /^(tmpfs|proc|devpts|mqueue)$/ && !($1 ~ /^\/dev\/(null|zero|full|random|urandom|tty)$/)')
is "$writable" "" "untrusted.cfg: the only writable mounts are tmpfs, kernel filesystems, device nodes"
run "${U[@]}" -- /probe ifaces
is "$OUT" "lo UP" "untrusted.cfg: no network but lo"
run "${U[@]}" -- /probe rlimit nofile
soft=${OUT%% *}
if [ "$soft" != unlimited ] && [ "$soft" -le 1024 ] 2>/dev/null; then
	ok "untrusted.cfg: tight nofile ($OUT)"
else
	not_ok "untrusted.cfg: tight nofile ($OUT)"
fi
for r in nproc fsize as cpu; do
	run "${U[@]}" -- /probe rlimit $r
	unlike "$OUT" unlimited "untrusted.cfg: $r is limited ($OUT)"
done
run "${U[@]}" -- /probe status NoNewPrivs
is "$OUT" 1 "untrusted.cfg: no_new_privs"

check_no_leftovers "the shipped profile runs"
done_testing
