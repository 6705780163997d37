/* test_filter.c — the seccomp compiler: groups and the preset, precedence, argument rules,
 * actions, errors at their lines, and the program itself. Verdicts come from running the
 * exported BPF in a small interpreter here (every call at once, no privileges), and a few from
 * the kernel, in a forked child that loads the program. */
#include "unit.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plan/plan.h"
#include "plan/policy.h"
#include "profile/profile.h"
#include "sys/filter/filter.h"
#include "sys/filter/tables.h"
#include "util/cleanup.h"

#include "caller.h"

#define ALLOW SECCOMP_RET_ALLOW
#define ERRNO(e) (SECCOMP_RET_ERRNO | (e))

struct prog {
	struct filter_prog f;
};

static void prog_free(struct prog *p)
{
	free(p->f.insns);
}

static struct profile *parse(const char *text)
{
	struct profile *p = NULL;
	struct sbx_err err = {0};

	if (profile_parse_string(text, "t.cfg", &p, &err) != 0)
		fail_msg("profile error: %s:%u: %s", err.diag[0].file, err.diag[0].line,
			 err.diag[0].msg);
	return p;
}

/* The program for security.seccomp = { @body }. */
static struct prog compile(const char *body)
{
	char text[4096];
	_cleanup_(profile_freep) struct profile *p = NULL;
	struct sbx_err err = {0};
	struct prog out = {{0}};

	snprintf(text, sizeof(text), "security = { seccomp = {\n%s\n}; };\n", body);
	p = parse(text);
	if (filter_compile(p, NULL, &out.f, &err) != 0)
		fail_msg("compile error: %s:%u: %s", err.diag[0].file, err.diag[0].line,
			 err.diag[0].msg);
	assert_true(out.f.n_insns > 0);
	return out;
}

/* @body fails to compile with a first error at t.cfg:@line containing @msg. */
static void expect_error(const char *body, unsigned line, const char *msg)
{
	char text[4096];
	_cleanup_(profile_freep) struct profile *p = NULL;
	struct sbx_err err = {0};
	struct filter_prog f = {0};
	int r;

	snprintf(text, sizeof(text), "security = { seccomp = {\n%s\n}; };\n", body);
	p = parse(text);
	r = filter_compile(p, NULL, &f, &err);
	free(f.insns);
	if (r >= 0 || err.n == 0)
		fail_msg("no error for: %s", body);
	assert_string_equal(err.diag[0].file, "t.cfg");
	if (err.diag[0].line != line || !strstr(err.diag[0].msg, msg))
		fail_msg("for: %s\nwant line %u with \"%s\", got line %u: %s", body, line, msg,
			 err.diag[0].line, err.diag[0].msg);
}

/* ---- a classic-BPF interpreter for what libseccomp emits --------------------------------- */

static uint32_t run_bpf(const struct prog *p, uint32_t arch, int nr, const uint64_t args[6])
{
	const struct sock_filter *insn = p->f.insns;
	struct seccomp_data d = {.nr = nr, .arch = arch};
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {0};

	if (args)
		memcpy(d.args, args, sizeof(d.args));
	for (size_t pc = 0; pc < p->f.n_insns; pc++) {
		const struct sock_filter *i = &insn[pc];
		uint32_t src = BPF_SRC(i->code) == BPF_X ? x : i->k;
		bool jump = false;

		switch (BPF_CLASS(i->code)) {
		case BPF_LD:
			if (BPF_MODE(i->code) == BPF_ABS)
				memcpy(&a, (const char *)&d + i->k, 4);
			else if (BPF_MODE(i->code) == BPF_MEM)
				a = mem[i->k];
			else if (BPF_MODE(i->code) == BPF_IMM)
				a = i->k;
			else
				fail_msg("ld mode %#x", i->code);
			continue;
		case BPF_LDX:
			x = BPF_MODE(i->code) == BPF_MEM ? mem[i->k] : i->k;
			continue;
		case BPF_ST:
			mem[i->k] = a;
			continue;
		case BPF_STX:
			mem[i->k] = x;
			continue;
		case BPF_ALU:
			switch (BPF_OP(i->code)) {
			case BPF_AND:
				a &= src;
				break;
			case BPF_OR:
				a |= src;
				break;
			default:
				fail_msg("alu op %#x", i->code);
			}
			continue;
		case BPF_MISC:
			if (BPF_MISCOP(i->code) == BPF_TAX)
				x = a;
			else
				a = x;
			continue;
		case BPF_RET:
			return BPF_RVAL(i->code) == BPF_A ? a : i->k;
		case BPF_JMP:
			switch (BPF_OP(i->code)) {
			case BPF_JA:
				pc += i->k;
				continue;
			case BPF_JEQ:
				jump = a == src;
				break;
			case BPF_JGT:
				jump = a > src;
				break;
			case BPF_JGE:
				jump = a >= src;
				break;
			case BPF_JSET:
				jump = (a & src) != 0;
				break;
			default:
				fail_msg("jmp op %#x", i->code);
			}
			pc += jump ? i->jt : i->jf;
			continue;
		}
		fail_msg("insn %#x", i->code);
	}
	fail_msg("fell off the program");
	return 0;
}

