/* test_profile.c — the profile loader: schema, error locations, values, includes, merging,
 * --set, the CLI mount shortcuts and the corpus of bad profiles in data/bad/. */
#include "profile_check.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plan/policy.h"
#include "profile/profile.h"
#include "profile/schema.h"
#include "util/cleanup.h"

#include "caller.h"

/* --- helpers --- */

/* @text fails; its first error is at t.cfg:@line and its message contains @msg. */
static void expect_error(const char *text, unsigned line, const char *msg)
{
	_cleanup_(profile_freep) struct profile *p = NULL;
	struct sbx_err err = {0};
	int r = profile_parse_string(text, "t.cfg", &p, &err);

	assert_non_null(p);
	if (r >= 0 || err.n == 0)
		fail_msg("no error for: %s", text);
	assert_int_equal(r, err.code);
	assert_string_equal(err.diag[0].file, "t.cfg");
	if (err.diag[0].line != line || !strstr(err.diag[0].msg, msg))
		fail_msg("for: %s\nwant line %u with \"%s\", got line %u: %s", text, line, msg,
			 err.diag[0].line, err.diag[0].msg);
}

static char *tmpdir_make(void)
{
	char tmpl[PATH_MAX], *dir = strdup(unit_path(tmpl, sizeof(tmpl), "profile-XXXXXX"));

	assert_non_null(dir);
	assert_non_null(mkdtemp(dir));
	return dir;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void tmpdir_remove(char **dir)
{
	if (*dir)
		(void)nftw(*dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(*dir);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "we");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* --- defaults and a full profile --- */

static void test_defaults(void **state)
{
	_cleanup_(profile_freep) struct profile *p = profile_new();

	(void)state;
	assert_non_null(p);
	assert_int_equal(p->namespaces, NS_DEFAULT);
	assert_false(p->namespaces & NS_BIT(NS_TIME));
	assert_null(p->hostname);
	assert_false(p->user.uid_set);
	assert_false(p->user.gid_set);
	assert_int_equal(p->user.n_uid_map, 0);
	assert_int_equal(p->fs.root, ROOT_TMPFS);
	assert_false(p->fs.root_rw);
	assert_int_equal(p->fs.n_mounts, 0);
	assert_true(p->env.clear);
	assert_int_equal(p->env.n_keep, 0);
	assert_int_equal(p->env.n_set, 0);
	for (int i = 0; i < _RLIM_MAX; i++)
		assert_int_equal(p->rlimits[i].how, RLIMIT_UNSET);
	assert_int_equal(p->net.mode, NET_NONE);
	assert_true(p->security.no_new_privs);
	assert_int_equal(p->security.caps, 0);
	assert_null(p->process.cwd);
	assert_true(p->process.die_with_parent);
	assert_true(p->process.new_session);
	assert_int_equal(p->process.time_limit, 0);
	assert_int_equal(p->process.init, -1);
	assert_int_equal(p->process.umask, -1);
	assert_null(profile_free(NULL));
}

static void test_empty_profile_keeps_defaults(void **state)
{
	_cleanup_(profile_freep) struct profile *p = parse_ok("# nothing\n");

	(void)state;
	assert_int_equal(p->namespaces, NS_DEFAULT);
	assert_int_equal(p->fs.n_mounts, 0);
	assert_true(p->security.no_new_privs);
	assert_int_equal(p->n_files, 1);
	assert_string_equal(p->files[0], "t.cfg");
}

static const char full_profile[] =
    "name = \"web\";\n"							      /* 1 */
    "description = \"nginx\";\n"					      /* 2 */
    "namespaces = [ \"user\", \"mount\", \"pid\", \"uts\", \"net\" ];\n"      /* 3 */
    "hostname = \"web\";\n"						      /* 4 */
    "domainname = \"example.org\";\n"					      /* 5 */
    "user = {\n"							      /* 6 */
    "  uid = 0; gid = 0;\n"						      /* 7 */
    "  uid_map = ( { inside = 0; outside = \"self\"; count = 1; },\n"	      /* 8 */
    "              { inside = 1; outside = \"subuid\"; count = 65536; } );\n" /* 9 */
    "  gid_map = ( { inside = 0; outside = 1000; } );\n"		      /* 10 */
    "};\n"								      /* 11 */
    "filesystem = {\n"							      /* 12 */
    "  root = \"host\";\n"						      /* 13 */
    "  mounts = (\n"							      /* 14 */
    "    { type = \"bind\"; src = \"/usr\"; dst = \"/usr\"; },\n"	      /* 15 */
    "    { type = \"bind\";\n"						      /* 16 */
    "      src = \"//etc//nginx/\"; },\n"				      /* 17 */
    "    { type = \"bind\"; src = \"/srv/www\"; optional = true; rw = true; recursive = "
    "false; },\n" /* 18 */
    "    { type = \"tmpfs\"; dst = \"/tmp\"; size = \"64M\"; mode = \"1777\"; options = [ "
    "\"noexec\", \"nosymfollow\" ]; },\n" /* 19 */
    "    { type = \"overlay\"; dst = \"/app\"; lower = [ \"/srv/app\", \"/srv/base\" ]; "
    "upper = \"/u\"; work = \"/w\"; },\n" /* 20 */
    "    { type = \"file\"; dst = \"/etc/resolv.conf\"; content = \"nameserver 10.0.2.3\\n\"; "
    "},\n"								   /* 21 */
    "    { type = \"dir\"; dst = \"/run/nginx\"; },\n"			   /* 22 */
    "    { type = \"symlink\"; dst = \"/lib\"; target = \"usr/lib\"; },\n" /* 23 */
    "    { type = \"proc\"; dst = \"/proc\"; },\n"			   /* 24 */
    "    { type = \"dev\"; dst = \"/dev\"; },\n"			   /* 25 */
    "    { type = \"sysfs\"; dst = \"/sys\"; },\n"			   /* 26 */
    "    { type = \"mqueue\"; dst = \"/dev/mqueue\"; }\n"		   /* 27 */
    "  );\n"								   /* 28 */
    "};\n"								   /* 29 */
    "env = { clear = false; keep = [ \"PATH\", \"TERM\" ]; set = { HOME = \"/tmp\"; A_1 = "
    "\"x\"; }; };\n" /* 30 */
    "rlimits = { nofile = 1024; core = 0; fsize = \"1G\"; nproc = \"unlimited\"; cpu = \"2m\";\n"
    "  stack = \"inherit\"; nice = 10; rtprio = 0; as = 1073741824; };\n" /* 32 */
    "network = { mode = \"host\"; };\n"					  /* 33 */
    "security = { no_new_privs = false; capabilities = [ \"net_bind_service\", "
    "\"CAP_SYS_ADMIN\" ]; };\n" /* 34 */
    "process = { cwd = \"/srv/www\"; die_with_parent = false; new_session = false;\n"
    "  time_limit = \"1h\"; init = false; umask = \"022\"; };\n"; /* 36 */

static void test_full_profile(void **state)
{
	_cleanup_(profile_freep) struct profile *p = parse_ok(full_profile);
	const struct mount_entry *m;

	(void)state;
	assert_string_equal(p->name, "web");
	assert_string_equal(p->description, "nginx");
	assert_int_equal(p->namespaces, NS_BIT(NS_USER) | NS_BIT(NS_MOUNT) | NS_BIT(NS_PID) |
					    NS_BIT(NS_UTS) | NS_BIT(NS_NET));
	assert_int_equal(p->namespaces_loc.line, 3);
	assert_string_equal(p->hostname, "web");
	assert_int_equal(p->hostname_loc.line, 4);
	assert_string_equal(p->hostname_loc.file, "t.cfg");
	assert_ptr_equal(p->hostname_loc.file, p->files[0]);
	assert_string_equal(p->domainname, "example.org");
	assert_true(p->user.uid_set && p->user.gid_set);
	assert_int_equal(p->user.uid, 0);
	assert_int_equal(p->user.uid_loc.line, 7);
	assert_int_equal(p->user.n_uid_map, 2);
	assert_int_equal(p->user.uid_map[0].outside_kind, IDMAP_OUTSIDE_SELF);
	assert_int_equal(p->user.uid_map[1].outside_kind, IDMAP_OUTSIDE_SUB);
	assert_int_equal(p->user.uid_map[1].inside, 1);
	assert_int_equal(p->user.uid_map[1].count, 65536);
	assert_int_equal(p->user.uid_map[1].loc.line, 9);
	assert_int_equal(p->user.n_gid_map, 1);
	assert_int_equal(p->user.gid_map[0].outside_kind, IDMAP_OUTSIDE_ID);
	assert_int_equal(p->user.gid_map[0].outside, 1000);
	assert_int_equal(p->user.gid_map[0].count, 1);

	assert_int_equal(p->fs.root, ROOT_HOST);
	assert_int_equal(p->fs.root_loc.line, 13);
	assert_int_equal(p->fs.n_mounts, 12);
	m = &p->fs.mounts[0];
	assert_int_equal(m->type, MOUNT_BIND);
	assert_false(m->rw);
	assert_true(m->recursive);
	assert_false(m->optional);
	m = &p->fs.mounts[1]; /* dst defaults to the normalized src, at src's line */
	assert_string_equal(m->src, "/etc/nginx");
	assert_string_equal(m->dst, "/etc/nginx");
	assert_int_equal(m->loc.line, 16);
	assert_int_equal(m->src_loc.line, 17);
	assert_int_equal(m->dst_loc.line, 17);
	m = &p->fs.mounts[2];
	assert_true(m->rw && m->optional && !m->recursive);
	m = &p->fs.mounts[3];
	assert_int_equal(m->type, MOUNT_TMPFS);
	assert_int_equal(m->size, 64 << 20);
	assert_int_equal(m->mode, 01777);
	assert_int_equal(m->options, MOUNT_OPT_NOEXEC | MOUNT_OPT_NOSYMFOLLOW);
	m = &p->fs.mounts[4];
	assert_int_equal(m->type, MOUNT_OVERLAY);
	assert_int_equal(m->n_lower, 2);
	assert_string_equal(m->lower[0], "/srv/app");
	assert_string_equal(m->lower[1], "/srv/base");
	assert_string_equal(m->upper, "/u");
	assert_string_equal(m->work, "/w");
	assert_int_equal(m->src_loc.line, 20);
	m = &p->fs.mounts[5];
	assert_string_equal(m->content, "nameserver 10.0.2.3\n");
	assert_int_equal(m->content_len, 20);
	assert_int_equal(m->mode, 0644);
	assert_int_equal(p->fs.mounts[6].mode, 0755);
	assert_string_equal(p->fs.mounts[7].target, "usr/lib");
	assert_int_equal(p->fs.mounts[8].type, MOUNT_PROC);
	assert_int_equal(p->fs.mounts[8].mode, -1);
	assert_int_equal(p->fs.mounts[9].type, MOUNT_DEV);
	assert_int_equal(p->fs.mounts[10].type, MOUNT_SYSFS);
	assert_int_equal(p->fs.mounts[11].type, MOUNT_MQUEUE);
	assert_int_equal(p->fs.mounts[11].loc.line, 27);

	assert_false(p->env.clear);
	assert_int_equal(p->env.n_keep, 2);
	assert_string_equal(p->env.keep[1], "TERM");
	assert_int_equal(p->env.n_set, 2);
	assert_string_equal(p->env.set[0].name, "HOME");
	assert_string_equal(p->env.set[0].value, "/tmp");
	assert_int_equal(p->env.set[1].loc.line, 30);

	assert_int_equal(p->rlimits[RLIM_NOFILE].how, RLIMIT_VALUE);
	assert_int_equal(p->rlimits[RLIM_NOFILE].value, 1024);
	assert_int_equal(p->rlimits[RLIM_NOFILE].loc.line, 31);
	assert_int_equal(p->rlimits[RLIM_CORE].value, 0);
	assert_int_equal(p->rlimits[RLIM_FSIZE].value, 1 << 30);
	assert_int_equal(p->rlimits[RLIM_NPROC].how, RLIMIT_UNLIMITED);
	assert_int_equal(p->rlimits[RLIM_CPU].value, 120);
	assert_int_equal(p->rlimits[RLIM_STACK].how, RLIMIT_INHERIT);
	assert_int_equal(p->rlimits[RLIM_STACK].loc.line, 32);
	assert_int_equal(p->rlimits[RLIM_NICE].value, 10);
	assert_int_equal(p->rlimits[RLIM_AS].value, 1 << 30);
	assert_int_equal(p->rlimits[RLIM_DATA].how, RLIMIT_UNSET);

	assert_int_equal(p->net.mode, NET_HOST);
	assert_int_equal(p->net.mode_loc.line, 33);
	assert_false(p->security.no_new_privs);
	assert_int_equal(p->security.caps, (1ull << 10) | (1ull << 21));
	assert_int_equal(p->security.caps_loc.line, 34);
	assert_string_equal(p->process.cwd, "/srv/www");
	assert_false(p->process.die_with_parent);
	assert_false(p->process.new_session);
	assert_int_equal(p->process.time_limit, 3600);
	assert_int_equal(p->process.time_limit_loc.line, 36);
	assert_int_equal(p->process.init, 0);
	assert_int_equal(p->process.umask, 022);
}

static void test_builtin_default_profile(void **state)
{
	_cleanup_(profile_freep) struct profile *p = profile_new();
	struct sbx_err err = {0};

	(void)state;
	assert_int_equal(profile_load(p, "default", &err), 0);
	assert_int_equal(err.n, 0);
	assert_string_equal(p->name, "default");
	assert_true(p->fs.n_mounts > 0);
	assert_string_equal(p->fs.mounts[0].loc.file, "builtin:default.cfg");
	assert_true(p->fs.mounts[0].loc.line > 0);
	assert_int_equal(p->namespaces, NS_DEFAULT);
	assert_int_equal(p->net.mode, NET_NONE);
	assert_int_equal(p->security.caps, 0);
}

/* --- values --- */

static void test_parse_size(void **state)
{
	static const struct {
		const char *s;
		int r;
		uint64_t v;
	} cases[] = {
	    {"0", 0, 0},
	    {"1", 0, 1},
	    {"1K", 0, 1024},
	    {"1k", 0, 1024},
	    {"1KB", 0, 1024},
	    {"1KiB", 0, 1024},
	    {"1kib", 0, 1024},
	    {"256M", 0, 256ull << 20},
	    {"1G", 0, 1ull << 30},
	    {"16T", 0, 16ull << 40},
	    {"8388607T", 0, 8388607ull << 40},
	    {"9223372036854775807", 0, INT64_MAX},
	    {"8388608T", -ERANGE, 0},
	    {"99999999T", -ERANGE, 0},
	    {"9223372036854775808", -ERANGE, 0},
	    {"99999999999999999999", -ERANGE, 0},
	    {"", -EINVAL, 0},
	    {"-1", -EINVAL, 0},
	    {"+1", -EINVAL, 0},
	    {"12X", -EINVAL, 0},
	    {"1.5G", -EINVAL, 0},
	    {" 1", -EINVAL, 0},
	    {"1 K", -EINVAL, 0},
	    {"1K ", -EINVAL, 0},
	    {"K", -EINVAL, 0},
	    {"1B", -EINVAL, 0},
	    {"1KBB", -EINVAL, 0},
	    {"0x10", -EINVAL, 0},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t v = 4242;
		int r = profile_parse_size(cases[i].s, &v);

		if (r != cases[i].r || (r == 0 && v != cases[i].v))
			fail_msg("size \"%s\": r=%d v=%llu", cases[i].s, r, (unsigned long long)v);
		if (r < 0)
			assert_int_equal(v, 4242); /* untouched on error */
	}
	assert_int_equal(profile_parse_size(NULL, &(uint64_t){0}), -EINVAL);
}

static void test_parse_duration(void **state)
{
	static const struct {
		const char *s;
		int r;
		uint64_t v;
	} cases[] = {
	    {"0", 0, 0},
	    {"30", 0, 30},
	    {"90s", 0, 90},
	    {"2m", 0, 120},
	    {"1h", 0, 3600},
	    {"1H", 0, 3600},
	    {"0s", 0, 0},
	    {"", -EINVAL, 0},
	    {"-1", -EINVAL, 0},
	    {"1d", -EINVAL, 0},
	    {"1.5h", -EINVAL, 0},
	    {"1hs", -EINVAL, 0},
	    {"s", -EINVAL, 0},
	    {"1 s", -EINVAL, 0},
	    {"99999999999999999999", -ERANGE, 0},
	    {"9223372036854775807s", 0, INT64_MAX},
	    {"2562047788015216h", -ERANGE, 0},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t v = 4242;
		int r = profile_parse_duration(cases[i].s, &v);

		if (r != cases[i].r || (r == 0 && v != cases[i].v))
			fail_msg("duration \"%s\": r=%d v=%llu", cases[i].s, r,
				 (unsigned long long)v);
	}
}

static void test_sizes_in_profiles(void **state)
{
	static const struct {
		const char *value;
		uint64_t size;
	} ok[] = {
	    {"0", 0},
	    {"\"0\"", 0},
	    {"\"1K\"", 1024},
	    {"\"1k\"", 1024},
	    {"\"16T\"", 16ull << 40},
	    {"1024L", 1024},
	    {"3000000000", 3000000000ull}, /* libconfig 1.5 would wrap it without the pre-scan */
	    {"0x100000000", 1ull << 32},
	};
	static const char *const bad[] = {
	    "-1", "\"-1\"", "\"\"", "\"12X\"", "\"1.5G\"", "1.5", "\"99999999T\"", "true", "[ 1 ]",
	};
	char text[256];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		_cleanup_(profile_freep) struct profile *p = NULL;

		snprintf(text, sizeof(text),
			 "filesystem = { mounts = ( { type = \"tmpfs\"; dst = \"/t\";\n size = %s; "
			 "} ); };\n",
			 ok[i].value);
		p = parse_ok(text);
		assert_int_equal(p->fs.mounts[0].size, ok[i].size);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(text, sizeof(text),
			 "filesystem = { mounts = ( { type = \"tmpfs\"; dst = \"/t\";\n size = %s; "
			 "} ); };\n",
			 bad[i]);
		expect_error(text, 2, "filesystem.mounts[0].size: ");
	}
}

/* A dev mount takes `size` as a tmpfs does, but never 0 (no unbounded /dev). */
static void test_dev_size(void **state)
{
	_cleanup_(profile_freep) struct profile *p = NULL;

	(void)state;
	p = parse_ok("filesystem = { mounts = (\n"
		     "  { type = \"dev\"; dst = \"/dev\"; size = \"2M\"; },\n"
		     "  { type = \"dev\"; dst = \"/dev2\"; }\n"
		     "); };\n");
	assert_int_equal(p->fs.n_mounts, 2);
	assert_int_equal(p->fs.mounts[0].type, MOUNT_DEV);
	assert_int_equal(p->fs.mounts[0].size, 2u << 20);
	assert_int_equal(p->fs.mounts[1].size, 0); /* mount.c gives it the default */
	expect_error("filesystem = { mounts = (\n"
		     "  { type = \"dev\"; dst = \"/dev\";\n"
		     "    size = \"12X\"; }\n"
		     "); };\n",
		     3, "filesystem.mounts[0].size: ");
	expect_error("filesystem = { mounts = (\n"
		     "  { type = \"dev\"; dst = \"/dev\";\n"
		     "    size = 0; }\n"
		     "); };\n",
		     3, "size must be above 0");
	expect_error("filesystem = { mounts = (\n"
		     "  { type = \"proc\"; dst = \"/proc\";\n"
		     "    size = \"1M\"; }\n"
		     "); };\n",
		     3, "not valid for a proc mount");
}

static void test_durations_in_profiles(void **state)
{
	_cleanup_(profile_freep) struct profile *p = parse_ok("process = { time_limit = 0; };\n"
							      "rlimits = { cpu = \"90s\"; };\n");

	(void)state;
	assert_int_equal(p->process.time_limit, 0);
	assert_int_equal(p->process.setup_timeout, 30); /* the default */
	assert_int_equal(p->rlimits[RLIM_CPU].value, 90);
	expect_error("process = { time_limit = \"\"; };\n", 1, "is not a duration");
	expect_error("process = { time_limit = \"-1\"; };\n", 1, "is not a duration");
	expect_error("process = { time_limit = -1; };\n", 1, "out of range");
	expect_error("process = { time_limit = \"99999999999999999999s\"; };\n", 1, "is too large");
	expect_error("process = { time_limit = 1.5; };\n", 1, "must be a duration");
	expect_error("rlimits = {\n cpu = \"1d\"; };\n", 2, "rlimits.cpu");
	expect_error("process = {\n setup_timeout = \"soon\"; };\n", 2, "is not a duration");
}

static void test_large_integers(void **state)
{
	_cleanup_(profile_freep) struct profile *p = parse_ok("user = { uid = 3000000000;\n"
							      "  gid = 4294967294; };\n");

	(void)state;
	assert_int_equal(p->user.uid, 3000000000u);
	assert_int_equal(p->user.gid, 4294967294u);
	/* 2^32 + 1 must not wrap to uid 1 */
	expect_error("user = {\n uid = 4294967297; };\n", 2, "out of range");
	expect_error("user = {\n uid = 4294967295; };\n", 2, "out of range");
	expect_error("name = \"x\";\nuser = { uid = 99999999999999999999; };\n", 2,
		     "integer 99999999999999999999 is out of range");
	expect_error("user = { uid = -99999999999999999999; };\n", 1, "out of range");
	expect_error("user = { uid = 99999999999999999999L; };\n", 1, "out of range");
	expect_error("user = { uid = -3000000000; };\n", 1, "out of range");
	expect_error("user = { uid = 0xFFFFFFFFFFFFFFFFF; };\n", 1, "out of range");
	/* numbers inside strings, names and comments are left alone */
	p = profile_free(p);
	p = parse_ok(
	    "# 99999999999999999999\nhostname = \"h99999999999999999999\";\n"
	    "/* 99999999999999999999 */ env = { set = { X = \"99999999999999999999\"; }; };\n");
	assert_string_equal(p->env.set[0].value, "99999999999999999999");
}

static void test_modes(void **state)
{
	static const struct {
		const char *value;
		int mode;
	} ok[] = {
	    {"\"1777\"", 01777}, {"\"0755\"", 0755},   {"\"755\"", 0755},
	    {"\"0\"", 0},	 {"\"07777\"", 07777}, {"0755", 0755},
	    {"755", 0755},	 {"644", 0644},	       {"0", 0},
	};
	static const char *const bad[] = {
	    "\"0999\"", "\"8\"", "\"17777\"", "\"\"",	 "\"0x1ff\"", "-1",
	    "1.5",	"true",	 "9",	      "\"rwx\"", "\" 755\"",
	};
	char text[256];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		_cleanup_(profile_freep) struct profile *p = NULL;

		snprintf(
		    text, sizeof(text),
		    "filesystem = { mounts = ( { type = \"dir\"; dst = \"/d\"; mode = %s; } ); "
		    "};\n",
		    ok[i].value);
		p = parse_ok(text);
		assert_int_equal(p->fs.mounts[0].mode, ok[i].mode);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(text, sizeof(text),
			 "filesystem = { mounts = (\n { type = \"dir\"; dst = \"/d\"; mode = %s; } "
			 "); };\n",
			 bad[i]);
		expect_error(text, 2, "filesystem.mounts[0].mode: ");
	}
}

