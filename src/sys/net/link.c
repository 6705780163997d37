/* link.c — bridge mode's netlink requests (libmnl): each request is built by a small function
 * into the handle's buffer and sent by talk(), which reads replies up to the kernel's ack.
 * The handle asks for extended acks, so an error carries the kernel's own reason when it
 * gives one. */
#include "sys/net/link.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

/* Requests are small; replies to RTM_GETLINK carry the link's stats, a few KiB. */
#define LINK_BUF_SIZE 8192

struct link_nl {
	struct mnl_socket *sock;
	unsigned portid, seq;
	char ext_msg[128]; /* the last error's extended-ack text, or "" */
	char buf[LINK_BUF_SIZE];
};

struct link_nl *link_nl_free(struct link_nl *nl)
{
	if (nl) {
		if (nl->sock)
			mnl_socket_close(nl->sock);
		free(nl);
	}
	return NULL;
}

void link_nl_freep(struct link_nl **nl)
{
	int saved = errno;

	*nl = link_nl_free(*nl);
	errno = saved;
}

int link_nl_open(struct link_nl **ret_nl, struct sbx_err *err)
{
	_cleanup_link_nl_ struct link_nl *nl = calloc(1, sizeof(*nl));
	int one = 1;

	if (!nl)
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl->sock)
		return sbx_err_errno(err, NULL, "netlink: cannot open a NETLINK_ROUTE socket");
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		return sbx_err_errno(err, NULL, "netlink: cannot bind the socket");
	/* Best effort: without it errors are bare errnos. */
	(void)mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (unsigned)time(NULL);
	*ret_nl = TAKE_PTR(nl);
	return 0;
}

/* What talk() passes to libmnl's callbacks, which all get the same pointer. */
struct talk_ctx {
	struct link_nl *nl;
	mnl_cb_t cb;
	void *data;
};

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct talk_ctx *t = data;

	return t->cb ? t->cb(nlh, t->data) : MNL_CB_OK;
}

static int ext_ack_attr(const struct nlattr *a, void *data)
{
	struct link_nl *nl = data;

	if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG && mnl_attr_validate(a, MNL_TYPE_STRING) == 0)
		snprintf(nl->ext_msg, sizeof(nl->ext_msg), "%s", mnl_attr_get_str(a));
	return MNL_CB_OK;
}

/* NLMSG_ERROR: 0 is the ack; else keep the kernel's text, if any, and fail with its errno. */
static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*e);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (e->error == 0)
		return MNL_CB_STOP;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(e->msg); /* the echoed request's payload */
		if (mnl_nlmsg_size(off) <= nlh->nlmsg_len)
			(void)mnl_attr_parse(nlh, (unsigned)off, ext_ack_attr,
					     ((struct talk_ctx *)data)->nl);
	}
	errno = -e->error;
	return MNL_CB_ERROR;
}

/* Send @nlh (built in nl->buf) with the next sequence number and read replies, each passed
 * to @cb (may be NULL), up to the ack. 0 or -errno. */
static int talk(struct link_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = {[NLMSG_ERROR] = error_cb};
	struct talk_ctx t = {.nl = nl, .cb = cb, .data = data};
	unsigned seq = ++nl->seq;
	ssize_t n;
	int r;

	nl->ext_msg[0] = '\0';
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(nl->sock, nl->buf, sizeof(nl->buf));
		if (n < 0)
			return -errno;
		r = mnl_cb_run2(nl->buf, (size_t)n, seq, nl->portid, data_cb, &t, ctl,
				NLMSG_MIN_TYPE);
		if (r == MNL_CB_ERROR)
			return errno > 0 ? -errno : -EIO;
		if (r == MNL_CB_STOP)
			return 0;
	}
}

/* "WHAT: strerror (kernel's reason)" for the failure @r of a request. */
static int fail(struct link_nl *nl, struct sbx_err *err, int r, const char *what)
{
	if (nl && nl->ext_msg[0])
		return sbx_err_set(err, NULL, r, "%s: %s (%s)", what, strerror(-r), nl->ext_msg);
	return sbx_err_set(err, NULL, r, "%s: %s", what, strerror(-r));
}

static int check_name(const char *name, const char *what, struct sbx_err *err)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0)
		return sbx_err_set(err, NULL, -EINVAL, "%s: the name is empty", what);
	if (len >= IFNAMSIZ)
		return sbx_err_set(err, NULL, -EINVAL,
				   "%s '%s': the name is longer than %d characters", what, name,
				   IFNAMSIZ - 1);
	if (strpbrk(name, "/: \t\n") || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return sbx_err_set(err, NULL, -EINVAL, "%s '%s': not a valid link name", what,
				   name);
	return 0;
}

