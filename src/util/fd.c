/* fd.c — passing one fd, or a result code, over a unix socket; writing a whole buffer. Runs in
 * the child too: nothing here allocates. */
#include "util/fd.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "util/child-safe.h"

/* On the wire, each message carries one int32 code: */
#define WIRE_FD 0   /* an fd is attached */
#define WIRE_DONE 1 /* success, no fd (fd_send_code(0)) */
/* ... or -errno: a failure, no fd. */

/* The code and room for one fd; the same shape on both ends. */
struct fd_msg {
	int32_t code;
	struct iovec iov;
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg;
};

static void fd_msg_init(struct fd_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->iov.iov_base = &m->code;
	m->iov.iov_len = sizeof(m->code);
	m->msg.msg_iov = &m->iov;
	m->msg.msg_iovlen = 1;
	m->msg.msg_control = m->u.buf;
	m->msg.msg_controllen = sizeof(m->u.buf);
}

static int send_msg(int sock, int32_t code, int fd)
{
	struct fd_msg m;
	struct cmsghdr *cm;
	ssize_t n;

	fd_msg_init(&m);
	m.code = code;
	if (fd < 0) {
		m.msg.msg_control = NULL;
		m.msg.msg_controllen = 0;
	} else {
		cm = CMSG_FIRSTHDR(&m.msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	do
		n = sendmsg(sock, &m.msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : 0;
}

/* Receives one message: its code, and the fd it carried in *ret_fd (-1 if none). */
static int recv_msg(int sock, int32_t *ret_code, int *ret_fd)
{
	struct fd_msg m;
	struct cmsghdr *cm;
	ssize_t n;

	*ret_fd = -1;
	fd_msg_init(&m);
	do
		n = recvmsg(sock, &m.msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n != (ssize_t)sizeof(m.code))
		return -EIO; /* EOF (0), or not one of ours */
	cm = CMSG_FIRSTHDR(&m.msg);
	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
	    cm->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(ret_fd, CMSG_DATA(cm), sizeof(int));
	*ret_code = m.code;
	return 0;
}

static bool is_errno(int32_t code)
{
	return code < 0 && code >= -4095;
}

int fd_send(int sock, int fd)
{
	return fd < 0 ? send_msg(sock, fd, -1) : send_msg(sock, WIRE_FD, fd);
}

int fd_send_code(int sock, int code)
{
	return send_msg(sock, code < 0 ? code : WIRE_DONE, -1);
}

int fd_recv(int sock)
{
	int32_t code;
	int fd, r = recv_msg(sock, &code, &fd);

	if (r < 0)
		return r;
	if (code == WIRE_FD && fd >= 0)
		return fd;
	if (fd >= 0)
		close(fd);
	return is_errno(code) ? code : -EIO;
}

int fd_recv_code(int sock)
{
	int32_t code;
	int fd, r = recv_msg(sock, &code, &fd);

	if (r < 0)
		return r;
	if (fd >= 0) {
		close(fd);
		return -EIO;
	}
	if (code == WIRE_DONE)
		return 0;
	return is_errno(code) ? code : -EIO;
}

void fd_close_all_but(int *keep, size_t n)
{
	unsigned next = 0;

	for (size_t i = 1; i < n; i++) /* insertion sort: a handful of ints */
		for (size_t j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
			int t = keep[j];

			keep[j] = keep[j - 1];
			keep[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		if (keep[i] < 0 || (unsigned)keep[i] < next)
			continue;
		if ((unsigned)keep[i] > next)
			(void)close_range(next, (unsigned)keep[i] - 1, 0);
		next = (unsigned)keep[i] + 1;
	}
	(void)close_range(next, ~0u, 0);
}

int fd_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
