/* test_net_runners.c — the parent's side of the network plumbing (sys/net/net.c, and the start
 * of the bridge and user mode runners): taking the namespace and its user namespace from the
 * netns helper over the plumb socket, the helper's errors, the waits cut short, and the word to
 * the child. The helper is a fake (a forked process sending fds or codes), and then the real
 * one, run as root of a user namespace of this binary's own with a network namespace of its
 * own (netns.h), so nothing reaches the host's network. */
#include "unit.h"
#include "netns.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plan/plan.h"
#include "plan/policy.h"
#include "profile/profile.h"
#include "sys/net/net.h"
#include "util/cleanup.h"
#include "util/fd.h"
#include "util/wait.h"

#include "caller.h"

static bool in_own_userns; /* main() entered a user and network namespace of its own */

static const struct sbx_loc mode_loc = {"t.cfg", 2};

/* A parent's run context with the net channel (its end @net) and the plumb socket's parent end
 * @plumb, recording errors in @err. */
static struct run_ctx parent_ctx(int net, int plumb, struct sbx_err *err)
{
	struct run_ctx ctx = {
	    .side = SIDE_PARENT,
	    .ch = RUN_CHANNELS_NONE,
	    .err = err,
	    .pidfd = -1,
	    .child = -1,
	    .net_helper = -1,
	    .net_plumb_fd = plumb,
	    .guard = {.sigfd = -1, .deadline = wait_now_ms() + 5000}, /* fail, never hang */
	};

	ctx.ch[CH_NET][SIDE_PARENT] = net;
	return ctx;
}

/* A socket pair whose reads give up after a few seconds: code that fails to send makes a test
 * fail, not hang. */
