/* landlock.c — security.landlock: one Landlock ruleset for the command, applied in its own
 * phase after no_new_privs and before seccomp.
 *
 * The ruleset handles every filesystem right the kernel's ABI knows (when a path set is given)
 * and the TCP rights whose port list is given; whatever is handled is denied unless a rule
 * grants it. The ABI is detected when compiling, so the plan shows it and what it lacks, and
 * again by the runner, which never applies more than the kernel it runs on knows. */
#include "sys/landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Debian 12's headers stop at ABI 2: what later ABIs added, by their kernel values. */
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif
#ifndef LANDLOCK_RULE_PATH_BENEATH
#define LANDLOCK_RULE_PATH_BENEATH 1
#endif
#define SBX_LANDLOCK_RULE_NET_PORT 2 /* an enum member in newer headers: no #ifndef */
#ifndef LANDLOCK_ACCESS_FS_EXECUTE
#define LANDLOCK_ACCESS_FS_EXECUTE (1ULL << 0)
#define LANDLOCK_ACCESS_FS_WRITE_FILE (1ULL << 1)
#define LANDLOCK_ACCESS_FS_READ_FILE (1ULL << 2)
#define LANDLOCK_ACCESS_FS_READ_DIR (1ULL << 3)
#define LANDLOCK_ACCESS_FS_REMOVE_DIR (1ULL << 4)
#define LANDLOCK_ACCESS_FS_REMOVE_FILE (1ULL << 5)
#define LANDLOCK_ACCESS_FS_MAKE_CHAR (1ULL << 6)
#define LANDLOCK_ACCESS_FS_MAKE_DIR (1ULL << 7)
#define LANDLOCK_ACCESS_FS_MAKE_REG (1ULL << 8)
#define LANDLOCK_ACCESS_FS_MAKE_SOCK (1ULL << 9)
#define LANDLOCK_ACCESS_FS_MAKE_FIFO (1ULL << 10)
#define LANDLOCK_ACCESS_FS_MAKE_BLOCK (1ULL << 11)
#define LANDLOCK_ACCESS_FS_MAKE_SYM (1ULL << 12)
#endif
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13) /* ABI 2 */
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14) /* ABI 3 */
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15) /* ABI 5 */
#endif
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0) /* ABI 4 */
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#endif
#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif

/* The kernel's structures, under names of our own: the installed header may lack fields. */
struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net; /* ABI 4 */
};
struct ll_path_beneath_attr {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));
struct ll_net_port_attr {
	uint64_t allowed_access;
	uint64_t port;
};

#define FS_ABI1 ((LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1) /* bits 0-12 */
#define FS_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
/* write: read, and change anything beneath: files, entries of every type, moves between
 * directories (refer), truncation and device ioctls (a terminal opened by path needs them). */
#define FS_WRITE                                                                                   \
	(FS_READ | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |                 \
	 LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR |                           \
	 LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |                               \
	 LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |                             \
	 LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM | LANDLOCK_ACCESS_FS_REFER |  \
	 LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV)
#define FS_EXECUTE (FS_READ | LANDLOCK_ACCESS_FS_EXECUTE)
/* The rights a rule on a file that is not a directory may carry (others are EINVAL). */
#define FS_FILE_RIGHTS                                                                             \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |                              \
	 LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE |                              \
	 LANDLOCK_ACCESS_FS_IOCTL_DEV)

/* The filesystem rights ABI @abi knows (ABI 6 and 7 added scopes and logging, no rights). */
static uint64_t known_fs(int abi)
{
	uint64_t m = 0;

	if (abi >= 1)
		m |= FS_ABI1;
	if (abi >= 2)
		m |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		m |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		m |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return m;
}

static uint64_t known_net(int abi)
{
	return abi >= 4 ? LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP : 0;
}

static bool given(const struct sbx_loc *loc, size_t n)
{
	return loc->file || n > 0;
}

static bool has_fs(const struct profile_landlock *l)
{
	return given(&l->read_loc, l->n_read) || given(&l->write_loc, l->n_write) ||
	       given(&l->execute_loc, l->n_execute);
}

