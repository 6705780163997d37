/* rlimit.c — resource limits from the profile, applied soft = hard in the child. */
#include "sys/rlimit.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

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

_Static_assert(RLIM_NLIMITS <= SBX_RLIMIT_N, "struct sbx_limits holds every RLIMIT_*");
_Static_assert(RLIM_INFINITY == UINT64_MAX, "unlimited is UINT64_MAX in struct sbx_limits");

/* Does this process have CAP_SYS_RESOURCE, in the initial user namespace (whose id map is
 * the whole range), so that it may raise a hard limit? Root in a container may not. */
static bool may_raise_hard(void)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2];
	unsigned long long inside, outside, count;
	bool initial = false;
	FILE *f;

	if (syscall(SYS_capget, &hdr, data) < 0 || !(data[0].effective & (1u << CAP_SYS_RESOURCE)))
		return false;
	f = fopen("/proc/self/uid_map", "re");
	if (!f)
		return false;
	initial = fscanf(f, "%llu %llu %llu", &inside, &outside, &count) == 3 && inside == 0 &&
		  outside == 0 && count == 4294967295ull;
	fclose(f);
	return initial;
}

/* The caller's hard limits, fs.nr_open and whether it may raise a hard limit: @c's, or this
 * process's (the caller's: sbx changes none of its own). What can't be read is unlimited, and
 * the run will tell. */
static void caller_limits(const struct sbx_caller *c, struct sbx_limits *ret)
{
	unsigned long long n;
	struct rlimit rl;
	FILE *f;

	if (c->limits) {
		*ret = *c->limits;
		return;
	}
	for (int i = 0; i < SBX_RLIMIT_N; i++)
		ret->hard[i] =
		    i < RLIM_NLIMITS && getrlimit(i, &rl) == 0 ? rl.rlim_max : UINT64_MAX;
	ret->raise_hard = may_raise_hard();
	ret->nr_open = UINT64_MAX;
	f = fopen("/proc/sys/fs/nr_open", "re");
	if (!f)
		return;
	if (fscanf(f, "%llu", &n) == 1)
		ret->nr_open = n;
	fclose(f);
}

static const char *limit_text(uint64_t v, char *buf, size_t size)
{
	if (v == UINT64_MAX)
		return "unlimited";
	snprintf(buf, size, "%" PRIu64, v);
	return buf;
}

/* The kernel raises a hard limit only for CAP_SYS_RESOURCE in the initial user namespace: not
 * inside the sandbox's own user namespace, whatever it maps (root's default map included); and
 * RLIMIT_NOFILE never above fs.nr_open. Found here rather than as a bare EPERM at the run. */
static int check_raise(const struct profile *p, const struct sbx_limits *l, enum rlimit_res i,
		       struct sbx_err *err)
{
	const struct rlimit_entry *e = &p->rlimits[i];
	uint64_t want = e->how == RLIMIT_UNLIMITED ? UINT64_MAX : e->value;
	uint64_t hard = l->hard[resources[i]];
	bool userns = p->namespaces & NS_BIT(NS_USER);
	char a[24], b[24];

	if (want > hard && (userns || !l->raise_hard))
		return sbx_err_set(
		    err, &e->loc, -EPERM,
		    "rlimits.%s: %s is above the hard limit sbx runs with (%s), and %s: "
		    "raise it before starting sbx, or ask for less%s",
		    profile_rlimit_name(i), limit_text(want, a, sizeof(a)),
		    limit_text(hard, b, sizeof(b)),
		    userns ? "in a user namespace no one may raise it, root included"
			   : "raising it takes CAP_SYS_RESOURCE, which sbx lacks",
		    userns && l->raise_hard ? " (or leave \"user\" out of namespaces)" : "");
	if (resources[i] == RLIMIT_NOFILE && want > l->nr_open)
		return sbx_err_set(err, &e->loc, -EPERM,
				   "rlimits.nofile: %s is above the kernel's maximum, fs.nr_open "
				   "(%s), for root too",
				   limit_text(want, a, sizeof(a)),
				   limit_text(l->nr_open, b, sizeof(b)));
	return 0;
}

int rlimit_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		    struct sbx_err *err)
{
	struct sbx_limits limits;
	int r = 0;

	caller_limits(c, &limits);
	for (int i = 0; i < _RLIM_MAX; i++) {
		const struct rlimit_entry *e = &p->rlimits[i];
		struct step *s;
		int k;

		/* "inherit" and unset both keep the caller's limit: no step. */
		if (e->how != RLIMIT_VALUE && e->how != RLIMIT_UNLIMITED)
			continue;
		k = check_raise(p, &limits, (enum rlimit_res)i, err);
		if (k < 0) {
			r = r ? r : k; /* every one of them, for --check */
			continue;
		}
		s = plan_add(plan, STEP_RLIMIT, &e->loc);
		if (!s)
			return sbx_err_set(err, &e->loc, -ENOMEM, "out of memory");
		s->rlimit.resource = resources[i];
		s->rlimit.unlimited = e->how == RLIMIT_UNLIMITED;
		s->rlimit.cur = s->rlimit.max = e->value;
	}
	return r;
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
