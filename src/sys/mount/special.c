/* mount_special.c — child runners for the kernel filesystems: proc (made harmless as container
 * runtimes do), dev (a small /dev a non-root uid inside can use), sysfs and mqueue.
 * Everything in this file runs between clone() and execve(). */
#include "sys/mount/mount.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/mount/child.h"
#include "util/cleanup.h"
#include "util/child-safe.h"

/* Kernel-wide knobs under /proc: left visible, but read-only. */
static const char *const proc_readonly[] = {"sys", "sysrq-trigger", "irq", "bus", "fs"};
/* Kernel memory, addresses, keys and timers of the whole machine: covered by something empty. */
static const char *const proc_masked[] = {"kcore",	 "keys",	"timer_list",
					  "kallsyms",	 "sched_debug", "latency_stats",
					  "timer_stats", "acpi",	"scsi"};

/* Host device nodes bound into /dev (mknod is not allowed in a user namespace). */
static const char *const dev_nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};
static const struct {
	const char *name, *target;
} dev_links[] = {
    {"ptmx", "pts/ptmx"},	   {"fd", "/proc/self/fd"},	  {"stdin", "/proc/self/fd/0"},
    {"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"},
};

#define MASK_ATTR (STEP_ATTR_RDONLY | STEP_ATTR_NOSUID | STEP_ATTR_NODEV | STEP_ATTR_NOEXEC)

/* Attach @mnt on @dfd/@name itself, never following a symlink there. */
static int attach_at(int mnt, int dfd, const char *name)
{
	_cleanup_close_ int dst = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);

	if (dst < 0)
		return -errno;
	return mount_attach(mnt, dst);
}

/* Attach a fresh @type mount (no options) with @attr on dst inside the new root. */
static int attach_new(const char *type, const struct step *s, const struct run_ctx *ctx)
{
	_cleanup_close_ int mnt = -1;

	mnt = mount_new_fs(type, NULL, 0, s->mnt.attr);
	if (mnt < 0)
		return mnt;
	return mount_attach_at(mnt, ctx->root_fd, s->mnt.dst);
}

static int proc_make_readonly(int proc, const char *name)
{
	_cleanup_close_ int mnt = mount_clone(proc, name, true, MASK_ATTR);

	if (mnt < 0)
		return mnt == -ENOENT ? 0 : mnt;
	return attach_at(mnt, proc, name);
}

/* What masks are bound from: an empty read-only file and directory in the stage (the process
 * root while the mounts are built), made on first use. Their tmpfs stays attached, so the
 * masks cost one clone each: a private mask tmpfs would be dissolved when its last fd is
 * closed, which waits for an RCU grace period (about 60 us here). The stage is detached at the
 * pivot, and a bind of one file or directory reaches nothing else of it. */
#define MASK_FILE "/mask-file"
#define MASK_DIR "/mask-dir"

