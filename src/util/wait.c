/* wait.c — bounded waits for the parent during setup (see wait.h). */
#include "util/wait.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"

uint64_t wait_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The first signal queued on the guard's signalfd, or 0. */
static int take_signal(const struct wait_guard *g)
{
	struct signalfd_siginfo si;

	if (g->sigfd < 0 || read(g->sigfd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return 0;
	return (int)si.ssi_signo;
}

int wait_for_readable(int fd, struct wait_guard *g)
{
	for (;;) {
		struct pollfd pfd[3] = {{.fd = fd, .events = POLLIN},
					{.fd = g->sigfd, .events = POLLIN},
					{.fd = wait_serve_fd(&g->serve), .events = POLLIN}};
		int timeout = -1, n;

		if (g->deadline) {
			uint64_t now = wait_now_ms();

			if (now >= g->deadline)
				return -ETIMEDOUT;
			timeout = g->deadline - now > 1000000 ? 1000000 : (int)(g->deadline - now);
		}
		n = poll(pfd, 3, timeout);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		/* What was waited for first: when it has happened (the command exec'd, say), a
		 * signal that came at the same time belongs to what follows, and stays queued. */
		if (pfd[0].revents)
			return 0;
		if (pfd[1].revents) {
			int sig = take_signal(g);

			if (sig > 0) {
				g->signal = sig;
				return -EINTR;
			}
		}
		if (pfd[2].revents && pfd[2].fd == wait_serve_fd(&g->serve)) {
			int r = g->serve.fn(&g->serve, pfd[2].revents);

			if (r < 0)
				return r;
		}
	}
}

int wait_for_exit(pid_t pid, struct wait_guard *g, int *ret_status)
{
	_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int status, r;

	/* Without pidfds (Linux < 5.3) the wait is unbounded, as it was before. */
	if (pidfd >= 0) {
		r = wait_for_readable(pidfd, g);
		if (r < 0)
			return r;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	*ret_status = status;
	return 0;
}
