/* test_policy.c — cross-section validation and golden plans for the shipped profiles.
 *
 * Golden files live in tests/unit/data/NAME.plan. After an intended change to a plan, run
 * `SBX_UPDATE_GOLDEN=1 make unit` and review the diff like code. */
#include "unit.h"

#include <errno.h>
#include <sched.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "plan/plan.h"
#include "plan/policy.h"
#include "profile/profile.h"
#include "util/cleanup.h"

#include "caller.h"

static char *test_argv[] = {"/bin/true", NULL};
static char *test_environ[] = {"PATH=/caller/bin", "TERM=xterm", "SECRET=1", "LANG=C.UTF-8", NULL};

static struct sbx_caller caller(uid_t uid)
{
	return unit_caller(uid, test_argv, test_environ);
}

static int compile(const char *text, uid_t uid, struct plan **ret, struct sbx_err *err)
{
	_cleanup_(profile_freep) struct profile *p = NULL;
	struct sbx_caller c = caller(uid);
	int r = profile_parse_string(text, "t.cfg", &p, err);

	if (r < 0)
		return r;
	return policy_compile(p, &c, ret, err);
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int ch;

	if (!f)
		return NULL;
	m = open_memstream(&buf, &len);
	while ((ch = fgetc(f)) != EOF)
		fputc(ch, m);
	fclose(m);
	fclose(f);
	return buf;
}

/* The plan of profiles/NAME.cfg for caller @c against tests/unit/data/NAME-uidUID[SUFFIX].plan. */
static void check_golden_as(const char *name, const struct sbx_caller *c, const char *suffix)
{
	_cleanup_(profile_freep) struct profile *p = profile_new();
	_cleanup_(plan_freep) struct plan *plan = NULL;
	_cleanup_free_ char *got = NULL, *want = NULL, *golden = NULL, *file = NULL;
	const char *search[] = {"profiles"};
	struct sbx_err err = {0};
	size_t len = 0;
	FILE *f;

	assert_int_equal(profile_set_search_path(p, search, 1, &err), 0);
	assert_true(asprintf(&file, "profiles/%s.cfg", name) > 0);
	assert_int_equal(profile_load(p, file, &err), 0);
	assert_int_equal(policy_compile(p, c, &plan, &err), 0);
	plan->profile_names = name;
	f = open_memstream(&got, &len);
	assert_int_equal(plan_dump(plan, PLAN_TEXT, f), 0);
	fclose(f);
	assert_true(asprintf(&golden, "tests/unit/data/%s-uid%u%s.plan", name, (unsigned)c->uid,
			     suffix) > 0);
	if (getenv("SBX_UPDATE_GOLDEN")) {
		f = fopen(golden, "we");
		assert_non_null(f);
		fputs(got, f);
		fclose(f);
	}
	want = read_all(golden);
	assert_non_null(want);
	assert_string_equal(got, want);
}

static void check_golden(const char *name, uid_t uid)
{
	struct sbx_caller c = caller(uid);

	check_golden_as(name, &c, "");
}

/* Root's default map is never host root: with no range of root's in the subuid file, the
 * inside id goes to 65534 (default-uid0); with one, inside 0 up goes to it
 * (default-uid0-subuid). */
static void test_golden_default(void **state)
{
	struct sbx_caller root_with_range = caller(0);

	(void)state;
	check_golden("default", 1000);
	check_golden("default", 0);
	root_with_range.subuid_file = "tests/unit/data/subuid-root";
	root_with_range.subgid_file = "tests/unit/data/subuid-root";
	check_golden_as("default", &root_with_range, "-subuid");
}

static void test_golden_shell(void **state)
{
	(void)state;
	check_golden("shell", 1000);
}

static void test_golden_untrusted(void **state)
{
	(void)state;
	check_golden("untrusted", 1000);
	check_golden("untrusted", 0); /* never host root: untrusted.cfg has no "self" map */
}

static void test_nonroot_needs_user_ns(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_err err = {0};

	(void)state;
	assert_true(compile("namespaces = [ \"mount\", \"pid\" ];\n", 1000, &plan, &err) < 0);
	assert_null(plan);
	assert_int_equal(err.diag[0].line, 1);
	assert_string_equal(err.diag[0].file, "t.cfg");
	assert_non_null(strstr(err.diag[0].msg, "\"user\" namespace"));
}

