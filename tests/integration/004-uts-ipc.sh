#!/bin/bash
# 004-uts-ipc.sh — uts namespace (hostname, domainname) and ipc namespace (SysV queues).
. "$(dirname "$0")/lib.sh"
require_userns

host_name=$(uname -n)
host_domain=$("$PROBE" domainname)

run "${MINI[@]}" -- /probe hostname
is "$RC:$OUT" "0:sbx-test" "hostname comes from the profile"
run "${MINI[@]}" --profile "$PROFILES/uts.cfg" -- /probe hostname
is "$OUT" sbx-uts "hostname from a stacked profile"
run "${MINI[@]}" --profile "$PROFILES/uts.cfg" -- /probe domainname
is "$OUT" sbx-domain "domainname comes from the profile"
run "${MINI[@]}" --hostname cli-name -- /probe hostname
is "$OUT" cli-name "--hostname sets the hostname"
is "$(uname -n)" "$host_name" "the host's hostname is unchanged"
is "$("$PROBE" domainname)" "$host_domain" "the host's domainname is unchanged"

# A SysV message queue made on the host is invisible inside.
if ! ipcmk -Q -p 0644 >"$T/ipcmk.out" 2>&1; then
	skip "a host SysV queue is invisible inside" "ipcmk failed: $(cat "$T/ipcmk.out")"
else
	id=$(grep -Eo '[0-9]+$' "$T/ipcmk.out")
	key=$(ipcs -q | awk -v id="$id" '$2 == id { print $1 }')
	is "$("$PROBE" msgq-exists "$key")" yes "the probe sees the queue $key on the host"
	run "${MINI[@]}" -- /probe msgq-exists "$key"
	is "$RC:$OUT" "0:no" "a host SysV message queue is invisible inside"
	run "${MINI[@]}" --profile "$PROFILES/shared-ipc.cfg" -- /probe msgq-exists "$key"
	is "$RC:$OUT" "0:yes" "without an ipc namespace the queue is visible (control)"
	ipcrm -q "$id"
fi

check_no_leftovers "the uts and ipc runs"
done_testing
