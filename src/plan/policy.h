/* policy.h — the policy compiler: merged profile + caller -> ordered plan. */
#pragma once

#include "plan/plan.h"
#include "profile/profile.h"

/* Parent. Validate @p across sections and build the plan by calling each subsystem's
 * *_plan_add() in setup order. Records every validation error in @err; *ret_plan is owned by
 * the caller and written only on success. */
int policy_compile(const struct profile *p, const struct sbx_caller *c, struct plan **ret_plan,
		   struct sbx_err *err);
