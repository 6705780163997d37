/* profile.h — a merged sandbox profile: libconfig files applied one on top of the other.
 *
 * A struct profile starts with SPEC.md's defaults (profile_new()). Each file, included
 * profile or --set is *applied* onto it in order: groups merge key by key, scalars and
 * arrays replace, lists append. The struct owns every string, and every location points
 * at a file name the struct owns, so a profile outlives the config_t it was read from. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <stdio.h>

#include "util/err.h"

enum sbx_ns { NS_USER, NS_MOUNT, NS_PID, NS_UTS, NS_IPC, NS_NET, NS_CGROUP, NS_TIME, _NS_MAX };
#define NS_BIT(n) (1u << (n))
#define NS_DEFAULT (((1u << _NS_MAX) - 1) & ~NS_BIT(NS_TIME))

enum idmap_outside {
	IDMAP_OUTSIDE_ID,   /* a number */
	IDMAP_OUTSIDE_SELF, /* "self": the caller's id */
	IDMAP_OUTSIDE_SUB,  /* "subuid"/"subgid": the caller's range, via newuidmap/newgidmap */
};

struct idmap_entry {
	uint32_t inside;
	enum idmap_outside outside_kind;
	uint32_t outside; /* only for IDMAP_OUTSIDE_ID */
	uint32_t count;
	struct sbx_loc loc;
};

enum mount_type {
	MOUNT_BIND,
	MOUNT_TMPFS,
	MOUNT_OVERLAY,
	MOUNT_PROC,
	MOUNT_DEV,
	MOUNT_SYSFS,
	MOUNT_MQUEUE,
	MOUNT_FILE,
	MOUNT_DIR,
	MOUNT_SYMLINK,
	MOUNT_CGROUP, /* read-only: the sandbox's own cgroup (plan->cgroup_dirs) */
	_MOUNT_TYPE_MAX,
};

/* Extra flags from `options = [ ... ]`. */
#define MOUNT_OPT_NOEXEC (1u << 0)
#define MOUNT_OPT_NOATIME (1u << 1)
#define MOUNT_OPT_NODIRATIME (1u << 2)
#define MOUNT_OPT_RELATIME (1u << 3)
#define MOUNT_OPT_STRICTATIME (1u << 4)
#define MOUNT_OPT_NOSYMFOLLOW (1u << 5)

struct mount_entry {
	enum mount_type type;
	char *src;     /* bind */
	char *dst;     /* every type; for bind defaults to src */
	char *target;  /* symlink */
	char *content; /* file */
	size_t content_len;
	char **lower; /* overlay, in the order given (topmost first, as overlayfs' lowerdir) */
	size_t n_lower;
	char *upper, *work;	/* overlay; NULL upper = ephemeral tmpfs upper */
	bool rw;		/* bind, default false */
	bool optional;		/* bind, overlay: skip if src/lower is missing */
	bool recursive;		/* bind, default true */
	uint64_t size;		/* tmpfs; 0 = kernel default */
	int mode;		/* tmpfs, file, dir; -1 = the type's default */
	unsigned options;	/* MOUNT_OPT_* */
	struct sbx_loc loc;	/* the mount's group (line of `type`) */
	struct sbx_loc src_loc; /* line of `src` (or of `lower`); = loc when absent */
	struct sbx_loc dst_loc; /* line of `dst`; = src_loc when dst defaulted */
	/* The line of `options`; = loc when absent. */
	struct sbx_loc options_loc;
};

enum root_kind { ROOT_TMPFS, ROOT_HOST, ROOT_DIR };

enum net_mode { NET_NONE, NET_HOST, NET_BRIDGE, NET_USER };

enum net_proto { NET_PROTO_TCP, NET_PROTO_UDP };

/* IFNAMSIZ of <net/if.h>, which would clash with <linux/if.h> in the files that include both. */
#define PROFILE_IFNAMSIZ 16

/* One entry of network.forward: connections to host_address:host on the host reach the
 * sandbox's port @sandbox. The key (host_address, host, proto) is unique across the merged
 * profile. */
struct net_forward {
	uint16_t host, sandbox;	     /* ports, 1-65535 */
	enum net_proto proto;	     /* default tcp */
	struct in_addr host_address; /* network byte order; default 127.0.0.1 */
	struct sbx_loc loc;	     /* the entry's group (or the --forward option) */
};

enum rlimit_res {
	RLIM_AS,
	RLIM_CORE,
	RLIM_CPU,
	RLIM_DATA,
	RLIM_FSIZE,
	RLIM_MEMLOCK,
	RLIM_MSGQUEUE,
	RLIM_NICE,
	RLIM_NOFILE,
	RLIM_NPROC,
	RLIM_RTPRIO,
	RLIM_STACK,
	_RLIM_MAX,
};

