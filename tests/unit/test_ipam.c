/* test_ipam.c — bridge mode's address allocation files (sys/net/ipam.c), in the binary's
 * scratch directory: which address comes next, stale owners reclaimed and live ones kept, static
 * reservations, concurrent runs under the lock, refused files and names, and lines the file
 * can't read (dropped with a warning, as ipam.h says). Runs as any user. */
#include "unit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "sys/net/ipam.h"

static struct in_addr ip(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		fail_msg("bad address %s", s);
	return a;
}

static const char *ip_text(struct in_addr a)
{
	static char buf[INET_ADDRSTRLEN];

	return inet_ntop(AF_INET, &a, buf, sizeof(buf));
}

/* A pool on bridge br0 in the scratch dir @name. */
static struct ipam_pool pool(char *dirbuf, const char *name, const char *subnet, unsigned prefix,
			     const char *gw)
{
	return (struct ipam_pool){.dir = unit_path(dirbuf, PATH_MAX, name),
				  .bridge = "br0",
				  .subnet = ip(subnet),
				  .prefix = prefix,
				  .gateway = ip(gw)};
}

static struct owner self(void)
{
	struct owner o;

	assert_int_equal(owner_self(&o), 0);
	return o;
}

/* ipam_alloc() that must succeed: the address as text (static). */
static const char *alloc_ok(const struct ipam_pool *p, const struct owner *o, unsigned *reclaimed)
{
	struct sbx_err err = {0};
	struct in_addr a;
	unsigned n = 99;
	int r = ipam_alloc(p, o, &a, &n, &err);

	if (r < 0)
		fail_msg("ipam_alloc: %d %s", r, err.n ? err.diag[0].msg : "");
	if (reclaimed)
		*reclaimed = n;
	return ip_text(a);
}

