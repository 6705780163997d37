/* exec.c — the executor: prepare, clone, run the parent-side steps while the child waits,
 * release the child, run the parent steps that go beside it (the netns helper), follow its
 * reports, supervise, and turn the outcome into an exit status.
 *
 * Protocol (STYLE.md §7): the child blocks on `sync` until the parent has run its steps, then
 * writes one struct child_report per step to `report`. EOF on `report` after only successful
 * records means execve() succeeded (every fd is O_CLOEXEC). */
#include "run/exec.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "run/child.h"
#include "util/cleanup.h"

/* The signals sbx passes on to the command (STEP_SUPERVISE forwards them). */
static const int forwarded_signals[] = {SBX_FORWARDED_SIGNALS};

static void drop_fd(int *fd)
{
	closep(fd);
	*fd = -1;
}

/* Every channel end still open, on both sides (the parent's copy of the context). */
static void channels_close(struct run_ctx *ctx)
{
	for (int c = 0; c < _CH_MAX; c++) {
		drop_fd(&ctx->ch[c][SIDE_PARENT]);
		drop_fd(&ctx->ch[c][SIDE_CHILD]);
	}
}

/* Open the channels the plan needs, before clone(); a pipe's write end goes to the side that
 * writes. */
static int channels_open(struct run_ctx *ctx, const struct plan *plan, struct sbx_err *err)
{
	static const struct {
		bool socket;	  /* a SOCK_SEQPACKET pair, else a pipe */
		bool child_reads; /* pipe: the child holds the read end */
	} kinds[_CH_MAX] = {
	    [CH_SYNC] = {false, true},	[CH_REPORT] = {false, false}, [CH_TTY] = {true, false},
	    [CH_NET] = {true, false},	[CH_STATUS] = {false, false}, [CH_CGROUP] = {false, true},
	    [CH_LEARN] = {true, false},
	};
	bool wanted[_CH_MAX] = {true,
				true,
				true,
				plan_first(plan, STEP_NETNS_CREATE) != NULL,
				plan_first(plan, STEP_INIT) != NULL,
				plan_first(plan, STEP_CGROUP_WAIT) != NULL,
				plan_first(plan, STEP_SECCOMP_LEARN) != NULL};

	for (int c = 0; c < _CH_MAX; c++) {
		int fds[2];

		if (!wanted[c])
			continue;
		if (kinds[c].socket ? socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0
				    : pipe2(fds, O_CLOEXEC) < 0)
			return sbx_err_errno(err, NULL, "cannot create the pipes to the sandbox");
		/* pipe2: fds[0] reads, fds[1] writes. */
		ctx->ch[c][SIDE_CHILD] = kinds[c].child_reads ? fds[0] : fds[1];
		ctx->ch[c][SIDE_PARENT] = kinds[c].child_reads ? fds[1] : fds[0];
	}
	return 0;
}

/* After clone(), in the parent: close the child's ends, or its EOFs would never arrive. */
static void channels_keep_parent(struct run_ctx *ctx)
{
	for (int c = 0; c < _CH_MAX; c++)
		drop_fd(&ctx->ch[c][SIDE_CHILD]);
}

/* The guard on the child: kill and reap it unless it was reaped already. Only we reap our
 * children and sbx has no threads, so a child not yet reaped still owns its pid. */
static bool child_alive(pid_t pid)
{
	siginfo_t si;

	return pid > 0 && waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0;
}

static int wait_child(pid_t pid, int *ret_status)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (ret_status)
		*ret_status = status;
	return 0;
}

static void kill_childp(pid_t *pid)
{
	int saved = errno;

	if (child_alive(*pid)) {
		(void)kill(*pid, SIGKILL);
		(void)wait_child(*pid, NULL);
	}
	*pid = -1;
	errno = saved;
}

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* The step's --plan line, however long, after its duration: the log is for finding out what
 * happened, and it matches the plan line for line. */
