#!/bin/bash
# usernet-scenario.sh — one run of 036-usernet.sh, in the "host" network and mount namespaces
# the test made (unshare -nm as root, -rnm as a user), so that every address it talks to is
# inside them. Prints "KEY VALUE" lines for the test to check.
#
#   usernet-scenario.sh DIR NAMESERVER [UID GID] -- DRIVER-ARGS...   the host's side
#   usernet-scenario.sh inside DIR                                     the sandbox's side
#   usernet-scenario.sh exec DIR NAMESERVER [UID GID] -- COMMAND...    the host, then COMMAND
#                                                                      (exec'd: its pid is the
#                                                                      caller's)
#   usernet-scenario.sh exec-dns DIR NAMESERVER [UID GID] -- COMMAND... the same, with a resolver
#                                                                      answering on NAMESERVER:53
#                                                                      while COMMAND runs
#
# The host: lo, a veth pair with 192.0.2.1/24 and a default route (pasta copies nothing from
# it but needs one), resolv.conf naming NAMESERVER (a udp echo answers there on port 53), a
# listener on 127.0.0.1:7777 that must stay unreachable from inside without host_loopback, and
# one on 192.0.2.1:7778 for outbound connections. The driver runs as UID:GID when given (the
# unprivileged caller, with no capability here). Inside: an http server on 80 (forwarded from
# 127.0.0.1:8080) and a udp echo on 5300 (from 5353).
set -u
here=$(cd "$(dirname "$0")" && pwd)
NET=("${PY:-python3}" "$here/usernet-net.py")
probe_ports=(10.0.2.2:7777 10.0.2.1:7777 10.0.2.3:7777 10.0.2.4:7777 10.0.2.254:7777
	10.0.2.100:7777 127.0.0.1:7777 192.0.2.1:7777 192.0.2.254:7777 192.0.2.1:7778)

# start NAME CMD...: a background server; returns once it says it listens.
start() {
	local name=$1
	shift
	mkfifo "$dir/$name.ready"
	"$@" "$dir/$name.ready" &
	read -r _ <"$dir/$name.ready"
}

if [ "$1" = inside ]; then
	dir=$2
	start s-http "${NET[@]}" serve-http 80 "$dir/www"
	start s-udp "${NET[@]}" serve-udp 0.0.0.0 5300
	echo "mtu $(ip -o link show eth0 | grep -o 'mtu [0-9]*' | cut -d' ' -f2)"
	echo "ipv6 $(ip -6 route show default; ip -6 addr show scope global)"
	"${NET[@]}" reach 2 "${probe_ports[@]}" | sed 's/^/reach /'
	echo "dns $("${NET[@]}" udp-ask 10.0.2.3 53 query)"
	echo up >"$dir/up"
	read -r _ <"$dir/done"
	kill $(jobs -p) 2>/dev/null
	exit 0
fi

mode=run
if [ "$1" = exec ] || [ "$1" = exec-dns ]; then
	mode=$1
	shift
fi
dir=$1 ns=$2
shift 2
drop=()
if [ "$1" != -- ]; then
	drop=(unshare -U --map-user="$1" --map-group="$2" --)
	shift 2
fi
shift
ip link set lo up
ip link add v0 type veth peer name v1 || exit 1
ip addr add 192.0.2.1/24 dev v0 && ip link set v0 up && ip link set v1 up || exit 1
ip route add default via 192.0.2.254 dev v0 || exit 1
echo "nameserver $ns" >"$dir/resolv.conf"
mount --bind "$dir/resolv.conf" /etc/resolv.conf || exit 1
mkdir -p "$dir/www"
echo hello-from-sandbox >"$dir/www/index.html"
[ $mode = exec ] && exec "${drop[@]}" "$@"
if [ $mode = exec-dns ]; then
	# The resolver on NAMESERVER:53 is started here, before the drop to the caller's uid,
	# which may not bind a port below 1024; it goes when COMMAND is done.
	start h-dns "${NET[@]}" serve-udp "$ns" 53
	"${drop[@]}" "$@"
	rc=$?
	kill $(jobs -p) 2>/dev/null
	exit $rc
fi
start h-lo "${NET[@]}" serve-tcp 127.0.0.1 7777 host-loopback
start h-out "${NET[@]}" serve-tcp 192.0.2.1 7778 outbound
start h-dns "${NET[@]}" serve-udp "$ns" 53
mkfifo "$dir/up" "$dir/done"
chmod -R a+rwX "$dir"
"${drop[@]}" "$@" -- /bin/bash "$here/usernet-scenario.sh" inside "$dir" >"$dir/inside.out" \
	2>"$dir/drive.err" &
driver=$!
# The sandbox says "up" once its servers listen; if the driver fails first, nothing will.
{ read -r _ <"$dir/up"; } &
reader=$!
wait -n "$driver" "$reader"
if kill -0 "$driver" 2>/dev/null; then
	echo "http $("${NET[@]}" http-get http://127.0.0.1:8080/ 2>&1)"
	echo "udp $("${NET[@]}" udp-ask 127.0.0.1 5353 ping)"
	echo "udp-addr $("${NET[@]}" udp-ask 192.0.2.1 5353 ping)"
	echo >"$dir/done"
else
	kill "$reader" 2>/dev/null
fi
wait "$driver"
echo "driver $?"
cat "$dir/inside.out"
sed 's/^/stderr /' "$dir/drive.err"
kill $(jobs -p) 2>/dev/null
exit 0
