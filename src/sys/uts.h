/* uts.h — hostname and domainname. */
#pragma once

#include "plan/plan.h"
#include "profile/profile.h"

int uts_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		 struct sbx_err *err);				   /* parent */
int uts_run_hostname(const struct step *s, struct run_ctx *ctx);   /* child */
int uts_run_domainname(const struct step *s, struct run_ctx *ctx); /* child */

/* Parent. The describer of uts's steps (steps.def). */
void uts_describe(const struct step *s, struct plan_kv *k);
