/* syscall-loop.c — the syscall-heavy program of `make bench` (see bench/run.sh), run bare,
 * under sbx's default seccomp preset and under bubblewrap given the same filter.
 *
 *   syscall-loop [GETPPID_CALLS [OPEN_CLOSE_PAIRS]]      defaults: 10000000 and 1000000
 *
 * Makes GETPPID_CALLS getppid() calls, then opens and closes /dev/null OPEN_CLOSE_PAIRS
 * times, timing each loop with CLOCK_MONOTONIC from inside, so the launcher's start-up is not
 * counted. Prints one line:
 *
 *   getppid_ns=X open_close_ns=Y
 *
 * X is the time of one getppid(), Y of one openat() plus close(). getppid has no arguments a
 * filter could look at, so the kernel may decide it once and cache the verdict; openat is the
 * call a filter with argument rules has to run for. Raw syscall() so libc can't answer from a
 * cache. Exit status 1 when a call fails. Built static: it runs in a root holding only /usr. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static long count_arg(const char *s, long fallback)
{
	char *end;
	long n;

	if (!s)
		return fallback;
	n = strtol(s, &end, 10);
	return *end || n <= 0 ? -1 : n;
}

int main(int argc, char **argv)
{
	long calls = count_arg(argc > 1 ? argv[1] : NULL, 10000000);
	long pairs = count_arg(argc > 2 ? argv[2] : NULL, 1000000);
	double t0, getppid_ns, open_close_ns;

	if (calls < 0 || pairs < 0) {
		fprintf(stderr, "usage: syscall-loop [GETPPID_CALLS [OPEN_CLOSE_PAIRS]]\n");
		return 2;
	}
	t0 = now_ns();
	for (long i = 0; i < calls; i++)
		if (syscall(SYS_getppid) < 0)
			return 1;
	getppid_ns = (now_ns() - t0) / (double)calls;
	t0 = now_ns();
	for (long i = 0; i < pairs; i++) {
		long fd = syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY | O_CLOEXEC);

		if (fd < 0 || syscall(SYS_close, fd) < 0) {
			perror("syscall-loop: /dev/null");
			return 1;
		}
	}
	open_close_ns = (now_ns() - t0) / (double)pairs;
	printf("getppid_ns=%.1f open_close_ns=%.1f\n", getppid_ns, open_close_ns);
	return 0;
}
