/* test_profile_cgroup.c — the profile's `cgroup` section: every key's value, the merge rules
 * across files and --set (scalars replace, io_limits append), and each error at its line. */
#include "profile_check.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "profile/profile.h"
#include "util/cleanup.h"

static void test_unset_by_default(void **state)
{
	_cleanup_(profile_freep) struct profile *p = profile_new();

	(void)state;
	assert_int_equal(p->cgroup.memory, 0);
	assert_false(p->cgroup.memory_swap_set);
	assert_int_equal(p->cgroup.pids, 0);
	assert_int_equal(p->cgroup.cpus_milli, 0);
	assert_int_equal(p->cgroup.cpu_weight, 0);
	assert_null(p->cgroup.cpuset);
	assert_int_equal(p->cgroup.io_weight, 0);
	assert_int_equal(p->cgroup.n_io_limits, 0);
	assert_null(p->cgroup.parent);
	assert_false(p->cgroup.optional);
}

static void test_every_key(void **state)
{
	_cleanup_(profile_freep) struct profile *p =
	    parse_ok("cgroup = {\n"			/* 1 */
		     "  memory = \"64M\";\n"		/* 2 */
		     "  memory_swap = \"128M\";\n"	/* 3 */
		     "  pids = 32;\n"			/* 4 */
		     "  cpus = 0.5;\n"			/* 5 */
		     "  cpu_weight = 200;\n"		/* 6 */
		     "  cpuset = \"0-1,3\";\n"		/* 7 */
		     "  io_weight = 10000;\n"		/* 8 */
		     "  parent = \"/sbx-alice/\";\n"	/* 9 */
		     "  optional = true;\n"		/* 10 */
		     "  io_limits = (\n"		/* 11 */
		     "    { device = \"/dev/vda\";\n"	/* 12 */
		     "      read_bps = \"10M\";\n"	/* 13 */
		     "      write_bps = 1048576;\n"	/* 14 */
		     "      read_iops = 100;\n"		/* 15 */
		     "      write_iops = 50; },\n"	/* 16 */
		     "    {\n"				/* 17 */
		     "      device = \"/dev//sdb/\";\n" /* 18 */
		     "      write_iops = 1; }\n"	/* 19 */
		     "  );\n"				/* 20 */
		     "};\n");

	(void)state;
	assert_int_equal(p->cgroup.memory, 64 << 20);
	assert_int_equal(p->cgroup.memory_loc.line, 2);
	assert_string_equal(p->cgroup.memory_loc.file, "t.cfg");
	assert_true(p->cgroup.memory_swap_set);
	assert_int_equal(p->cgroup.memory_swap, 128 << 20);
	assert_int_equal(p->cgroup.memory_swap_loc.line, 3);
	assert_int_equal(p->cgroup.pids, 32);
	assert_int_equal(p->cgroup.pids_loc.line, 4);
	assert_int_equal(p->cgroup.cpus_milli, 500);
	assert_int_equal(p->cgroup.cpus_loc.line, 5);
	assert_int_equal(p->cgroup.cpu_weight, 200);
	assert_int_equal(p->cgroup.cpu_weight_loc.line, 6);
	assert_string_equal(p->cgroup.cpuset, "0-1,3");
	assert_int_equal(p->cgroup.cpuset_loc.line, 7);
	assert_int_equal(p->cgroup.io_weight, 10000);
	assert_int_equal(p->cgroup.io_weight_loc.line, 8);
	assert_string_equal(p->cgroup.parent, "/sbx-alice"); /* the trailing slash dropped */
	assert_int_equal(p->cgroup.parent_loc.line, 9);
	assert_true(p->cgroup.optional);
	assert_int_equal(p->cgroup.optional_loc.line, 10);

	assert_int_equal(p->cgroup.n_io_limits, 2);
	assert_string_equal(p->cgroup.io_limits[0].device, "/dev/vda");
	assert_int_equal(p->cgroup.io_limits[0].read_bps, 10 << 20);
	assert_int_equal(p->cgroup.io_limits[0].write_bps, 1048576);
	assert_int_equal(p->cgroup.io_limits[0].read_iops, 100);
	assert_int_equal(p->cgroup.io_limits[0].write_iops, 50);
	assert_int_equal(p->cgroup.io_limits[0].loc.line, 12);
	assert_int_equal(p->cgroup.io_limits[0].device_loc.line, 12);
	assert_string_equal(p->cgroup.io_limits[1].device, "/dev/sdb"); /* normalised */
	assert_int_equal(p->cgroup.io_limits[1].read_bps, 0);		/* 0 = no limit */
	assert_int_equal(p->cgroup.io_limits[1].write_bps, 0);
	assert_int_equal(p->cgroup.io_limits[1].read_iops, 0);
	assert_int_equal(p->cgroup.io_limits[1].write_iops, 1);
	assert_int_equal(p->cgroup.io_limits[1].loc.line, 17);
	assert_int_equal(p->cgroup.io_limits[1].device_loc.line, 18);
	assert_string_equal(p->cgroup.io_limits[1].loc.file, "t.cfg");
}

