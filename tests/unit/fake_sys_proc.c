/* fake_sys_proc.c — the fake's wrappers of the calls on processes, ids, capabilities,
 * terminals and signals (fake_sys.h). */
/* LDWRAP: -Wl,--wrap=prctl,--wrap=setgroups,--wrap=setresgid,--wrap=setresuid,--wrap=umask */
/* LDWRAP: -Wl,--wrap=getppid,--wrap=poll,--wrap=setsid,--wrap=ioctl,--wrap=tcgetattr */
/* LDWRAP: -Wl,--wrap=tcsetattr,--wrap=dup2,--wrap=pipe2,--wrap=close_range,--wrap=execve */
/* LDWRAP: -Wl,--wrap=fd_send,--wrap=sigaction,--wrap=sigprocmask,--wrap=clone */
#include "fake_sys.h"
#include "fake_sys_call.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <termios.h>
#include <unistd.h>

#include "util/fd.h"

static const struct flag pipe_flags[] = {
    FLAG(O_CLOEXEC),
    FLAG(O_NONBLOCK),
    FLAG(O_DIRECT),
};

static const struct flag clone_flags[] = {
    FLAG(CLONE_VM),    FLAG(CLONE_VFORK),  FLAG(CLONE_FS),	FLAG(CLONE_FILES),
    FLAG(CLONE_NEWNS), FLAG(CLONE_NEWPID), FLAG(CLONE_NEWUSER),
};

static const char *prctl_name(int option)
{
	switch (option) {
	case PR_SET_KEEPCAPS:
		return "PR_SET_KEEPCAPS";
	case PR_CAPBSET_DROP:
		return "PR_CAPBSET_DROP";
	case PR_CAP_AMBIENT:
		return "PR_CAP_AMBIENT";
	case PR_SET_NO_NEW_PRIVS:
		return "PR_SET_NO_NEW_PRIVS";
	case PR_SET_PDEATHSIG:
		return "PR_SET_PDEATHSIG";
	case PR_SET_DUMPABLE:
		return "PR_SET_DUMPABLE";
	case PR_SET_NAME:
		return "PR_SET_NAME";
	case PR_SET_CHILD_SUBREAPER:
		return "PR_SET_CHILD_SUBREAPER";
	default:
		return NULL;
	}
}

/* prctl(OPTION,arg2[,arg3...]): the arguments up to the last one that is not 0, and at least
 * those the option takes (two for PR_CAP_AMBIENT, else one). */
int __real_prctl(int option, ...);
int __wrap_prctl(int option, ...)
{
	struct call c = {.len = 0};
	const char *name = prctl_name(option);
	unsigned long a[4];
	int n = option == PR_CAP_AMBIENT ? 2 : 1;
	va_list ap;

	va_start(ap, option);
	for (int i = 0; i < 4; i++)
		a[i] = va_arg(ap, unsigned long);
	va_end(ap);
	if (!fake_armed())
		return __real_prctl(option, a[0], a[1], a[2], a[3]);
	if (name)
		call_add(&c, "prctl(%s", name);
	else
		call_add(&c, "prctl(%d", option);
	for (int i = n; i < 4; i++)
		if (a[i])
			n = i + 1;
	for (int i = 0; i < n; i++) {
		if (i == 0 && option == PR_CAP_AMBIENT && a[0] == PR_CAP_AMBIENT_RAISE)
			call_add(&c, ",PR_CAP_AMBIENT_RAISE");
		else if (i == 0 && option == PR_SET_NAME)
			call_add(&c, ",%s", (const char *)a[0]);
		else
			call_add(&c, ",%lu", a[i]);
	}
	call_add(&c, ")");
	return (int)call_finish(&c);
}

int __real_setgroups(size_t n, const gid_t *list);
int __wrap_setgroups(size_t n, const gid_t *list)
{
	struct call c = {.len = 0};

	if (!fake_armed())
		return __real_setgroups(n, list);
	call_add(&c, "setgroups(%zu", n);
	for (size_t i = 0; i < n; i++)
		call_add(&c, ",%u", list[i]);
	call_add(&c, ")");
	return (int)call_finish(&c);
}

