/* test_learn.c — --learn: the plan it makes, the record of denied calls (counts, distinct
 * arguments), OUT.cfg's text (escaping, what it keeps and drops of the profiles' lists, that
 * it loads and compiles), the atomic write, and the whole loop in the kernel: a forked child
 * loads the learn filter and passes its listener, and the parent answers each call with
 * CONTINUE from its wait, so the calls the profile denies succeed and are counted. */
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plan/plan.h"
#include "plan/policy.h"
#include "profile/profile.h"
#include "sys/filter/filter.h"
#include "sys/filter/learn.h"
#include "util/cleanup.h"
#include "util/wait.h"

#include "caller.h"

static struct profile *parse(const char *text)
{
	struct profile *p = NULL;
	struct sbx_err err = {0};

	if (profile_parse_string(text, "app.cfg", &p, &err) != 0)
		fail_msg("profile error: %s:%u: %s", err.diag[0].file, err.diag[0].line,
			 err.diag[0].msg);
	return p;
}

/* The plan of @text with --learn @out (including "app.cfg"). */
static struct plan *learn_plan(const char *text, const char *out, struct sbx_err *err)
{
	_cleanup_(profile_freep) struct profile *p = parse(text);
	static const char *const include[] = {"app.cfg"};
	static char *argv[] = {"/bin/true", NULL};
	struct sbx_caller c = unit_caller(1000, argv, argv + 1);
	struct plan *plan = NULL;

	c.learn_out = out;
	c.learn_include = include;
	c.n_learn_include = 1;
	if (policy_compile(p, &c, &plan, err) < 0)
		return plan_free(plan);
	return plan;
}

static const char *tmp_out(char *buf, size_t size)
{
	return unit_path(buf, size, "out.cfg");
}

/* ---- the plan ------------------------------------------------------------------------------ */

static void test_plan(void **state)
{
	char out[PATH_MAX], text[512], cwd[PATH_MAX], want[3 * PATH_MAX];
	struct sbx_err err = {0};
	_cleanup_(plan_freep) struct plan *plan =
	    learn_plan("security = { seccomp = { preset = \"default\"; }; };\n",
		       tmp_out(out, sizeof(out)), &err);
	const struct step *seccomp, *serve, *write, *sup;
	_cleanup_(plan_freep) struct plan *plain = NULL;
	_cleanup_(profile_freep) struct profile *p = NULL;
	char *argv[] = {"/bin/true", NULL};
	struct sbx_caller c = unit_caller(1000, argv, argv + 1);

	(void)state;
	assert_non_null(plan);
	seccomp = plan_first(plan, STEP_SECCOMP);
	serve = plan_first(plan, STEP_SECCOMP_LEARN);
	write = plan_first(plan, STEP_LEARN_WRITE);
	sup = plan_first(plan, STEP_SUPERVISE);
	assert_non_null(seccomp);
	assert_non_null(serve);
	assert_non_null(write);
	assert_non_null(seccomp->seccomp.learn);
	assert_true(seccomp->seccomp.flags & SECCOMP_FILTER_FLAG_NEW_LISTENER);
	/* The listener is served from before the child runs until after supervise. */
	assert_int_equal(serve->phase, PHASE_BESIDE);
	assert_true(write > sup);
	plan_describe(seccomp, text, sizeof(text));
	if (!strstr(text, " learn=notify"))
		fail_msg("%s", text);
	plan_describe(serve, text, sizeof(text));
	assert_string_equal(text, "seccomp-learn listener=from-seccomp answer=continue");
	plan_describe(write, text, sizeof(text));
	/* OUT.cfg is in another directory: it names app.cfg by its absolute path. */
	if (!getcwd(cwd, sizeof(cwd)))
		fail_msg("getcwd");
	snprintf(want, sizeof(want), "learn-write out=%s include=%s/app.cfg", out, cwd);
	assert_string_equal(text, want);

	/* Without --learn: none of it, and the program is 9 instructions shorter. */
	p = parse("security = { seccomp = { preset = \"default\"; }; };\n");
	assert_int_equal(policy_compile(p, &c, &plain, &err), 0);
	assert_null(plan_first(plain, STEP_SECCOMP_LEARN));
	assert_null(plan_first(plain, STEP_LEARN_WRITE));
	assert_null(plan_first(plain, STEP_SECCOMP)->seccomp.learn);
	assert_int_equal(plan_first(plain, STEP_SECCOMP)->seccomp.n_insns + 9,
			 seccomp->seccomp.n_insns);
}

