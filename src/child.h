/* child.h — the post-clone step loop. */
#pragma once

#include <stdint.h>

#include "plan.h"

/* Child. Wait for the parent's go, run the CHILD steps from ctx->index on, report each, and
 * exec. Never returns: _exit(125) on the first failure. */
_Noreturn void child_main(struct run_ctx *ctx);

/* Child. The report record written after each step (STYLE.md §7). */
struct child_report {
	uint32_t step;
	int32_t code;
	uint64_t usec;
};
