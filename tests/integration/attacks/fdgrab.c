/* fdgrab FD NAME [TRIES]: from the first instruction, try to read NAME through a directory fd
 * that sbx's caller may have leaked, both as our own fd and through pid 1's /proc entry.
 * Prints "ESCAPED <how>: <first line>" on success, "held" otherwise. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int try_read(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 1;
}

int main(int argc, char **argv)
{
	char own[256], pid1[256], buf[256];
	long tries;

	if (argc < 3)
		return 2;
	tries = argc > 3 ? atol(argv[3]) : 20000;
	snprintf(own, sizeof(own), "/proc/self/fd/%s/%s", argv[1], argv[2]);
	snprintf(pid1, sizeof(pid1), "/proc/1/fd/%s/%s", argv[1], argv[2]);
	for (long i = 0; i < tries; i++) {
		if (try_read(pid1, buf, sizeof(buf))) {
			printf("ESCAPED via pid 1: %s\n", buf);
			return 0;
		}
		if (try_read(own, buf, sizeof(buf))) {
			printf("ESCAPED via own fd: %s\n", buf);
			return 0;
		}
	}
	printf("held\n");
	return 0;
}