static void test_plan_errors(void **state)
{
	char out[PATH_MAX], dir[PATH_MAX];
	struct sbx_err err = {0};
	struct plan *plan;

	(void)state;
	/* Nothing to learn from. */
	plan = learn_plan("hostname = \"x\";\n", tmp_out(out, sizeof(out)), &err);
	assert_null(plan);
	assert_non_null(strstr(err.diag[0].msg, "--learn: the profiles ask for no seccomp filter"));

	/* OUT.cfg is a directory. */
	err = (struct sbx_err){0};
	unit_path(dir, sizeof(dir), "a-dir.cfg");
	assert_int_equal(mkdir(dir, 0700), 0);
	plan = learn_plan("security = { seccomp = { preset = \"default\"; }; };\n", dir, &err);
	assert_null(plan);
	assert_int_equal(err.code, -EEXIST);
	assert_non_null(strstr(err.diag[0].msg, "exists and is not a regular file"));

	/* OUT.cfg's directory does not exist. */
	err = (struct sbx_err){0};
	unit_path(dir, sizeof(dir), "nowhere/out.cfg");
	plan = learn_plan("security = { seccomp = { preset = \"default\"; }; };\n", dir, &err);
	assert_null(plan);
	assert_int_equal(err.code, -ENOENT);
}

/* @n rules, each one more instruction: getppid with a0 == 0, 1, ... */
static char *many_rules(int n)
{
	size_t size = 64 + (size_t)n * 64, len = 0;
	char *text = malloc(size);

	assert_non_null(text);
	len += (size_t)snprintf(text, size, "security = { seccomp = { rules = (\n");
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, size - len,
					"%s{ syscall = \"getppid\"; args = [ \"a0 == %d\" ]; }\n",
					i ? "," : "", i);
	snprintf(text + len, size - len, "); }; };\n");
	return text;
}

/* The kernel's limit counts the instructions learn mode puts in front: a filter that fits
 * without them but not with them is refused before the run, not by the kernel in the child. */
static void test_plan_too_big(void **state)
{
	const struct filter_opts o = {.override = true, .deny_action = SCMP_ACT_NOTIFY};
	char out[PATH_MAX];
	struct sbx_err err = {0};
	size_t n = 0;
	int rules = 4050;

	(void)state;
	/* As many rules as make learn's filter just fit the 4096 without its prefix. */
	while (n <= 4096 - LEARN_PREFIX_INSNS) {
		_cleanup_free_ char *text = many_rules(rules);
		_cleanup_(profile_freep) struct profile *p = parse(text);
		struct filter_prog f = {0};

		assert_int_equal(filter_compile(p, &o, &f, &err), 0);
		free(f.insns);
		n = f.n_insns;
		rules += n <= 4096 - LEARN_PREFIX_INSNS ? (int)(4096 - n) / 2 + 1 : 0;
	}
	assert_true(n <= 4096);
	{
		_cleanup_free_ char *text = many_rules(rules);
		_cleanup_(plan_freep) struct plan *plan =
		    learn_plan(text, tmp_out(out, sizeof(out)), &err);

		assert_null(plan);
		assert_int_equal(err.code, -E2BIG);
		assert_non_null(strstr(err.diag[0].msg, "--learn's included"));
	}
}

/* ---- the record ------------------------------------------------------------------------- */

