/* run.c — the cgroup steps at run time: make the directories (removing what a killed sbx left
 * behind), write the limits, put the child in, read the counters at the end, and, whatever way
 * the run ends, kill what is left inside and remove the directories. */
#include "sys/cgroup/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <sched.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"

static void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}
static void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}
#define _cleanup_fclose_ _cleanup_(fclosep)

static int write_file(const char *path, const char *value)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(value);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, value, len); /* cgroupfs takes a value in one write() */
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

/* "sbx-PID" or "sbx-PID-launcher": the pid of the sbx that made it, or 0. */
static long owner_pid(const char *name)
{
	char *end;
	long pid;

	if (strncmp(name, "sbx-", 4) != 0 || name[4] < '1' || name[4] > '9')
		return 0;
	pid = strtol(name + 4, &end, 10);
	if (*end && strcmp(end, "-launcher") != 0)
		return 0;
	return pid;
}

/* The cgroups of sbx processes that are gone (killed with SIGKILL, say): removed when empty.
 * A non-empty one still holds a process and is left alone. */
static void remove_stale(const char *parent_dir)
{
	_cleanup_(closedirp) DIR *d = opendir(parent_dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		long pid = owner_pid(e->d_name);

		if (pid <= 0 || pid == (long)getpid() || e->d_type != DT_DIR)
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		(void)unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
	}
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* SIGKILL to every process in the cgroup; how many there were. v2 kills them all at once,
 * forks in flight included (cgroup.kill); v1 by the list, so a process forking meanwhile is
 * caught by the caller's next round. */
static int kill_all(const struct step *s, bool first)
{
	char path[PATH_MAX];
	_cleanup_fclose_ FILE *f = NULL;
	long pid;
	int n = 0;

	snprintf(path, sizeof(path), "%s/cgroup.kill", s->cgroup.dir);
	if (first && s->cgroup.version == 2 && write_file(path, "1") == 0)
		return 1;
	snprintf(path, sizeof(path), "%s/cgroup.procs", s->cgroup.dir);
	f = fopen(path, "re");
	while (f && fscanf(f, "%ld", &pid) == 1) {
		(void)kill((pid_t)pid, SIGKILL);
		n++;
	}
	return n;
}

/* The undo of cgroup-create: nothing outlives the sandbox in its cgroup, and the directory
 * goes once the last process has exited (rmdir fails with EBUSY until then). The killed
 * processes take some microseconds to leave, pid 1 of a pid namespace a little longer. */
static void undo_create(const struct step *s, struct run_ctx *ctx)
{
	uint64_t start = now_us(), pause = 20;
	int killed = kill_all(s, true), e = 0;

	for (int round = 0; now_us() - start < 5000000; round++) {
		e = rmdir(s->cgroup.dir) < 0 ? errno : 0;
		if (e != EBUSY)
			break;
		if (round % 8 == 7)
			killed += kill_all(s, false); /* v1: whatever forked meanwhile */
		usleep((useconds_t)pause);
		pause = pause < 10000 ? pause * 2 : pause;
	}
	if (ctx->verbose > 0)
		fprintf(stderr, "sbx: [%7.3f ms]     end    cgroup-remove dir=%s killed=%d%s%s\n",
			(double)(now_us() - start) / 1000.0, s->cgroup.dir, killed, e ? ": " : "",
			e ? strerror(e) : "");
	if (e == EBUSY)
		fprintf(stderr, "sbx: warning: cgroup %s still holds processes: left in place\n",
			s->cgroup.dir);
}

/* The undo of the v2 leaf sbx moved itself to: once the sandbox's cgroup is gone, take back
 * the controllers it handed down and go back to the cgroup it came from, so the leaf can go.
 * When another sandbox still uses them the controllers stay, and so do sbx and its leaf,
 * which the next run removes as a stale one. */
static void undo_leave(const struct step *s, struct run_ctx *ctx)
{
	char path[PATH_MAX], pid[32];

	(void)ctx;
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", s->cgroup.file);
	if (write_file(path, s->cgroup.value) < 0)
		return;
	snprintf(path, sizeof(path), "%s/cgroup.procs", s->cgroup.file);
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	if (write_file(path, pid) == 0)
		(void)rmdir(s->cgroup.dir);
}

int cgroup_run_create(const struct step *s, struct run_ctx *ctx)
{
	char parent[PATH_MAX], pid[32];
	int r;

	snprintf(parent, sizeof(parent), "%s", s->cgroup.dir);
	remove_stale(dirname(parent));
	if (mkdir(s->cgroup.dir, 0755) < 0) {
		/* One of ours from an earlier sbx with this pid that was killed. */
		if (errno != EEXIST || rmdir(s->cgroup.dir) < 0 || mkdir(s->cgroup.dir, 0755) < 0)
			return -errno;
	}
	if (s->cgroup.enter_self) {
		snprintf(parent, sizeof(parent), "%s/cgroup.procs", s->cgroup.dir);
		snprintf(pid, sizeof(pid), "%ld", (long)getpid());
		r = write_file(parent, pid);
		if (r < 0) {
			(void)rmdir(s->cgroup.dir);
			return r;
		}
	}
	r = run_undo_push(ctx, s->cgroup.enter_self ? undo_leave : undo_create, s);
	if (r < 0) {
		(void)rmdir(s->cgroup.dir);
		return r;
	}
	return 0;
}

int cgroup_run_set(const struct step *s, struct run_ctx *ctx)
{
	(void)ctx;
	return write_file(s->cgroup.file, s->cgroup.value);
}

int cgroup_run_attach(const struct step *s, struct run_ctx *ctx)
{
	char path[PATH_MAX], pid[32];
	ssize_t n;
	int r;

	snprintf(path, sizeof(path), "%s/cgroup.procs", s->cgroup.dir);
	snprintf(pid, sizeof(pid), "%ld", (long)ctx->child);
	r = write_file(path, pid);
	if (r < 0 || !s->cgroup.release)
		return r;
	do
		n = write(run_ch(ctx, CH_CGROUP), "c", 1);
	while (n < 0 && errno == EINTR);
	return n == 1 ? 0 : n < 0 ? -errno : -EIO;
}

/* The number after @key at the start of a line of @path; false when there is none. */
static bool read_counter(const char *path, const char *key, uint64_t *ret)
{
	_cleanup_fclose_ FILE *f = path ? fopen(path, "re") : NULL;
	char line[256];
	size_t len = key ? strlen(key) : 0;

	while (f && fgets(line, sizeof(line), f)) {
		if (len && (strncmp(line, key, len) != 0 || line[len] != ' '))
			continue;
		return sscanf(line + len, "%" SCNu64, ret) == 1;
	}
	return false;
}

/* "64M" for a limit given in whole units, else bytes. */
static void format_size(uint64_t v, char *buf, size_t size)
{
	static const char units[] = "KMGT";
	int u = -1;

	while (u < 3 && v && v % 1024 == 0) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, size, "%" PRIu64 " bytes", v);
	else
		snprintf(buf, size, "%" PRIu64 "%c", v, units[u]);
}

