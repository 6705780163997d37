/* init.c — sbx's pid 1 inside the pid namespace: it forks the command, forwards signals to it,
 * reaps every orphan, and exits with the command's status (which ends the namespace).
 *
 * The kernel delivers to a namespace's init only the signals it handles or blocks, and kills
 * everything else in the namespace when it exits. This init never installs a handler: it keeps
 * its signals blocked and takes them one by one with sigwaitinfo(), so no global state is needed
 * and a signal sent before the fork simply waits in the queue until the command's pid is known.
 *
 * The command is started the way posix_spawn() does it: clone(CLONE_VM | CLONE_VFORK) on a stack
 * of its own (plan-owned, made at compile time), where it runs the steps left and execs. That
 * is the one exception to "never CLONE_VM" (STYLE.md §7), and it is safe because init is
 * suspended until the command has exec'd or exited: nothing runs on init's side while the
 * memory is shared. The command copies the run context to its own stack and only writes there
 * (and to errno, which init does not read across the clone); no signal handler exists in the
 * sandbox's processes (sbx installs none and exec reset the caller's), so none can run on the
 * command's side and touch init's memory. Sharing the memory spares the copy of the page tables
 * and the copy-on-write faults after it: about 0.1 ms of each start. */
#include "sys/process.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run/child.h"
#include "util/child-safe.h"

/* What init passes on to the command (SIGKILL and SIGSTOP can't be caught anyway). */
static const int forwarded[] = {SBX_FORWARDED_SIGNALS, SBX_JOB_SIGNALS, SIGWINCH};

static void init_sigset(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(set, forwarded[i]);
	sigaddset(set, SIGCHLD);
}

/* Does a session or terminal step follow? Then the command gets a session of its own and init
 * leaves the caller's as well, so a key like ^C on the caller's terminal reaches the command
 * once, through sbx, and never straight from the terminal to init as a second copy. */
static bool command_detaches(const struct run_ctx *ctx)
{
	for (size_t i = ctx->index + 1; i < ctx->plan->n_steps; i++) {
		enum step_kind k = ctx->plan->steps[i].kind;

		if (k == STEP_SESSION || k == STEP_TTY)
			return true;
	}
	return false;
}

/* One record to sbx on the status pipe (see process.h). */
static void tell(const struct run_ctx *ctx, int kind, int value)
{
	struct init_report rec = {.kind = kind, .value = value};
	ssize_t n;

	if (run_ch(ctx, CH_STATUS) < 0)
		return;
	do
		n = write(run_ch(ctx, CH_STATUS), &rec, sizeof(rec));
	while (n < 0 && errno == EINTR);
}

/* Reap every child that has exited; true once @cmd is among them, its wait status in @status.
 * The command's stops and continues go to sbx, which stops along with it (a shell's job). */
static bool reap(const struct run_ctx *ctx, pid_t cmd, int *status, bool *stopped)
{
	for (;;) {
		int st;
		pid_t pid = waitpid(-1, &st, WNOHANG | WUNTRACED | WCONTINUED);

		if (pid < 0 && errno == EINTR)
			continue;
		if (pid <= 0)
			return false;
		if (pid != cmd)
			continue;
		if (WIFSTOPPED(st) || WIFCONTINUED(st)) {
			*stopped = WIFSTOPPED(st);
			tell(ctx, *stopped ? INIT_STOPPED : INIT_CONTINUED,
			     *stopped ? WSTOPSIG(st) : 0);
			continue;
		}
		*status = st;
		return true;
	}
}

/* Pass @sig on to the command. A stop or continue goes to its whole process group when it
 * leads one (a job, as a shell would send it); a signal that should end a stopped command is
 * followed by SIGCONT, as a shell's kill does, or it would only be delivered once someone
 * continued it. */
static void pass_on(pid_t cmd, int sig, bool stopped)
{
	bool job = (sig == SIGTSTP || sig == SIGCONT) && getpgid(cmd) == cmd;

	(void)kill(job ? -cmd : cmd, sig);
	if (stopped && (sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT))
		(void)kill(cmd, SIGCONT);
}

/* The sbx parent learns that exec succeeded from EOF on the report pipe, and the pty relay
 * must end when the command's last holder of the terminal does: so init keeps no fd but the
 * status pipe (the command's copy closes when it execs). */
