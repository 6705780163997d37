/* exec.c — STUB, replaced by the real implementation. */
#include "exec.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

int exec_run(const struct plan *plan, const struct exec_opts *opts, struct sbx_err *err)
{
	(void)plan;
	(void)opts;
	
	(void)err;
	return -ENOSYS;
}
