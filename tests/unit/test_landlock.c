/* test_landlock.c — the Landlock compiler on hand-made profiles: the step's rights and plan
 * line, each ABI's fallbacks (best effort: a warning and left-out; required: errors at the
 * settings that ask), its place before exec; and the runner against the real kernel, in a
 * forked child since a ruleset can't be undone. */
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caller.h"
#include "plan/plan.h"
#include "plan/policy.h"
#include "profile/profile.h"
#include "sys/landlock.h"
#include "util/cleanup.h"

#define R_FILE LANDLOCK_ACCESS_FS_READ_FILE
#define R_DIR LANDLOCK_ACCESS_FS_READ_DIR
#define X LANDLOCK_ACCESS_FS_EXECUTE
#define ABI7_FS 0xffffull /* bits 0-15: ABI 1's 13, refer, truncate, ioctl_dev */
#define NET_BIND 1ull	  /* NET_BIND (ABI 4: not in Debian 12's header) */
#define NET_CONNECT 2ull  /* NET_CONNECT */

static char *argv_true[] = {"/bin/true", NULL};

struct ll {
	struct profile *p;
	struct plan *plan;
	struct sbx_err err;
	int r;
	const struct step *step;
};

/* The profile of the plan line in the brief: every set and both port lists, each on a line
 * of its own in "ll.cfg" (read 2, write 3, execute 4, bind_tcp 5, connect_tcp 6, required 7). */
static char *read_set[] = {"/usr", "/etc"}, *write_set[] = {"/tmp"}, *exec_set[] = {"/usr"};
static uint16_t bind_ports[] = {8080}, connect_ports[] = {443};

static void full(struct profile *p)
{
	__typeof__(p->security.landlock) *l = &p->security.landlock;

	l->set = true;
	l->loc = (struct sbx_loc){"ll.cfg", 1};
	l->read = read_set;
	l->n_read = 2;
	l->read_loc = (struct sbx_loc){"ll.cfg", 2};
	l->write = write_set;
	l->n_write = 1;
	l->write_loc = (struct sbx_loc){"ll.cfg", 3};
	l->execute = exec_set;
	l->n_execute = 1;
	l->execute_loc = (struct sbx_loc){"ll.cfg", 4};
	l->bind_tcp = bind_ports;
	l->n_bind_tcp = 1;
	l->bind_tcp_loc = (struct sbx_loc){"ll.cfg", 5};
	l->connect_tcp = connect_ports;
	l->n_connect_tcp = 1;
	l->connect_tcp_loc = (struct sbx_loc){"ll.cfg", 6};
}

static void required(struct profile *p)
{
	p->security.landlock.required = true;
	p->security.landlock.required_loc = (struct sbx_loc){"ll.cfg", 7};
}

/* Compile @x->p's landlock section for a kernel of Landlock ABI @abi (-1: none, 0: this one). */
static void compile(struct ll *x, int abi)
{
	struct sbx_caller c = unit_caller(1000, argv_true, NULL);

	c.landlock_abi = abi;
	x->plan = plan_new();
	assert_non_null(x->plan);
	x->r = landlock_plan_add(x->plan, x->p, &c, &x->err);
	x->step = x->r == 0 ? plan_first(x->plan, STEP_LANDLOCK) : NULL;
}

static void done(struct ll *x)
{
	/* The arrays are the test's own. */
	memset(&x->p->security.landlock, 0, sizeof(x->p->security.landlock));
	profile_free(x->p);
	plan_free(x->plan);
}

static void expect_line(const struct step *s, const char *want)
{
	char line[1024];

	assert_non_null(s);
	plan_describe(s, line, sizeof(line));
	assert_string_equal(line, want);
}

static void test_not_set_no_step(void **state)
{
	struct ll x = {.p = profile_new()};

	(void)state;
	compile(&x, 7);
	assert_int_equal(x.r, 0);
	assert_int_equal(x.plan->n_steps, 0);
	done(&x);
}

static void test_every_set_abi7(void **state)
{
	struct ll x = {.p = profile_new()};
	const struct step_landlock *l;

	(void)state;
	full(x.p);
	compile(&x, 7);
	assert_int_equal(x.r, 0);
	assert_int_equal(x.err.n_warn, 0);
	expect_line(x.step, "landlock abi=7 read=/usr,/etc write=/tmp execute=/usr bind_tcp=8080 "
			    "connect_tcp=443 required=no");
	assert_int_equal(x.step->phase, PHASE_COMMAND);
	assert_int_equal(x.step->loc.line, 1);
	l = &x.step->landlock;
	assert_int_equal(l->handled_fs, ABI7_FS);
	assert_int_equal(l->handled_net, NET_BIND | NET_CONNECT);
	assert_null(l->left_out);
	/* read, then write, then execute; each with its set's rights. */
	assert_int_equal(l->n_paths, 4);
	assert_string_equal(l->paths[0].path, "/usr");
	assert_int_equal(l->paths[0].access, R_FILE | R_DIR);
	assert_string_equal(l->paths[1].path, "/etc");
	assert_string_equal(l->paths[2].path, "/tmp");
	assert_int_equal(l->paths[2].access, ABI7_FS & ~X); /* everything but execute */
	assert_string_equal(l->paths[3].path, "/usr");
	assert_int_equal(l->paths[3].access, X | R_FILE | R_DIR);
	assert_int_equal(l->n_connect_tcp, 1);
	assert_int_equal(l->connect_tcp[0], 443);
	done(&x);
}