static void close_everything(const struct run_ctx *ctx)
{
	const int fds[] = {run_ch(ctx, CH_SYNC), run_ch(ctx, CH_REPORT), run_ch(ctx, CH_TTY),
			   run_ch(ctx, CH_NET),	 run_ch(ctx, CH_CGROUP), run_ch(ctx, CH_LEARN),
			   ctx->root_fd};
	int keep = run_ch(ctx, CH_STATUS);

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0 && fds[i] != keep)
			(void)close(fds[i]);
	if (keep < 0) {
		(void)close_range(0, ~0u, 0);
		return;
	}
	if (keep > 0)
		(void)close_range(0, (unsigned)keep - 1, 0);
	(void)close_range((unsigned)keep + 1, ~0u, 0);
}

/* Reaps what has exited; true when init has no child left. Every process of the namespace is
 * a descendant of init and orphans are handed to it before their parent's exit is seen, so
 * no child left means nothing else runs in the sandbox. */
static bool alone(void)
{
	pid_t pid;
	int st;

	do
		pid = waitpid(-1, &st, WNOHANG);
	while (pid > 0 || (pid < 0 && errno == EINTR));
	return pid < 0 && errno == ECHILD;
}

/* Tell sbx the command's status when the sandbox holds nothing else any more, so sbx can
 * return without waiting while the kernel tears the namespaces down after init. When other
 * processes remain, init says nothing: its exit kills them, and sbx waits for that exit. */
static void report_status(const struct run_ctx *ctx, int status)
{
	if (alone())
		tell(ctx, INIT_EXITED, status);
}

static _Noreturn void init_main(const struct run_ctx *ctx, pid_t cmd, const sigset_t *set)
{
	bool stopped = false;
	int status = 0, code;

	(void)prctl(PR_SET_NAME, "sbx-init", 0, 0, 0);
	if (command_detaches(ctx))
		(void)setsid();
	close_everything(ctx);
	for (;;) {
		siginfo_t si;

		if (sigwaitinfo(set, &si) < 0)
			continue;
		if (si.si_signo == SIGCHLD) {
			if (reap(ctx, cmd, &status, &stopped))
				break;
			continue;
		}
		/* A signal from the kernel came from the terminal, which sent the command its own
		 * copy (same process group); only signals someone sent to init are passed on. */
		if (si.si_code != SI_KERNEL)
			pass_on(cmd, si.si_signo, stopped);
	}
	code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
	report_status(ctx, (code & 0xff) << 8); /* the wait status of init's own exit */
	_exit(code);
}

/* What the command needs from init's frame; read once, before anything else. */
struct spawn {
	const struct run_ctx *ctx;
	const sigset_t *mask; /* the mask before init blocked its signals */
	uint64_t start;	      /* when the init step began, for its -v line */
};

/* The command's side of the clone: init's memory is shared until it execs, so it works on a
 * copy of the run context and goes on with the steps after init (never returns). */
static int command_main(void *arg)
{
	const struct spawn *sp = arg;
	struct run_ctx ctx = *sp->ctx;

	if (sigprocmask(SIG_SETMASK, sp->mask, NULL) < 0)
		child_fail(&ctx, ctx.index, -errno);
	/* pid 1 never comes back from its step: the command it started says it is done. */
	child_step_done(&ctx, ctx.index, sp->start);
	child_run_steps(&ctx, ctx.index + 1);
}

/* Child. Starts the command, which goes on with the next steps on the step's stack; the caller,
 * now init, never returns. -errno when the command could not be started. */
int process_run_init(const struct step *s, struct run_ctx *ctx)
{
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	struct spawn sp;
	uint64_t start = child_now_usec();
	sigset_t set, old;
	char *top;
	pid_t pid;
	int r;

	if (!s->init.stack || s->init.stack_size < 4096)
		return -EINVAL;
	/* Before the command exists: from here on no one but root of the host (CAP_SYS_PTRACE
	 * over sbx's own user namespace) may ptrace init or open its /proc files (fd, environ,
	 * mem, exe: the host's sbx binary), although the command runs beside it as the same
	 * user. Not earlier: the parent (or newuidmap) writes the id maps through /proc and the
	 * netns helper enters our user namespace by pidfd, and both need us dumpable. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return -errno;
	init_sigset(&set);
	/* An ignored SIGCHLD would make the kernel reap the command before init sees its status. */
	if (sigaction(SIGCHLD, &dfl, NULL) < 0 || sigprocmask(SIG_BLOCK, &set, &old) < 0)
		return -errno;
	sp = (struct spawn){.ctx = ctx, .mask = &old, .start = start};
	/* The stack grows down from its 16-byte aligned end. */
	top = (char *)s->init.stack + (s->init.stack_size & ~(size_t)15);
	pid = clone(command_main, top, CLONE_VM | CLONE_VFORK | SIGCHLD, &sp);
	if (pid < 0) {
		r = -errno;
		(void)sigprocmask(SIG_SETMASK, &old, NULL);
		return r;
	}
	init_main(ctx, pid, &set);
}
