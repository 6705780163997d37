/* profile_mounts.c — the `filesystem` section: the root and the list of mounts, each entry
 * checked against what its type allows and requires. */
#include "profile/profile.h"
#include "profile/schema.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"

#define T(t) (1u << (t))
#define T_ALL ((1u << _MOUNT_TYPE_MAX) - 1)

/* A mount entry being parsed, with the settings its defaults and checks need. */
struct mount_parse {
	struct mount_entry m;
	config_setting_t *src, *dst, *lower, *upper, *work, *content, *target;
};

static const struct {
	const char *name;
	unsigned opt;
} mount_options[] = {
    {"noexec", MOUNT_OPT_NOEXEC},	    {"noatime", MOUNT_OPT_NOATIME},
    {"nodiratime", MOUNT_OPT_NODIRATIME},   {"relatime", MOUNT_OPT_RELATIME},
    {"strictatime", MOUNT_OPT_STRICTATIME}, {"nosymfollow", MOUNT_OPT_NOSYMFOLLOW},
};

void profile_mount_clear(struct mount_entry *m)
{
	free(m->src);
	free(m->dst);
	free(m->target);
	free(m->content);
	for (size_t i = 0; i < m->n_lower; i++)
		free(m->lower[i]);
	free(m->lower);
	free(m->upper);
	free(m->work);
	*m = (struct mount_entry){0};
}

