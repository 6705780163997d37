/* mount.c — the filesystem section compiled into mount steps, and the child runners of the
 * skeleton around them: private propagation, the stage, the new root and the final pivot.
 *
 * The per-mount runners live in mount_fs.c (bind, tmpfs, overlay, file, dir, symlink) and
 * mount_special.c (proc, dev, sysfs, mqueue); their shared child helpers in mount_child.h. */
#include "sys/mount/mount.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sys/mount/child.h"
#include "sys/mount/host.h"
#include "util/cleanup.h"

/* STEP_ATTR_* are the kernel's MOUNT_ATTR_* values, passed to fsmount()/mount_setattr(). */
_Static_assert(STEP_ATTR_RDONLY == MOUNT_ATTR_RDONLY && STEP_ATTR_NOSUID == MOUNT_ATTR_NOSUID &&
		   STEP_ATTR_NODEV == MOUNT_ATTR_NODEV && STEP_ATTR_NOEXEC == MOUNT_ATTR_NOEXEC &&
		   STEP_ATTR_RELATIME == MOUNT_ATTR_RELATIME &&
		   STEP_ATTR_NOATIME == MOUNT_ATTR_NOATIME &&
		   STEP_ATTR_STRICTATIME == MOUNT_ATTR_STRICTATIME &&
		   STEP_ATTR_NODIRATIME == MOUNT_ATTR_NODIRATIME &&
		   STEP_ATTR_NOSYMFOLLOW == MOUNT_ATTR_NOSYMFOLLOW,
	       "STEP_ATTR_* must match MOUNT_ATTR_*");

/* Host directories the stage tmpfs may cover, the first existing one wins. The stage is only
 * ever mounted in the sandbox's own mount namespace, so covering one of them is harmless. */
static const char *const stage_dirs[] = {"/tmp", "/mnt", "/run", "/dev"};

#define STAGE_SIZE (1u << 20)	/* the stage only holds a few directories */
#define DEFAULT_TMPFS_MODE 0755 /* as profile.c, and bubblewrap's --tmpfs */
#define DEFAULT_FILE_MODE 0644
#define DEFAULT_DIR_MODE 0755
#define DEV_MODE 0755
#define DEV_SIZE (4u << 20) /* without a size: nodes, links and /dev/shm (a directory in it) */
#define ROOT_TMPFS_MODE 0755
/* A v1 cgroup mount's tmpfs only holds one mount point per hierarchy. */
#define CGROUP_TMPFS_SIZE (64u << 10)
#define CGROUP_TMPFS_MODE 0555 /* the mount points are made with the setup's capabilities */
#define CGROUP_ATTR (STEP_ATTR_RDONLY | STEP_ATTR_NOSUID | STEP_ATTR_NODEV | STEP_ATTR_NOEXEC)

static int oom(struct sbx_err *err)
{
	return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
}

static const struct sbx_loc *best_loc(const struct sbx_loc *a, const struct sbx_loc *b)
{
	return a->file ? a : b;
}

static unsigned options_attr(unsigned options)
{
	static const struct {
		unsigned opt, attr;
	} map[] = {
	    {MOUNT_OPT_NOEXEC, STEP_ATTR_NOEXEC},
	    {MOUNT_OPT_NOATIME, STEP_ATTR_NOATIME},
	    {MOUNT_OPT_NODIRATIME, STEP_ATTR_NODIRATIME},
	    {MOUNT_OPT_RELATIME, STEP_ATTR_RELATIME},
	    {MOUNT_OPT_STRICTATIME, STEP_ATTR_STRICTATIME},
	    {MOUNT_OPT_NOSYMFOLLOW, STEP_ATTR_NOSYMFOLLOW},
	};
	unsigned attr = 0;

	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (options & map[i].opt)
			attr |= map[i].attr;
	return attr;
}

/* Every mount is nosuid and nodev but dev (which holds device nodes); dir and symlink are
 * not mounts at all. */
