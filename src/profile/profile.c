/* profile.c — load profiles onto a struct profile: files, NAMEs on the search path, the
 * built-in default, includes (applied first, with cycle detection), --set and the CLI mount
 * shortcuts. The schema itself is in profile_schema.c and profile_mounts.c. */
#include "profile/profile.h"
#include "profile/schema.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"

#define INCLUDE_DEPTH_MAX 16
#define FILE_SIZE_MAX (1024 * 1024)
/* The built-in default profile: "builtin:default" names it for --profile and include (also
 * where a default.cfg on the search path hides it from "default"), and its locations say
 * BUILTIN_NAME. Every name with BUILTIN_PREFIX is reserved. */
#define BUILTIN_PREFIX "builtin:"
#define BUILTIN_REF "builtin:default"
#define BUILTIN_NAME "builtin:default.cfg"
#define BUILTIN_UNKNOWN "no such built-in profile (the only built-in profile is " BUILTIN_REF ")"

/* The files being loaded, innermost first: include cycles and depth. */
struct chain {
	const char *id;	  /* realpath, BUILTIN_NAME, or NULL for text that is no file */
	const char *name; /* as shown in messages */
	const struct chain *up;
	unsigned depth;
};

void profile_strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

struct profile *profile_new(void)
{
	struct profile *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->namespaces = NS_DEFAULT;
	p->fs.root = ROOT_TMPFS;
	p->env.clear = true;
	profile_net_defaults(p);
	p->security.no_new_privs = true;
	p->process.die_with_parent = true;
	p->process.new_session = true;
	p->process.init = -1;
	p->process.umask = -1;
	p->process.setup_timeout = 30;
	return p;
}

struct profile *profile_free(struct profile *p)
{
	if (!p)
		return NULL;
	free(p->name);
	free(p->description);
	free(p->hostname);
	free(p->domainname);
	free(p->user.uid_map);
	free(p->user.gid_map);
	free(p->fs.root_path);
	for (size_t i = 0; i < p->fs.n_mounts; i++)
		profile_mount_clear(&p->fs.mounts[i]);
	free(p->fs.mounts);
	profile_strv_free(p->env.keep, p->env.n_keep);
	for (size_t i = 0; i < p->env.n_set; i++) {
		free(p->env.set[i].name);
		free(p->env.set[i].value);
	}
	free(p->env.set);
	free(p->cgroup.cpuset);
	free(p->cgroup.parent);
	for (size_t i = 0; i < p->cgroup.n_io_limits; i++)
		profile_io_limit_clear(&p->cgroup.io_limits[i]);
	free(p->cgroup.io_limits);
	free(p->net.forward);
	profile_security_free(p);
	free(p->process.cwd);
	profile_strv_free(p->search, p->n_search);
	free(p->source_dir);
	profile_strv_free(p->applied, p->n_applied);
	profile_strv_free(p->files, p->n_files); /* last: locations point into it */
	free(p);
	return NULL;
}

void profile_freep(struct profile **p)
{
	*p = profile_free(*p);
}

/* The profile's own copy of @name, stable for the profile's life; NULL on out-of-memory. */
const char *profile_intern_file(struct profile *p, const char *name)
{
	char **grown, *copy;

	for (size_t i = 0; i < p->n_files; i++)
		if (strcmp(p->files[i], name) == 0)
			return p->files[i];
	grown = reallocarray(p->files, p->n_files + 1, sizeof(*grown));
	if (!grown)
		return NULL;
	p->files = grown;
	copy = strdup(name);
	if (!copy)
		return NULL;
	p->files[p->n_files++] = copy;
	return copy;
}

int profile_set_search_path(struct profile *p, const char *const *dirs, size_t n,
			    struct sbx_err *err)
{
	char **v = calloc(n + 1, sizeof(*v));

	if (!v)
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		v[i] = strdup(dirs[i]);
		if (!v[i]) {
			profile_strv_free(v, i);
			return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
		}
	}
	profile_strv_free(p->search, p->n_search);
	p->search = v;
	p->n_search = n;
	return 0;
}

int profile_set_source_dir(struct profile *p, const char *dir, struct sbx_err *err)
{
	char *copy = NULL;

	if (dir && !(copy = strdup(dir)))
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	free(p->source_dir);
	p->source_dir = copy;
	return 0;
}

