/* owner.h — a process identity that survives pid reuse: the pid and the process's start time
 * (clock ticks after boot, field 22 of /proc/PID/stat). A record of who holds a shared resource
 * (an IPAM address, nftables rules) names its holder this way, so that a later run can tell a
 * holder that is gone, even when its pid has been given to another process since. Parent-side. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct owner {
	pid_t pid;
	unsigned long long start; /* starttime of /proc/PID/stat */
};

/* "PID:STARTTIME" and its NUL: a 10-digit pid, ':', a 20-digit start time. */
#define OWNER_TEXT_MAX 32

/* Parent. This process as an owner. 0 or -errno (/proc unreadable). */
int owner_self(struct owner *ret);

/* Parent. Process @pid as an owner. 0, -ENOENT when there is no such process, or -errno. */
int owner_of(pid_t pid, struct owner *ret);

/* Parent. Whether @o still runs: its /proc/PID/stat exists, has the same start time and is no
 * zombie. When that can't be read for another reason (EACCES under hidepid=), it counts as
 * alive: a holder is only given up when it is known to be gone. */
bool owner_alive(const struct owner *o);

/* Parent. Whether @a and @b are the same process. */
bool owner_equal(const struct owner *a, const struct owner *b);

/* Parent. @o as "PID:STARTTIME" into @buf; returns @buf. */
const char *owner_format(const struct owner *o, char buf[OWNER_TEXT_MAX]);

/* Parent. The text of owner_format() back, whole (no leading or trailing characters, a pid
 * above 0): 0, or -EINVAL. */
int owner_parse(const char *s, struct owner *ret);
