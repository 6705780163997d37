/* test_runners.c — child-side runners of uts, rlimit, caps and net, with the syscalls mocked:
 * by cmocka for uts, rlimit and net, by the ordered log of fake_sys.h for caps. */
/* LDWRAP: -Wl,--wrap=sethostname,--wrap=setdomainname,--wrap=setrlimit */
/* LDWRAP: -Wl,--wrap=setns */
#include "unit.h"
#include "fake_sys.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <unistd.h>

#include "sys/caps.h"
#include "sys/userns.h"
#include "sys/net/net.h"
#include "plan/plan.h"
#include "sys/rlimit.h"
#include "sys/uts.h"
#include "util/fd.h"

int __wrap_sethostname(const char *name, size_t len);
int __wrap_setdomainname(const char *name, size_t len);
int __wrap_setrlimit(int resource, const struct rlimit *rl);
int __wrap_setns(int fd, int nstype);

int __wrap_sethostname(const char *name, size_t len)
{
	check_expected(name);
	check_expected(len);
	errno = mock_type(int);
	return errno ? -1 : 0;
}

int __wrap_setdomainname(const char *name, size_t len)
{
	check_expected(name);
	(void)len;
	errno = mock_type(int);
	return errno ? -1 : 0;
}

int __wrap_setrlimit(int resource, const struct rlimit *rl)
{
	check_expected(resource);
	check_expected(rl->rlim_cur);
	check_expected(rl->rlim_max);
	errno = mock_type(int);
	return errno ? -1 : 0;
}

/* Checks that @fd is the one the test sent (the same file, as a new descriptor). */
static ino_t sent_ino;

int __wrap_setns(int fd, int nstype)
{
	struct stat st;

	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_ino, sent_ino);
	check_expected(nstype);
	errno = mock_type(int);
	return errno ? -1 : 0;
}

static void test_hostname(void **state)
{
	struct step s = {.kind = STEP_HOSTNAME, .uts.name = "box"};
	struct run_ctx ctx = {0};

	(void)state;
	expect_string(__wrap_sethostname, name, "box");
	expect_value(__wrap_sethostname, len, 3);
	will_return(__wrap_sethostname, 0);
	assert_int_equal(uts_run_hostname(&s, &ctx), 0);
}

static void test_hostname_error_is_negative_errno(void **state)
{
	struct step s = {.kind = STEP_DOMAINNAME, .uts.name = "example"};
	struct run_ctx ctx = {0};

	(void)state;
	expect_string(__wrap_setdomainname, name, "example");
	will_return(__wrap_setdomainname, EPERM);
	assert_int_equal(uts_run_domainname(&s, &ctx), -EPERM);
}

static void test_rlimit_value_and_unlimited(void **state)
{
	struct step s = {.kind = STEP_RLIMIT};
	struct run_ctx ctx = {0};

	(void)state;
	s.rlimit.resource = RLIMIT_NOFILE;
	s.rlimit.cur = s.rlimit.max = 64;
	expect_value(__wrap_setrlimit, resource, RLIMIT_NOFILE);
	expect_value(__wrap_setrlimit, rl->rlim_cur, 64);
	expect_value(__wrap_setrlimit, rl->rlim_max, 64);
	will_return(__wrap_setrlimit, 0);
	assert_int_equal(rlimit_run_set(&s, &ctx), 0);

	s.rlimit.resource = RLIMIT_CORE;
	s.rlimit.unlimited = true;
	expect_value(__wrap_setrlimit, resource, RLIMIT_CORE);
	expect_value(__wrap_setrlimit, rl->rlim_cur, RLIM_INFINITY);
	expect_value(__wrap_setrlimit, rl->rlim_max, RLIM_INFINITY);
	will_return(__wrap_setrlimit, EPERM);
	assert_int_equal(rlimit_run_set(&s, &ctx), -EPERM);
}

