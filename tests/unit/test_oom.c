/* test_oom.c — the compiler out of memory: for N = 1, 2, ... the Nth allocation made while
 * policy_compile() runs fails, and it must return -ENOMEM with a message recorded, until N
 * is past the last allocation and the compile succeeds. A path that returns -ENOMEM without
 * a message would leave main.c printing "Success".
 *
 * The allocations are libc's, as called from sbx's objects, and each plan_add() or
 * plan_add_to() called from a subsystem: those allocate only when the step array grows, so
 * without failing them directly most of their callers would never see a failure. libseccomp
 * (linked statically, so its own allocations would be wrapped too) is failed at the calls
 * sbx makes into it, as one allocation each: inside, it tolerates some failures of its own
 * (a transaction's spare snapshot), which are its business, not sbx's.
 *
 * --learn's OUT.cfg text is built the same way after the run: each allocation failing in turn
 * gives -ENOMEM, never a shorter text. The settings it renders through libconfig, which
 * doesn't survive a failed allocation of its own, count as one. */
/* LDWRAP: -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=reallocarray */
/* LDWRAP: -Wl,--wrap=strdup,--wrap=strndup,--wrap=asprintf,--wrap=vasprintf */
/* LDWRAP: -Wl,--wrap=plan_add,--wrap=plan_add_to */
/* LDWRAP: -Wl,--wrap=seccomp_init,--wrap=seccomp_rule_add_exact_array,--wrap=seccomp_attr_set */
/* LDWRAP: -Wl,--wrap=seccomp_export_bpf,--wrap=seccomp_release */
/* LDWRAP: -Wl,--wrap=profile_render_sets */
#include "unit.h"

#include <errno.h>
#include <linux/audit.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plan/plan.h"
#include "plan/policy.h"
#include "profile/profile.h"
#include "sys/filter/learn.h"
#include "util/cleanup.h"

#include "caller.h"

#include <seccomp.h>

/* The allocation counter: armed only around policy_compile(), so the profile loader and
 * cmocka allocate freely. */
static struct {
	bool armed;
	bool in_lib;	       /* inside a libseccomp call: its allocations are not counted */
	unsigned long seen;    /* allocations made while armed */
	unsigned long fail_at; /* the one that fails, counted from 1 */
} alloc;

static bool fail_now(void)
{
	if (!alloc.armed || alloc.in_lib || ++alloc.seen != alloc.fail_at)
		return false;
	errno = ENOMEM;
	return true;
}

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__real_reallocarray(void *p, size_t n, size_t size);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
int __real_vasprintf(char **ret, const char *fmt, va_list ap);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_reallocarray(void *p, size_t n, size_t size);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
int __wrap_vasprintf(char **ret, const char *fmt, va_list ap);
int __wrap_asprintf(char **ret, const char *fmt, ...);
struct step *__real_plan_add(struct plan *plan, enum step_kind kind, const struct sbx_loc *loc);
struct step *__real_plan_add_to(struct plan *plan, enum step_phase phase, enum step_kind kind,
				const struct sbx_loc *loc);
struct step *__wrap_plan_add(struct plan *plan, enum step_kind kind, const struct sbx_loc *loc);
struct step *__wrap_plan_add_to(struct plan *plan, enum step_phase phase, enum step_kind kind,
				const struct sbx_loc *loc);

void *__wrap_malloc(size_t n)
{
	return fail_now() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return fail_now() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	return fail_now() ? NULL : __real_realloc(p, n);
}

void *__wrap_reallocarray(void *p, size_t n, size_t size)
{
	return fail_now() ? NULL : __real_reallocarray(p, n, size);
}

char *__wrap_strdup(const char *s)
{
	return fail_now() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	return fail_now() ? NULL : __real_strndup(s, n);
}

int __wrap_vasprintf(char **ret, const char *fmt, va_list ap)
{
	return fail_now() ? -1 : __real_vasprintf(ret, fmt, ap);
}

int __wrap_asprintf(char **ret, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fail_now() ? -1 : __real_vasprintf(ret, fmt, ap);
	va_end(ap);
	return n;
}

struct step *__wrap_plan_add(struct plan *plan, enum step_kind kind, const struct sbx_loc *loc)
{
	return fail_now() ? NULL : __real_plan_add(plan, kind, loc);
}

struct step *__wrap_plan_add_to(struct plan *plan, enum step_phase phase, enum step_kind kind,
				const struct sbx_loc *loc)
{
	return fail_now() ? NULL : __real_plan_add_to(plan, phase, kind, loc);
}

