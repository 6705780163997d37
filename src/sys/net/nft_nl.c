/* nft_nl.c — nf_tables netlink for nft.c: the socket, one-off requests and dumps, the ruleset's
 * generation, and batches (transactions) that say which of their messages the kernel refused. */
#include "sys/net/nft_nl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libnftnl/common.h>
#include <libnftnl/gen.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define MSG_ROOM 2048 /* more than any one message of nft.c takes */

void nft_nl_close(struct nft_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
}

int nft_nl_open(struct nft_nl *nl, struct sbx_err *err)
{
	nl->sock = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!nl->sock)
		return sbx_err_errno(err, NULL, "nftables: opening a netlink socket");
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		return sbx_err_errno(err, NULL, "nftables: binding a netlink socket");
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (uint32_t)time(NULL);
	return 0;
}

/* Send one request and run @cb on its answers until the dump ends or @cb says stop. */
int nft_nl_talk(struct nft_nl *nl, const struct nlmsghdr *req, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		int k;

		if (n < 0)
			return -errno;
		errno = 0;
		k = mnl_cb_run(buf, (size_t)n, req->nlmsg_seq, nl->portid, cb, data);
		if (k < 0)
			return errno ? -errno : -EPROTO;
		if (k == MNL_CB_STOP)
			return 0;
	}
}

static int gen_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_gen *g = nftnl_gen_alloc();

	if (!g) {
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	if (nftnl_gen_nlmsg_parse(nlh, g) < 0) {
		nftnl_gen_free(g);
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	*(uint32_t *)data = nftnl_gen_get_u32(g, NFTNL_GEN_ID);
	nftnl_gen_free(g);
	return MNL_CB_STOP; /* a single answer, with no ack after it */
}

int nft_nl_genid(struct nft_nl *nl, uint32_t *ret_genid)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh =
	    nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETGEN, AF_UNSPEC, NLM_F_REQUEST, ++nl->seq);
	uint32_t genid = 0;
	int r = nft_nl_talk(nl, nlh, gen_cb, &genid);

	if (r < 0)
		return r;
	*ret_genid = genid;
	return 0;
}

void nft_batch_free(struct nft_batch *b)
{
	free(b->buf);
	free(b->what);
}

/* @genid 0: apply whatever the ruleset's generation. */
int nft_batch_init(struct nft_batch *b, struct nft_nl *nl, size_t n_max, uint32_t genid)
{
	struct nlmsghdr *nlh;

	b->size = (n_max + 2) * MSG_ROOM;
	b->buf = calloc(1, b->size);
	b->what = calloc(n_max, sizeof(*b->what));
	if (!b->buf || !b->what)
		return -ENOMEM;
	b->n_max = n_max;
	nlh = nftnl_batch_begin(b->buf, ++nl->seq);
	if (genid)
		mnl_attr_put_u32(nlh, NFNL_BATCH_GENID, htonl(genid));
	b->len = NLMSG_ALIGN(nlh->nlmsg_len);
	b->first_seq = nl->seq + 1;
	return 0;
}

static void batch_commit(struct nft_batch *b)
{
	if (b->cur) {
		b->len += NLMSG_ALIGN(b->cur->nlmsg_len);
		b->last = b->cur;
		b->cur = NULL;
	}
}

/* The next message's header, for the caller to fill in before the next call. */
struct nlmsghdr *nft_batch_msg(struct nft_batch *b, struct nft_nl *nl, uint16_t type,
			       uint16_t flags, const char *fmt, ...)
{
	va_list ap;

	batch_commit(b);
	if (b->n == b->n_max)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(b->what[b->n], NFT_WHAT_MAX, fmt, ap);
	va_end(ap);
	b->n++;
	b->cur = nftnl_nlmsg_build_hdr(b->buf + b->len, type, NFPROTO_IPV4, flags, ++nl->seq);
	return b->cur;
}

/* Only the last message asks for an ack: it comes once the whole batch is committed. */
void nft_batch_end(struct nft_batch *b, struct nft_nl *nl)
{
	struct nlmsghdr *nlh;

	batch_commit(b);
	if (b->last)
		b->last->nlmsg_flags |= NLM_F_ACK;
	nlh = nftnl_batch_end(b->buf + b->len, ++nl->seq);
	b->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

/* The kernel runs the batch within sendmsg(), so its answers are all queued when that returns:
 * read them until there are no more. On failure, *ret_failed is the first failing message's
 * index, or n when the batch failed as a whole (a stale generation: -ERESTART). */
static int batch_send(struct nft_batch *b, struct nft_nl *nl, size_t *ret_failed)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t last_seq = b->first_seq + (uint32_t)b->n - 1;
	size_t failed = b->n;
	bool acked = false;
	int r = 0;

	if (mnl_socket_sendto(nl->sock, b->buf, b->len) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(mnl_socket_get_fd(nl->sock), buf, sizeof(buf), MSG_DONTWAIT);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
		int len = (int)n;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0)
			return -errno;
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
			size_t i = nlh->nlmsg_seq - b->first_seq;

			if (nlh->nlmsg_type != NLMSG_ERROR ||
			    mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
				continue;
			if (e->error == 0) {
				acked |= nlh->nlmsg_seq == last_seq;
				continue;
			}
			if (i >= b->n)
				i = b->n;
			if (r == 0 || i < failed) {
				r = e->error;
				failed = i;
			}
		}
	}
	if (r == 0 && !acked)
		r = -EPROTO;
	if (r < 0)
		*ret_failed = failed;
	return r;
}

int nft_batch_run(struct nft_batch *b, struct nft_nl *nl, struct sbx_err *err)
{
	size_t failed = 0;
	int r = batch_send(b, nl, &failed);

	if (r == -ERESTART || r >= 0)
		return r;
	if (failed < b->n)
		return sbx_err_set(err, NULL, r, "nftables: %s failed: %s", b->what[failed],
				   strerror(-r));
	return sbx_err_set(err, NULL, r, "nftables: sending the batch failed: %s", strerror(-r));
}