static void release_ok(const struct ipam_pool *p, const char *addr, const struct owner *o)
{
	struct sbx_err err = {0};

	assert_int_equal(ipam_release(p->dir, p->bridge, ip(addr), o, &err), 0);
	assert_int_equal(err.n, 0);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static const char *read_file(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static const char *file_of(const struct ipam_pool *p)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", p->dir, p->bridge);
	return path;
}

/* A child that waits to be killed: a live owner other than this process. */
static pid_t sleeper(struct owner *ret)
{
	pid_t parent = getpid(), pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		/* dies with this process, should an assertion fail before reap() */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		pause();
		_exit(0);
	}
	assert_int_equal(owner_of(pid, ret), 0);
	return pid;
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void test_first_follows_gateway(void **state)
{
	char dir[PATH_MAX];
	struct ipam_pool p = pool(dir, "first", "10.88.0.0", 24, "10.88.0.1");
	struct owner me = self();
	unsigned reclaimed;

	(void)state;
	assert_string_equal(alloc_ok(&p, &me, &reclaimed), "10.88.0.2");
	assert_int_equal(reclaimed, 0);
	assert_string_equal(alloc_ok(&p, &me, NULL), "10.88.0.3");
	/* the file says what it is and who holds what */
	assert_non_null(strstr(read_file(file_of(&p)), "# sbx IPAM, bridge br0"));
	assert_non_null(strstr(read_file(file_of(&p)), "\n10.88.0.3 "));
	/* another bridge has a file of its own; a gateway in the middle is skipped */
	p.bridge = "br1";
	p.gateway = ip("10.88.0.2");
	assert_string_equal(alloc_ok(&p, &me, NULL), "10.88.0.1");
	assert_string_equal(alloc_ok(&p, &me, NULL), "10.88.0.3");
}

static void test_released_address_is_reused(void **state)
{
	char dir[PATH_MAX];
	struct ipam_pool p = pool(dir, "reuse", "10.88.0.0", 24, "10.88.0.1");
	struct owner me = self(), other;
	pid_t pid = sleeper(&other);

	(void)state;
	assert_string_equal(alloc_ok(&p, &me, NULL), "10.88.0.2");
	assert_string_equal(alloc_ok(&p, &me, NULL), "10.88.0.3");
	assert_string_equal(alloc_ok(&p, &me, NULL), "10.88.0.4");
	release_ok(&p, "10.88.0.3", &me);
	release_ok(&p, "10.88.0.3", &me); /* idempotent */
	assert_string_equal(alloc_ok(&p, &me, NULL), "10.88.0.3");
	/* only the owner's own entry goes */
	release_ok(&p, "10.88.0.2", &other);
	assert_string_equal(alloc_ok(&p, &me, NULL), "10.88.0.5");
	/* the file goes with its last entry */
	for (int i = 2; i <= 5; i++) {
		char a[16];

		snprintf(a, sizeof(a), "10.88.0.%d", i);
		release_ok(&p, a, &me);
	}
	assert_int_equal(access(file_of(&p), F_OK), -1);
	reap(pid);
	/* releasing where nothing was ever allocated makes nothing */
	p.dir = unit_path(dir, sizeof(dir), "never");
	release_ok(&p, "10.88.0.2", &me);
	assert_int_equal(access(p.dir, F_OK), -1);
}

static void test_network_broadcast_gateway_never_given(void **state)
{
	char dir[PATH_MAX];
	/* host bits in the subnet are ignored: 10.88.0.8/29, hosts .9 to .14, gateway the last */
	struct ipam_pool p = pool(dir, "edges", "10.88.0.11", 29, "10.88.0.14");
	struct owner me = self();
	struct sbx_err err = {0};
	struct in_addr a;
	unsigned n;

	(void)state;
	for (int i = 9; i <= 13; i++) {
		char want[16];

		snprintf(want, sizeof(want), "10.88.0.%d", i);
		assert_string_equal(alloc_ok(&p, &me, NULL), want);
	}
	assert_int_equal(ipam_alloc(&p, &me, &a, &n, &err), -ENOSPC);
	assert_string_equal(err.diag[0].msg,
			    "no free address left in 10.88.0.8/29 on bridge br0 (5 in use)");
}

static void test_slash30_gives_one_address(void **state)
{
	char dir[PATH_MAX];
	struct ipam_pool p = pool(dir, "p2p", "10.88.0.4", 30, "10.88.0.5");
	struct owner me = self();
	struct sbx_err err = {0};
	struct in_addr a = {0};
	unsigned n = 7;

	(void)state;
	assert_string_equal(alloc_ok(&p, &me, NULL), "10.88.0.6");
	assert_int_equal(ipam_alloc(&p, &me, &a, &n, &err), -ENOSPC);
	assert_int_equal(err.n, 1);
	assert_string_equal(err.diag[0].msg,
			    "no free address left in 10.88.0.4/30 on bridge br0 (1 in use)");
	assert_int_equal(a.s_addr, 0); /* out parameters untouched on failure */
	assert_int_equal(n, 7);
	/* /31 and /32 have no host address in this sense */
	for (unsigned prefix = 31; prefix <= 32; prefix++) {
		memset(&err, 0, sizeof(err));
		p.prefix = prefix;
		p.bridge = prefix == 31 ? "br31" : "br32";
		assert_int_equal(ipam_alloc(&p, &me, &a, &n, &err), -ENOSPC);
		assert_non_null(strstr(err.diag[0].msg, "(0 in use)"));
	}
}

static void test_stale_owners_reclaimed(void **state)
{
	char dir[PATH_MAX], text[512];
	struct ipam_pool p = pool(dir, "stale", "10.88.0.0", 24, "10.88.0.1");
	struct owner me = self(), reaped, zombie;
	siginfo_t si;
	unsigned reclaimed;
	pid_t pid;

	(void)state;
	pid = sleeper(&reaped);
	reap(pid);
	pid = sleeper(&zombie);
	kill(pid, SIGKILL);
	assert_int_equal(waitid(P_PID, pid, &si, WEXITED | WNOWAIT), 0);
	assert_int_equal(mkdir(p.dir, 0700), 0);
	/* .2: this pid with another start time (a process that had it before); .3: a child that
	 * exited and was reaped; .4: one that exited, not yet reaped; .5: this process */
	snprintf(text, sizeof(text),
		 "# sbx IPAM\n10.88.0.2 %d:%llu\n10.88.0.3 %d:%llu\n10.88.0.4 %d:%llu\n"
		 "10.88.0.5 %d:%llu\n",
		 (int)me.pid, me.start + 1, (int)reaped.pid, reaped.start, (int)zombie.pid,
		 zombie.start, (int)me.pid, me.start);
	write_file(file_of(&p), text);
	assert_string_equal(alloc_ok(&p, &me, &reclaimed), "10.88.0.2");
	waitpid(pid, NULL, 0);
	assert_int_equal(reclaimed, 3);
	assert_null(strstr(read_file(file_of(&p)), "10.88.0.3"));
	assert_null(strstr(read_file(file_of(&p)), "10.88.0.4"));
	assert_non_null(strstr(read_file(file_of(&p)), "10.88.0.5"));
	assert_string_equal(alloc_ok(&p, &me, &reclaimed), "10.88.0.3");
	assert_int_equal(reclaimed, 0);
}

static void test_live_owner_kept(void **state)
{
	char dir[PATH_MAX];
	struct ipam_pool p = pool(dir, "live", "10.88.0.0", 24, "10.88.0.1");
	struct owner me = self(), other;
	pid_t pid = sleeper(&other);
	unsigned reclaimed = 0;
	const char *a;

	(void)state;
	a = alloc_ok(&p, &other, NULL);
	assert_string_equal(a, "10.88.0.2");
	a = alloc_ok(&p, &me, &reclaimed);
	reap(pid);
	assert_string_equal(a, "10.88.0.3");
	assert_int_equal(reclaimed, 0);
	/* once it is gone, its address is the lowest free again */
	assert_string_equal(alloc_ok(&p, &me, &reclaimed), "10.88.0.2");
	assert_int_equal(reclaimed, 1);
}

static void test_reserve(void **state)
{
	char dir[PATH_MAX];
	struct ipam_pool p = pool(dir, "reserve", "10.88.0.0", 24, "10.88.0.1");
	struct owner me = self(), other;
	struct sbx_err err = {0};
	pid_t pid = sleeper(&other);
	unsigned n = 5;
	char want[96];
	int r;

	(void)state;
	assert_int_equal(ipam_reserve(&p, ip("10.88.0.2"), &me, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_string_equal(alloc_ok(&p, &me, NULL), "10.88.0.3");
	assert_int_equal(ipam_reserve(&p, ip("10.88.0.2"), &me, &n, &err), 0); /* again: ours */
	assert_int_equal(err.n, 0);
	r = ipam_reserve(&p, ip("10.88.0.2"), &other, &n, &err);
	reap(pid);
	assert_int_equal(r, -EADDRINUSE);
	snprintf(want, sizeof(want), "10.88.0.2 on bridge br0 is in use by pid %d", (int)me.pid);
	assert_string_equal(err.diag[0].msg, want);
	/* the second reserve wrote no second line */
	assert_null(strstr(strstr(read_file(file_of(&p)), "10.88.0.2 ") + 1, "10.88.0.2 "));
	/* no host address of the subnet, or the gateway */
	static const char *const bad[] = {"10.88.0.0", "10.88.0.255", "10.88.1.7", "10.88.0.1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(ipam_reserve(&p, ip(bad[i]), &me, &n, &err), -EINVAL);
		assert_non_null(strstr(err.diag[0].msg, bad[i]));
	}
}

/* N processes allocate at once; none gets an address another got. */
#define RACERS 24
static void test_concurrent_allocations_distinct(void **state)
{
	char dir[PATH_MAX];
	struct ipam_pool p = pool(dir, "race", "10.88.0.0", 24, "10.88.0.1");
	struct owner me = self(); /* all on this process's behalf: no entry goes stale meanwhile */
	int go[2], out[2], seen[256] = {0}, got;
	struct in_addr addrs[RACERS];
	pid_t pids[RACERS];

	(void)state;
	assert_int_equal(pipe2(go, O_CLOEXEC), 0);
	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	for (int i = 0; i < RACERS; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			struct sbx_err err = {0};
			struct in_addr a = {0};
			unsigned n;
			char c;

			close(go[1]);
			(void)!read(go[0], &c, 1); /* EOF: all start together */
			if (ipam_alloc(&p, &me, &a, &n, &err) < 0)
				a.s_addr = 0;
			_exit(write(out[1], &a, sizeof(a)) == (ssize_t)sizeof(a) ? 0 : 1);
		}
	}
	close(go[0]);
	close(go[1]);
	close(out[1]);
	/* every result, and every racer gone, before any assertion: nothing runs on after a failure
	 */
	for (got = 0; got < RACERS; got++)
		if (read(out[0], &addrs[got], sizeof(addrs[got])) != (ssize_t)sizeof(addrs[got]))
			break;
	close(out[0]);
	for (int i = 0; i < RACERS; i++)
		waitpid(pids[i], NULL, 0);
	assert_int_equal(got, RACERS);
	for (int i = 0; i < RACERS; i++) {
		assert_int_not_equal(addrs[i].s_addr, 0); /* that racer's ipam_alloc() failed */
		if (seen[ntohl(addrs[i].s_addr) & 0xff]++)
			fail_msg("%s handed out twice", ip_text(addrs[i]));
	}
	for (int i = 2; i < 2 + RACERS; i++)
		assert_int_equal(seen[i], 1);
}

static void expect_refused(const struct ipam_pool *p, int code, const char *what)
{
	struct owner me = self();
	struct sbx_err err = {0};
	struct in_addr a;
	unsigned n;

	assert_int_equal(ipam_alloc(p, &me, &a, &n, &err), code);
	assert_int_equal(err.n, 1);
	if (!strstr(err.diag[0].msg, what))
		fail_msg("'%s' does not say '%s'", err.diag[0].msg, what);
}

static void test_symlinks_and_strangers_refused(void **state)
{
	char dir[PATH_MAX], real[PATH_MAX], target[PATH_MAX];
	struct ipam_pool p = pool(dir, "links", "10.88.0.0", 24, "10.88.0.1");

	(void)state;
	/* the file a symlink: the target is left alone */
	assert_int_equal(mkdir(p.dir, 0700), 0);
	write_file(unit_path(target, sizeof(target), "links-target"), "keep\n");
	assert_int_equal(symlink(target, file_of(&p)), 0);
	expect_refused(&p, -ELOOP, "is a symlink: refused");
	assert_string_equal(read_file(target), "keep\n");
	/* the directory a symlink */
	assert_int_equal(mkdir(unit_path(real, sizeof(real), "links-real"), 0700), 0);
	assert_int_equal(symlink(real, unit_path(dir, sizeof(dir), "links-dir")), 0);
	expect_refused(&p, -ELOOP, "is a symlink: refused");
	assert_int_equal(access(unit_path(target, sizeof(target), "links-real/br0"), F_OK), -1);
	/* a directory others may write to */
	assert_int_equal(chmod(real, 0770), 0);
	p.dir = real;
	expect_refused(&p, -EPERM, "writable by group or others");
	assert_int_equal(chmod(real, 0700), 0);
	/* a file that is no regular file */
	assert_int_equal(mkdir(file_of(&p), 0700), 0);
	expect_refused(&p, -EPERM, "is not a regular file");
	/* someone else's directory (as a user: /; as root: a file handed to nobody) */
	if (geteuid() != 0) {
		p.dir = "/";
		expect_refused(&p, -EPERM, "is owned by uid 0");
	} else {
		p.bridge = "br1";
		write_file(file_of(&p), "");
		assert_int_equal(chown(file_of(&p), 65534, 65534), 0);
		expect_refused(&p, -EPERM, "is owned by uid 65534");
	}
}

static void test_bridge_names_refused(void **state)
{
	char dir[PATH_MAX];
	struct ipam_pool p = pool(dir, "names", "10.88.0.0", 24, "10.88.0.1");
	static const char *const bad[] = {"", ".", "..", ".br0", "a/b", "/etc", "br0123456789abcd"};
	struct owner me = self();
	struct sbx_err err = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p.bridge = bad[i];
		expect_refused(&p, -EINVAL, "can't name an IPAM file");
		assert_int_equal(ipam_release(p.dir, p.bridge, ip("10.88.0.2"), &me, &err),
				 -EINVAL);
	}
	p.bridge = "br012345678abcd"; /* IFNAMSIZ - 1 characters */
	assert_string_equal(alloc_ok(&p, &me, NULL), "10.88.0.2");
}

static void test_malformed_lines_dropped_with_warning(void **state)
{
	char dir[PATH_MAX], text[512], where[PATH_MAX + 16];
	struct ipam_pool p = pool(dir, "malformed", "10.88.0.0", 24, "10.88.0.1");
	struct owner me = self();
	struct sbx_err err = {0};
	struct in_addr a;
	unsigned n;
	const char *now;

	(void)state;
	assert_int_equal(mkdir(p.dir, 0700), 0);
	snprintf(text, sizeof(text),
		 "# a comment\n"
		 "\n"
		 "  10.88.0.2\t%d:%llu  \n" /* 3: kept, spaces and tabs around */
		 "garbage\n"		    /* 4 */
		 "10.88.0.3 someone\n"	    /* 5 */
		 "10.88.0.4\n"		    /* 6 */
		 "10.88.0.5 1:2 extra\n"    /* 7 */
		 "10.88.0.300 %d:%llu\n"    /* 8 */
		 "10.88.0.6 %d:%llu",	    /* 9: kept, no final newline */
		 (int)me.pid, me.start, (int)me.pid, me.start, (int)me.pid, me.start);
	write_file(file_of(&p), text);
	assert_int_equal(ipam_alloc(&p, &me, &a, &n, &err), 0);
	/* .3's line protected nothing: it is free again */
	assert_string_equal(ip_text(a), "10.88.0.3");
	assert_int_equal(err.code, 0);
	assert_int_equal(err.n_warn, 5);
	for (unsigned i = 0; i < 5; i++) {
		assert_string_equal(err.warn[i].file, file_of(&p));
		assert_int_equal(err.warn[i].line, 4 + i);
	}
	sbx_diag_format(&err.warn[0], where, sizeof(where));
	assert_non_null(strstr(where, "malformed/br0:4: dropped a line"));
	assert_non_null(strstr(err.warn[0].msg, "'garbage'"));
	/* the rewritten file holds the entries only */
	now = read_file(file_of(&p));
	assert_null(strstr(now, "garbage"));
	assert_null(strstr(now, "someone"));
	assert_null(strstr(now, "extra"));
	assert_non_null(strstr(now, "\n10.88.0.2 "));
	assert_non_null(strstr(now, "\n10.88.0.6 "));
	assert_non_null(strstr(now, "\n10.88.0.3 "));
	memset(&err, 0, sizeof(err));
	assert_string_equal(alloc_ok(&p, &me, NULL), "10.88.0.4");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_first_follows_gateway),
	    cmocka_unit_test(test_released_address_is_reused),
	    cmocka_unit_test(test_network_broadcast_gateway_never_given),
	    cmocka_unit_test(test_slash30_gives_one_address),
	    cmocka_unit_test(test_stale_owners_reclaimed),
	    cmocka_unit_test(test_live_owner_kept),
	    cmocka_unit_test(test_reserve),
	    cmocka_unit_test(test_concurrent_allocations_distinct),
	    cmocka_unit_test(test_symlinks_and_strangers_refused),
	    cmocka_unit_test(test_bridge_names_refused),
	    cmocka_unit_test(test_malformed_lines_dropped_with_warning),
	};

	return cmocka_run_group_tests(tests, unit_tmp_setup, unit_tmp_teardown);
}