static void test_umask(void **state)
{
	_cleanup_(profile_freep) struct profile *p = parse_ok("process = { umask = 022; };\n");

	(void)state;
	assert_int_equal(p->process.umask, 022);
	p = profile_free(p);
	p = parse_ok("process = { umask = \"0777\"; };\n");
	assert_int_equal(p->process.umask, 0777);
	expect_error("process = { umask = \"1000\"; };\n", 1, "from 0 to 0777");
	expect_error("process = { umask = \"abc\"; };\n", 1, "process.umask");
}

static void test_paths_normalized(void **state)
{
	_cleanup_(profile_freep) struct profile *p =
	    parse_ok("process = { cwd = \"//srv/./www//\"; };\n"
		     "filesystem = { root = \"/srv/root/\"; mounts = ( { type = \"bind\"; src = "
		     "\"/\"; dst = \"/host/.\"; } ); };\n");

	(void)state;
	assert_string_equal(p->process.cwd, "/srv/www");
	assert_int_equal(p->fs.root, ROOT_DIR);
	assert_string_equal(p->fs.root_path, "/srv/root");
	assert_string_equal(p->fs.mounts[0].src, "/");
	assert_string_equal(p->fs.mounts[0].dst, "/host");
	expect_error("process = { cwd = \"/a/..\"; };\n", 1, "'..'");
	expect_error("process = { cwd = \"..\"; };\n", 1, "not an absolute path");
	expect_error("process = { cwd = \"\"; };\n", 1, "is empty");
	expect_error("process = { cwd = \"/a\\tb\"; };\n", 1, "control character");
}

