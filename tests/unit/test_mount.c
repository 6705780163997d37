/* test_mount.c — compiling the filesystem section: the skeleton steps, one step per mount in
 * order, attributes and defaults, copies of every string, and errors at the right line.
 *
 * Profiles are built by hand, so these tests depend only on mount.c and plan.c. The child
 * runners are tested with their system calls faked in test_runners_mount.c, and for real by
 * the integration tests. */
#include "unit.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/mount/mount.h"
#include "sys/mount/child.h"
#include "util/fmt.h"
#include "plan/plan.h"
#include "profile/profile.h"
#include "util/cleanup.h"

#define MISSING "/nonexistent-sbx-test"
#define RO_NS (STEP_ATTR_RDONLY | STEP_ATTR_NOSUID | STEP_ATTR_NODEV)
#define NS (STEP_ATTR_NOSUID | STEP_ATTR_NODEV)

struct fixture {
	struct profile p;
	struct mount_entry m[16];
	struct sbx_caller c;
	struct sbx_err err;
	struct plan *plan;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->p.namespaces = NS_DEFAULT;
	f->p.fs.root = ROOT_TMPFS;
	f->p.fs.root_loc = (struct sbx_loc){"t.cfg", 2};
	f->p.fs.mounts = f->m;
	f->c.uid = 1000;
	f->c.gid = 1000;
	f->plan = plan_new();
	*state = f;
	return f->plan ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	plan_free(f->plan);
	free(f);
	return 0;
}

/* A mount whose group starts at @line; src is on the next line and dst on the one after. */
static struct mount_entry *add(struct fixture *f, enum mount_type type, const char *src,
			       const char *dst, unsigned line)
{
	struct mount_entry *m = &f->m[f->p.fs.n_mounts++];

	m->type = type;
	m->src = (char *)src;
	m->dst = (char *)dst;
	m->recursive = true;
	m->mode = -1;
	m->loc = (struct sbx_loc){"t.cfg", line};
	m->src_loc = (struct sbx_loc){"t.cfg", line + 1};
	m->dst_loc = (struct sbx_loc){"t.cfg", line + 2};
	return m;
}

static int compile(struct fixture *f)
{
	return mount_plan_add(f->plan, &f->p, &f->c, &f->err);
}

static const struct step *step(const struct fixture *f, size_t i)
{
	assert_true(i < f->plan->n_steps);
	return &f->plan->steps[i];
}

static void assert_diag(const struct fixture *f, unsigned i, unsigned line, const char *msg)
{
	assert_true(i < f->err.n);
	assert_string_equal(f->err.diag[i].file, "t.cfg");
	assert_int_equal(f->err.diag[i].line, line);
	assert_string_equal(f->err.diag[i].msg, msg);
}

static void test_no_mount_ns_adds_nothing(void **state)
{
	struct fixture *f = *state;

	f->p.namespaces = NS_DEFAULT & ~NS_BIT(NS_MOUNT);
	f->p.fs.root = ROOT_HOST;
	assert_int_equal(compile(f), 0);
	assert_int_equal(f->plan->n_steps, 0);
	assert_int_equal(f->err.n, 0);
}

static void test_skeleton_tmpfs_root(void **state)
{
	struct fixture *f = *state;
	const struct step *s;

	assert_int_equal(compile(f), 0);
	assert_int_equal(f->plan->n_steps, 4);
	assert_int_equal(step(f, 0)->kind, STEP_MOUNT_PRIVATE);
	s = step(f, 1);
	assert_int_equal(s->kind, STEP_MOUNT_STAGE);
	assert_string_equal(s->mnt.dst, "/tmp");
	assert_int_equal(s->mnt.attr, NS | STEP_ATTR_NOEXEC);
	s = step(f, 2);
	assert_int_equal(s->kind, STEP_MOUNT_ROOT);
	assert_int_equal(s->mnt.root_kind, ROOT_TMPFS);
	assert_int_equal(s->mnt.mode, 0755);
	assert_int_equal(s->mnt.attr, NS); /* written during setup, sealed by the pivot */
	assert_int_equal(s->loc.line, 2);
	s = step(f, 3);
	assert_int_equal(s->kind, STEP_MOUNT_PIVOT);
	assert_false(s->mnt.rw);
	assert_int_equal(s->loc.line, 2);
}

static void test_host_root(void **state)
{
	struct fixture *f = *state;
	const struct step *s;

	f->p.fs.root = ROOT_HOST;
	f->p.fs.root_rw = true; /* the host's root stays read-only all the same */
	assert_int_equal(compile(f), 0);
	s = step(f, 2);
	assert_int_equal(s->kind, STEP_MOUNT_ROOT);
	assert_int_equal(s->mnt.root_kind, ROOT_HOST);
	assert_string_equal(s->mnt.src, "/");
	assert_true(s->mnt.recursive);
	assert_int_equal(s->mnt.attr, RO_NS);
}

