/* cgroup.h — the sandbox's cgroup: one directory per hierarchy used, made before clone(),
 * filled with the profile's limits, the child put in it from its first instruction, its
 * counters read for --stats, and emptied and removed when the run ends. v1 and v2 hosts (and
 * hybrids) differ only in the files the compiler picks (layout.h). */
#pragma once

#include "plan/plan.h"
#include "profile/profile.h"

/* Parent. The cgroup steps, and plan->cgroup_dirs / clone_cgroup for the mount and clone
 * steps; nothing when the profile sets no limit. Runs first of the adders. */
int cgroup_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		    struct sbx_err *err);

/* Parent. The steps that go after other subsystems' in their phases: attach (after the clone)
 * and cgroup-end (after supervise). Runs last of the adders. */
int cgroup_plan_add_end(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
			struct sbx_err *err);

int cgroup_run_create(const struct step *s, struct run_ctx *ctx);   /* prepare */
int cgroup_run_set(const struct step *s, struct run_ctx *ctx);	    /* prepare */
int cgroup_run_attach(const struct step *s, struct run_ctx *ctx);   /* parent */
int cgroup_run_end(const struct step *s, struct run_ctx *ctx);	    /* supervise */
int cgroup_run_wait(const struct step *s, struct run_ctx *ctx);	    /* child */
int cgroup_run_ns_enter(const struct step *s, struct run_ctx *ctx); /* child */

/* Parent. The describer and the error hint of the cgroup steps (steps.def). */
void cgroup_describe(const struct step *s, struct plan_kv *k);
const char *cgroup_hint(const struct step *s, int code, uint32_t item);

/* Parent. Does the profile set any limit (and so get a cgroup)? */
bool cgroup_wanted(const struct profile *p);
