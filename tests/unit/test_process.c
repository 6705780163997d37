/* test_process.c — process_plan_add(): umask, cwd, die_with_parent, init, session or terminal,
 * the exec candidates and supervision; plus the exec, init and supervise runners in forked
 * children (no privileges needed: no namespaces are made). */
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plan/plan.h"
#include "run/child.h"
#include "sys/process.h"
#include "profile/profile.h"
#include "util/cleanup.h"
#include "util/fd.h"

static char *argv_ls[] = {"ls", "-l", NULL};

/* A profile as profile_new() makes it, built by hand so only process.c is under test. */
static void defaults(struct profile *p)
{
	memset(p, 0, sizeof(*p));
	p->namespaces = NS_DEFAULT;
	p->process.die_with_parent = true;
	p->process.new_session = true;
	p->process.init = -1;
	p->process.umask = -1;
}

static struct sbx_caller caller(char **argv, bool tty)
{
	return (struct sbx_caller){.uid = 1000, .gid = 1000, .stdin_tty = tty, .argv = argv};
}

static int compile(const struct profile *p, const struct sbx_caller *c, struct plan **ret,
		   struct sbx_err *err)
{
	struct plan *plan = plan_new();
	int r;

	assert_non_null(plan);
	r = process_plan_add(plan, p, c, err);
	if (process_plan_add_exec(plan, p, c, err) < 0 && r == 0)
		r = -EINVAL;
	*ret = plan;
	return r;
}

/* The kinds of @plan's steps must be exactly @want (terminated by _STEP_KIND_MAX). */
static void assert_kinds(const struct plan *plan, const enum step_kind *want)
{
	size_t n = 0;

	while (want[n] != _STEP_KIND_MAX)
		n++;
	assert_int_equal(plan->n_steps, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(plan->steps[i].kind, want[i]);
}

static const struct step *find(const struct plan *plan, enum step_kind k)
{
	for (size_t i = 0; i < plan->n_steps; i++)
		if (plan->steps[i].kind == k)
			return &plan->steps[i];
	return NULL;
}

static void test_defaults_with_pid_ns(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	static const enum step_kind want[] = {
	    STEP_CHDIR, STEP_DIE_WITH_PARENT, STEP_INIT,     STEP_SESSION,
	    STEP_EXEC,	STEP_SUPERVISE,	      _STEP_KIND_MAX};
	struct sbx_caller c = caller(argv_ls, false);
	struct sbx_err err = {0};
	struct profile p;

	(void)state;
	defaults(&p);
	assert_int_equal(compile(&p, &c, &plan, &err), 0);
	assert_int_equal(err.n, 0);
	assert_kinds(plan, want);
	assert_true(plan->has_init);
	assert_string_equal(find(plan, STEP_CHDIR)->chdir.path, "/");
	assert_true(find(plan, STEP_DIE_WITH_PARENT)->pdeath.enable);
	assert_int_equal(find(plan, STEP_SUPERVISE)->supervise.time_limit_ms, 0);
	assert_false(find(plan, STEP_SUPERVISE)->supervise.tty);
	assert_true(find(plan, STEP_SUPERVISE)->supervise.has_init);
}

static void test_init_default_without_pid_ns(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_caller c = caller(argv_ls, false);
	struct sbx_err err = {0};
	struct profile p;

	(void)state;
	defaults(&p);
	p.namespaces &= ~NS_BIT(NS_PID);
	assert_int_equal(compile(&p, &c, &plan, &err), 0);
	assert_null(find(plan, STEP_INIT));
	assert_false(plan->has_init);
	assert_false(find(plan, STEP_SUPERVISE)->supervise.has_init);
}

static void test_init_off_with_pid_ns(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_caller c = caller(argv_ls, false);
	struct sbx_err err = {0};
	struct profile p;

	(void)state;
	defaults(&p);
	p.process.init = 0;
	assert_int_equal(compile(&p, &c, &plan, &err), 0);
	assert_null(find(plan, STEP_INIT));
	assert_false(plan->has_init);
}

static void test_init_on_with_pid_ns(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_caller c = caller(argv_ls, false);
	struct sbx_err err = {0};
	struct profile p;

	(void)state;
	defaults(&p);
	p.process.init = 1;
	p.process.init_loc = (struct sbx_loc){"t.cfg", 7};
	assert_int_equal(compile(&p, &c, &plan, &err), 0);
	assert_non_null(find(plan, STEP_INIT));
	assert_int_equal(find(plan, STEP_INIT)->loc.line, 7);
	assert_true(plan->has_init);
}

static void test_init_on_without_pid_ns_is_an_error(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_caller c = caller(argv_ls, false);
	struct sbx_err err = {0};
	struct profile p;

	(void)state;
	defaults(&p);
	p.namespaces &= ~NS_BIT(NS_PID);
	p.process.init = 1;
	p.process.init_loc = (struct sbx_loc){"t.cfg", 12};
	assert_int_equal(compile(&p, &c, &plan, &err), -EINVAL);
	assert_int_equal(err.n, 1);
	assert_string_equal(err.diag[0].file, "t.cfg");
	assert_int_equal(err.diag[0].line, 12);
	assert_string_equal(err.diag[0].msg, "process.init needs the pid namespace");
}

static struct mount_entry dev_at(char *dst)
{
	return (struct mount_entry){.type = MOUNT_DEV, .dst = dst, .mode = -1};
}

/* tty, dev mount, new_session -> which of terminal / session is planned. */
static enum step_kind session_kind(bool tty, struct mount_entry *m, size_t n, bool new_session,
				   bool *ret_relay)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_caller c = caller(argv_ls, tty);
	struct sbx_err err = {0};
	struct profile p;

	defaults(&p);
	p.fs.mounts = m;
	p.fs.n_mounts = n;
	p.process.new_session = new_session;
	assert_int_equal(compile(&p, &c, &plan, &err), 0);
	assert_int_equal(
	    !!find(plan, STEP_TTY) + !!find(plan, STEP_SESSION) + !!find(plan, STEP_NO_CTTY), 1);
	*ret_relay = find(plan, STEP_SUPERVISE)->supervise.tty;
	if (find(plan, STEP_TTY))
		return STEP_TTY;
	return find(plan, STEP_SESSION) ? STEP_SESSION : STEP_NO_CTTY;
}

