/* cgroup.c — the `cgroup` section: the limits, `parent`, `optional` and the `io_limits` list.
 * Each value is checked for what it is on its own; what depends on the machine or on another
 * key (memory_swap >= memory, cpus and cpuset against the CPUs online, the devices) is the
 * compiler's. */
#include "profile/profile.h"
#include "profile/schema.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"

#define PIDS_MAX UINT64_C(4194304) /* the kernel's PID_MAX_LIMIT */
#define WEIGHT_MAX UINT64_C(10000) /* cgroup v2's cpu.weight and io.weight */
#define CPUS_MILLI_MAX 1024000u	   /* 1024 CPUs */
#define CPU_NUMBER_MAX 65535u	   /* a CPU list's numbers; the compiler checks the real ones */

/* An integer from @min to @max, as "S: N is out of range (MIN to MAX)" otherwise. */
static int get_uint_in(struct apply_ctx *ctx, config_setting_t *s, uint64_t min, uint64_t max,
		       uint64_t *ret)
{
	long long v;

	if (!profile_is_int(s))
		return profile_err(ctx, s, -EINVAL, "%s: must be an integer", PATH(s));
	v = config_setting_get_int64(s);
	if (v < 0 || (uint64_t)v < min || (uint64_t)v > max)
		return profile_err(ctx, s, -ERANGE,
				   "%s: %lld is out of range (%" PRIu64 " to %" PRIu64 ")", PATH(s),
				   v, min, max);
	*ret = (uint64_t)v;
	return 0;
}

/* A size above 0: a limit of nothing is a mistake, not a way to say "no limit". */
static int get_limit_size(struct apply_ctx *ctx, config_setting_t *s, uint64_t *ret)
{
	uint64_t v;
	int r = profile_get_size(ctx, s, &v);

	if (r < 0)
		return r;
	if (v == 0)
		return profile_err(ctx, s, -ERANGE, "%s: must be above 0", PATH(s));
	*ret = v;
	return 0;
}

static int apply_memory(struct apply_ctx *ctx, config_setting_t *s)
{
	if (get_limit_size(ctx, s, &ctx->p->cgroup.memory) < 0)
		return -EINVAL;
	ctx->p->cgroup.memory_loc = profile_loc(ctx, s);
	return 0;
}

/* 0 is a value here: memory and no swap. */
static int apply_memory_swap(struct apply_ctx *ctx, config_setting_t *s)
{
	if (profile_get_size(ctx, s, &ctx->p->cgroup.memory_swap) < 0)
		return -EINVAL;
	ctx->p->cgroup.memory_swap_set = true;
	ctx->p->cgroup.memory_swap_loc = profile_loc(ctx, s);
	return 0;
}

static int apply_pids(struct apply_ctx *ctx, config_setting_t *s)
{
	if (get_uint_in(ctx, s, 1, PIDS_MAX, &ctx->p->cgroup.pids) < 0)
		return -EINVAL;
	ctx->p->cgroup.pids_loc = profile_loc(ctx, s);
	return 0;
}

/* CPUs, an integer or a fraction, kept in thousandths; at least 0.01, since the kernel's least
 * CPU quota is 1 ms in sbx's 100 ms period. */
static int apply_cpus(struct apply_ctx *ctx, config_setting_t *s)
{
	double v;

	if (profile_is_int(s))
		v = (double)config_setting_get_int64(s);
	else if (config_setting_type(s) == CONFIG_TYPE_FLOAT)
		v = config_setting_get_float(s);
	else
		return profile_err(ctx, s, -EINVAL,
				   "%s: must be a number of CPUs, such as 2 or 0.5", PATH(s));
	/* Written so that NaN fails too. */
	if (!(v >= 0.01 && v <= CPUS_MILLI_MAX / 1000.0)) {
		if (profile_is_int(s))
			return profile_err(ctx, s, -ERANGE, "%s: %lld is out of range (0.01 to %u)",
					   PATH(s), config_setting_get_int64(s),
					   CPUS_MILLI_MAX / 1000);
		return profile_err(ctx, s, -ERANGE, "%s: %g is out of range (0.01 to %u)", PATH(s),
				   v, CPUS_MILLI_MAX / 1000);
	}
	ctx->p->cgroup.cpus_milli = (uint32_t)(v * 1000.0 + 0.5);
	ctx->p->cgroup.cpus_loc = profile_loc(ctx, s);
	return 0;
}

