/* profile_sections.c — the sections of a profile (SPEC.md §2) but `filesystem` (mounts.c),
 * `cgroup` (cgroup.c), `network` (network.c) and security's seccomp and landlock (security.c):
 * each key applied onto the struct profile with the merge rules (scalars and arrays replace,
 * lists append, env.set replaces by name). */
#include "profile/profile.h"
#include "profile/schema.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"

#define ID_MAX UINT32_C(4294967294) /* (uid_t)-1 is "no id" */

static const char *elem_string(config_setting_t *s, int i)
{
	return config_setting_get_string(config_setting_get_elem(s, (unsigned)i));
}

/* --- top level --- */

static int apply_name(struct apply_ctx *ctx, config_setting_t *s)
{
	const char *v = NULL;
	int r = profile_get_string(ctx, s, &v);

	if (r < 0)
		return r;
	if (!*v)
		return profile_err(ctx, s, -EINVAL, "name: must not be empty");
	return profile_set_string(ctx, &ctx->p->name, v);
}

static int apply_description(struct apply_ctx *ctx, config_setting_t *s)
{
	const char *v = NULL;
	int r = profile_get_string(ctx, s, &v);

	return r < 0 ? r : profile_set_string(ctx, &ctx->p->description, v);
}

/* The loader (profile.c) has already applied the includes. */
static int apply_include(struct apply_ctx *ctx, config_setting_t *s)
{
	(void)ctx;
	(void)s;
	return 0;
}

static int apply_namespaces(struct apply_ctx *ctx, config_setting_t *s)
{
	unsigned mask = 0, n_err = ctx->n_err;

	if (profile_check_strv(ctx, s) < 0)
		return -EINVAL;
	for (int i = 0; i < config_setting_length(s); i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *v = elem_string(s, i);
		int ns = 0;

		while (ns < _NS_MAX && strcmp(v, profile_ns_name((enum sbx_ns)ns)) != 0)
			ns++;
		if (ns == _NS_MAX)
			profile_err(
			    ctx, e, -EINVAL,
			    "namespaces: unknown namespace \"%.64s\" (known: user, mount, pid, "
			    "uts, ipc, net, cgroup, time)",
			    v);
		else if (mask & NS_BIT(ns))
			profile_err(ctx, e, -EINVAL, "namespaces: \"%s\" is listed twice", v);
		else
			mask |= NS_BIT(ns);
	}
	if (ctx->n_err != n_err)
		return -EINVAL;
	ctx->p->namespaces = mask;
	ctx->p->namespaces_loc = profile_loc(ctx, s);
	return 0;
}

static int apply_host_name(struct apply_ctx *ctx, config_setting_t *s, char **dst,
			   struct sbx_loc *dst_loc)
{
	const char *v = NULL;
	int r = profile_get_string(ctx, s, &v);

	if (r < 0)
		return r;
	if (!profile_valid_hostname(v))
		return profile_err(
		    ctx, s, -EINVAL,
		    "%s: \"%.64s\" is not a valid name (1 to 64 letters, digits, '-' "
		    "and '.')",
		    PATH(s), v);
	*dst_loc = profile_loc(ctx, s);
	return profile_set_string(ctx, dst, v);
}

static int apply_hostname(struct apply_ctx *ctx, config_setting_t *s)
{
	return apply_host_name(ctx, s, &ctx->p->hostname, &ctx->p->hostname_loc);
}

static int apply_domainname(struct apply_ctx *ctx, config_setting_t *s)
{
	return apply_host_name(ctx, s, &ctx->p->domainname, &ctx->p->domainname_loc);
}

/* --- user --- */

static int apply_id(struct apply_ctx *ctx, config_setting_t *s, bool *set, uint32_t *id,
		    struct sbx_loc *loc)
{
	uint64_t v;
	int r = profile_get_uint(ctx, s, ID_MAX, &v);

	if (r < 0)
		return r;
	*set = true;
	*id = (uint32_t)v;
	*loc = profile_loc(ctx, s);
	return 0;
}

static int apply_uid(struct apply_ctx *ctx, config_setting_t *s)
{
	return apply_id(ctx, s, &ctx->p->user.uid_set, &ctx->p->user.uid, &ctx->p->user.uid_loc);
}

