/* test_runners_mount.c — the mount runners (STEP_MOUNT_*), with the system calls faked
 * (fake_sys.h): which calls each makes, with which arguments and in which order; and, for each
 * of those calls failing, that the runner returns its -errno, goes no further and leaves no fd
 * open. The kernel's side of it is the integration tests'. */
#include "unit.h"
#include "fake_sys.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "plan/plan.h"
#include "profile/profile.h"
#include "sys/mount/mount.h"

#define ROOT 50 /* ctx.root_fd: the new root while the mounts are built */
#define NS (STEP_ATTR_NOSUID | STEP_ATTR_NODEV)
#define RO_NS (STEP_ATTR_RDONLY | STEP_ATTR_NOSUID | STEP_ATTR_NODEV)
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Attaching detached mount @m on the fd @d. */
#define MOVE(m, d)                                                                                 \
	"move_mount(" #m ",\"\"," #d ",\"\",MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH)"
/* A sandbox path (inside ctx.root_fd) and a host path (inside /oldroot, open as fd @o). */
#define IN_ROOT(path, flags, fd) "openat2(50," path "," flags ",NO_MAGICLINKS|IN_ROOT) = " #fd
#define OLDROOT(fd) "open(/oldroot,O_PATH|O_DIRECTORY|O_CLOEXEC) = " #fd
#define IN_HOST(o, path, flags, fd)                                                                \
	"openat2(" #o "," path "," flags ",NO_MAGICLINKS|IN_ROOT) = " #fd
#define CLONE_FLAGS "OPEN_TREE_CLONE|OPEN_TREE_CLOEXEC|AT_SYMLINK_NOFOLLOW"

static const struct run_ctx child = {.side = SIDE_CHILD, .ch = RUN_CHANNELS_NONE, .root_fd = ROOT};

/* Run @run on @s with @ctx, the fake on (and @setup's rules), assert it succeeds with the log
 * @want, leaving @kept fds open; then each call failing (fake_assert_failures()). */
static void check_at(const char *file, int line, step_run_fn run, const struct step *s,
		     struct run_ctx *ctx, void (*setup)(void), const char *const *want, size_t n,
		     unsigned kept)
{
	const struct run_ctx before = *ctx;
	const struct fake_run r = {.run = run, .step = s, .ctx = &before, .setup = setup};

	fake_begin();
	if (setup)
		setup();
	assert_int_equal(run(s, ctx), 0);
	fake_assert_list_at(file, line, want, n);
	assert_int_equal(fake_open_fds(), kept);
	fake_end_at(file, line);
	fake_assert_failures_at(file, line, &r, want, n);
}
#define check(run, s, ctx, setup, want, kept)                                                      \
	check_at(__FILE__, __LINE__, run, s, ctx, setup, want, N(want), kept)

/* A log built line by line, for the runners that repeat a pattern (proc, dev). */
struct want {
	const char *v[256];
	char buf[256][160];
	size_t n;
};

