/* mount.c — STUB, replaced by the real implementation. */
#include "mount.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

int mount_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c, struct sbx_err *err)
{
	(void)plan;
	(void)p;
	(void)c;
	(void)err;
	return -ENOSYS;
}

int mount_run_private(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -ENOSYS;
}

int mount_run_stage(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -ENOSYS;
}

int mount_run_root(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -ENOSYS;
}

int mount_run_bind(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -ENOSYS;
}

int mount_run_tmpfs(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -ENOSYS;
}

int mount_run_overlay(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -ENOSYS;
}

int mount_run_proc(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -ENOSYS;
}

int mount_run_dev(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -ENOSYS;
}

int mount_run_sysfs(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -ENOSYS;
}

int mount_run_mqueue(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -ENOSYS;
}

int mount_run_file(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -ENOSYS;
}

int mount_run_dir(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -ENOSYS;
}

int mount_run_symlink(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -ENOSYS;
}

int mount_run_pivot(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -ENOSYS;
}
