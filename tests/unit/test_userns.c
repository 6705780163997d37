/* test_userns.c — clone flags, uid/gid map compilation (direct, self, ranges, subuid through
 * the helper), their errors with file:line, and the helper runner. */
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plan/plan.h"
#include "profile/profile.h"
#include "sys/userns.h"
#include "util/cleanup.h"

/* A temp dir with subuid/subgid files and fake newuidmap/newgidmap helpers. */
struct fixture {
	char dir[64];
	char subuid[96], subgid[96], empty[96];
	struct sbx_caller caller;
	struct profile *p;
	struct plan *plan;
	struct sbx_err err;
};

static void write_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char path[160];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	unit_path(fx->dir, sizeof(fx->dir), "userns-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	write_file(fx->dir, "subuid", "# comment\nother:1:2\nbad line\nsbxdev:100000:65536\n",
		   0644);
	write_file(fx->dir, "subgid", "1000:200000:1000\n", 0644);
	/* The fake helper records its argv, and fails when asked to map inside id 9. */
	write_file(fx->dir, "newuidmap",
		   "#!/bin/sh\necho \"$0 $*\" > \"${0%/*}/out\"\n[ \"$2\" != 9 ]\n", 0755);
	write_file(fx->dir, "newgidmap", "#!/bin/sh\nexit 0\n", 0755);
	snprintf(fx->subuid, sizeof(fx->subuid), "%s/subuid", fx->dir);
	snprintf(fx->subgid, sizeof(fx->subgid), "%s/subgid", fx->dir);
	snprintf(fx->empty, sizeof(fx->empty), "%s/empty", fx->dir);
	assert_int_equal(mkdir(fx->empty, 0755), 0);
	fx->caller = (struct sbx_caller){.uid = 1000, .gid = 1000, .user_name = "sbxdev"};
	fx->caller.subuid_file = fx->subuid;
	fx->caller.subgid_file = fx->subgid;
	fx->caller.helper_dir = fx->dir;
	fx->p = calloc(1, sizeof(*fx->p));
	assert_non_null(fx->p);
	fx->p->namespaces = NS_DEFAULT;
	fx->p->namespaces_loc = (struct sbx_loc){"web.cfg", 2};
	fx->plan = plan_new();
	assert_non_null(fx->plan);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	const char *names[] = {"subuid", "subgid", "newuidmap", "newgidmap", "out"};
	char path[160];

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "%s/%s", fx->dir, names[i]);
		unlink(path);
	}
	rmdir(fx->empty);
	rmdir(fx->dir);
	plan_free(fx->plan);
	free(fx->p);
	free(fx);
	return 0;
}

static int compile(struct fixture *fx)
{
	return userns_plan_add(fx->plan, fx->p, &fx->caller, &fx->err);
}

static const struct step *find(const struct fixture *fx, enum step_kind kind, unsigned nth)
{
	for (size_t i = 0; i < fx->plan->n_steps; i++)
		if (fx->plan->steps[i].kind == kind && nth-- == 0)
			return &fx->plan->steps[i];
	return NULL;
}

static void assert_error(const struct fixture *fx, unsigned line, const char *msg)
{
	assert_int_equal(fx->err.n, 1);
	assert_string_equal(fx->err.diag[0].file, "web.cfg");
	assert_int_equal(fx->err.diag[0].line, line);
	assert_string_equal(fx->err.diag[0].msg, msg);
}

static struct idmap_entry entry(uint32_t inside, enum idmap_outside kind, uint32_t outside,
				uint32_t count, unsigned line)
{
	return (struct idmap_entry){inside, kind, outside, count, {"web.cfg", line}};
}

static void test_clone_flags(void **state)
{
	struct fixture *fx = *state;
	const struct step *s;

	fx->p->namespaces = NS_DEFAULT | NS_BIT(NS_TIME);
	assert_int_equal(compile(fx), 0);
	s = &fx->plan->steps[0];
	assert_int_equal(s->kind, STEP_CLONE);
	assert_int_equal(s->loc.line, 2);
	/* Every namespace but the network's, which net.c makes beside the child. */
	assert_int_equal(s->clone.ns, (NS_DEFAULT | NS_BIT(NS_TIME)) & ~NS_BIT(NS_NET));
	assert_int_equal(s->clone.flags, CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS |
					     CLONE_NEWIPC | CLONE_NEWCGROUP | CLONE_NEWTIME);
}

