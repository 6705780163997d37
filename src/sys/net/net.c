/* net.c — the sandbox's network namespace, made beside the child rather than by clone().
 *
 * Making a network namespace is the costliest part of starting a sandbox (every network
 * subsystem registers its per-namespace state and sysctls: about 0.7 ms here), and clone()
 * would do it while the child can do nothing else. So clone() leaves the network namespace
 * out. Once the child is released, the parent forks a helper (STEP_NETNS_CREATE) that enters
 * the sandbox's user namespace, unshares a network namespace there and passes its fd to the
 * child over a socket, then brings lo up and says so on the same socket. The child builds its
 * mounts meanwhile, joins the namespace late (STEP_NETNS_JOIN: right after pivot_root, or
 * before the root is built when a sysfs mount depends on it, and while it still has its
 * capabilities), and takes the word that lo is up in the command's process, before exec
 * (STEP_NETNS_READY). The namespace is the same one clone() would have made: owned by the
 * sandbox's user namespace, holding only lo, up.
 *
 * The helper runs as the caller and enters the sandbox's user namespace through the child
 * (its pidfd, or /proc/PID/ns/user), which needs ptrace access to the child. When the id maps
 * leave out the caller's own uid or gid (a map of subordinate ids only), the child switches
 * ids before its mounts and the helper, unless it is root, is refused. Then the child makes
 * the namespace itself instead (STEP_NETNS_UNSHARE, where it would have joined): unshare()
 * and lo up, with no helper and no wait.
 *
 * The netlink request that brings lo up is built with libmnl at compile time; the helper, or
 * the child, only sends it on a raw socket and reads the ack. */
#include "sys/net/net.h"
#include "sys/net/check.h"

#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/fd.h"
#include "util/fmt.h"

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

/* Where the child joins: as late as it can, to leave the helper the most time, which is first
 * thing after pivot_root (SETUP: before the rlimits, as a low nofile could refuse the fd, and
 * before the ids and capabilities change, as setns() needs CAP_SYS_ADMIN). A sysfs mount shows
 * the mounter's network namespace, and in a user namespace only the namespace's owner may
 * mount it: then the child joins before it builds the root (ROOT). */
static enum step_phase join_phase(const struct profile *p)
{
	if (!(p->namespaces & NS_BIT(NS_MOUNT)))
		return PHASE_SETUP;
	for (size_t i = 0; i < p->fs.n_mounts; i++)
		if (p->fs.mounts[i].type == MOUNT_SYSFS)
			return PHASE_ROOT;
	return PHASE_SETUP;
}

static int oom(struct sbx_err *err)
{
	return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
}

int net_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		 struct sbx_err *err)
{
	const struct sbx_loc *loc = p->net.mode_loc.file ? &p->net.mode_loc : NULL;
	bool plumbed = p->net.mode == NET_BRIDGE || p->net.mode == NET_USER;
	struct step *s;
	int r = net_check(p, c, err);

	if (r < 0)
		return r;
	if (!(p->namespaces & NS_BIT(NS_NET)))
		return 0; /* "host": nothing to plumb */
	/* A helper running as an unprivileged caller can't reach a child whose ids are not the
	 * caller's (ptrace access to it is refused): the child makes the namespace where it
	 * would have joined. Root's helper can (CAP_SYS_PTRACE, CAP_SYS_ADMIN over every user
	 * namespace). */
	if ((p->namespaces & NS_BIT(NS_USER)) && plan->caller_unmapped && c->uid != 0) {
		if (plumbed)
			return sbx_err_set(
			    err, loc, -EOPNOTSUPP,
			    "network.mode \"%s\" needs an id map that includes your "
			    "own uid and gid (the helper that plumbs the network runs "
			    "as you and enters the sandbox through them)",
			    profile_net_mode_name(p->net.mode));
		s = plan_add_to(plan, join_phase(p), STEP_NETNS_UNSHARE, loc);
		if (!s || build_link_up(plan, s, LOOPBACK_IFINDEX) < 0)
			return oom(err);
		s->netlink.enter_userns = true;
		return 0;
	}
	/* The helper starts once the child is released, beside it. */
	s = plan_add(plan, STEP_NETNS_CREATE, loc);
	if (!s || build_link_up(plan, s, LOOPBACK_IFINDEX) < 0)
		return oom(err);
	s->netlink.enter_userns = (p->namespaces & NS_BIT(NS_USER)) != 0;
	s->netlink.plumb = plumbed;
	if (p->net.mode == NET_BRIDGE)
		r = net_bridge_plan_add(plan, p, err);
	if (r < 0)
		return r;
	if (!plan_add_to(plan, join_phase(p), STEP_NETNS_JOIN, loc))
		return oom(err);
	/* The word that the network is ready is taken in the command's process, as late as it
	 * can be. */
	s = plan_add(plan, STEP_NETNS_READY, loc);
	if (!s)
		return oom(err);
	s->netlink.plumb = plumbed;
	return 0;
}