int profile_append_mount(struct profile *p, struct mount_entry *m)
{
	struct mount_entry *grown;

	grown = reallocarray(p->fs.mounts, p->fs.n_mounts + 1, sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	p->fs.mounts = grown;
	p->fs.mounts[p->fs.n_mounts++] = *m;
	*m = (struct mount_entry){0};
	return 0;
}

/* @setting remembers the key was given even when its value is bad: one error, not two. */
static int get_path_into(struct apply_ctx *ctx, config_setting_t *s, char **dst,
			 config_setting_t **setting)
{
	*setting = s;
	return profile_get_path(ctx, s, dst);
}

static int mount_options_parse(struct apply_ctx *ctx, config_setting_t *s, unsigned *ret)
{
	unsigned opts = 0, n_err = ctx->n_err;

	if (profile_check_strv(ctx, s) < 0)
		return -EINVAL;
	for (int i = 0; i < config_setting_length(s); i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *v = config_setting_get_string(e);
		size_t k = 0;

		while (k < ARRAY_SIZE(mount_options) && strcmp(mount_options[k].name, v) != 0)
			k++;
		if (k == ARRAY_SIZE(mount_options))
			profile_err(ctx, e, -EINVAL,
				    "%s: unknown mount option \"%.64s\" (known: noexec, noatime, "
				    "nodiratime, relatime, strictatime, nosymfollow)",
				    PATH(s), v);
		else
			opts |= mount_options[k].opt;
	}
	if (ctx->n_err != n_err)
		return -EINVAL;
	*ret = opts;
	return 0;
}

static int mount_lower_parse(struct apply_ctx *ctx, config_setting_t *s, struct mount_entry *m)
{
	int len = config_setting_length(s);
	unsigned n_err = ctx->n_err;

	if (profile_check_strv(ctx, s) < 0)
		return -EINVAL;
	if (len == 0)
		return profile_err(ctx, s, -EINVAL, "%s: must name at least one directory",
				   PATH(s));
	m->lower = calloc((size_t)len, sizeof(*m->lower));
	if (!m->lower)
		return profile_oom(ctx);
	for (int i = 0; i < len; i++)
		if (profile_get_path(ctx, config_setting_get_elem(s, (unsigned)i),
				     &m->lower[m->n_lower]) == 0)
			m->n_lower++;
	return ctx->n_err == n_err ? 0 : -EINVAL;
}

static int mount_string(struct apply_ctx *ctx, config_setting_t *s, char **dst, bool empty_ok)
{
	const char *v = NULL;

	if (profile_get_string(ctx, s, &v) < 0)
		return -EINVAL;
	if (!empty_ok && !*v)
		return profile_err(ctx, s, -EINVAL, "%s: must not be empty", PATH(s));
	if (!empty_ok && strlen(v) >= PATH_MAX)
		return profile_err(ctx, s, -ENAMETOOLONG, "%s: is too long", PATH(s));
	*dst = strdup(v);
	return *dst ? 0 : profile_oom(ctx);
}

/* A tmpfs's size, 0 for the kernel's default (half the RAM). A dev mount has no unsized form:
 * without `size` it gets a small default (mount.c), and 0 is refused. */
static int mount_size(struct apply_ctx *ctx, config_setting_t *s, struct mount_entry *m)
{
	int r = profile_get_size(ctx, s, &m->size);

	if (r == 0 && m->type == MOUNT_DEV && m->size == 0)
		return profile_err(ctx, s, -EINVAL,
				   "%s: a dev mount's size must be above 0 (without it, 4M)",
				   PATH(s));
	return r;
}

/* One key of a mount entry; its type was checked to allow the key. */
static int mount_key(struct apply_ctx *ctx, config_setting_t *s, struct mount_parse *mp)
{
	struct mount_entry *m = &mp->m;
	const char *key = config_setting_name(s);

	if (strcmp(key, "src") == 0)
		return get_path_into(ctx, s, &m->src, &mp->src);
	if (strcmp(key, "dst") == 0)
		return get_path_into(ctx, s, &m->dst, &mp->dst);
	if (strcmp(key, "upper") == 0)
		return get_path_into(ctx, s, &m->upper, &mp->upper);
	if (strcmp(key, "work") == 0)
		return get_path_into(ctx, s, &m->work, &mp->work);
	if (strcmp(key, "lower") == 0)
		return mp->lower = s, mount_lower_parse(ctx, s, m);
	if (strcmp(key, "rw") == 0)
		return profile_get_bool(ctx, s, &m->rw);
	if (strcmp(key, "optional") == 0)
		return profile_get_bool(ctx, s, &m->optional);
	if (strcmp(key, "recursive") == 0)
		return profile_get_bool(ctx, s, &m->recursive);
	if (strcmp(key, "options") == 0) {
		m->options_loc = profile_loc(ctx, s);
		return mount_options_parse(ctx, s, &m->options);
	}
	if (strcmp(key, "size") == 0)
		return mount_size(ctx, s, m);
	if (strcmp(key, "mode") == 0)
		return profile_get_mode(ctx, s, 07777, &m->mode);
	if (strcmp(key, "content") == 0)
		return mp->content = s, mount_string(ctx, s, &m->content, true);
	if (strcmp(key, "target") == 0)
		return mp->target = s, mount_string(ctx, s, &m->target, false);
	return -EINVAL;
}

/* Which keys each type takes; `type` itself is read first. */
static const struct {
	const char *name;
	unsigned types;
} mount_keys[] = {
    {"type", T_ALL},
    {"dst", T_ALL},
    {"options", T_ALL & ~(T(MOUNT_DIR) | T(MOUNT_SYMLINK) | T(MOUNT_CGROUP))},
    {"src", T(MOUNT_BIND)},
    {"rw", T(MOUNT_BIND)},
    {"recursive", T(MOUNT_BIND)},
    {"optional", T(MOUNT_BIND) | T(MOUNT_OVERLAY)},
    {"size", T(MOUNT_TMPFS) | T(MOUNT_DEV)},
    {"mode", T(MOUNT_TMPFS) | T(MOUNT_FILE) | T(MOUNT_DIR)},
    {"lower", T(MOUNT_OVERLAY)},
    {"upper", T(MOUNT_OVERLAY)},
    {"work", T(MOUNT_OVERLAY)},
    {"content", T(MOUNT_FILE)},
    {"target", T(MOUNT_SYMLINK)},
};

static int mount_type(struct apply_ctx *ctx, config_setting_t *g, enum mount_type *ret)
{
	config_setting_t *s = config_setting_get_member(g, "type");
	const char *v = NULL;
	int t = 0;

	if (!s)
		return profile_err(ctx, g, -EINVAL, "%s: missing \"type\"", PATH(g));
	if (profile_get_string(ctx, s, &v) < 0)
		return -EINVAL;
	while (t < _MOUNT_TYPE_MAX && strcmp(profile_mount_type_name((enum mount_type)t), v) != 0)
		t++;
	if (t == _MOUNT_TYPE_MAX)
		return profile_err(ctx, s, -EINVAL,
				   "%s: unknown mount type \"%.64s\" (known: bind, tmpfs, overlay, "
				   "proc, dev, sysfs, mqueue, file, dir, symlink, cgroup)",
				   PATH(s), v);
	*ret = (enum mount_type)t;
	return 0;
}

static void mount_keys_parse(struct apply_ctx *ctx, config_setting_t *g, struct mount_parse *mp)
{
	const char *tname = profile_mount_type_name(mp->m.type);

	for (int i = 0; i < config_setting_length(g); i++) {
		config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		size_t k = 0;

		while (k < ARRAY_SIZE(mount_keys) &&
		       strcmp(mount_keys[k].name, config_setting_name(s)) != 0)
			k++;
		if (k == ARRAY_SIZE(mount_keys))
			profile_err(ctx, s, -EINVAL, "%s: unknown setting", PATH(s));
		else if (!(mount_keys[k].types & T(mp->m.type)))
			profile_err(ctx, s, -EINVAL, "%s: not valid for a %s mount", PATH(s),
				    tname);
		else if (k > 0)
			(void)mount_key(ctx, s, mp);
	}
}

/* Required keys and defaults, once every key was read. */
static void mount_finish(struct apply_ctx *ctx, config_setting_t *g, struct mount_parse *mp)
{
	struct mount_entry *m = &mp->m;
	const char *tname = profile_mount_type_name(m->type);
	config_setting_t *src = mp->src ? mp->src : mp->lower;

	if (m->type == MOUNT_BIND && !mp->src)
		profile_err(ctx, g, -EINVAL, "%s: a bind mount needs \"src\"", PATH(g));
	if (m->type != MOUNT_BIND && !mp->dst)
		profile_err(ctx, g, -EINVAL, "%s: a %s mount needs \"dst\"", PATH(g), tname);
	if (m->type == MOUNT_OVERLAY && !mp->lower)
		profile_err(ctx, g, -EINVAL, "%s: an overlay mount needs \"lower\"", PATH(g));
	if (mp->work && !mp->upper)
		profile_err(ctx, mp->work, -EINVAL, "%s: \"work\" needs \"upper\"", PATH(mp->work));
	if (m->type == MOUNT_FILE && !mp->content)
		profile_err(ctx, g, -EINVAL, "%s: a file mount needs \"content\"", PATH(g));
	if (m->type == MOUNT_SYMLINK && !mp->target)
		profile_err(ctx, g, -EINVAL, "%s: a symlink mount needs \"target\"", PATH(g));

	m->src_loc = src ? profile_loc(ctx, src) : m->loc;
	m->dst_loc = mp->dst ? profile_loc(ctx, mp->dst) : m->src_loc;
	if (!m->options_loc.file)
		m->options_loc = m->loc;
	if (m->content)
		m->content_len = strlen(m->content);
	if (m->type == MOUNT_BIND && !m->dst && m->src) {
		m->dst = strdup(m->src);
		if (!m->dst)
			profile_oom(ctx);
	}
}

static void mount_parse(struct apply_ctx *ctx, config_setting_t *g)
{
	struct mount_parse mp = {.m = {.recursive = true, .mode = -1}};
	unsigned n_err = ctx->n_err;

	if (!config_setting_is_group(g)) {
		profile_err(ctx, g, -EINVAL, "%s: must be a group { type = ...; ... }", PATH(g));
		return;
	}
	if (mount_type(ctx, g, &mp.m.type) < 0)
		return;
	mp.m.loc = profile_loc(ctx, config_setting_get_member(g, "type"));
	if (mp.m.type == MOUNT_TMPFS || mp.m.type == MOUNT_DIR)
		mp.m.mode = 0755;
	else if (mp.m.type == MOUNT_FILE)
		mp.m.mode = 0644;
	mount_keys_parse(ctx, g, &mp);
	mount_finish(ctx, g, &mp);
	if (ctx->n_err == n_err && profile_append_mount(ctx->p, &mp.m) < 0)
		profile_oom(ctx);
	profile_mount_clear(&mp.m);
}

static int apply_mounts(struct apply_ctx *ctx, config_setting_t *s)
{
	int len = config_setting_length(s);

	if (!config_setting_is_list(s) && !(config_setting_is_array(s) && len == 0))
		return profile_err(ctx, s, -EINVAL, "%s: must be a list ( { ... }, ... )", PATH(s));
	for (int i = 0; i < len; i++)
		mount_parse(ctx, config_setting_get_elem(s, (unsigned)i));
	return 0;
}

static int apply_root(struct apply_ctx *ctx, config_setting_t *s)
{
	struct profile *p = ctx->p;
	const char *v = NULL;
	char *path = NULL;

	if (profile_get_string(ctx, s, &v) < 0)
		return -EINVAL;
	if (strcmp(v, "tmpfs") != 0 && strcmp(v, "host") != 0 &&
	    profile_get_path(ctx, s, &path) < 0)
		return -EINVAL;
	free(p->fs.root_path);
	p->fs.root_path = path;
	p->fs.root = path ? ROOT_DIR : strcmp(v, "tmpfs") == 0 ? ROOT_TMPFS : ROOT_HOST;
	p->fs.root_loc = profile_loc(ctx, s);
	return 0;
}

static int apply_root_rw(struct apply_ctx *ctx, config_setting_t *s)
{
	return profile_get_bool(ctx, s, &ctx->p->fs.root_rw);
}

int profile_apply_filesystem(struct apply_ctx *ctx, config_setting_t *s)
{
	static const struct profile_key keys[] = {
	    {"root", apply_root},
	    {"root_rw", apply_root_rw},
	    {"mounts", apply_mounts},
	};

	return profile_apply_group(ctx, s, keys, ARRAY_SIZE(keys));
}
