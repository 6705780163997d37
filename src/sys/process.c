/* process.c — the last steps before the command runs: umask, cwd, die_with_parent, init,
 * session or terminal, and the PATH search for exec, all decided at compile time.
 *
 * The pid-1 init lives in init.c and the parent's supervision (signals, time limit, pty relay,
 * wait) in supervise.c; process.h is the interface of all three. */
#include "sys/process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fd.h"

#define DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"
/* The stack the init step's command runs its last steps on (see init.c): they only call a few
 * syscall wrappers, so this is plenty. */
#define INIT_STACK_SIZE (64u * 1024u)

static int oom(struct sbx_err *err)
{
	return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
}

/* The terminal step opens /dev/ptmx inside, so it needs a dev mount exactly there. */
static bool mounts_dev(const struct profile *p)
{
	for (size_t i = 0; i < p->fs.n_mounts; i++) {
		const struct mount_entry *m = &p->fs.mounts[i];
		size_t len;

		if (m->type != MOUNT_DEV || !m->dst)
			continue;
		len = strlen(m->dst);
		while (len > 1 && m->dst[len - 1] == '/')
			len--;
		if (len == 4 && strncmp(m->dst, "/dev", 4) == 0)
			return true;
	}
	return false;
}

/* process.init: 1 = on, 0 = off, -1 = on exactly when there is a pid namespace. */
static int want_init(const struct profile *p, bool *ret, struct sbx_err *err)
{
	bool pidns = p->namespaces & NS_BIT(NS_PID);

	if (p->process.init == 1 && !pidns)
		return sbx_err_set(err, &p->process.init_loc, -EINVAL,
				   "process.init needs the pid namespace");
	*ret = p->process.init == 1 || (p->process.init < 0 && pidns);
	return 0;
}

/* umask, chdir, die-with-parent: the plain settings, in that order. */
static int add_basics(struct plan *plan, const struct profile *p, struct sbx_err *err)
{
	struct step *s;

	if (p->process.umask >= 0) {
		s = plan_add(plan, STEP_UMASK, NULL);
		if (!s)
			return oom(err);
		s->umask.mask = (unsigned)p->process.umask & 07777;
	}
	s = plan_add(plan, STEP_CHDIR, &p->process.cwd_loc);
	if (!s || !(s->chdir.path = plan_strdup(plan, p->process.cwd ? p->process.cwd : "/")))
		return oom(err);
	s = plan_add(plan, STEP_DIE_WITH_PARENT, NULL);
	if (!s)
		return oom(err);
	s->pdeath.enable = p->process.die_with_parent;
	return 0;
}

/* "dir" + "/" + "name", without doubling a trailing slash; an empty dir is the cwd (POSIX). */
static char *join_path(struct plan *plan, const char *dir, size_t len, const char *name)
{
	if (len == 0)
		return plan_printf(plan, "./%s", name);
	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (len == 1 && dir[0] == '/')
		return plan_printf(plan, "/%s", name);
	return plan_printf(plan, "%.*s/%s", (int)len, dir, name);
}

/* The candidates execve() tries in order: the name itself when it has a '/', else PATH's
 * directories. The search happens here so --plan shows it and the child only loops. */
