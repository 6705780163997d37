/* caps.c — the ids the command runs as, its capabilities and no_new_privs.
 *
 * Uses the raw capset(2) interface (no libcap): the child only needs three syscalls and the
 * sets are computed at compile time. */
#include "sys/caps.h"

#include <errno.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <grp.h>
#include <sys/syscall.h>
#include <unistd.h>

int caps_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		  struct sbx_err *err)
{
	struct step *s;

	s = plan_add(plan, STEP_SET_IDS, p->user.uid_set ? &p->user.uid_loc : NULL);
	if (!s)
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	s->ids.uid = p->user.uid_set ? p->user.uid : c->uid;
	s->ids.gid = p->user.gid_set ? p->user.gid : c->gid;
	s->ids.set_groups = !plan->setgroups_denied; /* userns.c decided it */

	s = plan_add(plan, STEP_CAPS, p->security.caps_loc.file ? &p->security.caps_loc : NULL);
	if (!s)
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	s->caps.keep = p->security.caps;
	/* A non-root uid loses its capabilities at execve() unless they are ambient. */
	s->caps.ambient = (p->user.uid_set ? p->user.uid : c->uid) != 0 && p->security.caps;

	if (p->security.no_new_privs && !plan_add(plan, STEP_NO_NEW_PRIVS, NULL))
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	return 0;
}

void caps_describe(const struct step *s, struct plan_kv *k)
{
	const char *names[64];
	size_t n = 0;

	switch (s->kind) {
	case STEP_SET_IDS:
		plan_kv_num(k, "uid", s->ids.uid);
		plan_kv_num(k, "gid", s->ids.gid);
		plan_kv_str(k, "groups", s->ids.set_groups ? "cleared" : "kept");
		break;
	case STEP_CAPS:
		for (unsigned c = 0; c < 64; c++)
			if ((s->caps.keep & (1ull << c)) && profile_cap_name(c))
				names[n++] = profile_cap_name(c);
		plan_kv_list(k, "keep", names, n);
		plan_kv_bool(k, "ambient", s->caps.ambient);
		break;
	default: /* STEP_NO_NEW_PRIVS */
		plan_kv_bool(k, "value", true);
		break;
	}
}

#include "util/child-safe.h"

static int capset_all(uint64_t eff, uint64_t perm, uint64_t inh)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2] = {
	    {(uint32_t)eff, (uint32_t)perm, (uint32_t)inh},
	    {(uint32_t)(eff >> 32), (uint32_t)(perm >> 32), (uint32_t)(inh >> 32)},
	};

	return syscall(SYS_capset, &hdr, data) < 0 ? -errno : 0;
}

static int capget_permitted(uint64_t *ret)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	*ret = (uint64_t)data[0].permitted | (uint64_t)data[1].permitted << 32;
	return 0;
}

int caps_run_set_ids(const struct step *s, struct run_ctx *ctx)
{
	(void)ctx;
	/* Keep the permitted set across the uid change: STEP_CAPS decides what survives. */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return -errno;
	if (s->ids.set_groups && setgroups(0, NULL) < 0)
		return -errno;
	if (setresgid(s->ids.gid, s->ids.gid, s->ids.gid) < 0)
		return -errno;
	if (setresuid(s->ids.uid, s->ids.uid, s->ids.uid) < 0)
		return -errno;
	return 0;
}

int caps_run_caps(const struct step *s, struct run_ctx *ctx)
{
	uint64_t perm = 0, keep = s->caps.keep;
	int r;

	(void)ctx;
	r = capget_permitted(&perm);
	if (r < 0)
		return r;
	/* A uid change cleared the effective set; CAP_SETPCAP must be effective to shrink the
	 * bounding set. */
	r = capset_all(perm, perm, 0);
	if (r < 0)
		return r;
	for (unsigned cap = 0; cap < 64; cap++) {
		if (keep & (1ull << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
			if (errno == EINVAL)
				break; /* past the kernel's last capability */
			return -errno;
		}
	}
	keep &= perm;
	r = capset_all(keep, keep, s->caps.ambient ? keep : 0);
	if (r < 0)
		return r;
	for (unsigned cap = 0; s->caps.ambient && cap < 64; cap++)
		if ((keep & (1ull << cap)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			return -errno;
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return -errno;
	return 0;
}

int caps_run_no_new_privs(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ? -errno : 0;
}