static int apply_gid(struct apply_ctx *ctx, config_setting_t *s)
{
	return apply_id(ctx, s, &ctx->p->user.gid_set, &ctx->p->user.gid, &ctx->p->user.gid_loc);
}

static int idmap_outside(struct apply_ctx *ctx, config_setting_t *s, bool uid,
			 struct idmap_entry *e)
{
	const char *sub = uid ? "subuid" : "subgid", *v;
	uint64_t n;

	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		if (!profile_is_int(s))
			return profile_err(ctx, s, -EINVAL, "%s: must be an id, \"self\" or \"%s\"",
					   PATH(s), sub);
		if (profile_get_uint(ctx, s, ID_MAX, &n) < 0)
			return -EINVAL;
		e->outside_kind = IDMAP_OUTSIDE_ID;
		e->outside = (uint32_t)n;
		return 0;
	}
	v = config_setting_get_string(s);
	if (strcmp(v, "self") == 0)
		e->outside_kind = IDMAP_OUTSIDE_SELF;
	else if (strcmp(v, sub) == 0)
		e->outside_kind = IDMAP_OUTSIDE_SUB;
	else
		return profile_err(ctx, s, -EINVAL,
				   "%s: \"%.64s\" is not an id, \"self\" or \"%s\"", PATH(s), v,
				   sub);
	return 0;
}

/* Fill @e from one map entry's group; the entry is usable only if no error was recorded. */
static void idmap_entry_parse(struct apply_ctx *ctx, config_setting_t *g, bool uid,
			      struct idmap_entry *e)
{
	config_setting_t *inside = NULL, *outside = NULL, *count = NULL;
	uint64_t v;

	for (int i = 0; i < config_setting_length(g); i++) {
		config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		const char *key = config_setting_name(s);

		if (strcmp(key, "inside") == 0) {
			if (profile_get_uint(ctx, s, ID_MAX, &v) == 0)
				inside = s, e->inside = (uint32_t)v;
		} else if (strcmp(key, "outside") == 0) {
			if (idmap_outside(ctx, s, uid, e) == 0)
				outside = s;
		} else if (strcmp(key, "count") == 0) {
			if (profile_get_uint(ctx, s, ID_MAX + 1, &v) == 0)
				count = s, e->count = (uint32_t)v;
		} else {
			profile_err(ctx, s, -EINVAL, "%s: unknown setting", PATH(s));
		}
	}
	if (!config_setting_get_member(g, "inside"))
		profile_err(ctx, g, -EINVAL, "%s: missing \"inside\"", PATH(g));
	if (!config_setting_get_member(g, "outside"))
		profile_err(ctx, g, -EINVAL, "%s: missing \"outside\"", PATH(g));
	if (count && e->count == 0)
		profile_err(ctx, count, -ERANGE, "%s: must be at least 1", PATH(count));
	else if (inside && (uint64_t)e->inside + e->count - 1 > ID_MAX)
		profile_err(ctx, count ? count : inside, -ERANGE,
			    "%s: ids %" PRIu32 "+%" PRIu32 " go past %" PRIu32, PATH(g), e->inside,
			    e->count, ID_MAX);
	else if (outside && e->outside_kind == IDMAP_OUTSIDE_ID &&
		 (uint64_t)e->outside + e->count - 1 > ID_MAX)
		profile_err(ctx, count ? count : outside, -ERANGE,
			    "%s: ids %" PRIu32 "+%" PRIu32 " go past %" PRIu32, PATH(g), e->outside,
			    e->count, ID_MAX);
}

static int apply_idmap(struct apply_ctx *ctx, config_setting_t *s, bool uid)
{
	struct idmap_entry **map = uid ? &ctx->p->user.uid_map : &ctx->p->user.gid_map;
	size_t *n = uid ? &ctx->p->user.n_uid_map : &ctx->p->user.n_gid_map;
	int len = config_setting_length(s);
	struct idmap_entry *grown;

	if (!config_setting_is_list(s) && !(config_setting_is_array(s) && len == 0))
		return profile_err(ctx, s, -EINVAL, "%s: must be a list ( { ... }, ... )", PATH(s));
	grown = reallocarray(*map, *n + (size_t)len + 1, sizeof(**map));
	if (!grown)
		return profile_oom(ctx);
	*map = grown;
	for (int i = 0; i < len; i++) {
		config_setting_t *g = config_setting_get_elem(s, (unsigned)i);
		struct idmap_entry e = {.count = 1, .loc = profile_loc(ctx, g)};
		unsigned n_err = ctx->n_err;

		if (!config_setting_is_group(g)) {
			profile_err(ctx, g, -EINVAL, "%s: must be a group { ... }", PATH(g));
			continue;
		}
		idmap_entry_parse(ctx, g, uid, &e);
		if (ctx->n_err == n_err)
			(*map)[(*n)++] = e; /* appended: lists add up across profiles */
	}
	return 0;
}