int __real_setresgid(gid_t r, gid_t e, gid_t s);
int __wrap_setresgid(gid_t r, gid_t e, gid_t s)
{
	struct call c = {.len = 0};

	if (!fake_armed())
		return __real_setresgid(r, e, s);
	call_add(&c, "setresgid(%u,%u,%u)", r, e, s);
	return (int)call_finish(&c);
}

int __real_setresuid(uid_t r, uid_t e, uid_t s);
int __wrap_setresuid(uid_t r, uid_t e, uid_t s)
{
	struct call c = {.len = 0};

	if (!fake_armed())
		return __real_setresuid(r, e, s);
	call_add(&c, "setresuid(%u,%u,%u)", r, e, s);
	return (int)call_finish(&c);
}

/* umask() can't fail; the old mask it returns is 0 unless a rule says otherwise. */
mode_t __real_umask(mode_t mask);
mode_t __wrap_umask(mode_t mask)
{
	struct call c = {.len = 0};

	if (!fake_armed())
		return __real_umask(mask);
	call_add(&c, "umask(0%o)", mask);
	return (mode_t)call_finish(&c);
}

pid_t __real_getppid(void);
pid_t __wrap_getppid(void)
{
	struct call c = {.len = 0};

	if (!fake_armed())
		return __real_getppid();
	call_add(&c, "getppid()");
	return (pid_t)call_finish(&c);
}

int __real_poll(struct pollfd *fds, nfds_t n, int timeout);
int __wrap_poll(struct pollfd *fds, nfds_t n, int timeout)
{
	struct call c = {.len = 0};
	struct rule *rule;
	int r;

	if (!fake_armed())
		return __real_poll(fds, n, timeout);
	call_add(&c, "poll(");
	for (nfds_t i = 0; i < n; i++) /* as struct pollfd initializers: {fd,events} */
		call_add(&c, "{%d,%#x},", fds[i].fd, (unsigned)fds[i].events);
	call_add(&c, "%lu,%d)", (unsigned long)n, timeout);
	/* A rule with revents makes the first fd ready with them. */
	rule = call_find_rule(&c);
	if (rule && rule->revents) {
		rule->has_ret = true;
		rule->ret = 1;
	}
	r = (int)call_finish(&c);
	for (nfds_t i = 0; i < n; i++)
		fds[i].revents = 0;
	if (r > 0 && n > 0 && c.rule)
		fds[0].revents = c.rule->revents;
	return r;
}

pid_t __real_setsid(void);
pid_t __wrap_setsid(void)
{
	struct call c = {.len = 0};

	if (!fake_armed())
		return __real_setsid();
	call_add(&c, "setsid()");
	return (pid_t)call_finish(&c);
}

/* ioctl(): the requests the runners make, by name. TIOCGPTPEER hands out an fd. */
int __real_ioctl(int fd, unsigned long req, ...);
int __wrap_ioctl(int fd, unsigned long req, ...)
{
	struct call c = {.len = 0};
	void *arg;
	va_list ap;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!fake_armed())
		return __real_ioctl(fd, req, arg);
	switch (req) {
	case TIOCNOTTY:
		call_add(&c, "ioctl(%d,TIOCNOTTY)", fd);
		return (int)call_finish(&c);
	case TIOCSCTTY:
		call_add(&c, "ioctl(%d,TIOCSCTTY,%ld)", fd, (long)arg);
		return (int)call_finish(&c);
	case TIOCSPTLCK:
		call_add(&c, "ioctl(%d,TIOCSPTLCK,%d)", fd, *(int *)arg);
		return (int)call_finish(&c);
	case TIOCGPTPEER:
		call_add(&c, "ioctl(%d,TIOCGPTPEER,", fd);
		call_open_flags(&c, (unsigned long)arg);
		call_add(&c, ")");
		return (int)call_finish_fd(&c);
	case TIOCGWINSZ: {
		struct winsize *ws = arg;
		int r;

		call_add(&c, "ioctl(%d,TIOCGWINSZ)", fd);
		r = (int)call_finish(&c);
		if (r == 0)
			*ws = (struct winsize){.ws_row = 24, .ws_col = 80};
		return r;
	}
	case TIOCSWINSZ: {
		const struct winsize *ws = arg;

		call_add(&c, "ioctl(%d,TIOCSWINSZ,%ux%u)", fd, ws->ws_col, ws->ws_row);
		return (int)call_finish(&c);
	}
	default:
		call_add(&c, "ioctl(%d,%#lx)", fd, req);
		return (int)call_finish(&c);
	}
}

