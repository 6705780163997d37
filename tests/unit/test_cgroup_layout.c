/* test_cgroup_layout.c — the host's cgroup layout from /proc/self/cgroup, mountinfo and
 * cgroup.controllers (fixtures in tests/unit/data/cgroup/LAYOUT/), the directory of a cgroup in a
 * hierarchy, and the value conversions between the profile and the two versions' files. */
#include "unit.h"

#include <errno.h>
#include <string.h>

#include "sys/cgroup/layout.h"
#include "util/cleanup.h"

#define DATA "tests/unit/data/cgroup/"

/* The text of DATA @name, or NULL when it does not exist. malloc'd. */
static char *fixture(const char *name)
{
	_cleanup_free_ char *path = NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	assert_true(asprintf(&path, DATA "%s", name) > 0);
	f = fopen(path, "re");
	if (!f)
		return NULL;
	assert_true(getdelim(&text, &len, '\0', f) >= 0);
	fclose(f);
	return text;
}

/* cgroup_layout_parse() of @dir's cgroup, mountinfo and controllers (absent: NULL). */
static int parse_dir(const char *dir, struct cgroup_layout *l, struct sbx_err *err)
{
	_cleanup_free_ char *cg = NULL, *mi = NULL, *ctrls = NULL, *name = NULL;

	assert_true(asprintf(&name, "%s/cgroup", dir) > 0);
	assert_non_null(cg = fixture(name));
	free(name);
	assert_true(asprintf(&name, "%s/mountinfo", dir) > 0);
	assert_non_null(mi = fixture(name));
	free(name);
	assert_true(asprintf(&name, "%s/controllers", dir) > 0);
	ctrls = fixture(name);
	return cgroup_layout_parse(cg, mi, ctrls, l, err);
}

static void assert_hier(const struct cgroup_hier *h, int version, const char *mount,
			const char *root, const char *own)
{
	assert_int_equal(h->version, version);
	if (!version) {
		assert_null(h->mount);
		assert_null(h->mount_root);
		assert_null(h->own);
		return;
	}
	assert_string_equal(h->mount, mount);
	assert_string_equal(h->mount_root, root);
	assert_string_equal(h->own, own);
}

/* cgroup_hier_dir(@h, @path) is @want (NULL: no directory). */
static void assert_dir(const struct cgroup_hier *h, const char *path, const char *want)
{
	_cleanup_free_ char *dir = cgroup_hier_dir(h, path);

	if (!want) {
		if (dir)
			fail_msg("%s: got %s, want none", path, dir);
		return;
	}
	assert_non_null(dir);
	assert_string_equal(dir, want);
}

static void test_hybrid_this_machine(void **state)
{
	struct cgroup_layout l;
	struct sbx_err err = {0};
	const char *mem = "/process_api/c0f2e8caaa56d0e0f33e65d874026361";

	(void)state;
	assert_int_equal(parse_dir("hybrid", &l, &err), 0);
	assert_hier(&l.ctrl[CG_MEMORY], 1, "/sys/fs/cgroup/memory", "/", mem);
	assert_hier(&l.ctrl[CG_PIDS], 1, "/sys/fs/cgroup/pids", "/", "/");
	assert_hier(&l.ctrl[CG_CPU], 1, "/sys/fs/cgroup/cpu", "/", "/");
	assert_hier(&l.ctrl[CG_CPUSET], 1, "/sys/fs/cgroup/cpuset", "/", "/");
	assert_hier(&l.ctrl[CG_IO], 1, "/sys/fs/cgroup/blkio", "/", "/");
	assert_hier(&l.unified, 2, "/sys/fs/cgroup/unified", "/", "/");
	assert_dir(&l.ctrl[CG_MEMORY], mem,
		   "/sys/fs/cgroup/memory/process_api/c0f2e8caaa56d0e0f33e65d874026361");
	assert_dir(&l.ctrl[CG_PIDS], "/sbx-test-1/sbx-42", "/sys/fs/cgroup/pids/sbx-test-1/sbx-42");
	assert_dir(&l.unified, "/", "/sys/fs/cgroup/unified");
	cgroup_layout_free(&l);
}

