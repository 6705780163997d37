/* nft_nl.h — nf_tables netlink for nft.c (private to src/sys/net): the socket, requests, and
 * batches whose errors name the message the kernel refused. Parent side. */
#pragma once

#include <libmnl/libmnl.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define NFT_WHAT_MAX 128

struct nft_nl {
	struct mnl_socket *sock;
	uint32_t portid, seq;
};

/* One nf_tables transaction; what[i] says what message i does, for the error. */
struct nft_batch {
	char *buf;
	size_t len, size, n, n_max;
	uint32_t first_seq;
	struct nlmsghdr *cur, *last;
	char (*what)[NFT_WHAT_MAX];
};

int nft_nl_open(struct nft_nl *nl, struct sbx_err *err);
void nft_nl_close(struct nft_nl *nl); /* for _cleanup_(); a zeroed one is fine */
/* Send @req and run @cb on its answers until the dump ends, the ack comes or @cb says stop. */
int nft_nl_talk(struct nft_nl *nl, const struct nlmsghdr *req, mnl_cb_t cb, void *data);
int nft_nl_genid(struct nft_nl *nl, uint32_t *ret_genid);

/* Room for @n_max messages; @genid (0: none) makes the kernel refuse the batch with -ERESTART
 * once the ruleset has changed since that generation. */
int nft_batch_init(struct nft_batch *b, struct nft_nl *nl, size_t n_max, uint32_t genid);
void nft_batch_free(struct nft_batch *b); /* for _cleanup_(); a zeroed one is fine */
/* The next message's header (NULL when the batch is full), for the caller to fill in before the
 * next call; @fmt says what it does. */
struct nlmsghdr *nft_batch_msg(struct nft_batch *b, struct nft_nl *nl, uint16_t type,
			       uint16_t flags, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void nft_batch_end(struct nft_batch *b, struct nft_nl *nl);
/* Send it: 0, -ERESTART (not recorded in @err), or the first refused message's error,
 * "nftables: WHAT failed: REASON". */
int nft_batch_run(struct nft_batch *b, struct nft_nl *nl, struct sbx_err *err);
