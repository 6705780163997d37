/* userns.c — clone into the namespaces, and the uid/gid maps that give the user namespace its
 * ids: written straight into /proc/PID/{uid,gid}_map, or through newuidmap/newgidmap when a map
 * uses the caller's subordinate range. */
#include "sys/userns.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <linux/sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pwd.h>

#include "util/cleanup.h"

/* The kernel takes at most 340 lines, and the whole text must fit in one page. */
#define MAP_MAX_LINES 340
#define MAP_MAX_TEXT 4000
/* Where a root caller's default map sends the sandbox's ids without a subordinate range of
 * root's: nobody and nogroup. */
#define UNPRIVILEGED_ID 65534

static const unsigned long ns_clone_flag[_NS_MAX] = {
    [NS_USER] = CLONE_NEWUSER,	   [NS_MOUNT] = CLONE_NEWNS,  [NS_PID] = CLONE_NEWPID,
    [NS_UTS] = CLONE_NEWUTS,	   [NS_IPC] = CLONE_NEWIPC,   [NS_NET] = CLONE_NEWNET,
    [NS_CGROUP] = CLONE_NEWCGROUP, [NS_TIME] = CLONE_NEWTIME,
};

/* What differs between the uid and the gid side of the compilation. */
struct map_kind {
	const char *file;   /* "uid_map" */
	const char *key;    /* "user.uid" */
	const char *sub;    /* "subuid" */
	const char *helper; /* "newuidmap" */
	const char *sub_file;
	uint32_t self;			   /* the caller's id */
	uint32_t run_as;		   /* the id the command runs as inside */
	const struct sbx_loc *run_as_loc;  /* NULL: the caller's id, by default */
	const struct sbx_loc *default_loc; /* for the default map */
	const struct idmap_entry *entries;
	size_t n_entries;
};

/* One map line with its outside id resolved. */
struct map_line {
	uint32_t inside, outside, count;
	bool sub;
	const struct sbx_loc *loc;
};

struct map {
	struct map_line lines[MAP_MAX_LINES];
	size_t n;
	bool helper; /* some line uses the subordinate range: the whole map goes to the helper */
};

/* Every failure records a message, out of memory too: main.c prints the first one. */
static int oom(struct sbx_err *err, const struct sbx_loc *loc)
{
	return sbx_err_set(err, loc, -ENOMEM, "out of memory");
}

static void freep_file(FILE **f)
{
	if (*f)
		fclose(*f);
}

/* Parse one "name:start:count" line of /etc/subuid; true when it is well formed. */
static bool parse_subid_line(char *line, char **ret_name, uint32_t *ret_start, uint32_t *ret_count)
{
	char *start = strchr(line, ':'), *count, *end;
	unsigned long long s, n;

	if (!start)
		return false;
	*start++ = '\0';
	count = strchr(start, ':');
	if (!count)
		return false;
	*count++ = '\0';
	errno = 0;
	s = strtoull(start, &end, 10);
	if (errno || end == start || *end)
		return false;
	n = strtoull(count, &end, 10);
	if (errno || end == count || (*end && *end != '\n') || n == 0)
		return false;
	if (s > UINT32_MAX || n > UINT32_MAX || s + n - 1 > UINT32_MAX)
		return false;
	*ret_name = line;
	*ret_start = (uint32_t)s;
	*ret_count = (uint32_t)n;
	return true;
}

/* The caller's name for /etc/subuid, or NULL. Looked up only when a line names a user: the
 * name-service lookup costs about 0.4 ms of start-up time. */
static const char *caller_name(const struct sbx_caller *c)
{
	struct passwd *pw = c->user_name ? NULL : getpwuid(c->uid);

	return c->user_name ? c->user_name : pw ? pw->pw_name : NULL;
}

/* The caller's first range in @file, matched by user name or by uid; -ENOENT when none (or no
 * file). *ret_name gets the caller's name when it was looked up. */