enum rlimit_how { RLIMIT_UNSET, RLIMIT_VALUE, RLIMIT_UNLIMITED, RLIMIT_INHERIT };

struct rlimit_entry {
	enum rlimit_how how; /* UNSET and INHERIT both leave the caller's limit */
	uint64_t value;	     /* RLIMIT_VALUE: sets soft and hard */
	struct sbx_loc loc;
};

/* One entry of cgroup.io_limits: throttles on one block device. */
struct cgroup_io_limit {
	char *device; /* as written: a path to a block device, resolved by the compiler */
	uint64_t read_bps, write_bps, read_iops, write_iops; /* 0 = no limit */
	struct sbx_loc loc;				     /* the entry's group */
	struct sbx_loc device_loc;			     /* line of `device` */
};

/* security.seccomp: what a syscall matching an entry gets. */
enum seccomp_action {
	SECCOMP_ACT_UNSET,
	SECCOMP_ACT_ALLOW,
	SECCOMP_ACT_ERRNO,	  /* with the errno of the entry, else seccomp.errno */
	SECCOMP_ACT_KILL,	  /* the thread (SCMP_ACT_KILL_THREAD) */
	SECCOMP_ACT_KILL_PROCESS, /* the whole process */
	SECCOMP_ACT_TRAP,	  /* SIGSYS the process can catch */
	SECCOMP_ACT_LOG,	  /* allowed, and logged by the kernel */
	_SECCOMP_ACT_MAX,
};

/* A syscall name or an @group, as written in allow or deny (resolved by the compiler). */
struct seccomp_name {
	char *name;
	struct sbx_loc loc; /* the array element's line */
};

enum seccomp_op {
	SCMP_OP_EQ,
	SCMP_OP_NE,
	SCMP_OP_LT,
	SCMP_OP_LE,
	SCMP_OP_GT,
	SCMP_OP_GE,
	SCMP_OP_MASKED_EQ
};

/* "a1 & 0x3 == 2": argument @arg, op, value (and mask for MASKED_EQ). */
struct seccomp_cond {
	unsigned arg; /* 0-5 */
	enum seccomp_op op;
	uint64_t value, mask;
};

/* One entry of security.seccomp.rules. */
struct seccomp_rule {
	char *syscall;		    /* a syscall name (no groups) */
	enum seccomp_action action; /* UNSET: deny_action */
	int errno_value;	    /* 0: seccomp.errno */
	struct seccomp_cond conds[6];
	size_t n_conds;
	struct sbx_loc loc;	  /* the rule's group */
	struct sbx_loc errno_loc; /* the line of its errno, when it has one */
};

struct env_var {
	char *name, *value;
	struct sbx_loc loc;
};

/* security.seccomp, as the profiles merge it. */
struct profile_seccomp {
	bool preset_default;		    /* preset = "default" (default "none") */
	enum seccomp_action default_action; /* UNSET: allow */
	enum seccomp_action deny_action;    /* UNSET: errno */
	int errno_value;		    /* 0: EPERM */
	struct seccomp_name *allow, *deny;  /* arrays: a later file replaces */
	size_t n_allow, n_deny;
	struct seccomp_rule *rules; /* a list: appended across files */
	size_t n_rules;
	struct sbx_loc preset_loc, default_action_loc, deny_action_loc, errno_loc;
	/* The last of those four applied (a later file's over an earlier's): the
	 * setting that made the filter what it is, so the seccomp step's line. */
	struct sbx_loc loc;
};

/* security.landlock, as the profiles merge it. */
struct profile_landlock {
	bool set;			 /* any landlock key given: the sandbox gets a ruleset */
	char **read, **write, **execute; /* absolute paths inside the sandbox */
	size_t n_read, n_write, n_execute;
	uint16_t *bind_tcp, *connect_tcp;
	size_t n_bind_tcp, n_connect_tcp;
	bool required; /* default false: best effort */
	struct sbx_loc loc, read_loc, write_loc, execute_loc, bind_tcp_loc, connect_tcp_loc,
	    required_loc;
};

struct profile {
	/* File names read so far; every sbx_loc.file points into this list. */
	char **files;
	size_t n_files;
	/* The profile files applied so far, by identity (realpath, or the built-in's name): each
	 * is applied once, where it is first reached, like a C header behind an include guard. */
	char **applied;
	size_t n_applied;
	/* Directories searched for a profile NAME, in order (see profile_set_search_path()). */
	char **search;
	size_t n_search;
	char *source_dir; /* searched last, never for "default" (profile_set_source_dir()) */

	char *name, *description;

