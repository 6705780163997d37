/* userns.h — clone into namespaces, uid/gid maps (direct or via newuidmap/newgidmap). */
#pragma once

#include "plan/plan.h"
#include "profile/profile.h"

int userns_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		    struct sbx_err *err);			     /* parent */
int userns_run_clone(const struct step *s, struct run_ctx *ctx);     /* parent */
int userns_run_setgroups(const struct step *s, struct run_ctx *ctx); /* parent */
int userns_run_idmap(const struct step *s, struct run_ctx *ctx);     /* parent */
int userns_run_helper(const struct step *s, struct run_ctx *ctx);    /* parent */
int userns_run_enter_ids(const struct step *s, struct run_ctx *ctx); /* child */

/* Parent. The describer of userns's steps (steps.def). */
void userns_describe(const struct step *s, struct plan_kv *k);
