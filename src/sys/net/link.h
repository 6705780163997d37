/* link.h — the netlink (libmnl) operations of bridge mode: a veth pair whose inside end is
 * made in the sandbox's network namespace, the host bridge, addresses, the default route.
 * Parent side only, IPv4. Each function returns 0 (link_index: the index) or -errno and
 * records one message naming the link or address in @err. Link names are checked (non-empty,
 * shorter than IFNAMSIZ, no '/', ':' or space) before anything is sent: -EINVAL. */
#pragma once

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <sys/types.h>

#include "util/cleanup.h"
#include "util/err.h"

/* A NETLINK_ROUTE socket, bound to the network namespace it was opened in. */
struct link_nl;

/* Parent. Open a handle in the calling thread's current network namespace; the caller owns
 * *ret_nl (link_nl_free). */
int link_nl_open(struct link_nl **ret_nl, struct sbx_err *err);
struct link_nl *link_nl_free(struct link_nl *nl);
void link_nl_freep(struct link_nl **nl);
#define _cleanup_link_nl_ _cleanup_(link_nl_freep)

/* Parent. The host end's name for the sandbox of @pid: "sbx-PID", into @buf. */
void link_host_name(pid_t pid, char buf[IFNAMSIZ]);

/* Parent. A veth pair: @host_name here, @peer_name made directly in the namespace of
 * @peer_netns_fd (here when it is negative), both with @mtu (0: the kernel's default). */
int link_veth_create(struct link_nl *nl, const char *host_name, const char *peer_name,
		     int peer_netns_fd, unsigned mtu, struct sbx_err *err);

/* Parent. Make bridge @name with @addr/@prefix and @mtu (0: default) and bring it up, unless
 * it exists: then it is left alone (*ret_created = false). A link of that name that is not a
 * bridge is -EEXIST. */
int link_bridge_ensure(struct link_nl *nl, const char *name, struct in_addr addr, unsigned prefix,
		       unsigned mtu, bool *ret_created, struct sbx_err *err);

/* Parent. Enslave @name to bridge @bridge; bring @name up; set its MTU. */
int link_set_master(struct link_nl *nl, const char *name, const char *bridge, struct sbx_err *err);
int link_set_up(struct link_nl *nl, const char *name, struct sbx_err *err);
int link_set_mtu(struct link_nl *nl, const char *name, unsigned mtu, struct sbx_err *err);

/* Parent. Add @addr/@prefix (with its broadcast address) to link @ifindex. */
int link_addr_add(struct link_nl *nl, int ifindex, struct in_addr addr, unsigned prefix,
		  struct sbx_err *err);

/* Parent. The default route of the main table, via @gateway. */
int link_route_add_default(struct link_nl *nl, struct in_addr gateway, struct sbx_err *err);

/* Parent. Delete link @name (a veth's peer goes with it). A missing link is success, so a
 * cleanup can run twice. */
int link_delete(struct link_nl *nl, const char *name, struct sbx_err *err);

/* Parent. The index of link @name (> 0), or -ENODEV. */
int link_index(struct link_nl *nl, const char *name, struct sbx_err *err);

/* Parent. Run @fn(@arg, @err) with the calling thread in the network namespace of @netns_fd,
 * and come back; fn's result, or -errno when entering or leaving fails. */
int link_netns_run(int netns_fd, int (*fn)(void *arg, struct sbx_err *err), void *arg,
		   struct sbx_err *err);

/* Parent. Inside the namespace of @netns_fd: lo up, @name up with @addr/@prefix, and the
 * default route via @gateway (none when gateway is 0.0.0.0). */
int link_inside_setup(int netns_fd, const char *name, struct in_addr addr, unsigned prefix,
		      struct in_addr gateway, struct sbx_err *err);
