/* owner.c — process identities that survive pid reuse (see owner.h). */
#include "util/owner.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/cleanup.h"

/* The state (field 3) and start time (field 22) of a /proc/PID/stat line. The command name
 * (field 2) is in parentheses but may itself hold spaces and ')', so the fields are counted
 * from the last ')': nothing after it is anything but numbers and the state letter. */
static int stat_fields(const char *text, char *ret_state, unsigned long long *ret_start)
{
	const char *p = strrchr(text, ')');
	unsigned long long start;
	char state, *end;

	if (!p || p[1] != ' ' || !p[2] || p[3] != ' ')
		return -EIO;
	state = p[2];
	p += 3;
	for (int field = 4; field < 22; field++) { /* skip fields 4..21 */
		p = strchr(p + 1, ' ');
		if (!p)
			return -EIO;
	}
	errno = 0;
	start = strtoull(p + 1, &end, 10);
	if (errno || end == p + 1 || (*end != ' ' && *end != '\n' && *end != '\0'))
		return -EIO;
	*ret_state = state;
	*ret_start = start;
	return 0;
}

static int read_stat(pid_t pid, char *ret_state, unsigned long long *ret_start)
{
	_cleanup_close_ int fd = -1;
	char path[32], buf[2048];
	ssize_t n;

	if (pid <= 0)
		return -ENOENT;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do
		n = read(fd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == ESRCH ? -ENOENT : -errno; /* gone between open and read */
	buf[n] = '\0';
	return stat_fields(buf, ret_state, ret_start);
}

int owner_of(pid_t pid, struct owner *ret)
{
	unsigned long long start;
	char state;
	int r = read_stat(pid, &state, &start);

	if (r < 0)
		return r;
	ret->pid = pid;
	ret->start = start;
	return 0;
}

int owner_self(struct owner *ret)
{
	return owner_of(getpid(), ret);
}

bool owner_alive(const struct owner *o)
{
	unsigned long long start;
	char state;
	int r = read_stat(o->pid, &state, &start);

	if (r == -ENOENT || r == -ESRCH)
		return false;
	if (r < 0)
		return true;
	return start == o->start && state != 'Z' && state != 'X';
}

bool owner_equal(const struct owner *a, const struct owner *b)
{
	return a->pid == b->pid && a->start == b->start;
}

const char *owner_format(const struct owner *o, char buf[OWNER_TEXT_MAX])
{
	snprintf(buf, OWNER_TEXT_MAX, "%d:%llu", (int)o->pid, o->start);
	return buf;
}

/* A run of decimal digits at *s, no sign or space (strtoull alone takes both). */
static int parse_digits(const char **s, unsigned long long max, unsigned long long *ret)
{
	unsigned long long v;
	char *end;

	if (**s < '0' || **s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(*s, &end, 10);
	if (errno || v > max)
		return -EINVAL;
	*s = end;
	*ret = v;
	return 0;
}

int owner_parse(const char *s, struct owner *ret)
{
	unsigned long long pid, start;

	if (parse_digits(&s, INT_MAX, &pid) < 0 || pid == 0 || *s++ != ':' ||
	    parse_digits(&s, ULLONG_MAX, &start) < 0 || *s != '\0')
		return -EINVAL;
	ret->pid = (pid_t)pid;
	ret->start = start;
	return 0;
}