static void test_tty_session_or_neither(void **state)
{
	struct mount_entry dev[] = {{.type = MOUNT_TMPFS, .dst = "/tmp"}, dev_at("/dev")};
	struct mount_entry slash[] = {dev_at("/dev/")};
	struct mount_entry elsewhere[] = {dev_at("/mnt/dev")};
	bool relay;

	(void)state;
	assert_int_equal(session_kind(true, dev, 2, true, &relay), STEP_TTY);
	assert_true(relay);
	assert_int_equal(session_kind(true, slash, 1, true, &relay), STEP_TTY);
	assert_true(relay);
	/* no terminal to relay, or no devpts inside: setsid() only */
	assert_int_equal(session_kind(false, dev, 2, true, &relay), STEP_SESSION);
	assert_false(relay);
	assert_int_equal(session_kind(true, NULL, 0, true, &relay), STEP_SESSION);
	assert_false(relay);
	assert_int_equal(session_kind(true, elsewhere, 1, true, &relay), STEP_SESSION);
	assert_false(relay);
	/* new_session = false: the command stays in the caller's session, without its terminal */
	assert_int_equal(session_kind(true, dev, 2, false, &relay), STEP_NO_CTTY);
	assert_false(relay);
	assert_int_equal(session_kind(false, NULL, 0, false, &relay), STEP_NO_CTTY);
}

/* Which of fds 0-2 get pipes (stdin, stdout, stderr a terminal; dev mount; new_session). */
static unsigned stdio_pipes(bool in, bool out, bool err_tty, bool dev, bool new_session,
			    bool *ret_pty)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct mount_entry m[] = {dev_at("/dev")};
	struct sbx_caller c = {.uid = 1000,
			       .gid = 1000,
			       .stdin_tty = in,
			       .stdout_tty = out,
			       .stderr_tty = err_tty,
			       .argv = argv_ls};
	struct sbx_err err = {0};
	const struct step *s;
	struct profile p;

	defaults(&p);
	p.fs.mounts = dev ? m : NULL;
	p.fs.n_mounts = dev ? 1 : 0;
	p.process.new_session = new_session;
	assert_int_equal(compile(&p, &c, &plan, &err), 0);
	s = find(plan, STEP_PIPES);
	*ret_pty = find(plan, STEP_SUPERVISE)->supervise.tty;
	assert_int_equal(find(plan, STEP_SUPERVISE)->supervise.pipes, s ? s->pipes.fds : 0);
	if (s) /* right before exec, after any session step */
		assert_int_equal((s + 1)->kind, STEP_EXEC);
	return s ? s->pipes.fds : 0;
}

/* No terminal of the caller's is ever on the command's fds: a pty of its own, or pipes. */
static void test_stdio_pty_or_pipes(void **state)
{
	bool pty;

	(void)state;
	assert_int_equal(stdio_pipes(true, true, true, true, true, &pty), 0);
	assert_true(pty);
	/* stdout and stderr on the caller's terminal, stdin not */
	assert_int_equal(stdio_pipes(false, true, true, true, true, &pty), 6);
	assert_false(pty);
	assert_int_equal(stdio_pipes(false, false, true, true, true, &pty), 4);
	/* no devpts inside, or no session of its own: no pty, pipes for every terminal */
	assert_int_equal(stdio_pipes(true, true, true, false, true, &pty), 7);
	assert_false(pty);
	assert_int_equal(stdio_pipes(true, false, true, true, false, &pty), 5);
	assert_false(pty);
	/* no terminal at all: the fds are passed as they are */
	assert_int_equal(stdio_pipes(false, false, false, true, true, &pty), 0);
	assert_false(pty);
}

