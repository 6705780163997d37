/* compile.c — the cgroup steps from the profile's cgroup group: which hierarchy each limit
 * goes to on this host (layout.h), which file and value it becomes there, and whether the
 * caller may create the sandbox's cgroup where the profile says. Everything the host decides is
 * read here, before clone(), so the plan shows every file and value, and a limit the machine
 * can't apply is an error at its line (or, with `optional`, a warning and no cgroup). */
#include "sys/cgroup/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sys/cgroup/layout.h"
#include "util/cleanup.h"

/* One directory of the sandbox's cgroup: a hierarchy and the controllers used in it. */
struct cg_dir {
	const struct cgroup_hier *h;
	const char *name;	/* "memory", "cpu,cpuacct", "cgroup2" (plan-owned) */
	const char *parent_dir; /* the parent's directory (plan-owned) */
	const char *dir;	/* parent_dir/sbx-PID (plan-owned) */
	unsigned ctrls;		/* 1 << enum cgroup_ctrl */
};

struct cg_build {
	struct plan *plan;
	const struct profile *p;
	const struct sbx_caller *c;
	struct sbx_err *err;
	const struct cgroup_layout *lay;
	long pid;
	struct cg_dir dirs[_CG_MAX];
	size_t n_dirs;
	int problem; /* the first problem with the host (skipped as a whole when optional) */
};

bool cgroup_wanted(const struct profile *p)
{
	return p->cgroup.memory || p->cgroup.memory_swap_set || p->cgroup.pids ||
	       p->cgroup.cpus_milli || p->cgroup.cpu_weight || p->cgroup.cpuset ||
	       p->cgroup.io_weight || p->cgroup.n_io_limits;
}

static int oom(struct cg_build *b)
{
	return sbx_err_set(b->err, NULL, -ENOMEM, "out of memory");
}

/* A limit the host can't apply: an error, or with `optional` one warning for the whole
 * cgroup (the run goes on without it and the plan says so). */