static void log_step(const struct run_ctx *ctx, size_t i, uint64_t usec)
{
	if (ctx->verbose <= 0)
		return;
	fprintf(stderr, "sbx: [%7.3f ms] ", (double)usec / 1000.0);
	plan_print_step(ctx->plan, i, stderr);
	fputc('\n', stderr);
}

/* An error record holds a fixed-size message: the step's description gets what is left after
 * @tail (": strerror" and any hint), cut visibly with "...", so the reason is never lost. */
#define ERR_MSG_SIZE sizeof(((struct sbx_diag *)0)->msg)
static void describe_for_error(const struct step *s, const char *tail, char what[ERR_MSG_SIZE])
{
	size_t room = ERR_MSG_SIZE - strlen(tail);

	if (strlen(tail) > ERR_MSG_SIZE - 64)
		room = 64;
	plan_describe(s, what, room);
}

/* Runs the parent-side step @i; a runner that failed without a message still gets one. */
static int run_parent_step(struct run_ctx *ctx, size_t i)
{
	const struct step *s = &ctx->plan->steps[i];
	unsigned n_before = ctx->err ? ctx->err->n : 0;
	uint64_t start = now_usec();
	char what[ERR_MSG_SIZE], tail[ERR_MSG_SIZE];
	int r;

	/* The clone runner's child goes on at the step after it, in child_main(). */
	ctx->index = s->kind == STEP_CLONE ? i + 1 : i;
	r = plan_step_type(s->kind)->run(s, ctx);
	if (r < 0) {
		if (ctx->err && ctx->err->n == n_before) {
			snprintf(tail, sizeof(tail), ": %s", strerror(-r));
			describe_for_error(s, tail, what);
			sbx_err_set(ctx->err, &s->loc, r, "%s%s", what, tail);
		}
		return r;
	}
	log_step(ctx, i, now_usec() - start);
	return 0;
}

static int run_parent_steps(struct run_ctx *ctx, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		int r = run_parent_step(ctx, i);
		if (r < 0)
			return r;
	}
	return 0;
}

