#!/bin/bash
# run.sh — `make vm-check`: boot a cgroup2-only Debian cloud kernel under QEMU (software
# emulation) and run TEST scripts inside it, as root and as an unprivileged user with a
# delegated cgroup subtree (tests/vm/README, tests/vm/init).
#
#   SBX=$PWD/sbx PROBE=$PWD/build/probe tests/vm/run.sh TEST.sh...
#
# Environment: VM_DIR (cache and scratch, default build/vm), VM_TIMEOUT (seconds for the
# whole boot, default 900), VM_SCRIPT_TIMEOUT (seconds for one script, default 300),
# VM_VERBOSE=1 (print every test's whole TAP output), VM_PASSES (root user; default both).
# Ends with "vm-check: N passed, N failed"; exits 1 when anything failed, the VM did not
# print its summary (crash, timeout), or the kernel could not be fetched.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
SBX=$(realpath "${SBX:-$repo/sbx}")
PROBE=$(realpath "${PROBE:-$repo/build/probe}")
VM_DIR=${VM_DIR:-$repo/build/vm}
VM_TIMEOUT=${VM_TIMEOUT:-900}
# Whole Debian packages whose programs the tests may call (lib.sh needs bash, coreutils, grep,
# sed, awk, find, ps); busybox fills in the rest (mount, su, insmod, poweroff, ...).
VM_PKGS=${VM_PKGS:-bash coreutils grep sed mawk findutils procps}
VM_TOOLS=${VM_TOOLS:-unshare setpriv nsenter taskset prlimit}
# Modules the cloud kernel has outside its image: the scratch disk (virtio) and overlayfs.
VM_MODULES=${VM_MODULES:-virtio_pci virtio_blk overlay}
KERNEL_META=linux-image-cloud-amd64

die() {
	echo "vm-check: $*" >&2
	echo "vm-check: 0 passed, 1 failed"
	exit 1
}