int net_plan_add_plumb(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		       struct sbx_err *err)
{
	if (!(p->namespaces & NS_BIT(NS_NET)) || !plan_first(plan, STEP_NETNS_CREATE))
		return 0;
	if (p->net.mode == NET_BRIDGE)
		return net_bridge_plan_add_veth(plan, p, err);
	if (p->net.mode == NET_USER)
		return net_user_plan_add(plan, p, c, err);
	return 0;
}

const char *net_ready_hint(const struct step *s, int code, uint32_t item)
{
	(void)item;
	(void)code;
	if (s->netlink.plumb)
		return " (the network of the sandbox was not set up: see the error before)";
	return " (bringing lo up in the sandbox's network namespace)";
}

const char *net_join_hint(const struct step *s, int code, uint32_t item)
{
	(void)item;
	(void)s;
	if (code == -ENOSPC)
		return " (making the network namespace: the sysctl user.max_net_namespaces is 0 or "
		       "reached)";
	if (code == -EPERM || code == -EACCES)
		return " (making the network namespace was refused)";
	return "";
}

const char *net_unshare_hint(const struct step *s, int code, uint32_t item)
{
	(void)item;
	(void)s;
	if (code == -ENOSPC)
		return " (the sysctl user.max_net_namespaces is 0 or reached)";
	return " (making the network namespace and bringing lo up in it)";
}

static _Noreturn void helper_main(const struct step *s, const struct run_ctx *ctx, int plumb);

int net_run_create(const struct step *s, struct run_ctx *ctx)
{
	int plumb_end = -1, r;
	pid_t pid;

	if (run_ch(ctx, CH_NET) < 0)
		return sbx_err_set(ctx->err, &s->loc, -EBADF,
				   "internal error: netns-create without a socket");
	if (s->netlink.plumb) {
		int sp[2];

		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
			return sbx_err_errno(ctx->err, &s->loc, "netns-create: socketpair");
		ctx->net_plumb_fd = sp[0];
		plumb_end = sp[1];
	}
	pid = fork();
	if (pid == 0)
		helper_main(s, ctx, plumb_end); /* at once, as after clone() */
	if (plumb_end >= 0)
		close(plumb_end);
	if (pid < 0) {
		r = sbx_err_errno(ctx->err, &s->loc, "netns-create: cannot fork the helper");
		if (ctx->net_plumb_fd >= 0)
			close(ctx->net_plumb_fd);
		ctx->net_plumb_fd = -1;
		return r;
	}
	ctx->net_helper = pid;
	return 0;
}

int net_take_netns(const struct step *s, struct run_ctx *ctx, int *ret_userns)
{
	int r, fd;

	if (ctx->net_plumb_fd < 0)
		return sbx_err_set(ctx->err, &s->loc, -EBADF,
				   "internal error: %s without the netns helper",
				   plan_step_type(s->kind)->name);
	r = wait_for_readable(ctx->net_plumb_fd, &ctx->guard);
	fd = r < 0 ? r : fd_recv(ctx->net_plumb_fd);
	if (fd >= 0 && ret_userns) {
		int userns;

		r = wait_for_readable(ctx->net_plumb_fd, &ctx->guard);
		userns = r < 0 ? r : fd_recv(ctx->net_plumb_fd);
		if (userns < 0) {
			close(fd);
			fd = userns;
		} else {
			*ret_userns = userns;
		}
	}
	close(ctx->net_plumb_fd);
	ctx->net_plumb_fd = -1;
	if (fd == -EINTR || fd == -ETIMEDOUT)
		return fd; /* the executor says why */
	if (fd < 0)
		return sbx_err_set(ctx->err, &s->loc, fd,
				   "%s: the network namespace helper failed: %s",
				   plan_step_type(s->kind)->name, strerror(-fd));
	return fd;
}

int net_tell_child(struct run_ctx *ctx, int code)
{
	return fd_send_code(run_ch(ctx, CH_NET), code);
}

void net_describe(const struct step *s, struct plan_kv *k)
{
	switch (s->kind) {
	case STEP_NETNS_CREATE:
		plan_kv_str(k, "by", "helper");
		plan_kv_str(k, "runs", "beside-child");
		plan_kv_str(k, "owner", s->netlink.enter_userns ? "sandbox-userns" : "host-userns");
		plan_kv_str(k, "up", "lo");
		if (s->netlink.plumb)
			plan_kv_str(k, "to", "parent");
		break;
	case STEP_NETNS_JOIN:
		plan_kv_str(k, "from", "netns-create");
		break;
	case STEP_NETNS_READY:
		plan_kv_str(k, "wait", s->netlink.plumb ? "network-ready" : "lo-up");
		break;
	case STEP_NET_BRIDGE:
	case STEP_NET_ADDRESS:
	case STEP_NET_RULES:
	case STEP_NET_VETH:
	case STEP_NET_USER:
		net_plumb_describe(s, k);
		break;
	default: /* STEP_NETNS_UNSHARE */
		plan_kv_str(k, "by", "child");
		plan_kv_str(k, "owner", "sandbox-userns");
		plan_kv_str(k, "up", "lo");
		break;
	}
}

