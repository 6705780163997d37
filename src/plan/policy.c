/* policy.c — validation across sections, then each subsystem's *_plan_add() in setup order. */
#include "plan/policy.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>

#include "sys/caps.h"
#include "sys/cgroup/cgroup.h"
#include "sys/env.h"
#include "sys/filter/filter.h"
#include "sys/landlock.h"
#include "sys/mount/mount.h"
#include "sys/net/net.h"
#include "sys/process.h"
#include "sys/rlimit.h"
#include "sys/userns.h"
#include "sys/uts.h"
#include "util/cleanup.h"

typedef int (*plan_add_fn)(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
			   struct sbx_err *err);

/* Each adder appends its steps to the buckets of their phases (steps.def); within a phase, this
 * table's order is the order of setup (STYLE.md §6). */
static const plan_add_fn plan_adders[] = {
    cgroup_plan_add,	   /* the cgroup (PREPARE), attach (PARENT), cgroupns (ROOT), end */
    userns_plan_add,	   /* clone, id maps; enter-ids (ROOT) */
    net_plan_add,	   /* netns helper (BESIDE), join (SETUP or ROOT), wait for lo (COMMAND) */
    mount_plan_add,	   /* the root, ending in pivot_root (ROOT) */
    uts_plan_add,	   /* hostname, domainname (SETUP) */
    env_plan_add,	   /* the command's environment (no step) */
    rlimit_plan_add,	   /* rlimits (SETUP) */
    caps_plan_add,	   /* ids, capabilities, no_new_privs (SETUP) */
    process_plan_add,	   /* umask, cwd, init (SETUP); session or terminal (COMMAND); supervise */
    landlock_plan_add,	   /* the Landlock ruleset (COMMAND) */
    filter_plan_add,	   /* seccomp (COMMAND), the last before exec */
    process_plan_add_exec, /* exec: the last of COMMAND */
    cgroup_plan_add_end,   /* attach (PARENT, after clone), cgroup-end (after supervise) */
    net_plan_add_plumb,	   /* bridge's veth pair or user mode's helper (BESIDE, the last) */
};

static const struct mount_entry *first_mount(const struct profile *p, enum mount_type t)
{
	for (size_t i = 0; i < p->fs.n_mounts; i++)
		if (p->fs.mounts[i].type == t)
			return &p->fs.mounts[i];
	return NULL;
}

static bool has_mount_type(const struct profile *p, enum mount_type t)
{
	return first_mount(p, t) != NULL;
}

static const struct sbx_loc *first_loc(const struct sbx_loc *a, const struct sbx_loc *b)
{
	return a->file ? a : b;
}

/* Keep the first failure in @r while every later check still records its own. */
static void keep_first(int *r, int k)
{
	if (k < 0 && *r == 0)
		*r = k;
}

/* A procfs shows a pid namespace and may only be mounted with CAP_SYS_ADMIN over the user
 * namespace that owns it: in a user namespace, only one of the sandbox's own. Root without
 * a user namespace may mount the host's. Reported at `namespaces`, which dropped "pid". */
static int check_proc(const struct profile *p, unsigned ns, struct sbx_err *err)
{
	const struct mount_entry *m = first_mount(p, MOUNT_PROC);

	if (!m || (ns & NS_BIT(NS_PID)) || !(ns & NS_BIT(NS_USER)))
		return 0;
	return sbx_err_set(err, first_loc(&p->namespaces_loc, &m->loc), -EINVAL,
			   "namespaces: the proc mount at %s:%u needs \"pid\" too: in a user "
			   "namespace the kernel mounts a procfs only for a pid namespace the "
			   "sandbox owns",
			   m->loc.file ? m->loc.file : "?", m->loc.line);
}

/* Rules that join two sections; each one is reported at the setting that breaks it. Returns
 * the first error; all of them are in @err for --check. */
static int check_namespaces(const struct profile *p, const struct sbx_caller *c, unsigned ns,
			    struct sbx_err *err)
{
	const struct sbx_loc *nsloc = &p->namespaces_loc;
	int r = 0;

