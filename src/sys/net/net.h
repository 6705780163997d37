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

/* Parent. The describer of net's steps (steps.def); net_plumb_describe() for the bridge and
 * user mode steps, net_user_describe() for user mode's. */
void net_describe(const struct step *s, struct plan_kv *k);
void net_plumb_describe(const struct step *s, struct plan_kv *k);
void net_user_describe(const struct step *s, struct plan_kv *k);

/* Parent. Bridge mode's steps (bridge.c): the bridge, the address and the rules (PREPARE), the
 * veth pair (BESIDE, after netns-create). */
int net_bridge_plan_add(struct plan *plan, const struct profile *p, struct sbx_err *err);
int net_bridge_plan_add_veth(struct plan *plan, const struct profile *p, struct sbx_err *err);

/* Parent. The plumbing beside the child (bridge, user mode), last of the beside steps so that
 * the others (the v1 cgroup attach) start first: an adder after cgroup_plan_add_end(). */
int net_plan_add_plumb(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		       struct sbx_err *err);
int net_run_bridge(const struct step *s, struct run_ctx *ctx);	/* parent */
int net_run_address(const struct step *s, struct run_ctx *ctx); /* parent */
int net_run_rules(const struct step *s, struct run_ctx *ctx);	/* parent */
int net_run_veth(const struct step *s, struct run_ctx *ctx);	/* parent */

/* Parent. User mode's steps (user.c): pasta or slirp4netns on the sandbox's netns (BESIDE),
 * and /etc/resolv.conf inside pointing at its resolver. */
int net_user_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		      struct sbx_err *err);
int net_run_user(const struct step *s, struct run_ctx *ctx); /* parent */
/* Parent. Before the adders: user mode's /etc/resolv.conf (a file mount naming the helper's
 * resolver, appended to @eff's mounts in plan-owned memory) unless the profile mounts its own. */
int net_user_amend(struct profile *eff, struct plan *plan, struct sbx_err *err);

/* Parent, for the plumbing steps: the netns the helper made, passed over once lo is up (an fd
 * the caller closes; and the user namespace owning it into *@ret_userns unless NULL), or -errno
 * with @err set (-EINTR, -ETIMEDOUT: the executor says why). */
int net_take_netns(const struct step *s, struct run_ctx *ctx, int *ret_userns);
/* Parent: give the child (netns-ready) the word: 0 when the network is ready, else -errno. */
int net_tell_child(struct run_ctx *ctx, int code);
