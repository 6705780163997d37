/* test_runners_process.c — the process runners (umask, chdir, die_with_parent, session,
 * terminal, stdio pipes, drop-terminal, exec, and init up to the start of the command), with
 * the system calls faked (fake_sys.h): which calls each makes, with which arguments and in which
 * order; and, for each of those calls failing, that the runner returns its -errno, goes no
 * further and leaves no fd open. test_process.c runs the same runners for real, in children. */
#include "unit.h"
#include "fake_sys.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>

#include "plan/plan.h"
#include "sys/process.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define REPORT 61 /* the child's end of CH_REPORT */
#define TTY 62	  /* the child's end of CH_TTY */

static struct run_ctx child_ctx(void)
{
	struct run_ctx ctx = {.side = SIDE_CHILD, .ch = RUN_CHANNELS_NONE, .root_fd = -1};

	ctx.ch[CH_REPORT][SIDE_CHILD] = REPORT;
	ctx.ch[CH_TTY][SIDE_CHILD] = TTY;
	return ctx;
}

/* Run @run on @s with the fake on (and @setup's rules), assert it succeeds with the log @want
 * and no fd the fake handed out left open; then each call but @tolerated ones failing
 * (fake_assert_failures()). */
static void check_at(const char *file, int line, step_run_fn run, const struct step *s,
		     void (*setup)(void), const char *const *tolerated, const char *const *want,
		     size_t n)
{
	const struct run_ctx ctx = child_ctx();
	const struct fake_run r = {
	    .run = run, .step = s, .ctx = &ctx, .setup = setup, .tolerated = tolerated};
	struct run_ctx copy = ctx;

	fake_begin();
	if (setup)
		setup();
	assert_int_equal(run(s, &copy), 0);
	fake_assert_list_at(file, line, want, n);
	assert_int_equal(fake_open_fds(), 0);
	fake_end_at(file, line);
	fake_assert_failures_at(file, line, &r, want, n);
}
#define check(run, s, setup, tolerated, want)                                                      \
	check_at(__FILE__, __LINE__, run, s, setup, tolerated, want, N(want))

static void test_umask(void **state)
{
	struct step s = {.kind = STEP_UMASK, .umask = {.mask = 027}};
	static const char *const calls[] = {"umask(027)"};
	static const char *const tolerated[] = {"umask(", NULL}; /* it can't fail */

	(void)state;
	check(process_run_umask, &s, NULL, tolerated, calls);
}

static void test_chdir(void **state)
{
	struct step s = {.kind = STEP_CHDIR, .chdir = {.path = "/home/u"}};
	static const char *const calls[] = {"chdir(/home/u)"};

	(void)state;
	check(process_run_chdir, &s, NULL, NULL, calls);
}

static void test_session(void **state)
{
	struct step s = {.kind = STEP_SESSION};
	static const char *const calls[] = {"setsid()"};

	(void)state;
	check(process_run_session, &s, NULL, NULL, calls);
}

static void ppid_is_sbx(void)
{
	fake_return("getppid()", 42);
}

/* The death signal is armed again (the id change cleared it); a parent already gone (another
 * parent, or the report pipe's reader closed) is -ESRCH. getppid() can't fail and a failed
 * poll() proves nothing, so neither failure ends the step. */
