/* mount.h — mounts, pivot_root and the skeleton of the new root. */
#pragma once

#include "plan/plan.h"
#include "profile/profile.h"

int mount_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		   struct sbx_err *err); /* parent */
/* Parent. The hint for a failed bind, overlay or root step that read a host path. */
const char *mount_host_hint(const struct step *s, int code, uint32_t item);
/* Child runners, one per STEP_MOUNT_* kind. */
int mount_run_private(const struct step *s, struct run_ctx *ctx);
int mount_run_stage(const struct step *s, struct run_ctx *ctx);
int mount_run_root(const struct step *s, struct run_ctx *ctx);
int mount_run_bind(const struct step *s, struct run_ctx *ctx);
int mount_run_tmpfs(const struct step *s, struct run_ctx *ctx);
int mount_run_overlay(const struct step *s, struct run_ctx *ctx);
int mount_run_proc(const struct step *s, struct run_ctx *ctx);
int mount_run_dev(const struct step *s, struct run_ctx *ctx);
int mount_run_sysfs(const struct step *s, struct run_ctx *ctx);
int mount_run_mqueue(const struct step *s, struct run_ctx *ctx);
int mount_run_file(const struct step *s, struct run_ctx *ctx);
int mount_run_dir(const struct step *s, struct run_ctx *ctx);
int mount_run_symlink(const struct step *s, struct run_ctx *ctx);
int mount_run_pivot(const struct step *s, struct run_ctx *ctx);

/* Parent. The describer of mount's steps (steps.def). */
void mount_describe(const struct step *s, struct plan_kv *k);
