/* uts.c — STUB, replaced by the real implementation. */
#include "uts.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

int uts_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c, struct sbx_err *err)
{
	(void)plan;
	(void)p;
	(void)c;
	(void)err;
	return -ENOSYS;
}

int uts_run_hostname(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -ENOSYS;
}

int uts_run_domainname(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -ENOSYS;
}
