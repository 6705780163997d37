/* rlimit.c — resource limits from the profile, applied soft = hard in the child. */
#include "sys/rlimit.h"

#include <errno.h>
#include <sys/resource.h>

static const int resources[_RLIM_MAX] = {
    [RLIM_AS] = RLIMIT_AS,
    [RLIM_CORE] = RLIMIT_CORE,
    [RLIM_CPU] = RLIMIT_CPU,
    [RLIM_DATA] = RLIMIT_DATA,
    [RLIM_FSIZE] = RLIMIT_FSIZE,
    [RLIM_MEMLOCK] = RLIMIT_MEMLOCK,
    [RLIM_MSGQUEUE] = RLIMIT_MSGQUEUE,
    [RLIM_NICE] = RLIMIT_NICE,
    [RLIM_NOFILE] = RLIMIT_NOFILE,
    [RLIM_NPROC] = RLIMIT_NPROC,
    [RLIM_RTPRIO] = RLIMIT_RTPRIO,
    [RLIM_STACK] = RLIMIT_STACK,
};

int rlimit_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		    struct sbx_err *err)
{
	(void)c;
	for (int i = 0; i < _RLIM_MAX; i++) {
		const struct rlimit_entry *e = &p->rlimits[i];
		struct step *s;

		/* "inherit" and unset both keep the caller's limit: no step. */
		if (e->how != RLIMIT_VALUE && e->how != RLIMIT_UNLIMITED)
			continue;
		s = plan_add(plan, STEP_RLIMIT, &e->loc);
		if (!s)
			return sbx_err_set(err, &e->loc, -ENOMEM, "out of memory");
		s->rlimit.resource = resources[i];
		s->rlimit.unlimited = e->how == RLIMIT_UNLIMITED;
		s->rlimit.cur = s->rlimit.max = e->value;
	}
	return 0;
}

void rlimit_describe(const struct step *s, struct plan_kv *k)
{
	const char *name = "?";

	for (int i = 0; i < _RLIM_MAX; i++)
		if (resources[i] == s->rlimit.resource)
			name = profile_rlimit_name((enum rlimit_res)i);
	plan_kv_str(k, "resource", name);
	if (s->rlimit.unlimited)
		plan_kv_str(k, "value", "unlimited");
	else
		plan_kv_num(k, "value", s->rlimit.cur);
}

#include "util/child-safe.h"

int rlimit_run_set(const struct step *s, struct run_ctx *ctx)
{
	struct rlimit rl;

	(void)ctx;
	rl.rlim_cur = s->rlimit.unlimited ? RLIM_INFINITY : (rlim_t)s->rlimit.cur;
	rl.rlim_max = s->rlimit.unlimited ? RLIM_INFINITY : (rlim_t)s->rlimit.max;
	return setrlimit(s->rlimit.resource, &rl) < 0 ? -errno : 0;
}
