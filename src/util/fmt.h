/* fmt.h — number formatting that child code may use (no stdio, no allocation). */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Child-safe. @v in @base (8 or 10) into @buf, NUL-terminated; "" when @size is too small.
 * Returns @buf. */
const char *fmt_uint(char *buf, size_t size, uint64_t v, unsigned base);