static uint32_t verdict(const struct prog *p, const char *name, uint64_t a0, uint64_t a1)
{
	uint64_t args[6] = {a0, a1, 0, 0, 0, 0};
	int nr = seccomp_syscall_resolve_name(name);

	assert_true(nr >= 0);
	return run_bpf(p, AUDIT_ARCH_X86_64, nr, args);
}

/* ---- groups and the preset ---------------------------------------------------------------- */

static bool known_somewhere(const char *name)
{
	static const char *const arches[] = {"x86_64", "x86",	"x32",	"aarch64", "arm",
					     "ppc64",  "s390x", "mips", "riscv64"};

	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++) {
		uint32_t a = seccomp_arch_resolve_name(arches[i]);

		if (a && seccomp_syscall_resolve_name_arch(a, name) != __NR_SCMP_ERROR)
			return true;
	}
	return false;
}

/* Every member is a syscall of some architecture (no typo is skipped silently) or a group,
 * and every group has a member on this one. */
static void test_groups_resolve(void **state)
{
	(void)state;
	assert_true(filter_n_groups == 17);
	for (size_t i = 0; i < filter_n_groups; i++) {
		const struct filter_group *g = &filter_groups[i];
		size_t here = 0;

		assert_ptr_equal(filter_find_group(g->name), g);
		assert_true(g->reason && *g->reason);
		for (size_t m = 0; m < g->n_members; m++) {
			const char *n = g->members[m];

			if (n[0] == '@') {
				assert_non_null(filter_find_group(n));
				here++;
				continue;
			}
			if (!known_somewhere(n))
				fail_msg("%s: '%s' is no syscall of any architecture", g->name, n);
			here += seccomp_syscall_resolve_name(n) >= 0;
		}
		if (!here)
			fail_msg("%s has no member on this architecture", g->name);
	}
	assert_null(filter_find_group("@io_uring"));
}

/* The list, item by item, is in the preset with a reason. */
static void test_preset_contents(void **state)
{
	static const char *const want[] = {"@module",
					   "@reboot",
					   "@swap",
					   "mount",
					   "umount2",
					   "pivot_root",
					   "move_mount",
					   "open_tree",
					   "fsopen",
					   "fsmount",
					   "fsconfig",
					   "fspick",
					   "mount_setattr",
					   "unshare",
					   "setns",
					   "clone",
					   "clone3",
					   "ptrace",
					   "process_vm_readv",
					   "process_vm_writev",
					   "@keyring",
					   "bpf",
					   "perf_event_open",
					   "userfaultfd",
					   "open_by_handle_at",
					   "name_to_handle_at",
					   "iopl",
					   "ioperm",
					   "acct",
					   "quotactl",
					   "personality",
					   "ioctl",
					   "@clock",
					   "syslog",
					   "vhangup",
					   "@io-uring"};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		bool found = false;

		for (size_t j = 0; j < filter_n_preset_default; j++)
			if (!strcmp(filter_preset_default[j].name, want[i]) &&
			    filter_preset_default[j].reason[0])
				found = true;
		if (!found)
			fail_msg("the preset lacks %s", want[i]);
	}
	assert_non_null(filter_find_group("@module"));
}

