/* netns.h — network namespaces of a test's own, as any user: the binary enters a user namespace
 * where it is root (its uid and gid mapped to 0) with a network namespace, and each test makes
 * its namespaces there. Nothing reaches the host's network namespace. */
#pragma once

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline int netns_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : write(fd, text, strlen(text));

	if (fd >= 0)
		close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* Call first thing in main(): root in a new user namespace, in a new network namespace. The
 * tools the tests run (ip, nft) live in sbin, which a user's PATH may leave out. */
static inline int netns_enter_userns(void)
{
	char map[64];
	uid_t uid = getuid();
	gid_t gid = getgid();

	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0) {
		perror("unshare(CLONE_NEWUSER | CLONE_NEWNET)");
		return -1;
	}
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	if (netns_write("/proc/self/uid_map", map) < 0 ||
	    netns_write("/proc/self/setgroups", "deny\n") < 0)
		return -1;
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
	if (netns_write("/proc/self/gid_map", map) < 0)
		return -1;
	return setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
}

/* Run a shell command in the current network namespace; fail the test unless it succeeds. */
static inline void netns_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void netns_sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int status;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	status = system(cmd);
	if (status != 0)
		fail_msg("'%s' failed: status %d", cmd, status);
}

/* A new network namespace with lo up, which the caller is in afterwards; its fd is inherited by
 * the commands the test runs (as /proc/self/fd/N), and closing it (once the caller is elsewhere)
 * removes the namespace. */
static inline int netns_new(void)
{
	int fd;

	if (unshare(CLONE_NEWNET) < 0)
		fail_msg("unshare(CLONE_NEWNET): %s", strerror(errno));
	fd = open("/proc/self/ns/net", O_RDONLY);
	if (fd < 0)
		fail_msg("open /proc/self/ns/net: %s", strerror(errno));
	netns_sh("ip link set lo up");
	return fd;
}

static inline void netns_enter(int fd)
{
	if (setns(fd, CLONE_NEWNET) < 0)
		fail_msg("setns: %s", strerror(errno));
}
