#!/bin/bash
# 034-net-user.sh — network.mode "user" through sbx itself: pasta (and slirp4netns when pasta is
# absent) started beside the child, forwards on the host's 127.0.0.1, DNS through the helper,
# the host's loopback closed unless host_loopback, the helper gone when the sandbox ends, and
# the errors. Each case runs in a "host" network namespace this test makes (usernet-scenario.sh
# exec-dns: unshare -nm as root; as a user, unshare -rnm and back to the user's own uid, with no
# capability there), so every address it talks to is inside namespaces it made.
. "$(dirname "$0")/lib.sh"
require_userns

SCEN=$TESTDIR/usernet-scenario.sh
NETPY=$TESTDIR/usernet-net.py
if [ ! -r /dev/net/tun ] || ! { exec 9<>/dev/net/tun; } 2>/dev/null; then
	not_ok "/dev/net/tun is usable here (run.sh makes it 0666 for the user pass)"
	done_testing
fi
exec 9>&-

# The sandbox's side: the default profile with the test's tools bound in.
cat >"$T/user.cfg" <<EOF
include = [ "builtin:default" ];
network = {
  mode = "user";
  forward = ( { host = 8080; sandbox = 8000; },
              { host = 5353; sandbox = 5300; proto = "udp"; host_address = "192.0.2.1"; } );
};
filesystem = { mounts = ( { type = "bind"; src = "$TESTDIR"; dst = "/t"; } ); };
EOF
sed 's/mode = "user";/mode = "user"; host_loopback = true;/' "$T/user.cfg" >"$T/loop.cfg"
cat >"$T/rofile.cfg" <<EOF
filesystem = { mounts = ( { type = "file"; dst = "/usr/sbxt-f"; content = "x"; } ); };
EOF
cat >"$T/tcp.cfg" <<EOF
include = [ "builtin:default" ];
network = { mode = "user"; forward = ( { host = 8080; sandbox = 8000; } ); };
filesystem = { mounts = ( { type = "bind"; src = "$TESTDIR"; dst = "/t"; } ); };
EOF
chmod -R a+rX "$T"

# host SCRIPT: run the bash SCRIPT in a fresh "host" namespace as the caller; its output in OUT.
host() {
	local d
	d=$(mktemp -d "$T/host.XXXX")
	chmod a+rwx "$d"
	printf '%s\n' "$1" >"$d/script.sh"
	local env=(env SBX="$SBX" T="$T" D="$d" NETPY="$NETPY" PY="$PY")
	if is_root; then
		OUT=$(SBXT_MARK=$MARK timeout -k 3 90 unshare -nm -- "$SCEN" exec-dns "$d" 192.0.2.1 -- \
			"${env[@]}" /bin/bash "$d/script.sh" 2>&1)
	else
		OUT=$(SBXT_MARK=$MARK timeout -k 3 90 unshare -rnm -- "$SCEN" exec-dns "$d" 192.0.2.1 \
			"$ME_UID" "$ME_GID" -- "${env[@]}" /bin/bash "$d/script.sh" 2>&1)
	fi
	RC=$?
	CMD="host: $1"
}

# Both the tcp and the udp forward, DNS, outbound, and every host address closed.
host '
serve() { "$PY" "$NETPY" "$@" & }
mkfifo "$D/r1" "$D/r2"
serve serve-tcp 127.0.0.1 7777 host-loopback "$D/r1"; read -r _ <"$D/r1"
serve serve-tcp 192.0.2.1 7778 outbound "$D/r2"; read -r _ <"$D/r2"
"$SBX" -v --profile "$T/user.cfg" -- /bin/sh -c "
	cat /etc/resolv.conf
	mkfifo /tmp/r /tmp/u
	python3 /t/usernet-net.py serve-tcp 0.0.0.0 8000 hello-inside /tmp/r & read -r _ </tmp/r
	python3 /t/usernet-net.py serve-udp 0.0.0.0 5300 /tmp/u & read -r _ </tmp/u
	echo listening >&2
	python3 /t/usernet-net.py reach 2 10.0.2.2:7777 10.0.2.1:7777 10.0.2.3:7777 10.0.2.254:7777 \
		192.0.2.1:7777 127.0.0.1:7777 192.0.2.1:7778
	echo dns \$(python3 /t/usernet-net.py udp-ask 10.0.2.3 53 query)
	sleep 1" >"$D/sbx.out" 2>"$D/sbx.err" &
sbx=$!
for _ in $(seq 300); do grep -qx listening "$D/sbx.err" && break; sleep 0.1; done
echo "tcp-fwd $("$PY" "$NETPY" reach 2 127.0.0.1:8080)"
echo "udp-fwd $("$PY" "$NETPY" udp-ask 192.0.2.1 5353 ping)"
wait "$sbx"
echo "sbx-rc $?"
cat "$D/sbx.out"
pid=$(sed -n "s/.*net-user-stop pasta pid=\([0-9]*\).*/\1/p" "$D/sbx.err")
echo "helper-pid ${pid:-none}"
[ -n "$pid" ] && [ ! -e "/proc/$pid" ] && echo "helper-gone yes"
grep -E "error|warning" "$D/sbx.err"
kill $(jobs -p) 2>/dev/null
'
is "$(sed -n 's/^sbx-rc //p' <<<"$OUT")" 0 "user mode: the sandbox ran" || diag "$OUT"
is "$(sed -n 's/^tcp-fwd //p' <<<"$OUT")" "127.0.0.1:8080 hello-inside" \
	"a tcp forward: the host's 127.0.0.1:8080 reaches the sandbox's :8000"