/* A read-only directory root is an overlay: the directory its one lower layer, a tmpfs the
 * upper, writable while the skeleton is built (so mount points and symlinks the directory
 * lacks can be made, never in the caller's directory), sealed by the pivot. With root_rw,
 * the directory itself, writable, and the plan says what is missing is made there. */
static void test_dir_root(void **state)
{
	struct fixture *f = *state;
	char dir[PATH_MAX];
	const struct step *s;
	char buf[512];

	assert_int_equal(mkdir(unit_path(dir, sizeof(dir), "rootfs"), 0755), 0);
	f->p.fs.root = ROOT_DIR;
	f->p.fs.root_path = dir;
	assert_int_equal(compile(f), 0);
	s = step(f, 2);
	assert_int_equal(s->mnt.root_kind, ROOT_DIR);
	assert_null(s->mnt.src);
	assert_int_equal(s->mnt.n_lower, 1);
	assert_string_equal(s->mnt.lower[0], dir);
	assert_ptr_not_equal(s->mnt.lower[0], dir);
	assert_null(s->mnt.upper);	   /* ephemeral */
	assert_int_equal(s->mnt.attr, NS); /* written during setup, sealed by the pivot */
	assert_false(step(f, 3)->mnt.rw);
	plan_describe(s, buf, sizeof(buf));
	assert_non_null(strstr(buf, "mount-root root=directory lower="));
	assert_non_null(strstr(buf, " upper=ephemeral flags=rw,nosuid,nodev"));

	/* root_rw: writable root, and the pivot leaves it so. */
	f->p.fs.root_rw = true;
	f->plan = plan_free(f->plan);
	f->plan = plan_new();
	assert_int_equal(compile(f), 0);
	s = step(f, 2);
	assert_string_equal(s->mnt.src, dir);
	assert_ptr_not_equal(s->mnt.src, dir);
	assert_int_equal(s->mnt.n_lower, 0);
	assert_true(s->mnt.recursive);
	assert_int_equal(s->mnt.attr, NS);
	assert_true(step(f, 3)->mnt.rw);
	plan_describe(s, buf, sizeof(buf));
	assert_non_null(strstr(buf, " recursive=yes missing-dst=created-in-src flags=rw"));
}

static void test_dir_root_missing(void **state)
{
	struct fixture *f = *state;

	f->p.fs.root = ROOT_DIR;
	f->p.fs.root_path = MISSING "/rootfs";
	assert_int_equal(compile(f), -ENOENT);
	assert_int_equal(f->err.n, 1);
	assert_diag(f, 0, 2, "root directory " MISSING "/rootfs: No such file or directory");
}

static void test_one_step_per_mount_in_order(void **state)
{
	static const enum step_kind want[] = {
	    STEP_MOUNT_PRIVATE, STEP_MOUNT_STAGE, STEP_MOUNT_ROOT,    STEP_MOUNT_BIND,
	    STEP_MOUNT_SYMLINK, STEP_MOUNT_TMPFS, STEP_MOUNT_OVERLAY, STEP_MOUNT_PROC,
	    STEP_MOUNT_DEV,	STEP_MOUNT_SYSFS, STEP_MOUNT_MQUEUE,  STEP_MOUNT_FILE,
	    STEP_MOUNT_DIR,	STEP_MOUNT_PIVOT,
	};
	static char *lower[] = {"/usr"};
	struct fixture *f = *state;
	struct mount_entry *m;

	add(f, MOUNT_BIND, "/usr", NULL, 10);
	add(f, MOUNT_SYMLINK, NULL, "/bin", 20)->target = "usr/bin";
	add(f, MOUNT_TMPFS, NULL, "/tmp", 30);
	m = add(f, MOUNT_OVERLAY, NULL, "/app", 40);
	m->lower = lower;
	m->n_lower = 1;
	add(f, MOUNT_PROC, NULL, "/proc", 50);
	add(f, MOUNT_DEV, NULL, "/dev", 60);
	add(f, MOUNT_SYSFS, NULL, "/sys", 70);
	add(f, MOUNT_MQUEUE, NULL, "/dev/mqueue", 80);
	add(f, MOUNT_FILE, NULL, "/etc/motd", 90)->content = "";
	add(f, MOUNT_DIR, NULL, "/run/x", 100);
	assert_int_equal(compile(f), 0);
	assert_int_equal(f->plan->n_steps, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < f->plan->n_steps; i++)
		assert_int_equal(step(f, i)->kind, want[i]);
	/* The line of a step: src for what reads a host path, else dst. */
	assert_int_equal(step(f, 3)->loc.line, 11);
	assert_int_equal(step(f, 4)->loc.line, 22);
	assert_int_equal(step(f, 5)->loc.line, 32);
	assert_int_equal(step(f, 6)->loc.line, 41);
	assert_int_equal(step(f, 7)->loc.line, 52);
}

