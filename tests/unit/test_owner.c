/* test_owner.c — process identities that survive pid reuse (util/owner.c): the start time read
 * from /proc/PID/stat whatever the command name holds, the text form, and when an owner counts
 * as gone. */
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "util/owner.h"

/* A child that renames itself to @comm, then writes its owner as read before and after the
 * rename, and whether the renamed one is alive, to @fd; then waits to be killed. */
static pid_t renamed_child(const char *comm, int fd)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct owner o[2] = {{0}};
		int ok = owner_self(&o[0]) == 0 && prctl(PR_SET_NAME, comm) == 0 &&
			 owner_self(&o[1]) == 0 && owner_alive(&o[1]);

		if (write(fd, o, sizeof(o)) != (ssize_t)sizeof(o) ||
		    write(fd, &ok, sizeof(ok)) != (ssize_t)sizeof(ok))
			_exit(1);
		pause();
		_exit(0);
	}
	return pid;
}

static void expect_same_start_after_rename(const char *comm)
{
	struct owner o[2], seen = {0};
	char path[32], name[32] = "";
	int fds[2], ok = 0, f, seen_r, alive;
	pid_t pid;

	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	pid = renamed_child(comm, fds[1]);
	close(fds[1]);
	f = read(fds[0], o, sizeof(o)) == (ssize_t)sizeof(o) &&
	    read(fds[0], &ok, sizeof(ok)) == (ssize_t)sizeof(ok);
	close(fds[0]);
	/* what the parent sees, taken before the child goes so a failure leaves nothing behind */
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	f = f ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (f >= 0) {
		(void)!read(f, name, sizeof(name) - 1);
		close(f);
	}
	seen_r = owner_of(pid, &seen);
	alive = owner_alive(&o[0]);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);

	assert_true(strncmp(name, comm, strlen(comm)) == 0); /* the stat line shows that name */
	assert_true(ok);
	assert_int_equal(o[0].pid, pid);
	assert_true(o[0].start > 0);
	assert_true(owner_equal(&o[0], &o[1]));
	assert_int_equal(seen_r, 0);
	assert_true(owner_equal(&seen, &o[0]));
	assert_true(alive);
}

static void test_comm_with_spaces_and_parens(void **state)
{
	(void)state;
	expect_same_start_after_rename("a b c d e f g");
	expect_same_start_after_rename("x) 1 2 3 (y");
	expect_same_start_after_rename(") ) ) ) ) ) )");
}

static void test_self_is_alive(void **state)
{
	struct owner me, wrong;

	(void)state;
	assert_int_equal(owner_self(&me), 0);
	assert_int_equal(me.pid, getpid());
	assert_true(owner_alive(&me));
	/* the same pid with another start time: a process that had this pid before */
	wrong = me;
	wrong.start++;
	assert_false(owner_alive(&wrong));
	assert_false(owner_equal(&me, &wrong));
}

static void test_exited_child_is_gone(void **state)
{
	struct owner o, zombie;
	siginfo_t si;
	pid_t pid;
	int alive, waited, zombie_r, zombie_alive;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	alive = owner_of(pid, &o) == 0 && owner_alive(&o);
	kill(pid, SIGKILL);
	assert_true(alive);
	/* a zombie (exited, not yet reaped) has its stat file still, but is gone as an owner */
	waited = waitid(P_PID, pid, &si, WEXITED | WNOWAIT);
	zombie_r = owner_of(pid, &zombie);
	zombie_alive = owner_alive(&o);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	assert_int_equal(waited, 0);
	assert_int_equal(zombie_r, 0);
	assert_true(owner_equal(&zombie, &o));
	assert_false(zombie_alive);
	assert_false(owner_alive(&o));
	assert_int_equal(owner_of(pid, &o), -ENOENT);
}

static void test_format_and_parse(void **state)
{
	struct owner o = {.pid = 4242, .start = 18446744073709551615ull}, back;
	char buf[OWNER_TEXT_MAX];
	static const char *const bad[] = {
	    "",	     "4242",   "4242:", ":17",		"0:17",
	    "-1:17", "+5:17",  " 5:17", "5: 17",	"5:17 ",
	    "5:17x", "5:-17",  "5:+17", "2147483648:1", "5:18446744073709551616",
	    "5;17",  "5:17:1",
	};

	(void)state;
	assert_string_equal(owner_format(&o, buf), "4242:18446744073709551615");
	assert_int_equal(owner_parse(buf, &back), 0);
	assert_true(owner_equal(&o, &back));
	assert_int_equal(owner_parse("2147483647:0", &back), 0);
	assert_int_equal(back.pid, 2147483647);
	assert_true(back.start == 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		back.pid = 77;
		if (owner_parse(bad[i], &back) != -EINVAL)
			fail_msg("owner_parse(\"%s\") took it", bad[i]);
		assert_int_equal(back.pid, 77); /* untouched on failure */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_comm_with_spaces_and_parens),
	    cmocka_unit_test(test_self_is_alive),
	    cmocka_unit_test(test_exited_child_is_gone),
	    cmocka_unit_test(test_format_and_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
