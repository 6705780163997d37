/* caller.h — the caller the compiler tests compile for: a fixed one, so no plan depends on
 * the machine (its hard limits, /etc/subuid, where newuidmap lives). */
#pragma once

#include <stdint.h>

#include "plan/plan.h"

/* No hard limit: an rlimit in a test profile is never refused for the machine's sake. */
static const struct sbx_limits unit_no_limits = {
    .hard = {[0 ... SBX_RLIMIT_N - 1] = UINT64_MAX},
    .nr_open = UINT64_MAX,
};

/* uid @uid (gid the same; "root" or "tester"), running @argv with the environment @environ. */
static inline struct sbx_caller unit_caller(uid_t uid, char **argv, char **environ)
{
	return (struct sbx_caller){
	    .limits = &unit_no_limits,
	    .uid = uid,
	    .gid = uid,
	    .user_name = uid ? "tester" : "root",
	    .argv = argv,
	    .environ = environ,
	    .subuid_file = "tests/unit/data/subuid",
	    .subgid_file = "tests/unit/data/subuid",
	    .helper_dir = "/usr/bin",
	};
}
