/* test_usernet.c — usernet_plan(): which helper, and the exact command it gets (the host's
 * loopback closed unless asked, pasta's automatic forwards off, IPv4 only, no daemon); and
 * usernet_check_tun()'s sentence when /dev/net/tun refuses the caller (open faked). The helpers
 * run for real in tests/integration/036-usernet.sh. */
#include "unit.h"
#include "fake_sys.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "sys/net/usernet.h"
#include "util/cleanup.h"

/* A directory holding executables named like the helpers (@which: "pasta", "slirp4netns" or
 * both, space-separated); its path in @buf. */
static void fake_path(const char *sub, const char *which, char *buf, size_t size)
{
	char file[PATH_MAX];

	snprintf(buf, size, "%s/%s", unit_tmp(), sub);
	mkdir(buf, 0755);
	for (const char *w = which; *w;) {
		size_t len = strcspn(w, " ");
		int fd;

		snprintf(file, sizeof(file), "%s/%.*s", buf, (int)len, w);
		fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
		assert_true(fd >= 0);
		close(fd);
		w += len + (w[len] == ' ');
	}
}

/* The argv joined with spaces. */
static void joined(const struct usernet_cmd *cmd, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < cmd->argc; i++)
		off += (size_t)snprintf(buf + off, size - off, "%s%s", i ? " " : "", cmd->argv[i]);
	assert_true(off < size);
}

static const struct usernet_forward fwds[] = {
    {.host = 8080, .sandbox = 80},
    {.host = 5353, .sandbox = 53, .udp = true, .host_address = "192.0.2.1"},
    {.host = 8443, .sandbox = 443},
};

static void test_pasta_argv(void **state)
{
	_cleanup_(usernet_cmd_freep) struct usernet_cmd *cmd = NULL;
	struct usernet_opts o = {.forwards = fwds, .n_forwards = 3, .mtu = 1400};
	struct sbx_err err = {0};
	char path[PATH_MAX], want[PATH_MAX + 16], line[2048];

	(void)state;
	fake_path("both", "pasta slirp4netns", path, sizeof(path));
	o.path = path;
	assert_int_equal(usernet_plan(&o, &cmd, &err), 0);
	assert_int_equal(cmd->helper, USERNET_PASTA);
	snprintf(want, sizeof(want), "%s/pasta", path);
	assert_string_equal(cmd->path, want);
	joined(cmd, line, sizeof(line));
	assert_string_equal(line,
			    "pasta --foreground --quiet --ipv4-only --config-net "
			    "--ns-ifname=eth0 --address=10.0.2.100 --netmask=24 "
			    "--gateway=10.0.2.2 --dns-forward=10.0.2.3 --no-map-gw --mtu=1400 "
			    "--tcp-ports=127.0.0.1/8080:80 --tcp-ports=127.0.0.1/8443:443 "
			    "--udp-ports=192.0.2.1/5353:53 --tcp-ns=none --udp-ns=none "
			    "--pid=/proc/self/fd/5 --userns=/proc/self/fd/3 "
			    "--netns=/proc/self/fd/4");
	assert_int_equal(cmd->n_api, 0);
}

/* No forwards: none at all, not pasta's "auto"; host_loopback: the gateway mapped; root: stays
 * root. */
static void test_pasta_loopback_root_no_forwards(void **state)
{
	_cleanup_(usernet_cmd_freep) struct usernet_cmd *cmd = NULL;
	struct usernet_opts o = {.host_loopback = true, .root = true};
	struct sbx_err err = {0};
	char path[PATH_MAX], line[2048];

	(void)state;
	fake_path("pasta", "pasta", path, sizeof(path));
	o.path = path;
	assert_int_equal(usernet_plan(&o, &cmd, &err), 0);
	joined(cmd, line, sizeof(line));
	assert_string_equal(line,
			    "pasta --foreground --quiet --ipv4-only --config-net "
			    "--ns-ifname=eth0 --address=10.0.2.100 --netmask=24 "
			    "--gateway=10.0.2.2 --dns-forward=10.0.2.3 --tcp-ports=none "
			    "--udp-ports=none --tcp-ns=none --udp-ns=none --pid=/proc/self/fd/5 "
			    "--userns=/proc/self/fd/3 --netns=/proc/self/fd/4 --runas=0");
}

static void test_slirp_fallback_argv_api(void **state)
{
	_cleanup_(usernet_cmd_freep) struct usernet_cmd *cmd = NULL;
	struct usernet_opts o = {.forwards = fwds, .n_forwards = 1};
	struct sbx_err err = {0};
	char path[PATH_MAX], line[2048];

	(void)state;
	fake_path("slirp", "slirp4netns", path, sizeof(path));
	o.path = path;
	assert_int_equal(usernet_plan(&o, &cmd, &err), 0);
	assert_int_equal(cmd->helper, USERNET_SLIRP4NETNS);
	joined(cmd, line, sizeof(line));
	assert_string_equal(line, "slirp4netns --configure --disable-host-loopback --ready-fd=5 "
				  "--exit-fd=6 --api-socket=/proc/self/fd/7/api.sock "
				  "--netns-type=path --userns-path=/proc/self/fd/3 /proc/self/fd/4 "
				  "eth0");
	assert_int_equal(cmd->n_api, 1);
	assert_string_equal(
	    cmd->api[0], "{\"execute\": \"add_hostfwd\", \"arguments\": {\"proto\": \"tcp\", "
			 "\"host_addr\": \"127.0.0.1\", \"host_port\": 8080, \"guest_port\": 80}}");
}