static void test_cross_section_errors_are_all_listed(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_err err = {0};

	(void)state;
	assert_true(compile("namespaces = [ \"user\", \"mount\" ];\n"
			    "hostname = \"box\";\n"
			    "network = { mode = \"none\"; };\n",
			    1000, &plan, &err) < 0);
	assert_true(err.n >= 2);
	assert_int_equal(err.diag[0].line, 2); /* hostname without uts */
	assert_non_null(strstr(err.diag[0].msg, "uts"));
	assert_int_equal(err.diag[1].line, 3); /* mode none without net */
	assert_non_null(strstr(err.diag[1].msg, "net"));
}

/* The return value is the first error's, like err.code, even when later checks fail too. */
static void test_cross_section_returns_first_error(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_err err = {0};

	(void)state;
	/* -EPERM (no user namespace for a caller that is not root), then -EINVAL (hostname). */
	assert_int_equal(compile("namespaces = [ \"mount\" ];\n"
				 "hostname = \"box\";\n",
				 1000, &plan, &err),
			 -EPERM);
	assert_null(plan);
	assert_int_equal(err.code, -EPERM);
	assert_true(err.n >= 2);
	assert_non_null(strstr(err.diag[0].msg, "\"user\" namespace"));
	assert_int_equal(err.diag[1].line, 2);
	assert_non_null(strstr(err.diag[1].msg, "uts"));
}

static void test_host_network_drops_net_ns(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_err err = {0};

	(void)state;
	assert_int_equal(compile("network = { mode = \"host\"; };\n", 1000, &plan, &err), 0);
	assert_int_equal(plan->steps[0].kind, STEP_CLONE);
	assert_false(plan->steps[0].clone.ns & NS_BIT(NS_NET));
	for (size_t i = 0; i < plan->n_steps; i++) {
		assert_int_not_equal(plan->steps[i].kind, STEP_NETNS_CREATE);
		assert_int_not_equal(plan->steps[i].kind, STEP_NETNS_JOIN);
	}
}

/* The index of the first step of @kind, or n_steps. */
static size_t index_of(const struct plan *plan, enum step_kind kind)
{
	size_t i = 0;

	while (i < plan->n_steps && plan->steps[i].kind != kind)
		i++;
	return i;
}

/* The index of the one step of @kind. */
static size_t find(const struct plan *plan, enum step_kind kind)
{
	size_t at = index_of(plan, kind), n = 0;

	assert_true(at < plan->n_steps);
	for (size_t i = 0; i < plan->n_steps; i++)
		n += plan->steps[i].kind == kind;
	assert_int_equal(n, 1);
	return at;
}

/* The network namespace is not clone()'s: a helper makes it after the id maps, and the child
 * joins it after its mounts and pivot_root. */
static void test_netns_made_beside_the_child(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_err err = {0};
	size_t create, join;

	(void)state;
	assert_int_equal(compile("network = { mode = \"none\"; };\n", 1000, &plan, &err), 0);
	assert_int_equal(plan->steps[0].kind, STEP_CLONE);
	assert_false(plan->steps[0].clone.ns & NS_BIT(NS_NET));
	assert_false(plan->steps[0].clone.flags & CLONE_NEWNET);
	create = find(plan, STEP_NETNS_CREATE);
	join = find(plan, STEP_NETNS_JOIN);
	assert_true(plan->steps[create].netlink.enter_userns);
	assert_non_null(plan->steps[create].netlink.msg);
	assert_int_equal(plan->steps[create].loc.line, 1);
	/* Beside the child: once the parent's steps are done, before the child's first. */
	assert_int_equal(plan->steps[create].phase, PHASE_BESIDE);
	assert_true(phase_in_child(plan->steps[create + 1].phase));
	for (size_t i = 1; i < create; i++)
		assert_int_equal(plan->steps[i].phase, PHASE_PARENT);
	assert_true(index_of(plan, STEP_IDMAP_WRITE) < create);
	/* After every mount and pivot_root, before anything else. */
	assert_int_equal(plan->steps[join - 1].kind, STEP_MOUNT_PIVOT);
	assert_int_equal(plan->steps[join].phase, PHASE_SETUP);
	/* The word that lo is up is taken in the command's process, after init started it. */
	assert_int_equal(plan->steps[find(plan, STEP_NETNS_READY)].phase, PHASE_COMMAND);
	assert_int_equal(plan->steps[find(plan, STEP_NETNS_READY) - 1].kind, STEP_INIT);
	assert_true(find(plan, STEP_EXEC) > find(plan, STEP_NETNS_READY));
	assert_int_equal(plan->steps[find(plan, STEP_NETNS_READY)].loc.line, 1);
}

