/* check.h — private to sys/net: the network section's checks across its keys and against the
 * caller, made on the merged profile (a later file or --set may change the mode). */
#pragma once

#include "plan/plan.h"
#include "profile/profile.h"

/* Parent. Every key given is one its mode uses (a mistyped mode never drops a setting
 * silently), forwards need mode user or bridge, a fixed address lies in the gateway's subnet,
 * and mode bridge needs root. Records every problem at its setting's line; returns the first
 * one's code (-EPERM for a caller that may not). */
int net_check(const struct profile *p, const struct sbx_caller *c, struct sbx_err *err);
