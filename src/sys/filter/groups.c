/* groups.c — the seccomp groups and the default preset, as data (--list-seccomp, sbx.cfg(5)).
 *
 * A group lists syscalls of every architecture libseccomp knows; the compiler resolves each
 * name for the running one and skips the names it lacks. A member "@name" is another group. */
#include "sys/filter/tables.h"

#include <linux/sched.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const mount_m[] = {"chroot",	    "fsconfig",	  "fsmount",	"fsopen",
				      "fspick",	    "mount",	  "mount_setattr", "move_mount",
				      "open_tree",  "pivot_root", "umount",	"umount2"};
static const char *const module_m[] = {"create_module", "delete_module", "finit_module",
				       "init_module"};
static const char *const reboot_m[] = {"kexec_file_load", "kexec_load", "reboot"};
static const char *const swap_m[] = {"swapoff", "swapon"};
static const char *const raw_io_m[] = {"ioperm",
				       "iopl",
				       "pciconfig_iobase",
				       "pciconfig_read",
				       "pciconfig_write",
				       "s390_pci_mmio_read",
				       "s390_pci_mmio_write"};
static const char *const clock_m[] = {"adjtimex",	 "clock_adjtime", "clock_adjtime64",
				      "clock_settime",	 "clock_settime64", "settimeofday",
				      "stime"};
static const char *const debug_m[] = {"kcmp",
				      "lookup_dcookie",
				      "perf_event_open",
				      "pidfd_getfd",
				      "process_madvise",
				      "process_vm_readv",
				      "process_vm_writev",
				      "ptrace",
				      "rtas",
				      "s390_runtime_instr",
				      "sys_debug_setcontext"};
static const char *const obsolete_m[] = {
    "_sysctl",	   "afs_syscall", "bdflush",	     "break",	    "create_module", "ftime",
    "get_kernel_syms", "getpmsg", "gtty",	     "idle",	    "lock",	     "mpx",
    "prof",	   "profil",	  "putpmsg",	     "query_module", "security",     "sgetmask",
    "ssetmask",	   "stime",	  "stty",	     "sysfs",	    "tuxcall",	     "ulimit",
    "uselib",	   "ustat",	  "vserver"};
static const char *const privileged_m[] = {
    "@clock",	   "@module",	     "@raw-io",	      "@reboot",    "@swap",   "acct",
    "bpf",	   "chroot",	     "fanotify_init", "nfsservctl", "open_by_handle_at",
    "pivot_root",  "quotactl",	     "quotactl_fd",   "setdomainname", "sethostname",
    "syslog",	   "vhangup"};
static const char *const keyring_m[] = {"add_key", "keyctl", "request_key"};
static const char *const cpu_emulation_m[] = {"modify_ldt", "subpage_prot", "switch_endian",
					      "vm86", "vm86old"};
/* "nice" (i386 only) is left out: that word names the nice rlimit, written once in src/. */
static const char *const resources_m[] = {
    "ioprio_set",	 "mbind",	       "migrate_pages",		 "move_pages",
    "prlimit64",	 "sched_setaffinity", "sched_setattr",		 "sched_setparam",
    "sched_setscheduler", "set_mempolicy",     "set_mempolicy_home_node", "setpriority",
    "setrlimit"};
static const char *const network_io_m[] = {
    "accept",	"accept4",  "bind",	  "connect", "getpeername", "getsockname",
    "getsockopt", "listen", "recv",	  "recvfrom", "recvmmsg",   "recvmmsg_time64",
    "recvmsg",	"send",	    "sendmmsg",	  "sendmsg", "sendto",	    "setsockopt",
    "shutdown", "socket",   "socketcall", "socketpair"};
static const char *const process_m[] = {
    "capget", "clone",	   "clone3",	"execve",	     "execveat",	  "fork",
    "getrusage", "kill",   "pidfd_open", "pidfd_send_signal", "prctl",		  "rt_sigqueueinfo",
    "rt_tgsigqueueinfo", "setns", "swapcontext", "tgkill", "times",	  "tkill",
    "unshare", "vfork",	   "wait4",	"waitid",	     "waitpid"};
