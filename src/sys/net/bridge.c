/* bridge.c — network mode "bridge" (root only): the host bridge, the sandbox's address, its
 * nftables rules, and the veth pair.
 *
 * Before clone() (PREPARE), the parent makes sure the bridge exists (made with the gateway's
 * address when missing), takes the sandbox's address from the bridge's allocation file (IPAM:
 * the static one reserved, or the lowest free one), and adds the sandbox's rules (masquerade
 * with nat, DNAT per forward) to sbx's nftables table. Beside the child, once the netns helper
 * has made the namespace and passed it over, the parent makes the veth pair with its inside
 * end right in that namespace as eth0, puts the host end on the bridge, configures eth0 (lo
 * and eth0 up, the address, the default route via the gateway), and only then tells the child
 * the network is ready, in the command's process before exec.
 *
 * Each of these pushes its undo, so whatever way the run ends the host end is deleted, the
 * rules are removed and the address released (and an ephemeral bridge this run made is
 * removed once no sandbox uses it). After a SIGKILL of sbx, the sandbox dies with it and the
 * kernel deletes the veth pair with its namespace; the rules and the address name their owner
 * (util/owner.h), and the next run drops those whose owner is gone. */
#include "sys/net/net.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sys/net/ipam.h"
#include "sys/net/link.h"
#include "sys/net/nft.h"
#include "util/cleanup.h"
#include "util/owner.h"

#define OWNER_TAG_HEAD "sbx owner="

static struct in_addr in4(uint32_t a)
{
	return (struct in_addr){.s_addr = a};
}

static const char *ip_text(uint32_t a, char buf[INET_ADDRSTRLEN])
{
	return inet_ntop(AF_INET, &(struct in_addr){.s_addr = a}, buf, INET_ADDRSTRLEN);
}

static bool loopback(struct in_addr a)
{
	return (ntohl(a.s_addr) >> 24) == 127;
}

static int oom(struct sbx_err *err)
{
	return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
}

/* The forwards as the nftables module takes them, and as the plan shows them. */
static int compile_forwards(struct plan *plan, const struct profile *p, struct step_net *n,
			    struct sbx_err *err)
{
	struct nft_forward *fw;
	const char **text;

	if (!p->net.n_forward)
		return 0;
	fw = plan_alloc(plan, p->net.n_forward * sizeof(*fw));
	text = plan_alloc(plan, (p->net.n_forward + 1) * sizeof(*text));
	if (!fw || !text)
		return oom(err);
	for (size_t i = 0; i < p->net.n_forward; i++) {
		const struct net_forward *f = &p->net.forward[i];
		char a[INET_ADDRSTRLEN];

		fw[i] = (struct nft_forward){
		    .proto = f->proto == NET_PROTO_UDP ? IPPROTO_UDP : IPPROTO_TCP,
		    .host_address = f->host_address,
		    .host = f->host,
		    .sandbox = f->sandbox,
		};
		text[i] = plan_printf(plan, "%s:%s:%u->%u", profile_net_proto_name(f->proto),
				      ip_text(f->host_address.s_addr, a), f->host, f->sandbox);
		if (!text[i])
			return oom(err);
		if (loopback(f->host_address) || f->host_address.s_addr == htonl(INADDR_ANY))
			n->localnet = true;
		if (!loopback(f->host_address))
			n->ip_forward = true;
	}
	n->forwards = fw;
	n->forward_text = text;
	n->n_forwards = p->net.n_forward;
	return 0;
}

int net_bridge_plan_add(struct plan *plan, const struct profile *p, struct sbx_err *err)
{
	const struct sbx_loc *mode_loc = p->net.mode_loc.file ? &p->net.mode_loc : NULL;
	struct step_net n = {
	    .gateway = p->net.gateway.s_addr,
	    .prefix = p->net.gateway_prefix,
	    .address = p->net.address_auto ? 0 : p->net.address.s_addr,
	    .mtu = p->net.mtu,
	    .nat = p->net.nat,
	    .ephemeral = p->net.bridge_ephemeral,
	    .ip_forward = p->net.nat,
	};
	struct step *s;
	int r;

	n.bridge = plan_strdup(plan, p->net.bridge);
	if (!n.bridge)
		return oom(err);
	r = compile_forwards(plan, p, &n, err);
	if (r < 0)
		return r;
	s = plan_add(plan, STEP_NET_BRIDGE, p->net.bridge_loc.file ? &p->net.bridge_loc : mode_loc);
	if (!s)
		return oom(err);
	s->net = n;
	s = plan_add(plan, STEP_NET_ADDRESS,
		     p->net.address_loc.file ? &p->net.address_loc : mode_loc);
	if (!s)
		return oom(err);
	s->net = n;
	if (n.nat || n.n_forwards) {
		s = plan_add(plan, STEP_NET_RULES,
			     n.n_forwards ? &p->net.forward[0].loc
					  : (p->net.nat_loc.file ? &p->net.nat_loc : mode_loc));
		if (!s)
			return oom(err);
		s->net = n;
	}
	return 0;
}

