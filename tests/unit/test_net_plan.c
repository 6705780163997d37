/* test_net_plan.c — network modes bridge and user as policy_compile() puts them in the plan:
 * which steps, in which order, what --plan prints for each and the FILE:LINE it points at; the
 * resolv.conf mount of user mode; the errors of a caller that can't have the mode. The helpers
 * are fakes (empty executables named pasta and slirp4netns in the scratch dir, first in PATH),
 * and /dev/net/tun is faked (fake_sys) for an unprivileged caller, so no plan depends on the
 * machine. The runners are in test_net_runners.c; the whole modes run in
 * tests/integration/033-net-bridge.sh and 034-net-user.sh. */
#include "unit.h"
#include "fake_sys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plan/plan.h"
#include "plan/policy.h"
#include "profile/profile.h"
#include "sys/cgroup/layout.h"
#include "sys/net/nft.h"
#include "util/cleanup.h"

#include "caller.h"

static char *test_argv[] = {"/bin/true", NULL};
static char *test_environ[] = {"PATH=/usr/bin", NULL};

/* A compiled profile: its plan and its --plan text. */
struct compiled {
	struct plan *plan;
	char *text;
	struct sbx_err err;
	int r;
};

static void compiled_done(struct compiled *x)
{
	x->plan = plan_free(x->plan);
	free(x->text);
	x->text = NULL;
}

/* @text as t.cfg, compiled for @c. With @tun_ok, /dev/net/tun opens (faked) while the compiler
 * runs; with @tun_errno, it is refused with that errno. Neither: nothing is faked. */
static void compile_for(struct compiled *x, const char *text, const struct sbx_caller *c,
			int tun_errno, bool fake_tun)
{
	_cleanup_(profile_freep) struct profile *p = NULL;
	size_t len = 0;
	FILE *f;

	*x = (struct compiled){0};
	x->r = profile_parse_string(text, "t.cfg", &p, &x->err);
	if (x->r < 0)
		fail_msg("t.cfg: %s", x->err.diag[0].msg);
	if (fake_tun) {
		fake_begin();
		if (tun_errno) {
			fake_fail("open(/dev/net/tun,", tun_errno);
			fake_stat("fstatat(", S_IFCHR | 0600);
		}
	}
	x->r = policy_compile(p, c, &x->plan, &x->err);
	if (fake_tun) {
		/* The compiler opens nothing else: the only calls the fake saw are the tun's. */
		for (unsigned i = 0; i < fake_count(); i++)
			if (!strstr(fake_call(i), "/dev/net/tun") &&
			    strncmp(fake_call(i), "close(", 6) != 0)
				fail_msg("unexpected call while compiling: %s", fake_call(i));
		fake_end();
	}
	if (x->r < 0)
		return;
	x->plan->profile_names = "t";
	f = open_memstream(&x->text, &len);
	assert_non_null(f);
	assert_int_equal(plan_dump(x->plan, PLAN_TEXT, f), 0);
	fclose(f);
}

static void compile_ok(struct compiled *x, const char *text, uid_t uid)
{
	struct sbx_caller c = unit_caller(uid, test_argv, test_environ);

	compile_for(x, text, &c, 0, uid != 0);
	if (x->r < 0)
		fail_msg("compile: %d: t.cfg:%u: %s", x->r, x->err.diag[0].line,
			 x->err.diag[0].msg);
}

/* Whether a --plan line (without its number) is one this file checks: the network's steps,
 * the v1 cgroup attach they must come after, and user mode's resolv.conf. */
static bool wanted(const char *line)
{
	const char *name = line + strcspn(line, " ");

	name += strspn(name, " ");
	return strncmp(name, "net", 3) == 0 || strncmp(name, "cgroup-attach ", 14) == 0 ||
	       strstr(name, "dst=/etc/resolv.conf");
}

/* The wanted lines of the plan's text, in order, each without its step number; every line
 * ends in '\n'. The caller frees it. */