/* A write to a pipe whose reader died raises SIGPIPE: ignore it for this one byte. */
static int send_go(int fd)
{
	struct sigaction ign = {.sa_handler = SIG_IGN}, old;
	ssize_t n;
	int r = 0;

	sigemptyset(&ign.sa_mask);
	(void)sigaction(SIGPIPE, &ign, &old);
	do
		n = write(fd, "g", 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		r = n < 0 ? -errno : -EIO;
	(void)sigaction(SIGPIPE, &old, NULL);
	return r;
}

/* 1 and a record, 0 on EOF, -errno on a read error or a torn record; -EINTR or -ETIMEDOUT
 * when the guard cut the wait short. @fd is non-blocking, so a record that stops halfway
 * can't hang sbx: the wait for its rest is bounded like any other. */
static int read_report(int fd, struct child_report *rec, struct wait_guard *g)
{
	size_t got = 0;

	while (got < sizeof(*rec)) {
		ssize_t n = read(fd, (char *)rec + got, sizeof(*rec) - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			int r = wait_for_readable(fd, g);

			if (r < 0)
				return r;
			continue;
		}
		if (n < 0)
			return -errno;
		if (n == 0)
			return got == 0 ? 0 : -EIO;
		got += (size_t)n;
	}
	return 1;
}

/* Kill the child and reap it: after a failure it has nothing left to do, and waiting for it
 * to end on its own could wait for ever. */
static void end_child(struct run_ctx *ctx, int *ret_status)
{
	if (ctx->child > 0)
		(void)kill(ctx->child, SIGKILL);
	(void)wait_child(ctx->child, ret_status);
}

static void describe_status(int status, char *buf, size_t size)
{
	if (WIFSIGNALED(status))
		snprintf(buf, size, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, size, "exit status %d", WEXITSTATUS(status));
}

/* The child reported a failed step and is exiting: reap it, then say what failed. */
static int child_failed(struct run_ctx *ctx, const struct child_report *rec)
{
	const struct step *s = &ctx->plan->steps[rec->step];
	const struct step_type *t = plan_step_type(s->kind);
	int code = rec->code < 0 ? rec->code : -EIO;
	char what[ERR_MSG_SIZE], tail[ERR_MSG_SIZE];

	end_child(ctx, NULL);
	if (s->kind == STEP_EXEC) {
		const char *name = s->exec.name ? s->exec.name : "command";

		const char *hint = t->hint ? t->hint(s, code, rec->item) : "";

		if (code == -ENOENT || code == -ENOTDIR) {
			sbx_err_set(ctx->err, NULL, code, "%s: command not found in the sandbox%s",
				    name, hint);
			return 127;
		}
		sbx_err_set(ctx->err, NULL, code, "%s: cannot execute: %s%s", name, strerror(-code),
			    hint);
		return 126;
	}
	snprintf(tail, sizeof(tail), ": %s%s", strerror(-code),
		 t->hint ? t->hint(s, code, rec->item) : "");
	describe_for_error(s, tail, what);
	return sbx_err_set(ctx->err, &s->loc, code, "%s%s", what, tail);
}

/* EOF before the exec step: the child died without saying why (killed, say). */
static int child_died(struct run_ctx *ctx, size_t next)
{
	const struct step *s = &ctx->plan->steps[next];
	char what[ERR_MSG_SIZE], how[64], tail[ERR_MSG_SIZE];
	int status = 0;

	/* EOF came from every copy of the report pipe closing, so it is dead or dying. */
	(void)wait_child(ctx->child, &status);
	describe_status(status, how, sizeof(how));
	snprintf(tail, sizeof(tail), ": the sandbox process died (%s)", how);
	describe_for_error(s, tail, what);
	return sbx_err_set(ctx->err, &s->loc, -EIO, "%s%s", what, tail);
}

/* A beside step failed (the netns helper could not pass its word): when the child had failed
 * already, which is why, its own failure is the one to report. The child records it on the
 * page before it exits, and so before its end of the helper's socket closes; the beside
 * step's error is dropped (warnings kept) and follow_child() reports the child's. */
static bool child_failed_first(struct run_ctx *ctx)
{
	uint32_t at;

	if (!ctx->progress || __atomic_load_n(&ctx->progress->fail_code, __ATOMIC_ACQUIRE) >= 0)
		return false;
	/* Not when the child only failed on the parent's word that the network failed. */
	at = __atomic_load_n(&ctx->progress->fail_step, __ATOMIC_RELAXED);
	if (at < ctx->plan->n_steps && ctx->plan->steps[at].kind == STEP_NETNS_READY)
		return false;
	ctx->err->n = 0;
	ctx->err->code = 0;
	return true;
}

/* The child step running now, from the page the child writes its progress to. */
static size_t child_at(const struct run_ctx *ctx, const struct plan_shape *sh)
{
	uint32_t i = ctx->progress ? __atomic_load_n(&ctx->progress->step, __ATOMIC_RELAXED) : 0;

	return i >= sh->first_child && i < sh->end_child ? i : sh->clone;
}

/* EOF on the report pipe after the records up to step @next: execve() succeeded, or the child
 * failed or died. After its seccomp step the child tells only through the progress page
 * (child.c): its failure, or that it got to the exec step; a death is put on the step it was
 * running. */
static int child_gone(struct run_ctx *ctx, const struct plan_shape *sh, size_t next, uint64_t last)
{
	const struct run_progress *pg = ctx->progress;
	size_t at = child_at(ctx, sh);

	if (pg && __atomic_load_n(&pg->fail_code, __ATOMIC_ACQUIRE) < 0) {
		struct child_report rec = {
		    .step = pg->fail_step, .code = pg->fail_code, .item = pg->fail_item};

		if (rec.step >= sh->end_child) {
			end_child(ctx, NULL);
			return sbx_err_set(ctx->err, NULL, -EPROTO,
					   "internal error: bad report from the sandbox");
		}
		return child_failed(ctx, &rec);
	}
	if (at == sh->clone || at < next)
		at = next;
	if (at >= sh->end_child || ctx->plan->steps[at].kind != STEP_EXEC)
		return child_died(ctx, at < sh->end_child ? at : sh->end_child - 1);
	for (; next <= at; next++) { /* execve() and what went unreported, as seen from here */
		uint64_t now = now_usec();

		log_step(ctx, next, now - last);
		last = now;
	}
	return 0;
}

/* Follows the child's reports until EOF. 0 when execve() succeeded, else what exec_run()
 * returns (an error, or 126/127); the child is reaped in that case. @released: the go byte
 * reached the child (else it died before, and EOF can't mean success). */
static int follow_child(struct run_ctx *ctx, int fd, const struct plan_shape *sh, bool released)
{
	size_t next = sh->first_child;
	uint64_t last = now_usec();
	struct child_report rec;
	int r;

	while ((r = read_report(fd, &rec, &ctx->guard)) > 0) {
		bool early = rec.step == sh->clone; /* before the first step ran */

		if (!early && (rec.step >= sh->end_child || rec.step < sh->first_child)) {
			end_child(ctx, NULL);
			return sbx_err_set(ctx->err, NULL, -EPROTO,
					   "internal error: bad report from the sandbox");
		}
		if (rec.code < 0)
			return child_failed(ctx, &rec);
		last = now_usec();
		log_step(ctx, rec.step, rec.usec);
		next = rec.step + 1;
	}
	if (r == -EINTR || r == -ETIMEDOUT)
		return r; /* the caller says why; the guards kill the child */
	if (r < 0) {
		end_child(ctx, NULL);
		return sbx_err_set(ctx->err, NULL, r, "reading the sandbox's reports: %s",
				   strerror(-r));
	}
	if (!released)
		return child_died(ctx, sh->clone);
	return child_gone(ctx, sh, next, last);
}

static int exit_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 125;
}