static int find_subid_range(const char *file, const struct sbx_caller *c, uint32_t *ret_start,
			    uint32_t *ret_count, const char **ret_name)
{
	_cleanup_(freep_file) FILE *f = fopen(file, "re");
	_cleanup_free_ char *line = NULL;
	const char *user = c->user_name;
	bool looked_up = user != NULL;
	size_t size = 0;
	char idstr[16];

	*ret_name = user;
	if (!f)
		return -errno;
	snprintf(idstr, sizeof(idstr), "%" PRIu32, (uint32_t)c->uid);
	while (getline(&line, &size, f) > 0) {
		uint32_t start, count;
		char *name;

		if (!parse_subid_line(line, &name, &start, &count))
			continue;
		if (!looked_up && strspn(name, "0123456789") != strlen(name)) {
			user = *ret_name = caller_name(c);
			looked_up = true;
		}
		if ((user && strcmp(name, user) == 0) || strcmp(name, idstr) == 0) {
			*ret_start = start;
			*ret_count = count;
			return 0;
		}
	}
	return -ENOENT;
}

static bool ranges_overlap(uint32_t a, uint32_t n, uint32_t b, uint32_t m)
{
	return (uint64_t)a < (uint64_t)b + m && (uint64_t)b < (uint64_t)a + n;
}

/* Kernel rules, reported at the entry instead of as EINVAL when the map is written. */
static int check_line(const struct map_kind *k, const struct map *m, const struct map_line *l,
		      struct sbx_err *err)
{
	if (l->count == 0)
		return sbx_err_set(err, l->loc, -EINVAL, "%s: count must be at least 1", k->file);
	if ((uint64_t)l->inside + l->count > UINT32_MAX ||
	    (uint64_t)l->outside + l->count > UINT32_MAX)
		return sbx_err_set(err, l->loc, -ERANGE, "%s: the range goes past id 4294967294",
				   k->file);
	for (size_t i = 0; i < m->n; i++) {
		if (ranges_overlap(l->inside, l->count, m->lines[i].inside, m->lines[i].count))
			return sbx_err_set(err, l->loc, -EINVAL,
					   "%s: inside ids %" PRIu32 "-%" PRIu32
					   " overlap an earlier entry",
					   k->file, l->inside, l->inside + l->count - 1);
		if (ranges_overlap(l->outside, l->count, m->lines[i].outside, m->lines[i].count))
			return sbx_err_set(err, l->loc, -EINVAL,
					   "%s: outside ids %" PRIu32 "-%" PRIu32
					   " overlap an earlier entry",
					   k->file, l->outside, l->outside + l->count - 1);
	}
	return 0;
}

/* A "subuid" entry takes the next unused part of the caller's first range, so several such
 * entries never overlap outside. */
static int resolve_sub(const struct map_kind *k, const struct sbx_caller *c,
		       const struct idmap_entry *e, uint64_t *used, uint32_t *ret_outside,
		       struct sbx_err *err)
{
	const char *name = NULL, *who;
	uint32_t start = 0, count = 0;
	int r;

	r = find_subid_range(k->sub_file, c, &start, &count, &name);
	if (!name && r < 0)
		name = caller_name(c); /* for the message */
	who = name ? name : "this user";
	if (r == -ENOENT)
		return sbx_err_set(err, &e->loc, r,
				   "%s: no %s range for %s (uid %" PRIu32 ") in %s; add one, e.g. "
				   "with usermod --add-%ss",
				   k->file, k->sub, who, c->uid, k->sub_file, k->sub);
	if (r < 0)
		return sbx_err_set(err, &e->loc, r, "%s: cannot read %s: %s", k->file, k->sub_file,
				   strerror(-r));
	if (*used + e->count > count)
		return sbx_err_set(err, &e->loc, -ERANGE,
				   "%s: count %" PRIu32 " does not fit the %s range of %s (%" PRIu32
				   " ids from %" PRIu32 " in %s, %" PRIu64 " already used)",
				   k->file, e->count, k->sub, who, count, start, k->sub_file,
				   *used);
	*ret_outside = start + (uint32_t)*used;
	*used += e->count;
	return 0;
}