static const char *const file_system_m[] = {
    "access",	     "chdir",	      "chmod",	      "close",	       "creat",
    "faccessat",     "faccessat2",    "fallocate",    "fchdir",	       "fchmod",
    "fchmodat",	     "fchmodat2",     "fcntl",	      "fcntl64",       "fgetxattr",
    "flistxattr",    "fremovexattr",  "fsetxattr",    "fstat",	       "fstat64",
    "fstatat64",     "fstatfs",	      "fstatfs64",    "ftruncate",     "ftruncate64",
    "futimesat",     "getcwd",	      "getdents",     "getdents64",    "getxattr",
    "inotify_add_watch", "inotify_init", "inotify_init1", "inotify_rm_watch", "lgetxattr",
    "link",	     "linkat",	      "listxattr",    "llistxattr",    "lremovexattr",
    "lsetxattr",     "lstat",	      "lstat64",      "mkdir",	       "mkdirat",
    "mknod",	     "mknodat",	      "newfstatat",   "oldfstat",      "oldlstat",
    "oldstat",	     "open",	      "openat",	      "openat2",       "readlink",
    "readlinkat",    "removexattr",   "rename",	      "renameat",      "renameat2",
    "rmdir",	     "setxattr",      "stat",	      "stat64",	       "statfs",
    "statfs64",	     "statx",	      "symlink",      "symlinkat",     "truncate",
    "truncate64",    "unlink",	      "unlinkat",     "utime",	       "utimensat",
    "utimensat_time64", "utimes"};
static const char *const io_uring_m[] = {"io_uring_enter", "io_uring_register",
					 "io_uring_setup"};
static const char *const namespaces_m[] = {"setns", "unshare"};

const struct filter_group filter_groups[] = {
    {"@mount", "mount, unmount, move or open a filesystem; change the root", mount_m,
     N(mount_m)},
    {"@module", "load or unload kernel modules", module_m, N(module_m)},
    {"@reboot", "reboot the machine or boot another kernel (kexec)", reboot_m, N(reboot_m)},
    {"@swap", "turn swap space on or off", swap_m, N(swap_m)},
    {"@raw-io", "direct access to I/O ports and PCI configuration", raw_io_m, N(raw_io_m)},
    {"@clock", "set or adjust the system clock", clock_m, N(clock_m)},
    {"@debug", "trace, inspect or write other processes (ptrace, perf, process_vm_*)", debug_m,
     N(debug_m)},
    {"@obsolete", "syscalls no current program uses, kept by the kernel for old binaries",
     obsolete_m, N(obsolete_m)},
    {"@privileged", "need a capability a sandbox doesn't normally hold", privileged_m,
     N(privileged_m)},
    {"@keyring", "the kernel's key retention service (shared beyond the sandbox)", keyring_m,
     N(keyring_m)},
    {"@cpu-emulation", "legacy CPU modes: segment tables, vm86, endianness", cpu_emulation_m,
     N(cpu_emulation_m)},
    {"@resources", "change scheduling, priorities, memory policy or resource limits",
     resources_m, N(resources_m)},
    {"@network-io", "sockets: create, connect, send and receive", network_io_m,
     N(network_io_m)},
    {"@process", "create, run, signal and wait for processes", process_m, N(process_m)},
    {"@file-system", "open, stat, create, rename and remove files and directories",
     file_system_m, N(file_system_m)},
    {"@io-uring", "io_uring: asynchronous I/O beside the syscall path", io_uring_m,
     N(io_uring_m)},
    {"@namespaces", "join or create namespaces (clone's namespace flags: see the preset)",
     namespaces_m, N(namespaces_m)},
};
const size_t filter_n_groups = N(filter_groups);

/* clone(2)'s namespace flags, each its own rule: a filter compares, it can't test "any bit".
 * CLONE_NEWTIME is left out: in clone()'s flags that bit is part of the exit signal, and a
 * time namespace can only be made with unshare() or clone3(), both denied here. */
static const struct seccomp_cond clone_ns[] = {
    {FILTER_CLONE_FLAGS_ARG, SCMP_OP_MASKED_EQ, CLONE_NEWNS, CLONE_NEWNS},
    {FILTER_CLONE_FLAGS_ARG, SCMP_OP_MASKED_EQ, CLONE_NEWCGROUP, CLONE_NEWCGROUP},
    {FILTER_CLONE_FLAGS_ARG, SCMP_OP_MASKED_EQ, CLONE_NEWUTS, CLONE_NEWUTS},
    {FILTER_CLONE_FLAGS_ARG, SCMP_OP_MASKED_EQ, CLONE_NEWIPC, CLONE_NEWIPC},
    {FILTER_CLONE_FLAGS_ARG, SCMP_OP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER},
    {FILTER_CLONE_FLAGS_ARG, SCMP_OP_MASKED_EQ, CLONE_NEWPID, CLONE_NEWPID},
    {FILTER_CLONE_FLAGS_ARG, SCMP_OP_MASKED_EQ, CLONE_NEWNET, CLONE_NEWNET},
};

/* ioctl's request is an unsigned int: compare the low 32 bits only, whatever the rest holds. */
static const struct seccomp_cond tty_inject[] = {
    {1, SCMP_OP_MASKED_EQ, 0x5412 /* TIOCSTI */, 0xffffffffu},
    {1, SCMP_OP_MASKED_EQ, 0x541C /* TIOCLINUX */, 0xffffffffu},
};

