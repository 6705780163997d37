/* supervise.c — the sbx parent while the command runs: forward signals, enforce the time limit,
 * relay the sandbox's pty or stdio pipes to the caller's (relay.c), follow the command's stops,
 * wait, and report --stats.
 *
 * Everything is one poll() loop over a signalfd, a timerfd, init's reports and the relay's fds,
 * so no signal handler and no global state is needed. */
#include "sys/process.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "run/relay.h"
#include "util/cleanup.h"
#include "util/fd.h"

/* Signals sent to sbx that the command should get instead. */
static const int forwarded[] = {SBX_FORWARDED_SIGNALS};
static const int job_signals[] = {SBX_JOB_SIGNALS};

/* The forwarded signals that end a process by default: a stopped command gets SIGCONT after
 * them, or they would wait until someone continued it. */
static const int ending[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

/* The other signals that would end sbx at once, with the caller's terminal left raw: with a
 * pty, sbx takes them too, and ends the sandbox and itself as they would have (fatal()). */
static const int fatal_signals[] = {SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ,
				    SIGIO,   SIGPWR,	SIGSYS,	 SIGTRAP, SIGABRT};

/* The caller's terminal, while sbx keeps it in raw mode for the pty relay. */
struct term {
	bool pty; /* relaying a pty: the terminal on stdin goes raw while the command runs */
	bool raw; /* saved holds the caller's modes, to restore */
	struct termios saved;
};

struct super {
	pid_t child;
	int sfd, tfd;
	int status_fd;	/* init's reports (struct init_report); -1 when not read */
	bool has_init;	/* the child is sbx's init, which reports the command's stops */
	bool take_exit; /* take the command's status from init's report (not with --stats) */
	bool exited, timed_out;
	int fatal;     /* a signal that ends sbx (fatal_signals) came: its number */
	bool detached; /* the status came from init, which ends on its own: never reaped here */
	bool stopped;  /* the command is stopped, as last seen */
	bool stop_new; /* ... and sbx has not followed that stop yet (suspend()) */
	int status;
	struct rusage ru;
	struct relay relay;
	struct term term;
	struct wait_serve *serve; /* --learn's listener, answered here too (wait.h) */
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void block_set(sigset_t *set, const struct step *s)
{
	sigemptyset(set);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(set, forwarded[i]);
	sigaddset(set, SIGCHLD);
	/* Read, not acted on: sbx forwards them and follows the command's stops (suspend()). */
	for (size_t i = 0; i < ARRAY_SIZE(job_signals); i++)
		sigaddset(set, job_signals[i]);
	if (s->supervise.tty) {
		sigaddset(set, SIGWINCH);
		for (size_t i = 0; i < ARRAY_SIZE(fatal_signals); i++)
			sigaddset(set, fatal_signals[i]);
		for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
			sigaddset(set, sig);
	}
	if (s->supervise.tty || s->supervise.pipes)
		sigaddset(set, SIGPIPE); /* a closed stdout: write() fails with EPIPE instead */
}

static int start_timer(uint64_t ms, struct sbx_err *err)
{
	/* Capped at ten years, so the seconds always fit a time_t. */
	uint64_t sec = ms / 1000 > 315360000u ? 315360000u : ms / 1000;
	struct itimerspec its = {
	    .it_value = {.tv_sec = (time_t)sec, .tv_nsec = (long)(ms % 1000) * 1000000}};
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);

	if (fd < 0)
		return sbx_err_errno(err, NULL, "time limit: timerfd_create");
	if (timerfd_settime(fd, 0, &its, NULL) < 0) {
		int r = sbx_err_errno(err, NULL, "time limit: timerfd_settime");

		close(fd);
		return r;
	}
	return fd;
}

/* Collect the child if it has exited, or note that it stopped or went on (without an init,
 * whose reports say that instead); never blocks. */
static int try_reap(struct super *sv, struct sbx_err *err)
{
	int flags = WNOHANG | (sv->has_init ? 0 : WUNTRACED | WCONTINUED), st;
	pid_t pid;

	while (!sv->exited) {
		do
			pid = wait4(sv->child, &st, flags, &sv->ru);
		while (pid < 0 && errno == EINTR);
		if (pid < 0)
			return sbx_err_errno(err, NULL, "waiting for the sandbox");
		if (pid != sv->child)
			return 0;
		if (WIFSTOPPED(st) || WIFCONTINUED(st)) {
			sv->stopped = sv->stop_new = WIFSTOPPED(st);
			continue;
		}
		sv->status = st;
		sv->exited = true;
	}
	return 0;
}

static void copy_winsize(const struct super *sv)
{
	struct winsize ws;

	if (sv->relay.master >= 0 && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		(void)ioctl(sv->relay.master, TIOCSWINSZ, &ws);
}

/* Raw mode on the caller's terminal (every key goes to the sandbox, whose pty does the line
 * editing and sends ^C as SIGINT there), keeping the modes it had to restore them. */
static void term_raw(struct term *t)
{
	struct termios raw;

	if (!t->pty || t->raw || tcgetattr(STDIN_FILENO, &t->saved) < 0)
		return;
	raw = t->saved;
	cfmakeraw(&raw);
	if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0)
		t->raw = true;
}

static void term_restore(struct term *t)
{
	if (t->raw)
		(void)tcsetattr(STDIN_FILENO, TCSADRAIN, &t->saved);
	t->raw = false;
}

static bool is_forwarded(int sig)
{
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		if (forwarded[i] == sig)
			return true;
	return false;
}

static bool is_ending(int sig)
{
	for (size_t i = 0; i < ARRAY_SIZE(ending); i++)
		if (ending[i] == sig)
			return true;
	return false;
}

/* A signal the terminal sent (SI_KERNEL) already reached the child when it shares our process
 * group (no new session): forwarding it too would deliver it twice. Without an init, sbx does
 * what init would: a stop or continue goes to the command's whole process group (a job of its
 * own once it has a session), and a signal that should end a stopped command is followed by
 * SIGCONT, or it would wait for ever. With one, init does that inside. */
static void forward(const struct super *sv, int sig, int code)
{
	pid_t pid = sv->child;

	if (sv->exited) /* the pid may be reused once reaped */
		return;
	if (code == SI_KERNEL && getpgid(pid) == getpgrp())
		return;
	if (!sv->has_init && (sig == SIGTSTP || sig == SIGCONT) && getpgid(pid) == pid)
		pid = -pid;
	(void)kill(pid, sig);
	if (!sv->has_init && sv->stopped && is_ending(sig))
		(void)kill(sv->child, SIGCONT);
}

/* Is sbx the foreground job of the caller's terminal (one of its stdio fds)? */
static bool foreground(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (isatty(fd))
			return tcgetpgrp(fd) == getpgrp();
	return false;
}

/* The command stopped. In the foreground of a terminal, do what a shell does when its job
 * stops: show what the command wrote, take the terminal back (its modes), and stop sbx too,
 * so the caller's shell sees its job stopped and gets the terminal. SIGCONT (fg, bg) continues
 * sbx and, through on_signals(), the command; a signal sent meanwhile waits, as with any
 * stopped job, and is forwarded then (a shell's kill sends SIGCONT after it). Elsewhere sbx
 * goes on, and a signal it forwards still ends the stopped command (forward()). */
static void suspend(struct super *sv)
{
	if (!foreground())
		return;
	relay_flush(&sv->relay);
	term_restore(&sv->term);
	(void)raise(SIGSTOP);
}

/* sbx was continued (or someone sent it SIGCONT): the terminal goes raw again, with the
 * modes it has now to restore later, and the command goes on. */
static void on_continue(struct super *sv, int code)
{
	term_raw(&sv->term);
	copy_winsize(sv);
	forward(sv, SIGCONT, code);
}

/* A signal that would have ended sbx with the terminal raw: end the sandbox (as the time limit
 * does) and then sbx, with the caller's terminal restored and the status of that signal. */
static void fatal(struct super *sv, int sig)
{
	if (sv->exited || sv->fatal)
		return;
	sv->fatal = sig;
	(void)kill(sv->child, SIGKILL);
	if (getpgid(sv->child) == sv->child)
		(void)kill(-sv->child, SIGKILL);
}

static int on_signals(struct super *sv, struct sbx_err *err)
{
	struct signalfd_siginfo si;
	ssize_t n;

	while ((n = read(sv->sfd, &si, sizeof(si))) == sizeof(si)) {
		int sig = (int)si.ssi_signo;

		if (sig == SIGCHLD) {
			int r = try_reap(sv, err);

			if (r < 0)
				return r;
		} else if (sig == SIGWINCH) {
			copy_winsize(sv);
		} else if (sig == SIGCONT) {
			on_continue(sv, si.ssi_code);
		} else if (sig == SIGPIPE) {
			continue;
		} else if (sig == SIGTSTP || is_forwarded(sig)) {
			forward(sv, sig, si.ssi_code);
		} else {
			fatal(sv, sig);
		}
	}
	if (n < 0 && errno != EAGAIN && errno != EINTR)
		return sbx_err_errno(err, NULL, "reading signals");
	return 0;
}

/* At the deadline SIGKILL the child: with an init as pid 1 the whole pid namespace goes;
 * without one, the command's own process group (its session, when it has one) goes too. */
static void on_timer(struct super *sv)
{
	uint64_t ticks;

	if (read(sv->tfd, &ticks, sizeof(ticks)) != sizeof(ticks) || sv->exited)
		return;
	sv->timed_out = true;
	(void)kill(sv->child, SIGKILL);
	if (getpgid(sv->child) == sv->child)
		(void)kill(-sv->child, SIGKILL);
}

/* Parent. The pty master the child's terminal step sent over the socket pair. */
static int recv_fd(int sock, const char *what, struct sbx_err *err)
{
	int fd = fd_recv(sock);

	if (fd == -EIO)
		return sbx_err_set(err, NULL, -EIO, "terminal: the sandbox sent no %s", what);
	if (fd < 0)
		return sbx_err_set(err, NULL, fd, "terminal: receiving the %s: %s", what,
				   strerror(-fd));
	return fd;
}

/* Take the pty, put the caller's terminal in raw mode and give the pty the caller's size. */
static int relay_pty(struct super *sv, int sock, struct sbx_err *err)
{
	struct relay *t = &sv->relay;
	int fd = recv_fd(sock, "pty", err), r;

	if (fd < 0)
		return fd;
	t->master = fd;
	r = relay_add(t, STDIN_FILENO, fd, false, false, false);
	if (r == 0)
		r = relay_add(t, fd, STDOUT_FILENO, true, false, false);
	if (r == 0 && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
		r = -errno;
	if (r < 0)
		return sbx_err_set(err, NULL, r, "terminal: %s", strerror(-r));
	sv->term.pty = true;
	term_raw(&sv->term);
	copy_winsize(sv);
	return 0;
}

/* Take the pipes the child's stdio-pipes step sent, one per fd in @fds, lowest first: sbx
 * feeds the command's stdin from its own, and the command's stdout and stderr to its own. */
static int relay_pipes(struct super *sv, int sock, unsigned fds, struct sbx_err *err)
{
	for (int fd = 0; fd < 3; fd++) {
		int end, r;

		if (!(fds & (1u << fd)))
			continue;
		end = recv_fd(sock, "pipe", err);
		if (end < 0)
			return end;
		r = fd == 0 ? relay_add(&sv->relay, fd, end, false, false, true)
			    : relay_add(&sv->relay, end, fd, true, true, false);
		if (r < 0)
			return sbx_err_set(err, NULL, r, "terminal: %s", strerror(-r));
	}
	return 0;
}

/* init's reports: stops and continues of the command, and its status, as if init had been
 * reaped, once nothing else runs. EOF (init ended without one, or the command never ran)
 * leaves the wait to SIGCHLD. */
static void on_status(struct super *sv)
{
	struct init_report rec[16];
	ssize_t n;

	for (;;) {
		n = read(sv->status_fd, rec, sizeof(rec));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (size_t i = 0; i < (size_t)n / sizeof(rec[0]); i++) {
			if (rec[i].kind == INIT_STOPPED || rec[i].kind == INIT_CONTINUED)
				sv->stopped = sv->stop_new = rec[i].kind == INIT_STOPPED;
			if (rec[i].kind == INIT_EXITED && sv->take_exit && !sv->exited) {
				sv->status = rec[i].value;
				sv->exited = sv->detached = true;
			}
		}
	}
	if (n == 0)
		sv->status_fd = -1; /* the executor closes the pipe */
}

/* poll() slots: 0 signals, 1 timer, 2 init's reports, 3 what is served (--learn's listener:
 * -1 without, so no cost), then two per pump of the relay. */
#define N_FIXED 4
#define N_SLOTS (N_FIXED + 2 * RELAY_MAX)

static int loop(struct super *sv, struct sbx_err *err)
{
	int r = try_reap(sv, err); /* it may have exited before SIGCHLD was blocked */

	while (r == 0) {
		struct pollfd pfd[N_SLOTS];
		uint64_t now = now_ms();
		int timeout = -1, n;
		size_t n_fds;

		if (sv->exited && !sv->relay.ended)
			sv->relay.ended = now ? now : 1;
		if (sv->exited && relay_done(&sv->relay, now, &timeout))
			break;
		if (!sv->exited && sv->stopped && sv->stop_new)
			suspend(sv);
		sv->stop_new = false;
		pfd[0] = (struct pollfd){.fd = sv->sfd, .events = POLLIN};
		pfd[1] = (struct pollfd){.fd = sv->exited ? -1 : sv->tfd, .events = POLLIN};
		pfd[2] = (struct pollfd){.fd = sv->exited ? -1 : sv->status_fd, .events = POLLIN};
		pfd[3] = (struct pollfd){.fd = wait_serve_fd(sv->serve), .events = POLLIN};
		n_fds = N_FIXED + relay_fill(&sv->relay, &pfd[N_FIXED], now);
		n = poll(pfd, n_fds, timeout);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return sbx_err_errno(err, NULL, "supervising the sandbox: poll");
		if (pfd[0].revents)
			r = on_signals(sv, err);
		if (pfd[1].revents)
			on_timer(sv);
		if (pfd[2].revents)
			on_status(sv);
		if (r == 0 && pfd[3].revents && pfd[3].fd == wait_serve_fd(sv->serve))
			r = sv->serve->fn(sv->serve, pfd[3].revents);
		relay_io(&sv->relay, &pfd[N_FIXED], now_ms());
	}
	return r;
}

/* Signals that came after the command ended are dropped rather than delivered to sbx itself
 * (where most would kill it) when the mask is restored. */
static void drain_signals(int sfd)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == sizeof(si))
		;
}