static void test_record(void **state)
{
	struct learn_log *log = NULL;
	struct sbx_err err = {0};
	int keyctl = seccomp_syscall_resolve_name("keyctl");
	const struct learn_call *c;

	(void)state;
	assert_int_equal(learn_log_new(&log, &err), 0);
	assert_true(log->notif_size >= sizeof(struct seccomp_notif));
	for (uint64_t i = 0; i < 12; i++) {
		uint64_t a[3] = {i % 10, 7, 0};

		assert_int_equal(learn_log_add(log, AUDIT_ARCH_X86_64, keyctl, a), 0);
	}
	assert_int_equal(learn_log_add(log, AUDIT_ARCH_X86_64, 100000, (uint64_t[3]){1, 2, 3}), 0);
	assert_int_equal(log->n_calls, 2);
	c = &log->calls[0];
	assert_string_equal(c->name, "keyctl");
	assert_int_equal(c->count, 12);
	/* Ten distinct tuples were seen: the first LEARN_ARGS_MAX are kept, in order. */
	assert_int_equal(c->n_args, LEARN_ARGS_MAX);
	for (size_t i = 0; i < LEARN_ARGS_MAX; i++) {
		assert_int_equal(c->args[i][0], i);
		assert_int_equal(c->args[i][1], 7);
	}
	/* A number libseccomp can't name is kept, without a name. */
	assert_null(log->calls[1].name);
	assert_int_equal(log->calls[1].count, 1);
	learn_log_free(log);
}

/* ---- OUT.cfg ------------------------------------------------------------------------------ */

static const struct learn_entry allow[] = {{"@io-uring", {"app.cfg", 4}}};
static const struct learn_entry deny[] = {
    {"ptrace", {"app.cfg", 5}}, {"personality", {"app.cfg", 6}}, {"@debug", {"app.cfg", 7}}};
static const struct learn_entry ruled[] = {{"socket", {"app.cfg", 9}}};

static struct learn_log *sample_log(void)
{
	struct learn_log *log = NULL;
	struct sbx_err err = {0};

	assert_int_equal(learn_log_new(&log, &err), 0);
	assert_int_equal(learn_log_add(log, AUDIT_ARCH_X86_64,
				       seccomp_syscall_resolve_name("socket"),
				       (uint64_t[3]){2, 1, 0}),
			 0);
	assert_int_equal(learn_log_add(log, AUDIT_ARCH_X86_64,
				       seccomp_syscall_resolve_name("personality"),
				       (uint64_t[3]){0x40000, 0, 0}),
			 0);
	assert_int_equal(learn_log_add(log, AUDIT_ARCH_X86_64,
				       seccomp_syscall_resolve_name("personality"),
				       (uint64_t[3]){0x40000, 0, 0}),
			 0);
	assert_int_equal(learn_log_add(log, AUDIT_ARCH_X86_64,
				       seccomp_syscall_resolve_name("keyctl"),
				       (uint64_t[3]){0, 0xfffffffd, 0}),
			 0);
	return log;
}

static void test_text(void **state)
{
	static const char *const include[] = {"default", "my \"odd\"\\dir/a\nb.cfg"};
	const struct step_learn s = {
	    .out = "out.cfg",
	    .include = include,
	    .n_include = 2,
	    .allow = allow,
	    .n_allow = 1,
	    .deny = deny,
	    .n_deny = 3,
	    .ruled = ruled,
	    .n_ruled = 1,
	};
	struct learn_log *log = sample_log();
	_cleanup_free_ char *text = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(learn_text(log, &s, &text, &n), 0);
	/* Names sorted; personality leaves deny (a name in both lists is a conflict); the rule
	 * on socket is pointed out, since allow can't lift it. */
	assert_string_equal(
	    text,
	    "# Written by sbx --learn: the profiles below, and every syscall the command made\n"
	    "# that they would have denied, with how often and the first arguments seen (a\n"
	    "# syscall's unused arguments show what its registers held).\n"
	    "include = [ \"default\", \"my \\\"odd\\\"\\\\dir/a\\x0ab.cfg\" ];\n"
	    "# note: socket: the rule at app.cfg:9 still decides the calls it matches\n"
	    "security = {\n"
	    "  seccomp = {\n"
	    "    allow = [\n"
	    "      \"@io-uring\", # kept from app.cfg:4\n"
	    "      \"keyctl\", # seen 1 time; a0..a2: (0x0, 0xfffffffd, 0x0)\n"
	    "      \"personality\", # seen 2 times; a0..a2: (0x40000, 0x0, 0x0)\n"
	    "      \"socket\" # seen 1 time; a0..a2: (0x2, 0x1, 0x0)\n"
	    "    ];\n"
	    "    deny = [\n"
	    "      \"ptrace\", # kept from app.cfg:5\n"
	    "      # dropped, now allowed: personality from app.cfg:6\n"
	    "      \"@debug\" # kept from app.cfg:7\n"
	    "    ];\n"
	    "  };\n"
	    "};\n");
	assert_int_equal(n, 3);
	learn_log_free(log);
}