static char *net_lines(const char *text)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	const char *line = strchr(text, '\n') + 1; /* after the header */

	assert_non_null(f);
	while (*line) {
		const char *end = strchr(line, '\n');
		_cleanup_free_ char *body = NULL;
		const char *at = line + strspn(line, " ");

		assert_non_null(end);
		at += strspn(at, "0123456789");
		at += strspn(at, " ");
		body = strndup(at, (size_t)(end - at));
		assert_non_null(body);
		if (wanted(body))
			fprintf(f, "%s\n", body);
		line = end + 1;
	}
	fclose(f);
	return out;
}

static void expect_net_lines(const struct compiled *x, const char *want)
{
	_cleanup_free_ char *got = net_lines(x->text);

	if (strcmp(got, want) != 0) {
		fprintf(stderr, "plan:\n%s\nnetwork lines:\n%s\nwant:\n%s", x->text, got, want);
		fail();
	}
}

/* The index of the one step of @kind. */
static size_t find(const struct plan *plan, enum step_kind kind)
{
	size_t at = plan->n_steps, n = 0;

	for (size_t i = 0; i < plan->n_steps; i++)
		if (plan->steps[i].kind == kind) {
			at = n++ ? at : i;
		}
	if (n != 1)
		fail_msg("%zu steps %s, want 1", n, plan_step_type(kind)->name);
	return at;
}

static size_t count(const struct plan *plan, enum step_kind kind)
{
	size_t n = 0;

	for (size_t i = 0; i < plan->n_steps; i++)
		n += plan->steps[i].kind == kind;
	return n;
}

/* Where the beside steps end: the first child step after netns-create. */
static size_t first_child_after(const struct plan *plan, size_t from)
{
	size_t i = from;

	while (i < plan->n_steps && !phase_in_child(plan->steps[i].phase))
		i++;
	return i;
}

/* Where bridge mode's steps go: the three host-side ones first of all (PREPARE, before clone),
 * the helper once the id maps are written, the veth pair last of the beside steps, the join and
 * the wait as in mode none. */
static void expect_bridge_shape(const struct plan *plan, bool rules)
{
	size_t create = find(plan, STEP_NETNS_CREATE), veth = find(plan, STEP_NET_VETH);
	size_t bridge = find(plan, STEP_NET_BRIDGE), clone = find(plan, STEP_CLONE);

	/* The cgroup's own come first when there is one. */
	assert_int_equal(plan->steps[bridge + 1].kind, STEP_NET_ADDRESS);
	assert_int_equal(count(plan, STEP_NET_RULES), rules);
	if (rules)
		assert_int_equal(plan->steps[bridge + 2].kind, STEP_NET_RULES);
	assert_int_equal(clone, bridge + 2 + rules);
	for (size_t i = 0; i < clone; i++)
		assert_int_equal(plan->steps[i].phase, PHASE_PREPARE);
	assert_true(find(plan, STEP_CLONE) < create);
	for (size_t i = find(plan, STEP_CLONE); i < create; i++)
		assert_int_equal(plan->steps[i].phase, PHASE_PARENT);
	assert_int_equal(plan->steps[create].phase, PHASE_BESIDE);
	assert_true(plan->steps[create].netlink.plumb);
	assert_int_equal(plan->steps[veth].phase, PHASE_BESIDE);
	assert_true(veth > create);
	assert_int_equal(first_child_after(plan, create), veth + 1);
	assert_true(find(plan, STEP_NETNS_JOIN) > veth);
	assert_int_equal(plan->steps[find(plan, STEP_NETNS_READY)].phase, PHASE_COMMAND);
	assert_true(plan->steps[find(plan, STEP_NETNS_READY)].netlink.plumb);
	assert_null(plan_first(plan, STEP_NET_USER));
}

/* Everything bridge mode has: a bridge of its own, a fixed address, nat and two forwards, one
 * from the host's loopback (route_localnet) and one from every address (forwarding too). */
