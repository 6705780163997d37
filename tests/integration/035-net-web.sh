#!/bin/bash
# 035-net-web.sh — the README's example: `sbx --profile web -- nginx -g 'daemon off;'`, then
# the host's http://127.0.0.1:8080/ answers from the sandbox's read-only /srv/www. As root and
# as a user, in a "host" network namespace this test makes (usernet-scenario.sh exec), with the
# profile's quotas under the test's cgroup parent where there is one (else the profile's
# optional cgroup gives one warning).
. "$(dirname "$0")/lib.sh"
require_userns

WEB=$TESTDIR/../../profiles/web.cfg
SCEN=$TESTDIR/usernet-scenario.sh
NETPY=$TESTDIR/usernet-net.py
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
	not_ok "nginx is installed (make deps installs nginx-light)"
	done_testing
fi
cg=()
cg_note="a warning that the quotas are left out"
if cg_parent_setup memory pids; then
	cg=(--set "cgroup.parent=\"$CG_PARENT\"")
	cg_note="the quotas under $CG_PARENT"
fi

# The plan: the forward, the one capability, the seccomp preset, uid 33 inside.
run --plan --profile "$WEB" "${cg[@]}" -- nginx -g 'daemon off;'
like "$OUT" 'net-user helper=[a-z0-9]+ .*--tcp-ports=127\.0\.0\.1/8080:80|add_hostfwd.*8080' \
	"web.cfg: the plan forwards the host's 127.0.0.1:8080 to port 80"
like "$OUT" 'capabilities keep=net_bind_service' "web.cfg: only net_bind_service is kept"
like "$OUT" 'seccomp .*preset=default' "web.cfg: the default seccomp preset"
like "$OUT" 'set-ids uid=33 gid=33' "web.cfg: nginx runs as uid 33 inside"

d=$(mktemp -d "$T/web.XXXX")
chmod a+rwx "$d"
mkdir "$d/site"
echo "hello from the sandboxed nginx" >"$d/site/index.html"
chmod -R a+rX "$d/site"
cat >"$d/script.sh" <<EOF
"$SBX" --profile "$WEB" --ro-bind "$d/site:/srv/www" ${cg[*]@Q} -- nginx -g 'daemon off;' \
	>"$d/sbx.out" 2>"$d/sbx.err" &
sbx=\$!
body=""
for _ in \$(seq 100); do
	body=\$("$PY" "$NETPY" http-get http://127.0.0.1:8080/ 2>/dev/null) && break
	sleep 0.1
done
echo "body \$body"
echo "server \$("$PY" -c 'import urllib.request as u; print(u.urlopen("http://127.0.0.1:8080/", timeout=3).headers["Server"])' 2>&1)"
echo "missing \$("$PY" -c '
import urllib.request as u, urllib.error as e
try: u.urlopen("http://127.0.0.1:8080/../../etc/passwd", timeout=3); print("served")
except e.HTTPError as x: print(x.code)' 2>&1)"
kill -TERM \$sbx
wait \$sbx
echo "sbx-rc \$?"
sed 's/^/stderr /' "$d/sbx.err"
EOF
if is_root; then
	OUT=$(SBXT_MARK=$MARK timeout -k 3 60 unshare -nm -- "$SCEN" exec "$d" 192.0.2.1 -- \
		/bin/bash "$d/script.sh" 2>&1)
else
	OUT=$(SBXT_MARK=$MARK timeout -k 3 60 unshare -rnm -- "$SCEN" exec "$d" 192.0.2.1 \
		"$ME_UID" "$ME_GID" -- /bin/bash "$d/script.sh" 2>&1)
fi
CMD="sbx --profile web.cfg --ro-bind SITE:/srv/www -- nginx -g 'daemon off;'"
is "$(sed -n 's/^body //p' <<<"$OUT")" "hello from the sandboxed nginx" \
	"nginx in web.cfg answers on the host's 127.0.0.1:8080 from the read-only /srv/www" ||
	diag "$OUT"
is "$(sed -n 's/^server //p' <<<"$OUT")" "nginx" "without its version (server_tokens off)"
is "$(sed -n 's/^missing //p' <<<"$OUT")" "400" "a path outside the document root is refused"
like "$(sed -n 's/^sbx-rc //p' <<<"$OUT")" '^(0|143)$' "SIGTERM ends nginx and sbx"
if [ ${#cg[@]} -gt 0 ]; then
	unlike "$OUT" 'stderr .*(warning|error)' "no warning or error, with $cg_note"
else
	like "$OUT" 'stderr sbx: warning: .*cgroup' "without a cgroup to use: $cg_note"
	unlike "$OUT" 'stderr .*error' "... and no error"
fi
check_no_leftovers "web.cfg"
done_testing