static void test_attrs(void **state)
{
	struct fixture *f = *state;

	f->p.namespaces &= ~NS_BIT(NS_USER); /* atime options on a bind: root, no user ns */
	add(f, MOUNT_BIND, "/usr", NULL, 10);
	add(f, MOUNT_BIND, "/etc", "/host-etc", 20)->rw = true;
	add(f, MOUNT_TMPFS, NULL, "/tmp", 30)->options = MOUNT_OPT_NOEXEC | MOUNT_OPT_NOATIME;
	add(f, MOUNT_PROC, NULL, "/proc", 40);
	add(f, MOUNT_DEV, NULL, "/dev", 50)->options = MOUNT_OPT_NOEXEC;
	add(f, MOUNT_SYSFS, NULL, "/sys", 60);
	add(f, MOUNT_MQUEUE, NULL, "/dev/mqueue", 70);
	add(f, MOUNT_FILE, NULL, "/etc/motd", 80)->content = "hi";
	add(f, MOUNT_DIR, NULL, "/run/x", 90);
	add(f, MOUNT_BIND, "/usr", "/u2", 100)->options =
	    MOUNT_OPT_NOSYMFOLLOW | MOUNT_OPT_STRICTATIME | MOUNT_OPT_NODIRATIME;
	assert_int_equal(compile(f), 0);
	assert_int_equal(step(f, 3)->mnt.attr, RO_NS);
	assert_int_equal(step(f, 4)->mnt.attr, NS);
	assert_int_equal(step(f, 5)->mnt.attr, NS | STEP_ATTR_NOEXEC | STEP_ATTR_NOATIME);
	assert_int_equal(step(f, 6)->mnt.attr, NS);
	assert_int_equal(step(f, 7)->mnt.attr, STEP_ATTR_NOSUID | STEP_ATTR_NOEXEC); /* no nodev */
	assert_int_equal(step(f, 8)->mnt.attr, RO_NS);
	assert_int_equal(step(f, 9)->mnt.attr, NS);
	assert_int_equal(step(f, 10)->mnt.attr, RO_NS);
	assert_int_equal(step(f, 11)->mnt.attr, 0); /* not a mount */
	assert_int_equal(step(f, 12)->mnt.attr, RO_NS | STEP_ATTR_NOSYMFOLLOW |
						    STEP_ATTR_STRICTATIME | STEP_ATTR_NODIRATIME);
}

static void test_defaults_and_values(void **state)
{
	struct fixture *f = *state;
	struct mount_entry *m;

	add(f, MOUNT_TMPFS, NULL, "/tmp", 10);
	m = add(f, MOUNT_TMPFS, NULL, "/big", 20);
	m->mode = 0700;
	m->size = 64u << 20;
	add(f, MOUNT_FILE, NULL, "/etc/a", 30)->content = "x";
	add(f, MOUNT_FILE, NULL, "/etc/b", 40)->mode = 0600;
	add(f, MOUNT_DIR, NULL, "/run/a", 50);
	add(f, MOUNT_DIR, NULL, "/run/b", 60)->mode = 01777;
	add(f, MOUNT_DEV, NULL, "/dev", 70);
	add(f, MOUNT_BIND, "/usr", NULL, 80)->recursive = false;
	add(f, MOUNT_DEV, NULL, "/dev2", 90)->size = 1u << 20;
	assert_int_equal(compile(f), 0);
	assert_int_equal(step(f, 3)->mnt.mode, 0755);
	assert_int_equal(step(f, 3)->mnt.size, 0);
	assert_int_equal(step(f, 4)->mnt.mode, 0700);
	assert_int_equal(step(f, 4)->mnt.size, 64u << 20);
	assert_int_equal(step(f, 5)->mnt.mode, 0644);
	assert_int_equal(step(f, 6)->mnt.mode, 0600);
	assert_non_null(step(f, 6)->mnt.content); /* no content: an empty file */
	assert_int_equal(step(f, 6)->mnt.content_len, 0);
	assert_int_equal(step(f, 7)->mnt.mode, 0755);
	assert_int_equal(step(f, 8)->mnt.mode, 01777);
	assert_int_equal(step(f, 9)->mnt.mode, 0755);
	assert_int_equal(step(f, 9)->mnt.size, 4u << 20);  /* a dev tmpfs is never unsized */
	assert_string_equal(step(f, 10)->mnt.dst, "/usr"); /* dst defaults to src */
	assert_false(step(f, 10)->mnt.recursive);
	assert_int_equal(step(f, 11)->mnt.size, 1u << 20);
}