/* An RTM_*LINK message for link @name (by name: index 0) in nl->buf. */
static struct nlmsghdr *put_link_msg(struct link_nl *nl, uint16_t type, uint16_t flags,
				     const char *name)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

/* IFLA_LINKINFO: the kind, and for a veth the peer, made in @peer_netns_fd when >= 0. */
static void put_link_info(struct nlmsghdr *nlh, const char *kind, const char *peer,
			  int peer_netns_fd, unsigned mtu)
{
	struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO), *data, *p;
	struct ifinfomsg *ifm;

	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	if (peer) {
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		p = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
		/* The peer's attributes follow an ifinfomsg of its own. */
		ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
		ifm->ifi_family = AF_UNSPEC;
		mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
		if (mtu)
			mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
		if (peer_netns_fd >= 0)
			mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_netns_fd);
		mnl_attr_nest_end(nlh, p);
		mnl_attr_nest_end(nlh, data);
	}
	mnl_attr_nest_end(nlh, info);
}

void link_host_name(pid_t pid, char buf[IFNAMSIZ])
{
	/* pid_max is at most 2^22: "sbx-4194304" fits. */
	snprintf(buf, IFNAMSIZ, "sbx-%ld", (long)pid);
}

int link_veth_create(struct link_nl *nl, const char *host_name, const char *peer_name,
		     int peer_netns_fd, unsigned mtu, struct sbx_err *err)
{
	struct nlmsghdr *nlh;
	char what[64];
	int r;

	if ((r = check_name(host_name, "veth", err)) < 0 ||
	    (r = check_name(peer_name, "veth peer", err)) < 0)
		return r;
	nlh = put_link_msg(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, host_name);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	put_link_info(nlh, "veth", peer_name, peer_netns_fd, mtu);
	r = talk(nl, nlh, NULL, NULL);
	if (r < 0) {
		snprintf(what, sizeof(what), "veth %s (peer %s): creating", host_name, peer_name);
		return fail(nl, err, r, what);
	}
	return 0;
}

struct link_found {
	int index;
	char kind[16]; /* IFLA_INFO_KIND, "" for none (lo, a physical device) */
};

static int linkinfo_attr(const struct nlattr *a, void *data)
{
	struct link_found *f = data;

	if (mnl_attr_get_type(a) == IFLA_INFO_KIND && mnl_attr_validate(a, MNL_TYPE_STRING) == 0)
		snprintf(f->kind, sizeof(f->kind), "%s", mnl_attr_get_str(a));
	return MNL_CB_OK;
}

static int link_attr(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == IFLA_LINKINFO && mnl_attr_validate(a, MNL_TYPE_NESTED) == 0)
		(void)mnl_attr_parse_nested(a, linkinfo_attr, data);
	return MNL_CB_OK;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	struct link_found *f = data;

	if (nlh->nlmsg_type != RTM_NEWLINK || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifm)))
		return MNL_CB_OK;
	f->index = ifm->ifi_index;
	(void)mnl_attr_parse(nlh, sizeof(*ifm), link_attr, data);
	return MNL_CB_OK;
}

/* RTM_GETLINK by name: -ENODEV when there is none. */
static int find_link(struct link_nl *nl, const char *name, struct link_found *f)
{
	struct nlmsghdr *nlh = put_link_msg(nl, RTM_GETLINK, 0, name);
	int r;

	/* Only what is asked for: no stats, no VF list. */
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, 0);
	memset(f, 0, sizeof(*f));
	r = talk(nl, nlh, link_cb, f);
	if (r == 0 && f->index <= 0)
		r = -ENODEV;
	return r;
}

/* RTM_NEWLINK on an existing link @name, with @attr set to @value (IFLA_UNSPEC: none) and
 * @flags switched on. */
static int change_link(struct link_nl *nl, const char *name, uint16_t attr, uint32_t value,
		       unsigned flags)
{
	struct nlmsghdr *nlh = put_link_msg(nl, RTM_NEWLINK, 0, name);
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

	ifm->ifi_flags = flags;
	ifm->ifi_change = flags;
	if (attr != IFLA_UNSPEC)
		mnl_attr_put_u32(nlh, attr, value);
	return talk(nl, nlh, NULL, NULL);
}

