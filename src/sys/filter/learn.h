/* learn.h — --learn, private to src/sys/filter: the seccomp step's filter sends each call it
 * would have denied to sbx (SCMP_ACT_NOTIFY), which records it and lets it through (learn.c),
 * and at the end writes a profile that allows what it saw (learn_out.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#include "plan/plan.h"
#include "profile/profile.h"
#include "sys/filter/filter.h"

/* The instructions learn_prepare() puts in front of the filter (the handoff's check). */
#define LEARN_PREFIX_INSNS 9

/* The most distinct (a0, a1, a2) a learned syscall keeps for its comment in OUT.cfg. */
#define LEARN_ARGS_MAX 8

/* One syscall the filter would have denied. */
struct learn_call {
	uint32_t arch; /* AUDIT_ARCH_* */
	int nr;
	char *name; /* NULL: libseccomp has no name for it */
	uint64_t count;
	uint64_t args[LEARN_ARGS_MAX][3];
	size_t n_args;
};

/* The parent's record while it serves the listener (run_ctx.learn). */
struct learn_log {
	struct learn_call *calls;
	size_t n_calls, cap_calls;
	int listener; /* -1 until the seccomp step sends it */
	void *notif, *resp;
	size_t notif_size, resp_size; /* the kernel's (SECCOMP_GET_NOTIF_SIZES), at least ours */
	struct sbx_err *err;
};

/* Parent. An empty log with buffers of the kernel's notification sizes; -errno with @err set
 * (no user notifications in this kernel). *ret is freed with learn_log_free(). */
int learn_log_new(struct learn_log **ret, struct sbx_err *err);
struct learn_log *learn_log_free(struct learn_log *log);

/* Parent. Count one call of @nr (@arch) with arguments @args (a0..a2); -ENOMEM. */
int learn_log_add(struct learn_log *log, uint32_t arch, int nr, const uint64_t args[3]);

/* Parent. The wait_serve callback: first the listener from the seccomp step (on @w->fd, the
 * CH_LEARN socket), then each notification on it, recorded and let through. */
int learn_serve(struct wait_serve *w, short revents);

/* Parent (learn_out.c). The entry of @v named @name (NULL: none, or @name NULL). */
const struct learn_entry *learn_find_entry(const struct learn_entry *v, size_t n, const char *name);

/* Parent (learn_out.c). Write @s to @f with every control character made '?', so it can't end a
 * comment line. */
void learn_put_comment(FILE *f, const char *s);

/* Parent (learn_out.c). OUT.cfg's text for what @log saw, on top of @s's profiles (malloc'd, into
 * *ret); *ret_n: the syscalls it allows that the profiles did not. -ENOMEM. */
int learn_text(const struct learn_log *log, const struct step_learn *s, char **ret, size_t *ret_n);

/* Parent (learn_out.c). Is there a file at @path that OUT.cfg may replace? 1 for a regular
 * file (its lstat in *@ret_st, if not NULL), 0 for none; -EEXIST with @err set for anything else
 * (a directory, a symlink, a device), or -errno. */
int learn_check_target(const char *path, struct stat *ret_st, struct sbx_err *err);

/* Parent (learn_out.c). Write @text to @path through a temporary file renamed over it, never over
 * anything but a regular file. 0 or -errno with @err set. */
int learn_write_file(const char *path, const char *text, struct sbx_err *err);

/* Parent. For filter_plan_add() with --learn: put in front of @prog the instructions that let
 * the seccomp step's own sendmsg() of the listener through (it goes out before sbx can answer
 * anything), and return that message's plan-owned buffer in *ret_handoff. */
int learn_prepare(struct plan *plan, struct filter_prog *prog, void **ret_handoff,
		  struct sbx_err *err);

/* Parent. The seccomp-learn and learn-write steps, after the seccomp step. */
int learn_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		   struct sbx_err *err);

/* Parent. The describer of the seccomp-learn and learn-write steps. */
void learn_describe(const struct step *s, struct plan_kv *k);

/* Child. Pass @listener to sbx over @sock with the message in @handoff. 0 or -errno. */
int learn_send_listener(void *handoff, int sock, int listener);