/* An unprivileged caller may write its own id only; anything else needs the setuid helper. */
static int check_direct(const struct map_kind *k, const struct sbx_caller *c,
			const struct map_line *l, struct sbx_err *err)
{
	if (c->uid == 0 || l->sub || (l->outside == k->self && l->count == 1))
		return 0;
	if (l->count == 1)
		return sbx_err_set(err, l->loc, -EPERM,
				   "%s: mapping outside id %" PRIu32
				   " needs root; use outside = \"%s\" for a range",
				   k->file, l->outside, k->sub);
	return sbx_err_set(err, l->loc, -EPERM,
			   "%s: mapping outside ids %" PRIu32 "-%" PRIu32
			   " needs root; use outside = \"%s\" for a range",
			   k->file, l->outside, (uint32_t)(l->outside + l->count - 1), k->sub);
}

static int resolve_entry(const struct map_kind *k, const struct sbx_caller *c,
			 const struct idmap_entry *e, uint64_t *used, struct map *m,
			 struct sbx_err *err)
{
	struct map_line l = {.inside = e->inside, .count = e->count, .loc = &e->loc};
	int r;

	if (m->n >= MAP_MAX_LINES)
		return sbx_err_set(err, &e->loc, -E2BIG, "%s: more than %d entries", k->file,
				   MAP_MAX_LINES);
	switch (e->outside_kind) {
	case IDMAP_OUTSIDE_ID:
		l.outside = e->outside;
		break;
	case IDMAP_OUTSIDE_SELF:
		l.outside = k->self;
		break;
	case IDMAP_OUTSIDE_SUB:
		if (e->count == 0)
			break; /* check_line() says why */
		r = resolve_sub(k, c, e, used, &l.outside, err);
		if (r < 0)
			return r;
		l.sub = true;
		break;
	}
	r = check_line(k, m, &l, err);
	if (r == 0)
		r = check_direct(k, c, &l, err);
	if (r < 0)
		return r;
	m->helper |= l.sub;
	m->lines[m->n++] = l;
	return 0;
}

/* The default map. An unprivileged caller: the inside id to the caller's own, count 1. Root:
 * never host root (a command that owns every root file the binds show would undo the
 * sandbox), but root's own subordinate range, inside 0 up, when it has one, else the one
 * inside id to UNPRIVILEGED_ID. Root writes either directly. */
static int default_map(const struct map_kind *k, const struct sbx_caller *c, struct map *m,
		       struct sbx_err *err)
{
	struct map_line l = {k->run_as, k->self, 1, false, k->default_loc};
	const char *name;
	int r = 0;

	if (c->uid == 0) {
		r = find_subid_range(k->sub_file, c, &l.outside, &l.count, &name);
		if (r == 0)
			l.inside = 0;
		else if (r == -ENOENT) /* no range, or no file */
			l = (struct map_line){k->run_as, UNPRIVILEGED_ID, 1, false, k->default_loc};
		else
			return sbx_err_set(err, k->default_loc, r,
					   "%s: the default map for root reads %s: %s", k->file,
					   k->sub_file, strerror(-r));
		r = check_line(k, m, &l, err);
		if (r < 0)
			return r;
	}
	m->lines[m->n++] = l;
	if (k->run_as - l.inside < l.count)
		return 0;
	return sbx_err_set(
	    err, k->default_loc, -EINVAL,
	    "%s %" PRIu32 " is outside the default %s, which maps inside ids 0-%" PRIu32
	    " to root's %s range in %s; set %s below %" PRIu32 " or give a map",
	    k->key, k->run_as, k->file, l.count - 1, k->sub, k->sub_file, k->key, l.count);
}

/* Resolve the whole map (the default one when the profile gives none), reporting every bad
 * entry; then check that the id the command runs as is mapped. */
static int resolve_map(const struct map_kind *k, const struct sbx_caller *c, struct map *m,
		       struct sbx_err *err)
{
	uint64_t used = 0;
	int r = 0;