/* Root without a subordinate range: never host root, but the one inside id to 65534. The
 * child switches to the inside ids before its mounts (the caller's 0 is not mapped). */
static void test_root_default_map_without_range(void **state)
{
	struct fixture *fx = *state;
	const struct step *ids;

	fx->caller.uid = fx->caller.gid = 0;
	fx->caller.user_name = "root"; /* the fixture's files have no range for root */
	assert_int_equal(compile(fx), 0);
	/* A single mapped gid: setgroups is denied even for root (SPEC.md). */
	assert_int_equal(fx->plan->n_steps, 5);
	assert_int_equal(fx->plan->steps[1].kind, STEP_IDMAP_WRITE);
	assert_string_equal(fx->plan->steps[1].idmap.file, "uid_map");
	assert_string_equal(fx->plan->steps[1].idmap.text, "0 65534 1\n");
	assert_int_equal(fx->plan->steps[1].loc.line, 2);
	assert_int_equal(fx->plan->steps[2].kind, STEP_SETGROUPS_DENY);
	assert_string_equal(fx->plan->steps[3].idmap.file, "gid_map");
	assert_string_equal(fx->plan->steps[3].idmap.text, "0 65534 1\n");
	ids = &fx->plan->steps[4];
	assert_int_equal(ids->kind, STEP_ENTER_IDS);
	assert_int_equal(ids->ids.uid, 0);
	assert_int_equal(ids->ids.gid, 0);

	/* The command's inside ids are what is mapped, as before. */
	plan_free(fx->plan);
	fx->plan = plan_new();
	fx->p->user.uid_set = fx->p->user.gid_set = true;
	fx->p->user.uid = fx->p->user.gid = 1000;
	assert_int_equal(compile(fx), 0);
	assert_string_equal(find(fx, STEP_IDMAP_WRITE, 0)->idmap.text, "1000 65534 1\n");
	assert_string_equal(find(fx, STEP_IDMAP_WRITE, 1)->idmap.text, "1000 65534 1\n");

	/* No subuid file at all is the same as no range in it. */
	plan_free(fx->plan);
	fx->plan = plan_new();
	fx->caller.subuid_file = fx->caller.subgid_file = "/nonexistent/subuid";
	assert_int_equal(compile(fx), 0);
	assert_string_equal(find(fx, STEP_IDMAP_WRITE, 0)->idmap.text, "1000 65534 1\n");
}

/* Root with ranges of its own: inside 0 up to them, written directly, setgroups allowed. */
static void test_root_default_map_with_range(void **state)
{
	struct fixture *fx = *state;
	char msg[256];

	write_file(fx->dir, "subuid", "sbxdev:100000:65536\nroot:300000:65536\n", 0644);
	write_file(fx->dir, "subgid", "0:400000:1000\n", 0644); /* by uid, as shadow allows */
	fx->caller.uid = fx->caller.gid = 0;
	fx->caller.user_name = "root";
	assert_int_equal(compile(fx), 0);
	assert_int_equal(fx->plan->n_steps, 4);
	assert_string_equal(find(fx, STEP_IDMAP_WRITE, 0)->idmap.file, "uid_map");
	assert_string_equal(find(fx, STEP_IDMAP_WRITE, 0)->idmap.text, "0 300000 65536\n");
	assert_string_equal(find(fx, STEP_IDMAP_WRITE, 1)->idmap.text, "0 400000 1000\n");
	assert_null(find(fx, STEP_IDMAP_HELPER, 0)); /* root needs no newuidmap */
	assert_null(find(fx, STEP_SETGROUPS_DENY, 0));
	assert_int_equal(find(fx, STEP_ENTER_IDS, 0)->ids.uid, 0);

	/* A command id past the range is an error at the namespaces line, saying why. */
	plan_free(fx->plan);
	fx->plan = plan_new();
	fx->p->user.gid_set = true;
	fx->p->user.gid = 1000;
	fx->p->user.gid_loc = (struct sbx_loc){"web.cfg", 4};
	assert_int_equal(compile(fx), -EINVAL);
	snprintf(msg, sizeof(msg),
		 "user.gid 1000 is outside the default gid_map, which maps inside ids 0-999 to "
		 "root's subgid range in %s; set user.gid below 1000 or give a map",
		 fx->subgid);
	assert_error(fx, 4, msg);
}