static unsigned entry_attr(const struct mount_entry *m)
{
	unsigned attr = options_attr(m->options) | STEP_ATTR_NOSUID;

	switch (m->type) {
	case MOUNT_DIR:
	case MOUNT_SYMLINK:
		return 0;
	case MOUNT_DEV:
		return attr;
	case MOUNT_BIND:
		if (!m->rw)
			attr |= STEP_ATTR_RDONLY;
		break;
	case MOUNT_SYSFS:
	case MOUNT_FILE:
		attr |= STEP_ATTR_RDONLY;
		break;
	default:
		break;
	}
	return attr | STEP_ATTR_NODEV;
}

/* A host path a step reads from: 0 when present (or missing and @optional), else the error
 * recorded at @loc as "WHAT PATH: strerror". */
static int check_source(const char *what, const char *path, bool optional, bool want_dir,
			const struct sbx_loc *loc, struct sbx_err *err)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		if (optional && (errno == ENOENT || errno == ENOTDIR))
			return 0;
		return sbx_err_errno(err, loc, "%s %s", what, path);
	}
	if (want_dir && !S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return sbx_err_errno(err, loc, "%s %s", what, path);
	}
	return 0;
}

/* A host path a step opens: no symlink where a sandbox could have planted one
 * (mount_host.h), then present. *@ret_base as mount_host_check(). */
static int check_host(const struct mount_writables *ws, struct plan *plan, const char *what,
		      const char *path, bool optional, bool want_dir, bool strict,
		      const struct sbx_loc *loc, const char **ret_base, struct sbx_err *err)
{
	int r = mount_host_check(ws, plan, what, path, strict, loc, ret_base, err);

	if (r < 0)
		return r;
	return check_source(what, path, optional, want_dir, loc, err);
}

/* An overlay's work directory: missing is fine (the runner makes it, and only it), its parent
 * is not, since sbx creates nothing else on the host that the plan does not show; present, it
 * is a directory. 0, or the error recorded at @loc. */
static int check_work(const char *work, const struct sbx_loc *loc, struct sbx_err *err)
{
	char parent[PATH_MAX];
	size_t len = strlen(work);
	struct stat st;
	int r;

	while (len > 1 && work[len - 1] == '/')
		len--;
	while (len > 0 && work[len - 1] != '/')
		len--;
	while (len > 1 && work[len - 1] == '/')
		len--;
	if (len == 0 || len >= sizeof(parent))
		return check_source("overlay work", work, true, true, loc, err);
	memcpy(parent, work, len);
	parent[len] = '\0';
	r = stat(parent, &st) < 0 ? -errno : S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
	if (r < 0) {
		errno = -r;
		return sbx_err_errno(err, loc, "overlay work %s: parent directory %s", work,
				     parent);
	}
	return check_source("overlay work", work, true, true, loc, err);
}

/* The host paths of a bind or overlay, recording every error; their bases go into @mnt. */
static int check_entry(const struct mount_entry *m, const struct mount_writables *ws,
		       struct plan *plan, struct step_mount *mnt, struct sbx_err *err)
{
	const char **bases = NULL;
	int r = 0, k;

	if (m->type == MOUNT_BIND)
		return check_host(ws, plan, "bind source", m->src, m->optional, false, false,
				  &m->src_loc, &mnt->src_base, err);
	if (m->type != MOUNT_OVERLAY)
		return 0;
	if (m->n_lower) {
		bases = plan_alloc(plan, m->n_lower * sizeof(*bases));
		if (!bases)
			return oom(err);
	}
	for (size_t i = 0; i < m->n_lower; i++) {
		k = check_host(ws, plan, "overlay lower", m->lower[i], m->optional, true, false,
			       &m->src_loc, &bases[i], err);
		if (k < 0 && r == 0)
			r = k;
		if (bases[i])
			mnt->lower_base = bases;
	}
	if (m->upper) {
		k = check_host(ws, plan, "overlay upper", m->upper, false, true, true, &m->loc,
			       NULL, err);
		if (k < 0 && r == 0)
			r = k;
		if (k < 0 && !m->work)
			return r; /* the default work is next to the upper: nothing more to say */
		/* Missing is fine (the runner makes it), a symlink on the way is not. */
		k = mount_host_check(ws, plan, "overlay work", mnt->work, true, &m->loc, NULL, err);
		if (k == 0)
			k = check_work(mnt->work, &m->loc, err);
		if (k < 0 && r == 0)
			r = k;
	}
	return r;
}