/* The ids change in one order: the groups, the gid, then the uid (which takes the right to
 * change the others), with the capabilities kept across for STEP_CAPS. */
static void test_set_ids_order_and_groups(void **state)
{
	struct step s = {.kind = STEP_SET_IDS,
			 .ids = {.uid = 1000, .gid = 100, .set_groups = true}};
	struct run_ctx ctx = {.side = SIDE_CHILD, .ch = RUN_CHANNELS_NONE};

	(void)state;
	fake_begin();
	assert_int_equal(caps_run_set_ids(&s, &ctx), 0);
	fake_assert_calls("prctl(PR_SET_KEEPCAPS,1)", "setgroups(0)", "setresgid(100,100,100)",
			  "setresuid(1000,1000,1000)");
	fake_end();

	/* setgroups denied in the namespace: never called. */
	s.ids.set_groups = false;
	fake_begin();
	assert_int_equal(caps_run_set_ids(&s, &ctx), 0);
	fake_assert_calls("prctl(PR_SET_KEEPCAPS,1)", "setresgid(100,100,100)",
			  "setresuid(1000,1000,1000)");
	fake_end();
}

/* Each failure is the step's -errno, and nothing after it runs. */
static void test_set_ids_errors(void **state)
{
	struct step s = {.kind = STEP_SET_IDS,
			 .ids = {.uid = 1000, .gid = 100, .set_groups = true}};
	struct run_ctx ctx = {.side = SIDE_CHILD, .ch = RUN_CHANNELS_NONE};

	(void)state;
	fake_begin();
	fake_fail("prctl(PR_SET_KEEPCAPS", EPERM);
	assert_int_equal(caps_run_set_ids(&s, &ctx), -EPERM);
	fake_assert_calls("prctl(PR_SET_KEEPCAPS,1) = -1 EPERM");
	fake_end();

	fake_begin();
	fake_fail("setgroups(", EPERM);
	assert_int_equal(caps_run_set_ids(&s, &ctx), -EPERM);
	fake_assert_calls("prctl(PR_SET_KEEPCAPS,1)", "setgroups(0) = -1 EPERM");
	fake_end();

	fake_begin();
	fake_fail("setresgid(", EINVAL);
	assert_int_equal(caps_run_set_ids(&s, &ctx), -EINVAL);
	fake_assert_calls("prctl(PR_SET_KEEPCAPS,1)", "setgroups(0)",
			  "setresgid(100,100,100) = -1 EINVAL");
	fake_end();

	fake_begin();
	fake_fail("setresuid(", EAGAIN);
	assert_int_equal(caps_run_set_ids(&s, &ctx), -EAGAIN);
	fake_assert_calls("prctl(PR_SET_KEEPCAPS,1)", "setgroups(0)", "setresgid(100,100,100)",
			  "setresuid(1000,1000,1000) = -1 EAGAIN");
	fake_end();
}

/* enter-ids (userns.c): the mapped ids, capabilities kept for the mounts, no setgroups(2). */
static void test_enter_ids(void **state)
{
	struct step s = {.kind = STEP_ENTER_IDS, .ids = {.uid = 0, .gid = 0}};
	struct run_ctx ctx = {.side = SIDE_CHILD, .ch = RUN_CHANNELS_NONE};

	(void)state;
	fake_begin();
	assert_int_equal(userns_run_enter_ids(&s, &ctx), 0);
	fake_assert_calls("prctl(PR_SET_KEEPCAPS,1)", "setresgid(0,0,0)", "setresuid(0,0,0)");
	fake_end();

	fake_begin();
	fake_fail("setresgid(", EINVAL);
	assert_int_equal(userns_run_enter_ids(&s, &ctx), -EINVAL);
	fake_assert_calls("prctl(PR_SET_KEEPCAPS,1)", "setresgid(0,0,0) = -1 EINVAL");
	fake_end();
}

#define CAP_BIT(c) (1ull << (c))
#define LAST_CAP 40 /* the fake kernel's last capability: dropping 41 is EINVAL */

