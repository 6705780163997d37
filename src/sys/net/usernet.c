/* usernet.c — rootless user-mode networking: pasta (package passt), or slirp4netns when pasta is
 * absent, gives the sandbox's network namespace an eth0 whose traffic the helper carries through
 * ordinary sockets of the caller on the host.
 *
 * Both helpers are told the same layout (USERNET_ADDRESS and friends in usernet.h), so the
 * sandbox's resolv.conf and what a test expects do not depend on which one was found. What each
 * would open by default and must not:
 * - the host's loopback through the gateway address (pasta's gateway mapping, slirp4netns's
 *   10.0.2.2): closed unless host_loopback, since a database or an admin port on 127.0.0.1 must
 *   not reach an untrusted program;
 * - pasta's -T/-U "auto" (the default), which splices the sandbox's own loopback to every port
 *   the host listens on: always "none";
 * - pasta's -t/-u "auto", which publishes on the host every port bound inside: only the forwards;
 * - IPv6 (pasta copies the host's): IPv4 only, as slirp4netns without -6.
 *
 * The helper must not daemonize (pasta does by default: --foreground) and must die with sbx: a
 * parent-death signal, its own process group (a terminal's ^C is the sandbox's business), and
 * for slirp4netns its exit fd. Readiness is what each helper says, never a sleep: pasta writes
 * its pid file after it configured the namespace and bound its forwards (the pid file is the
 * write end of a pipe, reached as /proc/self/fd/N); slirp4netns writes --ready-fd after it
 * configured the namespace and bound its API socket, and sbx then adds the forwards over that
 * socket (1.2.0 has no command-line forwards). */
#include "sys/net/usernet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fd.h"

#define TUN_PATH "/dev/net/tun"
#define DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin"
#define API_SOCK "api.sock"
#define STR_(x) #x
#define STR(x) STR_(x)
#define FD_PATH(n) "/proc/self/fd/" STR(n)

static const char *const helper_names[_USERNET_HELPER_MAX] = {
    [USERNET_AUTO] = "auto",
    [USERNET_PASTA] = "pasta",
    [USERNET_SLIRP4NETNS] = "slirp4netns",
};

struct usernet {
	pid_t pid;
	int ready_fd; /* read end of the pipe the helper says it is ready on */
	int exit_fd;  /* slirp4netns: write end of its exit pipe, closed to stop it */
	int log_fd;   /* memfd holding the helper's stdout and stderr */
	char *dir;    /* slirp4netns: the directory of its API socket, removed once used */
	const struct usernet_cmd *cmd;
};

const char *usernet_helper_name(enum usernet_helper h)
{
	return h < _USERNET_HELPER_MAX ? helper_names[h] : "?";
}

/* An absolute path to @name in the absolute directories of @path, or NULL (errno ENOENT or
 * ENOMEM). Relative entries are skipped: the cwd is no place to take a network helper from. */
static char *find_in_path(const char *name, const char *path)
{
	const char *p = path;

	while (*p) {
		size_t len = strcspn(p, ":");
		_cleanup_free_ char *cand = NULL;
		struct stat st;

		if (len > 0 && p[0] == '/') {
			if (asprintf(&cand, "%.*s/%s", (int)len, p, name) < 0)
				return NULL;
			if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
				return TAKE_PTR(cand);
		}
		p += len;
		if (*p == ':')
			p++;
	}
	errno = ENOENT;
	return NULL;
}

struct strv {
	char **v;
	size_t n, cap;
};

