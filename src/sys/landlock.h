/* landlock.h — security.landlock: a Landlock ruleset for the command (path sets, TCP ports). */
#pragma once

#include <stdint.h>

#include "plan/plan.h"
#include "profile/profile.h"

/* Parent. The landlock step (COMMAND, before seccomp and exec) when the profile has a
 * security.landlock section. Detects the kernel's Landlock ABI (or takes c->landlock_abi): a
 * feature it lacks is an error with `required`, else one warning and the step's left-out. */
int landlock_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		      struct sbx_err *err);

/* Child. Re-checks the ABI, opens each path (O_PATH), adds the rules, restricts itself. A path
 * that fails is named in ctx->fail_item. */
int landlock_run(const struct step *s, struct run_ctx *ctx);

/* Parent. The describer and the hint of the landlock step (steps.def). */
void landlock_describe(const struct step *s, struct plan_kv *k);
const char *landlock_hint(const struct step *s, int code, uint32_t item);

/* The kernel's Landlock ABI version, 0 without Landlock (parent or child: one syscall). */
int landlock_abi(void);