	m->n = 0;
	m->helper = false;
	if (k->n_entries == 0)
		return default_map(k, c, m, err);
	for (size_t i = 0; i < k->n_entries; i++) {
		int q = resolve_entry(k, c, &k->entries[i], &used, m, err);
		if (q < 0 && r == 0)
			r = q;
	}
	if (r < 0)
		return r;
	for (size_t i = 0; i < m->n; i++)
		if (ranges_overlap(k->run_as, 1, m->lines[i].inside, m->lines[i].count))
			return 0;
	if (!k->run_as_loc)
		return sbx_err_set(err, &k->entries[0].loc, -EINVAL,
				   "%s defaults to the caller's id %" PRIu32
				   ", which %s does not map; set %s",
				   k->key, k->run_as, k->file, k->key);
	return sbx_err_set(err, k->run_as_loc, -EINVAL, "%s %" PRIu32 ": not mapped in %s", k->key,
			   k->run_as, k->file);
}

static int map_text(struct plan *plan, const struct map_kind *k, const struct map *m,
		    char **ret_text, struct sbx_err *err)
{
	char buf[MAP_MAX_TEXT + 64], *text;
	size_t len = 0;

	for (size_t i = 0; i < m->n; i++) {
		const struct map_line *l = &m->lines[i];

		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
					"%" PRIu32 " %" PRIu32 " %" PRIu32 "\n", l->inside,
					l->outside, l->count);
		if (len >= MAP_MAX_TEXT)
			return sbx_err_set(err, l->loc, -E2BIG, "%s: the map is too long", k->file);
	}
	text = plan_strdup(plan, buf);
	if (!text)
		return oom(err, m->lines[0].loc);
	*ret_text = text;
	return 0;
}

/* The helper's full path, decided now so --plan shows what runs: 0, -ENOENT when missing or
 * -ENOMEM (nothing recorded). */
static int find_helper(struct plan *plan, const struct sbx_caller *c, const char *name,
		       const char **ret_prog)
{
	static const char *const dirs[] = {"/usr/bin", "/bin", "/usr/sbin", "/sbin"};
	const char *const *dir = c->helper_dir ? &c->helper_dir : dirs;
	size_t n = c->helper_dir ? 1 : ARRAY_SIZE(dirs);
	char path[PATH_MAX];

	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir[i], name);
		if (access(path, X_OK) == 0) {
			const char *prog = plan_strdup(plan, path);

			if (!prog)
				return -ENOMEM;
			*ret_prog = prog;
			return 0;
		}
	}
	return -ENOENT;
}

static int add_helper_step(struct plan *plan, const struct sbx_caller *c, const struct map_kind *k,
			   const struct map *m, struct sbx_err *err)
{
	const struct sbx_loc *loc = m->lines[0].loc;
	const char **args, *prog = NULL;
	struct step *s;
	int r;

	for (size_t i = 0; i < m->n; i++)
		if (m->lines[i].sub) {
			loc = m->lines[i].loc;
			break;
		}
	r = find_helper(plan, c, k->helper, &prog);
	if (r == -ENOMEM)
		return oom(err, loc);
	if (r < 0)
		return sbx_err_set(err, loc, r, "%s not found: install the uidmap package",
				   k->helper);
	args = plan_alloc(plan, (3 * m->n + 1) * sizeof(*args));
	if (!args)
		return oom(err, loc);
	for (size_t i = 0; i < m->n; i++) {
		const struct map_line *l = &m->lines[i];

		args[3 * i] = plan_printf(plan, "%" PRIu32, l->inside);
		args[3 * i + 1] = plan_printf(plan, "%" PRIu32, l->outside);
		args[3 * i + 2] = plan_printf(plan, "%" PRIu32, l->count);
		if (!args[3 * i] || !args[3 * i + 1] || !args[3 * i + 2])
			return oom(err, l->loc);
	}
	s = plan_add(plan, STEP_IDMAP_HELPER, m->lines[0].loc);
	if (!s)
		return oom(err, loc);
	s->helper.prog = prog;
	s->helper.args = args;
	return 0;
}