/* A controller bound to a v1 hierarchy stays v1 even when cgroup2 lists it. */
static void test_hybrid_v1_wins(void **state)
{
	_cleanup_free_ char *cg = fixture("hybrid/cgroup"), *mi = fixture("hybrid/mountinfo");
	struct cgroup_layout l;
	struct sbx_err err = {0};

	(void)state;
	assert_int_equal(cgroup_layout_parse(cg, mi, "cpuset cpu io memory pids\n", &l, &err), 0);
	for (int c = 0; c < _CG_MAX; c++)
		assert_int_equal(l.ctrl[c].version, 1);
	assert_string_equal(l.ctrl[CG_MEMORY].mount, "/sys/fs/cgroup/memory");
	cgroup_layout_free(&l);
}

static void test_v2_host(void **state)
{
	const char *own = "/user.slice/user-1000.slice/session-3.scope";
	struct cgroup_layout l;
	struct sbx_err err = {0};

	(void)state;
	assert_int_equal(parse_dir("v2", &l, &err), 0);
	assert_hier(&l.unified, 2, "/sys/fs/cgroup", "/", own);
	for (int c = 0; c < _CG_MAX; c++)
		assert_hier(&l.ctrl[c], 2, "/sys/fs/cgroup", "/", own);
	assert_dir(&l.ctrl[CG_MEMORY], own,
		   "/sys/fs/cgroup/user.slice/user-1000.slice/session-3.scope");
	assert_dir(&l.unified, "/", "/sys/fs/cgroup");
	cgroup_layout_free(&l);
}

/* Only the controllers cgroup.controllers lists are there; without the file, none. */
static void test_v2_controllers_listed(void **state)
{
	_cleanup_free_ char *cg = fixture("v2/cgroup"), *mi = fixture("v2/mountinfo");
	struct cgroup_layout l;
	struct sbx_err err = {0};

	(void)state;
	assert_int_equal(cgroup_layout_parse(cg, mi, "memory\tpids", &l, &err), 0);
	assert_int_equal(l.ctrl[CG_MEMORY].version, 2);
	assert_int_equal(l.ctrl[CG_PIDS].version, 2);
	assert_int_equal(l.ctrl[CG_CPU].version, 0);
	assert_int_equal(l.ctrl[CG_CPUSET].version, 0);
	assert_int_equal(l.ctrl[CG_IO].version, 0);
	cgroup_layout_free(&l);
	assert_int_equal(cgroup_layout_parse(cg, mi, NULL, &l, &err), 0);
	assert_int_equal(l.unified.version, 2);
	for (int c = 0; c < _CG_MAX; c++)
		assert_int_equal(l.ctrl[c].version, 0);
	cgroup_layout_free(&l);
}

/* A container's mount shows its own subtree: that mount, not the neighbour's mounted first. */
static void test_v2_container(void **state)
{
	const char *root = "/system.slice/docker-4f1c.scope";
	struct cgroup_layout l;
	struct sbx_err err = {0};

	(void)state;
	assert_int_equal(parse_dir("v2-container", &l, &err), 0);
	assert_hier(&l.unified, 2, "/sys/fs/cgroup", root, root);
	assert_hier(&l.ctrl[CG_IO], 2, "/sys/fs/cgroup", root, root);
	assert_dir(&l.unified, root, "/sys/fs/cgroup");
	assert_dir(&l.unified, "/system.slice/docker-4f1c.scope/sbx-7", "/sys/fs/cgroup/sbx-7");
	assert_dir(&l.unified, "/system.slice/docker-4f1c.scope/", "/sys/fs/cgroup");
	assert_dir(&l.unified, "/system.slice/docker-4f1c.scopex", NULL);
	assert_dir(&l.unified, "/system.slice", NULL);
	assert_dir(&l.unified, "/", NULL);
	assert_dir(&l.unified, "/system.slice/docker-4f1c.scope/../docker-9e2a.scope", NULL);
	cgroup_layout_free(&l);
}

