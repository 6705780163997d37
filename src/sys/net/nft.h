/* nft.h — bridge mode's nftables rules (outbound masquerade, port forwards as DNAT), in sbx's
 * own table `ip sbx`, sent over netlink with libnftnl. Each sandbox's rules carry its owner tag
 * as their comment, so they are removed by tag, also after a crash (nft_owner_tags() lists the
 * tags present, to reclaim those whose owner is gone). Parent side, as root in the network
 * namespace the bridge is in. Forwards from outside and masquerade also need that namespace to
 * forward IPv4 (net.ipv4.ip_forward = 1), which is the caller's to set. */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* The longest owner tag, as a rule comment holds it (NFTNL_UDATA_COMMENT_MAXLEN, with its NUL). */
#define NFT_TAG_MAX 127

struct nft_forward {
	uint8_t proto;		     /* IPPROTO_TCP or IPPROTO_UDP */
	struct in_addr host_address; /* INADDR_ANY: every address of the host */
	uint16_t host, sandbox;	     /* ports, host byte order */
};

struct nft_sandbox {
	struct in_addr address; /* the sandbox's eth0 */
	const char *bridge;	/* the host end's bridge */
	bool nat; /* masquerade what the sandbox sends out by anything but the bridge */
	const struct nft_forward *forwards;
	size_t n_forwards;
};

/* Parent. Add @sb's rules, each commented @owner_tag, and the table and chains if missing, in
 * one atomic batch: all of them or none. */
int nft_sandbox_add(const struct nft_sandbox *sb, const char *owner_tag, struct sbx_err *err);

/* Parent. Delete every rule commented @owner_tag, and the table once it holds no rule. Nothing
 * to delete (or no table) is success. */
int nft_sandbox_remove(const char *owner_tag, struct sbx_err *err);

/* Parent. Call @fn once for each distinct tag in the table (none when there is no table), after
 * the listing, so @fn may call nft_sandbox_remove(). A negative return of @fn stops the walk and
 * is returned. */
int nft_owner_tags(int (*fn)(const char *tag, void *data), void *data, struct sbx_err *err);

/* Parent. Let @ifname route 127.0.0.0/8 (net.ipv4.conf.IFNAME.route_localnet = 1), which a
 * forward from a host_address in 127.0.0.0/8 (or INADDR_ANY) needs: the host's own connection
 * to 127.0.0.1:PORT leaves by the bridge with a loopback source until masquerade rewrites it,
 * and the sandbox's answer comes back to 127.0.0.1. The guard rule of nft_sandbox_add() drops
 * whatever else arrives from the bridge for 127.0.0.0/8. */
int nft_route_localnet(const char *ifname, struct sbx_err *err);