static void test_values(void **state)
{
	static const struct {
		const char *text;
		uint32_t cpus_milli;
	} cpus[] = {
	    {"cgroup = { cpus = 2; };", 2000},	     {"cgroup = { cpus = 0.01; };", 10},
	    {"cgroup = { cpus = 1024; };", 1024000}, {"cgroup = { cpus = 1.25; };", 1250},
	    {"cgroup = { cpus = 0.0125; };", 13},    {"cgroup = { cpus = 3L; };", 3000},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cpus); i++) {
		_cleanup_(profile_freep) struct profile *p = parse_ok(cpus[i].text);

		assert_int_equal(p->cgroup.cpus_milli, cpus[i].cpus_milli);
	}
	{
		_cleanup_(profile_freep) struct profile *p =
		    parse_ok("cgroup = { memory = 4096; memory_swap = 0; pids = 4194304;\n"
			     "  cpu_weight = 1; io_weight = 1; cpuset = 7; parent = \"/\"; "
			     "optional = false; };\n");

		assert_int_equal(p->cgroup.memory, 4096);
		assert_true(p->cgroup.memory_swap_set); /* 0 is a value: no swap */
		assert_int_equal(p->cgroup.memory_swap, 0);
		assert_int_equal(p->cgroup.pids, 4194304);
		assert_int_equal(p->cgroup.cpu_weight, 1);
		assert_int_equal(p->cgroup.io_weight, 1);
		assert_string_equal(p->cgroup.cpuset, "7");
		assert_string_equal(p->cgroup.parent, "/");
		assert_false(p->cgroup.optional);
		assert_int_equal(p->cgroup.optional_loc.line, 2);
	}
	{
		/* An empty list is a list: nothing appended. */
		_cleanup_(profile_freep) struct profile *p =
		    parse_ok("cgroup = { io_limits = ( ); memory = \"1G\"; };\n");

		assert_int_equal(p->cgroup.n_io_limits, 0);
		assert_int_equal(p->cgroup.memory, 1 << 30);
	}
}

/* include and repeated profiles: each scalar replaced by the later file, io_limits appended
 * with the locations of the file each entry came from. */