int net_bridge_plan_add_veth(struct plan *plan, const struct profile *p, struct sbx_err *err)
{
	const struct step *bridge = plan_first(plan, STEP_NET_BRIDGE);
	struct step *s;

	if (!bridge)
		return 0; /* its adder failed, and said why */
	s = plan_add(plan, STEP_NET_VETH, p->net.mode_loc.file ? &p->net.mode_loc : NULL);
	if (!s)
		return oom(err);
	s->net = bridge->net;
	return 0;
}

/* --- the bridge ------------------------------------------------------------------------- */

static int write_sysctl(const char *path, const char *value)
{
	_cleanup_close_ int fd = open(path, O_RDWR | O_CLOEXEC);
	char now[8] = "";

	if (fd < 0)
		return -errno;
	if (read(fd, now, sizeof(now) - 1) > 0 && now[0] == value[0])
		return 0; /* already so: nothing written */
	if (pwrite(fd, value, strlen(value), 0) < 0)
		return -errno;
	return 0;
}

/* Whether bridge @name has no port left (/sys/class/net/NAME/brif is empty). */
static bool bridge_unused(const char *name)
{
	char path[96];
	DIR *d;
	struct dirent *e;
	bool empty = true;

	snprintf(path, sizeof(path), "/sys/class/net/%s/brif", name);
	d = opendir(path);
	if (!d)
		return false;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			empty = false;
	closedir(d);
	return empty;
}

/* An ephemeral bridge this run made goes at the end, unless another sandbox is on it by then
 * (that one's run leaves it, as it did not make it: the bridge then stays until removed). */
static void undo_bridge(const struct step *s, struct run_ctx *ctx)
{
	_cleanup_link_nl_ struct link_nl *nl = NULL;
	struct sbx_err err = {0};
	bool unused = bridge_unused(s->net.bridge);

	if (unused && link_nl_open(&nl, &err) == 0)
		(void)link_delete(nl, s->net.bridge, &err);
	if (ctx->verbose > 0)
		fprintf(stderr, "sbx:                end    net-bridge-remove bridge=%s%s%s\n",
			s->net.bridge, unused ? "" : " (in use: left)",
			err.n ? err.diag[0].msg : "");
}

static int reclaim_tag(const char *tag, void *data);

int net_run_bridge(const struct step *s, struct run_ctx *ctx)
{
	_cleanup_link_nl_ struct link_nl *nl = NULL;
	struct sbx_err reclaim_err = {0};
	bool created = false;
	int r;

	/* Every bridge-mode run drops the rules of sandboxes whose sbx was killed. Best effort:
	 * a kernel without nftables has no rules to drop, and a run that needs rules says so at
	 * net-rules. */
	(void)nft_owner_tags(reclaim_tag, &reclaim_err, &reclaim_err);
	r = link_nl_open(&nl, ctx->err);
	if (r == 0)
		r = link_bridge_ensure(nl, s->net.bridge, in4(s->net.gateway), s->net.prefix,
				       s->net.mtu, &created, ctx->err);
	if (r < 0)
		return r;
	if (created && s->net.ephemeral) {
		r = run_undo_push(ctx, undo_bridge, s);
		if (r < 0)
			return sbx_err_set(ctx->err, &s->loc, r, "net-bridge: too many undo steps");
	}
	if (s->net.ip_forward) {
		r = write_sysctl("/proc/sys/net/ipv4/ip_forward", "1");
		if (r < 0)
			return sbx_err_set(ctx->err, &s->loc, r,
					   "net-bridge: turning on IPv4 forwarding "
					   "(/proc/sys/net/ipv4/ip_forward): %s",
					   strerror(-r));
	}
	if (s->net.localnet)
		return nft_route_localnet(s->net.bridge, ctx->err);
	return 0;
}

