/* profile.c — STUB, replaced by the real implementation. */
#include "profile.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

struct profile *profile_new(void)
{
	return NULL;
}

struct profile *profile_free(struct profile *p)
{
	(void)p;
	return NULL;
}

void profile_freep(struct profile **p)
{
	(void)p;
}

int profile_set_search_path(struct profile *p, const char *const *dirs, size_t n, struct sbx_err *err)
{
	(void)p;
	(void)dirs;
	(void)n;
	(void)err;
	return -ENOSYS;
}

int profile_load(struct profile *p, const char *file_or_name, struct sbx_err *err)
{
	(void)p;
	(void)file_or_name;
	(void)err;
	return -ENOSYS;
}

int profile_load_string(struct profile *p, const char *text, const char *name, struct sbx_err *err)
{
	(void)p;
	(void)text;
	(void)name;
	(void)err;
	return -ENOSYS;
}

int profile_parse_string(const char *text, const char *name, struct profile **ret_p, struct sbx_err *err)
{
	(void)text;
	(void)name;
	(void)ret_p;
	(void)err;
	return -ENOSYS;
}

int profile_set(struct profile *p, const char *key_value, struct sbx_err *err)
{
	(void)p;
	(void)key_value;
	(void)err;
	return -ENOSYS;
}

int profile_add_cli_mount(struct profile *p, enum mount_type type, bool rw, const char *spec, struct sbx_err *err)
{
	(void)p;
	(void)type;
	(void)rw;
	(void)spec;
	(void)err;
	return -ENOSYS;
}

const char *profile_ns_name(enum sbx_ns ns)
{
	(void)ns;
	return NULL;
}

const char *profile_mount_type_name(enum mount_type t)
{
	(void)t;
	return NULL;
}

const char *profile_rlimit_name(enum rlimit_res r)
{
	(void)r;
	return NULL;
}

const char *profile_net_mode_name(enum net_mode m)
{
	(void)m;
	return NULL;
}

int profile_parse_size(const char *s, uint64_t *ret)
{
	(void)s;
	(void)ret;
	return -ENOSYS;
}

int profile_parse_duration(const char *s, uint64_t *ret)
{
	(void)s;
	(void)ret;
	return -ENOSYS;
}

int profile_cap_from_name(const char *name)
{
	(void)name;
	return -ENOSYS;
}

const char *profile_cap_name(unsigned cap)
{
	(void)cap;
	return NULL;
}