/* What the profile asks that an ABI may lack. */
struct feature {
	const char *name; /* in the plan's left-out= */
	const char *what; /* in messages */
	int abi;	  /* the first ABI that has it */
};
enum { F_TRUNCATE, F_IOCTL_DEV, F_BIND, F_CONNECT, _F_MAX };
static const struct feature features[_F_MAX] = {
    [F_TRUNCATE] = {"truncate", "truncate rules (ABI 3)", 3},
    [F_IOCTL_DEV] = {"ioctl_dev", "device ioctl rules (ABI 5)", 5},
    [F_BIND] = {"bind_tcp", "TCP bind rules (ABI 4)", 4},
    [F_CONNECT] = {"connect_tcp", "TCP connect rules (ABI 4)", 4},
};

/* The features the profile asks, as F_* bits, and where each is asked. */
static unsigned asked(const struct profile_landlock *l, const struct sbx_loc *where[_F_MAX])
{
	const struct sbx_loc *fs = l->write_loc.file	 ? &l->write_loc
				   : l->read_loc.file	 ? &l->read_loc
				   : l->execute_loc.file ? &l->execute_loc
							 : &l->loc;
	unsigned m = 0;

	if (has_fs(l)) {
		m |= 1u << F_TRUNCATE | 1u << F_IOCTL_DEV;
		where[F_TRUNCATE] = where[F_IOCTL_DEV] = fs;
	}
	if (given(&l->bind_tcp_loc, l->n_bind_tcp)) {
		m |= 1u << F_BIND;
		where[F_BIND] = l->bind_tcp_loc.file ? &l->bind_tcp_loc : &l->loc;
	}
	if (given(&l->connect_tcp_loc, l->n_connect_tcp)) {
		m |= 1u << F_CONNECT;
		where[F_CONNECT] = l->connect_tcp_loc.file ? &l->connect_tcp_loc : &l->loc;
	}
	return m;
}

/* With `required`, each missing feature is an error at the setting that asks it; otherwise
 * one warning, and the plan's left-out names them. */
static int check_abi(struct plan *plan, const struct profile_landlock *l, struct step_landlock *s,
		     struct sbx_err *err)
{
	static const char *const all[] = {"all"};
	const struct sbx_loc *where[_F_MAX] = {0};
	const struct sbx_loc *req = l->required_loc.file ? &l->required_loc : &l->loc;
	unsigned want = asked(l, where);
	const char **names = plan_alloc(plan, _F_MAX * sizeof(*names));
	char whats[256] = "";
	size_t wl = 0;
	int r = 0;

	if (!names)
		return -ENOMEM;
	if (s->abi <= 0) {
		if (l->required)
			return sbx_err_set(err, req, -EOPNOTSUPP,
					   "security.landlock: required, but this kernel has no "
					   "Landlock (not built in, or not among the security "
					   "modules it booted with: see lsm= in its command line)");
		sbx_err_warn(err, &l->loc,
			     "security.landlock: this kernel has no Landlock: the sandbox runs "
			     "without it (`required = true` makes this an error)");
		s->left_out = all;
		s->n_left_out = 1;
		return 0;
	}
	for (int f = 0; f < _F_MAX; f++) {
		if (!(want & (1u << f)) || s->abi >= features[f].abi)
			continue;
		if (l->required) {
			int k = sbx_err_set(err, where[f], -EOPNOTSUPP,
					    "security.landlock: required, but this kernel's "
					    "Landlock (ABI %d) has no %s",
					    s->abi, features[f].what);
			if (r == 0)
				r = k;
		}
		names[s->n_left_out++] = features[f].name;
		wl += (size_t)snprintf(whats + wl, sizeof(whats) - wl, "%s%s", wl ? ", " : "",
				       features[f].what);
	}
	if (r < 0 || !s->n_left_out)
		return r;
	sbx_err_warn(err, &l->loc,
		     "security.landlock: this kernel's Landlock (ABI %d) has no %s: left out "
		     "(`required = true` makes this an error)",
		     s->abi, whats);
	s->left_out = names;
	return 0;
}

