/* profile_check.h — the loader tests' shared checks: a profile text that must load, one that
 * must fail with exactly one error at a line, and a profile file in the test's scratch dir. */
#pragma once

#include <stdio.h>
#include <string.h>

#include "profile/profile.h"
#include "unit.h"
#include "util/cleanup.h"

/* @text loads without an error (as t.cfg); the caller frees the profile. */
static inline struct profile *parse_ok(const char *text)
{
	struct profile *p = NULL;
	struct sbx_err err = {0};
	int r = profile_parse_string(text, "t.cfg", &p, &err);

	if (r != 0)
		fail_msg("unexpected error %d: %s:%u: %s", r, err.diag[0].file, err.diag[0].line,
			 err.diag[0].msg);
	return p;
}

/* @text fails with one error, at t.cfg:@line, whose message contains @msg. */
static inline void expect_one_error(const char *text, unsigned line, const char *msg)
{
	_cleanup_(profile_freep) struct profile *p = NULL;
	struct sbx_err err = {0};
	int r = profile_parse_string(text, "t.cfg", &p, &err);

	assert_non_null(p);
	if (r >= 0 || err.n == 0)
		fail_msg("no error for: %s", text);
	assert_int_equal(r, err.code);
	assert_string_equal(err.diag[0].file, "t.cfg");
	if (err.n != 1 || err.diag[0].line != line || !strstr(err.diag[0].msg, msg))
		fail_msg("for: %s\nwant one error at line %u with \"%s\", got %u, the first at "
			 "line %u: %s",
			 text, line, msg, err.n, err.diag[0].line, err.diag[0].msg);
}

/* unit_tmp()/@name holds @text. */
static inline void write_scratch(const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f = fopen(unit_path(path, sizeof(path), name), "we");

	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}
