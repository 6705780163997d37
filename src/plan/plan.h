/* plan.h — the compiled, ordered setup plan: typed steps, each run by one side.
 *
 * The plan is built before clone() and read-only afterwards (PREPARE steps may store fds in
 * their own step). Every string a step points at is owned by the plan (plan_strdup()). */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/err.h"
#include "util/wait.h"

/* The phases, in the order they run (STYLE.md §7). The plan is one bucket per phase, in this
 * order; plan_add() appends a step to its kind's bucket. */
enum step_phase {
	PHASE_PREPARE,	 /* parent, before clone() */
	PHASE_PARENT,	 /* parent, after clone(), while the child waits */
	PHASE_BESIDE,	 /* parent, once the child is released: helpers running beside it */
	PHASE_ROOT,	 /* child: building the new root, up to pivot_root */
	PHASE_SETUP,	 /* child: after pivot_root (names, limits, ids, caps), ends in init */
	PHASE_COMMAND,	 /* the process that becomes the command: last words, then execve */
	PHASE_SUPERVISE, /* parent, until the command is gone */
	_PHASE_MAX,
};

/* Does a step of phase @p run in the child (the sandbox's side of clone())? */
static inline bool phase_in_child(enum step_phase p)
{
	return p == PHASE_ROOT || p == PHASE_SETUP || p == PHASE_COMMAND;
}

/* The kinds of step, one per line of steps.def (which says who runs each and what it does). */
enum step_kind {
#define STEP(kind, name, phase, run, describe, hint) STEP_##kind,
#include "plan/steps.def"
#undef STEP
	_STEP_KIND_MAX,
};

/* Mount attributes, as mount_setattr(2)'s MOUNT_ATTR_* (kept numeric so plan.h stays small). */
#define STEP_ATTR_RDONLY 0x00000001u
#define STEP_ATTR_NOSUID 0x00000002u
#define STEP_ATTR_NODEV 0x00000004u
#define STEP_ATTR_NOEXEC 0x00000008u
#define STEP_ATTR_RELATIME 0x00000000u
#define STEP_ATTR_NOATIME 0x00000010u
#define STEP_ATTR_STRICTATIME 0x00000020u
#define STEP_ATTR_NODIRATIME 0x00000080u
#define STEP_ATTR_NOSYMFOLLOW 0x00200000u

struct step_mount {
	const char *src;	  /* absolute host path (bind, root dir) */
	const char *dst;	  /* absolute path inside the new root */
	const char *target;	  /* symlink target */
	const char *const *lower; /* overlay lower dirs, host paths, topmost first */
	size_t n_lower;
	const char *upper, *work; /* overlay; NULL upper = ephemeral; never through a symlink */
	/* A prefix of src (bind, root) or of each lower (NULL array: none) below which no symlink
	 * is followed, as it lies in a directory the sandbox can write; NULL = none. */
	const char *src_base;
	const char *const *lower_base;
	const char *content; /* file */
	size_t content_len;
	uint64_t size;	/* tmpfs size in bytes; 0 = default */
	unsigned mode;	/* tmpfs, file, dir, root */
	unsigned attr;	/* STEP_ATTR_* applied to the mount */
	bool recursive; /* bind */
	bool optional;	/* bind, overlay: a missing source skips the step */
	bool rw;	/* root: leave writable */
	int root_kind;	/* STEP_MOUNT_ROOT: enum root_kind */
};

/* The cgroup steps (src/sys/cgroup/cgroup.c). */
struct step_cgroup {
	int version;	       /* 1 or 2 */
	const char *hierarchy; /* for the plan: "memory", "cpu,cpuacct"; v2 "cgroup2" */
	const char *dir;       /* the sandbox's cgroup directory (create, attach, kill) */
	const char *file;      /* cgroup-set: the file's full path */
	const char *value;     /* cgroup-set: what is written */
	bool enter_self;       /* cgroup-create: sbx moves itself in (the v2 leaf) */
	bool release;	       /* cgroup-attach: the last one; tell the child (cgroup-wait) */
	/* cgroup-end: the files its counters come from, NULL where absent. */
	const char *oom_file;  /* v2 memory.events, v1 memory.oom_control: "oom_kill N" */
	const char *peak_file; /* v2 memory.peak, v1 memory.max_usage_in_bytes */
	const char *pids_file; /* pids.events: "max N" */
	const char *cpu_file;  /* cpu.stat: v2 throttled_usec, v1 throttled_time (ns) */
	uint64_t memory_limit; /* for the message when the limit kills the command */
};