static void test_die_with_parent(void **state)
{
	struct step s = {.kind = STEP_DIE_WITH_PARENT, .pdeath = {.enable = true}};
	struct run_ctx ctx = child_ctx();
	static const char *const tolerated[] = {"getppid", "poll", NULL};
	static const char *const calls[] = {
	    "prctl(PR_SET_PDEATHSIG,9)",
	    "getppid() = 42",
	    "poll({61,0},1,0)",
	};

	(void)state;
	ctx.parent = 42;
	check_at(__FILE__, __LINE__, process_run_die_with_parent, &s, ppid_is_sbx, tolerated, calls,
		 N(calls));
	/* check_at() ran with ctx.parent 0 (unknown): the same calls, any ppid will do */

	fake_begin();
	fake_return("getppid()", 42);
	assert_int_equal(process_run_die_with_parent(&s, &ctx), 0);
	fake_assert_list(calls, N(calls));
	fake_end();

	/* in a new pid namespace the parent is outside: getppid() is 0 */
	fake_begin();
	assert_int_equal(process_run_die_with_parent(&s, &ctx), 0);
	fake_assert_calls("prctl(PR_SET_PDEATHSIG,9)", "getppid()", "poll({61,0},1,0)");
	fake_end();

	fake_begin(); /* reparented */
	fake_return("getppid()", 1);
	assert_int_equal(process_run_die_with_parent(&s, &ctx), -ESRCH);
	fake_assert_calls("prctl(PR_SET_PDEATHSIG,9)", "getppid() = 1");
	fake_end();

	fake_begin(); /* sbx is gone: its read end of the report pipe is closed */
	fake_revents("poll(", POLLERR);
	assert_int_equal(process_run_die_with_parent(&s, &ctx), -ESRCH);
	fake_assert_calls("prctl(PR_SET_PDEATHSIG,9)", "getppid()", "poll({61,0},1,0) = 1");
	fake_end();

	fake_begin();
	fake_fail("poll(", EINTR);
	assert_int_equal(process_run_die_with_parent(&s, &ctx), 0);
	fake_end();

	ctx.ch[CH_REPORT][SIDE_CHILD] = -1; /* no report pipe: nothing to poll */
	fake_begin();
	assert_int_equal(process_run_die_with_parent(&s, &ctx), 0);
	fake_assert_calls("prctl(PR_SET_PDEATHSIG,9)", "getppid()");
	fake_end();

	s.pdeath.enable = false; /* dropped: nothing to check */
	fake_begin();
	assert_int_equal(process_run_die_with_parent(&s, &ctx), 0);
	fake_assert_calls("prctl(PR_SET_PDEATHSIG,0)");
	fake_end();
}

/* The caller's terminal is given up; a sandbox without /dev/tty or a caller without a
 * controlling terminal has nothing to give up. */
static void test_no_ctty(void **state)
{
	struct step s = {.kind = STEP_NO_CTTY};
	struct run_ctx ctx = child_ctx();
	static const char *const calls[] = {
	    "open(/dev/tty,O_RDWR|O_NOCTTY|O_CLOEXEC) = 100",
	    "ioctl(100,TIOCNOTTY)",
	    "close(100)",
	};
	static const int none[] = {ENOENT, ENXIO, ENODEV};

	(void)state;
	check(process_run_no_ctty, &s, NULL, NULL, calls);
	for (size_t i = 0; i < N(none); i++) {
		fake_begin();
		fake_fail("open(/dev/tty", none[i]);
		assert_int_equal(process_run_no_ctty(&s, &ctx), 0);
		assert_int_equal(fake_count(), 1);
		fake_end();
	}
}

/* A new pty: unlocked, its peer opened by the master's fd, given the caller's modes and size,
 * the master sent to sbx and closed, then the peer made the controlling terminal of a new
 * session and copied to 0-2. */
static void test_tty(void **state)
{
	struct step s = {.kind = STEP_TTY};
	static const char *const tolerated[] = {"tcgetattr", "tcsetattr", "ioctl(0,TIOCGWINSZ",
						"ioctl(101,TIOCSWINSZ", NULL};
	static const char *const calls[] = {
	    "open(/dev/ptmx,O_RDWR|O_NOCTTY|O_CLOEXEC) = 100",
	    "ioctl(100,TIOCSPTLCK,0)",
	    "ioctl(100,TIOCGPTPEER,O_RDWR|O_NOCTTY|O_CLOEXEC) = 101",
	    "tcgetattr(0)",
	    "tcsetattr(101,TCSANOW,lflag=0xa)",
	    "ioctl(0,TIOCGWINSZ)",
	    "ioctl(101,TIOCSWINSZ,80x24)",
	    "fd_send(62,100)",
	    "close(100)",
	    "setsid()",
	    "ioctl(101,TIOCSCTTY,0)",
	    "dup2(101,0)",
	    "dup2(101,1) = 1",
	    "dup2(101,2) = 2",
	    "close(101)",
	};

	(void)state;
	check(process_run_tty, &s, NULL, tolerated, calls);
}

