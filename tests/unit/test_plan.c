/* test_plan.c — the step table, plan storage, describe and the text/JSON printer. */
#include "unit.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "plan/plan.h"
#include "profile/profile.h"
#include "util/cleanup.h"

/* Every line of steps.def is complete: a unique name, a runner, a describer (here run on a
 * zeroed step of its kind, which it must survive) and a phase a step can run in (PREPARE: the
 * cgroup, before clone). */
static void test_every_row_has_name_and_runner(void **state)
{
	(void)state;
	for (int k = 0; k < _STEP_KIND_MAX; k++) {
		const struct step_type *t = plan_step_type(k);
		struct step s = {.kind = k};
		char text[256];

		assert_non_null(t->name);
		assert_true(t->name[0] != '\0');
		assert_non_null(t->run);
		assert_non_null(t->describe);
		assert_true(t->phase >= PHASE_PREPARE && t->phase < _PHASE_MAX);
		plan_describe(&s, text, sizeof(text));
		assert_memory_equal(text, t->name, strlen(t->name));
		for (int j = 0; j < k; j++)
			assert_string_not_equal(t->name, plan_step_type(j)->name);
	}
	assert_int_equal(plan_step_type(STEP_CLONE)->phase, PHASE_PARENT);
	assert_int_equal(plan_step_type(STEP_NETNS_CREATE)->phase, PHASE_BESIDE);
	assert_int_equal(plan_step_type(STEP_MOUNT_PIVOT)->phase, PHASE_ROOT);
	assert_int_equal(plan_step_type(STEP_INIT)->phase, PHASE_SETUP);
	assert_int_equal(plan_step_type(STEP_EXEC)->phase, PHASE_COMMAND);
	assert_int_equal(plan_step_type(STEP_SUPERVISE)->phase, PHASE_SUPERVISE);
}

static void test_add_keeps_order_and_loc(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = plan_new();
	struct sbx_loc loc = {"web.cfg", 12};

	(void)state;
	assert_non_null(plan);
	for (int i = 0; i < 100; i++) /* past the first growth */
		assert_non_null(plan_add(plan, i % 2 ? STEP_HOSTNAME : STEP_UMASK, &loc));
	assert_int_equal(plan->n_steps, 100);
	assert_int_equal(plan->steps[0].kind, STEP_UMASK);
	assert_int_equal(plan->steps[99].kind, STEP_HOSTNAME);
	assert_string_equal(plan->steps[99].loc.file, "web.cfg");
	assert_int_equal(plan->steps[99].loc.line, 12);
	assert_non_null(plan_add(plan, STEP_NO_NEW_PRIVS, NULL));
	assert_null(plan->steps[100].loc.file);
}

static void test_owned_copies(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = plan_new();
	const char *v[] = {"a", "bc"};
	char src[] = "hello";
	char *s = plan_strdup(plan, src);
	char **sv = plan_strv(plan, v, 2);

	(void)state;
	src[0] = 'j';
	assert_string_equal(s, "hello");
	assert_string_equal(sv[1], "bc");
	assert_null(sv[2]);
	assert_string_equal(plan_printf(plan, "%s-%d", "x", 7), "x-7");
	assert_null(plan_strdup(plan, NULL));
}

static void test_describe_bind(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = plan_new();
	struct step *s = plan_add(plan, STEP_MOUNT_BIND, NULL);
	char buf[256];

	(void)state;
	s->mnt.src = "/srv/www";
	s->mnt.dst = "/srv/my www";
	s->mnt.recursive = true;
	s->mnt.attr = STEP_ATTR_RDONLY | STEP_ATTR_NOSUID | STEP_ATTR_NODEV;
	plan_describe(s, buf, sizeof(buf));
	assert_string_equal(buf, "mount-bind src=/srv/www dst=\"/srv/my www\" recursive=yes "
				 "flags=ro,nosuid,nodev");
}

static void test_describe_truncates_safely(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = plan_new();
	struct step *s = plan_add(plan, STEP_HOSTNAME, NULL);
	char buf[8];

	(void)state;
	s->uts.name = "a-very-long-host-name";
	plan_describe(s, buf, sizeof(buf));
	assert_string_equal(buf, "host..."); /* cut visibly */
	plan_describe(s, buf, 4);
	assert_string_equal(buf, "hos");
}