static void test_strings_are_copied(void **state)
{
	static char *lower[] = {"/usr", "/etc"};
	struct fixture *f = *state;
	struct mount_entry *m;
	char upper[PATH_MAX], work[PATH_MAX];
	const struct step *s;

	assert_int_equal(mkdir(unit_path(upper, sizeof(upper), "upper"), 0755), 0);
	unit_path(work, sizeof(work), "w");
	m = add(f, MOUNT_FILE, NULL, "/etc/motd", 10);
	m->content = "a\0b";
	m->content_len = 3;
	add(f, MOUNT_SYMLINK, NULL, "/lib", 20)->target = "usr/lib";
	m = add(f, MOUNT_OVERLAY, NULL, "/app", 30);
	m->lower = lower;
	m->n_lower = 2;
	m = add(f, MOUNT_OVERLAY, NULL, "/data", 40);
	m->lower = lower;
	m->n_lower = 1;
	m->upper = upper;
	m = add(f, MOUNT_OVERLAY, NULL, "/data2", 50);
	m->lower = lower;
	m->n_lower = 1;
	m->upper = upper;
	m->work = work;
	assert_int_equal(compile(f), 0);

	s = step(f, 3);
	assert_ptr_not_equal(s->mnt.dst, f->m[0].dst);
	assert_ptr_not_equal(s->mnt.content, f->m[0].content);
	assert_int_equal(s->mnt.content_len, 3);
	assert_memory_equal(s->mnt.content, "a\0b", 3);
	assert_ptr_not_equal(step(f, 4)->mnt.target, f->m[1].target);
	assert_string_equal(step(f, 4)->mnt.target, "usr/lib");

	s = step(f, 5); /* ephemeral */
	assert_int_equal(s->mnt.n_lower, 2);
	assert_ptr_not_equal(s->mnt.lower, (const char *const *)lower);
	assert_ptr_not_equal(s->mnt.lower[0], lower[0]);
	assert_string_equal(s->mnt.lower[0], "/usr");
	assert_string_equal(s->mnt.lower[1], "/etc");
	assert_null(s->mnt.upper);
	assert_null(s->mnt.work);

	s = step(f, 6); /* persistent: work next to upper */
	assert_string_equal(s->mnt.upper, upper);
	assert_ptr_not_equal(s->mnt.upper, upper);
	assert_true(strncmp(s->mnt.work, upper, strlen(upper)) == 0);
	assert_string_equal(s->mnt.work + strlen(upper), ".work");
	assert_string_equal(step(f, 7)->mnt.work, work);
}

static void test_missing_sources_all_listed(void **state)
{
	static char *lower_ok[] = {"/usr"};
	static char *lower_missing[] = {"/usr", MISSING "/lower"};
	struct fixture *f = *state;
	struct mount_entry *m;

	add(f, MOUNT_BIND, MISSING "/srv/www", NULL, 10);
	add(f, MOUNT_BIND, MISSING "/opt", "/opt", 20)->optional = true;
	add(f, MOUNT_BIND, MISSING "/data", "/data", 30);
	m = add(f, MOUNT_OVERLAY, NULL, "/app", 40);
	m->lower = lower_missing;
	m->n_lower = 2;
	m = add(f, MOUNT_OVERLAY, NULL, "/app2", 50);
	m->lower = lower_ok;
	m->n_lower = 1;
	m->upper = MISSING "/upper";
	m = add(f, MOUNT_OVERLAY, NULL, "/app3", 60);
	m->lower = lower_missing;
	m->n_lower = 2;
	m->optional = true;
	add(f, MOUNT_BIND, "/etc/passwd", "/usr", 70); /* a file is a fine bind source */

	assert_int_equal(compile(f), -ENOENT);
	assert_int_equal(f->err.n, 4);
	assert_diag(f, 0, 11, "bind source " MISSING "/srv/www: No such file or directory");
	assert_diag(f, 1, 31, "bind source " MISSING "/data: No such file or directory");
	assert_diag(f, 2, 41, "overlay lower " MISSING "/lower: No such file or directory");
	assert_diag(f, 3, 50, "overlay upper " MISSING "/upper: No such file or directory");
	/* The optional ones are still planned, marked optional: the child skips them. */
	for (size_t i = 0; i < f->plan->n_steps; i++) {
		const struct step *s = step(f, i);

		if (s->kind == STEP_MOUNT_BIND && strcmp(s->mnt.dst, "/opt") == 0)
			assert_true(s->mnt.optional);
		if (s->kind == STEP_MOUNT_OVERLAY)
			assert_string_equal(s->mnt.dst, "/app3");
	}
	assert_int_equal(step(f, f->plan->n_steps - 1)->kind, STEP_MOUNT_PIVOT);
}

static void test_upper_not_a_directory(void **state)
{
	static char *lower[] = {"/usr"};
	struct fixture *f = *state;
	struct mount_entry *m;

	m = add(f, MOUNT_OVERLAY, NULL, "/app", 10);
	m->lower = lower;
	m->n_lower = 1;
	m->upper = "/etc/passwd";
	assert_int_equal(compile(f), -ENOTDIR);
	assert_diag(f, 0, 10, "overlay upper /etc/passwd: Not a directory");
}

/* sbx makes an overlay's missing work directory, but nothing above it: the plan shows every
 * change to the host. A missing parent is an error at the mount's line, like a missing source,
 * and so is a parent or a work that is not a directory; every one is listed. */
