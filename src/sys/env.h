/* env.h — the command's environment (clear, keep, set), compiled into plan->envp. */
#pragma once

#include "plan/plan.h"
#include "profile/profile.h"

int env_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		 struct sbx_err *err); /* parent; adds no step */