static void test_bridge_static_nat_forwards(void **state)
{
	struct compiled x;

	(void)state;
	compile_ok(&x,
		   "network = {\n"					 /* 1 */
		   "  mode = \"bridge\";\n"				 /* 2 */
		   "  bridge = \"br-t\";\n"				 /* 3 */
		   "  gateway = \"10.77.0.1/24\";\n"			 /* 4 */
		   "  address = \"10.77.0.9/24\";\n"			 /* 5 */
		   "  nat = true;\n"					 /* 6 */
		   "  mtu = 1400;\n"					 /* 7 */
		   "  forward = (\n"					 /* 8 */
		   "    { host = 8080; sandbox = 80; },\n"		 /* 9 */
		   "    { host = 5353; sandbox = 53; proto = \"udp\";\n" /* 10 */
		   "      host_address = \"0.0.0.0\"; } );\n"		 /* 11 */
		   "};\n",
		   0);
	expect_net_lines(&x,
			 "prepare net-bridge bridge=br-t if-missing=create "
			 "reclaim=rules-of-dead-owners address=10.77.0.1 prefix=24 mtu=1400 "
			 "sysctl=net.ipv4.ip_forward=1 route_localnet=1  # t.cfg:3\n"
			 "prepare net-address bridge=br-t address=10.77.0.9 prefix=24 "
			 "file=/run/sbx/ipam/<bridge> owner=sbx  # t.cfg:5\n"
			 "prepare net-rules table=\"ip sbx\" masquerade=yes "
			 "dnat=tcp:127.0.0.1:8080->80,udp:0.0.0.0:5353->53 owner=sbx  # t.cfg:9\n"
			 "parent netns-create by=helper runs=beside-child owner=sandbox-userns "
			 "up=lo to=parent  # t.cfg:2\n"
			 "parent net-veth host=sbx-PID bridge=br-t inside=eth0 address=10.77.0.9 "
			 "prefix=24 default-route-via=10.77.0.1 mtu=1400  # t.cfg:2\n"
			 "child  netns-join from=netns-create  # t.cfg:2\n"
			 "child  netns-ready wait=network-ready  # t.cfg:2\n");
	expect_bridge_shape(x.plan, true);
	/* The rules step carries the forwards the nftables module takes. */
	assert_int_equal(x.plan->steps[2].net.n_forwards, 2);
	assert_int_equal(x.plan->steps[2].net.forwards[1].host, 5353);
	assert_int_equal(x.plan->steps[2].net.forwards[1].sandbox, 53);
	compiled_done(&x);
}

/* The least bridge mode: the default bridge and subnet, an address from IPAM, no rules, no
 * sysctl; every step points at the mode's line. */
static void test_bridge_auto_no_rules(void **state)
{
	struct compiled x;

	(void)state;
	compile_ok(&x, "hostname = \"b\";\nnetwork = { mode = \"bridge\"; };\n", 0);
	expect_net_lines(&x, "prepare net-bridge bridge=sbx0 if-missing=create "
			     "reclaim=rules-of-dead-owners address=10.88.0.1 prefix=24  # t.cfg:2\n"
			     "prepare net-address bridge=sbx0 address=auto prefix=24 "
			     "file=/run/sbx/ipam/<bridge> owner=sbx  # t.cfg:2\n"
			     "parent netns-create by=helper runs=beside-child owner=sandbox-userns "
			     "up=lo to=parent  # t.cfg:2\n"
			     "parent net-veth host=sbx-PID bridge=sbx0 inside=eth0 address=auto "
			     "prefix=24 default-route-via=10.88.0.1  # t.cfg:2\n"
			     "child  netns-join from=netns-create  # t.cfg:2\n"
			     "child  netns-ready wait=network-ready  # t.cfg:2\n");
	expect_bridge_shape(x.plan, false);
	assert_int_equal(x.plan->steps[1].net.address, 0);
	compiled_done(&x);
}

/* Which host settings each asks for: nat alone turns forwarding on and its rules point at
 * `nat`; a forward from the loopback alone needs route_localnet and no forwarding; a forward
 * from another address needs forwarding and no route_localnet; bridge_ephemeral says so. */
