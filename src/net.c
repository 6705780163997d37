/* net.c — network namespace plumbing. The netlink request is built with libmnl before
 * clone(); the child only sends it on a raw socket and reads the ack. */
#include "net.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The loopback device is always ifindex 1 in a new network namespace. */
#define LOOPBACK_IFINDEX 1

static int build_link_up(struct plan *plan, struct step *s, unsigned ifindex)
{
	char *buf = plan_alloc(plan, MNL_SOCKET_BUFFER_SIZE);
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;

	if (!buf)
		return -ENOMEM;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = 1;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = (int)ifindex;
	ifm->ifi_flags = IFF_UP;
	ifm->ifi_change = IFF_UP;
	s->netlink.msg = buf;
	s->netlink.len = nlh->nlmsg_len;
	s->netlink.ifindex = ifindex;
	return 0;
}

int net_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		 struct sbx_err *err)
{
	struct step *s;

	(void)c;
	if (!(p->namespaces & NS_BIT(NS_NET)))
		return 0; /* "host": nothing to plumb */
	s = plan_add(plan, STEP_LOOPBACK_UP, p->net.mode_loc.file ? &p->net.mode_loc : NULL);
	if (!s || build_link_up(plan, s, LOOPBACK_IFINDEX) < 0)
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	return 0;
}

#include "util/child-safe.h"

int net_run_loopback_up(const struct step *s, struct run_ctx *ctx)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	char ack[512];
	ssize_t n;
	int fd, r = 0;

	(void)ctx;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (sendto(fd, s->netlink.msg, s->netlink.len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		r = -errno;
	while (r == 0) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)ack;

		n = recv(fd, ack, sizeof(ack), 0);
		if (n < 0) {
			r = -errno;
			break;
		}
		if ((size_t)n < sizeof(*nlh) + sizeof(struct nlmsgerr) ||
		    nlh->nlmsg_type != NLMSG_ERROR)
			continue;
		r = ((const struct nlmsgerr *)NLMSG_DATA(nlh))->error; /* 0 = ack, else -errno */
		break;
	}
	close(fd);
	return r;
}