/* sysfs shows the mounter's network namespace: the join comes before the root is built. */
static void test_netns_joined_before_sysfs(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_err err = {0};
	size_t join;

	(void)state;
	assert_int_equal(compile("filesystem = { mounts = ( { type = \"tmpfs\"; dst = \"/a\"; },\n"
				 "  { type = \"sysfs\"; dst = \"/sys\"; }, { type = \"tmpfs\"; dst "
				 "= \"/b\"; } ); };\n",
				 1000, &plan, &err),
			 0);
	join = find(plan, STEP_NETNS_JOIN);
	assert_int_equal(plan->steps[join].phase, PHASE_ROOT);
	assert_int_equal(plan->steps[join - 1].kind, STEP_NETNS_CREATE);
	assert_int_equal(plan->steps[join + 1].kind, STEP_MOUNT_PRIVATE);
	assert_true(join < find(plan, STEP_MOUNT_SYSFS));
}

/* sysfs is decided by the compiler: a fresh one where the kernel allows it, else a read-only
 * recursive bind of the host's /sys, shown as such in the plan (never a choice in the child). */
static void test_sysfs_decided_in_plan(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_err err = {0};
	const char *mounts =
	    "filesystem = { mounts = ( { type = \"sysfs\"; dst = \"/sys\"; } ); };\n";
	_cleanup_free_ char *host = NULL, *rootns = NULL;
	const struct step *s;

	(void)state;
	assert_true(asprintf(&host, "%snetwork = { mode = \"host\"; };\n", mounts) > 0);
	assert_true(
	    asprintf(&rootns,
		     "%snamespaces = [ \"mount\", \"pid\" ];\nnetwork = { mode = \"host\"; };\n",
		     mounts) > 0);
	/* A user namespace sharing the host's network: the kernel refuses a new sysfs. */
	for (uid_t uid = 0; uid <= 1000; uid += 1000) {
		assert_int_equal(compile(host, uid, &plan, &err), 0);
		assert_null(plan_first(plan, STEP_MOUNT_SYSFS));
		s = NULL;
		for (size_t i = 0; i < plan->n_steps; i++)
			if (plan->steps[i].kind == STEP_MOUNT_BIND &&
			    !strcmp(plan->steps[i].mnt.dst, "/sys"))
				s = &plan->steps[i];
		assert_non_null(s);
		assert_string_equal(s->mnt.src, "/sys");
		assert_true(s->mnt.recursive);
		assert_true(s->mnt.attr & STEP_ATTR_RDONLY);
		assert_int_equal(s->loc.line, 1);
		plan = plan_free(plan);
	}
	/* Its own network namespace, or root without a user namespace: a fresh sysfs. */
	assert_int_equal(compile(mounts, 1000, &plan, &err), 0);
	assert_true(plan_first(plan, STEP_MOUNT_SYSFS)->mnt.attr & STEP_ATTR_RDONLY);
	plan = plan_free(plan);
	assert_int_equal(compile(rootns, 0, &plan, &err), 0);
	assert_non_null(plan_first(plan, STEP_MOUNT_SYSFS));
}

/* Root without a user namespace: the helper makes the namespace where it is. */
static void test_netns_root_without_userns(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_err err = {0};

	(void)state;
	assert_int_equal(compile("namespaces = [ \"mount\", \"net\" ];\n", 0, &plan, &err), 0);
	assert_false(plan->steps[find(plan, STEP_NETNS_CREATE)].netlink.enter_userns);
	assert_int_equal(plan->steps[find(plan, STEP_NETNS_JOIN) - 1].kind, STEP_MOUNT_PIVOT);
}

/* A map of subordinate ids only leaves out the caller: the child switches ids before its
 * mounts, and a helper running as the caller could no longer enter its user namespace. The
 * child makes the namespace itself where it would have joined, with the request built now. */