/* The executor prints them once every step is done, so they come after the -v lines. */
static void record_stats(const struct super *sv, uint64_t start_ms, struct run_stats *st)
{
	st->wall_ms = now_ms() - start_ms;
	st->user_ms =
	    (uint64_t)sv->ru.ru_utime.tv_sec * 1000u + (uint64_t)sv->ru.ru_utime.tv_usec / 1000u;
	st->sys_ms =
	    (uint64_t)sv->ru.ru_stime.tv_sec * 1000u + (uint64_t)sv->ru.ru_stime.tv_usec / 1000u;
	st->maxrss_kib = (uint64_t)sv->ru.ru_maxrss;
}

static void print_time_limit(uint64_t ms)
{
	if (ms % 1000)
		fprintf(stderr, "sbx: time limit of %" PRIu64 ".%03" PRIu64 "s reached, killed\n",
			ms / 1000, ms % 1000);
	else
		fprintf(stderr, "sbx: time limit of %" PRIu64 "s reached, killed\n", ms / 1000);
}

/* Everything after the signals are blocked; the caller restores the mask. */
static int supervise(const struct step *s, struct run_ctx *ctx, struct super *sv)
{
	uint64_t start = now_ms();
	int r = 0;

	/* The executor armed the time limit at clone(); a fresh timer only without one. */
	if (ctx->time_limit_fd >= 0) {
		sv->tfd = ctx->time_limit_fd;
	} else if (s->supervise.time_limit_ms) {
		sv->tfd = start_timer(s->supervise.time_limit_ms, ctx->err);
		if (sv->tfd < 0)
			return sv->tfd;
	}
	if (s->supervise.tty)
		r = relay_pty(sv, run_ch(ctx, CH_TTY), ctx->err);
	else if (s->supervise.pipes)
		r = relay_pipes(sv, run_ch(ctx, CH_TTY), s->supervise.pipes, ctx->err);
	if (r == 0)
		r = loop(sv, ctx->err);
	term_restore(&sv->term); /* before any message, so lines end where they should */
	if (r < 0 || !sv->exited)
		return r < 0 ? r : sbx_err_set(ctx->err, NULL, -EIO, "the sandbox did not exit");
	if (sv->fatal)
		sv->status = sv->fatal; /* the wait status of "killed by" it: exit 128 + N */
	if (sv->timed_out) {
		sv->status = SIGKILL; /* the wait status of "killed by SIGKILL": exit 137 */
		if (ctx->verbose >= 0)
			print_time_limit(s->supervise.time_limit_ms);
	}
	ctx->status = sv->status;
	if (sv->detached)
		ctx->child = -1; /* ours no more to wait for or to kill */
	if (ctx->stats)
		record_stats(sv, start, &ctx->stat);
	return 0;
}