/* The overlay part of a step: host paths as given; a persistent upper's work directory
 * defaults to its sibling "<upper>.work" (created by the runner when missing, in a parent
 * directory that must exist). */
static int fill_overlay(struct plan *plan, const struct mount_entry *m, struct step_mount *mnt)
{
	mnt->n_lower = m->n_lower;
	mnt->lower =
	    (const char *const *)plan_strv(plan, (const char *const *)m->lower, m->n_lower);
	if (!mnt->lower)
		return -ENOMEM;
	if (!m->upper)
		return 0;
	mnt->upper = plan_strdup(plan, m->upper);
	if (m->work)
		mnt->work = plan_strdup(plan, m->work);
	else
		mnt->work = plan_printf(plan, "%s.work", m->upper);
	return mnt->upper && mnt->work ? 0 : -ENOMEM;
}

/* Every string copied into the plan, so the plan never points into the profile. */
static int fill_entry(struct plan *plan, const struct mount_entry *m, struct step_mount *mnt)
{
	const char *dst = m->dst ? m->dst : m->src;

	mnt->attr = entry_attr(m);
	mnt->optional = m->optional;
	mnt->dst = plan_strdup(plan, dst);
	if (!mnt->dst)
		return -ENOMEM;
	switch (m->type) {
	case MOUNT_BIND:
		mnt->recursive = m->recursive;
		mnt->src = plan_strdup(plan, m->src);
		return mnt->src ? 0 : -ENOMEM;
	case MOUNT_TMPFS:
		mnt->size = m->size;
		mnt->mode = m->mode >= 0 ? (unsigned)m->mode : DEFAULT_TMPFS_MODE;
		return 0;
	case MOUNT_OVERLAY:
		return fill_overlay(plan, m, mnt);
	case MOUNT_DEV:
		mnt->mode = DEV_MODE;
		mnt->size = m->size ? m->size : DEV_SIZE;
		return 0;
	case MOUNT_FILE:
		mnt->mode = m->mode >= 0 ? (unsigned)m->mode : DEFAULT_FILE_MODE;
		mnt->content_len = m->content_len;
		mnt->content = plan_memdup(plan, m->content ? m->content : "", m->content_len);
		return mnt->content ? 0 : -ENOMEM;
	case MOUNT_DIR:
		mnt->mode = m->mode >= 0 ? (unsigned)m->mode : DEFAULT_DIR_MODE;
		return 0;
	case MOUNT_SYMLINK:
		mnt->target = plan_strdup(plan, m->target ? m->target : "");
		return mnt->target ? 0 : -ENOMEM;
	default:
		return 0;
	}
}

/* A fresh sysfs shows the mounter's network namespace, and the kernel allows one in a user
 * namespace only when the network namespace is owned by it: not when the sandbox shares the
 * host's. Then the host's /sys is bound instead, read-only and recursive (its submounts are
 * locked together in a user namespace), and the plan says so. */
static bool sysfs_from_host(const struct profile *p)
{
	return (p->namespaces & NS_BIT(NS_USER)) && !(p->namespaces & NS_BIT(NS_NET));
}

static void make_host_sysfs(struct step_mount *mnt)
{
	mnt->src = "/sys";
	mnt->recursive = true;
	mnt->attr |= STEP_ATTR_RDONLY | STEP_ATTR_NOSUID | STEP_ATTR_NODEV | STEP_ATTR_NOEXEC;
}

/* A bind in a user namespace copies a host mount whose atime mode the kernel locked when the
 * namespace was made (MNT_LOCK_ATIME): changing it fails with EPERM, as root too. The bind
 * keeps its source's mode, and an option that asks for another one is refused here. */