static void test_netns_made_by_child_when_caller_unmapped(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_err err = {0};
	const char *text =
	    "user = { uid = 0; gid = 0;\n"
	    "  uid_map = ( { inside = 0; outside = \"subuid\"; count = 1000; } );\n"
	    "  gid_map = ( { inside = 0; outside = \"subgid\"; count = 1000; } ); };\n"
	    "network = { mode = \"none\"; };\n";
	const struct step *s;
	size_t at;

	(void)state;
	assert_int_equal(compile(text, 1000, &plan, &err), 0);
	assert_true(plan->caller_unmapped);
	assert_null(plan_first(plan, STEP_NETNS_CREATE));
	assert_null(plan_first(plan, STEP_NETNS_JOIN));
	assert_null(plan_first(plan, STEP_NETNS_READY));
	at = find(plan, STEP_NETNS_UNSHARE);
	s = &plan->steps[at];
	assert_int_equal(s->phase, PHASE_SETUP);
	assert_int_equal(plan->steps[at - 1].kind, STEP_MOUNT_PIVOT);
	assert_non_null(s->netlink.msg);
	assert_true(s->netlink.len > 0);
	assert_int_equal(s->netlink.ifindex, 1);
	assert_int_equal(s->loc.line, 4);
	assert_false(plan->steps[0].clone.flags & CLONE_NEWNET);
	/* After the early switch of ids, before the ids and capabilities change for good. */
	assert_true(find(plan, STEP_CAPS) > at);
	assert_true(find(plan, STEP_ENTER_IDS) < at);
	assert_non_null(strstr(plan_step_type(STEP_NETNS_UNSHARE)->hint(s, -ENOSPC),
			       "user.max_net_namespaces"));
	plan = plan_free(plan);

	/* The same maps with a "self" line keep the helper. */
	assert_int_equal(compile("user = { uid = 0; gid = 0;\n"
				 "  uid_map = ( { inside = 0; outside = \"self\"; },\n"
				 "    { inside = 1; outside = \"subuid\"; count = 1000; } );\n"
				 "  gid_map = ( { inside = 0; outside = \"self\"; },\n"
				 "    { inside = 1; outside = \"subgid\"; count = 1000; } ); };\n",
				 1000, &plan, &err),
			 0);
	assert_false(plan->caller_unmapped);
	find(plan, STEP_NETNS_CREATE);
	find(plan, STEP_NETNS_JOIN);
	assert_null(plan_first(plan, STEP_NETNS_UNSHARE));
	plan = plan_free(plan);

	/* Before the root is built when it mounts sysfs, like the join; after the switch. */
	assert_int_equal(
	    compile("user = { uid = 0; gid = 0;\n"
		    "  uid_map = ( { inside = 0; outside = \"subuid\"; count = 1000; } );\n"
		    "  gid_map = ( { inside = 0; outside = \"subgid\"; count = 1000; } ); };\n"
		    "filesystem = { mounts = ( { type = \"sysfs\"; dst = \"/sys\"; } ); };\n",
		    1000, &plan, &err),
	    0);
	at = find(plan, STEP_NETNS_UNSHARE);
	assert_int_equal(plan->steps[at].phase, PHASE_ROOT);
	assert_int_equal(plan->steps[at - 1].kind, STEP_ENTER_IDS);
	assert_int_equal(plan->steps[at + 1].kind, STEP_MOUNT_PRIVATE);
}

/* Root's helper can enter any user namespace (CAP_SYS_ADMIN over all, CAP_SYS_PTRACE): its
 * default map, which leaves out uid 0, keeps the helper beside the child. */
static void test_netns_root_unmapped_keeps_helper(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_err err = {0};

	(void)state;
	assert_int_equal(compile("network = { mode = \"none\"; };\n", 0, &plan, &err), 0);
	assert_true(plan->caller_unmapped);
	assert_true(plan->steps[find(plan, STEP_NETNS_CREATE)].netlink.enter_userns);
	find(plan, STEP_NETNS_JOIN);
	assert_null(plan_first(plan, STEP_NETNS_UNSHARE));
}

/* The plan is the phases' buckets in order, and within each the order of policy.c's adders
 * (STYLE.md §6): the whole plan of a profile that touches each of them. */
static void test_plan_order(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_err err = {0};
	static const enum step_kind want[] = {
	    STEP_CLONE,	       STEP_IDMAP_WRITE,  STEP_SETGROUPS_DENY,
	    STEP_IDMAP_WRITE,  STEP_NETNS_CREATE, STEP_MOUNT_PRIVATE,
	    STEP_MOUNT_STAGE,  STEP_MOUNT_ROOT,	  STEP_MOUNT_TMPFS,
	    STEP_MOUNT_PIVOT,  STEP_NETNS_JOIN,	  STEP_HOSTNAME,
	    STEP_RLIMIT,       STEP_SET_IDS,	  STEP_CAPS,
	    STEP_NO_NEW_PRIVS, STEP_CHDIR,	  STEP_DIE_WITH_PARENT,
	    STEP_INIT,	       STEP_NETNS_READY,  STEP_SESSION,
	    STEP_EXEC,	       STEP_SUPERVISE,
	};
	enum step_phase last = PHASE_PREPARE;

	(void)state;
	assert_int_equal(
	    compile("hostname = \"box\";\n"
		    "rlimits = { nofile = 64; };\n"
		    "filesystem = { mounts = ( { type = \"tmpfs\"; dst = \"/tmp\"; } ); };\n",
		    1000, &plan, &err),
	    0);
	for (size_t i = 0; i < plan->n_steps; i++) {
		assert_true(plan->steps[i].phase >= last);
		last = plan->steps[i].phase;
	}
	for (size_t i = 0; i < plan->n_steps && i < ARRAY_SIZE(want); i++)
		if (plan->steps[i].kind != want[i])
			fail_msg("step %zu is %s, not %s", i + 1,
				 plan_step_type(plan->steps[i].kind)->name,
				 plan_step_type(want[i])->name);
	assert_int_equal(plan->n_steps, ARRAY_SIZE(want));
}