static void test_v1_host(void **state)
{
	const char *session = "/user.slice/user-1000.slice/session-2.scope";
	struct cgroup_layout l;
	struct sbx_err err = {0};

	(void)state;
	assert_int_equal(parse_dir("v1", &l, &err), 0);
	/* memory is mounted twice, both showing our cgroup: the first */
	assert_hier(&l.ctrl[CG_MEMORY], 1, "/sys/fs/cgroup/memory", "/", session);
	/* pids too, the first's root (/system.slice) not above our cgroup: the second */
	assert_hier(&l.ctrl[CG_PIDS], 1, "/sys/fs/cgroup/pids", "/", "/user.slice/user-1000.slice");
	assert_hier(&l.ctrl[CG_CPU], 1, "/sys/fs/cgroup/cpu,cpuacct", "/", "/user.slice");
	assert_hier(&l.ctrl[CG_CPUSET], 1, "/sys/fs/cgroup/cpuset", "/", "/");
	assert_hier(&l.ctrl[CG_IO], 1, "/sys/fs/cgroup/blkio", "/", "/user.slice");
	assert_hier(&l.unified, 0, NULL, NULL, NULL);
	assert_dir(&l.ctrl[CG_CPU], "/sbx-alice/sbx-9",
		   "/sys/fs/cgroup/cpu,cpuacct/sbx-alice/sbx-9");
	assert_dir(&l.ctrl[CG_CPUSET], "/", "/sys/fs/cgroup/cpuset");
	assert_dir(&l.ctrl[CG_IO], "/x/", "/sys/fs/cgroup/blkio/x");
	assert_dir(&l.ctrl[CG_IO], "/x/../../etc", NULL);
	assert_dir(&l.ctrl[CG_IO], "/x/..y", "/sys/fs/cgroup/blkio/x/..y");
	cgroup_layout_free(&l);
}

/* When no mount shows our cgroup, the first; our cgroup has no directory in it. */
static void test_no_mount_shows_own(void **state)
{
	_cleanup_free_ char *mi = fixture("v2-container/mountinfo");
	struct cgroup_layout l;
	struct sbx_err err = {0};

	(void)state;
	assert_int_equal(
	    cgroup_layout_parse("0::/system.slice/docker-4f1c.scopeX\n", mi, "io", &l, &err), 0);
	assert_hier(&l.ctrl[CG_IO], 2, "/mnt/neighbour", "/system.slice/docker-9e2a.scope",
		    "/system.slice/docker-4f1c.scopeX");
	assert_dir(&l.ctrl[CG_IO], l.ctrl[CG_IO].own, NULL);
	cgroup_layout_free(&l);
}

/* A blank line ends nothing: what follows it counts. */
static void test_blank_lines(void **state)
{
	_cleanup_free_ char *v2 = fixture("v2/mountinfo"), *mi = NULL;
	struct cgroup_layout l;
	struct sbx_err err = {0};

	(void)state;
	assert_true(asprintf(&mi, "\n\n%s\n", v2) > 0);
	assert_int_equal(
	    cgroup_layout_parse("\n1:name=systemd:/\n\n0::/a\n\n", mi, "pids", &l, &err), 0);
	assert_hier(&l.ctrl[CG_PIDS], 2, "/sys/fs/cgroup", "/", "/a");
	cgroup_layout_free(&l);
}

static void test_no_cgroup_mounts(void **state)
{
	struct cgroup_layout l;
	struct sbx_err err = {0};

	(void)state;
	assert_int_equal(parse_dir("none", &l, &err), 0);
	assert_int_equal(err.n, 0);
	for (int c = 0; c < _CG_MAX; c++)
		assert_hier(&l.ctrl[c], 0, NULL, NULL, NULL);
	assert_hier(&l.unified, 0, NULL, NULL, NULL);
	assert_dir(&l.ctrl[CG_MEMORY], "/", NULL);
	cgroup_layout_free(&l);
}