/* The seccomp step (src/sys/filter/): the BPF program compiled before clone(), plan-owned,
 * and what --plan shows of the profile behind it. */
struct sock_filter;
struct step_seccomp {
	const struct sock_filter *insns;
	size_t n_insns;
	unsigned flags; /* seccomp(2)'s SECCOMP_FILTER_FLAG_* */
	/* "allow", "errno(EPERM)", "kill", ...; each of these and preset ends in "@FILE:LINE"
	 * when its setting is not at the step's own line */
	const char *default_action, *deny_action;
	const char *preset;	/* "default" or "none" */
	const char *errno_name; /* "EACCES@FILE:LINE" when set off the step's line, else NULL */
	const char *const *allow, *const *deny; /* "name@FILE:LINE", as written */
	const char *const *rules;		/* "socket(a0==2)=errno(EPERM)@FILE:LINE" */
	const char *const *base; /* always allowed, as default_action denies (or NULL) */
	size_t n_allow, n_deny, n_rules, n_base;
	/* Learn mode: the message that passes the filter's listener to sbx (plan-owned, filled
	 * in by the child; the program lets exactly this sendmsg() through); NULL otherwise. */
	void *learn;
};

/* One allow or deny entry of the profile, as learn mode copies it into OUT.cfg. */
struct learn_entry {
	const char *name; /* "keyctl" or "@keyring" */
	struct sbx_loc loc;
};

/* The learn-write step (src/sys/filter/learn.c): where the learned profile goes, the profiles
 * it includes, and what it keeps or drops of theirs: their allow and deny lists (which it
 * replaces) and the syscalls an argument rule names (which allow can't lift). */
struct step_learn {
	const char *out;	    /* OUT.cfg, as given */
	const char *const *include; /* the profiles given, as OUT.cfg names them */
	size_t n_include;
	const struct learn_entry *allow, *deny, *ruled;
	size_t n_allow, n_deny, n_ruled;
	/* The command line's settings, carried into OUT.cfg: each "KEY=VALUE" and the option as
	 * typed; and the options that could not be (mounts), named in a note. */
	const char *const *sets, *const *set_origins, *const *dropped;
	size_t n_sets, n_dropped;
};

struct step_exec {
	const char *const *paths; /* candidates to execve, in order (PATH search done at compile) */
	size_t n_paths;
	char *const *argv;
	char *const *envp;
	const char *name; /* argv[0] as the user gave it, for messages */
	bool empty_root;  /* the root holds nothing (a tmpfs, no mounts): said when not found */
};

/* One path of security.landlock's sets (landlock.c), for the runner. */
struct landlock_path {
	const char *path; /* inside the sandbox, opened O_PATH after pivot_root */
	uint64_t access;  /* LANDLOCK_ACCESS_FS_* granted beneath it, within the handled ones */
	/* The hint when it fails: " (security.landlock.write: /srv: ...)", for a missing path
	 * and for any other error. */
	const char *hint_missing, *hint_other;
};

/* The landlock step: one ruleset, its rules, restrict_self (landlock.c). */
struct step_landlock {
	int abi;			   /* Landlock ABI found when compiling; 0: none */
	bool required;			   /* a feature this ABI lacks is an error, not left out */
	uint64_t handled_fs;		   /* LANDLOCK_ACCESS_FS_* the ruleset restricts */
	uint64_t handled_net;		   /* LANDLOCK_ACCESS_NET_*: only the port lists given */
	const struct landlock_path *paths; /* read, then write, then execute */
	size_t n_paths;
	const uint16_t *bind_tcp, *connect_tcp;
	size_t n_bind_tcp, n_connect_tcp;
	/* For the plan: each set as given (NULL: not given), the ports as text. */
	const char *const *read, *const *write, *const *execute;
	size_t n_read, n_write, n_execute;
	const char *const *bind_text, *const *connect_text;
	const char *const *left_out; /* what this ABI lacks that the profile asks ("truncate"), */
	size_t n_left_out;	     /* or "all" without Landlock */
};