__attribute__((format(printf, 4, 5))) static int
problem(struct cg_build *b, const struct sbx_loc *loc, int code, const char *fmt, ...)
{
	char msg[sizeof(((struct sbx_diag *)0)->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (b->problem)
		return b->problem; /* one is enough: with optional, the first says it */
	b->problem = code;
	if (b->p->cgroup.optional) {
		sbx_err_warn(b->err, loc, "%s; running without cgroup limits (cgroup.optional)",
			     msg);
		return code;
	}
	return sbx_err_set(b->err, loc, code, "%s", msg);
}

static const struct sbx_loc *ctrl_loc(const struct profile *p, enum cgroup_ctrl c)
{
	switch (c) {
	case CG_MEMORY:
		return p->cgroup.memory ? &p->cgroup.memory_loc : &p->cgroup.memory_swap_loc;
	case CG_PIDS:
		return &p->cgroup.pids_loc;
	case CG_CPU:
		return p->cgroup.cpus_milli ? &p->cgroup.cpus_loc : &p->cgroup.cpu_weight_loc;
	case CG_CPUSET:
		return &p->cgroup.cpuset_loc;
	case CG_IO:
		return p->cgroup.io_weight ? &p->cgroup.io_weight_loc : &p->cgroup.io_limits[0].loc;
	default:
		return NULL;
	}
}

static unsigned wanted_ctrls(const struct profile *p)
{
	unsigned m = 0;

	if (p->cgroup.memory || p->cgroup.memory_swap_set)
		m |= 1u << CG_MEMORY;
	if (p->cgroup.pids)
		m |= 1u << CG_PIDS;
	if (p->cgroup.cpus_milli || p->cgroup.cpu_weight)
		m |= 1u << CG_CPU;
	if (p->cgroup.cpuset)
		m |= 1u << CG_CPUSET;
	if (p->cgroup.io_weight || p->cgroup.n_io_limits)
		m |= 1u << CG_IO;
	return m;
}

/* The first line of a small file, without its newline; -errno. */
static int read_line(const char *path, char *buf, size_t size)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static bool word_in(const char *list, const char *word)
{
	size_t len = strlen(word);

	for (const char *s = list; (s = strstr(s, word)); s += len)
		if ((s == list || s[-1] == ' ') && (s[len] == ' ' || s[len] == '\0'))
			return true;
	return false;
}

static const char *parent_path(const struct cg_build *b, const struct cgroup_hier *h)
{
	return b->p->cgroup.parent ? b->p->cgroup.parent : h->own;
}

static const struct sbx_loc *parent_loc(const struct cg_build *b, enum cgroup_ctrl c)
{
	return b->p->cgroup.parent ? &b->p->cgroup.parent_loc : ctrl_loc(b->p, c);
}

/* The directory for controller @c: a new one, or the one of a controller mounted with it. */
static int find_dir(struct cg_build *b, enum cgroup_ctrl c, struct cg_dir **ret)
{
	const struct cgroup_hier *h = &b->lay->ctrl[c];
	_cleanup_free_ char *parent_dir = NULL;
	const char *base;
	struct cg_dir *d;

	for (size_t i = 0; i < b->n_dirs; i++)
		if (strcmp(b->dirs[i].h->mount, h->mount) == 0) {
			b->dirs[i].ctrls |= 1u << c;
			*ret = &b->dirs[i];
			return 0;
		}
	parent_dir = cgroup_hier_dir(h, parent_path(b, h));
	if (!parent_dir)
		return problem(b, parent_loc(b, c), -ENOENT,
			       "cgroup: %s is not visible under %s (sbx's cgroup namespace "
			       "does not reach it)",
			       parent_path(b, h), h->mount);
	d = &b->dirs[b->n_dirs++];
	d->h = h;
	d->ctrls = 1u << c;
	base = strrchr(h->mount, '/');
	d->name = h->version == 2 ? "cgroup2" : plan_strdup(b->plan, base ? base + 1 : h->mount);
	d->parent_dir = plan_strdup(b->plan, parent_dir);
	d->dir =
	    plan_printf(b->plan, "%s/sbx-%ld", strcmp(parent_dir, "/") ? parent_dir : "", b->pid);
	if (!d->name || !d->parent_dir || !d->dir)
		return oom(b);
	*ret = d;
	return 0;
}

/* The first controller of @d's, whose key's line names the directory in messages. */
static enum cgroup_ctrl first_ctrl(const struct cg_dir *d)
{
	int c = 0;

	while (c < _CG_MAX - 1 && !(d->ctrls & (1u << c)))
		c++;
	return (enum cgroup_ctrl)c;
}

/* The caller must be able to make the sandbox's cgroup in the parent. */
static int check_parent(struct cg_build *b, const struct cg_dir *d, enum cgroup_ctrl c)
{
	struct stat st;

	if (stat(d->parent_dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return problem(
		    b, parent_loc(b, c), -ENOENT,
		    "cgroup: the parent cgroup %s does not exist (make it first, or leave "
		    "cgroup.parent out for sbx's own cgroup)",
		    d->parent_dir);
	if (access(d->parent_dir, W_OK) < 0)
		return problem(b, parent_loc(b, c), -EACCES,
			       "cgroup: %s is not writable by uid %u: delegate a cgroup (systemd's "
			       "Delegate=yes, or a directory root made and chowned, named in "
			       "cgroup.parent; see Rootless in sbx.cfg(5))",
			       d->parent_dir, (unsigned)b->c->uid);
	return 0;
}

static int add_set(struct cg_build *b, const struct cg_dir *d, const char *dir, const char *file,
		   const struct sbx_loc *loc, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* A cgroup-set step: @dir/@file = the formatted value. */
static int add_set(struct cg_build *b, const struct cg_dir *d, const char *dir, const char *file,
		   const struct sbx_loc *loc, const char *fmt, ...)
{
	struct step *s = plan_add(b->plan, STEP_CGROUP_SET, loc);
	char value[256];
	va_list ap;

	if (!s)
		return oom(b);
	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	s->cgroup.version = d->h->version;
	s->cgroup.hierarchy = d->name;
	s->cgroup.dir = dir;
	s->cgroup.file = plan_printf(b->plan, "%s/%s", dir, file);
	s->cgroup.value = plan_strdup(b->plan, value);
	if (!s->cgroup.file || !s->cgroup.value)
		return oom(b);
	return 0;
}

static const struct cg_dir *dir_of(const struct cg_build *b, enum cgroup_ctrl c)
{
	for (size_t i = 0; i < b->n_dirs; i++)
		if (b->dirs[i].ctrls & (1u << c))
			return &b->dirs[i];
	return NULL;
}

/* --- the checks that need the machine --- */

static int cpus_online(const struct cg_build *b, struct cgroup_cpuset *set, char *text, size_t size)
{
	if (b->c->cpus_online)
		snprintf(text, size, "%s", b->c->cpus_online);
	else if (read_line("/sys/devices/system/cpu/online", text, size) < 0)
		return sbx_err_errno(b->err, NULL, "reading /sys/devices/system/cpu/online");
	if (cgroup_cpuset_parse(text, set) < 0)
		return sbx_err_set(b->err, NULL, -EINVAL, "cannot read the CPUs online: \"%s\"",
				   text);
	return 0;
}

static int check_cpus(struct cg_build *b)
{
	const struct profile *p = b->p;
	struct cgroup_cpuset online, want;
	char text[256];
	int r = 0;

	if (!p->cgroup.cpus_milli && !p->cgroup.cpuset)
		return 0;
	r = cpus_online(b, &online, text, sizeof(text));
	if (r < 0)
		return r;
	if (p->cgroup.cpus_milli > 1000u * cgroup_cpuset_count(&online))
		r = sbx_err_set(b->err, &p->cgroup.cpus_loc, -EINVAL,
				"cgroup.cpus: %u.%03u is more than the %u CPUs online (%s)",
				p->cgroup.cpus_milli / 1000, p->cgroup.cpus_milli % 1000,
				cgroup_cpuset_count(&online), text);
	if (p->cgroup.cpuset && cgroup_cpuset_parse(p->cgroup.cpuset, &want) < 0)
		r = sbx_err_set(b->err, &p->cgroup.cpuset_loc, -EINVAL,
				"cgroup.cpuset: \"%.64s\" is not a CPU list like \"0-3,6\"",
				p->cgroup.cpuset);
	else if (p->cgroup.cpuset && !cgroup_cpuset_subset(&want, &online))
		r = sbx_err_set(b->err, &p->cgroup.cpuset_loc, -EINVAL,
				"cgroup.cpuset: \"%.64s\" names CPUs that are not online (online: "
				"%s)",
				p->cgroup.cpuset, text);
	else if (p->cgroup.cpuset && cgroup_cpuset_count(&want) == 0)
		r = sbx_err_set(b->err, &p->cgroup.cpuset_loc, -EINVAL,
				"cgroup.cpuset: the list names no CPU");
	return r;
}

static int check_memory(struct cg_build *b)
{
	const struct profile *p = b->p;

	if (!p->cgroup.memory_swap_set)
		return 0;
	if (!p->cgroup.memory)
		return sbx_err_set(b->err, &p->cgroup.memory_swap_loc, -EINVAL,
				   "cgroup.memory_swap: needs cgroup.memory (memory_swap is memory "
				   "plus swap)");
	if (p->cgroup.memory_swap && p->cgroup.memory_swap < p->cgroup.memory)
		return sbx_err_set(b->err, &p->cgroup.memory_swap_loc, -EINVAL,
				   "cgroup.memory_swap: %" PRIu64
				   " is below cgroup.memory (%" PRIu64
				   "): it is memory plus swap; 0 means no swap",
				   p->cgroup.memory_swap, p->cgroup.memory);
	return 0;
}

/* The disk @path is on, as "MAJ:MIN": a partition's own number is refused by the I/O
 * controllers, which throttle whole disks. */
static int resolve_disk(struct cg_build *b, const struct cgroup_io_limit *l, char *out, size_t size)
{
	char sys[96], parent[PATH_MAX], dev[32];
	struct stat st;

	if (stat(l->device, &st) < 0)
		return sbx_err_errno(b->err, &l->device_loc, "cgroup.io_limits: device %s",
				     l->device);
	if (!S_ISBLK(st.st_mode))
		return sbx_err_set(b->err, &l->device_loc, -EINVAL,
				   "cgroup.io_limits: %s is not a block device", l->device);
	snprintf(out, size, "%u:%u", major(st.st_rdev), minor(st.st_rdev));
	snprintf(sys, sizeof(sys), "/sys/dev/block/%s/partition", out);
	if (access(sys, F_OK) < 0)
		return 0;
	snprintf(sys, sizeof(sys), "/sys/dev/block/%s/../dev", out);
	if (!realpath(sys, parent) || read_line(parent, dev, sizeof(dev)) < 0)
		return sbx_err_errno(b->err, &l->device_loc,
				     "cgroup.io_limits: finding the disk of partition %s",
				     l->device);
	snprintf(out, size, "%s", dev);
	return 0;
}

/* --- the files of each version --- */

static int add_memory(struct cg_build *b, const struct cg_dir *d)
{
	const struct profile *p = b->p;
	const char *dir = d->dir;
	char path[PATH_MAX];
	int r = 0;

	if (d->h->version == 2) {
		if (p->cgroup.memory)
			r = add_set(b, d, dir, "memory.max", &p->cgroup.memory_loc, "%" PRIu64,
				    p->cgroup.memory);
		if (r == 0 && p->cgroup.memory_swap_set)
			r = add_set(
			    b, d, dir, "memory.swap.max", &p->cgroup.memory_swap_loc, "%" PRIu64,
			    p->cgroup.memory_swap ? p->cgroup.memory_swap - p->cgroup.memory : 0);
		return r;
	}
	if (p->cgroup.memory_swap_set) {
		snprintf(path, sizeof(path), "%s/memory.memsw.limit_in_bytes", d->parent_dir);
		if (access(path, F_OK) < 0)
			return problem(b, &p->cgroup.memory_swap_loc, -EOPNOTSUPP,
				       "cgroup.memory_swap: this kernel does not account swap "
				       "(no memory.memsw.limit_in_bytes in %s; boot with "
				       "swapaccount=1)",
				       d->parent_dir);
	}
	/* The memory limit first: v1 refuses a memsw limit below it. */
	r = add_set(b, d, dir, "memory.limit_in_bytes", &p->cgroup.memory_loc, "%" PRIu64,
		    p->cgroup.memory);
	if (r == 0 && p->cgroup.memory_swap_set)
		r = add_set(b, d, dir, "memory.memsw.limit_in_bytes", &p->cgroup.memory_swap_loc,
			    "%" PRIu64,
			    p->cgroup.memory_swap ? p->cgroup.memory_swap : p->cgroup.memory);
	return r;
}

static int add_cpu(struct cg_build *b, const struct cg_dir *d)
{
	const struct profile *p = b->p;
	uint64_t quota = cgroup_cpus_quota_us(p->cgroup.cpus_milli);
	int r = 0;

	if (d->h->version == 2) {
		if (p->cgroup.cpus_milli)
			r = add_set(b, d, d->dir, "cpu.max", &p->cgroup.cpus_loc, "%" PRIu64 " %u",
				    quota, CGROUP_CPU_PERIOD_US);
		if (r == 0 && p->cgroup.cpu_weight)
			r = add_set(b, d, d->dir, "cpu.weight", &p->cgroup.cpu_weight_loc, "%u",
				    p->cgroup.cpu_weight);
		return r;
	}
	if (p->cgroup.cpus_milli) {
		r = add_set(b, d, d->dir, "cpu.cfs_period_us", &p->cgroup.cpus_loc, "%u",
			    CGROUP_CPU_PERIOD_US);
		if (r == 0)
			r = add_set(b, d, d->dir, "cpu.cfs_quota_us", &p->cgroup.cpus_loc,
				    "%" PRIu64, quota);
	}
	if (r == 0 && p->cgroup.cpu_weight)
		r = add_set(b, d, d->dir, "cpu.shares", &p->cgroup.cpu_weight_loc, "%" PRIu64,
			    cgroup_weight_to_shares(p->cgroup.cpu_weight));
	return r;
}

static int add_cpuset(struct cg_build *b, const struct cg_dir *d)
{
	const struct profile *p = b->p;
	char path[PATH_MAX], mems[256];
	int r;

	r = add_set(b, d, d->dir, "cpuset.cpus", &p->cgroup.cpuset_loc, "%s", p->cgroup.cpuset);
	if (r < 0 || d->h->version == 2)
		return r;
	/* A v1 cpuset starts with no memory nodes, and takes no process until it has some. */
	snprintf(path, sizeof(path), "%s/cpuset.mems", d->parent_dir);
	if (read_line(path, mems, sizeof(mems)) < 0 || !mems[0])
		return problem(
		    b, &p->cgroup.cpuset_loc, -EINVAL,
		    "cgroup.cpuset: the parent's cpuset.mems (%s) is empty or unreadable: "
		    "give the parent cpuset.cpus and cpuset.mems first",
		    path);
	return add_set(b, d, d->dir, "cpuset.mems", &p->cgroup.cpuset_loc, "%s", mems);
}

static int add_io(struct cg_build *b, const struct cg_dir *d)
{
	const struct profile *p = b->p;
	char path[PATH_MAX];
	int r = 0;

	if (p->cgroup.io_weight && d->h->version == 2) {
		r = add_set(b, d, d->dir, "io.weight", &p->cgroup.io_weight_loc, "default %u",
			    p->cgroup.io_weight);
	} else if (p->cgroup.io_weight) {
		snprintf(path, sizeof(path), "%s/blkio.weight", d->parent_dir);
		if (access(path, F_OK) < 0)
			return problem(b, &p->cgroup.io_weight_loc, -EOPNOTSUPP,
				       "cgroup.io_weight: %s has no blkio.weight: cgroup v1 weighs "
				       "I/O only with the BFQ I/O scheduler",
				       d->parent_dir);
		r = add_set(b, d, d->dir, "blkio.weight", &p->cgroup.io_weight_loc, "%u",
			    cgroup_io_weight_to_blkio(p->cgroup.io_weight));
	}
	for (size_t i = 0; r == 0 && i < p->cgroup.n_io_limits; i++) {
		const struct cgroup_io_limit *l = &p->cgroup.io_limits[i];
		static const char *const v1_files[4] = {
		    "blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device",
		    "blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device"};
		static const char *const v2_keys[4] = {"rbps", "wbps", "riops", "wiops"};
		const uint64_t v[4] = {l->read_bps, l->write_bps, l->read_iops, l->write_iops};
		char disk[32], max[256] = "";
		size_t len = 0;

		r = resolve_disk(b, l, disk, sizeof(disk));
		for (int k = 0; r == 0 && k < 4; k++) {
			if (!v[k])
				continue;
			if (d->h->version == 1)
				r = add_set(b, d, d->dir, v1_files[k], &l->loc, "%s %" PRIu64, disk,
					    v[k]);
			else
				len += (size_t)snprintf(max + len, sizeof(max) - len,
							" %s=%" PRIu64, v2_keys[k], v[k]);
		}
		if (r == 0 && d->h->version == 2)
			r = add_set(b, d, d->dir, "io.max", &l->loc, "%s%s", disk, max);
	}
	return r;
}

/* v2: the parent must offer the controllers, and hand them down to its children. A parent
 * that holds sbx itself can't (no processes in an inner cgroup): sbx moves to a leaf first. */
static int add_v2_subtree(struct cg_build *b, struct cg_dir *d)
{
	char path[PATH_MAX], have[512], enabled[512], want[128] = "";
	size_t len = 0;
	enum cgroup_ctrl first = first_ctrl(d);
	struct step *s;

	snprintf(path, sizeof(path), "%s/cgroup.controllers", d->parent_dir);
	if (read_line(path, have, sizeof(have)) < 0)
		have[0] = '\0';
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", d->parent_dir);
	if (read_line(path, enabled, sizeof(enabled)) < 0)
		enabled[0] = '\0';
	for (int c = 0; c < _CG_MAX; c++) {
		const char *name = cgroup_ctrl_name((enum cgroup_ctrl)c, 2);

		if (!(d->ctrls & (1u << c)) || word_in(enabled, name))
			continue;
		if (!word_in(have, name))
			return problem(
			    b, ctrl_loc(b->p, (enum cgroup_ctrl)c), -EOPNOTSUPP,
			    "cgroup: the %s controller is not available in %s (enable it "
			    "in its parent's cgroup.subtree_control)",
			    name, d->parent_dir);
		len +=
		    (size_t)snprintf(want + len, sizeof(want) - len, "%s+%s", len ? " " : "", name);
	}
	if (!len)
		return 0;
	if (strcmp(parent_path(b, d->h), d->h->own) == 0 && strcmp(d->h->own, "/") != 0) {
		s = plan_add(b->plan, STEP_CGROUP_CREATE, parent_loc(b, first));
		if (!s)
			return oom(b);
		s->cgroup.version = 2;
		s->cgroup.hierarchy = d->name;
		s->cgroup.dir = plan_printf(b->plan, "%s/sbx-%ld-launcher", d->parent_dir, b->pid);
		s->cgroup.enter_self = true;
		/* What the undo writes before sbx moves back: the controllers handed down. */
		s->cgroup.file = d->parent_dir;
		s->cgroup.value = plan_strdup(b->plan, want);
		if (!s->cgroup.dir || !s->cgroup.value)
			return oom(b);
		for (char *c = (char *)s->cgroup.value; *c; c++)
			if (*c == '+')
				*c = '-';
	}
	return add_set(b, d, d->parent_dir, "cgroup.subtree_control", parent_loc(b, first), "%s",
		       want);
}

static int add_create(struct cg_build *b, struct cg_dir *d)
{
	struct step *s;
	enum cgroup_ctrl first = first_ctrl(d);

	s = plan_add(b->plan, STEP_CGROUP_CREATE, parent_loc(b, first));
	if (!s)
		return oom(b);
	s->cgroup.version = d->h->version;
	s->cgroup.hierarchy = d->name;
	s->cgroup.dir = d->dir;
	return 0;
}

/* What cgroup-end reads: kept in the plan until cgroup_plan_add_end() adds the step after
 * the supervise one. */
static int add_end(struct cg_build *b)
{
	const struct cg_dir *mem = dir_of(b, CG_MEMORY), *pids = dir_of(b, CG_PIDS),
			    *cpu = dir_of(b, CG_CPU);
	struct step *s = plan_alloc(b->plan, sizeof(*s));

	if (!s)
		return oom(b);
	b->plan->cgroup_end = s;
	s->kind = STEP_CGROUP_END;
	s->cgroup.version = b->dirs[0].h->version;
	s->cgroup.dir = b->dirs[0].dir;
	s->cgroup.memory_limit = b->p->cgroup.memory;
	if (mem)
		s->cgroup.oom_file =
		    plan_printf(b->plan, "%s/%s", mem->dir,
				mem->h->version == 2 ? "memory.events" : "memory.oom_control");
	if (mem)
		s->cgroup.peak_file =
		    plan_printf(b->plan, "%s/%s", mem->dir,
				mem->h->version == 2 ? "memory.peak" : "memory.max_usage_in_bytes");
	if (pids)
		s->cgroup.pids_file = plan_printf(b->plan, "%s/pids.events", pids->dir);
	if (cpu)
		s->cgroup.cpu_file = plan_printf(b->plan, "%s/cpu.stat", cpu->dir);
	if ((mem && (!s->cgroup.oom_file || !s->cgroup.peak_file)) ||
	    (pids && !s->cgroup.pids_file) || (cpu && !s->cgroup.cpu_file))
		return oom(b);
	return 0;
}

/* The directories, for the cgroup mount type, the clone and the attach steps. */
static int publish_dirs(struct cg_build *b)
{
	struct plan_cgroup_dir *out = plan_alloc(b->plan, b->n_dirs * sizeof(*out));

	if (!out)
		return oom(b);
	for (size_t i = 0; i < b->n_dirs; i++) {
		out[i].dir = b->dirs[i].dir;
		out[i].name = b->dirs[i].h->version == 2 ? NULL : b->dirs[i].name;
		if (b->dirs[i].h->version == 2)
			b->plan->clone_cgroup = b->dirs[i].dir;
	}
	b->plan->cgroup_dirs = out;
	b->plan->n_cgroup_dirs = b->n_dirs;
	return 0;
}

/* Every step but the end: created, filled in the order v1 wants. */
static int add_steps(struct cg_build *b)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < b->n_dirs; i++) {
		struct cg_dir *d = &b->dirs[i];

		if (d->h->version == 2)
			r = add_v2_subtree(b, d);
		if (r == 0)
			r = add_create(b, d);
		if (r == 0 && (d->ctrls & (1u << CG_MEMORY)))
			r = add_memory(b, d);
		if (r == 0 && (d->ctrls & (1u << CG_PIDS)))
			r = add_set(b, d, d->dir, "pids.max", &b->p->cgroup.pids_loc, "%" PRIu64,
				    b->p->cgroup.pids);
		if (r == 0 && (d->ctrls & (1u << CG_CPU)))
			r = add_cpu(b, d);
		if (r == 0 && (d->ctrls & (1u << CG_CPUSET)))
			r = add_cpuset(b, d);
		if (r == 0 && (d->ctrls & (1u << CG_IO)))
			r = add_io(b, d);
	}
	return r;
}

int cgroup_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		    struct sbx_err *err)
{
	struct cgroup_layout own = {0};
	struct cg_build b = {.plan = plan,
			     .p = p,
			     .c = c,
			     .err = err,
			     .lay = c->cgroups,
			     .pid = c->pid ? (long)c->pid : (long)getpid()};
	unsigned want;
	int r;

	if (!cgroup_wanted(p))
		return 0;
	r = check_memory(&b);
	if (check_cpus(&b) < 0 && r == 0)
		r = -EINVAL;
	if (r < 0)
		return r;
	if (!b.lay) {
		r = cgroup_layout_read(&own, err);
		if (r < 0)
			return r;
		b.lay = &own;
	}
	want = wanted_ctrls(p);
	for (int k = 0; r == 0 && k < _CG_MAX; k++) {
		struct cg_dir *d = NULL;

		if (!(want & (1u << k)))
			continue;
		if (!b.lay->ctrl[k].version) {
			r = problem(&b, ctrl_loc(p, (enum cgroup_ctrl)k), -EOPNOTSUPP,
				    "cgroup: this host has no %s controller (neither a cgroup v1 "
				    "hierarchy nor cgroup2 offers it)",
				    cgroup_ctrl_name((enum cgroup_ctrl)k, 2));
			break;
		}
		r = find_dir(&b, (enum cgroup_ctrl)k, &d);
		if (r == 0 && d->ctrls == (1u << k))
			r = check_parent(&b, d, (enum cgroup_ctrl)k);
	}
	if (r == 0)
		r = add_steps(&b);
	if (r == 0)
		r = publish_dirs(&b);
	if (r == 0)
		r = add_end(&b);
	cgroup_layout_free(&own);
	if (r < 0 && b.problem && p->cgroup.optional) {
		/* Nothing of the cgroup runs: the steps made so far are dropped. */
		plan_drop_kinds(plan,
				(const enum step_kind[]){STEP_CGROUP_CREATE, STEP_CGROUP_SET,
							 STEP_CGROUP_ATTACH, STEP_CGROUP_END,
							 STEP_CGROUPNS_ENTER},
				5);
		plan->cgroup_dirs = NULL;
		plan->n_cgroup_dirs = 0;
		plan->clone_cgroup = NULL;
		plan->cgroup_end = NULL;
		plan->cgroup_left_out = true;
		return plan_note(plan, "%s",
				 err->n_warn ? err->warn[err->n_warn - 1].msg
					     : "running without cgroup limits (cgroup.optional)")
			   ? 0
			   : oom(&b);
	}
	return r;
}

int cgroup_plan_add_end(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
			struct sbx_err *err)
{
	struct step *s, *last = NULL;

	(void)c;
	if (!plan->cgroup_end)
		return 0;
	/* v1 has no clone into a cgroup: the parent moves the child in while it builds the root,
	 * and the child waits for that before anything it runs afterwards (pid 1, the command). */
	for (size_t i = 0; i < plan->n_cgroup_dirs; i++) {
		if (!plan->cgroup_dirs[i].name)
			continue;
		s = last = plan_add(plan, STEP_CGROUP_ATTACH, NULL);
		if (!s)
			return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
		s->cgroup.version = 1;
		s->cgroup.hierarchy = plan->cgroup_dirs[i].name;
		s->cgroup.dir = plan->cgroup_dirs[i].dir;
	}
	if (last) {
		last->cgroup.release = true;
		if (!plan_add(plan, STEP_CGROUP_WAIT, NULL))
			return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	}
	/* Once in its cgroup, so that cgroup is the namespace's root. */
	if ((p->namespaces & NS_BIT(NS_CGROUP)) &&
	    !plan_add(plan, STEP_CGROUPNS_ENTER, &p->namespaces_loc))
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	s = plan_add(plan, STEP_CGROUP_END, NULL);
	if (!s)
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	s->cgroup = plan->cgroup_end->cgroup;
	return 0;
}