static void test_work_parent_must_exist(void **state)
{
	static char *lower[] = {"/usr"};
	const char *works[] = {"missing/w", "file/w", "file", "upper2", "new"};
	char dir[PATH_MAX], upper[PATH_MAX + 8], file[PATH_MAX + 8], path[5][PATH_MAX + 16];
	char want[3][3 * PATH_MAX];
	struct fixture *f = *state;
	struct mount_entry *m;
	FILE *fp;

	assert_int_equal(mkdir(unit_path(dir, sizeof(dir), "work-parent"), 0755), 0);
	snprintf(upper, sizeof(upper), "%s/upper", dir);
	snprintf(file, sizeof(file), "%s/file", dir);
	assert_int_equal(mkdir(upper, 0755), 0);
	fp = fopen(file, "w");
	assert_non_null(fp);
	fclose(fp);
	for (size_t i = 0; i < 5; i++) {
		m = add(f, MOUNT_OVERLAY, NULL, "/app", 10 * (unsigned)(i + 1));
		m->lower = lower;
		m->n_lower = 1;
		m->upper = upper;
		snprintf(path[i], sizeof(path[i]), "%s/%s", dir, works[i]);
		m->work = path[i];
	}
	assert_int_equal(mkdir(path[3], 0755), 0); /* an existing work dir is fine */
	assert_int_equal(compile(f), -ENOENT);
	assert_int_equal(f->err.n, 3);
	snprintf(want[0], sizeof(want[0]),
		 "overlay work %s: parent directory %s/missing: No such file or directory", path[0],
		 dir);
	snprintf(want[1], sizeof(want[1]), "overlay work %s: parent directory %s: Not a directory",
		 path[1], file);
	snprintf(want[2], sizeof(want[2]), "overlay work %s: Not a directory", path[2]);
	assert_diag(f, 0, 10, want[0]);
	assert_diag(f, 1, 20, want[1]);
	assert_diag(f, 2, 30, want[2]);
	/* nothing was made on the host */
	assert_int_equal(access(path[0], F_OK), -1);
	assert_int_equal(access(path[4], F_OK), -1);
}

/* A scratch tree for the host symlink checks, removed by the test's end. */
struct tree {
	char dir[64];
	char path[16][160];
	size_t n;
};

static const char *tpath(struct tree *t, const char *rel)
{
	char *p = t->path[t->n++], dir[sizeof(t->dir)];

	assert_true(t->n <= 16);
	memcpy(dir, t->dir, sizeof(dir));
	snprintf(p, sizeof(t->path[0]), "%s/%s", dir, rel);
	return p;
}

static void tree_rm(struct tree *t)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	assert_int_equal(system(cmd), 0);
}

/* A sandbox could have planted a symlink below a read-write mount of the profile, or at an
 * overlay's upper or work: each such path is an error at its line, naming the symlink; a
 * source below a writable mount without one gets the prefix below which the child follows
 * none; the caller's own symlinks elsewhere are fine. */
static void test_host_symlinks(void **state)
{
	static char *lower[1], *lower2[1];
	struct fixture *f = *state;
	struct tree t = {.dir = "/tmp/sbx-unit-XXXXXX"};
	const char *data, *ro, *link, *alias, *datalink, *intoro;
	char want[256];
	struct mount_entry *m;

	assert_non_null(mkdtemp(t.dir));
	data = tpath(&t, "data");
	ro = tpath(&t, "data/ro");
	link = tpath(&t, "data/link");
	alias = tpath(&t, "alias");
	datalink = tpath(&t, "datalink");
	intoro = tpath(&t, "intoro");
	assert_int_equal(mkdir(data, 0755), 0);
	assert_int_equal(mkdir(ro, 0755), 0);
	assert_int_equal(mkdir(tpath(&t, "real"), 0755), 0);
	assert_int_equal(mkdir(tpath(&t, "up"), 0755), 0);
	assert_int_equal(symlink("../real", link), 0);
	assert_int_equal(symlink("real", alias), 0);
	assert_int_equal(symlink("data", datalink), 0);
	assert_int_equal(symlink("data/ro", intoro), 0);

	add(f, MOUNT_BIND, data, "/data", 10)->rw = true;
	add(f, MOUNT_BIND, ro, "/ro", 20);
	add(f, MOUNT_BIND, link, "/link", 30);
	add(f, MOUNT_BIND, alias, "/alias", 40);
	m = add(f, MOUNT_OVERLAY, NULL, "/app", 50);
	lower[0] = (char *)alias;
	m->lower = lower;
	m->n_lower = 1;
	m->upper = (char *)alias;
	m = add(f, MOUNT_OVERLAY, NULL, "/app2", 60);
	lower2[0] = (char *)tpath(&t, "datalink/ro");
	m->lower = lower2;
	m->n_lower = 1;
	m->upper = (char *)tpath(&t, "up");
	m->work = (char *)tpath(&t, "alias/work");
	add(f, MOUNT_BIND, intoro, "/intoro", 70);

	assert_int_equal(compile(f), -ELOOP);
	assert_int_equal(f->err.n, 4);
	snprintf(want, sizeof(want),
		 "bind source %s: %s is a symlink inside %s, a read-write mount of this profile "
		 "(t.cfg:11), where a sandbox could have made it; sbx does not follow it",
		 link, link, data);
	assert_diag(f, 0, 31, want);
	snprintf(want, sizeof(want),
		 "overlay upper %s: %s is a symlink, and sbx never follows one in an overlay's "
		 "upper or work",
		 alias, alias);
	assert_diag(f, 1, 50, want);
	snprintf(want, sizeof(want),
		 "overlay work %s/alias/work: %s is a symlink, and sbx never follows one in an "
		 "overlay's upper or work",
		 t.dir, alias);
	assert_diag(f, 2, 60, want);
	snprintf(want, sizeof(want),
		 "bind source %s: the host symlink %s leads into %s, a read-write mount of this "
		 "profile (t.cfg:11)",
		 intoro, intoro, data);
	assert_diag(f, 3, 71, want);
	for (size_t i = 0; i < f->plan->n_steps; i++) {
		const struct step *s = step(f, i);

		if (s->kind == STEP_MOUNT_BIND && strcmp(s->mnt.dst, "/data") == 0)
			assert_null(s->mnt.src_base); /* the writable mount itself */
		if (s->kind == STEP_MOUNT_BIND && strcmp(s->mnt.dst, "/ro") == 0)
			assert_string_equal(s->mnt.src_base, data);
		if (s->kind == STEP_MOUNT_BIND && strcmp(s->mnt.dst, "/alias") == 0)
			assert_null(s->mnt.src_base); /* outside every writable mount */
	}
	tree_rm(&t);
}