static void test_escaped_paths(void **state)
{
	struct cgroup_layout l;
	struct sbx_err err = {0};

	(void)state;
	assert_int_equal(parse_dir("escaped", &l, &err), 0);
	/* /proc/self/cgroup is not escaped: everything after the second colon is the path */
	assert_hier(&l.ctrl[CG_MEMORY], 1, "/my cgroups/mem ory", "/a b", "/a b/c:d");
	assert_hier(&l.ctrl[CG_PIDS], 1, "/my cgroups/pi\nds", "/t\tx\\y", "/t\tx\\y (deleted)");
	assert_hier(&l.unified, 2, "/my cgroups/uni\\fied", "/", "/");
	assert_int_equal(l.ctrl[CG_CPU].version, 0);
	assert_dir(&l.ctrl[CG_MEMORY], "/a b/c:d", "/my cgroups/mem ory/c:d");
	assert_dir(&l.ctrl[CG_PIDS], "/t\tx\\y/z", "/my cgroups/pi\nds/z");
	assert_dir(&l.ctrl[CG_PIDS], l.ctrl[CG_PIDS].own,
		   NULL); /* "(deleted)": the caller's call */
	cgroup_layout_free(&l);
}

/* Each malformed input is -EINVAL with one message naming what is wrong, and leaves nothing
 * allocated (under SANITIZE=1, LeakSanitizer checks), even after earlier mounts were taken. */
static void test_malformed(void **state)
{
	static const struct {
		const char *cgroup, *mountinfo, *msg;
	} cases[] = {
	    {"malformed/cgroup-no-colons", "hybrid/mountinfo",
	     "line 2 is not ID:CONTROLLERS:/PATH"},
	    {"malformed/cgroup-bad-id", "hybrid/mountinfo", "line 2 is not"},
	    {"malformed/cgroup-relative-path", "hybrid/mountinfo", "line 1 is not"},
	    {"hybrid/cgroup", "malformed/mountinfo-short", "mountinfo: line 2 has not the fields"},
	    {"hybrid/cgroup", "malformed/mountinfo-no-separator", "mountinfo: line 2 has not"},
	    {"hybrid/cgroup", "malformed/mountinfo-late-error", "mountinfo: line 4 has not"},
	    {"malformed/cgroup-good", "malformed/mountinfo-unlisted-controller",
	     "cgroup pids is mounted on /sys/fs/cgroup/pids but /proc/self/cgroup has no line"},
	    {"hybrid/cgroup", "malformed/mountinfo-root-not-path",
	     "cgroup mount /sys/fs/cgroup/memory: root memory:[1] is not a path"},
	    {"malformed/cgroup-good", "hybrid/mountinfo",
	     "cgroup cpu is mounted on /sys/fs/cgroup/cpu"},
	    {"malformed/cgroup-good", "v2/mountinfo", "cgroup2 is mounted on /sys/fs/cgroup but"},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		_cleanup_free_ char *cg = fixture(cases[i].cgroup);
		_cleanup_free_ char *mi = fixture(cases[i].mountinfo);
		struct cgroup_layout l;
		struct sbx_err err = {0};

		assert_non_null(cg);
		assert_non_null(mi);
		assert_int_equal(cgroup_layout_parse(cg, mi, "memory pids", &l, &err), -EINVAL);
		assert_int_equal(err.n, 1);
		if (!strstr(err.diag[0].msg, cases[i].msg))
			fail_msg("%s + %s: '%s' does not say '%s'", cases[i].cgroup,
				 cases[i].mountinfo, err.diag[0].msg, cases[i].msg);
		for (int c = 0; c < _CG_MAX; c++)
			assert_int_equal(l.ctrl[c].version, 0);
		assert_null(l.ctrl[CG_MEMORY].mount);
		assert_int_equal(l.unified.version, 0);
	}
}

/* This machine: a hybrid whose memory controller is v1. */
static void test_read_this_machine(void **state)
{
	struct cgroup_layout l;
	struct sbx_err err = {0};

	(void)state;
	assert_int_equal(cgroup_layout_read(&l, &err), 0);
	assert_int_equal(l.ctrl[CG_MEMORY].version, 1);
	assert_string_equal(l.ctrl[CG_MEMORY].mount, "/sys/fs/cgroup/memory");
	assert_non_null(l.ctrl[CG_MEMORY].own);
	assert_int_equal(l.ctrl[CG_MEMORY].own[0], '/');
	assert_int_equal(l.unified.version, 2);
	cgroup_layout_free(&l);
	cgroup_layout_free(NULL);
}

