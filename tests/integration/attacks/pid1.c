/* pid1 [MARKER]: everything a command inside might try against the sandbox's pid 1 (sbx's
 * init, which runs as the same user): read its environment and command line (looking for
 * MARKER, a secret the caller passed to sbx), open its fds (and write a forged wait status
 * into each), open its executable (the host's sbx binary) and memory, and ptrace it.
 * One line per way in: "ESCAPED <what>" when it worked, "held <what>" when it did not. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

static int escaped;

static void say(int got, const char *what)
{
	printf("%s %s\n", got ? "ESCAPED" : "held", what);
	escaped |= got;
}

/* Does the file hold @marker (or, without one, anything but NULs)? */
static int holds(const char *path, const char *marker)
{
	char buf[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == 0)
			buf[i] = '\n';
	buf[n] = 0;
	if (marker)
		return strstr(buf, marker) != NULL;
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] != '\n')
			return 1;
	return 0;
}

/* Open each of pid 1's fds; write a forged "exit 0" wait status into the writable ones. */
static int grab_fds(void)
{
	DIR *d = opendir("/proc/1/fd");
	struct dirent *e;
	int got = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[300];
		int fd, status = 0;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/1/fd/%s", e->d_name);
		fd = open(path, O_WRONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			continue;
		if (write(fd, &status, sizeof(status)) > 0)
			fprintf(stderr, "pid1: wrote into pid 1's fd %s\n", e->d_name);
		close(fd);
		got = 1;
	}
	closedir(d);
	return got;
}

static int attach(void)
{
	if (ptrace(PTRACE_ATTACH, 1, 0, 0) < 0)
		return 0;
	(void)waitpid(1, NULL, __WALL);
	(void)ptrace(PTRACE_DETACH, 1, 0, 0);
	return 1;
}

static int open_ok(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

int main(int argc, char **argv)
{
	const char *marker = argc > 1 ? argv[1] : NULL;

	setvbuf(stdout, NULL, _IOLBF, 0);
	say(grab_fds(), "/proc/1/fd");
	say(attach(), "ptrace-attach");
	say(open_ok("/proc/1/exe", O_PATH), "/proc/1/exe");
	say(open_ok("/proc/1/mem", O_RDONLY), "/proc/1/mem");
	say(open_ok("/proc/1/root/.", O_PATH), "/proc/1/root");
	say(holds("/proc/1/environ", marker), "/proc/1/environ");
	say(holds("/proc/1/cmdline", marker ? marker : "sbx"), "/proc/1/cmdline");
	return 0;
}