static void test_names(void **state)
{
	_cleanup_(profile_freep) struct profile *p =
	    parse_ok("hostname = \"a-1.b\";\ndomainname = \"Example.ORG\";\n");

	(void)state;
	assert_string_equal(p->hostname, "a-1.b");
	assert_int_equal(p->domainname_loc.line, 2);
	expect_error("hostname = \"-a\";\n", 1, "not a valid name");
	expect_error("hostname = \"a..b\";\n", 1, "not a valid name");
	expect_error("hostname = \"a.\";\n", 1, "not a valid name");
	expect_error("hostname = \"a_b\";\n", 1, "not a valid name");
	expect_error("domainname = \"a b\";\n", 1, "domainname");
	/* 64 characters are fine, 65 are not */
	p = profile_free(p);
	p = parse_ok("hostname = "
		     "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\";\n");
	assert_int_equal(strlen(p->hostname), 64);
	expect_error("hostname = "
		     "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\";\n",
		     1, "not a valid name");
	expect_error("name = \"\";\n", 1, "name: must not be empty");
}

static void test_cap_names(void **state)
{
	(void)state;
	assert_int_equal(profile_cap_from_name("chown"), 0);
	assert_int_equal(profile_cap_from_name("net_bind_service"), 10);
	assert_int_equal(profile_cap_from_name("CAP_NET_BIND_SERVICE"), 10);
	assert_int_equal(profile_cap_from_name("Cap_Sys_Admin"), 21);
	assert_int_equal(profile_cap_from_name("checkpoint_restore"), 40);
	assert_int_equal(profile_cap_from_name("perfmon"), 38);
	assert_int_equal(profile_cap_from_name("bogus"), -EINVAL);
	assert_int_equal(profile_cap_from_name("cap_"), -EINVAL);
	assert_int_equal(profile_cap_from_name(""), -EINVAL);
	assert_int_equal(profile_cap_from_name(NULL), -EINVAL);
	assert_string_equal(profile_cap_name(0), "chown");
	assert_string_equal(profile_cap_name(40), "checkpoint_restore");
	assert_null(profile_cap_name(41));
	for (unsigned c = 0; c <= 40; c++) {
		assert_non_null(profile_cap_name(c));
		assert_int_equal(profile_cap_from_name(profile_cap_name(c)), (int)c);
	}
}

static void test_enum_names(void **state)
{
	(void)state;
	assert_string_equal(profile_ns_name(NS_USER), "user");
	assert_string_equal(profile_ns_name(NS_TIME), "time");
	assert_null(profile_ns_name(_NS_MAX));
	assert_string_equal(profile_mount_type_name(MOUNT_BIND), "bind");
	assert_string_equal(profile_mount_type_name(MOUNT_SYMLINK), "symlink");
	assert_null(profile_mount_type_name(_MOUNT_TYPE_MAX));
	assert_string_equal(profile_rlimit_name(RLIM_AS), "as");
	assert_string_equal(profile_rlimit_name(RLIM_STACK), "stack");
	assert_null(profile_rlimit_name(_RLIM_MAX));
	assert_string_equal(profile_net_mode_name(NET_NONE), "none");
	assert_string_equal(profile_net_mode_name(NET_USER), "user");
	assert_null(profile_net_mode_name((enum net_mode)4));
	for (int i = 0; i < _NS_MAX; i++)
		assert_non_null(profile_ns_name((enum sbx_ns)i));
	for (int i = 0; i < _MOUNT_TYPE_MAX; i++)
		assert_non_null(profile_mount_type_name((enum mount_type)i));
	for (int i = 0; i < _RLIM_MAX; i++)
		assert_non_null(profile_rlimit_name((enum rlimit_res)i));
}

/* --- every error path, at the offending setting's own line --- */

