/* relay.h — the parent's byte pumps between the caller's stdio and the sandbox's pty or pipes
 * (supervise.c drives them from its poll() loop).
 *
 * A pump moves bytes one way, from one fd to another, through a buffer of its own: the pty
 * relay is two pumps (stdin -> master, master -> stdout), the pipe relay one per fd. A source
 * is polled only while its pump's buffer is empty and a sink only while it is not, so an fd
 * that can't be served is never in the poll set and its POLLHUP can't make the loop spin. */
#pragma once

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RELAY_MAX 3 /* pumps */
/* After the command ended, an output pump whose buffer is empty and whose source has given
 * nothing for this long is done: a process that escaped the command's session could otherwise
 * keep the relay open for ever. */
#define RELAY_IDLE_MS 100

struct pump {
	int from, to;
	bool output;	 /* the command's output: drained after the command ends */
	bool own_from;	 /* from is ours: closed when the sink fails (the command gets EPIPE) */
	bool own_to;	 /* to is ours: closed at the source's EOF (the command reads EOF) */
	bool from_done;	 /* EOF, EIO or a hangup on the source */
	bool to_dead;	 /* the sink failed: what still comes is read and dropped */
	uint64_t active; /* ms of the last byte read or of the buffer running empty */
	size_t len, off;
	char buf[4096]; /* PIPE_BUF: a write to a pipe that polled writable never blocks */
};

struct relay {
	struct pump pump[RELAY_MAX];
	size_t n;
	int master;	/* the pty master (both pumps' fd), closed last; -1 without */
	uint64_t ended; /* ms when the command ended; 0 while it runs */
};

/* Parent. An empty relay. */
void relay_init(struct relay *r);

/* Parent. Add a pump from @from to @to; @own_from / @own_to: that fd belongs to the relay (made
 * non-blocking, closed by it). 0, or -errno (the fds that were to be the relay's are closed). */
int relay_add(struct relay *r, int from, int to, bool output, bool own_from, bool own_to);

/* Parent. The poll slots of the pumps, 2 per pump (source, sink), into @pfd; returns how many. */
size_t relay_fill(const struct relay *r, struct pollfd *pfd, uint64_t now);

/* Parent. Move bytes where @pfd (as filled by relay_fill()) says they can move. */
void relay_io(struct relay *r, const struct pollfd *pfd, uint64_t now);

/* Parent. Move what the sandbox has written so far to the caller, without waiting for more
 * (before sbx stops along with the command). */
void relay_flush(struct relay *r);

/* Parent. True when nothing is left to move: every pump is done (inputs end with the command,
 * outputs once drained). Else the poll timeout in *ret_timeout (-1: none). */
bool relay_done(const struct relay *r, uint64_t now, int *ret_timeout);

/* Parent. Close every fd of the relay. */
void relay_close(struct relay *r);
