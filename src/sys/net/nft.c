/* nft.c — bridge mode's nftables rules, as nf_tables netlink batches built with libnftnl.
 *
 * The table is `ip sbx`, not `inet sbx`: a sandbox's address, its gateway and IPAM are IPv4,
 * and NAT in an inet table would need every rule to match the family first and every nat
 * expression to name it. IPv6, when it comes, gets an `ip6 sbx` table beside this one.
 *
 * Its chains, added with every sandbox if missing (policy accept; they only touch packets of
 * sandboxes): prerouting and output (nat, dstnat priority) hold the forwards' DNAT, postrouting
 * (nat, srcnat) the masquerades, guard (filter, prerouting, raw priority) the drop described
 * below. There is no forward chain: every base chain on a hook runs and an accept only ends its
 * own chain, so an accept here could not undo a drop policy in another table (nor iptables'
 * FORWARD DROP); a host that drops forwarded traffic must allow the bridge's itself, as sbx
 * never touches another table.
 *
 * A forward from a host_address in 127.0.0.0/8 only has the output rule (nothing from outside
 * reaches a loopback address). The host's connection to 127.0.0.1:PORT, once DNATed, leaves by
 * the bridge with a loopback source: the bridge must route it (nft_route_localnet()), and a
 * masquerade gives it the bridge's address, or the sandbox would answer its own lo. Since
 * route_localnet would also let a sandbox reach the host's loopback services by sending to
 * 127.0.0.1 through its gateway, every sandbox's rules include the guard: drop what arrives from
 * the bridge for 127.0.0.0/8 before NAT (answers to the masqueraded connections are addressed to
 * the bridge's address until conntrack reverses them, after the guard).
 *
 * Removal lists the rules, then deletes the owner's by handle in a batch that carries the
 * ruleset generation it listed, so the kernel refuses it (ERESTART) rather than act on a
 * listing that is stale, and it is retried. The same batch deletes the table once no rule
 * would be left, so a host keeps nothing of sbx while no sandbox runs; an add racing with that
 * changes the generation and so wins. */
#include "sys/net/nft.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sys/net/nft_nl.h"
#include "util/cleanup.h"

static void rule_freep(struct nftnl_rule **r)
{
	if (*r)
		nftnl_rule_free(*r);
}

static void udata_freep(struct nftnl_udata_buf **u)
{
	if (*u)
		nftnl_udata_buf_free(*u);
}

static void table_freep(struct nftnl_table **t)
{
	if (*t)
		nftnl_table_free(*t);
}

static void chain_freep(struct nftnl_chain **c)
{
	if (*c)
		nftnl_chain_free(*c);
}

#define _cleanup_rule_ _cleanup_(rule_freep)

#define TABLE "sbx"
#define RETRIES 8 /* of a removal whose listing went stale */

enum chain_id { CH_PREROUTING, CH_OUTPUT, CH_POSTROUTING, CH_GUARD, _CH_MAX };

static const struct {
	const char *name, *type;
	uint32_t hook;
	int32_t prio;
} chains[_CH_MAX] = {
    [CH_PREROUTING] = {"prerouting", "nat", NF_INET_PRE_ROUTING, -100},
    [CH_OUTPUT] = {"output", "nat", NF_INET_LOCAL_OUT, -100},
    [CH_POSTROUTING] = {"postrouting", "nat", NF_INET_POST_ROUTING, 100},
    [CH_GUARD] = {"guard", "filter", NF_INET_PRE_ROUTING, -300},
};

/* Expressions ------------------------------------------------------------------------------- */

static struct nftnl_expr *payload(uint32_t base, uint32_t offset, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	}
	return e;
}

static struct nftnl_expr *meta(uint32_t key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	}
	return e;
}

/* fib daddr type: the destination's route type (RTN_LOCAL: one of the host's addresses). */
static struct nftnl_expr *fib_daddr_type(void)
{
	struct nftnl_expr *e = nftnl_expr_alloc("fib");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR);
	}
	return e;
}

