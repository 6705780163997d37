/* test_nft.c — bridge mode's nftables rules (sys/net/nft.c) in network namespaces of the test's
 * own (netns.h), as any user: the rules one sandbox adds, read back with the nft CLI; removal by
 * owner tag leaves the other sandboxes' rules and is idempotent; the table goes with the last
 * rule; the tag listing the lead reclaims dead owners from; an add that fails leaves nothing and
 * names the step; route_localnet. */
#include "unit.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "netns.h"
#include "sys/net/nft.h"
#include "util/cleanup.h"

#define TAG_A "sbx owner=100:1111"
#define TAG_B "sbx owner=200:2222"

static int setup(void **state)
{
	*state = (void *)(intptr_t)netns_new();
	return 0;
}

static int teardown(void **state)
{
	close((int)(intptr_t)*state);
	return 0;
}

static struct in_addr ip4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

/* The output of a command, in a static buffer. */
static const char *out(const char *cmd)
{
	static char buf[16384];
	FILE *f = popen(cmd, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	pclose(f);
	return buf;
}

static const char *ruleset(void)
{
	return out("nft list ruleset 2>&1");
}

#define assert_has(text, needle)                                                                   \
	do {                                                                                       \
		if (!strstr((text), (needle)))                                                     \
			fail_msg("missing '%s' in:\n%s", (needle), (text));                        \
	} while (0)
#define assert_lacks(text, needle)                                                                 \
	do {                                                                                       \
		if (strstr((text), (needle)))                                                      \
			fail_msg("unexpected '%s' in:\n%s", (needle), (text));                     \
	} while (0)

/* Sandbox A: nat, a TCP forward from 127.0.0.1 and a UDP one from every host address. */
static void add_a(void)
{
	struct nft_forward fw[] = {
	    {IPPROTO_TCP, ip4("127.0.0.1"), 8080, 80},
	    {IPPROTO_UDP, ip4("0.0.0.0"), 5353, 53},
	};
	struct nft_sandbox sb = {ip4("10.88.0.2"), "sbx0", true, fw, 2};
	struct sbx_err err = {0};

	assert_int_equal(nft_sandbox_add(&sb, TAG_A, &err), 0);
}

/* Sandbox B: no nat, a TCP forward from one host address. */
static void add_b(void)
{
	struct nft_forward fw[] = {{IPPROTO_TCP, ip4("192.0.2.1"), 8081, 80}};
	struct nft_sandbox sb = {ip4("10.88.0.3"), "sbx0", false, fw, 1};
	struct sbx_err err = {0};

	assert_int_equal(nft_sandbox_add(&sb, TAG_B, &err), 0);
}

static const char *const rules_a[] = {
    "iifname \"sbx0\" ip daddr 127.0.0.0/8 drop comment \"" TAG_A "\"",
    "ip saddr 10.88.0.2 oifname != \"sbx0\" masquerade comment \"" TAG_A "\"",
    "ip daddr 127.0.0.1 tcp dport 8080 dnat to 10.88.0.2:80 comment \"" TAG_A "\"",
    "fib daddr type local udp dport 5353 dnat to 10.88.0.2:53 comment \"" TAG_A "\"",
    "ip saddr 127.0.0.0/8 ip daddr 10.88.0.2 oifname \"sbx0\" masquerade comment \"" TAG_A "\"",
};

static const char *const rules_b[] = {
    "iifname \"sbx0\" ip daddr 127.0.0.0/8 drop comment \"" TAG_B "\"",
    "ip daddr 192.0.2.1 tcp dport 8081 dnat to 10.88.0.3:80 comment \"" TAG_B "\"",
};

/* How many lines of @text hold @needle. */
static int count(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void test_add_one_sandbox(void **state)
{
	const char *rs;

	(void)state;
	add_a();
	rs = ruleset();
	assert_has(rs, "table ip sbx {");
	assert_has(rs, "type nat hook prerouting priority dstnat; policy accept;");
	assert_has(rs, "type nat hook output priority -100; policy accept;");
	assert_has(rs, "type nat hook postrouting priority srcnat; policy accept;");
	assert_has(rs, "type filter hook prerouting priority raw; policy accept;");
	for (size_t i = 0; i < ARRAY_SIZE(rules_a); i++)
		assert_has(rs, rules_a[i]);
	/* The UDP forward from every address in prerouting and output; the 127.0.0.1 one only
	 * in output, as nothing from outside reaches a loopback address. */
	assert_int_equal(count(rs, "udp dport 5353 dnat to 10.88.0.2:53"), 2);
	assert_int_equal(count(rs, "tcp dport 8080 dnat to 10.88.0.2:80"), 1);
	assert_int_equal(count(rs, "comment \"" TAG_A "\""), 6);
	/* Only sbx's own table. */
	assert_int_equal(count(rs, "table "), 1);
}

struct tags {
	int n;
	char v[4][NFT_TAG_MAX + 1];
	const char *dead; /* reclaim: remove this owner's rules from the callback */
};

static int collect(const char *tag, void *data)
{
	struct tags *t = data;
	struct sbx_err err = {0};

	if (t->n == 4)
		return -E2BIG;
	snprintf(t->v[t->n++], sizeof(t->v[0]), "%s", tag);
	if (t->dead && !strcmp(tag, t->dead))
		return nft_sandbox_remove(tag, &err);
	return 0;
}

static void test_tags_and_remove_by_tag(void **state)
{
	struct tags t = {0};
	struct sbx_err err = {0};
	const char *rs;

	(void)state;
	add_a();
	add_b();
	assert_int_equal(nft_owner_tags(collect, &t, &err), 0);
	assert_int_equal(t.n, 2);
	assert_string_equal(t.v[0], TAG_A);
	assert_string_equal(t.v[1], TAG_B);

	assert_int_equal(nft_sandbox_remove(TAG_A, &err), 0);
	rs = ruleset();
	assert_lacks(rs, TAG_A);
	for (size_t i = 0; i < ARRAY_SIZE(rules_b); i++)
		assert_has(rs, rules_b[i]);
	assert_int_equal(count(rs, "comment \"" TAG_B "\""), 3);
	/* Twice is fine, and so is a tag that never had rules. */
	assert_int_equal(nft_sandbox_remove(TAG_A, &err), 0);
	assert_int_equal(nft_sandbox_remove("sbx owner=1:1", &err), 0);
	assert_int_equal(count(ruleset(), "comment \"" TAG_B "\""), 3);

	t.n = 0;
	assert_int_equal(nft_owner_tags(collect, &t, &err), 0);
	assert_int_equal(t.n, 1);
	assert_string_equal(t.v[0], TAG_B);
	assert_int_equal(err.n, 0);
}

static void test_last_removal_takes_the_table(void **state)
{
	struct tags t = {0};
	struct sbx_err err = {0};

	(void)state;
	add_b();
	assert_int_equal(nft_sandbox_remove(TAG_B, &err), 0);
	assert_string_equal(ruleset(), "");
	/* No table: removal and listing have nothing to do. */
	assert_int_equal(nft_sandbox_remove(TAG_B, &err), 0);
	assert_int_equal(nft_owner_tags(collect, &t, &err), 0);
	assert_int_equal(t.n, 0);
	assert_int_equal(err.n, 0);
}

/* The lead's reclaim: the callback removes a dead owner's rules while the walk goes on. */
static void test_reclaim_from_the_listing(void **state)
{
	struct tags t = {.dead = TAG_A};
	struct sbx_err err = {0};
	const char *rs;

	(void)state;
	add_a();
	add_b();
	assert_int_equal(nft_owner_tags(collect, &t, &err), 0);
	assert_int_equal(t.n, 2);
	rs = ruleset();
	assert_lacks(rs, TAG_A);
	assert_int_equal(count(rs, "comment \"" TAG_B "\""), 3);
}

/* A chain of that name with another hook: the batch fails as a whole, and says at what. */
static void test_failed_add_leaves_nothing(void **state)
{
	struct sbx_err err = {0};
	const char *rs;

	(void)state;
	netns_sh("nft add table ip sbx && nft 'add chain ip sbx output { type filter hook output "
		 "priority 0; }'");
	{
		struct nft_forward fw[] = {{IPPROTO_TCP, ip4("127.0.0.1"), 8080, 80}};
		struct nft_sandbox sb = {ip4("10.88.0.2"), "sbx0", true, fw, 1};

		assert_int_equal(nft_sandbox_add(&sb, TAG_A, &err), -EOPNOTSUPP);
	}
	assert_int_equal(err.n, 1);
	assert_string_equal(
	    err.diag[0].msg,
	    "nftables: creating chain ip sbx output failed: Operation not supported");
	rs = ruleset();
	assert_lacks(rs, "comment");
	assert_lacks(rs, "prerouting");
	assert_lacks(rs, "postrouting");
}

static void test_bad_input(void **state)
{
	char long_tag[NFT_TAG_MAX + 2];
	struct nft_forward fw[] = {{IPPROTO_ICMP, ip4("127.0.0.1"), 8080, 80}};
	struct nft_sandbox sb = {ip4("10.88.0.2"), "sbx0", false, fw, 1};
	struct nft_sandbox long_bridge = {ip4("10.88.0.2"), "a-bridge-name-too-long", false, NULL,
					  0};
	struct sbx_err err = {0};

	(void)state;
	memset(long_tag, 'x', sizeof(long_tag) - 1);
	long_tag[sizeof(long_tag) - 1] = '\0';
	assert_int_equal(nft_sandbox_add(&sb, TAG_A, &err), -EINVAL);
	assert_string_equal(err.diag[0].msg, "nftables: forward 0 needs tcp or udp and two ports");
	assert_int_equal(nft_sandbox_add(&long_bridge, TAG_A, &err), -EINVAL);
	assert_int_equal(nft_sandbox_remove(long_tag, &err), -EINVAL);
	assert_int_equal(nft_sandbox_remove("", &err), -EINVAL);
	assert_string_equal(ruleset(), "");
}

static void test_route_localnet(void **state)
{
	struct sbx_err err = {0};

	(void)state;
	netns_sh("ip link add sbx0 type bridge");
	assert_string_equal(out("cat /proc/sys/net/ipv4/conf/sbx0/route_localnet"), "0\n");
	assert_int_equal(nft_route_localnet("sbx0", &err), 0);
	assert_string_equal(out("cat /proc/sys/net/ipv4/conf/sbx0/route_localnet"), "1\n");
	assert_string_equal(out("cat /proc/sys/net/ipv4/conf/all/route_localnet"), "0\n");
	assert_int_equal(nft_route_localnet("nosuch0", &err), -ENOENT);
	assert_string_equal(err.diag[0].msg,
			    "writing 1 to /proc/sys/net/ipv4/conf/nosuch0/route_localnet: No such "
			    "file or directory");
	assert_int_equal(nft_route_localnet("../all", &err), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_add_one_sandbox, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tags_and_remove_by_tag, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_last_removal_takes_the_table, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reclaim_from_the_listing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_failed_add_leaves_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_route_localnet, setup, teardown),
	};

	if (netns_enter_userns() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
