/* exec.h — prepare, clone, run the parent-side steps, release the child, wait. */
#pragma once

#include <stdbool.h>

#include "plan/plan.h"

struct exec_opts {
	int verbose;	 /* -1 quiet, 0 normal, 1 log each step with its duration */
	bool stats;	 /* print wall/user/sys time and peak memory after the command ends */
	bool stats_json; /* --stats=json: as one JSON object */
	const struct mem_span *scrub; /* the caller's argv/environ strings, wiped in pid 1 */
	size_t n_scrub;
};

/* Parent. Run @plan. Returns the exit status sbx should exit with (>= 0): the command's own
 * status, 128+N when a signal N killed it or reached sbx before the command started, 126/127 when
 * execve() failed in the sandbox (then
 * @err also holds one message to print). Returns -errno with @err set when sbx itself failed
 * (main exits 125). Leaves no process behind in either case. */
int exec_run(const struct plan *plan, const struct exec_opts *opts, struct sbx_err *err);
