/* test_nft_traffic.c — the rules of sys/net/nft.c carry traffic, in three network namespaces
 * the test makes (netns.h, as any user): "host" with bridge sbx0 (10.88.0.1/24) and o0
 * (192.0.2.1/24), "sandbox" with eth0 (10.88.0.2/24, default route via the bridge) on the
 * bridge, "outside" with o1 (192.0.2.2/24, no route to the sandbox). Forwards reach the
 * sandbox's listeners from the host (127.0.0.1 and 192.0.2.1) and from outside; the sandbox's
 * own connections leave masqueraded; the host's loopback stays out of the sandbox's reach. */
#include "unit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include "netns.h"
#include "sys/net/nft.h"
#include "util/cleanup.h"

#define TAG "sbx owner=4242:1"

struct net {
	int host, sandbox, outside;
};

static struct in_addr ip4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static int setup(void **state)
{
	struct net *n = calloc(1, sizeof(*n));

	assert_non_null(n);
	n->host = netns_new();
	n->sandbox = netns_new();
	n->outside = netns_new();
	netns_enter(n->host);
	netns_sh("echo 1 > /proc/sys/net/ipv4/ip_forward");
	netns_sh("ip link add sbx0 type bridge && ip addr add 10.88.0.1/24 dev sbx0 && "
		 "ip link set sbx0 up");
	netns_sh("ip link add vh0 type veth peer name eth0 netns /proc/self/fd/%d && "
		 "ip link set vh0 master sbx0 up",
		 n->sandbox);
	netns_sh("ip link add o0 type veth peer name o1 netns /proc/self/fd/%d && "
		 "ip addr add 192.0.2.1/24 dev o0 && ip link set o0 up",
		 n->outside);
	netns_enter(n->sandbox);
	netns_sh("ip addr add 10.88.0.2/24 dev eth0 && ip link set eth0 up && "
		 "ip route add default via 10.88.0.1");
	netns_enter(n->outside);
	netns_sh("ip addr add 192.0.2.2/24 dev o1 && ip link set o1 up");
	netns_enter(n->host);
	*state = n;
	return 0;
}

static int teardown(void **state)
{
	struct net *n = *state;
	int fd = netns_new(); /* leave the three, so closing their fds removes them */

	close(n->host);
	close(n->sandbox);
	close(n->outside);
	close(fd);
	free(n);
	return 0;
}

/* A socket of @type made in namespace @ns (a socket stays in the namespace it was made in),
 * bound to @addr:@port (a listener for TCP); the caller is back in @back afterwards. */
static int bound(int ns, int back, int type, const char *addr, uint16_t port)
{
	struct sockaddr_in sa = {
	    .sin_family = AF_INET, .sin_port = htons(port), .sin_addr = ip4(addr)};
	int one = 1, fd;

	netns_enter(ns);
	fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	if (type == SOCK_STREAM)
		assert_int_equal(listen(fd, 8), 0);
	netns_enter(back);
	return fd;
}

static bool readable(int fd, int timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	return poll(&p, 1, timeout_ms) == 1;
}

/* Connect from namespace @ns to @addr:@port within 2 s; the socket, or -errno. */
static int connect_from(int ns, int back, const char *addr, uint16_t port)
{
	struct sockaddr_in sa = {
	    .sin_family = AF_INET, .sin_port = htons(port), .sin_addr = ip4(addr)};
	struct timeval tv = {.tv_sec = 2};
	int fd, r = 0;

	netns_enter(ns);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), 0);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		close(fd);
	}
	netns_enter(back);
	return r < 0 ? r : fd;
}

/* Accept on @lfd the connection @cfd made, pass a byte each way, and return the peer's
 * address as the listener saw it. */
static const char *exchange(int lfd, int cfd)
{
	static char peer[INET_ADDRSTRLEN];
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	char c = 0;
	int afd;

	if (cfd < 0)
		fail_msg("connect: %s", strerror(-cfd));
	assert_true(readable(lfd, 2000));
	afd = accept4(lfd, (struct sockaddr *)&sa, &len, SOCK_CLOEXEC);
	assert_true(afd >= 0);
	assert_int_equal(write(cfd, "q", 1), 1);
	assert_int_equal(read(afd, &c, 1), 1);
	assert_int_equal(c, 'q');
	assert_int_equal(write(afd, "a", 1), 1);
	assert_int_equal(read(cfd, &c, 1), 1);
	assert_int_equal(c, 'a');
	close(afd);
	close(cfd);
	inet_ntop(AF_INET, &sa.sin_addr, peer, sizeof(peer));
	return peer;
}

static void add_sandbox(void)
{
	struct nft_forward fw[] = {
	    {IPPROTO_TCP, ip4("127.0.0.1"), 8080, 80},
	    {IPPROTO_TCP, ip4("192.0.2.1"), 8081, 80},
	    {IPPROTO_UDP, ip4("0.0.0.0"), 5353, 53},
	};
	struct nft_sandbox sb = {ip4("10.88.0.2"), "sbx0", true, fw, ARRAY_SIZE(fw)};
	struct sbx_err err = {0};

	assert_int_equal(nft_route_localnet("sbx0", &err), 0);
	assert_int_equal(nft_sandbox_add(&sb, TAG, &err), 0);
}

