/* user.c — network mode "user": wired in once usernet.c lands. */
#include "sys/net/net.h"

#include <errno.h>

int net_user_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		      struct sbx_err *err)
{
	(void)plan;
	(void)c;
	return sbx_err_set(err, p->net.mode_loc.file ? &p->net.mode_loc : NULL, -EOPNOTSUPP,
			   "network.mode \"user\": not supported yet");
}

int net_run_user(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return -EOPNOTSUPP;
}

void net_user_describe(const struct step *s, struct plan_kv *k)
{
	plan_kv_list(k, "argv", s->net.argv, 0);
}