static void test_bridge_sysctls_follow_nat_and_forwards(void **state)
{
	struct compiled x;

	(void)state;
	compile_ok(&x,
		   "network = { mode = \"bridge\";\n"
		   "  nat = true; bridge_ephemeral = true; };\n",
		   0);
	expect_net_lines(&x,
			 "prepare net-bridge bridge=sbx0 if-missing=create "
			 "reclaim=rules-of-dead-owners address=10.88.0.1 prefix=24 "
			 "at-end=remove-if-made-and-unused sysctl=net.ipv4.ip_forward=1  # "
			 "t.cfg:1\n"
			 "prepare net-address bridge=sbx0 address=auto prefix=24 "
			 "file=/run/sbx/ipam/<bridge> owner=sbx  # t.cfg:1\n"
			 "prepare net-rules table=\"ip sbx\" masquerade=yes dnat=none owner=sbx  "
			 "# t.cfg:2\n"
			 "parent netns-create by=helper runs=beside-child owner=sandbox-userns "
			 "up=lo to=parent  # t.cfg:1\n"
			 "parent net-veth host=sbx-PID bridge=sbx0 inside=eth0 address=auto "
			 "prefix=24 default-route-via=10.88.0.1  # t.cfg:1\n"
			 "child  netns-join from=netns-create  # t.cfg:1\n"
			 "child  netns-ready wait=network-ready  # t.cfg:1\n");
	expect_bridge_shape(x.plan, true);
	compiled_done(&x);

	compile_ok(&x,
		   "network = { mode = \"bridge\";\n"
		   "  forward = ( { host = 8080; sandbox = 80; } ); };\n",
		   0);
	expect_bridge_shape(x.plan, true);
	assert_true(x.plan->steps[0].net.localnet);
	assert_false(x.plan->steps[0].net.ip_forward);
	assert_non_null(strstr(x.text, " prefix=24 route_localnet=1  # t.cfg:1\n"));
	assert_null(strstr(x.text, "sysctl="));
	assert_non_null(strstr(x.text, " net-rules table=\"ip sbx\" masquerade=no "
				       "dnat=tcp:127.0.0.1:8080->80 owner=sbx  # t.cfg:2\n"));
	compiled_done(&x);

	compile_ok(&x,
		   "network = { mode = \"bridge\";\n"
		   "  forward = ( { host = 8080; sandbox = 80;\n"
		   "    host_address = \"192.0.2.7\"; } ); };\n",
		   0);
	expect_bridge_shape(x.plan, true);
	assert_false(x.plan->steps[0].net.localnet);
	assert_true(x.plan->steps[0].net.ip_forward);
	assert_non_null(strstr(x.text, " prefix=24 sysctl=net.ipv4.ip_forward=1  # t.cfg:1\n"));
	assert_null(strstr(x.text, "route_localnet"));
	assert_non_null(strstr(x.text, " dnat=tcp:192.0.2.7:8080->80 owner=sbx  # t.cfg:2\n"));
	compiled_done(&x);
}

/* A fake v1 memory hierarchy under the scratch dir, with the parent cgroup /p: its layout. */
static void fake_v1(struct cgroup_layout *lay, char root[256])
{
	char mountinfo[512], dir[PATH_MAX], cmd[PATH_MAX + 16];
	struct sbx_err err = {0};

	unit_path(root, 256, "v1");
	snprintf(dir, sizeof(dir), "%s/memory/p", root);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", dir);
	assert_int_equal(system(cmd), 0);
	snprintf(mountinfo, sizeof(mountinfo),
		 "30 1 0:40 / %s/memory rw - cgroup cgroup rw,memory\n", root);
	assert_int_equal(cgroup_layout_parse("1:memory:/\n0::/\n", mountinfo, NULL, lay, &err), 0);
}

/* With a v1 cgroup, moving the child into it is a beside step too: it starts first, and the
 * veth pair, which waits for the helper, after it. */
static void test_bridge_veth_after_cgroup_attach(void **state)
{
	struct cgroup_layout lay = {0};
	struct sbx_caller c = unit_caller(0, test_argv, test_environ);
	struct compiled x;
	char root[256];
	size_t attach, veth;

	(void)state;
	fake_v1(&lay, root);
	c.cgroups = &lay;
	c.cpus_online = "0-1";
	c.pid = 4242;
	compile_for(&x,
		    "cgroup = { memory = \"64M\"; parent = \"/p\"; };\n"
		    "network = { mode = \"bridge\"; };\n",
		    &c, 0, false);
	assert_int_equal(x.r, 0);
	attach = find(x.plan, STEP_CGROUP_ATTACH);
	veth = find(x.plan, STEP_NET_VETH);
	assert_int_equal(x.plan->steps[attach].phase, PHASE_BESIDE);
	assert_true(find(x.plan, STEP_NETNS_CREATE) < attach);
	assert_int_equal(veth, attach + 1);
	expect_bridge_shape(x.plan, false);
	assert_non_null(strstr(x.text, " parent cgroup-attach hierarchy=memory version=1 dir="));
	compiled_done(&x);
	cgroup_layout_free(&lay);
}