static void want(struct want *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void want(struct want *w, const char *fmt, ...)
{
	va_list ap;

	assert_true(w->n < N(w->v));
	va_start(ap, fmt);
	vsnprintf(w->buf[w->n], sizeof(w->buf[w->n]), fmt, ap);
	va_end(ap);
	w->v[w->n] = w->buf[w->n];
	w->n++;
}

static void test_private(void **state)
{
	struct step s = {.kind = STEP_MOUNT_PRIVATE};
	struct run_ctx ctx = child;
	static const char *const calls[] = {"mount(NULL,/,NULL,MS_REC|MS_SLAVE)"};

	(void)state;
	check(mount_run_private, &s, &ctx, NULL, calls, 0);
}

/* A private tmpfs on a host directory becomes the process root, the host tree under it. */
static void test_stage(void **state)
{
	struct step s = {.kind = STEP_MOUNT_STAGE,
			 .mnt = {.dst = "/tmp", .mode = 0755, .size = 1 << 20, .attr = NS}};
	struct run_ctx ctx = child;
	static const char *const calls[] = {
	    "fsopen(tmpfs,FSOPEN_CLOEXEC) = 100",
	    "fsconfig(100,FSCONFIG_SET_STRING,mode,755,0)",
	    "fsconfig(100,FSCONFIG_SET_STRING,size,1048576,0)",
	    "fsconfig(100,FSCONFIG_CMD_CREATE,NULL,NULL,0)",
	    "fsmount(100,FSMOUNT_CLOEXEC,NOSUID|NODEV) = 101",
	    "close(100)",
	    "open(/tmp,O_PATH|O_DIRECTORY|O_CLOEXEC) = 102",
	    MOVE(101, 102),
	    "fchdir(101)",
	    "mkdirat(101,oldroot,0700)",
	    "mkdirat(101,newroot,0700)",
	    "pivot_root(.,oldroot)",
	    "chdir(/)",
	    "close(102)",
	    "close(101)",
	};

	(void)state;
	check(mount_run_stage, &s, &ctx, NULL, calls, 0);
}

/* A tmpfs root: attached on /newroot, which is opened again so ctx.root_fd names the mount. */
static void test_root_tmpfs(void **state)
{
	struct step s = {.kind = STEP_MOUNT_ROOT,
			 .mnt = {.root_kind = ROOT_TMPFS, .mode = 0755, .attr = NS}};
	struct run_ctx ctx = child;
	static const char *const calls[] = {
	    "fsopen(tmpfs,FSOPEN_CLOEXEC) = 100",
	    "fsconfig(100,FSCONFIG_SET_STRING,mode,755,0)",
	    "fsconfig(100,FSCONFIG_CMD_CREATE,NULL,NULL,0)",
	    "fsmount(100,FSMOUNT_CLOEXEC,NOSUID|NODEV) = 101",
	    "close(100)",
	    "open(/newroot,O_PATH|O_DIRECTORY|O_CLOEXEC) = 102",
	    MOVE(101, 102),
	    "open(/newroot,O_PATH|O_DIRECTORY|O_CLOEXEC) = 103",
	    "close(102)",
	    "close(101)",
	};

	(void)state;
	ctx.root_fd = -1;
	check(mount_run_root, &s, &ctx, NULL, calls, 1);
	assert_int_equal(ctx.root_fd, 103);
}

/* A directory root: a recursive clone of the host's, opened below its nofollow base; an
 * earlier root fd is closed for the new one. */
static void test_root_dir(void **state)
{
	struct step s = {
	    .kind = STEP_MOUNT_ROOT,
	    .mnt = {.root_kind = ROOT_DIR, .src = "/srv/root", .recursive = true, .attr = NS}};
	struct run_ctx ctx = child;
	static const char *const calls[] = {
	    OLDROOT(100),
	    IN_HOST(100, "/srv/root", "O_PATH|O_DIRECTORY|O_CLOEXEC", 101),
	    "close(100)",
	    "open_tree(101,\"\"," CLONE_FLAGS "|AT_EMPTY_PATH|AT_RECURSIVE) = 102",
	    "mount_setattr(102,\"\",AT_EMPTY_PATH|AT_RECURSIVE,set=NOSUID|NODEV,clr=0)",
	    "close(101)",
	    "open(/newroot,O_PATH|O_DIRECTORY|O_CLOEXEC) = 103",
	    MOVE(102, 103),
	    "open(/newroot,O_PATH|O_DIRECTORY|O_CLOEXEC) = 104",
	    "close(50)",
	    "close(103)",
	    "close(102)",
	};

	(void)state;
	check(mount_run_root, &s, &ctx, NULL, calls, 1);
	assert_int_equal(ctx.root_fd, 104);
}

/* A bind: the host path opened in /oldroot, cloned with its attributes (recursively), and
 * attached on the existing dst in the new root. */
static void test_bind(void **state)
{
	struct step s = {.kind = STEP_MOUNT_BIND,
			 .mnt = {.src = "/usr", .dst = "/usr", .recursive = true, .attr = RO_NS}};
	struct run_ctx ctx = child;
	static const char *const calls[] = {
	    OLDROOT(100),
	    IN_HOST(100, "/usr", "O_PATH|O_CLOEXEC", 101),
	    "close(100)",
	    "open_tree(101,\"\"," CLONE_FLAGS "|AT_EMPTY_PATH|AT_RECURSIVE) = 102",
	    "mount_setattr(102,\"\",AT_EMPTY_PATH|AT_RECURSIVE,set=RDONLY|NOSUID|NODEV,clr=0)",
	    "fstat(102)",
	    IN_ROOT("/usr", "O_PATH|O_CLOEXEC", 103),
	    MOVE(102, 103),
	    "close(103)",
	    "close(102)",
	    "close(101)",
	};

	(void)state;
	check(mount_run_bind, &s, &ctx, NULL, calls, 0);
}

static void bind_file_setup(void)
{
	fake_stat("fstat(103)", S_IFREG | 0644);
	fake_fail("openat2(50,/opt/x/hosts", ENOENT);
	fake_fail("openat2(50,/opt/x,", ENOENT);
}

/* A file bind below a nofollow base, on a dst that is missing with one of its parents: the
 * parents are made (0755) one component at a time, each resolved from the root again, then an
 * empty file, never following a symlink at its name. Not recursive: a plain clone. */
static void test_bind_file_new_dst(void **state)
{
	struct step s = {.kind = STEP_MOUNT_BIND,
			 .mnt = {.src = "/home/u/hosts",
				 .src_base = "/home/u",
				 .dst = "/opt/x/hosts",
				 .attr = RO_NS}};
	struct run_ctx ctx = child;
	static const char *const calls[] = {
	    OLDROOT(100),
	    IN_HOST(100, "/home/u", "O_PATH|O_DIRECTORY|O_CLOEXEC", 101),
	    "close(100)",
	    "openat2(101,hosts,O_PATH|O_CLOEXEC,NO_MAGICLINKS|NO_SYMLINKS|IN_ROOT) = 102",
	    "close(101)",
	    "open_tree(102,\"\"," CLONE_FLAGS "|AT_EMPTY_PATH) = 103",
	    "mount_setattr(103,\"\",AT_EMPTY_PATH,set=RDONLY|NOSUID|NODEV,clr=0)",
	    "fstat(103)",
	    "openat2(50,/opt/x/hosts,O_PATH|O_CLOEXEC,NO_MAGICLINKS|IN_ROOT) = -1 ENOENT",
	    "fcntl(50,F_DUPFD_CLOEXEC,3) = 104",
	    IN_ROOT("/opt", "O_PATH|O_DIRECTORY|O_CLOEXEC", 105),
	    "close(104)",
	    "openat2(50,/opt/x,O_PATH|O_DIRECTORY|O_CLOEXEC,NO_MAGICLINKS|IN_ROOT) = -1 ENOENT",
	    "mkdirat(105,x,0755)",
	    "openat(105,x,O_RDONLY|O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC) = 106",
	    "fchmod(106,0755)",
	    "close(106)",
	    IN_ROOT("/opt/x", "O_PATH|O_DIRECTORY|O_CLOEXEC", 107),
	    "close(105)",
	    "openat(107,hosts,O_RDONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC,0644) = 108",
	    "close(108)",
	    "openat(107,hosts,O_PATH|O_NOFOLLOW|O_CLOEXEC) = 109",
	    "close(107)",
	    MOVE(103, 109),
	    "close(109)",
	    "close(103)",
	    "close(102)",
	};

	(void)state;
	check(mount_run_bind, &s, &ctx, bind_file_setup, calls, 0);
}

/* A missing source: nothing for an optional bind, the error for another. */
static void test_bind_missing_source(void **state)
{
	struct step s = {.kind = STEP_MOUNT_BIND,
			 .mnt = {.src = "/opt/none", .dst = "/opt/none", .optional = true}};
	struct run_ctx ctx = child;

	(void)state;
	fake_begin();
	fake_fail("openat2(100,/opt/none", ENOENT);
	assert_int_equal(mount_run_bind(&s, &ctx), 0);
	fake_assert_calls(
	    OLDROOT(100),
	    "openat2(100,/opt/none,O_PATH|O_CLOEXEC,NO_MAGICLINKS|IN_ROOT) = -1 ENOENT",
	    "close(100)");
	fake_end();

	fake_begin();
	fake_fail("openat2(100,/opt/none", ENOTDIR);
	assert_int_equal(mount_run_bind(&s, &ctx), 0);
	fake_end();

	s.mnt.optional = false;
	fake_begin();
	fake_fail("openat2(100,/opt/none", ENOENT);
	assert_int_equal(mount_run_bind(&s, &ctx), -ENOENT);
	fake_end();

	/* optional covers a missing source only */
	s.mnt.optional = true;
	fake_begin();
	fake_fail("openat2(100,/opt/none", ELOOP);
	assert_int_equal(mount_run_bind(&s, &ctx), -ELOOP);
	fake_end();
}

static void test_tmpfs(void **state)
{
	struct step s = {.kind = STEP_MOUNT_TMPFS,
			 .mnt = {.dst = "/tmp", .mode = 01777, .size = 65536, .attr = NS}};
	struct run_ctx ctx = child;
	static const char *const calls[] = {
	    "fsopen(tmpfs,FSOPEN_CLOEXEC) = 100",
	    "fsconfig(100,FSCONFIG_SET_STRING,mode,1777,0)",
	    "fsconfig(100,FSCONFIG_SET_STRING,size,65536,0)",
	    "fsconfig(100,FSCONFIG_CMD_CREATE,NULL,NULL,0)",
	    "fsmount(100,FSMOUNT_CLOEXEC,NOSUID|NODEV) = 101",
	    "close(100)",
	    IN_ROOT("/tmp", "O_PATH|O_CLOEXEC", 102),
	    MOVE(101, 102),
	    "close(102)",
	    "close(101)",
	};

	(void)state;
	check(mount_run_tmpfs, &s, &ctx, NULL, calls, 0);
}

/* The ephemeral upper of an overlay: a tmpfs attached at /overlay in the stage, holding
 * "upper" and "work" (fds 105 and 106). */
#define EPHEMERAL_UPPER                                                                            \
	"fsopen(tmpfs,FSOPEN_CLOEXEC) = 100", "fsconfig(100,FSCONFIG_SET_STRING,mode,755,0)",      \
	    "fsconfig(100,FSCONFIG_CMD_CREATE,NULL,NULL,0)",                                       \
	    "fsmount(100,FSMOUNT_CLOEXEC,NOSUID|NODEV) = 101", "close(100)",                       \
	    "mkdir(/overlay,0700)",                                                                \
	    "open(/overlay,O_PATH|O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC) = 102", MOVE(101, 102),        \
	    "mkdirat(101,upper,0755)",                                                             \
	    "openat(101,upper,O_RDONLY|O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC) = 103",                   \
	    "fchmod(103,0755)", "close(103)", "mkdirat(101,work,0700)",                            \
	    "openat(101,work,O_RDONLY|O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC) = 104",                    \
	    "fchmod(104,0700)", "close(104)",                                                      \
	    "openat(101,upper,O_RDONLY|O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC) = 105",                   \
	    "openat(101,work,O_RDONLY|O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC) = 106", "close(102)",      \
	    "close(101)"

static const char *const overlay_lower[] = {"/a", "/b"};

/* An overlay with an ephemeral upper: the layers given by fd (lowerdir+, Linux >= 6.13), user
 * xattrs, the superblock made and attached on dst. */
static void test_overlay_ephemeral(void **state)
{
	struct step s = {.kind = STEP_MOUNT_OVERLAY,
			 .mnt = {.dst = "/usr", .lower = overlay_lower, .n_lower = 2, .attr = NS}};
	struct run_ctx ctx = child;
	static const char *const calls[] = {
	    EPHEMERAL_UPPER,
	    "fsopen(overlay,FSOPEN_CLOEXEC) = 107",
	    OLDROOT(108),
	    IN_HOST(108, "/a", "O_RDONLY|O_DIRECTORY|O_CLOEXEC", 109),
	    "close(108)",
	    "fsconfig(107,FSCONFIG_SET_FD,lowerdir+,NULL,109)",
	    "close(109)",
	    OLDROOT(110),
	    IN_HOST(110, "/b", "O_RDONLY|O_DIRECTORY|O_CLOEXEC", 111),
	    "close(110)",
	    "fsconfig(107,FSCONFIG_SET_FD,lowerdir+,NULL,111)",
	    "close(111)",
	    "fsconfig(107,FSCONFIG_SET_FD,upperdir,NULL,105)",
	    "fsconfig(107,FSCONFIG_SET_FD,workdir,NULL,106)",
	    "fsconfig(107,FSCONFIG_SET_FLAG,userxattr,NULL,0)",
	    "fsconfig(107,FSCONFIG_CMD_CREATE,NULL,NULL,0)",
	    "fsmount(107,FSMOUNT_CLOEXEC,NOSUID|NODEV) = 112",
	    "close(106)",
	    "close(105)",
	    "close(107)",
	    IN_ROOT("/usr", "O_PATH|O_CLOEXEC", 113),
	    MOVE(112, 113),
	    "close(113)",
	    "close(112)",
	};

	(void)state;
	check(mount_run_overlay, &s, &ctx, NULL, calls, 0);
}

static void overlay_by_path_setup(void)
{
	fake_fail("fsconfig(107,FSCONFIG_SET_FD,lowerdir+", EINVAL);
}

/* A kernel without layers by fd (EINVAL): a fresh context, the layers by /proc/self/fd path of
 * fds held open until the superblock is made. */
static void test_overlay_by_path(void **state)
{
	struct step s = {.kind = STEP_MOUNT_OVERLAY,
			 .mnt = {.dst = "/usr", .lower = overlay_lower, .n_lower = 2, .attr = NS}};
	struct run_ctx ctx = child;
	static const char *const calls[] = {
	    EPHEMERAL_UPPER,
	    "fsopen(overlay,FSOPEN_CLOEXEC) = 107",
	    OLDROOT(108),
	    IN_HOST(108, "/a", "O_RDONLY|O_DIRECTORY|O_CLOEXEC", 109),
	    "close(108)",
	    "fsconfig(107,FSCONFIG_SET_FD,lowerdir+,NULL,109) = -1 EINVAL",
	    "close(109)",
	    "close(107)",
	    "fsopen(overlay,FSOPEN_CLOEXEC) = 110",
	    OLDROOT(111),
	    IN_HOST(111, "/a", "O_RDONLY|O_DIRECTORY|O_CLOEXEC", 112),
	    "close(111)",
	    OLDROOT(113),
	    IN_HOST(113, "/b", "O_RDONLY|O_DIRECTORY|O_CLOEXEC", 114),
	    "close(113)",
	    "fsconfig(110,FSCONFIG_SET_STRING,lowerdir,"
	    "/oldroot/proc/self/fd/112:/oldroot/proc/self/fd/114,0)",
	    "fsconfig(110,FSCONFIG_SET_STRING,upperdir,/oldroot/proc/self/fd/105,0)",
	    "fsconfig(110,FSCONFIG_SET_STRING,workdir,/oldroot/proc/self/fd/106,0)",
	    "fsconfig(110,FSCONFIG_SET_FLAG,userxattr,NULL,0)",
	    "fsconfig(110,FSCONFIG_CMD_CREATE,NULL,NULL,0)",
	    "fsmount(110,FSMOUNT_CLOEXEC,NOSUID|NODEV) = 115",
	    "close(114)",
	    "close(112)",
	    "close(106)",
	    "close(105)",
	    "close(110)",
	    IN_ROOT("/usr", "O_PATH|O_CLOEXEC", 116),
	    MOVE(115, 116),
	    "close(116)",
	    "close(115)",
	};

	(void)state;
	check(mount_run_overlay, &s, &ctx, overlay_by_path_setup, calls, 0);
}

/* A persistent upper and its work directory, opened without following any symlink; an
 * optional overlay whose lower layer is missing is skipped. */
static void test_overlay_persistent_and_optional(void **state)
{
	struct step s = {.kind = STEP_MOUNT_OVERLAY,
			 .mnt = {.dst = "/usr",
				 .lower = overlay_lower,
				 .n_lower = 1,
				 .upper = "/srv/up",
				 .work = "/srv/work",
				 .attr = NS}};
	struct run_ctx ctx = child;
	static const char *const calls[] = {
	    OLDROOT(100),
	    "openat2(100,srv/up,O_RDONLY|O_DIRECTORY|O_CLOEXEC,NO_MAGICLINKS|NO_SYMLINKS|IN_ROOT) "
	    "= "
	    "101",
	    "close(100)",
	    OLDROOT(102),
	    "openat2(102,srv/"
	    "work,O_RDONLY|O_DIRECTORY|O_CLOEXEC,NO_MAGICLINKS|NO_SYMLINKS|IN_ROOT) "
	    "= 103",
	    "close(102)",
	    "fsopen(overlay,FSOPEN_CLOEXEC) = 104",
	    OLDROOT(105),
	    IN_HOST(105, "/a", "O_RDONLY|O_DIRECTORY|O_CLOEXEC", 106),
	    "close(105)",
	    "fsconfig(104,FSCONFIG_SET_FD,lowerdir+,NULL,106)",
	    "close(106)",
	    "fsconfig(104,FSCONFIG_SET_FD,upperdir,NULL,101)",
	    "fsconfig(104,FSCONFIG_SET_FD,workdir,NULL,103)",
	    "fsconfig(104,FSCONFIG_SET_FLAG,userxattr,NULL,0)",
	    "fsconfig(104,FSCONFIG_CMD_CREATE,NULL,NULL,0)",
	    "fsmount(104,FSMOUNT_CLOEXEC,NOSUID|NODEV) = 107",
	    "close(103)",
	    "close(101)",
	    "close(104)",
	    IN_ROOT("/usr", "O_PATH|O_CLOEXEC", 108),
	    MOVE(107, 108),
	    "close(108)",
	    "close(107)",
	};

	(void)state;
	check(mount_run_overlay, &s, &ctx, NULL, calls, 0);

	s.mnt.optional = true;
	fake_begin();
	fake_fail("openat2(105,/a", ENOENT);
	assert_int_equal(mount_run_overlay(&s, &ctx), 0);
	fake_assert_calls(
	    calls[0], calls[1], calls[2], calls[3], calls[4], calls[5], calls[6], calls[7],
	    "openat2(105,/a,O_RDONLY|O_DIRECTORY|O_CLOEXEC,NO_MAGICLINKS|IN_ROOT) = -1 ENOENT",
	    "close(105)", "close(103)", "close(101)", "close(104)");
	assert_int_equal(fake_open_fds(), 0);
	fake_end();
}

/* /proc/NAME made read-only: a recursive clone with the mask attributes attached on itself. */
static void proc_readonly(struct want *w, const char *name, int *fd)
{
	want(w, "open_tree(101,%s," CLONE_FLAGS "|AT_RECURSIVE) = %d", name, *fd);
	want(w,
	     "mount_setattr(%d,\"\",AT_EMPTY_PATH|AT_RECURSIVE,set=RDONLY|NOSUID|NODEV|NOEXEC,"
	     "clr=0)",
	     *fd);
	want(w, "openat(101,%s,O_PATH|O_NOFOLLOW|O_CLOEXEC) = %d", name, *fd + 1);
	want(w, "move_mount(%d,\"\",%d,\"\",MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH)", *fd,
	     *fd + 1);
	want(w, "close(%d)", *fd + 1);
	want(w, "close(%d)", *fd);
	*fd += 2;
}

/* /proc/NAME covered: by the empty read-only directory or file of the stage, which the first
 * use makes (and later ones find there: EEXIST). */
static void proc_mask(struct want *w, const char *name, bool dir, bool first, int *fd)
{
	want(w, "fstatat(101,%s,AT_SYMLINK_NOFOLLOW)", name);
	if (dir && first) {
		want(w, "mkdirat(AT_FDCWD,/mask-dir,0555)");
		want(w, "openat(AT_FDCWD,/mask-dir,O_RDONLY|O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC) = %d",
		     *fd);
		want(w, "fchmod(%d,0555)", *fd);
		want(w, "close(%d)", (*fd)++);
	} else if (dir) {
		want(w, "mkdirat(AT_FDCWD,/mask-dir,0555) = -1 EEXIST");
	} else if (first) {
		want(w, "open(/mask-file,O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC,0444) = %d",
		     *fd);
		want(w, "fchmod(%d,0444)", *fd);
		want(w, "close(%d)", (*fd)++);
	} else {
		want(w, "open(/mask-file,O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC,0444) = -1 "
			"EEXIST");
	}
	want(w, "open_tree(AT_FDCWD,%s," CLONE_FLAGS ") = %d", dir ? "/mask-dir" : "/mask-file",
	     *fd);
	want(w, "mount_setattr(%d,\"\",AT_EMPTY_PATH,set=RDONLY|NOSUID|NODEV|NOEXEC,clr=0)", *fd);
	want(w, "openat(101,%s,O_PATH|O_NOFOLLOW|O_CLOEXEC) = %d", name, *fd + 1);
	want(w, "move_mount(%d,\"\",%d,\"\",MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH)", *fd,
	     *fd + 1);
	want(w, "close(%d)", *fd + 1);
	want(w, "close(%d)", *fd);
	*fd += 2;
}

static void proc_setup(void)
{
	fake_fail("open_tree(101,irq,", ENOENT); /* a kernel without /proc/irq */
	fake_stat("fstatat(101,kcore,", S_IFREG | 0400);
	fake_stat("fstatat(101,keys,", S_IFREG | 0444);
	fake_stat("fstatat(101,timer_list,", S_IFREG | 0444);
	fake_stat("fstatat(101,kallsyms,", S_IFREG | 0444);
	fake_fail("fstatat(101,sched_debug,", ENOENT);
	fake_fail("fstatat(101,latency_stats,", ENOENT);
	fake_stat("fstatat(101,timer_stats,", S_IFREG | 0444);
	fake_default("open(/mask-file"); /* made by the first use only */
	fake_fail("open(/mask-file", EEXIST);
	fake_fail("open(/mask-file", EEXIST);
	fake_fail("open(/mask-file", EEXIST);
	fake_fail("open(/mask-file", EEXIST);
	fake_default("mkdirat(AT_FDCWD,/mask-dir");
	fake_fail("mkdirat(AT_FDCWD,/mask-dir", EEXIST);
}

/* A fresh procfs: kernel-wide knobs made read-only (a missing one skipped), kernel memory,
 * addresses and timers covered (missing ones skipped). */
/* A missing work directory is made (0700) in its parent, every component opened without
 * following a symlink; a missing parent is an error, and nothing is made on the host (the
 * compiler refuses such a profile; this is the runner if the parent goes meanwhile). */
static void test_overlay_work_in_existing_parent(void **state)
{
	struct step s = {.kind = STEP_MOUNT_OVERLAY,
			 .mnt = {.dst = "/usr",
				 .lower = overlay_lower,
				 .n_lower = 1,
				 .upper = "/srv/up",
				 .work = "/srv/w/work",
				 .attr = NS}};
	struct run_ctx ctx = child;
	static const char *const calls[] = {
	    OLDROOT(100),
	    "openat2(100,srv/up,O_RDONLY|O_DIRECTORY|O_CLOEXEC,NO_MAGICLINKS|NO_SYMLINKS|IN_ROOT) "
	    "= 101",
	    "close(100)",
	    OLDROOT(102),
	    "openat2(102,srv/w/work,O_RDONLY|O_DIRECTORY|O_CLOEXEC,NO_MAGICLINKS|NO_SYMLINKS|"
	    "IN_ROOT) = -1 ENOENT",
	    "close(102)",
	    OLDROOT(103),
	    "openat2(103,srv,O_PATH|O_DIRECTORY|O_CLOEXEC,NO_SYMLINKS|BENEATH) = 104",
	    "close(103)",
	    "openat2(104,w,O_PATH|O_DIRECTORY|O_CLOEXEC,NO_SYMLINKS|BENEATH) = 105",
	    "close(104)",
	    "mkdirat(105,work,0700)",
	    "openat(105,work,O_RDONLY|O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC) = 106",
	    "fchmod(106,0700)",
	    "close(106)",
	    "openat2(105,work,O_RDONLY|O_DIRECTORY|O_CLOEXEC,NO_SYMLINKS|BENEATH) = 107",
	    "close(105)",
	    "fsopen(overlay,FSOPEN_CLOEXEC) = 108",
	};

	(void)state;
	fake_begin();
	fake_fail("openat2(102,srv/w/work", ENOENT);
	assert_int_equal(mount_run_overlay(&s, &ctx), 0);
	assert_true(fake_count() > sizeof(calls) / sizeof(calls[0]));
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		assert_string_equal(fake_call((unsigned)i), calls[i]);
	fake_end();

	fake_begin();
	fake_fail("openat2(102,srv/w/work", ENOENT);
	fake_fail("openat2(104,w,", ENOENT);
	assert_int_equal(mount_run_overlay(&s, &ctx), -ENOENT);
	fake_assert_calls(
	    calls[0], calls[1], calls[2], calls[3], calls[4], calls[5], calls[6], calls[7],
	    calls[8], "openat2(104,w,O_PATH|O_DIRECTORY|O_CLOEXEC,NO_SYMLINKS|BENEATH) = -1 ENOENT",
	    "close(104)", "close(101)");
	assert_int_equal(fake_open_fds(), 0);
	fake_end();
}

static void test_proc(void **state)
{
	struct step s = {.kind = STEP_MOUNT_PROC,
			 .mnt = {.dst = "/proc", .attr = NS | STEP_ATTR_NOEXEC}};
	struct run_ctx ctx = child;
	struct want w = {.n = 0};
	int fd = 103;

	(void)state;
	want(&w, "fsopen(proc,FSOPEN_CLOEXEC) = 100");
	want(&w, "fsconfig(100,FSCONFIG_CMD_CREATE,NULL,NULL,0)");
	want(&w, "fsmount(100,FSMOUNT_CLOEXEC,NOSUID|NODEV|NOEXEC) = 101");
	want(&w, "close(100)");
	want(&w, IN_ROOT("/proc", "O_PATH|O_CLOEXEC", 102));
	want(&w, MOVE(101, 102));
	want(&w, "close(102)");
	proc_readonly(&w, "sys", &fd);
	proc_readonly(&w, "sysrq-trigger", &fd);
	want(&w, "open_tree(101,irq," CLONE_FLAGS "|AT_RECURSIVE) = -1 ENOENT");
	proc_readonly(&w, "bus", &fd);
	proc_readonly(&w, "fs", &fd);
	proc_mask(&w, "kcore", false, true, &fd);
	proc_mask(&w, "keys", false, false, &fd);
	proc_mask(&w, "timer_list", false, false, &fd);
	proc_mask(&w, "kallsyms", false, false, &fd);
	want(&w, "fstatat(101,sched_debug,AT_SYMLINK_NOFOLLOW) = -1 ENOENT");
	want(&w, "fstatat(101,latency_stats,AT_SYMLINK_NOFOLLOW) = -1 ENOENT");
	proc_mask(&w, "timer_stats", false, false, &fd);
	proc_mask(&w, "acpi", true, true, &fd);
	proc_mask(&w, "scsi", true, false, &fd);
	want(&w, "close(101)");
	check_at(__FILE__, __LINE__, mount_run_proc, &s, &ctx, proc_setup, w.v, w.n, 0);
}

/* /dev/NAME: the host's node bound on an empty file of the same name in the new /dev. */
static void dev_node(struct want *w, const char *name, int *fd)
{
	const int o = *fd, src = o + 1, mnt = o + 2, file = o + 3, dst = o + 4;

	want(w, "open(/oldroot,O_PATH|O_DIRECTORY|O_CLOEXEC) = %d", o);
	want(w, "openat2(%d,/dev/%s,O_PATH|O_CLOEXEC,NO_MAGICLINKS|IN_ROOT) = %d", o, name, src);
	want(w, "close(%d)", o);
	want(w, "open_tree(%d,\"\"," CLONE_FLAGS "|AT_EMPTY_PATH) = %d", src, mnt);
	want(w, "mount_setattr(%d,\"\",AT_EMPTY_PATH,set=NOSUID|NOEXEC,clr=0)", mnt);
	want(w, "openat(101,%s,O_RDONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC,0666) = %d", name,
	     file);
	want(w, "openat(101,%s,O_PATH|O_NOFOLLOW|O_CLOEXEC) = %d", name, dst);
	want(w, "move_mount(%d,\"\",%d,\"\",MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH)", mnt,
	     dst);
	want(w, "close(%d)", dst);
	want(w, "close(%d)", file);
	want(w, "close(%d)", mnt);
	want(w, "close(%d)", src);
	*fd += 5;
}

/* A tmpfs /dev (nosuid, not nodev): the host's harmless nodes, a private devpts, shm (a sticky
 * directory of the tmpfs itself) and the fd links. */
static void test_dev(void **state)
{
	static const char *const nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};
	struct step s = {
	    .kind = STEP_MOUNT_DEV,
	    .mnt = {.dst = "/dev", .mode = 0755, .size = 4 << 20, .attr = STEP_ATTR_NOSUID}};
	struct run_ctx ctx = child;
	struct want w = {.n = 0};
	int fd = 103;

	(void)state;
	want(&w, "fsopen(tmpfs,FSOPEN_CLOEXEC) = 100");
	want(&w, "fsconfig(100,FSCONFIG_SET_STRING,mode,755,0)");
	want(&w, "fsconfig(100,FSCONFIG_SET_STRING,size,4194304,0)");
	want(&w, "fsconfig(100,FSCONFIG_CMD_CREATE,NULL,NULL,0)");
	want(&w, "fsmount(100,FSMOUNT_CLOEXEC,NOSUID) = 101");
	want(&w, "close(100)");
	want(&w, IN_ROOT("/dev", "O_PATH|O_CLOEXEC", 102));
	want(&w, MOVE(101, 102));
	want(&w, "close(102)");
	for (size_t i = 0; i < N(nodes); i++)
		dev_node(&w, nodes[i], &fd);
	assert_int_equal(fd, 133);
	want(&w, "fsopen(devpts,FSOPEN_CLOEXEC) = 133");
	want(&w, "fsconfig(133,FSCONFIG_SET_FLAG,newinstance,NULL,0)");
	want(&w, "fsconfig(133,FSCONFIG_SET_STRING,ptmxmode,0666,0)");
	want(&w, "fsconfig(133,FSCONFIG_SET_STRING,mode,0620,0)");
	want(&w, "fsconfig(133,FSCONFIG_CMD_CREATE,NULL,NULL,0)");
	want(&w, "fsmount(133,FSMOUNT_CLOEXEC,NOSUID|NOEXEC) = 134");
	want(&w, "close(133)");
	want(&w, "mkdirat(101,pts,0755)");
	want(&w, "openat(101,pts,O_RDONLY|O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC) = 135");
	want(&w, "fchmod(135,0755)");
	want(&w, "close(135)");
	want(&w, "openat(101,pts,O_PATH|O_NOFOLLOW|O_CLOEXEC) = 136");
	want(&w, MOVE(134, 136));
	want(&w, "close(136)");
	want(&w, "close(134)");
	want(&w, "mkdirat(101,shm,01777)");
	want(&w, "openat(101,shm,O_RDONLY|O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC) = 137");
	want(&w, "fchmod(137,01777)");
	want(&w, "close(137)");
	want(&w, "symlinkat(pts/ptmx,101,ptmx)");
	want(&w, "symlinkat(/proc/self/fd,101,fd)");
	want(&w, "symlinkat(/proc/self/fd/0,101,stdin)");
	want(&w, "symlinkat(/proc/self/fd/1,101,stdout)");
	want(&w, "symlinkat(/proc/self/fd/2,101,stderr)");
	want(&w, "close(101)");
	check_at(__FILE__, __LINE__, mount_run_dev, &s, &ctx, NULL, w.v, w.n, 0);
}

