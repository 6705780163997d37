/* usernet-drive.c — runs src/sys/net/usernet.c as sbx will, for 036-usernet.sh: a "sandbox"
 * (a child in a new user and network namespace, lo up), the helper started against it, then
 * COMMAND inside once the helper says the network is ready; at the end the helper is stopped
 * and must be gone.
 *
 *   usernet-drive [--helper auto|pasta|slirp4netns] [--path DIRS] [--tcp HOST:SANDBOX]
 *                 [--udp HOST:SANDBOX] [--addr HOST_ADDRESS] [--mtu N] [--host-loopback]
 *                 [--plan | --check-tun] [-- COMMAND...]
 *
 * --plan prints the helper's path and argv (one per line), then each API request; --check-tun
 * only checks /dev/net/tun. Errors go to stderr as "usernet-drive: MSG", exit 125. Otherwise
 * the exit status is COMMAND's; "helper pid N" on stderr once ready, "helper gone" after the
 * stop when the pid no longer exists. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sys/net/usernet.h"
#include "util/cleanup.h"

static int fail(const struct sbx_err *err, const char *what)
{
	char msg[512];

	if (err && err->n) {
		sbx_err_format(err, 0, msg, sizeof(msg));
		fprintf(stderr, "usernet-drive: %s\n", msg);
	} else {
		fprintf(stderr, "usernet-drive: %s\n", what);
	}
	return 125;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* The sandbox: own user namespace (mapping its root to the caller) and network namespace, lo
 * up; says so on @up, waits for @go, then runs @cmd. */
static _Noreturn void sandbox(int up, int go, char **cmd)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();
	struct ifreq ifr = {.ifr_name = "lo"};
	int s;
	char c;

	if (unshare(CLONE_NEWUSER) < 0)
		_exit(120);
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
	if (write_file("/proc/self/uid_map", map) < 0 ||
	    write_file("/proc/self/setgroups", "deny") < 0)
		_exit(121);
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
	if (write_file("/proc/self/gid_map", map) < 0 || unshare(CLONE_NEWNET) < 0)
		_exit(122);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		_exit(123);
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		_exit(123);
	close(s);
	if (write(up, "u", 1) != 1 || read(go, &c, 1) != 1)
		_exit(124);
	execvp(cmd[0], cmd);
	_exit(127);
}

static int parse_fwd(const char *arg, bool udp, const char *addr, struct usernet_forward *f)
{
	unsigned h, s;

	if (sscanf(arg, "%u:%u", &h, &s) != 2 || h > 65535 || s > 65535)
		return -1;
	*f = (struct usernet_forward){
	    .host = (uint16_t)h, .sandbox = (uint16_t)s, .udp = udp, .host_address = addr};
	return 0;
}

static int run(const struct usernet_cmd *cmd, char **argv)
{
	_cleanup_(usernet_stopp) struct usernet *u = NULL;
	struct wait_guard g = {.sigfd = -1, .deadline = wait_now_ms() + 20000};
	struct sbx_err err = {0};
	int up[2], go[2], status, uns, nns;
	char path[64], c;
	pid_t child, helper;

	if (pipe2(up, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0)
		return fail(NULL, "pipe");
	child = fork();
	if (child == 0)
		sandbox(up[1], go[0], argv);
	close(up[1]);
	close(go[0]);
	if (child < 0 || read(up[0], &c, 1) != 1)
		return fail(NULL, "the sandbox did not start");
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)child);
	uns = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)child);
	nns = open(path, O_RDONLY | O_CLOEXEC);
	if (uns < 0 || nns < 0)
		return fail(NULL, "opening the sandbox's namespaces");
	if (usernet_start(cmd, uns, nns, &u, &err) < 0 || usernet_wait_ready(u, &g, &err) < 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		return fail(&err, "start");
	}
	close(uns);
	close(nns);
	helper = usernet_pid(u);
	fprintf(stderr, "helper pid %d\n", (int)helper);
	if (write(go[1], "g", 1) != 1)
		return fail(NULL, "go");
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return fail(NULL, "waitpid");
	u = usernet_stop(u);
	if (kill(helper, 0) < 0 && errno == ESRCH)
		fprintf(stderr, "helper gone\n");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"helper", required_argument, NULL, 'H'},  {"path", required_argument, NULL, 'P'},
	    {"tcp", required_argument, NULL, 't'},     {"udp", required_argument, NULL, 'u'},
	    {"addr", required_argument, NULL, 'a'},    {"mtu", required_argument, NULL, 'm'},
	    {"host-loopback", no_argument, NULL, 'L'}, {"plan", no_argument, NULL, 'p'},
	    {"check-tun", no_argument, NULL, 'c'},     {NULL, 0, NULL, 0},
	};
	_cleanup_(usernet_cmd_freep) struct usernet_cmd *cmd = NULL;
	struct usernet_forward fwd[16];
	struct usernet_opts o = {.forwards = fwd, .root = geteuid() == 0};
	struct sbx_err err = {0};
	const char *addr = NULL;
	bool plan = false, check = false;
	int opt;

	while ((opt = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		switch (opt) {
		case 'H':
			o.helper = !strcmp(optarg, "pasta")	    ? USERNET_PASTA
				   : !strcmp(optarg, "slirp4netns") ? USERNET_SLIRP4NETNS
								    : USERNET_AUTO;
			break;
		case 'P':
			o.path = optarg;
			break;
		case 'a':
			addr = optarg;
			break;
		case 't':
		case 'u':
			if (o.n_forwards == 16 ||
			    parse_fwd(optarg, opt == 'u', addr, &fwd[o.n_forwards]))
				return fail(NULL, "bad forward");
			o.n_forwards++;
			break;
		case 'm':
			o.mtu = (unsigned)atoi(optarg);
			break;
		case 'L':
			o.host_loopback = true;
			break;
		case 'p':
			plan = true;
			break;
		case 'c':
			check = true;
			break;
		default:
			return 2;
		}
	}
	if (check)
		return usernet_check_tun(&err) < 0 ? fail(&err, "tun") : 0;
	if (usernet_plan(&o, &cmd, &err) < 0)
		return fail(&err, "plan");
	if (plan) {
		printf("%s\n", cmd->path);
		for (size_t i = 0; i < cmd->argc; i++)
			printf("%s\n", cmd->argv[i]);
		for (size_t i = 0; i < cmd->n_api; i++)
			printf("api %s\n", cmd->api[i]);
		return 0;
	}
	if (optind >= argc)
		return fail(NULL, "no command");
	if (usernet_check_tun(&err) < 0)
		return fail(&err, "tun");
	return run(cmd, argv + optind);
}
