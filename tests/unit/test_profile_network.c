/* test_profile_network.c — the profile's `network` section: every key and its default, the
 * merge rules across files and --set (scalars replace, forward appends), --forward, each
 * loader error at its line, and the compiler's checks across keys and against the caller
 * (sys/net/check.c) at the line of the setting that breaks them. */
#include "profile_check.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "plan/plan.h"
#include "plan/policy.h"
#include "profile/profile.h"
#include "util/cleanup.h"

#include "caller.h"

static char *test_argv[] = {"/bin/true", NULL};
static char *test_environ[] = {"PATH=/usr/bin", NULL};

/* @a in dotted form, for comparisons. */
static const char *ip(struct in_addr a, char buf[INET_ADDRSTRLEN])
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

#define IP(a) ip((a), (char[INET_ADDRSTRLEN]){0})

static void test_defaults(void **state)
{
	_cleanup_(profile_freep) struct profile *p = profile_new();

	(void)state;
	assert_int_equal(p->net.mode, NET_NONE);
	assert_string_equal(p->net.bridge, "sbx0");
	assert_string_equal(IP(p->net.gateway), "10.88.0.1");
	assert_int_equal(p->net.gateway_prefix, 24);
	assert_true(p->net.address_auto);
	assert_int_equal(p->net.mtu, 0);
	assert_false(p->net.nat);
	assert_false(p->net.bridge_ephemeral);
	assert_false(p->net.host_loopback);
	assert_int_equal(p->net.n_forward, 0);
	assert_null(p->net.mode_loc.file);
	assert_null(p->net.bridge_loc.file);
	assert_null(p->net.address_loc.file);
	assert_string_equal(profile_net_proto_name(NET_PROTO_TCP), "tcp");
	assert_string_equal(profile_net_proto_name(NET_PROTO_UDP), "udp");
	assert_null(profile_net_proto_name((enum net_proto)2));
}

static void test_every_key_bridge(void **state)
{
	_cleanup_(profile_freep) struct profile *p =
	    parse_ok("network = {\n"					     /* 1 */
		     "  mode = \"bridge\";\n"				     /* 2 */
		     "  bridge = \"br-web.1\";\n"			     /* 3 */
		     "  gateway = \"172.30.0.1/16\";\n"			     /* 4 */
		     "  address = \"172.30.4.9/16\";\n"			     /* 5 */
		     "  mtu = 9000;\n"					     /* 6 */
		     "  nat = true;\n"					     /* 7 */
		     "  bridge_ephemeral = true;\n"			     /* 8 */
		     "  forward = (\n"					     /* 9 */
		     "    { host = 8080; sandbox = 80; },\n"		     /* 10 */
		     "    { host = 5353; sandbox = 53;\n"		     /* 11 */
		     "      proto = \"udp\";\n"				     /* 12 */
		     "      host_address = \"0.0.0.0\"; },\n"		     /* 13 */
		     "    { host = 8080; sandbox = 80; proto = \"udp\"; }\n" /* 14 */
		     "  );\n"						     /* 15 */
		     "};\n");

	(void)state;
	assert_int_equal(p->net.mode, NET_BRIDGE);
	assert_int_equal(p->net.mode_loc.line, 2);
	assert_string_equal(p->net.mode_loc.file, "t.cfg");
	assert_string_equal(p->net.bridge, "br-web.1");
	assert_int_equal(p->net.bridge_loc.line, 3);
	assert_string_equal(IP(p->net.gateway), "172.30.0.1");
	assert_int_equal(p->net.gateway_prefix, 16);
	assert_int_equal(p->net.gateway_loc.line, 4);
	assert_false(p->net.address_auto);
	assert_string_equal(IP(p->net.address), "172.30.4.9");
	assert_int_equal(p->net.address_prefix, 16);
	assert_int_equal(p->net.address_loc.line, 5);
	assert_int_equal(p->net.mtu, 9000);
	assert_int_equal(p->net.mtu_loc.line, 6);
	assert_true(p->net.nat);
	assert_int_equal(p->net.nat_loc.line, 7);
	assert_true(p->net.bridge_ephemeral);
	assert_int_equal(p->net.bridge_ephemeral_loc.line, 8);

	assert_int_equal(p->net.n_forward, 3);
	assert_int_equal(p->net.forward[0].host, 8080);
	assert_int_equal(p->net.forward[0].sandbox, 80);
	assert_int_equal(p->net.forward[0].proto, NET_PROTO_TCP); /* the default */
	assert_string_equal(IP(p->net.forward[0].host_address), "127.0.0.1");
	assert_int_equal(p->net.forward[0].loc.line, 10);
	assert_string_equal(p->net.forward[0].loc.file, "t.cfg");
	assert_int_equal(p->net.forward[1].host, 5353);
	assert_int_equal(p->net.forward[1].sandbox, 53);
	assert_int_equal(p->net.forward[1].proto, NET_PROTO_UDP);
	assert_string_equal(IP(p->net.forward[1].host_address), "0.0.0.0");
	assert_int_equal(p->net.forward[1].loc.line, 11);
	/* the same port over another protocol is another forward */
	assert_int_equal(p->net.forward[2].host, 8080);
	assert_int_equal(p->net.forward[2].proto, NET_PROTO_UDP);
}

