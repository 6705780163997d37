/* filter.h — seccomp: security.seccomp compiled with libseccomp into a BPF program before
 * clone(), loaded by the command's own process as the last step before execve. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "plan/plan.h"
#include "profile/profile.h"

/* Parent. The seccomp step (COMMAND, right before exec), when the profile asks for a filter. */
int filter_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		    struct sbx_err *err);

int filter_run_load(const struct step *s, struct run_ctx *ctx); /* child */

/* Parent, --learn (learn.c). seccomp-learn: serve the listener the seccomp step sends, from
 * the setup's waits and the supervise loop (ctx->guard.serve), into ctx->learn; learn-write,
 * after supervise: write the profile, and put in ctx->learned where and how many syscalls it
 * allows, for the executor to say. */
int filter_run_learn(const struct step *s, struct run_ctx *ctx);
int filter_run_learn_write(const struct step *s, struct run_ctx *ctx);

/* Parent. The describer and the error hint of the seccomp step (steps.def). */
void filter_describe(const struct step *s, struct plan_kv *k);
const char *filter_hint(const struct step *s, int code, uint32_t item);

/* Parent. Print the presets and the groups, each entry with its reason, to @f: --list-seccomp,
 * and the table in sbx.cfg(5). */
void filter_list(FILE *f);

/* How filter_compile() builds the program. Learn mode (--learn) sets @override with
 * SCMP_ACT_NOTIFY: every action that would deny a call (errno, kill, kill_process, trap, the
 * default action too) becomes @deny_action, so the supervisor sees each one; allow and log stay,
 * and so does the preset's clone3 ENOSYS (libc's expected answer, not a denial). */
struct filter_opts {
	bool override;
	uint32_t deny_action; /* a SCMP_ACT_* value */
	size_t n_prefix;      /* instructions the caller puts in front, counted in the limit */
};

/* An exported BPF program: @n_insns struct sock_filter at @insns, malloc'd (caller frees). */
struct filter_prog {
	void *insns;
	size_t n_insns;
};

/* Free @f's instructions: for _cleanup_(filter_prog_done) on a struct filter_prog. */
static inline void filter_prog_done(struct filter_prog *f)
{
	free(f->insns);
	f->insns = NULL;
}

/* Parent. Compile @p's security.seccomp for the running architecture (others are killed) into
 * *@ret; @o may be NULL. Unknown names, conflicting actions and rules libseccomp can't express
 * are errors at their profile line, all recorded in @err (the first one returned). */
int filter_compile(const struct profile *p, const struct filter_opts *o, struct filter_prog *ret,
		   struct sbx_err *err);

/* Parent. Does @p ask for a filter at all (a preset, a non-allow default, a list or a rule)? */
bool filter_wanted(const struct profile *p);
