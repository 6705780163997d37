/* caps.c — STUB, replaced by the real implementation. */
#include "caps.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

int caps_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c, struct sbx_err *err)
{
	(void)plan;
	(void)p;
	(void)c;
	(void)err;
	return -ENOSYS;
}

int caps_run_set_ids(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -ENOSYS;
}

int caps_run_caps(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -ENOSYS;
}

int caps_run_no_new_privs(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -ENOSYS;
}


