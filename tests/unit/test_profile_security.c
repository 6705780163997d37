/* test_profile_security.c — the profile's `security.seccomp` and `security.landlock`: every key's
 * value, the merge rules across files and --set (scalars and arrays replace, rules append), and
 * each error at its line. */
#include "profile_check.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "profile/profile.h"
#include "util/cleanup.h"

static void test_unset_by_default(void **state)
{
	_cleanup_(profile_freep) struct profile *p = profile_new();

	(void)state;
	assert_false(p->security.seccomp.preset_default);
	assert_int_equal(p->security.seccomp.default_action, SECCOMP_ACT_UNSET);
	assert_int_equal(p->security.seccomp.deny_action, SECCOMP_ACT_UNSET);
	assert_int_equal(p->security.seccomp.errno_value, 0);
	assert_int_equal(p->security.seccomp.n_allow, 0);
	assert_int_equal(p->security.seccomp.n_deny, 0);
	assert_int_equal(p->security.seccomp.n_rules, 0);
	assert_false(p->security.landlock.set);
	assert_int_equal(p->security.landlock.n_read, 0);
	assert_int_equal(p->security.landlock.n_write, 0);
	assert_int_equal(p->security.landlock.n_execute, 0);
	assert_int_equal(p->security.landlock.n_bind_tcp, 0);
	assert_int_equal(p->security.landlock.n_connect_tcp, 0);
	assert_false(p->security.landlock.required);
	{
		/* Empty groups ask for nothing. */
		_cleanup_(profile_freep) struct profile *q =
		    parse_ok("security = { seccomp = { }; landlock = { }; };\n");

		assert_false(q->security.landlock.set);
		assert_false(q->security.seccomp.preset_default);
	}
}

static void test_every_seccomp_key(void **state)
{
	_cleanup_(profile_freep) struct profile *p =
	    parse_ok("security = { seccomp = {\n"				    /* 1 */
		     "  preset = \"default\";\n"				    /* 2 */
		     "  default_action = \"log\";\n"				    /* 3 */
		     "  deny_action = \"kill_process\";\n"			    /* 4 */
		     "  errno = \"EACCES\";\n"					    /* 5 */
		     "  allow = [ \"@io-uring\",\n"				    /* 6 */
		     "            \"read\" ];\n"				    /* 7 */
		     "  deny = [ \"@mount\", \"ptrace\",\n"			    /* 8 */
		     "    \"process_vm_readv\"\n"				    /* 9 */
		     "  ]; rules = (\n"						    /* 10 */
		     "    { syscall = \"socket\"; action = \"errno\";\n"	    /* 11 */
		     "      errno = \"EAFNOSUPPORT\";\n"			    /* 12 */
		     "      args = [ \"a0 != 1\", \"a1 & 0x3 == 2\" ]; },\n"	    /* 13 */
		     "    {\n"							    /* 14 */
		     "      syscall = \"personality\";\n"			    /* 15 */
		     "      args = [ \"a0>=0xffffffff\", \"a5<-1\", \"a3 <= 7\",\n" /* 16 */
		     "               \"a2>0\", \"a1 ==18446744073709551615\",\n"    /* 17 */
		     "               \"\ta4&0xF0==0x10 \" ]; },\n"		    /* 18 */
		     "    { syscall = \"ioctl\"; action = \"allow\"; }\n"	    /* 19 */
		     "  );\n"							    /* 20 */
		     "}; };\n");
	const struct seccomp_rule *r;

	(void)state;
	assert_true(p->security.seccomp.preset_default);
	assert_int_equal(p->security.seccomp.preset_loc.line, 2);
	assert_string_equal(p->security.seccomp.preset_loc.file, "t.cfg");
	assert_int_equal(p->security.seccomp.default_action, SECCOMP_ACT_LOG);
	assert_int_equal(p->security.seccomp.default_action_loc.line, 3);
	assert_int_equal(p->security.seccomp.deny_action, SECCOMP_ACT_KILL_PROCESS);
	assert_int_equal(p->security.seccomp.deny_action_loc.line, 4);
	assert_int_equal(p->security.seccomp.errno_value, EACCES);
	assert_int_equal(p->security.seccomp.errno_loc.line, 5);

	/* Each name keeps its own line. */
	assert_int_equal(p->security.seccomp.n_allow, 2);
	assert_string_equal(p->security.seccomp.allow[0].name, "@io-uring");
	assert_int_equal(p->security.seccomp.allow[0].loc.line, 6);
	assert_string_equal(p->security.seccomp.allow[1].name, "read");
	assert_int_equal(p->security.seccomp.allow[1].loc.line, 7);
	assert_string_equal(p->security.seccomp.allow[1].loc.file, "t.cfg");
	assert_int_equal(p->security.seccomp.n_deny, 3);
	assert_string_equal(p->security.seccomp.deny[0].name, "@mount");
	assert_int_equal(p->security.seccomp.deny[0].loc.line, 8);
	assert_string_equal(p->security.seccomp.deny[1].name, "ptrace");
	assert_int_equal(p->security.seccomp.deny[1].loc.line, 8);
	assert_string_equal(p->security.seccomp.deny[2].name, "process_vm_readv");
	assert_int_equal(p->security.seccomp.deny[2].loc.line, 9); /* not the line of `]` */

	assert_int_equal(p->security.seccomp.n_rules, 3);
	r = &p->security.seccomp.rules[0];
	assert_string_equal(r->syscall, "socket");
	assert_int_equal(r->action, SECCOMP_ACT_ERRNO);
	assert_int_equal(r->errno_value, EAFNOSUPPORT);
	assert_int_equal(r->loc.line, 11);
	assert_int_equal(r->n_conds, 2);
	assert_int_equal(r->conds[0].arg, 0);
	assert_int_equal(r->conds[0].op, SCMP_OP_NE);
	assert_int_equal(r->conds[0].value, 1);
	assert_int_equal(r->conds[1].arg, 1);
	assert_int_equal(r->conds[1].op, SCMP_OP_MASKED_EQ);
	assert_int_equal(r->conds[1].mask, 3);
	assert_int_equal(r->conds[1].value, 2);

	r = &p->security.seccomp.rules[1];
	assert_string_equal(r->syscall, "personality");
	assert_int_equal(r->action, SECCOMP_ACT_UNSET); /* deny_action */
	assert_int_equal(r->errno_value, 0);		/* seccomp.errno */
	assert_int_equal(r->loc.line, 14);
	assert_int_equal(r->n_conds, 6);
	assert_int_equal(r->conds[0].arg, 0);
	assert_int_equal(r->conds[0].op, SCMP_OP_GE);
	assert_int_equal(r->conds[0].value, 0xffffffffu);
	assert_int_equal(r->conds[1].arg, 5);
	assert_int_equal(r->conds[1].op, SCMP_OP_LT);
	assert_int_equal(r->conds[1].value, UINT64_MAX); /* -1, two's complement */
	assert_int_equal(r->conds[2].arg, 3);
	assert_int_equal(r->conds[2].op, SCMP_OP_LE);
	assert_int_equal(r->conds[2].value, 7);
	assert_int_equal(r->conds[3].arg, 2);
	assert_int_equal(r->conds[3].op, SCMP_OP_GT);
	assert_int_equal(r->conds[3].value, 0);
	assert_int_equal(r->conds[4].arg, 1);
	assert_int_equal(r->conds[4].op, SCMP_OP_EQ);
	assert_int_equal(r->conds[4].value, UINT64_MAX);
	assert_int_equal(r->conds[5].arg, 4);
	assert_int_equal(r->conds[5].op, SCMP_OP_MASKED_EQ);
	assert_int_equal(r->conds[5].mask, 0xf0);
	assert_int_equal(r->conds[5].value, 0x10);

	r = &p->security.seccomp.rules[2];
	assert_string_equal(r->syscall, "ioctl");
	assert_int_equal(r->action, SECCOMP_ACT_ALLOW);
	assert_int_equal(r->n_conds, 0);
	assert_int_equal(r->loc.line, 19);

	/* Seccomp alone asks for no Landlock ruleset. */
	assert_false(p->security.landlock.set);
}

