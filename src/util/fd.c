/* fd.c — passing one fd over a unix socket. Runs in the child too: nothing here allocates. */
#include "util/fd.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "util/child-safe.h"

/* A code (0: an fd is attached; else -errno) and room for one fd; the same shape on both
 * ends. */
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

int fd_send(int sock, int fd)
{
	struct fd_msg m;
	struct cmsghdr *cm;
	ssize_t n;

	fd_msg_init(&m);
	if (fd < 0) { /* a failure to pass on instead of an fd */
		m.code = fd;
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

int fd_recv(int sock)
{
	struct fd_msg m;
	struct cmsghdr *cm;
	ssize_t n;
	int fd;

	fd_msg_init(&m);
	do
		n = recvmsg(sock, &m.msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	cm = CMSG_FIRSTHDR(&m.msg);
	if (n == (ssize_t)sizeof(m.code) && m.code < 0 && m.code >= -4095 && !cm)
		return m.code;
	if (n != (ssize_t)sizeof(m.code) || m.code != 0 || !cm || cm->cmsg_level != SOL_SOCKET ||
	    cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len != CMSG_LEN(sizeof(int)))
		return -EIO;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}