/* The expected log of caps_run_caps() up to the bounding set: capget, capset of the permitted
 * set as effective, then a drop of every capability not kept, up to LAST_CAP + 1. Returns the
 * number of lines written to @want (backed by @buf). */
static size_t caps_prologue(uint64_t perm, uint64_t keep, const char **want, char (*buf)[64])
{
	size_t n = 0;

	want[n++] = "capget()";
	snprintf(buf[n], sizeof(buf[n]), "capset(eff=%#llx,perm=%#llx,inh=0)",
		 (unsigned long long)perm, (unsigned long long)perm);
	want[n] = buf[n];
	n++;
	for (unsigned cap = 0; cap <= LAST_CAP + 1; cap++) {
		if (keep & CAP_BIT(cap))
			continue;
		snprintf(buf[n], sizeof(buf[n]), "prctl(PR_CAPBSET_DROP,%u)%s", cap,
			 cap > LAST_CAP ? " = -1 EINVAL" : "");
		want[n] = buf[n];
		n++;
	}
	return n;
}

/* The bounding set loses all but the kept capabilities, then the kept ones that are permitted
 * become the effective, permitted and (ambient) inheritable sets and are raised as ambient, and
 * only then are capabilities no longer kept across a uid change. */
static void test_caps_ambient(void **state)
{
	const uint64_t perm = (CAP_BIT(LAST_CAP + 1) - 1) & ~CAP_BIT(12);
	struct step s = {.kind = STEP_CAPS,
			 .caps = {.keep = CAP_BIT(0) | CAP_BIT(10) | CAP_BIT(12), .ambient = true}};
	struct run_ctx ctx = {.side = SIDE_CHILD, .ch = RUN_CHANNELS_NONE};
	const char *want[80];
	char buf[80][64];
	size_t n;

	(void)state;
	fake_begin();
	fake_caps(perm);
	fake_fail("prctl(PR_CAPBSET_DROP,41)", EINVAL);
	assert_int_equal(caps_run_caps(&s, &ctx), 0);
	n = caps_prologue(perm, s.caps.keep, want, buf);
	/* 12 is kept but not permitted: it is not raised */
	want[n++] = "capset(eff=0x401,perm=0x401,inh=0x401)";
	want[n++] = "prctl(PR_CAP_AMBIENT,PR_CAP_AMBIENT_RAISE,0)";
	want[n++] = "prctl(PR_CAP_AMBIENT,PR_CAP_AMBIENT_RAISE,10)";
	want[n++] = "prctl(PR_SET_KEEPCAPS,0)";
	fake_assert_list(want, n);
	fake_end();
}

/* Root inside keeps its capabilities through execve() without ambient ones. */
static void test_caps_not_ambient(void **state)
{
	const uint64_t perm = CAP_BIT(LAST_CAP + 1) - 1;
	struct step s = {.kind = STEP_CAPS, .caps = {.keep = CAP_BIT(21), .ambient = false}};
	struct run_ctx ctx = {.side = SIDE_CHILD, .ch = RUN_CHANNELS_NONE};
	const char *want[80];
	char buf[80][64];
	size_t n;

	(void)state;
	fake_begin();
	fake_caps(perm);
	fake_fail("prctl(PR_CAPBSET_DROP,41)", EINVAL);
	assert_int_equal(caps_run_caps(&s, &ctx), 0);
	n = caps_prologue(perm, s.caps.keep, want, buf);
	want[n++] = "capset(eff=0x200000,perm=0x200000,inh=0)";
	want[n++] = "prctl(PR_SET_KEEPCAPS,0)";
	fake_assert_list(want, n);
	fake_end();
}

/* Every call's failure is the step's -errno (EINVAL from a drop only ends the drops), and
 * nothing after it runs. */