static void test_host_symlink_base_of_lower(void **state)
{
	static char *lower[2];
	struct fixture *f = *state;
	struct tree t = {.dir = "/tmp/sbx-unit-XXXXXX"};
	const char *data;
	struct mount_entry *m;
	const struct step *s = NULL;

	assert_non_null(mkdtemp(t.dir));
	data = tpath(&t, "data");
	assert_int_equal(mkdir(data, 0755), 0);
	assert_int_equal(mkdir(tpath(&t, "data/ro"), 0755), 0);
	assert_int_equal(symlink("data", tpath(&t, "datalink")), 0);
	add(f, MOUNT_BIND, data, "/data", 10)->rw = true;
	m = add(f, MOUNT_OVERLAY, NULL, "/app", 20);
	lower[0] = "/usr";
	lower[1] = (char *)tpath(&t, "datalink/ro"); /* the writable mount, spelled another way */
	m->lower = lower;
	m->n_lower = 2;
	/* Missing now, but a sandbox may make it: still no symlink followed below data. */
	add(f, MOUNT_BIND, tpath(&t, "data/later/x"), "/later", 30)->optional = true;
	assert_int_equal(compile(f), 0);
	for (size_t i = 0; i < f->plan->n_steps; i++) {
		if (step(f, i)->kind == STEP_MOUNT_OVERLAY)
			s = step(f, i);
		if (step(f, i)->kind == STEP_MOUNT_BIND && !strcmp(step(f, i)->mnt.dst, "/later"))
			assert_string_equal(step(f, i)->mnt.src_base, data);
	}
	assert_non_null(s);
	assert_non_null(s->mnt.lower_base);
	assert_null(s->mnt.lower_base[0]);
	assert_string_equal(s->mnt.lower_base[1], tpath(&t, "datalink"));
	tree_rm(&t);
}

static void test_dst_root_rejected(void **state)
{
	struct fixture *f = *state;

	add(f, MOUNT_TMPFS, NULL, "/", 10);
	add(f, MOUNT_BIND, "/usr", "/usr", 20);
	assert_int_equal(compile(f), -EINVAL);
	assert_int_equal(f->err.n, 1);
	assert_int_equal(f->err.diag[0].line, 12);
	assert_non_null(strstr(f->err.diag[0].msg, "would cover the new root"));
}

/* An atime option on a bind in a user namespace would fail at the run with a bare EPERM (the
 * kernel locks a bind's atime mode to its source's): an error at the options line instead.
 * Fresh filesystems take it, and so does a bind without a user namespace. */