/* "self" (or 0) still gives host root, on request. */
static void test_root_self_map(void **state)
{
	struct fixture *fx = *state;
	struct idmap_entry u[] = {entry(0, IDMAP_OUTSIDE_SELF, 0, 1, 7)};
	struct idmap_entry g[] = {entry(0, IDMAP_OUTSIDE_ID, 0, 1, 8)};

	fx->caller.uid = fx->caller.gid = 0;
	fx->p->user.uid_map = u, fx->p->user.n_uid_map = 1;
	fx->p->user.gid_map = g, fx->p->user.n_gid_map = 1;
	assert_int_equal(compile(fx), 0);
	assert_string_equal(find(fx, STEP_IDMAP_WRITE, 0)->idmap.text, "0 0 1\n");
	assert_string_equal(find(fx, STEP_IDMAP_WRITE, 1)->idmap.text, "0 0 1\n");
	assert_null(find(fx, STEP_ENTER_IDS, 0)); /* the caller's ids are mapped */
}

static void test_user_default_map_denies_setgroups(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(compile(fx), 0);
	assert_int_equal(fx->plan->n_steps, 4);
	assert_int_equal(fx->plan->steps[1].kind, STEP_IDMAP_WRITE);
	assert_string_equal(fx->plan->steps[1].idmap.text, "1000 1000 1\n");
	assert_int_equal(fx->plan->steps[2].kind, STEP_SETGROUPS_DENY);
	assert_int_equal(fx->plan->steps[3].kind, STEP_IDMAP_WRITE);
	assert_string_equal(fx->plan->steps[3].idmap.file, "gid_map");
	assert_string_equal(fx->plan->steps[3].idmap.text, "1000 1000 1\n");
}

static void test_user_inside_ids(void **state)
{
	struct fixture *fx = *state;

	fx->p->user.uid_set = fx->p->user.gid_set = true;
	fx->p->user.uid = 0;
	fx->p->user.gid = 100;
	fx->p->user.uid_loc = (struct sbx_loc){"web.cfg", 5};
	assert_int_equal(compile(fx), 0);
	assert_string_equal(find(fx, STEP_IDMAP_WRITE, 0)->idmap.text, "0 1000 1\n");
	assert_int_equal(find(fx, STEP_IDMAP_WRITE, 0)->loc.line, 5);
	assert_string_equal(find(fx, STEP_IDMAP_WRITE, 1)->idmap.text, "100 1000 1\n");
}

static void test_self_and_own_number(void **state)
{
	struct fixture *fx = *state;
	struct idmap_entry u[] = {entry(0, IDMAP_OUTSIDE_SELF, 0, 1, 7)};
	struct idmap_entry g[] = {entry(0, IDMAP_OUTSIDE_ID, 1000, 1, 8)};

	fx->p->user.uid_set = fx->p->user.gid_set = true;
	fx->p->user.uid_map = u, fx->p->user.n_uid_map = 1;
	fx->p->user.gid_map = g, fx->p->user.n_gid_map = 1;
	assert_int_equal(compile(fx), 0);
	assert_string_equal(find(fx, STEP_IDMAP_WRITE, 0)->idmap.text, "0 1000 1\n");
	assert_int_equal(find(fx, STEP_IDMAP_WRITE, 0)->loc.line, 7);
	assert_string_equal(find(fx, STEP_IDMAP_WRITE, 1)->idmap.text, "0 1000 1\n");
	assert_int_equal(find(fx, STEP_SETGROUPS_DENY, 0)->loc.line, 8);
}

