/* profile_schema.c — what every section of the schema uses: error records at the offending
 * setting's own line (checking goes on, so --check lists every error), setting paths for
 * messages, group dispatch and the checked getters. The sections are in profile_sections.c
 * and profile_mounts.c. */
#include "profile/profile.h"
#include "profile/schema.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"

struct sbx_loc profile_loc(const struct apply_ctx *ctx, const config_setting_t *s)
{
	struct sbx_loc loc = {.file = ctx->file};

	if (!ctx->prefix && s)
		loc.line = config_setting_source_line(s);
	return loc;
}

static int err_v(struct apply_ctx *ctx, unsigned line, int code, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

static int err_v(struct apply_ctx *ctx, unsigned line, int code, const char *fmt, va_list ap)
{
	/* A --set or shortcut has no line: its location is the option as typed. */
	struct sbx_loc loc = {.file = ctx->file, .line = ctx->prefix ? 0 : line};
	char msg[256];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* Messages quote profile text: keep a hostile profile's escape sequences off terminals. */
	for (char *c = msg; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	code = sbx_err_set(ctx->err, &loc, code, "%s", msg);
	if (ctx->r == 0)
		ctx->r = code;
	ctx->n_err++;
	return code;
}

int profile_err_line(struct apply_ctx *ctx, unsigned line, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	code = err_v(ctx, line, code, fmt, ap);
	va_end(ap);
	return code;
}

int profile_err(struct apply_ctx *ctx, const config_setting_t *s, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	code = err_v(ctx, s ? config_setting_source_line(s) : 0, code, fmt, ap);
	va_end(ap);
	return code;
}

int profile_oom(struct apply_ctx *ctx)
{
	return profile_err_line(ctx, 0, -ENOMEM, "out of memory");
}

/* "filesystem.mounts[2].dst": list and array elements by index, from 0 like libconfig paths. */
const char *profile_path(const config_setting_t *s, char *buf, size_t size)
{
	const config_setting_t *parent = config_setting_parent(s);
	size_t len;

	buf[0] = '\0';
	if (!parent)
		return buf;
	profile_path(parent, buf, size);
	len = strlen(buf);
	if (config_setting_name(s))
		snprintf(buf + len, size - len, "%s%s", len ? "." : "", config_setting_name(s));
	else
		snprintf(buf + len, size - len, "[%d]", config_setting_index(s));
	return buf;
}

int profile_apply_group(struct apply_ctx *ctx, config_setting_t *group,
			const struct profile_key *keys, size_t n_keys)
{
	int r = 0;

	if (!config_setting_is_group(group))
		return profile_err(ctx, group, -EINVAL, "%s: must be a group { ... }", PATH(group));
	for (int i = 0; i < config_setting_length(group); i++) {
		config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
		const struct profile_key *key = NULL;
		int k;

		for (size_t j = 0; j < n_keys && !key; j++)
			if (strcmp(keys[j].name, config_setting_name(s)) == 0)
				key = &keys[j];
		if (key)
			k = key->apply(ctx, s);
		else
			k = profile_err(ctx, s, -EINVAL, "%s: unknown setting", PATH(s));
		if (k < 0 && r == 0)
			r = k;
	}
	return r;
}

int profile_get_bool(struct apply_ctx *ctx, config_setting_t *s, bool *ret)
{
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return profile_err(ctx, s, -EINVAL, "%s: must be true or false", PATH(s));
	*ret = config_setting_get_bool(s);
	return 0;
}

int profile_get_string(struct apply_ctx *ctx, config_setting_t *s, const char **ret)
{
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return profile_err(ctx, s, -EINVAL, "%s: must be a string", PATH(s));
	*ret = config_setting_get_string(s);
	return 0;
}

bool profile_is_int(const config_setting_t *s)
{
	return config_setting_type(s) == CONFIG_TYPE_INT ||
	       config_setting_type(s) == CONFIG_TYPE_INT64;
}

int profile_get_uint(struct apply_ctx *ctx, config_setting_t *s, uint64_t max, uint64_t *ret)
{
	long long v;

	if (!profile_is_int(s))
		return profile_err(ctx, s, -EINVAL, "%s: must be an integer", PATH(s));
	v = config_setting_get_int64(s);
	if (v < 0 || (uint64_t)v > max)
		return profile_err(ctx, s, -ERANGE, "%s: %lld is out of range (0 to %" PRIu64 ")",
				   PATH(s), v, max);
	*ret = (uint64_t)v;
	return 0;
}

/* An integer or a string with a unit, through @parse; @what names the kind for messages. */
static int get_quantity(struct apply_ctx *ctx, config_setting_t *s, const char *what,
			int (*parse)(const char *, uint64_t *), uint64_t *ret)
{
	const char *str = NULL;
	int r;

	if (profile_is_int(s))
		return profile_get_uint(ctx, s, INT64_MAX, ret);
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return profile_err(ctx, s, -EINVAL, "%s: must be %s", PATH(s), what);
	str = config_setting_get_string(s);
	r = parse(str, ret);
	if (r == -ERANGE)
		return profile_err(ctx, s, r, "%s: \"%s\" is too large", PATH(s), str);
	if (r < 0)
		return profile_err(ctx, s, r, "%s: \"%s\" is not %s", PATH(s), str, what);
	return 0;
}

int profile_get_size(struct apply_ctx *ctx, config_setting_t *s, uint64_t *ret)
{
	return get_quantity(ctx, s, "a size (bytes, or a number with K, M, G or T)",
			    profile_parse_size, ret);
}

int profile_get_duration(struct apply_ctx *ctx, config_setting_t *s, uint64_t *ret)
{
	return get_quantity(ctx, s, "a duration (seconds, or a number with s, m or h)",
			    profile_parse_duration, ret);
}

/* An octal string, or an integer whose digits are read as octal: libconfig reads `0755` as
 * decimal 755, and a user writing it means what chmod means. */
int profile_get_mode(struct apply_ctx *ctx, config_setting_t *s, int max, int *ret)
{
	char buf[32];
	const char *str = buf;
	int r;

	if (profile_is_int(s))
		snprintf(buf, sizeof(buf), "%lld", config_setting_get_int64(s));
	else if (config_setting_type(s) == CONFIG_TYPE_STRING)
		str = config_setting_get_string(s);
	else
		return profile_err(ctx, s, -EINVAL, "%s: must be an octal mode such as \"0755\"",
				   PATH(s));
	r = profile_parse_octal(str, max, ret);
	if (r < 0)
		return profile_err(ctx, s, r, "%s: \"%s\" is not an octal mode from 0 to 0%o",
				   PATH(s), str, (unsigned)max);
	return 0;
}

int profile_get_path(struct apply_ctx *ctx, config_setting_t *s, char **ret)
{
	const char *str = NULL, *why = NULL;
	int r;

	r = profile_get_string(ctx, s, &str);
	if (r < 0)
		return r;
	r = profile_normalize_path(str, ret, &why);
	if (r == -ENOMEM)
		return profile_oom(ctx);
	if (r < 0)
		return profile_err(ctx, s, r, "%s: \"%.64s\" %s", PATH(s), str, why);
	return 0;
}

/* An array (or list) of strings; each element that is not a string is an error at its line. */
int profile_check_strv(struct apply_ctx *ctx, config_setting_t *s)
{
	int r = 0;

	if (!config_setting_is_array(s) && !config_setting_is_list(s))
		return profile_err(ctx, s, -EINVAL, "%s: must be an array of strings [ ... ]",
				   PATH(s));
	for (int i = 0; i < config_setting_length(s); i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			r = profile_err(ctx, e, -EINVAL, "%s: must be a string", PATH(e));
	}
	return r;
}

int profile_set_string(struct apply_ctx *ctx, char **dst, const char *value)
{
	char *copy = strdup(value);

	if (!copy)
		return profile_oom(ctx);
	free(*dst);
	*dst = copy;
	return 0;
}
