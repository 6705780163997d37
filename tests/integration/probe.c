/* probe.c — a tiny static helper the integration tests run inside sandboxes.
 *
 * The sandboxes the tests build hold no shell or coreutils, so every observation goes through
 * this one binary: `probe SUBCOMMAND [ARG...]`. Results go to stdout, one value per line. A
 * failing system call prints the errno name (EROFS, EPERM, ...) and exits 1, so a test can
 * tell "the kernel said no" from "the probe is broken" (exit 2, usage).
 *
 *   ids, names:  uid  hostname  domainname  pid  ppid  sid  cwd  umask  isatty  tty
 *   files:       ls DIR  cat FILE  stat PATH  readlink PATH  write FILE TEXT  mkdir DIR
 *                remount-rw DIR  open-dev PATH
 *   process:     status FIELD  limits  rlimit NAME  env  getenv NAME  procs
 *   ipc, net:    msgq-exists KEY  ifaces  loopback  bind-tcp PORT
 *   ending:      exit N  kill-self SIG  crash  sleep SECS [TAG]  trap SIG  trap-term
 *   quotas:      alloc SIZE  forks N [FILE]  spin SECS
 *   terminal:    tiocsti [TEXT]
 *   seccomp:     sys NAME (one call with harmless arguments: ok or the errno name)
 *                sigsys NAME (the same with a SIGSYS handler: "sigsys caught" when it ran)
 *   host side:   subreaper CMD...  sigdfl CMD... */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sched.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int fail(void)
{
	const char *name = strerrorname_np(errno);

	printf("%s\n", name ? name : "E?");
	return 1;
}

static int usage(const char *msg)
{
	fprintf(stderr, "probe: %s\n", msg);
	return 2;
}

/* Print a whole file as it is. */
static int cat_file(const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return fail();
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	close(fd);
	return n < 0 ? fail() : 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Entries of @dir but . and .., sorted, one per line. */
static int list_dir(const char *dir)
{
	char *sorted[1024];
	size_t n = 0;
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d)
		return fail();
	while ((e = readdir(d)) && n < 1024)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			sorted[n++] = strdup(e->d_name);
	closedir(d);
	qsort(sorted, n, sizeof(sorted[0]), cmp_str);
	for (size_t i = 0; i < n; i++) {
		printf("%s\n", sorted[i]);
		free(sorted[i]);
	}
	return 0;
}

/* Pids visible in /proc with their comm: "1 sbx-init". */
static int list_procs(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (!d)
		return fail();
	while ((e = readdir(d))) {
		char path[300], comm[64] = "?";
		FILE *f;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
		f = fopen(path, "re");
		if (f) {
			if (fgets(comm, sizeof(comm), f))
				comm[strcspn(comm, "\n")] = '\0';
			fclose(f);
		}
		printf("%s %s\n", e->d_name, comm);
	}
	closedir(d);
	return 0;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return fail();
	if (write(fd, text, strlen(text)) < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return fail();
	}
	if (close(fd) < 0)
		return fail();
	printf("ok\n");
	return 0;
}

/* Remount @dir read-write, keeping its other flags: only the rdonly bit may make it fail. */
static int remount_rw(const char *dir)
{
	static const struct {
		unsigned long st, ms;
	} keep[] = {
	    {ST_NOSUID, MS_NOSUID},   {ST_NODEV, MS_NODEV},	      {ST_NOEXEC, MS_NOEXEC},
	    {ST_NOATIME, MS_NOATIME}, {ST_NODIRATIME, MS_NODIRATIME}, {ST_RELATIME, MS_RELATIME},
	};
	unsigned long flags = MS_REMOUNT | MS_BIND;
	struct statvfs sv;

	if (statvfs(dir, &sv) < 0)
		return fail();
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		if (sv.f_flag & keep[i].st)
			flags |= keep[i].ms;
	if (mount(NULL, dir, NULL, flags, NULL) < 0)
		return fail();
	printf("ok\n");
	return 0;
}

/* The value of one "Field:\tvalue" line of /proc/self/status. */
static int status_field(const char *field)
{
	char line[512];
	size_t len = strlen(field);
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return fail();
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, field, len) || line[len] != ':')
			continue;
		char *v = line + len + 1;

		v += strspn(v, " \t");
		printf("%s", v);
		fclose(f);
		return 0;
	}
	fclose(f);
	return usage("no such status field");
}