static void test_error_locations(void **state)
{
	static const struct {
		const char *text;
		unsigned line;
		const char *msg;
	} cases[] = {
	    /* syntax */
	    {"name = \"x\";\nhostname = = \"y\";\n", 2, "syntax error"},
	    {"a = 1;\n\na = 2;\n", 3, "duplicate setting name"},
	    {"namespaces = [ \"user\",\n 1 ];\n", 2, "mismatched element type"},
	    {"name = \"x\";\n/* open\n", 2, "unterminated /* comment"},
	    {"\n@include \"/etc/passwd\"\n", 2, "@include is not supported"},
	    /* top level */
	    {"name = \"x\";\nbogus = 1;\n", 2, "bogus: unknown setting"},
	    {"name = 1;\n", 1, "name: must be a string"},
	    {"description = [ \"x\" ];\n", 1, "description: must be a string"},
	    {"include = \"x\";\n", 1, "include: must be an array of strings"},
	    {"include = [ \"a\",\n 1 ];\n", 2, "mismatched element type"},
	    {"include = (\n \"\" );\n", 2, "include: empty name"},
	    {"include = [ \"no-such-name\" ];\n", 1, "include \"no-such-name\": no such profile"},
	    {"include = [ \"/nonexistent/x.cfg\" ];\n", 1, "No such file or directory"},
	    {"namespaces = \"user\";\n", 1, "namespaces: must be an array"},
	    {"namespaces = [ \"user\",\n \"bogus\" ];\n", 2, "unknown namespace \"bogus\""},
	    {"namespaces = [ \"user\", \"user\" ];\n", 1, "\"user\" is listed twice"},
	    {"hostname = true;\n", 1, "hostname: must be a string"},
	    /* user */
	    {"user = 1;\n", 1, "user: must be a group"},
	    {"user = {\n shell = 1; };\n", 2, "user.shell: unknown setting"},
	    {"user = {\n uid = \"0\"; };\n", 2, "user.uid: must be an integer"},
	    {"user = { gid = -1; };\n", 1, "user.gid: -1 is out of range"},
	    {"user = { uid_map = { inside = 0; }; };\n", 1, "user.uid_map: must be a list"},
	    {"user = { uid_map = ( 1 ); };\n", 1, "user.uid_map[0]: must be a group"},
	    {"user = { uid_map = (\n { outside = 0; count = 1; } ); };\n", 2,
	     "user.uid_map[0]: missing \"inside\""},
	    {"user = { uid_map = ( { inside = 0;\n count = 1; } ); };\n", 1, "missing \"outside\""},
	    {"user = { uid_map = ( { inside = 0; outside = 0;\n count = 0; } ); };\n", 2,
	     "user.uid_map[0].count: must be at least 1"},
	    {"user = { uid_map = ( { inside = 4294967294; outside = 0;\n count = 2; } ); };\n", 2,
	     "go past"},
	    {"user = { gid_map = ( { inside = 0; outside = 4294967290;\n count = 10; } ); };\n", 2,
	     "go past"},
	    {"user = { uid_map = ( { inside = 0;\n outside = \"root\"; } ); };\n", 2,
	     "user.uid_map[0].outside: \"root\" is not an id, \"self\" or \"subuid\""},
	    {"user = { gid_map = ( { inside = 0;\n outside = true; } ); };\n", 2,
	     "must be an id, \"self\" or \"subgid\""},
	    {"user = { uid_map = ( { inside = 0; outside = 0;\n extra = 1; } ); };\n", 2,
	     "user.uid_map[0].extra: unknown setting"},
	    {"user = { uid_map = ( { inside = -1; outside = 0; } ); };\n", 1, "out of range"},
	    /* filesystem */
	    {"filesystem = (\n);\n", 1, "filesystem: must be a group"},
	    {"filesystem = {\n rootfs = \"/\"; };\n", 2, "filesystem.rootfs: unknown setting"},
	    {"filesystem = {\n root = 1; };\n", 2, "filesystem.root: must be a string"},
	    {"filesystem = {\n root = \"x/y\"; };\n", 2, "not an absolute path"},
	    {"filesystem = {\n root_rw = 1; };\n", 2, "must be true or false"},
	    {"filesystem = {\n mounts = 1; };\n", 2, "filesystem.mounts: must be a list"},
	    {"filesystem = { mounts = (\n { type = 1; } ); };\n", 2,
	     "filesystem.mounts[0].type: must be a string"},
	    {"filesystem = { mounts = ( { type = \"proc\"; dst = \"/p\"; },\n"
	     " { type = \"bind\";\n src = \"rel\"; } ); };\n",
	     3, "filesystem.mounts[1].src: \"rel\" is not an absolute path"},
	    {"filesystem = { mounts = ( { type = \"bind\"; src = \"/a\";\n dst = 5; } ); };\n", 2,
	     "dst: must be a string"},
	    {"filesystem = { mounts = ( { type = \"bind\"; src = \"/a\";\n rw = \"yes\"; } ); };\n",
	     2, "rw: must be true or false"},
	    {"filesystem = { mounts = ( { type = \"bind\"; src = \"/a\";\n optional = 1; } ); };\n",
	     2, "optional: must be true or false"},
	    {"filesystem = { mounts = ( { type = \"bind\"; src = \"/a\";\n recursive = 0; } ); "
	     "};\n",
	     2, "recursive: must be true or false"},
	    {"filesystem = { mounts = ( { type = \"bind\"; src = \"/a\";\n size = 1; } ); };\n", 2,
	     "size: not valid for a bind mount"},
	    {"filesystem = { mounts = ( { type = \"bind\"; src = \"/a\";\n colour = 1; } ); };\n",
	     2, "colour: unknown setting"},
	    {"filesystem = { mounts = (\n { type = \"tmpfs\"; size = 1; } ); };\n", 2,
	     "a tmpfs mount needs \"dst\""},
	    {"filesystem = { mounts = ( { type = \"tmpfs\"; dst = \"/t\";\n rw = true; } ); };\n",
	     2, "rw: not valid for a tmpfs mount"},
	    {"filesystem = { mounts = ( { type = \"tmpfs\"; dst = \"/t\";\n options = \"noexec\"; "
	     "} "
	     "); };\n",
	     2, "options: must be an array of strings"},
	    {"filesystem = { mounts = ( { type = \"tmpfs\"; dst = \"/t\"; options = [\n"
	     "\"noexec\",\n \"exec\" ]; } ); };\n",
	     3, "unknown mount option \"exec\""},
	    {"filesystem = { mounts = (\n { type = \"overlay\"; dst = \"/o\"; } ); };\n", 2,
	     "an overlay mount needs \"lower\""},
	    {"filesystem = { mounts = ( { type = \"overlay\"; dst = \"/o\";\n lower = \"/l\"; } ); "
	     "};\n",
	     2, "lower: must be an array of strings"},
	    {"filesystem = { mounts = ( { type = \"overlay\"; dst = \"/o\"; lower = [ \"/a\",\n"
	     " \"b\" ]; } ); };\n",
	     2, "lower[1]: \"b\" is not an absolute path"},
	    {"filesystem = { mounts = ( { type = \"overlay\"; dst = \"/o\"; lower = [ \"/a\" ];\n"
	     " upper = \"u\"; } ); };\n",
	     2, "upper: \"u\" is not an absolute path"},
	    {"filesystem = { mounts = ( { type = \"overlay\"; dst = \"/o\"; lower = [ \"/a\" ];\n"
	     " work = \"/w\"; } ); };\n",
	     2, "\"work\" needs \"upper\""},
	    {"filesystem = { mounts = ( { type = \"overlay\"; dst = \"/o\"; lower = [ \"/a\" ];\n"
	     " rw = true; } ); };\n",
	     2, "rw: not valid for a overlay mount"},
	    {"filesystem = { mounts = (\n { type = \"file\"; dst = \"/f\"; } ); };\n", 2,
	     "a file mount needs \"content\""},
	    {"filesystem = { mounts = ( { type = \"file\"; dst = \"/f\";\n content = 1; } ); };\n",
	     2, "content: must be a string"},
	    {"filesystem = { mounts = ( { type = \"file\"; dst = \"/f\"; content = \"\";\n"
	     " mode = \"0888\"; } ); };\n",
	     2, "mode: \"0888\" is not an octal mode"},
	    {"filesystem = { mounts = ( { type = \"dir\"; dst = \"/d\";\n target = \"/x\"; } ); "
	     "};\n",
	     2, "target: not valid for a dir mount"},
	    {"filesystem = { mounts = (\n { type = \"symlink\"; dst = \"/l\"; } ); };\n", 2,
	     "a symlink mount needs \"target\""},
	    {"filesystem = { mounts = ( { type = \"symlink\"; dst = \"/l\";\n target = \"\"; } ); "
	     "};\n",
	     2, "target: must not be empty"},
	    {"filesystem = { mounts = ( { type = \"proc\";\n dst = \"proc\"; } ); };\n", 2,
	     "dst: \"proc\" is not an absolute path"},
	    {"filesystem = { mounts = ( { type = \"dev\"; dst = \"/dev\";\n mode = \"0755\"; } ); "
	     "};\n",
	     2, "mode: not valid for a dev mount"},
	    {"filesystem = { mounts = ( { type = \"sysfs\"; dst = \"/sys\";\n rw = true; } ); };\n",
	     2, "rw: not valid for a sysfs mount"},
	    {"filesystem = { mounts = ( { type = \"mqueue\"; dst = \"/m\";\n src = \"/m\"; } ); "
	     "};\n",
	     2, "src: not valid for a mqueue mount"},
	    {"filesystem = { mounts = (\n { type = \"Bind\"; src = \"/a\"; } ); };\n", 2,
	     "unknown mount type \"Bind\""},
	    /* env */
	    {"env = {\n clear = \"no\"; };\n", 2, "env.clear: must be true or false"},
	    {"env = { keep = [ \"A\",\n \"1B\" ]; };\n", 2, "\"1B\" is not a valid variable name"},
	    {"env = { keep = [ \"\" ]; };\n", 1, "is not a valid variable name"},
	    {"env = { set = [ \"A=1\" ]; };\n", 1, "env.set: must be a group"},
	    {"env = { set = {\n A-B = \"x\"; }; };\n", 2, "env.set.A-B: not a valid variable name"},
	    {"env = { set = {\n A = [ \"x\" ]; }; };\n", 2, "env.set.A: must be a string"},
	    {"env = {\n unset = [ \"A\" ]; };\n", 2, "env.unset: unknown setting"},
	    /* rlimits */
	    {"rlimits = 5;\n", 1, "rlimits: must be a group"},
	    {"rlimits = {\n files = 5; };\n", 2, "rlimits.files: unknown setting"},
	    {"rlimits = {\n nofile = \"5\"; };\n", 2, "must be an integer, \"unlimited\""},
	    {"rlimits = {\n nofile = -5; };\n", 2, "out of range"},
	    {"rlimits = {\n nice = 41; };\n", 2, "41 is out of range (0 to 40)"},
	    {"rlimits = {\n rtprio = 100; };\n", 2, "100 is out of range (0 to 99)"},
	    {"rlimits = {\n core = \"lots\"; };\n", 2, "rlimits.core: \"lots\" is not a size"},
	    {"rlimits = {\n stack = true; };\n", 2, "rlimits.stack: must be a size"},
	    {"rlimits = {\n cpu = \"10x\"; };\n", 2, "is not a duration"},
	    {"rlimits = {\n nproc = \"Unlimited\"; };\n", 2, "must be an integer"},
	    /* cgroup (every key in test_profile_cgroup.c) */
	    {"cgroup = {\n memory = 0; };\n", 2, "cgroup.memory: must be above 0"},
	    {"cgroup = {\n colour = 1; };\n", 2, "cgroup.colour: unknown setting"},
	    {"cgroup = 1;\n", 1, "cgroup: must be a group"},
	    /* network (every key in test_profile_network.c) */
	    {"network = {\n mode = \"wifi\"; };\n", 2, "\"wifi\" is not one of none, host"},
	    {"network = {\n mode = 1; };\n", 2, "network.mode: must be a string"},
	    {"network = {\n bridge = \"br0:1\"; };\n", 2, "network.bridge: \"br0:1\" contains"},
	    {"network = {\n address = \"10.0.0.2\"; };\n", 2, "has no prefix length"},
	    {"network = {\n gateway = \"10.0.0.1/33\"; };\n", 2, "out of range (8 to 30)"},
	    {"network = {\n forward = 1; };\n", 2, "network.forward: must be a list"},
	    {"network = {\n dns = 1; };\n", 2, "network.dns: unknown setting"},
	    /* seccomp, landlock (every key in test_profile_security.c) */
	    {"security = { seccomp = {\n preset = \"strict\"; }; };\n", 2,
	     "security.seccomp.preset: \"strict\" is not one of none, default"},
	    {"security = { landlock = {\n required = 1; }; };\n", 2,
	     "security.landlock.required: must be true or false"},
	    {"security = {\n no_new_privs = 1; };\n", 2, "security.no_new_privs: must be true or"},
	    {"security = {\n capabilities = \"all\"; };\n", 2, "must be an array of strings"},
	    {"security = { capabilities = [ \"chown\",\n \"cap_bogus\" ]; };\n", 2,
	     "unknown capability \"cap_bogus\""},
	    {"security = {\n selinux = 1; };\n", 2, "security.selinux: unknown setting"},
	    /* process */
	    {"process = {\n cwd = \"srv\"; };\n", 2,
	     "process.cwd: \"srv\" is not an absolute path"},
	    {"process = {\n cwd = \"/srv/../etc\"; };\n", 2, "contains a '..' component"},
	    {"process = {\n die_with_parent = 1; };\n", 2, "must be true or false"},
	    {"process = {\n new_session = \"true\"; };\n", 2, "must be true or false"},
	    {"process = {\n init = 1; };\n", 2, "process.init: must be true or false"},
	    {"process = {\n time_limit = \"1y\"; };\n", 2, "is not a duration"},
	    {"process = {\n umask = 999; };\n", 2, "process.umask: \"999\" is not an octal mode"},
	    {"process = {\n nice = 1; };\n", 2, "process.nice: unknown setting"},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		expect_error(cases[i].text, cases[i].line, cases[i].msg);
}

/* STYLE.md §8: the line of `dst`, not of the group. */
static void test_relative_dst_reports_line(void **state)
{
	_cleanup_(profile_freep) struct profile *p = NULL;
	struct sbx_err err = {0};

	(void)state;
	assert_int_equal(profile_parse_string("hostname = \"box\";\n"
					      "filesystem = { mounts = ( { type = \"bind\";\n"
					      "  src = \"/usr\"; dst = \"usr\"; } ); };\n",
					      "web.cfg", &p, &err),
			 -EINVAL);
	assert_int_equal(err.n, 1);
	assert_string_equal(err.diag[0].file, "web.cfg");
	assert_int_equal(err.diag[0].line, 3);
	assert_int_equal(p->fs.n_mounts, 0); /* a bad entry is not appended */
}

/* --check lists every error of a file, in order, each at its line. */
static void test_check_collects_every_error(void **state)
{
	_cleanup_(profile_freep) struct profile *p = NULL;
	struct sbx_err err = {0};
	char buf[512];

	(void)state;
	assert_int_equal(
	    profile_parse_string("name = \"many\";\n"			    /* 1 */
				 "hostname = \"bad name\";\n"		    /* 2 */
				 "colour = \"red\";\n"			    /* 3 */
				 "user = {\n"				    /* 4 */
				 "  uid = -1;\n"			    /* 5 */
				 "  gid = \"x\";\n"			    /* 6 */
				 "};\n"					    /* 7 */
				 "filesystem = { mounts = (\n"		    /* 8 */
				 "  { type = \"bind\"; src = \"/ok\"; },\n" /* 9 */
				 "  { type = \"bind\"; src = \"x\"; },\n"   /* 10 */
				 "  { type = \"tmpfs\"; dst = \"/t\"; size = \"1Q\"; }\n"
				 "); };\n"		     /* 12 */
				 "cgroup = { pids = 0; };\n" /* 13 */
				 "process = { time_limit = 99999999999999999999; };\n",
				 "many.cfg", &p, &err),
	    -ERANGE); /* the first error found: the pre-scan's, at line 14 */
	assert_int_equal(err.n, 8);
	assert_int_equal(err.diag[0].line, 14);
	assert_int_equal(err.diag[1].line, 2);
	assert_int_equal(err.diag[2].line, 3);
	assert_int_equal(err.diag[3].line, 5);
	assert_int_equal(err.diag[4].line, 6);
	assert_int_equal(err.diag[5].line, 10);
	assert_int_equal(err.diag[6].line, 11);
	assert_int_equal(err.diag[7].line, 13);
	for (unsigned i = 0; i < err.n; i++)
		assert_string_equal(err.diag[i].file, "many.cfg");
	sbx_err_format(&err, 5, buf, sizeof(buf));
	assert_string_equal(buf,
			    "many.cfg:10: filesystem.mounts[1].src: \"x\" is not an absolute path");
	/* the good mount was kept, the bad ones were not */
	assert_int_equal(p->fs.n_mounts, 1);
}

/* A hostile profile cannot put terminal escape sequences into error messages. */
static void test_messages_have_no_control_characters(void **state)
{
	_cleanup_(profile_freep) struct profile *p = NULL;
	struct sbx_err err = {0};

	(void)state;
	assert_true(
	    profile_parse_string("hostname = \"\\x1b]0;pwned\\x07\";\n", "t.cfg", &p, &err) < 0);
	assert_null(strchr(err.diag[0].msg, '\x1b'));
	assert_null(strchr(err.diag[0].msg, '\x07'));
	assert_non_null(strstr(err.diag[0].msg, "?]0;pwned?"));
}

/* --- files, includes and merging --- */

static void test_missing_file(void **state)
{
	_cleanup_(profile_freep) struct profile *p = profile_new();
	struct sbx_err err = {0};
	char buf[256];

	(void)state;
	assert_int_equal(profile_load(p, "/nonexistent/web.cfg", &err), -ENOENT);
	assert_int_equal(err.n, 1);
	assert_string_equal(err.diag[0].file, "/nonexistent/web.cfg");
	assert_int_equal(err.diag[0].line, 0);
	sbx_err_format(&err, 0, buf, sizeof(buf));
	assert_string_equal(buf, "/nonexistent/web.cfg: No such file or directory");

	memset(&err, 0, sizeof(err));
	assert_int_equal(profile_load(p, "no-such-profile-name", &err), -ENOENT);
	assert_string_equal(err.diag[0].file, "no-such-profile-name");
	assert_int_equal(err.diag[0].line, 0);
	assert_non_null(strstr(err.diag[0].msg, "no such profile"));

	memset(&err, 0, sizeof(err));
	assert_true(profile_load(p, "/tmp", &err) < 0);
	assert_string_equal(err.diag[0].msg, "Is a directory");
	memset(&err, 0, sizeof(err));
	assert_true(profile_load(p, "/dev/zero", &err) < 0); /* never read forever */
	assert_string_equal(err.diag[0].msg, "not a regular file");
}

static void test_file_with_nul_byte(void **state)
{
	_cleanup_(tmpdir_remove) char *dir = tmpdir_make();
	_cleanup_(profile_freep) struct profile *p = profile_new();
	struct sbx_err err = {0};
	char path[PATH_MAX];
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/nul.cfg", dir);
	f = fopen(path, "we");
	assert_non_null(f);
	assert_int_equal(fwrite("name = \"a\0\";\n", 1, 13, f), 13);
	assert_int_equal(fclose(f), 0);
	assert_true(profile_load(p, path, &err) < 0);
	assert_string_equal(err.diag[0].msg, "contains a NUL byte");
}

static void test_include_order_and_merge(void **state)
{
	_cleanup_(tmpdir_remove) char *dir = tmpdir_make();
	_cleanup_(profile_freep) struct profile *p = profile_new();
	struct sbx_err err = {0};
	char path[PATH_MAX];

	(void)state;
	write_file(
	    dir, "one.cfg",
	    "name = \"one\";\nhostname = \"one\";\ndomainname = \"one\";\n"
	    "namespaces = [ \"user\", \"mount\", \"pid\" ];\n"
	    "user = { uid = 1; gid = 1;\n  uid_map = ( { inside = 1; outside = \"self\"; } ); };\n"
	    "filesystem = { mounts = ( { type = \"proc\"; dst = \"/one\"; } ); };\n"
	    "env = { keep = [ \"A\", \"B\" ]; set = { X = \"one\"; Y = \"one\"; }; };\n"
	    "rlimits = { nofile = 1; core = 1; };\n"
	    "security = { capabilities = [ \"chown\", \"kill\" ]; };\n");
	write_file(dir, "two.cfg",
		   "hostname = \"two\";\n"
		   "user = { uid = 2;\n  uid_map = ( { inside = 2; outside = 2; } ); };\n"
		   "filesystem = { mounts = ( { type = \"proc\"; dst = \"/two\"; } ); };\n"
		   "env = { set = { Y = \"two\"; Z = \"two\"; }; };\n"
		   "rlimits = { nofile = 2; };\n");
	write_file(dir, "top.cfg",
		   "include = [ \"one.cfg\", \"two.cfg\" ];\n"
		   "name = \"top\";\n"
		   "namespaces = [ \"user\" ];\n"
		   "filesystem = { mounts = ( { type = \"proc\"; dst = \"/top\"; } ); };\n"
		   "env = { keep = [ \"C\" ]; set = { X = \"top\"; }; };\n"
		   "security = { capabilities = [ ]; };\n");
	snprintf(path, sizeof(path), "%s/top.cfg", dir);
	assert_int_equal(profile_load(p, path, &err), 0);

	/* scalars: the later profile wins, the including file's own settings last */
	assert_string_equal(p->name, "top");
	assert_string_equal(p->hostname, "two");
	assert_non_null(strstr(p->hostname_loc.file, "/two.cfg"));
	assert_int_equal(p->hostname_loc.line, 1);
	assert_string_equal(p->domainname, "one");
	/* groups merge key by key */
	assert_int_equal(p->user.uid, 2);
	assert_int_equal(p->user.gid, 1);
	assert_int_equal(p->rlimits[RLIM_NOFILE].value, 2);
	assert_int_equal(p->rlimits[RLIM_CORE].value, 1);
	/* arrays replace */
	assert_int_equal(p->namespaces, NS_BIT(NS_USER));
	assert_int_equal(p->env.n_keep, 1);
	assert_string_equal(p->env.keep[0], "C");
	assert_int_equal(p->security.caps, 0);
	/* lists append, in include order */
	assert_int_equal(p->fs.n_mounts, 3);
	assert_string_equal(p->fs.mounts[0].dst, "/one");
	assert_string_equal(p->fs.mounts[1].dst, "/two");
	assert_string_equal(p->fs.mounts[2].dst, "/top");
	assert_non_null(strstr(p->fs.mounts[0].loc.file, "/one.cfg"));
	assert_non_null(strstr(p->fs.mounts[2].loc.file, "/top.cfg"));
	assert_int_equal(p->user.n_uid_map, 2);
	assert_int_equal(p->user.uid_map[0].inside, 1);
	assert_int_equal(p->user.uid_map[1].inside, 2);
	/* env.set: a later value replaces, in first-set order */
	assert_int_equal(p->env.n_set, 3);
	assert_string_equal(p->env.set[0].name, "X");
	assert_string_equal(p->env.set[0].value, "top");
	assert_string_equal(p->env.set[1].name, "Y");
	assert_string_equal(p->env.set[1].value, "two");
	assert_string_equal(p->env.set[2].name, "Z");
	/* every file is listed once and locations point into the list */
	assert_int_equal(p->n_files, 3);
	for (size_t i = 0; i < p->fs.n_mounts; i++) {
		bool found = false;

		for (size_t j = 0; j < p->n_files; j++)
			found |= p->fs.mounts[i].loc.file == p->files[j];
		assert_true(found);
	}
}

static void test_repeated_profiles_merge(void **state)
{
	_cleanup_(profile_freep) struct profile *p = profile_new();
	struct sbx_err err = {0};

	(void)state;
	assert_int_equal(
	    profile_load_string(p,
				"hostname = \"a\";\nfilesystem = { mounts = ( { type = "
				"\"proc\"; dst = \"/a\"; } ); };\n",
				"a.cfg", &err),
	    0);
	assert_int_equal(
	    profile_load_string(p,
				"hostname = \"b\";\nfilesystem = { mounts = ( { type = "
				"\"proc\"; dst = \"/b\"; } ); };\n",
				"b.cfg", &err),
	    0);
	assert_string_equal(p->hostname, "b");
	assert_string_equal(p->hostname_loc.file, "b.cfg");
	assert_int_equal(p->fs.n_mounts, 2);
	assert_string_equal(p->fs.mounts[0].loc.file, "a.cfg");
}

static void test_include_relative_and_names(void **state)
{
	_cleanup_(tmpdir_remove) char *dir = tmpdir_make();
	_cleanup_(profile_freep) struct profile *p = profile_new();
	struct sbx_err err = {0};
	char d1[PATH_MAX], d2[PATH_MAX], sub[PATH_MAX];
	const char *search[2] = {d1, d2};

	(void)state;
	snprintf(d1, sizeof(d1), "%s/d1", dir);
	snprintf(d2, sizeof(d2), "%s/d2", dir);
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	assert_int_equal(mkdir(d1, 0700), 0);
	assert_int_equal(mkdir(d2, 0700), 0);
	assert_int_equal(mkdir(sub, 0700), 0);
	write_file(d1, "base.cfg", "hostname = \"d1\";\n");
	write_file(d2, "base.cfg", "hostname = \"d2\";\n");
	write_file(d2, "extra.cfg", "domainname = \"d2\";\ninclude = [ \"../sub/rel.cfg\" ];\n");
	write_file(sub, "rel.cfg", "name = \"rel\";\n");
	write_file(d2, "web.cfg", "include = [ \"base\", \"extra\" ];\n");
	assert_int_equal(profile_set_search_path(p, search, 2, &err), 0);
	assert_int_equal(p->n_search, 2);

	assert_int_equal(profile_load(p, "web", &err), 0);
	assert_string_equal(p->hostname, "d1"); /* the first directory wins */
	assert_string_equal(p->domainname, "d2");
	assert_string_equal(p->name, "rel"); /* relative to the including file */
	assert_non_null(strstr(p->hostname_loc.file, "/d1/base.cfg"));

	/* the search path is replaced, not extended */
	assert_int_equal(profile_set_search_path(p, search + 1, 1, &err), 0);
	assert_int_equal(profile_load(p, "base", &err), 0);
	assert_string_equal(p->hostname, "d2");

	/* "default" is the built-in unless a directory has its own */
	assert_int_equal(profile_load(p, "default", &err), 0);
	assert_string_equal(p->name, "default");
	write_file(d2, "default.cfg", "name = \"my-default\";\n");
	assert_int_equal(profile_load(p, "default", &err), 0);
	assert_string_equal(p->name, "my-default");
	assert_int_equal(err.n, 0);
}

/* The source directory (main.c's source tree) comes after the search path, never for
 * "default"; a NAME found nowhere lists every directory searched. */
static void test_source_dir_and_not_found(void **state)
{
	_cleanup_(tmpdir_remove) char *dir = tmpdir_make();
	_cleanup_(profile_freep) struct profile *p = profile_new();
	struct sbx_err err = {0};
	char d1[PATH_MAX], src[PATH_MAX], want[2 * PATH_MAX + 64];
	const char *search[1] = {d1};

	(void)state;
	snprintf(d1, sizeof(d1), "%s/d1", dir);
	snprintf(src, sizeof(src), "%s/src", dir);
	assert_int_equal(mkdir(d1, 0700), 0);
	assert_int_equal(mkdir(src, 0700), 0);
	write_file(d1, "base.cfg", "hostname = \"d1\";\n");
	write_file(src, "base.cfg", "hostname = \"src\";\n");
	write_file(src, "only.cfg", "hostname = \"only\";\n");
	write_file(src, "default.cfg", "name = \"src-default\";\n");
	assert_int_equal(profile_set_search_path(p, search, 1, &err), 0);
	assert_int_equal(profile_set_source_dir(p, src, &err), 0);

	assert_int_equal(profile_load(p, "base", &err), 0);
	assert_string_equal(p->hostname, "d1"); /* the search path first */
	assert_int_equal(profile_load(p, "only", &err), 0);
	assert_string_equal(p->hostname, "only");
	assert_int_equal(profile_load(p, "default", &err), 0);
	assert_string_equal(p->name, "default"); /* the built-in, not src/default.cfg */
	assert_int_equal(err.n, 0);

	assert_int_equal(profile_load(p, "none", &err), -ENOENT);
	assert_int_equal(err.n, 1);
	assert_string_equal(err.diag[0].file, "none");
	snprintf(want, sizeof(want), "no such profile; searched %s, %s", d1, src);
	assert_string_equal(err.diag[0].msg, want);

	err = (struct sbx_err){0};
	assert_int_equal(profile_set_source_dir(p, NULL, &err), 0);
	assert_int_equal(profile_set_search_path(p, NULL, 0, &err), 0);
	assert_int_equal(profile_load_string(p, "include = [ \"none\" ];\n", "x.cfg", &err),
			 -ENOENT);
	assert_int_equal(err.n, 1);
	assert_int_equal(err.diag[0].line, 1);
	assert_string_equal(err.diag[0].msg,
			    "include \"none\": no such profile; no directory to search");
}

static void test_include_default_builtin(void **state)
{
	_cleanup_(profile_freep) struct profile *p = NULL;
	size_t n;

	(void)state;
	p = parse_ok("include = [ \"default\" ];\nhostname = \"mine\";\n"
		     "filesystem = { mounts = ( { type = \"tmpfs\"; dst = \"/var/tmp\"; } ); };\n");
	assert_string_equal(p->name, "default");
	assert_string_equal(p->hostname, "mine");
	n = p->fs.n_mounts;
	assert_true(n > 1);
	assert_string_equal(p->fs.mounts[n - 1].dst, "/var/tmp");
	assert_string_equal(p->fs.mounts[0].loc.file, "builtin:default.cfg");
	/* including it twice in a row is no cycle, and applies it once */
	p = profile_free(p);
	p = parse_ok("include = [ \"default\", \"default\" ];\n");
	assert_int_equal(p->fs.n_mounts, n - 1);
}

/* Each file is applied once per run, where it is first reached (a C include guard): a later
 * include of it, or --profile naming it again, adds nothing and moves nothing. */
static void test_include_each_file_once(void **state)
{
	_cleanup_(tmpdir_remove) char *dir = tmpdir_make();
	_cleanup_(profile_freep) struct profile *p = profile_new();
	struct sbx_err err = {0};
	char path[PATH_MAX];
	size_t n;

	(void)state;
	write_file(dir, "base.cfg",
		   "hostname = \"base\";\ndomainname = \"base\";\n"
		   "filesystem = { mounts = ( { type = \"proc\"; dst = \"/base\"; } ); };\n");
	write_file(dir, "shell.cfg",
		   "include = [ \"base.cfg\" ];\nhostname = \"shell\";\n"
		   "filesystem = { mounts = ( { type = \"proc\"; dst = \"/shell\"; } ); };\n");
	write_file(dir, "untrusted.cfg",
		   "include = [ \"./base.cfg\", \"shell.cfg\" ];\n"
		   "filesystem = { mounts = ( { type = \"proc\"; dst = \"/untrusted\"; } ); };\n");
	snprintf(path, sizeof(path), "%s/shell.cfg", dir);
	assert_int_equal(profile_load(p, path, &err), 0);
	snprintf(path, sizeof(path), "%s/untrusted.cfg", dir);
	assert_int_equal(profile_load(p, path, &err), 0);
	snprintf(path, sizeof(path), "%s/base.cfg", dir);
	assert_int_equal(profile_load(p, path, &err), 0);
	assert_int_equal(err.n, 0);
	/* base and shell once each, at their first place; base does not undo shell's hostname */
	assert_int_equal(p->fs.n_mounts, 3);
	assert_string_equal(p->fs.mounts[0].dst, "/base");
	assert_string_equal(p->fs.mounts[1].dst, "/shell");
	assert_string_equal(p->fs.mounts[2].dst, "/untrusted");
	assert_string_equal(p->hostname, "shell");
	assert_string_equal(p->domainname, "base");

	/* the built-in default too */
	profile_free(p);
	p = profile_new();
	assert_int_equal(profile_load(p, "default", &err), 0);
	n = p->fs.n_mounts;
	assert_int_equal(profile_load(p, "default", &err), 0);
	assert_int_equal(p->fs.n_mounts, n);
	assert_int_equal(err.n, 0);
}

/* "builtin:default" is always the built-in default, also for a default.cfg that builds on it. */
static void test_builtin_default_by_name(void **state)
{
	_cleanup_(tmpdir_remove) char *dir = tmpdir_make();
	_cleanup_(profile_freep) struct profile *p = profile_new();
	struct sbx_err err = {0};
	size_t n;

	(void)state;
	assert_int_equal(profile_load(p, "builtin:default", &err), 0);
	assert_string_equal(p->name, "default");
	n = p->fs.n_mounts;
	assert_true(n > 1);
	assert_string_equal(p->fs.mounts[0].loc.file, "builtin:default.cfg");

	/* the user's own default.cfg, on the search path, includes the built-in */
	write_file(dir, "default.cfg",
		   "include = [ \"builtin:default\" ];\nhostname = \"mine\";\n"
		   "filesystem = { mounts = ( { type = \"tmpfs\"; dst = \"/var/tmp\"; } ); };\n");
	profile_free(p);
	p = profile_new();
	assert_int_equal(profile_set_search_path(p, (const char *[]){dir}, 1, &err), 0);
	assert_int_equal(profile_load(p, "default", &err), 0);
	assert_int_equal(err.n, 0);
	assert_string_equal(p->name, "default");
	assert_string_equal(p->hostname, "mine");
	assert_int_equal(p->fs.n_mounts, n + 1);
	assert_string_equal(p->fs.mounts[0].loc.file, "builtin:default.cfg");
	assert_string_equal(p->fs.mounts[n].dst, "/var/tmp");
	/* it is one profile, whichever name reaches it */
	assert_int_equal(profile_load(p, "builtin:default", &err), 0);
	assert_int_equal(p->fs.n_mounts, n + 1);

	/* no other built-in name */
	memset(&err, 0, sizeof(err));
	assert_int_equal(profile_load(p, "builtin:shell", &err), -ENOENT);
	assert_string_equal(err.diag[0].file, "builtin:shell");
	assert_non_null(strstr(err.diag[0].msg, "the only built-in profile is builtin:default"));
	expect_error("include = [\n \"builtin:\" ];\n", 2,
		     "include \"builtin:\": no such built-in profile");
}

static void test_include_cycles(void **state)
{
	_cleanup_(tmpdir_remove) char *dir = tmpdir_make();
	_cleanup_(profile_freep) struct profile *p = profile_new();
	struct sbx_err err = {0};
	char path[PATH_MAX], want[PATH_MAX + 64];

	(void)state;
	write_file(dir, "a.cfg", "name = \"a\";\ninclude = [ \"b.cfg\" ];\n");
	write_file(dir, "b.cfg", "# b\n\ninclude = [ \"./c.cfg\" ];\n");
	write_file(dir, "c.cfg", "include = [\n \"a.cfg\" ];\n");
	write_file(dir, "self.cfg", "include = [ \"self.cfg\" ];\n");
	snprintf(path, sizeof(path), "%s/a.cfg", dir);
	assert_int_equal(profile_load(p, path, &err), -ELOOP);
	assert_int_equal(err.n, 1);
	snprintf(want, sizeof(want), "%s/./c.cfg", dir);
	assert_string_equal(err.diag[0].file, want); /* the entry that closes the cycle */
	assert_int_equal(err.diag[0].line, 2);
	snprintf(want, sizeof(want),
		 "include cycle: %s/a.cfg -> %s/b.cfg -> %s/./c.cfg -> %s/./a.cfg", dir, dir, dir,
		 dir);
	assert_string_equal(err.diag[0].msg, want);

	memset(&err, 0, sizeof(err));
	snprintf(path, sizeof(path), "%s/self.cfg", dir);
	assert_int_equal(profile_load(p, path, &err), -ELOOP);
	assert_string_equal(err.diag[0].file, path);
	assert_int_equal(err.diag[0].line, 1);

	/* the built-in default including itself through a file of that name */
	write_file(dir, "default.cfg", "include = [ \"default\" ];\n");
	assert_int_equal(profile_set_search_path(p, (const char *[]){dir}, 1, &err), 0);
	memset(&err, 0, sizeof(err));
	assert_int_equal(profile_load(p, "default", &err), -ELOOP);
	assert_non_null(strstr(err.diag[0].msg, "include cycle"));
	assert_non_null(strstr(err.diag[0].msg, "builtin:default")); /* what was meant */
}

static void test_include_depth_limit(void **state)
{
	_cleanup_(tmpdir_remove) char *dir = tmpdir_make();
	_cleanup_(profile_freep) struct profile *p = profile_new();
	struct sbx_err err = {0};
	char name[32], text[64], path[PATH_MAX];

	(void)state;
	for (int i = 0; i < 18; i++) { /* d0 includes d1 ... d17 */
		snprintf(name, sizeof(name), "d%d.cfg", i);
		snprintf(text, sizeof(text), "include = [ \"d%d.cfg\" ];\n", i + 1);
		write_file(dir, name, i < 17 ? text : "name = \"deep\";\n");
	}
	snprintf(path, sizeof(path), "%s/d1.cfg", dir); /* 16 levels of includes: fine */
	assert_int_equal(profile_load(p, path, &err), 0);
	assert_string_equal(p->name, "deep");
	/* a fresh profile: on @p, d1 ... d17 are applied already and would be skipped */
	profile_free(p);
	p = profile_new();
	snprintf(path, sizeof(path), "%s/d0.cfg", dir); /* 17: too deep */
	assert_int_equal(profile_load(p, path, &err), -ELOOP);
	assert_int_equal(err.n, 1);
	assert_non_null(strstr(err.diag[0].file, "/d16.cfg"));
	assert_non_null(strstr(err.diag[0].msg, "nested more than 16 deep"));
}

static void test_include_errors_keep_checking(void **state)
{
	_cleanup_(tmpdir_remove) char *dir = tmpdir_make();
	_cleanup_(profile_freep) struct profile *p = profile_new();
	struct sbx_err err = {0};
	char path[PATH_MAX];

	(void)state;
	write_file(dir, "bad.cfg", "hostname = 1;\n");
	write_file(dir, "top.cfg", "include = [ \"missing.cfg\",\n \"bad.cfg\" ];\nname = 5;\n");
	snprintf(path, sizeof(path), "%s/top.cfg", dir);
	assert_int_equal(profile_load(p, path, &err), -ENOENT);
	assert_int_equal(err.n, 3);
	assert_string_equal(err.diag[0].file, path);
	assert_int_equal(err.diag[0].line, 1);
	assert_non_null(strstr(err.diag[0].msg, "include \"missing.cfg\": "));
	assert_non_null(strstr(err.diag[0].msg, "No such file or directory"));
	assert_non_null(strstr(err.diag[1].file, "/bad.cfg"));
	assert_int_equal(err.diag[1].line, 1);
	assert_int_equal(err.diag[2].line, 3);
}

/* A string keeps its own line, though libconfig reads on to the next token before it makes the
 * setting: the prescan moves the `,` `;` `]` `)` or `}` after it up behind it, across blanks
 * and comments, and every other line stays where it was. */
static void test_string_keeps_its_line(void **state)
{
	(void)state;
	{
		_cleanup_(profile_freep) struct profile *p = NULL;
		struct sbx_err err = {0};

		assert_int_equal(profile_parse_string("env = { keep = [\n"	    /* 1 */
						      "  \"1A\"\n"		    /* 2 */
						      "  , \"2B\" # \"quoted\" ]\n" /* 3 */
						      "  /* ] */\n"		    /* 4 */
						      "]; };\n"			    /* 5 */
						      "hostname = \"bad name\"\n"   /* 6 */
						      "\n"			    /* 7 */
						      ";\n"			    /* 8 */
						      "process = { cwd = \"rel\"\n" /* 9 */
						      "}; user = { uid = -1; };\n", /* 10 */
						      "t.cfg", &p, &err),
				 -EINVAL);
		assert_int_equal(err.n, 5);
		assert_int_equal(err.diag[0].line, 2);
		assert_int_equal(err.diag[1].line, 3);
		assert_int_equal(err.diag[2].line, 6);
		assert_int_equal(err.diag[3].line, 9);
		assert_int_equal(err.diag[4].line, 10);
	}
	{
		/* Adjacent strings are still joined; the lines after them don't move. */
		_cleanup_(profile_freep) struct profile *p = NULL;
		struct sbx_err err = {0};

		assert_int_equal(profile_parse_string("hostname = \"a\"\n"		    /* 1 */
						      "  \"b\"\n"			    /* 2 */
						      ";\n"				    /* 3 */
						      "env = { set = { X = \"x\" /* c */\n" /* 4 */
						      "}; };\n"				    /* 5 */
						      "user = { uid = 5; };\n",		    /* 6 */
						      "t.cfg", &p, &err),
				 0);
		assert_string_equal(p->hostname, "ab");
		assert_int_equal(p->env.set[0].loc.line, 4);
		assert_int_equal(p->user.uid_loc.line, 6);
	}
}

/* --- @include: libconfig must never open a file a profile names that way --- */

/* The prescan reads an @include line the way libconfig then does, as a comment to the end of
 * the line, so nothing on it (a quote, an open comment) hides the next line from the scan. */
static void test_at_include_rest_of_line(void **state)
{
	static const char *const texts[] = {
	    "#\n@include \"/e~td\n@include \"/\"\n", /* found by make fuzz */
	    "#\n@include \"a.cfg\" /*\n@include \"/\"\n*/\n",
	    "#\n  @include \"a\\\"\n\t@include \"/proc/self/environ\"\n",
	    "#\n@include \"a.cfg\" \"\n@include \"/\"\n\"\n",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
		_cleanup_(profile_freep) struct profile *p = NULL;
		struct sbx_err err = {0};

		assert_int_equal(profile_parse_string(texts[i], "t.cfg", &p, &err), -EINVAL);
		assert_true(err.n >= 2);
		for (unsigned k = 0; k < 2; k++) {
			if (err.diag[k].line != k + 2 ||
			    !strstr(err.diag[k].msg, "@include is not supported"))
				fail_msg("text %zu, error %u: %s:%u: %s", i, k, err.diag[k].file,
					 err.diag[k].line, err.diag[k].msg);
		}
	}
}

/* The second guard: the config_t the loader parses with opens nothing for an include. */
static void test_libconfig_opens_no_include(void **state)
{
	_cleanup_(tmpdir_remove) char *dir = tmpdir_make();
	char texts[3][PATH_MAX + 64];

	(void)state;
	write_file(dir, "inc.cfg", "x = 1;\n");
	snprintf(texts[0], sizeof(texts[0]), "@include \"%s/inc.cfg\"\n", dir);
	snprintf(texts[1], sizeof(texts[1]), "@include \"../../../../../../../..%s/inc.cfg\"\n",
		 dir);
	snprintf(texts[2], sizeof(texts[2]), "@include \"/\"\n"); /* libconfig 1.5 exit()s */
	for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
		config_t cfg;

		profile_config_init(&cfg);
		assert_int_equal(config_read_string(&cfg, texts[i]), CONFIG_FALSE);
		assert_null(config_lookup(&cfg, "x"));
		assert_non_null(strstr(config_error_text(&cfg), "include"));
		config_destroy(&cfg);
	}
}