/* PATH is the scratch dir @sub holding executables named @which (space-separated), followed by
 * the caller's PATH when @rest: the helper is looked up there at compile time. The old PATH
 * in @saved (the caller frees it), for restore_path(). */
static char *fake_helpers(const char *sub, const char *which, bool rest, char *dir, size_t size)
{
	const char *old = getenv("PATH");
	char *saved = strdup(old ? old : "");
	char file[PATH_MAX], *path = NULL;

	unit_path(dir, size, sub);
	mkdir(dir, 0755);
	for (const char *w = which; *w;) {
		size_t len = strcspn(w, " ");
		int fd;

		snprintf(file, sizeof(file), "%s/%.*s", dir, (int)len, w);
		fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
		assert_true(fd >= 0);
		assert_true(write(fd, "#!/bin/sh\nexit 1\n", 17) == 17);
		close(fd);
		w += len + (w[len] == ' ');
	}
	assert_true(asprintf(&path, "%s%s%s", dir, rest ? ":" : "", rest ? saved : "") > 0);
	assert_int_equal(setenv("PATH", path, 1), 0);
	free(path);
	return saved;
}

static void restore_path(char *saved)
{
	assert_int_equal(setenv("PATH", saved, 1), 0);
	free(saved);
}

static const char user_profile[] = "network = {\n"				     /* 1 */
				   "  mode = \"user\";\n"			     /* 2 */
				   "  mtu = 1400;\n"				     /* 3 */
				   "  forward = ( { host = 8080; sandbox = 80; },\n" /* 4 */
				   "    { host = 5353; sandbox = 53; proto = \"udp\";\n"
				   "      host_address = \"192.0.2.7\"; } );\n"
				   "};\n";

/* The pasta the plan runs, as the plan prints it, for an unprivileged caller whose
 * /dev/net/tun opens; the resolv.conf naming the helper's resolver, at the mode's line; the
 * helper started last of the beside steps. The profile has no mounts (fs.mounts NULL): the
 * resolv.conf is the only one, added without copying from NULL (which UBSan, make
 * SANITIZE=1, caught). */
static void test_user_pasta(void **state)
{
	struct compiled x;
	char dir[PATH_MAX], want[PATH_MAX + 4096];
	char *saved = fake_helpers("pasta", "pasta slirp4netns", true, dir, sizeof(dir));
	const struct step *s;
	size_t create, user;

	(void)state;
	compile_ok(&x, user_profile, 1000);
	snprintf(want, sizeof(want),
		 "parent netns-create by=helper runs=beside-child owner=sandbox-userns up=lo "
		 "to=parent  # t.cfg:2\n"
		 "parent net-user helper=pasta path=%s/pasta address=10.0.2.100 gateway=10.0.2.2 "
		 "dns=10.0.2.3 argv=pasta,--foreground,--quiet,--ipv4-only,--config-net,"
		 "--ns-ifname=eth0,--address=10.0.2.100,--netmask=24,--gateway=10.0.2.2,"
		 "--dns-forward=10.0.2.3,--no-map-gw,--mtu=1400,--tcp-ports=127.0.0.1/8080:80,"
		 "--udp-ports=192.0.2.7/5353:53,--tcp-ns=none,--udp-ns=none,"
		 "--pid=/proc/self/fd/5,--userns=/proc/self/fd/3,--netns=/proc/self/fd/4  "
		 "# t.cfg:2\n"
		 "child  mount-file dst=/etc/resolv.conf bytes=20 mode=0644 flags=ro,nosuid,nodev  "
		 "# t.cfg:2\n"
		 "child  netns-join from=netns-create  # t.cfg:2\n"
		 "child  netns-ready wait=network-ready  # t.cfg:2\n",
		 dir);
	expect_net_lines(&x, want);
	create = find(x.plan, STEP_NETNS_CREATE);
	user = find(x.plan, STEP_NET_USER);
	assert_true(x.plan->steps[create].netlink.plumb);
	assert_int_equal(user, create + 1);
	assert_int_equal(first_child_after(x.plan, create), user + 1);
	assert_true(x.plan->steps[find(x.plan, STEP_NETNS_READY)].netlink.plumb);
	assert_int_equal(count(x.plan, STEP_NET_BRIDGE) + count(x.plan, STEP_NET_VETH), 0);
	s = &x.plan->steps[find(x.plan, STEP_MOUNT_FILE)];
	assert_memory_equal(s->mnt.content, "nameserver 10.0.2.3\n", 20);
	assert_int_equal(s->mnt.content_len, 20);
	/* Built into the root before pivot_root. */
	assert_true(find(x.plan, STEP_MOUNT_FILE) < find(x.plan, STEP_MOUNT_PIVOT));
	s = &x.plan->steps[user];
	assert_int_equal(s->net.argc, 19);
	assert_null(s->net.argv[s->net.argc]);
	assert_int_equal(s->net.n_api, 0);
	compiled_done(&x);
	restore_path(saved);
}

