/* render.c — command-line settings written back as profile text (--learn's OUT.cfg): each --set
 * parsed as sbx applies it, merged as profiles merge, and printed with every group once, since
 * libconfig refuses a name twice in one group. */
#include "profile/profile.h"
#include "profile/schema.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"

#define INDENT 2

static int copy_into(config_setting_t *parent, const config_setting_t *src)
{
	int type = config_setting_type(src);
	config_setting_t *n = config_setting_add(
	    parent, config_setting_is_group(parent) ? config_setting_name(src) : NULL, type);
	int ok = n != NULL;

	if (!ok)
		return -ENOMEM;
	switch (type) {
	case CONFIG_TYPE_INT:
		ok = config_setting_set_int(n, config_setting_get_int(src));
		break;
	case CONFIG_TYPE_INT64:
		ok = config_setting_set_int64(n, config_setting_get_int64(src));
		break;
	case CONFIG_TYPE_FLOAT:
		ok = config_setting_set_float(n, config_setting_get_float(src));
		break;
	case CONFIG_TYPE_BOOL:
		ok = config_setting_set_bool(n, config_setting_get_bool(src));
		break;
	case CONFIG_TYPE_STRING:
		ok = config_setting_set_string(n, config_setting_get_string(src));
		break;
	default: /* group, array, list */
		for (int i = 0; i < config_setting_length(src); i++) {
			int r = copy_into(n, config_setting_get_elem(src, (unsigned)i));

			if (r < 0)
				return r;
		}
	}
	return ok ? 0 : -ENOMEM;
}

/* @src's settings over @dst's, as a later profile's over an earlier's: groups key by key,
 * lists appended, anything else replaced. */
static int merge_group(config_setting_t *dst, const config_setting_t *src)
{
	for (int i = 0; i < config_setting_length(src); i++) {
		const config_setting_t *c = config_setting_get_elem(src, (unsigned)i);
		const char *name = config_setting_name(c);
		config_setting_t *d = config_setting_get_member(dst, name);
		int r = 0;

		if (d && config_setting_is_group(c) && config_setting_is_group(d)) {
			r = merge_group(d, c);
		} else if (d && config_setting_is_list(c) && config_setting_is_list(d)) {
			for (int j = 0; r == 0 && j < config_setting_length(c); j++)
				r = copy_into(d, config_setting_get_elem(c, (unsigned)j));
		} else {
			if (d)
				(void)config_setting_remove(dst, name);
			r = copy_into(dst, c);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* The group at dotted @path under @root, made where missing; NULL when a non-group is in the
 * way (replaced: the verbatim setting wins) or out of memory. */
static config_setting_t *group_at(config_setting_t *root, const char *path, size_t len)
{
	config_setting_t *g = root;

	while (len > 0) {
		size_t n = strcspn(path, ".");
		char name[64];
		config_setting_t *c;

		if (n > len)
			n = len;
		if (n >= sizeof(name))
			return NULL;
		memcpy(name, path, n);
		name[n] = '\0';
		c = config_setting_get_member(g, name);
		if (c && !config_setting_is_group(c)) {
			(void)config_setting_remove(g, name);
			c = NULL;
		}
		if (!c && !(c = config_setting_add(g, name, CONFIG_TYPE_GROUP)))
			return NULL;
		g = c;
		path += n + (n < len);
		len -= n + (n < len);
	}
	return g;
}

void profile_put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c == '"' || *c == '\\')
			fprintf(f, "\\%c", *c);
		else if (*c < 0x20 || *c == 0x7f)
			fprintf(f, "\\x%02x", *c);
		else
			fputc(*c, f);
	fputc('"', f);
}

static void put_setting(FILE *f, const config_setting_t *s, int depth);

static void put_value(FILE *f, const config_setting_t *s, int depth)
{
	char num[64];
	int n = config_setting_length(s);

	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
		fprintf(f, "%d", config_setting_get_int(s));
		return;
	case CONFIG_TYPE_INT64:
		fprintf(f, "%lldL", config_setting_get_int64(s));
		return;
	case CONFIG_TYPE_FLOAT:
		snprintf(num, sizeof(num), "%.17g", config_setting_get_float(s));
		fprintf(f, "%s%s", num, strpbrk(num, ".eEin") ? "" : ".0");
		return;
	case CONFIG_TYPE_BOOL:
		fputs(config_setting_get_bool(s) ? "true" : "false", f);
		return;
	case CONFIG_TYPE_STRING:
		profile_put_string(f, config_setting_get_string(s));
		return;
	case CONFIG_TYPE_GROUP:
		fputs("{\n", f);
		for (int i = 0; i < n; i++)
			put_setting(f, config_setting_get_elem(s, (unsigned)i), depth + 1);
		fprintf(f, "%*s}", depth * INDENT, "");
		return;
	default: /* array, list */
		fputs(config_setting_is_list(s) ? "( " : "[ ", f);
		for (int i = 0; i < n; i++) {
			fputs(i ? ", " : "", f);
			put_value(f, config_setting_get_elem(s, (unsigned)i), depth);
		}
		fputs(config_setting_is_list(s) ? " )" : " ]", f);
	}
}

static void put_setting(FILE *f, const config_setting_t *s, int depth)
{
	const char *verbatim = config_setting_get_hook(s);

	fprintf(f, "%*s%s = ", depth * INDENT, "", config_setting_name(s));
	if (verbatim)
		fputs(verbatim, f);
	else
		put_value(f, s, depth);
	fputs(";\n", f);
}

static int render(config_t *cfg, const char *const *sets, size_t n_sets,
		  const struct profile_verbatim *v, size_t n_v, struct apply_ctx *ctx)
{
	config_setting_t *root = config_root_setting(cfg);

	for (size_t i = 0; i < n_sets; i++) {
		config_t *one;
		int r;

		ctx->file = sets[i];
		one = profile_set_config(ctx, sets[i]);
		if (!one)
			return ctx->r;
		r = merge_group(root, config_root_setting(one));
		profile_config_free(one);
		if (r < 0)
			return profile_oom(ctx);
	}
	for (size_t i = 0; i < n_v; i++) {
		const char *dot = strrchr(v[i].key, '.');
		const char *name = dot ? dot + 1 : v[i].key;
		config_setting_t *g = group_at(root, v[i].key, dot ? (size_t)(dot - v[i].key) : 0);
		config_setting_t *s;

		if (!g)
			return profile_oom(ctx);
		if (config_setting_get_member(g, name))
			(void)config_setting_remove(g, name);
		s = config_setting_add(g, name, CONFIG_TYPE_BOOL); /* printed from its hook */
		if (!s)
			return profile_oom(ctx);
		config_setting_set_hook(s, (void *)v[i].text);
	}
	return 0;
}

int profile_render_sets(const char *const *sets, size_t n_sets, const struct profile_verbatim *v,
			size_t n_v, FILE *out, struct sbx_err *err)
{
	_cleanup_(profile_freep) struct profile *p = profile_new();
	struct apply_ctx ctx = {.err = err, .prefix = "--set"};
	config_setting_t *root;
	config_t cfg;
	int r;

	if (!p)
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	ctx.p = p;
	profile_config_init(&cfg);
	r = render(&cfg, sets, n_sets, v, n_v, &ctx);
	root = config_root_setting(&cfg);
	for (int i = 0; r == 0 && i < config_setting_length(root); i++)
		put_setting(out, config_setting_get_elem(root, (unsigned)i), 0);
	config_destroy(&cfg);
	return r;
}