scmp_filter_ctx __real_seccomp_init(uint32_t def_action);
int __real_seccomp_rule_add_exact_array(scmp_filter_ctx ctx, uint32_t action, int syscall,
					unsigned int arg_cnt, const struct scmp_arg_cmp *arg_array);
int __real_seccomp_attr_set(scmp_filter_ctx ctx, enum scmp_filter_attr attr, uint32_t value);
int __real_seccomp_export_bpf(const scmp_filter_ctx ctx, int fd);
void __real_seccomp_release(scmp_filter_ctx ctx);
scmp_filter_ctx __wrap_seccomp_init(uint32_t def_action);
int __wrap_seccomp_rule_add_exact_array(scmp_filter_ctx ctx, uint32_t action, int syscall,
					unsigned int arg_cnt, const struct scmp_arg_cmp *arg_array);
int __wrap_seccomp_attr_set(scmp_filter_ctx ctx, enum scmp_filter_attr attr, uint32_t value);
int __wrap_seccomp_export_bpf(const scmp_filter_ctx ctx, int fd);
void __wrap_seccomp_release(scmp_filter_ctx ctx);

/* Run @call inside libseccomp, unless this is the allocation that fails: then @fail. */
#define IN_LIB(fail, call)                                                                         \
	({                                                                                         \
		__typeof__(call) _r = (fail);                                                      \
		if (!fail_now()) {                                                                 \
			alloc.in_lib = true;                                                       \
			_r = (call);                                                               \
			alloc.in_lib = false;                                                      \
		}                                                                                  \
		_r;                                                                                \
	})

scmp_filter_ctx __wrap_seccomp_init(uint32_t def_action)
{
	return IN_LIB((scmp_filter_ctx)NULL, __real_seccomp_init(def_action));
}

int __wrap_seccomp_rule_add_exact_array(scmp_filter_ctx ctx, uint32_t action, int syscall,
					unsigned int arg_cnt, const struct scmp_arg_cmp *arg_array)
{
	return IN_LIB(
	    -ENOMEM, __real_seccomp_rule_add_exact_array(ctx, action, syscall, arg_cnt, arg_array));
}

int __wrap_seccomp_attr_set(scmp_filter_ctx ctx, enum scmp_filter_attr attr, uint32_t value)
{
	return IN_LIB(-ENOMEM, __real_seccomp_attr_set(ctx, attr, value));
}

int __wrap_seccomp_export_bpf(const scmp_filter_ctx ctx, int fd)
{
	return IN_LIB(-ENOMEM, __real_seccomp_export_bpf(ctx, fd));
}

void __wrap_seccomp_release(scmp_filter_ctx ctx)
{
	alloc.in_lib = true;
	__real_seccomp_release(ctx);
	alloc.in_lib = false;
}

int __real_profile_render_sets(const char *const *sets, size_t n_sets,
			       const struct profile_verbatim *v, size_t n_v, FILE *out,
			       struct sbx_err *err);
int __wrap_profile_render_sets(const char *const *sets, size_t n_sets,
			       const struct profile_verbatim *v, size_t n_v, FILE *out,
			       struct sbx_err *err);

int __wrap_profile_render_sets(const char *const *sets, size_t n_sets,
			       const struct profile_verbatim *v, size_t n_v, FILE *out,
			       struct sbx_err *err)
{
	return IN_LIB(-ENOMEM, __real_profile_render_sets(sets, n_sets, v, n_v, out, err));
}

static char *test_argv[] = {"/bin/true", "arg", NULL};
static char *test_argv_search[] = {"true", NULL}; /* a PATH search at compile time */
static char *test_environ[] = {"PATH=/caller/bin", "TERM=xterm", "SECRET=1", "LANG=C.UTF-8", NULL};

static struct sbx_caller caller(uid_t uid)
{
	return unit_caller(uid, test_argv, test_environ);
}

/* Every Nth allocation of compiling @p as @c fails in turn; each must give -ENOMEM and a
 * message. Returns how many allocations the successful compile made. */
static unsigned long check_every_allocation(const char *what, const struct profile *p,
					    const struct sbx_caller *c)
{
	for (unsigned long n = 1;; n++) {
		_cleanup_(plan_freep) struct plan *plan = NULL;
		struct sbx_err err = {0};
		bool injected;
		int r;

		alloc.armed = true;
		alloc.seen = 0;
		alloc.fail_at = n;
		r = policy_compile(p, c, &plan, &err);
		alloc.armed = false;
		injected = alloc.seen >= n;
		if (!injected) {
			if (r != 0)
				fail_msg("%s: compile failed without a failed allocation: %d %s",
					 what, r, err.n ? err.diag[0].msg : "");
			assert_non_null(plan);
			print_message("%s: each of %lu allocations failed in turn\n", what, n - 1);
			return n - 1;
		}
		if (r != -ENOMEM || err.code != -ENOMEM || err.n == 0 || !err.diag[0].msg[0])
			fail_msg("%s: allocation %lu failed: returned %d, err.code %d, %u "
				 "message(s), first \"%s\"",
				 what, n, r, err.code, err.n, err.n ? err.diag[0].msg : "");
		if (!strstr(err.diag[0].msg, "out of memory"))
			fail_msg("%s: allocation %lu failed: the first message is \"%s\"", what, n,
				 err.diag[0].msg);
		assert_null(plan);
	}
}