/* host_loopback: pasta maps the gateway to the host (no --no-map-gw); root: pasta stays root
 * (--runas=0) and /dev/net/tun is not checked (nothing is faked: root opens it). */
static void test_user_host_loopback_root(void **state)
{
	struct compiled x;
	char dir[PATH_MAX], want[PATH_MAX + 4096];
	char *saved = fake_helpers("pasta", "pasta", true, dir, sizeof(dir));

	(void)state;
	compile_ok(&x, "network = {\n  mode = \"user\";\n  host_loopback = true; };\n", 0);
	snprintf(want, sizeof(want),
		 " parent net-user helper=pasta path=%s/pasta address=10.0.2.100 "
		 "gateway=10.0.2.2 dns=10.0.2.3 argv=pasta,--foreground,--quiet,--ipv4-only,"
		 "--config-net,--ns-ifname=eth0,--address=10.0.2.100,--netmask=24,"
		 "--gateway=10.0.2.2,--dns-forward=10.0.2.3,--tcp-ports=none,--udp-ports=none,"
		 "--tcp-ns=none,--udp-ns=none,--pid=/proc/self/fd/5,--userns=/proc/self/fd/3,"
		 "--netns=/proc/self/fd/4,--runas=0  # t.cfg:2\n",
		 dir);
	if (!strstr(x.text, want))
		fail_msg("plan:\n%s\nwant:\n%s", x.text, want);
	assert_null(strstr(x.text, "--no-map-gw"));
	compiled_done(&x);
	restore_path(saved);
}

/* slirp4netns alone: its command line, and the forwards sent over its API once it is ready. */
static void test_user_slirp4netns_fallback(void **state)
{
	struct compiled x;
	char dir[PATH_MAX], want[PATH_MAX + 4096];
	char *saved = fake_helpers("slirp", "slirp4netns", false, dir, sizeof(dir));

	(void)state;
	compile_ok(&x,
		   "network = {\n"
		   "  mode = \"user\";\n"
		   "  forward = ( { host = 8080; sandbox = 80; } ); };\n",
		   1000);
	snprintf(want, sizeof(want),
		 " parent net-user helper=slirp4netns path=%s/slirp4netns address=10.0.2.100 "
		 "gateway=10.0.2.2 dns=10.0.2.3 argv=slirp4netns,--configure,"
		 "--disable-host-loopback,--ready-fd=5,--exit-fd=6,"
		 "--api-socket=/proc/self/fd/7/api.sock,--netns-type=path,"
		 "--userns-path=/proc/self/fd/3,/proc/self/fd/4,eth0 "
		 "then=\"{\\\"execute\\\": \\\"add_hostfwd\\\", \\\"arguments\\\": "
		 "{\\\"proto\\\": \\\"tcp\\\", \\\"host_addr\\\": \\\"127.0.0.1\\\", "
		 "\\\"host_port\\\": 8080, \\\"guest_port\\\": 80}}\"  # t.cfg:2\n",
		 dir);
	if (!strstr(x.text, want))
		fail_msg("plan:\n%s\nwant:\n%s", x.text, want);
	assert_int_equal(x.plan->steps[find(x.plan, STEP_NET_USER)].net.n_api, 1);
	compiled_done(&x);
	/* host_loopback: the flag goes. */
	compile_ok(&x, "network = {\n  mode = \"user\";\n  host_loopback = true; };\n", 1000);
	assert_non_null(strstr(x.text, " argv=slirp4netns,--configure,--ready-fd=5,"));
	compiled_done(&x);
	restore_path(saved);
}

