#!/bin/bash
# 036-usernet.sh — src/sys/net/usernet.c through build/usernet-drive (usernet-drive.c): pasta
# and slirp4netns give a sandbox's network namespace outbound connections and forwards, keep
# the host's loopback closed unless asked, die when stopped or when sbx dies, and say exactly
# why /dev/net/tun stops an unprivileged caller. Each run happens in a "host" network (and
# mount) namespace this script makes (usernet-scenario.sh); as root the helper runs as root,
# as a user it runs as that user with no capability in that namespace.
. "$(dirname "$0")/lib.sh"
require_userns

DRIVE=${USERNET_DRIVE:-$TESTDIR/../../build/usernet-drive}
[ -x "$DRIVE" ] || { not_ok "usernet-drive is missing: make build/usernet-drive"; done_testing; }
SCEN=$TESTDIR/usernet-scenario.sh

# scenario NAME NAMESERVER DRIVER-ARGS...: one run; its "KEY VALUE" lines into $T/NAME.
scenario() {
	local name=$1 ns=$2 d
	shift 2
	d=$(mktemp -d "$T/$name.XXXX")
	if is_root; then
		timeout 60 unshare -nm -- "$SCEN" "$d" "$ns" -- "$DRIVE" "$@" >"$T/$name" 2>&1
	else
		timeout 60 unshare -rnm -- "$SCEN" "$d" "$ns" "$ME_UID" "$ME_GID" -- "$DRIVE" "$@" \
			>"$T/$name" 2>&1
	fi
}

# val NAME KEY: the value of KEY in scenario NAME's output.
val() {
	sed -n "s/^$2 //p" "$T/$1" | head -1
}

if [ ! -w /dev/net/tun ] || ! "$DRIVE" --check-tun 2>/dev/null; then
	not_ok "/dev/net/tun is usable here (run.sh makes it 0666 for the user pass)"
	diag "$("$DRIVE" --check-tun 2>&1)"
	done_testing
fi

closed=(10.0.2.2:7777 10.0.2.1:7777 10.0.2.3:7777 10.0.2.4:7777 10.0.2.254:7777 10.0.2.100:7777
	127.0.0.1:7777 192.0.2.1:7777 192.0.2.254:7777)

for helper in pasta slirp4netns; do
	# pasta answers a udp forward from the host's loopback into the sandbox's loopback and
	# loses the reply (0.0~git20230309): its udp forward is tested from the host's address.
	# slirp4netns loses udp replies with the loopback closed (usernet_plan refuses that).
	udp=(--addr 192.0.2.1 --udp 5353:5300 --addr 127.0.0.1)
	[ $helper = slirp4netns ] && udp=()
	scenario $helper-closed 192.0.2.1 --helper $helper "${udp[@]}" --tcp 8080:80 --mtu 1400
	n=$helper-closed
	is "$(val $n driver)" 0 "$helper: the sandbox ran and the helper stopped cleanly" ||
		diag "$(cat "$T/$n")"
	is "$(val $n http)" hello-from-sandbox "$helper: http server inside answers on 127.0.0.1:8080"
	is "$(val $n mtu)" 1400 "$helper: mtu set inside"
	is "$(val $n ipv6)" "" "$helper: no IPv6 route or global address inside"
	is "$(sed -n 's/^reach 192.0.2.1:7778 //p' "$T/$n")" outbound "$helper: outbound connection works"
	is "$(val $n dns)" echo:query "$helper: udp to 10.0.2.3:53 reaches the host's resolver"
	open=$(for a in "${closed[@]}"; do grep "^reach $a " "$T/$n"; done | grep -v ' -$')
	is "$open" "" "$helper: the host's 127.0.0.1 listener is unreachable through every host address"
	like "$(val $n stderr)" '^helper pid [0-9]+' "$helper: started" 
	grep -q '^stderr helper gone$' "$T/$n" && ok "$helper: the helper is gone after stop" ||
		not_ok "$helper: the helper is gone after stop"

	scenario $helper-open 192.0.2.1 --helper $helper --host-loopback --tcp 8080:80 --udp 5353:5300
	n=$helper-open
	is "$(sed -n 's/^reach 10.0.2.2:7777 //p' "$T/$n")" host-loopback \
		"$helper: host_loopback opens 127.0.0.1 through 10.0.2.2" || diag "$(cat "$T/$n")"
	[ $helper = slirp4netns ] && is "$(val $n udp)" echo:ping "$helper: udp forward on 127.0.0.1"