static void test_every_landlock_key(void **state)
{
	_cleanup_(profile_freep) struct profile *p =
	    parse_ok("security = {\n"				    /* 1 */
		     "  landlock = {\n"				    /* 2 */
		     "    read = [ \"/usr\", \"/etc//\" ];\n"	    /* 3 */
		     "    write = [ \"/tmp/./x/\" ];\n"		    /* 4 */
		     "    execute = [ \"/usr/bin\", \"/\" ];\n"	    /* 5 */
		     "    bind_tcp = [ 8080 ];\n"		    /* 6 */
		     "    connect_tcp = [ 443, 1, 65535, 0x50 ];\n" /* 7 */
		     "    required = true;\n"			    /* 8 */
		     "  };\n"					    /* 9 */
		     "};\n");
	const typeof(p->security.landlock) *l = &p->security.landlock;

	(void)state;
	assert_true(l->set);
	assert_int_equal(l->loc.line, 2);
	assert_string_equal(l->loc.file, "t.cfg");
	assert_int_equal(l->n_read, 2);
	assert_string_equal(l->read[0], "/usr");
	assert_string_equal(l->read[1], "/etc"); /* normalised */
	assert_null(l->read[2]);
	assert_int_equal(l->read_loc.line, 3);
	assert_int_equal(l->n_write, 1);
	assert_string_equal(l->write[0], "/tmp/x");
	assert_int_equal(l->write_loc.line, 4);
	assert_int_equal(l->n_execute, 2);
	assert_string_equal(l->execute[0], "/usr/bin");
	assert_string_equal(l->execute[1], "/");
	assert_int_equal(l->execute_loc.line, 5);
	assert_int_equal(l->n_bind_tcp, 1);
	assert_int_equal(l->bind_tcp[0], 8080);
	assert_int_equal(l->bind_tcp_loc.line, 6);
	assert_int_equal(l->n_connect_tcp, 4);
	assert_int_equal(l->connect_tcp[0], 443);
	assert_int_equal(l->connect_tcp[1], 1);
	assert_int_equal(l->connect_tcp[2], 65535);
	assert_int_equal(l->connect_tcp[3], 80);
	assert_int_equal(l->connect_tcp_loc.line, 7);
	assert_true(l->required);
	assert_int_equal(l->required_loc.line, 8);
}