static void test_atime_on_bind_in_userns(void **state)
{
	struct fixture *f = *state;
	struct mount_entry *m;

	m = add(f, MOUNT_BIND, "/usr", "/usr", 10);
	m->options = MOUNT_OPT_NOATIME;
	m->options_loc = (struct sbx_loc){"t.cfg", 13};
	m = add(f, MOUNT_TMPFS, NULL, "/tmp", 20);
	m->options = MOUNT_OPT_NOATIME;
	m = add(f, MOUNT_BIND, "/etc", "/etc", 30);
	m->options = MOUNT_OPT_STRICTATIME | MOUNT_OPT_NOEXEC;
	m->options_loc = (struct sbx_loc){"t.cfg", 33};
	add(f, MOUNT_BIND, "/var", "/var", 40)->options = MOUNT_OPT_NOEXEC;
	assert_int_equal(compile(f), -EINVAL);
	assert_int_equal(f->err.n, 2); /* every one of them, for --check */
	assert_diag(f, 0, 13,
		    "options \"noatime\": a bind in a user namespace keeps the atime mode of its "
		    "source, which the kernel locks; set it on the host's mount, or leave the "
		    "option out");
	assert_int_equal(f->err.diag[1].line, 33);
	assert_non_null(strstr(f->err.diag[1].msg, "\"strictatime\""));

	/* Root without a user namespace: the bind may change it. */
	f->p.namespaces &= ~NS_BIT(NS_USER);
	f->err = (struct sbx_err){0};
	f->plan = plan_free(f->plan);
	f->plan = plan_new();
	assert_int_equal(compile(f), 0);
	assert_int_equal(step(f, 3)->mnt.attr, RO_NS | STEP_ATTR_NOATIME);
	assert_int_equal(step(f, 4)->mnt.attr, NS | STEP_ATTR_NOATIME);
}

/* A sysfs that is the host's /sys (a user namespace with the host's network) is a bind too. */
static void test_atime_on_host_sysfs(void **state)
{
	struct fixture *f = *state;
	struct mount_entry *m = add(f, MOUNT_SYSFS, NULL, "/sys", 10);

	m->options = MOUNT_OPT_NODIRATIME;
	m->options_loc = m->loc;
	assert_int_equal(compile(f), 0); /* its own network: a fresh sysfs */
	f->p.namespaces &= ~NS_BIT(NS_NET);
	f->plan = plan_free(f->plan);
	f->plan = plan_new();
	assert_int_equal(compile(f), -EINVAL);
	assert_int_equal(f->err.diag[0].line, 10);
	assert_non_null(strstr(f->err.diag[0].msg, "\"nodiratime\": a bind (sysfs is the host's"));
}

/* Steps [@from, @from + @n) as plan_describe() writes them, one per line, against @want. */
static void assert_steps(const struct fixture *f, size_t from, size_t n, const char *want)
{
	char got[2048] = "", line[512];

	assert_int_equal(f->plan->n_steps, from + n + 1); /* then the pivot */
	for (size_t i = from; i < from + n; i++) {
		plan_describe(step(f, i), line, sizeof(line));
		strcat(got, line);
		strcat(got, "\n");
		assert_int_equal(step(f, i)->loc.line, 12); /* the mount's dst */
	}
	assert_string_equal(got, want);
}

/* cgroup v2: the sandbox's one directory, bound read-only (and noexec) at dst. */
static void test_cgroup_v2(void **state)
{
	struct fixture *f = *state;
	static const struct plan_cgroup_dir dirs[] = {
	    {"/sys/fs/cgroup/user.slice/sbx-42", NULL},
	};

	f->plan->cgroup_dirs = dirs;
	f->plan->n_cgroup_dirs = 1;
	add(f, MOUNT_CGROUP, NULL, "/sys/fs/cgroup", 10);
	assert_int_equal(compile(f), 0);
	assert_steps(f, 3, 1,
		     "mount-bind src=/sys/fs/cgroup/user.slice/sbx-42 dst=/sys/fs/cgroup "
		     "recursive=yes flags=ro,nosuid,nodev,noexec\n");
	assert_ptr_not_equal(step(f, 3)->mnt.src, dirs[0].dir); /* the plan's own copy */
	assert_null(step(f, 3)->mnt.src_base);
}

/* cgroup v1: a tmpfs at dst, each hierarchy's directory bound read-only under its name. */
static void test_cgroup_v1(void **state)
{
	struct fixture *f = *state;
	static const struct plan_cgroup_dir dirs[] = {
	    {"/sys/fs/cgroup/memory/sbx-test/sbx-42", "memory"},
	    {"/sys/fs/cgroup/cpu,cpuacct/sbx-test/sbx-42", "cpu,cpuacct"},
	    {"/sys/fs/cgroup/pids/sbx-test/sbx-42", "pids"},
	};

	f->plan->cgroup_dirs = dirs;
	f->plan->n_cgroup_dirs = ARRAY_SIZE(dirs);
	add(f, MOUNT_CGROUP, NULL, "/sys/fs/cgroup", 10);
	assert_int_equal(compile(f), 0);
	assert_steps(
	    f, 3, 4,
	    "mount-tmpfs dst=/sys/fs/cgroup size=65536 mode=0555 "
	    "flags=rw,nosuid,nodev,noexec\n"
	    "mount-bind src=/sys/fs/cgroup/memory/sbx-test/sbx-42 "
	    "dst=/sys/fs/cgroup/memory recursive=yes flags=ro,nosuid,nodev,noexec\n"
	    "mount-bind src=\"/sys/fs/cgroup/cpu,cpuacct/sbx-test/sbx-42\" "
	    "dst=\"/sys/fs/cgroup/cpu,cpuacct\" recursive=yes flags=ro,nosuid,nodev,noexec\n"
	    "mount-bind src=/sys/fs/cgroup/pids/sbx-test/sbx-42 dst=/sys/fs/cgroup/pids "
	    "recursive=yes flags=ro,nosuid,nodev,noexec\n");
}