static int check_atime(const struct profile *p, const struct mount_entry *m, bool host_bind,
		       struct sbx_err *err)
{
	static const struct {
		unsigned opt;
		const char *name;
	} atime[] = {
	    {MOUNT_OPT_NOATIME, "noatime"},
	    {MOUNT_OPT_NODIRATIME, "nodiratime"},
	    {MOUNT_OPT_RELATIME, "relatime"},
	    {MOUNT_OPT_STRICTATIME, "strictatime"},
	};
	size_t i = 0;

	if (!host_bind || !(p->namespaces & NS_BIT(NS_USER)))
		return 0;
	while (i < ARRAY_SIZE(atime) && !(m->options & atime[i].opt))
		i++;
	if (i == ARRAY_SIZE(atime))
		return 0;
	return sbx_err_set(err, best_loc(&m->options_loc, &m->loc), -EINVAL,
			   "options \"%s\": a bind%s in a user namespace keeps the atime mode of "
			   "its source, which the kernel locks; set it on the host's mount, or "
			   "leave the option out",
			   atime[i].name,
			   m->type == MOUNT_SYSFS ? " (sysfs is the host's /sys here)" : "");
}

/* A read-only bind of the sandbox's cgroup directory @dir at @dst. The directory is made by
 * the cgroup steps before clone, so it is not checked here. */
static int add_cgroup_bind(struct plan *plan, const char *dir, const char *dst,
			   const struct sbx_loc *loc, struct sbx_err *err)
{
	struct step *s = plan_add(plan, STEP_MOUNT_BIND, loc);

	if (!s)
		return oom(err);
	s->mnt.src = plan_strdup(plan, dir);
	s->mnt.dst = plan_strdup(plan, dst);
	if (!s->mnt.src || !s->mnt.dst)
		return oom(err);
	/* Nothing is mounted below a cgroup directory; recursive all the same, since a user
	 * namespace refuses a plain bind of a tree with locked mounts under it. */
	s->mnt.recursive = true;
	s->mnt.attr = CGROUP_ATTR;
	return 0;
}

/* The `cgroup` type in existing steps: on cgroup v2 the sandbox's one directory bound at dst;
 * on v1 a tmpfs at dst holding each hierarchy's directory under its name, as the host's
 * /sys/fs/cgroup does (a cgroup2 directory among them is "unified", as systemd names it). */
static int add_cgroup(struct plan *plan, const struct mount_entry *m, const struct sbx_loc *loc,
		      struct sbx_err *err)
{
	struct step *s;
	int r;