static void test_hier_dir_edges(void **state)
{
	struct cgroup_hier h = {1, "/sys/fs/cgroup/memory/", "/", "/"};
	struct cgroup_hier nested = {2, "/sys/fs/cgroup", "/a/", "/a/b"};
	struct cgroup_hier at_root = {2, "/", "/", "/"};
	struct cgroup_hier none = {0};

	(void)state;
	assert_dir(&h, "/", "/sys/fs/cgroup/memory");
	assert_dir(&h, "/x//y/", "/sys/fs/cgroup/memory/x/y");
	assert_dir(&h, "/x", "/sys/fs/cgroup/memory/x");
	assert_dir(&h, "/..", NULL);
	assert_dir(&h, "x", NULL);
	assert_dir(&nested, "/a/b", "/sys/fs/cgroup/b");
	assert_dir(&nested, "/a", "/sys/fs/cgroup");
	assert_dir(&nested, "/ab", NULL);
	assert_dir(&at_root, "/x", "/x");
	assert_dir(&at_root, "/", "/");
	assert_dir(&none, "/", NULL);
}

static void test_ctrl_names(void **state)
{
	(void)state;
	assert_string_equal(cgroup_ctrl_name(CG_IO, 1), "blkio");
	assert_string_equal(cgroup_ctrl_name(CG_IO, 2), "io");
	assert_string_equal(cgroup_ctrl_name(CG_MEMORY, 1), "memory");
	assert_string_equal(cgroup_ctrl_name(CG_CPU, 2), "cpu");
	assert_string_equal(cgroup_ctrl_name(CG_CPUSET, 1), "cpuset");
	assert_string_equal(cgroup_ctrl_name(CG_PIDS, 2), "pids");
	assert_null(cgroup_ctrl_name(_CG_MAX, 1));
}

static void test_cpus_quota(void **state)
{
	(void)state;
	assert_int_equal(CGROUP_CPU_PERIOD_US, 100000);
	assert_int_equal(cgroup_cpus_quota_us(1), 100); /* 0.001 CPU */
	assert_int_equal(cgroup_cpus_quota_us(500), 50000);
	assert_int_equal(cgroup_cpus_quota_us(1000), 100000);
	assert_int_equal(cgroup_cpus_quota_us(2000), 200000);
	assert_int_equal(cgroup_cpus_quota_us(UINT32_MAX), (uint64_t)UINT32_MAX * 100);
}

static void test_weight_shares(void **state)
{
	(void)state;
	assert_int_equal(cgroup_weight_to_shares(1), 10); /* 10.24 */
	assert_int_equal(cgroup_weight_to_shares(100), 1024);
	assert_int_equal(cgroup_weight_to_shares(10000), 102400);
	assert_int_equal(cgroup_weight_to_shares(5), 51);	  /* 51.2 */
	assert_int_equal(cgroup_weight_to_shares(7), 72);	  /* 71.68 rounds up */
	assert_int_equal(cgroup_weight_to_shares(0), 2);	  /* clamped */
	assert_int_equal(cgroup_weight_to_shares(30000), 262144); /* clamped */
	assert_int_equal(cgroup_shares_to_weight(2), 1);	  /* 0.195, clamped */
	assert_int_equal(cgroup_shares_to_weight(1024), 100);
	assert_int_equal(cgroup_shares_to_weight(262144), 10000); /* 25600, clamped */
	assert_int_equal(cgroup_shares_to_weight(102400), 10000);
	assert_int_equal(cgroup_shares_to_weight(512), 50);
	assert_int_equal(cgroup_shares_to_weight(1536), 150);
	assert_int_equal(cgroup_shares_to_weight(10), 1); /* 0.977 rounds up */
	assert_int_equal(cgroup_shares_to_weight(UINT64_MAX), 10000);
	for (uint32_t w = 1; w <= 10000; w++) /* a weight survives the round trip */
		assert_int_equal(cgroup_shares_to_weight(cgroup_weight_to_shares(w)), w);
}

