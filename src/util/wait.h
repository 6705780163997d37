/* wait.h — bounded waits for the parent while the sandbox is being set up: every wait ends
 * when what it waits for happens, when a signal meant to stop sbx arrives, or at a deadline. */
#pragma once

#include <stdint.h>
#include <sys/types.h>

/* An fd the parent answers while it waits for anything else (--learn's seccomp listener,
 * whose callers block until answered): @fn runs when poll() reports @fd, with its revents, and
 * may change @fd (-1: nothing more to serve). A negative return ends the wait with it. Unused
 * while @fn is NULL, so a zeroed one costs nothing. */
struct wait_serve {
	int fd;
	int (*fn)(struct wait_serve *w, short revents);
	void *data;
};

/* What may cut the setup short, and what is served meanwhile. */
struct wait_guard {
	int sigfd;	   /* signalfd of the signals that abort the setup; -1 for none */
	uint64_t deadline; /* CLOCK_MONOTONIC milliseconds; 0 = none */
	int signal;	   /* set to the signal that arrived when a wait returns -EINTR */
	struct wait_serve serve;
};

/* The fd of @w to poll: -1 when there is nothing to serve. */
static inline int wait_serve_fd(const struct wait_serve *w)
{
	return w->fn ? w->fd : -1;
}

/* Milliseconds on CLOCK_MONOTONIC. */
uint64_t wait_now_ms(void);

/* Parent. Wait until @fd is readable (or hung up), serving g->serve meanwhile: 0; -EINTR when a
 * signal of @g arrived (g->signal says which), -ETIMEDOUT at g->deadline, or -errno. */
int wait_for_readable(int fd, struct wait_guard *g);

/* Parent. Wait for the child @pid to exit and reap it into *ret_status: 0; -EINTR or
 * -ETIMEDOUT as wait_for_readable(), the child still running then (the caller kills it), or
 * -errno. */
int wait_for_exit(pid_t pid, struct wait_guard *g, int *ret_status);