/* --- the address ------------------------------------------------------------------------ */

static void undo_address(const struct step *s, struct run_ctx *ctx)
{
	struct sbx_err err = {0};
	struct owner self;
	char a[INET_ADDRSTRLEN];

	if (owner_self(&self) < 0)
		return;
	if (ipam_release(IPAM_DIR, s->net.bridge, in4(ctx->net_address), &self, &err) < 0)
		fprintf(stderr, "sbx: warning: %s\n", err.diag[0].msg);
	else if (ctx->verbose > 0)
		fprintf(stderr, "sbx:                end    net-address-release address=%s\n",
			ip_text(ctx->net_address, a));
}

int net_run_address(const struct step *s, struct run_ctx *ctx)
{
	struct ipam_pool pool = {
	    .dir = IPAM_DIR,
	    .bridge = s->net.bridge,
	    .subnet = in4(s->net.gateway),
	    .prefix = s->net.prefix,
	    .gateway = in4(s->net.gateway),
	};
	struct in_addr addr = in4(s->net.address);
	struct owner self;
	unsigned reclaimed = 0;
	int r;

	r = owner_self(&self);
	if (r < 0)
		return sbx_err_set(ctx->err, &s->loc, r, "net-address: reading /proc/self/stat: %s",
				   strerror(-r));
	if (s->net.address)
		r = ipam_reserve(&pool, addr, &self, &reclaimed, ctx->err);
	else
		r = ipam_alloc(&pool, &self, &addr, &reclaimed, ctx->err);
	if (r < 0)
		return r;
	ctx->net_address = addr.s_addr;
	r = run_undo_push(ctx, undo_address, s);
	if (r < 0)
		return sbx_err_set(ctx->err, &s->loc, r, "net-address: too many undo steps");
	return 0;
}

/* --- the rules -------------------------------------------------------------------------- */

static void owner_tag(char buf[NFT_TAG_MAX + 1])
{
	struct owner self = {0};
	char text[OWNER_TEXT_MAX];

	(void)owner_self(&self);
	snprintf(buf, NFT_TAG_MAX + 1, OWNER_TAG_HEAD "%s", owner_format(&self, text));
}

/* A tag of sbx's table whose owner is gone: its rules go (a killed sbx left them). */
static int reclaim_tag(const char *tag, void *data)
{
	struct sbx_err *err = data;
	struct owner o;

	if (strncmp(tag, OWNER_TAG_HEAD, strlen(OWNER_TAG_HEAD)) != 0 ||
	    owner_parse(tag + strlen(OWNER_TAG_HEAD), &o) < 0 || owner_alive(&o))
		return 0;
	return nft_sandbox_remove(tag, err);
}

static void undo_rules(const struct step *s, struct run_ctx *ctx)
{
	struct sbx_err err = {0};
	char tag[NFT_TAG_MAX + 1];

	(void)s;
	owner_tag(tag);
	if (nft_sandbox_remove(tag, &err) < 0)
		fprintf(stderr, "sbx: warning: %s\n", err.diag[0].msg);
	else if (ctx->verbose > 0)
		fprintf(stderr, "sbx:                end    net-rules-remove owner=\"%s\"\n", tag);
}

int net_run_rules(const struct step *s, struct run_ctx *ctx)
{
	struct nft_sandbox sb = {
	    .address = in4(ctx->net_address),
	    .bridge = s->net.bridge,
	    .nat = s->net.nat,
	    .forwards = s->net.forwards,
	    .n_forwards = s->net.n_forwards,
	};
	char tag[NFT_TAG_MAX + 1];
	int r;

	owner_tag(tag);
	r = nft_sandbox_add(&sb, tag, ctx->err);
	if (r < 0)
		return r;
	r = run_undo_push(ctx, undo_rules, s);
	if (r < 0)
		return sbx_err_set(ctx->err, &s->loc, r, "net-rules: too many undo steps");
	return 0;
}

/* --- the veth pair ---------------------------------------------------------------------- */