/* ABI 3: no device ioctl rules (ABI 5) and no network rules (ABI 4). Best effort: one warning,
 * the plan's left-out, and a ruleset that handles only what ABI 3 knows. */
static void test_abi3_best_effort(void **state)
{
	struct ll x = {.p = profile_new()};
	const struct step_landlock *l;

	(void)state;
	full(x.p);
	compile(&x, 3);
	assert_int_equal(x.r, 0);
	assert_int_equal(x.err.n, 0);
	expect_line(x.step, "landlock abi=3 read=/usr,/etc write=/tmp execute=/usr bind_tcp=8080 "
			    "connect_tcp=443 required=no left-out=ioctl_dev,bind_tcp,connect_tcp");
	l = &x.step->landlock;
	assert_int_equal(l->handled_fs, 0x7fff);
	assert_int_equal(l->handled_net, 0);
	assert_int_equal(l->paths[2].access, 0x7fff & ~X);
	assert_int_equal(x.err.n_warn, 1);
	assert_int_equal(x.err.warn[0].line, 1);
	assert_non_null(strstr(x.err.warn[0].msg, "(ABI 3) has no device ioctl rules (ABI 5), "
						  "TCP bind rules (ABI 4), TCP connect rules"));
	assert_non_null(strstr(x.err.warn[0].msg, "left out"));
	done(&x);
}

/* ABI 1 and 2: no truncate; ABI 1 no refer either (not a feature asked: moves between
 * directories just fail). */
static void test_abi1_truncate_left_out(void **state)
{
	struct ll x = {.p = profile_new()};

	(void)state;
	x.p->security.landlock.set = true;
	x.p->security.landlock.write = write_set;
	x.p->security.landlock.n_write = 1;
	compile(&x, 1);
	assert_int_equal(x.r, 0);
	expect_line(x.step, "landlock abi=1 write=/tmp required=no left-out=truncate,ioctl_dev");
	assert_int_equal(x.step->landlock.handled_fs, 0x1fff);
	assert_int_equal(x.step->landlock.paths[0].access, 0x1fff & ~X);
	assert_int_equal(x.err.n_warn, 1);
	plan_free(x.plan);

	/* ABI 2 adds refer only. */
	compile(&x, 2);
	expect_line(x.step, "landlock abi=2 write=/tmp required=no left-out=truncate,ioctl_dev");
	assert_int_equal(x.step->landlock.handled_fs, 0x3fff);
	done(&x);
}

/* required: each missing feature is an error at the setting that asks for it, and no step. */
static void test_required_missing_errors(void **state)
{
	struct ll x = {.p = profile_new()};

	(void)state;
	full(x.p);
	required(x.p);
	compile(&x, 4);
	assert_int_equal(x.r, -EOPNOTSUPP);
	assert_null(x.step);
	assert_int_equal(x.err.n, 1);
	assert_int_equal(x.err.n_warn, 0);
	assert_string_equal(x.err.diag[0].file, "ll.cfg");
	assert_int_equal(x.err.diag[0].line, 3); /* write: the set that device ioctls belong to */
	assert_string_equal(x.err.diag[0].msg,
			    "security.landlock: required, but this kernel's "
			    "Landlock (ABI 4) has no device ioctl rules (ABI 5)");
	plan_free(x.plan);

	x.err = (struct sbx_err){0};
	compile(&x, 3);
	assert_int_equal(x.r, -EOPNOTSUPP);
	assert_int_equal(x.err.n, 3);
	assert_int_equal(x.err.diag[1].line, 5);
	assert_non_null(strstr(x.err.diag[1].msg, "(ABI 3) has no TCP bind rules (ABI 4)"));
	assert_int_equal(x.err.diag[2].line, 6);
	assert_non_null(strstr(x.err.diag[2].msg, "has no TCP connect rules (ABI 4)"));
	done(&x);
}