/* tcgetattr() reports a terminal with c_lflag ICANON|ECHO; tcsetattr() logs its c_lflag. */
int __real_tcgetattr(int fd, struct termios *t);
int __wrap_tcgetattr(int fd, struct termios *t)
{
	struct call c = {.len = 0};
	int r;

	if (!fake_armed())
		return __real_tcgetattr(fd, t);
	call_add(&c, "tcgetattr(%d)", fd);
	r = (int)call_finish(&c);
	if (r == 0)
		*t = (struct termios){.c_lflag = ICANON | ECHO};
	return r;
}

int __real_tcsetattr(int fd, int act, const struct termios *t);
int __wrap_tcsetattr(int fd, int act, const struct termios *t)
{
	struct call c = {.len = 0};

	if (!fake_armed())
		return __real_tcsetattr(fd, act, t);
	call_add(&c, "tcsetattr(%d,%s,lflag=%#x)", fd, act == TCSANOW ? "TCSANOW" : "?",
		 (unsigned)t->c_lflag);
	return (int)call_finish(&c);
}

int __real_dup2(int from, int to);
int __wrap_dup2(int from, int to)
{
	struct call c = {.len = 0};

	if (!fake_armed())
		return __real_dup2(from, to);
	call_add(&c, "dup2(%d,%d)", from, to);
	return (int)call_finish_as(&c, to, false, false);
}

/* pipe2() hands out two new fds, logged as its result: " = [100,101]". */
int __real_pipe2(int p[2], int flags);
int __wrap_pipe2(int p[2], int flags)
{
	struct call c = {.len = 0};
	int r;

	if (!fake_armed())
		return __real_pipe2(p, flags);
	call_add(&c, "pipe2(");
	CALL_FLAGS(&c, (unsigned)flags, pipe_flags);
	call_add(&c, ")");
	r = (int)call_finish(&c);
	if (r == 0) {
		p[0] = call_new_fd();
		p[1] = call_new_fd();
		call_amend(" = [%d,%d]", p[0], p[1]);
	}
	return r;
}

int __real_close_range(unsigned first, unsigned last, int flags);
int __wrap_close_range(unsigned first, unsigned last, int flags)
{
	struct call c = {.len = 0};

	if (!fake_armed())
		return __real_close_range(first, last, flags);
	call_add(&c, "close_range(%u,", first);
	if (last == ~0u)
		call_add(&c, "~0,");
	else
		call_add(&c, "%u,", last);
	call_add(&c, "%s)",
		 flags == CLOSE_RANGE_CLOEXEC ? "CLOSE_RANGE_CLOEXEC"
		 : flags		      ? "?"
					      : "0");
	return (int)call_finish(&c);
}

/* execve() fails with ENOENT unless a rule says otherwise (a "success" returns 0, which a
 * real execve() never does). Logged with argv and envp: execve(/bin/sh,[sh,-c],[A=1]). */