static int add_write_step(struct plan *plan, const struct map_kind *k, const struct map *m,
			  struct sbx_err *err)
{
	char *text = NULL;
	struct step *s;
	int r;

	r = map_text(plan, k, m, &text, err);
	if (r < 0)
		return r;
	s = plan_add(plan, STEP_IDMAP_WRITE, m->lines[0].loc);
	if (!s)
		return oom(err, m->lines[0].loc);
	s->idmap.file = k->file;
	s->idmap.text = text;
	return 0;
}

static void map_kinds(const struct profile *p, const struct sbx_caller *c, struct map_kind *u,
		      struct map_kind *g)
{
	*u = (struct map_kind){
	    .file = "uid_map",
	    .key = "user.uid",
	    .sub = "subuid",
	    .helper = "newuidmap",
	    .sub_file = c->subuid_file ? c->subuid_file : "/etc/subuid",
	    .self = c->uid,
	    .run_as = p->user.uid_set ? p->user.uid : c->uid,
	    .run_as_loc = p->user.uid_set ? &p->user.uid_loc : NULL,
	    .default_loc = p->user.uid_set ? &p->user.uid_loc : &p->namespaces_loc,
	    .entries = p->user.uid_map,
	    .n_entries = p->user.n_uid_map,
	};
	*g = (struct map_kind){
	    .file = "gid_map",
	    .key = "user.gid",
	    .sub = "subgid",
	    .helper = "newgidmap",
	    .sub_file = c->subgid_file ? c->subgid_file : "/etc/subgid",
	    .self = c->gid,
	    .run_as = p->user.gid_set ? p->user.gid : c->gid,
	    .run_as_loc = p->user.gid_set ? &p->user.gid_loc : NULL,
	    .default_loc = p->user.gid_set ? &p->user.gid_loc : &p->namespaces_loc,
	    .entries = p->user.gid_map,
	    .n_entries = p->user.n_gid_map,
	};
}

/* Maps without a user namespace would be silently meaningless: say so at the entry. */
static int check_no_userns(const struct profile *p, struct sbx_err *err)
{
	int r = 0;

	if (p->user.n_uid_map)
		r = sbx_err_set(err, &p->user.uid_map[0].loc, -EINVAL,
				"uid_map needs the \"user\" namespace");
	if (p->user.n_gid_map)
		r = sbx_err_set(err, &p->user.gid_map[0].loc, -EINVAL,
				"gid_map needs the \"user\" namespace");
	return r;
}

/* A map of exactly one id. */
static bool is_single_id(const struct map *m)
{
	return m->n == 1 && m->lines[0].count == 1;
}

/* Whether the outside id @id is covered by map @m. */
static bool maps_outside(const struct map *m, uint32_t id)
{
	for (size_t i = 0; i < m->n; i++)
		if (ranges_overlap(id, 1, m->lines[i].outside, m->lines[i].count))
			return true;
	return false;
}

/* A map that leaves out the caller's own id (root mapping a range, or a subuid-only map)
 * leaves the child with unmapped ids: the kernel then refuses to create files (EOVERFLOW)
 * while the mounts are built. Switch to the ids the command runs as first; the child keeps
 * its capabilities in the namespace, since it was not the namespace's root before. */
static int add_enter_ids(struct plan *plan, const struct map_kind *uk, const struct map *um,
			 const struct map_kind *gk, const struct map *gm,
			 const struct sbx_caller *c, struct sbx_err *err)
{
	struct step *s;

	if (maps_outside(um, c->uid) && maps_outside(gm, c->gid))
		return 0;
	plan->caller_unmapped = true; /* net.c: a helper running as the caller can't follow */
	s = plan_add(plan, STEP_ENTER_IDS, uk->run_as_loc ? uk->run_as_loc : um->lines[0].loc);
	if (!s)
		return oom(err, NULL);
	s->ids.uid = uk->run_as;
	s->ids.gid = gk->run_as;
	return 0;
}

static int add_map_steps(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
			 struct sbx_err *err)
{
	_cleanup_free_ struct map *um = malloc(sizeof(*um));
	_cleanup_free_ struct map *gm = malloc(sizeof(*gm));
	struct map_kind uk, gk;
	int r, q;