int link_set_up(struct link_nl *nl, const char *name, struct sbx_err *err)
{
	char what[64];
	int r;

	if ((r = check_name(name, "link", err)) < 0)
		return r;
	r = change_link(nl, name, IFLA_UNSPEC, 0, IFF_UP);
	if (r < 0) {
		snprintf(what, sizeof(what), "link %s: bringing it up", name);
		return fail(nl, err, r, what);
	}
	return 0;
}

int link_set_mtu(struct link_nl *nl, const char *name, unsigned mtu, struct sbx_err *err)
{
	char what[64];
	int r;

	if ((r = check_name(name, "link", err)) < 0)
		return r;
	r = change_link(nl, name, IFLA_MTU, mtu, 0);
	if (r < 0) {
		snprintf(what, sizeof(what), "link %s: setting mtu %u", name, mtu);
		return fail(nl, err, r, what);
	}
	return 0;
}

int link_set_master(struct link_nl *nl, const char *name, const char *bridge, struct sbx_err *err)
{
	struct link_found f;
	char what[80];
	int r;

	if ((r = check_name(name, "link", err)) < 0 || (r = check_name(bridge, "bridge", err)) < 0)
		return r;
	r = find_link(nl, bridge, &f);
	if (r == 0)
		r = change_link(nl, name, IFLA_MASTER, (uint32_t)f.index, 0);
	if (r < 0) {
		snprintf(what, sizeof(what), "link %s: attaching it to bridge %s", name, bridge);
		return fail(nl, err, r, what);
	}
	return 0;
}

int link_delete(struct link_nl *nl, const char *name, struct sbx_err *err)
{
	char what[64];
	int r;

	if ((r = check_name(name, "link", err)) < 0)
		return r;
	r = talk(nl, put_link_msg(nl, RTM_DELLINK, 0, name), NULL, NULL);
	if (r == -ENODEV)
		return 0;
	if (r < 0) {
		snprintf(what, sizeof(what), "link %s: deleting", name);
		return fail(nl, err, r, what);
	}
	return 0;
}

int link_index(struct link_nl *nl, const char *name, struct sbx_err *err)
{
	struct link_found f;
	char what[64];
	int r;

	if ((r = check_name(name, "link", err)) < 0)
		return r;
	r = find_link(nl, name, &f);
	if (r < 0) {
		snprintf(what, sizeof(what), "link %s", name);
		return fail(nl, err, r, what);
	}
	return f.index;
}

int link_addr_add(struct link_nl *nl, int ifindex, struct in_addr addr, unsigned prefix,
		  struct sbx_err *err)
{
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	uint32_t mask = prefix ? htonl(~0u << (32 - prefix)) : 0;
	char what[64], text[INET_ADDRSTRLEN];
	int r;

	inet_ntop(AF_INET, &addr, text, sizeof(text));
	if (prefix > 32)
		return sbx_err_set(err, NULL, -EINVAL, "address %s/%u: the prefix is over 32", text,
				   prefix);
	nlh = mnl_nlmsg_put_header(nl->buf);
	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned)ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, sizeof(addr), &addr);
	mnl_attr_put(nlh, IFA_ADDRESS, sizeof(addr), &addr);
	if (prefix < 31)
		mnl_attr_put_u32(nlh, IFA_BROADCAST, addr.s_addr | ~mask);
	r = talk(nl, nlh, NULL, NULL);
	if (r < 0) {
		snprintf(what, sizeof(what), "address %s/%u on link %d: adding", text, prefix,
			 ifindex);
		return fail(nl, err, r, what);
	}
	return 0;
}

int link_route_add_default(struct link_nl *nl, struct in_addr gateway, struct sbx_err *err)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);
	struct rtmsg *rtm;
	char what[64], text[INET_ADDRSTRLEN];
	int r;

	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_GATEWAY, sizeof(gateway), &gateway);
	r = talk(nl, nlh, NULL, NULL);
	if (r < 0) {
		inet_ntop(AF_INET, &gateway, text, sizeof(text));
		snprintf(what, sizeof(what), "default route via %s: adding", text);
		return fail(nl, err, r, what);
	}
	return 0;
}

static int bridge_create(struct link_nl *nl, const char *name, unsigned mtu)
{
	struct nlmsghdr *nlh = put_link_msg(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, name);

	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	put_link_info(nlh, "bridge", NULL, -1, 0);
	return talk(nl, nlh, NULL, NULL);
}

