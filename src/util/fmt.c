/* fmt.c — number formatting that child code may use. */
#include "util/fmt.h"

#include "util/child-safe.h"

const char *fmt_uint(char *buf, size_t size, uint64_t v, unsigned base)
{
	char tmp[24];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % base);
		v /= base;
	} while (v && n < sizeof(tmp));
	if (n >= size)
		n = 0;
	for (size_t i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
	return buf;
}
