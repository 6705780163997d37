/* fd.h — passing one fd over a unix socket (SCM_RIGHTS); closing all fds but a few; writing a
 * whole buffer. */
#pragma once

#include <stddef.h>

/* Child-safe. Send @fd over @sock; a negative @fd (-errno) sends that failure instead, for
 * the receiver's fd_recv() to return. 0 or -errno. */
int fd_send(int sock, int fd);

/* Child-safe. Send only @code (0 or -errno) over @sock, for fd_recv_code(). 0 or -errno. */
int fd_send_code(int sock, int code);

/* Child-safe. Receive a code sent by fd_send_code(): the code (0 or -errno), -EIO when the
 * peer closed without one or sent an fd, or -errno. */
int fd_recv_code(int sock);

/* Parent or child. Receive one fd (close-on-exec) sent by fd_send(); the fd, the sender's
 * -errno, -EIO when the message carried neither (the peer closed), or -errno. */
int fd_recv(int sock);

/* Child-safe. Close every fd of this process but the @n in @keep (negative ones are ignored;
 * @keep is sorted in place), as close_range() does: for a process just forked or cloned, which
 * must hold nothing of its parent's but what it uses. */
void fd_close_all_but(int *keep, size_t n);

/* Child-safe. Write all @len bytes of @buf to @fd, again after a short write or EINTR. 0 or
 * -errno. */
int fd_write_all(int fd, const void *buf, size_t len);
