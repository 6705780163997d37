/* rlimit.h — resource limits. */
#pragma once

#include "plan/plan.h"
#include "profile/profile.h"

int rlimit_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		    struct sbx_err *err);		       /* parent */
int rlimit_run_set(const struct step *s, struct run_ctx *ctx); /* child */

/* Parent. The describer of rlimit's steps (steps.def). */
void rlimit_describe(const struct step *s, struct plan_kv *k);