static void test_modes(void **state)
{
	static const struct {
		const char *name;
		enum net_mode mode;
	} modes[] = {
	    {"none", NET_NONE}, {"host", NET_HOST}, {"bridge", NET_BRIDGE}, {"user", NET_USER}};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
		char text[64];

		snprintf(text, sizeof(text), "network = {\n mode = \"%s\"; };\n", modes[i].name);
		_cleanup_(profile_freep) struct profile *p = parse_ok(text);
		assert_int_equal(p->net.mode, modes[i].mode);
		assert_int_equal(p->net.mode_loc.line, 2);
	}
	{
		_cleanup_(profile_freep) struct profile *p =
		    parse_ok("network = {\n mode = \"user\";\n host_loopback = true;\n"
			     " mtu = 68;\n address = \"auto\";\n"
			     " forward = ( { host = 65535; sandbox = 1; } ); };\n");

		assert_int_equal(p->net.mode, NET_USER);
		assert_true(p->net.host_loopback);
		assert_int_equal(p->net.host_loopback_loc.line, 3);
		assert_int_equal(p->net.mtu, 68);
		assert_true(p->net.address_auto);
		assert_int_equal(p->net.address_loc.line, 5);
		assert_int_equal(p->net.forward[0].host, 65535);
		assert_int_equal(p->net.forward[0].sandbox, 1);
	}
}

/* Scalars replace, forward appends: a later file adds its forwards to the earlier ones. */
static void test_merge_across_files(void **state)
{
	_cleanup_(profile_freep) struct profile *p = profile_new();
	struct sbx_err err = {0};

	(void)state;
	assert_int_equal(profile_load_string(p,
					     "network = {\n"
					     "  mode = \"bridge\";\n"
					     "  address = \"10.88.0.5/24\";\n"
					     "  mtu = 1400;\n"
					     "  forward = ( { host = 8080; sandbox = 80; } );\n"
					     "};\n",
					     "base.cfg", &err),
			 0);
	assert_int_equal(profile_load_string(p,
					     "network = {\n"
					     "  mode = \"user\";\n"
					     "  address = \"auto\";\n"
					     "  host_loopback = true;\n"
					     "  forward = ( { host = 8443; sandbox = 443; } );\n"
					     "};\n",
					     "top.cfg", &err),
			 0);
	assert_int_equal(err.n, 0);
	assert_int_equal(p->net.mode, NET_USER);
	assert_string_equal(p->net.mode_loc.file, "top.cfg");
	assert_true(p->net.address_auto);
	assert_string_equal(p->net.address_loc.file, "top.cfg");
	assert_int_equal(p->net.mtu, 1400); /* not given again: kept */
	assert_string_equal(p->net.mtu_loc.file, "base.cfg");
	assert_true(p->net.host_loopback);
	assert_int_equal(p->net.n_forward, 2);
	assert_int_equal(p->net.forward[0].host, 8080);
	assert_string_equal(p->net.forward[0].loc.file, "base.cfg");
	assert_int_equal(p->net.forward[0].loc.line, 5);
	assert_int_equal(p->net.forward[1].host, 8443);
	assert_string_equal(p->net.forward[1].loc.file, "top.cfg");
}

/* The same (host_address, host, proto) twice, in one file or across two: an error at the
 * second entry's line that names the first's. */