	if (!um || !gm)
		return oom(err, NULL);
	map_kinds(p, c, &uk, &gk);
	r = resolve_map(&uk, c, um, err);
	q = resolve_map(&gk, c, gm, err);
	if (r < 0 || q < 0)
		return r < 0 ? r : q;
	r = um->helper ? add_helper_step(plan, c, &uk, um, err)
		       : add_write_step(plan, &uk, um, err);
	if (r < 0)
		return r;
	if (gm->helper) {
		r = add_helper_step(plan, c, &gk, gm, err);
	} else {
		/* The kernel lets an unprivileged writer set gid_map only once setgroups is
		 * denied, so that dropping a group can't be undone from inside. Root may
		 * allow it, but with a single mapped gid there is nothing safe to set, so it
		 * is denied too (SPEC.md: denied unless a range map makes it safe). */
		if (c->uid != 0 || is_single_id(gm)) {
			if (!plan_add(plan, STEP_SETGROUPS_DENY, gm->lines[0].loc))
				return oom(err, gm->lines[0].loc);
			plan->setgroups_denied = true; /* caps.c: no setgroups(2) inside */
		}
		r = add_write_step(plan, &gk, gm, err);
	}
	if (r < 0)
		return r;
	return add_enter_ids(plan, &uk, um, &gk, gm, c, err);
}

int userns_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		    struct sbx_err *err)
{
	struct step *s;

	s = plan_add(plan, STEP_CLONE, &p->namespaces_loc);
	if (!s)
		return oom(err, &p->namespaces_loc);
	/* The network namespace is not clone()'s: net.c makes it beside the child. Nor is the
	 * cgroup one when the sandbox has a cgroup: the child makes it once it is inside, so
	 * that cgroup is the namespace's root (cgroupns-enter). */
	s->clone.ns = p->namespaces & ~NS_BIT(NS_NET);
	if (plan->n_cgroup_dirs)
		s->clone.ns &= ~NS_BIT(NS_CGROUP);
	s->clone.cgroup = plan->clone_cgroup;
	s->clone.flags = 0;
	for (unsigned i = 0; i < _NS_MAX; i++)
		if (s->clone.ns & NS_BIT(i))
			s->clone.flags |= ns_clone_flag[i];
	if (!(p->namespaces & NS_BIT(NS_USER)))
		return check_no_userns(p, err);
	return add_map_steps(plan, p, c, err);
}

/* Run side (parent). */

static pid_t clone_legacy(unsigned long flags)
{
	/* Classic clone() puts the exit signal in the low byte, where CLONE_NEWTIME lives too;
	 * a time namespace made by unshare() applies to the parent's later children instead. */
	if (flags & CLONE_NEWTIME) {
		if (unshare(CLONE_NEWTIME) < 0)
			return -1;
		flags &= ~(unsigned long)CLONE_NEWTIME;
	}
#if defined(__s390__) || defined(__CRIS__)
	return (pid_t)syscall(SYS_clone, 0, flags | SIGCHLD, 0, 0, 0);
#else
	return (pid_t)syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
#endif
}

/* fork()-style: no CLONE_VM, the child gets a copy of our memory and stack. With clone3(),
 * *ret_pidfd gets a pidfd of the child (the netns helper enters its namespaces with it). */
static pid_t clone_ns(unsigned long flags, int cgroup_fd, int *ret_pidfd)
{
	*ret_pidfd = -1;
#ifdef SYS_clone3
	struct clone_args args = {.flags = flags | CLONE_PIDFD,
				  .pidfd = (uint64_t)(uintptr_t)ret_pidfd,
				  .exit_signal = SIGCHLD};
	long pid;

	if (cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)cgroup_fd;
	}
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid >= 0 || errno != ENOSYS)
		return (pid_t)pid;
	*ret_pidfd = -1;
#endif
	return clone_legacy(flags);
}