static void test_preset_verdicts(void **state)
{
	struct prog p = compile("preset = \"default\";");
	static const char *const denied[] = {"mount",
					     "umount2",
					     "pivot_root",
					     "move_mount",
					     "fsopen",
					     "unshare",
					     "setns",
					     "ptrace",
					     "process_vm_readv",
					     "keyctl",
					     "add_key",
					     "request_key",
					     "bpf",
					     "perf_event_open",
					     "userfaultfd",
					     "kexec_load",
					     "kexec_file_load",
					     "reboot",
					     "init_module",
					     "finit_module",
					     "delete_module",
					     "swapon",
					     "iopl",
					     "ioperm",
					     "acct",
					     "quotactl",
					     "open_by_handle_at",
					     "name_to_handle_at",
					     "clock_settime",
					     "settimeofday",
					     "adjtimex",
					     "syslog",
					     "vhangup",
					     "io_uring_setup",
					     "io_uring_enter",
					     "io_uring_register"};
	static const char *const allowed[] = {"read",	"write", "openat", "getppid", "execve",
					      "socket", "wait4", "fork",   "chroot"};

	(void)state;
	for (size_t i = 0; i < sizeof(denied) / sizeof(denied[0]); i++)
		if (verdict(&p, denied[i], 0, 0) != ERRNO(EPERM))
			fail_msg("%s is not denied", denied[i]);
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (verdict(&p, allowed[i], 0, 0) != ALLOW)
			fail_msg("%s is not allowed", allowed[i]);
	assert_int_equal(verdict(&p, "clone3", 0, 0), ERRNO(ENOSYS));
	/* clone: fork-like flags pass, each namespace flag is denied */
	assert_int_equal(verdict(&p, "clone", SIGCHLD, 0), ALLOW);
	assert_int_equal(verdict(&p, "clone", CLONE_VM | CLONE_THREAD | CLONE_SIGHAND, 0), ALLOW);
	assert_int_equal(verdict(&p, "clone", CLONE_NEWUSER | SIGCHLD, 0), ERRNO(EPERM));
	assert_int_equal(verdict(&p, "clone", CLONE_NEWNS, 0), ERRNO(EPERM));
	assert_int_equal(verdict(&p, "clone", CLONE_NEWNET | CLONE_NEWPID, 0), ERRNO(EPERM));
	assert_int_equal(verdict(&p, "clone", CLONE_NEWCGROUP, 0), ERRNO(EPERM));
	/* ioctl: only the two requests, whatever the upper 32 bits say */
	assert_int_equal(verdict(&p, "ioctl", 0, 0x5412), ERRNO(EPERM));
	assert_int_equal(verdict(&p, "ioctl", 0, 0xdead00005412ull), ERRNO(EPERM));
	assert_int_equal(verdict(&p, "ioctl", 0, 0x541C), ERRNO(EPERM));
	assert_int_equal(verdict(&p, "ioctl", 0, 0x5401 /* TCGETS */), ALLOW);
	assert_int_equal(verdict(&p, "ioctl", 0, 0x5413 /* TIOCGWINSZ */), ALLOW);
	prog_free(&p);
}

