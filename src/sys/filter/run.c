/* run.c — loading the filter: the command's last step before execve. */
#include "sys/filter/filter.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sys/filter/learn.h"
#include "util/child-safe.h"

/* seccomp(2) directly: libseccomp's seccomp_load() allocates. One thread, so no TSYNC. */
int filter_run_load(const struct step *s, struct run_ctx *ctx)
{
	struct sock_fprog prog = {
	    .len = (unsigned short)s->seccomp.n_insns,
	    .filter = (struct sock_filter *)s->seccomp.insns,
	};

	long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, s->seccomp.flags, &prog);

	if (fd < 0)
		return -errno;
	/* --learn: the listener goes to sbx; this copy closes at exec. */
	return s->seccomp.learn
		   ? learn_send_listener(s->seccomp.learn, run_ch(ctx, CH_LEARN), (int)fd)
		   : 0;
}