static void pair(int sv[2])
{
	struct timeval tv = {.tv_sec = 5};

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(setsockopt(sv[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
}

/* How many fds this process has open. */
static unsigned open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	unsigned n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1; /* the directory's own */
}

static void assert_closed(int fd)
{
	errno = 0;
	assert_int_equal(fcntl(fd, F_GETFD), -1);
	assert_int_equal(errno, EBADF);
}

static ino_t ino_of(int fd)
{
	struct stat st;

	assert_int_equal(fstat(fd, &st), 0);
	return st.st_ino;
}

/* A scratch file standing in for a namespace: its fd, its inode in *@ino. */
static int stand_in(const char *name, ino_t *ino)
{
	char path[PATH_MAX];
	int fd = open(unit_path(path, sizeof(path), name), O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	*ino = ino_of(fd);
	return fd;
}

/* A message the fake helper sends: an fd (@fd >= 0) or a code (@code < 0). */
struct msg {
	int fd;
	int code;
};

/* The fake helper: a process that sends @n messages on @sock (its end of the plumb socket),
 * then exits, closing it. Its pid. */
static pid_t fake_helper(int sock, const struct msg *m, size_t n)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		for (size_t i = 0; i < n; i++)
			if (fd_send(sock, m[i].fd >= 0 ? m[i].fd : m[i].code) < 0)
				_exit(1);
		_exit(0);
	}
	return pid;
}

static void reap(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* What the helper passes in user mode: the namespace, then the user namespace owning it; both
 * fds come out, and the parent's end of the plumb socket is closed and forgotten. */
static void test_take_netns_and_userns(void **state)
{
	struct sbx_err err = {0};
	struct step s = {.kind = STEP_NET_USER, .loc = mode_loc};
	ino_t net_ino, user_ino;
	int net = stand_in("netns", &net_ino), user = stand_in("userns", &user_ino);
	int sp[2], userns = -1, netns;
	struct run_ctx ctx;
	pid_t pid;

	(void)state;
	pair(sp);
	pid = fake_helper(sp[1], (struct msg[]){{net, 0}, {user, 0}}, 2);
	close(sp[1]);
	close(net);
	close(user);
	ctx = parent_ctx(-1, sp[0], &err);
	netns = net_take_netns(&s, &ctx, &userns);
	assert_true(netns >= 0);
	assert_true(userns >= 0);
	assert_int_equal(ino_of(netns), net_ino);
	assert_int_equal(ino_of(userns), user_ino);
	assert_int_equal(ctx.net_plumb_fd, -1);
	assert_closed(sp[0]);
	assert_int_equal(err.n, 0);
	/* Close-on-exec, as every fd of sbx's but the command's. */
	assert_true(fcntl(netns, F_GETFD) & FD_CLOEXEC);
	assert_true(fcntl(userns, F_GETFD) & FD_CLOEXEC);
	close(netns);
	close(userns);
	reap(pid);
}

/* Bridge mode takes only the namespace: the user namespace the helper sends after it goes
 * with the socket. */
static void test_take_netns_alone(void **state)
{
	struct sbx_err err = {0};
	struct step s = {.kind = STEP_NET_VETH, .loc = mode_loc};
	ino_t net_ino, user_ino;
	int net = stand_in("netns", &net_ino), user = stand_in("userns", &user_ino);
	int sp[2], netns;
	unsigned before;
	struct run_ctx ctx;
	pid_t pid;

	(void)state;
	pair(sp);
	pid = fake_helper(sp[1], (struct msg[]){{net, 0}, {user, 0}}, 2);
	close(sp[1]);
	close(net);
	close(user);
	reap(pid); /* both sent */
	before = open_fds();
	ctx = parent_ctx(-1, sp[0], &err);
	netns = net_take_netns(&s, &ctx, NULL);
	assert_true(netns >= 0);
	assert_int_equal(ino_of(netns), net_ino);
	assert_closed(sp[0]);
	assert_int_equal(ctx.net_plumb_fd, -1);
	close(netns);
	assert_int_equal(open_fds(), before - 1); /* the socket; nothing received is left */
}

/* The helper's failure, at any point, is the step's error, said at the step's line; what was
 * received before it is closed, and so is the socket. A helper gone without a word is -EIO. */
static void test_take_netns_helper_failed(void **state)
{
	struct step user = {.kind = STEP_NET_USER, .loc = mode_loc};
	struct step veth = {.kind = STEP_NET_VETH, .loc = mode_loc};
	ino_t ino;
	int net = stand_in("netns", &ino);
	static const struct {
		bool userns;
		struct msg m[2];
		size_t n;
		int want;
		const char *msg;
	} cases[] = {
	    {false,
	     {{-1, -EPERM}},
	     1,
	     -EPERM,
	     "net-veth: the network namespace helper failed: Operation not permitted"},
	    {true,
	     {{-1, -ENOSPC}},
	     1,
	     -ENOSPC,
	     "net-user: the network namespace helper failed: No space left on device"},
	    {true,
	     {{0, 0}, {-1, -ENOENT}},
	     2,
	     -ENOENT,
	     "net-user: the network namespace helper failed: No such file or directory"},
	    {true,
	     {{0, 0}},
	     1,
	     -EIO,
	     "net-user: the network namespace helper failed: Input/output error"},
	    {false,
	     {{0}},
	     0,
	     -EIO,
	     "net-veth: the network namespace helper failed: Input/output error"},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct sbx_err err = {0};
		struct msg m[2];
		int sp[2], userns = -1;
		unsigned before;
		struct run_ctx ctx;
		pid_t pid;

		memcpy(m, cases[i].m, sizeof(m));
		for (size_t k = 0; k < cases[i].n; k++)
			if (m[k].code == 0)
				m[k].fd = net; /* a namespace first, then the failure */
		pair(sp);
		pid = fake_helper(sp[1], m, cases[i].n);
		close(sp[1]);
		reap(pid);
		before = open_fds();
		ctx = parent_ctx(-1, sp[0], &err);
		assert_int_equal(net_take_netns(cases[i].userns ? &user : &veth, &ctx,
						cases[i].userns ? &userns : NULL),
				 cases[i].want);
		assert_int_equal(ctx.net_plumb_fd, -1);
		assert_closed(sp[0]);
		assert_int_equal(open_fds(), before - 1);
		assert_int_equal(err.n, 1);
		assert_int_equal(err.code, cases[i].want);
		assert_string_equal(err.diag[0].file, "t.cfg");
		assert_int_equal(err.diag[0].line, 2);
		assert_string_equal(err.diag[0].msg, cases[i].msg);
	}
	close(net);
}

/* A wait cut short by the deadline or by a signal: the executor says why, so no message
 * here; the socket is closed all the same. */
static void test_take_netns_cut_short(void **state)
{
	struct sbx_err err = {0};
	struct step s = {.kind = STEP_NET_USER, .loc = mode_loc};
	int sp[2], userns = -1;
	struct run_ctx ctx;
	sigset_t usr1, old;

	(void)state;
	pair(sp); /* a helper that says nothing yet */
	ctx = parent_ctx(-1, sp[0], &err);
	ctx.guard.deadline = wait_now_ms() + 20;
	assert_int_equal(net_take_netns(&s, &ctx, &userns), -ETIMEDOUT);
	assert_int_equal(err.n, 0);
	assert_int_equal(ctx.net_plumb_fd, -1);
	assert_closed(sp[0]);
	close(sp[1]);

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	assert_int_equal(sigprocmask(SIG_BLOCK, &usr1, &old), 0);
	pair(sp);
	ctx = parent_ctx(-1, sp[0], &err);
	ctx.guard.sigfd = signalfd(-1, &usr1, SFD_CLOEXEC | SFD_NONBLOCK);
	assert_true(ctx.guard.sigfd >= 0);
	assert_int_equal(kill(getpid(), SIGUSR1), 0);
	assert_int_equal(net_take_netns(&s, &ctx, &userns), -EINTR);
	assert_int_equal(ctx.guard.signal, SIGUSR1);
	assert_int_equal(err.n, 0);
	assert_closed(sp[0]);
	close(sp[1]);
	close(ctx.guard.sigfd);
	assert_int_equal(sigprocmask(SIG_SETMASK, &old, NULL), 0);
}

/* Without a plumb socket (no netns-create with to=parent before it): an internal error at the
 * step's line, no wait. */
static void test_take_netns_without_helper(void **state)
{
	struct sbx_err err = {0};
	struct step s = {.kind = STEP_NET_VETH, .loc = mode_loc};
	struct run_ctx ctx = parent_ctx(-1, -1, &err);

	(void)state;
	assert_int_equal(net_take_netns(&s, &ctx, NULL), -EBADF);
	assert_int_equal(err.diag[0].line, 2);
	assert_string_equal(err.diag[0].msg, "internal error: net-veth without the netns helper");
}

/* The word to the child, which its netns-ready step takes: 0, or the failure. */
static void test_tell_child(void **state)
{
	struct sbx_err err = {0};
	struct step ready = {.kind = STEP_NETNS_READY, .loc = mode_loc, .netlink.plumb = true};
	int sv[2];
	struct run_ctx ctx, child = {.side = SIDE_CHILD, .ch = RUN_CHANNELS_NONE};

	(void)state;
	pair(sv);
	ctx = parent_ctx(sv[0], -1, &err);
	child.ch[CH_NET][SIDE_CHILD] = sv[1];
	assert_int_equal(net_tell_child(&ctx, 0), 0);
	assert_int_equal(net_run_ready(&ready, &child), 0);
	assert_closed(sv[1]);
	close(sv[0]);
	pair(sv);
	ctx = parent_ctx(sv[0], -1, &err);
	child.ch[CH_NET][SIDE_CHILD] = sv[1];
	assert_int_equal(net_tell_child(&ctx, -ENETUNREACH), 0);
	assert_int_equal(net_run_ready(&ready, &child), -ENETUNREACH);
	assert_non_null(strstr(net_ready_hint(&ready, -ENETUNREACH, 0), "see the error before"));
	close(sv[0]);
	/* The child gone: the parent hears it, and does not die of SIGPIPE. */
	pair(sv);
	close(sv[1]);
	ctx = parent_ctx(sv[0], -1, &err);
	assert_true(net_tell_child(&ctx, 0) < 0);
	close(sv[0]);
	assert_int_equal(err.n, 0);
}

/* When the helper failed, the veth and user mode runners pass its error to the child and
 * return it, having made nothing: no undo, no helper started, nothing left open. */
static void test_plumb_runners_when_helper_failed(void **state)
{
	static const step_run_fn runners[] = {net_run_veth, net_run_user};
	static const enum step_kind kinds[] = {STEP_NET_VETH, STEP_NET_USER};
	ino_t ino;
	int net = stand_in("netns", &ino);

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(runners); i++) {
		struct sbx_err err = {0};
		struct step s = {.kind = kinds[i], .loc = mode_loc};
		int sp[2], sv[2];
		unsigned before;
		struct run_ctx ctx;
		pid_t pid;

		pair(sp);
		pair(sv);
		/* user mode: the namespace came, its user namespace did not */
		if (kinds[i] == STEP_NET_USER)
			pid = fake_helper(sp[1], (struct msg[]){{net, 0}, {-1, -EACCES}}, 2);
		else
			pid = fake_helper(sp[1], (struct msg[]){{-1, -EACCES}}, 1);
		close(sp[1]);
		reap(pid);
		before = open_fds();
		ctx = parent_ctx(sv[0], sp[0], &err);
		assert_int_equal(runners[i](&s, &ctx), -EACCES);
		assert_int_equal(fd_recv_code(sv[1]), -EACCES);
		assert_int_equal(ctx.n_undo, 0);
		assert_null(ctx.net_user);
		assert_int_equal(ctx.net_plumb_fd, -1);
		assert_closed(sp[0]);
		assert_int_equal(open_fds(), before - 1);
		assert_int_equal(err.n, 1);
		assert_int_equal(err.diag[0].line, 2);
		close(sv[0]);
		close(sv[1]);
	}
	close(net);
}

/* The netns-create step of mode none as compiled for root, with its lo-up request. */
static struct plan *none_plan(void)
{
	static char *argv[] = {"/bin/true", NULL};
	static char *env[] = {NULL};
	_cleanup_(profile_freep) struct profile *p = NULL;
	struct sbx_caller c = unit_caller(0, argv, env);
	struct plan *plan = NULL;
	struct sbx_err err = {0};

	assert_int_equal(
	    profile_parse_string("network = { mode = \"none\"; };\n", "t.cfg", &p, &err), 0);
	assert_int_equal(policy_compile(p, &c, &plan, &err), 0);
	return plan;
}

static struct step create_step(const struct plan *plan, bool plumb)
{
	struct step s = *plan_first(plan, STEP_NETNS_CREATE);

	s.netlink.enter_userns = false; /* this process is already where the helper goes */
	s.netlink.plumb = plumb;
	return s;
}

/* Whether lo is up in the network namespace @fd (looked at from a child that joins it). */
static bool lo_up_in(int fd)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct ifreq ifr = {.ifr_name = "lo"};
		int sock;

		if (setns(fd, CLONE_NEWNET) < 0)
			_exit(2);
		sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (sock < 0 || ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
			_exit(3);
		_exit(ifr.ifr_flags & IFF_UP ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status) == 0;
}

static ino_t ns_ino(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_ino;
}

/* The real helper in plumb mode (bridge, user): the child gets the namespace, the parent gets
 * it too once lo is up there, then the user namespace that owns it, and the child's word is
 * left to the parent. */
static void test_helper_plumb_mode(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_err err = {0};
	struct step s, user = {.kind = STEP_NET_USER, .loc = mode_loc};
	int sv[2], child_fd, netns, userns = -1;
	unsigned before;
	struct run_ctx ctx;

	(void)state;
	if (!in_own_userns)
		skip();
	plan = none_plan();
	s = create_step(plan, true);
	before = open_fds();
	pair(sv);
	ctx = parent_ctx(sv[0], -1, &err);
	assert_int_equal(net_run_create(&s, &ctx), 0);
	assert_true(ctx.net_plumb_fd >= 0);
	assert_true(fcntl(ctx.net_plumb_fd, F_GETFD) & FD_CLOEXEC);
	assert_true(ctx.net_helper > 0);
	child_fd = fd_recv(sv[1]);
	assert_true(child_fd >= 0);
	netns = net_take_netns(&user, &ctx, &userns);
	assert_true(netns >= 0);
	assert_int_equal(ctx.net_plumb_fd, -1);
	/* One new namespace, the same on both sides, lo up; owned by this process's. */
	assert_int_equal(ino_of(netns), ino_of(child_fd));
	assert_int_not_equal(ino_of(netns), ns_ino("/proc/self/ns/net"));
	assert_true(lo_up_in(netns));
	assert_int_equal(ino_of(userns), ns_ino("/proc/self/ns/user"));
	reap(ctx.net_helper);
	/* Nothing more for the child from the helper: the parent tells it. */
	close(sv[0]);
	assert_int_equal(fd_recv_code(sv[1]), -EIO);
	close(sv[1]);
	close(child_fd);
	close(netns);
	close(userns);
	assert_int_equal(err.n, 0);
	assert_int_equal(open_fds(), before); /* the helper's end of the plumb socket too */
}

/* Without plumbing (mode none) the helper tells the child itself and no plumb socket exists. */
static void test_helper_tells_child_without_plumb(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_err err = {0};
	struct step s;
	int sv[2], child_fd;
	struct run_ctx ctx;

	(void)state;
	if (!in_own_userns)
		skip();
	plan = none_plan();
	s = create_step(plan, false);
	pair(sv);
	ctx = parent_ctx(sv[0], -1, &err);
	assert_int_equal(net_run_create(&s, &ctx), 0);
	assert_int_equal(ctx.net_plumb_fd, -1);
	child_fd = fd_recv(sv[1]);
	assert_true(child_fd >= 0);
	assert_int_equal(fd_recv_code(sv[1]), 0);
	assert_true(lo_up_in(child_fd));
	reap(ctx.net_helper);
	close(child_fd);
	close(sv[0]);
	close(sv[1]);
}

/* The helper that can't enter the sandbox's user namespace (the child is gone): both the child
 * and the parent hear why, and the parent says it at the step's line. */
static void test_helper_plumb_mode_fails(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_err err = {0};
	struct step s, veth = {.kind = STEP_NET_VETH, .loc = mode_loc};
	int sv[2], status;
	struct run_ctx ctx;
	pid_t gone = fork();

	(void)state;
	if (!in_own_userns)
		skip();
	assert_true(gone >= 0);
	if (gone == 0)
		_exit(0);
	assert_int_equal(waitpid(gone, &status, 0), gone);
	plan = none_plan();
	s = create_step(plan, true);
	s.netlink.enter_userns = true;
	pair(sv);
	ctx = parent_ctx(sv[0], -1, &err);
	ctx.child = gone; /* no pidfd: /proc/PID/ns/user, which is gone */
	assert_int_equal(net_run_create(&s, &ctx), 0);
	assert_int_equal(fd_recv(sv[1]), -ENOENT);
	assert_int_equal(net_take_netns(&veth, &ctx, NULL), -ENOENT);
	assert_int_equal(err.diag[0].line, 2);
	assert_string_equal(err.diag[0].msg,
			    "net-veth: the network namespace helper failed: No such file or "
			    "directory");
	assert_int_equal(waitpid(ctx.net_helper, &status, 0), ctx.net_helper);
	assert_true(WIFEXITED(status));
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_take_netns_and_userns),
	    cmocka_unit_test(test_take_netns_alone),
	    cmocka_unit_test(test_take_netns_helper_failed),
	    cmocka_unit_test(test_take_netns_cut_short),
	    cmocka_unit_test(test_take_netns_without_helper),
	    cmocka_unit_test(test_tell_child),
	    cmocka_unit_test(test_plumb_runners_when_helper_failed),
	    cmocka_unit_test(test_helper_plumb_mode),
	    cmocka_unit_test(test_helper_tells_child_without_plumb),
	    cmocka_unit_test(test_helper_plumb_mode_fails),
	};

	/* Not on a kernel without user namespaces, where sbx can't run at all; the fakes' tests
	 * still do. */
	in_own_userns = netns_enter_userns() == 0;
	return cmocka_run_group_tests(tests, unit_tmp_setup, unit_tmp_teardown);
}