static int exec_paths(struct plan *plan, const char *name, const char ***ret, size_t *ret_n)
{
	const char *path = plan->path ? plan->path : DEFAULT_PATH;
	size_t n = 1, i = 0;
	const char **v;

	if (strchr(name, '/')) {
		v = plan_alloc(plan, 2 * sizeof(*v));
		if (!v || !(v[0] = plan_strdup(plan, name)))
			return -ENOMEM;
		*ret = v;
		*ret_n = 1;
		return 0;
	}
	for (const char *c = path; *c; c++)
		n += *c == ':';
	v = plan_alloc(plan, (n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (const char *dir = path;; i++) {
		const char *end = strchrnul(dir, ':');

		v[i] = join_path(plan, dir, (size_t)(end - dir), name);
		if (!v[i])
			return -ENOMEM;
		if (!*end)
			break;
		dir = end + 1;
	}
	*ret = v;
	*ret_n = i + 1;
	return 0;
}

int process_plan_add_exec(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
			  struct sbx_err *err)
{
	const char **paths = NULL;
	char **envp = plan->envp;
	size_t argc = 0;
	struct step *s;

	while (c->argv && c->argv[argc])
		argc++;
	if (argc == 0)
		return sbx_err_set(err, NULL, -EINVAL, "no command given");
	if (!c->argv[0][0])
		return sbx_err_set(err, NULL, -EINVAL, "the command name is empty");
	if (!envp && !(envp = plan_alloc(plan, sizeof(char *))))
		return oom(err);
	s = plan_add(plan, STEP_EXEC, NULL);
	if (!s)
		return oom(err);
	s->exec.argv = plan_strv(plan, (const char *const *)c->argv, argc);
	if (!s->exec.argv)
		return oom(err);
	s->exec.envp = envp;
	s->exec.name = s->exec.argv[0];
	if (exec_paths(plan, s->exec.name, &paths, &s->exec.n_paths) < 0)
		return oom(err);
	s->exec.paths = paths;
	/* SPEC.md §2: a profile with no mounts gets an empty root, which surprises whoever
	 * expected the default profile under their own. */
	s->exec.empty_root = p->fs.root == ROOT_TMPFS && p->fs.n_mounts == 0;
	return 0;
}

const char *process_exec_hint(const struct step *s, int code, uint32_t item)
{
	(void)item;
	if ((code == -ENOENT || code == -ENOTDIR) && s->exec.empty_root)
		return " (its root is empty: the profile has no mounts; add include = "
		       "[ \"default\" ]; to build on the default profile)";
	return "";
}

/* The caller's terminal never gets inside: with a pty of the sandbox's own, all of fds 0-2
 * are its slave; otherwise each of them that is a terminal gets a pipe that sbx relays, since
 * whoever holds a terminal fd can change it for good (its modes, size, line discipline, the
 * input typed ahead). Decides both; returns the pipes' fds as bits. */
static unsigned plan_stdio(const struct profile *p, const struct sbx_caller *c, bool *ret_tty)
{
	*ret_tty = p->process.new_session && c->stdin_tty && mounts_dev(p);
	if (*ret_tty)
		return 0;
	return (c->stdin_tty ? 1u : 0) | (c->stdout_tty ? 2u : 0) | (c->stderr_tty ? 4u : 0);
}

int process_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		     struct sbx_err *err)
{
	bool init = false, tty = false;
	unsigned pipes = plan_stdio(p, c, &tty);
	struct step *s;
	int r;

	r = want_init(p, &init, err);
	if (r < 0)
		return r;
	r = add_basics(plan, p, err);
	if (r < 0)
		return r;
	if (init) {
		s = plan_add(plan, STEP_INIT, &p->process.init_loc);
		if (!s || !(s->init.stack = plan_alloc(plan, INIT_STACK_SIZE)))
			return oom(err);
		s->init.stack_size = INIT_STACK_SIZE;
	}
	plan->has_init = init;
	/* A pty of its own only when the caller has a terminal to relay and the sandbox a devpts;
	 * otherwise setsid() keeps the caller's terminal from being the controlling one (no
	 * TIOCSTI through /dev/tty), and pipes replace it on fds 0-2. Without a new session the
	 * command gives the caller's terminal up all the same (drop-terminal), staying in the
	 * caller's process group, so the terminal's ^C still reaches it. */
	if (!plan_add(plan,
		      !p->process.new_session ? STEP_NO_CTTY
		      : tty		      ? STEP_TTY
					      : STEP_SESSION,
		      NULL))
		return oom(err);
	if (pipes) {
		s = plan_add(plan, STEP_PIPES, NULL);
		if (!s)
			return oom(err);
		s->pipes.fds = pipes;
	}
	s = plan_add(plan, STEP_SUPERVISE,
		     p->process.time_limit_loc.file ? &p->process.time_limit_loc : NULL);
	if (!s)
		return oom(err);
	s->supervise.time_limit_ms =
	    p->process.time_limit > UINT64_MAX / 1000 ? UINT64_MAX : p->process.time_limit * 1000;
	s->supervise.setup_timeout_ms = p->process.setup_timeout > UINT64_MAX / 1000
					    ? UINT64_MAX
					    : p->process.setup_timeout * 1000;
	s->supervise.tty = tty;
	s->supervise.pipes = pipes;
	s->supervise.has_init = init;
	return 0;
}

static size_t strv_len(const char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

/* "0,1,2" for the bits 0-2 of @fds (@buf: 6 bytes at least). */
static const char *fd_set_text(unsigned fds, char *buf, size_t size)
{
	size_t n = 0;

	for (int fd = 0; fd < 3 && n + 3 <= size; fd++) {
		if (!(fds & (1u << fd)))
			continue;
		if (n)
			buf[n++] = ',';
		buf[n++] = (char)('0' + fd);
	}
	buf[n] = '\0';
	return buf;
}

/* "INT,TERM,...": the forwarded signals by their abbreviations, from the one list in plan.h. */
static void describe_forwarded(struct plan_kv *k)
{
	static const int sigs[] = {SBX_FORWARDED_SIGNALS, SBX_JOB_SIGNALS};
	char text[128] = "";

	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++) {
		if (i)
			strcat(text, ",");
		strcat(text, sigabbrev_np(sigs[i]));
	}
	plan_kv_str(k, "forward", text);
}

void process_describe(const struct step *s, struct plan_kv *k)
{
	char fds[8];

	switch (s->kind) {
	case STEP_UMASK:
		plan_kv_octal(k, "mask", s->umask.mask);
		break;
	case STEP_CHDIR:
		plan_kv_str(k, "dir", s->chdir.path);
		break;
	case STEP_DIE_WITH_PARENT:
		plan_kv_str(k, "signal", s->pdeath.enable ? "SIGKILL" : "none");
		break;
	case STEP_INIT:
		plan_kv_str(k, "pid1", "sbx-init");
		break;
	case STEP_SESSION:
	case STEP_NO_CTTY:
		plan_kv_str(k, "tty", "none");
		break;
	case STEP_TTY:
		plan_kv_str(k, "tty", "/dev/ptmx");
		break;
	case STEP_PIPES:
		plan_kv_str(k, "fds", fd_set_text(s->pipes.fds, fds, sizeof(fds)));
		break;
	case STEP_EXEC:
		plan_kv_list(k, "argv", (const char *const *)s->exec.argv,
			     strv_len((const char *const *)s->exec.argv));
		plan_kv_list(k, "try", s->exec.paths, s->exec.n_paths);
		plan_kv_str(k, "fds", "0-2");
		plan_kv_list(k, "env", (const char *const *)s->exec.envp,
			     strv_len((const char *const *)s->exec.envp));
		break;
	default: /* STEP_SUPERVISE */
		plan_kv_num(k, "time_limit_ms", s->supervise.time_limit_ms);
		plan_kv_num(k, "setup_timeout_ms", s->supervise.setup_timeout_ms);
		plan_kv_str(k, "stdio",
			    s->supervise.tty	 ? "pty"
			    : s->supervise.pipes ? "pipes"
						 : "inherited");
		if (!s->supervise.tty && s->supervise.pipes)
			plan_kv_str(k, "fds", fd_set_text(s->supervise.pipes, fds, sizeof(fds)));
		plan_kv_bool(k, "init", s->supervise.has_init);
		plan_kv_str(k, "status", s->supervise.has_init ? "from-init" : "wait");
		describe_forwarded(k);
		break;
	}
}

#include "util/child-safe.h"

int process_run_umask(const struct step *s, struct run_ctx *ctx)
{
	(void)ctx;
	umask((mode_t)s->umask.mask);
	return 0;
}

int process_run_chdir(const struct step *s, struct run_ctx *ctx)
{
	(void)ctx;
	return chdir(s->chdir.path) < 0 ? -errno : 0;
}

/* Changing ids cleared the death signal the executor armed, so arm it again (or drop it). The
 * parent may have died in between: without a pid namespace getppid() no longer names it, and
 * in any case the report pipe shows it, since the parent holds its only read end (POLLERR once
 * that is gone). */
int process_run_die_with_parent(const struct step *s, struct run_ctx *ctx)
{
	struct pollfd pfd = {.fd = run_ch(ctx, CH_REPORT), .events = 0};
	pid_t ppid;

	if (prctl(PR_SET_PDEATHSIG, s->pdeath.enable ? SIGKILL : 0, 0, 0, 0) < 0)
		return -errno;
	if (!s->pdeath.enable)
		return 0;
	ppid = getppid(); /* 0 in a new pid namespace: the parent is outside it */
	if (ctx->parent > 0 && ppid != 0 && ppid != ctx->parent)
		return -ESRCH;
	if (pfd.fd >= 0 && poll(&pfd, 1, 0) > 0 && (pfd.revents & POLLERR))
		return -ESRCH;
	return 0;
}

int process_run_session(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return setsid() < 0 ? -errno : 0;
}

/* The command stays in the caller's session and process group but gives up its controlling
 * terminal, which /dev/tty would open otherwise. TIOCNOTTY from a process that doesn't lead
 * the session only detaches that process (no signal is sent), and its children inherit that.
 * Nothing to do when there is no /dev/tty inside or no controlling terminal (ENXIO). */
int process_run_no_ctty(const struct step *s, struct run_ctx *ctx)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC), r = 0;

	(void)s;
	(void)ctx;
	if (fd < 0)
		return errno == ENOENT || errno == ENXIO || errno == ENODEV ? 0 : -errno;
	if (ioctl(fd, TIOCNOTTY) < 0)
		r = -errno;
	close(fd);
	return r;
}

