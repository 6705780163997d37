/* err.c — fixed-size error records. */
#include "util/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int record(struct sbx_err *err, const struct sbx_loc *loc, int code, const char *suffix,
		  const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

static int record(struct sbx_err *err, const struct sbx_loc *loc, int code, const char *suffix,
		  const char *fmt, va_list ap)
{
	if (code >= 0)
		code = -EINVAL;
	if (!err)
		return code;
	if (err->code == 0)
		err->code = code;
	if (err->n < SBX_ERR_MAX) {
		struct sbx_diag *d = &err->diag[err->n];
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

void sbx_err_format(const struct sbx_err *err, unsigned i, char *buf, size_t size)
{
	const struct sbx_diag *d = &err->diag[i];

	if (d->file[0] && d->line)
		snprintf(buf, size, "%s:%u: %s", d->file, d->line, d->msg);
	else if (d->file[0])
		snprintf(buf, size, "%s: %s", d->file, d->msg);
	else
		snprintf(buf, size, "%s", d->msg);
}
