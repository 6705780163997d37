/* child.c — the post-clone step loop: wait for the parent's go, run the CHILD steps in plan
 * order, report each one, exec. Everything here runs between clone() and execve(). */
#include "run/child.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "util/fd.h"
#include "util/child-safe.h"

uint64_t child_now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Once the seccomp step has loaded its filter, the child makes no syscall but the filter's
 * base (close_range, execve, exit_group): what it has to say then goes through the progress
 * page alone, which the parent reads at EOF on the report pipe. */
static bool filtered(const struct run_ctx *ctx, size_t step, int code)
{
	const struct step *steps = ctx->plan->steps;

	if (steps[step].kind == STEP_SECCOMP)
		return code >= 0;
	for (size_t i = step; i-- > 0;)
		if (steps[i].kind == STEP_SECCOMP)
			return true;
	return false;
}

/* One fixed-size record; a pipe write this small is atomic. A failure goes to the progress
 * page first, so a lost record (a failed write) costs the parent nothing but the -v log. */
static void report(const struct run_ctx *ctx, size_t step, int code, uint64_t usec)
{
	struct child_report rec = {.step = (uint32_t)step,
				   .code = code,
				   .usec = usec,
				   .item = code < 0 ? ctx->fail_item : 0};
	ssize_t n;

	if (code < 0 && ctx->progress) {
		ctx->progress->fail_step = rec.step;
		ctx->progress->fail_item = rec.item;
		__atomic_store_n(&ctx->progress->fail_code, code, __ATOMIC_RELEASE);
	}
	if (filtered(ctx, step, code))
		return;
	do
		n = write(run_ch(ctx, CH_REPORT), &rec, sizeof(rec));
	while (n < 0 && errno == EINTR);
}

/* The clone step is the one before ctx->index: failures before any step are reported at it. */
static _Noreturn void fail_early(const struct run_ctx *ctx, int code)
{
	report(ctx, ctx->index - 1, code, 0);
	_exit(125);
}

/* Blocks until the parent has run its steps. EOF means the parent died first. */
static void wait_for_go(struct run_ctx *ctx)
{
	char c;
	ssize_t n;

	do
		n = read(run_ch(ctx, CH_SYNC), &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(125);
	close(run_ch(ctx, CH_SYNC));
	ctx->ch[CH_SYNC][SIDE_CHILD] = -1; /* later steps may reuse the number */
}

void child_step_done(const struct run_ctx *ctx, size_t step, uint64_t start)
{
	const struct plan *plan = ctx->plan;

	if (filtered(ctx, step, 0))
		return; /* the page says the next step runs */
	/* Every record wakes the parent: without -v only the last step before exec is sent. */
	if (ctx->verbose > 0 ||
	    (step + 1 < plan->n_steps && plan->steps[step + 1].kind == STEP_EXEC))
		report(ctx, step, 0, child_now_usec() - start);
}

/* Close every fd but stdin, stdout, stderr and the child's own channel ends, first thing after
 * clone(): an fd the caller leaked to sbx (a directory, say) must never be open in any process
 * of the sandbox, not even in pid 1 for the moment it takes to start the command, since the
 * command could reach it through /proc/1/fd. The parent's ends of the channels go too. */
static void close_foreign_fds(struct run_ctx *ctx)
{
	int keep[3 + _CH_MAX] = {0, 1, 2};
	size_t n = 3;

	ctx->side = SIDE_CHILD;
	for (int c = 0; c < _CH_MAX; c++) {
		keep[n++] = ctx->ch[c][SIDE_CHILD];
		ctx->ch[c][SIDE_PARENT] = -1; /* closed below with everything else */
	}
	fd_close_all_but(keep, n);
}

/* Wipe the caller's argument and environment strings from this copy of sbx's memory: pid 1
 * keeps running as sbx, and /proc/1/cmdline is readable by anything inside. Everything the
 * steps need was copied into the plan before clone(). */
static void scrub_caller(const struct run_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_scrub; i++)
		memset(ctx->scrub[i].start, 0, ctx->scrub[i].len);
}

static void arm_parent_death(struct run_ctx *ctx)
{
	pid_t ppid;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		fail_early(ctx, -errno);
	/* The parent may have died before the signal was armed. In a new pid namespace the
	 * parent is invisible (0) either way; the sync pipe's EOF covers that case. */
	ppid = getppid();
	if (ppid != 0 && ppid != ctx->parent)
		_exit(125);
}

_Noreturn void child_fail(const struct run_ctx *ctx, size_t step, int code)
{
	report(ctx, step, code, 0);
	_exit(125);
}

_Noreturn void child_run_steps(struct run_ctx *ctx, size_t from)
{
	const struct plan *plan = ctx->plan;

	for (size_t i = from; i < plan->n_steps; i++) {
		const struct step *s = &plan->steps[i];
		const struct step_type *t = plan_step_type(s->kind);
		uint64_t start;
		int r;

		if (!phase_in_child(s->phase))
			continue;
		ctx->index = i;
		if (ctx->progress) /* for the parent's message if this step outlasts the setup */
			__atomic_store_n(&ctx->progress->step, (uint32_t)i, __ATOMIC_RELAXED);
		start = child_now_usec();
		r = t->run(s, ctx);
		/* STEP_EXEC only comes back on failure: never report it as done. */
		if (r >= 0 && s->kind == STEP_EXEC)
			r = -ENOEXEC;
		if (r < 0)
			child_fail(ctx, i, r);
		child_step_done(ctx, i, start);
	}
	_exit(125); /* a plan without STEP_EXEC; exec_run() refuses those */
}

_Noreturn void child_main(struct run_ctx *ctx)
{
	close_foreign_fds(ctx);
	scrub_caller(ctx);
	arm_parent_death(ctx);
	/* The parent blocked the forwarded signals before clone(); the command gets the
	 * caller's mask back. */
	(void)sigprocmask(SIG_SETMASK, &ctx->sigmask, NULL);
	wait_for_go(ctx);
	child_run_steps(ctx, ctx->index);
}