/* What OUT.cfg says is a profile sbx loads and compiles, and it allows what was seen. */
static void test_text_loads(void **state)
{
	static const char *const include[] = {"default"};
	const struct step_learn s = {.include = include,
				     .n_include = 1,
				     .allow = allow,
				     .n_allow = 1,
				     .deny = deny,
				     .n_deny = 3};
	struct learn_log *log = sample_log();
	_cleanup_free_ char *text = NULL;
	_cleanup_(profile_freep) struct profile *p = NULL;
	struct filter_prog f = {0};
	struct sbx_err err = {0};
	size_t n = 0;

	(void)state;
	assert_int_equal(learn_text(log, &s, &text, &n), 0);
	if (profile_parse_string(text, "out.cfg", &p, &err) != 0)
		fail_msg("%s:%u: %s\n%s", err.diag[0].file, err.diag[0].line, err.diag[0].msg,
			 text);
	assert_true(p->security.seccomp.preset_default); /* from the included default */
	assert_int_equal(p->security.seccomp.n_allow, 4);
	assert_string_equal(p->security.seccomp.allow[2].name, "personality");
	assert_int_equal(p->security.seccomp.n_deny, 2);
	if (filter_compile(p, NULL, &f, &err) != 0)
		fail_msg("%s:%u: %s\n%s", err.diag[0].file, err.diag[0].line, err.diag[0].msg,
			 text);
	free(f.insns);
	learn_log_free(log);
}

/* The command line's settings go into OUT.cfg after the include, each group once (two --set
 * of one group, two of a list appended, seccomp's own group shared with the learned allow), so
 * loading OUT.cfg gives the policy that was learned; a mount option is named in a note. */
static void test_text_sets(void **state)
{
	static const char *const include[] = {"default"};
	static const char *const sets[] = {
	    "security.seccomp.deny_action=\"kill\"",
	    "security.seccomp.errno=EACCES",
	    "process.cwd=\"/tmp\"",
	    "security.seccomp.rules=( { syscall = \"read\"; args = [ \"a0 == 99\" ]; } )",
	    "security.seccomp.rules=( { syscall = \"write\"; args = [ \"a0 == 98\" ]; } )",
	    "hostname=box",
	    "security.seccomp.errno=EXDEV",
	};
	static const char *const origins[] = {"--set security.seccomp.deny_action=\"kill\"",
					      "--set security.seccomp.errno=EACCES",
					      "--cwd /tmp",
					      "--set rules 1",
					      "--set rules 2",
					      "--hostname box",
					      "--set security.seccomp.errno=EXDEV"};
	static const char *const dropped[] = {"--bind /srv"};
	const struct step_learn s = {.include = include,
				     .n_include = 1,
				     .allow = allow,
				     .n_allow = 1,
				     .deny = deny,
				     .n_deny = 3,
				     .sets = sets,
				     .set_origins = origins,
				     .n_sets = 7,
				     .dropped = dropped,
				     .n_dropped = 1};
	struct learn_log *log = sample_log();
	_cleanup_free_ char *text = NULL;
	_cleanup_(profile_freep) struct profile *p = NULL;
	struct sbx_err err = {0};
	size_t n = 0;

	(void)state;
	assert_int_equal(learn_text(log, &s, &text, &n), 0);
	if (!strstr(text, "include = [ \"default\" ];\n# Given on the command line") ||
	    !strstr(text, "\n#   --set security.seccomp.deny_action=\"kill\"\n") ||
	    !strstr(text, "\n#   --cwd /tmp\n") ||
	    !strstr(text, "\n# note: --bind /srv: a mount from the command line is not carried"))
		fail_msg("%s", text);
	if (profile_parse_string(text, "out.cfg", &p, &err) != 0)
		fail_msg("%s:%u: %s\n%s", err.diag[0].file, err.diag[0].line, err.diag[0].msg,
			 text);
	assert_int_equal(p->security.seccomp.deny_action, SECCOMP_ACT_KILL);
	assert_int_equal(p->security.seccomp.errno_value, EXDEV); /* the later --set */
	assert_int_equal(p->security.seccomp.n_rules, 2);	  /* appended */
	assert_string_equal(p->security.seccomp.rules[1].syscall, "write");
	assert_int_equal(p->security.seccomp.n_allow, 4); /* the learned list, beside them */
	assert_string_equal(p->hostname, "box");
	assert_string_equal(p->process.cwd, "/tmp");
	learn_log_free(log);
}