static void test_sysfs(void **state)
{
	struct step s = {.kind = STEP_MOUNT_SYSFS,
			 .mnt = {.dst = "/sys", .attr = RO_NS | STEP_ATTR_NOEXEC}};
	struct run_ctx ctx = child;
	static const char *const calls[] = {
	    "fsopen(sysfs,FSOPEN_CLOEXEC) = 100",
	    "fsconfig(100,FSCONFIG_CMD_CREATE,NULL,NULL,0)",
	    "fsmount(100,FSMOUNT_CLOEXEC,RDONLY|NOSUID|NODEV|NOEXEC) = 101",
	    "close(100)",
	    IN_ROOT("/sys", "O_PATH|O_CLOEXEC", 102),
	    MOVE(101, 102),
	    "close(102)",
	    "close(101)",
	};

	(void)state;
	check(mount_run_sysfs, &s, &ctx, NULL, calls, 0);
}

static void test_mqueue(void **state)
{
	struct step s = {.kind = STEP_MOUNT_MQUEUE, .mnt = {.dst = "/dev/mqueue", .attr = NS}};
	struct run_ctx ctx = child;
	static const char *const calls[] = {
	    "fsopen(mqueue,FSOPEN_CLOEXEC) = 100",
	    "fsconfig(100,FSCONFIG_CMD_CREATE,NULL,NULL,0)",
	    "fsmount(100,FSMOUNT_CLOEXEC,NOSUID|NODEV) = 101",
	    "close(100)",
	    IN_ROOT("/dev/mqueue", "O_PATH|O_CLOEXEC", 102),
	    MOVE(101, 102),
	    "close(102)",
	    "close(101)",
	};

	(void)state;
	check(mount_run_mqueue, &s, &ctx, NULL, calls, 0);
}