static void test_describe_rlimit_and_caps(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = plan_new();
	struct step *s = plan_add(plan, STEP_RLIMIT, NULL);
	char buf[256];

	(void)state;
	s->rlimit.resource = RLIMIT_NOFILE;
	s->rlimit.cur = s->rlimit.max = 64;
	plan_describe(s, buf, sizeof(buf));
	assert_string_equal(buf, "rlimit resource=nofile value=64");
	s = plan_add(plan, STEP_CAPS, NULL);
	s->caps.keep = 0;
	plan_describe(s, buf, sizeof(buf));
	assert_string_equal(buf, "capabilities keep=none ambient=no");
}

/* A small JSON syntax checker: enough to prove the printer's output parses back. */
static const char *json_value(const char *p);

static const char *json_ws(const char *p)
{
	while (*p && isspace((unsigned char)*p))
		p++;
	return p;
}

static const char *json_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p && *p != '"') {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)p[i]))
						return NULL;
				p += 4;
			} else if (!strchr("\"\\/bfnrt", *p)) {
				return NULL;
			}
		}
		p++;
	}
	return *p == '"' ? p + 1 : NULL;
}

static const char *json_seq(const char *p, char close, bool members)
{
	p = json_ws(p + 1);
	if (*p == close)
		return p + 1;
	for (;;) {
		if (members) {
			p = json_string(json_ws(p));
			if (!p || *(p = json_ws(p)) != ':')
				return NULL;
			p++;
		}
		p = json_value(p);
		if (!p)
			return NULL;
		p = json_ws(p);
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

static const char *json_value(const char *p)
{
	p = json_ws(p);
	if (*p == '{')
		return json_seq(p, '}', true);
	if (*p == '[')
		return json_seq(p, ']', false);
	if (*p == '"')
		return json_string(p);
	if (strncmp(p, "true", 4) == 0 || strncmp(p, "null", 4) == 0)
		return p + 4;
	if (strncmp(p, "false", 5) == 0)
		return p + 5;
	if (*p == '-' || isdigit((unsigned char)*p)) {
		p++;
		while (isdigit((unsigned char)*p) || *p == '.' || *p == 'e' || *p == 'E')
			p++;
		return p;
	}
	return NULL;
}

static char *dump(const struct plan *plan, enum plan_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(plan_dump(plan, fmt, f), 0);
	fclose(f);
	return buf;
}

static struct plan *sample_plan(void)
{
	static const char *const argv[] = {"/bin/echo", "quote\" and \\ and\ttab", NULL};
	struct plan *plan = plan_new();
	struct sbx_loc loc = {"t.cfg", 3};
	struct step *s;

	s = plan_add(plan, STEP_CLONE, &loc);
	s->clone.ns = NS_BIT(NS_USER) | NS_BIT(NS_MOUNT);
	s = plan_add(plan, STEP_IDMAP_WRITE, NULL);
	s->idmap.file = "uid_map";
	s->idmap.text = "0 1000 1\n";
	s = plan_add(plan, STEP_MOUNT_FILE, &loc);
	s->mnt.dst = "/etc/x";
	s->mnt.content = "a\nb";
	s->mnt.content_len = 3;
	s->mnt.mode = 0644;
	s = plan_add(plan, STEP_EXEC, NULL);
	s->exec.argv = (char *const *)argv;
	s->exec.paths = argv;
	s->exec.n_paths = 1;
	plan_add(plan, STEP_SUPERVISE, NULL);
	return plan;
}

static void test_json_parses_back(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = sample_plan();
	_cleanup_free_ char *json = dump(plan, PLAN_JSON);
	const char *end;

	(void)state;
	end = json_value(json);
	assert_non_null(end);
	assert_string_equal(json_ws(end), "");
	assert_non_null(strstr(json, "\"step\": \"clone\""));
	assert_non_null(strstr(json, "\"ns\": [\"user\", \"mount\"]"));
	assert_non_null(strstr(json, "\"file\": \"t.cfg\", \"line\": 3"));
	assert_non_null(strstr(json, "quote\\\" and \\\\ and\\ttab"));
}

static void test_text_lists_every_step(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = sample_plan();
	_cleanup_free_ char *text = dump(plan, PLAN_TEXT);
	size_t lines = 0;

	(void)state;
	for (const char *c = text; *c; c++)
		lines += *c == '\n';
	assert_int_equal(lines, 1 + plan->n_steps); /* header + one line a step */
	assert_non_null(strstr(text, "  1 parent clone ns=user,mount  # t.cfg:3\n"));
	assert_non_null(strstr(text, "  2 parent idmap-write file=uid_map map=\"0 1000 1\"\n"));
	assert_non_null(strstr(text, " child  mount-file dst=/etc/x bytes=3 mode=0644"));
}

/* True when @s holds no byte a terminal acts on and is valid UTF-8 without C1 controls: no
 * C0 control but the line ends, no DEL, no U+0080..U+009F, no stray or overlong byte. */
static bool terminal_safe(const char *s)
{
	const unsigned char *c = (const unsigned char *)s;

	while (*c) {
		if ((*c < 0x20 && *c != '\n') || *c == 0x7f)
			return false;
		if (*c < 0x80) {
			c++;
			continue;
		}
		if (*c == 0xc2 && c[1] >= 0x80 && c[1] <= 0x9f)
			return false; /* C1 */
		if (*c >= 0xc2 && *c <= 0xdf && (c[1] & 0xc0) == 0x80) {
			c += 2;
			continue;
		}
		if (*c >= 0xe0 && *c <= 0xef && (c[1] & 0xc0) == 0x80 && (c[2] & 0xc0) == 0x80) {
			c += 3;
			continue;
		}
		if (*c >= 0xf0 && *c <= 0xf4 && (c[1] & 0xc0) == 0x80 && (c[2] & 0xc0) == 0x80 &&
		    (c[3] & 0xc0) == 0x80) {
			c += 4;
			continue;
		}
		return false;
	}
	return true;
}

/* What a hostile profile puts in strings: a carriage return that rewrites the line, CSI
 * sequences (7-bit and as the C1 byte, raw and UTF-8 encoded), DEL, a byte that is not UTF-8. */
#define EVIL                                                                                       \
	"a\rflags=ro\033[2K\x7f\xc2\x9b"                                                           \
	"1m\x9b"                                                                                   \
	"2m\xff\x01z"

static struct plan *evil_plan(void)
{
	static const char *const argv[] = {"/bin/true", NULL};
	static const char *const envp[] = {"X=" EVIL, "OK=caf\xc3\xa9", NULL};
	struct plan *plan = plan_new();
	struct sbx_loc loc = {"evil\033[31m.cfg", 7};
	struct sbx_loc set = {"--set env.set.X=\r\033[1A", 0};
	struct step *s;

	plan->profile_names = "p\033]0;title\a";
	s = plan_add(plan, STEP_MOUNT_SYMLINK, &loc);
	s->mnt.dst = "/x";
	s->mnt.target = EVIL;
	s = plan_add(plan, STEP_EXEC, &set);
	s->exec.argv = (char *const *)argv;
	s->exec.paths = argv;
	s->exec.n_paths = 1;
	s->exec.envp = (char *const *)envp;
	return plan;
}

static void test_text_escapes_controls(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = evil_plan();
	_cleanup_free_ char *text = dump(plan, PLAN_TEXT);
	char buf[256];

	(void)state;
	assert_true(terminal_safe(text));
	assert_non_null(strstr(text, "# sbx plan: profile p\\x1b]0;title\\x07;"));
	assert_non_null(strstr(text, " symlink dst=/x target=\"a\\rflags=ro\\x1b[2K\\x7f\\u009b1m"
				     "\\x9b2m\\xff\\x01z\"  # evil\\x1b[31m.cfg:7\n"));
	assert_non_null(strstr(text,
			       " env=\"X=a\\rflags=ro\\x1b[2K\\x7f\\u009b1m\\x9b2m\\xff\\x01z\","
			       "OK=caf\xc3\xa9  # --set env.set.X=\\r\\x1b[1A\n"));
	/* The -v log and error messages describe steps the same way. */
	plan_describe(&plan->steps[0], buf, sizeof(buf));
	assert_true(terminal_safe(buf));
	assert_string_equal(buf, "symlink dst=/x target=\"a\\rflags=ro\\x1b[2K\\x7f\\u009b1m\\x9b2m"
				 "\\xff\\x01z\"");
}

static void test_json_escapes_controls(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = evil_plan();
	_cleanup_free_ char *json = dump(plan, PLAN_JSON);
	const char *end;

	(void)state;
	end = json_value(json);
	assert_non_null(end);
	assert_string_equal(json_ws(end), "");
	assert_true(terminal_safe(json));
	assert_non_null(strstr(json, "\"profile\": \"p\\u001b]0;title\\u0007\""));
	assert_non_null(strstr(json, "\"target\": \"a\\rflags=ro\\u001b[2K\\u007f\\u009b1m\\udc9b2m"
				     "\\udcff\\u0001z\""));
	assert_non_null(strstr(json, "\"file\": \"evil\\u001b[31m.cfg\""));
	assert_non_null(strstr(json, "\"OK=caf\xc3\xa9\""));
}

/* Lines of any length come out whole: nothing after a long value is lost. */
static void test_long_values_whole(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = plan_new();
	_cleanup_free_ char *text = NULL, *json = NULL, *want = NULL, *map = NULL;
	char *src = plan_alloc(plan, 5001);
	struct step *s;
	size_t len = 0;
	FILE *f;

	(void)state;
	memset(src, 'a', 5000);
	src[0] = '/';
	s = plan_add(plan, STEP_MOUNT_BIND, &(struct sbx_loc){"--bind", 0});
	s->mnt.src = src;
	s->mnt.dst = "/etc";
	s->mnt.recursive = true;
	f = open_memstream(&map, &len);
	for (unsigned i = 0; i < 100; i++)
		fprintf(f, "%u %u 1\n", i, 100000 + i);
	fclose(f);
	s = plan_add(plan, STEP_IDMAP_WRITE, NULL);
	s->idmap.file = "uid_map";
	s->idmap.text = map;
	text = dump(plan, PLAN_TEXT);
	assert_true(asprintf(&want,
			     " mount-bind src=%s dst=/etc recursive=yes flags=rw  # --bind\n",
			     src) > 0);
	assert_non_null(strstr(text, want));
	assert_non_null(strstr(text, "99 100099 1\"\n")); /* the last map line */
	json = dump(plan, PLAN_JSON);
	assert_non_null(strstr(json, "\"dst\": \"/etc\""));
	assert_non_null(strstr(json, "99 100099 1\""));
}

/* A plan written step by step, bypassing the buckets: how a compiler bug would look. */
static void put(struct plan *plan, enum step_kind kind)
{
	struct step *s = plan_add(plan, STEP_CHDIR, NULL); /* grows the array */

	assert_non_null(s);
	s = &plan->steps[plan->n_steps - 1];
	s->kind = kind;
	s->phase = plan_step_type(kind)->phase;
}

static void test_shape(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = sample_plan();
	struct plan_shape sh = {0};
	struct sbx_err err = {0};
	static const struct {
		enum step_kind kinds[6];
		size_t n;
	} bad[] = {
	    {{STEP_CHDIR, STEP_EXEC}, 2},			      /* no clone */
	    {{STEP_CLONE, STEP_CHDIR}, 2},			      /* no exec */
	    {{STEP_CLONE, STEP_EXEC, STEP_CHDIR}, 3},		      /* a SETUP step after exec */
	    {{STEP_CLONE, STEP_EXEC, STEP_SUPERVISE, STEP_UMASK}, 4}, /* a child step at the end */
	    {{STEP_CLONE, STEP_NETNS_CREATE, STEP_IDMAP_WRITE, STEP_EXEC}, 4}, /* beside first */
	    {{STEP_CLONE, STEP_INIT, STEP_CHDIR, STEP_EXEC}, 4}, /* init not last of SETUP */
	    {{STEP_CLONE, STEP_EXEC, STEP_EXEC}, 3},		 /* exec not last */
	};

	(void)state;
	/* clone, idmap (parent), mount-file, exec (child), supervise (parent) */
	assert_int_equal(plan_shape(plan, &sh, &err), 0);
	assert_int_equal(sh.clone, 0);
	assert_int_equal(sh.first_child, 2);
	assert_int_equal(sh.command, 3);
	assert_int_equal(sh.end_child, 4);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		_cleanup_(plan_freep) struct plan *b = plan_new();

		for (size_t k = 0; k < bad[i].n; k++)
			put(b, bad[i].kinds[k]);
		assert_int_equal(plan_shape(b, &sh, &err), -EINVAL);
	}
	assert_int_equal(err.n, ARRAY_SIZE(bad));
}

/* plan_add() puts each step in its phase's bucket, whatever order the adders run in, and keeps
 * the adders' order within a bucket; the shape follows the buckets. */
static void test_buckets(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = plan_new();
	const enum step_kind added[] = {STEP_SUPERVISE,	  STEP_EXEC,	     STEP_NETNS_READY,
					STEP_INIT,	  STEP_NETNS_CREATE, STEP_HOSTNAME,
					STEP_MOUNT_BIND,  STEP_IDMAP_WRITE,  STEP_CLONE,
					STEP_MOUNT_PIVOT, STEP_SESSION};
	const enum step_kind want[] = {STEP_IDMAP_WRITE, STEP_CLONE,	   STEP_NETNS_CREATE,
				       STEP_MOUNT_BIND,	 STEP_MOUNT_PIVOT, STEP_INIT,
				       STEP_HOSTNAME,	 STEP_EXEC,	   STEP_NETNS_READY,
				       STEP_SESSION,	 STEP_SUPERVISE};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(added); i++)
		assert_non_null(plan_add(plan, added[i], &(struct sbx_loc){"t.cfg", (unsigned)i}));
	assert_int_equal(plan->n_steps, ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		assert_int_equal(plan->steps[i].kind, want[i]);
		assert_int_equal(plan->steps[i].phase, plan_step_type(want[i])->phase);
	}
	/* Each step kept its own location through the moves. */
	assert_int_equal(plan_first(plan, STEP_CLONE)->loc.line, 8);
	assert_int_equal(plan_first(plan, STEP_SUPERVISE)->loc.line, 0);
	assert_null(plan_first(plan, STEP_TTY));
}