	if (plan->n_cgroup_dirs == 0 && plan->cgroup_left_out)
		return 0; /* cgroup.optional left the cgroup out; the plan's note says why */
	if (plan->n_cgroup_dirs == 0)
		return sbx_err_set(
		    err, &m->loc, -EINVAL,
		    "a cgroup mount shows the sandbox's own cgroup, and this sandbox "
		    "has none: it gets one only when the cgroup section sets a limit "
		    "(memory, pids, cpus, ...); set one, or leave the mount out");
	if (plan->n_cgroup_dirs == 1 && !plan->cgroup_dirs[0].name)
		return add_cgroup_bind(plan, plan->cgroup_dirs[0].dir, m->dst, loc, err);
	s = plan_add(plan, STEP_MOUNT_TMPFS, loc);
	if (!s)
		return oom(err);
	s->mnt.dst = plan_strdup(plan, m->dst);
	if (!s->mnt.dst)
		return oom(err);
	s->mnt.size = CGROUP_TMPFS_SIZE;
	s->mnt.mode = CGROUP_TMPFS_MODE;
	s->mnt.attr = STEP_ATTR_NOSUID | STEP_ATTR_NODEV | STEP_ATTR_NOEXEC;
	for (size_t i = 0; i < plan->n_cgroup_dirs; i++) {
		const struct plan_cgroup_dir *d = &plan->cgroup_dirs[i];
		const char *name = d->name ? d->name : "unified";
		char *dst;

		if (!*name || strchr(name, '/') || strcmp(name, ".") == 0 ||
		    strcmp(name, "..") == 0)
			return sbx_err_set(err, &m->loc, -EINVAL,
					   "cgroup mount: \"%s\" is no hierarchy name", name);
		dst = plan_printf(plan, "%s/%s", m->dst, name);
		if (!dst)
			return oom(err);
		r = add_cgroup_bind(plan, d->dir, dst, loc, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int add_entry(struct plan *plan, const struct profile *p, const struct mount_entry *m,
		     const struct mount_writables *ws, struct sbx_err *err)
{
	static const enum step_kind kinds[_MOUNT_TYPE_MAX] = {
	    [MOUNT_BIND] = STEP_MOUNT_BIND,	  [MOUNT_TMPFS] = STEP_MOUNT_TMPFS,
	    [MOUNT_OVERLAY] = STEP_MOUNT_OVERLAY, [MOUNT_PROC] = STEP_MOUNT_PROC,
	    [MOUNT_DEV] = STEP_MOUNT_DEV,	  [MOUNT_SYSFS] = STEP_MOUNT_SYSFS,
	    [MOUNT_MQUEUE] = STEP_MOUNT_MQUEUE,	  [MOUNT_FILE] = STEP_MOUNT_FILE,
	    [MOUNT_DIR] = STEP_MOUNT_DIR,	  [MOUNT_SYMLINK] = STEP_MOUNT_SYMLINK,
	};
	const struct sbx_loc *loc = best_loc(&m->dst_loc, &m->loc);
	struct step_mount mnt = {0};
	struct step *s;
	bool host_bind;
	int r, k;

	if ((unsigned)m->type >= _MOUNT_TYPE_MAX)
		return sbx_err_set(err, &m->loc, -EINVAL, "unknown mount type %d", (int)m->type);
	if (!m->dst && !m->src)
		return sbx_err_set(err, &m->loc, -EINVAL, "%s mount without dst",
				   profile_mount_type_name(m->type));
	if (m->dst && m->dst[strspn(m->dst, "/")] == '\0')
		return sbx_err_set(err, best_loc(&m->dst_loc, &m->loc), -EINVAL,
				   "a %s mount on \"/\" would cover the new root; set "
				   "filesystem.root instead",
				   profile_mount_type_name(m->type));
	if (m->type == MOUNT_CGROUP)
		return add_cgroup(plan, m, loc, err);
	if (fill_entry(plan, m, &mnt) < 0)
		return oom(err);
	host_bind = m->type == MOUNT_BIND || (m->type == MOUNT_SYSFS && sysfs_from_host(p));
	r = check_atime(p, m, host_bind, err);
	k = check_entry(m, ws, plan, &mnt, err);
	if (r < 0 || k < 0)
		return r < 0 ? r : k;
	if (m->type == MOUNT_BIND || m->type == MOUNT_OVERLAY)
		loc = best_loc(&m->src_loc, &m->loc);
	if (m->type == MOUNT_SYSFS && host_bind) {
		make_host_sysfs(&mnt);
		s = plan_add(plan, STEP_MOUNT_BIND, loc);
	} else {
		s = plan_add(plan, kinds[m->type], loc);
	}
	if (!s)
		return oom(err);
	s->mnt = mnt;
	return 0;
}

static int add_stage(struct plan *plan, struct sbx_err *err)
{
	struct step *s;
	struct stat st;

	if (!plan_add(plan, STEP_MOUNT_PRIVATE, NULL))
		return oom(err);
	for (size_t i = 0; i < ARRAY_SIZE(stage_dirs); i++) {
		if (lstat(stage_dirs[i], &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		s = plan_add(plan, STEP_MOUNT_STAGE, NULL);
		if (!s)
			return oom(err);
		s->mnt.dst = stage_dirs[i]; /* static storage, outlives the plan */
		s->mnt.size = STAGE_SIZE;
		s->mnt.mode = 0755;
		s->mnt.attr = STEP_ATTR_NOSUID | STEP_ATTR_NODEV | STEP_ATTR_NOEXEC;
		return 0;
	}
	return sbx_err_set(err, NULL, -ENOENT,
			   "no host directory to stage the mounts on (/tmp, /mnt, /run, /dev)");
}

/* A read-only directory root: the directory as the one lower layer of an overlay whose upper
 * is a tmpfs of the sandbox's own. The skeleton makes its mount points, symlinks and
 * directories there, so the root is writable until the pivot seals it, and the caller's
 * directory is never written, not even by sbx. (Its submounts are not shown.) */
static int dir_root_layer(struct plan *plan, const char *path, struct step_mount *mnt,
			  struct sbx_err *err)
{
	const char *const lower[] = {path};

	mnt->lower = (const char *const *)plan_strv(plan, lower, 1);
	if (!mnt->lower)
		return oom(err);
	mnt->n_lower = 1;
	if (mnt->src_base) {
		const char **bases = plan_alloc(plan, sizeof(*bases));

		if (!bases)
			return oom(err);
		bases[0] = mnt->src_base;
		mnt->lower_base = bases;
		mnt->src_base = NULL;
	}
	return 0;
}

static int add_root(struct plan *plan, const struct profile *p, const struct mount_writables *ws,
		    struct sbx_err *err)
{
	struct step_mount mnt = {
	    .root_kind = (int)p->fs.root,
	    .rw = p->fs.root_rw,
	    .attr = STEP_ATTR_NOSUID | STEP_ATTR_NODEV,
	};
	struct step *s;
	int r;

	switch (p->fs.root) {
	case ROOT_TMPFS:
		mnt.mode = ROOT_TMPFS_MODE; /* sealed read-only by the pivot unless root_rw */
		break;
	case ROOT_HOST:
		mnt.src = "/";
		mnt.recursive = true;
		mnt.attr |= STEP_ATTR_RDONLY;
		break;
	case ROOT_DIR:
		r = check_host(ws, plan, "root directory", p->fs.root_path ? p->fs.root_path : "",
			       false, true, false, &p->fs.root_loc, &mnt.src_base, err);
		if (r < 0)
			return r;
		if (!p->fs.root_rw) {
			r = dir_root_layer(plan, p->fs.root_path, &mnt, err);
			if (r < 0)
				return r;
			break;
		}
		mnt.src = plan_strdup(plan, p->fs.root_path);
		if (!mnt.src)
			return oom(err);
		mnt.recursive = true;
		break;
	}
	s = plan_add(plan, STEP_MOUNT_ROOT, &p->fs.root_loc);
	if (!s)
		return oom(err);
	s->mnt = mnt;
	return 0;
}

/* The mounts after the stage: the root, then each mount of the profile. */
static int add_mounts(struct plan *plan, const struct profile *p, struct sbx_err *err)
{
	_cleanup_(mount_writables_free) struct mount_writables ws = {0};
	int r = 0, k;

	if (mount_writables_collect(p, &ws) < 0)
		return oom(err);
	k = add_root(plan, p, &ws, err);
	if (k == -ENOMEM)
		return k;
	if (k < 0 && r == 0)
		r = k;
	/* Check every mount even after an error, so --check lists them all. */
	for (size_t i = 0; i < p->fs.n_mounts; i++) {
		k = add_entry(plan, p, &p->fs.mounts[i], &ws, err);
		if (k == -ENOMEM)
			return k;
		if (k < 0 && r == 0)
			r = k;
	}
	return r;
}

int mount_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		   struct sbx_err *err)
{
	struct step *s;
	int r, k;

	(void)c;
	if (!(p->namespaces & NS_BIT(NS_MOUNT)))
		return 0;
	r = add_stage(plan, err);
	if (r == -ENOMEM)
		return r;
	k = add_mounts(plan, p, err);
	if (k == -ENOMEM)
		return k;
	if (k < 0 && r == 0)
		r = k;
	s = plan_add(plan, STEP_MOUNT_PIVOT, &p->fs.root_loc);
	if (!s)
		return oom(err);
	s->mnt.root_kind = (int)p->fs.root;
	s->mnt.rw = p->fs.root_rw;
	return r;
}

const char *mount_host_hint(const struct step *s, int code, uint32_t item)
{
	(void)item;
	(void)s;
	if (code == -ELOOP)
		return " (a symlink where sbx follows none: in an overlay's upper or work, or "
		       "inside "
		       "a read-write mount of the profile; see sbx.cfg(5))";
	return "";
}

static void describe_attr(struct plan_kv *k, unsigned attr)
{
	static const struct {
		unsigned bit;
		const char *name;
	} bits[] = {
	    {STEP_ATTR_RDONLY, "ro"},
	    {STEP_ATTR_NOSUID, "nosuid"},
	    {STEP_ATTR_NODEV, "nodev"},
	    {STEP_ATTR_NOEXEC, "noexec"},
	    {STEP_ATTR_NOATIME, "noatime"},
	    {STEP_ATTR_STRICTATIME, "strictatime"},
	    {STEP_ATTR_NODIRATIME, "nodiratime"},
	    {STEP_ATTR_NOSYMFOLLOW, "nosymfollow"},
	};
	const char *names[ARRAY_SIZE(bits) + 1];
	size_t n = 0;

	if (!(attr & STEP_ATTR_RDONLY))
		names[n++] = "rw";
	for (size_t i = 0; i < ARRAY_SIZE(bits); i++)
		if (attr & bits[i].bit)
			names[n++] = bits[i].name;
	plan_kv_list(k, "flags", names, n);
}

void mount_describe(const struct step *s, struct plan_kv *k)
{
	const struct step_mount *m = &s->mnt;
	static const char *const roots[] = {"tmpfs", "host", "directory"};

	if (s->kind == STEP_MOUNT_ROOT && m->root_kind >= 0 && m->root_kind <= 2)
		plan_kv_str(k, "root", roots[m->root_kind]);
	plan_kv_str(k, "src", m->src);
	plan_kv_str(k, "nofollow-below", m->src_base);
	if (m->n_lower)
		plan_kv_list(k, "lower", m->lower, m->n_lower);
	if (m->lower_base) {
		const char *bases[m->n_lower];

		for (size_t i = 0; i < m->n_lower; i++)
			bases[i] = m->lower_base[i] ? m->lower_base[i] : "-";
		plan_kv_list(k, "lower-nofollow-below", bases, m->n_lower);
	}
	plan_kv_str(k, "upper", m->upper);
	plan_kv_str(k, "work", m->work);
	if ((s->kind == STEP_MOUNT_OVERLAY || s->kind == STEP_MOUNT_ROOT) && m->n_lower &&
	    !m->upper)
		plan_kv_str(k, "upper", "ephemeral");
	plan_kv_str(k, "dst", m->dst);
	plan_kv_str(k, "target", m->target);
	if (s->kind == STEP_MOUNT_FILE)
		plan_kv_num(k, "bytes", m->content_len);
	if (m->size)
		plan_kv_num(k, "size", m->size);
	if (s->kind == STEP_MOUNT_TMPFS || s->kind == STEP_MOUNT_FILE ||
	    s->kind == STEP_MOUNT_DIR || s->kind == STEP_MOUNT_DEV)
		plan_kv_octal(k, "mode", m->mode);
	if (s->kind == STEP_MOUNT_BIND || (s->kind == STEP_MOUNT_ROOT && !m->n_lower))
		plan_kv_bool(k, "recursive", m->recursive);
	/* root_rw: the destinations the directory lacks are made in it, on the host. */
	if (s->kind == STEP_MOUNT_ROOT && m->root_kind == ROOT_DIR && m->rw)
		plan_kv_str(k, "missing-dst", "created-in-src");
	if (m->optional)
		plan_kv_bool(k, "optional", true);
	if (s->kind == STEP_MOUNT_PIVOT)
		plan_kv_bool(k, "root_rw", m->rw);
	if (s->kind == STEP_MOUNT_PRIVATE) {
		plan_kv_str(k, "dst", "/");
		plan_kv_str(k, "propagation", "rslave");
		return;
	}
	if (s->kind != STEP_MOUNT_DIR && s->kind != STEP_MOUNT_SYMLINK &&
	    s->kind != STEP_MOUNT_PIVOT && s->kind != STEP_MOUNT_PRIVATE)
		describe_attr(k, m->attr);
}

#include "util/child-safe.h"

/* Child. Nothing mounted from here on propagates back to the host. */
int mount_run_private(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return -errno;
	return 0;
}

/* Child. A private tmpfs on a host directory becomes the root; the host tree moves to
 * MOUNT_OLDROOT, where every host path is reached from now on (the directory the stage
 * covered shows its own content again there, as the stage moved away from it). */
int mount_run_stage(const struct step *s, struct run_ctx *ctx)
{
	_cleanup_close_ int stage = -1, dst = -1;
	int r;

	(void)ctx;
	stage = mount_tmpfs(&s->mnt, s->mnt.attr);
	if (stage < 0)
		return stage;
	dst = open(s->mnt.dst, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dst < 0)
		return -errno;
	r = mount_attach(stage, dst);
	if (r < 0)
		return r;
	if (fchdir(stage) < 0)
		return -errno;
	if (mkdirat(stage, MOUNT_OLDROOT_NAME, 0700) < 0 ||
	    mkdirat(stage, MOUNT_NEWROOT_NAME, 0700) < 0)
		return -errno;
	if (syscall(SYS_pivot_root, ".", MOUNT_OLDROOT_NAME) < 0)
		return -errno;
	if (chdir("/") < 0)
		return -errno;
	return 0;
}

static int root_mount(const struct step_mount *m)
{
	_cleanup_close_ int src = -1;

	if (m->root_kind == ROOT_TMPFS)
		return mount_tmpfs(m, m->attr);
	if (m->n_lower) /* a read-only directory, over a tmpfs layer */
		return mount_overlay(m, m->attr);
	src = mount_open_host_below(m->src, m->src_base, O_PATH | O_DIRECTORY);
	if (src < 0)
		return src;
	return mount_clone(src, "", m->recursive, m->attr);
}

/* Child. The new root on MOUNT_NEWROOT; ctx->root_fd is left open on it for the mounts. */
int mount_run_root(const struct step *s, struct run_ctx *ctx)
{
	_cleanup_close_ int mnt = -1, dst = -1;
	int r, fd;

	mnt = root_mount(&s->mnt);
	if (mnt < 0)
		return mnt;
	dst = open(MOUNT_NEWROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dst < 0)
		return -errno;
	r = mount_attach(mnt, dst);
	if (r < 0)
		return r;
	/* Opened again by path: the fd must name the new mount, not the directory under it. */
	fd = open(MOUNT_NEWROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ctx->root_fd >= 0)
		close(ctx->root_fd);
	ctx->root_fd = fd;
	return 0;
}

/* Child. Seal the root (read-only unless root_rw), make it the process root and detach the
 * stage with the host tree under it: nothing of the host stays reachable but the binds. */
int mount_run_pivot(const struct step *s, struct run_ctx *ctx)
{
	int r;

	if (ctx->root_fd < 0)
		return -EBADF;
	if (!s->mnt.rw) {
		r = mount_set_attr(ctx->root_fd, STEP_ATTR_RDONLY, false);
		if (r < 0)
			return r;
	}
	if (fchdir(ctx->root_fd) < 0)
		return -errno;
	/* pivot_root(".", ".") stacks the old root on the new one; the detach removes it. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return -errno;
	if (umount2(".", MNT_DETACH) < 0)
		return -errno;
	if (chdir("/") < 0)
		return -errno;
	close(ctx->root_fd);
	ctx->root_fd = -1;
	return 0;
}