/* "searched DIR, DIR, ..." for a NAME found nowhere, cut with "..." to fit @size. */
static const char *searched_text(const struct profile *p, const char *what, char *buf, size_t size)
{
	bool source = p->source_dir && strcmp(what, "default") != 0;
	size_t n = p->n_search + (source ? 1 : 0), len;

	if (n == 0)
		return snprintf(buf, size, "no directory to search"), buf;
	len = (size_t)snprintf(buf, size, "searched ");
	for (size_t i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "",
					i < p->n_search ? p->search[i] : p->source_dir);
	if (len >= size && size > 4)
		memcpy(buf + size - 4, "...", 4);
	return buf;
}

/* "builtin:..." names a built-in profile, never a file. */
static bool is_builtin(const char *s)
{
	return strncmp(s, BUILTIN_PREFIX, strlen(BUILTIN_PREFIX)) == 0;
}

/* A NAME has no '/' and does not end in ".cfg"; anything else is a path. */
static bool is_name(const char *s)
{
	size_t len = strlen(s);

	return !strchr(s, '/') && !(len >= 4 && strcmp(s + len - 4, ".cfg") == 0);
}

/* Where the profile @what is: *ret_path is a file, or NULL for the built-in default.
 * -ENOENT when a NAME is on no search directory or is an unknown "builtin:" name. A relative
 * path is taken from @base_dir (NULL: the current directory). */
static int find_profile(const struct profile *p, const char *what, const char *base_dir,
			char **ret_path)
{
	char *path = NULL;

	if (is_builtin(what)) {
		if (strcmp(what, BUILTIN_REF) != 0)
			return -ENOENT;
		*ret_path = NULL;
		return 0;
	}
	if (!is_name(what)) {
		if (what[0] == '/' || !base_dir)
			path = strdup(what);
		else if (asprintf(&path, "%s%s%s", base_dir,
				  base_dir[strlen(base_dir) - 1] == '/' ? "" : "/", what) < 0)
			path = NULL;
		if (!path)
			return -ENOMEM;
		*ret_path = path;
		return 0;
	}
	for (size_t i = 0; i < p->n_search; i++) {
		if (asprintf(&path, "%s/%s.cfg", p->search[i], what) < 0)
			return -ENOMEM;
		if (access(path, F_OK) == 0) {
			*ret_path = path;
			return 0;
		}
		free(TAKE_PTR(path));
	}
	if (strcmp(what, "default") != 0) {
		if (!p->source_dir)
			return -ENOENT;
		if (asprintf(&path, "%s/%s.cfg", p->source_dir, what) < 0)
			return -ENOMEM;
		if (access(path, F_OK) != 0) {
			free(path);
			return -ENOENT;
		}
		*ret_path = path;
		return 0;
	}
	*ret_path = NULL;
	return 0;
}

/* Read a regular file of at most FILE_SIZE_MAX bytes without NUL bytes: no device, FIFO or
 * huge file can stall or exhaust a --check. On failure *ret_why says why. */
static int read_profile(const char *path, char **ret_text, char **ret_id, const char **ret_why)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *text = NULL;
	char *id;
	struct stat st;
	size_t n = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) < 0)
		return *ret_why = strerror(errno), -errno;
	if (S_ISDIR(st.st_mode))
		return *ret_why = strerror(EISDIR), -EISDIR;
	if (!S_ISREG(st.st_mode))
		return *ret_why = "not a regular file", -EINVAL;
	if (st.st_size > FILE_SIZE_MAX)
		return *ret_why = "larger than 1 MiB", -EFBIG;
	text = malloc((size_t)st.st_size + 1);
	if (!text)
		return *ret_why = strerror(ENOMEM), -ENOMEM;
	while (n < (size_t)st.st_size) {
		ssize_t k = read(fd, text + n, (size_t)st.st_size - n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return *ret_why = strerror(errno), -errno;
		if (k == 0)
			break;
		n += (size_t)k;
	}
	text[n] = '\0';
	if (memchr(text, '\0', n))
		return *ret_why = "contains a NUL byte", -EINVAL;
	id = realpath(path, NULL);
	if (!id)
		return *ret_why = strerror(errno), -errno;
	*ret_text = TAKE_PTR(text);
	*ret_id = id;
	return 0;
}