static struct nftnl_expr *cmp(uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
		nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	}
	return e;
}

static struct nftnl_expr *imm_data(uint32_t reg, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, reg);
		nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, data, len);
	}
	return e;
}

static struct nftnl_expr *imm_drop(void)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, NF_DROP);
	}
	return e;
}

/* dnat to the address in register 1, the port in register 2. */
static struct nftnl_expr *dnat(void)
{
	struct nftnl_expr *e = nftnl_expr_alloc("nat");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, NFPROTO_IPV4);
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MIN, NFT_REG_2);
	}
	return e;
}

/* Hand @n expressions to @r, or free them all when one could not be allocated. */
static int add_exprs(struct nftnl_rule *r, struct nftnl_expr **e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!e[i]) {
			for (size_t j = 0; j < n; j++)
				if (e[j])
					nftnl_expr_free(e[j]);
			return -ENOMEM;
		}
	for (size_t i = 0; i < n; i++)
		nftnl_rule_add_expr(r, e[i]);
	return 0;
}

/* Rules ------------------------------------------------------------------------------------- */

enum rule_kind { R_GUARD, R_MASQ_OUT, R_MASQ_LO, R_DNAT };

struct rule_spec {
	enum rule_kind kind;
	enum chain_id chain;
	const struct nft_forward *fwd; /* R_DNAT */
};

static const uint8_t net_127 = 127; /* 127.0.0.0/8, matched on its first byte */
#define IP_SADDR offsetof(struct iphdr, saddr)
#define IP_DADDR offsetof(struct iphdr, daddr)
#define NET NFT_PAYLOAD_NETWORK_HEADER

static bool is_loopback(struct in_addr a)
{
	return (ntohl(a.s_addr) >> 24) == 127;
}

static int rule_exprs(struct nftnl_rule *r, const struct rule_spec *rs,
		      const struct nft_sandbox *sb, const char *ifname16)
{
	const struct nft_forward *f = rs->fwd;

	switch (rs->kind) {
	case R_GUARD: { /* iifname BRIDGE ip daddr 127.0.0.0/8 drop */
		struct nftnl_expr *e[] = {
		    meta(NFT_META_IIFNAME), cmp(NFT_CMP_EQ, ifname16, IFNAMSIZ),
		    payload(NET, IP_DADDR, 1), cmp(NFT_CMP_EQ, &net_127, 1), imm_drop()};
		return add_exprs(r, e, ARRAY_SIZE(e));
	}
	case R_MASQ_OUT: { /* ip saddr ADDR oifname != BRIDGE masquerade */
		struct nftnl_expr *e[] = {payload(NET, IP_SADDR, 4),
					  cmp(NFT_CMP_EQ, &sb->address, 4), meta(NFT_META_OIFNAME),
					  cmp(NFT_CMP_NEQ, ifname16, IFNAMSIZ),
					  nftnl_expr_alloc("masq")};
		return add_exprs(r, e, ARRAY_SIZE(e));
	}
	case R_MASQ_LO: { /* ip saddr 127.0.0.0/8 ip daddr ADDR oifname BRIDGE masquerade */
		struct nftnl_expr *e[] = {
		    payload(NET, IP_SADDR, 1), cmp(NFT_CMP_EQ, &net_127, 1),
		    payload(NET, IP_DADDR, 4), cmp(NFT_CMP_EQ, &sb->address, 4),
		    meta(NFT_META_OIFNAME),    cmp(NFT_CMP_EQ, ifname16, IFNAMSIZ),
		    nftnl_expr_alloc("masq")};
		return add_exprs(r, e, ARRAY_SIZE(e));
	}
	case R_DNAT: { /* ip daddr HOST PROTO dport H dnat to ADDR:S (any address: fib local) */
		bool any = f->host_address.s_addr == htonl(INADDR_ANY);
		uint32_t local = RTN_LOCAL;
		uint16_t dport = htons(f->host), to_port = htons(f->sandbox);
		struct nftnl_expr *e[] = {any ? fib_daddr_type() : payload(NET, IP_DADDR, 4),
					  any ? cmp(NFT_CMP_EQ, &local, 4)
					      : cmp(NFT_CMP_EQ, &f->host_address, 4),
					  meta(NFT_META_L4PROTO),
					  cmp(NFT_CMP_EQ, &f->proto, 1),
					  payload(NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2),
					  cmp(NFT_CMP_EQ, &dport, 2),
					  imm_data(NFT_REG_1, &sb->address, 4),
					  imm_data(NFT_REG_2, &to_port, 2),
					  dnat()};
		return add_exprs(r, e, ARRAY_SIZE(e));
	}
	}
	return -EINVAL;
}