static void test_tty_comes_after_init(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct mount_entry dev[] = {dev_at("/dev")};
	static const enum step_kind want[] = {
	    STEP_CHDIR, STEP_DIE_WITH_PARENT, STEP_INIT,     STEP_TTY,
	    STEP_EXEC,	STEP_SUPERVISE,	      _STEP_KIND_MAX};
	struct sbx_caller c = caller(argv_ls, true);
	struct sbx_err err = {0};
	struct profile p;

	(void)state;
	defaults(&p);
	p.fs.mounts = dev;
	p.fs.n_mounts = 1;
	assert_int_equal(compile(&p, &c, &plan, &err), 0);
	assert_kinds(plan, want);
}

static void test_umask_cwd_pdeath_time_limit(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	static const enum step_kind want[] = {STEP_UMASK,    STEP_CHDIR, STEP_DIE_WITH_PARENT,
					      STEP_SESSION,  STEP_EXEC,	 STEP_SUPERVISE,
					      _STEP_KIND_MAX};
	struct sbx_caller c = caller(argv_ls, false);
	struct sbx_err err = {0};
	struct profile p;
	char cwd[] = "/srv/www";

	(void)state;
	defaults(&p);
	p.process.umask = 027;
	p.process.cwd = cwd;
	p.process.cwd_loc = (struct sbx_loc){"t.cfg", 3};
	p.process.die_with_parent = false;
	p.process.init = 0;
	p.process.time_limit = 90;
	p.process.setup_timeout = 45;
	p.process.time_limit_loc = (struct sbx_loc){"t.cfg", 4};
	assert_int_equal(compile(&p, &c, &plan, &err), 0);
	assert_kinds(plan, want);
	assert_int_equal(plan->steps[0].umask.mask, 027);
	assert_string_equal(plan->steps[1].chdir.path, "/srv/www");
	assert_ptr_not_equal(plan->steps[1].chdir.path, cwd); /* owned by the plan */
	assert_int_equal(plan->steps[1].loc.line, 3);
	assert_false(plan->steps[2].pdeath.enable);
	assert_int_equal(plan->steps[5].supervise.time_limit_ms, 90000);
	assert_int_equal(plan->steps[5].supervise.setup_timeout_ms, 45000);
	assert_int_equal(plan->steps[5].loc.line, 4);
}

static void test_umask_zero_is_set(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_caller c = caller(argv_ls, false);
	struct sbx_err err = {0};
	struct profile p;

	(void)state;
	defaults(&p);
	p.process.umask = 0;
	assert_int_equal(compile(&p, &c, &plan, &err), 0);
	assert_int_equal(plan->steps[0].kind, STEP_UMASK);
	assert_int_equal(plan->steps[0].umask.mask, 0);
}

/* The exec step for @argv0 with PATH @path; checks the candidates against @want (NULL-ended). */
static void check_candidates(const char *argv0, const char *path, const char *const *want)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	char *argv[] = {(char *)argv0, "arg", NULL};
	char *envp[] = {"A=1", NULL};
	struct sbx_caller c = caller(argv, false);
	struct sbx_err err = {0};
	const struct step *s;
	struct profile p;
	size_t n = 0;

	defaults(&p);
	plan = plan_new();
	assert_non_null(plan);
	plan->path = path;
	plan->envp = envp;
	assert_int_equal(process_plan_add_exec(plan, &p, &c, &err), 0);
	s = find(plan, STEP_EXEC);
	assert_non_null(s);
	while (want[n])
		n++;
	assert_int_equal(s->exec.n_paths, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(s->exec.paths[i], want[i]);
	assert_string_equal(s->exec.name, argv0);
	assert_string_equal(s->exec.argv[0], argv0);
	assert_string_equal(s->exec.argv[1], "arg");
	assert_null(s->exec.argv[2]);
	assert_ptr_not_equal(s->exec.argv, argv); /* copied into the plan */
	assert_ptr_equal(s->exec.envp, envp);
}

static void test_exec_candidates(void **state)
{
	(void)state;
	check_candidates(
	    "ls", NULL, (const char *const[]){"/usr/local/bin/ls", "/usr/bin/ls", "/bin/ls", NULL});
	check_candidates("/bin/ls", NULL, (const char *const[]){"/bin/ls", NULL});
	check_candidates("./x", "/usr/bin", (const char *const[]){"./x", NULL});
	check_candidates("ls", "/opt/bin", (const char *const[]){"/opt/bin/ls", NULL});
	/* trailing slashes, an empty entry (the cwd, as POSIX says), a relative directory, / */
	check_candidates("ls", "/a/:/b//::rel:/",
			 (const char *const[]){"/a/ls", "/b/ls", "./ls", "rel/ls", "/ls", NULL});
	check_candidates("ls", "", (const char *const[]){"./ls", NULL});
}

static void test_exec_without_envp_gets_an_empty_one(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_caller c = caller(argv_ls, false);
	struct sbx_err err = {0};
	struct profile p;

	(void)state;
	defaults(&p);
	assert_int_equal(compile(&p, &c, &plan, &err), 0);
	assert_non_null(find(plan, STEP_EXEC)->exec.envp);
	assert_null(find(plan, STEP_EXEC)->exec.envp[0]);
}