/* "a.cfg -> b.cfg -> a.cfg", from the first file with @id to the one that includes it again. */
static void chain_describe(const struct chain *chain, const char *id, const char *name, char *buf,
			   size_t size)
{
	const struct chain *v[INCLUDE_DEPTH_MAX + 2];
	size_t n = 0, len = 0;

	for (const struct chain *c = chain; c && n < ARRAY_SIZE(v); c = c->up) {
		v[n++] = c;
		if (c->id && strcmp(c->id, id) == 0)
			break;
	}
	buf[0] = '\0';
	while (n-- > 0 && len < size) {
		snprintf(buf + len, size - len, "%s -> ", v[n]->name);
		len = strlen(buf);
	}
	if (len < size)
		snprintf(buf + len, size - len, "%s", name);
}

/* Record that the file @id is being applied: 1 the first time, 0 when it was already. */
static int mark_applied(struct profile *p, const char *id)
{
	char **grown, *copy;

	for (size_t i = 0; i < p->n_applied; i++)
		if (strcmp(p->applied[i], id) == 0)
			return 0;
	grown = reallocarray(p->applied, p->n_applied + 1, sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	p->applied = grown;
	copy = strdup(id);
	if (!copy)
		return -ENOMEM;
	p->applied[p->n_applied++] = copy;
	return 1;
}

static bool chain_has(const struct chain *chain, const char *id)
{
	for (const struct chain *c = chain; c; c = c->up)
		if (c->id && strcmp(c->id, id) == 0)
			return true;
	return false;
}

/* An include directory that no path can be opened under: libconfig 1.5 opens
 * "INCLUDE_DIR/PATH", and every such path fails with ENOTDIR ("..", too, resolves only
 * through a directory). */
#define NO_INCLUDE_DIR "/dev/null"

#if LIBCONFIG_VER_MAJOR > 1 || (LIBCONFIG_VER_MAJOR == 1 && LIBCONFIG_VER_MINOR >= 7)
/* libconfig 1.7 asks this function which files to open: none, and say why. */
static const char **refuse_include(config_t *cfg, const char *include_dir, const char *path,
				   const char **error)
{
	(void)cfg;
	(void)include_dir;
	(void)path;
	*error = "cannot open include file: @include is not supported";
	return NULL;
}
#endif

void profile_config_init(config_t *cfg)
{
	config_init(cfg);
	config_set_include_dir(cfg, NO_INCLUDE_DIR);
#if LIBCONFIG_VER_MAJOR > 1 || (LIBCONFIG_VER_MAJOR == 1 && LIBCONFIG_VER_MINOR >= 7)
	config_set_include_func(cfg, refuse_include);
#endif
}

/* libconfig parses a private copy with large integers made safe; a syntax error is one
 * diagnostic at its line. Returns the parsed config, or NULL with the error recorded. */
static config_t *parse_text(struct apply_ctx *ctx, const char *text)
{
	_cleanup_free_ char *fixed = NULL;
	config_t *cfg;

	if (profile_prescan(ctx, text, &fixed) < 0)
		return NULL;
	cfg = malloc(sizeof(*cfg));
	if (!cfg)
		return profile_oom(ctx), NULL;
	profile_config_init(cfg);
	if (config_read_string(cfg, fixed) == CONFIG_FALSE) {
		/* config_error_file() is NULL for string input: ctx->file names it. */
		profile_err_line(ctx, (unsigned)config_error_line(cfg), -EINVAL, "%s",
				 config_error_text(cfg));
		config_destroy(cfg);
		free(cfg);
		return NULL;
	}
	return cfg;
}

static void apply_includes(struct apply_ctx *ctx, config_setting_t *inc, const struct chain *chain);

/* Apply a parsed profile: its includes first, then its own settings. */
static int apply_config(struct apply_ctx *ctx, config_t *cfg, const struct chain *chain)
{
	config_setting_t *root = config_root_setting(cfg);
	config_setting_t *inc = config_setting_get_member(root, "include");

	if (inc)
		apply_includes(ctx, inc, chain);
	(void)profile_apply_root(ctx, root);
	return ctx->r;
}

static void free_config(config_t *cfg)
{
	if (cfg) {
		config_destroy(cfg);
		free(cfg);
	}
}

static int load_text(struct profile *p, const char *text, const struct chain *chain,
		     struct sbx_err *err)
{
	struct apply_ctx ctx = {.p = p, .err = err};
	config_t *cfg;
	int r;

	ctx.file = profile_intern_file(p, chain->name);
	if (!ctx.file)
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	cfg = parse_text(&ctx, text);
	if (!cfg)
		return ctx.r;
	r = apply_config(&ctx, cfg, chain);
	free_config(cfg);
	return r;
}

/* The directory of the file @name, for paths it includes; NULL: the current directory. */
static char *dir_of(const char *name)
{
	const char *slash = strrchr(name, '/');

	if (!slash)
		return NULL;
	return strndup(name, slash == name ? 1 : (size_t)(slash - name));
}

static int include_one(struct apply_ctx *ctx, config_setting_t *e, const char *what,
		       const struct chain *chain)
{
	_cleanup_free_ char *dir = NULL, *path = NULL, *text = NULL, *id = NULL;
	const char *why = NULL, *name;
	char desc[200];
	int r;

	if (is_builtin(what) && strcmp(what, BUILTIN_REF) != 0)
		return profile_err(ctx, e, -ENOENT, "include \"%.64s\": " BUILTIN_UNKNOWN, what);
	dir = dir_of(chain->name);
	r = find_profile(ctx->p, what, dir, &path);
	if (r == -ENOENT)
		return profile_err(ctx, e, r, "include \"%.64s\": no such profile; %s", what,
				   searched_text(ctx->p, what, desc, 160));
	if (r < 0)
		return profile_oom(ctx);
	name = path ? path : BUILTIN_NAME;
	if (!path && !(id = strdup(BUILTIN_NAME)))
		return profile_oom(ctx);
	if (path && (r = read_profile(path, &text, &id, &why)) < 0) {
		if (strcmp(path, what) == 0)
			return profile_err(ctx, e, r, "include \"%.64s\": %s", what, why);
		return profile_err(ctx, e, r, "include \"%.64s\": %.100s: %s", what, path, why);
	}
	if (chain_has(chain, id)) {
		chain_describe(chain, id, name, desc, sizeof(desc));
		/* A default.cfg of one's own that meant to build on the built-in one. */
		return profile_err(ctx, e, -ELOOP, "include cycle: %s%s", desc,
				   path && strcmp(what, "default") == 0
				       ? " (the built-in default profile is \"" BUILTIN_REF "\")"
				       : "");
	}
	if (chain->depth >= INCLUDE_DEPTH_MAX)
		return profile_err(ctx, e, -ELOOP, "include \"%.64s\": nested more than %d deep",
				   what, INCLUDE_DEPTH_MAX);
	r = mark_applied(ctx->p, id);
	if (r <= 0) /* applied already: it keeps its first place */
		return r < 0 ? profile_oom(ctx) : 0;
	r = load_text(ctx->p, text ? text : profile_builtin_default,
		      &(struct chain){id, name, chain, chain->depth + 1}, ctx->err);
	if (r < 0 && ctx->r == 0)
		ctx->r = r;
	return r;
}

static void apply_includes(struct apply_ctx *ctx, config_setting_t *inc, const struct chain *chain)
{
	if (profile_check_strv(ctx, inc) < 0)
		return;
	for (int i = 0; i < config_setting_length(inc); i++) {
		config_setting_t *e = config_setting_get_elem(inc, (unsigned)i);
		const char *what = config_setting_get_string(e);

		if (!*what)
			profile_err(ctx, e, -EINVAL, "include: empty name");
		else
			(void)include_one(ctx, e, what, chain);
	}
}

int profile_load(struct profile *p, const char *file_or_name, struct sbx_err *err)
{
	_cleanup_free_ char *path = NULL, *text = NULL, *id = NULL;
	const char *why = NULL;
	char desc[230];
	int r;

	if (!file_or_name || !*file_or_name)
		return sbx_err_set(err, NULL, -EINVAL, "empty profile name");
	if (is_builtin(file_or_name) && strcmp(file_or_name, BUILTIN_REF) != 0)
		return sbx_err_set(err, &(struct sbx_loc){file_or_name, 0}, -ENOENT,
				   BUILTIN_UNKNOWN);
	r = find_profile(p, file_or_name, NULL, &path);
	if (r == -ENOENT)
		return sbx_err_set(err, &(struct sbx_loc){file_or_name, 0}, r,
				   "no such profile; %s",
				   searched_text(p, file_or_name, desc, sizeof(desc)));
	if (r < 0)
		return sbx_err_set(err, NULL, r, "out of memory");
	if (path && (r = read_profile(path, &text, &id, &why)) < 0)
		return sbx_err_set(err, &(struct sbx_loc){path, 0}, r, "%s", why);
	r = mark_applied(p, id ? id : BUILTIN_NAME);
	if (r <= 0) /* applied already: it keeps its first place */
		return r < 0 ? sbx_err_set(err, NULL, r, "out of memory") : 0;
	if (!path)
		return load_text(p, profile_builtin_default,
				 &(struct chain){.id = BUILTIN_NAME, .name = BUILTIN_NAME}, err);
	return load_text(p, text, &(struct chain){.id = id, .name = path}, err);
}

int profile_load_string(struct profile *p, const char *text, const char *name, struct sbx_err *err)
{
	return load_text(p, text, &(struct chain){.name = name}, err);
}

int profile_parse_string(const char *text, const char *name, struct profile **ret_p,
			 struct sbx_err *err)
{
	struct profile *p = profile_new();

	if (!p)
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	*ret_p = p;
	return profile_load_string(p, text, name, err);
}

/* --- --set KEY=VALUE --- */

/* Dotted libconfig names: each part [A-Za-z*][-A-Za-z0-9_*]*. */
static bool valid_key(const char *key)
{
	for (const char *c = key;; c++) {
		if (!(*c >= 'a' && *c <= 'z') && !(*c >= 'A' && *c <= 'Z') && *c != '*')
			return false;
		c += strspn(c, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_*");
		if (*c == '\0')
			return true;
		if (*c != '.')
			return false;
	}
}

/* `a = { b = { c = VALUE\n; }; };` with VALUE as given or as an escaped string. */
static char *set_text(const char *key, const char *value, bool quote)
{
	_cleanup_free_ char *text = NULL;
	size_t size = 0, depth = 0;
	FILE *f = open_memstream(&text, &size);

	if (!f)
		return NULL;
	for (const char *c = key; *c; c++)
		if (*c == '.')
			fputs(" = { ", f), depth++;
		else
			fputc(*c, f);
	fputs(" = ", f);
	if (!quote)
		fputs(value, f);
	else
		profile_put_string(f, value);
	fputs("\n;", f);
	while (depth-- > 0)
		fputs(" };", f);
	if (fclose(f) != 0)
		return NULL;
	return TAKE_PTR(text);
}

/* The parsed text holds exactly the one setting KEY names, and nothing a VALUE smuggled in. */
static bool set_shape_ok(config_t *cfg, const char *key)
{
	config_setting_t *s = config_root_setting(cfg);

	for (const char *c = key; *c;) {
		size_t len = strcspn(c, ".");
		config_setting_t *child;

		if (!config_setting_is_group(s) || config_setting_length(s) != 1)
			return false;
		child = config_setting_get_elem(s, 0);
		if (strlen(config_setting_name(child)) != len ||
		    strncmp(config_setting_name(child), c, len) != 0)
			return false;
		s = child;
		c += len + (c[len] == '.');
	}
	return true;
}

/* VALUE as a libconfig value if it is one, else as a string. */
static config_t *set_parse(struct apply_ctx *ctx, const char *key, const char *value)
{
	_cleanup_free_ char *raw = NULL, *quoted = NULL;
	struct sbx_err scratch = {0};
	struct apply_ctx probe = *ctx;
	config_t *cfg;

	probe.err = &scratch;
	if (!strchr(value, '\n')) {
		raw = set_text(key, value, false);
		if (!raw)
			return profile_oom(ctx), NULL;
		cfg = parse_text(&probe, raw);
		if (cfg && probe.n_err == 0 && set_shape_ok(cfg, key))
			return cfg;
		free_config(cfg);
		/* A number too large is an error, not the string "99999999999999999999". */
		if (probe.r == -ERANGE && value[strspn(value, "+-0123456789L")] == '\0')
			return profile_err_line(ctx, 0, -ERANGE, "integer %.40s is out of range",
						value),
			       NULL;
	}
	quoted = set_text(key, value, true);
	if (!quoted)
		return profile_oom(ctx), NULL;
	return parse_text(ctx, quoted);
}

int profile_set(struct profile *p, const char *key_value, struct sbx_err *err)
{
	return profile_set_as(p, key_value, NULL, err);
}

config_t *profile_set_config(struct apply_ctx *ctx, const char *key_value)
{
	_cleanup_free_ char *key = NULL;
	const char *eq = strchr(key_value, '=');

	if (!eq || eq == key_value)
		return profile_err_line(ctx, 0, -EINVAL, "expected KEY=VALUE"), NULL;
	key = strndup(key_value, (size_t)(eq - key_value));
	if (!key)
		return profile_oom(ctx), NULL;
	if (!valid_key(key))
		return profile_err_line(ctx, 0, -EINVAL, "\"%.64s\" is not a setting name", key),
		       NULL;
	return set_parse(ctx, key, eq + 1);
}

void profile_config_free(config_t *cfg)
{
	free_config(cfg);
}

int profile_set_as(struct profile *p, const char *key_value, const char *origin,
		   struct sbx_err *err)
{
	struct apply_ctx ctx = {.p = p, .err = err};
	char prefix[160];
	config_t *cfg;
	int r;

	if (origin)
		snprintf(prefix, sizeof(prefix), "%.150s", origin);
	else
		snprintf(prefix, sizeof(prefix), "--set %.140s", key_value);
	ctx.prefix = prefix;
	/* Steps made from it name the option as the user wrote it, e.g. "--cwd /srv". */
	ctx.file = profile_intern_file(p, prefix);
	if (!ctx.file)
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	cfg = profile_set_config(&ctx, key_value);
	if (!cfg)
		return ctx.r;
	r = apply_config(&ctx, cfg, &(struct chain){.name = "--set"});
	free_config(cfg);
	return r;
}

/* --- --bind, --ro-bind, --tmpfs --- */

/* A host path from the command line may be relative to the current directory. */
static int cli_src(const char *s, char **ret, const char **ret_why)
{
	if (s[0] == '/' || !s[0])
		return profile_normalize_path(s, ret, ret_why);
	*ret = realpath(s, NULL);
	if (!*ret)
		return *ret_why = strerror(errno), -errno;
	return 0;
}

static int cli_mount_paths(struct mount_entry *m, const char *spec, const char **ret_why)
{
	_cleanup_free_ char *src = NULL;
	const char *colon = strchr(spec, ':');
	int r;

	if (m->type == MOUNT_TMPFS)
		return profile_normalize_path(spec, &m->dst, ret_why);
	src = colon ? strndup(spec, (size_t)(colon - spec)) : strdup(spec);
	if (!src)
		return -ENOMEM;
	r = cli_src(src, &m->src, ret_why);
	if (r < 0)
		return r;
	if (!colon)
		m->dst = strdup(m->src);
	else if ((r = profile_normalize_path(colon + 1, &m->dst, ret_why)) < 0)
		return r;
	return m->dst ? 0 : -ENOMEM;
}

int profile_add_cli_mount(struct profile *p, enum mount_type type, bool rw, const char *spec,
			  struct sbx_err *err)
{
	const char *opt = type == MOUNT_TMPFS ? "--tmpfs" : rw ? "--bind" : "--ro-bind";
	_cleanup_free_ char *origin = NULL;
	struct mount_entry m = {.type = type, .rw = rw && type == MOUNT_BIND, .recursive = true};
	const char *why = "is not valid";
	int r;

	if (type != MOUNT_BIND && type != MOUNT_TMPFS)
		return sbx_err_set(err, NULL, -EINVAL, "no command line option for %s mounts",
				   profile_mount_type_name(type) ?: "unknown");
	m.mode = type == MOUNT_TMPFS ? 0755 : -1;
	/* Errors and the steps it causes name the option with its argument, "--bind /srv". */
	if (asprintf(&origin, "%s %s", opt, spec ? spec : "") < 0)
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	m.loc.file = profile_intern_file(p, origin);
	if (!m.loc.file)
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	m.src_loc = m.dst_loc = m.loc;
	r = cli_mount_paths(&m, spec ? spec : "", &why);
	if (r == 0)
		r = profile_append_mount(p, &m);
	profile_mount_clear(&m);
	if (r == -ENOMEM)
		return sbx_err_set(err, NULL, r, "out of memory");
	if (r < 0)
		return sbx_err_set(err, &(struct sbx_loc){origin, 0}, r, "%s", why);
	return 0;
}
