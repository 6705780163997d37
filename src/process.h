/* process.h — umask, cwd, die_with_parent, init, session/terminal, exec and supervision. */
#pragma once

#include "plan.h"
#include "profile.h"

int process_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		     struct sbx_err *err);				    /* parent */
int process_run_umask(const struct step *s, struct run_ctx *ctx);	    /* child */
int process_run_chdir(const struct step *s, struct run_ctx *ctx);	    /* child */
int process_run_die_with_parent(const struct step *s, struct run_ctx *ctx); /* child */
int process_run_init(const struct step *s, struct run_ctx *ctx);	    /* child */
int process_run_session(const struct step *s, struct run_ctx *ctx);	    /* child */
int process_run_tty(const struct step *s, struct run_ctx *ctx);		    /* child */
int process_run_exec(const struct step *s, struct run_ctx *ctx);	    /* child */
int process_run_supervise(const struct step *s, struct run_ctx *ctx);	    /* parent */