/* Bridge and user mode's steps (src/sys/net/): what the profile's network section says, checked,
 * plus what the compiler found (the helper's command line). Addresses in network byte order. */
struct nft_forward;
struct step_net {
	const char *bridge;  /* bridge mode: the host bridge */
	uint32_t gateway;    /* the bridge's address */
	unsigned prefix;     /* the subnet's length */
	uint32_t address;    /* eth0's static address; 0 with address = "auto" */
	unsigned mtu;	     /* 0: the default */
	bool nat, ephemeral; /* masquerade; remove a bridge this run made */
	bool localnet;	     /* a forward from 127.0.0.0/8 or 0.0.0.0: route_localnet */
	bool ip_forward;     /* nat or a forward from outside: net.ipv4.ip_forward = 1 */
	const struct nft_forward *forwards;
	size_t n_forwards;
	const char *const *forward_text; /* "tcp 127.0.0.1:8080->80", for the plan */
	/* User mode (usernet.c): the helper, its command line as --plan shows it, and the
	 * slirp4netns API requests (one per forward) sent once it is ready. */
	const char *helper;	 /* "pasta" or "slirp4netns" */
	int helper_kind;	 /* enum usernet_helper */
	const char *helper_path; /* absolute */
	const char *const *argv;
	size_t argc;
	const char *const *api;
	size_t n_api;
};

struct step {
	enum step_kind kind;
	enum step_phase phase; /* its bucket: the kind's phase, or another one on the same side */
	struct sbx_loc loc;    /* profile line that asked for it; file NULL = built in / CLI */
	union {
		struct {
			unsigned ns;	     /* NS_BIT() set */
			unsigned long flags; /* CLONE_NEW* */
			const char *cgroup;  /* v2 directory to clone into, NULL = none */
		} clone;
		struct step_cgroup cgroup;
		struct step_net net;
		struct {
			const char *file; /* "uid_map" or "gid_map" */
			const char *text; /* full map text, lines "inside outside count\n" */
		} idmap;
		struct {
			const char *prog;	 /* "newuidmap" or "newgidmap" (found at compile) */
			const char *const *args; /* triples after the pid, NULL-terminated */
		} helper;
		struct step_mount mnt;
		struct {
			const char *name;
		} uts;
		struct {
			const void *msg; /* a complete netlink request built with libmnl */
			size_t len;
			unsigned ifindex;
			bool enter_userns; /* STEP_NETNS_CREATE: in the sandbox's user namespace */
			/* STEP_NETNS_CREATE, NETNS_READY: the helper passes the namespace to
			 * the parent too, which plumbs it (bridge, user mode) and then gives the
			 * child the word that the network is ready */
			bool plumb;
		} netlink;
		struct {
			int resource; /* RLIMIT_* */
			uint64_t cur, max;
			bool unlimited;
		} rlimit;
		struct {
			uint32_t uid, gid;
			bool set_groups; /* setgroups(0, NULL) when allowed */
		} ids;
		struct {
			uint64_t keep; /* CAP_* bits kept */
			bool ambient;  /* raise them as ambient (non-root uid inside) */
		} caps;
		struct {
			unsigned mask;
		} umask;
		struct {
			const char *path;
		} chdir;
		struct {
			bool enable;
		} pdeath;
		struct step_exec exec;
		struct step_seccomp seccomp;
		struct step_landlock landlock;
		struct step_learn learn;
		struct {
			void *stack; /* STEP_INIT: the command's stack until it execs, plan-owned */
			size_t stack_size;
		} init;
		struct {
			unsigned fds; /* STEP_PIPES: bit N = fd N (0-2) gets a pipe */
		} pipes;
		struct {
			uint64_t time_limit_ms;	   /* 0 = none; counted from clone() */
			uint64_t setup_timeout_ms; /* 0 = none: the longest clone..exec may take */
			bool tty;		   /* relay the sandbox's pty */
			unsigned pipes;		   /* relay these pipes (bit N = fd N) */
			bool has_init;		   /* the direct child is sbx's init, which reports
						    * the command's status before it ends */
		} supervise;
	};
};