int cgroup_run_end(const struct step *s, struct run_ctx *ctx)
{
	struct run_stats *st = &ctx->stat;
	uint64_t throttled = 0;
	/* Killed by SIGKILL, as the kernel's OOM killer does: seen directly, or through pid 1,
	 * which ends with the command's status (128 + 9). */
	bool sigkill = (WIFSIGNALED(ctx->status) && WTERMSIG(ctx->status) == SIGKILL) ||
		       (WIFEXITED(ctx->status) && WEXITSTATUS(ctx->status) == 128 + SIGKILL);

	/* Without --stats only a SIGKILL needs a look (was it the memory limit?): the files cost
	 * a few syscalls each on every run. */
	if (!ctx->stats && !sigkill)
		return 0;
	st->has_cgroup = true;
	st->has_oom = read_counter(s->cgroup.oom_file, "oom_kill", &st->oom_kills);
	st->has_peak = read_counter(s->cgroup.peak_file, NULL, &st->memory_peak);
	st->has_pids = read_counter(s->cgroup.pids_file, "max", &st->refused_forks);
	if (s->cgroup.cpu_file && s->cgroup.version == 2)
		st->has_cpu = read_counter(s->cgroup.cpu_file, "throttled_usec", &throttled);
	else if (s->cgroup.cpu_file &&
		 read_counter(s->cgroup.cpu_file, "throttled_time", &throttled)) {
		st->has_cpu = true;
		throttled /= 1000; /* v1 counts nanoseconds */
	}
	st->throttled_us = throttled;
	if (st->oom_kills && ctx->verbose >= 0 && sigkill) {
		char limit[32];

		format_size(s->cgroup.memory_limit, limit, sizeof(limit));
		fprintf(stderr, "sbx: memory limit %s reached: the command was killed\n", limit);
	}
	return 0;
}

