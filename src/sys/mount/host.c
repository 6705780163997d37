/* mount_host.c — the host paths a sandbox could have redirected (mount_host.h): found when
 * the profile is compiled, so `sbx --check` reports a planted symlink at its line, and
 * turned into the prefix below which the child opens without following symlinks, so one
 * planted between the check and the mount is refused too. */
#include "sys/mount/host.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/cleanup.h"

static int add_writable(struct mount_writables *ws, const char *path, const struct sbx_loc *loc)
{
	struct mount_writable *grown;
	struct stat st;

	if (!path || stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return 0; /* missing: its own mount reports it, or skips it when optional */
	grown = reallocarray(ws->v, ws->n + 1, sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	ws->v = grown;
	ws->v[ws->n] = (struct mount_writable){.path = path,
					       .loc = loc,
					       .real = realpath(path, NULL),
					       .dev = st.st_dev,
					       .ino = st.st_ino};
	ws->n++;
	return 0;
}

int mount_writables_collect(const struct profile *p, struct mount_writables *ret)
{
	struct mount_writables ws = {0};
	int r = 0;

	if (p->fs.root == ROOT_DIR && p->fs.root_rw)
		r = add_writable(&ws, p->fs.root_path, &p->fs.root_loc);
	for (size_t i = 0; i < p->fs.n_mounts && r == 0; i++) {
		const struct mount_entry *m = &p->fs.mounts[i];

		if (m->type == MOUNT_BIND && m->rw)
			r = add_writable(&ws, m->src, &m->src_loc);
		else if (m->type == MOUNT_OVERLAY && m->upper)
			r = add_writable(&ws, m->upper, &m->loc);
	}
	if (r < 0) {
		mount_writables_free(&ws);
		return r;
	}
	*ret = ws;
	return 0;
}

void mount_writables_free(struct mount_writables *ws)
{
	for (size_t i = 0; i < ws->n; i++)
		free(ws->v[i].real);
	free(ws->v);
	*ws = (struct mount_writables){0};
}

/* @path equals @dir or lies below it, as strings. */
static bool path_within(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (n == 1 && dir[0] == '/')
		return true;
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static const struct mount_writable *find_inode(const struct mount_writables *ws,
					       const struct stat *st)
{
	for (size_t i = 0; i < ws->n; i++)
		if (ws->v[i].dev == st->st_dev && ws->v[i].ino == st->st_ino)
			return &ws->v[i];
	return NULL;
}

/* The writable directory that the host symlink @link leads strictly into, if any. */
static const struct mount_writable *link_into(const struct mount_writables *ws, const char *link)
{
	_cleanup_free_ char *real = realpath(link, NULL);

	if (!real)
		return NULL;
	for (size_t i = 0; i < ws->n; i++)
		if (ws->v[i].real && path_within(real, ws->v[i].real) &&
		    strcmp(real, ws->v[i].real))
			return &ws->v[i];
	return NULL;
}

/* The end of the next component of @path after offset @at (0: "/" itself, length 1). */
static size_t next_end(const char *path, size_t at)
{
	if (at == 0)
		return 1;
	while (path[at] == '/')
		at++;
	return at + strcspn(path + at, "/");
}

/* When a prefix of @path is missing now: the outermost writable directory @path lies in as
 * a string (the path, or the realpath, of the writable directory), or NULL. */
static const struct mount_writable *spelled_within(const struct mount_writables *ws,
						   const char *path, size_t *ret_len)
{
	const struct mount_writable *best = NULL;
	size_t best_len = 0;

	for (size_t i = 0; i < ws->n; i++) {
		const char *dirs[] = {ws->v[i].path, ws->v[i].real};

		for (size_t j = 0; j < ARRAY_SIZE(dirs); j++) {
			size_t n = dirs[j] ? strlen(dirs[j]) : 0;

			if (dirs[j] && path_within(path, dirs[j]) && (!best || n < best_len)) {
				best = &ws->v[i];
				best_len = n;
			}
		}
	}
	if (best)
		*ret_len = best_len;
	return best;
}

/* The outermost writable directory that @path runs through (*@ret_len: the length of the
 * prefix that is it), or NULL. */
static const struct mount_writable *find_within(const struct mount_writables *ws, const char *what,
						const char *path, const struct sbx_loc *loc,
						size_t *ret_len, struct sbx_err *err, int *ret_r)
{
	char prefix[PATH_MAX];
	size_t len = strlen(path), end = 0;
	const struct mount_writable *w;
	struct stat st;

	*ret_r = 0;
	if (len >= sizeof(prefix))
		return NULL;
	while (end < len) {
		end = next_end(path, end);
		memcpy(prefix, path, end);
		prefix[end] = '\0';
		if (lstat(prefix, &st) < 0)
			return spelled_within(ws, path, ret_len);
		if (S_ISLNK(st.st_mode)) {
			w = link_into(ws, prefix);
			if (w) {
				*ret_r = sbx_err_set(err, loc, -ELOOP,
						     "%s %s: the host symlink %s leads into %s, a "
						     "read-write mount of this profile (%s:%u)",
						     what, path, prefix, w->path, w->loc->file,
						     w->loc->line);
				return NULL;
			}
			if (stat(prefix, &st) < 0)
				return spelled_within(ws, path, ret_len);
		}
		w = find_inode(ws, &st);
		if (w) {
			*ret_len = end;
			return w;
		}
	}
	return NULL;
}

/* No component of @path past offset @from is a symlink now. */
static int no_symlinks(const char *what, const char *path, size_t from,
		       const struct mount_writable *w, const struct sbx_loc *loc,
		       struct sbx_err *err)
{
	char prefix[PATH_MAX];
	size_t len = strlen(path), end = from;
	struct stat st;

	if (len >= sizeof(prefix))
		return 0; /* the open reports ENAMETOOLONG */
	while (end < len) {
		end = next_end(path, end);
		memcpy(prefix, path, end);
		prefix[end] = '\0';
		if (lstat(prefix, &st) < 0)
			return 0;
		if (!S_ISLNK(st.st_mode))
			continue;
		if (!w)
			return sbx_err_set(
			    err, loc, -ELOOP,
			    "%s %s: %s is a symlink, and sbx never follows one in an "
			    "overlay's upper or work",
			    what, path, prefix);
		return sbx_err_set(err, loc, -ELOOP,
				   "%s %s: %s is a symlink inside %s, a read-write mount of this "
				   "profile (%s:%u), where a sandbox could have made it; sbx does "
				   "not follow it",
				   what, path, prefix, w->path, w->loc->file, w->loc->line);
	}
	return 0;
}

int mount_host_check(const struct mount_writables *ws, struct plan *plan, const char *what,
		     const char *path, bool strict, const struct sbx_loc *loc,
		     const char **ret_base, struct sbx_err *err)
{
	const struct mount_writable *w = NULL;
	size_t len = 0;
	int r;

	if (ret_base)
		*ret_base = NULL;
	if (!strict) {
		if (ws->n == 0)
			return 0;
		w = find_within(ws, what, path, loc, &len, err, &r);
		if (!w || len >= strlen(path))
			return r; /* outside them all, or one of them itself */
	}
	r = no_symlinks(what, path, len, w, loc, err);
	if (r < 0 || !ret_base)
		return r;
	*ret_base = strict ? plan_strdup(plan, "") : plan_printf(plan, "%.*s", (int)len, path);
	if (!*ret_base)
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	return 0;
}