static void check_text(const char *what, const char *text, const struct sbx_caller *c)
{
	_cleanup_(profile_freep) struct profile *p = NULL;
	struct sbx_err err = {0};

	if (profile_parse_string(text, "t.cfg", &p, &err) < 0)
		fail_msg("profile: %s", err.diag[0].msg);
	assert_true(check_every_allocation(what, p, c) > 0);
}

static void check_shipped(const char *name, const struct sbx_caller *c)
{
	_cleanup_(profile_freep) struct profile *p = profile_new();
	const char *search[] = {"profiles"};
	struct sbx_err err = {0};

	assert_non_null(p);
	assert_int_equal(profile_set_search_path(p, search, 1, &err), 0);
	assert_int_equal(profile_load(p, name, &err), 0);
	assert_true(check_every_allocation(name, p, c) > 0);
}

static void test_shipped_profiles(void **state)
{
	const char *names[] = {"default", "shell", "untrusted"};
	struct sbx_caller root_with_range = caller(0);

	(void)state;
	root_with_range.subuid_file = "tests/unit/data/subuid-root";
	root_with_range.subgid_file = "tests/unit/data/subuid-root";
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		struct sbx_caller user = caller(1000), root = caller(0);

		check_shipped(names[i], &user);
		check_shipped(names[i], &root);
		check_shipped(names[i], &root_with_range);
	}
}

/* Every subsystem with something to compile: subordinate-id maps through the helpers, both
 * uts names, every mount type (a read-write bind, so the host-path checks run), rlimits, env
 * set and kept, capabilities, the process settings and a terminal. */
static const char kitchen_sink[] =
    "include = [ \"default\" ];\n"
    "hostname = \"box\";\n"
    "domainname = \"example\";\n"
    "user = {\n"
    "  uid = 0; gid = 0;\n"
    "  uid_map = ( { inside = 0; outside = \"self\"; count = 1; },\n"
    "              { inside = 1; outside = \"subuid\"; count = 1000; } );\n"
    "  gid_map = ( { inside = 0; outside = \"self\"; count = 1; },\n"
    "              { inside = 1; outside = \"subgid\"; count = 1000; } );\n"
    "};\n"
    "filesystem = { mounts = (\n"
    "  { type = \"bind\"; src = \"/tmp\"; dst = \"/host-tmp\"; rw = true; },\n"
    "  { type = \"bind\"; src = \"/tmp/sbx-oom-missing\"; dst = \"/opt\"; optional = true; },\n"
    "  { type = \"overlay\"; dst = \"/app\"; lower = [ \"/usr\", \"/etc\" ]; },\n"
    "  { type = \"file\"; dst = \"/etc/motd\"; content = \"hi\\n\"; mode = \"0640\"; },\n"
    "  { type = \"dir\"; dst = \"/run/private\"; mode = \"0700\"; },\n"
    "  { type = \"symlink\"; dst = \"/motd\"; target = \"etc/motd\"; },\n"
    "  { type = \"mqueue\"; dst = \"/dev/mqueue\"; }\n"
    "); };\n"
    "env = { keep = [ \"TERM\" ]; set = { FOO = \"bar\"; PATH = \"/usr/bin:/bin\"; }; };\n"
    "rlimits = { nofile = 64; core = 0; cpu = \"unlimited\"; };\n"
    "security = { capabilities = [ \"net_bind_service\", \"chown\" ]; };\n"
    "process = { cwd = \"/tmp\"; umask = \"0027\"; time_limit = \"1m\"; };\n";

static void test_every_subsystem(void **state)
{
	struct sbx_caller user = caller(1000), root = caller(0);

	(void)state;
	root.subuid_file = root.subgid_file = "tests/unit/data/subuid-root";
	user.stdin_tty = user.stdout_tty = user.stderr_tty = true;
	check_text("every subsystem, uid 1000, a terminal", kitchen_sink, &user);
	user.argv = test_argv_search;
	user.stdin_tty = false;
	check_text("every subsystem, uid 1000, PATH search", kitchen_sink, &user);
	check_text("every subsystem, uid 0", kitchen_sink, &root);
}

