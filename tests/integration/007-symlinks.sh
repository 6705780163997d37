#!/bin/bash
# 007-symlinks.sh — a symlink planted in a rw bind (say by an earlier run of the same
# sandbox) must not let a later `file`, `dir`, `symlink` or `bind` mount reach outside the new
# root: destinations resolve inside it, and sbx never writes a host file through a symlink.
# Either the run fails cleanly (125) or it contains the write; the host never changes.
. "$(dirname "$0")/lib.sh"
require_userns

mkdir -p "$T/rw" "$T/victim" "$T/payload"
echo payload >"$T/payload/file"
V=$T/victim
reset_victim() {
	rm -rf "$V"
	mkdir -p "$V"
	echo original >"$V/target"
}
ln -s "$V/target" "$T/rw/abs"                     # absolute host path
ln -s ../victim/target "$T/rw/rel"                # relative, climbs out of the bind
ln -s "../../../../../../../../..$V/target" "$T/rw/deep"
ln -s "$V" "$T/rw/absdir"
ln -s ../victim "$T/rw/reldir"

# attack DESC MOUNT...: a profile binding $T/rw rw at /data, then MOUNT; the host must not change.
attack() {
	local desc=$1 m
	shift
	reset_victim
	{
		echo "filesystem = { mounts = ("
		echo "  { type = \"bind\"; src = \"$T/rw\"; dst = \"/data\"; rw = true; }"
		for m in "$@"; do echo "  , $m"; done
		echo "); };"
	} >"$T/attack.cfg"
	run "${MINI[@]}" --profile "$T/attack.cfg" -- /probe exit 0
	local after
	after="$(cat "$V/target" 2>&1) | $(ls -A "$V" | tr '\n' ' ')"
	if [ "$after" = "original | target " ]; then
		ok "$desc: the host is unchanged"
	else
		not_ok "$desc: the host is unchanged"
		diag "victim after the run: $after"
		diag "profile: $(cat "$T/attack.cfg")"
		show_run
	fi
	if [ "$RC" = 0 ] || { [ "$RC" = 125 ] && grep -q '^sbx: error: ' <<<"$ERR"; }; then
		ok "$desc: contained (exit 0) or refused cleanly (exit 125): exit $RC"
	else
		not_ok "$desc: contained (exit 0) or refused cleanly (exit 125): exit $RC"
		show_run
	fi
}

attack "file over an absolute symlink" \
	'{ type = "file"; dst = "/data/abs"; content = "pwned\n"; }'
attack "file over a relative symlink" \
	'{ type = "file"; dst = "/data/rel"; content = "pwned\n"; }'
attack "file over a deep ../ symlink" \
	'{ type = "file"; dst = "/data/deep"; content = "pwned\n"; }'
attack "file under an absolute dir symlink" \
	'{ type = "file"; dst = "/data/absdir/new"; content = "pwned\n"; }'
attack "file under a relative dir symlink" \
	'{ type = "file"; dst = "/data/reldir/new"; content = "pwned\n"; }'
attack "dir under a dir symlink" \
	'{ type = "dir"; dst = "/data/absdir/newdir"; }'
attack "symlink under a dir symlink" \
	'{ type = "symlink"; dst = "/data/reldir/link"; target = "/etc/passwd"; }'
attack "bind onto a symlink to a host file" \
	"{ type = \"bind\"; src = \"$T/payload/file\"; dst = \"/data/abs\"; }"
attack "bind under a dir symlink (mount point creation)" \
	"{ type = \"bind\"; src = \"$T/payload\"; dst = \"/data/absdir/mnt\"; }"
attack "tmpfs under a dir symlink (mount point creation)" \
	'{ type = "tmpfs"; dst = "/data/reldir/tmp"; }'
# A profile's own symlink that climbs with ../ resolves inside the new root.
attack "file through a profile symlink climbing out with ../" \
	"{ type = \"symlink\"; dst = \"/up\"; target = \"../../../../../../..$V\"; }" \
	'{ type = "file"; dst = "/up/new"; content = "pwned\n"; }'

# And when it is contained, the file lands inside the sandbox, not outside it.
reset_victim
cat >"$T/inside.cfg" <<CFG
filesystem = { mounts = (
  { type = "symlink"; dst = "/up"; target = "../../../../../../..$V"; },
  { type = "file"; dst = "/up/new"; content = "inside\n"; }
); };
CFG
run "${MINI[@]}" --profile "$T/inside.cfg" -- /probe cat "$V/new"
if [ "$RC" = 125 ]; then
	ok "a ../ symlink in the new root is refused or resolved inside it (refused)"
else
	is "$RC:$OUT" "0:inside" "a ../ symlink in the new root is refused or resolved inside it"
fi
check "nothing was written on the host" test ! -e "$V/new"

check_no_leftovers "the symlink runs"
done_testing