/* The one list of the signals sbx passes on to the command (STEP_SUPERVISE, and pid 1 to the
 * command inside). Sent to sbx before the command has started, the first group ends the setup
 * instead (exit 128+N); the job-control pair is forwarded too, and followed (a stopped command
 * stops sbx where a shell would see it). pid 1 also passes on SIGWINCH. */
#define SBX_FORWARDED_SIGNALS SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2
#define SBX_JOB_SIGNALS SIGTSTP, SIGCONT

/* A piece of the caller's memory that pid 1 wipes: the argument and environment strings, which
 * /proc/PID/cmdline and /proc/PID/environ would otherwise show inside. */
struct mem_span {
	char *start;
	size_t len;
};

/* The channels between the parent, the child (pid 1 and the command's steps) and the netns
 * helper: pipes and socket pairs opened before clone(), one end each side's. */
enum channel {
	CH_SYNC,   /* pipe, parent -> child: one byte = go */
	CH_REPORT, /* pipe, child -> parent: struct child_report records */
	CH_TTY,	   /* socket pair: the child passes its pty master or pipe ends to the parent */
	CH_NET,	   /* socket pair: the netns helper (parent side) passes the namespace */
	CH_STATUS, /* pipe, pid 1 -> parent: the command's stops and status */
	CH_CGROUP, /* pipe, parent -> child: one byte = the child is in its v1 cgroup */
	CH_LEARN,  /* socket pair: --learn's seccomp step passes the filter's listener to sbx */
	_CH_MAX,
};
enum run_side { SIDE_PARENT, SIDE_CHILD };
#define RUN_CHANNELS_NONE                                                                          \
	{                                                                                          \
		{-1, -1}, {-1, -1}, {-1, -1}, {-1, -1}, {-1, -1}, {-1, -1},                        \
		{                                                                                  \
			-1, -1                                                                     \
		}                                                                                  \
	}

/* What --stats reports; the cgroup's counters only when the sandbox has a cgroup. */
struct run_stats {
	uint64_t wall_ms, user_ms, sys_ms, maxrss_kib;
	bool has_cgroup;
	bool has_peak, has_oom, has_pids, has_cpu; /* which cgroup counters were read */
	uint64_t memory_peak, oom_kills, refused_forks, throttled_us;
};

struct run_ctx;
struct learn_log;
struct usernet;

/* Something a parent runner leaves for the end of the run, whatever way the run ends (a
 * cgroup directory to empty and remove): the executor calls them last to first. */
struct run_undo {
	void (*fn)(const struct step *s, struct run_ctx *ctx);
	const struct step *s;
};
#define RUN_UNDO_MAX 16

/* A page the child shares with the parent and writes without a syscall: the step it is running
 * (for the setup timeout's message and a death's), and its failure, which reaches the parent
 * this way even when the seccomp filter keeps the child from writing its report. */
struct run_progress {
	uint32_t step;
	uint32_t fail_step; /* when fail_code < 0 */
	int32_t fail_code;
	uint32_t fail_item;
};

/* The run context a step runner gets. The parent and the child each have their own copy;
 * the child's lives on its stack and only holds ints. */