#include "util/child-safe.h"

/* "/proc/PID/ns/user" into @buf (48 bytes are plenty), without stdio. */
static void userns_path(char *buf, pid_t pid)
{
	static const char head[] = "/proc/", tail[] = "/ns/user";
	size_t len = sizeof(head) - 1;

	memcpy(buf, head, len);
	len += strlen(fmt_uint(buf + len, 24, (uint64_t)pid, 10));
	memcpy(buf + len, tail, sizeof(tail)); /* with the NUL */
}

static int link_up(const struct step *s)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	char ack[512];
	ssize_t n;
	int fd, r = 0;

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

/* Enter the child's user namespace: by its pidfd (Linux 5.8), else by /proc. */
static int enter_userns(const struct run_ctx *ctx)
{
	char path[48];
	int fd, r;

	if (ctx->pidfd >= 0 && setns(ctx->pidfd, CLONE_NEWUSER) == 0)
		return 0;
	userns_path(path, ctx->child);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = setns(fd, CLONE_NEWUSER) < 0 ? -errno : 0;
	close(fd);
	return r;
}

/* The helper's first part; the netns fd, or -errno. */
static int make_netns(const struct step *s, const struct run_ctx *ctx)
{
	int fd, r;

	if (s->netlink.enter_userns) {
		r = enter_userns(ctx);
		if (r < 0)
			return r;
	}
	if (unshare(CLONE_NEWNET) < 0)
		return -errno;
	fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* Helper (a fork of the parent): passes the namespace (or why there is none) to the child,
 * brings lo up there and passes that outcome too, then exits. First it closes every fd but its
 * end of the net channel and the child's pidfd (to enter its user namespace): however briefly
 * it lives, a copy of the parent's end of another channel (the report pipe's read end, say)
 * would hide the parent's death from the child, which watches for that end to close. With
 * @plumb (bridge, user mode), the outcome goes to the parent instead, with the namespace: the
 * parent plumbs it, then tells the child itself. */
static _Noreturn void helper_main(const struct step *s, const struct run_ctx *ctx, int plumb)
{
	int keep[] = {run_ch(ctx, CH_NET), s->netlink.enter_userns ? ctx->pidfd : -1, plumb};
	int fd, r;

	fd_close_all_but(keep, sizeof(keep) / sizeof(keep[0]));
	fd = make_netns(s, ctx);

	if (fd_send(run_ch(ctx, CH_NET), fd) < 0 || fd < 0) {
		if (plumb >= 0)
			(void)fd_send(plumb, fd < 0 ? fd : -EIO);
		_exit(1);
	}
	r = link_up(s);
	if (plumb >= 0) {
		/* The user namespace too, for pasta's --userns: an unprivileged parent may not
		 * open the child's /proc/PID/ns/user (no ptrace access to it). */
		int userns = open("/proc/thread-self/ns/user", O_RDONLY | O_CLOEXEC);

		if (fd_send(plumb, r < 0 ? r : fd) < 0 || r < 0)
			_exit(1);
		_exit(fd_send(plumb, userns < 0 ? -errno : userns) < 0 ? 1 : 0);
	}
	_exit(fd_send_code(run_ch(ctx, CH_NET), r) < 0 ? 1 : 0);
}

int net_run_join(const struct step *s, struct run_ctx *ctx)
{
	int fd, r = 0;

	(void)s;
	fd = fd_recv(run_ch(ctx, CH_NET));
	if (fd < 0)
		return fd;
	if (setns(fd, CLONE_NEWNET) < 0)
		r = -errno;
	close(fd);
	return r;
}

int net_run_ready(const struct step *s, struct run_ctx *ctx)
{
	int r;

	(void)s;
	r = fd_recv_code(run_ch(ctx, CH_NET));
	close(run_ch(ctx, CH_NET));
	ctx->ch[CH_NET][ctx->side] = -1;
	return r;
}

/* The child, in its own user namespace where it holds every capability: the same namespace
 * the helper would have made, made here. */
int net_run_unshare(const struct step *s, struct run_ctx *ctx)
{
	(void)ctx;
	if (unshare(CLONE_NEWNET) < 0)
		return -errno;
	return link_up(s);
}