static void file_setup(void)
{
	fake_return("write(102,", 2); /* a short write: the rest follows */
	fake_fail("write(102,", EINTR);
}

/* The content is written to a file of a private tmpfs (short writes and EINTR taken care of),
 * which gets the step's mode and is bound read-only on dst. */
static void test_file(void **state)
{
	struct step s = {.kind = STEP_MOUNT_FILE,
			 .mnt = {.dst = "/etc/hostname",
				 .content = "box\n",
				 .content_len = 4,
				 .mode = 0644,
				 .attr = NS}};
	struct run_ctx ctx = child;
	static const char *const calls[] = {
	    "fsopen(tmpfs,FSOPEN_CLOEXEC) = 100",
	    "fsconfig(100,FSCONFIG_SET_STRING,mode,0755,0)",
	    "fsconfig(100,FSCONFIG_CMD_CREATE,NULL,NULL,0)",
	    "fsmount(100,FSMOUNT_CLOEXEC,NOSUID|NODEV) = 101",
	    "close(100)",
	    "openat(101,file,O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC,0600) = 102",
	    "write(102,\"box\\n\",4) = 2",
	    "write(102,\"x\\n\",2) = -1 EINTR",
	    "write(102,\"x\\n\",2) = 2",
	    "fchmod(102,0644)",
	    "open_tree(101,file," CLONE_FLAGS ") = 103",
	    "mount_setattr(103,\"\",AT_EMPTY_PATH,set=RDONLY|NOSUID|NODEV,clr=0)",
	    IN_ROOT("/etc/hostname", "O_PATH|O_CLOEXEC", 104),
	    MOVE(103, 104),
	    "close(104)",
	    "close(103)",
	    "close(102)",
	    "close(101)",
	};

	(void)state;
	check(mount_run_file, &s, &ctx, file_setup, calls, 0);
}

