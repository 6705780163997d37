/* relay.c — one-way byte pumps between the caller's stdio and the sandbox (see relay.h). */
#include "run/relay.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

void relay_init(struct relay *r)
{
	memset(r, 0, sizeof(*r));
	r->master = -1;
}

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ? -errno : 0;
}

int relay_add(struct relay *r, int from, int to, bool output, bool own_from, bool own_to)
{
	struct pump *p;
	int k = 0;

	if (r->n == RELAY_MAX)
		k = -ENOSPC;
	if (k == 0 && own_from)
		k = set_nonblock(from);
	if (k == 0 && own_to)
		k = set_nonblock(to);
	if (k < 0) {
		if (own_from)
			close(from);
		if (own_to)
			close(to);
		return k;
	}
	p = &r->pump[r->n++];
	*p = (struct pump){
	    .from = from, .to = to, .output = output, .own_from = own_from, .own_to = own_to};
	return 0;
}

static void close_from(struct pump *p)
{
	if (p->own_from && p->from >= 0)
		close(p->from);
	p->own_from = false;
	p->from = -1;
	p->from_done = true;
}

static void close_to(struct pump *p)
{
	if (p->own_to && p->to >= 0)
		close(p->to);
	p->own_to = false;
	p->to = -1;
	p->to_dead = true;
}

/* An output pump with nothing in hand whose source has been quiet for RELAY_IDLE_MS since
 * the command ended (or since it last gave something). */
static bool idle(const struct relay *r, const struct pump *p, uint64_t now)
{
	uint64_t since = p->active > r->ended ? p->active : r->ended;

	return r->ended && p->len == 0 && now >= since + RELAY_IDLE_MS;
}

static bool pump_done(const struct relay *r, const struct pump *p, uint64_t now)
{
	if (!p->output) /* input ends with the command; nobody reads it after that */
		return r->ended || p->to_dead || (p->from_done && p->len == 0);
	if (p->len) /* output in hand waits for its reader, however slow */
		return p->to_dead;
	return p->from_done || idle(r, p, now);
}

size_t relay_fill(const struct relay *r, struct pollfd *pfd, uint64_t now)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct pump *p = &r->pump[i];
		bool live = !pump_done(r, p, now);

		pfd[2 * i] = (struct pollfd){
		    .fd = live && p->len == 0 && !p->from_done ? p->from : -1, .events = POLLIN};
		pfd[2 * i + 1] = (struct pollfd){.fd = live && p->len && !p->to_dead ? p->to : -1,
						 .events = POLLOUT};
	}
	return 2 * r->n;
}

static bool retry(ssize_t n)
{
	return n < 0 && (errno == EINTR || errno == EAGAIN);
}

static void pump_read(struct pump *p, short revents, uint64_t now)
{
	ssize_t n = read(p->from, p->buf, sizeof(p->buf));

	if (n > 0) {
		p->active = now;
		p->off = 0;
		p->len = p->to_dead ? 0 : (size_t)n; /* a gone reader: keep the source flowing */
		return;
	}
	/* A hangup with nothing to read ends the source even if read() says "try again". */
	if (retry(n) && (errno == EINTR || (revents & POLLIN)))
		return;
	p->from_done = true; /* EOF, EIO (a pty's last slave closed) or an error */
	if (p->own_to)
		close_to(p); /* the command reads EOF */
}

static void pump_write(struct pump *p, short revents, uint64_t now)
{
	ssize_t n = write(p->to, p->buf + p->off, p->len - p->off);

	if (n > 0) {
		p->off += (size_t)n;
		if (p->off == p->len) {
			p->len = p->off = 0;
			p->active = now;
		}
		return;
	}
	if (retry(n) && (errno == EINTR || (revents & POLLOUT)))
		return;
	/* EPIPE, EIO, or a hangup that leaves no room: nobody will read this any more. */
	p->to_dead = true;
	p->len = p->off = 0;
	if (p->own_from)
		close_from(p); /* the command's next write fails with EPIPE, as it would have */
	if (p->own_to)
		close_to(p);
}

void relay_io(struct relay *r, const struct pollfd *pfd, uint64_t now)
{
	for (size_t i = 0; i < r->n; i++) {
		struct pump *p = &r->pump[i];

		if (pfd[2 * i].fd >= 0 && pfd[2 * i].revents)
			pump_read(p, pfd[2 * i].revents, now);
		if (pfd[2 * i + 1].fd >= 0 && pfd[2 * i + 1].revents)
			pump_write(p, pfd[2 * i + 1].revents, now);
	}
}

void relay_flush(struct relay *r)
{
	for (size_t i = 0; i < r->n; i++) {
		struct pump *p = &r->pump[i];

		/* A bounded number of rounds: the sources are non-blocking, the caller's terminal
		 * takes a few pages at once. */
		for (int round = 0; p->output && round < 16; round++) {
			if (p->len) {
				pump_write(p, POLLOUT, 0);
				if (p->len)
					break; /* the caller's side is full */
			} else if (p->from_done) {
				break;
			} else {
				pump_read(p, POLLIN, 0);
				if (p->len == 0)
					break; /* nothing more for now */
			}
		}
	}
}

bool relay_done(const struct relay *r, uint64_t now, int *ret_timeout)
{
	int timeout = -1;
	bool done = true;

	for (size_t i = 0; i < r->n; i++) {
		const struct pump *p = &r->pump[i];
		uint64_t since = p->active > r->ended ? p->active : r->ended;

		if (pump_done(r, p, now))
			continue;
		done = false;
		if (r->ended && p->len == 0) { /* wake up when it turns idle */
			int left = (int)(since + RELAY_IDLE_MS - now);

			if (timeout < 0 || left < timeout)
				timeout = left;
		}
	}
	*ret_timeout = timeout;
	return done;
}

void relay_close(struct relay *r)
{
	for (size_t i = 0; i < r->n; i++) {
		close_from(&r->pump[i]);
		close_to(&r->pump[i]);
	}
	r->n = 0;
	if (r->master >= 0)
		close(r->master);
	r->master = -1;
}