/* curl http://127.0.0.1:8080/ on the host reaches the sandbox's :80, which sees the bridge's
 * address (masquerade of the loopback source); the host's own connection to 192.0.2.1:8081 too,
 * with its own source; and so does one from outside, with the outside's source. */
static void test_forwards_reach_the_sandbox(void **state)
{
	struct net *n = *state;
	int lfd = bound(n->sandbox, n->host, SOCK_STREAM, "0.0.0.0", 80);

	assert_int_equal(connect_from(n->host, n->host, "127.0.0.1", 8080), -ECONNREFUSED);
	add_sandbox();
	assert_string_equal(exchange(lfd, connect_from(n->host, n->host, "127.0.0.1", 8080)),
			    "10.88.0.1");
	assert_string_equal(exchange(lfd, connect_from(n->host, n->host, "192.0.2.1", 8081)),
			    "192.0.2.1");
	assert_string_equal(exchange(lfd, connect_from(n->outside, n->host, "192.0.2.1", 8081)),
			    "192.0.2.2");
	close(lfd);
}

/* A UDP forward from every host address: from outside to 192.0.2.1:5353 lands on :53. */
static void test_udp_forward_from_any_address(void **state)
{
	struct net *n = *state;
	int rfd = bound(n->sandbox, n->host, SOCK_DGRAM, "0.0.0.0", 53);
	int sfd = bound(n->outside, n->host, SOCK_DGRAM, "192.0.2.2", 0);
	struct sockaddr_in to = {
	    .sin_family = AF_INET, .sin_port = htons(5353), .sin_addr = ip4("192.0.2.1")};
	char buf[8] = {0};

	add_sandbox();
	assert_int_equal(sendto(sfd, "dns", 3, 0, (struct sockaddr *)&to, sizeof(to)), 3);
	assert_true(readable(rfd, 2000));
	assert_int_equal(recv(rfd, buf, sizeof(buf), 0), 3);
	assert_string_equal(buf, "dns");
	close(rfd);
	close(sfd);
}

/* The sandbox reaches outside, which has no route back to it, as the host's 192.0.2.1. */
static void test_masquerade_outbound(void **state)
{
	struct net *n = *state;
	int lfd = bound(n->outside, n->host, SOCK_STREAM, "192.0.2.2", 9000);

	add_sandbox();
	assert_string_equal(exchange(lfd, connect_from(n->sandbox, n->host, "192.0.2.2", 9000)),
			    "192.0.2.1");
	close(lfd);
}

/* With route_localnet on the bridge, a sandbox that routes 127.0.0.0/8 to its gateway would
 * reach the host's loopback services, but for the guard rule. (UDP: one way is enough to show
 * the reach, and the sandbox's kernel drops answers from 127.0.0.1 anyway.) */
static void test_host_loopback_stays_out_of_reach(void **state)
{
	struct net *n = *state;
	int rfd = bound(n->host, n->host, SOCK_DGRAM, "127.0.0.1", 7000);
	int sfd = bound(n->sandbox, n->host, SOCK_DGRAM, "0.0.0.0", 0);
	struct sockaddr_in to = {
	    .sin_family = AF_INET, .sin_port = htons(7000), .sin_addr = ip4("127.0.0.1")};
	struct sbx_err err = {0};
	char buf[8] = {0};

	add_sandbox();
	netns_enter(n->sandbox);
	netns_sh("ip route del local 127.0.0.0/8 table local && "
		 "ip route del local 127.0.0.1 table local && "
		 "ip route add 127.0.0.1/32 via 10.88.0.1 dev eth0");
	netns_enter(n->host);
	assert_int_equal(sendto(sfd, "in", 2, 0, (struct sockaddr *)&to, sizeof(to)), 2);
	assert_false(readable(rfd, 500));
	/* Proof that the route works: with the sandbox's rules gone (and the bridge's
	 * route_localnet still set), the same datagram lands. */
	assert_int_equal(nft_sandbox_remove(TAG, &err), 0);
	assert_int_equal(sendto(sfd, "in", 2, 0, (struct sockaddr *)&to, sizeof(to)), 2);
	assert_true(readable(rfd, 2000));
	assert_int_equal(recv(rfd, buf, sizeof(buf), 0), 2);
	assert_string_equal(buf, "in");
	close(rfd);
	close(sfd);
}

/* Removed, the forward is gone: the host's 127.0.0.1:8080 is refused again. */
static void test_removal_ends_the_forward(void **state)
{
	struct net *n = *state;
	int lfd = bound(n->sandbox, n->host, SOCK_STREAM, "0.0.0.0", 80);
	struct sbx_err err = {0};

	add_sandbox();
	assert_string_equal(exchange(lfd, connect_from(n->host, n->host, "127.0.0.1", 8080)),
			    "10.88.0.1");
	assert_int_equal(nft_sandbox_remove(TAG, &err), 0);
	assert_int_equal(connect_from(n->host, n->host, "127.0.0.1", 8080), -ECONNREFUSED);
	close(lfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_forwards_reach_the_sandbox, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_udp_forward_from_any_address, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_masquerade_outbound, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_host_loopback_stays_out_of_reach, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_removal_ends_the_forward, setup, teardown),
	};

	if (netns_enter_userns() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
