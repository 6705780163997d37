/* test_link.c — bridge mode's netlink operations (sys/net/link.c), for real: as any user, in a
 * user namespace and network namespace of the test's own. main() moves this process into them
 * before any test runs (unshare in place, not in a forked child: cmocka's report stays in one
 * process, and nothing of the host's network is reachable from here on); each test then
 * starts from a fresh network namespace of its own, the "host" side, and makes the sandboxes'
 * namespaces beside it. */
#include "unit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sys/net/link.h"

#define BRIDGE "sbxt0"
#define MTU 1400

static struct in_addr ip(const char *text)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, text, &a), 1);
	return a;
}

/* A new network namespace (a sandbox's), its fd; this thread stays where it is. */
static int new_netns(void)
{
	int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC), fd;

	assert_true(home >= 0);
	assert_int_equal(unshare(CLONE_NEWNET), 0);
	fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(setns(home, CLONE_NEWNET), 0);
	close(home);
	return fd;
}

/* What getifaddrs() and SIOCGIFMTU say of one link in the current namespace. */
struct facts {
	const char *name;
	bool found, up;
	char addr[INET_ADDRSTRLEN];
	unsigned prefix;
	int mtu;
};

static int look(void *arg, struct sbx_err *err)
{
	struct facts *f = arg;
	struct ifaddrs *list, *i;
	struct ifreq ifr = {0};
	int fd;

	(void)err;
	if (getifaddrs(&list) < 0)
		return -errno;
	for (i = list; i; i = i->ifa_next) {
		if (strcmp(i->ifa_name, f->name) != 0)
			continue;
		f->found = true;
		f->up = i->ifa_flags & IFF_UP;
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET) {
			struct sockaddr_in *a = (struct sockaddr_in *)i->ifa_addr;
			struct sockaddr_in *m = (struct sockaddr_in *)i->ifa_netmask;

			inet_ntop(AF_INET, &a->sin_addr, f->addr, sizeof(f->addr));
			f->prefix = (unsigned)__builtin_popcount(m->sin_addr.s_addr);
		}
	}
	freeifaddrs(list);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", f->name);
	f->mtu = ioctl(fd, SIOCGIFMTU, &ifr) == 0 ? ifr.ifr_mtu : -1;
	close(fd);
	return 0;
}

static void expect_link(int netns, const char *name, const char *addr, unsigned prefix, int mtu)
{
	struct facts f = {.name = name};
	struct sbx_err err = {0};

	if (netns >= 0)
		assert_int_equal(link_netns_run(netns, look, &f, &err), 0);
	else
		assert_int_equal(look(&f, &err), 0);
	if (!f.found)
		fail_msg("link %s is not there", name);
	assert_true(f.up);
	if (addr) {
		assert_string_equal(f.addr, addr);
		assert_int_equal(f.prefix, prefix);
	}
	if (mtu)
		assert_int_equal(f.mtu, mtu);
}

/* The index of @name in @netns (-errno), through a handle opened there. */
struct lookup {
	const char *name;
	int index;
};

static int lookup_in(void *arg, struct sbx_err *err)
{
	struct lookup *l = arg;
	struct link_nl *nl = NULL;
	int r = link_nl_open(&nl, err);

	if (r < 0)
		return r;
	l->index = link_index(nl, l->name, err);
	link_nl_free(nl);
	return 0;
}

static int index_in(int netns, const char *name)
{
	struct lookup l = {.name = name};
	struct sbx_err err = {0};

	assert_int_equal(link_netns_run(netns, lookup_in, &l, &err), 0);
	return l.index;
}

/* A TCP socket made in @netns (sockets stay in the namespace they were made in): listening
 * on @port when it is not 0. */
struct sock_req {
	unsigned short port;
	int fd;
};