static const struct {
	const char *name;
	int res;
} rlimits[] = {
    {"as", RLIMIT_AS},
    {"core", RLIMIT_CORE},
    {"cpu", RLIMIT_CPU},
    {"data", RLIMIT_DATA},
    {"fsize", RLIMIT_FSIZE},
    {"memlock", RLIMIT_MEMLOCK},
    {"msgqueue", RLIMIT_MSGQUEUE},
    {"nice", RLIMIT_NICE},
    {"nofile", RLIMIT_NOFILE},
    {"nproc", RLIMIT_NPROC},
    {"rtprio", RLIMIT_RTPRIO},
    {"stack", RLIMIT_STACK},
};

static void print_rlim(rlim_t v, const char *end)
{
	if (v == RLIM_INFINITY)
		printf("unlimited%s", end);
	else
		printf("%llu%s", (unsigned long long)v, end);
}

/* "soft hard" of one limit. */
static int print_rlimit(const char *name)
{
	for (size_t i = 0; i < sizeof(rlimits) / sizeof(rlimits[0]); i++) {
		struct rlimit rl;

		if (strcmp(rlimits[i].name, name))
			continue;
		if (getrlimit(rlimits[i].res, &rl) < 0)
			return fail();
		print_rlim(rl.rlim_cur, " ");
		print_rlim(rl.rlim_max, "\n");
		return 0;
	}
	return usage("unknown rlimit");
}

static int print_env(void)
{
	for (char **e = environ; *e; e++)
		printf("%s\n", *e);
	return 0;
}

static int msgq_exists(const char *key)
{
	int id = msgget((key_t)strtoul(key, NULL, 0), 0);

	if (id >= 0) {
		printf("yes\n");
		return 0;
	}
	if (errno == ENOENT) {
		printf("no\n");
		return 0;
	}
	return fail();
}

/* Interfaces and whether they are up: "lo UP". */
static int list_ifaces(void)
{
	struct if_nameindex *ifs = if_nameindex();
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (!ifs || sock < 0)
		return fail();
	for (struct if_nameindex *i = ifs; i->if_index; i++) {
		struct ifreq req = {0};

		snprintf(req.ifr_name, sizeof(req.ifr_name), "%s", i->if_name);
		if (ioctl(sock, SIOCGIFFLAGS, &req) < 0)
			return fail();
		printf("%s %s\n", i->if_name, (req.ifr_flags & IFF_UP) ? "UP" : "DOWN");
	}
	if_freenameindex(ifs);
	close(sock);
	return 0;
}

static const struct {
	const char *name;
	int sig;
} signals[] = {
    {"HUP", SIGHUP},   {"INT", SIGINT},	  {"QUIT", SIGQUIT},   {"KILL", SIGKILL},
    {"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"TERM", SIGTERM},   {"ALRM", SIGALRM},
    {"SEGV", SIGSEGV}, {"ABRT", SIGABRT}, {"WINCH", SIGWINCH},
};

/* A signal by name (TERM, SIGTERM) or number; 0 when unknown. */
static int signal_from(const char *s)
{
	if (!strncmp(s, "SIG", 3))
		s += 3;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (!strcmp(signals[i].name, s))
			return signals[i].sig;
	return atoi(s);
}

static const char *signal_name(int sig)
{
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (signals[i].sig == sig)
			return signals[i].name;
	return "?";
}

static void on_signal(int sig)
{
	char msg[32];
	int n = snprintf(msg, sizeof(msg), "got %s\n", signal_name(sig));

	(void)!write(STDOUT_FILENO, msg, (size_t)n);
	_exit(42);
}

/* Catch @sig, say "ready" once the handler is in place, and wait for it. */
static int trap_signal(const char *name)
{
	struct sigaction sa = {.sa_handler = on_signal};
	int sig = signal_from(name);

	if (sig <= 0 || sigaction(sig, &sa, NULL) < 0)
		return usage("bad signal");
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}

static int kill_self(const char *name)
{
	int sig = signal_from(name);

	fflush(stdout);
	signal(sig, SIG_DFL);
	kill(getpid(), sig);
	return fail();
}

static int open_dev(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return fail();
	close(fd);
	printf("ok\n");
	return 0;
}

/* Push @text into the input queue of the terminal on stdin. */
static int tiocsti(const char *text)
{
	for (const char *c = text; *c; c++)
		if (ioctl(STDIN_FILENO, TIOCSTI, c) < 0)
			return fail();
	printf("ok\n");
	return 0;
}

static int print_tty(void)
{
	const char *name = ttyname(STDIN_FILENO);

	if (!name)
		return fail();
	printf("%s\n", name);
	return 0;
}

static int print_ids(void)
{
	gid_t groups[64];
	int n = getgroups(64, groups);

	printf("%u %u %u %u\n", getuid(), getgid(), geteuid(), getegid());
	for (int i = 0; i < n; i++)
		printf("%s%u", i ? " " : "groups ", groups[i]);
	if (n > 0)
		printf("\n");
	return 0;
}

static int print_stat(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return fail();
	printf("%04o %u %u %s\n", st.st_mode & 07777, st.st_uid, st.st_gid,
	       S_ISDIR(st.st_mode)   ? "dir"
	       : S_ISREG(st.st_mode) ? "file"
	       : S_ISLNK(st.st_mode) ? "symlink"
	       : S_ISCHR(st.st_mode) ? "char"
				     : "other");
	return 0;
}

/* Bind a TCP socket to 127.0.0.1:@port: shows whether net_bind_service is in effect. */
static int bind_tcp(const char *port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons((uint16_t)atoi(port)),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		return fail();
	close(fd);
	printf("ok\n");
	return 0;
}

/* Send one UDP datagram to ourselves over 127.0.0.1: proves lo is up and usable. */
static int loopback(void)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sin);
	char buf[8] = "";
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct timeval tv = {.tv_sec = 2};

	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    sendto(fd, "ping", 4, 0, (struct sockaddr *)&sin, len) < 0 ||
	    recv(fd, buf, sizeof(buf) - 1, 0) < 0)
		return fail();
	close(fd);
	printf("%s\n", strcmp(buf, "ping") ? "garbled" : "ok");
	return 0;
}