static void dir_setup(void)
{
	fake_fail("openat2(50,/var/lib/x,", ENOENT);
	fake_fail("openat2(50,/var/lib,", ENOENT);
}

/* A directory that exists is left alone; a missing one is made with its missing parents. */
static void test_dir(void **state)
{
	struct step s = {.kind = STEP_MOUNT_DIR, .mnt = {.dst = "/var/lib/x", .mode = 0750}};
	struct run_ctx ctx = child;
	static const char *const exists[] = {
	    IN_ROOT("/var/lib/x", "O_PATH|O_DIRECTORY|O_CLOEXEC", 100),
	    "close(100)",
	};
	static const char *const made[] = {
	    "openat2(50,/var/lib/x,O_PATH|O_DIRECTORY|O_CLOEXEC,NO_MAGICLINKS|IN_ROOT) = -1 ENOENT",
	    "fcntl(50,F_DUPFD_CLOEXEC,3) = 100",
	    IN_ROOT("/var", "O_PATH|O_DIRECTORY|O_CLOEXEC", 101),
	    "close(100)",
	    "openat2(50,/var/lib,O_PATH|O_DIRECTORY|O_CLOEXEC,NO_MAGICLINKS|IN_ROOT) = -1 ENOENT",
	    "mkdirat(101,lib,0755)",
	    "openat(101,lib,O_RDONLY|O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC) = 102",
	    "fchmod(102,0755)",
	    "close(102)",
	    IN_ROOT("/var/lib", "O_PATH|O_DIRECTORY|O_CLOEXEC", 103),
	    "close(101)",
	    "mkdirat(103,x,0750)",
	    "openat(103,x,O_RDONLY|O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC) = 104",
	    "fchmod(104,0750)",
	    "close(104)",
	    "close(103)",
	};

	(void)state;
	check(mount_run_dir, &s, &ctx, NULL, exists, 0);
	check(mount_run_dir, &s, &ctx, dir_setup, made, 0);
}