static void test_merge_across_files(void **state)
{
	_cleanup_(profile_freep) struct profile *p = profile_new();
	struct sbx_err err = {0};
	char base[PATH_MAX], top[PATH_MAX];

	(void)state;
	write_scratch("cg-base.cfg",
		      "cgroup = {\n"
		      "  memory = \"64M\"; pids = 10; cpus = 1;\n"
		      "  cpuset = \"0\"; parent = \"/a\";\n"
		      "  io_limits = ( { device = \"/dev/vda\"; read_bps = \"1M\"; } );\n"
		      "};\n");
	write_scratch("cg-top.cfg", "include = [ \"cg-base.cfg\" ];\n"
				    "cgroup = {\n"
				    "  memory = \"128M\";\n"
				    "  cpuset = \"1\";\n"
				    "  io_limits = (\n"
				    "    { device = \"/dev/vdb\"; write_iops = 5; } );\n"
				    "};\n");
	unit_path(base, sizeof(base), "cg-base.cfg");
	assert_int_equal(profile_load(p, unit_path(top, sizeof(top), "cg-top.cfg"), &err), 0);
	assert_int_equal(p->cgroup.memory, 128 << 20); /* replaced */
	assert_string_equal(p->cgroup.memory_loc.file, top);
	assert_int_equal(p->cgroup.memory_loc.line, 3);
	assert_int_equal(p->cgroup.pids, 10); /* kept from the included file */
	assert_string_equal(p->cgroup.pids_loc.file, base);
	assert_int_equal(p->cgroup.cpus_milli, 1000);
	assert_string_equal(p->cgroup.cpuset, "1");
	assert_int_equal(p->cgroup.cpuset_loc.line, 4);
	assert_string_equal(p->cgroup.parent, "/a");
	assert_int_equal(p->cgroup.n_io_limits, 2); /* appended, the included file's first */
	assert_string_equal(p->cgroup.io_limits[0].device, "/dev/vda");
	assert_string_equal(p->cgroup.io_limits[0].loc.file, base);
	assert_int_equal(p->cgroup.io_limits[0].loc.line, 4);
	assert_string_equal(p->cgroup.io_limits[1].device, "/dev/vdb");
	assert_string_equal(p->cgroup.io_limits[1].loc.file, top);
	assert_int_equal(p->cgroup.io_limits[1].loc.line, 6);

	/* A second profile on the command line merges the same way. */
	assert_int_equal(profile_load_string(p,
					     "cgroup = { pids = 20; io_limits = ( { device = "
					     "\"/dev/vdc\"; read_iops = 1; } ); };\n",
					     "more.cfg", &err),
			 0);
	assert_int_equal(p->cgroup.pids, 20);
	assert_string_equal(p->cgroup.pids_loc.file, "more.cfg");
	assert_int_equal(p->cgroup.memory, 128 << 20);
	assert_int_equal(p->cgroup.n_io_limits, 3);
	assert_string_equal(p->cgroup.io_limits[2].device, "/dev/vdc");
}

static void test_set(void **state)
{
	_cleanup_(profile_freep) struct profile *p = profile_new();
	struct sbx_err err = {0};

	(void)state;
	assert_int_equal(profile_set(p, "cgroup.memory=128M", &err), 0);
	assert_int_equal(p->cgroup.memory, 128 << 20);
	assert_string_equal(p->cgroup.memory_loc.file, "--set cgroup.memory=128M");
	assert_int_equal(p->cgroup.memory_loc.line, 0);
	assert_int_equal(profile_set(p, "cgroup.cpus=0.5", &err), 0);
	assert_int_equal(p->cgroup.cpus_milli, 500);
	assert_int_equal(profile_set(p, "cgroup.cpus=3", &err), 0);
	assert_int_equal(p->cgroup.cpus_milli, 3000);
	assert_int_equal(profile_set(p, "cgroup.memory_swap=0", &err), 0);
	assert_true(p->cgroup.memory_swap_set);
	assert_int_equal(profile_set(p, "cgroup.pids=64", &err), 0);
	assert_int_equal(p->cgroup.pids, 64);
	assert_int_equal(profile_set(p, "cgroup.cpu_weight=500", &err), 0);
	assert_int_equal(p->cgroup.cpu_weight, 500);
	assert_int_equal(profile_set(p, "cgroup.io_weight=50", &err), 0);
	assert_int_equal(p->cgroup.io_weight, 50);
	assert_int_equal(profile_set(p, "cgroup.cpuset=0-1", &err), 0);
	assert_string_equal(p->cgroup.cpuset, "0-1");
	assert_int_equal(profile_set(p, "cgroup.cpuset=0", &err), 0); /* read as an integer */
	assert_string_equal(p->cgroup.cpuset, "0");
	assert_int_equal(profile_set(p, "cgroup.parent=/sbx-test-1", &err), 0);
	assert_string_equal(p->cgroup.parent, "/sbx-test-1");
	assert_int_equal(profile_set(p, "cgroup.optional=true", &err), 0);
	assert_true(p->cgroup.optional);
	assert_int_equal(
	    profile_set(p, "cgroup.io_limits=({device=\"/dev/vda\";write_bps=\"1M\";})", &err), 0);
	assert_int_equal(
	    profile_set(p, "cgroup.io_limits=({device=\"/dev/vdb\";read_iops=9;})", &err), 0);
	assert_int_equal(p->cgroup.n_io_limits, 2); /* lists append */
	assert_int_equal(p->cgroup.io_limits[0].write_bps, 1 << 20);
	assert_string_equal(p->cgroup.io_limits[1].device, "/dev/vdb");
	assert_string_equal(p->cgroup.io_limits[1].loc.file,
			    "--set cgroup.io_limits=({device=\"/dev/vdb\";read_iops=9;})");
	assert_int_equal(err.n, 0);
}

