/* fuzz_profile.c — libFuzzer harness: any text as a profile, then the policy compiler on what
 * parsed. Run with `make fuzz` (clang, ASan+UBSan). Never part of `make check`. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan.h"
#include "plan/policy.h"
#include "profile/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
	if (profile_parse_string(text, "fuzz.cfg", &p, &err) == 0 &&
	    policy_compile(p, &c, &plan, &err) == 0)
		plan_free(plan);
	profile_free(p);
	free(text);
	return 0;
}