static void symlink_exists_setup(void)
{
	fake_fail("symlinkat(", EEXIST);
	fake_readlink("readlinkat(100,bin)", "usr/bin");
}

/* A symlink is made in its in-root parent; one that is there already is fine when it has the
 * same target, and anything else there is -EEXIST. */
static void test_symlink(void **state)
{
	struct step s = {.kind = STEP_MOUNT_SYMLINK, .mnt = {.dst = "/bin", .target = "usr/bin"}};
	struct run_ctx ctx = child;
	static const char *const made[] = {
	    "fcntl(50,F_DUPFD_CLOEXEC,3) = 100",
	    "symlinkat(usr/bin,100,bin)",
	    "close(100)",
	};
	static const char *const same[] = {
	    "fcntl(50,F_DUPFD_CLOEXEC,3) = 100",
	    "symlinkat(usr/bin,100,bin) = -1 EEXIST",
	    "readlinkat(100,bin) = 7",
	    "close(100)",
	};

	(void)state;
	check(mount_run_symlink, &s, &ctx, NULL, made, 0);
	check(mount_run_symlink, &s, &ctx, symlink_exists_setup, same, 0);

	fake_begin();
	fake_fail("symlinkat(", EEXIST);
	fake_readlink("readlinkat(100,bin)", "usr/sbin");
	assert_int_equal(mount_run_symlink(&s, &ctx), -EEXIST);
	fake_end();

	fake_begin();
	fake_fail("symlinkat(", EEXIST);
	fake_readlink("readlinkat(100,bin)", "usr/bi"); /* a prefix of the target */
	assert_int_equal(mount_run_symlink(&s, &ctx), -EEXIST);
	fake_end();

	fake_begin(); /* not a symlink */
	fake_fail("symlinkat(", EEXIST);
	fake_fail("readlinkat(100,bin)", EINVAL);
	assert_int_equal(mount_run_symlink(&s, &ctx), -EEXIST);
	fake_assert_calls(made[0], same[1], "readlinkat(100,bin) = -1 EINVAL", "close(100)");
	fake_end();
}

