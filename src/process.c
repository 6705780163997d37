/* process.c — STUB, replaced by the real implementation. */
#include "process.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

int process_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c, struct sbx_err *err)
{
	(void)plan;
	(void)p;
	(void)c;
	(void)err;
	return -ENOSYS;
}

int process_run_umask(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -ENOSYS;
}

int process_run_chdir(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -ENOSYS;
}

int process_run_die_with_parent(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -ENOSYS;
}

int process_run_init(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -ENOSYS;
}

int process_run_session(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -ENOSYS;
}

int process_run_tty(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -ENOSYS;
}

int process_run_exec(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -ENOSYS;
}

int process_run_supervise(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -ENOSYS;
}