/* 1 when bridge @name exists, 0 when there is no link of that name, or -errno. */
static int bridge_exists(struct link_nl *nl, const char *name, struct sbx_err *err)
{
	struct link_found f;
	char what[64];
	int r = find_link(nl, name, &f);

	if (r == -ENODEV)
		return 0;
	if (r < 0) {
		snprintf(what, sizeof(what), "bridge %s: looking it up", name);
		return fail(nl, err, r, what);
	}
	if (strcmp(f.kind, "bridge") != 0)
		return sbx_err_set(err, NULL, -EEXIST,
				   "bridge %s: a link of that name exists and "
				   "is not a bridge (kind '%s')",
				   name, f.kind[0] ? f.kind : "none");
	return 1;
}

/* Address and up on bridge @name just made; on failure it is removed again. */
static int bridge_configure(struct link_nl *nl, const char *name, struct in_addr addr,
			    unsigned prefix, struct sbx_err *err)
{
	int r, index = link_index(nl, name, err);

	r = index;
	if (index > 0 && (r = link_addr_add(nl, index, addr, prefix, err)) == 0)
		r = link_set_up(nl, name, err);
	if (r < 0)
		(void)link_delete(nl, name, NULL);
	return r;
}

int link_bridge_ensure(struct link_nl *nl, const char *name, struct in_addr addr, unsigned prefix,
		       unsigned mtu, bool *ret_created, struct sbx_err *err)
{
	char what[64];
	int r;

	if ((r = check_name(name, "bridge", err)) < 0)
		return r;
	if (prefix > 32) /* before the bridge is made, not after */
		return sbx_err_set(err, NULL, -EINVAL, "bridge %s: prefix /%u is over 32", name,
				   prefix);
	r = bridge_exists(nl, name, err);
	if (r == 0) {
		r = bridge_create(nl, name, mtu);
		if (r == -EEXIST) /* another sandbox made it just now */
			r = bridge_exists(nl, name, err);
		else if (r < 0) {
			snprintf(what, sizeof(what), "bridge %s: creating", name);
			return fail(nl, err, r, what);
		} else {
			r = bridge_configure(nl, name, addr, prefix, err);
			if (r < 0)
				return r;
			*ret_created = true;
			return 0;
		}
	}
	if (r < 0)
		return r;
	*ret_created = false;
	return 0;
}

/* Entering and coming back on the calling thread, not in a forked child: the parent is
 * single-threaded, setns() costs microseconds where a fork of the parent costs far more,
 * and errors land in the caller's own @err without a channel. Coming back can only fail if
 * the caller lost CAP_SYS_ADMIN meanwhile; it is reported, and handles opened before stay
 * bound to the namespace they were opened in, so a cleanup through them still hits home. */
int link_netns_run(int netns_fd, int (*fn)(void *arg, struct sbx_err *err), void *arg,
		   struct sbx_err *err)
{
	_cleanup_close_ int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	int r;

	if (home < 0)
		return sbx_err_errno(err, NULL, "network namespace: cannot open this thread's own");
	if (setns(netns_fd, CLONE_NEWNET) < 0)
		return sbx_err_errno(err, NULL, "network namespace: cannot enter the sandbox's");
	r = fn(arg, err);
	if (setns(home, CLONE_NEWNET) < 0) {
		int k = sbx_err_errno(err, NULL,
				      "network namespace: cannot come back from the "
				      "sandbox's");
		if (r >= 0)
			r = k;
	}
	return r;
}

struct inside {
	const char *name;
	struct in_addr addr, gateway;
	unsigned prefix;
};

static int inside_setup(void *arg, struct sbx_err *err)
{
	const struct inside *in = arg;
	_cleanup_link_nl_ struct link_nl *nl = NULL;
	int r, index;

	if ((r = link_nl_open(&nl, err)) < 0 || (r = link_set_up(nl, "lo", err)) < 0)
		return r;
	index = link_index(nl, in->name, err);
	if (index < 0)
		return index;
	if ((r = link_addr_add(nl, index, in->addr, in->prefix, err)) < 0 ||
	    (r = link_set_up(nl, in->name, err)) < 0)
		return r;
	if (in->gateway.s_addr == INADDR_ANY)
		return 0;
	return link_route_add_default(nl, in->gateway, err);
}

int link_inside_setup(int netns_fd, const char *name, struct in_addr addr, unsigned prefix,
		      struct in_addr gateway, struct sbx_err *err)
{
	struct inside in = {.name = name, .addr = addr, .gateway = gateway, .prefix = prefix};
	int r;

	if ((r = check_name(name, "link", err)) < 0)
		return r;
	return link_netns_run(netns_fd, inside_setup, &in, err);
}