/* Any landlock key, `required = false` alone or an empty array included, asks for a ruleset. */
static void test_landlock_set_by_any_key(void **state)
{
	static const char *const texts[] = {
	    "security = { landlock = {\n required = false; }; };\n",
	    "security = { landlock = {\n read = [ ]; }; };\n",
	    "security = { landlock = {\n bind_tcp = [ ]; }; };\n",
	    "security = { landlock = {\n connect_tcp = [ 22 ]; }; };\n",
	    "security = { landlock = {\n execute = [ \"/bin\" ]; }; };\n",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
		_cleanup_(profile_freep) struct profile *p = parse_ok(texts[i]);

		assert_true(p->security.landlock.set);
		assert_int_equal(p->security.landlock.loc.line, 1);
	}
	{
		/* An empty array given is told apart from none by its location. */
		_cleanup_(profile_freep) struct profile *p = parse_ok(texts[2]);

		assert_int_equal(p->security.landlock.n_bind_tcp, 0);
		assert_null(p->security.landlock.bind_tcp);
		assert_non_null(p->security.landlock.bind_tcp_loc.file);
		assert_int_equal(p->security.landlock.bind_tcp_loc.line, 2);
		assert_null(p->security.landlock.connect_tcp_loc.file);
	}
}

static void test_values(void **state)
{
	static const struct {
		const char *text;
		int value;
	} errnos[] = {
	    {"\"EPERM\"", EPERM},
	    {"\"eacces\"", EACCES},
	    {"\"ENOSYS\"", ENOSYS},
	    {"\"EWOULDBLOCK\"", EAGAIN},
	    {"\"EAGAIN\"", EAGAIN},
	    {"\"ENOTSUP\"", ENOTSUP},
	    {"\"EOPNOTSUPP\"", EOPNOTSUPP},
	    {"\"EDEADLOCK\"", EDEADLK},
	    {"\"EHWPOISON\"", EHWPOISON},
	    {"\"ERFKILL\"", ERFKILL},
	    {"1", 1},
	    {"4094", 4094},
	    {"38L", 38},
	};
	static const struct {
		const char *name;
		enum seccomp_action a;
	} actions[] = {
	    {"allow", SECCOMP_ACT_ALLOW}, {"errno", SECCOMP_ACT_ERRNO},
	    {"kill", SECCOMP_ACT_KILL},	  {"kill_process", SECCOMP_ACT_KILL_PROCESS},
	    {"trap", SECCOMP_ACT_TRAP},	  {"log", SECCOMP_ACT_LOG},
	};
	static const char *const ops[] = {"==", "!=", "<", "<=", ">", ">="};
	char text[256];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(errnos); i++) {
		snprintf(text, sizeof(text),
			 "security = { seccomp = { errno = %s; rules = ( { syscall = \"x\"; "
			 "errno = %s; } ); }; };",
			 errnos[i].text, errnos[i].text);
		_cleanup_(profile_freep) struct profile *p = parse_ok(text);

		assert_int_equal(p->security.seccomp.errno_value, errnos[i].value);
		assert_int_equal(p->security.seccomp.rules[0].errno_value, errnos[i].value);
	}
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++) {
		snprintf(text, sizeof(text),
			 "security = { seccomp = { default_action = \"%s\"; rules = ( { syscall = "
			 "\"x\"; action = \"%s\"; } ); }; };",
			 actions[i].name, actions[i].name);
		_cleanup_(profile_freep) struct profile *p = parse_ok(text);

		assert_int_equal(p->security.seccomp.default_action, actions[i].a);
		assert_int_equal(p->security.seccomp.rules[0].action, actions[i].a);
		assert_string_equal(profile_seccomp_action_name(actions[i].a), actions[i].name);
		if (actions[i].a == SECCOMP_ACT_ALLOW)
			continue;
		snprintf(text, sizeof(text), "security = { seccomp = { deny_action = \"%s\"; }; };",
			 actions[i].name);
		_cleanup_(profile_freep) struct profile *q = parse_ok(text);

		assert_int_equal(q->security.seccomp.deny_action, actions[i].a);
	}
	assert_null(profile_seccomp_action_name(SECCOMP_ACT_UNSET));
	assert_null(profile_seccomp_action_name(_SECCOMP_ACT_MAX));
	/* Each operator reads back as it was written. */
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
		snprintf(text, sizeof(text),
			 "security = { seccomp = { rules = ( { syscall = \"x\"; "
			 "args = [ \"a1 %s 4\" ]; } ); }; };",
			 ops[i]);
		_cleanup_(profile_freep) struct profile *q = parse_ok(text);

		assert_string_equal(
		    profile_seccomp_op_text(q->security.seccomp.rules[0].conds[0].op), ops[i]);
	}
	assert_string_equal(profile_seccomp_op_text(SCMP_OP_MASKED_EQ), "==");
	{
		/* "none" is a value too; a rule may have errno with an unset action. */
		_cleanup_(profile_freep) struct profile *p =
		    parse_ok("security = { seccomp = { preset = \"default\"; rules = [ ]; }; };\n");
		struct sbx_err err = {0};

		assert_int_equal(
		    profile_load_string(p,
					"security = { seccomp = { preset = \"none\"; allow = [ ];\n"
					"  rules = ( { syscall = \"a_b_9\"; errno = 5; args = [\n"
					"  \"a0==-9223372036854775808\", \"a1&0==0\", \"a2 == "
					"0X1f\" ]; } ); }; };\n",
					"t2.cfg", &err),
		    0);

		assert_false(p->security.seccomp.preset_default);
		assert_int_equal(p->security.seccomp.preset_loc.line, 1);
		assert_string_equal(p->security.seccomp.preset_loc.file, "t2.cfg");
		assert_int_equal(p->security.seccomp.n_allow, 0);
		assert_int_equal(p->security.seccomp.n_rules, 1);
		assert_int_equal(p->security.seccomp.rules[0].errno_value, 5);
		assert_int_equal(p->security.seccomp.rules[0].conds[0].value, UINT64_C(1) << 63);
		assert_int_equal(p->security.seccomp.rules[0].conds[1].mask, 0);
		assert_int_equal(p->security.seccomp.rules[0].conds[2].value, 0x1f);
	}
}