int run_undo_push(struct run_ctx *ctx, void (*fn)(const struct step *s, struct run_ctx *ctx),
		  const struct step *s)
{
	if (ctx->n_undo == RUN_UNDO_MAX)
		return -ENOSPC;
	ctx->undo[ctx->n_undo++] = (struct run_undo){fn, s};
	return 0;
}

/* Last to first, once the child is gone, on every way out of the run. */
static void run_undo_all(struct run_ctx *ctx)
{
	while (ctx->n_undo > 0) {
		const struct run_undo *u = &ctx->undo[--ctx->n_undo];

		u->fn(u->s, ctx);
	}
}

static void print_ms(FILE *f, const char *name, uint64_t ms)
{
	fprintf(f, " %s %" PRIu64 ".%03" PRIu64 "s", name, ms / 1000, ms % 1000);
}

static void print_json_num(FILE *f, const char *name, bool has, uint64_t v)
{
	if (has)
		fprintf(f, ",\"%s\":%" PRIu64, name, v);
	else
		fprintf(f, ",\"%s\":null", name);
}

/* --stats: one line on stderr, text or JSON. */
static void print_stats(const struct run_ctx *ctx)
{
	const struct run_stats *st = &ctx->stat;

	if (ctx->stats_json) {
		fprintf(stderr,
			"{\"wall_ms\":%" PRIu64 ",\"user_ms\":%" PRIu64 ",\"sys_ms\":%" PRIu64
			",\"maxrss_kib\":%" PRIu64,
			st->wall_ms, st->user_ms, st->sys_ms, st->maxrss_kib);
		print_json_num(stderr, "memory_peak_bytes", st->has_peak, st->memory_peak);
		print_json_num(stderr, "oom_kills", st->has_oom, st->oom_kills);
		print_json_num(stderr, "refused_forks", st->has_pids, st->refused_forks);
		print_json_num(stderr, "throttled_ms", st->has_cpu, st->throttled_us / 1000);
		fputs("}\n", stderr);
		return;
	}
	fputs("sbx: stats:", stderr);
	print_ms(stderr, "wall", st->wall_ms);
	print_ms(stderr, "user", st->user_ms);
	print_ms(stderr, "sys", st->sys_ms);
	fprintf(stderr, " maxrss %" PRIu64 " KiB", st->maxrss_kib);
	if (st->has_peak)
		fprintf(stderr, " memory-peak %.1fM", (double)st->memory_peak / (1024.0 * 1024.0));
	if (st->has_oom)
		fprintf(stderr, " oom-kills %" PRIu64, st->oom_kills);
	if (st->has_pids)
		fprintf(stderr, " refused-forks %" PRIu64, st->refused_forks);
	if (st->has_cpu)
		print_ms(stderr, "throttled", st->throttled_us / 1000);
	fputc('\n', stderr);
}

