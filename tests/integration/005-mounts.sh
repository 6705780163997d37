#!/bin/bash
# 005-mounts.sh — the new root and its mounts: read-only and read-write binds, a tmpfs root
# that shows only what the profile mounts, the host root, each mount type, nosuid/nodev.
. "$(dirname "$0")/lib.sh"
require_userns

mkdir -p "$T/ro" "$T/rw"
chmod 0777 "$T/rw" # the sandbox writes as $SB_UID: for root, not host root
echo original >"$T/ro/file"

# Read-only bind: EROFS, and no way back to rw (as root inside, and with no caps to lose).
run "${MINI[@]}" --ro-bind "$T/ro:/data" -- /probe cat /data/file
is "$RC:$OUT" "0:original" "a read-only bind shows the host's file"
run "${MINI[@]}" --ro-bind "$T/ro:/data" -- /probe write /data/file changed
is "$OUT" EROFS "writing into a read-only bind fails with EROFS"
run "${MINI[@]}" --ro-bind "$T/ro:/data" -- /probe write /data/new x
is "$OUT" EROFS "creating a file in a read-only bind fails with EROFS"
is "$(cat "$T/ro/file")" original "the host file is unchanged"
run "${MINI[@]}" --ro-bind "$T/ro:/data" -- /probe remount-rw /data
isnt "$OUT" ok "remount,rw of a read-only bind fails"
like "$OUT" '^E[A-Z]+$' "remount,rw is refused by the kernel ($OUT)"
run "${MINI[@]}" --ro-bind "$T/ro:/data" -- /probe remount-rw /
isnt "$OUT" ok "remount,rw of the root fails"

cat >"$T/ro-default.cfg" <<CFG
filesystem = { mounts = ( { type = "bind"; src = "$T/ro"; dst = "/data"; } ); };
CFG
run "${MINI[@]}" --profile "$T/ro-default.cfg" -- /probe write /data/file changed
is "$OUT" EROFS "a profile bind without rw is read-only"

# Read-write bind: writes reach the host, as the sandbox's host ids (the caller's; for root,
# its unprivileged range).
run "${MINI[@]}" --bind "$T/rw:/data" -- /probe write /data/new hello
is "$RC:$OUT" "0:ok" "writing into a rw bind succeeds"
is "$(cat "$T/rw/new" 2>/dev/null)" hello "the write reached the host"
is "$(stat -c %u:%g "$T/rw/new" 2>/dev/null)" "$SB_UID:$SB_GID" \
	"the host file belongs to the sandbox's host ids ($SB_UID:$SB_GID)"
cat >"$T/rw.cfg" <<CFG
filesystem = { mounts = ( { type = "bind"; src = "$T/rw"; dst = "/data"; rw = true; } ); };
CFG
run "${MINI[@]}" --profile "$T/rw.cfg" -- /probe mkdir /data/sub
is "$RC:$OUT" "0:ok" "rw = true in a profile makes the bind writable"
check "the directory reached the host" test -d "$T/rw/sub"
run "${MINI[@]}" --bind "$T/rw" -- /probe cat "$T/rw/new"
is "$OUT" hello "--bind SRC without DST mounts at the same path"

# A missing optional bind is skipped.
cat >"$T/optional.cfg" <<CFG
filesystem = { mounts = ( { type = "bind"; src = "$T/absent"; dst = "/data"; optional = true; } ); };
CFG
run "${MINI[@]}" --profile "$T/optional.cfg" -- /probe ls /
is "$RC" 0 "a missing optional bind is skipped"

# A tmpfs root shows only what the profile mounts; the old root is gone.
run "${MINI[@]}" -- /probe ls /
is "$(tr '\n' ' ' <<<"$OUT")" "probe proc " "a tmpfs root holds only the profile's mounts"
run "${MINI[@]}" -- /probe cat /proc/self/mountinfo
is "$(awk '$5 != "/" && $5 != "/probe" && $5 !~ /^\/proc(\/|$)/' <<<"$OUT")" "" \
	"mountinfo inside lists the root, /probe and /proc (with its masks) only"
is "$(awk '$5 ~ /oldroot|newroot/' <<<"$OUT")" "" "no trace of the old root or the staging area"

# Every mount but dev is nosuid and nodev.
run "${MINI[@]}" --profile "$PROFILES/fs-types.cfg" --ro-bind "$T/ro:/data" -- \
	/probe cat /proc/self/mountinfo
bad=$(awk '$5 !~ /^\/dev(\/|$)/ && ($6 !~ /nosuid/ || $6 !~ /nodev/) { print $5, $6 }' <<<"$OUT")
is "$bad" "" "every mount outside /dev is nosuid,nodev"
like "$(awk '$5 == "/scratch" { print $6 }' <<<"$OUT")" noexec "options = [ \"noexec\" ] applies"