/* Map @size bytes ("256M"; K, M, G suffixes) and write to every page, so all of it is charged
 * to the memory cgroup; "ok" once done. */
static int alloc_touch(const char *size)
{
	char *end;
	unsigned long long n = strtoull(size, &end, 10);
	long page = sysconf(_SC_PAGESIZE);

	switch (*end) {
	case 'G':
		n <<= 10; /* fall through */
	case 'M':
		n <<= 10; /* fall through */
	case 'K':
		n <<= 10;
	}
	char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return fail();
	for (unsigned long long i = 0; i < n; i += (unsigned long long)page)
		p[i] = 1;
	printf("ok\n");
	return 0;
}

/* Fork @count children that wait, then (while they all live) print FILE when given, and
 * "forked N refused N other N": how many forks worked, failed with EAGAIN (a pids limit), or
 * failed otherwise. The children are killed and reaped before it returns. */
static int forks(const char *count, const char *file)
{
	int n = atoi(count), ok = 0, refused = 0, other = 0;
	pid_t *kids = calloc((size_t)(n > 0 ? n : 1), sizeof(*kids));

	if (!kids)
		return fail();
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			for (;;)
				pause();
		}
		if (pid > 0)
			kids[ok++] = pid;
		else if (errno == EAGAIN)
			refused++;
		else
			other++;
	}
	if (file)
		cat_file(file);
	printf("forked %d refused %d other %d\n", ok, refused, other);
	for (int i = 0; i < ok; i++)
		kill(kids[i], SIGKILL);
	for (int i = 0; i < ok; i++)
		waitpid(kids[i], NULL, 0);
	free(kids);
	return 0;
}