struct run_ctx {
	const struct plan *plan;
	size_t index;	      /* index of the step being run */
	pid_t child;	      /* parent: the cloned child's pid (host pid ns) */
	enum run_side side;   /* which side this copy is on: its channel ends are ch[][side] */
	int ch[_CH_MAX][2];   /* [channel][side]: each side closes the other's ends after clone */
	int root_fd;	      /* child: O_PATH fd of /newroot while mounts are built */
	int verbose;	      /* -1 quiet, 0 normal, 1 verbose */
	int status;	      /* parent: wait status of the command, set by STEP_SUPERVISE */
	bool stats;	      /* parent: print --stats */
	bool stats_json;      /* parent: --stats=json */
	struct sbx_err *err;  /* parent only: where parent-side runners record failures */
	pid_t parent;	      /* sbx's pid, stored by the clone runner for the child's check */
	int pidfd;	      /* parent: pidfd of the child from clone3(), -1 without one */
	pid_t net_helper;     /* parent: the STEP_NETNS_CREATE helper, until reaped */
	int net_plumb_fd;     /* parent: the helper passes it the netns (bridge, user mode) */
	uint32_t net_address; /* parent: bridge mode's address, once net-address has run */
	struct usernet *net_user;      /* parent: user mode's pasta or slirp4netns, until stopped */
	sigset_t sigmask;	       /* the caller's signal mask: the child restores it at once */
	struct wait_guard guard;       /* parent: signals and deadline that cut the setup short */
	int time_limit_fd;	       /* parent: timerfd of process.time_limit, armed at clone() */
	struct run_progress *progress; /* shared page the child writes, see below */
	const struct mem_span *scrub;  /* child: the caller's argv/environ strings, to wipe */
	size_t n_scrub;
	/* Where the cloned child goes at once (the executor's child_main()): the clone runner
	 * calls it, so no subsystem depends on the executor. */
	void (*child_entry)(struct run_ctx *ctx); /* never returns */
	/* Parent: what --stats prints, filled by the supervise and cgroup-end steps; the
	 * executor prints it once every step is done. */
	struct run_stats stat;
	struct run_undo undo[RUN_UNDO_MAX];
	size_t n_undo;
	/* Child: a runner that fails on one of its step's several objects (a landlock path)
	 * names it here, 1-based; the failure record carries it to the step's hint. */
	uint32_t fail_item;
	/* Parent: --learn's record of the syscalls the filter would have denied (the
	 * seccomp-learn step's, served through guard.serve); NULL without --learn. */
	struct learn_log *learn;
	/* Parent: what the learn-write step wrote, for the executor to say once every step is
	 * done: OUT.cfg (NULL: nothing written yet) and how many syscalls it allows that the
	 * profiles did not. */
	struct {
		const char *out;
		size_t n_allowed;
	} learned;
};

/* Parent. Register @fn(@s, ctx) for the end of the run; -ENOSPC when the list is full. */
int run_undo_push(struct run_ctx *ctx, void (*fn)(const struct step *s, struct run_ctx *ctx),
		  const struct step *s);

/* A step runner. Parent runners record a message in ctx->err; child runners return -errno
 * only (the parent turns the failing step into a message). */
typedef int (*step_run_fn)(const struct step *s, struct run_ctx *ctx);

/* A hint appended to the message when step @s failed with @code (-errno), or "". @item: what
 * the failing child runner named in ctx->fail_item (1-based: which of its paths), 0 none. */
typedef const char *(*step_hint_fn)(const struct step *s, int code, uint32_t item);

/* The printer a describer writes a step's arguments to, as key/value pairs: the plan printer
 * (dump.c) makes them "key=value" text or JSON members, escaped, so the two outputs agree. */
struct plan_kv;
void plan_kv_str(struct plan_kv *k, const char *key, const char *value); /* NULL: left out */
void plan_kv_num(struct plan_kv *k, const char *key, uint64_t value);
void plan_kv_bool(struct plan_kv *k, const char *key, bool value);
void plan_kv_octal(struct plan_kv *k, const char *key, unsigned value);
void plan_kv_list(struct plan_kv *k, const char *key, const char *const *v, size_t n);

/* Parent. Writes the arguments of step @s (one of the describer's own kinds) to @k. */
typedef void (*step_describe_fn)(const struct step *s, struct plan_kv *k);

struct step_type {
	const char *name;
	enum step_phase phase;
	step_run_fn run;
	step_describe_fn describe;
	step_hint_fn hint; /* optional */
};

/* Parent or child. This side's end of channel @c, or -1 when it is not open. */
static inline int run_ch(const struct run_ctx *ctx, enum channel c)
{
	return ctx->ch[c][ctx->side];
}

