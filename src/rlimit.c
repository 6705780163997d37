/* rlimit.c — STUB, replaced by the real implementation. */
#include "rlimit.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

int rlimit_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c, struct sbx_err *err)
{
	(void)plan;
	(void)p;
	(void)c;
	(void)err;
	return -ENOSYS;
}

int rlimit_run_set(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -ENOSYS;
}
