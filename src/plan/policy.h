/* policy.h — the policy compiler: merged profile + caller -> ordered plan. */
#pragma once

#include "plan/plan.h"
#include "profile/profile.h"

/* Parent. Validate @p across sections and build the plan by calling each subsystem's
 * *_plan_add() in setup order. Records every validation error in @err; *ret_plan is owned by
 * the caller and written only on success. */
int policy_compile(const struct profile *p, const struct sbx_caller *c, struct plan **ret_plan,
		   struct sbx_err *err);

/* Parent. --list-seccomp: the seccomp presets and groups with their reasons, to @out (a
 * FILE *); main.c reaches the filter's table through here, as it reaches no subsystem. */
void policy_list_seccomp(void *out);
