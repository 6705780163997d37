/* policy.c — STUB, replaced by the real implementation. */
#include "policy.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

int policy_compile(const struct profile *p, const struct sbx_caller *c, struct plan **ret_plan, struct sbx_err *err)
{
	(void)p;
	(void)c;
	(void)ret_plan;
	(void)err;
	return -ENOSYS;
}