# Each mount type.
run "${MINI[@]}" --profile "$PROFILES/fs-types.cfg" -- /probe stat /tmp
# (ids inside default to the caller's)
is "$OUT" "1777 $ME_UID $ME_GID dir" "tmpfs with mode 1777"
run "${MINI[@]}" --profile "$PROFILES/fs-types.cfg" -- /probe cat /proc/self/mountinfo
like "$(awk '$5 == "/tmp"' <<<"$OUT")" 'size=1024k' "tmpfs with size 1M"
run "${MINI[@]}" --profile "$PROFILES/fs-types.cfg" -- /probe stat /run/private
is "$OUT" "0700 $ME_UID $ME_GID dir" "dir with mode 0700"
run "${MINI[@]}" --profile "$PROFILES/fs-types.cfg" -- /probe cat /motd
is "$OUT" "hello from sbx" "file with content, reached through a symlink"
run "${MINI[@]}" --profile "$PROFILES/fs-types.cfg" -- /probe stat /etc/motd
is "$OUT" "0640 $ME_UID $ME_GID file" "file with mode 0640"
run "${MINI[@]}" --profile "$PROFILES/fs-types.cfg" -- /probe write /etc/motd x
isnt "$OUT" ok "a file mount is read-only"
run "${MINI[@]}" --profile "$PROFILES/fs-types.cfg" -- /probe ls /sys
like "$OUT" '^(class|kernel)$' "sysfs is mounted"
run "${MINI[@]}" --profile "$PROFILES/fs-types.cfg" -- /probe mkdir /sys/sbxt
is "$OUT" EROFS "sysfs is read-only"
run "${MINI[@]}" --profile "$PROFILES/fs-types.cfg" -- /probe cat /proc/self/mountinfo
like "$(awk '$5 == "/mq"' <<<"$OUT")" ' - mqueue ' "mqueue is mounted"

# sysfs without a network namespace of the sandbox's own: the kernel refuses a new one in a user
# namespace, so the compiler binds the host's /sys read-only instead, and the plan says so.
HOSTSYS=(--profile "$PROFILES/fs-types.cfg" --profile "$PROFILES/hostnet.cfg")
run "${MINI[@]}" "${HOSTSYS[@]}" --plan -- /probe ls /sys
like "$OUT" 'child  mount-bind src=/sys dst=/sys recursive=yes flags=ro,nosuid,nodev,noexec  # .*fs-types.cfg:10' \
	"host network: the plan binds the host's /sys, read-only, at the sysfs line"
unlike "$OUT" 'mount-sysfs' "host network: no fresh sysfs in the plan"
run "${MINI[@]}" "${HOSTSYS[@]}" -- /probe ls /sys
like "$OUT" '^(class|kernel)$' "host network: /sys is there"
run "${MINI[@]}" "${HOSTSYS[@]}" -- /probe mkdir /sys/sbxt
is "$OUT" EROFS "host network: the bound /sys is read-only"
run "${MINI[@]}" --profile "$PROFILES/fs-types.cfg" --plan -- /probe ls /sys
like "$OUT" 'child  mount-sysfs dst=/sys flags=ro' "own network namespace: a fresh sysfs in the plan"

# dev: the usual nodes, usable as root and as a non-root uid inside.
run "${MINI[@]}" --profile "$PROFILES/fs-types.cfg" -- /probe ls /dev
for n in null zero full random urandom tty ptmx pts shm fd stdin stdout stderr; do
	grep -qx "$n" <<<"$OUT" || missing="${missing:-}$n "
done
is "${missing:-}" "" "/dev holds null zero full random urandom tty ptmx pts shm fd std*"
run "${MINI[@]}" --profile "$PROFILES/fs-types.cfg" -- /probe ls /dev/pts
like "$OUT" '^ptmx$' "/dev/pts is a devpts of its own"
for n in null zero full urandom ptmx; do
	run "${MINI[@]}" --profile "$PROFILES/fs-types.cfg" --profile "$PROFILES/uid1000.cfg" \
		-- /probe open-dev /dev/$n
	is "$OUT" ok "uid 1000 inside can open /dev/$n"
done
run "${MINI[@]}" --profile "$PROFILES/fs-types.cfg" -- /probe ls /dev
unlike "$OUT" '^(sda|vda|nvme.*|mem|kmem|kmsg|port)$' "no host device appears in /dev"