static void test_no_landlock(void **state)
{
	struct ll x = {.p = profile_new()};

	(void)state;
	full(x.p);
	compile(&x, -1);
	assert_int_equal(x.r, 0);
	expect_line(x.step, "landlock abi=0 read=/usr,/etc write=/tmp execute=/usr bind_tcp=8080 "
			    "connect_tcp=443 required=no left-out=all");
	assert_int_equal(x.step->landlock.handled_fs, 0);
	assert_int_equal(x.step->landlock.handled_net, 0);
	assert_int_equal(x.err.n_warn, 1);
	assert_non_null(strstr(x.err.warn[0].msg, "this kernel has no Landlock"));
	/* Nothing handled: the runner has nothing to do, on any kernel. */
	assert_int_equal(landlock_run(x.step, &(struct run_ctx){0}), 0);
	plan_free(x.plan);

	required(x.p);
	x.err = (struct sbx_err){0};
	compile(&x, -1);
	assert_int_equal(x.r, -EOPNOTSUPP);
	assert_int_equal(x.err.n, 1);
	assert_int_equal(x.err.diag[0].line, 7);
	assert_non_null(strstr(x.err.diag[0].msg, "required, but this kernel has no Landlock"));
	done(&x);
}

/* Only ports: the filesystem is not restricted (no right handled); an empty set restricts it
 * all; an empty port list allows no port. */
static void test_partial_sets(void **state)
{
	struct ll x = {.p = profile_new()};
	__typeof__(x.p->security.landlock) *l = &x.p->security.landlock;

	(void)state;
	l->set = true;
	l->connect_tcp = connect_ports;
	l->n_connect_tcp = 1;
	compile(&x, 7);
	expect_line(x.step, "landlock abi=7 connect_tcp=443 required=no");
	assert_int_equal(x.step->landlock.handled_fs, 0);
	assert_int_equal(x.step->landlock.handled_net, NET_CONNECT);
	plan_free(x.plan);

	l->read_loc = (struct sbx_loc){"ll.cfg", 2};	 /* read = [ ]; */
	l->bind_tcp_loc = (struct sbx_loc){"ll.cfg", 3}; /* bind_tcp = [ ]; */
	compile(&x, 7);
	expect_line(x.step, "landlock abi=7 read=none bind_tcp=none connect_tcp=443 required=no");
	assert_int_equal(x.step->landlock.handled_fs, ABI7_FS);
	assert_int_equal(x.step->landlock.handled_net, NET_BIND | NET_CONNECT);
	assert_int_equal(x.step->landlock.n_paths, 0);
	done(&x);
}

/* Without a faked ABI the compiler asks the kernel, as the runner does. */
static void test_detects_abi(void **state)
{
	struct ll x = {.p = profile_new()};

	(void)state;
	full(x.p);
	compile(&x, 0);
	assert_int_equal(x.r, 0);
	assert_int_equal(x.step->landlock.abi, landlock_abi());
	assert_int_equal(landlock_abi(), (int)syscall(444, NULL, 0, 1));
	done(&x);
}

/* In the whole plan: in the command's phase, right before exec. */
static void test_before_exec(void **state)
{
	_cleanup_(profile_freep) struct profile *p = NULL;
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct sbx_err err = {0};
	struct sbx_caller c = unit_caller(1000, argv_true, NULL);
	size_t i;

	(void)state;
	assert_int_equal(profile_parse_string("", "t.cfg", &p, &err), 0);
	full(p);
	c.landlock_abi = 7;
	assert_int_equal(policy_compile(p, &c, &plan, &err), 0);
	for (i = 0; i < plan->n_steps && plan->steps[i].kind != STEP_LANDLOCK; i++)
		;
	assert_true(i + 1 < plan->n_steps);
	assert_int_equal(plan->steps[i + 1].kind, STEP_EXEC);
	assert_int_equal(plan->steps[i - 1].phase, PHASE_COMMAND); /* after session/terminal */
	memset(&p->security.landlock, 0, sizeof(p->security.landlock));
}

static void test_hints(void **state)
{
	struct ll x = {.p = profile_new()};

	(void)state;
	full(x.p);
	compile(&x, 7);
	/* Item 2 is /etc of read; item 3 /tmp of write. */
	assert_string_equal(landlock_hint(x.step, -ENOENT, 2),
			    " (security.landlock.read: /etc: every path of a landlock set must "
			    "exist inside the sandbox)");
	assert_string_equal(landlock_hint(x.step, -EACCES, 3), " (security.landlock.write: /tmp)");
	assert_non_null(strstr(landlock_hint(x.step, -EPERM, 0), "CAP_SYS_ADMIN"));
	assert_non_null(strstr(landlock_hint(x.step, -EOPNOTSUPP, 0), "required"));
	assert_string_equal(landlock_hint(x.step, -EIO, 0), "");
	assert_string_equal(landlock_hint(x.step, -EIO, 99), ""); /* no such item */
	done(&x);
}

