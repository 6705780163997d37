/* mount_host.h — which host paths of a profile a sandbox could have changed, so the next run
 * does not follow a symlink planted there. Private to the mount subsystem (parent side).
 *
 * The rule: an overlay's upper and work are never reached through a symlink, in any
 * component; any other host path a mount opens (a bind's src, a lower, the root directory)
 * that lies inside a directory the sandbox can write (a read-write bind's src, an overlay's
 * upper, a read-write root directory of the same profile) is resolved as the host resolves
 * it up to that directory, and without following a symlink below it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "plan/plan.h"
#include "profile/profile.h"

/* One directory of the profile the sandbox can write. */
struct mount_writable {
	const char *path;	   /* as the profile spells it */
	const struct sbx_loc *loc; /* where the profile names it */
	char *real;		   /* realpath(), or NULL */
	dev_t dev;
	ino_t ino;
};

struct mount_writables {
	struct mount_writable *v;
	size_t n;
};

/* Parent. The writable host directories of @p that exist now; -ENOMEM or 0. Free with
 * mount_writables_free(). */
int mount_writables_collect(const struct profile *p, struct mount_writables *ret);
void mount_writables_free(struct mount_writables *ws);

/* Parent. Check the host path @path that a mount at @loc opens as "@what @path": with @strict
 * (an overlay's upper or work) no component may be a symlink; otherwise none below a writable
 * directory of @ws that contains it. *@ret_base (when not NULL) is set to the plan-owned
 * prefix of @path below which the child must not follow a symlink ("" = none anywhere), or
 * NULL when the host's resolution is fine. A missing component ends the check (existence is
 * checked elsewhere). 0, or the error recorded at @loc. */
int mount_host_check(const struct mount_writables *ws, struct plan *plan, const char *what,
		     const char *path, bool strict, const struct sbx_loc *loc,
		     const char **ret_base, struct sbx_err *err);
