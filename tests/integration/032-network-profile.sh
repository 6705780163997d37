#!/bin/bash
# 032-network-profile.sh — the network section and its shortcuts as the real binary reads them:
# a profile of each mode passes --check and --plan (bridge only for root: anyone else gets one
# line at the mode's line suggesting "user", exit 125), --net and --forward on the command line,
# their errors naming the option as typed, and the keys of another mode refused at their line.
# Nothing runs: no network is touched.
. "$(dirname "$0")/lib.sh"
require_userns

printf 'include = [ "default" ];\nnetwork = {\n  mode = "none";\n};\n' >"$T/none.cfg"
printf 'include = [ "default" ];\nnetwork = {\n  mode = "host";\n};\n' >"$T/host.cfg"
cat >"$T/user.cfg" <<'EOF'
include = [ "default" ];
network = {
  mode = "user";
  mtu = 1500;
  host_loopback = false;
  forward = ( { host = 8080; sandbox = 80; },
              { host = 5353; sandbox = 53; proto = "udp"; host_address = "0.0.0.0"; } );
};
EOF
cat >"$T/bridge.cfg" <<'EOF'
include = [ "default" ];
network = {
  mode = "bridge";
  bridge = "sbxt0";
  gateway = "10.77.0.1/24";
  address = "10.77.0.9/24";
  mtu = 1400;
  nat = true;
  bridge_ephemeral = true;
  forward = ( { host = 8080; sandbox = 80; } );
};
EOF

for mode in none host user; do
	run --check --profile "$T/$mode.cfg"
	is "$RC:$OUT:$ERR" "0:ok:" "--check: a profile of mode $mode is valid"
	run --plan --profile "$T/$mode.cfg" -- /bin/true
	is_rc 0 "--plan: a profile of mode $mode compiles"
	like "$OUT" "^# sbx plan: " "--plan of mode $mode prints a plan"
	run --check --net "$mode"
	is "$RC:$OUT" "0:ok" "--net $mode"
done
run --check --set 'network.mode="user"' --forward 8080:80
is "$RC:$OUT" "0:ok" '--set network.mode="user" with a --forward'

if is_root; then
	run --check --profile "$T/bridge.cfg"
	is "$RC:$OUT:$ERR" "0:ok:" "--check: a profile of mode bridge is valid for root"
	run --plan --profile "$T/bridge.cfg" -- /bin/true
	is_rc 0 "--plan: a profile of mode bridge compiles for root"
	run --check --net bridge --forward 0.0.0.0:8080:80
	is "$RC:$OUT" "0:ok" "--net bridge with a --forward, for root"
else
	run --check --profile "$T/bridge.cfg"
	is "$RC:$ERR" "1:$T/bridge.cfg:3: error: network.mode \"bridge\" needs root (it makes links on the host): use mode \"user\" for rootless networking" \
		"--check: mode bridge as an unprivileged user is an error at the mode's line"
	run --plan --profile "$T/bridge.cfg" -- /bin/true
	is_error_line "--plan: mode bridge as an unprivileged user: one line, exit 125" \
		"bridge\.cfg:3: network\.mode \"bridge\" needs root .*use mode \"user\""
	run --net bridge -- /bin/true
	is_error_line "--net bridge as an unprivileged user: one line naming the option, exit 125" \
		"--net bridge: network\.mode \"bridge\" needs root"
fi

# --forward: every bad one listed by --check, each named as typed with the part that is wrong.
run --check --net user --forward 8080:80 --forward 8080 --forward 8080:0 --forward 1:80/sctp \
	--forward localhost:1:80 --forward 127.0.0.1:8080:81
is "$RC" 1 "--check with bad --forward options exits 1"
is "$ERR" '--forward 8080: error: expected [ADDR:]HOST:SANDBOX[/tcp|/udp]
--forward 8080:0: error: sandbox port "0" is not a port (1 to 65535)
--forward 1:80/sctp: error: "/sctp" is not a protocol: /tcp or /udp
--forward localhost:1:80: error: "localhost" is not an IPv4 address, A.B.C.D
--forward 127.0.0.1:8080:81: error: 127.0.0.1:8080/tcp is forwarded twice (first at --forward 8080:80)' \
	"--check names each --forward as typed and what is wrong in it"
run --net user --forward 70000:80 -- /bin/true
is_error_line "a run with a bad --forward: one line, exit 125" \
	'--forward 70000:80: host port "70000" is not a port \(1 to 65535\)'
run --check --forward 8080:80
is "$RC:$ERR" '1:--forward 8080:80: error: network.forward needs mode user or bridge, and the mode is "none" (builtin:default.cfg:40)' \
	"--forward with the default mode none: an error naming the option"
run --check --profile "$T/user.cfg" --forward 8080:8081
like "$RC:$ERR" "^1:--forward 8080:8081: error: 127\.0\.0\.1:8080/tcp is forwarded twice \(first at $T/user\.cfg:6\)$" \
	"a --forward that a profile's forward already has: the error names the profile's line"

# A setting of another mode is never dropped: switching the bridge profile to user refuses its
# bridge keys, each at its own line (the forward and mtu are fine with user).
run --check --profile "$T/bridge.cfg" --net user
is "$RC" 1 "the bridge profile with --net user does not check"
is "$(grep -o '^[^ ]*: error: network\.[a-z_]* needs mode "bridge"' <<<"$ERR" | tr '\n' ';')" \
	"$T/bridge.cfg:4: error: network.bridge needs mode \"bridge\";$T/bridge.cfg:6: error: network.address needs mode \"bridge\";$T/bridge.cfg:5: error: network.gateway needs mode \"bridge\";$T/bridge.cfg:8: error: network.nat needs mode \"bridge\";$T/bridge.cfg:9: error: network.bridge_ephemeral needs mode \"bridge\";" \
	"each bridge key is an error at its line once the mode is user"
like "$ERR" 'the mode is "user" \(--net user\)' "the error says where the mode came from"

check_no_leftovers "the network profile checks"
done_testing
