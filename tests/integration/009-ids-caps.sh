#!/bin/bash
# 009-ids-caps.sh — ids inside and the id maps, capabilities, no_new_privs.
. "$(dirname "$0")/lib.sh"
require_userns

map() { awk '{ print $1, $2, $3 }' <<<"$1" | tr '\n' ';'; }

# default_map INSIDE FILE SELF: the default map's text for inside id INSIDE. The caller's own
# id SELF, count 1; for root (never host root) its range in FILE (/etc/subuid or /etc/subgid)
# from inside 0, else 65534 (020-idmaps-root.sh has the details).
default_map() {
	local range
	if ! is_root; then
		echo "$1 $3 1;"
		return
	fi
	range=$(awk -F: '($1 == "root" || $1 == "0") { print $2, $3; exit }' "$2")
	if [ -n "$range" ]; then echo "0 $range;"; else echo "$1 65534 1;"; fi
}
if is_root; then WHO="root's unprivileged range"; else WHO="the caller"; fi

# Default: the caller's ids... as 0 inside for mini (uid unset = the caller's id).
run "${MINI[@]}" -- /probe uid
is "$RC:$(head -1 <<<"$OUT")" "0:$ME_UID $ME_GID $ME_UID $ME_GID" "uid/gid unset: the caller's ids inside"
run "${MINI[@]}" -- /probe cat /proc/self/uid_map
is "$(map "$OUT")" "$(default_map "$ME_UID" /etc/subuid "$ME_UID")" "default uid_map: the caller's id to $WHO"
run "${MINI[@]}" -- /probe cat /proc/self/setgroups
if [[ $(default_map "$ME_GID" /etc/subgid "$ME_GID") == *" 1;" ]]; then
	is "$OUT" deny "setgroups is denied with a single-id map"
else
	is "$OUT" allow "setgroups is allowed with root's subgid range"
fi

run "${MINI[@]}" --set user.uid=0 --set user.gid=0 -- /probe uid
is "$(head -1 <<<"$OUT")" "0 0 0 0" "uid = 0; gid = 0: root inside"
run "${MINI[@]}" --set user.uid=0 --set user.gid=0 -- /probe cat /proc/self/uid_map
is "$(map "$OUT")" "$(default_map 0 /etc/subuid "$ME_UID")" "uid 0 inside maps to $WHO"
run "${MINI[@]}" --set user.uid=0 --set user.gid=0 -- /probe cat /proc/self/gid_map
is "$(map "$OUT")" "$(default_map 0 /etc/subgid "$ME_GID")" "gid 0 inside maps to $WHO"

run "${MINI[@]}" --profile "$PROFILES/uid1000.cfg" -- /probe uid
is "$(head -1 <<<"$OUT")" "1000 1000 1000 1000" "uid = 1000; gid = 1000 inside"
run "${MINI[@]}" --profile "$PROFILES/uid1000.cfg" -- /probe cat /proc/self/uid_map
is "$(map "$OUT")" "$(default_map 1000 /etc/subuid "$ME_UID")" "uid 1000 inside maps to $WHO"
run "${MINI[@]}" --profile "$PROFILES/uid1000.cfg" -- /probe status CapEff
is "$OUT" 0000000000000000 "uid 1000 with no capabilities: CapEff 0"

# Id ranges: "subuid" for an unprivileged caller, explicit numbers for root.
sub_u=$(subid_start /etc/subuid)
sub_g=$(subid_start /etc/subgid)
S=("${MINI[@]}" --profile "$PROFILES/subuid.cfg")
if [ -n "$sub_u" ] && [ -n "$sub_g" ]; then
	run "${S[@]}" --set user.uid=0 --set user.gid=0 -- /probe cat /proc/self/uid_map
	is "$(map "$OUT")" "0 $ME_UID 1;1 $sub_u 1000;" "a subuid range map (newuidmap)"
	run "${S[@]}" --set user.uid=0 --set user.gid=0 -- /probe cat /proc/self/gid_map
	is "$(map "$OUT")" "0 $ME_GID 1;1 $sub_g 1000;" "a subgid range map (newgidmap)"
	run "${S[@]}" --set user.uid=1000 --set user.gid=1000 -- /probe uid
	is "$(head -1 <<<"$OUT")" "1000 1000 1000 1000" "uid 1000 from the subuid range inside"
	run "${S[@]}" --set user.uid=1000 --set user.gid=1000 -- /probe cat /proc/self/setgroups
	is "$OUT" allow "setgroups is allowed with a range map"
else
	run "${S[@]}" -- /probe uid
	is_error_line "a subuid map without an /etc/subuid range fails cleanly" "subuid|subgid"
fi

run "${MINI[@]}" --profile "$PROFILES/range.cfg" --set user.uid=0 --set user.gid=0 -- /probe cat /proc/self/uid_map
if is_root; then
	is "$RC:$(map "$OUT")" "0:0 100000 65536;" "root maps an explicit id range"
	run "${MINI[@]}" --profile "$PROFILES/range.cfg" --set user.uid=500 --set user.gid=500 -- /probe uid
	is "$(head -1 <<<"$OUT")" "500 500 500 500" "an id inside an explicit range"
else
	is_error_line "an explicit id range needs root: 125 and a sentence" "."
fi

# Capabilities: none by default, the bounding set included; listed ones kept.
for f in CapInh CapPrm CapEff CapBnd CapAmb; do
	run "${MINI[@]}" -- /probe status $f
	is "$OUT" 0000000000000000 "no capabilities by default: $f"
done
run "${MINI[@]}" -- /probe bind-tcp 80
is "$OUT" EACCES "without net_bind_service port 80 is refused"

C=("${MINI[@]}" --profile "$PROFILES/caps-nbs.cfg")
for f in CapPrm CapEff CapBnd; do
	run "${C[@]}" -- /probe status $f
	is "$OUT" 0000000000000400 "net_bind_service kept: $f"
done
run "${C[@]}" -- /probe bind-tcp 80
is "$OUT" ok "with net_bind_service root inside binds port 80"
C=("${C[@]}" --profile "$PROFILES/uid1000.cfg")
for f in CapEff CapAmb CapBnd; do
	run "${C[@]}" -- /probe status $f
	is "$OUT" 0000000000000400 "net_bind_service for uid 1000 (ambient): $f"
done
run "${C[@]}" -- /probe bind-tcp 80
is "$OUT" ok "with net_bind_service uid 1000 inside binds port 80"

# no_new_privs.
run "${MINI[@]}" -- /probe status NoNewPrivs
is "$OUT" 1 "NoNewPrivs 1 by default"
if [ "$("$PROBE" status NoNewPrivs)" = 0 ]; then
	run "${MINI[@]}" --profile "$PROFILES/nnp-off.cfg" -- /probe status NoNewPrivs
	is "$OUT" 0 "no_new_privs = false leaves it off"
else
	skip "no_new_privs = false leaves it off" "the test runner already has no_new_privs"
fi

check_no_leftovers "the id and capability runs"
done_testing