static void rule_what(char *buf, const struct rule_spec *rs, const struct nft_sandbox *sb)
{
	char addr[INET_ADDRSTRLEN], host[INET_ADDRSTRLEN];
	const struct nft_forward *f = rs->fwd;

	inet_ntop(AF_INET, &sb->address, addr, sizeof(addr));
	switch (rs->kind) {
	case R_GUARD:
		snprintf(buf, NFT_WHAT_MAX, "adding the drop of 127.0.0.0/8 from %s", sb->bridge);
		break;
	case R_MASQ_OUT:
		snprintf(buf, NFT_WHAT_MAX, "adding masquerade of %s leaving by anything but %s",
			 addr, sb->bridge);
		break;
	case R_MASQ_LO:
		snprintf(buf, NFT_WHAT_MAX, "adding masquerade of 127.0.0.0/8 going to %s", addr);
		break;
	case R_DNAT:
		inet_ntop(AF_INET, &f->host_address, host, sizeof(host));
		snprintf(buf, NFT_WHAT_MAX, "adding DNAT %s:%u -> %s:%u (%s, %s)", host, f->host,
			 addr, f->sandbox, f->proto == IPPROTO_UDP ? "udp" : "tcp",
			 chains[rs->chain].name);
		break;
	}
}

/* The rule carries @owner_tag as its comment, as nft shows it. */
static int put_rule(struct nft_batch *b, struct nft_nl *nl, const struct rule_spec *rs,
		    const struct nft_sandbox *sb, const char *ifname16, const char *owner_tag)
{
	_cleanup_rule_ struct nftnl_rule *r = nftnl_rule_alloc();
	_cleanup_(udata_freep) struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(NFT_TAG_MAX + 3);
	struct nlmsghdr *nlh;
	char what[NFT_WHAT_MAX];
	int k;

	if (!r || !ud || nftnl_rule_set_str(r, NFTNL_RULE_TABLE, TABLE) < 0 ||
	    nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chains[rs->chain].name) < 0 ||
	    !nftnl_udata_put_strz(ud, NFTNL_UDATA_RULE_COMMENT, owner_tag) ||
	    nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(ud),
				nftnl_udata_buf_len(ud)) < 0)
		return -ENOMEM;
	k = rule_exprs(r, rs, sb, ifname16);
	if (k < 0)
		return k;
	rule_what(what, rs, sb);
	nlh = nft_batch_msg(b, nl, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, "%s", what);
	if (!nlh)
		return -EOVERFLOW;
	nftnl_rule_nlmsg_build_payload(nlh, r);
	return 0;
}

static int put_table(struct nft_batch *b, struct nft_nl *nl, uint16_t type, const char *what)
{
	_cleanup_(table_freep) struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	if (!t || nftnl_table_set_str(t, NFTNL_TABLE_NAME, TABLE) < 0)
		return -ENOMEM;
	nlh = nft_batch_msg(b, nl, type, type == NFT_MSG_NEWTABLE ? NLM_F_CREATE : 0, "%s", what);
	if (!nlh)
		return -EOVERFLOW;
	nftnl_table_nlmsg_build_payload(nlh, t);
	return 0;
}

