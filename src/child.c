/* child.c — STUB, replaced by the real implementation. */
#include "child.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

_Noreturn void child_main(struct run_ctx *ctx)
{
	(void)ctx;
	_exit(125);
}