/* A hybrid host's cgroup2 directory among v1 ones goes where systemd puts it: "unified". */
static void test_cgroup_hybrid(void **state)
{
	struct fixture *f = *state;
	static const struct plan_cgroup_dir dirs[] = {
	    {"/sys/fs/cgroup/memory/sbx-42", "memory"},
	    {"/sys/fs/cgroup/unified/sbx-42", NULL},
	};

	f->plan->cgroup_dirs = dirs;
	f->plan->n_cgroup_dirs = ARRAY_SIZE(dirs);
	add(f, MOUNT_CGROUP, NULL, "/cg", 10);
	assert_int_equal(compile(f), 0);
	assert_steps(f, 3, 3,
		     "mount-tmpfs dst=/cg size=65536 mode=0555 flags=rw,nosuid,nodev,noexec\n"
		     "mount-bind src=/sys/fs/cgroup/memory/sbx-42 dst=/cg/memory recursive=yes "
		     "flags=ro,nosuid,nodev,noexec\n"
		     "mount-bind src=/sys/fs/cgroup/unified/sbx-42 dst=/cg/unified recursive=yes "
		     "flags=ro,nosuid,nodev,noexec\n");
}

/* No cgroup of its own (no limit set): an error at the mount's line that says why, and the
 * other mounts are still checked. A name that is no path component is an internal error. */
static void test_cgroup_without_cgroup(void **state)
{
	struct fixture *f = *state;
	static const struct plan_cgroup_dir bad[] = {
	    {"/sys/fs/cgroup/memory/sbx-42", "memory"},
	    {"/sys/fs/cgroup/x/sbx-42", "../x"},
	};

	add(f, MOUNT_CGROUP, NULL, "/sys/fs/cgroup", 10);
	add(f, MOUNT_BIND, MISSING, "/m", 20);
	assert_int_equal(compile(f), -EINVAL);
	assert_int_equal(f->err.n, 2);
	assert_diag(f, 0, 10,
		    "a cgroup mount shows the sandbox's own cgroup, and this sandbox has none: it "
		    "gets one only when the cgroup section sets a limit (memory, pids, cpus, ...); "
		    "set one, or leave the mount out");
	assert_int_equal(f->err.diag[1].line, 21);

	f->p.fs.n_mounts = 1;
	f->err = (struct sbx_err){0};
	f->plan = plan_free(f->plan);
	f->plan = plan_new();
	f->plan->cgroup_dirs = bad;
	f->plan->n_cgroup_dirs = ARRAY_SIZE(bad);
	assert_int_equal(compile(f), -EINVAL);
	assert_diag(f, 0, 10, "cgroup mount: \"../x\" is no hierarchy name");

	/* cgroup.optional left the cgroup out: the mount goes with it, no error. */
	f->err = (struct sbx_err){0};
	f->plan = plan_free(f->plan);
	f->plan = plan_new();
	f->plan->cgroup_left_out = true;
	assert_int_equal(compile(f), 0);
	assert_int_equal(f->err.n, 0);
	assert_int_equal(f->plan->n_steps, 3 + 1); /* the root's steps and the pivot only */
}

static void test_fmt_uint(void **state)
{
	char buf[24], small[3];

	(void)state;
	assert_string_equal(fmt_uint(buf, sizeof(buf), 01777, 8), "1777");
	assert_string_equal(fmt_uint(buf, sizeof(buf), 0, 8), "0");
	assert_string_equal(fmt_uint(buf, sizeof(buf), 1048576, 10), "1048576");
	assert_string_equal(fmt_uint(buf, sizeof(buf), UINT64_MAX, 10), "18446744073709551615");
	assert_string_equal(fmt_uint(small, sizeof(small), 123, 10), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_no_mount_ns_adds_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_skeleton_tmpfs_root, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_host_root, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dir_root, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dir_root_missing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_one_step_per_mount_in_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_attrs, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_defaults_and_values, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_strings_are_copied, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missing_sources_all_listed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_upper_not_a_directory, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_work_parent_must_exist, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dst_root_rejected, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_host_symlinks, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_host_symlink_base_of_lower, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_atime_on_bind_in_userns, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_atime_on_host_sysfs, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cgroup_v2, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cgroup_v1, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cgroup_hybrid, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cgroup_without_cgroup, setup, teardown),
	    cmocka_unit_test(test_fmt_uint),
	};

	return cmocka_run_group_tests(tests, unit_tmp_setup, unit_tmp_teardown);
}