int __real_execve(const char *path, char *const argv[], char *const envp[]);
int __wrap_execve(const char *path, char *const argv[], char *const envp[])
{
	struct call c = {.len = 0};

	if (!fake_armed())
		return __real_execve(path, argv, envp);
	call_add(&c, "execve(%s,[", path);
	for (size_t i = 0; argv && argv[i]; i++)
		call_add(&c, "%s%s", i ? "," : "", argv[i]);
	call_add(&c, "],[");
	for (size_t i = 0; envp && envp[i]; i++)
		call_add(&c, "%s%s", i ? "," : "", envp[i]);
	call_add(&c, "])");
	if (!call_has_rule(&c)) /* the default failure, as a rule of its own */
		fake_fail(c.text, ENOENT);
	return (int)call_finish(&c);
}

int __real_fd_send(int sock, int fd);
int __wrap_fd_send(int sock, int fd)
{
	struct call c = {.len = 0};

	if (!fake_armed())
		return __real_fd_send(sock, fd);
	call_add(&c, "fd_send(%d,%d)", sock, fd);
	return (int)call_finish_as(&c, 0, false, true);
}

static void add_sig(struct call *c, int sig)
{
	const char *name = sigabbrev_np(sig);

	if (name)
		call_add(c, "SIG%s", name);
	else
		call_add(c, "%d", sig);
}

static void add_sigset(struct call *c, const sigset_t *set)
{
	bool first = true;

	call_add(c, "{");
	for (int sig = 1; sig < NSIG; sig++) {
		if (sigismember(set, sig) == 1) {
			call_add(c, "%s", first ? "" : ",");
			add_sig(c, sig);
			first = false;
		}
	}
	call_add(c, "}");
}

int __real_sigaction(int sig, const struct sigaction *act, struct sigaction *old);
int __wrap_sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	struct call c = {.len = 0};

	if (!fake_armed())
		return __real_sigaction(sig, act, old);
	call_add(&c, "sigaction(");
	add_sig(&c, sig);
	if (!act)
		call_add(&c, ",NULL)");
	else if (act->sa_handler == SIG_DFL)
		call_add(&c, ",SIG_DFL)");
	else if (act->sa_handler == SIG_IGN)
		call_add(&c, ",SIG_IGN)");
	else
		call_add(&c, ",handler)");
	return (int)call_finish(&c);
}

/* sigprocmask(): the old mask it reports is {SIGPIPE}, so a test can see it restored. */
int __real_sigprocmask(int how, const sigset_t *set, sigset_t *old);
int __wrap_sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	struct call c = {.len = 0};
	int r;

	if (!fake_armed())
		return __real_sigprocmask(how, set, old);
	call_add(&c, "sigprocmask(%s,",
		 how == SIG_BLOCK     ? "SIG_BLOCK"
		 : how == SIG_SETMASK ? "SIG_SETMASK"
		 : how == SIG_UNBLOCK ? "SIG_UNBLOCK"
				      : "?");
	if (set)
		add_sigset(&c, set);
	else
		call_add(&c, "NULL");
	call_add(&c, ")");
	r = (int)call_finish(&c);
	if (r == 0 && old) {
		sigemptyset(old);
		sigaddset(old, SIGPIPE);
	}
	return r;
}

/* clone(): logged with its flags. It never starts anything: it fails with EAGAIN unless a rule
 * says otherwise (a runner that went on as if it had would wait for a child that isn't there). */
int __real_clone(int (*fn)(void *), void *stack, int flags, void *arg, ...);
int __wrap_clone(int (*fn)(void *), void *stack, int flags, void *arg, ...)
{
	struct call c = {.len = 0};

	if (!fake_armed())
		return __real_clone(fn, stack, flags, arg);
	call_add(&c, "clone(");
	CALL_FLAGS(&c, (unsigned)flags & ~0xffu, clone_flags);
	call_add(&c, "|");
	add_sig(&c, flags & 0xff);
	call_add(&c, ")");
	if (!call_has_rule(&c))
		fake_fail(c.text, EAGAIN);
	return (int)call_finish(&c);
}