/* The plan's copy of one set, for the plan (NULL: not given), and its paths for the runner. */
static int add_set(struct plan *plan, struct step_landlock *s, struct landlock_path *paths,
		   const char *set, char *const *v, size_t n, const struct sbx_loc *loc,
		   uint64_t access, const char *const **ret_list)
{
	if (!given(loc, n))
		return 0;
	*ret_list = (const char *const *)plan_strv(plan, (const char *const *)v, n);
	if (!*ret_list)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct landlock_path *lp = &paths[s->n_paths++];

		lp->path = (*ret_list)[i];
		lp->access = access & s->handled_fs;
		lp->hint_missing = plan_printf(plan,
					       " (security.landlock.%s: %s: every path of a "
					       "landlock set must exist inside the sandbox)",
					       set, v[i]);
		lp->hint_other = plan_printf(plan, " (security.landlock.%s: %s)", set, v[i]);
		if (!lp->hint_missing || !lp->hint_other)
			return -ENOMEM;
	}
	return 0;
}

/* The ports, for the runner and as text for the plan. */
static int add_ports(struct plan *plan, const uint16_t *v, size_t n, const struct sbx_loc *loc,
		     const uint16_t **ret_ports, const char *const **ret_text)
{
	const char **text;

	if (!given(loc, n))
		return 0;
	*ret_ports = n ? plan_memdup(plan, v, n * sizeof(*v)) : NULL;
	text = plan_alloc(plan, (n + 1) * sizeof(*text));
	if ((n && !*ret_ports) || !text)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!(text[i] = plan_printf(plan, "%u", (unsigned)v[i])))
			return -ENOMEM;
	*ret_text = text;
	return 0;
}

static int fill_step(struct plan *plan, struct step_landlock *s, const struct profile_landlock *l)
{
	struct landlock_path *paths;
	int r;

	if (has_fs(l))
		s->handled_fs = known_fs(s->abi);
	if (given(&l->bind_tcp_loc, l->n_bind_tcp))
		s->handled_net |= LANDLOCK_ACCESS_NET_BIND_TCP & known_net(s->abi);
	if (given(&l->connect_tcp_loc, l->n_connect_tcp))
		s->handled_net |= LANDLOCK_ACCESS_NET_CONNECT_TCP & known_net(s->abi);
	paths = plan_alloc(plan, (l->n_read + l->n_write + l->n_execute) * sizeof(*paths));
	if (!paths)
		return -ENOMEM;
	s->paths = paths;
	r = add_set(plan, s, paths, "read", l->read, l->n_read, &l->read_loc, FS_READ, &s->read);
	if (r == 0)
		r = add_set(plan, s, paths, "write", l->write, l->n_write, &l->write_loc, FS_WRITE,
			    &s->write);
	if (r == 0)
		r = add_set(plan, s, paths, "execute", l->execute, l->n_execute, &l->execute_loc,
			    FS_EXECUTE, &s->execute);
	s->n_read = l->n_read;
	s->n_write = l->n_write;
	s->n_execute = l->n_execute;
	if (r == 0)
		r = add_ports(plan, l->bind_tcp, l->n_bind_tcp, &l->bind_tcp_loc, &s->bind_tcp,
			      &s->bind_text);
	if (r == 0)
		r = add_ports(plan, l->connect_tcp, l->n_connect_tcp, &l->connect_tcp_loc,
			      &s->connect_tcp, &s->connect_text);
	s->n_bind_tcp = l->n_bind_tcp;
	s->n_connect_tcp = l->n_connect_tcp;
	return r;
}

int landlock_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		      struct sbx_err *err)
{
	const struct profile_landlock *l = &p->security.landlock;
	struct step_landlock s = {.required = l->required};
	struct step *step;
	int r;

	if (!l->set)
		return 0;
	s.abi = c->landlock_abi > 0 ? c->landlock_abi : c->landlock_abi < 0 ? 0 : landlock_abi();
	r = check_abi(plan, l, &s, err);
	if (r == -ENOMEM)
		return sbx_err_set(err, NULL, r, "out of memory");
	if (r < 0)
		return r;
	if (fill_step(plan, &s, l) < 0 || !(step = plan_add(plan, STEP_LANDLOCK, &l->loc)))
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	step->landlock = s;
	return 0;
}