static void test_no_command(void **state)
{
	char *empty[] = {NULL};
	char *blank[] = {"", NULL};
	char **argvs[] = {empty, NULL, blank};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(argvs); i++) {
		_cleanup_(plan_freep) struct plan *plan = NULL;
		struct sbx_caller c = caller(argvs[i], false);
		struct sbx_err err = {0};
		struct profile p;

		defaults(&p);
		assert_int_equal(compile(&p, &c, &plan, &err), -EINVAL);
		assert_int_equal(err.n, 1);
		assert_string_equal(err.diag[0].msg,
				    i < 2 ? "no command given" : "the command name is empty");
		assert_null(find(plan, STEP_EXEC));
	}
}

/* ---- runners, in forked children ---- */

/* Run process_run_exec() on @paths in a child; its exit status is 100 + -r when it returns. */
static int exec_status(const char *const *paths, size_t n)
{
	char *argv[] = {"true", NULL};
	char *envp[] = {NULL};
	struct step s = {.kind = STEP_EXEC,
			 .exec = {.paths = paths, .n_paths = n, .argv = argv, .envp = envp}};
	struct run_ctx ctx = {.side = SIDE_CHILD, .ch = RUN_CHANNELS_NONE};
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(100 + -process_run_exec(&s, &ctx));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_run_exec(void **state)
{
	char noexec[PATH_MAX];
	int fd =
	    open(unit_path(noexec, sizeof(noexec), "noexec"), O_WRONLY | O_CREAT | O_EXCL, 0644);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	/* missing candidates are skipped */
	assert_int_equal(exec_status((const char *const[]){"/nonexistent/true", "/bin/true"}, 2),
			 0);
	assert_int_equal(exec_status((const char *const[]){"/nonexistent/a", "/dev/null/b"}, 2),
			 100 + ENOENT);
	assert_int_equal(exec_status(NULL, 0), 100 + ENOENT);
	/* a file without x: EACCES is remembered, a later hit still wins */
	assert_int_equal(exec_status((const char *const[]){noexec, "/nonexistent"}, 2),
			 100 + EACCES);
	assert_int_equal(exec_status((const char *const[]){noexec, "/bin/true"}, 2), 0);
}

/* Run process_run_die_with_parent() in a child with @report as the report pipe's write end. */
static int pdeath_result(bool enable, int report, pid_t parent)
{
	struct step s = {.kind = STEP_DIE_WITH_PARENT, .pdeath = {.enable = enable}};
	struct run_ctx ctx = {.side = SIDE_CHILD, .ch = RUN_CHANNELS_NONE, .parent = parent};

	ctx.ch[CH_REPORT][SIDE_CHILD] = report;
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		int r = process_run_die_with_parent(&s, &ctx);
		int sig = -1;

		if (r < 0)
			_exit(100 + -r);
		(void)prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0);
		_exit(sig); /* the death signal now armed */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_run_die_with_parent(void **state)
{
	int p[2];

	(void)state;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(pdeath_result(true, p[1], getpid()), SIGKILL);
	assert_int_equal(pdeath_result(false, p[1], getpid()), 0);
	assert_int_equal(pdeath_result(true, -1, 0), SIGKILL);
	/* reparented: getppid() is no longer sbx */
	assert_int_equal(pdeath_result(true, p[1], getpid() + 1), 100 + ESRCH);
	/* the reader of the report pipe (the sbx parent) is gone: too late to arm it */
	close(p[0]);
	assert_int_equal(pdeath_result(true, p[1], getpid()), 100 + ESRCH);
	assert_int_equal(pdeath_result(false, p[1], getpid()), 0);
	close(p[1]);
}

/* The terminal step: the child gets a new pty as controlling terminal on 0-2, the parent the
 * master over the socket. */
static void test_run_tty(void **state)
{
	struct step s = {.kind = STEP_TTY};
	char byte, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr msg = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	unsigned ptn;
	int sp[2], status, master;
	char buf[64] = "";
	pid_t pid;

	(void)state;
	if (access("/dev/ptmx", R_OK | W_OK) < 0)
		skip();
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct run_ctx ctx = {.side = SIDE_CHILD, .ch = RUN_CHANNELS_NONE};

		ctx.ch[CH_TTY][SIDE_CHILD] = sp[1];
		int r = process_run_tty(&s, &ctx);

		if (r < 0)
			_exit(100 + -r);
		/* a session leader whose controlling terminal is on 0-2, in the foreground */
		if (getsid(0) != getpid() || tcgetpgrp(0) != getpid() || !isatty(1) || !isatty(2))
			_exit(2);
		if (write(1, "hello\n", 6) != 6)
			_exit(3);
		_exit(0);
	}
	close(sp[1]);
	assert_true(recvmsg(sp[0], &msg, MSG_CMSG_CLOEXEC) == 1);
	memcpy(&master, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof(int));
	assert_int_equal(ioctl(master, TIOCGPTN, &ptn), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(read(master, buf, sizeof(buf) - 1) > 0);
	assert_non_null(strstr(buf, "hello"));
	close(master);
	close(sp[0]);
}

/* The stdio-pipes step: fd 0 and 2 become pipes, the other ends go to the parent in fd order;
 * what the parent writes into stdin comes back on stderr. */
static void test_run_pipes(void **state)
{
	struct step s = {.kind = STEP_PIPES, .pipes = {.fds = 5}};
	int sp[2], status, in, out;
	char buf[16] = "";
	pid_t pid;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct run_ctx ctx = {.side = SIDE_CHILD, .ch = RUN_CHANNELS_NONE};

		ctx.ch[CH_TTY][SIDE_CHILD] = sp[1];
		struct stat st;
		char line[16];
		ssize_t n;
		int r = process_run_pipes(&s, &ctx);

		if (r < 0)
			_exit(100 + -r);
		if (fstat(0, &st) < 0 || !S_ISFIFO(st.st_mode) || fcntl(0, F_GETFD) != 0 ||
		    fstat(2, &st) < 0 || !S_ISFIFO(st.st_mode) || fcntl(2, F_GETFD) != 0)
			_exit(2);
		n = read(0, line, sizeof(line));
		if (n <= 0 || write(2, line, (size_t)n) != n)
			_exit(3);
		_exit(0);
	}
	close(sp[1]);
	in = fd_recv(sp[0]);
	out = fd_recv(sp[0]);
	assert_true(in >= 0 && out >= 0);
	assert_int_equal(write(in, "ping\n", 5), 5);
	close(in);
	assert_int_equal(read(out, buf, sizeof(buf) - 1), 5);
	assert_string_equal(buf, "ping\n");
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(out);
	close(sp[0]);
}