/* --- --set --- */

static void test_set_values(void **state)
{
	_cleanup_(profile_freep) struct profile *p = profile_new();
	struct sbx_err err = {0};

	(void)state;
	assert_int_equal(profile_set(p, "user.uid=1000", &err), 0);
	assert_int_equal(p->user.uid, 1000);
	assert_string_equal(p->user.uid_loc.file, "--set user.uid=1000");
	assert_int_equal(p->user.uid_loc.line, 0);
	/* A CLI shortcut is named as the user typed it. */
	assert_int_equal(profile_set_as(p, "process.cwd=\"/srv\"", "--cwd /srv", &err), 0);
	assert_string_equal(p->process.cwd_loc.file, "--cwd /srv");
	assert_int_equal(profile_set(p, "user.gid=4294967294", &err), 0);
	assert_int_equal(p->user.gid, 4294967294u);
	assert_int_equal(profile_set(p, "hostname=box", &err), 0);
	assert_string_equal(p->hostname, "box");
	assert_int_equal(profile_set(p, "hostname=\"quoted\"", &err), 0);
	assert_string_equal(p->hostname, "quoted");
	assert_int_equal(profile_set(p, "network.mode=host", &err), 0);
	assert_int_equal(p->net.mode, NET_HOST);
	assert_int_equal(profile_set(p, "security.no_new_privs=false", &err), 0);
	assert_false(p->security.no_new_privs);
	assert_int_equal(profile_set(p, "process.time_limit=90s", &err), 0);
	assert_int_equal(p->process.time_limit, 90);
	assert_int_equal(profile_set(p, "process.time_limit=30", &err), 0);
	assert_int_equal(p->process.time_limit, 30);
	assert_int_equal(profile_set(p, "process.cwd=/srv/www", &err), 0);
	assert_string_equal(p->process.cwd, "/srv/www");
	assert_int_equal(profile_set(p, "rlimits.fsize=1G", &err), 0);
	assert_int_equal(p->rlimits[RLIM_FSIZE].value, 1 << 30);
	assert_int_equal(profile_set(p, "namespaces=[\"user\",\"mount\"]", &err), 0);
	assert_int_equal(p->namespaces, NS_BIT(NS_USER) | NS_BIT(NS_MOUNT));
	assert_int_equal(profile_set(p, "env.set.GREETING=say \"hi\" \\o/ # not a comment", &err),
			 0);
	assert_string_equal(p->env.set[0].value, "say \"hi\" \\o/ # not a comment");
	assert_int_equal(profile_set(p, "env.set.GREETING=", &err), 0);
	assert_string_equal(p->env.set[0].value, "");
	assert_int_equal(p->env.n_set, 1);
	assert_int_equal(profile_set(p, "env.set.MULTI=a\nb", &err), 0);
	assert_string_equal(p->env.set[1].value, "a\nb");
	assert_int_equal(profile_set(p, "filesystem.mounts=({type=\"proc\";dst=\"/proc\";})", &err),
			 0);
	assert_int_equal(profile_set(p, "filesystem.mounts=({type=\"dev\";dst=\"/dev\";})", &err),
			 0);
	assert_int_equal(p->fs.n_mounts, 2); /* lists append */
	assert_string_equal(p->fs.mounts[1].loc.file,
			    "--set filesystem.mounts=({type=\"dev\";dst=\"/dev\";})");
	assert_int_equal(profile_set(p, "user={uid=7;}", &err), 0);
	assert_int_equal(p->user.uid, 7);
	assert_int_equal(p->user.gid, 4294967294u); /* a group value merges too */
	assert_int_equal(err.n, 0);
}