	if (c->uid != 0 && !(ns & NS_BIT(NS_USER)))
		keep_first(&r, sbx_err_set(err, nsloc, -EPERM,
					   "namespaces: a caller that is not root needs the "
					   "\"user\" namespace"));
	if (p->hostname && !(ns & NS_BIT(NS_UTS)))
		keep_first(&r, sbx_err_set(err, &p->hostname_loc, -EINVAL,
					   "hostname needs the \"uts\" namespace"));
	if (p->domainname && !(ns & NS_BIT(NS_UTS)))
		keep_first(&r, sbx_err_set(err, &p->domainname_loc, -EINVAL,
					   "domainname needs the \"uts\" namespace"));
	if (!(ns & NS_BIT(NS_NET)) && p->net.mode != NET_HOST)
		keep_first(&r, sbx_err_set(err, first_loc(&p->net.mode_loc, nsloc), -EINVAL,
					   "network.mode \"%s\" needs the \"net\" namespace; "
					   "without it the mode must be \"host\"",
					   profile_net_mode_name(p->net.mode)));
	if (!(ns & NS_BIT(NS_MOUNT)) && (p->fs.n_mounts || p->fs.root != ROOT_HOST))
		keep_first(&r,
			   sbx_err_set(err, first_loc(&p->fs.root_loc, nsloc), -EINVAL,
				       "filesystem: a %s needs the \"mount\" namespace; without "
				       "it use root = \"host\" and no mounts",
				       p->fs.n_mounts ? "mount list" : "non-host root"));
	if (has_mount_type(p, MOUNT_MQUEUE) && !(ns & NS_BIT(NS_IPC)))
		keep_first(&r, sbx_err_set(err, nsloc, -EINVAL,
					   "an mqueue mount needs the \"ipc\" namespace"));
	keep_first(&r, check_proc(p, ns, err));
	return r;
}

/* A capability kept in a user namespace acts only on what that namespace owns: with the host's
 * network, the network ones are kept for nothing (binding port 80 still fails). Valid, so a
 * warning, at the capabilities' line. */
static void warn_caps_without_effect(const struct profile *p, unsigned ns, struct sbx_err *err)
{
	static const unsigned net_caps[] = {CAP_NET_BIND_SERVICE, CAP_NET_ADMIN, CAP_NET_RAW};
	char names[96] = "";
	size_t len = 0;

	if (!(ns & NS_BIT(NS_USER)) || (ns & NS_BIT(NS_NET)))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(net_caps); i++)
		if (p->security.caps & (1ull << net_caps[i]))
			len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s",
						len ? ", " : "", profile_cap_name(net_caps[i]));
	if (len)
		sbx_err_warn(err, &p->security.caps_loc,
			     "security.capabilities: %s: no effect on the host's network "
			     "(network.mode = \"host\"), which a capability of the sandbox's user "
			     "namespace has no power over; as root, leave \"user\" out of "
			     "namespaces",
			     names);
}

int policy_compile(const struct profile *p, const struct sbx_caller *c, struct plan **ret_plan,
		   struct sbx_err *err)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct profile eff = *p; /* shallow: only scalars are adjusted below */
	int r;

	/* network.mode = "host" means no network namespace, whatever the list says. */
	if (eff.net.mode == NET_HOST)
		eff.namespaces &= ~NS_BIT(NS_NET);
	r = check_namespaces(&eff, c, eff.namespaces, err);
	warn_caps_without_effect(&eff, eff.namespaces, err);
	plan = plan_new();
	if (!plan)
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	plan->caller_uid = c->uid;
	plan->caller_gid = c->gid;
	if (r == 0)
		r = net_user_amend(&eff, plan, err);
	/* Compile every section even after an error, so --check lists them all. */
	for (size_t i = 0; i < ARRAY_SIZE(plan_adders); i++) {
		int k = plan_adders[i](plan, &eff, c, err);

		if (k < 0 && r == 0)
			r = k;
	}
	if (r < 0)
		return r;
	r = plan_shape(plan, &(struct plan_shape){0}, err); /* what the executor relies on */
	if (r < 0)
		return r;
	*ret_plan = TAKE_PTR(plan);
	return 0;
}

void policy_list_seccomp(void *out)
{
	filter_list(out);
}