/* The new pty starts with the caller's modes and size (as script(1) does), so the command sees
 * the same erase character and columns; the caller's terminal itself is only read. */
static void copy_terminal(int slave)
{
	struct termios tio;
	struct winsize ws;

	if (tcgetattr(STDIN_FILENO, &tio) == 0)
		(void)tcsetattr(slave, TCSANOW, &tio);
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		(void)ioctl(slave, TIOCSWINSZ, &ws);
}

/* Open a pty pair from the sandbox's devpts; the slave becomes the controlling terminal and
 * stdio of a new session. TIOCGPTPEER (Linux 4.13) opens the peer without a path lookup. */
static int open_pty(int *ret_master, int *ret_slave)
{
	_cleanup_close_ int master = -1;
	int unlock = 0, slave;

	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return -errno;
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return -errno;
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return -errno;
	*ret_master = TAKE_FD(master);
	*ret_slave = slave;
	return 0;
}

int process_run_tty(const struct step *s, struct run_ctx *ctx)
{
	_cleanup_close_ int master = -1, slave = -1;
	int r;

	(void)s;
	r = open_pty(&master, &slave);
	if (r < 0)
		return r;
	copy_terminal(slave);
	r = fd_send(run_ch(ctx, CH_TTY), master);
	if (r < 0)
		return r;
	close(TAKE_FD(master)); /* only the parent holds the master now */
	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
		return -errno;
	for (int fd = 0; fd < 3; fd++) {
		/* dup2 clears O_CLOEXEC on the copies; a slave that landed on 0-2 keeps its number
		 */
		if (fd == slave ? fcntl(fd, F_SETFD, 0) < 0 : dup2(slave, fd) < 0)
			return -errno;
	}
	if (slave <= 2)
		(void)TAKE_FD(slave);
	return 0;
}