static int put_chain(struct nft_batch *b, struct nft_nl *nl, enum chain_id id)
{
	_cleanup_(chain_freep) struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	if (!c || nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, TABLE) < 0 ||
	    nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, chains[id].name) < 0 ||
	    nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, chains[id].type) < 0)
		return -ENOMEM;
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, chains[id].hook);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, chains[id].prio);
	nlh = nft_batch_msg(b, nl, NFT_MSG_NEWCHAIN, NLM_F_CREATE, "creating chain ip %s %s", TABLE,
			    chains[id].name);
	if (!nlh)
		return -EOVERFLOW;
	nftnl_chain_nlmsg_build_payload(nlh, c);
	return 0;
}

/* The rules of @sb, in order; returns how many (at most 3 + 2 * n_forwards). */
static size_t rule_specs(const struct nft_sandbox *sb, struct rule_spec *rs)
{
	bool lo = false;
	size_t n = 0;

	rs[n++] = (struct rule_spec){R_GUARD, CH_GUARD, NULL};
	if (sb->nat)
		rs[n++] = (struct rule_spec){R_MASQ_OUT, CH_POSTROUTING, NULL};
	for (size_t i = 0; i < sb->n_forwards; i++) {
		const struct nft_forward *f = &sb->forwards[i];

		if (is_loopback(f->host_address) || f->host_address.s_addr == htonl(INADDR_ANY))
			lo = true;
		if (!is_loopback(f->host_address))
			rs[n++] = (struct rule_spec){R_DNAT, CH_PREROUTING, f};
		rs[n++] = (struct rule_spec){R_DNAT, CH_OUTPUT, f};
	}
	if (lo)
		rs[n++] = (struct rule_spec){R_MASQ_LO, CH_POSTROUTING, NULL};
	return n;
}

static int check_tag(const char *owner_tag, struct sbx_err *err)
{
	if (!owner_tag || !*owner_tag || strlen(owner_tag) > NFT_TAG_MAX)
		return sbx_err_set(err, NULL, -EINVAL,
				   "nftables: an owner tag takes 1 to %d characters", NFT_TAG_MAX);
	return 0;
}

static int check_sandbox(const struct nft_sandbox *sb, struct sbx_err *err)
{
	if (!sb->bridge || !*sb->bridge || strlen(sb->bridge) >= IFNAMSIZ)
		return sbx_err_set(err, NULL, -EINVAL, "nftables: bridge name '%s' is not valid",
				   sb->bridge ? sb->bridge : "");
	for (size_t i = 0; i < sb->n_forwards; i++) {
		const struct nft_forward *f = &sb->forwards[i];

		if ((f->proto != IPPROTO_TCP && f->proto != IPPROTO_UDP) || !f->host || !f->sandbox)
			return sbx_err_set(err, NULL, -EINVAL,
					   "nftables: forward %zu needs tcp or udp and two ports",
					   i);
	}
	return 0;
}

int nft_sandbox_add(const struct nft_sandbox *sb, const char *owner_tag, struct sbx_err *err)
{
	_cleanup_free_ struct rule_spec *rs = NULL;
	_cleanup_(nft_batch_free) struct nft_batch b = {0};
	_cleanup_(nft_nl_close) struct nft_nl nl = {0};
	char ifname16[IFNAMSIZ] = {0};
	size_t n;
	int r;

	r = check_tag(owner_tag, err);
	if (r >= 0)
		r = check_sandbox(sb, err);
	if (r < 0)
		return r;
	memcpy(ifname16, sb->bridge, strlen(sb->bridge));
	rs = calloc(3 + 2 * sb->n_forwards, sizeof(*rs));
	if (!rs)
		return sbx_err_set(err, NULL, -ENOMEM, "nftables: out of memory");
	n = rule_specs(sb, rs);
	r = nft_nl_open(&nl, err);
	if (r < 0)
		return r;
	r = nft_batch_init(&b, &nl, 1 + _CH_MAX + n, 0);
	if (r >= 0)
		r = put_table(&b, &nl, NFT_MSG_NEWTABLE, "creating table ip " TABLE);
	for (int c = 0; r >= 0 && c < _CH_MAX; c++)
		r = put_chain(&b, &nl, (enum chain_id)c);
	for (size_t i = 0; r >= 0 && i < n; i++)
		r = put_rule(&b, &nl, &rs[i], sb, ifname16, owner_tag);
	if (r < 0)
		return sbx_err_set(err, NULL, r, "nftables: building the rules: %s", strerror(-r));
	nft_batch_end(&b, &nl);
	return nft_batch_run(&b, &nl, err);
}