/* ---- the write ---------------------------------------------------------------------------- */

static size_t count_entries(const char *dir)
{
	char cmd[PATH_MAX + 32], buf[16] = "";
	FILE *f;

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", dir);
	f = popen(cmd, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	pclose(f);
	return (size_t)atoi(buf);
}

static void test_write_file(void **state)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], buf[64] = "";
	struct sbx_err err = {0};
	struct stat st;
	int fd;

	(void)state;
	unit_path(dir, sizeof(dir), "write");
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/out.cfg", dir);
	assert_int_equal(learn_write_file(path, "one\n", &err), 0);
	assert_int_equal(learn_write_file(path, "two\n", &err), 0); /* replaced */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, buf, sizeof(buf)), 4);
	close(fd);
	assert_string_equal(buf, "two\n");
	assert_int_equal(count_entries(dir), 1); /* no temporary file left */

	/* Never over a directory, a symlink or a fifo: each stays, and nothing is left. */
	snprintf(path, sizeof(path), "%s/d.cfg", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(learn_write_file(path, "x\n", &err), -EEXIST);
	assert_non_null(strstr(err.diag[0].msg, "is not a regular file"));
	snprintf(path, sizeof(path), "%s/l.cfg", dir);
	assert_int_equal(symlink("out.cfg", path), 0);
	assert_int_equal(learn_write_file(path, "x\n", &err), -EEXIST);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	snprintf(path, sizeof(path), "%s/f.cfg", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(learn_write_file(path, "x\n", &err), -EEXIST);
	assert_int_equal(count_entries(dir), 4);
	snprintf(path, sizeof(path), "%s/no/such/dir.cfg", dir);
	assert_int_equal(learn_write_file(path, "x\n", &err), -ENOENT);
}

/* ---- the loop, in the kernel ---------------------------------------------------------------- */

/* In the child: the calls the profile denies, each 0 when it went through. */
static int denied_calls(void)
{
	if (syscall(SYS_personality, 0x0040000, 0, 0) < 0)
		return 1;
	if (syscall(SYS_personality, 0x0040000, 0, 0) < 0)
		return 2;
	if (syscall(SYS_getppid) < 0) /* denied by name */
		return 3;
	if (syscall(SYS_getpid) < 0) /* allowed: never reaches sbx */
		return 4;
	return 0;
}

/* A child loads @plan's learn filter and makes denied_calls(), while this process serves the
 * listener from its wait, as the executor's waits do: the child's wait status. */
static int learn_in_child(const struct plan *plan, struct run_ctx *ctx)
{
	const struct step *seccomp = plan_first(plan, STEP_SECCOMP);
	int sv[2], status = -1, r;
	pid_t pid;

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	ctx->ch[CH_LEARN][SIDE_PARENT] = sv[0];
	ctx->ch[CH_LEARN][SIDE_CHILD] = sv[1];
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		ctx->side = SIDE_CHILD;
		close(sv[0]);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || filter_run_load(seccomp, ctx) < 0)
			_exit(99);
		_exit(denied_calls());
	}
	close(sv[1]);
	ctx->ch[CH_LEARN][SIDE_CHILD] = -1;
	assert_int_equal(filter_run_learn(plan_first(plan, STEP_SECCOMP_LEARN), ctx), 0);
	assert_non_null(ctx->learn);
	ctx->guard.deadline = wait_now_ms() + 10000;
	/* Without the listener served here the child would block in personality(). */
	r = wait_for_exit(pid, &ctx->guard, &status);
	if (r < 0) { /* a child blocked in a call nobody answers: don't leave it behind */
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	assert_int_equal(r, 0);
	return status;
}

static const struct learn_call *seen(const struct learn_log *log, const char *name)
{
	for (size_t i = 0; i < log->n_calls; i++)
		if (log->calls[i].name && strcmp(log->calls[i].name, name) == 0)
			return &log->calls[i];
	return NULL;
}