/* --learn: where OUT.cfg went, its name with control characters made '?' (it came from the
 * command line, and goes to a terminal). */
static void print_learned(const struct run_ctx *ctx)
{
	size_t n = ctx->learned.n_allowed;

	fprintf(stderr, "sbx: learn: allowed %zu distinct syscall%s, written to ", n,
		n == 1 ? "" : "s");
	for (const char *c = ctx->learned.out; *c; c++)
		fputc((unsigned char)*c < 0x20 || *c == 0x7f ? '?' : *c, stderr);
	fputc('\n', stderr);
}

/* After a successful execve(): supervision and whatever else the plan runs last. Without a
 * supervise step, a plain wait. */
static int finish(struct run_ctx *ctx, const struct plan_shape *sh)
{
	int r = run_parent_steps(ctx, sh->end_child, ctx->plan->n_steps);

	if (r < 0)
		return r;
	if (ctx->learned.out && ctx->verbose >= 0)
		print_learned(ctx);
	if (ctx->stats)
		print_stats(ctx);
	if (child_alive(ctx->child)) {
		r = wait_child(ctx->child, &ctx->status);
		if (r < 0)
			return sbx_err_set(ctx->err, NULL, r, "waiting for the sandbox: %s",
					   strerror(-r));
	}
	return exit_status(ctx->status);
}

/* The supervise step carries the time limit and the setup timeout. */
static const struct step *supervise_step(const struct plan *plan)
{
	return plan_first(plan, STEP_SUPERVISE);
}

/* process.time_limit counts from clone(), so a setup that hangs counts against it too: the
 * timer is armed here and handed to the supervise step, and the setup's deadline becomes the
 * earlier of the two. */
static int arm_time_limit(struct run_ctx *ctx)
{
	const struct step *s = supervise_step(ctx->plan);
	uint64_t ms = s ? s->supervise.time_limit_ms : 0, at;
	/* Capped at ten years, so the seconds always fit a time_t. */
	uint64_t sec = ms / 1000 > 315360000u ? 315360000u : ms / 1000;
	struct itimerspec its = {
	    .it_value = {.tv_sec = (time_t)sec, .tv_nsec = (long)(ms % 1000) * 1000000}};

	if (!ms)
		return 0;
	ctx->time_limit_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (ctx->time_limit_fd < 0 || timerfd_settime(ctx->time_limit_fd, 0, &its, NULL) < 0)
		return sbx_err_errno(ctx->err, NULL, "time limit: arming the timer");
	at = wait_now_ms() + sec * 1000 + ms % 1000;
	if (!ctx->guard.deadline || at < ctx->guard.deadline)
		ctx->guard.deadline = at;
	return 0;
}

static bool time_limit_expired(const struct run_ctx *ctx)
{
	struct itimerspec left;

	return ctx->time_limit_fd >= 0 && timerfd_gettime(ctx->time_limit_fd, &left) == 0 &&
	       left.it_value.tv_sec == 0 && left.it_value.tv_nsec == 0;
}

static void format_ms(uint64_t ms, char *buf, size_t size)
{
	if (ms % 1000)
		snprintf(buf, size, "%" PRIu64 ".%03" PRIu64 "s", ms / 1000, ms % 1000);
	else
		snprintf(buf, size, "%" PRIu64 "s", ms / 1000);
}

