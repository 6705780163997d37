/* err.c — fixed-size error records. */
#include "util/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int record(struct sbx_err *err, const struct sbx_loc *loc, int code, const char *suffix,
		  const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
static void fill(struct sbx_diag *d, const struct sbx_loc *loc, const char *suffix, const char *fmt,
		 va_list ap) __attribute__((format(printf, 4, 0)));

static void fill(struct sbx_diag *d, const struct sbx_loc *loc, const char *suffix, const char *fmt,
		 va_list ap)
{
	size_t len;

	memset(d, 0, sizeof(*d));
	if (loc && loc->file) {
		snprintf(d->file, sizeof(d->file), "%s", loc->file);
		d->line = loc->line;
	}
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	len = strlen(d->msg);
	if (suffix && len < sizeof(d->msg))
		snprintf(d->msg + len, sizeof(d->msg) - len, "%s", suffix);
}

static int record(struct sbx_err *err, const struct sbx_loc *loc, int code, const char *suffix,
		  const char *fmt, va_list ap)
{
	if (code >= 0)
		code = -EINVAL;
	if (!err)
		return code;
	if (err->code == 0)
		err->code = code;
	if (err->n < SBX_ERR_MAX)
		fill(&err->diag[err->n], loc, suffix, fmt, ap);
	err->n++;
	return code;
}

int sbx_err_set(struct sbx_err *err, const struct sbx_loc *loc, int code, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = record(err, loc, code, NULL, fmt, ap);
	va_end(ap);
	return r;
}

int sbx_err_errno(struct sbx_err *err, const struct sbx_loc *loc, const char *fmt, ...)
{
	int saved = errno > 0 ? errno : EIO;
	char suffix[96];
	va_list ap;
	int r;

	snprintf(suffix, sizeof(suffix), ": %s", strerror(saved));
	va_start(ap, fmt);
	r = record(err, loc, -saved, suffix, fmt, ap);
	va_end(ap);
	errno = saved;
	return r;
}

void sbx_err_warn(struct sbx_err *err, const struct sbx_loc *loc, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	if (err->n_warn < SBX_WARN_MAX) {
		va_start(ap, fmt);
		fill(&err->warn[err->n_warn], loc, NULL, fmt, ap);
		va_end(ap);
	}
	err->n_warn++;
}

void sbx_err_format(const struct sbx_err *err, unsigned i, char *buf, size_t size)
{
	sbx_diag_format(&err->diag[i], buf, size);
}

void sbx_diag_format(const struct sbx_diag *d, char *buf, size_t size)
{
	if (d->file[0] && d->line)
		snprintf(buf, size, "%s:%u: %s", d->file, d->line, d->msg);
	else if (d->file[0])
		snprintf(buf, size, "%s: %s", d->file, d->msg);
	else
		snprintf(buf, size, "%s", d->msg);
}