static void test_root_ranges(void **state)
{
	struct fixture *fx = *state;
	struct idmap_entry u[] = {entry(0, IDMAP_OUTSIDE_ID, 100000, 65536, 7),
				  entry(65536, IDMAP_OUTSIDE_SELF, 0, 1, 8)};

	fx->caller.uid = fx->caller.gid = 0;
	fx->p->user.uid_map = u, fx->p->user.n_uid_map = 2;
	assert_int_equal(compile(fx), 0);
	assert_string_equal(find(fx, STEP_IDMAP_WRITE, 0)->idmap.text,
			    "0 100000 65536\n65536 0 1\n");
	assert_non_null(find(fx, STEP_SETGROUPS_DENY, 0)); /* the gid map is still one id */
	/* A gid range makes setgroups safe. */
	plan_free(fx->plan);
	fx->plan = plan_new();
	fx->p->user.gid_map = u, fx->p->user.n_gid_map = 2;
	assert_int_equal(compile(fx), 0);
	assert_null(find(fx, STEP_SETGROUPS_DENY, 0));
}

static void test_user_number_needs_root(void **state)
{
	struct fixture *fx = *state;
	struct idmap_entry u[] = {entry(0, IDMAP_OUTSIDE_ID, 5000, 1, 12)};

	fx->p->user.uid_set = true;
	fx->p->user.uid_map = u, fx->p->user.n_uid_map = 1;
	assert_int_equal(compile(fx), -EPERM);
	assert_error(fx, 12,
		     "uid_map: mapping outside id 5000 needs root; use outside = \"subuid\" "
		     "for a range");
}

static void test_user_self_range_needs_root(void **state)
{
	struct fixture *fx = *state;
	struct idmap_entry g[] = {entry(0, IDMAP_OUTSIDE_SELF, 0, 10, 9)};

	fx->p->user.gid_set = true;
	fx->p->user.gid_map = g, fx->p->user.n_gid_map = 1;
	assert_int_equal(compile(fx), -EPERM);
	assert_error(fx, 9,
		     "gid_map: mapping outside ids 1000-1009 needs root; use outside = "
		     "\"subgid\" for a range");
}

static void test_subuid_goes_through_helper(void **state)
{
	struct fixture *fx = *state;
	struct idmap_entry u[] = {entry(0, IDMAP_OUTSIDE_SELF, 0, 1, 7),
				  entry(1, IDMAP_OUTSIDE_SUB, 0, 1000, 8),
				  entry(2000, IDMAP_OUTSIDE_SUB, 0, 500, 9)};
	const char *want[] = {"0", "1000", "1", "1", "100000", "1000", "2000", "101000", "500"};
	const struct step *s;
	char prog[128];

	fx->p->user.uid_set = true;
	fx->p->user.uid_map = u, fx->p->user.n_uid_map = 3;
	assert_int_equal(compile(fx), 0);
	s = find(fx, STEP_IDMAP_HELPER, 0);
	assert_non_null(s);
	snprintf(prog, sizeof(prog), "%s/newuidmap", fx->dir);
	assert_string_equal(s->helper.prog, prog);
	assert_int_equal(s->loc.line, 7);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_string_equal(s->helper.args[i], want[i]);
	assert_null(s->helper.args[ARRAY_SIZE(want)]);
	/* The gid map is still the default one, written directly: setgroups is denied. */
	assert_non_null(find(fx, STEP_SETGROUPS_DENY, 0));
	assert_string_equal(find(fx, STEP_IDMAP_WRITE, 0)->idmap.file, "gid_map");
}

static void test_subgid_by_uid_keeps_setgroups(void **state)
{
	struct fixture *fx = *state;
	struct idmap_entry g[] = {entry(0, IDMAP_OUTSIDE_SUB, 0, 1000, 4)};
	const struct step *s;

	fx->p->user.gid_set = true;
	fx->p->user.gid_map = g, fx->p->user.n_gid_map = 1;
	fx->caller.user_name = NULL; /* the subgid file names the uid, as shadow does */
	fx->caller.gid = 3000;
	assert_int_equal(compile(fx), 0);
	s = find(fx, STEP_IDMAP_HELPER, 0);
	assert_non_null(s);
	assert_non_null(strstr(s->helper.prog, "/newgidmap"));
	assert_string_equal(s->helper.args[1], "200000");
	assert_null(find(fx, STEP_SETGROUPS_DENY, 0));
}