/* Without clone3() (a kernel before 5.3), the child is moved in before it is released. */
static int attach_child(const char *dir, pid_t pid)
{
	char path[PATH_MAX], text[32];
	_cleanup_close_ int fd = -1;
	int len;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	len = snprintf(text, sizeof(text), "%d", (int)pid);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, text, (size_t)len) != len)
		return -errno;
	return 0;
}

static const char *clone_hint(int e, unsigned long flags)
{
	if (!(flags & CLONE_NEWUSER) || geteuid() == 0)
		return "";
	if (e == EPERM || e == EACCES)
		return " (unprivileged user namespaces look disabled: see sysctl "
		       "kernel.unprivileged_userns_clone and AppArmor's "
		       "kernel.apparmor_restrict_unprivileged_userns)";
	if (e == ENOSPC)
		return " (sysctl user.max_user_namespaces is 0 or reached)";
	return "";
}

int userns_run_clone(const struct step *s, struct run_ctx *ctx)
{
	char what[256];
	pid_t pid;

	_cleanup_close_ int cgroup_fd = -1;

	ctx->parent = getpid();
	if (s->clone.cgroup) {
		cgroup_fd = open(s->clone.cgroup, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (cgroup_fd < 0)
			return sbx_err_errno(ctx->err, &s->loc, "clone: opening the cgroup %s",
					     s->clone.cgroup);
	}
	pid = clone_ns(s->clone.flags, cgroup_fd, &ctx->pidfd);
	if (pid == 0) {
		ctx->child_entry(ctx); /* at once: nothing of the parent's frames may run here */
		_exit(125);	       /* not reached: the entry never returns */
	}
	if (pid < 0) {
		int e = errno;

		plan_describe(s, what, sizeof(what));
		return sbx_err_set(ctx->err, &s->loc, -e, "%s: %s%s", what, strerror(e),
				   clone_hint(e, s->clone.flags));
	}
	ctx->child = pid;
	if (s->clone.cgroup && ctx->pidfd < 0) {
		int r = attach_child(s->clone.cgroup, pid);

		if (r < 0)
			return sbx_err_set(ctx->err, &s->loc, r,
					   "clone: moving the child into the cgroup %s: %s",
					   s->clone.cgroup, strerror(-r));
	}
	return 0;
}

static int write_proc(const struct step *s, struct run_ctx *ctx, const char *file, const char *text)
{
	_cleanup_close_ int fd = -1;
	char path[64], what[512];
	size_t len = strlen(text);
	ssize_t n;
	int e;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)ctx->child, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = write(fd, text, len); /* the kernel takes a map in one write() only */
		if (n >= 0 && (size_t)n == len)
			return 0;
		if (n >= 0)
			errno = EIO;
	}
	e = errno;
	plan_describe(s, what, sizeof(what));
	if (e == EPERM && geteuid() == 0 && strcmp(file, "setgroups") != 0)
		/* Root can map any id its own user namespace maps: in a container, that may
		 * leave out the unprivileged ids of the default map. */
		return sbx_err_set(
		    ctx->err, &s->loc, -EPERM,
		    "%s: %s (its outside ids are not mapped in sbx's own user "
		    "namespace, see /proc/self/%s; map ids that are, or use outside = "
		    "\"self\")",
		    what, strerror(EPERM), file);
	return sbx_err_set(ctx->err, &s->loc, -e, "%s: %s", what, strerror(e));
}

int userns_run_setgroups(const struct step *s, struct run_ctx *ctx)
{
	return write_proc(s, ctx, "setgroups", "deny");
}

int userns_run_idmap(const struct step *s, struct run_ctx *ctx)
{
	return write_proc(s, ctx, s->idmap.file, s->idmap.text);
}