static int apply_uid_map(struct apply_ctx *ctx, config_setting_t *s)
{
	return apply_idmap(ctx, s, true);
}

static int apply_gid_map(struct apply_ctx *ctx, config_setting_t *s)
{
	return apply_idmap(ctx, s, false);
}

static int apply_user(struct apply_ctx *ctx, config_setting_t *s)
{
	static const struct profile_key keys[] = {
	    {"uid", apply_uid},
	    {"gid", apply_gid},
	    {"uid_map", apply_uid_map},
	    {"gid_map", apply_gid_map},
	};

	return profile_apply_group(ctx, s, keys, ARRAY_SIZE(keys));
}

/* --- env --- */

static int apply_env_clear(struct apply_ctx *ctx, config_setting_t *s)
{
	return profile_get_bool(ctx, s, &ctx->p->env.clear);
}

static int apply_env_keep(struct apply_ctx *ctx, config_setting_t *s)
{
	unsigned n_err = ctx->n_err;
	char **keep;
	int len;

	if (profile_check_strv(ctx, s) < 0)
		return -EINVAL;
	len = config_setting_length(s);
	for (int i = 0; i < len; i++)
		if (!profile_valid_env_name(elem_string(s, i)))
			profile_err(ctx, config_setting_get_elem(s, (unsigned)i), -EINVAL,
				    "%s: \"%.64s\" is not a valid variable name", PATH(s),
				    elem_string(s, i));
	if (ctx->n_err != n_err)
		return -EINVAL;
	keep = calloc((size_t)len + 1, sizeof(*keep));
	if (!keep)
		return profile_oom(ctx);
	for (int i = 0; i < len; i++) {
		keep[i] = strdup(elem_string(s, i));
		if (!keep[i]) {
			for (int j = 0; j < i; j++)
				free(keep[j]);
			free(keep);
			return profile_oom(ctx);
		}
	}
	/* An array replaces the one an earlier profile gave. */
	for (size_t i = 0; i < ctx->p->env.n_keep; i++)
		free(ctx->p->env.keep[i]);
	free(ctx->p->env.keep);
	ctx->p->env.keep = keep;
	ctx->p->env.n_keep = (size_t)len;
	return 0;
}

/* A later value for a name replaces the earlier one in place, so the order stays stable. */
static int env_put(struct apply_ctx *ctx, const char *name, const char *value, struct sbx_loc loc)
{
	struct profile *p = ctx->p;
	struct env_var *grown;
	size_t i = 0;

	while (i < p->env.n_set && strcmp(p->env.set[i].name, name) != 0)
		i++;
	if (i == p->env.n_set) {
		grown = reallocarray(p->env.set, p->env.n_set + 1, sizeof(*grown));
		if (!grown)
			return profile_oom(ctx);
		p->env.set = grown;
		grown[i] = (struct env_var){.name = strdup(name)};
		if (!grown[i].name)
			return profile_oom(ctx);
		p->env.n_set++;
	}
	if (profile_set_string(ctx, &p->env.set[i].value, value) < 0)
		return -ENOMEM;
	p->env.set[i].loc = loc;
	return 0;
}

static int apply_env_set(struct apply_ctx *ctx, config_setting_t *g)
{
	if (!config_setting_is_group(g))
		return profile_err(ctx, g, -EINVAL, "%s: must be a group { NAME = \"value\"; ... }",
				   PATH(g));
	for (int i = 0; i < config_setting_length(g); i++) {
		config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		const char *v = NULL;

		if (!profile_valid_env_name(config_setting_name(s)))
			profile_err(ctx, s, -EINVAL, "%s: not a valid variable name", PATH(s));
		else if (profile_get_string(ctx, s, &v) == 0)
			env_put(ctx, config_setting_name(s), v, profile_loc(ctx, s));
	}
	return 0;
}