/* plan_add_to() moves a step to another bucket on its own side, never across sides. */
static void test_add_to_other_phase(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = plan_new();
	struct plan_shape sh = {0};
	struct sbx_err err = {0};

	(void)state;
	assert_non_null(plan_add(plan, STEP_CLONE, NULL));
	assert_non_null(plan_add(plan, STEP_NETNS_CREATE, NULL));
	assert_non_null(plan_add(plan, STEP_MOUNT_PRIVATE, NULL));
	assert_non_null(plan_add_to(plan, PHASE_ROOT, STEP_NETNS_JOIN, NULL));
	assert_non_null(plan_add(plan, STEP_MOUNT_PIVOT, NULL));
	assert_non_null(plan_add(plan, STEP_EXEC, NULL));
	assert_null(plan_add_to(plan, PHASE_PARENT, STEP_NETNS_JOIN, NULL));   /* child's */
	assert_null(plan_add_to(plan, PHASE_COMMAND, STEP_IDMAP_WRITE, NULL)); /* parent's */
	assert_null(plan_add_to(plan, _PHASE_MAX, STEP_CHDIR, NULL));
	assert_int_equal(plan->n_steps, 6);
	assert_int_equal(plan->steps[3].kind, STEP_NETNS_JOIN);
	assert_int_equal(plan->steps[3].phase, PHASE_ROOT);
	assert_int_equal(plan_shape(plan, &sh, &err), 0);
	assert_int_equal(sh.release, 1);
	assert_int_equal(sh.first_child, 2);
	assert_int_equal(sh.command, 5);
	assert_int_equal(sh.end_child, 6);
}

