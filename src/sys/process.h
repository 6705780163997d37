/* process.h — umask, cwd, die_with_parent, init, session/terminal, exec and supervision. */
#pragma once

#include <stdint.h>

#include "plan/plan.h"
#include "profile/profile.h"

/* What init tells sbx on the status pipe, one fixed-size record at a time (init.c writes,
 * supervise.c reads). */
enum init_report_kind {
	INIT_EXITED,	/* value: the wait status of init's exit; nothing else runs any more */
	INIT_STOPPED,	/* value: the signal that stopped the command */
	INIT_CONTINUED, /* the command was continued */
};
struct init_report {
	int32_t kind; /* enum init_report_kind */
	int32_t value;
};

/* Parent. umask, cwd, die-with-parent and init (SETUP), the session or terminal (COMMAND) and
 * supervision (SUPERVISE). */
int process_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		     struct sbx_err *err);
/* Parent. The exec step, the command's last: its adder runs after every other COMMAND step's. */
int process_plan_add_exec(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
			  struct sbx_err *err);
int process_run_umask(const struct step *s, struct run_ctx *ctx);	    /* child */
int process_run_chdir(const struct step *s, struct run_ctx *ctx);	    /* child */
int process_run_die_with_parent(const struct step *s, struct run_ctx *ctx); /* child */
int process_run_init(const struct step *s, struct run_ctx *ctx);	    /* child */
int process_run_session(const struct step *s, struct run_ctx *ctx);	    /* child */
int process_run_tty(const struct step *s, struct run_ctx *ctx);		    /* child */
int process_run_pipes(const struct step *s, struct run_ctx *ctx);	    /* child */
int process_run_no_ctty(const struct step *s, struct run_ctx *ctx);	    /* child */
int process_run_exec(const struct step *s, struct run_ctx *ctx);	    /* child */
int process_run_supervise(const struct step *s, struct run_ctx *ctx);	    /* parent */

/* Parent. The hint for an exec that failed: a command not found in an empty root. */
const char *process_exec_hint(const struct step *s, int code, uint32_t item);

/* Parent. The describer of process's steps (steps.def). */
void process_describe(const struct step *s, struct plan_kv *k);