static int apply_weight(struct apply_ctx *ctx, config_setting_t *s, uint32_t *dst,
			struct sbx_loc *dst_loc)
{
	uint64_t v;

	if (get_uint_in(ctx, s, 1, WEIGHT_MAX, &v) < 0)
		return -EINVAL;
	*dst = (uint32_t)v;
	*dst_loc = profile_loc(ctx, s);
	return 0;
}

static int apply_cpu_weight(struct apply_ctx *ctx, config_setting_t *s)
{
	return apply_weight(ctx, s, &ctx->p->cgroup.cpu_weight, &ctx->p->cgroup.cpu_weight_loc);
}

static int apply_io_weight(struct apply_ctx *ctx, config_setting_t *s)
{
	return apply_weight(ctx, s, &ctx->p->cgroup.io_weight, &ctx->p->cgroup.io_weight_loc);
}

/* One CPU number of a list; *@s moves past it. */
static bool cpu_number(const char **s, unsigned *ret)
{
	unsigned v = 0;

	if (**s < '0' || **s > '9')
		return false;
	for (; **s >= '0' && **s <= '9'; (*s)++) {
		v = v * 10 + (unsigned)(**s - '0');
		if (v > CPU_NUMBER_MAX)
			return false;
	}
	*ret = v;
	return true;
}

/* "0-3,6": numbers and ascending ranges joined by commas, as cpuset.cpus takes them. */
static bool valid_cpu_list(const char *s)
{
	for (;;) {
		unsigned lo, hi;

		if (!cpu_number(&s, &lo))
			return false;
		if (*s == '-') {
			s++;
			if (!cpu_number(&s, &hi) || hi < lo)
				return false;
		}
		if (*s == '\0')
			return true;
		if (*s++ != ',')
			return false;
	}
}

/* A CPU list string, or one CPU's number (so `--set cgroup.cpuset=0` means CPU 0). */
static int apply_cpuset(struct apply_ctx *ctx, config_setting_t *s)
{
	char num[24];
	const char *v = num;

	if (profile_is_int(s))
		snprintf(num, sizeof(num), "%lld", config_setting_get_int64(s));
	else if (config_setting_type(s) == CONFIG_TYPE_STRING)
		v = config_setting_get_string(s);
	else
		return profile_err(ctx, s, -EINVAL, "%s: must be a CPU list such as \"0-3,6\"",
				   PATH(s));
	if (!valid_cpu_list(v))
		return profile_err(ctx, s, -EINVAL,
				   "%s: \"%.64s\" is not a CPU list such as \"0-3,6\"", PATH(s), v);
	ctx->p->cgroup.cpuset_loc = profile_loc(ctx, s);
	return profile_set_string(ctx, &ctx->p->cgroup.cpuset, v);
}

/* Why @v is no cgroup path (absolute, no ".", ".." or empty component), or NULL; a trailing
 * slash is allowed and dropped by the caller. */
