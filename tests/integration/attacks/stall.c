/* stall [--torn] SYSCALL SECONDS CMD [ARG...]: run CMD with SYSCALL made to hang for SECONDS in
 * every process CMD starts (its first call in each), the way a stalled network filesystem or a
 * helper that never answers makes a setup step hang. A test tool, not an attack: a seccomp
 * user-notification filter holds the call, and this process, outside the filter, answers it
 * only after SECONDS (or never, when CMD ends first). Exits with CMD's exit status (128+N when
 * a signal killed it). SYSCALL is one of: sethostname, pivot_root, setns.
 * --torn: while the call is held, also write 4 bytes (a record torn in the middle) into every
 * pipe the held process has open for writing: what a stray writer into sbx's report pipe
 * would do. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int syscall_nr(const char *name)
{
	if (!strcmp(name, "sethostname"))
		return SYS_sethostname;
	if (!strcmp(name, "pivot_root"))
		return SYS_pivot_root;
	if (!strcmp(name, "setns"))
		return SYS_setns;
	return -1;
}

static int install_filter(int nr)
{
	struct sock_filter code[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(code) / sizeof(code[0]), .filter = code};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
			    &prog);
}

static void send_fd(int sock, int fd)
{
	char buf[CMSG_SPACE(sizeof(int))] = {0}, c = 'f';
	struct iovec iov = {.iov_base = &c, .iov_len = 1};
	struct msghdr msg = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = buf, .msg_controllen = sizeof(buf)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	if (sendmsg(sock, &msg, 0) < 0)
		_exit(120);
}

static int recv_fd(int sock)
{
	char buf[CMSG_SPACE(sizeof(int))] = {0}, c;
	struct iovec iov = {.iov_base = &c, .iov_len = 1};
	struct msghdr msg = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = buf, .msg_controllen = sizeof(buf)};
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, 0) <= 0 || !(cm = CMSG_FIRSTHDR(&msg)))
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* Write 4 bytes into each pipe @pid holds open for writing (fds 3 and up). */
static void tear(pid_t pid)
{
	char dir[64], path[320], link[64], info[512];
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	d = opendir(dir);
	while (d && (e = readdir(d))) {
		ssize_t n;
		int fd, num = atoi(e->d_name);
		const char *flags;

		if (e->d_name[0] == '.' || num < 3)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd/%s", (int)pid, e->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0 || strncmp(link, "pipe:", 5) != 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", (int)pid, e->d_name);
		fd = open(path, O_RDONLY);
		n = fd >= 0 ? read(fd, info, sizeof(info) - 1) : -1;
		if (fd >= 0)
			close(fd);
		if (n <= 0)
			continue;
		info[n] = 0;
		flags = strstr(info, "flags:");
		if (!flags || (strtol(flags + 6, NULL, 8) & O_ACCMODE) != O_WRONLY)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd/%s", (int)pid, e->d_name);
		fd = open(path, O_WRONLY | O_NONBLOCK);
		if (fd >= 0 && write(fd, "torn", 4) == 4)
			fprintf(stderr, "stall: wrote 4 bytes into fd %d of %d\n", num, (int)pid);
		if (fd >= 0)
			close(fd);
	}
	if (d)
		closedir(d);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	struct seccomp_notif held[64];
	int n_held = 0, nr, sv[2], listener, status;
	long long release_at = 0, hold_ms;
	int torn = argc > 1 && !strcmp(argv[1], "--torn");
	pid_t pid;

	argv += torn;
	argc -= torn;
	if (argc < 4 || (nr = syscall_nr(argv[1])) < 0) {
		fprintf(
		    stderr,
		    "usage: stall [--torn] sethostname|pivot_root|setns SECONDS CMD [ARG...]\n");
		return 2;
	}
	hold_ms = atoll(argv[2]) * 1000;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return 2;
	pid = fork();
	if (pid == 0) {
		int fd = install_filter(nr);

		if (fd < 0) {
			perror("stall: seccomp");
			_exit(120);
		}
		send_fd(sv[1], fd);
		close(fd);
		execvp(argv[3], argv + 3);
		perror("stall: exec");
		_exit(127);
	}
	close(sv[1]);
	listener = recv_fd(sv[0]);
	for (;;) {
		struct pollfd pfd = {.fd = listener, .events = POLLIN};
		long long now = now_ms();
		int timeout = 50;

		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		if (release_at && now >= release_at) {
			for (int i = 0; i < n_held; i++) {
				struct seccomp_notif_resp resp = {
				    .id = held[i].id, .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE};
				(void)ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
			}
			n_held = 0;
			release_at = 0;
		}
		if (listener >= 0 && poll(&pfd, 1, timeout) > 0 && (pfd.revents & POLLIN) &&
		    n_held < 64) {
			memset(&held[n_held], 0, sizeof(held[n_held]));
			if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &held[n_held]) == 0) {
				if (torn)
					tear((pid_t)held[n_held].pid);
				n_held++;
				if (!release_at)
					release_at = now_ms() + hold_ms;
			}
		} else if (listener < 0) {
			usleep(50000);
		}
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
