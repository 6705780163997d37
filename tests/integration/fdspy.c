/* fdspy.c — a library the integration tests preload into sbx (LD_PRELOAD) to see which fds the
 * netns helper holds while it works, whoever runs the tests: a process can always read its own
 * /proc/self/fd, even when it is not dumpable, as the helper is.
 *
 * The helper's first call after it has closed what it does not need is unshare(CLONE_NEWNET)
 * (after setns() into the sandbox's user namespace). This unshare() appends one line per open
 * fd, "FD TARGET" (the target as /proc/self/fd shows it: "socket:[123]", "pipe:[456]",
 * "anon_inode:[pidfd]" ...), then a line "end", to the file named by $SBXT_FDSPY, then does
 * the real unshare(). Without SBXT_FDSPY, or for other namespaces, it only does the latter. */
#include <dlfcn.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

int unshare(int flags);

/* Every open fd of this process into @buf, one "FD TARGET" line each; its length. Taken before
 * the report file is opened, so that one is not listed. */
static size_t list_fds(char *buf, size_t size)
{
	struct rlimit rl = {.rlim_cur = 1024};
	size_t len = 0;

	(void)getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur > 65536)
		rl.rlim_cur = 65536;
	for (int fd = 0; fd < (int)rl.rlim_cur; fd++) {
		char path[64], target[256];
		ssize_t n;
		int k;

		if (fcntl(fd, F_GETFD) < 0)
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, target, sizeof(target) - 1);
		target[n < 0 ? 0 : n] = '\0';
		k = snprintf(buf + len, size - len, "%d %s\n", fd, n < 0 ? "?" : target);
		if (k < 0 || (size_t)k >= size - len)
			break;
		len += (size_t)k;
	}
	return len;
}

static void report(const char *file)
{
	char buf[16384];
	size_t len = list_fds(buf, sizeof(buf) - 4);
	int out;

	memcpy(buf + len, "end\n", 4);
	out = open(file, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (out < 0)
		return;
	(void)!write(out, buf, len + 4);
	close(out);
}

int unshare(int flags)
{
	int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "unshare");
	const char *file = getenv("SBXT_FDSPY");

	if ((flags & CLONE_NEWNET) && file && *file)
		report(file);
	return real(flags);
}