static void test_forward_twice(void **state)
{
	_cleanup_(profile_freep) struct profile *p = profile_new();
	struct sbx_err err = {0};

	(void)state;
	expect_one_error("network = { forward = (\n"
			 " { host = 8080; sandbox = 80; },\n"
			 " { host = 8080; sandbox = 81; host_address = \"127.0.0.1\"; }\n"
			 "); };\n",
			 3,
			 "network.forward[1]: 127.0.0.1:8080/tcp is forwarded twice (first at "
			 "t.cfg:2)");
	assert_int_equal(
	    profile_load_string(
		p,
		"network = { forward = (\n { host = 53; sandbox = 53; proto = \"udp\"; "
		"} ); };\n",
		"base.cfg", &err),
	    0);
	assert_int_equal(profile_load_string(p,
					     "network = { forward = (\n"
					     " { host = 53; sandbox = 53; },\n"
					     " { host = 53; sandbox = 5353; proto = \"udp\"; }\n"
					     "); };\n",
					     "top.cfg", &err),
			 -EINVAL);
	assert_int_equal(err.n, 1);
	assert_string_equal(err.diag[0].file, "top.cfg");
	assert_int_equal(err.diag[0].line, 3);
	assert_string_equal(err.diag[0].msg, "network.forward[1]: 127.0.0.1:53/udp is forwarded "
					     "twice (first at base.cfg:2)");
	assert_int_equal(p->net.n_forward, 2); /* the tcp one is kept, the second udp not */
}

static void test_set(void **state)
{
	_cleanup_(profile_freep) struct profile *p = profile_new();
	struct sbx_err err = {0};

	(void)state;
	assert_int_equal(profile_set(p, "network.mode=\"user\"", &err), 0);
	assert_int_equal(p->net.mode, NET_USER);
	assert_string_equal(p->net.mode_loc.file, "--set network.mode=\"user\"");
	assert_int_equal(p->net.mode_loc.line, 0);
	assert_int_equal(profile_set(p, "network.mode=bridge", &err), 0);
	assert_int_equal(p->net.mode, NET_BRIDGE);
	assert_int_equal(profile_set(p, "network.address=10.88.0.9/24", &err), 0);
	assert_false(p->net.address_auto);
	assert_string_equal(IP(p->net.address), "10.88.0.9");
	assert_int_equal(profile_set(p, "network.gateway=10.88.0.254/24", &err), 0);
	assert_string_equal(IP(p->net.gateway), "10.88.0.254");
	assert_int_equal(profile_set(p, "network.bridge=br0", &err), 0);
	assert_string_equal(p->net.bridge, "br0");
	assert_int_equal(profile_set(p, "network.mtu=1280", &err), 0);
	assert_int_equal(p->net.mtu, 1280);
	assert_int_equal(profile_set(p, "network.nat=true", &err), 0);
	assert_true(p->net.nat);
	assert_int_equal(profile_set(p, "network.bridge_ephemeral=true", &err), 0);
	assert_true(p->net.bridge_ephemeral);
	assert_int_equal(profile_set(p, "network.host_loopback=true", &err), 0);
	assert_true(p->net.host_loopback);
	assert_int_equal(profile_set(p, "network.forward=({host=1;sandbox=2;})", &err), 0);
	assert_int_equal(profile_set(p, "network.forward=({host=3;sandbox=4;})", &err), 0);
	assert_int_equal(p->net.n_forward, 2); /* appended, as from files */
	assert_int_equal(p->net.forward[1].host, 3);
	assert_int_equal(err.n, 0);

	assert_int_equal(profile_set(p, "network.mode=wifi", &err), -EINVAL);
	assert_string_equal(err.diag[0].file, "--set network.mode=wifi");
	assert_non_null(strstr(err.diag[0].msg, "\"wifi\" is not one of none, host, bridge, user"));
	assert_int_equal(p->net.mode, NET_BRIDGE); /* a bad value changes nothing */
}