static int socket_in(void *arg, struct sbx_err *err)
{
	struct sock_req *q = arg;
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(q->port)};
	struct timeval tv = {.tv_sec = 5};

	(void)err;
	q->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (q->fd < 0)
		return -errno;
	(void)setsockopt(q->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)); /* bounds connect() */
	(void)setsockopt(q->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (q->port &&
	    (bind(q->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(q->fd, 4) < 0))
		return -errno;
	return 0;
}

static int tcp_socket(int netns, unsigned short port)
{
	struct sock_req q = {.port = port, .fd = -1};
	struct sbx_err err = {0};

	if (netns >= 0)
		assert_int_equal(link_netns_run(netns, socket_in, &q, &err), 0);
	else
		assert_int_equal(socket_in(&q, &err), 0);
	return q.fd;
}

/* Connect from @client_ns to @addr:@port, where @server listens; "ping" one way, "pong" back.
 * 0, or the connect's -errno. */
static int exchange(int client_ns, int server, const char *addr, unsigned short port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	int c = tcp_socket(client_ns, 0), s;
	char buf[4];

	sa.sin_addr = ip(addr);
	if (connect(c, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;
		close(c);
		return r;
	}
	s = accept4(server, NULL, NULL, SOCK_CLOEXEC);
	assert_true(s >= 0);
	assert_int_equal(write(c, "ping", 4), 4);
	assert_int_equal(read(s, buf, 4), 4);
	assert_memory_equal(buf, "ping", 4);
	assert_int_equal(write(s, "pong", 4), 4);
	assert_int_equal(read(c, buf, 4), 4);
	assert_memory_equal(buf, "pong", 4);
	close(s);
	close(c);
	return 0;
}

static struct link_nl *open_nl(void)
{
	struct link_nl *nl = NULL;
	struct sbx_err err = {0};

	assert_int_equal(link_nl_open(&nl, &err), 0);
	return nl;
}

static void make_bridge(struct link_nl *nl)
{
	struct sbx_err err = {0};
	bool created = false;

	assert_int_equal(link_bridge_ensure(nl, BRIDGE, ip("10.99.0.1"), 24, MTU, &created, &err),
			 0);
	assert_true(created);
}

/* What bridge mode does for one sandbox: the pair, the host end on the bridge and up, the
 * inside configured. The sandbox's namespace fd; its host end's name in @host. */
static int plumb(struct link_nl *nl, pid_t pid, const char *addr, char host[IFNAMSIZ])
{
	struct sbx_err err = {0};
	int ns = new_netns();

	link_host_name(pid, host);
	assert_int_equal(link_veth_create(nl, host, "eth0", ns, MTU, &err), 0);
	assert_int_equal(link_set_master(nl, host, BRIDGE, &err), 0);
	assert_int_equal(link_set_up(nl, host, &err), 0);
	assert_int_equal(link_inside_setup(ns, "eth0", ip(addr), 24, ip("10.99.0.1"), &err), 0);
	assert_int_equal(err.n, 0);
	return ns;
}

static void test_bridge_is_made_with_its_address_and_up(void **state)
{
	_cleanup_link_nl_ struct link_nl *nl = open_nl();
	struct sbx_err err = {0};
	bool created = true;

	(void)state;
	make_bridge(nl);
	expect_link(-1, BRIDGE, "10.99.0.1", 24, MTU);
	/* A second sandbox finds it and leaves it alone. */
	assert_int_equal(link_bridge_ensure(nl, BRIDGE, ip("10.99.0.1"), 24, MTU, &created, &err),
			 0);
	assert_false(created);
	assert_int_equal(err.n, 0);
}

static void test_peer_is_eth0_inside_with_address_and_route(void **state)
{
	_cleanup_link_nl_ struct link_nl *nl = open_nl();
	_cleanup_close_ int ns = -1, server = -1;
	struct sbx_err err = {0};
	char host[IFNAMSIZ];

	(void)state;
	make_bridge(nl);
	ns = plumb(nl, 4242, "10.99.0.2", host);
	assert_string_equal(host, "sbx-4242");
	assert_true(link_index(nl, host, &err) > 0);
	assert_int_equal(link_index(nl, "eth0", &err), -ENODEV); /* made inside, not here */
	assert_non_null(strstr(err.diag[0].msg, "eth0"));
	expect_link(-1, host, NULL, 0, MTU);
	expect_link(ns, "eth0", "10.99.0.2", 24, MTU);
	expect_link(ns, "lo", "127.0.0.1", 8, 0);
	/* The default route: an address of the host side that is not on the bridge's subnet. */
	assert_int_equal(link_set_up(nl, "lo", &err), 0);
	assert_int_equal(link_addr_add(nl, 1, ip("192.0.2.1"), 32, &err), 0);
	server = tcp_socket(-1, 5001);
	assert_int_equal(exchange(ns, server, "192.0.2.1", 5001), 0);
}

static void test_two_sandboxes_on_one_bridge_talk_tcp(void **state)
{
	_cleanup_link_nl_ struct link_nl *nl = open_nl();
	_cleanup_close_ int a = -1, b = -1, server = -1;
	char host_a[IFNAMSIZ], host_b[IFNAMSIZ];

	(void)state;
	make_bridge(nl);
	a = plumb(nl, 101, "10.99.0.2", host_a);
	b = plumb(nl, 102, "10.99.0.3", host_b);
	server = tcp_socket(a, 5000);
	assert_int_equal(exchange(b, server, "10.99.0.2", 5000), 0);
}

static void test_deleting_the_host_end_removes_both(void **state)
{
	_cleanup_link_nl_ struct link_nl *nl = open_nl();
	_cleanup_close_ int ns = -1;
	struct sbx_err err = {0};
	char host[IFNAMSIZ];

	(void)state;
	make_bridge(nl);
	ns = plumb(nl, 4243, "10.99.0.2", host);
	assert_true(index_in(ns, "eth0") > 0);
	assert_int_equal(link_delete(nl, host, &err), 0);
	assert_int_equal(link_index(nl, host, &err), -ENODEV);
	assert_int_equal(index_in(ns, "eth0"), -ENODEV);
	/* A cleanup that runs again succeeds. */
	err = (struct sbx_err){0};
	assert_int_equal(link_delete(nl, host, &err), 0);
	assert_int_equal(err.n, 0);
}

static void test_existing_link_that_is_no_bridge_is_refused(void **state)
{
	_cleanup_link_nl_ struct link_nl *nl = open_nl();
	struct sbx_err err = {0};
	bool created = true;

	(void)state;
	assert_int_equal(link_veth_create(nl, "sbxt-veth", "sbxt-peer", -1, 0, &err), 0);
	assert_int_equal(
	    link_bridge_ensure(nl, "sbxt-veth", ip("10.99.0.1"), 24, 0, &created, &err), -EEXIST);
	assert_true(created); /* untouched on failure */
	assert_int_equal(err.n, 1);
	assert_string_equal(err.diag[0].msg, "bridge sbxt-veth: a link of that name exists and is "
					     "not a bridge (kind 'veth')");
}

static void test_missing_link_deletes_and_errors_name_the_object(void **state)
{
	_cleanup_link_nl_ struct link_nl *nl = open_nl();
	struct sbx_err err = {0};
	bool created = false;

	(void)state;
	assert_int_equal(link_delete(nl, "sbxt-none", &err), 0);
	assert_int_equal(err.n, 0);
	assert_int_equal(link_set_up(nl, "sbxt-none", &err), -ENODEV);
	assert_non_null(strstr(err.diag[0].msg, "link sbxt-none: bringing it up: No such device"));
	assert_int_equal(link_addr_add(nl, 9999, ip("10.99.0.9"), 24, &err), -ENODEV);
	assert_non_null(strstr(err.diag[1].msg, "address 10.99.0.9/24 on link 9999: adding"));
	assert_int_equal(link_bridge_ensure(nl, "sbxt-br", ip("10.99.0.1"), 33, 0, &created, &err),
			 -EINVAL);
	assert_string_equal(err.diag[2].msg, "bridge sbxt-br: prefix /33 is over 32");
	assert_int_equal(link_index(nl, "sbxt-br", &err), -ENODEV); /* not made */
	assert_int_equal(link_set_master(nl, "lo", "sbxt-none", &err), -ENODEV);
	assert_string_equal(err.diag[4].msg,
			    "link lo: attaching it to bridge sbxt-none: No such device");
}

static void test_too_long_name_is_refused_before_any_request(void **state)
{
	static const char long_name[] = "sbxt-0123456789a"; /* 16 characters */
	static const char want[] = "'sbxt-0123456789a': the name is longer than 15 characters";
	struct sbx_err err = {0};
	bool created = false;
	char host[IFNAMSIZ];

	(void)state;
	/* A NULL handle: any request would crash, so these never reach the kernel. */
	assert_int_equal(link_veth_create(NULL, long_name, "eth0", -1, 0, &err), -EINVAL);
	assert_int_equal(link_veth_create(NULL, "sbx-1", long_name, -1, 0, &err), -EINVAL);
	assert_int_equal(
	    link_bridge_ensure(NULL, long_name, ip("10.99.0.1"), 24, 0, &created, &err), -EINVAL);
	assert_int_equal(link_set_master(NULL, "sbx-1", long_name, &err), -EINVAL);
	assert_int_equal(link_delete(NULL, long_name, &err), -EINVAL);
	assert_int_equal(
	    link_inside_setup(-1, long_name, ip("10.99.0.2"), 24, ip("10.99.0.1"), &err), -EINVAL);
	assert_int_equal(link_set_up(NULL, "a/b", &err), -EINVAL);
	assert_int_equal(err.n, 7);
	for (unsigned i = 0; i < 6; i++)
		assert_non_null(strstr(err.diag[i].msg, want));
	assert_string_equal(err.diag[6].msg, "link 'a/b': not a valid link name");
	/* The longest pid still gives a host end name that fits. */
	link_host_name(4194304, host);
	assert_string_equal(host, "sbx-4194304");
}

/* A fresh "host" network namespace for each test, with lo down as in any new one. */
static int fresh_netns(void **state)
{
	(void)state;
	return unshare(CLONE_NEWNET);
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		r = -errno;
	close(fd);
	return r;
}

/* Into a user namespace where this process is root (its own uid mapped to 0) and a network
 * namespace of its own; root without user namespaces takes the network namespace alone. NULL,
 * or why not. */
static const char *leave_the_host(void)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();

	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0) {
		snprintf(map, sizeof(map), "0 %u 1\n", uid);
		if (write_file("/proc/self/uid_map", map) < 0)
			return "writing uid_map was refused";
		if (write_file("/proc/self/setgroups", "deny") < 0)
			return "writing setgroups was refused";
		snprintf(map, sizeof(map), "0 %u 1\n", gid);
		if (write_file("/proc/self/gid_map", map) < 0)
			return "writing gid_map was refused";
		return NULL;
	}
	if (uid == 0 && unshare(CLONE_NEWNET) == 0)
		return NULL;
	return "unprivileged user namespaces are unavailable (unshare(CLONE_NEWUSER) failed)";
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_bridge_is_made_with_its_address_and_up, fresh_netns),
	    cmocka_unit_test_setup(test_peer_is_eth0_inside_with_address_and_route, fresh_netns),
	    cmocka_unit_test_setup(test_two_sandboxes_on_one_bridge_talk_tcp, fresh_netns),
	    cmocka_unit_test_setup(test_deleting_the_host_end_removes_both, fresh_netns),
	    cmocka_unit_test_setup(test_existing_link_that_is_no_bridge_is_refused, fresh_netns),
	    cmocka_unit_test_setup(test_missing_link_deletes_and_errors_name_the_object,
				   fresh_netns),
	    cmocka_unit_test(test_too_long_name_is_refused_before_any_request),
	};
	const char *why = leave_the_host();

	if (why) {
		printf("# SKIP test_link: %s: %s\n", why, strerror(errno));
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