/* Parent. Runs after the command exec'd, until the child (init or the command) exits; sets
 * ctx->status to its wait status. On failure the executor kills and reaps the child. */
int process_run_supervise(const struct step *s, struct run_ctx *ctx)
{
	/* --stats needs the rusage of init and all it reaped: then sbx waits for init's end. */
	struct super sv = {.child = ctx->child,
			   .sfd = -1,
			   .tfd = -1,
			   .status_fd = run_ch(ctx, CH_STATUS),
			   .has_init = s->supervise.has_init,
			   .take_exit = !ctx->stats,
			   .serve = &ctx->guard.serve};
	sigset_t set, old;
	int r;

	relay_init(&sv.relay);
	if (sv.status_fd >= 0 && fcntl(sv.status_fd, F_SETFL, O_NONBLOCK) < 0)
		return sbx_err_errno(ctx->err, NULL, "supervising the sandbox: fcntl");
	block_set(&set, s);
	if (sigprocmask(SIG_BLOCK, &set, &old) < 0)
		return sbx_err_errno(ctx->err, NULL, "supervising the sandbox: sigprocmask");
	sv.sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sv.sfd < 0)
		r = sbx_err_errno(ctx->err, NULL, "supervising the sandbox: signalfd");
	else
		r = supervise(s, ctx, &sv);
	term_restore(&sv.term);
	relay_close(&sv.relay);
	if (sv.tfd >= 0 && sv.tfd != ctx->time_limit_fd)
		close(sv.tfd);
	if (sv.sfd >= 0) {
		drain_signals(sv.sfd);
		close(sv.sfd);
	}
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}