	unsigned namespaces; /* NS_BIT() set; default NS_DEFAULT */
	struct sbx_loc namespaces_loc;
	char *hostname, *domainname; /* NULL = unset */
	struct sbx_loc hostname_loc, domainname_loc;

	struct {
		bool uid_set, gid_set; /* unset: the caller's id */
		uint32_t uid, gid;
		struct sbx_loc uid_loc, gid_loc;
		struct idmap_entry *uid_map, *gid_map; /* empty: default self map */
		size_t n_uid_map, n_gid_map;
	} user;

	struct {
		enum root_kind root;
		char *root_path; /* ROOT_DIR */
		bool root_rw;
		struct sbx_loc root_loc;
		struct mount_entry *mounts;
		size_t n_mounts;
	} fs;

	struct {
		bool clear; /* default true */
		char **keep;
		size_t n_keep;
		struct env_var *set; /* unique names, in first-set order */
		size_t n_set;
	} env;

	struct rlimit_entry rlimits[_RLIM_MAX];

	/* cgroup: 0 / NULL = unset. Each key's line, for the compiler's messages. The compiler
	 * checks what depends on the machine or on other keys (memory_swap >= memory, cpus and
	 * cpuset against the CPUs online, devices). */
	struct {
		uint64_t memory;      /* bytes */
		bool memory_swap_set; /* memory_swap given: memory plus swap, 0 = no swap */
		uint64_t memory_swap; /* bytes of memory + swap (v1's memsw), 0 = none */
		uint64_t pids;
		uint32_t cpus_milli;		   /* cpus x 1000 (0.5 -> 500) */
		uint32_t cpu_weight;		   /* 1-10000 */
		char *cpuset;			   /* a CPU list, "0-3,6" */
		uint32_t io_weight;		   /* 1-10000 */
		struct cgroup_io_limit *io_limits; /* appended across files, like mounts */
		size_t n_io_limits;
		char *parent;  /* absolute cgroup path under each hierarchy, no ".." */
		bool optional; /* default false */
		struct sbx_loc memory_loc, memory_swap_loc, pids_loc, cpus_loc, cpu_weight_loc,
		    cpuset_loc, io_weight_loc, parent_loc, optional_loc;
	} cgroup;

	/* network. Addresses are in network byte order, with their prefix length apart. The
	 * loader checks each value on its own (an address with its prefix, 8-30, neither the
	 * subnet's network nor its broadcast address) and forwards twice the same; what depends
	 * on the mode or on another key (address in the gateway's subnet, keys of another mode,
	 * bridge needing root) is the compiler's (sys/net/check.c). A key was given when its
	 * location's file is set. */
	struct {
		enum net_mode mode;	       /* default NET_NONE */
		char bridge[PROFILE_IFNAMSIZ]; /* bridge: the host bridge; default "sbx0" */
		struct in_addr gateway;	       /* bridge: the bridge's own address; 10.88.0.1 */
		uint8_t gateway_prefix;	       /* ... and the subnet's length; default 24 */
		bool address_auto;	       /* bridge: "auto" (default): allocated (IPAM) */
		struct in_addr address;	       /* bridge: eth0's address unless address_auto */
		uint8_t address_prefix;	       /* ... and its prefix length */
		uint32_t mtu;		       /* bridge, user: 68-65535; 0 = the default */
		bool nat;		       /* bridge: masquerade outbound; default false */
		bool bridge_ephemeral;	       /* bridge: remove a bridge sbx made; false */
		bool host_loopback;	       /* user: the host's 127.0.0.1 reachable; false */
		struct net_forward *forward;   /* a list: appended across files */
		size_t n_forward;
		struct sbx_loc mode_loc, bridge_loc, gateway_loc, address_loc, mtu_loc, nat_loc,
		    bridge_ephemeral_loc, host_loopback_loc;
	} net;

	struct {
		bool no_new_privs; /* default true */
		uint64_t caps;	   /* bit = CAP_* number; default none */
		struct sbx_loc caps_loc;
		struct profile_seccomp seccomp;
		struct profile_landlock landlock;
	} security;

	struct {
		char *cwd; /* NULL = "/" */
		struct sbx_loc cwd_loc;
		bool die_with_parent; /* default true */
		bool new_session;     /* default true */
		uint64_t time_limit;  /* seconds; 0 = none */
		struct sbx_loc time_limit_loc;
		uint64_t setup_timeout; /* seconds; 0 = none; default 30 */
		struct sbx_loc setup_timeout_loc;
		int init; /* -1 = default (on with a pid namespace), 0, 1 */
		struct sbx_loc init_loc;
		int umask; /* -1 = inherit */
	} process;
};

/* Parent. A profile holding SPEC.md's defaults and nothing else; NULL on out-of-memory. */
struct profile *profile_new(void);
struct profile *profile_free(struct profile *p);
void profile_freep(struct profile **p);