is "$(sed -n 's/^udp-fwd //p' <<<"$OUT")" "echo:ping" "a udp forward from 192.0.2.1:5353"
like "$OUT" 'nameserver 10\.0\.2\.3' "/etc/resolv.conf inside names the helper's resolver"
is "$(sed -n 's/^dns //p' <<<"$OUT")" "echo:query" "DNS through 10.0.2.3 reaches the host's resolver"
is "$(grep '^192.0.2.1:7778 ' <<<"$OUT")" "192.0.2.1:7778 outbound" "outbound connections work"
open=$(grep -E '^(10\.0\.2\.[0-9]+|192\.0\.2\.1|127\.0\.0\.1):7777 ' <<<"$OUT" | grep -v ' -$')
is "$open" "" "the host's 127.0.0.1:7777 is unreachable through every address that stands for the host"
like "$OUT" 'helper-gone yes' "pasta is gone when the sandbox has ended"
unlike "$OUT" 'error|warning' "no error or warning"

# host_loopback = true opens it, through the gateway.
host '
mkfifo "$D/r1"
"$PY" "$NETPY" serve-tcp 127.0.0.1 7777 host-loopback "$D/r1" & read -r _ <"$D/r1"
"$SBX" --profile "$T/loop.cfg" -- python3 /t/usernet-net.py reach 2 10.0.2.2:7777
kill $(jobs -p) 2>/dev/null
'
is "$RC:$OUT" "0:10.0.2.2:7777 host-loopback" "host_loopback = true: the host's 127.0.0.1 through 10.0.2.2"

# slirp4netns when pasta is absent (PATH without it): the same forward.
host '
mkdir "$D/bin" && ln -s "$(command -v slirp4netns)" "$D/bin/slirp4netns"
PATH=$D/bin "$SBX" --plan --profile "$T/tcp.cfg" -- /bin/true | grep -o "net-user helper=[a-z0-9]*"
PATH=$D/bin "$SBX" --profile "$T/tcp.cfg" -- /bin/sh -c "mkfifo /tmp/r
	python3 /t/usernet-net.py serve-tcp 0.0.0.0 8000 hello-slirp /tmp/r & read -r _ </tmp/r
	echo listening >&2; sleep 2" 2>"$D/err" &
for _ in $(seq 300); do grep -qx listening "$D/err" && break; sleep 0.1; done
echo "tcp-fwd $("$PY" "$NETPY" reach 2 127.0.0.1:8080)"
wait
grep -E "error" "$D/err"
'
like "$OUT" 'net-user helper=slirp4netns' "without pasta, the plan picks slirp4netns"
like "$OUT" 'tcp-fwd 127\.0\.0\.1:8080 hello-slirp' "slirp4netns: the forward reaches the sandbox"

# SIGKILL of sbx: the sandbox and the helper die with it.
host '
"$SBX" -v --profile "$T/user.cfg" -- /bin/sleep 30 2>"$D/err" &
sbx=$!
for _ in $(seq 300); do grep -q " exec " "$D/err" && break; sleep 0.1; done
pid=$(ps -o pid=,comm= --ppid "$sbx" | sed -n "s/^ *\([0-9]*\) pas.*/\1/p")
echo "helper-pid ${pid:-none}"
kill -KILL "$sbx"
wait "$sbx"
for _ in $(seq 50); do [ -n "$pid" ] && [ ! -e "/proc/$pid" ] && break; sleep 0.1; done
[ -n "$pid" ] && [ ! -e "/proc/$pid" ] && echo "helper-gone yes"
'
like "$OUT" 'helper-pid [0-9]+' "the helper runs beside the sandbox" || diag "$OUT"
like "$OUT" 'helper-gone yes' "after SIGKILL of sbx, pasta is gone too"

# A setup that fails in the child (a file mount on the read-only /usr) is reported as the
# child's error, never as the network helper's that followed from it (it could not reach the
# gone child): 20 runs in a row, racing the helper.
host '
for i in $(seq 20); do
	"$SBX" --profile "$T/tcp.cfg" --profile "$T/rofile.cfg" -- /bin/true 2>&1 |
		grep -o -E "mount-file|net-user: [a-z ]*" | head -1
done | sort | uniq -c
'
like "$OUT" '^ *20 mount-file' "a child's own failure is reported, 20 of 20, not the helper's" || diag "$OUT"

# A helper that fails (no external interface for pasta to use): exit 125 with its reason.
if is_root; then
	OUT=$(SBXT_MARK=$MARK timeout -k 3 30 unshare -n -- "$SBX" --profile "$T/user.cfg" -- /bin/true 2>&1)
else
	OUT=$(SBXT_MARK=$MARK timeout -k 3 30 unshare -rn -- unshare -U --map-user="$ME_UID" \
		--map-group="$ME_GID" -- "$SBX" --profile "$T/user.cfg" -- /bin/true 2>&1)
fi
RC=$?
is "$RC" 125 "a helper that can't start: exit status 125"
like "$OUT" 'user.cfg:3: pasta exited with status [0-9]+ before the network was ready: .+' \
	"... naming the helper and its own reason, at the mode's line"

# As root: an unprivileged caller without /dev/net/tun access is told exactly that.
if is_root && id sbxtest >/dev/null 2>&1; then
	mode=$(stat -c %a /dev/net/tun)
	chmod 0600 /dev/net/tun
	OUT=$(runuser -u sbxtest -- "$SBX" --profile "$T/user.cfg" -- /bin/true 2>&1)
	RC=$?
	chmod "$mode" /dev/net/tun
	is "$RC" 125 "/dev/net/tun unusable for the caller: exit status 125"
	like "$OUT" '/dev/net/tun.*chmod 0666 /dev/net/tun' "... and the message names the device and the fix"
fi

check_no_leftovers "user mode"
done_testing
