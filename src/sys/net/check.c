/* check.c — the network section's rules that join its keys, or need the caller: the loader
 * can't make them, as a later file or --set may still change the mode. */
#include "sys/net/check.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>

/* Which modes use a key, by bit (1u << NET_*). */
#define MODE_BIT(m) (1u << (m))
#define BRIDGE_ONLY MODE_BIT(NET_BRIDGE)

static void keep_first(int *r, int k)
{
	if (k < 0 && *r == 0)
		*r = k;
}

/* "the mode is \"none\" (the default)" or "... (t.cfg:3)", for the messages below. */
static const char *mode_text(const struct profile *p, char *buf, size_t size)
{
	char at[PROFILE_LOC_TEXT];

	snprintf(buf, size, "the mode is \"%s\" (%s)", profile_net_mode_name(p->net.mode),
		 profile_loc_text(&p->net.mode_loc, at, sizeof(at)));
	return buf;
}

static int check_keys(const struct profile *p, struct sbx_err *err)
{
	const struct {
		const char *key;
		const struct sbx_loc *loc;
		unsigned modes;
		const char *needs;
	} keys[] = {
	    {"bridge", &p->net.bridge_loc, BRIDGE_ONLY, "mode \"bridge\""},
	    {"address", &p->net.address_loc, BRIDGE_ONLY, "mode \"bridge\""},
	    {"gateway", &p->net.gateway_loc, BRIDGE_ONLY, "mode \"bridge\""},
	    {"nat", &p->net.nat_loc, BRIDGE_ONLY, "mode \"bridge\""},
	    {"bridge_ephemeral", &p->net.bridge_ephemeral_loc, BRIDGE_ONLY, "mode \"bridge\""},
	    {"mtu", &p->net.mtu_loc, BRIDGE_ONLY | MODE_BIT(NET_USER),
	     "mode \"bridge\" or \"user\""},
	    {"host_loopback", &p->net.host_loopback_loc, MODE_BIT(NET_USER), "mode \"user\""},
	};
	char mode[PROFILE_LOC_TEXT + 32];
	int r = 0;

	mode_text(p, mode, sizeof(mode));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].loc->file && !(keys[i].modes & MODE_BIT(p->net.mode)))
			keep_first(&r, sbx_err_set(err, keys[i].loc, -EINVAL,
						   "network.%s needs %s, and %s", keys[i].key,
						   keys[i].needs, mode));
	if (p->net.mode == NET_BRIDGE || p->net.mode == NET_USER)
		return r;
	for (size_t i = 0; i < p->net.n_forward; i++)
		keep_first(&r,
			   sbx_err_set(err, &p->net.forward[i].loc, -EINVAL,
				       "network.forward needs mode user or bridge, and %s", mode));
	return r;
}

static uint32_t subnet_of(struct in_addr a, unsigned prefix)
{
	return ntohl(a.s_addr) & (prefix ? ~UINT32_C(0) << (32 - prefix) : 0);
}

/* A fixed address must be another host of the gateway's subnet. A subnet that differs is said
 * at the gateway when the profile gave one (the bridge's subnet comes from it), else at the
 * address. */
static int check_addresses(const struct profile *p, struct sbx_err *err)
{
	const struct sbx_loc *loc =
	    p->net.gateway_loc.file ? &p->net.gateway_loc : &p->net.address_loc;
	char addr[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN], net[INET_ADDRSTRLEN];
	char at_addr[PROFILE_LOC_TEXT], at_gw[PROFILE_LOC_TEXT];
	struct in_addr subnet;

	if (p->net.address_auto)
		return 0;
	inet_ntop(AF_INET, &p->net.address, addr, sizeof(addr));
	inet_ntop(AF_INET, &p->net.gateway, gw, sizeof(gw));
	subnet.s_addr = htonl(subnet_of(p->net.address, p->net.address_prefix));
	inet_ntop(AF_INET, &subnet, net, sizeof(net));
	profile_loc_text(&p->net.address_loc, at_addr, sizeof(at_addr));
	profile_loc_text(&p->net.gateway_loc, at_gw, sizeof(at_gw));
	if (p->net.address.s_addr == p->net.gateway.s_addr)
		return sbx_err_set(err, &p->net.address_loc, -EINVAL,
				   "network.address %s/%u is the gateway's own address (%s): give "
				   "the sandbox another, or \"auto\"",
				   addr, p->net.address_prefix, at_gw);
	if (p->net.gateway_prefix != p->net.address_prefix)
		return sbx_err_set(err, loc, -EINVAL,
				   "network.gateway %s/%u and network.address %s/%u (%s) have "
				   "different prefix lengths: they share one subnet",
				   gw, p->net.gateway_prefix, addr, p->net.address_prefix,
				   p->net.gateway_loc.file ? at_addr : at_gw);
	if (subnet_of(p->net.gateway, p->net.gateway_prefix) !=
	    subnet_of(p->net.address, p->net.address_prefix))
		return sbx_err_set(err, loc, -EINVAL,
				   "network.gateway %s (%s) is outside the subnet %s/%u of "
				   "network.address %s/%u (%s)",
				   gw, at_gw, net, p->net.address_prefix, addr,
				   p->net.address_prefix, at_addr);
	return 0;
}

int net_check(const struct profile *p, const struct sbx_caller *c, struct sbx_err *err)
{
	int r = check_keys(p, err);

	if (p->net.mode != NET_BRIDGE)
		return r;
	keep_first(&r, check_addresses(p, err));
	/* A veth pair, the host's bridge and its nftables rules live in the host's network
	 * namespace: only root may change them. */
	if (c->uid != 0)
		keep_first(&r,
			   sbx_err_set(err, p->net.mode_loc.file ? &p->net.mode_loc : NULL, -EPERM,
				       "network.mode \"bridge\" needs root (it makes links on the "
				       "host): use mode \"user\" for rootless networking"));
	return r;
}
