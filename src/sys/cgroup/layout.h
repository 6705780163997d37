/* layout.h — where the cgroup controllers live on this host, and the value conversions between
 * the profile's units and the two cgroup versions' files.
 *
 * A host has cgroup v1 hierarchies (one per controller or co-mounted group, e.g. cpu,cpuacct),
 * a cgroup2 mount, or both (hybrid: a controller bound to a v1 hierarchy is not available in
 * v2). The layout is read from /proc/self/cgroup and /proc/self/mountinfo by the compiler
 * (parent, before clone); the parser takes their text so unit tests feed fixture files. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* The controllers sbx sets limits with. */
enum cgroup_ctrl { CG_MEMORY, CG_PIDS, CG_CPU, CG_CPUSET, CG_IO, _CG_MAX };

/* One mounted hierarchy as seen from this process. */
struct cgroup_hier {
	int version;	  /* 1 or 2; 0 = none (controller not available) */
	char *mount;	  /* its mount point, e.g. /sys/fs/cgroup/memory */
	char *mount_root; /* mountinfo's root field: the cgroup shown at the mount point, "/" */
	char *own;	  /* this process's cgroup in it, from /proc/self/cgroup, e.g. "/a/b" */
};

struct cgroup_layout {
	struct cgroup_hier ctrl[_CG_MAX]; /* where each controller is (copies, owned) */
	struct cgroup_hier unified;	  /* the cgroup2 mount (version 0 when there is none) */
};

/* Parent. Parse @proc_cgroup (/proc/self/cgroup's text) and @mountinfo (/proc/self/mountinfo's)
 * and @v2_controllers (cgroup.controllers of the cgroup2 mount's root, NULL when there is none)
 * into *@out. A controller mounted in a v1 hierarchy is v1 there; otherwise v2 when listed in
 * @v2_controllers; otherwise unavailable. -EINVAL with @err set on text it can't read;
 * a host without any cgroup mount is not an error (every controller unavailable). */
int cgroup_layout_parse(const char *proc_cgroup, const char *mountinfo, const char *v2_controllers,
			struct cgroup_layout *out, struct sbx_err *err);

/* Parent. The same from this process's own files. */
int cgroup_layout_read(struct cgroup_layout *out, struct sbx_err *err);

void cgroup_layout_free(struct cgroup_layout *l);

/* The directory of cgroup @path (as /proc/self/cgroup names them: absolute from the hierarchy's
 * root) under hierarchy @h, e.g. ("/sys/fs/cgroup/memory", root "/", "/x") -> ".../memory/x".
 * NULL when @path is not below the mount's root (not visible here), or on out-of-memory.
 * malloc'd. */
char *cgroup_hier_dir(const struct cgroup_hier *h, const char *path);

/* The controller's name in a hierarchy of @version: "blkio" in v1 and "io" in v2. */
const char *cgroup_ctrl_name(enum cgroup_ctrl c, int version);

/* --- values --- */

/* cpus (in thousandths of a CPU) as cpu.max / cfs_quota_us over a 100 ms period. */
#define CGROUP_CPU_PERIOD_US 100000u
uint64_t cgroup_cpus_quota_us(uint32_t cpus_milli);

/* cpu.weight (1-10000, default 100) <-> v1 cpu.shares (2-262144, default 1024), the kernel's
 * own mapping (shares = weight * 1024 / 100, rounded, clamped). */
uint64_t cgroup_weight_to_shares(uint32_t weight);
uint32_t cgroup_shares_to_weight(uint64_t shares);

/* io.weight (1-10000, default 100) -> v1 blkio.weight (10-1000, default 500). */
uint32_t cgroup_io_weight_to_blkio(uint32_t weight);

/* A CPU list ("0-3,6") as a bit set of up to 1024 CPUs; -EINVAL on bad syntax or a CPU
 * number >= 1024, with nothing set. */
#define CGROUP_MAX_CPUS 1024
struct cgroup_cpuset {
	uint64_t bits[CGROUP_MAX_CPUS / 64];
};
int cgroup_cpuset_parse(const char *list, struct cgroup_cpuset *out);
bool cgroup_cpuset_subset(const struct cgroup_cpuset *a, const struct cgroup_cpuset *b);
unsigned cgroup_cpuset_count(const struct cgroup_cpuset *s);