/* Did the guard cut the setup short (rather than a step failing with that errno)? */
static bool cut_short(const struct run_ctx *ctx, int r)
{
	return (r == -EINTR && ctx->guard.signal > 0) ||
	       (r == -ETIMEDOUT && ctx->guard.deadline && wait_now_ms() >= ctx->guard.deadline);
}

/* The setup was cut short while step @at ran; the guards kill what was started. A signal ends
 * sbx as it would have ended the command (128+N); the time limit as it kills the command
 * (137); the setup timeout is sbx's failure, naming the step that did not finish. */
static int setup_cut_short(struct run_ctx *ctx, int r, size_t at)
{
	const struct step *sup = supervise_step(ctx->plan);
	const struct step *s = &ctx->plan->steps[at];
	char what[ERR_MSG_SIZE], tail[ERR_MSG_SIZE], limit[32];

	*ctx->err = (struct sbx_err){0}; /* what the interrupted step said no longer matters */
	if (r == -EINTR) {
		if (ctx->verbose > 0)
			fprintf(stderr, "sbx: setup stopped by signal %d\n", ctx->guard.signal);
		return 128 + ctx->guard.signal;
	}
	if (time_limit_expired(ctx)) {
		format_ms(sup->supervise.time_limit_ms, limit, sizeof(limit));
		if (ctx->verbose >= 0)
			fprintf(stderr, "sbx: time limit of %s reached during setup, killed\n",
				limit);
		return 128 + SIGKILL;
	}
	format_ms(sup ? sup->supervise.setup_timeout_ms : 0, limit, sizeof(limit));
	snprintf(tail, sizeof(tail),
		 ": did not finish within the setup timeout of %s "
		 "(process.setup_timeout, --setup-timeout)",
		 limit);
	describe_for_error(s, tail, what);
	return sbx_err_set(ctx->err, &s->loc, -ETIMEDOUT, "%s%s", what, tail);
}

/* Clone, run the parent's steps, release the child and follow it. The guard kills and reaps
 * the child on every early return. */