/* The root is sealed read-only (unless root_rw), becomes the process root, and the stage with
 * the host tree under it is detached; ctx.root_fd is closed. */
static void test_pivot(void **state)
{
	struct step s = {.kind = STEP_MOUNT_PIVOT, .mnt = {.rw = false}};
	struct run_ctx ctx = child;
	static const char *const sealed[] = {
	    "mount_setattr(50,\"\",AT_EMPTY_PATH,set=RDONLY,clr=0)",
	    "fchdir(50)",
	    "pivot_root(.,.)",
	    "umount2(.,MNT_DETACH)",
	    "chdir(/)",
	    "close(50)",
	};

	(void)state;
	check(mount_run_pivot, &s, &ctx, NULL, sealed, 0);
	assert_int_equal(ctx.root_fd, -1);

	ctx = child;
	s.mnt.rw = true;
	check_at(__FILE__, __LINE__, mount_run_pivot, &s, &ctx, NULL, sealed + 1, N(sealed) - 1, 0);
	assert_int_equal(ctx.root_fd, -1);

	/* no root was built: nothing is done */
	fake_begin();
	assert_int_equal(mount_run_pivot(&s, &ctx), -EBADF);
	assert_int_equal(fake_count(), 0);
	fake_end();
}

#define TEST(f) cmocka_unit_test_teardown(f, fake_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    TEST(test_private),
	    TEST(test_stage),
	    TEST(test_root_tmpfs),
	    TEST(test_root_dir),
	    TEST(test_bind),
	    TEST(test_bind_file_new_dst),
	    TEST(test_bind_missing_source),
	    TEST(test_tmpfs),
	    TEST(test_overlay_ephemeral),
	    TEST(test_overlay_by_path),
	    TEST(test_overlay_persistent_and_optional),
	    TEST(test_overlay_work_in_existing_parent),
	    TEST(test_proc),
	    TEST(test_dev),
	    TEST(test_sysfs),
	    TEST(test_mqueue),
	    TEST(test_file),
	    TEST(test_dir),
	    TEST(test_symlink),
	    TEST(test_pivot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
