/* env.c — STUB, replaced by the real implementation. */
#include "env.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

int env_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c, struct sbx_err *err)
{
	(void)plan;
	(void)p;
	(void)c;
	(void)err;
	return -ENOSYS;
}
