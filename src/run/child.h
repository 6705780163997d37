/* child.h — the post-clone step loop. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "plan/plan.h"

/* Child. Wait for the parent's go, run the CHILD steps from ctx->index on, report each, and
 * exec. Never returns: _exit(125) on the first failure. */
_Noreturn void child_main(struct run_ctx *ctx);

/* Child. Run the CHILD steps from @from on, report each, and exec; never returns. The init
 * step's command goes on here, on a stack of its own (process_run_init()). */
_Noreturn void child_run_steps(struct run_ctx *ctx, size_t from);

/* Child. The clock the step durations are measured on, in microseconds. */
uint64_t child_now_usec(void);

/* Child. Step @step, begun at @start (child_now_usec()), is done: report it when -v logs every
 * step, and always for the last step before exec (which tells the parent the setup is done).
 * The init step's command reports it for pid 1, which never returns from it. */
void child_step_done(const struct run_ctx *ctx, size_t step, uint64_t start);

/* Child. Report that step @step failed with @code (-errno), and ctx->fail_item, and _exit(125). */
_Noreturn void child_fail(const struct run_ctx *ctx, size_t step, int code);

/* Child. The report record written after each step (STYLE.md §7). */
struct child_report {
	uint32_t step;
	int32_t code;
	uint64_t usec;
	uint32_t item; /* a failure's ctx->fail_item: which of the step's objects failed */
};