/* A caller whose own ids are not mapped (the child makes the network namespace itself), a
 * directory as the root, read-write, and an overlay with a persistent upper layer. */
static int make_upper(void **state)
{
	char tmpl[PATH_MAX], *upper = strdup(unit_path(tmpl, sizeof(tmpl), "oom-upper-XXXXXX"));

	if (!upper || !mkdtemp(upper)) {
		free(upper);
		return -1;
	}
	*state = upper;
	return 0;
}

static int remove_upper(void **state)
{
	int r = rmdir(*state);

	free(*state);
	return r;
}

static void test_unmapped_caller_dir_root(void **state)
{
	struct sbx_caller user = caller(1000);
	const char *upper = *state;
	_cleanup_free_ char *text = NULL;

	assert_true(
	    asprintf(
		&text,
		"user = {\n"
		"  uid = 0; gid = 0;\n"
		"  uid_map = ( { inside = 0; outside = \"subuid\"; count = 1000; } );\n"
		"  gid_map = ( { inside = 0; outside = \"subgid\"; count = 1000; } );\n"
		"};\n"
		"filesystem = { root = \"/tmp\"; root_rw = true; mounts = (\n"
		"  { type = \"overlay\"; dst = \"/app\"; lower = [ \"/usr\" ]; upper = \"%s\"; },\n"
		"  { type = \"bind\"; src = \"%s/missing\"; dst = \"/opt\"; optional = true; }\n"
		"); };\n",
		upper, upper) > 0);
	check_text("unmapped caller, directory root", text, &user);
}

/* Root without a user namespace and without init: the network helper makes the namespace
 * where it is; no maps. */
static void test_root_without_userns(void **state)
{
	struct sbx_caller root = caller(0);

	(void)state;
	root.argv = test_argv_search;
	check_text("root, netns without userns",
		   "namespaces = [ \"mount\", \"net\", \"pid\", \"uts\" ];\n"
		   "hostname = \"box\";\n"
		   "process = { init = false; new_session = false; };\n",
		   &root);
	check_text("root, host network and root",
		   "namespaces = [ \"mount\" ];\n"
		   "network = { mode = \"host\"; };\n"
		   "filesystem = { root = \"host\"; };\n",
		   &root);
}

static void test_learn_text(void **state)
{
	static const char *const include[] = {"default"};
	static const char *const sets[] = {"process.cwd=\"/tmp\""};
	static const struct learn_entry allow[] = {{"read", {"app.cfg", 2}}};
	static const struct learn_entry deny[] = {{"ptrace", {"app.cfg", 3}},
						  {"getppid", {"app.cfg", 4}}};
	const struct step_learn s = {.include = include,
				     .n_include = 1,
				     .allow = allow,
				     .n_allow = 1,
				     .deny = deny,
				     .n_deny = 2,
				     .sets = sets,
				     .set_origins = sets,
				     .n_sets = 1};
	struct learn_log *log = NULL;
	struct sbx_err err = {0};

	(void)state;
	assert_int_equal(learn_log_new(&log, &err), 0);
	assert_int_equal(learn_log_add(log, AUDIT_ARCH_X86_64,
				       seccomp_syscall_resolve_name("getppid"),
				       (uint64_t[3]){0, 0, 0}),
			 0);
	for (unsigned long n = 1;; n++) {
		_cleanup_free_ char *text = NULL;
		size_t n_allowed = 0;
		int r;

		alloc.armed = true;
		alloc.seen = 0;
		alloc.fail_at = n;
		r = learn_text(log, &s, &text, &n_allowed);
		alloc.armed = false;
		if (alloc.seen < n) {
			assert_int_equal(r, 0);
			/* getppid leaves deny, which is written again without it */
			if (!strstr(text, "deny = [") || !strstr(text, "now allowed: getppid"))
				fail_msg("%s", text);
			print_message("learn_text: each of %lu allocations failed in turn\n",
				      n - 1);
			break;
		}
		if (r != -ENOMEM)
			fail_msg("learn_text: allocation %lu failed: returned %d, text:\n%s", n, r,
				 text ? text : "(none)");
		assert_null(text);
	}
	learn_log_free(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shipped_profiles),
	    cmocka_unit_test(test_every_subsystem),
	    cmocka_unit_test_setup_teardown(test_unmapped_caller_dir_root, make_upper,
					    remove_upper),
	    cmocka_unit_test(test_root_without_userns),
	    cmocka_unit_test(test_learn_text),
	};
	return cmocka_run_group_tests(tests, unit_tmp_setup, unit_tmp_teardown);
}