static void test_caps_errors(void **state)
{
	struct step s = {.kind = STEP_CAPS, .caps = {.keep = CAP_BIT(0), .ambient = true}};
	struct run_ctx ctx = {.side = SIDE_CHILD, .ch = RUN_CHANNELS_NONE};

	(void)state;
	fake_begin();
	fake_fail("capget(", EFAULT);
	assert_int_equal(caps_run_caps(&s, &ctx), -EFAULT);
	fake_assert_calls("capget() = -1 EFAULT");
	fake_end();

	fake_begin();
	fake_caps(3);
	fake_fail("capset(", EPERM);
	assert_int_equal(caps_run_caps(&s, &ctx), -EPERM);
	fake_assert_calls("capget()", "capset(eff=0x3,perm=0x3,inh=0) = -1 EPERM");
	fake_end();

	fake_begin();
	fake_caps(3);
	fake_fail("prctl(PR_CAPBSET_DROP,2)", EPERM);
	assert_int_equal(caps_run_caps(&s, &ctx), -EPERM);
	fake_assert_calls("capget()", "capset(eff=0x3,perm=0x3,inh=0)", "prctl(PR_CAPBSET_DROP,1)",
			  "prctl(PR_CAPBSET_DROP,2) = -1 EPERM");
	fake_end();

	fake_begin();
	fake_caps(3);
	fake_fail("prctl(PR_CAPBSET_DROP,2)", EINVAL);
	fake_fail("capset(eff=0x1", EPERM);
	assert_int_equal(caps_run_caps(&s, &ctx), -EPERM);
	fake_assert_calls("capget()", "capset(eff=0x3,perm=0x3,inh=0)", "prctl(PR_CAPBSET_DROP,1)",
			  "prctl(PR_CAPBSET_DROP,2) = -1 EINVAL",
			  "capset(eff=0x1,perm=0x1,inh=0x1) = -1 EPERM");
	fake_end();

	fake_begin();
	fake_caps(3);
	fake_fail("prctl(PR_CAPBSET_DROP,2)", EINVAL);
	fake_fail("prctl(PR_CAP_AMBIENT", EPERM);
	assert_int_equal(caps_run_caps(&s, &ctx), -EPERM);
	fake_assert_calls("capget()", "capset(eff=0x3,perm=0x3,inh=0)", "prctl(PR_CAPBSET_DROP,1)",
			  "prctl(PR_CAPBSET_DROP,2) = -1 EINVAL",
			  "capset(eff=0x1,perm=0x1,inh=0x1)",
			  "prctl(PR_CAP_AMBIENT,PR_CAP_AMBIENT_RAISE,0) = -1 EPERM");
	fake_end();

	fake_begin();
	fake_caps(3);
	fake_fail("prctl(PR_CAPBSET_DROP,2)", EINVAL);
	fake_fail("prctl(PR_SET_KEEPCAPS", EINVAL);
	assert_int_equal(caps_run_caps(&s, &ctx), -EINVAL);
	fake_assert_calls(
	    "capget()", "capset(eff=0x3,perm=0x3,inh=0)", "prctl(PR_CAPBSET_DROP,1)",
	    "prctl(PR_CAPBSET_DROP,2) = -1 EINVAL", "capset(eff=0x1,perm=0x1,inh=0x1)",
	    "prctl(PR_CAP_AMBIENT,PR_CAP_AMBIENT_RAISE,0)", "prctl(PR_SET_KEEPCAPS,0) = -1 EINVAL");
	fake_end();
}

static void test_no_new_privs(void **state)
{
	struct step s = {.kind = STEP_NO_NEW_PRIVS};
	struct run_ctx ctx = {.side = SIDE_CHILD, .ch = RUN_CHANNELS_NONE};

	(void)state;
	fake_begin();
	assert_int_equal(caps_run_no_new_privs(&s, &ctx), 0);
	fake_fail("prctl(PR_SET_NO_NEW_PRIVS", EINVAL);
	assert_int_equal(caps_run_no_new_privs(&s, &ctx), -EINVAL);
	fake_assert_calls("prctl(PR_SET_NO_NEW_PRIVS,1)",
			  "prctl(PR_SET_NO_NEW_PRIVS,1) = -1 EINVAL");
	fake_end();
}