static long long now_ms(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Keep one CPU busy for @secs of wall time, then print "cpu_ms N wall_ms N": the CPU time this
 * process got meanwhile (a CPU quota shows as cpu well below wall). */
static int spin(const char *secs)
{
	long long start = now_ms(CLOCK_MONOTONIC), cpu0 = now_ms(CLOCK_PROCESS_CPUTIME_ID);
	long long stop = start + (long long)(atof(secs) * 1000);
	volatile unsigned long x = 0;

	while (now_ms(CLOCK_MONOTONIC) < stop)
		for (int i = 0; i < 10000; i++)
			x++;
	printf("cpu_ms %lld wall_ms %lld\n", now_ms(CLOCK_PROCESS_CPUTIME_ID) - cpu0,
	       now_ms(CLOCK_MONOTONIC) - start);
	return 0;
}

/* Host side: run CMD with every signal at its default and none blocked, whatever the caller
 * (a non-interactive shell ignores SIGINT and SIGQUIT in background jobs). */
static int sigdfl(char **argv)
{
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execvp(argv[0], argv);
	return fail();
}

/* Host side: become a child subreaper, then run CMD; orphans of the tests land here. */
static int subreaper(char **argv)
{
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		return fail();
	execvp(argv[0], argv);
	return fail();
}

static int run_simple(const char *cmd)
{
	struct utsname u;
	char buf[PATH_MAX];

	if (!strcmp(cmd, "uid"))
		return print_ids();
	if (!strcmp(cmd, "hostname") || !strcmp(cmd, "domainname")) {
		if (uname(&u) < 0)
			return fail();
		printf("%s\n", cmd[0] == 'h' ? u.nodename : u.domainname);
		return 0;
	}
	if (!strcmp(cmd, "pid") || !strcmp(cmd, "ppid")) {
		printf("%d\n", cmd[1] == 'i' ? getpid() : getppid());
		return 0;
	}
	if (!strcmp(cmd, "sid")) {
		printf("%d %d %d\n", getsid(0), getpgid(0), tcgetpgrp(STDIN_FILENO));
		return 0;
	}
	if (!strcmp(cmd, "cwd")) {
		if (!getcwd(buf, sizeof(buf)))
			return fail();
		printf("%s\n", buf);
		return 0;
	}
	if (!strcmp(cmd, "umask")) {
		mode_t m = umask(0);

		umask(m);
		printf("%04o\n", m);
		return 0;
	}
	if (!strcmp(cmd, "isatty")) {
		printf("%s\n", isatty(STDIN_FILENO) ? "yes" : "no");
		return 0;
	}
	if (!strcmp(cmd, "tty"))
		return print_tty();
	if (!strcmp(cmd, "procs"))
		return list_procs();
	if (!strcmp(cmd, "ifaces"))
		return list_ifaces();
	if (!strcmp(cmd, "env"))
		return print_env();
	if (!strcmp(cmd, "limits"))
		return cat_file("/proc/self/limits");
	if (!strcmp(cmd, "tiocsti"))
		return tiocsti("x");
	if (!strcmp(cmd, "loopback"))
		return loopback();
	if (!strcmp(cmd, "crash")) {
		/* A real fault: unlike kill(2) it also ends a pid namespace's init. */
		fflush(stdout);
		signal(SIGSEGV, SIG_DFL);
		volatile uintptr_t bad = 8;

		*(volatile int *)bad = 1;
		return 1;
	}
	return -1;
}

/* ptrace(PTRACE_ATTACH) of a sibling: a child of our own that waits to be killed. */
static long ptrace_sibling(void)
{
	pid_t pid = fork();
	long r;
	int saved;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		pause();
		_exit(0);
	}
	r = syscall(SYS_ptrace, 16 /* PTRACE_ATTACH */, pid, NULL, NULL);
	saved = errno;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	errno = saved;
	return r;
}

/* clone() with a namespace flag; a child that got made leaves at once. */
static long clone_newuser(void)
{
	long r = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, 0);

	if (r == 0)
		_exit(0);
	if (r > 0)
		waitpid((pid_t)r, NULL, 0);
	return r;
}

/* One system call by name, with arguments that do no harm when it is allowed, even run by
 * root outside a sandbox: a mount on a path that doesn't exist, the monotonic clock (which
 * can't be set), kexec with flags no kernel takes. A filter answers before any of that. */
static long call_by_name(const char *name)
{
	struct timespec now;
	unsigned params[30] = {0}; /* struct io_uring_params */

	if (!strcmp(name, "mount"))
		return mount("none", "/nonexistent/sbx-probe", "tmpfs", 0, NULL);
	if (!strcmp(name, "unshare-user"))
		return unshare(CLONE_NEWUSER);
	if (!strcmp(name, "setns")) {
		int fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);

		return fd < 0 ? -1 : setns(fd, CLONE_NEWUTS);
	}
	if (!strcmp(name, "keyctl"))
		return syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0);
	if (!strcmp(name, "bpf"))
		return syscall(SYS_bpf, 0 /* BPF_MAP_CREATE */, NULL, 0);
	if (!strcmp(name, "perf_event_open"))
		return syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0);
	if (!strcmp(name, "userfaultfd"))
		return syscall(SYS_userfaultfd, O_CLOEXEC);
	if (!strcmp(name, "kexec_load"))
		return syscall(SYS_kexec_load, 0, 0, NULL, 0x7fff0000ul);
	if (!strcmp(name, "ptrace-sibling"))
		return ptrace_sibling();
	if (!strcmp(name, "io_uring_setup"))
		return syscall(SYS_io_uring_setup, 1, params);
	if (!strcmp(name, "clock_settime"))
		return clock_gettime(CLOCK_MONOTONIC, &now) < 0
			   ? -1
			   : clock_settime(CLOCK_MONOTONIC, &now);
	if (!strcmp(name, "clone-newuser"))
		return clone_newuser();
	if (!strcmp(name, "clone3"))
		return syscall(SYS_clone3, NULL, 0);
	if (!strcmp(name, "personality-aslr-off"))
		return syscall(SYS_personality, 0x0040000 /* ADDR_NO_RANDOMIZE */);
	if (!strcmp(name, "socket-inet"))
		return socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (!strcmp(name, "socket-unix"))
		return socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (!strcmp(name, "getppid"))
		return syscall(SYS_getppid);
	errno = EINVAL;
	return -2;
}