static void test_cli_forward(void **state)
{
	_cleanup_(profile_freep) struct profile *p = profile_new();
	struct sbx_err err = {0};

	(void)state;
	assert_int_equal(profile_add_cli_forward(p, "8080:80", &err), 0);
	assert_int_equal(profile_add_cli_forward(p, "8080:80/udp", &err), 0);
	assert_int_equal(profile_add_cli_forward(p, "0.0.0.0:8080:80/tcp", &err), 0);
	assert_int_equal(profile_add_cli_forward(p, "10.0.0.1:65535:1", &err), 0);
	assert_int_equal(err.n, 0);
	assert_int_equal(p->net.n_forward, 4);
	assert_int_equal(p->net.forward[0].host, 8080);
	assert_int_equal(p->net.forward[0].sandbox, 80);
	assert_int_equal(p->net.forward[0].proto, NET_PROTO_TCP);
	assert_string_equal(IP(p->net.forward[0].host_address), "127.0.0.1");
	assert_string_equal(p->net.forward[0].loc.file, "--forward 8080:80");
	assert_int_equal(p->net.forward[0].loc.line, 0);
	assert_int_equal(p->net.forward[1].proto, NET_PROTO_UDP);
	assert_string_equal(IP(p->net.forward[2].host_address), "0.0.0.0");
	assert_int_equal(p->net.forward[2].proto, NET_PROTO_TCP);
	assert_string_equal(IP(p->net.forward[3].host_address), "10.0.0.1");
	assert_int_equal(p->net.forward[3].host, 65535);
	assert_int_equal(p->net.forward[3].sandbox, 1);
}

/* Each bad --forward: located at the option as typed, the message naming the bad part. */
static void test_cli_forward_errors(void **state)
{
	static const struct {
		const char *spec, *msg;
	} bad[] = {
	    {"8080", "expected [ADDR:]HOST:SANDBOX[/tcp|/udp]"},
	    {"", "expected [ADDR:]HOST:SANDBOX[/tcp|/udp]"},
	    {"1:2:3:4", "expected [ADDR:]HOST:SANDBOX[/tcp|/udp]"},
	    {"8080:80/sctp", "\"/sctp\" is not a protocol: /tcp or /udp"},
	    {"8080:80/", "\"/\" is not a protocol"},
	    {"0:80", "host port \"0\" is not a port (1 to 65535)"},
	    {"8080:65536", "sandbox port \"65536\" is not a port (1 to 65535)"},
	    {"http:80", "host port \"http\" is not a port"},
	    {":80", "host port \"\" is not a port"},
	    {"80:", "sandbox port \"\" is not a port"},
	    {"-1:80", "host port \"-1\" is not a port"},
	    {"localhost:8080:80", "\"localhost\" is not an IPv4 address"},
	    {"10.0.0.256:8080:80", "\"10.0.0.256\" is not an IPv4 address"},
	    {"1111111111111111111111:1:1", "is not an IPv4 address"},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		_cleanup_(profile_freep) struct profile *p = profile_new();
		struct sbx_err err = {0};
		char want[128];

		assert_int_equal(profile_add_cli_forward(p, bad[i].spec, &err), -EINVAL);
		snprintf(want, sizeof(want), "--forward %s", bad[i].spec);
		assert_int_equal(err.n, 1);
		assert_string_equal(err.diag[0].file, want);
		assert_int_equal(err.diag[0].line, 0);
		if (!strstr(err.diag[0].msg, bad[i].msg))
			fail_msg("--forward %s: got \"%s\", want \"%s\"", bad[i].spec,
				 err.diag[0].msg, bad[i].msg);
		assert_int_equal(p->net.n_forward, 0);
	}
	{
		_cleanup_(profile_freep) struct profile *p = NULL;
		struct sbx_err err = {0};

		assert_int_equal(profile_parse_string("network = { forward = (\n"
						      " { host = 8080; sandbox = 80; } ); };\n",
						      "t.cfg", &p, &err),
				 0);
		assert_int_equal(profile_add_cli_forward(p, "127.0.0.1:8080:81", &err), -EINVAL);
		assert_string_equal(err.diag[0].file, "--forward 127.0.0.1:8080:81");
		assert_string_equal(err.diag[0].msg,
				    "127.0.0.1:8080/tcp is forwarded twice (first at t.cfg:2)");
		assert_int_equal(profile_add_cli_forward(p, "9090:90", &err), 0);
		assert_int_equal(profile_add_cli_forward(p, "9090:91/tcp", &err), -EINVAL);
		assert_string_equal(err.diag[1].msg, "127.0.0.1:9090/tcp is forwarded twice (first "
						     "at --forward 9090:90)");
	}
}