static void run_undo(struct run_ctx *ctx)
{
	for (size_t i = ctx->n_undo; i-- > 0;)
		ctx->undo[i].fn(ctx->undo[i].s, ctx);
	ctx->n_undo = 0;
	close(ctx->ch[CH_LEARN][SIDE_PARENT]);
}

#define LOOP_CTX(e)                                                                                \
	{                                                                                          \
		.side = SIDE_PARENT, .ch = RUN_CHANNELS_NONE, .err = (e), .verbose = -1,           \
		.guard = {                                                                         \
			.sigfd = -1                                                                \
		}                                                                                  \
	}

static void test_notify_loop(void **state)
{
	char out[PATH_MAX], text[4096];
	struct sbx_err err = {0};
	_cleanup_(plan_freep) struct plan *plan = learn_plan(
	    "security = { seccomp = { preset = \"default\"; deny = [ \"getppid\" ]; }; };\n",
	    tmp_out(out, sizeof(out)), &err);
	struct run_ctx ctx = LOOP_CTX(&err);
	const struct learn_call *pers, *ppid;
	int status;
	size_t n;
	FILE *f;

	(void)state;
	assert_non_null(plan);
	status = learn_in_child(plan, &ctx);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	pers = seen(ctx.learn, "personality");
	ppid = seen(ctx.learn, "getppid");
	assert_non_null(pers);
	assert_int_equal(pers->count, 2);
	assert_int_equal(pers->n_args, 1);
	assert_int_equal(pers->args[0][0], 0x0040000);
	assert_non_null(ppid);
	assert_int_equal(ppid->count, 1);
	assert_null(seen(ctx.learn, "getpid")); /* allowed: never sent to sbx */

	/* learn-write: the profile, with the two syscalls; the listener is closed. What it wrote
	 * is left for the executor to say (only main.c and exec.c print). */
	assert_int_equal(filter_run_learn_write(plan_first(plan, STEP_LEARN_WRITE), &ctx), 0);
	assert_string_equal(ctx.learned.out, out);
	assert_int_equal(ctx.learned.n_allowed, 2);
	assert_null(ctx.guard.serve.fn);
	assert_int_equal(ctx.learn->listener, -1);
	run_undo(&ctx);
	assert_null(ctx.learn);
	f = fopen(out, "re");
	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = 0;
	if (!strstr(text, "/app.cfg\" ];\n") ||
	    !strstr(text, "      \"getppid\", # seen 1 time; ") ||
	    !strstr(text, "      \"personality\" # seen 2 times; a0..a2: (0x40000, 0x0, 0x0)\n") ||
	    !strstr(text, "    deny = [\n      # dropped, now allowed: getppid from app.cfg:1\n"))
		fail_msg("%s", text);
}

/* Everything denied but two calls: the child's own sendmsg() of the listener, which goes out
 * before anyone can answer, still gets through (and is not recorded), and so does the rest. */
static void test_notify_loop_deny_all(void **state)
{
	char out[PATH_MAX];
	struct sbx_err err = {0};
	_cleanup_(plan_freep) struct plan *plan =
	    learn_plan("security = { seccomp = { default_action = \"errno\";\n"
		       "  allow = [ \"getpid\", \"exit_group\" ]; }; };\n",
		       tmp_out(out, sizeof(out)), &err);
	struct run_ctx ctx = LOOP_CTX(&err);
	int status;

	(void)state;
	assert_non_null(plan);
	status = learn_in_child(plan, &ctx);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_non_null(seen(ctx.learn, "personality"));
	assert_non_null(seen(ctx.learn, "getppid"));
	assert_null(seen(ctx.learn, "sendmsg"));
	assert_null(seen(ctx.learn, "getpid"));
	run_undo(&ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plan),	 cmocka_unit_test(test_plan_errors),
	    cmocka_unit_test(test_plan_too_big), cmocka_unit_test(test_record),
	    cmocka_unit_test(test_text),	 cmocka_unit_test(test_text_loads),
	    cmocka_unit_test(test_text_sets),	 cmocka_unit_test(test_write_file),
	    cmocka_unit_test(test_notify_loop),	 cmocka_unit_test(test_notify_loop_deny_all),
	};

	return cmocka_run_group_tests(tests, unit_tmp_setup, unit_tmp_teardown);
}