/* personality(2): the harmless values and the query pass, anything else is denied. */
static void test_personality(void **state)
{
	struct prog p = compile("preset = \"default\";");
	static const uint64_t ok[] = {0, 8, 0x20000, 0x20008, 0xffffffff};
	static const uint64_t bad[] = {
	    0x40000,	    0x400000, 0x0200000, 0x8000000, 0x40008,	0x80000000, 0xfffffffe,
	    0x7fffffff,	    1,	      0x10,	 0x28,	    0xfffffff7, 0xfffdffff, 0x100000000ull,
	    0x1ffffffffull, ~0ull,    0x20009};

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (verdict(&p, "personality", ok[i], 0) != ALLOW)
			fail_msg("personality(%#llx) is denied", (unsigned long long)ok[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (verdict(&p, "personality", bad[i], 0) != ERRNO(EPERM))
			fail_msg("personality(%#llx) is allowed", (unsigned long long)bad[i]);
	/* every single bit outside the free ones */
	for (unsigned b = 0; b < 64; b++)
		if (!(FILTER_PERSONALITY_FREE & (1ull << b)) &&
		    verdict(&p, "personality", 1ull << b, 0) != ERRNO(EPERM))
			fail_msg("personality(1 << %u) is allowed", b);
	prog_free(&p);
}

/* Syscalls of other architectures: an i386 call and an x32 number are killed. */
static void test_foreign_arch(void **state)
{
	struct prog p = compile("preset = \"default\";");
	int getpid_nr = seccomp_syscall_resolve_name("getpid");

	(void)state;
	assert_int_equal(run_bpf(&p, AUDIT_ARCH_I386, 20, NULL), SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(run_bpf(&p, AUDIT_ARCH_AARCH64, 172, NULL), SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(run_bpf(&p, AUDIT_ARCH_X86_64, getpid_nr | 0x40000000, NULL),
			 SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(run_bpf(&p, AUDIT_ARCH_X86_64, getpid_nr, NULL), ALLOW);
	prog_free(&p);
}

/* ---- precedence ---------------------------------------------------------------------------- */

static void test_allow_beats_preset(void **state)
{
	struct prog p = compile("preset = \"default\"; allow = [ \"@io-uring\", \"ioctl\" ];");

	(void)state;
	assert_int_equal(verdict(&p, "io_uring_setup", 0, 0), ALLOW);
	assert_int_equal(verdict(&p, "io_uring_enter", 0, 0), ALLOW);
	assert_int_equal(verdict(&p, "ioctl", 0, 0x5412), ALLOW); /* the preset's check is gone */
	assert_int_equal(verdict(&p, "bpf", 0, 0), ERRNO(EPERM));
	prog_free(&p);
}

static void test_name_beats_group(void **state)
{
	struct prog p = compile("deny = [ \"@mount\" ]; allow = [ \"mount\" ];");
	struct prog q = compile("allow = [ \"@mount\" ]; deny = [ \"umount2\" ];\n"
				"default_action = \"errno\";");

	(void)state;
	assert_int_equal(verdict(&p, "mount", 0, 0), ALLOW);
	assert_int_equal(verdict(&p, "umount2", 0, 0), ERRNO(EPERM));
	assert_int_equal(verdict(&p, "getppid", 0, 0), ALLOW);
	assert_int_equal(verdict(&q, "mount", 0, 0), ALLOW);
	assert_int_equal(verdict(&q, "umount2", 0, 0), ERRNO(EPERM));
	assert_int_equal(verdict(&q, "getppid", 0, 0), ERRNO(EPERM));
	prog_free(&p);
	prog_free(&q);
}

static void test_deny_beats_preset_action(void **state)
{
	struct prog p = compile("preset = \"default\"; deny_action = \"kill\";\n"
				"deny = [ \"ioctl\" ];");

	(void)state;
	assert_int_equal(verdict(&p, "mount", 0, 0), SECCOMP_RET_KILL_THREAD);
	assert_int_equal(verdict(&p, "ioctl", 0, 0x5401), SECCOMP_RET_KILL_THREAD);
	assert_int_equal(verdict(&p, "clone3", 0, 0), ERRNO(ENOSYS)); /* ENOSYS whatever */
	prog_free(&p);
}

static void test_conflicts(void **state)
{
	(void)state;
	expect_error("allow = [ \"ptrace\" ];\ndeny = [ \"read\",\n  \"ptrace\" ];", 4,
		     "conflicting actions: 'ptrace' is also allowed at t.cfg:2");
	expect_error("allow = [ \"@privileged\" ];\ndeny = [ \"@clock\" ];", 3,
		     "conflicting actions: 'adjtimex' (in @clock)");
	expect_error("rules = ( { syscall = \"socket\"; action = \"kill\"; },\n"
		     "  { syscall = \"socket\"; action = \"errno\"; } );",
		     3, "conflicting actions");
}

/* ---- rules and actions ---------------------------------------------------------------------- */

static void test_rules(void **state)
{
	struct prog p = compile(
	    "rules = ( { syscall = \"socket\"; errno = \"EAFNOSUPPORT\"; args = [ \"a0 == 2\" ]; "
	    "},\n"
	    " { syscall = \"write\"; action = \"kill\"; args = [ \"a0 >= 100\", \"a2 < 3\" ]; },\n"
	    " { syscall = \"mmap\"; args = [ \"a2 & 0x4 == 4\" ]; } );");
	struct prog q = compile("deny = [ \"socket\" ];\n"
				"rules = ( { syscall = \"socket\"; action = \"allow\";\n"
				"  args = [ \"a0 == 1\" ]; } );");

	(void)state;
	assert_int_equal(verdict(&p, "socket", 2, 1), ERRNO(EAFNOSUPPORT));
	assert_int_equal(verdict(&p, "socket", 1, 1), ALLOW);
	assert_int_equal(verdict(&p, "socket", 10, 1), ALLOW);
	{
		uint64_t args[6] = {100, 0, 2, 0, 0, 0};
		int nr = seccomp_syscall_resolve_name("write");

		assert_int_equal(run_bpf(&p, AUDIT_ARCH_X86_64, nr, args), SECCOMP_RET_KILL_THREAD);
		args[2] = 3;
		assert_int_equal(run_bpf(&p, AUDIT_ARCH_X86_64, nr, args), ALLOW);
		args[0] = 99, args[2] = 0;
		assert_int_equal(run_bpf(&p, AUDIT_ARCH_X86_64, nr, args), ALLOW);
	}
	{
		uint64_t args[6] = {0, 4096, 7, 0, 0, 0};
		int nr = seccomp_syscall_resolve_name("mmap");

		assert_int_equal(run_bpf(&p, AUDIT_ARCH_X86_64, nr, args), ERRNO(EPERM));
		args[2] = 3;
		assert_int_equal(run_bpf(&p, AUDIT_ARCH_X86_64, nr, args), ALLOW);
	}
	/* deny socket, but a rule lets AF_UNIX through */
	{
		struct prog r = compile("rules = ( { syscall = \"ioctl\"; action = \"allow\";\n"
					"  args = [ \"a1 == 0x5413\" ]; } );");

		assert_int_equal(verdict(&r, "ioctl", 0, 0x5413), ALLOW); /* nothing to add */
		prog_free(&r);
	}
	assert_int_equal(verdict(&q, "socket", 1, 1), ALLOW);
	assert_int_equal(verdict(&q, "socket", 2, 1), ERRNO(EPERM));
	prog_free(&p);
	prog_free(&q);
}

static void test_actions(void **state)
{
	struct prog kill = compile("deny = [ \"ptrace\" ]; deny_action = \"kill_process\";");
	struct prog trap = compile("deny = [ \"ptrace\" ]; deny_action = \"trap\";");
	struct prog log = compile("deny = [ \"ptrace\" ]; deny_action = \"log\";");
	struct prog eacces = compile("deny = [ \"ptrace\" ]; errno = \"EACCES\";");
	struct prog deflt = compile("default_action = \"kill\"; allow = [ \"read\" ];");
	/* The largest errno the profile takes is one libseccomp takes too. */
	struct prog top = compile("deny = [ \"ptrace\" ]; errno = 4094;");

	(void)state;
	assert_int_equal(verdict(&top, "ptrace", 0, 0), ERRNO(4094));
	prog_free(&top);
	assert_int_equal(verdict(&kill, "ptrace", 0, 0), SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(verdict(&trap, "ptrace", 0, 0), SECCOMP_RET_TRAP);
	assert_int_equal(verdict(&log, "ptrace", 0, 0), SECCOMP_RET_LOG);
	assert_int_equal(verdict(&eacces, "ptrace", 0, 0), ERRNO(EACCES));
	assert_int_equal(verdict(&deflt, "read", 0, 0), ALLOW);
	assert_int_equal(verdict(&deflt, "write", 0, 0), SECCOMP_RET_KILL_THREAD);
	prog_free(&kill);
	prog_free(&trap);
	prog_free(&log);
	prog_free(&eacces);
	prog_free(&deflt);
}

/* Learn mode's entry point: every denial becomes the caller's action; allow stays. */
static void test_override(void **state)
{
	_cleanup_(profile_freep) struct profile *p =
	    parse("security = { seccomp = { preset = \"default\"; deny = [ \"ptrace\" ];\n"
		  "default_action = \"errno\"; allow = [ \"read\" ]; }; };\n");
	struct filter_opts o = {.override = true, .deny_action = SCMP_ACT_NOTIFY};
	struct sbx_err err = {0};
	struct prog x = {{0}};

	(void)state;
	assert_int_equal(filter_compile(p, &o, &x.f, &err), 0);
	assert_int_equal(verdict(&x, "ptrace", 0, 0), SECCOMP_RET_USER_NOTIF);
	assert_int_equal(verdict(&x, "getppid", 0, 0), SECCOMP_RET_USER_NOTIF);
	assert_int_equal(verdict(&x, "read", 0, 0), ALLOW);
	assert_int_equal(verdict(&x, "clone3", 0, 0), ERRNO(ENOSYS));
	prog_free(&x);
}

/* A default that denies keeps the base: what the command needs to start and end, and what
 * sbx's exec step does under the filter; even a group in deny doesn't take it away. */
static void test_base(void **state)
{
	static const char *const base[] = {"execve",	 "execveat",	 "exit",
					   "exit_group", "rt_sigreturn", "close_range"};
	struct prog x = compile("default_action = \"errno\"; deny_action = \"kill\";\n"
				"deny = [ \"@process\" ]; allow = [ \"read\" ];");
	struct prog k = compile("default_action = \"kill_process\";");
	struct prog a = compile("deny = [ \"@process\" ];");
	struct prog r = compile("default_action = \"errno\";\n"
				"rules = ( { syscall = \"execve\"; args = [ \"a0 == 0\" ]; } );");

	(void)state;
	for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++) {
		if (verdict(&x, base[i], 0, 0) != ALLOW || verdict(&k, base[i], 0, 0) != ALLOW)
			fail_msg("%s is not in the base", base[i]);
	}
	assert_int_equal(verdict(&x, "read", 0, 0), ALLOW);
	assert_int_equal(verdict(&x, "getppid", 0, 0), ERRNO(EPERM));
	assert_int_equal(verdict(&x, "fork", 0, 0), SECCOMP_RET_KILL_THREAD);
	assert_int_equal(verdict(&k, "write", 0, 0), SECCOMP_RET_KILL_PROCESS);
	/* With the default allowing there is no base: deny means it. */
	assert_int_equal(verdict(&a, "execve", 0, 0), ERRNO(EPERM));
	/* A rule with conditions still narrows a base call. */
	assert_int_equal(verdict(&r, "execve", 0, 0), ERRNO(EPERM));
	assert_int_equal(verdict(&r, "execve", 1, 0), ALLOW);
	prog_free(&x);
	prog_free(&k);
	prog_free(&a);
	prog_free(&r);
}

/* Naming a base call in deny, or denying it by a rule for every call, is an error at its line,
 * whatever the default. */
static void test_base_errors(void **state)
{
	(void)state;
	expect_error("default_action = \"errno\";\ndeny = [ \"read\",\n  \"execve\" ];", 4,
		     "deny[1]: \"execve\" can't be denied: the command could never start");
	expect_error("deny = [ \"exit_group\" ];", 2, "the command could never exit");
	expect_error("preset = \"default\";\n"
		     "rules = ( { syscall = \"execveat\"; action = \"kill\"; } );",
		     3, "\"execveat\" can't be denied for every call");
}

static void test_errors_at_lines(void **state)
{
	(void)state;
	expect_error("allow = [ \"read\",\n  \"frobnicate\" ];", 3,
		     "allow[1]: \"frobnicate\" is no syscall");
	expect_error("deny = [ \"@nonsense\" ];", 2, "deny[0]: \"@nonsense\" is no group");
	expect_error("deny = [ \"socketcall\" ];", 2, "is no syscall of this architecture");
	expect_error("rules = ( { syscall = \"read\"; args = [ \"a0 == 1\" ]; },\n"
		     "  { syscall = \"nosuchcall\"; } );",
		     3, "\"nosuchcall\" is no syscall");
	expect_error(
	    "preset = \"default\";\n"
	    "rules = ( { syscall = \"ioctl\"; action = \"allow\"; args = [ \"a1 == 21522\" "
	    "]; } );",
	    3, "the preset checks its arguments");
	expect_error("deny = [ \"socket\" ];\n"
		     "rules = ( { syscall = \"socket\"; action = \"allow\"; args = [ \"a0 & 1 == "
		     "1\" ]; } );",
		     3, "only around a rule without '&'");
}

/* A rule's errno needs the action errno, the one it gives or deny_action, which another file
 * may set: checked on the merged profile, at the errno's line. */
static void test_rule_errno_needs_errno(void **state)
{
	_cleanup_(profile_freep) struct profile *p = profile_new();
	struct sbx_err err = {0};
	struct filter_prog f = {0};
	struct prog ok = compile("deny_action = \"kill\";\n"
				 "rules = ( { syscall = \"socket\"; action = \"errno\";\n"
				 "  errno = \"EACCES\"; } );");

	(void)state;
	assert_int_equal(verdict(&ok, "socket", 0, 0), ERRNO(EACCES));
	prog_free(&ok);
	expect_error("deny_action = \"kill\";\n"
		     "rules = ( { syscall = \"socket\";\n"
		     "  errno = \"EACCES\"; } );",
		     4,
		     "the rule for 'socket' has an errno and no action, so deny_action's \"kill\"");
	assert_int_equal(profile_load_string(p,
					     "security = { seccomp = { rules = ( {\n"
					     "  syscall = \"socket\";\n"
					     "  errno = \"EACCES\"; } ); }; };\n",
					     "a.cfg", &err),
			 0);
	assert_int_equal(
	    profile_load_string(p, "security = { seccomp = { deny_action = \"trap\"; }; };\n",
				"b.cfg", &err),
	    0);
	assert_int_equal(filter_compile(p, NULL, &f, &err), -EINVAL);
	free(f.insns);
	assert_string_equal(err.diag[0].file, "a.cfg");
	assert_int_equal(err.diag[0].line, 3);
	assert_non_null(strstr(err.diag[0].msg, "deny_action's \"trap\""));
}

/* A rule libseccomp refuses is an error at the setting it came from: the deny entry, the
 * preset. The errno is set past the parser, which refuses it, to make libseccomp refuse. */
static void test_refused_at_lines(void **state)
{
	static const struct {
		const char *text;
		unsigned line;
	} cases[] = {
	    {"security = { seccomp = {\n deny = [ \"ptrace\",\n  \"getppid\" ]; }; };\n", 2},
	    {"security = { seccomp = {\n allow = [ \"ptrace\" ];\n preset = \"default\"; }; };\n",
	     3},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		_cleanup_(profile_freep) struct profile *p = parse(cases[i].text);
		struct sbx_err err = {0};
		struct filter_prog f = {0};

		p->security.seccomp.errno_value = 4095;
		assert_int_equal(filter_compile(p, NULL, &f, &err), -EINVAL);
		free(f.insns);
		assert_non_null(strstr(err.diag[0].msg, "libseccomp refused the rule"));
		if (!err.diag[0].file[0] || strcmp(err.diag[0].file, "t.cfg") != 0 ||
		    err.diag[0].line != cases[i].line)
			fail_msg("%s: want t.cfg:%u, got '%s':%u: %s", cases[i].text, cases[i].line,
				 err.diag[0].file, err.diag[0].line, err.diag[0].msg);
	}
}

static void test_no_new_privs_off(void **state)
{
	_cleanup_(profile_freep) struct profile *p =
	    parse("security = { no_new_privs = false;\n seccomp = { preset = \"default\"; }; };\n");
	_cleanup_(plan_freep) struct plan *plan = NULL;
	char *argv[] = {"/bin/true", NULL};
	struct sbx_caller c = unit_caller(1000, argv, argv + 1);
	struct sbx_err err = {0};

	(void)state;
	assert_int_equal(policy_compile(p, &c, &plan, &err), -EPERM);
	assert_int_equal(err.diag[0].line, 2);
	assert_non_null(strstr(err.diag[0].msg, "no_new_privs"));
}

/* The step: last before exec, described with the profile lines behind it. */
static void test_plan_step(void **state)
{
	_cleanup_(profile_freep) struct profile *p = parse(
	    "security = { seccomp = {\n preset = \"default\";\n allow = [ \"@io-uring\" ];\n"
	    " rules = ( { syscall = \"socket\"; errno = \"EAFNOSUPPORT\"; args = [ \"a0 == 2\", "
	    "\"a1 & 0xf == 1\" ]; } );\n}; };\n");
	_cleanup_(plan_freep) struct plan *plan = NULL;
	char *argv[] = {"/bin/true", NULL};
	struct sbx_caller c = unit_caller(1000, argv, argv + 1);
	struct sbx_err err = {0};
	const struct step *s;
	char text[1024];

	(void)state;
	assert_int_equal(policy_compile(p, &c, &plan, &err), 0);
	s = plan_first(plan, STEP_SECCOMP);
	assert_non_null(s);
	assert_int_equal(s[1].kind, STEP_EXEC);
	assert_int_equal(s->loc.line, 2);
	plan_describe(s, text, sizeof(text));
	if (!strstr(text, "seccomp default=allow deny_action=errno(EPERM) insns=") ||
	    !strstr(text, " preset=default allow=@io-uring@t.cfg:3 ") ||
	    !strstr(text, "rules=\"socket(a0==2,a1&0xf==1)=errno(EAFNOSUPPORT)@t.cfg:4\""))
		fail_msg("%s", text);
}

/* The step's line is the setting applied last that shaped the filter (here a --set's
 * default_action over a file's preset); the others set elsewhere keep their own lines. */
static void test_plan_step_lines(void **state)
{
	_cleanup_(profile_freep) struct profile *p = parse("security = { seccomp = {\n"
							   " preset = \"default\";\n"
							   " errno = \"EACCES\";\n"
							   "}; };\n");
	_cleanup_(plan_freep) struct plan *plan = NULL;
	char *argv[] = {"/bin/true", NULL};
	struct sbx_caller c = unit_caller(1000, argv, argv + 1);
	struct sbx_err err = {0};
	const struct step *s;
	char text[1024];

	(void)state;
	assert_int_equal(profile_set(p, "security.seccomp.default_action=errno", &err), 0);
	assert_int_equal(policy_compile(p, &c, &plan, &err), 0);
	s = plan_first(plan, STEP_SECCOMP);
	assert_non_null(s);
	assert_string_equal(s->loc.file, "--set security.seccomp.default_action=errno");
	assert_int_equal(s->loc.line, 0);
	plan_describe(s, text, sizeof(text));
	if (!strstr(text, "seccomp default=errno(EACCES) base=") ||
	    !strstr(text, " deny_action=errno(EACCES) insns=") ||
	    !strstr(text, " preset=default@t.cfg:2 errno=EACCES@t.cfg:3 other_arch="))
		fail_msg("%s", text);
}

/* ---- the kernel's view ---------------------------------------------------------------------- */

/* Load @body's program in a child and run @fn there; the child's wait status. */
static int in_child(const char *body, int (*fn)(void))
{
	_cleanup_(profile_freep) struct profile *p = NULL;
	char text[4096];
	struct sbx_err err = {0};
	struct filter_prog f = {0};
	struct step s = {.kind = STEP_SECCOMP};
	int status;
	pid_t pid;

	snprintf(text, sizeof(text), "security = { seccomp = {\n%s\n}; };\n", body);
	p = parse(text);
	assert_int_equal(filter_compile(p, NULL, &f, &err), 0);
	s.seccomp.insns = f.insns;
	s.seccomp.n_insns = f.n_insns;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || filter_run_load(&s, NULL) < 0)
			_exit(99);
		_exit(fn());
	}
	free(f.insns);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static int call_getppid(void)
{
	return syscall(SYS_getppid) == -1 ? errno : 0;
}

static int call_x32(void)
{
	return syscall(SYS_getpid | 0x40000000) == -1 ? errno : 0;
}

static int call_clone3(void)
{
	return syscall(SYS_clone3, NULL, 0) == -1 ? errno : 0;
}

static void test_kernel_loads(void **state)
{
	int st;

	(void)state;
	st = in_child("deny = [ \"getppid\" ]; errno = \"EACCES\";", call_getppid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), EACCES);
	st = in_child("deny = [ \"getppid\" ]; deny_action = \"kill\";", call_getppid);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGSYS);
	st = in_child("preset = \"default\";", call_getppid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	st = in_child("preset = \"default\";", call_clone3);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), ENOSYS);
	st = in_child("preset = \"default\";", call_x32);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGSYS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_groups_resolve),
	    cmocka_unit_test(test_preset_contents),
	    cmocka_unit_test(test_preset_verdicts),
	    cmocka_unit_test(test_personality),
	    cmocka_unit_test(test_foreign_arch),
	    cmocka_unit_test(test_allow_beats_preset),
	    cmocka_unit_test(test_name_beats_group),
	    cmocka_unit_test(test_deny_beats_preset_action),
	    cmocka_unit_test(test_conflicts),
	    cmocka_unit_test(test_rules),
	    cmocka_unit_test(test_actions),
	    cmocka_unit_test(test_override),
	    cmocka_unit_test(test_base),
	    cmocka_unit_test(test_base_errors),
	    cmocka_unit_test(test_errors_at_lines),
	    cmocka_unit_test(test_refused_at_lines),
	    cmocka_unit_test(test_rule_errno_needs_errno),
	    cmocka_unit_test(test_no_new_privs_off),
	    cmocka_unit_test(test_plan_step),
	    cmocka_unit_test(test_plan_step_lines),
	    cmocka_unit_test(test_kernel_loads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