static void test_env_clear_keep_set(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_err err = {0};
	const struct step *exec = NULL;

	(void)state;
	assert_int_equal(
	    compile("env = { clear = true; keep = [ \"TERM\" ];\n"
		    "  set = { PATH = \"/usr/bin\"; TERM = \"dumb\"; X = \"1\"; }; };\n",
		    1000, &plan, &err),
	    0);
	for (size_t i = 0; i < plan->n_steps; i++)
		if (plan->steps[i].kind == STEP_EXEC)
			exec = &plan->steps[i];
	assert_non_null(exec);
	assert_string_equal(exec->exec.envp[0], "TERM=dumb"); /* kept, then replaced by set */
	assert_string_equal(exec->exec.envp[1], "PATH=/usr/bin");
	assert_string_equal(exec->exec.envp[2], "X=1");
	assert_null(exec->exec.envp[3]);
	assert_string_equal(plan->path, "/usr/bin");
}

static void test_env_not_cleared_keeps_caller(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_err err = {0};

	(void)state;
	assert_int_equal(compile("env = { clear = false; };\n", 1000, &plan, &err), 0);
	assert_string_equal(plan->envp[2], "SECRET=1");
}

/* Every resource limit the profile accepts (SPEC.md's list) goes name -> RLIMIT_* -> name:
 * the step sets the right resource and --plan shows the name it was given; and the loader
 * knows no name this list lacks. */
static void test_rlimit_names_round_trip(void **state)
{
	static const struct {
		const char *name;
		int resource;
	} limits[] = {
	    {"as", RLIMIT_AS},
	    {"core", RLIMIT_CORE},
	    {"cpu", RLIMIT_CPU},
	    {"data", RLIMIT_DATA},
	    {"fsize", RLIMIT_FSIZE},
	    {"memlock", RLIMIT_MEMLOCK},
	    {"msgqueue", RLIMIT_MSGQUEUE},
	    {"nice", RLIMIT_NICE},
	    {"nofile", RLIMIT_NOFILE},
	    {"nproc", RLIMIT_NPROC},
	    {"rtprio", RLIMIT_RTPRIO},
	    {"stack", RLIMIT_STACK},
	};

	(void)state;
	assert_int_equal(ARRAY_SIZE(limits), _RLIM_MAX);
	for (int i = 0; i < _RLIM_MAX; i++) {
		const char *name = profile_rlimit_name((enum rlimit_res)i);
		size_t k = 0;

		assert_non_null(name);
		while (k < ARRAY_SIZE(limits) && strcmp(limits[k].name, name) != 0)
			k++;
		assert_true(k < ARRAY_SIZE(limits)); /* a name SPEC.md does not list */
	}
	for (size_t k = 0; k < ARRAY_SIZE(limits); k++) {
		/* The profile outlives the plan: the steps' locations borrow its file names. */
		_cleanup_(profile_freep) struct profile *p = NULL;
		_cleanup_(plan_freep) struct plan *plan = NULL;
		_cleanup_free_ char *text = NULL, *dump = NULL, *want = NULL;
		struct sbx_caller c = caller(1000);
		struct sbx_err err = {0};
		size_t len = 0, at;
		FILE *f;

		assert_true(asprintf(&text, "rlimits = { %s = 7; };\n", limits[k].name) > 0);
		assert_int_equal(profile_parse_string(text, "t.cfg", &p, &err), 0);
		assert_int_equal(policy_compile(p, &c, &plan, &err), 0);
		at = find(plan, STEP_RLIMIT);
		assert_int_equal(plan->steps[at].rlimit.resource, limits[k].resource);
		assert_int_equal(plan->steps[at].rlimit.cur, 7);
		f = open_memstream(&dump, &len);
		assert_non_null(f);
		assert_int_equal(plan_dump(plan, PLAN_TEXT, f), 0);
		fclose(f);
		assert_true(asprintf(&want, " rlimit resource=%s value=7 ", limits[k].name) > 0);
		if (!strstr(dump, want))
			fail_msg("--plan does not show \"%s\":\n%s", want, dump);
	}
}