static int wait_exit(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status)); /* init exits, it is never killed by the forwarded one */
	return WEXITSTATUS(status);
}

/* A child that runs the init step of a plan of init + exec of sh -c @script: the command goes
 * on with the exec step on the init step's own stack. */
static pid_t start_init_reporting(const char *script, int status_fd)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	static const char *const paths[] = {"/bin/sh"};
	char *argv[] = {"sh", "-c", (char *)script, NULL};
	struct step steps[] = {
	    {.kind = STEP_INIT,
	     .phase = PHASE_SETUP,
	     .init = {.stack = stack, .stack_size = sizeof(stack)}},
	    {.kind = STEP_EXEC,
	     .phase = PHASE_COMMAND,
	     .exec = {.paths = paths, .n_paths = 1, .argv = argv, .envp = environ, .name = "sh"}}};
	struct plan plan = {.steps = steps, .n_steps = 2};
	struct run_ctx ctx = {
	    .plan = &plan, .side = SIDE_CHILD, .ch = RUN_CHANNELS_NONE, .root_fd = -1};
	pid_t pid;

	ctx.ch[CH_STATUS][SIDE_CHILD] = status_fd;
	pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		(void)prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
		(void)process_run_init(&steps[0], &ctx); /* returns only on failure */
		_exit(99);
	}
	return pid;
}

static pid_t start_init(const char *script)
{
	return start_init_reporting(script, -1);
}

/* Without its stack the init step fails cleanly instead of starting anything. */
static void test_run_init_needs_stack(void **state)
{
	struct step s = {.kind = STEP_INIT};
	struct run_ctx ctx = {.side = SIDE_CHILD, .ch = RUN_CHANNELS_NONE, .root_fd = -1};

	(void)state;
	assert_int_equal(process_run_init(&s, &ctx), -EINVAL);
}

/* A failed exec after init: the command reports it and exits 125, which init passes on. */
static void test_run_init_exec_failure(void **state)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	static const char *const paths[] = {"/nonexistent/sbx-test"};
	char *argv[] = {"x", NULL};
	char *envp[] = {NULL};
	struct step steps[] = {
	    {.kind = STEP_INIT,
	     .phase = PHASE_SETUP,
	     .init = {.stack = stack, .stack_size = sizeof(stack)}},
	    {.kind = STEP_EXEC,
	     .phase = PHASE_COMMAND,
	     .exec = {.paths = paths, .n_paths = 1, .argv = argv, .envp = envp, .name = "x"}}};
	struct plan plan = {.steps = steps, .n_steps = 2};
	struct child_report rec;
	int rep[2];
	pid_t pid;

	(void)state;
	assert_int_equal(pipe2(rep, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct run_ctx ctx = {
		    .plan = &plan, .side = SIDE_CHILD, .ch = RUN_CHANNELS_NONE, .root_fd = -1};

		ctx.ch[CH_REPORT][SIDE_CHILD] = rep[1];
		close(rep[0]);
		(void)prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
		(void)process_run_init(&steps[0], &ctx);
		_exit(99);
	}
	close(rep[1]);
	/* The command reports the init step done for pid 1 (it is the last before exec). */
	assert_int_equal(read(rep[0], &rec, sizeof(rec)), sizeof(rec));
	assert_int_equal(rec.step, 0);
	assert_int_equal(rec.code, 0);
	assert_int_equal(read(rep[0], &rec, sizeof(rec)), sizeof(rec));
	assert_int_equal(rec.step, 1);
	assert_int_equal(rec.code, -ENOENT);
	assert_int_equal(read(rep[0], &rec, sizeof(rec)), 0);
	close(rep[0]);
	assert_int_equal(wait_exit(pid), 125);
}

/* -v logs every step, init included: pid 1 never returns from it, so the command it started
 * reports it, before its own steps. */
