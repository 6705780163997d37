/* fd.h — passing one fd over a unix socket (SCM_RIGHTS). */
#pragma once

/* Child-safe. Send @fd over @sock; a negative @fd (-errno) sends that failure instead, for
 * the receiver's fd_recv() to return. 0 or -errno. */
int fd_send(int sock, int fd);

/* Parent or child. Receive one fd (close-on-exec) sent by fd_send(); the fd, the sender's
 * -errno, -EIO when the message carried neither (the peer closed), or -errno. */
int fd_recv(int sock);
