/* foreign-arch i386|x32: from the first instruction, make a system call through another
 * architecture's entry, which a filter written for x86_64 numbers would misread: "i386" is
 * getpid through int $0x80 (i386 numbering, 20), "x32" is getpid with the x32 bit set
 * (39 | 0x40000000). Prints "ESCAPED <arch> getpid=N" when the call ran, "held <arch>: errno N"
 * when the kernel refused it; a filter that kills such calls leaves no line (SIGSYS). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long i386_getpid(void)
{
	long ret = 20; /* __NR_getpid on i386 */

	__asm__ volatile("int $0x80" : "+a"(ret) : : "memory");
	return ret;
}

int main(int argc, char **argv)
{
	long r;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc != 2 || (strcmp(argv[1], "i386") && strcmp(argv[1], "x32"))) {
		fprintf(stderr, "usage: foreign-arch i386|x32\n");
		return 2;
	}
	if (!strcmp(argv[1], "i386")) {
		r = i386_getpid();
		if (r < 0 && r > -4096)
			printf("held i386: errno %ld\n", -r);
		else
			printf("ESCAPED i386 getpid=%ld\n", r);
		return 0;
	}
	r = syscall(SYS_getpid | 0x40000000);
	if (r < 0)
		printf("held x32: errno %d\n", errno);
	else
		printf("ESCAPED x32 getpid=%ld\n", r);
	return 0;
}
