/* net.h — the sandbox's network namespace: made by a helper beside the child (lo up by
 * netlink, libmnl) and joined by the child, or, when the helper can't enter the sandbox's
 * user namespace, made by the child itself. */
#pragma once

#include "plan/plan.h"
#include "profile/profile.h"

/* Parent. The helper (BESIDE), the join (SETUP, or ROOT before a sysfs mount) and the wait for
 * lo (COMMAND); or the child's own unshare where it would have joined. Needs userns's
 * plan->caller_unmapped, so it runs after userns_plan_add(). */
int net_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		 struct sbx_err *err);
int net_run_create(const struct step *s, struct run_ctx *ctx);		     /* parent */
int net_run_join(const struct step *s, struct run_ctx *ctx);		     /* child */
int net_run_ready(const struct step *s, struct run_ctx *ctx);		     /* child */
int net_run_unshare(const struct step *s, struct run_ctx *ctx);		     /* child */
const char *net_join_hint(const struct step *s, int code, uint32_t item);    /* parent */
const char *net_ready_hint(const struct step *s, int code, uint32_t item);   /* parent */
const char *net_unshare_hint(const struct step *s, int code, uint32_t item); /* parent */

/* Parent. The describer of net's steps (steps.def). */
void net_describe(const struct step *s, struct plan_kv *k);