/* Waits for the helper within the setup's guard; a helper cut short is killed and reaped. */
static int wait_helper(pid_t pid, struct wait_guard *g, int *ret_status)
{
	int r = wait_for_exit(pid, g, ret_status);

	if (r == -EINTR || r == -ETIMEDOUT) {
		(void)kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	return r;
}

/* Runs "PROG PID inside outside count ..." and waits for it. */
int userns_run_helper(const struct step *s, struct run_ctx *ctx)
{
	_cleanup_free_ char **argv = NULL;
	char *const envp[] = {NULL};
	char pid[16], what[512];
	size_t n = 0;
	pid_t hpid;
	int r, status;

	while (s->helper.args[n])
		n++;
	argv = calloc(n + 3, sizeof(*argv));
	if (!argv)
		return sbx_err_set(ctx->err, &s->loc, -ENOMEM, "out of memory");
	snprintf(pid, sizeof(pid), "%d", (int)ctx->child);
	argv[0] = (char *)s->helper.prog;
	argv[1] = pid;
	for (size_t i = 0; i < n; i++)
		argv[i + 2] = (char *)s->helper.args[i];
	plan_describe(s, what, sizeof(what));
	r = posix_spawn(&hpid, s->helper.prog, NULL, NULL, argv, envp);
	if (r != 0)
		return sbx_err_set(ctx->err, &s->loc, -r, "%s: %s", what, strerror(r));
	r = wait_helper(hpid, &ctx->guard, &status);
	if (r < 0)
		return sbx_err_set(ctx->err, &s->loc, r, "%s: %s", what, strerror(-r));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		return sbx_err_set(ctx->err, &s->loc, -EPERM, "%s: %s killed by signal %d", what,
				   s->helper.prog, WTERMSIG(status));
	return sbx_err_set(ctx->err, &s->loc, -EPERM, "%s: %s failed with exit status %d", what,
			   s->helper.prog, WEXITSTATUS(status));
}

static size_t strv_len(const char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

static void describe_ns(struct plan_kv *k, unsigned ns)
{
	const char *names[_NS_MAX];
	size_t n = 0;

	for (unsigned i = 0; i < _NS_MAX; i++)
		if (ns & NS_BIT(i))
			names[n++] = profile_ns_name(i);
	plan_kv_list(k, "ns", names, n);
}

static void describe_idmap_text(struct plan_kv *k, const char *text)
{
	_cleanup_free_ char *line = text ? strdup(text) : NULL;
	size_t n = line ? strlen(line) : 0;

	/* One map line per entry; show them comma-separated on one line. */
	if (!line) {
		plan_kv_str(k, "map", text); /* out of memory: the newlines show as \n */
		return;
	}
	if (n && line[n - 1] == '\n')
		line[--n] = '\0';
	for (char *c = line; *c; c++)
		if (*c == '\n')
			*c = ',';
	plan_kv_str(k, "map", line);
}

void userns_describe(const struct step *s, struct plan_kv *k)
{
	switch (s->kind) {
	case STEP_CLONE:
		describe_ns(k, s->clone.ns);
		plan_kv_str(k, "cgroup", s->clone.cgroup);
		break;
	case STEP_SETGROUPS_DENY:
		plan_kv_str(k, "file", "setgroups");
		plan_kv_str(k, "value", "deny");
		break;
	case STEP_IDMAP_WRITE:
		plan_kv_str(k, "file", s->idmap.file);
		describe_idmap_text(k, s->idmap.text);
		break;
	case STEP_ENTER_IDS:
		plan_kv_num(k, "uid", s->ids.uid);
		plan_kv_num(k, "gid", s->ids.gid);
		plan_kv_str(k, "caps", "kept");
		break;
	default: /* STEP_IDMAP_HELPER */
		plan_kv_str(k, "prog", s->helper.prog);
		plan_kv_list(k, "map", s->helper.args, strv_len(s->helper.args));
		break;
	}
}

#include "util/child-safe.h"

int userns_run_enter_ids(const struct step *s, struct run_ctx *ctx)
{
	(void)ctx;
	/* Keep the capabilities across the uid change: the child still builds the root. */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return -errno;
	if (setresgid(s->ids.gid, s->ids.gid, s->ids.gid) < 0)
		return -errno;
	if (setresuid(s->ids.uid, s->ids.uid, s->ids.uid) < 0)
		return -errno;
	return 0;
}
