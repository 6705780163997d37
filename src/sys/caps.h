/* caps.h — ids inside, capabilities (bounding, ambient, effective) and no_new_privs. */
#pragma once

#include "plan/plan.h"
#include "profile/profile.h"

int caps_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		  struct sbx_err *err);				      /* parent */
int caps_run_set_ids(const struct step *s, struct run_ctx *ctx);      /* child */
int caps_run_caps(const struct step *s, struct run_ctx *ctx);	      /* child */
int caps_run_no_new_privs(const struct step *s, struct run_ctx *ctx); /* child */

/* Parent. The describer of caps's steps (steps.def). */
void caps_describe(const struct step *s, struct plan_kv *k);