static void test_caps_and_ids(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_err err = {0};
	bool seen_ids = false, seen_caps = false, seen_nnp = false;

	(void)state;
	assert_int_equal(compile("user = { uid = 0; gid = 0; };\n"
				 "security = { capabilities = [ \"net_bind_service\" ]; };\n",
				 1000, &plan, &err),
			 0);
	for (size_t i = 0; i < plan->n_steps; i++) {
		const struct step *s = &plan->steps[i];

		if (s->kind == STEP_SET_IDS) {
			seen_ids = true;
			assert_int_equal(s->ids.uid, 0);
			assert_false(s->ids.set_groups); /* single map of an unprivileged caller */
		} else if (s->kind == STEP_CAPS) {
			seen_caps = true;
			assert_int_equal(s->caps.keep, 1ull << 10); /* CAP_NET_BIND_SERVICE */
			assert_false(s->caps.ambient);		    /* uid 0 inside */
		} else if (s->kind == STEP_NO_NEW_PRIVS) {
			seen_nnp = true;
		}
	}
	assert_true(seen_ids && seen_caps && seen_nnp);
}

static void test_unmapped_caller_enters_ids_first(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_err err = {0};
	const char *text = "user = { uid = 0; gid = 0;\n"
			   "  uid_map = ( { inside = 0; outside = 100000; count = 65536; } );\n"
			   "  gid_map = ( { inside = 0; outside = 100000; count = 65536; } ); };\n";

	(void)state;
	assert_int_equal(compile(text, 0, &plan, &err), 0);
	/* clone, uid_map, gid_map, netns-create, then the early switch before any mount. */
	assert_int_equal(plan->steps[3].kind, STEP_NETNS_CREATE);
	assert_int_equal(plan->steps[4].kind, STEP_ENTER_IDS);
	assert_int_equal(plan->steps[4].ids.uid, 0);
	assert_int_equal(plan->steps[4].phase, PHASE_ROOT);
	assert_int_equal(plan->steps[5].kind, STEP_MOUNT_PRIVATE);
	plan = plan_free(plan);

	/* The default self map needs no early switch. */
	assert_int_equal(compile("user = { uid = 0; };\n", 1000, &plan, &err), 0);
	assert_null(plan_first(plan, STEP_ENTER_IDS));
}

/* A network capability kept with the host's network can't act on it: the profile is valid,
 * with one warning at the capabilities' line naming the ones without effect. */
static void test_net_caps_on_host_network_warn(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_err err = {0};
	const char *text = "network = { mode = \"host\"; };\n"
			   "security = { capabilities = [ \"net_raw\", \"chown\",\n"
			   "  \"net_bind_service\" ]; };\n";
	const char *own_net = "security = { capabilities = [ \"net_bind_service\" ]; };\n";
	const char *no_userns = "namespaces = [ \"mount\", \"pid\" ];\n"
				"network = { mode = \"host\"; };\n"
				"security = { capabilities = [ \"net_bind_service\" ]; };\n";

	(void)state;
	assert_int_equal(compile(text, 1000, &plan, &err), 0);
	assert_int_equal(err.n, 0);
	assert_int_equal(err.n_warn, 1);
	assert_string_equal(err.warn[0].file, "t.cfg");
	assert_int_equal(err.warn[0].line, 2);
	assert_non_null(strstr(err.warn[0].msg, "net_bind_service, net_raw: no effect"));
	assert_null(strstr(err.warn[0].msg, "chown"));
	plan = plan_free(plan);

	/* Root's default map is no host root either: the same warning. */
	err = (struct sbx_err){0};
	assert_int_equal(compile(text, 0, &plan, &err), 0);
	assert_int_equal(err.n_warn, 1);
	plan = plan_free(plan);

	/* The sandbox's own network namespace, or root without a user namespace: no warning. */
	err = (struct sbx_err){0};
	assert_int_equal(compile(own_net, 1000, &plan, &err), 0);
	assert_int_equal(err.n_warn, 0);
	plan = plan_free(plan);
	assert_int_equal(compile(no_userns, 0, &plan, &err), 0);
	assert_int_equal(err.n_warn, 0);
}

/* A procfs in a user namespace needs a pid namespace of the sandbox's own: an error at the
 * `namespaces` line that dropped "pid", naming the proc mount's line, before anything runs. */