void landlock_describe(const struct step *s, struct plan_kv *k)
{
	const struct step_landlock *l = &s->landlock;

	plan_kv_num(k, "abi", (uint64_t)l->abi);
	if (l->read)
		plan_kv_list(k, "read", l->read, l->n_read);
	if (l->write)
		plan_kv_list(k, "write", l->write, l->n_write);
	if (l->execute)
		plan_kv_list(k, "execute", l->execute, l->n_execute);
	if (l->bind_text)
		plan_kv_list(k, "bind_tcp", l->bind_text, l->n_bind_tcp);
	if (l->connect_text)
		plan_kv_list(k, "connect_tcp", l->connect_text, l->n_connect_tcp);
	plan_kv_bool(k, "required", l->required);
	if (l->n_left_out)
		plan_kv_list(k, "left-out", l->left_out, l->n_left_out);
}

const char *landlock_hint(const struct step *s, int code, uint32_t item)
{
	const struct step_landlock *l = &s->landlock;

	if (item >= 1 && item <= l->n_paths)
		return code == -ENOENT || code == -ENOTDIR ? l->paths[item - 1].hint_missing
							   : l->paths[item - 1].hint_other;
	if (code == -EPERM)
		return " (with security.no_new_privs off, Landlock needs CAP_SYS_ADMIN in the "
		       "sandbox's user namespace: keep no_new_privs on)";
	if (code == -EOPNOTSUPP)
		return " (security.landlock.required: this kernel's Landlock lacks a feature the "
		       "profile asks for)";
	return "";
}

#include "util/child-safe.h"

int landlock_abi(void)
{
	long v = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

	return v < 0 ? 0 : (int)v;
}

static int add_path(int ruleset, const struct landlock_path *lp, uint64_t handled)
{
	struct ll_path_beneath_attr pb = {.allowed_access = lp->access & handled};
	_cleanup_close_ int fd = open(lp->path, O_PATH | O_CLOEXEC);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		pb.allowed_access &= FS_FILE_RIGHTS;
	if (!pb.allowed_access)
		return 0;
	pb.parent_fd = fd;
	return syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0
		   ? -errno
		   : 0;
}

static int add_ports_rule(int ruleset, const uint16_t *ports, size_t n, uint64_t access)
{
	for (size_t i = 0; i < n; i++) {
		struct ll_net_port_attr np = {.allowed_access = access, .port = ports[i]};

		if (syscall(SYS_landlock_add_rule, ruleset, SBX_LANDLOCK_RULE_NET_PORT, &np, 0) < 0)
			return -errno;
	}
	return 0;
}

int landlock_run(const struct step *s, struct run_ctx *ctx)
{
	const struct step_landlock *l = &s->landlock;
	int abi = landlock_abi();
	struct ll_ruleset_attr attr = {
	    .handled_access_fs = l->handled_fs & known_fs(abi),
	    .handled_access_net = l->handled_net & known_net(abi),
	};
	_cleanup_close_ int ruleset = -1;
	int r = 0;

	/* The same kernel as at compile time, but a lesser one is never asked for more. */
	if (l->required && (abi <= 0 || attr.handled_access_fs != l->handled_fs ||
			    attr.handled_access_net != l->handled_net))
		return -EOPNOTSUPP;
	if (!attr.handled_access_fs && !attr.handled_access_net)
		return 0;
	/* Sized without the network word when there is none, for ABIs before 4. */
	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr,
			       attr.handled_access_net ? sizeof(attr) : sizeof(uint64_t), 0);
	if (ruleset < 0)
		return -errno;
	for (size_t i = 0; i < l->n_paths && r == 0; i++) {
		r = add_path(ruleset, &l->paths[i], attr.handled_access_fs);
		if (r < 0)
			ctx->fail_item = (uint32_t)i + 1;
	}
	if (r == 0 && (attr.handled_access_net & LANDLOCK_ACCESS_NET_BIND_TCP))
		r = add_ports_rule(ruleset, l->bind_tcp, l->n_bind_tcp,
				   LANDLOCK_ACCESS_NET_BIND_TCP);
	if (r == 0 && (attr.handled_access_net & LANDLOCK_ACCESS_NET_CONNECT_TCP))
		r = add_ports_rule(ruleset, l->connect_tcp, l->n_connect_tcp,
				   LANDLOCK_ACCESS_NET_CONNECT_TCP);
	if (r == 0 && syscall(SYS_landlock_restrict_self, ruleset, 0) < 0)
		r = -errno;
	return r;
}