static void test_run_init_is_reported(void **state)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	static const char *const paths[] = {"/nonexistent/sbx-test"};
	char *argv[] = {"x", NULL};
	char *envp[] = {NULL};
	struct step steps[] = {
	    {.kind = STEP_INIT,
	     .phase = PHASE_SETUP,
	     .init = {.stack = stack, .stack_size = sizeof(stack)}},
	    {.kind = STEP_UMASK, .phase = PHASE_COMMAND, .umask = {.mask = 022}},
	    {.kind = STEP_EXEC,
	     .phase = PHASE_COMMAND,
	     .exec = {.paths = paths, .n_paths = 1, .argv = argv, .envp = envp, .name = "x"}}};
	struct plan plan = {.steps = steps, .n_steps = 3};

	(void)state;
	for (int verbose = 1; verbose >= 0; verbose--) {
		struct child_report rec;
		int rep[2];
		pid_t pid;

		assert_int_equal(pipe2(rep, O_CLOEXEC), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			struct run_ctx ctx = {.plan = &plan,
					      .side = SIDE_CHILD,
					      .ch = RUN_CHANNELS_NONE,
					      .root_fd = -1,
					      .verbose = verbose};

			ctx.ch[CH_REPORT][SIDE_CHILD] = rep[1];
			close(rep[0]);
			(void)prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
			(void)process_run_init(&steps[0], &ctx);
			_exit(99);
		}
		close(rep[1]);
		/* Without -v only the step before exec is reported, and the failure. */
		for (uint32_t step = verbose ? 0 : 1; step < 3; step++) {
			assert_int_equal(read(rep[0], &rec, sizeof(rec)), sizeof(rec));
			assert_int_equal(rec.step, step);
			assert_int_equal(rec.code, step == 2 ? -ENOENT : 0);
		}
		assert_int_equal(read(rep[0], &rec, sizeof(rec)), 0);
		close(rep[0]);
		assert_int_equal(wait_exit(pid), 125);
	}
}

static void test_run_init_status(void **state)
{
	(void)state;
	assert_int_equal(wait_exit(start_init("exit 0")), 0);
	assert_int_equal(wait_exit(start_init("exit 42")), 42);
	assert_int_equal(wait_exit(start_init("kill -HUP $$")), 128 + SIGHUP);
}

/* As pid 1 of a namespace (here: a subreaper), init reaps orphans while the command runs and
 * does not wait for the ones still running when the command exits. */
static void test_run_init_reaps_orphans(void **state)
{
	struct timespec a, b;

	(void)state;
	/* the command counts init's children, zombies included, until only itself is left (5 s
	 * at most: a busy machine may take a while to run the orphan and init to reap it) */
	assert_int_equal(
	    wait_exit(start_init("(true &); i=0; while [ $i -lt 50 ]; do i=$((i+1)); n=0; "
				 "for f in /proc/[0-9]*/stat; do "
				 "read -r pid comm state ppid rest 2>/dev/null < $f || continue; "
				 "[ \"$ppid\" = $PPID ] && n=$((n+1)); done; "
				 "[ $n = 1 ] && break; sleep 0.1; done; exit $n")),
	    1);
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(wait_exit(start_init("(sleep 3 &); exit 5")), 5);
	clock_gettime(CLOCK_MONOTONIC, &b);
	assert_true(b.tv_sec - a.tv_sec < 2);
}

/* init reports the command's status on the status pipe when nothing else is left, so sbx
 * needn't wait for the namespaces to go; with a process left, it reports nothing (its exit
 * kills that process, and sbx waits for the exit). */
static void test_run_init_reports_status_when_alone(void **state)
{
	struct init_report rec;
	int sp[2];
	pid_t pid;

	(void)state;
	assert_int_equal(pipe2(sp, O_CLOEXEC), 0);
	pid = start_init_reporting("(true &); sleep 0.2; exit 7", sp[1]);
	close(sp[1]);
	assert_int_equal(read(sp[0], &rec, sizeof(rec)), sizeof(rec));
	assert_int_equal(rec.kind, INIT_EXITED);
	assert_true(WIFEXITED(rec.value) && WEXITSTATUS(rec.value) == 7);
	assert_int_equal(read(sp[0], &rec, sizeof(rec)), 0);
	close(sp[0]);
	assert_int_equal(wait_exit(pid), 7);

	assert_int_equal(pipe2(sp, O_CLOEXEC), 0);
	pid = start_init_reporting("kill -TERM $$", sp[1]);
	close(sp[1]);
	assert_int_equal(read(sp[0], &rec, sizeof(rec)), sizeof(rec));
	assert_int_equal(rec.kind, INIT_EXITED);
	assert_true(WIFEXITED(rec.value) && WEXITSTATUS(rec.value) == 128 + SIGTERM);
	close(sp[0]);
	assert_int_equal(wait_exit(pid), 128 + SIGTERM);

	assert_int_equal(pipe2(sp, O_CLOEXEC), 0);
	pid = start_init_reporting("(sleep 3 &); exit 5", sp[1]);
	close(sp[1]);
	assert_int_equal(read(sp[0], &rec, sizeof(rec)), 0); /* EOF, no report */
	close(sp[0]);
	assert_int_equal(wait_exit(pid), 5);
}

