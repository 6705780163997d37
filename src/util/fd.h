/* fd.h — passing one fd over a unix socket (SCM_RIGHTS). */
#pragma once

/* Child-safe. Send @fd over @sock with one byte of data. 0 or -errno. */
int fd_send(int sock, int fd);

/* Parent or child. Receive one fd (close-on-exec) sent by fd_send(); the fd, -EIO when the
 * message carried none (the peer closed), or -errno. */
int fd_recv(int sock);