static void test_errors(void **state)
{
	static const struct {
		const char *text;
		unsigned line;
		const char *msg;
	} bad[] = {
	    {"network = {\n mode = \"wifi\"; };\n", 2,
	     "network.mode: \"wifi\" is not one of none, host, bridge, user"},
	    {"network = {\n mode = 1; };\n", 2, "network.mode: must be a string"},
	    {"network = {\n dns = 1; };\n", 2, "network.dns: unknown setting"},
	    {"network = 1;\n", 1, "network: must be a group"},
	    /* bridge */
	    {"network = {\n bridge = \"averyveryverylong\"; };\n", 2,
	     "network.bridge: \"averyveryverylong\" is longer than 15 characters"},
	    {"network = {\n bridge = \"\"; };\n", 2, "network.bridge: \"\" is empty"},
	    {"network = {\n bridge = \"br/0\"; };\n", 2, "contains '/', ':', a space"},
	    {"network = {\n bridge = \"br:0\"; };\n", 2, "contains '/', ':', a space"},
	    {"network = {\n bridge = \"br 0\"; };\n", 2, "contains '/', ':', a space"},
	    {"network = {\n bridge = \"br\\t0\"; };\n", 2, "a control character"},
	    {"network = {\n bridge = \".\"; };\n", 2, "\".\" is not an interface name"},
	    {"network = {\n bridge = \"..\"; };\n", 2, "\"..\" is not an interface name"},
	    {"network = {\n bridge = 0; };\n", 2, "network.bridge: must be a string"},
	    /* gateway and address */
	    {"network = {\n address = \"10.88.0.5\"; };\n", 2,
	     "network.address: \"10.88.0.5\" has no prefix length: write the subnet's too, as "
	     "in \"10.88.0.5/24\""},
	    {"network = {\n gateway = \"10.88.0.1\"; };\n", 2,
	     "network.gateway: \"10.88.0.1\" has no prefix length"},
	    {"network = {\n address = \"10.88.0.5/7\"; };\n", 2,
	     "network.address: \"10.88.0.5/7\": the prefix length /7 is out of range (8 to 30)"},
	    {"network = {\n gateway = \"10.88.0.1/31\"; };\n", 2, "/31 is out of range (8 to 30)"},
	    {"network = {\n address = \"10.88.0.5/99999999999999999999\"; };\n", 2,
	     "is not an IPv4 address with a prefix length, A.B.C.D/N"},
	    {"network = {\n address = \"10.88.0/24\"; };\n", 2,
	     "network.address: \"10.88.0/24\" is not an IPv4 address with a prefix length"},
	    {"network = {\n address = \"10.88.0.5/\"; };\n", 2, "is not an IPv4 address with"},
	    {"network = {\n address = \"10.88.0.5/24x\"; };\n", 2, "is not an IPv4 address with"},
	    {"network = {\n address = \"10.88.0.5/-8\"; };\n", 2, "is not an IPv4 address with"},
	    {"network = {\n address = \"automatic\"; };\n", 2, "is not an IPv4 address with"},
	    {"network = {\n address = \"fd00::5/64\"; };\n", 2, "is not an IPv4 address with"},
	    {"network = {\n address = \"10.88.0.0/24\"; };\n", 2,
	     "network.address: \"10.88.0.0/24\" is the subnet's network address"},
	    {"network = {\n address = \"10.88.0.255/24\"; };\n", 2,
	     "network.address: \"10.88.0.255/24\" is the subnet's broadcast address"},
	    {"network = {\n gateway = \"172.16.0.0/12\"; };\n", 2,
	     "network.gateway: \"172.16.0.0/12\" is the subnet's network address"},
	    {"network = {\n gateway = \"172.31.255.255/12\"; };\n", 2,
	     "is the subnet's broadcast address"},
	    {"network = {\n address = 5; };\n", 2, "network.address: must be a string"},
	    /* mtu, flags */
	    {"network = {\n mtu = 67; };\n", 2, "network.mtu: 67 is out of range (68 to 65535)"},
	    {"network = {\n mtu = 65536; };\n", 2, "network.mtu: 65536 is out of range"},
	    {"network = {\n mtu = \"1500\"; };\n", 2, "network.mtu: must be an integer"},
	    {"network = {\n nat = 1; };\n", 2, "network.nat: must be true or false"},
	    {"network = {\n bridge_ephemeral = \"yes\"; };\n", 2,
	     "network.bridge_ephemeral: must be true or false"},
	    {"network = {\n host_loopback = 0; };\n", 2,
	     "network.host_loopback: must be true or false"},
	    /* forward */
	    {"network = {\n forward = { host = 1; sandbox = 2; }; };\n", 2,
	     "network.forward: must be a list"},
	    {"network = { forward = (\n 8080 ); };\n", 2, "network.forward[0]: must be a group"},
	    {"network = { forward = (\n { sandbox = 80; } ); };\n", 2,
	     "network.forward[0]: missing \"host\""},
	    {"network = { forward = (\n { host = 80; } ); };\n", 2,
	     "network.forward[0]: missing \"sandbox\""},
	    {"network = { forward = ( { sandbox = 80;\n host = 0; } ); };\n", 2,
	     "network.forward[0].host: 0 is out of range (1 to 65535)"},
	    {"network = { forward = ( { host = 80;\n sandbox = 65536; } ); };\n", 2,
	     "network.forward[0].sandbox: 65536 is out of range (1 to 65535)"},
	    {"network = { forward = ( { host = 80;\n sandbox = \"http\"; } ); };\n", 2,
	     "network.forward[0].sandbox: must be an integer"},
	    {"network = { forward = ( { host = 80; sandbox = 80;\n proto = \"sctp\"; } ); };\n", 2,
	     "network.forward[0].proto: \"sctp\" is not one of tcp, udp"},
	    {"network = { forward = ( { host = 80; sandbox = 80;\n proto = \"TCP\"; } ); };\n", 2,
	     "\"TCP\" is not one of tcp, udp"},
	    {"network = { forward = ( { host = 80; sandbox = 80;\n host_address = \"localhost\"; } "
	     "); };\n",
	     2, "network.forward[0].host_address: \"localhost\" is not an IPv4 address, A.B.C.D"},
	    {"network = { forward = ( { host = 80; sandbox = 80;\n host_address = \"1.2.3.4/8\"; } "
	     "); };\n",
	     2, "is not an IPv4 address"},
	    {"network = { forward = ( { host = 80; sandbox = 80;\n port = 1; } ); };\n", 2,
	     "network.forward[0].port: unknown setting"},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		expect_one_error(bad[i].text, bad[i].line, bad[i].msg);
}

/* --check lists every error of the section, each at its own line; the good entries stay. */
static void test_every_error_listed(void **state)
{
	_cleanup_(profile_freep) struct profile *p = NULL;
	struct sbx_err err = {0};

	(void)state;
	assert_int_equal(profile_parse_string("network = {\n"				    /* 1 */
					      "  mode = \"bridges\";\n"			    /* 2 */
					      "  bridge = \"a/b\";\n"			    /* 3 */
					      "  address = \"10.0.0.1\";\n"		    /* 4 */
					      "  forward = (\n"				    /* 5 */
					      "    { host = 1; sandbox = 1; },\n"	    /* 6 */
					      "    { host = 0; sandbox = 1; },\n"	    /* 7 */
					      "    { host = 2; sandbox = 1; proto = 6; }\n" /* 8 */
					      "  );\n"					    /* 9 */
					      "  mtu = 1;\n"				    /* 10 */
					      "};\n",
					      "t.cfg", &p, &err),
			 -EINVAL);
	assert_int_equal(err.n, 6);
	assert_int_equal(err.diag[0].line, 2);
	assert_int_equal(err.diag[1].line, 3);
	assert_int_equal(err.diag[2].line, 4);
	assert_int_equal(err.diag[3].line, 7);
	assert_int_equal(err.diag[4].line, 8);
	assert_int_equal(err.diag[5].line, 10);
	assert_int_equal(p->net.n_forward, 1);
	assert_int_equal(p->net.mode, NET_NONE);
	assert_string_equal(p->net.bridge, "sbx0");
}

/* --- the compiler's checks (sys/net/check.c), through policy_compile --- */

static int compile_as(const char *text, uid_t uid, struct sbx_err *err)
{
	_cleanup_(profile_freep) struct profile *p = NULL;
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_caller c = unit_caller(uid, test_argv, test_environ);
	int r = profile_parse_string(text, "t.cfg", &p, err);

	if (r < 0)
		fail_msg("the loader refused it: %s:%u: %s", err->diag[0].file, err->diag[0].line,
			 err->diag[0].msg);
	r = policy_compile(p, &c, &plan, err);
	if (r == 0)
		assert_non_null(plan);
	return r;
}

/* @text loads, and compiling it for @uid fails with exactly one error, at t.cfg:@line, whose
 * message contains @msg, with @code. */
static void expect_compile_error(const char *text, uid_t uid, int code, unsigned line,
				 const char *msg)
{
	struct sbx_err err = {0};
	int r = compile_as(text, uid, &err);

	if (r != code || err.n != 1 || err.diag[0].line != line ||
	    strcmp(err.diag[0].file, "t.cfg") != 0 || !strstr(err.diag[0].msg, msg))
		fail_msg("for: %s\nwant %d, one error at t.cfg:%u with \"%s\"; got %d, %u errors, "
			 "the first at %s:%u: %s",
			 text, code, line, msg, r, err.n, err.diag[0].file, err.diag[0].line,
			 err.diag[0].msg);
}

static void test_compile_each_mode(void **state)
{
	static const char *const ok[] = {
	    "network = { mode = \"none\"; };\n",
	    "network = { mode = \"host\"; };\n",
	    "network = { mode = \"user\"; mtu = 1500; host_loopback = true;\n"
	    "  forward = ( { host = 8080; sandbox = 80; }, { host = 53; sandbox = 53; proto = "
	    "\"udp\"; } ); };\n",
	    "network = { mode = \"bridge\"; bridge = \"br0\"; gateway = \"10.1.0.1/16\";\n"
	    "  address = \"10.1.200.7/16\"; mtu = 1500; nat = true; bridge_ephemeral = true;\n"
	    "  forward = ( { host = 8080; sandbox = 80; host_address = \"0.0.0.0\"; } ); };\n",
	    "network = { mode = \"bridge\"; address = \"auto\"; };\n",
	    "network = { mode = \"bridge\"; address = \"10.88.0.254/24\"; };\n",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		struct sbx_err err = {0};

		if (compile_as(ok[i], 0, &err) != 0 || err.n != 0)
			fail_msg("for: %s\ngot %s:%u: %s", ok[i], err.diag[0].file,
				 err.diag[0].line, err.diag[0].msg);
	}
	/* user mode needs no root */
	for (size_t i = 0; i < 3; i++) {
		struct sbx_err err = {0};

		assert_int_equal(compile_as(ok[i], 1000, &err), 0);
	}
}

/* A key of another mode is an error at its own line, never dropped: a typo in the mode, or
 * a later profile's mode, would otherwise lose it without a word. */
static void test_compile_keys_of_another_mode(void **state)
{
	static const struct {
		const char *text;
		unsigned line;
		const char *msg;
	} bad[] = {
	    {"network = { mode = \"user\";\n bridge = \"br0\"; };\n", 2,
	     "network.bridge needs mode \"bridge\", and the mode is \"user\" (t.cfg:1)"},
	    {"network = {\n address = \"10.88.0.5/24\"; };\n", 2,
	     "network.address needs mode \"bridge\", and the mode is \"none\" (the default)"},
	    {"network = { mode = \"host\";\n gateway = \"10.88.0.1/24\"; };\n", 2,
	     "network.gateway needs mode \"bridge\""},
	    {"network = { mode = \"user\";\n nat = false; };\n", 2,
	     "network.nat needs mode \"bridge\""},
	    {"network = { mode = \"none\";\n bridge_ephemeral = true; };\n", 2,
	     "network.bridge_ephemeral needs mode \"bridge\""},
	    {"network = { mode = \"none\";\n mtu = 1500; };\n", 2,
	     "network.mtu needs mode \"bridge\" or \"user\", and the mode is \"none\" (t.cfg:1)"},
	    {"network = { mode = \"host\";\n mtu = 1500; };\n", 2, "network.mtu needs mode"},
	    {"network = { mode = \"bridge\";\n host_loopback = true; };\n", 2,
	     "network.host_loopback needs mode \"user\", and the mode is \"bridge\" (t.cfg:1)"},
	    {"network = { mode = \"none\"; forward = (\n { host = 8080; sandbox = 80; } ); };\n", 2,
	     "network.forward needs mode user or bridge, and the mode is \"none\" (t.cfg:1)"},
	    {"network = { mode = \"host\"; forward = (\n { host = 8080; sandbox = 80; } ); };\n", 2,
	     "network.forward needs mode user or bridge, and the mode is \"host\""},
	    {"network = { forward = (\n { host = 8080; sandbox = 80; } ); };\n", 2,
	     "network.forward needs mode user or bridge, and the mode is \"none\" (the default)"},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		expect_compile_error(bad[i].text, 0, -EINVAL, bad[i].line, bad[i].msg);
}

/* The mode a later --set gives decides: the earlier file's bridge keys are then errors. */
static void test_compile_mode_from_set(void **state)
{
	_cleanup_(profile_freep) struct profile *p = NULL;
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_caller c = unit_caller(0, test_argv, test_environ);
	struct sbx_err err = {0};

	(void)state;
	assert_int_equal(profile_parse_string("network = {\n"
					      "  mode = \"bridge\";\n"
					      "  nat = true;\n"
					      "  forward = ( { host = 8080; sandbox = 80; } );\n"
					      "};\n",
					      "t.cfg", &p, &err),
			 0);
	assert_int_equal(profile_set(p, "network.mode=\"user\"", &err), 0);
	assert_int_equal(policy_compile(p, &c, &plan, &err), -EINVAL);
	assert_int_equal(err.n, 1); /* the forward is fine with user */
	assert_int_equal(err.diag[0].line, 3);
	assert_string_equal(err.diag[0].msg, "network.nat needs mode \"bridge\", and the mode is "
					     "\"user\" (--set network.mode=\"user\")");
}

static void test_compile_addresses(void **state)
{
	(void)state;
	expect_compile_error("network = { mode = \"bridge\";\n"
			     " address = \"10.88.0.1/24\"; };\n",
			     0, -EINVAL, 2,
			     "network.address 10.88.0.1/24 is the gateway's own address (the "
			     "default)");
	expect_compile_error("network = { mode = \"bridge\";\n"
			     " gateway = \"10.1.0.1/24\";\n"
			     " address = \"10.88.0.5/24\"; };\n",
			     0, -EINVAL, 2,
			     "network.gateway 10.1.0.1 (t.cfg:2) is outside the subnet "
			     "10.88.0.0/24 of network.address 10.88.0.5/24 (t.cfg:3)");
	/* the default gateway: said at the address */
	expect_compile_error("network = { mode = \"bridge\";\n"
			     " address = \"10.1.0.5/24\"; };\n",
			     0, -EINVAL, 2,
			     "network.gateway 10.88.0.1 (the default) is outside the subnet "
			     "10.1.0.0/24 of network.address 10.1.0.5/24 (t.cfg:2)");
	expect_compile_error("network = { mode = \"bridge\";\n"
			     " gateway = \"10.88.0.1/16\";\n"
			     " address = \"10.88.0.5/24\"; };\n",
			     0, -EINVAL, 2,
			     "network.gateway 10.88.0.1/16 and network.address 10.88.0.5/24 "
			     "(t.cfg:3) have different prefix lengths");
	expect_compile_error("network = { mode = \"bridge\";\n"
			     " address = \"10.88.0.5/16\"; };\n",
			     0, -EINVAL, 2, "have different prefix lengths");
}

/* Bridge mode makes links in the host's network namespace: root only, said at the mode's line
 * with what to use instead (a run exits 125 on it). */
static void test_compile_bridge_needs_root(void **state)
{
	struct sbx_err err = {0};

	(void)state;
	expect_compile_error("name = \"web\";\nnetwork = {\n mode = \"bridge\"; };\n", 1000, -EPERM,
			     3,
			     "network.mode \"bridge\" needs root (it makes links on the host): use "
			     "mode \"user\" for rootless networking");
	assert_int_equal(compile_as("network = { mode = \"bridge\"; };\n", 0, &err), 0);
}

/* The rule that stays: without the net namespace the mode must be host. */
static void test_compile_modes_need_netns(void **state)
{
	static const char *const modes[] = {"bridge", "user", "none"};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
		char text[160], msg[96];

		snprintf(text, sizeof(text),
			 "namespaces = [ \"user\", \"mount\", \"pid\" ];\n"
			 "network = {\n mode = \"%s\"; };\n",
			 modes[i]);
		snprintf(msg, sizeof(msg), "network.mode \"%s\" needs the \"net\" namespace",
			 modes[i]);
		expect_compile_error(text, 0, -EINVAL, 3, msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_every_key_bridge),
	    cmocka_unit_test(test_modes),
	    cmocka_unit_test(test_merge_across_files),
	    cmocka_unit_test(test_forward_twice),
	    cmocka_unit_test(test_set),
	    cmocka_unit_test(test_cli_forward),
	    cmocka_unit_test(test_cli_forward_errors),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_every_error_listed),
	    cmocka_unit_test(test_compile_each_mode),
	    cmocka_unit_test(test_compile_keys_of_another_mode),
	    cmocka_unit_test(test_compile_mode_from_set),
	    cmocka_unit_test(test_compile_addresses),
	    cmocka_unit_test(test_compile_bridge_needs_root),
	    cmocka_unit_test(test_compile_modes_need_netns),
	};

	return cmocka_run_group_tests(tests, unit_tmp_setup, unit_tmp_teardown);
}
