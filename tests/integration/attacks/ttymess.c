/* ttymess [FD|tty...]: from the first instruction, try to change for good the terminal sbx's
 * caller may have handed us on FD (default 0, 1 and 2), or that "tty" (/dev/tty, the
 * controlling terminal) opens: echo off and raw mode (tcsetattr), a
 * 1x3 window (TIOCSWINSZ), discard typed input (TCIFLUSH) and another line discipline
 * (TIOCSETD). Prints "ESCAPED <what> on fd N" for each change that took, "held" otherwise. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static int mess(int fd)
{
	struct winsize ws = {.ws_row = 1, .ws_col = 3};
	struct termios tio;
	int hits = 0, ldisc = 27; /* N_NULL; the kernel may refuse it, then try N_HDLC */

	if (tcgetattr(fd, &tio) == 0) {
		cfmakeraw(&tio);
		tio.c_lflag &= ~(tcflag_t)ECHO;
		if (tcsetattr(fd, TCSANOW, &tio) == 0 && printf("ESCAPED tcsetattr on fd %d\n", fd))
			hits++;
	}
	if (ioctl(fd, TIOCSWINSZ, &ws) == 0 && printf("ESCAPED TIOCSWINSZ on fd %d\n", fd))
		hits++;
	if (isatty(fd) && tcflush(fd, TCIFLUSH) == 0 && printf("ESCAPED TCIFLUSH on fd %d\n", fd))
		hits++;
	if (ioctl(fd, TIOCSETD, &ldisc) == 0 && printf("ESCAPED TIOCSETD on fd %d\n", fd))
		hits++;
	ldisc = 13; /* N_HDLC */
	if (ioctl(fd, TIOCSETD, &ldisc) == 0 && printf("ESCAPED TIOCSETD on fd %d\n", fd))
		hits++;
	return hits;
}

int main(int argc, char **argv)
{
	int hits = 0;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc < 2) {
		for (int fd = 0; fd < 3; fd++)
			hits += mess(fd);
	}
	for (int i = 1; i < argc; i++) {
		int fd = strcmp(argv[i], "tty") ? atoi(argv[i]) : open("/dev/tty", O_RDWR);

		if (fd >= 0)
			hits += mess(fd);
	}
	if (!hits)
		printf("held\n");
	return 0;
}