static void test_subuid_range_too_small(void **state)
{
	struct fixture *fx = *state;
	struct idmap_entry u[] = {entry(0, IDMAP_OUTSIDE_SUB, 0, 70000, 11)};

	fx->p->user.uid_set = true;
	fx->p->user.uid_map = u, fx->p->user.n_uid_map = 1;
	assert_int_equal(compile(fx), -ERANGE);
	assert_int_equal(fx->err.diag[0].line, 11);
	assert_non_null(strstr(fx->err.diag[0].msg, "count 70000 does not fit the subuid range"));
}

static void test_subuid_missing_user(void **state)
{
	struct fixture *fx = *state;
	struct idmap_entry u[] = {entry(0, IDMAP_OUTSIDE_SUB, 0, 10, 6)};

	fx->p->user.uid_set = true;
	fx->p->user.uid_map = u, fx->p->user.n_uid_map = 1;
	fx->caller.user_name = "nobody2";
	fx->caller.uid = 4242;
	assert_int_equal(compile(fx), -ENOENT);
	assert_int_equal(fx->err.diag[0].line, 6);
	assert_non_null(strstr(fx->err.diag[0].msg, "uid_map: no subuid range for nobody2"));
}

static void test_helper_not_found(void **state)
{
	struct fixture *fx = *state;
	struct idmap_entry u[] = {entry(0, IDMAP_OUTSIDE_SELF, 0, 1, 6),
				  entry(1, IDMAP_OUTSIDE_SUB, 0, 10, 7)};

	fx->p->user.uid_set = true;
	fx->p->user.uid_map = u, fx->p->user.n_uid_map = 2;
	fx->caller.helper_dir = fx->empty;
	assert_int_equal(compile(fx), -ENOENT);
	assert_error(fx, 7, "newuidmap not found: install the uidmap package");
}

static void test_inside_id_must_be_mapped(void **state)
{
	struct fixture *fx = *state;
	struct idmap_entry u[] = {entry(0, IDMAP_OUTSIDE_SELF, 0, 1, 6)};

	fx->p->user.uid_set = true;
	fx->p->user.uid = 5;
	fx->p->user.uid_loc = (struct sbx_loc){"web.cfg", 3};
	fx->p->user.uid_map = u, fx->p->user.n_uid_map = 1;
	assert_int_equal(compile(fx), -EINVAL);
	assert_error(fx, 3, "user.uid 5: not mapped in uid_map");
}

static void test_default_inside_id_must_be_mapped(void **state)
{
	struct fixture *fx = *state;
	struct idmap_entry g[] = {entry(0, IDMAP_OUTSIDE_SELF, 0, 1, 6)};

	fx->p->user.gid_map = g, fx->p->user.n_gid_map = 1;
	assert_int_equal(compile(fx), -EINVAL);
	assert_error(fx, 6,
		     "user.gid defaults to the caller's id 1000, which gid_map does not map; set "
		     "user.gid");
}

static void test_overlap_and_count(void **state)
{
	struct fixture *fx = *state;
	struct idmap_entry u[] = {
	    entry(0, IDMAP_OUTSIDE_ID, 100, 10, 6), entry(5, IDMAP_OUTSIDE_ID, 500, 10, 7),
	    entry(50, IDMAP_OUTSIDE_ID, 105, 1, 8), entry(60, IDMAP_OUTSIDE_ID, 900, 0, 9)};

	fx->caller.uid = fx->caller.gid = 0;
	fx->p->user.uid_map = u, fx->p->user.n_uid_map = 4;
	assert_int_equal(compile(fx), -EINVAL);
	assert_int_equal(fx->err.n, 3); /* every bad entry, each at its line */
	assert_int_equal(fx->err.diag[0].line, 7);
	assert_string_equal(fx->err.diag[0].msg,
			    "uid_map: inside ids 5-14 overlap an earlier entry");
	assert_int_equal(fx->err.diag[1].line, 8);
	assert_string_equal(fx->err.diag[1].msg,
			    "uid_map: outside ids 105-105 overlap an earlier entry");
	assert_int_equal(fx->err.diag[2].line, 9);
	assert_string_equal(fx->err.diag[2].msg, "uid_map: count must be at least 1");
}