static int try_syscall(const char *name)
{
	long r = call_by_name(name);

	if (r == -2)
		return -1;
	if (r < 0)
		return fail();
	printf("ok\n");
	return 0;
}

static volatile sig_atomic_t sigsys_nr = -1;

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	sigsys_nr = si->si_syscall;
}

/* The call under a SIGSYS handler: a trap action runs the handler and the call returns. */
static int sigsys_call(const char *name)
{
	struct sigaction sa = {.sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO};

	sigaction(SIGSYS, &sa, NULL);
	if (call_by_name(name) == -2)
		return -1;
	if (sigsys_nr < 0) {
		printf("no sigsys\n");
		return 1;
	}
	printf("sigsys caught syscall=%d\n", (int)sigsys_nr);
	return 0;
}

static int run_with_arg(const char *cmd, char *arg, char *arg2)
{
	if (!strcmp(cmd, "ls"))
		return list_dir(arg);
	if (!strcmp(cmd, "cat"))
		return cat_file(arg);
	if (!strcmp(cmd, "stat"))
		return print_stat(arg);
	if (!strcmp(cmd, "readlink")) {
		char buf[PATH_MAX];
		ssize_t n = readlink(arg, buf, sizeof(buf) - 1);

		if (n < 0)
			return fail();
		printf("%.*s\n", (int)n, buf);
		return 0;
	}
	if (!strcmp(cmd, "write"))
		return arg2 ? write_file(arg, arg2) : usage("write FILE TEXT");
	if (!strcmp(cmd, "mkdir")) {
		if (mkdir(arg, 0755) < 0)
			return fail();
		printf("ok\n");
		return 0;
	}
	if (!strcmp(cmd, "remount-rw"))
		return remount_rw(arg);
	if (!strcmp(cmd, "status"))
		return status_field(arg);
	if (!strcmp(cmd, "rlimit"))
		return print_rlimit(arg);
	if (!strcmp(cmd, "getenv")) {
		const char *v = getenv(arg);

		printf("%s\n", v ? v : "(unset)");
		return v ? 0 : 1;
	}
	if (!strcmp(cmd, "msgq-exists"))
		return msgq_exists(arg);
	if (!strcmp(cmd, "exit"))
		return atoi(arg);
	if (!strcmp(cmd, "kill-self"))
		return kill_self(arg);
	if (!strcmp(cmd, "sleep")) {
		/* A second argument is a tag, so tests can find this process with pgrep -f. */
		sleep((unsigned)atoi(arg));
		return 0;
	}
	if (!strcmp(cmd, "trap"))
		return trap_signal(arg);
	if (!strcmp(cmd, "bind-tcp"))
		return bind_tcp(arg);
	if (!strcmp(cmd, "open-dev"))
		return open_dev(arg);
	if (!strcmp(cmd, "tiocsti"))
		return tiocsti(arg);
	if (!strcmp(cmd, "sys"))
		return try_syscall(arg);
	if (!strcmp(cmd, "sigsys"))
		return sigsys_call(arg);
	if (!strcmp(cmd, "alloc"))
		return alloc_touch(arg);
	if (!strcmp(cmd, "forks"))
		return forks(arg, arg2);
	if (!strcmp(cmd, "spin"))
		return spin(arg);
	return -1;
}

int main(int argc, char **argv)
{
	int r;

	if (argc < 2)
		return usage("usage: probe SUBCOMMAND [ARG...]");
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(argv[1], "subreaper"))
		return argc > 2 ? subreaper(argv + 2) : usage("subreaper CMD...");
	if (!strcmp(argv[1], "sigdfl"))
		return argc > 2 ? sigdfl(argv + 2) : usage("sigdfl CMD...");
	if (!strcmp(argv[1], "trap-term"))
		return trap_signal("TERM");
	if (argc == 2)
		r = run_simple(argv[1]);
	else
		r = run_with_arg(argv[1], argv[2], argc > 3 ? argv[3] : NULL);
	return r < 0 ? usage("unknown subcommand or missing argument") : r;
}
