/* test_cgroup.c — the cgroup compiler against fake hierarchies (directories under the test's
 * scratch space standing in for cgroupfs, v1 and v2): the files and values each limit becomes,
 * the order v1 needs, the checks that need the machine, `optional`, and the runners. */
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caller.h"
#include "util/cleanup.h"
#include "plan/plan.h"
#include "profile/profile.h"
#include "sys/cgroup/cgroup.h"
#include "sys/cgroup/layout.h"

static void put(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void mkdirs(const char *path)
{
	char buf[PATH_MAX + 16];

	snprintf(buf, sizeof(buf), "mkdir -p '%s'", path);
	assert_int_equal(system(buf), 0);
}

/* A fake host: v1 memory, pids, cpu,cpuacct, cpuset and blkio under @root/v1, or cgroup2 under
 * @root/v2, each with the parent cgroup /p. */
struct host {
	char root[256];
	struct cgroup_layout lay;
};

static void make_v1(struct host *h, const char *name, bool memsw, bool blkio_weight)
{
	static const char *const hiers[] = {"memory", "pids", "cpu,cpuacct", "cpuset", "blkio"};
	char mountinfo[4096] = "", dir[PATH_MAX];
	size_t len = 0;
	struct sbx_err err = {0};

	unit_path(h->root, sizeof(h->root), name);
	for (size_t i = 0; i < ARRAY_SIZE(hiers); i++) {
		snprintf(dir, sizeof(dir), "%s/%s/p", h->root, hiers[i]);
		mkdirs(dir);
		len += (size_t)snprintf(mountinfo + len, sizeof(mountinfo) - len,
					"%zu 1 0:%zu / %s/%s rw - cgroup cgroup rw,%s\n", 30 + i,
					40 + i, h->root, hiers[i], hiers[i]);
	}
	snprintf(dir, sizeof(dir), "%s/memory/p", h->root);
	if (memsw)
		put(dir, "memory.memsw.limit_in_bytes", "9223372036854771712\n");
	snprintf(dir, sizeof(dir), "%s/cpuset/p", h->root);
	put(dir, "cpuset.mems", "0\n");
	snprintf(dir, sizeof(dir), "%s/blkio/p", h->root);
	if (blkio_weight)
		put(dir, "blkio.weight", "500\n");
	assert_int_equal(cgroup_layout_parse("5:blkio:/\n4:cpuset:/\n3:cpu,cpuacct:/\n2:pids:/\n"
					     "1:memory:/\n0::/\n",
					     mountinfo, NULL, &h->lay, &err),
			 0);
}

static void make_v2(struct host *h, const char *name, const char *own)
{
	char mountinfo[1024], dir[PATH_MAX], cgroup[256];
	struct sbx_err err = {0};

	unit_path(h->root, sizeof(h->root), name);
	snprintf(dir, sizeof(dir), "%s/p", h->root);
	mkdirs(dir);
	put(h->root, "cgroup.controllers", "cpuset cpu io memory pids\n");
	put(dir, "cgroup.controllers", "cpuset cpu io memory pids\n");
	put(dir, "cgroup.subtree_control", "pids\n");
	snprintf(mountinfo, sizeof(mountinfo), "30 1 0:26 / %s rw - cgroup2 cgroup2 rw\n", h->root);
	snprintf(cgroup, sizeof(cgroup), "0::%s\n", own);
	assert_int_equal(
	    cgroup_layout_parse(cgroup, mountinfo, "cpuset cpu io memory pids", &h->lay, &err), 0);
}

struct run {
	struct profile *p;
	struct plan *plan;
	struct sbx_err err;
	struct sbx_caller c;
	int r;
};

static void compile(struct run *x, struct host *h)
{
	x->c = unit_caller(0, NULL, NULL);
	x->c.cgroups = &h->lay;
	x->c.cpus_online = "0-3";
	x->c.pid = 4242;
	x->plan = plan_new();
	assert_non_null(x->plan);
	x->r = cgroup_plan_add(x->plan, x->p, &x->c, &x->err);
	if (x->r == 0)
		x->r = cgroup_plan_add_end(x->plan, x->p, &x->c, &x->err);
}

static void done(struct run *x, struct host *h)
{
	/* The test's own strings, not the profile's. */
	x->p->cgroup.cpuset = NULL;
	x->p->cgroup.parent = NULL;
	x->p->cgroup.io_limits = NULL;
	x->p->cgroup.n_io_limits = 0;
	profile_free(x->p);
	plan_free(x->plan);
	cgroup_layout_free(&h->lay);
}

/* The plan's steps, one description per line, with the fake host's root cut to "R". */
static void expect_steps(const struct plan *plan, const char *root, const char *const *want,
			 size_t n)
{
	for (size_t i = 0; i < plan->n_steps && i < n; i++) {
		char line[1024], out[1024] = "";
		const char *s = line;
		size_t len = strlen(root), o = 0;

		plan_describe(&plan->steps[i], line, sizeof(line));
		while (*s && o < sizeof(out) - 1) {
			if (strncmp(s, root, len) == 0) {
				out[o++] = 'R';
				s += len;
			} else {
				out[o++] = *s++;
			}
		}
		out[o] = '\0';
		assert_string_equal(out, want[i]);
	}
	assert_int_equal(plan->n_steps, n);
}

static void test_no_limit_no_cgroup(void **state)
{
	struct host h;
	struct run x = {.p = profile_new()};

	(void)state;
	make_v1(&h, "none", true, false);
	x.p->cgroup.parent = "/p";
	compile(&x, &h);
	assert_int_equal(x.r, 0);
	assert_int_equal(x.plan->n_steps, 0);
	assert_null(x.plan->cgroup_dirs);
	done(&x, &h);
}

static void test_v1_files(void **state)
{
	static const char *const want[] = {
	    "cgroup-create hierarchy=memory version=1 dir=R/memory/p/sbx-4242",
	    "cgroup-set hierarchy=memory version=1 file=R/memory/p/sbx-4242/memory.limit_in_bytes "
	    "value=67108864",
	    "cgroup-set hierarchy=memory version=1 "
	    "file=R/memory/p/sbx-4242/memory.memsw.limit_in_bytes value=67108864",
	    "cgroup-create hierarchy=pids version=1 dir=R/pids/p/sbx-4242",
	    "cgroup-set hierarchy=pids version=1 file=R/pids/p/sbx-4242/pids.max value=32",
	    "cgroup-create hierarchy=\"cpu,cpuacct\" version=1 dir=\"R/cpu,cpuacct/p/sbx-4242\"",
	    "cgroup-set hierarchy=\"cpu,cpuacct\" version=1 "
	    "file=\"R/cpu,cpuacct/p/sbx-4242/cpu.cfs_period_us\" value=100000",
	    "cgroup-set hierarchy=\"cpu,cpuacct\" version=1 "
	    "file=\"R/cpu,cpuacct/p/sbx-4242/cpu.cfs_quota_us\" value=150000",
	    "cgroup-set hierarchy=\"cpu,cpuacct\" version=1 "
	    "file=\"R/cpu,cpuacct/p/sbx-4242/cpu.shares\" value=512",
	    "cgroup-create hierarchy=cpuset version=1 dir=R/cpuset/p/sbx-4242",
	    "cgroup-set hierarchy=cpuset version=1 file=R/cpuset/p/sbx-4242/cpuset.cpus value=1-2",
	    "cgroup-set hierarchy=cpuset version=1 file=R/cpuset/p/sbx-4242/cpuset.mems value=0",
	    "cgroup-attach hierarchy=memory version=1 dir=R/memory/p/sbx-4242",
	    "cgroup-attach hierarchy=pids version=1 dir=R/pids/p/sbx-4242",
	    "cgroup-attach hierarchy=\"cpu,cpuacct\" version=1 dir=\"R/cpu,cpuacct/p/sbx-4242\"",
	    "cgroup-attach hierarchy=cpuset version=1 dir=R/cpuset/p/sbx-4242 then=tell-child",
	    "cgroup-wait for=cgroup-attach",
	    "cgroup-end read=R/memory/p/sbx-4242/memory.oom_control,"
	    "R/memory/p/sbx-4242/memory.max_usage_in_bytes,R/pids/p/sbx-4242/pids.events,"
	    "\"R/cpu,cpuacct/p/sbx-4242/cpu.stat\" when=stats-or-sigkill then=\"kill-all,remove\"",
	};
	struct host h;
	struct run x = {.p = profile_new()};

	(void)state;
	make_v1(&h, "v1", true, false);
	x.p->namespaces &= ~NS_BIT(NS_CGROUP);
	x.p->cgroup.memory = 64 << 20;
	x.p->cgroup.memory_swap_set = true; /* 0: no swap, so memsw = memory */
	x.p->cgroup.pids = 32;
	x.p->cgroup.cpus_milli = 1500;
	x.p->cgroup.cpu_weight = 50;
	x.p->cgroup.cpuset = "1-2";
	x.p->cgroup.parent = "/p";
	compile(&x, &h);
	assert_int_equal(x.r, 0);
	expect_steps(x.plan, h.root, want, ARRAY_SIZE(want));
	assert_int_equal(x.plan->n_cgroup_dirs, 4);
	assert_string_equal(x.plan->cgroup_dirs[2].name, "cpu,cpuacct");
	assert_null(x.plan->clone_cgroup);
	done(&x, &h);
}

static void test_v2_files(void **state)
{
	static const char *const want[] = {
	    "cgroup-set hierarchy=cgroup2 version=2 file=R/p/cgroup.subtree_control "
	    "value=\"+memory +cpu +io\"",
	    "cgroup-create hierarchy=cgroup2 version=2 dir=R/p/sbx-4242",
	    "cgroup-set hierarchy=cgroup2 version=2 file=R/p/sbx-4242/memory.max value=67108864",
	    "cgroup-set hierarchy=cgroup2 version=2 file=R/p/sbx-4242/memory.swap.max "
	    "value=33554432",
	    "cgroup-set hierarchy=cgroup2 version=2 file=R/p/sbx-4242/pids.max value=32",
	    "cgroup-set hierarchy=cgroup2 version=2 file=R/p/sbx-4242/cpu.max "
	    "value=\"50000 100000\"",
	    "cgroup-set hierarchy=cgroup2 version=2 file=R/p/sbx-4242/cpu.weight value=200",
	    "cgroup-set hierarchy=cgroup2 version=2 file=R/p/sbx-4242/io.weight "
	    "value=\"default 300\"",
	    "cgroupns-enter ns=cgroup",
	    "cgroup-end read=R/p/sbx-4242/memory.events,R/p/sbx-4242/memory.peak,"
	    "R/p/sbx-4242/pids.events,R/p/sbx-4242/cpu.stat when=stats-or-sigkill "
	    "then=\"kill-all,remove\"",
	};
	struct host h;
	struct run x = {.p = profile_new()};

	(void)state;
	make_v2(&h, "v2", "/");
	x.p->cgroup.memory = 64 << 20;
	x.p->cgroup.memory_swap_set = true;
	x.p->cgroup.memory_swap = 96 << 20;
	x.p->cgroup.pids = 32;
	x.p->cgroup.cpus_milli = 500;
	x.p->cgroup.cpu_weight = 200;
	x.p->cgroup.io_weight = 300;
	x.p->cgroup.parent = "/p";
	compile(&x, &h);
	assert_int_equal(x.r, 0);
	expect_steps(x.plan, h.root, want, ARRAY_SIZE(want));
	assert_non_null(x.plan->clone_cgroup);
	assert_int_equal(x.plan->n_cgroup_dirs, 1);
	assert_null(x.plan->cgroup_dirs[0].name);
	done(&x, &h);
}

/* v2 with sbx's own cgroup as the parent: sbx moves to a leaf before handing controllers down
 * (no processes in an inner cgroup). */
static void test_v2_own_cgroup_leaf(void **state)
{
	struct host h;
	struct run x = {.p = profile_new()};

	(void)state;
	make_v2(&h, "v2own", "/p");
	x.p->cgroup.memory = 1 << 30;
	compile(&x, &h);
	assert_int_equal(x.r, 0);
	assert_int_equal(x.plan->steps[0].kind, STEP_CGROUP_CREATE);
	assert_true(x.plan->steps[0].cgroup.enter_self);
	assert_non_null(strstr(x.plan->steps[0].cgroup.dir, "/p/sbx-4242-launcher"));
	/* Its undo takes back what was handed down, then sbx goes back to /p. */
	assert_string_equal(x.plan->steps[0].cgroup.value, "-memory");
	assert_non_null(strstr(x.plan->steps[0].cgroup.file, "/v2own/p"));
	assert_int_equal(x.plan->steps[1].kind, STEP_CGROUP_SET);
	assert_string_equal(x.plan->steps[1].cgroup.value, "+memory");
	assert_false(x.plan->steps[2].cgroup.enter_self);
	done(&x, &h);
}

/* Errors at the key's line, each for its own reason. */
static void test_errors(void **state)
{
	static const struct sbx_loc line7 = {"t.cfg", 7};
	struct host h;

	(void)state;
	make_v1(&h, "errors", false, false);
	for (int k = 0; k < 7; k++) {
		struct run x = {.p = profile_new()};
		const char *want = NULL;

		x.p->cgroup.parent = "/p";
		x.p->cgroup.memory_swap_loc = x.p->cgroup.cpus_loc = x.p->cgroup.cpuset_loc = line7;
		x.p->cgroup.io_weight_loc = x.p->cgroup.parent_loc = line7;
		switch (k) {
		case 0:
			x.p->cgroup.memory = 64 << 20;
			x.p->cgroup.memory_swap_set = true;
			x.p->cgroup.memory_swap = 32 << 20;
			want = "is below cgroup.memory";
			break;
		case 1:
			x.p->cgroup.memory_swap_set = true;
			want = "needs cgroup.memory";
			break;
		case 2:
			x.p->cgroup.cpus_milli = 4500;
			want = "more than the 4 CPUs online";
			break;
		case 3:
			x.p->cgroup.cpuset = "2-5";
			want = "not online (online: 0-3)";
			break;
		case 4:
			x.p->cgroup.pids = 5;
			x.p->cgroup.parent = "/missing";
			want = "does not exist";
			break;
		case 5: /* no memsw file: no swap accounting */
			x.p->cgroup.memory = 64 << 20;
			x.p->cgroup.memory_swap_set = true;
			want = "does not account swap";
			break;
		case 6:
			x.p->cgroup.io_weight = 100;
			want = "only with the BFQ I/O scheduler";
			break;
		}
		compile(&x, &h);
		assert_true(x.r < 0);
		assert_int_equal(x.err.n, 1);
		if (!strstr(x.err.diag[0].msg, want))
			fail_msg("case %d: \"%s\" lacks \"%s\"", k, x.err.diag[0].msg, want);
		assert_int_equal(x.err.diag[0].line, 7);
		x.p->cgroup.cpuset = NULL;
		x.p->cgroup.parent = NULL;
		profile_free(x.p);
		plan_free(x.plan);
	}
	cgroup_layout_free(&h.lay);
}

/* optional: a limit the host can't apply leaves the whole cgroup out, with one warning and a
 * note in the plan, and nothing of it in the steps. */
static void test_optional(void **state)
{
	struct host h;
	struct run x = {.p = profile_new()};

	(void)state;
	make_v1(&h, "optional", false, false);
	x.p->cgroup.memory = 64 << 20;
	x.p->cgroup.pids = 10;
	x.p->cgroup.io_weight = 100; /* no blkio.weight here */
	x.p->cgroup.optional = true;
	x.p->cgroup.parent = "/p";
	compile(&x, &h);
	assert_int_equal(x.r, 0);
	assert_int_equal(x.err.n, 0);
	assert_int_equal(x.err.n_warn, 1);
	assert_non_null(strstr(x.err.warn[0].msg, "running without cgroup limits"));
	assert_int_equal(x.plan->n_steps, 0);
	assert_int_equal(x.plan->n_cgroup_dirs, 0);
	assert_int_equal(x.plan->n_notes, 1);
	assert_non_null(strstr(x.plan->notes[0], "BFQ"));
	for (int p = 0; p < _PHASE_MAX; p++)
		assert_int_equal(x.plan->phase_end[p], 0);
	done(&x, &h);
}

/* plan_drop_kinds keeps the other steps and the buckets' ends right. */
static void test_drop_kinds(void **state)
{
	struct plan *plan = plan_new();

	(void)state;
	assert_non_null(plan_add(plan, STEP_CGROUP_CREATE, NULL));
	assert_non_null(plan_add(plan, STEP_CLONE, NULL));
	assert_non_null(plan_add(plan, STEP_CGROUP_ATTACH, NULL));
	assert_non_null(plan_add(plan, STEP_HOSTNAME, NULL));
	assert_non_null(plan_add(plan, STEP_EXEC, NULL));
	assert_non_null(plan_add(plan, STEP_CGROUP_END, NULL));
	plan_drop_kinds(
	    plan, (const enum step_kind[]){STEP_CGROUP_CREATE, STEP_CGROUP_ATTACH, STEP_CGROUP_END},
	    3);
	assert_int_equal(plan->n_steps, 3);
	assert_int_equal(plan->steps[0].kind, STEP_CLONE);
	assert_int_equal(plan->steps[1].kind, STEP_HOSTNAME);
	assert_int_equal(plan->steps[2].kind, STEP_EXEC);
	assert_int_equal(plan->phase_end[PHASE_PREPARE], 0);
	assert_int_equal(plan->phase_end[PHASE_PARENT], 1);
	assert_int_equal(plan->phase_end[PHASE_SETUP], 2);
	assert_int_equal(plan->phase_end[PHASE_COMMAND], 3);
	assert_int_equal(plan->phase_end[PHASE_SUPERVISE], 3);
	plan_free(plan);
}

/* The create runner removes empty directories of sbx processes that are gone, and nothing
 * else; its undo removes the new directory. */
static void test_create_sweeps_stale(void **state)
{
	char parent[256], path[PATH_MAX];
	struct run_ctx ctx = {0};
	struct step s = {.kind = STEP_CGROUP_CREATE};
	pid_t dead = fork();

	(void)state;
	if (dead == 0)
		_exit(0);
	assert_true(dead > 0);
	assert_int_equal(waitpid(dead, NULL, 0), dead);
	unit_path(parent, sizeof(parent), "sweep");
	mkdirs(parent);
	snprintf(path, sizeof(path), "%s/sbx-%d", parent, (int)dead);
	mkdirs(path); /* stale: its sbx is gone */
	snprintf(path, sizeof(path), "%s/sbx-%d-launcher", parent, (int)dead);
	mkdirs(path); /* stale too */
	snprintf(path, sizeof(path), "%s/sbx-1", parent);
	mkdirs(path); /* pid 1 lives */
	snprintf(path, sizeof(path), "%s/other-%d", parent, (int)dead);
	mkdirs(path); /* not sbx's */
	snprintf(path, sizeof(path), "%s/sbx-new", parent);
	s.cgroup.version = 1;
	s.cgroup.dir = path;
	assert_int_equal(cgroup_run_create(&s, &ctx), 0);
	assert_int_equal(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/sbx-%d", parent, (int)dead);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s/sbx-%d-launcher", parent, (int)dead);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s/sbx-1", parent);
	assert_int_equal(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/other-%d", parent, (int)dead);
	assert_int_equal(access(path, F_OK), 0);
	/* The undo empties (no cgroup.procs here: nothing to kill) and removes it. */
	assert_int_equal(ctx.n_undo, 1);
	ctx.undo[0].fn(ctx.undo[0].s, &ctx);
	assert_int_equal(access(s.cgroup.dir, F_OK), -1);
}

static void test_set_and_attach(void **state)
{
	char dir[256], file[PATH_MAX], got[64] = "";
	struct run_ctx ctx = {.child = 777};
	struct step s = {.kind = STEP_CGROUP_SET};
	FILE *f;

	(void)state;
	unit_path(dir, sizeof(dir), "set");
	mkdirs(dir);
	put(dir, "pids.max", ""); /* cgroupfs replaces a value; a plain file is written over */
	put(dir, "cgroup.procs", "");
	snprintf(file, sizeof(file), "%s/pids.max", dir);
	s.cgroup.dir = dir;
	s.cgroup.file = file;
	s.cgroup.value = "32";
	assert_int_equal(cgroup_run_set(&s, &ctx), 0);
	f = fopen(file, "r");
	assert_non_null(f);
	assert_non_null(fgets(got, sizeof(got), f));
	fclose(f);
	assert_string_equal(got, "32");
	/* A file the kernel doesn't have is an error, never created. */
	snprintf(file, sizeof(file), "%s/memory.max", dir);
	assert_int_equal(cgroup_run_set(&s, &ctx), -ENOENT);
	assert_int_equal(access(file, F_OK), -1);
	s.kind = STEP_CGROUP_ATTACH;
	assert_int_equal(cgroup_run_attach(&s, &ctx), 0);
	snprintf(file, sizeof(file), "%s/cgroup.procs", dir);
	f = fopen(file, "r");
	assert_non_null(f);
	assert_non_null(fgets(got, sizeof(got), f));
	fclose(f);
	assert_string_equal(got, "777");
}

/* The last attach tells the child, whose wait returns; EOF (the parent failed or died) is an
 * error, so the child never goes on outside its cgroup. */
static void test_attach_releases_wait(void **state)
{
	char dir[256];
	int fds[2];
	struct run_ctx parent = {.child = 778, .side = SIDE_PARENT, .ch = RUN_CHANNELS_NONE};
	struct run_ctx child = {.side = SIDE_CHILD, .ch = RUN_CHANNELS_NONE};
	struct step s = {.kind = STEP_CGROUP_ATTACH};

	(void)state;
	unit_path(dir, sizeof(dir), "release");
	mkdirs(dir);
	put(dir, "cgroup.procs", "");
	assert_int_equal(pipe(fds), 0);
	child.ch[CH_CGROUP][SIDE_CHILD] = fds[0];
	parent.ch[CH_CGROUP][SIDE_PARENT] = fds[1];
	s.cgroup.dir = dir;
	s.cgroup.release = true;
	assert_int_equal(cgroup_run_attach(&s, &parent), 0);
	close(fds[1]);
	assert_int_equal(cgroup_run_wait(&s, &child), 0);
	assert_int_equal(child.ch[CH_CGROUP][SIDE_CHILD], -1); /* closed */

	assert_int_equal(pipe(fds), 0);
	child.ch[CH_CGROUP][SIDE_CHILD] = fds[0];
	close(fds[1]); /* the parent gave up without a word */
	assert_int_equal(cgroup_run_wait(&s, &child), -ECANCELED);
}

static void test_end_reads_counters(void **state)
{
	char dir[256], oom[PATH_MAX], peak[PATH_MAX], pids[PATH_MAX], cpu[PATH_MAX];
	struct run_ctx ctx = {.verbose = -1, .stats = true};
	struct step s = {.kind = STEP_CGROUP_END};

	(void)state;
	unit_path(dir, sizeof(dir), "end");
	mkdirs(dir);
	put(dir, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
	put(dir, "memory.max_usage_in_bytes", "1048576\n");
	put(dir, "pids.events", "max 5\n");
	put(dir, "cpu.stat", "nr_periods 10\nnr_throttled 3\nthrottled_time 7000000\n");
	snprintf(oom, sizeof(oom), "%s/memory.oom_control", dir);
	snprintf(peak, sizeof(peak), "%s/memory.max_usage_in_bytes", dir);
	snprintf(pids, sizeof(pids), "%s/pids.events", dir);
	snprintf(cpu, sizeof(cpu), "%s/cpu.stat", dir);
	s.cgroup = (struct step_cgroup){
	    .version = 1, .oom_file = oom, .peak_file = peak, .pids_file = pids, .cpu_file = cpu};
	assert_int_equal(cgroup_run_end(&s, &ctx), 0);
	assert_true(ctx.stat.has_cgroup);
	assert_int_equal(ctx.stat.oom_kills, 2);
	assert_int_equal(ctx.stat.memory_peak, 1048576);
	assert_int_equal(ctx.stat.refused_forks, 5);
	assert_int_equal(ctx.stat.throttled_us, 7000); /* v1 counts ns */
	/* v2 counts microseconds; an absent file is no counter, not zero. */
	put(dir, "cpu.stat", "usage_usec 5\nthrottled_usec 1234\n");
	s.cgroup.version = 2;
	s.cgroup.pids_file = NULL;
	ctx.stat = (struct run_stats){0};
	assert_int_equal(cgroup_run_end(&s, &ctx), 0);
	assert_int_equal(ctx.stat.throttled_us, 1234);
	assert_false(ctx.stat.has_pids);
	/* Without --stats and a command that was not SIGKILLed, nothing is read. */
	ctx.stats = false;
	ctx.stat = (struct run_stats){0};
	assert_int_equal(cgroup_run_end(&s, &ctx), 0);
	assert_false(ctx.stat.has_cgroup);
	assert_false(ctx.stat.has_cpu);
	/* ... but a SIGKILL is looked at: was it the memory limit? */
	ctx.status = SIGKILL; /* the wait status of "killed by SIGKILL" */
	assert_int_equal(cgroup_run_end(&s, &ctx), 0);
	assert_true(ctx.stat.has_oom);
	assert_int_equal(ctx.stat.oom_kills, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_no_limit_no_cgroup),
	    cmocka_unit_test(test_v1_files),
	    cmocka_unit_test(test_v2_files),
	    cmocka_unit_test(test_v2_own_cgroup_leaf),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_optional),
	    cmocka_unit_test(test_drop_kinds),
	    cmocka_unit_test(test_create_sweeps_stale),
	    cmocka_unit_test(test_set_and_attach),
	    cmocka_unit_test(test_attach_releases_wait),
	    cmocka_unit_test(test_end_reads_counters),
	};

	return cmocka_run_group_tests(tests, unit_tmp_setup, unit_tmp_teardown);
}