static void test_no_userns(void **state)
{
	struct fixture *fx = *state;
	struct idmap_entry u[] = {entry(0, IDMAP_OUTSIDE_SELF, 0, 1, 6)};

	fx->caller.uid = fx->caller.gid = 0;
	fx->p->namespaces = NS_BIT(NS_MOUNT) | NS_BIT(NS_PID);
	assert_int_equal(compile(fx), 0);
	assert_int_equal(fx->plan->n_steps, 1);
	assert_int_equal(fx->plan->steps[0].clone.flags, CLONE_NEWNS | CLONE_NEWPID);

	fx->p->user.uid_map = u, fx->p->user.n_uid_map = 1;
	assert_int_equal(compile(fx), -EINVAL);
	assert_error(fx, 6, "uid_map needs the \"user\" namespace");
}

static void test_helper_runner(void **state)
{
	struct fixture *fx = *state;
	const char *args[] = {"0", "1000", "1", "1", "100000", "65536", NULL};
	char prog[128], out[160], line[256] = "";
	struct step s = {.kind = STEP_IDMAP_HELPER, .loc = {"web.cfg", 7}};
	struct run_ctx ctx = {.child = 4321, .err = &fx->err};
	FILE *f;

	snprintf(prog, sizeof(prog), "%s/newuidmap", fx->dir);
	s.helper.prog = prog;
	s.helper.args = args;
	assert_int_equal(userns_run_helper(&s, &ctx), 0);
	snprintf(out, sizeof(out), "%s/out", fx->dir);
	f = fopen(out, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	assert_non_null(strstr(line, "/newuidmap 4321 0 1000 1 1 100000 65536\n"));

	args[0] = "9"; /* the fake helper fails on this one */
	assert_int_equal(userns_run_helper(&s, &ctx), -EPERM);
	assert_int_equal(fx->err.diag[0].line, 7);
	assert_non_null(strstr(fx->err.diag[0].msg, "failed with exit status 1"));
	assert_non_null(strstr(fx->err.diag[0].msg, "newuidmap"));
}

static void test_idmap_runner_reports_step(void **state)
{
	struct fixture *fx = *state;
	struct step s = {.kind = STEP_IDMAP_WRITE, .loc = {"web.cfg", 7}};
	struct run_ctx ctx = {.child = 0x7ffffff0, .err = &fx->err}; /* no such pid */

	s.idmap.file = "uid_map";
	s.idmap.text = "0 1000 1\n";
	assert_int_equal(userns_run_idmap(&s, &ctx), -ENOENT);
	assert_int_equal(fx->err.diag[0].line, 7);
	assert_non_null(strstr(fx->err.diag[0].msg, "uid_map"));
	assert_non_null(strstr(fx->err.diag[0].msg, ": No such file or directory"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_clone_flags),
	    T(test_root_default_map_without_range),
	    T(test_root_default_map_with_range),
	    T(test_root_self_map),
	    T(test_user_default_map_denies_setgroups),
	    T(test_user_inside_ids),
	    T(test_self_and_own_number),
	    T(test_root_ranges),
	    T(test_user_number_needs_root),
	    T(test_user_self_range_needs_root),
	    T(test_subuid_goes_through_helper),
	    T(test_subgid_by_uid_keeps_setgroups),
	    T(test_subuid_range_too_small),
	    T(test_subuid_missing_user),
	    T(test_helper_not_found),
	    T(test_inside_id_must_be_mapped),
	    T(test_default_inside_id_must_be_mapped),
	    T(test_overlap_and_count),
	    T(test_no_userns),
	    T(test_helper_runner),
	    T(test_idmap_runner_reports_step),
	};

	return cmocka_run_group_tests(tests, unit_tmp_setup, unit_tmp_teardown);
}