static void test_proc_needs_pid_ns(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_err err = {0};
	const char *text = "namespaces = [ \"user\", \"mount\", \"net\" ];\n"
			   "filesystem = { mounts = (\n"
			   "  { type = \"proc\"; dst = \"/proc\"; } ); };\n";
	const char *root_no_userns = "namespaces = [ \"mount\", \"net\" ];\n"
				     "filesystem = { mounts = (\n"
				     "  { type = \"proc\"; dst = \"/proc\"; } ); };\n";

	(void)state;
	assert_int_equal(compile(text, 1000, &plan, &err), -EINVAL);
	assert_int_equal(err.n, 1);
	assert_string_equal(err.diag[0].file, "t.cfg");
	assert_int_equal(err.diag[0].line, 1);
	assert_non_null(strstr(err.diag[0].msg, "proc mount at t.cfg:3 needs \"pid\""));
	err = (struct sbx_err){0};
	assert_int_equal(compile(text, 0, &plan, &err), -EINVAL); /* root too */
	/* Root without a user namespace may mount the host's pid namespace's procfs. */
	err = (struct sbx_err){0};
	assert_int_equal(compile(root_no_userns, 0, &plan, &err), 0);
	assert_int_equal(err.n, 0);
}

/* The cgroup compiler runs in policy_compile: a limit that depends on another is checked at
 * its own line, and parent and optional alone ask for no cgroup. */
static void test_cgroup_compiled(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_err err = {0};

	(void)state;
	assert_int_equal(compile("cgroup = {\n"
				 "  memory = \"64M\";\n"
				 "  memory_swap = \"32M\";\n"
				 "};\n",
				 1000, &plan, &err),
			 -EINVAL);
	assert_null(plan);
	assert_int_equal(err.n, 1);
	assert_int_equal(err.diag[0].line, 3);
	assert_non_null(strstr(err.diag[0].msg, "cgroup.memory_swap"));
	err = (struct sbx_err){0};
	assert_int_equal(
	    compile("cgroup = { parent = \"/sbx\"; optional = true; };\n", 1000, &plan, &err), 0);
	assert_int_equal(err.n, 0);
	assert_null(plan_first(plan, STEP_CGROUP_CREATE));
	assert_null(plan_first(plan, STEP_CGROUPNS_ENTER));
}

/* Until the Landlock compiler is in, every key that asks for a ruleset is an error at its own
 * line, never dropped (an empty array too: it would forbid), while the seccomp keys compile;
 * preset = "none", empty seccomp arrays and an empty landlock group compile. */
static void test_security_refused_for_now(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_err err = {0};
	static const char *const keys[] = {
	    "landlock.read",	 "landlock.write",	 "landlock.execute",
	    "landlock.bind_tcp", "landlock.connect_tcp", "landlock.required",
	};

	(void)state;
	assert_int_equal(compile("security = {\n"
				 "  seccomp = {\n"
				 "    preset = \"default\";\n"
				 "    default_action = \"allow\";\n"
				 "    deny_action = \"kill\";\n"
				 "    errno = \"EACCES\";\n"
				 "    allow = [ \"@io-uring\" ];\n"
				 "    deny = [ \"ptrace\" ];\n"
				 "    rules = ( { syscall = \"socket\"; } );\n"
				 "  };\n"
				 "  landlock = {\n"
				 "    read = [ \"/usr\" ];\n"
				 "    write = [ ];\n"
				 "    execute = [ \"/bin\" ];\n"
				 "    bind_tcp = [ 80 ];\n"
				 "    connect_tcp = [ ];\n"
				 "    required = false;\n"
				 "  };\n"
				 "};\n",
				 1000, &plan, &err),
			 -EOPNOTSUPP);
	assert_null(plan);
	assert_int_equal(err.n, ARRAY_SIZE(keys));
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		char want[64];

		snprintf(want, sizeof(want), "security.%s: not supported yet", keys[i]);
		assert_string_equal(err.diag[i].file, "t.cfg");
		assert_int_equal(err.diag[i].line, i + 12);
		assert_string_equal(err.diag[i].msg, want);
	}
	err = (struct sbx_err){0};
	assert_int_equal(compile("security = { seccomp = { preset = \"none\"; allow = [ ];\n"
				 "  deny = [ ]; rules = ( ); }; landlock = { }; };\n",
				 1000, &plan, &err),
			 0);
	assert_int_equal(err.n, 0);
}

static int compile_as(const char *text, const struct sbx_caller *c, struct sbx_err *err)
{
	_cleanup_(profile_freep) struct profile *p = NULL;
	_cleanup_(plan_freep) struct plan *plan = NULL;
	int r = profile_parse_string(text, "t.cfg", &p, err);

	if (r < 0)
		return r;
	return policy_compile(p, c, &plan, err);
}

/* A limit above the caller's hard limit: the kernel would say a bare EPERM at the run. The
 * compiler knows the caller's limits, and says which one, at its line, and who may raise it. */
