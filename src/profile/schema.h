/* schema.h — private to the profile loader (src/profile/).
 *
 * profile.c reads files, resolves includes and --set; prescan.c reads the text before libconfig
 * does; sections.c, mounts.c, cgroup.c, network.c and security.c apply one parsed libconfig tree
 * onto a struct profile, on schema.c's strict checks; values.c holds the value parsers and name
 * tables. */
#pragma once

#include <stdio.h>
#include <libconfig.h>

#include "profile/profile.h"

/* What applying one libconfig tree needs: where to record errors and how to name them. */
struct apply_ctx {
	struct profile *p;
	const char *file;   /* location file name, owned by p->files */
	const char *prefix; /* "--set K=V": errors and steps are located at it, line 0 */
	struct sbx_err *err;
	int r;		/* first error's code; 0 = none */
	unsigned n_err; /* errors recorded through this context */
};

/* One key of a group and the function that applies its setting. */
struct profile_key {
	const char *name;
	int (*apply)(struct apply_ctx *ctx, config_setting_t *s);
};

/* "filesystem.mounts[2].dst" for messages, in a buffer on the caller's stack. */
#define PROFILE_PATH_BUF 160
#define PATH(s) profile_path((s), (char[PROFILE_PATH_BUF]){0}, PROFILE_PATH_BUF)

/* profile.c */
const char *profile_intern_file(struct profile *p, const char *name);
void profile_strv_free(char **v, size_t n); /* @n strings and the array; NULL is fine */
/* config_init() for profile text: any include libconfig attempts fails without opening a file
 * (the prescan already refuses @include; this holds if it ever misreads the text). */
void profile_config_init(config_t *cfg);
/* KEY=VALUE, as --set takes it, parsed into a config of its own: the value as libconfig reads
 * it, else as a string. NULL with the error recorded in @ctx. Freed by profile_config_free(). */
config_t *profile_set_config(struct apply_ctx *ctx, const char *key_value);
void profile_config_free(config_t *cfg);

/* profile_schema.c: errors and checked getters. Each getter records its own error. */
struct sbx_loc profile_loc(const struct apply_ctx *ctx, const config_setting_t *s);
const char *profile_path(const config_setting_t *s, char *buf, size_t size);
int profile_err(struct apply_ctx *ctx, const config_setting_t *s, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int profile_err_line(struct apply_ctx *ctx, unsigned line, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int profile_oom(struct apply_ctx *ctx);
int profile_apply_group(struct apply_ctx *ctx, config_setting_t *group,
			const struct profile_key *keys, size_t n_keys);
bool profile_is_int(const config_setting_t *s);
int profile_set_string(struct apply_ctx *ctx, char **dst, const char *value);
int profile_get_bool(struct apply_ctx *ctx, config_setting_t *s, bool *ret);
int profile_get_string(struct apply_ctx *ctx, config_setting_t *s, const char **ret);
int profile_get_uint(struct apply_ctx *ctx, config_setting_t *s, uint64_t max, uint64_t *ret);
int profile_get_size(struct apply_ctx *ctx, config_setting_t *s, uint64_t *ret);
int profile_get_mode(struct apply_ctx *ctx, config_setting_t *s, int max, int *ret);
int profile_get_duration(struct apply_ctx *ctx, config_setting_t *s, uint64_t *ret);
int profile_get_path(struct apply_ctx *ctx, config_setting_t *s, char **ret);
int profile_check_strv(struct apply_ctx *ctx, config_setting_t *s);

/* profile_sections.c */
int profile_apply_root(struct apply_ctx *ctx, config_setting_t *root);

/* profile_mounts.c */
int profile_apply_filesystem(struct apply_ctx *ctx, config_setting_t *s);
void profile_mount_clear(struct mount_entry *m);
int profile_append_mount(struct profile *p, struct mount_entry *m); /* moves *m in */

/* cgroup.c */
int profile_apply_cgroup(struct apply_ctx *ctx, config_setting_t *s);
void profile_io_limit_clear(struct cgroup_io_limit *l);

/* network.c */
int profile_apply_network(struct apply_ctx *ctx, config_setting_t *s);
void profile_net_defaults(struct profile *p); /* for profile_new() */

/* security.c */
int profile_apply_seccomp(struct apply_ctx *ctx, config_setting_t *s);
int profile_apply_landlock(struct apply_ctx *ctx, config_setting_t *s);
void profile_security_free(struct profile *p); /* the seccomp and landlock members */

/* profile_values.c */
int profile_normalize_path(const char *in, char **ret, const char **ret_why);
bool profile_valid_hostname(const char *s);
bool profile_valid_env_name(const char *s);
int profile_parse_octal(const char *s, int max, int *ret);
/* Leading decimal digits of *s (at least one) into *ret; *s moves past them. -EINVAL when
 * there is none, -ERANGE past 64 bits. */
int profile_parse_digits(const char **s, uint64_t *ret);
int profile_prescan(struct apply_ctx *ctx, const char *text, char **ret_text);

/* @s as a libconfig string literal: quoted, '"' and backslash escaped, control bytes as \xNN
 * (render.c; also --set's text in profile.c). */
void profile_put_string(FILE *f, const char *s);