[ $# -gt 0 ] || die "usage: tests/vm/run.sh TEST.sh..."
for f in "$SBX" "$PROBE"; do
	[ -x "$f" ] || die "$f is missing; run 'make sbx build/probe'"
done
for t in qemu-system-x86_64 cpio gzip dpkg-deb apt-get readelf; do
	command -v "$t" >/dev/null || die "$t is missing; run 'make deps' as root"
done
BUSYBOX=$(command -v busybox || true)
[ -n "$BUSYBOX" ] && ! ldd "$BUSYBOX" >/dev/null 2>&1 ||
	die "a static busybox is missing; run 'make deps' as root (busybox-static)"

mkdir -p "$VM_DIR"
VM_DIR=$(realpath "$VM_DIR")
start=$EPOCHREALTIME

# ---- the kernel -----------------------------------------------------------------------------
# The current cloud kernel package, as the metapackage's dependency names it.
kernel_pkg() {
	apt-cache depends "$KERNEL_META" 2>/dev/null |
		sed -n 's/^ *|\{0,1\}Depends: \(linux-image-[^ ]*-cloud-amd64\)$/\1/p' | head -1
}

apt_update() {
	[ "$(id -u)" = 0 ] || return 1
	echo "vm-check: apt-get update"
	apt-get update -qq >/dev/null 2>&1
}

# fetch PKG: download and unpack PKG into $VM_DIR/kernel/PKG.
fetch() {
	local pkg=$1 dl=$VM_DIR/download opts=()
	rm -rf "$dl" "$VM_DIR/kernel/$pkg.tmp"
	mkdir -p "$VM_DIR/kernel"
	mkdir -p "$dl"
	# As root, apt drops to _apt for downloads, which can't write here.
	[ "$(id -u)" = 0 ] && opts=(-o APT::Sandbox::User=root)
	echo "vm-check: downloading $pkg"
	(cd "$dl" && apt-get "${opts[@]}" download "$pkg") >"$dl/log" 2>&1 || return 1
	dpkg-deb -x "$dl"/"$pkg"_*.deb "$VM_DIR/kernel/$pkg.tmp" || return 1
	# Only the newest kernel is kept.
	rm -rf "$VM_DIR"/kernel/linux-image-*-cloud-amd64
	mv "$VM_DIR/kernel/$pkg.tmp" "$VM_DIR/kernel/$pkg"
	rm -rf "$dl"
}

pkg=$(kernel_pkg)
if [ -z "$pkg" ] || [ ! -d "$VM_DIR/kernel/$pkg" ]; then
	# Not cached: fetch it, with fresh package lists if the old ones name no kernel or one the
	# mirror no longer has.
	if [ -z "$pkg" ] || ! fetch "$pkg"; then
		apt_update || true
		pkg=$(kernel_pkg)
		if [ -z "$pkg" ] || ! fetch "$pkg"; then
			[ -f "$VM_DIR/download/log" ] && tail -3 "$VM_DIR/download/log" >&2
			cached=$(ls -d "$VM_DIR"/kernel/linux-image-*-cloud-amd64 2>/dev/null | sort -V | tail -1)
			[ -n "$cached" ] || die "cannot download the kernel package" \
				"${pkg:-that $KERNEL_META depends on} with apt-get: the VM needs it" \
				"(network to Debian's mirror, or as root 'apt-get update')"
			echo "vm-check: cannot download ${pkg:-the kernel}; using the cached ${cached##*/}"
			pkg=${cached##*/}
		fi
	fi
fi
KDIR=$VM_DIR/kernel/$pkg
KVER=${pkg#linux-image-}
VMLINUZ=$KDIR/boot/vmlinuz-$KVER
KCONFIG=$KDIR/boot/config-$KVER
MODDIR=$KDIR/lib/modules/$KVER
[ -f "$VMLINUZ" ] && [ -d "$MODDIR" ] || die "$KDIR holds no kernel $KVER; remove it and retry"
# The package leaves modules.dep to its postinst.
[ -f "$MODDIR/modules.dep" ] || "$BUSYBOX" depmod -b "$KDIR" "$KVER" ||
	die "depmod failed for $KDIR"
for opt in SERIAL_8250_CONSOLE DEVTMPFS BLK_DEV_INITRD RD_GZIP MEMCG CGROUP_PIDS USER_NS; do
	grep -qx "CONFIG_$opt=y" "$KCONFIG" || die "$pkg lacks CONFIG_$opt=y, which the VM needs"
done

# ---- the initramfs --------------------------------------------------------------------------
R=$VM_DIR/initramfs
rm -rf "$R"
mkdir -p "$R"/usr/{bin,sbin,lib,lib64} "$R"/{etc,proc,sys,dev,tmp,run,root,home,var/tmp,newroot}
# Debian's merged /usr, so the scripts' /bin/bash and the loader's /lib64 paths hold.
for d in bin sbin lib lib64; do ln -s "usr/$d" "$R/$d"; done

# Programs, then every library they load: few processes, since each costs ~10 ms here.
MULTIARCH=x86_64-linux-gnu
bins=() sbins=()
dpkg -L $VM_PKGS >"$VM_DIR/files.list" 2>/dev/null || die "a package of VM_PKGS ($VM_PKGS) is not installed"
while read -r f; do
	[[ $f =~ ^/(usr/)?(s?)bin/[^/]+$ ]] && [ -f "$f" ] && [ ! -L "$f" ] || continue
	if [ -n "${BASH_REMATCH[2]}" ]; then sbins+=("$f"); else bins+=("$f"); fi
done <"$VM_DIR/files.list"
for t in $VM_TOOLS; do
	f=$(command -v "$t") || die "$t is missing (VM_TOOLS)"
	bins+=("$f")
done
cp -L -t "$R/usr/bin" "${bins[@]}"
cp -L -t "$R/usr/sbin" "${sbins[@]}"
mkdir -p "$R/opt/sbx" "$R/usr/lib/$MULTIARCH"
cp "$SBX" "$R/opt/sbx/sbx"
# The libraries' closure by their NEEDED entries, all in the multiarch directory.
declare -A have=()
todo=("${bins[@]}" "${sbins[@]}" "$SBX")
while [ ${#todo[@]} -gt 0 ]; do
	new=()
	for so in $(readelf -d "${todo[@]}" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p' | sort -u); do
		[ -n "${have[$so]:-}" ] && continue
		have[$so]=1
		[ -e "/usr/lib/$MULTIARCH/$so" ] || die "library $so not found in /usr/lib/$MULTIARCH"
		new+=("/usr/lib/$MULTIARCH/$so")
	done
	[ ${#new[@]} -gt 0 ] && cp -L -t "$R/usr/lib/$MULTIARCH" "${new[@]}"
	todo=("${new[@]}")
done
cp -L /lib64/ld-linux-x86-64.so.2 "$R/usr/lib64/"
ln -sf mawk "$R/usr/bin/awk"
# busybox for everything else: /init links its applets where no program is (busybox --install
# does not replace files), from /bin/sh on.
cp "$BUSYBOX" "$R/usr/bin/busybox"
ln -s busybox "$R/usr/bin/sh"

# Modules, dependencies first, as /lib/modules/NAME.ko in load order (modules.list).
: >"$R/etc/modules.list"
declare -A mods_done=()
add_module() {
	local name=$1 line path dep
	[ -n "${mods_done[$name]:-}" ] && return 0
	mods_done[$name]=1
	line=$(grep -E "(^|/)$name\.ko(\.[a-z]+)?:" "$MODDIR/modules.dep") ||
		die "module $name not in $pkg"
	path=${line%%:*}
	for dep in ${line#*:}; do
		dep=${dep##*/}
		add_module "${dep%%.ko*}"
	done
	case $path in *.ko) ;; *) die "$path: compressed modules are not handled" ;; esac
	mkdir -p "$R/lib/modules"
	cp "$MODDIR/$path" "$R/lib/modules/$name.ko"
	echo "$name" >>"$R/etc/modules.list"
}
for m in $VM_MODULES; do add_module "$m"; done

# sbx and the tests, laid out like tests/integration/run.sh's copy of the repo.
O=$R/opt/sbx
mkdir -p "$O/build" "$O/tests/integration"
cp "$PROBE" "$O/probe"
cp "$PROBE" "$O/build/probe"
cp "$repo/tests/integration/lib.sh" "$repo/tests/integration/cg-setup.sh" "$O/tests/integration/"
cp -r "$repo/tests/integration/profiles" "$O/tests/integration/profiles"
cp -r "$repo/profiles" "$O/profiles"
: >"$O/tests.list"
for t in "$@"; do
	[ -f "$t" ] || die "no test script $t"
	name=$(basename "$t")
	cp "$t" "$O/tests/integration/$name"
	echo "$name" >>"$O/tests.list"
done
echo "VM_PASSES='${VM_PASSES:-root user}' VM_VERBOSE='${VM_VERBOSE:-}'" \
	"SCRIPT_TIMEOUT='${VM_SCRIPT_TIMEOUT:-300}'" >"$O/vm.conf"

cat >"$R/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/bash
sbxtest:x:1000:1000:sbx test user:/home/sbxtest:/bin/bash
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
cat >"$R/etc/group" <<'EOF'
root:x:0:
sbxtest:x:1000:
nogroup:x:65534:
EOF
printf 'passwd: files\ngroup: files\n' >"$R/etc/nsswitch.conf"
: >"$R/etc/subuid"
: >"$R/etc/subgid"
cp "$here/init" "$R/init"
chmod 0755 "$R/init"
(cd "$R" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1) >"$VM_DIR/initramfs.gz"

# ---- boot -----------------------------------------------------------------------------------
# A fresh scratch disk, formatted and mounted at /var/tmp by /init: a real block device for
# I/O limits and O_DIRECT.
rm -f "$VM_DIR/disk.img"
truncate -s 256M "$VM_DIR/disk.img"

# norandmaps and mitigations=off make programs start ~5 times faster under software
# emulation: QEMU translates code again at each new address, and flushes its TLB on each of
# page-table isolation's switches. Neither matters to what the tests check.
LOG=$VM_DIR/console.log
: >"$LOG"
built=$EPOCHREALTIME
echo "vm-check: booting $pkg ($(du -h "$VM_DIR/initramfs.gz" | cut -f1) initramfs, ${#} test scripts)"
set +e
timeout -k 10 "$VM_TIMEOUT" qemu-system-x86_64 -nodefaults -no-user-config -nographic \
	-machine q35 -smp 2 -m 1024 -no-reboot \
	-kernel "$VMLINUZ" -initrd "$VM_DIR/initramfs.gz" \
	-append "console=ttyS0 quiet loglevel=3 panic=-1 mitigations=off norandmaps" \
	-drive "file=$VM_DIR/disk.img,if=virtio,format=raw" \
	-serial stdio </dev/null 2>&1 | sed -u 's/\r$//; s/\x1b[[?0-9;]*[a-zA-Z]//g; s/\x1bc//g' | {
	# The VM's output as it comes, but its summary line, which ends this script's output.
	booted=""
	while IFS= read -r line; do
		echo "$line" >>"$LOG"
		case $line in
		"vm: booted"*) booted=${booted:-$EPOCHREALTIME} ;;
		[0-9]*" passed, "[0-9]*" failed"*) continue ;;
		esac
		echo "$line"
	done
	echo "$booted" >"$VM_DIR/booted-at"
}
rc=${PIPESTATUS[0]}
set -e
end=$EPOCHREALTIME
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$LOG" | tail -1 || true)
booted=$(cat "$VM_DIR/booted-at")
t() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fs", b - a }'; }
echo "vm-check: kernel and initramfs ready in $(t "$start" "$built")${booted:+, booted in $(t "$built" "$booted")}," \
	"whole run $(t "$start" "$end"); console log in $LOG"
[ "$rc" = 124 ] && die "the VM did not power off within ${VM_TIMEOUT}s (VM_TIMEOUT)"
[ -n "$summary" ] || die "the VM ended (qemu exit status $rc) without its summary line"
[ "$rc" = 0 ] || die "qemu exited with status $rc"
echo "vm-check: $summary"
passed=${summary%% passed*}
failed=${summary#*passed, }
failed=${failed%% failed*}
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