/* The default preset: what ordinary programs never need. Each line's reason is what
 * --list-seccomp and sbx.cfg(5) print. */
const struct filter_preset_entry filter_preset_default[] = {
    {"@module", FILTER_DENY, NULL, 0, 0, "loading code into the kernel"},
    {"@reboot", FILTER_DENY, NULL, 0, 0, "rebooting, or replacing the running kernel (kexec)"},
    {"@swap", FILTER_DENY, NULL, 0, 0, "swap is the host's"},
    {"mount", FILTER_DENY, NULL, 0, 0, "mounts: the sandbox's tree is made before it starts"},
    {"umount2", FILTER_DENY, NULL, 0, 0, "unmounting could uncover what a mount hides"},
    {"pivot_root", FILTER_DENY, NULL, 0, 0, "changing the root is the setup's job"},
    {"move_mount", FILTER_DENY, NULL, 0, 0, "the new mount API: moving mounts"},
    {"open_tree", FILTER_DENY, NULL, 0, 0, "the new mount API: cloning mount trees"},
    {"fsopen", FILTER_DENY, NULL, 0, 0, "the new mount API: making filesystems"},
    {"fsmount", FILTER_DENY, NULL, 0, 0, "the new mount API: mounting them"},
    {"fsconfig", FILTER_DENY, NULL, 0, 0, "the new mount API: configuring them"},
    {"fspick", FILTER_DENY, NULL, 0, 0, "the new mount API: reconfiguring mounts"},
    {"mount_setattr", FILTER_DENY, NULL, 0, 0, "changing mount flags (read-only, nosuid)"},
    {"unshare", FILTER_DENY, NULL, 0, 0, "new namespaces: each one is more kernel to attack"},
    {"setns", FILTER_DENY, NULL, 0, 0, "entering other namespaces"},
    {"clone", FILTER_DENY_IF, clone_ns, N(clone_ns), 0,
     "only with a CLONE_NEW* flag: new namespaces, as unshare"},
    {"clone3", FILTER_ENOSYS, NULL, 0, 0,
     "its flags lie behind a pointer no filter can read: ENOSYS, and libc falls back to "
     "clone"},
    {"ptrace", FILTER_DENY, NULL, 0, 0, "tracing other processes reads and writes them"},
    {"process_vm_readv", FILTER_DENY, NULL, 0, 0, "reading another process's memory"},
    {"process_vm_writev", FILTER_DENY, NULL, 0, 0, "writing another process's memory"},
    {"@keyring", FILTER_DENY, NULL, 0, 0, "kernel keyrings are not namespaced"},
    {"bpf", FILTER_DENY, NULL, 0, 0, "eBPF programs run in the kernel: a large attack surface"},
    {"perf_event_open", FILTER_DENY, NULL, 0, 0,
     "performance counters observe the machine and have a long bug history"},
    {"userfaultfd", FILTER_DENY, NULL, 0, 0, "stalls the kernel at a chosen page: exploit aid"},
    {"open_by_handle_at", FILTER_DENY, NULL, 0, 0, "opens files by handle, around the mounts"},
    {"name_to_handle_at", FILTER_DENY, NULL, 0, 0, "makes the handles open_by_handle_at takes"},
    {"iopl", FILTER_DENY, NULL, 0, 0, "I/O port access"},
    {"ioperm", FILTER_DENY, NULL, 0, 0, "I/O port access"},
    {"acct", FILTER_DENY, NULL, 0, 0, "process accounting is the host's"},
    {"quotactl", FILTER_DENY, NULL, 0, 0, "disk quotas are the host's"},
    {"quotactl_fd", FILTER_DENY, NULL, 0, 0, "disk quotas are the host's"},
    {"personality", FILTER_ONLY_VALUES, NULL, 0, FILTER_PERSONALITY_FREE,
     "only 0x0, 0x8 (PER_LINUX32), 0x20000 (UNAME26), 0x20008 and the query 0xffffffff: "
     "other flags turn off ASLR or make data executable"},
    {"ioctl", FILTER_DENY_IF, tty_inject, N(tty_inject), 0,
     "only TIOCSTI and TIOCLINUX: they type into a terminal outside"},
    {"@clock", FILTER_DENY, NULL, 0, 0, "the clock is the host's"},
    {"syslog", FILTER_DENY, NULL, 0, 0, "the kernel log is the host's"},
    {"vhangup", FILTER_DENY, NULL, 0, 0, "hangs up the terminal"},
    {"@io-uring", FILTER_DENY, NULL, 0, 0,
     "io_uring is a frequent escape path; allow = [ \"@io-uring\" ] brings it back"},
};
const size_t filter_n_preset_default = N(filter_preset_default);