/* For each fd 0-2 in the step: a pipe whose other end goes to sbx over the socket (lowest fd
 * first), to write the command's input into (fd 0) or read its output from. */
int process_run_pipes(const struct step *s, struct run_ctx *ctx)
{
	for (int fd = 0; fd < 3; fd++) {
		int p[2], inner, r;

		if (!(s->pipes.fds & (1u << fd)))
			continue;
		if (pipe2(p, O_CLOEXEC) < 0)
			return -errno;
		inner = fd == 0 ? p[0] : p[1];
		r = fd_send(run_ch(ctx, CH_TTY), fd == 0 ? p[1] : p[0]);
		close(fd == 0 ? p[1] : p[0]);
		/* dup2 clears O_CLOEXEC on the copy; a pipe end that landed on fd keeps it */
		if (r == 0 && (inner == fd ? fcntl(fd, F_SETFD, 0) : dup2(inner, fd)) < 0)
			r = -errno;
		if (inner != fd)
			close(inner);
		if (r < 0)
			return r;
	}
	return 0;
}

/* execve() each candidate in turn, as execvp() would: a missing one sends us to the next, a
 * permission error is remembered in case nothing better turns up, anything else is final.
 * Returns only on failure: -ENOENT when nothing was found (the executor exits 127), else the
 * error (126). */
int process_run_exec(const struct step *s, struct run_ctx *ctx)
{
	int r = -ENOENT;

	(void)ctx;
	/* Only stdin, stdout and stderr reach the command: any other fd sbx's caller leaked to
	 * us (not close-on-exec) could be a way out of the sandbox. The report pipe is already
	 * close-on-exec, so a failed execve() can still be reported. */
	if (close_range(3, ~0u, CLOSE_RANGE_CLOEXEC) < 0)
		return -errno;
	for (size_t i = 0; i < s->exec.n_paths; i++) {
		execve(s->exec.paths[i], s->exec.argv, s->exec.envp);
		switch (errno) {
		case EACCES:
			r = -EACCES;
			break;
		case ENOENT:
		case ENOTDIR:
		case ESTALE:
		case ENODEV:
		case ETIMEDOUT:
			break;
		default:
			return -errno;
		}
	}
	return r;
}