static const char *cgroup_path_problem(const char *v)
{
	if (!*v)
		return "is empty";
	if (v[0] != '/')
		return "is not an absolute path";
	if (strlen(v) >= PATH_MAX)
		return "is too long";
	for (const char *c = v; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return "contains a control character";
	for (const char *c = v + 1; *c;) {
		size_t len = strcspn(c, "/");

		if (len == 0)
			return "contains an empty component (\"//\")";
		if (len == 1 && c[0] == '.')
			return "contains a '.' component";
		if (len == 2 && c[0] == '.' && c[1] == '.')
			return "contains a '..' component";
		c += len;
		if (*c == '/')
			c++;
	}
	return NULL;
}

static int apply_parent(struct apply_ctx *ctx, config_setting_t *s)
{
	const char *v = NULL, *why;
	char *copy;
	size_t len;

	if (profile_get_string(ctx, s, &v) < 0)
		return -EINVAL;
	why = cgroup_path_problem(v);
	if (why)
		return profile_err(ctx, s, -EINVAL, "%s: \"%.64s\" %s", PATH(s), v, why);
	len = strlen(v);
	if (len > 1 && v[len - 1] == '/')
		len--;
	copy = strndup(v, len);
	if (!copy)
		return profile_oom(ctx);
	free(ctx->p->cgroup.parent);
	ctx->p->cgroup.parent = copy;
	ctx->p->cgroup.parent_loc = profile_loc(ctx, s);
	return 0;
}

static int apply_optional(struct apply_ctx *ctx, config_setting_t *s)
{
	if (profile_get_bool(ctx, s, &ctx->p->cgroup.optional) < 0)
		return -EINVAL;
	ctx->p->cgroup.optional_loc = profile_loc(ctx, s);
	return 0;
}

/* --- io_limits --- */

void profile_io_limit_clear(struct cgroup_io_limit *l)
{
	free(l->device);
	*l = (struct cgroup_io_limit){0};
}

/* One key of an io_limits entry; @device remembers the key was given even when its value is
 * bad, so a bad device is one error, not two. */
static void io_limit_key(struct apply_ctx *ctx, config_setting_t *s, struct cgroup_io_limit *l,
			 config_setting_t **device)
{
	const char *key = config_setting_name(s);

	if (strcmp(key, "device") == 0) {
		*device = s;
		l->device_loc = profile_loc(ctx, s);
		(void)profile_get_path(ctx, s, &l->device);
	} else if (strcmp(key, "read_bps") == 0) {
		(void)get_limit_size(ctx, s, &l->read_bps);
	} else if (strcmp(key, "write_bps") == 0) {
		(void)get_limit_size(ctx, s, &l->write_bps);
	} else if (strcmp(key, "read_iops") == 0) {
		(void)get_uint_in(ctx, s, 1, INT64_MAX, &l->read_iops);
	} else if (strcmp(key, "write_iops") == 0) {
		(void)get_uint_in(ctx, s, 1, INT64_MAX, &l->write_iops);
	} else {
		profile_err(ctx, s, -EINVAL, "%s: unknown setting", PATH(s));
	}
}

static bool io_limit_has_limit(const config_setting_t *g)
{
	static const char *const limits[] = {"read_bps", "write_bps", "read_iops", "write_iops"};

	for (size_t i = 0; i < ARRAY_SIZE(limits); i++)
		if (config_setting_get_member(g, limits[i]))
			return true;
	return false;
}

static int io_limits_append(struct profile *p, struct cgroup_io_limit *l)
{
	struct cgroup_io_limit *grown;

	grown = reallocarray(p->cgroup.io_limits, p->cgroup.n_io_limits + 1, sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	p->cgroup.io_limits = grown;
	grown[p->cgroup.n_io_limits++] = *l;
	*l = (struct cgroup_io_limit){0};
	return 0;
}

static void io_limit_parse(struct apply_ctx *ctx, config_setting_t *g)
{
	struct cgroup_io_limit l = {.loc = profile_loc(ctx, g)};
	config_setting_t *device = NULL;
	unsigned n_err = ctx->n_err;

	if (!config_setting_is_group(g)) {
		profile_err(ctx, g, -EINVAL,
			    "%s: must be a group { device = \"/dev/...\"; write_bps = ...; }",
			    PATH(g));
		return;
	}
	for (int i = 0; i < config_setting_length(g); i++)
		io_limit_key(ctx, config_setting_get_elem(g, (unsigned)i), &l, &device);
	if (!device)
		profile_err(ctx, g, -EINVAL, "%s: missing \"device\"", PATH(g));
	if (!io_limit_has_limit(g))
		profile_err(ctx, g, -EINVAL,
			    "%s: needs at least one of read_bps, write_bps, read_iops, write_iops",
			    PATH(g));
	/* Appended: lists add up across profiles, like the mounts. */
	if (ctx->n_err == n_err && io_limits_append(ctx->p, &l) < 0)
		profile_oom(ctx);
	profile_io_limit_clear(&l);
}

static int apply_io_limits(struct apply_ctx *ctx, config_setting_t *s)
{
	int len = config_setting_length(s);

	if (!config_setting_is_list(s) && !(config_setting_is_array(s) && len == 0))
		return profile_err(ctx, s, -EINVAL, "%s: must be a list ( { ... }, ... )", PATH(s));
	for (int i = 0; i < len; i++)
		io_limit_parse(ctx, config_setting_get_elem(s, (unsigned)i));
	return 0;
}

int profile_apply_cgroup(struct apply_ctx *ctx, config_setting_t *s)
{
	static const struct profile_key keys[] = {
	    {"memory", apply_memory},
	    {"memory_swap", apply_memory_swap},
	    {"pids", apply_pids},
	    {"cpus", apply_cpus},
	    {"cpu_weight", apply_cpu_weight},
	    {"cpuset", apply_cpuset},
	    {"io_weight", apply_io_weight},
	    {"io_limits", apply_io_limits},
	    {"parent", apply_parent},
	    {"optional", apply_optional},
	};

	return profile_apply_group(ctx, s, keys, ARRAY_SIZE(keys));
}