const char *cgroup_hint(const struct step *s, int code, uint32_t item)
{
	(void)item;
	if (code == -EACCES || code == -EPERM)
		return " (the cgroup is not writable by this user: see Rootless in sbx.cfg(5) for "
		       "how to delegate one)";
	if (code == -EBUSY && s->kind == STEP_CGROUP_SET)
		return " (a cgroup that holds processes can't hand controllers to its children: "
		       "run sbx in a cgroup of its own, or name an empty one in cgroup.parent)";
	if (code == -ENOSPC && s->kind == STEP_CGROUP_ATTACH)
		return " (the cgroup has no CPUs or memory nodes: check cpuset.cpus and "
		       "cpuset.mems)";
	if ((code == -EINVAL || code == -ERANGE) && s->kind == STEP_CGROUP_SET)
		return " (the kernel refused the value)";
	if (code == -ENOENT && s->kind == STEP_CGROUP_SET)
		return " (this kernel has no such file: the controller is not enabled or the "
		       "feature is missing)";
	return "";
}

void cgroup_describe(const struct step *s, struct plan_kv *k)
{
	switch (s->kind) {
	case STEP_CGROUP_CREATE:
	case STEP_CGROUP_SET:
	case STEP_CGROUP_ATTACH:
		plan_kv_str(k, "hierarchy", s->cgroup.hierarchy);
		plan_kv_num(k, "version", (uint64_t)s->cgroup.version);
		if (s->kind == STEP_CGROUP_SET) {
			plan_kv_str(k, "file", s->cgroup.file);
			plan_kv_str(k, "value", s->cgroup.value);
		} else {
			plan_kv_str(k, "dir", s->cgroup.dir);
		}
		if (s->cgroup.enter_self)
			plan_kv_str(k, "move", "sbx");
		if (s->cgroup.enter_self)
			plan_kv_str(k, "undo", s->cgroup.value);
		if (s->cgroup.release)
			plan_kv_str(k, "then", "tell-child");
		break;
	case STEP_CGROUP_END: {
		const char *files[4];
		size_t n = 0;

		if (s->cgroup.oom_file)
			files[n++] = s->cgroup.oom_file;
		if (s->cgroup.peak_file)
			files[n++] = s->cgroup.peak_file;
		if (s->cgroup.pids_file)
			files[n++] = s->cgroup.pids_file;
		if (s->cgroup.cpu_file)
			files[n++] = s->cgroup.cpu_file;
		plan_kv_list(k, "read", files, n);
		plan_kv_str(k, "when", "stats-or-sigkill");
		plan_kv_str(k, "then", "kill-all,remove");
		break;
	}
	case STEP_CGROUPNS_ENTER:
		plan_kv_str(k, "ns", "cgroup");
		break;
	case STEP_CGROUP_WAIT:
		plan_kv_str(k, "for", "cgroup-attach");
		break;
	default:
		break;
	}
}

#include "util/child-safe.h"

/* EOF instead of the byte: the parent failed to move the child (it says why) or died. */
int cgroup_run_wait(const struct step *s, struct run_ctx *ctx)
{
	char c;
	ssize_t n;

	(void)s;
	do
		n = read(run_ch(ctx, CH_CGROUP), &c, 1);
	while (n < 0 && errno == EINTR);
	close(run_ch(ctx, CH_CGROUP));
	ctx->ch[CH_CGROUP][ctx->side] = -1;
	return n == 1 ? 0 : n < 0 ? -errno : -ECANCELED;
}

int cgroup_run_ns_enter(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	(void)ctx;
	return unshare(CLONE_NEWCGROUP) < 0 ? -errno : 0;
}