/* slirp4netns drops a udp forward's replies while the loopback is closed: refused up front. */
static void test_slirp_udp_needs_loopback(void **state)
{
	_cleanup_(usernet_cmd_freep) struct usernet_cmd *cmd = NULL;
	struct usernet_opts o = {.forwards = fwds,
				 .n_forwards = 2,
				 .helper = USERNET_SLIRP4NETNS,
				 .loc = {"web.cfg", 7}};
	struct sbx_err err = {0};
	char path[PATH_MAX];

	(void)state;
	fake_path("both", "pasta slirp4netns", path, sizeof(path));
	o.path = path;
	assert_int_equal(usernet_plan(&o, &cmd, &err), -EOPNOTSUPP);
	assert_null(cmd);
	assert_string_equal(err.diag[0].file, "web.cfg");
	assert_int_equal(err.diag[0].line, 7);
	assert_non_null(strstr(err.diag[0].msg, "host_loopback = true"));
	o.host_loopback = true;
	assert_int_equal(usernet_plan(&o, &cmd, &err), 0);
	assert_int_equal(cmd->n_api, 2);
}

static void test_no_helper(void **state)
{
	_cleanup_(usernet_cmd_freep) struct usernet_cmd *cmd = NULL;
	struct usernet_opts o = {0};
	struct sbx_err err = {0};
	char path[PATH_MAX], want[PATH_MAX + 128];

	(void)state;
	fake_path("empty", "", path, sizeof(path));
	o.path = path;
	assert_int_equal(usernet_plan(&o, &cmd, &err), -ENOENT);
	snprintf(want, sizeof(want),
		 "network mode \"user\" needs pasta (package passt) or slirp4netns, and neither "
		 "is in %s",
		 path);
	assert_string_equal(err.diag[0].msg, want);
	/* Asked for by name: only that one. */
	fake_path("slirp", "slirp4netns", path, sizeof(path));
	o.helper = USERNET_PASTA;
	err = (struct sbx_err){0};
	assert_int_equal(usernet_plan(&o, &cmd, &err), -ENOENT);
}

static void test_forward_address_must_be_ipv4(void **state)
{
	_cleanup_(usernet_cmd_freep) struct usernet_cmd *cmd = NULL;
	const struct usernet_forward f = {.host = 1, .sandbox = 2, .host_address = "::1"};
	struct usernet_opts o = {.forwards = &f, .n_forwards = 1};
	struct sbx_err err = {0};
	char path[PATH_MAX];

	(void)state;
	fake_path("pasta", "pasta", path, sizeof(path));
	o.path = path;
	assert_int_equal(usernet_plan(&o, &cmd, &err), -EINVAL);
	assert_non_null(strstr(err.diag[0].msg, "'::1'"));
}

static void test_tun_refused(void **state)
{
	struct sbx_err err = {0};
	char want[512];

	(void)state;
	fake_begin();
	fake_fail("open(/dev/net/tun,", EACCES);
	fake_stat("fstatat(", S_IFCHR | 0600);
	assert_int_equal(usernet_check_tun(&err), -EACCES);
	fake_end();
	snprintf(want, sizeof(want),
		 "/dev/net/tun is not usable by uid %u (mode 0600): network mode \"user\" needs "
		 "it; as root: chmod 0666 /dev/net/tun (Debian's udev rule does this)",
		 (unsigned)geteuid());
	assert_string_equal(err.diag[0].msg, want);
}

static void test_tun_usable(void **state)
{
	struct sbx_err err = {0};

	(void)state;
	fake_begin();
	assert_int_equal(usernet_check_tun(&err), 0);
	fake_assert_calls("open(/dev/net/tun,O_RDWR|O_CLOEXEC) = 100", "close(100)");
	fake_end();
	assert_int_equal(err.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pasta_argv),
	    cmocka_unit_test(test_pasta_loopback_root_no_forwards),
	    cmocka_unit_test(test_slirp_fallback_argv_api),
	    cmocka_unit_test(test_slirp_udp_needs_loopback),
	    cmocka_unit_test(test_no_helper),
	    cmocka_unit_test(test_forward_address_must_be_ipv4),
	    cmocka_unit_test_teardown(test_tun_refused, fake_teardown),
	    cmocka_unit_test_teardown(test_tun_usable, fake_teardown),
	};

	return cmocka_run_group_tests(tests, unit_tmp_setup, unit_tmp_teardown);
}