static void test_rlimit_above_hard_limit(void **state)
{
	struct sbx_limits lim = {.nr_open = 1048576};
	struct sbx_caller c = caller(1000);
	struct sbx_err err = {0};
	const char *text = "rlimits = {\n nice = 10;\n msgqueue = \"1M\";\n"
			   " nofile = \"unlimited\";\n core = 0;\n nproc = 100;\n};\n";
	const char *no_userns = "namespaces = [ \"mount\", \"pid\", \"net\" ];\n"
				"rlimits = {\n nice = 10;\n msgqueue = \"1M\";\n"
				" nofile = \"unlimited\";\n};\n";

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(lim.hard); i++)
		lim.hard[i] = UINT64_MAX;
	lim.hard[RLIMIT_NICE] = 0;
	lim.hard[RLIMIT_MSGQUEUE] = 819200;
	lim.hard[RLIMIT_NOFILE] = 4096;
	lim.hard[RLIMIT_CORE] = 0;
	lim.hard[RLIMIT_NPROC] = 100; /* at the limit is fine */
	c.limits = &lim;
	assert_int_equal(compile_as(text, &c, &err), -EPERM);
	assert_int_equal(err.n, 3);
	assert_int_equal(err.diag[0].line, 3);
	assert_string_equal(err.diag[0].msg,
			    "rlimits.msgqueue: 1048576 is above the hard limit sbx runs with "
			    "(819200), and in a user namespace no one may raise it, root included: "
			    "raise it before starting sbx, or ask for less");
	assert_int_equal(err.diag[1].line, 2);
	assert_non_null(strstr(err.diag[1].msg, "rlimits.nice: 10 is above the hard limit sbx "
						"runs with (0)"));
	assert_int_equal(err.diag[2].line, 4);
	assert_non_null(strstr(err.diag[2].msg, "rlimits.nofile: unlimited is above"));

	/* Root, who may raise a hard limit, but not in the sandbox's user namespace. */
	c = caller(0);
	lim.raise_hard = true;
	c.limits = &lim;
	err = (struct sbx_err){0};
	assert_int_equal(compile_as(text, &c, &err), -EPERM);
	assert_int_equal(err.n, 3);
	assert_non_null(strstr(err.diag[0].msg, "or ask for less (or leave \"user\" out of "
						"namespaces)"));

	/* Without one it may, but not above fs.nr_open. */
	err = (struct sbx_err){0};
	assert_int_equal(compile_as(no_userns, &c, &err), -EPERM);
	assert_int_equal(err.n, 1);
	assert_int_equal(err.diag[0].line, 5);
	assert_string_equal(err.diag[0].msg, "rlimits.nofile: unlimited is above the kernel's "
					     "maximum, fs.nr_open (1048576), for root too");

	/* Root without CAP_SYS_RESOURCE (in a container) may not. */
	lim.raise_hard = false;
	err = (struct sbx_err){0};
	assert_int_equal(compile_as(no_userns, &c, &err), -EPERM);
	assert_int_equal(err.n, 3);
	assert_non_null(strstr(err.diag[0].msg, "takes CAP_SYS_RESOURCE, which sbx lacks"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_golden_default),
	    cmocka_unit_test(test_golden_shell),
	    cmocka_unit_test(test_golden_untrusted),
	    cmocka_unit_test(test_nonroot_needs_user_ns),
	    cmocka_unit_test(test_cross_section_errors_are_all_listed),
	    cmocka_unit_test(test_cross_section_returns_first_error),
	    cmocka_unit_test(test_host_network_drops_net_ns),
	    cmocka_unit_test(test_netns_made_beside_the_child),
	    cmocka_unit_test(test_sysfs_decided_in_plan),
	    cmocka_unit_test(test_netns_joined_before_sysfs),
	    cmocka_unit_test(test_netns_root_without_userns),
	    cmocka_unit_test(test_netns_made_by_child_when_caller_unmapped),
	    cmocka_unit_test(test_netns_root_unmapped_keeps_helper),
	    cmocka_unit_test(test_plan_order),
	    cmocka_unit_test(test_env_clear_keep_set),
	    cmocka_unit_test(test_env_not_cleared_keeps_caller),
	    cmocka_unit_test(test_rlimit_names_round_trip),
	    cmocka_unit_test(test_caps_and_ids),
	    cmocka_unit_test(test_unmapped_caller_enters_ids_first),
	    cmocka_unit_test(test_net_caps_on_host_network_warn),
	    cmocka_unit_test(test_proc_needs_pid_ns),
	    cmocka_unit_test(test_security_refused_for_now),
	    cmocka_unit_test(test_cgroup_compiled),
	    cmocka_unit_test(test_rlimit_above_hard_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
