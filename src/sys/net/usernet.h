/* usernet.h — rootless user-mode networking (network mode "user"): pasta, or slirp4netns when
 * pasta is absent, started by the parent against the sandbox's network namespace. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/err.h"
#include "util/wait.h"

enum usernet_helper {
	USERNET_AUTO, /* pasta if found, else slirp4netns */
	USERNET_PASTA,
	USERNET_SLIRP4NETNS,
	_USERNET_HELPER_MAX,
};

/* The sandbox's side is the same under either helper: eth0 at 10.0.2.100/24, default route via
 * 10.0.2.2 (which stands for the host only with host_loopback), DNS at 10.0.2.3. */
#define USERNET_ADDRESS "10.0.2.100"
#define USERNET_GATEWAY "10.0.2.2"
#define USERNET_NAMESERVER "10.0.2.3"
#define USERNET_IFNAME "eth0"

struct usernet_forward {
	uint16_t host, sandbox;
	bool udp;
	const char *host_address; /* IPv4; NULL: 127.0.0.1 */
};

struct usernet_opts {
	enum usernet_helper helper;
	const char *path; /* where to look for the helper, as $PATH; NULL: $PATH or a default */
	const struct usernet_forward *forwards;
	size_t n_forwards;
	unsigned mtu;	    /* 0: the helper's default */
	bool host_loopback; /* let the gateway address reach the host's loopback */
	bool root; /* the caller is root: pasta would switch to nobody unless told not to */
	struct sbx_loc loc; /* for the messages */
};

/* The helper's command, built before clone: what --plan shows is what runs. The namespaces,
 * the ready pipe and slirp4netns's exit pipe and API directory are fds the helper inherits at
 * fixed numbers (USERNET_FD_*), so the argv names /proc/self/fd/N and needs no pid. */
struct usernet_cmd {
	enum usernet_helper helper;
	char *path;  /* absolute path of the helper */
	char **argv; /* NULL-terminated; argv[0] is the helper's name */
	size_t argc;
	char **api; /* slirp4netns: one add_hostfwd request (JSON) per forward, sent once ready */
	size_t n_api;
	struct sbx_loc loc;
};

#define USERNET_FD_USERNS 3
#define USERNET_FD_NETNS 4
#define USERNET_FD_READY 5  /* pasta's pid file, slirp4netns's --ready-fd */
#define USERNET_FD_EXIT 6   /* slirp4netns's --exit-fd: it quits when sbx's end closes */
#define USERNET_FD_APIDIR 7 /* slirp4netns's API socket is bound in this directory */
#define USERNET_N_FDS 8

/* A running helper. */
struct usernet;

/* Parent, before clone. Find the helper and build its command into *ret_cmd (the caller frees
 * it with usernet_cmd_free()). -ENOENT when no helper is found, -EINVAL for a host_address
 * that is not IPv4, -ENOMEM. */
int usernet_plan(const struct usernet_opts *o, struct usernet_cmd **ret_cmd, struct sbx_err *err);

/* Frees @cmd; accepts NULL, returns NULL. */
struct usernet_cmd *usernet_cmd_free(struct usernet_cmd *cmd);
void usernet_cmd_freep(struct usernet_cmd **cmd);

/* The helper's name for messages and --plan: "pasta" or "slirp4netns". */
const char *usernet_helper_name(enum usernet_helper h);

/* Parent. Both helpers open /dev/net/tun as the caller: 0 when it can be opened read-write,
 * else -EACCES (or the open's -errno) with the sentence that says how to fix it. */
int usernet_check_tun(struct sbx_err *err);

/* Parent, once the sandbox's network namespace exists. Start @cmd against it (@userns_fd and
 * @netns_fd are borrowed: the namespace and the user namespace that owns it). The helper dies
 * with sbx (parent-death signal; slirp4netns also on its exit pipe). *ret owns the process. */
int usernet_start(const struct usernet_cmd *cmd, int userns_fd, int netns_fd, struct usernet **ret,
		  struct sbx_err *err);

/* Parent. Wait until the helper has configured the namespace and bound its forwards (pasta
 * writes its pid file only then; slirp4netns writes its ready fd, then sbx adds the forwards
 * over its API socket). A helper that exits first is reaped and its last line of output
 * returned in @err (-EIO); -EINTR or -ETIMEDOUT as wait_for_readable(). */
int usernet_wait_ready(struct usernet *u, struct wait_guard *g, struct sbx_err *err);

/* The helper's pid (for logs and tests). */
pid_t usernet_pid(const struct usernet *u);

/* Parent. Kill and reap the helper, close its fds, remove what it left; accepts NULL, returns
 * NULL. */
struct usernet *usernet_stop(struct usernet *u);
void usernet_stopp(struct usernet **u);