/* The limits the caller runs with, as far as the compiler checks them. */
#define SBX_RLIMIT_N 16 /* RLIMIT_* are 0 .. RLIM_NLIMITS - 1 */
struct sbx_limits {
	uint64_t hard[SBX_RLIMIT_N]; /* hard limit by RLIMIT_*; UINT64_MAX = unlimited */
	uint64_t nr_open;	     /* fs.nr_open: the most RLIMIT_NOFILE may be, for anyone */
	bool raise_hard; /* may raise a hard limit: CAP_SYS_RESOURCE in the initial user ns */
};

struct cgroup_layout;

/* Who runs sbx and on what: everything the compiler needs besides the profile. */
struct sbx_caller {
	uid_t uid;
	gid_t gid;
	const char *user_name;	 /* for /etc/subuid lookups; NULL if unknown */
	bool stdin_tty;		 /* stdin is a terminal */
	bool stdout_tty;	 /* stdout is a terminal */
	bool stderr_tty;	 /* stderr is a terminal */
	char *const *argv;	 /* the command, NULL-terminated */
	char *const *environ;	 /* the caller's environment, for env.keep */
	const char *subuid_file; /* default /etc/subuid; tests point elsewhere */
	const char *subgid_file; /* default /etc/subgid */
	const char *helper_dir;	 /* where newuidmap/newgidmap live; NULL = search PATH */
	/* NULL: read with getrlimit() and /proc/sys/fs/nr_open (tests pass their own) */
	const struct sbx_limits *limits;
	/* The host's cgroup layout and CPUs online ("0-3"); NULL: read from /proc and /sys when
	 * the profile sets a cgroup limit (tests pass their own). */
	const struct cgroup_layout *cgroups;
	const char *cpus_online;
	pid_t pid; /* sbx's pid, naming its cgroup sbx-PID; 0: getpid() */
	/* The kernel's Landlock ABI: 0 detects it (landlock_create_ruleset's version query);
	 * tests fake one: N > 0 is ABI N, -1 a kernel without Landlock. Zero, so a caller
	 * initialized with {0} detects. */
	int landlock_abi;
	/* --learn OUT.cfg (NULL: not learning) and the profiles given (by name or path, in
	 * order; "default" when none was), which OUT.cfg includes. */
	const char *learn_out;
	const char *const *learn_include;
	size_t n_learn_include;
	/* The --set and shortcut settings as "KEY=VALUE" (learn_sets) and as typed, in order,
	 * which OUT.cfg carries; the mount options it can't (learn_dropped, as typed). */
	const char *const *learn_sets, *const *learn_set_origins, *const *learn_dropped;
	size_t n_learn_sets, n_learn_dropped;
};

/* A directory of the sandbox's cgroup (cgroup_plan_add), for the `cgroup` mount type. */
struct plan_cgroup_dir {
	const char *dir;  /* host path */
	const char *name; /* its name under the mount: v1 the hierarchy's ("memory"); v2 NULL */
};

struct plan {
	struct step *steps;
	size_t n_steps, cap_steps;
	void **owned; /* every allocation the steps point at */
	size_t n_owned, cap_owned;
	/* For the header of --plan. */
	uid_t caller_uid;
	gid_t caller_gid;
	const char *profile_names; /* "default" or "a.cfg + b.cfg" */
	/* Compile-time scratch shared between *_plan_add()s, owned by the plan. */
	char **envp;	  /* the command's environment (env_plan_add) */
	const char *path; /* PATH inside the sandbox, for the command lookup */
	bool has_init;	  /* process_plan_add decided on an init */
	/* userns_plan_add: the maps leave out the caller's uid or gid */
	bool caller_unmapped;
	/* userns_plan_add: setgroups(2) is denied in the namespace */
	bool setgroups_denied;
	/* cgroup_plan_add (first of the adders): the sandbox's cgroup directories, none when
	 * it has no cgroup; the v2 one the clone goes into (NULL: none, attach after clone). */
	const struct plan_cgroup_dir *cgroup_dirs;
	size_t n_cgroup_dirs;
	const char *clone_cgroup;
	const struct step *cgroup_end; /* the cgroup-end step cgroup_plan_add_end() adds */
	bool cgroup_left_out;	       /* cgroup.optional: the host can't, so no cgroup */
	/* Lines --plan prints under its header: what the plan leaves out and why. */
	const char *notes[4];
	size_t n_notes;
	/* The end of each phase's bucket in steps[] (bucket p is [end[p-1], end[p])). */
	size_t phase_end[_PHASE_MAX];
};