/* include and repeated profiles: scalars and arrays replaced by the later file, rules appended
 * with the locations of the file each came from. */
static void test_merge_across_files(void **state)
{
	_cleanup_(profile_freep) struct profile *p = profile_new();
	struct sbx_err err = {0};
	char base[PATH_MAX], top[PATH_MAX];

	(void)state;
	write_scratch("sec-base.cfg",
		      "security = {\n"
		      "  seccomp = {\n"
		      "    preset = \"default\"; errno = \"EACCES\"; deny_action = \"trap\";\n"
		      "    allow = [ \"@io-uring\" ]; deny = [ \"ptrace\", \"bpf\" ];\n"
		      "    rules = ( { syscall = \"socket\"; args = [ \"a0 == 2\" ]; } );\n"
		      "  };\n"
		      "  landlock = { read = [ \"/usr\", \"/etc\" ]; bind_tcp = [ 80 ];\n"
		      "    required = true; };\n"
		      "};\n");
	write_scratch("sec-top.cfg", "include = [ \"sec-base.cfg\" ];\n"
				     "security = {\n"
				     "  seccomp = {\n"
				     "    deny = [ \"keyctl\" ];\n"
				     "    errno = 1;\n"
				     "    rules = (\n"
				     "      { syscall = \"socket\"; args = [ \"a0 == 10\" ]; } );\n"
				     "  };\n"
				     "  landlock = {\n"
				     "    read = [ \"/opt\" ]; };\n"
				     "};\n");
	unit_path(base, sizeof(base), "sec-base.cfg");
	assert_int_equal(profile_load(p, unit_path(top, sizeof(top), "sec-top.cfg"), &err), 0);
	assert_true(p->security.seccomp.preset_default); /* kept from the included file */
	assert_string_equal(p->security.seccomp.preset_loc.file, base);
	assert_int_equal(p->security.seccomp.deny_action, SECCOMP_ACT_TRAP);
	assert_int_equal(p->security.seccomp.errno_value, EPERM); /* replaced */
	assert_string_equal(p->security.seccomp.errno_loc.file, top);
	assert_int_equal(p->security.seccomp.errno_loc.line, 5);
	/* The filter's line: errno, the last of its scalar settings applied (top's, not the
	 * included preset's). */
	assert_string_equal(p->security.seccomp.loc.file, top);
	assert_int_equal(p->security.seccomp.loc.line, 5);
	assert_int_equal(p->security.seccomp.n_allow, 1); /* kept */
	assert_string_equal(p->security.seccomp.allow[0].loc.file, base);
	assert_int_equal(p->security.seccomp.n_deny, 1); /* the array replaced, not merged */
	assert_string_equal(p->security.seccomp.deny[0].name, "keyctl");
	assert_string_equal(p->security.seccomp.deny[0].loc.file, top);
	assert_int_equal(p->security.seccomp.deny[0].loc.line, 4);
	assert_int_equal(p->security.seccomp.n_rules, 2); /* appended, the included file's first */
	assert_int_equal(p->security.seccomp.rules[0].conds[0].value, 2);
	assert_string_equal(p->security.seccomp.rules[0].loc.file, base);
	assert_int_equal(p->security.seccomp.rules[0].loc.line, 5);
	assert_int_equal(p->security.seccomp.rules[1].conds[0].value, 10);
	assert_string_equal(p->security.seccomp.rules[1].loc.file, top);
	assert_int_equal(p->security.seccomp.rules[1].loc.line, 7);

	assert_true(p->security.landlock.set);
	assert_string_equal(p->security.landlock.loc.file, top);
	assert_int_equal(p->security.landlock.n_read, 1); /* replaced */
	assert_string_equal(p->security.landlock.read[0], "/opt");
	assert_int_equal(p->security.landlock.read_loc.line, 10);
	assert_int_equal(p->security.landlock.n_bind_tcp, 1); /* kept */
	assert_string_equal(p->security.landlock.bind_tcp_loc.file, base);
	assert_true(p->security.landlock.required);

	/* A second profile on the command line merges the same way. */
	assert_int_equal(
	    profile_load_string(p,
				"security = { seccomp = { allow = [ ];\n"
				"  rules = ( { syscall = \"ptrace\"; action = \"log\"; "
				"} ); };\n"
				"  landlock = { bind_tcp = [ 81, 82 ]; }; };\n",
				"more.cfg", &err),
	    0);
	assert_int_equal(p->security.seccomp.n_allow, 0);
	assert_int_equal(p->security.seccomp.n_rules, 3);
	assert_string_equal(p->security.seccomp.rules[2].syscall, "ptrace");
	assert_string_equal(p->security.seccomp.rules[2].loc.file, "more.cfg");
	assert_int_equal(p->security.landlock.n_bind_tcp, 2);
	assert_int_equal(p->security.landlock.bind_tcp[1], 82);
	assert_int_equal(p->security.landlock.n_read, 1);
	assert_int_equal(err.n, 0);
}