/* Listing ----------------------------------------------------------------------------------- */

struct rule_info {
	uint64_t handle;
	char chain[NFT_CHAIN_MAXNAMELEN];
	char tag[NFT_TAG_MAX + 1]; /* "" when the rule has no comment */
};

struct rule_list {
	struct rule_info *v;
	size_t n, cap;
	bool table; /* the table exists */
};

static int comment_cb(const struct nftnl_udata *attr, void *data)
{
	const char *s = nftnl_udata_get(attr);
	uint8_t len = nftnl_udata_len(attr);

	if (nftnl_udata_type(attr) == NFTNL_UDATA_RULE_COMMENT && len > 0 && s[len - 1] == '\0')
		snprintf(data, NFT_TAG_MAX + 1, "%s", s);
	return 0;
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rule_list *l = data;
	_cleanup_rule_ struct nftnl_rule *r = nftnl_rule_alloc();
	struct rule_info *ri;
	const void *ud;
	uint32_t ud_len = 0;
	const char *chain;

	if (!r || nftnl_rule_nlmsg_parse(nlh, r) < 0) {
		errno = r ? EPROTO : ENOMEM;
		return MNL_CB_ERROR;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct rule_info *v = reallocarray(l->v, cap, sizeof(*v));

		if (!v) {
			errno = ENOMEM;
			return MNL_CB_ERROR;
		}
		l->v = v;
		l->cap = cap;
	}
	ri = memset(&l->v[l->n++], 0, sizeof(*ri));
	ri->handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
	chain = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN);
	snprintf(ri->chain, sizeof(ri->chain), "%s", chain ? chain : "");
	ud = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &ud_len);
	if (ud)
		(void)nftnl_udata_parse(ud, ud_len, comment_cb, ri->tag);
	return MNL_CB_OK;
}

static int ignore_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

/* The rules of the table; none when it is missing (a dump filtered by a table that is missing
 * is only empty, so ask for the table first). */
static int list_rules(struct nft_nl *nl, struct rule_list *l, struct sbx_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	_cleanup_rule_ struct nftnl_rule *r = nftnl_rule_alloc();
	_cleanup_(table_freep) struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;
	int k;

	l->n = 0;
	l->table = false;
	if (!r || !t || nftnl_rule_set_str(r, NFTNL_RULE_TABLE, TABLE) < 0 ||
	    nftnl_table_set_str(t, NFTNL_TABLE_NAME, TABLE) < 0)
		return sbx_err_set(err, NULL, -ENOMEM, "nftables: out of memory");
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETTABLE, NFPROTO_IPV4, NLM_F_ACK, ++nl->seq);
	nftnl_table_nlmsg_build_payload(nlh, t);
	k = nft_nl_talk(nl, nlh, ignore_cb, NULL);
	if (k == -ENOENT)
		return 0;
	if (k >= 0) {
		l->table = true;
		nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, NFPROTO_IPV4, NLM_F_DUMP,
					    ++nl->seq);
		nftnl_rule_nlmsg_build_payload(nlh, r);
		k = nft_nl_talk(nl, nlh, rule_cb, l);
	}
	if (k < 0)
		return sbx_err_set(err, NULL, k, "nftables: listing table ip %s: %s", TABLE,
				   strerror(-k));
	return 0;
}

static int put_delrule(struct nft_batch *b, struct nft_nl *nl, const struct rule_info *ri)
{
	_cleanup_rule_ struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;

	if (!r || nftnl_rule_set_str(r, NFTNL_RULE_TABLE, TABLE) < 0 ||
	    nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, ri->chain) < 0)
		return -ENOMEM;
	nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, ri->handle);
	nlh = nft_batch_msg(b, nl, NFT_MSG_DELRULE, 0, "deleting rule %" PRIu64 " of chain %s",
			    ri->handle, ri->chain);
	if (!nlh)
		return -EOVERFLOW;
	nftnl_rule_nlmsg_build_payload(nlh, r);
	return 0;
}