/* Parent. An empty plan; NULL on out-of-memory. */
struct plan *plan_new(void);
struct plan *plan_free(struct plan *plan);
void plan_freep(struct plan **plan);

/* Parent. Append a step of @kind at @loc (may be NULL) to the end of its phase's bucket; returns
 * it zeroed but for kind, phase and loc, or NULL on out-of-memory. The pointer is valid until
 * the next plan_add(). */
struct step *plan_add(struct plan *plan, enum step_kind kind, const struct sbx_loc *loc);

/* Parent. Like plan_add(), into the bucket of @phase instead of the kind's own: for a step
 * whose place depends on the profile (the netns join goes before a sysfs mount). @phase must be
 * on the kind's side (parent or child); NULL otherwise. */
struct step *plan_add_to(struct plan *plan, enum step_phase phase, enum step_kind kind,
			 const struct sbx_loc *loc);

/* Parent. Remove every step of the @n kinds in @kinds: for an adder that finds, after adding
 * its steps, that it must leave them all out (cgroup.optional). */
void plan_drop_kinds(struct plan *plan, const enum step_kind *kinds, size_t n);

/* Parent. Add a note line to the plan (printf); the note or NULL on out-of-memory. */
const char *plan_note(struct plan *plan, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Parent. The first step of @kind in @plan, or NULL: for the executor and tests, never for an
 * adder (no subsystem looks for another's steps). */
const struct step *plan_first(const struct plan *plan, enum step_kind kind);

/* Parent. Copies owned by the plan; NULL on out-of-memory. */
char *plan_strdup(struct plan *plan, const char *s);
void *plan_memdup(struct plan *plan, const void *p, size_t len);
void *plan_alloc(struct plan *plan, size_t len); /* zeroed */
/* A copy of @v's first @n strings as a NULL-terminated array, all owned by the plan. */
char **plan_strv(struct plan *plan, const char *const *v, size_t n);
/* printf into a plan-owned string. */
char *plan_printf(struct plan *plan, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Where the executor's phases start and end in a plan: [PARENT: CLONE ...] [BESIDE...]
 * [ROOT... SETUP... (INIT last)] [COMMAND... ending in EXEC] [SUPERVISE...], after [PREPARE...].
 * The child is released (the go byte) before the first BESIDE step; [first_child, end_child)
 * is the child's, and the steps from @command on run in the process that becomes the command. */
struct plan_shape {
	size_t clone;	    /* index of STEP_CLONE */
	size_t release;	    /* where the child is released: the first BESIDE step */
	size_t first_child; /* the child's steps are [first_child, end_child) */
	size_t command;	    /* the first COMMAND step */
	size_t end_child;
};

/* Parent. Check that @plan has the shape above and fill *ret; -EINVAL with @err set otherwise
 * (an internal error: the compiler always produces that shape). */
int plan_shape(const struct plan *plan, struct plan_shape *ret, struct sbx_err *err);

/* The row of the step table for @kind. */
const struct step_type *plan_step_type(enum step_kind kind);

/* Parent. Print the plan as text or JSON to @out (a FILE *, void to keep stdio out of here). */
enum plan_format { PLAN_TEXT, PLAN_JSON };
int plan_dump(const struct plan *plan, enum plan_format fmt, void *out);

/* Parent. A one-line description of step @s ("mount-bind src=/usr dst=/usr ... flags=ro"):
 * every control character, DEL, C1 control and byte that is not UTF-8 in a string is escaped,
 * so nothing in it acts on a terminal. plan_describe_print() writes all of it to @out (a FILE *:
 * --plan text, the -v log); plan_describe() fills @buf for a fixed-size error record and ends
 * it in "..." when it had to cut it. */
void plan_describe_print(const struct step *s, void *out);
void plan_describe(const struct step *s, char *buf, size_t size);

/* Parent. Step @i as --plan prints it, without the newline: its number, side, description and
 * the "# FILE:LINE" that asked for it. The -v log writes the same after the duration. */
void plan_print_step(const struct plan *plan, size_t i, void *out);
