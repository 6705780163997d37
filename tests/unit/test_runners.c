/* test_runners.c — child-side runners of uts, rlimit and caps, with the syscalls mocked. */
/* LDWRAP: -Wl,--wrap=sethostname,--wrap=setdomainname,--wrap=setrlimit */
/* LDWRAP: -Wl,--wrap=setresuid,--wrap=setresgid,--wrap=setgroups */
#include "unit.h"

#include <errno.h>
#include <grp.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "caps.h"
#include "plan.h"
#include "rlimit.h"
#include "uts.h"

int __wrap_sethostname(const char *name, size_t len);
int __wrap_setdomainname(const char *name, size_t len);
int __wrap_setrlimit(int resource, const struct rlimit *rl);
int __wrap_setresuid(uid_t r, uid_t e, uid_t s);
int __wrap_setresgid(gid_t r, gid_t e, gid_t s);
int __wrap_setgroups(size_t n, const gid_t *list);

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

int __wrap_setresuid(uid_t r, uid_t e, uid_t s)
{
	check_expected(r);
	assert_int_equal(r, e);
	assert_int_equal(r, s);
	errno = mock_type(int);
	return errno ? -1 : 0;
}

int __wrap_setresgid(gid_t r, gid_t e, gid_t s)
{
	check_expected(r);
	assert_int_equal(r, e);
	assert_int_equal(r, s);
	errno = mock_type(int);
	return errno ? -1 : 0;
}

int __wrap_setgroups(size_t n, const gid_t *list)
{
	check_expected(n);
	(void)list;
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

static void test_set_ids_order_and_groups(void **state)
{
	struct step s = {.kind = STEP_SET_IDS};
	struct run_ctx ctx = {0};

	(void)state;
	s.ids.uid = 1000;
	s.ids.gid = 100;
	s.ids.set_groups = true;
	expect_value(__wrap_setgroups, n, 0);
	will_return(__wrap_setgroups, 0);
	expect_value(__wrap_setresgid, r, 100);
	will_return(__wrap_setresgid, 0);
	expect_value(__wrap_setresuid, r, 1000);
	will_return(__wrap_setresuid, 0);
	assert_int_equal(caps_run_set_ids(&s, &ctx), 0);

	/* setgroups denied in the namespace: never called; a failing setresuid is reported. */
	s.ids.set_groups = false;
	expect_value(__wrap_setresgid, r, 100);
	will_return(__wrap_setresgid, 0);
	expect_value(__wrap_setresuid, r, 1000);
	will_return(__wrap_setresuid, EINVAL);
	assert_int_equal(caps_run_set_ids(&s, &ctx), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hostname),
	    cmocka_unit_test(test_hostname_error_is_negative_errno),
	    cmocka_unit_test(test_rlimit_value_and_unlimited),
	    cmocka_unit_test(test_set_ids_order_and_groups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
