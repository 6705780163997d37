/* supervise.c — the sbx parent while the command runs: forward signals, enforce the time limit,
 * relay the sandbox's pty to the caller's terminal, wait, and report --stats.
 *
 * Everything is one poll() loop over a signalfd, a timerfd and the terminal fds, so no signal
 * handler and no global state is needed. */
#include "process.h"

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

#include "util/cleanup.h"
#include "util/fd.h"

/* Signals sent to sbx that the command should get instead. */
static const int forwarded[] = {SBX_FORWARDED_SIGNALS};

/* After the command exits, how long the relay waits for output still in flight, in ms: a
 * process that escaped the command's session could otherwise keep the pty open for ever. */
#define DRAIN_IDLE_MS 100
#define DRAIN_MAX_MS 2000

struct relay {
	int master;   /* pty master, -1 without a terminal */
	bool live;    /* relaying: the pty's slave side is still open somewhere */
	bool in_open; /* stdin still readable */
	bool out_ok;  /* stdout still writable; output is dropped once it is not */
	bool raw;     /* saved holds the caller's modes, to restore */
	struct termios saved;
	char in[4096], out[4096];
	size_t in_len, in_off, out_len, out_off;
};

struct super {
	pid_t child;
	int sfd, tfd;
	int status_fd; /* init's report of the command's status; -1 when not awaited */
	bool exited, timed_out;
	bool detached; /* the status came from init, which ends on its own: never reaped here */
	int status;
	struct rusage ru;
	struct relay tty;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void block_set(sigset_t *set, bool tty)
{
	sigemptyset(set);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(set, forwarded[i]);
	sigaddset(set, SIGCHLD);
	if (tty) {
		sigaddset(set, SIGWINCH);
		sigaddset(set, SIGPIPE); /* a closed stdout: write() fails with EPIPE instead */
	}
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

/* Collect the child if it has exited; never blocks. */
static int try_reap(struct super *sv, struct sbx_err *err)
{
	pid_t pid;

	if (sv->exited)
		return 0;
	do
		pid = wait4(sv->child, &sv->status, WNOHANG, &sv->ru);
	while (pid < 0 && errno == EINTR);
	if (pid < 0)
		return sbx_err_errno(err, NULL, "waiting for the sandbox");
	if (pid == sv->child)
		sv->exited = true;
	return 0;
}

static void copy_winsize(const struct super *sv)
{
	struct winsize ws;

	if (sv->tty.master >= 0 && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		(void)ioctl(sv->tty.master, TIOCSWINSZ, &ws);
}

/* A signal the terminal sent (SI_KERNEL) already reached the child when it shares our process
 * group (no new session): forwarding it too would deliver it twice. */
static void forward(const struct super *sv, const struct signalfd_siginfo *si)
{
	if (sv->exited) /* the pid may be reused once reaped */
		return;
	if (si->ssi_code == SI_KERNEL && getpgid(sv->child) == getpgrp())
		return;
	(void)kill(sv->child, (int)si->ssi_signo);
}

static int on_signals(struct super *sv, struct sbx_err *err)
{
	struct signalfd_siginfo si;
	ssize_t n;

	while ((n = read(sv->sfd, &si, sizeof(si))) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			int r = try_reap(sv, err);

			if (r < 0)
				return r;
		} else if (si.ssi_signo == SIGWINCH) {
			copy_winsize(sv);
		} else if (si.ssi_signo != SIGPIPE) {
			forward(sv, &si);
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
static int recv_master(int sock, struct sbx_err *err)
{
	int fd = fd_recv(sock);

	if (fd == -EIO)
		return sbx_err_set(err, NULL, -EIO, "terminal: the sandbox sent no pty");
	if (fd < 0)
		return sbx_err_set(err, NULL, fd, "terminal: receiving the pty: %s", strerror(-fd));
	return fd;
}

/* Take the pty, put the caller's terminal in raw mode (every key goes to the sandbox, whose pty
 * does the line editing and sends ^C as SIGINT there) and give the pty the caller's size. */
static int relay_start(struct super *sv, int sock, struct sbx_err *err)
{
	struct relay *t = &sv->tty;
	struct termios raw;
	int fd = recv_master(sock, err);

	if (fd < 0)
		return fd;
	t->master = fd;
	t->live = true;
	t->in_open = true;
	t->out_ok = true;
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
		return sbx_err_errno(err, NULL, "terminal: fcntl");
	if (tcgetattr(STDIN_FILENO, &t->saved) == 0) {
		raw = t->saved;
		cfmakeraw(&raw);
		if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0)
			t->raw = true;
	}
	copy_winsize(sv);
	return 0;
}

static void relay_restore(struct relay *t)
{
	if (t->raw)
		(void)tcsetattr(STDIN_FILENO, TCSADRAIN, &t->saved);
	t->raw = false;
	if (t->master >= 0)
		close(t->master);
	t->master = -1;
	t->live = false;
}

/* A read or write error other than a retry ends that direction for good. */
static bool transient(ssize_t n)
{
	return n < 0 && (errno == EINTR || errno == EAGAIN);
}

static void from_stdin(struct relay *t)
{
	ssize_t n = read(STDIN_FILENO, t->in, sizeof(t->in));

	if (n > 0) {
		t->in_len = (size_t)n;
		t->in_off = 0;
	} else if (!transient(n)) {
		t->in_open = false; /* EOF or hangup: the command keeps running */
	}
}

static void to_master(struct relay *t)
{
	ssize_t n = write(t->master, t->in + t->in_off, t->in_len - t->in_off);

	if (n > 0)
		t->in_off += (size_t)n;
	if ((n > 0 && t->in_off == t->in_len) || (n <= 0 && !transient(n)))
		t->in_len = 0;
}

static void from_master(struct relay *t)
{
	ssize_t n = read(t->master, t->out, sizeof(t->out));

	if (n > 0) {
		t->out_len = t->out_ok ? (size_t)n : 0; /* a gone stdout: keep the pty flowing */
		t->out_off = 0;
	} else if (!transient(n)) {
		/* EIO: every holder of the slave is gone. The master stays open until the child
		 * exits: closing it would hang up the command's session (SIGHUP). */
		t->live = false;
	}
}

static void to_stdout(struct relay *t)
{
	ssize_t n = write(STDOUT_FILENO, t->out + t->out_off, t->out_len - t->out_off);

	if (n > 0)
		t->out_off += (size_t)n;
	if (n <= 0 && !transient(n))
		t->out_ok = false;
	if (!t->out_ok || t->out_off == t->out_len)
		t->out_len = 0;
}

/* Move bytes one step in each ready direction. */
static void relay_io(struct relay *t, const struct pollfd *in, const struct pollfd *m,
		     const struct pollfd *out)
{
	if (in->revents && t->in_len == 0)
		from_stdin(t);
	if ((m->revents & (POLLOUT | POLLERR)) && t->in_len)
		to_master(t);
	if ((m->revents & (POLLIN | POLLHUP | POLLERR)) && t->out_len == 0)
		from_master(t);
	if (out->revents && t->out_len)
		to_stdout(t);
}

/* init's report: the status, as if init had been reaped. EOF (init ended without one, or
 * the command never ran) leaves the wait to SIGCHLD. */
static void on_status(struct super *sv)
{
	int status;
	ssize_t n;

	do
		n = read(sv->status_fd, &status, sizeof(status));
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(status) && !sv->exited) {
		sv->status = status;
		sv->exited = sv->detached = true;
	}
	sv->status_fd = -1; /* one report at most; the executor closes the pipe */
}

/* poll() slots: 0 signals, 1 timer, 2 stdin, 3 pty master, 4 stdout, 5 init's status. */
#define N_SLOTS 6
static void fill_pollfds(const struct super *sv, struct pollfd pfd[N_SLOTS])
{
	const struct relay *t = &sv->tty;
	bool relay = t->live;

	pfd[0] = (struct pollfd){.fd = sv->sfd, .events = POLLIN};
	pfd[1] = (struct pollfd){.fd = sv->exited ? -1 : sv->tfd, .events = POLLIN};
	pfd[2] = (struct pollfd){.fd = relay && t->in_open && !t->in_len ? STDIN_FILENO : -1,
				 .events = POLLIN};
	pfd[3] = (struct pollfd){
	    .fd = relay ? t->master : -1,
	    .events = (short)((t->out_len ? 0 : POLLIN) | (t->in_len ? POLLOUT : 0))};
	pfd[4] = (struct pollfd){.fd = relay && t->out_len ? STDOUT_FILENO : -1, .events = POLLOUT};
	pfd[5] = (struct pollfd){.fd = sv->exited ? -1 : sv->status_fd, .events = POLLIN};
}

static int loop(struct super *sv, struct sbx_err *err)
{
	uint64_t drain_end = 0;
	int r = try_reap(sv, err); /* it may have exited before SIGCHLD was blocked */

	while (r == 0 && !(sv->exited && !sv->tty.live)) {
		struct pollfd pfd[N_SLOTS];
		int timeout = -1, n;

		if (sv->exited) { /* only the relay is left: drain what is in flight */
			uint64_t now = now_ms();

			drain_end = drain_end ? drain_end : now + DRAIN_MAX_MS;
			if (now >= drain_end)
				break;
			timeout = (int)(drain_end - now < DRAIN_IDLE_MS ? drain_end - now
									: DRAIN_IDLE_MS);
		}
		fill_pollfds(sv, pfd);
		n = poll(pfd, N_SLOTS, timeout);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return sbx_err_errno(err, NULL, "supervising the sandbox: poll");
		if (n == 0)
			break; /* drained: nothing more came within DRAIN_IDLE_MS */
		if (pfd[0].revents)
			r = on_signals(sv, err);
		if (pfd[1].revents)
			on_timer(sv);
		if (pfd[5].revents)
			on_status(sv);
		if (sv->tty.live)
			relay_io(&sv->tty, &pfd[2], &pfd[3], &pfd[4]);
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

static void print_stats(const struct super *sv, uint64_t start_ms)
{
	uint64_t wall = now_ms() - start_ms;

	fprintf(stderr,
		"sbx: stats: wall %" PRIu64 ".%03" PRIu64 "s user %ld.%03lds sys %ld.%03lds "
		"maxrss %ld KiB\n",
		wall / 1000, wall % 1000, (long)sv->ru.ru_utime.tv_sec,
		(long)sv->ru.ru_utime.tv_usec / 1000, (long)sv->ru.ru_stime.tv_sec,
		(long)sv->ru.ru_stime.tv_usec / 1000, sv->ru.ru_maxrss);
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
		r = relay_start(sv, ctx->tty_sock, ctx->err);
	if (r == 0)
		r = loop(sv, ctx->err);
	relay_restore(&sv->tty); /* before any message, so lines end where they should */
	if (r < 0 || !sv->exited)
		return r < 0 ? r : sbx_err_set(ctx->err, NULL, -EIO, "the sandbox did not exit");
	if (sv->timed_out) {
		sv->status = SIGKILL; /* the wait status of "killed by SIGKILL": exit 137 */
		if (ctx->verbose >= 0)
			print_time_limit(s->supervise.time_limit_ms);
	}
	ctx->status = sv->status;
	if (sv->detached)
		ctx->child = -1; /* ours no more to wait for or to kill */
	if (ctx->stats)
		print_stats(sv, start);
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
			   .status_fd = ctx->stats ? -1 : ctx->status_fd,
			   .tty = {.master = -1}};
	sigset_t set, old;
	int r;

	block_set(&set, s->supervise.tty);
	if (sigprocmask(SIG_BLOCK, &set, &old) < 0)
		return sbx_err_errno(ctx->err, NULL, "supervising the sandbox: sigprocmask");
	sv.sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sv.sfd < 0)
		r = sbx_err_errno(ctx->err, NULL, "supervising the sandbox: signalfd");
	else
		r = supervise(s, ctx, &sv);
	relay_restore(&sv.tty);
	if (sv.tfd >= 0 && sv.tfd != ctx->time_limit_fd)
		close(sv.tfd);
	if (sv.sfd >= 0) {
		drain_signals(sv.sfd);
		close(sv.sfd);
	}
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}