static void test_set_errors(void **state)
{
	(void)state;
	expect_set_error("cgroup.memory=0", "cgroup.memory: must be above 0");
	expect_set_error("cgroup.memory=lots", "cgroup.memory: \"lots\" is not a size");
	expect_set_error("cgroup.cpus=0", "cgroup.cpus: 0 is out of range (0.01 to 1024)");
	expect_set_error("cgroup.cpus=half", "cgroup.cpus: must be a number of CPUs");
	expect_set_error("cgroup.pids=-1", "cgroup.pids: -1 is out of range (1 to 4194304)");
	expect_set_error("cgroup.cpuset=0-", "cgroup.cpuset: \"0-\" is not a CPU list");
	expect_set_error("cgroup.parent=/a/../b", "contains a '..' component");
	expect_set_error("cgroup.io_limits=({device=\"/dev/vda\";})", "needs at least one of");
	expect_set_error("cgroup.limit=1", "cgroup.limit: unknown setting");
}

static void test_errors(void **state)
{
	static const struct {
		const char *text;
		unsigned line;
		const char *msg;
	} cases[] = {
	    {"cgroup = 1;\n", 1, "cgroup: must be a group"},
	    {"cgroup = {\n colour = 1; };\n", 2, "cgroup.colour: unknown setting"},
	    /* memory, memory_swap: sizes; memory above 0 */
	    {"cgroup = {\n memory = 0; };\n", 2, "cgroup.memory: must be above 0"},
	    {"cgroup = {\n memory = \"0M\"; };\n", 2, "cgroup.memory: must be above 0"},
	    {"cgroup = {\n memory = -1; };\n", 2, "cgroup.memory: -1 is out of range"},
	    {"cgroup = {\n memory = \"-64M\"; };\n", 2, "cgroup.memory: \"-64M\" is not a size"},
	    {"cgroup = {\n memory = \"64Q\"; };\n", 2, "is not a size"},
	    {"cgroup = {\n memory = true; };\n", 2, "cgroup.memory: must be a size"},
	    {"cgroup = {\n memory = 0.5; };\n", 2, "cgroup.memory: must be a size"},
	    {"cgroup = {\n memory = \"99999999999T\"; };\n", 2, "is too large"},
	    {"cgroup = {\n memory_swap = -1; };\n", 2, "cgroup.memory_swap: -1 is out of range"},
	    {"cgroup = {\n memory_swap = \"x\"; };\n", 2, "cgroup.memory_swap: \"x\" is not a"},
	    /* pids */
	    {"cgroup = {\n pids = 0; };\n", 2, "cgroup.pids: 0 is out of range (1 to 4194304)"},
	    {"cgroup = {\n pids = -5; };\n", 2, "cgroup.pids: -5 is out of range"},
	    {"cgroup = {\n pids = 4194305; };\n", 2, "4194305 is out of range (1 to 4194304)"},
	    {"cgroup = {\n pids = \"32\"; };\n", 2, "cgroup.pids: must be an integer"},
	    {"cgroup = {\n pids = 1.5; };\n", 2, "cgroup.pids: must be an integer"},
	    /* cpus */
	    {"cgroup = {\n cpus = 0; };\n", 2, "cgroup.cpus: 0 is out of range (0.01 to 1024)"},
	    {"cgroup = {\n cpus = 0.0; };\n", 2, "cgroup.cpus: 0 is out of range"},
	    {"cgroup = {\n cpus = -0.5; };\n", 2, "cgroup.cpus: -0.5 is out of range"},
	    {"cgroup = {\n cpus = -2; };\n", 2, "cgroup.cpus: -2 is out of range"},
	    {"cgroup = {\n cpus = 0.0009; };\n", 2, "cgroup.cpus: 0.0009 is out of range"},
	    {"cgroup = {\n cpus = 1024.5; };\n", 2, "cgroup.cpus: 1024.5 is out of range"},
	    {"cgroup = {\n cpus = 99999999999; };\n", 2,
	     "cgroup.cpus: 99999999999 is out of range (0.01 to 1024)"},
	    {"cgroup = {\n cpus = \"0.5\"; };\n", 2, "cgroup.cpus: must be a number of CPUs"},
	    {"cgroup = {\n cpus = true; };\n", 2, "cgroup.cpus: must be a number of CPUs"},
	    /* weights */
	    {"cgroup = {\n cpu_weight = 0; };\n", 2, "cgroup.cpu_weight: 0 is out of range (1 to"},
	    {"cgroup = {\n cpu_weight = 10001; };\n", 2, "10001 is out of range (1 to 10000)"},
	    {"cgroup = {\n cpu_weight = -1; };\n", 2, "cgroup.cpu_weight: -1 is out of range"},
	    {"cgroup = {\n cpu_weight = \"100\"; };\n", 2, "cgroup.cpu_weight: must be an integer"},
	    {"cgroup = {\n io_weight = 0; };\n", 2, "cgroup.io_weight: 0 is out of range (1 to"},
	    {"cgroup = {\n io_weight = 20000; };\n", 2, "cgroup.io_weight: 20000 is out of range"},
	    {"cgroup = {\n io_weight = 0.5; };\n", 2, "cgroup.io_weight: must be an integer"},
	    /* cpuset */
	    {"cgroup = {\n cpuset = \"\"; };\n", 2, "cgroup.cpuset: \"\" is not a CPU list"},
	    {"cgroup = {\n cpuset = \"0-3,,6\"; };\n", 2, "\"0-3,,6\" is not a CPU list"},
	    {"cgroup = {\n cpuset = \"3-1\"; };\n", 2, "\"3-1\" is not a CPU list"},
	    {"cgroup = {\n cpuset = \"a\"; };\n", 2, "\"a\" is not a CPU list"},
	    {"cgroup = {\n cpuset = \"0 1\"; };\n", 2, "\"0 1\" is not a CPU list"},
	    {"cgroup = {\n cpuset = \"-1\"; };\n", 2, "\"-1\" is not a CPU list"},
	    {"cgroup = {\n cpuset = \"1,\"; };\n", 2, "\"1,\" is not a CPU list"},
	    {"cgroup = {\n cpuset = \"99999\"; };\n", 2, "\"99999\" is not a CPU list"},
	    {"cgroup = {\n cpuset = -1; };\n", 2, "cgroup.cpuset: \"-1\" is not a CPU list"},
	    {"cgroup = {\n cpuset = 0.5; };\n", 2, "cgroup.cpuset: must be a CPU list"},
	    {"cgroup = {\n cpuset = [ 0, 1 ]; };\n", 2, "cgroup.cpuset: must be a CPU list"},
	    /* parent */
	    {"cgroup = {\n parent = \"sbx\"; };\n", 2, "cgroup.parent: \"sbx\" is not an absolute"},
	    {"cgroup = {\n parent = \"\"; };\n", 2, "cgroup.parent: \"\" is empty"},
	    {"cgroup = {\n parent = \"/a/../b\"; };\n", 2, "contains a '..' component"},
	    {"cgroup = {\n parent = \"/..\"; };\n", 2, "contains a '..' component"},
	    {"cgroup = {\n parent = \"/a/./b\"; };\n", 2, "contains a '.' component"},
	    {"cgroup = {\n parent = \"/a//b\"; };\n", 2, "contains an empty component"},
	    {"cgroup = {\n parent = \"//\"; };\n", 2, "contains an empty component"},
	    {"cgroup = {\n parent = \"/a\\nb\"; };\n", 2, "contains a control character"},
	    {"cgroup = {\n parent = 1; };\n", 2, "cgroup.parent: must be a string"},
	    /* optional */
	    {"cgroup = {\n optional = 1; };\n", 2, "cgroup.optional: must be true or false"},
	    /* io_limits */
	    {"cgroup = {\n io_limits = { device = \"/dev/vda\"; }; };\n", 2,
	     "cgroup.io_limits: must be a list"},
	    {"cgroup = {\n io_limits = [ \"/dev/vda\" ]; };\n", 2,
	     "cgroup.io_limits: must be a list"},
	    {"cgroup = { io_limits = (\n \"/dev/vda\" ); };\n", 2,
	     "cgroup.io_limits[0]: must be a group"},
	    {"cgroup = { io_limits = (\n { read_bps = \"1M\"; } ); };\n", 2,
	     "cgroup.io_limits[0]: missing \"device\""},
	    {"cgroup = { io_limits = ( { read_bps = 1; },\n { device = \"/dev/vda\"; read_iops = "
	     "1; } ); };\n",
	     1, "cgroup.io_limits[0]: missing \"device\""},
	    {"cgroup = { io_limits = (\n { device = \"/dev/vda\"; } ); };\n", 2,
	     "cgroup.io_limits[0]: needs at least one of read_bps, write_bps, read_iops, "
	     "write_iops"},
	    {"cgroup = { io_limits = ( { read_bps = 1;\n device = \"vda\"; } ); };\n", 2,
	     "cgroup.io_limits[0].device: \"vda\" is not an absolute path"},
	    {"cgroup = { io_limits = ( { read_bps = 1;\n device = \"/dev/../vda\"; } ); };\n", 2,
	     "contains a '..' component"},
	    {"cgroup = { io_limits = ( { read_bps = 1;\n device = 8; } ); };\n", 2,
	     "cgroup.io_limits[0].device: must be a string"},
	    {"cgroup = { io_limits = ( { device = \"/dev/vda\";\n read_bps = 0; } ); };\n", 2,
	     "cgroup.io_limits[0].read_bps: must be above 0"},
	    {"cgroup = { io_limits = ( { device = \"/dev/vda\";\n write_bps = \"-1M\"; } ); };\n",
	     2, "cgroup.io_limits[0].write_bps: \"-1M\" is not a size"},
	    {"cgroup = { io_limits = ( { device = \"/dev/vda\";\n write_bps = -1; } ); };\n", 2,
	     "cgroup.io_limits[0].write_bps: -1 is out of range"},
	    {"cgroup = { io_limits = ( { device = \"/dev/vda\";\n read_iops = 0; } ); };\n", 2,
	     "cgroup.io_limits[0].read_iops: 0 is out of range (1 to"},
	    {"cgroup = { io_limits = ( { device = \"/dev/vda\";\n write_iops = \"5\"; } ); };\n", 2,
	     "cgroup.io_limits[0].write_iops: must be an integer"},
	    {"cgroup = { io_limits = ( { device = \"/dev/vda\"; read_iops = 1;\n weight = 5; } ); "
	     "};\n",
	     2, "cgroup.io_limits[0].weight: unknown setting"},
	    {"cgroup = { io_limits = ( { device = \"/dev/vda\"; read_iops = 1; },\n"
	     " { device = \"/dev/vdb\";\n read_iops = -1; } ); };\n",
	     3, "cgroup.io_limits[1].read_iops: -1 is out of range"},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		expect_one_error(cases[i].text, cases[i].line, cases[i].msg);
}

/* Every bad key is reported, each at its line, and a bad io_limits entry is not appended while
 * the good ones are. */
static void test_every_error_listed(void **state)
{
	_cleanup_(profile_freep) struct profile *p = NULL;
	struct sbx_err err = {0};

	(void)state;
	assert_int_equal(
	    profile_parse_string("cgroup = {\n"					    /* 1 */
				 "  memory = 0;\n"				    /* 2 */
				 "  pids = 0;\n"				    /* 3 */
				 "  cpus = 2000;\n"				    /* 4 */
				 "  parent = \"/a/..\";\n"			    /* 5 */
				 "  io_limits = (\n"				    /* 6 */
				 "    { device = \"/dev/vda\"; read_iops = 1; },\n" /* 7 */
				 "    { device = \"/dev/vdb\";\n"		    /* 8 */
				 "      read_iops = 0; }\n"			    /* 9 */
				 "  );\n"					    /* 10 */
				 "};\n",
				 "t.cfg", &p, &err),
	    -ERANGE);
	assert_int_equal(err.n, 5);
	assert_int_equal(err.diag[0].line, 2);
	assert_int_equal(err.diag[1].line, 3);
	assert_int_equal(err.diag[2].line, 4);
	assert_int_equal(err.diag[3].line, 5);
	assert_int_equal(err.diag[4].line, 9);
	assert_int_equal(p->cgroup.n_io_limits, 1);
	assert_string_equal(p->cgroup.io_limits[0].device, "/dev/vda");
	assert_int_equal(p->cgroup.memory, 0); /* a bad value leaves the key unset */
	assert_null(p->cgroup.parent);
}

/* The `cgroup` mount type takes dst only (required, as for every type but bind). */
static void test_cgroup_mount_type(void **state)
{
	_cleanup_(profile_freep) struct profile *p =
	    parse_ok("filesystem = { mounts = (\n"
		     "  { type = \"cgroup\";\n"
		     "    dst = \"/sys/fs/cgroup/\"; } ); };\n");

	(void)state;
	assert_int_equal(p->fs.n_mounts, 1);
	assert_int_equal(p->fs.mounts[0].type, MOUNT_CGROUP);
	assert_string_equal(profile_mount_type_name(MOUNT_CGROUP), "cgroup");
	assert_string_equal(p->fs.mounts[0].dst, "/sys/fs/cgroup");
	assert_int_equal(p->fs.mounts[0].loc.line, 2);
	assert_int_equal(p->fs.mounts[0].dst_loc.line, 3);
	expect_one_error("filesystem = { mounts = (\n { type = \"cgroup\"; } ); };\n", 2,
			 "filesystem.mounts[0]: a cgroup mount needs \"dst\"");
	expect_one_error("filesystem = { mounts = ( { type = \"cgroup\"; dst = \"/c\";\n"
			 "  options = [ \"noexec\" ]; } ); };\n",
			 2, "filesystem.mounts[0].options: not valid for a cgroup mount");
	expect_one_error("filesystem = { mounts = ( { type = \"cgroup\"; dst = \"/c\";\n"
			 "  src = \"/sys/fs/cgroup\"; } ); };\n",
			 2, "filesystem.mounts[0].src: not valid for a cgroup mount");
	expect_one_error("filesystem = { mounts = ( { type = \"cgroup\";\n  dst = \"c\"; } ); };\n",
			 2, "filesystem.mounts[0].dst: \"c\" is not an absolute path");
	expect_one_error(
	    "filesystem = { mounts = (\n { type = \"cgroups\"; dst = \"/c\"; } ); };\n", 2,
	    "(known: bind, tmpfs, overlay, proc, dev, sysfs, mqueue, file, dir, "
	    "symlink, cgroup)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unset_by_default),
	    cmocka_unit_test(test_every_key),
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_merge_across_files),
	    cmocka_unit_test(test_set),
	    cmocka_unit_test(test_set_errors),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_every_error_listed),
	    cmocka_unit_test(test_cgroup_mount_type),
	};

	return cmocka_run_group_tests(tests, unit_tmp_setup, unit_tmp_teardown);
}
