/* userns.c — STUB, replaced by the real implementation. */
#include "userns.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

int userns_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c, struct sbx_err *err)
{
	(void)plan;
	(void)p;
	(void)c;
	(void)err;
	return -ENOSYS;
}

int userns_run_clone(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -ENOSYS;
}

int userns_run_setgroups(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -ENOSYS;
}

int userns_run_idmap(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -ENOSYS;
}

int userns_run_helper(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -ENOSYS;
}