static void test_io_weight(void **state)
{
	(void)state;
	assert_int_equal(cgroup_io_weight_to_blkio(1), 10);
	assert_int_equal(cgroup_io_weight_to_blkio(100), 20); /* 19.8 */
	assert_int_equal(cgroup_io_weight_to_blkio(5000), 505);
	assert_int_equal(cgroup_io_weight_to_blkio(10000), 1000);
	assert_int_equal(cgroup_io_weight_to_blkio(0), 10);
	assert_int_equal(cgroup_io_weight_to_blkio(20000), 1000);
	for (uint32_t w = 2; w <= 10000; w++)
		assert_true(cgroup_io_weight_to_blkio(w) >= cgroup_io_weight_to_blkio(w - 1));
}

static void test_cpuset_parse(void **state)
{
	static const char *const bad[] = {
	    "",	  " ",	 "3-1",	 "1024", "0-1024", "0,,1", ",0", "0,",	    "0-",
	    "-1", "0 1", "0, 1", "0 -1", "a",	   "0x1",  "+1", "0-3:2/4", "99999999999999999999",
	};
	struct cgroup_cpuset s, t;

	(void)state;
	assert_int_equal(cgroup_cpuset_parse("0", &s), 0);
	assert_int_equal(cgroup_cpuset_count(&s), 1);
	assert_true(s.bits[0] == 1);
	assert_int_equal(cgroup_cpuset_parse("0-3,6", &s), 0);
	assert_int_equal(cgroup_cpuset_count(&s), 5);
	assert_true(s.bits[0] == 0x4f);
	assert_int_equal(cgroup_cpuset_parse("1023", &s), 0);
	assert_true(s.bits[15] == 1ull << 63);
	assert_int_equal(cgroup_cpuset_parse("0-1023", &s), 0);
	assert_int_equal(cgroup_cpuset_count(&s), 1024);
	assert_int_equal(cgroup_cpuset_parse(" 0-1\n", &t), 0); /* as read from cpuset.cpus */
	assert_int_equal(cgroup_cpuset_count(&t), 2);
	assert_int_equal(cgroup_cpuset_parse("2,2,1-2", &t), 0);
	assert_int_equal(cgroup_cpuset_count(&t), 2);
	assert_int_equal(cgroup_cpuset_parse("007", &t), 0);
	assert_true(t.bits[0] == 0x80);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&s, 0xff, sizeof(s));
		if (cgroup_cpuset_parse(bad[i], &s) != -EINVAL)
			fail_msg("'%s' was taken", bad[i]);
		assert_int_equal(cgroup_cpuset_count(&s), 0); /* nothing set */
	}
}

static void test_cpuset_subset(void **state)
{
	struct cgroup_cpuset host, a, b, empty = {0};

	(void)state;
	assert_int_equal(cgroup_cpuset_parse("0-1", &host), 0);
	assert_int_equal(cgroup_cpuset_parse("1", &a), 0);
	assert_int_equal(cgroup_cpuset_parse("1-2", &b), 0);
	assert_true(cgroup_cpuset_subset(&a, &host));
	assert_true(cgroup_cpuset_subset(&host, &host));
	assert_false(cgroup_cpuset_subset(&b, &host));
	assert_false(cgroup_cpuset_subset(&host, &a));
	assert_true(cgroup_cpuset_subset(&empty, &a));
	assert_int_equal(cgroup_cpuset_parse("1000", &b), 0); /* a bit in the last word */
	assert_false(cgroup_cpuset_subset(&b, &host));
	assert_int_equal(cgroup_cpuset_count(&empty), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hybrid_this_machine),
	    cmocka_unit_test(test_hybrid_v1_wins),
	    cmocka_unit_test(test_v2_host),
	    cmocka_unit_test(test_v2_controllers_listed),
	    cmocka_unit_test(test_v2_container),
	    cmocka_unit_test(test_v1_host),
	    cmocka_unit_test(test_no_mount_shows_own),
	    cmocka_unit_test(test_blank_lines),
	    cmocka_unit_test(test_no_cgroup_mounts),
	    cmocka_unit_test(test_escaped_paths),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_read_this_machine),
	    cmocka_unit_test(test_hier_dir_edges),
	    cmocka_unit_test(test_ctrl_names),
	    cmocka_unit_test(test_cpus_quota),
	    cmocka_unit_test(test_weight_shares),
	    cmocka_unit_test(test_io_weight),
	    cmocka_unit_test(test_cpuset_parse),
	    cmocka_unit_test(test_cpuset_subset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