# root = "host": the host's / read-only, mounts on top. The probe is run from its host path
# (a new mount point can't be made in a read-only host root).
H=(--profile "$PROFILES/mini.cfg" --profile "$PROFILES/hostroot.cfg")
run "${H[@]}" -- "$PROBE" cat "$T/ro/file"
is "$RC:$OUT" "0:original" "root = host shows the host's files"
run "${H[@]}" -- "$PROBE" write "$T/ro/file" changed
is "$OUT" EROFS "root = host is read-only"
run "${H[@]}" --bind "$T/rw" -- "$PROBE" write "$T/rw/host" x
is "$OUT:$(cat "$T/rw/host" 2>/dev/null)" "ok:x" "a rw bind on top of the host root is writable"
run "${H[@]}" -- "$PROBE" procs
is "$(grep -c . <<<"$OUT")" 2 "root = host still gets its own /proc"

# root = a rootfs directory, read-only unless root_rw.
# (mount points made in advance: creating them is not what this tests)
mkdir -p "$T/rootfs/etc" "$T/rootfs/proc"
: >"$T/rootfs/probe"
echo rootfs >"$T/rootfs/etc/name"
chmod 0666 "$T/rootfs/etc/name" # writable by the sandbox's ids, so only the mount decides
run "${MINI[@]}" --set filesystem.root="$T/rootfs" -- /probe cat /etc/name
is "$RC:$OUT" "0:rootfs" "root = DIR makes that directory the root"
run "${MINI[@]}" --set filesystem.root="$T/rootfs" -- /probe write /etc/name x
is "$OUT" EROFS "a rootfs directory is read-only"
run "${MINI[@]}" --set filesystem.root="$T/rootfs" --set filesystem.root_rw=true -- /probe write /etc/name x
is "$OUT:$(cat "$T/rootfs/etc/name")" "ok:x" "root_rw = true makes it writable"

# A read-only rootfs directory that lacks the profile's mount points, symlinks and
# directories: they are made in a tmpfs layer over it, never in the caller's directory, and
# the root is sealed after the pivot.
mkdir -p "$T/bare"
echo bare >"$T/bare/name"
cat >"$T/bare.cfg" <<CFG
filesystem = { root = "$T/bare"; mounts = (
  { type = "symlink"; dst = "/bin"; target = "usr/bin"; },
  { type = "dir";     dst = "/run/x"; },
  { type = "file";    dst = "/etc/motd"; content = "hi"; },
  { type = "tmpfs";   dst = "/tmp"; } ); };
CFG
B=("${MINI[@]}" --profile "$T/bare.cfg")
run "${B[@]}" -- /probe ls /
is "$RC:$(tr '\n' ' ' <<<"$OUT")" "0:bin etc name probe proc run tmp " \
	"a bare root directory gets the skeleton's mount points and symlinks"
run "${B[@]}" -- /probe cat /name
is "$RC:$OUT" "0:bare" "... over the directory's own files"
run "${B[@]}" -- /probe readlink /bin
is "$OUT" "usr/bin" "... the symlink step works on it"
run "${B[@]}" -- /probe write /new x
is "$OUT" EROFS "... and the root is sealed read-only after the pivot"
run "${B[@]}" -- /probe write /run/x/f x
is "$OUT" EROFS "... directories the skeleton made too"
is "$(ls -A "$T/bare")" name "the caller's directory is never written"
printf 'include = [ "default" ];\nfilesystem = { root = "%s"; };\n' "$T/bare" >"$T/bare-default.cfg"
run --profile "$T/bare-default.cfg" -- /bin/sh -c 'echo hi'
is "$RC:$OUT" "0:hi" "the default profile on a bare directory root runs a shell"
is "$(ls -A "$T/bare")" name "... and leaves the directory alone"
# Even a command that keeps sys_admin and remounts the root writable writes only to the
# layer: the directory is the overlay's lower, never writable through the sandbox. (The
# default profile's seccomp preset denies mounting: allowed back here.)
printf 'security = { capabilities = [ "sys_admin" ];\n  seccomp = { allow = [ "@mount" ]; }; };\n' >"$T/sysadmin.cfg"
run --profile "$T/bare-default.cfg" --profile "$T/sysadmin.cfg" "${PB[@]}" -- \
	/bin/sh -c '/probe remount-rw /; /probe write /new x; /probe cat /new'
is "$RC:$(tr '\n' ' ' <<<"$OUT")" "0:ok ok x " "a root remounted writable from inside takes writes..."
is "$(ls -A "$T/bare")" name "... in its tmpfs layer, not in the caller's directory"
run "${B[@]}" --set filesystem.root_rw=true --plan -- /probe exit 0
like "$OUT" "mount-root root=directory src=$T/bare recursive=yes missing-dst=created-in-src flags=rw" \
	"root_rw: the plan says missing destinations are made in the directory"

check_no_leftovers "the mount runs"
done_testing