done
is "$(val pasta-closed udp-addr)" echo:ping "pasta: udp forward on the host's address"

# A resolver on the host's loopback: reachable for DNS, and nothing else through it.
for helper in pasta slirp4netns; do
	scenario $helper-lo-dns 127.0.0.1 --helper $helper --tcp 8080:80
	n=$helper-lo-dns
	is "$(val $n dns)" echo:query "$helper: DNS through a resolver on the host's 127.0.0.1"
	open=$(for a in "${closed[@]}"; do grep "^reach $a " "$T/$n"; done | grep -v ' -$')
	is "$open" "" "$helper: with the resolver on 127.0.0.1, other ports there stay closed"
done

# A helper that fails: its last line of output is the error; nothing stays behind.
mkdir -p "$T/fake"
printf '#!/bin/sh\necho "some noise"\necho "pasta: bad option --frobnicate" >&2\nexit 1\n' \
	>"$T/fake/pasta"
chmod 0755 "$T/fake/pasta"
run_out=$(unshare -rn "$DRIVE" --path "$T/fake" -- true 2>&1)
rc=$?
is "$rc" 125 "a helper that exits early fails the start"
like "$run_out" 'pasta exited with status 1 before the network was ready: pasta: bad option --frobnicate$' \
	"its last line of stderr is the reason"
run_out=$(unshare -rn "$DRIVE" --path "$T/none" -- true 2>&1)
like "$run_out" 'needs pasta \(package passt\) or slirp4netns, and neither is in' \
	"no helper in PATH: says which packages"
run_out=$("$DRIVE" --plan --path "$T/fake:/usr/bin:/bin" | head -1)
is "$run_out" "$T/fake/pasta" "the helper comes from PATH, pasta first"

# SIGKILL of sbx (the driver): the helper dies with it.
for helper in pasta slirp4netns; do
	d=$(mktemp -d "$T/kill.XXXX")
	mkfifo "$d/up"
	if is_root; then pre=(unshare -nm -- "$SCEN" exec "$d" 192.0.2.1); else
		pre=(unshare -rnm -- "$SCEN" exec "$d" 192.0.2.1 "$ME_UID" "$ME_GID"); fi
	"${pre[@]}" -- "$DRIVE" --helper $helper --tcp 8080:80 -- sh -c "echo \$\$ >$d/sbpid; echo up >$d/up; exec sleep 60" \
		2>"$d/err" &
	dpid=$! # unshare, the scenario and the driver each exec the next
	read -t 20 -r _ <>"$d/up"
	hpid=$(sed -n 's/^helper pid //p' "$d/err")
	[ -n "$hpid" ] && [ -n "$dpid" ] && kill -KILL "$dpid"
	gone=no
	for i in $(seq 100); do
		st=$(awk '{print $3}' "/proc/$hpid/stat" 2>/dev/null)
		[ -z "$st" ] || [ "$st" = Z ] && { gone=yes; break; }
		sleep 0.05
	done
	[ -n "$hpid" ] || gone="no helper pid: $(cat "$d/err")"
	is "$gone" yes "$helper: dies when sbx is killed"
	[ "$gone" = yes ] || [ -z "$hpid" ] || kill -KILL "$hpid" # a failure leaves nothing behind
	kill "$(cat "$d/sbpid")" 2>/dev/null
	wait
done

# /dev/net/tun at 0600 (as on this machine without udev): an unprivileged caller is told why.
if is_root && id sbxtest >/dev/null 2>&1; then
	mode=$(stat -c %a /dev/net/tun)
	chmod 0600 /dev/net/tun
	run_out=$(runuser -u sbxtest -- "$DRIVE" --helper pasta -- true 2>&1)
	rc=$?
	chmod "$mode" /dev/net/tun
	is "$rc" 125 "tun 0600: exit 125 for an unprivileged caller"
	is "$run_out" "usernet-drive: /dev/net/tun is not usable by uid $(id -u sbxtest) (mode 0600): network mode \"user\" needs it; as root: chmod 0666 /dev/net/tun (Debian's udev rule does this)" \
		"tun 0600: the message names the file, the uid, the mode and the fix"
fi
done_testing