/* The child's side of the network namespace: the helper's fd is joined, its failure is the
 * step's errno, and a helper that died without a word is -EIO. The socket is closed after. */
static void test_netns_join(void **state)
{
	struct step s = {.kind = STEP_NETNS_JOIN};
	struct run_ctx ctx = {.side = SIDE_CHILD, .ch = RUN_CHANNELS_NONE};
	struct stat st;
	int sv[2], fd;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	sent_ino = st.st_ino;
	assert_int_equal(fd_send(sv[0], fd), 0);
	close(fd);
	ctx.ch[CH_NET][SIDE_CHILD] = sv[1];
	expect_value(__wrap_setns, nstype, CLONE_NEWNET);
	will_return(__wrap_setns, 0);
	assert_int_equal(net_run_join(&s, &ctx), 0);
	/* The socket stays open for the word that lo is up, taken right before exec. */
	assert_int_equal(run_ch(&ctx, CH_NET), sv[1]);
	s.kind = STEP_NETNS_READY;
	assert_int_equal(fd_send_code(sv[0], 0), 0);
	assert_int_equal(net_run_ready(&s, &ctx), 0);
	assert_int_equal(run_ch(&ctx, CH_NET), -1);
	assert_int_equal(fcntl(sv[1], F_GETFD), -1); /* closed */
	close(sv[0]);
	assert_non_null(strstr(net_ready_hint(&s, -EPERM, 0), "lo up"));
	s.kind = STEP_NETNS_JOIN;

	/* lo could not be brought up: the helper's errno is the ready step's. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(fd_send_code(sv[0], -EADDRNOTAVAIL), 0);
	ctx.ch[CH_NET][SIDE_CHILD] = sv[1];
	assert_int_equal(net_run_ready(&s, &ctx), -EADDRNOTAVAIL);
	close(sv[0]);
	/* an fd where a code was expected, or the peer gone: -EIO, never a hang */
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(fd_send(sv[0], 0), 0);
	assert_int_equal(fd_recv_code(sv[1]), -EIO);
	assert_int_equal(fd_send_code(sv[0], 0), 0);
	assert_int_equal(fd_recv(sv[1]), -EIO);
	close(sv[0]);
	assert_int_equal(fd_recv_code(sv[1]), -EIO);
	close(sv[1]);

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(fd_send(sv[0], -ENOSPC), 0);
	ctx.ch[CH_NET][SIDE_CHILD] = sv[1];
	assert_int_equal(net_run_join(&s, &ctx), -ENOSPC);
	close(sv[0]);
	assert_non_null(strstr(net_join_hint(&s, -ENOSPC, 0), "user.max_net_namespaces"));
	assert_string_equal(net_join_hint(&s, -EIO, 0), "");

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	close(sv[0]);
	ctx.ch[CH_NET][SIDE_CHILD] = sv[1];
	assert_int_equal(net_run_join(&s, &ctx), -EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hostname),
	    cmocka_unit_test(test_hostname_error_is_negative_errno),
	    cmocka_unit_test(test_rlimit_value_and_unlimited),
	    cmocka_unit_test_teardown(test_set_ids_order_and_groups, fake_teardown),
	    cmocka_unit_test_teardown(test_set_ids_errors, fake_teardown),
	    cmocka_unit_test_teardown(test_enter_ids, fake_teardown),
	    cmocka_unit_test_teardown(test_caps_ambient, fake_teardown),
	    cmocka_unit_test_teardown(test_caps_not_ambient, fake_teardown),
	    cmocka_unit_test_teardown(test_caps_errors, fake_teardown),
	    cmocka_unit_test_teardown(test_no_new_privs, fake_teardown),
	    cmocka_unit_test(test_netns_join),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