static int run_clone_and_follow(struct run_ctx *ctx, const struct plan_shape *sh)
{
	_cleanup_(kill_childp) pid_t guard = -1;
	_cleanup_(kill_childp) pid_t helper = -1;
	bool released;
	int r;

	r = run_parent_step(ctx, sh->clone); /* the child goes to child_main() */
	if (r < 0)
		return r;
	guard = ctx->child;
	r = arm_time_limit(ctx);
	if (r < 0)
		return r;
	channels_keep_parent(ctx);

	r = run_parent_steps(ctx, sh->clone + 1, sh->release);
	if (cut_short(ctx, r))
		return setup_cut_short(ctx, r, ctx->index);
	/* Nothing inside may ptrace sbx or open its /proc files once the sandbox can run code:
	 * without a pid namespace the command could name this process. (Not before: the
	 * parent's own /proc files stay the caller's until the maps are written.) */
	if (r == 0 && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		r = sbx_err_errno(ctx->err, NULL, "prctl(PR_SET_DUMPABLE)");
	released = r == 0 && send_go(run_ch(ctx, CH_SYNC)) == 0;
	drop_fd(&ctx->ch[CH_SYNC][SIDE_PARENT]);
	/* The steps that run beside the child (the netns helper) start once it is released. */
	if (released)
		r = run_parent_steps(ctx, sh->release, sh->first_child);
	helper = ctx->net_helper;
	/* Only the netns helper holds its end now: the child's read sees EOF if it dies. The
	 * cgroup's word was sent, or the child sees EOF and gives up. */
	drop_fd(&ctx->ch[CH_NET][SIDE_PARENT]);
	drop_fd(&ctx->ch[CH_CGROUP][SIDE_PARENT]);
	if (r < 0 && !(released && !cut_short(ctx, r) && child_failed_first(ctx)))
		return r;
	if (fcntl(run_ch(ctx, CH_REPORT), F_SETFL, O_NONBLOCK) < 0)
		return sbx_err_errno(ctx->err, NULL, "fcntl on the report pipe");
	r = follow_child(ctx, run_ch(ctx, CH_REPORT), sh, released);
	if (cut_short(ctx, r))
		return setup_cut_short(ctx, r, child_at(ctx, sh));
	if (r != 0)
		return r;
	/* The child joined the helper's namespace before it exec'd: the helper is done. */
	if (helper > 0)
		(void)wait_child(helper, NULL);
	helper = -1;
	r = finish(ctx, sh);
	/* init reported the command's status and ends on its own; waiting for it would only
	 * wait for the kernel to tear the namespaces down. */
	if (ctx->child < 0)
		guard = -1;
	return r;
}

int exec_run(const struct plan *plan, const struct exec_opts *opts, struct sbx_err *err)
{
	struct run_ctx ctx = {
	    .plan = plan,
	    .child = -1,
	    .side = SIDE_PARENT,
	    .ch = RUN_CHANNELS_NONE,
	    .root_fd = -1,
	    .verbose = opts ? opts->verbose : 0,
	    .stats = opts ? opts->stats : false,
	    .stats_json = opts ? opts->stats_json : false,
	    .err = err,
	    .pidfd = -1,
	    .net_helper = -1,
	    .net_plumb_fd = -1,
	    .guard = {.sigfd = -1},
	    .time_limit_fd = -1,
	    .scrub = opts ? opts->scrub : NULL,
	    .child_entry = child_main,
	    .n_scrub = opts ? opts->n_scrub : 0,
	};
	const struct step *sup = supervise_step(plan);
	struct plan_shape sh = {0};
	sigset_t forward;
	int r;

	r = plan_shape(plan, &sh, err);
	if (r < 0)
		return r;
	/* Until the command runs, these signals end the setup (exit 128+N, the command never
	 * runs); once it runs, STEP_SUPERVISE's signalfd forwards them to it. Blocked either
	 * way, so they never kill sbx halfway. */
	sigemptyset(&forward);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded_signals); i++)
		sigaddset(&forward, forwarded_signals[i]);
	if (sigprocmask(SIG_BLOCK, &forward, &ctx.sigmask) < 0)
		return sbx_err_errno(err, NULL, "blocking signals");
	ctx.guard.sigfd = signalfd(-1, &forward, SFD_CLOEXEC | SFD_NONBLOCK);
	if (ctx.guard.sigfd < 0)
		r = sbx_err_errno(err, NULL, "signalfd");
	if (sup && sup->supervise.setup_timeout_ms)
		ctx.guard.deadline = wait_now_ms() + sup->supervise.setup_timeout_ms;
	ctx.progress = mmap(NULL, sizeof(*ctx.progress), PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ctx.progress == MAP_FAILED) {
		ctx.progress = NULL;
		r = sbx_err_errno(err, NULL, "mmap");
	}
	if (r == 0)
		r = run_parent_steps(&ctx, 0, sh.clone); /* PREPARE */
	if (cut_short(&ctx, r))
		r = setup_cut_short(&ctx, r, ctx.index);
	else if (r == 0)
		r = channels_open(&ctx, plan, err);
	if (r == 0)
		r = run_clone_and_follow(&ctx, &sh);
	channels_close(&ctx);
	run_undo_all(&ctx);
	if (ctx.pidfd >= 0)
		close(ctx.pidfd);
	if (ctx.net_plumb_fd >= 0)
		close(ctx.net_plumb_fd);
	if (ctx.time_limit_fd >= 0)
		close(ctx.time_limit_fd);
	if (ctx.guard.sigfd >= 0)
		close(ctx.guard.sigfd);
	if (ctx.progress)
		(void)munmap(ctx.progress, sizeof(*ctx.progress));
	(void)sigprocmask(SIG_SETMASK, &ctx.sigmask, NULL);
	return r;
}
