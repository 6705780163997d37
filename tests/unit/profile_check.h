/* profile_check.h — the loader tests' shared checks: a profile text that must load, one that
 * must fail with exactly one error at a line, a --set that must fail, and a profile file in the
 * test's scratch dir. */
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

/* `--set @kv` fails with one error, located at "--set @kv" (line 0), whose message contains
 * @msg and doesn't start with "--set". */
static inline void expect_set_error(const char *kv, const char *msg)
{
	_cleanup_(profile_freep) struct profile *p = profile_new();
	struct sbx_err err = {0};
	char want[512];

	assert_true(profile_set(p, kv, &err) < 0);
	assert_int_equal(err.n, 1);
	/* Located at the option as typed, in place of FILE:LINE; the message doesn't repeat it. */
	snprintf(want, sizeof(want), "--set %s", kv);
	assert_string_equal(err.diag[0].file, want);
	assert_int_equal(err.diag[0].line, 0);
	if (strncmp(err.diag[0].msg, "--set", 5) == 0 || !strstr(err.diag[0].msg, msg))
		fail_msg("--set %s: got \"%s\", want \"%s\"", kv, err.diag[0].msg, msg);
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
