/* ipam.h — addresses for bridge mode's address = "auto": one allocation file per bridge,
 * IPAM_DIR/BRIDGE, that concurrent sbx runs share. Parent-side (root, before clone and after
 * the sandbox ends).
 *
 * The file holds a header comment and one "ADDRESS PID:STARTTIME" line per address handed out,
 * naming the sbx process that holds it (util/owner.h). Every change happens under an exclusive
 * flock() of the directory, so two runs never pick the same address, and an entry whose owner
 * is gone (sbx was killed) is dropped by the next run that takes the lock.
 *
 * The file is sbx's own: comments and blank lines are skipped, and any other line it can't read
 * (a hand edit, a torn line) is dropped with a warning in @err naming FILE:LINE, so one bad
 * line never stops every later run. Its address is then free to hand out again: a line that
 * names no live owner protects nothing.
 *
 * The directory is made 0700 if missing. A directory or file that is a symlink, is not owned by
 * the caller, or (the directory) is writable by group or others is refused: another user could
 * otherwise plant entries or swap the file. */
#pragma once

#include <netinet/in.h>

#include "util/err.h"
#include "util/owner.h"

#define IPAM_DIR "/run/sbx/ipam"

/* A bridge's subnet, and where its allocation file is. */
struct ipam_pool {
	const char *dir;	/* IPAM_DIR; tests give a scratch directory */
	const char *bridge;	/* the file's name: no '/', not starting with '.' */
	struct in_addr subnet;	/* host bits are ignored */
	unsigned prefix;	/* 0..32 */
	struct in_addr gateway; /* never handed out */
};

/* Parent. Drop the entries whose owner is gone (how many in *ret_reclaimed, for -v), then
 * record the lowest free address of the subnet for @owner in *ret_addr: not the network
 * address, the broadcast address or the gateway. 0, -ENOSPC when none is free, -EINVAL for a
 * bad bridge name, or -errno; a message in @err, and warnings for dropped lines. */
int ipam_alloc(const struct ipam_pool *pool, const struct owner *owner, struct in_addr *ret_addr,
	       unsigned *ret_reclaimed, struct sbx_err *err);

/* Parent. Record the static address @addr for @owner, so that ipam_alloc() never hands it out;
 * stale entries are dropped as by ipam_alloc(). 0 (also when @owner holds it already),
 * -EADDRINUSE when a live owner holds it (the message names its pid), -EINVAL when @addr is no
 * host address of the subnet or is the gateway, or -errno. */
int ipam_reserve(const struct ipam_pool *pool, struct in_addr addr, const struct owner *owner,
		 unsigned *ret_reclaimed, struct sbx_err *err);

/* Parent. Remove @owner's entry for @addr; 0 when there is none (idempotent), or -errno. The
 * file is removed when no entry is left. */
int ipam_release(const char *dir, const char *bridge, struct in_addr addr,
		 const struct owner *owner, struct sbx_err *err);