static void undo_veth(const struct step *s, struct run_ctx *ctx)
{
	_cleanup_link_nl_ struct link_nl *nl = NULL;
	struct sbx_err err = {0};
	char host[IFNAMSIZ];

	(void)s;
	link_host_name(getpid(), host);
	if (link_nl_open(&nl, &err) < 0 || link_delete(nl, host, &err) < 0)
		fprintf(stderr, "sbx: warning: %s\n", err.diag[0].msg);
	else if (ctx->verbose > 0)
		fprintf(stderr, "sbx:                end    net-veth-remove host=%s\n", host);
}

static int plumb_veth(const struct step *s, struct run_ctx *ctx, int netns)
{
	_cleanup_link_nl_ struct link_nl *nl = NULL;
	char host[IFNAMSIZ];
	int r;

	link_host_name(getpid(), host);
	r = link_nl_open(&nl, ctx->err);
	if (r == 0)
		r = link_veth_create(nl, host, "eth0", netns, s->net.mtu, ctx->err);
	if (r < 0)
		return r;
	r = run_undo_push(ctx, undo_veth, s);
	if (r < 0)
		return sbx_err_set(ctx->err, &s->loc, r, "net-veth: too many undo steps");
	r = link_set_master(nl, host, s->net.bridge, ctx->err);
	if (r == 0)
		r = link_set_up(nl, host, ctx->err);
	if (r == 0)
		r = link_inside_setup(netns, "eth0", in4(ctx->net_address), s->net.prefix,
				      in4(s->net.gateway), ctx->err);
	return r;
}

int net_run_veth(const struct step *s, struct run_ctx *ctx)
{
	int netns = net_take_netns(s, ctx, NULL), r;

	if (netns < 0) {
		(void)net_tell_child(ctx, netns);
		return netns;
	}
	r = plumb_veth(s, ctx, netns);
	close(netns);
	(void)net_tell_child(ctx, r < 0 ? -ENETUNREACH : 0);
	return r;
}

/* --- the plan --------------------------------------------------------------------------- */

void net_plumb_describe(const struct step *s, struct plan_kv *k)
{
	char a[INET_ADDRSTRLEN];
	const char *gw;

	switch (s->kind) {
	case STEP_NET_BRIDGE:
		plan_kv_str(k, "bridge", s->net.bridge);
		gw = ip_text(s->net.gateway, a);
		plan_kv_str(k, "if-missing", "create");
		plan_kv_str(k, "reclaim", "rules-of-dead-owners");
		plan_kv_str(k, "address", gw);
		plan_kv_num(k, "prefix", s->net.prefix);
		if (s->net.mtu)
			plan_kv_num(k, "mtu", s->net.mtu);
		if (s->net.ephemeral)
			plan_kv_str(k, "at-end", "remove-if-made-and-unused");
		if (s->net.ip_forward)
			plan_kv_str(k, "sysctl", "net.ipv4.ip_forward=1");
		if (s->net.localnet)
			plan_kv_str(k, "route_localnet", "1");
		break;
	case STEP_NET_ADDRESS:
		plan_kv_str(k, "bridge", s->net.bridge);
		plan_kv_str(k, "address", s->net.address ? ip_text(s->net.address, a) : "auto");
		plan_kv_num(k, "prefix", s->net.prefix);
		plan_kv_str(k, "file", IPAM_DIR "/<bridge>");
		plan_kv_str(k, "owner", "sbx");
		break;
	case STEP_NET_RULES:
		plan_kv_str(k, "table", "ip sbx");
		plan_kv_bool(k, "masquerade", s->net.nat);
		plan_kv_list(k, "dnat", s->net.forward_text, s->net.n_forwards);
		plan_kv_str(k, "owner", "sbx");
		break;
	case STEP_NET_VETH:
		plan_kv_str(k, "host", "sbx-PID");
		plan_kv_str(k, "bridge", s->net.bridge);
		plan_kv_str(k, "inside", "eth0");
		plan_kv_str(k, "address", s->net.address ? ip_text(s->net.address, a) : "auto");
		plan_kv_num(k, "prefix", s->net.prefix);
		plan_kv_str(k, "default-route-via", ip_text(s->net.gateway, a));
		if (s->net.mtu)
			plan_kv_num(k, "mtu", s->net.mtu);
		break;
	default: /* STEP_NET_USER */
		net_user_describe(s, k);
		break;
	}
}