static void test_set_errors(void **state)
{
	(void)state;
	expect_set_error("hostname", "expected KEY=VALUE");
	expect_set_error("=x", "expected KEY=VALUE");
	expect_set_error("", "expected KEY=VALUE");
	expect_set_error(".a=1", "is not a setting name");
	expect_set_error("a..b=1", "is not a setting name");
	expect_set_error("a.=1", "is not a setting name");
	expect_set_error("a b=1", "is not a setting name");
	expect_set_error("1a=1", "is not a setting name");
	expect_set_error("colour=red", "colour: unknown setting");
	expect_set_error("user.uid=-1", "user.uid: -1 is out of range");
	expect_set_error("user.uid=root", "user.uid: must be an integer");
	expect_set_error("user.uid=99999999999999999999", "integer 99999999999999999999 is out of");
	expect_set_error("hostname=bad name", "hostname: \"bad name\" is not a valid name");
	expect_set_error("hostname=", "is not a valid name");
	expect_set_error("cgroup.memory=0", "cgroup.memory: must be above 0");
	expect_set_error("network.mode=wifi", "network.mode: \"wifi\" is not one of none, host");
	expect_set_error("security.seccomp.preset=strict",
			 "\"strict\" is not one of none, default");
	expect_set_error("process.cwd=relative", "is not an absolute path");
	expect_set_error("include=[\"/nonexistent.cfg\"]", "No such file or directory");
	/* a VALUE cannot smuggle in a second setting */
	expect_set_error("hostname=a\"; user = { uid = 0; }; x=\"", "hostname: ");
	expect_set_error("hostname=1; name=\"x\"", "is not a valid name");
}