static int mask_source(bool dir)
{
	int fd;

	if (dir) {
		fd = mount_mkdir(AT_FDCWD, MASK_DIR, 0555);
		return fd == -EEXIST ? 0 : fd;
	}
	fd = open(MASK_FILE, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444);
	if (fd < 0)
		return errno == EEXIST ? 0 : -errno;
	if (fchmod(fd, 0444) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	close(fd);
	return 0;
}

/* Cover @name: a file with an empty file, a directory with an empty directory, both read-only.
 * Missing entries are skipped. */
static int proc_mask(int proc, const char *name)
{
	_cleanup_close_ int mnt = -1;
	struct stat st;
	bool dir;
	int r;

	if (fstatat(proc, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	dir = S_ISDIR(st.st_mode);
	r = mask_source(dir);
	if (r < 0)
		return r;
	mnt = mount_clone(AT_FDCWD, dir ? MASK_DIR : MASK_FILE, false, MASK_ATTR);
	if (mnt < 0)
		return mnt;
	return attach_at(mnt, proc, name);
}

/* Child. A fresh procfs of the sandbox's pid namespace, its kernel-wide parts made harmless. */
int mount_run_proc(const struct step *s, struct run_ctx *ctx)
{
	_cleanup_close_ int proc = -1;
	int r;

	proc = mount_new_fs("proc", NULL, 0, s->mnt.attr);
	if (proc < 0)
		return proc;
	r = mount_attach_at(proc, ctx->root_fd, s->mnt.dst);
	if (r < 0)
		return r;
	/* From here on @proc names the attached mount, so the covers land inside it. */
	for (size_t i = 0; i < ARRAY_SIZE(proc_readonly); i++) {
		r = proc_make_readonly(proc, proc_readonly[i]);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < ARRAY_SIZE(proc_masked); i++) {
		r = proc_mask(proc, proc_masked[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The host's /dev/@name bound on an empty file of the same name in @dev. */
static int dev_bind_node(int dev, const char *name)
{
	char path[32] = "/dev/";
	_cleanup_close_ int src = -1, mnt = -1, fd = -1;

	if (strlen(name) >= sizeof(path) - 5)
		return -ENAMETOOLONG;
	memcpy(path + 5, name, strlen(name) + 1);
	src = mount_open_host(path, O_PATH);
	if (src < 0)
		return src;
	mnt = mount_clone(src, "", false, STEP_ATTR_NOSUID | STEP_ATTR_NOEXEC);
	if (mnt < 0)
		return mnt;
	fd = openat(dev, name, O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0)
		return -errno;
	return attach_at(mnt, dev, name);
}

/* A private devpts instance on @dev/pts. No gid= option: each pty belongs to whoever opened
 * /dev/ptmx (a host gid such as tty's would not be mapped in a user namespace). */
static int dev_pts(int dev)
{
	const struct mount_fs_opt opts[] = {
	    {"newinstance", NULL}, {"ptmxmode", "0666"}, {"mode", "0620"}};
	_cleanup_close_ int mnt = -1;
	int r;

	mnt = mount_new_fs("devpts", opts, ARRAY_SIZE(opts), STEP_ATTR_NOSUID | STEP_ATTR_NOEXEC);
	if (mnt < 0)
		return mnt;
	r = mount_mkdir(dev, "pts", 0755);
	if (r < 0)
		return r;
	return attach_at(mnt, dev, "pts");
}

/* Child. A tmpfs (nosuid but not nodev, of the step's size) with the usual nodes, a private
 * devpts, shm and the fd links. shm is a sticky world-writable directory of the tmpfs itself,
 * not a tmpfs of its own, so what is written there counts against the step's size. Attached
 * first, then filled through its own fd, so nothing in it is followed. */
int mount_run_dev(const struct step *s, struct run_ctx *ctx)
{
	_cleanup_close_ int dev = -1;
	int r;

	dev = mount_tmpfs(&s->mnt, s->mnt.attr);
	if (dev < 0)
		return dev;
	r = mount_attach_at(dev, ctx->root_fd, s->mnt.dst);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(dev_nodes); i++) {
		r = dev_bind_node(dev, dev_nodes[i]);
		if (r < 0)
			return r;
	}
	r = dev_pts(dev);
	if (r == 0)
		r = mount_mkdir(dev, "shm", 01777);
	for (size_t i = 0; i < ARRAY_SIZE(dev_links) && r == 0; i++)
		if (symlinkat(dev_links[i].target, dev, dev_links[i].name) < 0)
			r = -errno;
	return r;
}

/* Child. A fresh sysfs, read-only. The compiler asks for one only where the kernel allows it
 * (a network namespace owned by the sandbox's user namespace, or no user namespace); elsewhere
 * the plan binds the host's /sys instead. */
int mount_run_sysfs(const struct step *s, struct run_ctx *ctx)
{
	return attach_new("sysfs", s, ctx);
}

/* Child. The POSIX message queues of the sandbox's ipc namespace. */
int mount_run_mqueue(const struct step *s, struct run_ctx *ctx)
{
	return attach_new("mqueue", s, ctx);
}
