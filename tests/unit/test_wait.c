/* test_wait.c — the parent's bounded waits during setup (util/wait.c): a wait ends when what it
 * waits for happens, when a guarded signal arrives (-EINTR, which one), or at the deadline. */
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

#include "util/wait.h"

static pid_t sleeper(unsigned seconds)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		sleep(seconds);
		_exit(3);
	}
	return pid;
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void test_exit_is_waited_for(void **state)
{
	struct wait_guard g = {.sigfd = -1, .deadline = wait_now_ms() + 5000};
	int status = 0;

	(void)state;
	assert_int_equal(wait_for_exit(sleeper(0), &g, &status), 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 3);
}

static void test_deadline_ends_the_wait(void **state)
{
	struct wait_guard g = {.sigfd = -1, .deadline = wait_now_ms() + 100};
	pid_t pid = sleeper(10);
	uint64_t start = wait_now_ms();
	int status;

	(void)state;
	assert_int_equal(wait_for_exit(pid, &g, &status), -ETIMEDOUT);
	assert_true(wait_now_ms() - start < 5000);
	assert_int_equal(waitpid(pid, &status, WNOHANG), 0); /* still running: the caller kills */
	reap(pid);
}

static void test_signal_ends_the_wait(void **state)
{
	struct wait_guard g = {.sigfd = -1};
	sigset_t set, old;
	int fds[2], status;
	pid_t pid = sleeper(10);

	(void)state;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	assert_int_equal(sigprocmask(SIG_BLOCK, &set, &old), 0);
	g.sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	assert_true(g.sigfd >= 0);
	assert_int_equal(kill(getpid(), SIGUSR1), 0);
	assert_int_equal(wait_for_exit(pid, &g, &status), -EINTR);
	assert_int_equal(g.signal, SIGUSR1);
	/* the same for a pipe nobody writes to */
	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	g.signal = 0;
	assert_int_equal(kill(getpid(), SIGUSR1), 0);
	assert_int_equal(wait_for_readable(fds[0], &g), -EINTR);
	assert_int_equal(g.signal, SIGUSR1);
	assert_int_equal(write(fds[1], "x", 1), 1);
	assert_int_equal(wait_for_readable(fds[0], &g), 0);
	close(fds[0]);
	close(fds[1]);
	close(g.sigfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	reap(pid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_exit_is_waited_for),
	    cmocka_unit_test(test_deadline_ends_the_wait),
	    cmocka_unit_test(test_signal_ends_the_wait),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