/* The command's stops and continues are reported as they happen; SIGCONT to init continues
 * it, and a SIGTERM to init reaches it even while it is stopped (init sends SIGCONT after). */
static void test_run_init_reports_stops(void **state)
{
	struct init_report rec;
	int sp[2];
	pid_t pid;

	(void)state;
	for (int term = 0; term <= 1; term++) {
		assert_int_equal(pipe2(sp, O_CLOEXEC), 0);
		pid = start_init_reporting("kill -STOP $$; exit 4", sp[1]);
		close(sp[1]);
		assert_int_equal(read(sp[0], &rec, sizeof(rec)), sizeof(rec));
		assert_int_equal(rec.kind, INIT_STOPPED);
		assert_int_equal(rec.value, SIGSTOP);
		assert_int_equal(kill(pid, term ? SIGTERM : SIGCONT), 0);
		/* a command that ends right after SIGCONT may be seen gone before continued */
		assert_int_equal(read(sp[0], &rec, sizeof(rec)), sizeof(rec));
		if (rec.kind == INIT_CONTINUED)
			assert_int_equal(read(sp[0], &rec, sizeof(rec)), sizeof(rec));
		assert_int_equal(rec.kind, INIT_EXITED);
		assert_true(WIFEXITED(rec.value) &&
			    WEXITSTATUS(rec.value) == (term ? 128 + SIGTERM : 4));
		close(sp[0]);
		assert_int_equal(wait_exit(pid), term ? 128 + SIGTERM : 4);
	}
}

/* The marker file the scripts below make ("$READY"), in @path (PATH_MAX bytes), not there
 * yet. */
static const char *ready_file(char *path)
{
	unit_path(path, PATH_MAX, "ready");
	unlink(path);
	assert_int_equal(setenv("READY", path, 1), 0);
	return path;
}

static void test_run_init_forwards_signals(void **state)
{
	char buf[PATH_MAX];
	const char *ready = ready_file(buf);
	pid_t pid;

	(void)state;
	/* the trap is set before the marker file appears, so the signal cannot come too early */
	pid = start_init("trap 'exit 3' TERM; : > \"$READY\"; while :; do sleep 0.05; done");
	for (int i = 0; i < 200 && access(ready, F_OK) < 0; i++)
		usleep(10000);
	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(wait_exit(pid), 3);

	/* a signal the command does not handle kills it: init reports 128+N */
	pid = start_init("while :; do sleep 0.05; done");
	usleep(100000);
	assert_int_equal(kill(pid, SIGUSR1), 0);
	assert_int_equal(wait_exit(pid), 128 + SIGUSR1);
}

/* Supervise a forked `sh -c @script` the way the executor would. */
static int supervise(const char *script, uint64_t limit_ms, int *ret_status)
{
	struct step s = {.kind = STEP_SUPERVISE, .supervise = {.time_limit_ms = limit_ms}};
	struct sbx_err err = {0};
	struct run_ctx ctx = {
	    .ch = RUN_CHANNELS_NONE, .verbose = -1, .err = &err, .time_limit_fd = -1};
	int r;

	ctx.child = fork();
	assert_true(ctx.child >= 0);
	if (ctx.child == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execl("/bin/sh", "sh", "-c", script, (char *)NULL);
		_exit(98);
	}
	r = process_run_supervise(&s, &ctx);
	*ret_status = ctx.status;
	return r;
}