static int strv_add(struct strv *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int strv_add(struct strv *s, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (s->n + 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		char **v = reallocarray(s->v, cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	va_start(ap, fmt);
	r = vasprintf(&s->v[s->n], fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	s->v[++s->n] = NULL;
	return 0;
}

static void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static const char *fwd_addr(const struct usernet_forward *f)
{
	return f->host_address ? f->host_address : "127.0.0.1";
}

static int pasta_argv(const struct usernet_opts *o, struct strv *a)
{
	int r = 0;

	r |= strv_add(a, "pasta");
	/* -f: never daemonize; -q: only errors on stderr, where sbx reads the last one. */
	r |= strv_add(a, "--foreground");
	r |= strv_add(a, "--quiet");
	r |= strv_add(a, "--ipv4-only");
	r |= strv_add(a, "--config-net");
	r |= strv_add(a, "--ns-ifname=" USERNET_IFNAME);
	r |= strv_add(a, "--address=" USERNET_ADDRESS);
	r |= strv_add(a, "--netmask=24");
	r |= strv_add(a, "--gateway=" USERNET_GATEWAY);
	r |= strv_add(a, "--dns-forward=" USERNET_NAMESERVER);
	if (!o->host_loopback)
		r |= strv_add(a, "--no-map-gw");
	if (o->mtu)
		r |= strv_add(a, "--mtu=%u", o->mtu);
	for (int udp = 0; udp <= 1; udp++) {
		bool any = false;

		for (size_t i = 0; i < o->n_forwards; i++) {
			const struct usernet_forward *f = &o->forwards[i];

			if (f->udp != (bool)udp)
				continue;
			r |= strv_add(a, "%s=%s/%u:%u", udp ? "--udp-ports" : "--tcp-ports",
				      fwd_addr(f), f->host, f->sandbox);
			any = true;
		}
		if (!any)
			r |= strv_add(a, "%s=none", udp ? "--udp-ports" : "--tcp-ports");
	}
	r |= strv_add(a, "--tcp-ns=none");
	r |= strv_add(a, "--udp-ns=none");
	r |= strv_add(a, "--pid=" FD_PATH(USERNET_FD_READY));
	r |= strv_add(a, "--userns=" FD_PATH(USERNET_FD_USERNS));
	r |= strv_add(a, "--netns=" FD_PATH(USERNET_FD_NETNS));
	/* As root pasta switches to nobody, which may not enter the sandbox's user namespace (it
	 * belongs to root), and the switch would clear the parent-death signal. */
	if (o->root)
		r |= strv_add(a, "--runas=0");
	return r ? -ENOMEM : 0;
}

static int slirp_argv(const struct usernet_opts *o, struct strv *a)
{
	int r = 0;

	r |= strv_add(a, "slirp4netns");
	r |= strv_add(a, "--configure");
	if (o->mtu)
		r |= strv_add(a, "--mtu=%u", o->mtu);
	if (!o->host_loopback)
		r |= strv_add(a, "--disable-host-loopback");
	r |= strv_add(a, "--ready-fd=" STR(USERNET_FD_READY));
	r |= strv_add(a, "--exit-fd=" STR(USERNET_FD_EXIT));
	if (o->n_forwards)
		r |= strv_add(a, "--api-socket=" FD_PATH(USERNET_FD_APIDIR) "/" API_SOCK);
	r |= strv_add(a, "--netns-type=path");
	r |= strv_add(a, "--userns-path=" FD_PATH(USERNET_FD_USERNS));
	r |= strv_add(a, FD_PATH(USERNET_FD_NETNS));
	r |= strv_add(a, USERNET_IFNAME);
	return r ? -ENOMEM : 0;
}

static int slirp_api(const struct usernet_opts *o, struct strv *api)
{
	for (size_t i = 0; i < o->n_forwards; i++) {
		const struct usernet_forward *f = &o->forwards[i];
		int r =
		    strv_add(api,
			     "{\"execute\": \"add_hostfwd\", \"arguments\": {\"proto\": \"%s\", "
			     "\"host_addr\": \"%s\", \"host_port\": %u, \"guest_port\": %u}}",
			     f->udp ? "udp" : "tcp", fwd_addr(f), f->host, f->sandbox);
		if (r < 0)
			return r;
	}
	return 0;
}

static int check_forwards(const struct usernet_opts *o, struct sbx_err *err)
{
	for (size_t i = 0; i < o->n_forwards; i++) {
		struct in_addr a;

		if (inet_pton(AF_INET, fwd_addr(&o->forwards[i]), &a) != 1)
			return sbx_err_set(err, &o->loc, -EINVAL,
					   "forward host_address '%s': network mode \"user\" "
					   "forwards from an IPv4 address",
					   fwd_addr(&o->forwards[i]));
	}
	return 0;
}

/* The helper to use and where it is: the one asked for, or pasta, else slirp4netns. */
static int pick_helper(const struct usernet_opts *o, enum usernet_helper *ret_h, char **ret_path,
		       struct sbx_err *err)
{
	const char *path = o->path ? o->path : getenv("PATH");
	enum usernet_helper h = o->helper == USERNET_AUTO ? USERNET_PASTA : o->helper;
	char *found;

	if (!path || !*path)
		path = DEFAULT_PATH;
	found = find_in_path(helper_names[h], path);
	if (!found && errno == ENOENT && o->helper == USERNET_AUTO) {
		h = USERNET_SLIRP4NETNS;
		found = find_in_path(helper_names[h], path);
	}
	if (!found && errno == ENOMEM)
		return -ENOMEM;
	if (!found && o->helper == USERNET_AUTO)
		return sbx_err_set(err, &o->loc, -ENOENT,
				   "network mode \"user\" needs pasta (package passt) or "
				   "slirp4netns, and neither is in %s",
				   path);
	if (!found)
		return sbx_err_set(err, &o->loc, -ENOENT, "network mode \"user\": %s is not in %s",
				   helper_names[h], path);
	*ret_h = h;
	*ret_path = found;
	return 0;
}

int usernet_plan(const struct usernet_opts *o, struct usernet_cmd **ret_cmd, struct sbx_err *err)
{
	_cleanup_(usernet_cmd_freep) struct usernet_cmd *cmd = NULL;
	struct strv argv = {0}, api = {0};
	int r;

	if (o->helper >= _USERNET_HELPER_MAX)
		return sbx_err_set(err, &o->loc, -EINVAL, "network mode \"user\": unknown helper");
	r = check_forwards(o, err);
	if (r < 0)
		return r;
	cmd = calloc(1, sizeof(*cmd));
	if (!cmd)
		return -ENOMEM;
	cmd->loc = o->loc;
	r = pick_helper(o, &cmd->helper, &cmd->path, err);
	if (r < 0)
		return r;
	for (size_t i = 0; cmd->helper == USERNET_SLIRP4NETNS && i < o->n_forwards; i++)
		if (o->forwards[i].udp && !o->host_loopback)
			/* The sandbox answers a forwarded datagram to 10.0.2.2, which libslirp
			 * drops when the host's loopback is closed: the forward would be dead. */
			return sbx_err_set(err, &o->loc, -EOPNOTSUPP,
					   "slirp4netns loses the replies of a udp forward unless "
					   "host_loopback = true; install pasta (package passt)");
	if (cmd->helper == USERNET_PASTA)
		r = pasta_argv(o, &argv);
	else
		r = slirp_argv(o, &argv);
	if (r == 0 && cmd->helper == USERNET_SLIRP4NETNS)
		r = slirp_api(o, &api);
	cmd->argv = argv.v;
	cmd->argc = argv.n;
	cmd->api = api.v;
	cmd->n_api = api.n;
	if (r < 0)
		return r;
	*ret_cmd = TAKE_PTR(cmd);
	return 0;
}

struct usernet_cmd *usernet_cmd_free(struct usernet_cmd *cmd)
{
	if (!cmd)
		return NULL;
	free(cmd->path);
	strv_free(cmd->argv);
	strv_free(cmd->api);
	free(cmd);
	return NULL;
}

void usernet_cmd_freep(struct usernet_cmd **cmd)
{
	usernet_cmd_free(*cmd);
}

int usernet_check_tun(struct sbx_err *err)
{
	_cleanup_close_ int fd = open(TUN_PATH, O_RDWR | O_CLOEXEC);
	struct stat st;
	int r;

	if (fd >= 0)
		return 0;
	r = -errno;
	if (r == -ENOENT)
		return sbx_err_set(err, NULL, r,
				   TUN_PATH " is missing: network mode \"user\" needs it (the tun "
					    "module)");
	if (r != -EACCES && r != -EPERM)
		return sbx_err_errno(err, NULL, TUN_PATH ": network mode \"user\" needs it");
	if (fstatat(AT_FDCWD, TUN_PATH, &st, 0) < 0)
		st.st_mode = 0;
	return sbx_err_set(err, NULL, -EACCES,
			   TUN_PATH " is not usable by uid %u (mode %04o): network mode \"user\" "
				    "needs it; as root: chmod 0666 " TUN_PATH
				    " (Debian's udev rule does this)",
			   (unsigned)geteuid(), (unsigned)(st.st_mode & 07777));
}

pid_t usernet_pid(const struct usernet *u)
{
	return u->pid;
}

/* The helper's last line of output, without pasta's complaints that there is no syslog. */
static void last_line(int fd, char *buf, size_t size)
{
	char text[4096];
	struct stat st;
	off_t from;
	ssize_t n;
	char *line;

	buf[0] = '\0';
	if (fstat(fd, &st) < 0 || st.st_size <= 0)
		return;
	from = st.st_size > (off_t)sizeof(text) - 1 ? st.st_size - (off_t)sizeof(text) + 1 : 0;
	n = pread(fd, text, (size_t)(st.st_size - from), from);
	if (n <= 0)
		return;
	text[n] = '\0';
	for (;;) {
		while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
			text[--n] = '\0';
		if (n == 0)
			return;
		line = strrchr(text, '\n');
		line = line ? line + 1 : text;
		if (strncmp(line, "Failed to send ", 15) != 0 || !strstr(line, "to syslog"))
			break;
		n = line - text;
		text[n] = '\0';
	}
	if (size > 0) {
		size_t len = strnlen(line, size - 1);

		memcpy(buf, line, len);
		buf[len] = '\0';
	}
}

/* The helper ended before it was ready: reap it and say why, in its own words if it had any. */
static int helper_died(struct usernet *u, struct wait_guard *g, struct sbx_err *err)
{
	const char *name = helper_names[u->cmd->helper];
	char line[200], how[64];
	int status = 0, r;

	r = wait_for_exit(u->pid, g, &status);
	if (r < 0)
		return sbx_err_set(err, &u->cmd->loc, r,
				   "%s closed its ready pipe but did not exit", name);
	u->pid = 0;
	if (WIFEXITED(status))
		snprintf(how, sizeof(how), "exited with status %d", WEXITSTATUS(status));
	else
		snprintf(how, sizeof(how), "was killed by signal %d", WTERMSIG(status));
	last_line(u->log_fd, line, sizeof(line));
	if (!line[0] && WIFEXITED(status) && WEXITSTATUS(status) == 127)
		snprintf(line, sizeof(line), "could not execute %s", u->cmd->path);
	return sbx_err_set(err, &u->cmd->loc, -EIO, "%s %s before the network was ready%s%s", name,
			   how, line[0] ? ": " : "", line);
}

/* Send one request to slirp4netns's API socket; its answer, NUL-terminated, into @buf. */
static int api_call(const struct usernet *u, const char *req, struct wait_guard *g, char *buf,
		    size_t size)
{
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t len = strlen(req), got = 0;
	int r;

	if (fd < 0)
		return -errno;
	if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/" API_SOCK, u->dir) >=
	    (int)sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	if (send(fd, req, len, MSG_NOSIGNAL) != (ssize_t)len)
		return -EIO;
	while (got + 1 < size) {
		ssize_t n;

		r = wait_for_readable(fd, g);
		if (r < 0)
			return r;
		n = read(fd, buf + got, size - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	return 0;
}

/* The forwards, through the API; then the socket goes, so nothing else can ask for more. */
static int slirp_add_forwards(struct usernet *u, struct wait_guard *g, struct sbx_err *err)
{
	for (size_t i = 0; i < u->cmd->n_api; i++) {
		char reply[512];
		const char *desc;
		int r = api_call(u, u->cmd->api[i], g, reply, sizeof(reply));

		if (r < 0)
			return sbx_err_set(err, &u->cmd->loc, r,
					   "slirp4netns: adding forward %s: %s", u->cmd->api[i],
					   strerror(-r));
		if (strstr(reply, "\"return\"") && !strstr(reply, "\"error\""))
			continue;
		desc = strstr(reply, "\"desc\"");
		return sbx_err_set(err, &u->cmd->loc, -EIO, "slirp4netns refused forward %s: %s",
				   u->cmd->api[i], desc ? desc : reply);
	}
	if (u->dir) {
		_cleanup_free_ char *sock = NULL;

		if (asprintf(&sock, "%s/" API_SOCK, u->dir) >= 0)
			(void)unlink(sock);
		(void)rmdir(u->dir);
		free(TAKE_PTR(u->dir));
	}
	return 0;
}

int usernet_wait_ready(struct usernet *u, struct wait_guard *g, struct sbx_err *err)
{
	char buf[32];
	ssize_t n;
	int r;

	r = wait_for_readable(u->ready_fd, g);
	if (r == -ETIMEDOUT)
		return sbx_err_set(err, &u->cmd->loc, r, "%s did not set up the network in time",
				   helper_names[u->cmd->helper]);
	if (r < 0)
		return r;
	do
		n = read(u->ready_fd, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return helper_died(u, g, err);
	closep(&u->ready_fd);
	u->ready_fd = -1;
	return slirp_add_forwards(u, g, err);
}

struct usernet *usernet_stop(struct usernet *u)
{
	if (!u)
		return NULL;
	if (u->pid > 0) {
		(void)kill(u->pid, SIGKILL);
		while (waitpid(u->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (u->dir) {
		_cleanup_free_ char *sock = NULL;

		if (asprintf(&sock, "%s/" API_SOCK, u->dir) >= 0)
			(void)unlink(sock);
		(void)rmdir(u->dir);
		free(u->dir);
	}
	closep(&u->ready_fd);
	closep(&u->exit_fd);
	closep(&u->log_fd);
	free(u);
	return NULL;
}

void usernet_stopp(struct usernet **u)
{
	usernet_stop(*u);
}

/* A private directory for slirp4netns's API socket, in the caller's runtime directory. */
static int make_api_dir(struct usernet *u, int *ret_fd)
{
	const char *base = getenv("XDG_RUNTIME_DIR");
	int fd;

	if (!base || base[0] != '/' || access(base, W_OK) < 0)
		base = "/tmp";
	if (asprintf(&u->dir, "%s/sbx-usernet.XXXXXX", base) < 0) {
		u->dir = NULL;
		return -ENOMEM;
	}
	if (!mkdtemp(u->dir)) {
		free(TAKE_PTR(u->dir));
		return -errno;
	}
	fd = open(u->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*ret_fd = fd;
	return 0;
}

static _Noreturn void helper_exec(const struct usernet_cmd *cmd, pid_t parent, int *src);

int usernet_start(const struct usernet_cmd *cmd, int userns_fd, int netns_fd, struct usernet **ret,
		  struct sbx_err *err)
{
	_cleanup_(usernet_stopp) struct usernet *u = calloc(1, sizeof(*u));
	_cleanup_close_ int ready_w = -1, exit_r = -1, dir_fd = -1, null_fd = -1;
	const char *name = helper_names[cmd->helper];
	int p[2], r;
	pid_t parent = getpid();

	if (!u)
		return -ENOMEM;
	u->cmd = cmd;
	u->ready_fd = u->exit_fd = -1;
	u->log_fd = memfd_create("sbx-usernet-log", MFD_CLOEXEC);
	null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (u->log_fd < 0 || null_fd < 0 || pipe2(p, O_CLOEXEC) < 0)
		return sbx_err_errno(err, &cmd->loc, "%s: preparing its fds", name);
	u->ready_fd = p[0];
	ready_w = p[1];
	if (cmd->helper == USERNET_SLIRP4NETNS) {
		if (pipe2(p, O_CLOEXEC) < 0)
			return sbx_err_errno(err, &cmd->loc, "%s: exit pipe", name);
		exit_r = p[0];
		u->exit_fd = p[1];
	}
	if (cmd->n_api) {
		r = make_api_dir(u, &dir_fd);
		if (r < 0)
			return sbx_err_set(err, &cmd->loc, r, "%s: API socket directory: %s", name,
					   strerror(-r));
	}
	{
		/* The helper's fd i is src[i]; -1 leaves it closed. */
		int src[USERNET_N_FDS] = {null_fd,  u->log_fd, u->log_fd, userns_fd,
					  netns_fd, ready_w,   exit_r,	  dir_fd};

		u->pid = fork();
		if (u->pid == 0)
			helper_exec(cmd, parent, src);
	}
	if (u->pid < 0) {
		u->pid = 0;
		return sbx_err_errno(err, &cmd->loc, "%s: fork", name);
	}
	*ret = TAKE_PTR(u);
	return 0;
}

#include "util/child-safe.h"

/* The forked helper, until execve(): its fds at their fixed numbers and nothing else, its own
 * process group, signals unblocked, and death when sbx dies. */
static _Noreturn void helper_exec(const struct usernet_cmd *cmd, pid_t parent, int *src)
{
	int keep[USERNET_N_FDS], high[USERNET_N_FDS];
	sigset_t none;

	/* Out of the way first, so no dup2() below overwrites a source still to be moved. */
	for (int i = 0; i < USERNET_N_FDS; i++)
		high[i] = src[i] >= 0 ? fcntl(src[i], F_DUPFD_CLOEXEC, 64) : -1;
	for (int i = 0; i < USERNET_N_FDS; i++) {
		if (src[i] >= 0 && (high[i] < 0 || dup2(high[i], i) < 0))
			_exit(126);
		keep[i] = src[i] >= 0 ? i : -1;
	}
	fd_close_all_but(keep, USERNET_N_FDS);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	(void)setpgid(0, 0);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(126);
	execve(cmd->path, cmd->argv, environ);
	_exit(127);
}