/* One try at removing @owner_tag's rules: -ERESTART when the listing went stale. */
static int remove_once(struct nft_nl *nl, struct rule_list *l, const char *owner_tag,
		       struct sbx_err *err)
{
	_cleanup_(nft_batch_free) struct nft_batch b = {0};
	uint32_t genid = 0;
	size_t mine = 0;
	int r = nft_nl_genid(nl, &genid);

	if (r < 0)
		return sbx_err_set(err, NULL, r, "nftables: reading the ruleset's generation: %s",
				   strerror(-r));
	r = list_rules(nl, l, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < l->n; i++)
		mine += strcmp(l->v[i].tag, owner_tag) == 0;
	if (!l->table || (mine == 0 && l->n > 0))
		return 0;
	r = nft_batch_init(&b, nl, mine + 1, genid);
	for (size_t i = 0; r >= 0 && i < l->n; i++)
		if (strcmp(l->v[i].tag, owner_tag) == 0)
			r = put_delrule(&b, nl, &l->v[i]);
	if (r >= 0 && mine == l->n)
		r = put_table(&b, nl, NFT_MSG_DELTABLE, "deleting table ip " TABLE);
	if (r < 0)
		return sbx_err_set(err, NULL, r, "nftables: building the deletion: %s",
				   strerror(-r));
	nft_batch_end(&b, nl);
	return nft_batch_run(&b, nl, err);
}

int nft_sandbox_remove(const char *owner_tag, struct sbx_err *err)
{
	struct rule_list l = {0};
	_cleanup_(nft_nl_close) struct nft_nl nl = {0};
	int r = check_tag(owner_tag, err);

	if (r >= 0)
		r = nft_nl_open(&nl, err);
	for (int i = 0; r >= 0 && i < RETRIES; i++) {
		r = remove_once(&nl, &l, owner_tag, err);
		if (r != -ERESTART)
			break;
	}
	if (r == -ERESTART)
		r = sbx_err_set(err, NULL, r,
				"nftables: the ruleset kept changing while %s was "
				"being removed",
				owner_tag);
	free(l.v);
	return r;
}

int nft_owner_tags(int (*fn)(const char *tag, void *data), void *data, struct sbx_err *err)
{
	struct rule_list l = {0};
	struct nft_nl nl = {0};
	size_t n = 0;
	int r = nft_nl_open(&nl, err);

	if (r >= 0)
		r = list_rules(&nl, &l, err);
	nft_nl_close(&nl);
	/* Keep the first of each tag, in place, so fn runs once per tag. */
	for (size_t i = 0; r >= 0 && i < l.n; i++) {
		bool seen = !l.v[i].tag[0];

		for (size_t j = 0; !seen && j < n; j++)
			seen = strcmp(l.v[j].tag, l.v[i].tag) == 0;
		if (!seen)
			l.v[n++] = l.v[i];
	}
	for (size_t i = 0; r >= 0 && i < n; i++)
		r = fn(l.v[i].tag, data);
	free(l.v);
	return r;
}

int nft_route_localnet(const char *ifname, struct sbx_err *err)
{
	char path[64 + IFNAMSIZ];
	_cleanup_close_ int fd = -1;

	if (!ifname || !*ifname || strlen(ifname) >= IFNAMSIZ || strchr(ifname, '/') ||
	    !strcmp(ifname, ".") || !strcmp(ifname, ".."))
		return sbx_err_set(err, NULL, -EINVAL,
				   "route_localnet: interface name '%s' is not "
				   "valid",
				   ifname ? ifname : "");
	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/route_localnet", ifname);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "1\n", 2) != 2)
		return sbx_err_errno(err, NULL, "writing 1 to %s", path);
	return 0;
}