/* The caller's terminal is only read, and not having one (stdin not a terminal) is fine. */
static void test_tty_without_caller_terminal(void **state)
{
	struct step s = {.kind = STEP_TTY};
	struct run_ctx ctx = child_ctx();

	(void)state;
	fake_begin();
	fake_fail("tcgetattr(0)", ENOTTY);
	fake_fail("ioctl(0,TIOCGWINSZ)", ENOTTY);
	assert_int_equal(process_run_tty(&s, &ctx), 0);
	fake_assert_calls("open(/dev/ptmx,O_RDWR|O_NOCTTY|O_CLOEXEC) = 100",
			  "ioctl(100,TIOCSPTLCK,0)",
			  "ioctl(100,TIOCGPTPEER,O_RDWR|O_NOCTTY|O_CLOEXEC) = 101",
			  "tcgetattr(0) = -1 ENOTTY", "ioctl(0,TIOCGWINSZ) = -1 ENOTTY",
			  "fd_send(62,100)", "close(100)", "setsid()", "ioctl(101,TIOCSCTTY,0)",
			  "dup2(101,0)", "dup2(101,1) = 1", "dup2(101,2) = 2", "close(101)");
	fake_end();
}

/* A peer that lands on one of 0-2 stays open there, its close-on-exec cleared (dup2 would
 * not copy it onto itself). */
static void test_tty_peer_on_stdio(void **state)
{
	struct step s = {.kind = STEP_TTY};
	struct run_ctx ctx = child_ctx();

	(void)state;
	fake_begin();
	fake_return("ioctl(100,TIOCGPTPEER", 1);
	assert_int_equal(process_run_tty(&s, &ctx), 0);
	fake_assert_calls(
	    "open(/dev/ptmx,O_RDWR|O_NOCTTY|O_CLOEXEC) = 100", "ioctl(100,TIOCSPTLCK,0)",
	    "ioctl(100,TIOCGPTPEER,O_RDWR|O_NOCTTY|O_CLOEXEC) = 1", "tcgetattr(0)",
	    "tcsetattr(1,TCSANOW,lflag=0xa)", "ioctl(0,TIOCGWINSZ)", "ioctl(1,TIOCSWINSZ,80x24)",
	    "fd_send(62,100)", "close(100)", "setsid()", "ioctl(1,TIOCSCTTY,0)", "dup2(1,0)",
	    "fcntl(1,F_SETFD,0)", "dup2(1,2) = 2");
	fake_end();
}

/* For each of the fds in the step, lowest first: a pipe, the end sbx uses sent over the
 * socket and closed here, the other end moved onto the fd. */
static void test_pipes(void **state)
{
	struct step s = {.kind = STEP_PIPES, .pipes = {.fds = 1u << 0 | 1u << 2}};
	static const char *const calls[] = {
	    "pipe2(O_CLOEXEC) = [100,101]",
	    "fd_send(62,101)",
	    "close(101)",
	    "dup2(100,0)",
	    "close(100)",
	    "pipe2(O_CLOEXEC) = [102,103]",
	    "fd_send(62,102)",
	    "close(102)",
	    "dup2(103,2) = 2",
	    "close(103)",
	};

	(void)state;
	check(process_run_pipes, &s, NULL, NULL, calls);
}

static const char *const exec_paths[] = {"/usr/local/bin/x", "/usr/bin/x"};
static char *exec_argv[] = {"x", "-v", NULL};
static char *exec_envp[] = {"A=1", NULL};

/* Every fd above 2 is marked close-on-exec, then each candidate is tried in turn: a missing
 * one leads to the next, EACCES is remembered in case nothing better turns up, any other error
 * ends the search. Returns only on failure. */