static void test_set(void **state)
{
	_cleanup_(profile_freep) struct profile *p = profile_new();
	struct sbx_err err = {0};

	(void)state;
	assert_int_equal(profile_set(p, "security.seccomp.preset=default", &err), 0);
	assert_true(p->security.seccomp.preset_default);
	assert_string_equal(p->security.seccomp.preset_loc.file,
			    "--set security.seccomp.preset=default");
	assert_int_equal(p->security.seccomp.preset_loc.line, 0);
	assert_int_equal(profile_set(p, "security.seccomp.default_action=errno", &err), 0);
	assert_int_equal(p->security.seccomp.default_action, SECCOMP_ACT_ERRNO);
	assert_int_equal(profile_set(p, "security.seccomp.deny_action=kill", &err), 0);
	assert_int_equal(p->security.seccomp.deny_action, SECCOMP_ACT_KILL);
	assert_int_equal(profile_set(p, "security.seccomp.errno=EACCES", &err), 0);
	assert_int_equal(p->security.seccomp.errno_value, EACCES);
	assert_int_equal(profile_set(p, "security.seccomp.errno=13", &err), 0); /* an integer */
	assert_int_equal(p->security.seccomp.errno_value, 13);
	assert_int_equal(profile_set(p, "security.seccomp.deny=[\"ptrace\",\"@mount\"]", &err), 0);
	assert_int_equal(profile_set(p, "security.seccomp.deny=[\"ptrace\"]", &err), 0);
	assert_int_equal(p->security.seccomp.n_deny, 1); /* arrays replace */
	assert_string_equal(p->security.seccomp.deny[0].name, "ptrace");
	assert_string_equal(p->security.seccomp.deny[0].loc.file,
			    "--set security.seccomp.deny=[\"ptrace\"]");
	assert_int_equal(p->security.seccomp.deny[0].loc.line, 0);
	assert_int_equal(profile_set(p, "security.seccomp.allow=[\"@io-uring\"]", &err), 0);
	assert_int_equal(p->security.seccomp.n_allow, 1);
	assert_int_equal(
	    profile_set(p, "security.seccomp.rules=({syscall=\"socket\";args=[\"a0!=1\"];})", &err),
	    0);
	assert_int_equal(profile_set(p, "security.seccomp.rules=({syscall=\"bpf\";})", &err), 0);
	assert_int_equal(p->security.seccomp.n_rules, 2); /* lists append */
	assert_string_equal(p->security.seccomp.rules[1].syscall, "bpf");
	assert_string_equal(p->security.seccomp.rules[1].loc.file,
			    "--set security.seccomp.rules=({syscall=\"bpf\";})");

	assert_false(p->security.landlock.set);
	assert_int_equal(profile_set(p, "security.landlock.required=true", &err), 0);
	assert_true(p->security.landlock.set);
	assert_true(p->security.landlock.required);
	assert_string_equal(p->security.landlock.loc.file, "--set security.landlock.required=true");
	assert_int_equal(profile_set(p, "security.landlock.read=[\"/usr\",\"/etc\"]", &err), 0);
	assert_int_equal(profile_set(p, "security.landlock.write=[\"/tmp\"]", &err), 0);
	assert_int_equal(profile_set(p, "security.landlock.execute=[\"/usr/bin\"]", &err), 0);
	assert_int_equal(profile_set(p, "security.landlock.bind_tcp=[8080]", &err), 0);
	assert_int_equal(profile_set(p, "security.landlock.connect_tcp=[443,80]", &err), 0);
	assert_int_equal(profile_set(p, "security.landlock.read=[\"/opt\"]", &err), 0);
	assert_int_equal(p->security.landlock.n_read, 1);
	assert_string_equal(p->security.landlock.read[0], "/opt");
	assert_string_equal(p->security.landlock.write[0], "/tmp");
	assert_string_equal(p->security.landlock.execute[0], "/usr/bin");
	assert_int_equal(p->security.landlock.bind_tcp[0], 8080);
	assert_int_equal(p->security.landlock.n_connect_tcp, 2);
	assert_int_equal(p->security.landlock.connect_tcp[1], 80);
	assert_int_equal(err.n, 0);
}

static void test_set_errors(void **state)
{
	(void)state;
	expect_set_error("security.seccomp.preset=strict",
			 "security.seccomp.preset: \"strict\" is not one of none, default");
	expect_set_error("security.seccomp.deny_action=allow",
			 "security.seccomp.deny_action: \"allow\" is not one of errno, kill");
	expect_set_error("security.seccomp.errno=0", "security.seccomp.errno: 0 is out of range");
	expect_set_error("security.seccomp.errno=EBOGUS", "\"EBOGUS\" is not an errno name");
	expect_set_error("security.seccomp.deny=[\"Ptrace\"]",
			 "security.seccomp.deny[0]: \"Ptrace\" is not a syscall name");
	expect_set_error("security.seccomp.deny=ptrace", "must be an array of strings");
	expect_set_error("security.seccomp.rules=({syscall=\"x\";args=[\"a9==1\"];})",
			 "\"a9==1\": a9: argument index out of range 0-5");
	expect_set_error("security.landlock.read=[\"usr\"]",
			 "security.landlock.read[0]: \"usr\" is not an absolute path");
	expect_set_error("security.landlock.bind_tcp=[0]",
			 "security.landlock.bind_tcp[0]: 0 is out of range (1 to 65535)");
	expect_set_error("security.landlock.required=yes", "must be true or false");
	expect_set_error("security.landlock.paths=[]", "security.landlock.paths: unknown setting");
}

