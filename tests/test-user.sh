# test-user.sh — sourced by tests/integration/run.sh and bench/run.sh: the unprivileged user
# both run as, with subordinate id ranges for the subuid/subgid tests. Needs root.

TEST_USER=${TEST_USER:-sbxtest}

# ensure_user: create $TEST_USER if missing and give it /etc/subuid and /etc/subgid ranges.
ensure_user() {
	if ! id "$TEST_USER" >/dev/null 2>&1; then
		useradd -m -s /bin/sh "$TEST_USER" || return 1
	fi
	local f
	for f in /etc/subuid /etc/subgid; do
		[ -e "$f" ] || : >"$f"
	done
	grep -q "^$TEST_USER:" /etc/subuid || usermod --add-subuids 200000-265535 "$TEST_USER" || return 1
	grep -q "^$TEST_USER:" /etc/subgid || usermod --add-subgids 200000-265535 "$TEST_USER" || return 1
}
