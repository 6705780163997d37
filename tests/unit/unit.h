/* unit.h — what every cmocka unit test includes. */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

/* The test binary's scratch space: one directory, /tmp/sbx-unit-XXXXXX (a name the integration
 * tests' leftover checks know as the suite's own: unit tests may run beside them), made by the
 * group setup and removed with everything in it by the group teardown, even after a failure:
 *
 *	return cmocka_run_group_tests(tests, unit_tmp_setup, unit_tmp_teardown);
 *
 * unit_tmp() is its path; a test makes its files below it, under names of its own. */
static char unit_tmp_dir[] = "/tmp/sbx-unit-XXXXXX";

static inline const char *unit_tmp(void)
{
	return unit_tmp_dir;
}

/* "<unit_tmp()>/@name" in @buf, which holds @size bytes. */
static inline const char *unit_path(char *buf, size_t size, const char *name)
{
	if ((size_t)snprintf(buf, size, "%s/%s", unit_tmp_dir, name) >= size)
		fail_msg("unit_path: %s does not fit", name);
	return buf;
}

static inline int unit_tmp_setup(void **state)
{
	(void)state;
	return mkdtemp(unit_tmp_dir) ? 0 : -1;
}

static inline int unit_tmp_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static inline int unit_tmp_teardown(void **state)
{
	(void)state;
	return nftw(unit_tmp_dir, unit_tmp_rm, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}