/* Parent. The directory searched last for a profile NAME, after the search path, and never for
 * "default", whose last resort is the built-in profile compiled from that very directory: the
 * source tree's profiles/ when sbx runs from its build (main.c). NULL: none. */
int profile_set_source_dir(struct profile *p, const char *dir, struct sbx_err *err);

/* Parent. Replace the list of directories searched for profile NAMEs. */
int profile_set_search_path(struct profile *p, const char *const *dirs, size_t n,
			    struct sbx_err *err);

/* Parent. Apply the profile FILE or NAME (SPEC.md §1 lookup; "default" falls back to the
 * built-in profile) onto @p, its includes first. A file already applied onto @p, by an
 * include or an earlier call, is not applied again. Records every problem found in @err and
 * returns the first one's code. */
int profile_load(struct profile *p, const char *file_or_name, struct sbx_err *err);

/* Parent. Apply profile text onto @p; @name is used in locations. */
int profile_load_string(struct profile *p, const char *text, const char *name, struct sbx_err *err);

/* Parent. Convenience for tests: profile_new() + profile_load_string(); *ret_p is set even
 * on a profile error so callers can inspect it, and must be freed. */
int profile_parse_string(const char *text, const char *name, struct profile **ret_p,
			 struct sbx_err *err);

/* A setting for profile_render_sets() written as given: @text is its value, comments and all. */
struct profile_verbatim {
	const char *key; /* dotted: "security.seccomp.allow" */
	const char *text;
};

/* Parent (--learn's OUT.cfg). Write to @out the settings of @sets (each "KEY=VALUE"
 * as --set takes it, in order) merged as later profiles merge over earlier ones, then @v
 * (replacing any setting of the same name), as profile text with each group once. 0, or the
 * first error with @err set. */
int profile_render_sets(const char *const *sets, size_t n_sets, const struct profile_verbatim *v,
			size_t n_v, FILE *out, struct sbx_err *err);

/* Parent. Apply one `--set KEY=VALUE` (KEY dotted, e.g. cgroup.memory). VALUE is read as a
 * libconfig value, or as a string when it is not one. Locations name "--set". */
int profile_set(struct profile *p, const char *key_value, struct sbx_err *err);
/* Parent. The same, for a CLI shortcut: @origin ("--cwd /srv") names it in messages and in the
 * locations of the steps it causes. */
int profile_set_as(struct profile *p, const char *key_value, const char *origin,
		   struct sbx_err *err);

/* Parent. Append a mount as the CLI shortcuts do (--bind, --ro-bind, --tmpfs). @spec is
 * "SRC[:DST]" for binds and "DST" for tmpfs. */
int profile_add_cli_mount(struct profile *p, enum mount_type type, bool rw, const char *spec,
			  struct sbx_err *err);

/* Parent. Append a forward as --forward does: @spec is "[ADDR:]HOST:SANDBOX[/tcp|/udp]".
 * Errors are located at the option as typed ("--forward 8080:80/sctp"). */
int profile_add_cli_forward(struct profile *p, const char *spec, struct sbx_err *err);

/* Helpers shared with the compiler: names of enum values, for messages and the plan. */
const char *profile_ns_name(enum sbx_ns ns);
const char *profile_mount_type_name(enum mount_type t);
const char *profile_rlimit_name(enum rlimit_res r);
const char *profile_net_mode_name(enum net_mode m);
const char *profile_net_proto_name(enum net_proto proto);

/* "FILE:LINE", "FILE" for a command-line option (line 0), or "the default" for an unset
 * location, into @buf; returns @buf. */
#define PROFILE_LOC_TEXT 160
const char *profile_loc_text(const struct sbx_loc *loc, char *buf, size_t size);
const char *profile_seccomp_action_name(enum seccomp_action a); /* NULL for UNSET */
/* "==", "<=", ...: @op as a condition writes it (MASKED_EQ's "==" after "aN & MASK"). */
const char *profile_seccomp_op_text(enum seccomp_op op);

/* Capability name ("net_bind_service", any case, optional "cap_" prefix) -> CAP_* number, or
 * -EINVAL; and back (lower case, no prefix; NULL when unknown). */
int profile_cap_from_name(const char *name);
const char *profile_cap_name(unsigned cap);

/* Parse "256M"/"1G"/1024 and "90s"/"2m"/"1h"/30; 0 or -EINVAL/-ERANGE. */
int profile_parse_size(const char *s, uint64_t *ret);
int profile_parse_duration(const char *s, uint64_t *ret);

/* The built-in default profile's text (profiles/default.cfg, embedded at build time). */
extern const char profile_builtin_default[];