static void test_set_cannot_inject(void **state)
{
	_cleanup_(profile_freep) struct profile *p = profile_new();
	struct sbx_err err = {0};

	(void)state;
	assert_int_equal(profile_set(p, "env.set.X=1; name = \"evil\"", &err), 0);
	assert_null(p->name);
	assert_string_equal(p->env.set[0].value, "1; name = \"evil\"");
	assert_int_equal(profile_set(p, "env.set.Y=\"a\";\n@include \"/etc/passwd\"", &err), 0);
	assert_string_equal(p->env.set[1].value, "\"a\";\n@include \"/etc/passwd\"");
}

/* --- --bind, --ro-bind, --tmpfs --- */

static void test_cli_mounts(void **state)
{
	_cleanup_(profile_freep) struct profile *p =
	    parse_ok("filesystem = { mounts = ( { type = \"proc\"; dst = \"/proc\"; } ); };\n");
	struct sbx_err err = {0};
	char cwd[PATH_MAX];
	const struct mount_entry *m;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(profile_add_cli_mount(p, MOUNT_BIND, true, "/srv/data:/data", &err), 0);
	assert_int_equal(profile_add_cli_mount(p, MOUNT_BIND, false, "/usr//share/", &err), 0);
	assert_int_equal(profile_add_cli_mount(p, MOUNT_TMPFS, false, "/scratch", &err), 0);
	assert_int_equal(profile_add_cli_mount(p, MOUNT_BIND, false, ".:/work", &err), 0);
	assert_int_equal(profile_add_cli_mount(p, MOUNT_BIND, true, ".", &err), 0);
	assert_int_equal(err.n, 0);
	assert_int_equal(p->fs.n_mounts, 6);
	m = &p->fs.mounts[1];
	assert_int_equal(m->type, MOUNT_BIND);
	assert_true(m->rw);
	assert_true(m->recursive);
	assert_string_equal(m->src, "/srv/data");
	assert_string_equal(m->dst, "/data");
	assert_string_equal(m->loc.file, "--bind /srv/data:/data"); /* the option as typed */
	assert_int_equal(m->loc.line, 0);
	assert_string_equal(m->src_loc.file, "--bind /srv/data:/data");
	assert_string_equal(m->dst_loc.file, "--bind /srv/data:/data");
	m = &p->fs.mounts[2];
	assert_false(m->rw);
	assert_string_equal(m->src, "/usr/share");
	assert_string_equal(m->dst, "/usr/share");
	assert_string_equal(m->loc.file, "--ro-bind /usr//share/");
	m = &p->fs.mounts[3];
	assert_int_equal(m->type, MOUNT_TMPFS);
	assert_null(m->src);
	assert_string_equal(m->dst, "/scratch");
	assert_int_equal(m->mode, 0755);
	assert_string_equal(m->loc.file, "--tmpfs /scratch");
	/* a relative source is the caller's directory */
	assert_string_equal(p->fs.mounts[4].src, cwd);
	assert_string_equal(p->fs.mounts[4].dst, "/work");
	assert_string_equal(p->fs.mounts[5].dst, cwd);
}

