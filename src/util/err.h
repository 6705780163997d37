/* err.h — error records that carry file:line context without allocating. */
#pragma once

#include <stddef.h>

#define SBX_ERR_MAX 32
#define SBX_WARN_MAX 8

/* A location in a profile; file is borrowed and lives in the profile or the plan. */
struct sbx_loc {
	const char *file;
	unsigned line;
};

struct sbx_diag {
	unsigned line;
	char file[128];
	char msg[256];
};

struct sbx_err {
	int code;   /* first error's negative errno; 0 = none */
	unsigned n; /* errors seen, may exceed SBX_ERR_MAX */
	struct sbx_diag diag[SBX_ERR_MAX];
	/* Warnings: a profile that is valid but asks for something that can't take effect.
	 * They leave code alone; main.c prints them, `sbx: warning: FILE:LINE: MSG`. */
	unsigned n_warn; /* warnings seen, may exceed SBX_WARN_MAX */
	struct sbx_diag warn[SBX_WARN_MAX];
};

/* Record one error and return @code, so callers can `return sbx_err_set(...)`. */
int sbx_err_set(struct sbx_err *err, const struct sbx_loc *loc, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Like sbx_err_set() with code = -errno and ": strerror(errno)" appended; reads errno first. */
int sbx_err_errno(struct sbx_err *err, const struct sbx_loc *loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Record one warning; the error code is left alone. */
void sbx_err_warn(struct sbx_err *err, const struct sbx_loc *loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Format @d as "FILE:LINE: MSG" (or just MSG without a location) into @buf. */
void sbx_diag_format(const struct sbx_diag *d, char *buf, size_t size);
/* sbx_diag_format() of error @i. */
void sbx_err_format(const struct sbx_err *err, unsigned i, char *buf, size_t size);