/* A profile that mounts its own /etc/resolv.conf keeps it, and gets no second one; without a
 * mount namespace there is nothing to mount it in. */
static void test_user_own_resolv_conf(void **state)
{
	struct compiled x;
	char dir[PATH_MAX];
	char *saved = fake_helpers("pasta", "pasta", true, dir, sizeof(dir));
	const struct step *s;

	(void)state;
	compile_ok(&x,
		   "network = { mode = \"user\"; };\n"
		   "filesystem = { mounts = (\n"
		   "  { type = \"file\"; dst = \"/etc/resolv.conf\";\n"
		   "    content = \"nameserver 192.0.2.53\\n\"; } ); };\n",
		   1000);
	s = &x.plan->steps[find(x.plan, STEP_MOUNT_FILE)];
	assert_string_equal(s->mnt.content, "nameserver 192.0.2.53\n");
	assert_int_equal(s->loc.line, 3);
	find(x.plan, STEP_NET_USER);
	compiled_done(&x);
	/* Another mode: no resolv.conf at all. */
	compile_ok(&x, "network = { mode = \"none\"; };\n", 1000);
	assert_int_equal(count(x.plan, STEP_MOUNT_FILE), 0);
	compiled_done(&x);
	restore_path(saved);
}

/* An unprivileged caller whose /dev/net/tun can't be opened: the sentence that says how to fix
 * it, at the mode's line, and no plan. */
static void test_user_tun_refused(void **state)
{
	struct sbx_caller c = unit_caller(1000, test_argv, test_environ);
	struct compiled x;
	char dir[PATH_MAX];
	char *saved = fake_helpers("pasta", "pasta", true, dir, sizeof(dir));

	(void)state;
	compile_for(&x, "hostname = \"x\";\nnetwork = {\n  mode = \"user\"; };\n", &c, EACCES,
		    true);
	assert_int_equal(x.r, -EACCES);
	assert_null(x.plan);
	assert_int_equal(x.err.n, 1);
	assert_string_equal(x.err.diag[0].file, "t.cfg");
	assert_int_equal(x.err.diag[0].line, 3);
	assert_non_null(strstr(x.err.diag[0].msg, "/dev/net/tun is not usable by uid"));
	assert_non_null(strstr(x.err.diag[0].msg, "(mode 0600)"));
	assert_non_null(strstr(x.err.diag[0].msg, "chmod 0666 /dev/net/tun"));
	restore_path(saved);
}

/* Without pasta or slirp4netns: the mode's line says so. */
static void test_user_no_helper(void **state)
{
	struct compiled x;
	char dir[PATH_MAX];
	char *saved = fake_helpers("none", "", false, dir, sizeof(dir));
	struct sbx_caller c = unit_caller(0, test_argv, test_environ);

	(void)state;
	compile_for(&x, "\nnetwork = { mode = \"user\"; };\n", &c, 0, false);
	assert_int_equal(x.r, -ENOENT);
	assert_int_equal(x.err.n, 1);
	assert_int_equal(x.err.diag[0].line, 2);
	assert_non_null(strstr(x.err.diag[0].msg, "needs pasta (package passt) or slirp4netns"));
	restore_path(saved);
}

/* Maps of subordinate ids only leave out the caller, whose helper could not enter the
 * sandbox: mode none has the child make the namespace, but user mode's helper needs the one
 * beside the child, so an unprivileged caller gets an error at the mode's line (and bridge,
 * root only, says that first). Root's helper enters any user namespace: both compile. */