static void expect_cli_error(enum mount_type type, bool rw, const char *spec, const char *file,
			     const char *msg)
{
	_cleanup_(profile_freep) struct profile *p = profile_new();
	struct sbx_err err = {0};

	assert_true(profile_add_cli_mount(p, type, rw, spec, &err) < 0);
	assert_int_equal(err.n, 1);
	assert_string_equal(err.diag[0].file, file); /* the option as typed, in place of FILE */
	assert_int_equal(err.diag[0].line, 0);
	if (strcmp(err.diag[0].msg, msg) != 0)
		fail_msg("%s: got \"%s\", want \"%s\"", spec, err.diag[0].msg, msg);
	assert_int_equal(p->fs.n_mounts, 0);
}

static void test_cli_mount_errors(void **state)
{
	(void)state;
	expect_cli_error(MOUNT_BIND, true, "/a:b", "--bind /a:b", "is not an absolute path");
	expect_cli_error(MOUNT_BIND, false, "/a:/b/../c", "--ro-bind /a:/b/../c",
			 "contains a '..' component");
	expect_cli_error(MOUNT_BIND, false, "/a/../b", "--ro-bind /a/../b",
			 "contains a '..' component");
	expect_cli_error(MOUNT_BIND, true, "", "--bind ", "is empty");
	expect_cli_error(MOUNT_BIND, true, "/a:", "--bind /a:", "is empty");
	expect_cli_error(MOUNT_BIND, true, "no-such-dir-here", "--bind no-such-dir-here",
			 "No such file or directory");
	expect_cli_error(MOUNT_TMPFS, false, "tmp", "--tmpfs tmp", "is not an absolute path");
	expect_cli_error(MOUNT_TMPFS, false, "", "--tmpfs ", "is empty");
	expect_cli_error(MOUNT_PROC, false, "/proc", "", "no command line option for proc mounts");
}

/* --- the corpus of malformed and hostile profiles --- */

/* data/bad/NN-name.cfg starts with `# expect: LINE [TEXT]`: the first error is at FILE:LINE and
 * its message contains TEXT. A profile that loads must fail to compile there (a rule across
 * keys, such as a forward with mode "none"), as sbx --check would find it; for root, so that
 * nothing in the corpus depends on who runs it. */
static void check_bad_profile(const char *path)
{
	static char *argv[] = {"/bin/true", NULL}, *environ_[] = {NULL};
	_cleanup_(profile_freep) struct profile *p = profile_new();
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_caller c = unit_caller(0, argv, environ_);
	struct sbx_err err = {0};
	char first[256] = "", text[256] = "";
	unsigned line = 0;
	FILE *f = fopen(path, "re");
	int r;

	assert_non_null(f);
	assert_non_null(fgets(first, sizeof(first), f));
	fclose(f);
	first[strcspn(first, "\n")] = '\0';
	if (sscanf(first, "# expect: %u %255[^\n]", &line, text) < 1 || line == 0)
		fail_msg("%s: no '# expect: LINE' on its first line", path);
	r = profile_load(p, path, &err);
	if (r == 0)
		r = policy_compile(p, &c, &plan, &err);
	if (r >= 0 || err.n == 0)
		fail_msg("%s: loaded and compiled without an error", path);
	if (strcmp(err.diag[0].file, path) != 0 || err.diag[0].line != line ||
	    !strstr(err.diag[0].msg, text))
		fail_msg("%s: want line %u \"%s\", got %s:%u: %s", path, line, text,
			 err.diag[0].file, err.diag[0].line, err.diag[0].msg);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_bad_profile_corpus(void **state)
{
	char dir[PATH_MAX], *names[256];
	size_t n = 0;
	DIR *d;
	struct dirent *de;

	(void)state;
	/* __FILE__ is tests/unit/test_profile.c: the tests run from the top directory. */
	snprintf(dir, sizeof(dir), "%.*s/data/bad", (int)(strrchr(__FILE__, '/') - __FILE__),
		 __FILE__);
	d = opendir(dir);
	if (!d)
		fail_msg("%s: %s", dir, strerror(errno));
	while ((de = readdir(d)) && n < ARRAY_SIZE(names)) {
		size_t len = strlen(de->d_name);

		if (len > 4 && strcmp(de->d_name + len - 4, ".cfg") == 0)
			assert_true(asprintf(&names[n++], "%s/%s", dir, de->d_name) > 0);
	}
	closedir(d);
	assert_true(n >= 30);
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (size_t i = 0; i < n; i++) {
		check_bad_profile(names[i]);
		free(names[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_empty_profile_keeps_defaults),
	    cmocka_unit_test(test_full_profile),
	    cmocka_unit_test(test_builtin_default_profile),
	    cmocka_unit_test(test_parse_size),
	    cmocka_unit_test(test_parse_duration),
	    cmocka_unit_test(test_sizes_in_profiles),
	    cmocka_unit_test(test_dev_size),
	    cmocka_unit_test(test_durations_in_profiles),
	    cmocka_unit_test(test_large_integers),
	    cmocka_unit_test(test_modes),
	    cmocka_unit_test(test_umask),
	    cmocka_unit_test(test_paths_normalized),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_cap_names),
	    cmocka_unit_test(test_enum_names),
	    cmocka_unit_test(test_error_locations),
	    cmocka_unit_test(test_relative_dst_reports_line),
	    cmocka_unit_test(test_check_collects_every_error),
	    cmocka_unit_test(test_messages_have_no_control_characters),
	    cmocka_unit_test(test_missing_file),
	    cmocka_unit_test(test_file_with_nul_byte),
	    cmocka_unit_test(test_include_order_and_merge),
	    cmocka_unit_test(test_repeated_profiles_merge),
	    cmocka_unit_test(test_include_relative_and_names),
	    cmocka_unit_test(test_source_dir_and_not_found),
	    cmocka_unit_test(test_include_default_builtin),
	    cmocka_unit_test(test_include_each_file_once),
	    cmocka_unit_test(test_builtin_default_by_name),
	    cmocka_unit_test(test_include_cycles),
	    cmocka_unit_test(test_include_depth_limit),
	    cmocka_unit_test(test_include_errors_keep_checking),
	    cmocka_unit_test(test_string_keeps_its_line),
	    cmocka_unit_test(test_at_include_rest_of_line),
	    cmocka_unit_test(test_libconfig_opens_no_include),
	    cmocka_unit_test(test_set_values),
	    cmocka_unit_test(test_set_errors),
	    cmocka_unit_test(test_set_cannot_inject),
	    cmocka_unit_test(test_cli_mounts),
	    cmocka_unit_test(test_cli_mount_errors),
	    cmocka_unit_test(test_bad_profile_corpus),
	};

	return cmocka_run_group_tests(tests, unit_tmp_setup, unit_tmp_teardown);
}
