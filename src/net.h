/* net.h — network namespace plumbing over netlink (libmnl). */
#pragma once

#include "plan.h"
#include "profile.h"

int net_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		 struct sbx_err *err);				    /* parent */
int net_run_loopback_up(const struct step *s, struct run_ctx *ctx); /* child */