static void test_run_supervise_status_and_time_limit(void **state)
{
	int status;

	(void)state;
	assert_int_equal(supervise("exit 7", 0, &status), 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 7);
	assert_int_equal(supervise("kill -TERM $$", 0, &status), 0);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	/* the time limit kills with SIGKILL: the executor turns that into 137 */
	assert_int_equal(supervise("sleep 10", 200, &status), 0);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	assert_int_equal(supervise("exit 0", 5000, &status), 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* A child that reports a status on the status pipe and then lingers, as init does while the
 * kernel tears the namespaces down: supervise returns with the reported status at once and
 * lets the child go (ctx.child = -1); with --stats it waits for the end, for the rusage. */
static void test_run_supervise_takes_init_report(void **state)
{
	struct step s = {.kind = STEP_SUPERVISE, .supervise = {.has_init = true}};
	struct sbx_err err = {0};
	struct timespec a, b;
	int sp[2];

	(void)state;
	for (int stats = 0; stats <= 1; stats++) {
		struct run_ctx ctx = {
		    .ch = RUN_CHANNELS_NONE, .verbose = -1, .err = &err, .time_limit_fd = -1};
		pid_t pid;

		assert_int_equal(pipe2(sp, O_CLOEXEC), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			struct init_report rec[] = {
			    {INIT_STOPPED, SIGSTOP}, {INIT_CONTINUED, 0}, {INIT_EXITED, 9 << 8}};

			(void)write(sp[1], rec, sizeof(rec));
			usleep(stats ? 100000 : 3000000);
			_exit(stats ? 8 : 0);
		}
		close(sp[1]);
		ctx.child = pid;
		ctx.ch[CH_STATUS][SIDE_PARENT] = sp[0];
		ctx.stats = stats;
		clock_gettime(CLOCK_MONOTONIC, &a);
		assert_int_equal(process_run_supervise(&s, &ctx), 0);
		clock_gettime(CLOCK_MONOTONIC, &b);
		close(sp[0]);
		if (!stats) {
			assert_true(WIFEXITED(ctx.status) && WEXITSTATUS(ctx.status) == 9);
			assert_int_equal(ctx.child, -1);
			assert_true(b.tv_sec - a.tv_sec < 2);
			kill(pid, SIGKILL);
			assert_int_equal(waitpid(pid, NULL, 0), pid);
		} else {
			assert_true(WIFEXITED(ctx.status) && WEXITSTATUS(ctx.status) == 8);
			assert_int_equal(ctx.child, pid);
			assert_int_equal(waitpid(pid, NULL, WNOHANG), -1); /* reaped */
		}
	}
}

static void test_run_supervise_forwards_signals(void **state)
{
	char buf[PATH_MAX];
	const char *ready = ready_file(buf);
	sigset_t usr2, mask;
	pid_t killer;
	int status;

	(void)state;
	/* Blocked from before the fork, as the executor does, so an early one is not fatal. */
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	sigprocmask(SIG_BLOCK, &usr2, NULL);
	/* a helper sends SIGUSR2 to the test process, which supervise passes to the command */
	killer = fork();
	assert_true(killer >= 0);
	if (killer == 0) {
		for (int i = 0; i < 500 && access(ready, F_OK) < 0; i++)
			usleep(10000);
		kill(getppid(), SIGUSR2);
		_exit(0);
	}
	assert_int_equal(
	    supervise("trap 'exit 9' USR2; : > \"$READY\"; while :; do sleep 0.05; done", 10000,
		      &status),
	    0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 9);
	assert_int_equal(waitpid(killer, NULL, 0), killer);
	/* the mask is restored as it was */
	sigprocmask(SIG_SETMASK, NULL, &mask);
	assert_true(sigismember(&mask, SIGUSR2));
	assert_false(sigismember(&mask, SIGCHLD));
	assert_false(sigismember(&mask, SIGTERM));
	sigprocmask(SIG_UNBLOCK, &usr2, NULL);
}

/* Without an init and outside a terminal's foreground, a stopped command does not hang sbx: a
 * SIGTERM it forwards is followed by SIGCONT, so it takes effect (run in a new session, so
 * the test's own terminal, if any, is not ours). */
static void test_run_supervise_ends_stopped_command(void **state)
{
	pid_t pid, killer;
	int status;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		sigset_t term;

		setsid();
		sigemptyset(&term);
		sigaddset(&term, SIGTERM);
		sigprocmask(SIG_BLOCK, &term, NULL);
		killer = fork();
		if (killer == 0) {
			usleep(300000);
			kill(getppid(), SIGTERM);
			_exit(0);
		}
		if (supervise("kill -STOP $$; exit 3", 5000, &status) < 0)
			_exit(90);
		waitpid(killer, NULL, 0);
		_exit(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM ? 0 : 91);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults_with_pid_ns),
	    cmocka_unit_test(test_init_default_without_pid_ns),
	    cmocka_unit_test(test_init_off_with_pid_ns),
	    cmocka_unit_test(test_init_on_with_pid_ns),
	    cmocka_unit_test(test_init_on_without_pid_ns_is_an_error),
	    cmocka_unit_test(test_tty_session_or_neither),
	    cmocka_unit_test(test_stdio_pty_or_pipes),
	    cmocka_unit_test(test_tty_comes_after_init),
	    cmocka_unit_test(test_umask_cwd_pdeath_time_limit),
	    cmocka_unit_test(test_umask_zero_is_set),
	    cmocka_unit_test(test_exec_candidates),
	    cmocka_unit_test(test_exec_without_envp_gets_an_empty_one),
	    cmocka_unit_test(test_no_command),
	    cmocka_unit_test(test_run_exec),
	    cmocka_unit_test(test_run_die_with_parent),
	    cmocka_unit_test(test_run_tty),
	    cmocka_unit_test(test_run_pipes),
	    cmocka_unit_test(test_run_init_needs_stack),
	    cmocka_unit_test(test_run_init_exec_failure),
	    cmocka_unit_test(test_run_init_is_reported),
	    cmocka_unit_test(test_run_init_status),
	    cmocka_unit_test(test_run_init_reaps_orphans),
	    cmocka_unit_test(test_run_init_reports_status_when_alone),
	    cmocka_unit_test(test_run_init_reports_stops),
	    cmocka_unit_test(test_run_init_forwards_signals),
	    cmocka_unit_test(test_run_supervise_status_and_time_limit),
	    cmocka_unit_test(test_run_supervise_takes_init_report),
	    cmocka_unit_test(test_run_supervise_forwards_signals),
	    cmocka_unit_test(test_run_supervise_ends_stopped_command),
	};

	return cmocka_run_group_tests(tests, unit_tmp_setup, unit_tmp_teardown);
}