static void test_exec(void **state)
{
	struct step s = {.kind = STEP_EXEC,
			 .exec = {.paths = exec_paths,
				  .n_paths = 2,
				  .argv = exec_argv,
				  .envp = exec_envp,
				  .name = "x"}};
	struct run_ctx ctx = child_ctx();
	static const int next[] = {ENOENT, ENOTDIR, ESTALE, ENODEV, ETIMEDOUT};

	(void)state;
	fake_begin();
	assert_int_equal(process_run_exec(&s, &ctx), -ENOENT);
	fake_assert_calls("close_range(3,~0,CLOSE_RANGE_CLOEXEC)",
			  "execve(/usr/local/bin/x,[x,-v],[A=1]) = -1 ENOENT",
			  "execve(/usr/bin/x,[x,-v],[A=1]) = -1 ENOENT");
	fake_end();

	for (size_t i = 0; i < N(next); i++) {
		fake_begin();
		fake_fail("execve(/usr/local/bin/x", next[i]);
		fake_fail("execve(/usr/bin/x", EACCES);
		assert_int_equal(process_run_exec(&s, &ctx), -EACCES);
		assert_int_equal(fake_count(), 3);
		fake_end();
	}

	fake_begin(); /* EACCES first, then nothing: EACCES */
	fake_fail("execve(/usr/local/bin/x", EACCES);
	assert_int_equal(process_run_exec(&s, &ctx), -EACCES);
	fake_assert_calls("close_range(3,~0,CLOSE_RANGE_CLOEXEC)",
			  "execve(/usr/local/bin/x,[x,-v],[A=1]) = -1 EACCES",
			  "execve(/usr/bin/x,[x,-v],[A=1]) = -1 ENOENT");
	fake_end();

	fake_begin(); /* anything else is final */
	fake_fail("execve(/usr/local/bin/x", E2BIG);
	assert_int_equal(process_run_exec(&s, &ctx), -E2BIG);
	fake_assert_calls("close_range(3,~0,CLOSE_RANGE_CLOEXEC)",
			  "execve(/usr/local/bin/x,[x,-v],[A=1]) = -1 E2BIG");
	fake_end();

	fake_begin(); /* no fd may leak to the command: nothing runs without that */
	fake_fail("close_range(", EINVAL);
	assert_int_equal(process_run_exec(&s, &ctx), -EINVAL);
	fake_assert_calls("close_range(3,~0,CLOSE_RANGE_CLOEXEC) = -1 EINVAL");
	fake_end();
}

/* init, up to the start of the command: no longer dumpable, SIGCHLD at its default, the
 * forwarded signals and SIGCHLD blocked, then the command cloned vfork-style on the step's
 * stack. A failed clone restores the mask; nothing is started without a stack. */
static void test_init(void **state)
{
	static char stack[16384] __attribute__((aligned(16)));
	struct step s = {.kind = STEP_INIT, .init = {.stack = stack, .stack_size = sizeof(stack)}};
	struct run_ctx ctx = child_ctx();
	static const char *const calls[] = {
	    "prctl(PR_SET_DUMPABLE,0)",
	    "sigaction(SIGCHLD,SIG_DFL)",
	    "sigprocmask(SIG_BLOCK,{SIGHUP,SIGINT,SIGQUIT,SIGUSR1,SIGUSR2,SIGTERM,SIGCHLD,SIGCONT,"
	    "SIGTSTP,SIGWINCH})",
	    "clone(CLONE_VM|CLONE_VFORK|SIGCHLD) = -1 EAGAIN",
	    "sigprocmask(SIG_SETMASK,{SIGPIPE})",
	};

	(void)state;
	fake_begin(); /* the fake's clone() fails with EAGAIN */
	assert_int_equal(process_run_init(&s, &ctx), -EAGAIN);
	fake_assert_list(calls, N(calls));
	fake_end();

	for (size_t i = 0; i < 3; i++) {
		fake_begin();
		fake_fail_nth((unsigned)i, EPERM);
		assert_int_equal(process_run_init(&s, &ctx), -EPERM);
		assert_int_equal(fake_count(), i + 1);
		fake_end();
	}

	s.init.stack_size = 4095;
	fake_begin();
	assert_int_equal(process_run_init(&s, &ctx), -EINVAL);
	s.init = (__typeof__(s.init)){.stack = NULL, .stack_size = sizeof(stack)};
	assert_int_equal(process_run_init(&s, &ctx), -EINVAL);
	assert_int_equal(fake_count(), 0);
	fake_end();
}

#define TEST(f) cmocka_unit_test_teardown(f, fake_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    TEST(test_umask),
	    TEST(test_chdir),
	    TEST(test_session),
	    TEST(test_die_with_parent),
	    TEST(test_no_ctty),
	    TEST(test_tty),
	    TEST(test_tty_without_caller_terminal),
	    TEST(test_tty_peer_on_stdio),
	    TEST(test_pipes),
	    TEST(test_exec),
	    TEST(test_init),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
