/* mount_fs.c — child runners for bind, tmpfs, overlay, file, dir and symlink, and the child
 * helpers (mount_child.h) they share with mount.c and mount_special.c.
 *
 * The rule everything here follows: a sandbox path is resolved inside the new root, so a
 * symlink found on the way (say, planted in a read-write bind) is read as if the new root
 * were "/" and never leads out of it; and the last component of something created is never
 * followed (O_EXCL, O_NOFOLLOW, mkdirat, symlinkat), so no host file is written through a
 * symlink. Everything in this file runs between clone() and execve(). */
#include "sys/mount/mount.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sys/mount/child.h"
#include "util/cleanup.h"
#include "util/fd.h"
#include "util/fmt.h"
#include "util/child-safe.h"

/* Where an ephemeral overlay's upper tmpfs is attached in the stage (each one stacks on the
 * previous): overlayfs only takes layers that are mounted in the mount namespace. */
#define OVERLAY_STAGE "/overlay"
#define OVERLAY_MAX_OPT 256 /* fsconfig() refuses longer string values */

static int open_resolve(int dfd, const char *path, uint64_t flags, uint64_t resolve)
{
	struct open_how how = {.flags = flags | O_CLOEXEC, .resolve = resolve};
	long fd = -1;

	/* EAGAIN: a concurrent rename raced with the in-root walk, and the kernel asks for a
	 * retry rather than risk an escape. */
	for (int i = 0; i < 16; i++) {
		fd = syscall(SYS_openat2, dfd, path, &how, sizeof(how));
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	return fd < 0 ? -errno : (int)fd;
}

int mount_open_in_root(int dfd, const char *path, uint64_t flags)
{
	return open_resolve(dfd, path, flags, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}

int mount_open_host(const char *path, uint64_t flags)
{
	_cleanup_close_ int old = open(MOUNT_OLDROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (old < 0)
		return -errno;
	return mount_open_in_root(old, path, flags);
}

int mount_open_host_below(const char *path, const char *base, uint64_t flags)
{
	_cleanup_close_ int dfd = -1;
	const char *rest;

	if (!base)
		return mount_open_host(path, flags);
	if (*base) {
		dfd = mount_open_host(base, O_PATH | O_DIRECTORY);
		if (dfd < 0)
			return dfd;
	} else {
		dfd = open(MOUNT_OLDROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			return -errno;
	}
	rest = path + strlen(base);
	while (*rest == '/')
		rest++;
	/* In-root even below @base: paths are normalized (no ".."), this is only a backstop. */
	return open_resolve(dfd, *rest ? rest : ".", flags,
			    RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
}

int mount_mkdir(int dfd, const char *name, unsigned mode)
{
	_cleanup_close_ int fd = -1;

	if (mkdirat(dfd, name, mode) < 0)
		return -errno;
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fchmod(fd, mode) < 0)
		return -errno;
	return 0;
}

/* The last component of @path: its length (0 when there is none) and start. */
static size_t last_component(const char *path, const char **ret_start)
{
	size_t end = strlen(path), start;

	while (end > 0 && path[end - 1] == '/')
		end--;
	start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	*ret_start = path + start;
	return end - start;
}

/* One component further: @prefix opened inside the root, its last component @comp created
 * in @dfd (the in-root directory before it) when missing. */
static int step_into(int root_fd, int dfd, const char *prefix, const char *comp)
{
	int fd = mount_open_in_root(root_fd, prefix, O_PATH | O_DIRECTORY);
	int r;

	if (fd != -ENOENT)
		return fd;
	r = mount_mkdir(dfd, comp, 0755);
	if (r < 0 && r != -EEXIST)
		return r;
	return mount_open_in_root(root_fd, prefix, O_PATH | O_DIRECTORY);
}

int mount_open_parent(int root_fd, const char *path, char name[static NAME_MAX + 1])
{
	char prefix[PATH_MAX], comp[NAME_MAX + 1];
	const char *last, *p = path;
	size_t n = last_component(path, &last), len = 0;
	_cleanup_close_ int dfd = -1;

	if (n == 0)
		return -EINVAL;
	if (n > NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(name, last, n);
	name[n] = '\0';
	dfd = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
	if (dfd < 0)
		return -errno;
	/* Each prefix is resolved from the root again, so a symlink in it is read in-root. */
	while (p < last) {
		size_t k;
		int fd;

		while (*p == '/')
			p++;
		if (p >= last)
			break;
		k = strcspn(p, "/");
		if (k > NAME_MAX || len + 1 + k >= sizeof(prefix))
			return -ENAMETOOLONG;
		prefix[len++] = '/';
		memcpy(prefix + len, p, k);
		len += k;
		prefix[len] = '\0';
		memcpy(comp, p, k);
		comp[k] = '\0';
		p += k;
		fd = step_into(root_fd, dfd, prefix, comp);
		if (fd < 0)
			return fd;
		close(dfd);
		dfd = fd;
	}
	return TAKE_FD(dfd);
}

int mount_open_dst(int root_fd, const char *path, bool dir)
{
	char name[NAME_MAX + 1];
	_cleanup_close_ int parent = -1, fd = -1;
	int r;

	fd = mount_open_in_root(root_fd, path, O_PATH);
	if (fd != -ENOENT)
		return TAKE_FD(fd);
	parent = mount_open_parent(root_fd, path, name);
	if (parent < 0)
		return parent;
	if (dir) {
		r = mount_mkdir(parent, name, 0755);
		if (r < 0)
			return r;
	} else {
		fd = openat(parent, name, O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    0644);
		if (fd < 0)
			return -errno;
		close(TAKE_FD(fd));
	}
	fd = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : TAKE_FD(fd);
}

int mount_fs_open(const char *type, const struct mount_fs_opt *opts, size_t n)
{
	_cleanup_close_ int fs = fsopen(type, FSOPEN_CLOEXEC);

	if (fs < 0)
		return -errno;
	for (size_t i = 0; i < n; i++) {
		unsigned cmd = opts[i].value ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG;

		if (fsconfig(fs, cmd, opts[i].key, opts[i].value, 0) < 0)
			return -errno;
	}
	return TAKE_FD(fs);
}

int mount_fs_mount(int fs, unsigned attr)
{
	int fd;

	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -errno;
	fd = fsmount(fs, FSMOUNT_CLOEXEC, attr);
	return fd < 0 ? -errno : fd;
}

int mount_new_fs(const char *type, const struct mount_fs_opt *opts, size_t n, unsigned attr)
{
	_cleanup_close_ int fs = mount_fs_open(type, opts, n);

	if (fs < 0)
		return fs;
	return mount_fs_mount(fs, attr);
}

int mount_tmpfs(const struct step_mount *m, unsigned attr)
{
	char mode[24], size[24];
	struct mount_fs_opt opts[2] = {{"mode", fmt_uint(mode, sizeof(mode), m->mode, 8)},
				       {"size", fmt_uint(size, sizeof(size), m->size, 10)}};

	return mount_new_fs("tmpfs", opts, m->size ? 2 : 1, attr);
}

int mount_set_attr(int fd, unsigned attr, bool recursive)
{
	struct mount_attr ma = {.attr_set = attr};

	if (!attr)
		return 0;
	/* An atime mode replaces the current one; relatime (0) can't be told from "unset". */
	if (attr & MOUNT_ATTR__ATIME)
		ma.attr_clr = MOUNT_ATTR__ATIME;
	if (mount_setattr(fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &ma, sizeof(ma)) <
	    0)
		return -errno;
	return 0;
}

int mount_clone(int dfd, const char *path, bool recursive, unsigned attr)
{
	unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW;
	_cleanup_close_ int fd = -1;
	int r;

	if (!*path)
		flags |= AT_EMPTY_PATH;
	if (recursive)
		flags |= AT_RECURSIVE;
	fd = open_tree(dfd, path, flags);
	if (fd < 0)
		return -errno;
	/* Recursively, so no mount under a read-only bind stays writable. */
	r = mount_set_attr(fd, attr, recursive);
	if (r < 0)
		return r;
	return TAKE_FD(fd);
}

int mount_attach(int mnt_fd, int dst_fd)
{
	if (move_mount(mnt_fd, "", dst_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) <
	    0)
		return -errno;
	return 0;
}

int mount_attach_at(int mnt_fd, int root_fd, const char *path)
{
	_cleanup_close_ int dst = mount_open_dst(root_fd, path, true);

	if (dst < 0)
		return dst;
	return mount_attach(mnt_fd, dst);
}

/* A missing source, for optional binds and overlays. */
static bool is_missing(int r)
{
	return r == -ENOENT || r == -ENOTDIR;
}

/* Child. A clone of the host tree at src, with its attributes (recursively read-only unless
 * rw, so nothing under it can be remounted writable by an unprivileged command). */
int mount_run_bind(const struct step *s, struct run_ctx *ctx)
{
	const struct step_mount *m = &s->mnt;
	_cleanup_close_ int src = -1, mnt = -1, dst = -1;
	struct stat st;

	src = mount_open_host_below(m->src, m->src_base, O_PATH);
	if (src < 0)
		return is_missing(src) && m->optional ? 0 : src;
	mnt = mount_clone(src, "", m->recursive, m->attr);
	if (mnt < 0)
		return mnt;
	if (fstat(mnt, &st) < 0)
		return -errno;
	dst = mount_open_dst(ctx->root_fd, m->dst, S_ISDIR(st.st_mode));
	if (dst < 0)
		return dst;
	return mount_attach(mnt, dst);
}

int mount_run_tmpfs(const struct step *s, struct run_ctx *ctx)
{
	_cleanup_close_ int mnt = -1;

	mnt = mount_tmpfs(&s->mnt, s->mnt.attr);
	if (mnt < 0)
		return mnt;
	return mount_attach_at(mnt, ctx->root_fd, s->mnt.dst);
}

/* Child. The content is written into a private tmpfs, never into a file found on a path,
 * and that file is bind-mounted read-only on dst. */
int mount_run_file(const struct step *s, struct run_ctx *ctx)
{
	const struct step_mount *m = &s->mnt;
	const struct mount_fs_opt opts[] = {{"mode", "0755"}};
	_cleanup_close_ int tmp = -1, fd = -1, mnt = -1, dst = -1;
	int r;

	tmp = mount_new_fs("tmpfs", opts, 1, STEP_ATTR_NOSUID | STEP_ATTR_NODEV);
	if (tmp < 0)
		return tmp;
	fd = openat(tmp, "file", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	r = fd_write_all(fd, m->content, m->content_len);
	if (r < 0)
		return r;
	if (fchmod(fd, m->mode) < 0)
		return -errno;
	mnt = mount_clone(tmp, "file", false, m->attr | STEP_ATTR_RDONLY);
	if (mnt < 0)
		return mnt;
	dst = mount_open_dst(ctx->root_fd, m->dst, false);
	if (dst < 0)
		return dst;
	return mount_attach(mnt, dst);
}

/* Child. An existing directory is left as it is (it may be the host's, through a bind). */
int mount_run_dir(const struct step *s, struct run_ctx *ctx)
{
	char name[NAME_MAX + 1];
	_cleanup_close_ int fd = -1, parent = -1;

	fd = mount_open_in_root(ctx->root_fd, s->mnt.dst, O_PATH | O_DIRECTORY);
	if (fd >= 0)
		return 0;
	if (fd != -ENOENT)
		return fd;
	parent = mount_open_parent(ctx->root_fd, s->mnt.dst, name);
	if (parent < 0)
		return parent;
	return mount_mkdir(parent, name, s->mnt.mode);
}

/* Child. An existing symlink with the same target is fine; anything else there is not. */
int mount_run_symlink(const struct step *s, struct run_ctx *ctx)
{
	const char *target = s->mnt.target;
	char name[NAME_MAX + 1], buf[PATH_MAX];
	_cleanup_close_ int parent = -1;
	ssize_t n;

	parent = mount_open_parent(ctx->root_fd, s->mnt.dst, name);
	if (parent < 0)
		return parent;
	if (symlinkat(target, parent, name) == 0)
		return 0;
	if (errno != EEXIST)
		return -errno;
	n = readlinkat(parent, name, buf, sizeof(buf));
	if (n < 0)
		return errno == EINVAL ? -EEXIST : -errno;
	if ((size_t)n == strlen(target) && memcmp(buf, target, (size_t)n) == 0)
		return 0;
	return -EEXIST;
}

/* The directory holding @path's last component (copied to @name), every component opened
 * without following a symlink inside MOUNT_OLDROOT. A missing one is an error (-ENOENT): the
 * compiler checked that they exist, and sbx makes no host directory the plan does not show. */
static int open_host_parent_strict(const char *path, char name[static NAME_MAX + 1])
{
	const char *p = path, *last;
	size_t n = 0;
	_cleanup_close_ int dfd = open(MOUNT_OLDROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
	const uint64_t resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS;

	if (dfd < 0)
		return -errno;
	for (last = path + strlen(path); last > path && last[-1] != '/'; last--)
		n++;
	if (n == 0 || n > NAME_MAX)
		return n ? -ENAMETOOLONG : -EINVAL;
	memcpy(name, last, n);
	name[n] = '\0';
	while (p < last) {
		char comp[NAME_MAX + 1];
		size_t k;
		int fd;

		while (*p == '/')
			p++;
		if (p >= last)
			break;
		k = strcspn(p, "/");
		if (k > NAME_MAX)
			return -ENAMETOOLONG;
		memcpy(comp, p, k);
		comp[k] = '\0';
		p += k;
		fd = open_resolve(dfd, comp, O_PATH | O_DIRECTORY, resolve);
		if (fd < 0)
			return fd;
		close(dfd);
		dfd = fd;
	}
	return TAKE_FD(dfd);
}

/* The work directory of a persistent upper, created (0700) when missing, in its existing
 * parent; like the upper, never reached through a symlink. */
static int open_work(const char *path)
{
	char name[NAME_MAX + 1];
	_cleanup_close_ int parent = -1;
	int fd, r;

	fd = mount_open_host_below(path, "", O_RDONLY | O_DIRECTORY);
	if (fd != -ENOENT)
		return fd;
	parent = open_host_parent_strict(path, name);
	if (parent < 0)
		return parent;
	r = mount_mkdir(parent, name, 0700);
	if (r < 0 && r != -EEXIST)
		return r;
	fd = open_resolve(parent, name, O_RDONLY | O_DIRECTORY,
			  RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
	return fd;
}

/* An ephemeral upper: a fresh tmpfs holding "upper" and "work", attached at OVERLAY_STAGE. */
static int ephemeral_upper(int *ret_upper, int *ret_work)
{
	const struct step_mount m = {.mode = 0755};
	_cleanup_close_ int tmp = -1, dir = -1, upper = -1, work = -1;
	int r;

	tmp = mount_tmpfs(&m, STEP_ATTR_NOSUID | STEP_ATTR_NODEV);
	if (tmp < 0)
		return tmp;
	if (mkdir(OVERLAY_STAGE, 0700) < 0 && errno != EEXIST)
		return -errno;
	dir = open(OVERLAY_STAGE, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0)
		return -errno;
	r = mount_attach(tmp, dir);
	if (r < 0)
		return r;
	if ((r = mount_mkdir(tmp, "upper", 0755)) < 0 || (r = mount_mkdir(tmp, "work", 0700)) < 0)
		return r;
	upper = openat(tmp, "upper", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (upper < 0)
		return -errno;
	work = openat(tmp, "work", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (work < 0)
		return -errno;
	*ret_upper = TAKE_FD(upper);
	*ret_work = TAKE_FD(work);
	return 0;
}

static int open_lower(const struct step_mount *m, size_t i)
{
	const char *base = m->lower_base ? m->lower_base[i] : NULL;

	return mount_open_host_below(m->lower[i], base, O_RDONLY | O_DIRECTORY);
}

/* Layers by fd (lowerdir+, upperdir, workdir; Linux >= 6.13): no length limit, and each path
 * was resolved as the host resolves it. 1: a lower is missing and the mount is optional. */
static int overlay_by_fd(int fs, const struct step_mount *m, int upper, int work)
{
	for (size_t i = 0; i < m->n_lower; i++) {
		_cleanup_close_ int fd = open_lower(m, i);

		if (fd < 0)
			return is_missing(fd) && m->optional ? 1 : fd;
		if (fsconfig(fs, FSCONFIG_SET_FD, "lowerdir+", NULL, fd) < 0)
			return -errno;
	}
	if (upper >= 0 && (fsconfig(fs, FSCONFIG_SET_FD, "upperdir", NULL, upper) < 0 ||
			   fsconfig(fs, FSCONFIG_SET_FD, "workdir", NULL, work) < 0))
		return -errno;
	return 0;
}

/* "<MOUNT_OLDROOT>/proc/self/fd/<fd>": the layer the fd holds, for overlayfs to look up by
 * path without a second walk of the host path (the magic link leads to that very directory). */
#define FD_PATH MOUNT_OLDROOT "/proc/self/fd/"
#define FD_PATH_MAX (sizeof(FD_PATH) + 12)

static int append_fd(char *buf, size_t *len, size_t size, bool sep, int fd)
{
	char num[16];
	const char *n = fmt_uint(num, sizeof(num), (uint64_t)fd, 10);
	size_t k = strlen(n);

	if (*len + sep + sizeof(FD_PATH) - 1 + k + 1 > size)
		return -ENAMETOOLONG;
	if (sep)
		buf[(*len)++] = ':';
	memcpy(buf + *len, FD_PATH, sizeof(FD_PATH) - 1);
	*len += sizeof(FD_PATH) - 1;
	memcpy(buf + *len, n, k + 1);
	*len += k;
	return 0;
}

static int set_fd_path(int fs, const char *key, int fd)
{
	char buf[FD_PATH_MAX];
	size_t len = 0;
	int r = append_fd(buf, &len, sizeof(buf), false, fd);

	if (r < 0)
		return r;
	return fsconfig(fs, FSCONFIG_SET_STRING, key, buf, 0) < 0 ? -errno : 0;
}

/* Lower layers opened for overlay_by_path(), held until the superblock is made: before
 * Linux 6.5, overlayfs looks its layers up only then. */
struct path_layers {
	int fd[OVERLAY_MAX_OPT / FD_PATH_MAX];
	size_t n;
};

static void path_layers_close(struct path_layers *l)
{
	while (l->n > 0)
		close(l->fd[--l->n]);
}

/* Older kernels: layers by /proc/self/fd path, lowerdir limited to 255 bytes (7 layers). */
static int overlay_by_path(int fs, const struct step_mount *m, int upper, int work,
			   struct path_layers *l)
{
	char buf[OVERLAY_MAX_OPT];
	size_t len = 0;
	int r;

	if (m->n_lower > ARRAY_SIZE(l->fd))
		return -ENAMETOOLONG;
	for (size_t i = 0; i < m->n_lower; i++) {
		int fd = open_lower(m, i);

		if (fd < 0)
			return is_missing(fd) && m->optional ? 1 : fd;
		l->fd[l->n++] = fd;
		r = append_fd(buf, &len, sizeof(buf), i > 0, fd);
		if (r < 0)
			return r;
	}
	if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", buf, 0) < 0)
		return -errno;
	if (upper < 0)
		return 0;
	r = set_fd_path(fs, "upperdir", upper);
	return r < 0 ? r : set_fd_path(fs, "workdir", work);
}

/* The overlay, mounted (detached) with @attr; 1 when an optional lower layer is missing. */
static int overlay_mount(const struct step_mount *m, unsigned attr, int *ret_mnt)
{
	_cleanup_close_ int fs = -1, upper = -1, work = -1;
	_cleanup_(path_layers_close) struct path_layers layers = {.n = 0};
	int r, mnt;

	if (m->upper) {
		upper = mount_open_host_below(m->upper, "", O_RDONLY | O_DIRECTORY);
		if (upper < 0)
			return upper;
		work = open_work(m->work);
		if (work < 0)
			return work;
	} else if (m->n_lower) {
		r = ephemeral_upper(&upper, &work);
		if (r < 0)
			return r;
	}
	fs = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -errno;
	r = overlay_by_fd(fs, m, upper, work);
	if (r == -EINVAL) { /* no layers by fd here: a fresh context, by path */
		close(fs);
		fs = fsopen("overlay", FSOPEN_CLOEXEC);
		if (fs < 0)
			return -errno;
		r = overlay_by_path(fs, m, upper, work, &layers);
	}
	if (r != 0)
		return r;
	/* user.overlay.* xattrs work in a user namespace, where trusted.* can't be set; used
	 * always, so a persistent upper reads the same with and without one. */
	if (upper >= 0 && fsconfig(fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0)
		return -errno;
	mnt = mount_fs_mount(fs, attr);
	if (mnt < 0)
		return mnt;
	*ret_mnt = mnt;
	return 0;
}

int mount_overlay(const struct step_mount *m, unsigned attr)
{
	int mnt = -1;
	int r = overlay_mount(m, attr, &mnt);

	if (r != 0)
		return r > 0 ? -ENOENT : r;
	return mnt;
}

/* Child. The lower layers with a persistent upper, or an ephemeral tmpfs one (its changes
 * vanish with the sandbox). */
int mount_run_overlay(const struct step *s, struct run_ctx *ctx)
{
	_cleanup_close_ int mnt = -1;
	int r;

	r = overlay_mount(&s->mnt, s->mnt.attr, &mnt);
	if (r != 0)
		return r > 0 ? 0 : r;
	return mount_attach_at(mnt, ctx->root_fd, s->mnt.dst);
}