#define SC(body) "security = { seccomp = {\n" body " }; };\n"
#define LL(body) "security = { landlock = {\n" body " }; };\n"
#define RULE(body) "security = { seccomp = { rules = ( {\n" body " } ); }; };\n"

static void test_errors(void **state)
{
	static const struct {
		const char *text;
		unsigned line;
		const char *msg;
	} cases[] = {
	    {"security = {\n seccomp = 1; };\n", 2, "security.seccomp: must be a group"},
	    {"security = {\n landlock = [ ]; };\n", 2, "security.landlock: must be a group"},
	    {SC("colour = 1;"), 2, "security.seccomp.colour: unknown setting"},
	    {LL("paths = 1;"), 2, "security.landlock.paths: unknown setting"},
	    /* preset */
	    {SC("preset = \"strict\";"), 2,
	     "security.seccomp.preset: \"strict\" is not one of none, default"},
	    {SC("preset = \"Default\";"), 2, "\"Default\" is not one of none, default"},
	    {SC("preset = true;"), 2, "security.seccomp.preset: must be a string"},
	    /* actions */
	    {SC("default_action = \"deny\";"), 2,
	     "security.seccomp.default_action: \"deny\" is not one of allow, errno, kill, "
	     "kill_process, trap, log"},
	    {SC("default_action = 1;"), 2, "security.seccomp.default_action: must be a string"},
	    {SC("deny_action = \"allow\";"), 2,
	     "security.seccomp.deny_action: \"allow\" is not one of errno, kill, kill_process, "
	     "trap, log"},
	    {SC("deny_action = \"KILL\";"), 2, "\"KILL\" is not one of errno"},
	    /* errno */
	    {SC("errno = \"EBOGUS\";"), 2,
	     "security.seccomp.errno: \"EBOGUS\" is not an errno name such as \"EPERM\""},
	    {SC("errno = \"\";"), 2, "\"\" is not an errno name"},
	    {SC("errno = \"13\";"), 2, "\"13\" is not an errno name"},
	    {SC("errno = 0;"), 2, "security.seccomp.errno: 0 is out of range (1 to 4094)"},
	    {SC("errno = 4095;"), 2, "security.seccomp.errno: 4095 is out of range (1 to 4094)"},
	    {SC("errno = 4096;"), 2, "security.seccomp.errno: 4096 is out of range (1 to 4094)"},
	    {SC("errno = -1;"), 2, "security.seccomp.errno: -1 is out of range"},
	    {SC("errno = 1.5;"), 2, "security.seccomp.errno: must be an errno name such as"},
	    /* allow, deny */
	    {SC("allow = \"read\";"), 2, "security.seccomp.allow: must be an array of strings"},
	    {SC("deny = [ 1 ];"), 2, "security.seccomp.deny[0]: must be a string"},
	    {SC("deny = [ \"read\",\n \"\" ];"), 3,
	     "security.seccomp.deny[1]: \"\" is not a syscall name"},
	    {SC("deny = [ \"read\",\n \"Read\" ];"), 3,
	     "security.seccomp.deny[1]: \"Read\" is not a syscall name (a-z, 0-9, '_') or a "
	     "group (@name)"},
	    {SC("deny = [ \"read \" ];"), 2, "\"read \" is not a syscall name"},
	    {SC("deny = [ \"sys-read\" ];"), 2, "\"sys-read\" is not a syscall name"},
	    {SC("allow = [ \"@\" ];"), 2,
	     "security.seccomp.allow[0]: \"@\" is not a group name (@ and a-z, 0-9, '-')"},
	    {SC("allow = [ \"@io_uring\" ];"), 2, "\"@io_uring\" is not a group name"},
	    {SC("allow = [ \"@@mount\" ];"), 2, "\"@@mount\" is not a group name"},
	    {SC("allow = [ \"a234567890123456789012345678901234567890123456789012345678901234"
		"5\" ];"),
	     2, "is too long"},
	    {SC("deny = [ \"ptrace\", \"bpf\",\n \"ptrace\" ];"), 3,
	     "security.seccomp.deny[2]: \"ptrace\" is listed twice"},
	    /* rules */
	    {SC("rules = { syscall = \"socket\"; };"), 2, "security.seccomp.rules: must be a list"},
	    {SC("rules = [ \"socket\" ];"), 2, "security.seccomp.rules: must be a list"},
	    {SC("rules = ( \"socket\" );"), 2, "security.seccomp.rules[0]: must be a group"},
	    {RULE("action = \"kill\";"), 1, "security.seccomp.rules[0]: missing \"syscall\""},
	    {RULE("syscall = \"socket\";\n colour = 1;"), 3,
	     "security.seccomp.rules[0].colour: unknown setting"},
	    {RULE("syscall = [ \"socket\" ];"), 2, "rules[0].syscall: must be a string"},
	    {RULE("syscall = \"@network-io\";"), 2,
	     "security.seccomp.rules[0].syscall: \"@network-io\" is a group: a rule names one "
	     "syscall"},
	    {RULE("syscall = \"Socket\";"), 2, "\"Socket\" is not a syscall name"},
	    {RULE("syscall = \"socket\";\n action = \"deny\";"), 3,
	     "security.seccomp.rules[0].action: \"deny\" is not one of allow, errno"},
	    {RULE("syscall = \"socket\";\n errno = \"ENOPE\";"), 3,
	     "security.seccomp.rules[0].errno: \"ENOPE\" is not an errno name"},
	    {RULE("syscall = \"socket\";\n errno = 5000;"), 3,
	     "security.seccomp.rules[0].errno: 5000 is out of range (1 to 4094)"},
	    {RULE("syscall = \"socket\"; action = \"kill\";\n errno = \"EPERM\";"), 3,
	     "security.seccomp.rules[0].errno: only with action \"errno\" (this rule's is kill)"},
	    {RULE("syscall = \"socket\"; action = \"allow\";\n errno = 1;"), 3,
	     "only with action \"errno\" (this rule's is allow)"},
	    {SC("rules = ( { syscall = \"a\"; },\n { syscall = \"b\"; errno = 0; } );"), 3,
	     "security.seccomp.rules[1].errno: 0 is out of range"},
	    /* args: each condition at its own line, naming its text */
	    {RULE("syscall = \"socket\";\n args = \"a0 == 1\";"), 3,
	     "security.seccomp.rules[0].args: must be an array of strings"},
	    {RULE("syscall = \"socket\";\n args = [ 1 ];"), 3,
	     "security.seccomp.rules[0].args[0]: must be a string"},
	    {RULE("syscall = \"socket\"; args = [\n \"a6 == 1\" ];"), 3,
	     "security.seccomp.rules[0].args[0]: \"a6 == 1\": a6: argument index out of range "
	     "0-5"},
	    {RULE("syscall = \"socket\"; args = [\n \"a10 == 1\" ];"), 3,
	     "\"a10 == 1\": a10: argument index out of range 0-5"},
	    {RULE("syscall = \"socket\"; args = [\n \"b0 == 1\" ];"), 3,
	     "\"b0 == 1\": must start with an argument, a0 to a5"},
	    {RULE("syscall = \"socket\"; args = [\n \"\" ];"), 3,
	     "\"\": must start with an argument, a0 to a5"},
	    {RULE("syscall = \"socket\"; args = [\n \"a\" ];"), 3,
	     "\"a\": must start with an argument"},
	    {RULE("syscall = \"socket\"; args = [\n \"a0\" ];"), 3,
	     "\"a0\": missing an operator and a value"},
	    {RULE("syscall = \"socket\"; args = [\n \"a0 = 1\" ];"), 3,
	     "\"a0 = 1\": bad operator (one of == != < <= > >=, or & MASK ==)"},
	    {RULE("syscall = \"socket\"; args = [\n \"a0 === 1\" ];"), 3, "bad operator"},
	    {RULE("syscall = \"socket\"; args = [\n \"a0 <> 1\" ];"), 3, "bad operator"},
	    {RULE("syscall = \"socket\"; args = [\n \"a0 ! 1\" ];"), 3, "bad operator"},
	    {RULE("syscall = \"socket\"; args = [\n \"a0 == x\" ];"), 3,
	     "\"a0 == x\": bad value \"x\" (a decimal or 0x hex number)"},
	    {RULE("syscall = \"socket\"; args = [\n \"a0 ==\" ];"), 3,
	     "\"a0 ==\": missing the value"},
	    {RULE("syscall = \"socket\"; args = [\n \"a0 == 12abc\" ];"), 3, "bad value \"12abc\""},
	    {RULE("syscall = \"socket\"; args = [\n \"a0 == 0x\" ];"), 3, "bad value \"0x\""},
	    {RULE("syscall = \"socket\"; args = [\n \"a0 == 0xfg\" ];"), 3, "bad value \"0xfg\""},
	    {RULE("syscall = \"socket\"; args = [\n \"a0 == -0x1\" ];"), 3, "bad value \"-0x1\""},
	    {RULE("syscall = \"socket\"; args = [\n \"a0 == --1\" ];"), 3, "bad value \"--1\""},
	    {RULE("syscall = \"socket\"; args = [\n \"a0 == 18446744073709551616\" ];"), 3,
	     "value \"18446744073709551616\" does not fit in 64 bits"},
	    {RULE("syscall = \"socket\"; args = [\n \"a0 == 0x10000000000000000\" ];"), 3,
	     "does not fit in 64 bits"},
	    {RULE("syscall = \"socket\"; args = [\n \"a0 == -9223372036854775809\" ];"), 3,
	     "does not fit in 64 bits"},
	    {RULE("syscall = \"socket\"; args = [\n \"a0 == 1 2\" ];"), 3,
	     "\"a0 == 1 2\": unexpected \"2\" after the value"},
	    {RULE("syscall = \"socket\"; args = [\n \"a0 == 1;\" ];"), 3, "unexpected \";\""},
	    {RULE("syscall = \"socket\"; args = [\n \"a1 & 3 != 2\" ];"), 3,
	     "\"a1 & 3 != 2\": a mask is compared with == (aN & MASK == VALUE)"},
	    {RULE("syscall = \"socket\"; args = [\n \"a1 & == 2\" ];"), 3,
	     "bad mask \"==\" (a decimal or 0x hex number)"},
	    {RULE("syscall = \"socket\"; args = [\n \"a1 &\" ];"), 3, "\"a1 &\": missing the mask"},
	    {RULE("syscall = \"socket\"; args = [\n \"a1 & 1 === 1\" ];"), 3,
	     "a mask is compared with =="},
	    {RULE("syscall = \"socket\"; args = [\n \"a1 & 3 == 4\" ];"), 3,
	     "\"a1 & 3 == 4\": the value has bits outside the mask: never true"},
	    {RULE("syscall = \"socket\"; args = [ \"a2 == 1\",\n \"a2 != 3\" ];"), 3,
	     "security.seccomp.rules[0].args[1]: \"a2 != 3\": a2 appears twice"},
	    {RULE("syscall = \"socket\"; args = [ \"a2 == 1\",\n \"a2&1==1\" ];"), 3,
	     "a2 appears twice"},
	    {RULE("syscall = \"socket\";\n args = [ \"a0 == 0\", \"a1 == 0\", \"a2 == 0\", \"a3 == "
		  "0\", \"a4 == 0\", \"a5 == 0\", \"a5 == 0\" ];"),
	     3, "security.seccomp.rules[0].args: at most 6 conditions, one per argument a0 to a5"},
	    /* landlock paths */
	    {LL("read = \"/usr\";"), 2, "security.landlock.read: must be an array of strings"},
	    {LL("read = [ \"/usr\",\n \"usr\" ];"), 3,
	     "security.landlock.read[1]: \"usr\" is not an absolute path"},
	    {LL("write = [\n \"/tmp/../etc\" ];"), 3,
	     "security.landlock.write[0]: \"/tmp/../etc\" contains a '..' component"},
	    {LL("execute = [\n \"\" ];"), 3, "security.landlock.execute[0]: \"\" is empty"},
	    {LL("execute = [\n 1 ];"), 3, "security.landlock.execute[0]: must be a string"},
	    {LL("read = [\n \"/a\\tb\" ];"), 3, "contains a control character"},
	    /* landlock ports */
	    {LL("bind_tcp = 80;"), 2, "security.landlock.bind_tcp: must be an array of ports"},
	    {LL("bind_tcp = [\n 0 ];"), 3,
	     "security.landlock.bind_tcp[0]: 0 is out of range (1 to 65535)"},
	    {LL("connect_tcp = [\n 65536 ];"), 3,
	     "security.landlock.connect_tcp[0]: 65536 is out of range (1 to 65535)"},
	    {LL("connect_tcp = [\n -1 ];"), 3, "-1 is out of range (1 to 65535)"},
	    {LL("connect_tcp = [\n \"443\" ];"), 3,
	     "security.landlock.connect_tcp[0]: must be a port number (1 to 65535)"},
	    {LL("connect_tcp = [\n 1.5 ];"), 3, "must be a port number"},
	    {LL("connect_tcp = [ 443, 80,\n 443 ];"), 3,
	     "security.landlock.connect_tcp[2]: port 443 is listed twice"},
	    /* required */
	    {LL("required = 1;"), 2, "security.landlock.required: must be true or false"},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		expect_one_error(cases[i].text, cases[i].line, cases[i].msg);
}

/* Every bad value is reported, each at its line; a bad rule is not appended while the good
 * ones are, and a bad array or value leaves the key as it was. */
static void test_every_error_listed(void **state)
{
	_cleanup_(profile_freep) struct profile *p = NULL;
	struct sbx_err err = {0};

	(void)state;
	assert_int_equal(profile_parse_string("security = {\n"				     /* 1 */
					      "  seccomp = {\n"				     /* 2 */
					      "    preset = \"all\";\n"			     /* 3 */
					      "    deny = [ \"ptrace\",\n"		     /* 4 */
					      "      \"Bad\" ];\n"			     /* 5 */
					      "    rules = (\n"				     /* 6 */
					      "      { syscall = \"socket\"; },\n"	     /* 7 */
					      "      { syscall = \"bpf\";\n"		     /* 8 */
					      "        args = [ \"a0 == 1\", \"a7 == 1\",\n" /* 9 */
					      "          \"a0 < 2\" ]; }\n" /* 10 */
					      "    );\n"		    /* 11 */
					      "  };\n"			    /* 12 */
					      "  landlock = {\n"	    /* 13 */
					      "    read = [ \"rel\" ];\n"   /* 14 */
					      "    bind_tcp = [ 0 ];\n"	    /* 15 */
					      "  };\n"			    /* 16 */
					      "};\n",
					      "t.cfg", &p, &err),
			 -EINVAL);
	assert_int_equal(err.n, 6);
	assert_int_equal(err.diag[0].line, 3);
	assert_int_equal(err.diag[1].line, 5);
	assert_int_equal(err.diag[2].line, 9);
	assert_non_null(strstr(err.diag[2].msg, "a7: argument index out of range"));
	assert_int_equal(err.diag[3].line, 10);
	assert_non_null(strstr(err.diag[3].msg, "a0 appears twice"));
	assert_int_equal(err.diag[4].line, 14);
	assert_int_equal(err.diag[5].line, 15);
	assert_false(p->security.seccomp.preset_default);
	assert_int_equal(p->security.seccomp.n_deny, 0);
	assert_int_equal(p->security.seccomp.n_rules, 1);
	assert_string_equal(p->security.seccomp.rules[0].syscall, "socket");
	assert_int_equal(p->security.landlock.n_read, 0);
	assert_int_equal(p->security.landlock.n_bind_tcp, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unset_by_default),
	    cmocka_unit_test(test_every_seccomp_key),
	    cmocka_unit_test(test_every_landlock_key),
	    cmocka_unit_test(test_landlock_set_by_any_key),
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_merge_across_files),
	    cmocka_unit_test(test_set),
	    cmocka_unit_test(test_set_errors),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_every_error_listed),
	};

	return cmocka_run_group_tests(tests, unit_tmp_setup, unit_tmp_teardown);
}