static int apply_env(struct apply_ctx *ctx, config_setting_t *s)
{
	static const struct profile_key keys[] = {
	    {"clear", apply_env_clear},
	    {"keep", apply_env_keep},
	    {"set", apply_env_set},
	};

	return profile_apply_group(ctx, s, keys, ARRAY_SIZE(keys));
}

/* --- rlimits --- */

enum quantity { Q_SIZE, Q_DURATION, Q_COUNT };

/* How each limit is written and its ceiling; the names are values.c's
 * (profile_rlimit_name()). */
static const struct {
	enum quantity kind;
	uint64_t max;
} rlimit_keys[_RLIM_MAX] = {
    [RLIM_AS] = {Q_SIZE, INT64_MAX},
    [RLIM_CORE] = {Q_SIZE, INT64_MAX},
    [RLIM_CPU] = {Q_DURATION, INT64_MAX},
    [RLIM_DATA] = {Q_SIZE, INT64_MAX},
    [RLIM_FSIZE] = {Q_SIZE, INT64_MAX},
    [RLIM_MEMLOCK] = {Q_SIZE, INT64_MAX},
    [RLIM_MSGQUEUE] = {Q_SIZE, INT64_MAX},
    [RLIM_NICE] = {Q_COUNT, 40}, /* the ceiling is 20 - rlimit */
    [RLIM_NOFILE] = {Q_COUNT, INT64_MAX},
    [RLIM_NPROC] = {Q_COUNT, INT64_MAX},
    [RLIM_RTPRIO] = {Q_COUNT, 99}, /* the highest real-time priority */
    [RLIM_STACK] = {Q_SIZE, INT64_MAX},
};

static int rlimit_value(struct apply_ctx *ctx, config_setting_t *s, enum rlimit_res k,
			struct rlimit_entry *e)
{
	const char *v =
	    config_setting_type(s) == CONFIG_TYPE_STRING ? config_setting_get_string(s) : NULL;

	if (v && strcmp(v, "unlimited") == 0)
		return e->how = RLIMIT_UNLIMITED, 0;
	if (v && strcmp(v, "inherit") == 0)
		return e->how = RLIMIT_INHERIT, 0;
	e->how = RLIMIT_VALUE;
	switch (rlimit_keys[k].kind) {
	case Q_SIZE:
		return profile_get_size(ctx, s, &e->value);
	case Q_DURATION:
		return profile_get_duration(ctx, s, &e->value);
	case Q_COUNT:
		if (!profile_is_int(s))
			return profile_err(ctx, s, -EINVAL,
					   "%s: must be an integer, \"unlimited\" or \"inherit\"",
					   PATH(s));
		return profile_get_uint(ctx, s, rlimit_keys[k].max, &e->value);
	}
	return -EINVAL;
}

static int apply_rlimits(struct apply_ctx *ctx, config_setting_t *g)
{
	if (!config_setting_is_group(g))
		return profile_err(ctx, g, -EINVAL, "%s: must be a group { ... }", PATH(g));
	for (int i = 0; i < config_setting_length(g); i++) {
		config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		struct rlimit_entry e = {.loc = profile_loc(ctx, s)};
		int k = 0;

		while (k < _RLIM_MAX &&
		       strcmp(profile_rlimit_name((enum rlimit_res)k), config_setting_name(s)) != 0)
			k++;
		if (k == _RLIM_MAX)
			profile_err(ctx, s, -EINVAL, "%s: unknown setting", PATH(s));
		else if (rlimit_value(ctx, s, (enum rlimit_res)k, &e) == 0)
			ctx->p->rlimits[k] = e;
	}
	return 0;
}

/* --- security --- */

static int apply_no_new_privs(struct apply_ctx *ctx, config_setting_t *s)
{
	return profile_get_bool(ctx, s, &ctx->p->security.no_new_privs);
}