/* A step's own location may be passed for a new step even when the array must grow: it is
 * read before the steps move. */
static void test_loc_from_a_step_survives_growth(void **state)
{
	_cleanup_(plan_freep) struct plan *plan = plan_new();
	struct step *s;

	(void)state;
	while (plan->n_steps < plan->cap_steps || plan->n_steps == 0) {
		s = plan_add(plan, STEP_CHDIR, &(struct sbx_loc){"t.cfg", (unsigned)plan->n_steps});
		assert_non_null(s);
	}
	s = plan_add(plan, STEP_CLONE, &plan->steps[plan->n_steps - 1].loc); /* goes first */
	assert_non_null(s);
	assert_int_equal(s->loc.line, plan->n_steps - 2);
	assert_string_equal(s->loc.file, "t.cfg");
	s = plan_add(plan, STEP_EXEC, &plan->steps[3].loc);
	assert_int_equal(s->loc.line, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_row_has_name_and_runner),
	    cmocka_unit_test(test_buckets),
	    cmocka_unit_test(test_add_to_other_phase),
	    cmocka_unit_test(test_loc_from_a_step_survives_growth),
	    cmocka_unit_test(test_add_keeps_order_and_loc),
	    cmocka_unit_test(test_owned_copies),
	    cmocka_unit_test(test_describe_bind),
	    cmocka_unit_test(test_describe_truncates_safely),
	    cmocka_unit_test(test_describe_rlimit_and_caps),
	    cmocka_unit_test(test_json_parses_back),
	    cmocka_unit_test(test_text_lists_every_step),
	    cmocka_unit_test(test_shape),
	    cmocka_unit_test(test_text_escapes_controls),
	    cmocka_unit_test(test_json_escapes_controls),
	    cmocka_unit_test(test_long_values_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