static void test_unmapped_caller(void **state)
{
	static const char maps[] =
	    "user = { uid = 0; gid = 0;\n"
	    "  uid_map = ( { inside = 0; outside = \"subuid\"; count = 1000; } );\n"
	    "  gid_map = ( { inside = 0; outside = \"subgid\"; count = 1000; } ); };\n";
	struct sbx_caller c = unit_caller(1000, test_argv, test_environ);
	struct sbx_caller root = unit_caller(0, test_argv, test_environ);
	struct compiled x;
	char dir[PATH_MAX], text[1024];
	char *saved = fake_helpers("pasta", "pasta", true, dir, sizeof(dir));

	(void)state;
	snprintf(text, sizeof(text), "%s\nnetwork = {\n  mode = \"user\"; };\n", maps);
	compile_for(&x, text, &c, 0, true);
	assert_int_equal(x.r, -EOPNOTSUPP);
	assert_int_equal(x.err.n, 1);
	assert_int_equal(x.err.diag[0].line, 6);
	assert_string_equal(x.err.diag[0].msg,
			    "network.mode \"user\" needs an id map that includes your own uid and "
			    "gid (the helper that plumbs the network runs as you and enters the "
			    "sandbox through them)");

	snprintf(text, sizeof(text), "%s\nnetwork = {\n  mode = \"bridge\"; };\n", maps);
	compile_for(&x, text, &c, 0, true);
	assert_int_equal(x.r, -EPERM);
	assert_int_equal(x.err.n, 1);
	assert_int_equal(x.err.diag[0].line, 6);
	assert_non_null(strstr(x.err.diag[0].msg, "network.mode \"bridge\" needs root"));

	/* Root, whose default map leaves out uid 0 too. */
	for (int bridge = 0; bridge <= 1; bridge++) {
		snprintf(text, sizeof(text), "%s\nnetwork = {\n  mode = \"%s\"; };\n", maps,
			 bridge ? "bridge" : "user");
		root.subuid_file = root.subgid_file = "tests/unit/data/subuid-root";
		compile_for(&x, text, &root, 0, false);
		assert_int_equal(x.r, 0);
		assert_true(x.plan->caller_unmapped);
		assert_true(x.plan->steps[find(x.plan, STEP_NETNS_CREATE)].netlink.plumb);
		find(x.plan, bridge ? STEP_NET_VETH : STEP_NET_USER);
		assert_null(plan_first(x.plan, STEP_NETNS_UNSHARE));
		compiled_done(&x);
	}
	restore_path(saved);
}

/* Mode host has no namespace to plumb, and mode none no plumbing: no net-* step, and the helper
 * brings lo up and tells the child itself. */
static void test_none_and_host_plumb_nothing(void **state)
{
	struct compiled x;

	(void)state;
	compile_ok(&x, "network = { mode = \"none\"; };\n", 1000);
	expect_net_lines(&x, "parent netns-create by=helper runs=beside-child owner=sandbox-userns "
			     "up=lo  # t.cfg:1\n"
			     "child  netns-join from=netns-create  # t.cfg:1\n"
			     "child  netns-ready wait=lo-up  # t.cfg:1\n");
	assert_false(x.plan->steps[find(x.plan, STEP_NETNS_CREATE)].netlink.plumb);
	compiled_done(&x);
	compile_ok(&x, "network = { mode = \"host\"; };\n", 1000);
	expect_net_lines(&x, "");
	compiled_done(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bridge_static_nat_forwards),
	    cmocka_unit_test(test_bridge_auto_no_rules),
	    cmocka_unit_test(test_bridge_sysctls_follow_nat_and_forwards),
	    cmocka_unit_test(test_bridge_veth_after_cgroup_attach),
	    cmocka_unit_test_teardown(test_user_pasta, fake_teardown),
	    cmocka_unit_test(test_user_host_loopback_root),
	    cmocka_unit_test_teardown(test_user_slirp4netns_fallback, fake_teardown),
	    cmocka_unit_test_teardown(test_user_own_resolv_conf, fake_teardown),
	    cmocka_unit_test_teardown(test_user_tun_refused, fake_teardown),
	    cmocka_unit_test(test_user_no_helper),
	    cmocka_unit_test_teardown(test_unmapped_caller, fake_teardown),
	    cmocka_unit_test_teardown(test_none_and_host_plumb_nothing, fake_teardown),
	};

	return cmocka_run_group_tests(tests, unit_tmp_setup, unit_tmp_teardown);
}
