/* fuzz_profile.c — libFuzzer harness: any text as a profile, then the policy compiler on what
 * parsed. Run with `make fuzz` (clang, ASan+UBSan). Never part of `make check`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan.h"
#include "plan/policy.h"
#include "profile/profile.h"
#include "profile/schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The prescan must read the text as libconfig does, so that no @include reaches libconfig's
 * include handling. The loader's config_t refuses every include, so an @include the prescan
 * missed shows only as libconfig's "cannot open include file": make it a crash. */
static void check_no_include(const char *text)
{
	struct sbx_err err = {0};
	struct profile *p = profile_new();
	struct apply_ctx ctx = {.p = p, .file = "fuzz.cfg", .err = &err};
	char *fixed = NULL;
	config_t cfg;

	if (p && profile_prescan(&ctx, text, &fixed) == 0) {
		profile_config_init(&cfg);
		if (config_read_string(&cfg, fixed) == CONFIG_FALSE &&
		    strstr(config_error_text(&cfg), "include file")) {
			fprintf(stderr, "libconfig attempted an include at line %d: %s\n",
				config_error_line(&cfg), config_error_text(&cfg));
			abort();
		}
		config_destroy(&cfg);
	}
	free(fixed);
	profile_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *argv[] = {"/bin/true", NULL};
	static char *env[] = {"PATH=/bin", "TERM=dumb", NULL};
	struct sbx_caller c = {
	    .uid = 1000,
	    .gid = 1000,
	    .user_name = "fuzz",
	    .argv = argv,
	    .environ = env,
	    .subuid_file = "/dev/null",
	    .subgid_file = "/dev/null",
	    .helper_dir = "/usr/bin",
	};
	struct sbx_err err = {0};
	struct profile *p = NULL;
	struct plan *plan = NULL;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	check_no_include(text);
	if (profile_parse_string(text, "fuzz.cfg", &p, &err) == 0 &&
	    policy_compile(p, &c, &plan, &err) == 0)
		plan_free(plan);
	profile_free(p);
	free(text);
	return 0;
}
