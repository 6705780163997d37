#!/bin/bash
# 022-compile-checks.sh — what the compiler knows before anything runs: a profile the kernel
# would refuse fails --check with FILE:LINE and the reason (and a run says the same, with
# exit 125, before any setup); a valid setting that can't take effect is a warning,
# `sbx: warning: FILE:LINE: ...`, with --check and with the run.
. "$(dirname "$0")/lib.sh"
require_userns

# ---- capabilities that can't act on the host's network ------------------------------------
C=("${MINI[@]}" --profile "$PROFILES/caps-nbs.cfg" --profile "$PROFILES/hostnet.cfg")
WARN="^sbx: warning: $PROFILES/caps-nbs.cfg:2: security.capabilities: net_bind_service: no effect on the host's network"
run "${C[@]}" --check
is "$RC:$OUT" "0:ok" "net_bind_service with the host's network is valid"
is "$(grep -c . <<<"$ERR")" 1 "--check prints one warning line"
like "$ERR" "$WARN" "the warning names the capability and FILE:LINE"
run "${C[@]}" -- /probe bind-tcp 80
is "$OUT" EACCES "indeed: port 80 of the host's network stays refused"
like "$ERR" "$WARN" "the run warns as well"
run "${C[@]}" -q -- /probe bind-tcp 80
is "$ERR" "" "-q leaves the warning out"
run "${MINI[@]}" --profile "$PROFILES/caps-nbs.cfg" --check
is "$RC:$OUT:$ERR" "0:ok:" "its own network namespace: no warning"
if is_root; then
	run "${C[@]}" --set 'namespaces=["mount","pid","uts","ipc","cgroup"]' -- /probe bind-tcp 80
	is "$OUT:$ERR" "ok:" "root without a user namespace keeps the host capability: no warning"
fi

check_no_leftovers "the runs"
done_testing