static int apply_capabilities(struct apply_ctx *ctx, config_setting_t *s)
{
	unsigned n_err = ctx->n_err;
	uint64_t caps = 0;

	if (profile_check_strv(ctx, s) < 0)
		return -EINVAL;
	for (int i = 0; i < config_setting_length(s); i++) {
		int cap = profile_cap_from_name(elem_string(s, i));

		if (cap < 0)
			profile_err(ctx, config_setting_get_elem(s, (unsigned)i), -EINVAL,
				    "%s: unknown capability \"%.64s\"", PATH(s), elem_string(s, i));
		else
			caps |= UINT64_C(1) << cap;
	}
	if (ctx->n_err != n_err)
		return -EINVAL;
	ctx->p->security.caps = caps;
	ctx->p->security.caps_loc = profile_loc(ctx, s);
	return 0;
}

static int apply_security(struct apply_ctx *ctx, config_setting_t *s)
{
	static const struct profile_key keys[] = {
	    {"no_new_privs", apply_no_new_privs},
	    {"capabilities", apply_capabilities},
	    {"seccomp", profile_apply_seccomp},
	    {"landlock", profile_apply_landlock},
	};

	return profile_apply_group(ctx, s, keys, ARRAY_SIZE(keys));
}

/* --- process --- */

static int apply_cwd(struct apply_ctx *ctx, config_setting_t *s)
{
	char *path = NULL;

	if (profile_get_path(ctx, s, &path) < 0)
		return -EINVAL;
	free(ctx->p->process.cwd);
	ctx->p->process.cwd = path;
	ctx->p->process.cwd_loc = profile_loc(ctx, s);
	return 0;
}

static int apply_die_with_parent(struct apply_ctx *ctx, config_setting_t *s)
{
	return profile_get_bool(ctx, s, &ctx->p->process.die_with_parent);
}

static int apply_new_session(struct apply_ctx *ctx, config_setting_t *s)
{
	return profile_get_bool(ctx, s, &ctx->p->process.new_session);
}

static int apply_init(struct apply_ctx *ctx, config_setting_t *s)
{
	bool v;

	if (profile_get_bool(ctx, s, &v) < 0)
		return -EINVAL;
	ctx->p->process.init = v;
	ctx->p->process.init_loc = profile_loc(ctx, s);
	return 0;
}

static int apply_time_limit(struct apply_ctx *ctx, config_setting_t *s)
{
	if (profile_get_duration(ctx, s, &ctx->p->process.time_limit) < 0)
		return -EINVAL;
	ctx->p->process.time_limit_loc = profile_loc(ctx, s);
	return 0;
}

static int apply_setup_timeout(struct apply_ctx *ctx, config_setting_t *s)
{
	if (profile_get_duration(ctx, s, &ctx->p->process.setup_timeout) < 0)
		return -EINVAL;
	ctx->p->process.setup_timeout_loc = profile_loc(ctx, s);
	return 0;
}

static int apply_umask(struct apply_ctx *ctx, config_setting_t *s)
{
	return profile_get_mode(ctx, s, 0777, &ctx->p->process.umask);
}

static int apply_process(struct apply_ctx *ctx, config_setting_t *s)
{
	static const struct profile_key keys[] = {
	    {"cwd", apply_cwd},
	    {"die_with_parent", apply_die_with_parent},
	    {"new_session", apply_new_session},
	    {"init", apply_init},
	    {"time_limit", apply_time_limit},
	    {"setup_timeout", apply_setup_timeout},
	    {"umask", apply_umask},
	};

	return profile_apply_group(ctx, s, keys, ARRAY_SIZE(keys));
}

int profile_apply_root(struct apply_ctx *ctx, config_setting_t *root)
{
	static const struct profile_key keys[] = {
	    {"name", apply_name},
	    {"description", apply_description},
	    {"include", apply_include},
	    {"namespaces", apply_namespaces},
	    {"hostname", apply_hostname},
	    {"domainname", apply_domainname},
	    {"user", apply_user},
	    {"filesystem", profile_apply_filesystem},
	    {"env", apply_env},
	    {"rlimits", apply_rlimits},
	    {"cgroup", profile_apply_cgroup},
	    {"network", profile_apply_network},
	    {"security", apply_security},
	    {"process", apply_process},
	};

	return profile_apply_group(ctx, root, keys, ARRAY_SIZE(keys));
}