/* A directory tree under the scratch space: rw/ (write), ro/ (read) with ro/f, no/ (none). */
static void make_tree(char *rw, char *ro, char *no, size_t size)
{
	char f[PATH_MAX];
	int fd;

	unit_path(rw, size, "rw");
	unit_path(ro, size, "ro");
	unit_path(no, size, "no");
	assert_int_equal(mkdir(rw, 0755), 0);
	assert_int_equal(mkdir(ro, 0755), 0);
	assert_int_equal(mkdir(no, 0755), 0);
	snprintf(f, sizeof(f), "%s/f", ro);
	fd = open(f, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	close(fd);
}

/* 0 when @path can be created (O_CREAT), else its errno. */
static int try_create(const char *dir, const char *name)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int try_open(const char *dir, const char *name, int flags)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* The real kernel: rw/ takes a new file, ro/ is read but not written, no/ is not even read. */
static void test_run_restricts(void **state)
{
	char rw[256], ro[256], no[256];
	char *rw_set[] = {rw}, *ro_set[] = {ro};
	struct ll x = {.p = profile_new()};
	int status;
	pid_t pid;

	(void)state;
	make_tree(rw, ro, no, sizeof(rw));
	x.p->security.landlock.set = true;
	x.p->security.landlock.write = rw_set;
	x.p->security.landlock.n_write = 1;
	x.p->security.landlock.read = ro_set;
	x.p->security.landlock.n_read = 1;
	compile(&x, 0);
	assert_int_equal(x.r, 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct run_ctx ctx = {0};
		int bad = 0;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || landlock_run(x.step, &ctx) < 0)
			_exit(100);
		bad |= try_create(rw, "new") != 0;
		bad |= (try_create(ro, "new") != EACCES) << 1;
		bad |= (try_open(ro, "f", O_RDONLY) != 0) << 2;
		bad |= (try_open(ro, "f", O_WRONLY) != EACCES) << 3;
		bad |= (try_open(no, ".", O_RDONLY | O_DIRECTORY) != EACCES) << 4;
		bad |= (try_create(no, "new") != EACCES) << 5;
		_exit(bad);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* ... and only the child: this process still writes anywhere. */
	assert_int_equal(try_create(no, "parent"), 0);
	done(&x);
}

/* A missing path fails the step with its errno and names itself in ctx->fail_item (1-based);
 * nothing is restricted then, so this runs in the test's own process. */
static void test_run_missing_path(void **state)
{
	char missing[256];
	char *ro_set[] = {(char *)"/", missing};
	struct ll x = {.p = profile_new()};
	struct run_ctx ctx = {0};

	(void)state;
	unit_path(missing, sizeof(missing), "missing");
	x.p->security.landlock.set = true;
	x.p->security.landlock.read = ro_set;
	x.p->security.landlock.n_read = 2;
	compile(&x, 0);
	assert_int_equal(landlock_run(x.step, &ctx), -ENOENT);
	assert_int_equal(ctx.fail_item, 2);
	assert_non_null(strstr(landlock_hint(x.step, -ENOENT, ctx.fail_item), missing));
	assert_int_equal(try_create(unit_tmp(), "still-free"), 0);
	done(&x);
}

/* required: a right the running kernel does not know (faked as bit 40) is refused at run time;
 * best effort drops it and applies the rest. */
static void test_run_rechecks_abi(void **state)
{
	struct step s = {.kind = STEP_LANDLOCK};
	struct run_ctx ctx = {0};

	(void)state;
	s.landlock.required = true;
	s.landlock.handled_fs = 1ull << 40;
	assert_int_equal(landlock_run(&s, &ctx), -EOPNOTSUPP);
	s.landlock.required = false;
	assert_int_equal(landlock_run(&s, &ctx), 0); /* nothing left to handle: nothing done */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_not_set_no_step),
	    cmocka_unit_test(test_every_set_abi7),
	    cmocka_unit_test(test_abi3_best_effort),
	    cmocka_unit_test(test_abi1_truncate_left_out),
	    cmocka_unit_test(test_required_missing_errors),
	    cmocka_unit_test(test_no_landlock),
	    cmocka_unit_test(test_partial_sets),
	    cmocka_unit_test(test_detects_abi),
	    cmocka_unit_test(test_before_exec),
	    cmocka_unit_test(test_hints),
	    cmocka_unit_test(test_run_restricts),
	    cmocka_unit_test(test_run_missing_path),
	    cmocka_unit_test(test_run_rechecks_abi),
	};

	return cmocka_run_group_tests(tests, unit_tmp_setup, unit_tmp_teardown);
}
