/* test_options.c — the command line's option scanner (cli/options.c): whole long names only,
 * arguments attached or as the next word, an optional argument only with '=', groups of short
 * options, the end of the options, and messages that quote what was typed. */
#include "unit.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/options.h"

enum { O_PROFILE = 1, O_PLAN, O_SET, O_SETUP, O_STATS, O_VERBOSE, O_QUIET };

static const char *const formats[] = {"text", "json", NULL};

static const struct opt_def defs[] = {
    {"profile", 'p', OPT_ARG_REQUIRED, O_PROFILE, NULL, NULL, NULL},
    {"plan", 0, OPT_ARG_OPTIONAL, O_PLAN, formats, NULL, NULL},
    {"set", 0, OPT_ARG_REQUIRED, O_SET, NULL, NULL, NULL},
    {"setup-timeout", 0, OPT_ARG_REQUIRED, O_SETUP, NULL, NULL, NULL},
    {"stats", 0, OPT_ARG_NONE, O_STATS, NULL, NULL, NULL},
    {"verbose", 'v', OPT_ARG_NONE, O_VERBOSE, NULL, NULL, NULL},
    {"quiet", 'q', OPT_ARG_NONE, O_QUIET, NULL, NULL, NULL},
    {NULL, 0, OPT_ARG_NONE, 0, NULL, NULL, NULL},
};

/* Scans @argv (NULL-terminated, argv[0] included) into "ID=VALUE ..." and the index of the
 * command; the result of the last opt_next() call. */
static int scan_all(char **argv, char *out, size_t size, int *ret_index, char *msg)
{
	struct opt_scan scan = {0, argv, 1, 0};
	struct opt_hit hit;
	int r;

	while (argv[scan.argc])
		scan.argc++;
	out[0] = '\0';
	while ((r = opt_next(&scan, defs, &hit, msg)) > 0) {
		size_t len = strlen(out);

		snprintf(out + len, size - len, "%s%d=%s", len ? " " : "", hit.def->id,
			 hit.value ? hit.value : "-");
	}
	*ret_index = scan.index;
	return r;
}

#define SCAN_OK(want, want_index, ...)                                                             \
	do {                                                                                       \
		char *argv_[] = {"sbx", __VA_ARGS__, NULL};                                        \
		char out_[256], msg_[OPT_MSG_SIZE];                                                \
		int index_;                                                                        \
		assert_int_equal(scan_all(argv_, out_, sizeof(out_), &index_, msg_), 0);           \
		assert_string_equal(out_, want);                                                   \
		assert_int_equal(index_, want_index);                                              \
	} while (0)

#define SCAN_ERR(want_msg, ...)                                                                    \
	do {                                                                                       \
		char *argv_[] = {"sbx", __VA_ARGS__, NULL};                                        \
		char out_[256], msg_[OPT_MSG_SIZE];                                                \
		int index_;                                                                        \
		assert_int_equal(scan_all(argv_, out_, sizeof(out_), &index_, msg_), -EINVAL);     \
		assert_string_equal(msg_, want_msg);                                               \
	} while (0)

static void test_arguments(void **state)
{
	(void)state;
	SCAN_OK("1=a.cfg 3=x=1", 5, "--profile", "a.cfg", "--set", "x=1", "cmd");
	SCAN_OK("1=a.cfg 3=x=1", 3, "--profile=a.cfg", "--set=x=1", "cmd");
	SCAN_OK("1=a.cfg 1=b", 4, "-pa.cfg", "-p", "b", "cmd");
	/* A required argument is the next word, whatever it looks like. */
	SCAN_OK("3=--verbose", 3, "--set", "--verbose", "cmd");
}

static void test_short_groups(void **state)
{
	(void)state;
	SCAN_OK("6=- 7=- 6=-", 2, "-vqv", "cmd");
	SCAN_OK("6=- 1=x.cfg", 2, "-vpx.cfg", "cmd");
	SCAN_OK("7=- 1=x.cfg", 3, "-qp", "x.cfg", "cmd");
}

static void test_end_of_options(void **state)
{
	(void)state;
	/* "--" ends them and is not the command; so does the first word that is no option. */
	SCAN_OK("6=-", 3, "-v", "--", "--plan");
	SCAN_OK("6=-", 2, "-v", "cmd", "--plan");
	SCAN_OK("", 1, "-", "x");
	SCAN_OK("6=-", 2, "-v");
}

static void test_optional_argument(void **state)
{
	(void)state;
	SCAN_OK("2=json", 3, "--plan=json", "--", "/bin/true");
	SCAN_OK("2=-", 2, "--plan", "/bin/true");
	SCAN_OK("2=-", 3, "--plan", "--", "json");
	SCAN_OK("2=", 2, "--plan=", "x");
	/* Its value as the next word would silently become the command. */
	SCAN_ERR("'--plan json': write --plan=json, since an optional argument takes '=' (a "
		 "command named json goes after --)",
		 "--plan", "json", "--", "/bin/true");
	SCAN_ERR("'--plan text': write --plan=text, since an optional argument takes '=' (a "
		 "command named text goes after --)",
		 "-v", "--plan", "text");
}

static void test_no_abbreviations(void **state)
{
	(void)state;
	SCAN_ERR("unknown option '--pla' (long options are not abbreviated: --plan)", "--pla=json",
		 "x");
	SCAN_ERR("unknown option '--s' (long options are not abbreviated: --set, --setup-timeout, "
		 "--stats)",
		 "--s", "x");
	SCAN_ERR("unknown option '--verbosely'", "--verbosely");
	SCAN_ERR("unknown option '--bogus'", "-v", "--bogus", "x");
	SCAN_ERR("unknown option '--'", "--=x");
}

static void test_usage_errors(void **state)
{
	(void)state;
	SCAN_ERR("unknown option '-x'", "-x");
	SCAN_ERR("unknown option '-x'", "-vx");
	SCAN_ERR("option '--profile' needs an argument", "--profile");
	SCAN_ERR("option '-p' needs an argument", "-vp");
	SCAN_ERR("option '--stats' takes no argument", "--stats=json", "x");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_arguments),	     cmocka_unit_test(test_short_groups),
	    cmocka_unit_test(test_end_of_options),   cmocka_unit_test(test_optional_argument),
	    cmocka_unit_test(test_no_abbreviations), cmocka_unit_test(test_usage_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
