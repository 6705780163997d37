/* network.c — the `network` section: the mode, the bridge's name and addresses, mtu, the flags
 * and the `forward` list, and the --forward shortcut. Each value is checked for what it is on
 * its own, and a forward against those merged before it; what depends on the mode, on another
 * key or on the caller is the compiler's (sys/net/check.c), since a later file or --set may
 * still change the mode. */
#include "profile/profile.h"
#include "profile/schema.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"

_Static_assert(PROFILE_IFNAMSIZ == IFNAMSIZ, "PROFILE_IFNAMSIZ is the kernel's IFNAMSIZ");

#define PREFIX_MIN 8  /* a /7 or shorter is no subnet to give one sandbox an address in */
#define PREFIX_MAX 30 /* /31 and /32 leave no room for the gateway and an address */
#define MTU_MIN 68    /* IPv4's least (RFC 791) */
#define MTU_MAX 65535

static const char *const proto_names[] = {[NET_PROTO_TCP] = "tcp", [NET_PROTO_UDP] = "udp"};

const char *profile_net_proto_name(enum net_proto proto)
{
	return (unsigned)proto < ARRAY_SIZE(proto_names) ? proto_names[proto] : NULL;
}

const char *profile_loc_text(const struct sbx_loc *loc, char *buf, size_t size)
{
	if (!loc->file)
		snprintf(buf, size, "the default");
	else if (loc->line)
		snprintf(buf, size, "%s:%u", loc->file, loc->line);
	else
		snprintf(buf, size, "%s", loc->file);
	return buf;
}

/* SPEC.md's defaults: bridge sbx0, whose address is 10.88.0.1 in 10.88.0.0/24. */
void profile_net_defaults(struct profile *p)
{
	p->net.mode = NET_NONE;
	strcpy(p->net.bridge, "sbx0");
	p->net.gateway.s_addr = htonl(0x0a580001); /* 10.88.0.1 */
	p->net.gateway_prefix = 24;
	p->net.address_auto = true;
}

static int apply_mode(struct apply_ctx *ctx, config_setting_t *s)
{
	const char *v = NULL;
	int m = 0;

	if (profile_get_string(ctx, s, &v) < 0)
		return -EINVAL;
	while (profile_net_mode_name((enum net_mode)m) &&
	       strcmp(profile_net_mode_name((enum net_mode)m), v))
		m++;
	if (!profile_net_mode_name((enum net_mode)m))
		return profile_err(ctx, s, -EINVAL,
				   "network.mode: \"%.64s\" is not one of none, host, bridge, user",
				   v);
	ctx->p->net.mode = (enum net_mode)m;
	ctx->p->net.mode_loc = profile_loc(ctx, s);
	return 0;
}

/* Why @v is no interface name the kernel takes (its dev_valid_name()), or NULL. Control
 * characters are refused too: the name is printed in plans and messages. */
static const char *ifname_problem(const char *v)
{
	if (!*v)
		return "is empty";
	if (strlen(v) > IFNAMSIZ - 1)
		return "is longer than 15 characters (the kernel's IFNAMSIZ - 1)";
	if (strcmp(v, ".") == 0 || strcmp(v, "..") == 0)
		return "is not an interface name";
	for (const char *c = v; *c; c++)
		if (*c == '/' || *c == ':' || *c == ' ' || (unsigned char)*c < 0x20 || *c == 0x7f)
			return "contains '/', ':', a space or a control character";
	return NULL;
}

static int apply_bridge(struct apply_ctx *ctx, config_setting_t *s)
{
	const char *v = NULL, *why;

	if (profile_get_string(ctx, s, &v) < 0)
		return -EINVAL;
	why = ifname_problem(v);
	if (why)
		return profile_err(ctx, s, -EINVAL, "%s: \"%.64s\" %s", PATH(s), v, why);
	strcpy(ctx->p->net.bridge, v);
	ctx->p->net.bridge_loc = profile_loc(ctx, s);
	return 0;
}

static uint32_t prefix_mask(unsigned prefix)
{
	return prefix ? ~UINT32_C(0) << (32 - prefix) : 0;
}

/* "A.B.C.D/N" with N from PREFIX_MIN to PREFIX_MAX, and an address a host may have in that
 * subnet: neither its network nor its broadcast address. */
static int get_cidr(struct apply_ctx *ctx, config_setting_t *s, struct in_addr *ret_addr,
		    uint8_t *ret_prefix)
{
	const char *v = NULL, *slash;
	char addr[INET_ADDRSTRLEN];
	struct in_addr a;
	uint32_t host, mask;
	unsigned long n;
	char *end;

	if (profile_get_string(ctx, s, &v) < 0)
		return -EINVAL;
	slash = strchr(v, '/');
	if (!slash && inet_pton(AF_INET, v, &a) == 1)
		return profile_err(ctx, s, -EINVAL,
				   "%s: \"%s\" has no prefix length: write the subnet's too, as in "
				   "\"%s/24\"",
				   PATH(s), v, v);
	if (!slash || (size_t)(slash - v) >= sizeof(addr) || slash[1] < '0' || slash[1] > '9')
		return profile_err(ctx, s, -EINVAL,
				   "%s: \"%.64s\" is not an IPv4 address with a prefix length, "
				   "A.B.C.D/N",
				   PATH(s), v);
	memcpy(addr, v, (size_t)(slash - v));
	addr[slash - v] = '\0';
	errno = 0;
	n = strtoul(slash + 1, &end, 10);
	if (inet_pton(AF_INET, addr, &a) != 1 || *end || errno)
		return profile_err(ctx, s, -EINVAL,
				   "%s: \"%.64s\" is not an IPv4 address with a prefix length, "
				   "A.B.C.D/N",
				   PATH(s), v);
	if (n < PREFIX_MIN || n > PREFIX_MAX)
		return profile_err(
		    ctx, s, -ERANGE,
		    "%s: \"%.64s\": the prefix length /%lu is out of range (%d to %d)", PATH(s), v,
		    n, PREFIX_MIN, PREFIX_MAX);
	host = ntohl(a.s_addr);
	mask = prefix_mask((unsigned)n);
	if ((host & ~mask) == 0)
		return profile_err(ctx, s, -EINVAL,
				   "%s: \"%s\" is the subnet's network address, which no host has",
				   PATH(s), v);
	if ((host & ~mask) == ~mask)
		return profile_err(
		    ctx, s, -EINVAL,
		    "%s: \"%s\" is the subnet's broadcast address, which no host has", PATH(s), v);
	*ret_addr = a;
	*ret_prefix = (uint8_t)n;
	return 0;
}

static int apply_gateway(struct apply_ctx *ctx, config_setting_t *s)
{
	if (get_cidr(ctx, s, &ctx->p->net.gateway, &ctx->p->net.gateway_prefix) < 0)
		return -EINVAL;
	ctx->p->net.gateway_loc = profile_loc(ctx, s);
	return 0;
}

static int apply_address(struct apply_ctx *ctx, config_setting_t *s)
{
	struct profile *p = ctx->p;

	if (config_setting_type(s) == CONFIG_TYPE_STRING &&
	    strcmp(config_setting_get_string(s), "auto") == 0) {
		p->net.address_auto = true;
		p->net.address.s_addr = 0;
		p->net.address_prefix = 0;
	} else if (get_cidr(ctx, s, &p->net.address, &p->net.address_prefix) == 0) {
		p->net.address_auto = false;
	} else {
		return -EINVAL;
	}
	p->net.address_loc = profile_loc(ctx, s);
	return 0;
}

/* An integer from @min to @max, as "S: N is out of range (MIN to MAX)" otherwise. */
static int get_uint_in(struct apply_ctx *ctx, config_setting_t *s, long long min, long long max,
		       long long *ret)
{
	long long v;

	if (!profile_is_int(s))
		return profile_err(ctx, s, -EINVAL, "%s: must be an integer", PATH(s));
	v = config_setting_get_int64(s);
	if (v < min || v > max)
		return profile_err(ctx, s, -ERANGE, "%s: %lld is out of range (%lld to %lld)",
				   PATH(s), v, min, max);
	*ret = v;
	return 0;
}

static int apply_mtu(struct apply_ctx *ctx, config_setting_t *s)
{
	long long v;

	if (get_uint_in(ctx, s, MTU_MIN, MTU_MAX, &v) < 0)
		return -EINVAL;
	ctx->p->net.mtu = (uint32_t)v;
	ctx->p->net.mtu_loc = profile_loc(ctx, s);
	return 0;
}

static int apply_flag(struct apply_ctx *ctx, config_setting_t *s, bool *dst,
		      struct sbx_loc *dst_loc)
{
	if (profile_get_bool(ctx, s, dst) < 0)
		return -EINVAL;
	*dst_loc = profile_loc(ctx, s);
	return 0;
}

static int apply_nat(struct apply_ctx *ctx, config_setting_t *s)
{
	return apply_flag(ctx, s, &ctx->p->net.nat, &ctx->p->net.nat_loc);
}

static int apply_bridge_ephemeral(struct apply_ctx *ctx, config_setting_t *s)
{
	return apply_flag(ctx, s, &ctx->p->net.bridge_ephemeral, &ctx->p->net.bridge_ephemeral_loc);
}

static int apply_host_loopback(struct apply_ctx *ctx, config_setting_t *s)
{
	return apply_flag(ctx, s, &ctx->p->net.host_loopback, &ctx->p->net.host_loopback_loc);
}

/* --- forward --- */

/* "127.0.0.1:8080/tcp", the key a forward is unique by. */
static const char *forward_key(const struct net_forward *f, char *buf, size_t size)
{
	char addr[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &f->host_address, addr, sizeof(addr));
	snprintf(buf, size, "%s:%u/%s", addr, f->host, profile_net_proto_name(f->proto));
	return buf;
}

/* The entry already forwarding @f's host address, port and protocol, or NULL. */
static const struct net_forward *forward_find(const struct profile *p, const struct net_forward *f)
{
	for (size_t i = 0; i < p->net.n_forward; i++) {
		const struct net_forward *o = &p->net.forward[i];

		if (o->host == f->host && o->proto == f->proto &&
		    o->host_address.s_addr == f->host_address.s_addr)
			return o;
	}
	return NULL;
}

static int forward_append(struct profile *p, const struct net_forward *f)
{
	struct net_forward *grown;

	grown = reallocarray(p->net.forward, p->net.n_forward + 1, sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	p->net.forward = grown;
	grown[p->net.n_forward++] = *f;
	return 0;
}

static void forward_key_parse(struct apply_ctx *ctx, config_setting_t *s, struct net_forward *f)
{
	const char *key = config_setting_name(s), *v = NULL;
	long long port;

	if (strcmp(key, "host") == 0 || strcmp(key, "sandbox") == 0) {
		if (get_uint_in(ctx, s, 1, 65535, &port) == 0)
			*(key[0] == 'h' ? &f->host : &f->sandbox) = (uint16_t)port;
	} else if (strcmp(key, "proto") == 0) {
		if (profile_get_string(ctx, s, &v) < 0)
			return;
		if (strcmp(v, "tcp") == 0)
			f->proto = NET_PROTO_TCP;
		else if (strcmp(v, "udp") == 0)
			f->proto = NET_PROTO_UDP;
		else
			profile_err(ctx, s, -EINVAL, "%s: \"%.64s\" is not one of tcp, udp",
				    PATH(s), v);
	} else if (strcmp(key, "host_address") == 0) {
		if (profile_get_string(ctx, s, &v) == 0 &&
		    inet_pton(AF_INET, v, &f->host_address) != 1)
			profile_err(ctx, s, -EINVAL,
				    "%s: \"%.64s\" is not an IPv4 address, A.B.C.D", PATH(s), v);
	} else {
		profile_err(ctx, s, -EINVAL, "%s: unknown setting", PATH(s));
	}
}

static void forward_parse(struct apply_ctx *ctx, config_setting_t *g)
{
	struct net_forward f = {.proto = NET_PROTO_TCP, .loc = profile_loc(ctx, g)};
	const struct net_forward *first;
	unsigned n_err = ctx->n_err;
	char key[64], at[PROFILE_LOC_TEXT];

	if (!config_setting_is_group(g)) {
		profile_err(ctx, g, -EINVAL, "%s: must be a group { host = 8080; sandbox = 80; }",
			    PATH(g));
		return;
	}
	f.host_address.s_addr = htonl(INADDR_LOOPBACK);
	for (int i = 0; i < config_setting_length(g); i++)
		forward_key_parse(ctx, config_setting_get_elem(g, (unsigned)i), &f);
	if (!config_setting_get_member(g, "host"))
		profile_err(ctx, g, -EINVAL, "%s: missing \"host\" (the port on the host)",
			    PATH(g));
	if (!config_setting_get_member(g, "sandbox"))
		profile_err(ctx, g, -EINVAL, "%s: missing \"sandbox\" (the port inside)", PATH(g));
	if (ctx->n_err != n_err)
		return;
	first = forward_find(ctx->p, &f);
	if (first)
		profile_err(ctx, g, -EINVAL, "%s: %s is forwarded twice (first at %s)", PATH(g),
			    forward_key(&f, key, sizeof(key)),
			    profile_loc_text(&first->loc, at, sizeof(at)));
	else if (forward_append(ctx->p, &f) < 0)
		profile_oom(ctx);
}

static int apply_forward(struct apply_ctx *ctx, config_setting_t *s)
{
	int len = config_setting_length(s);

	if (!config_setting_is_list(s) && !(config_setting_is_array(s) && len == 0))
		return profile_err(ctx, s, -EINVAL, "%s: must be a list ( { ... }, ... )", PATH(s));
	for (int i = 0; i < len; i++)
		forward_parse(ctx, config_setting_get_elem(s, (unsigned)i));
	return 0;
}

int profile_apply_network(struct apply_ctx *ctx, config_setting_t *s)
{
	static const struct profile_key keys[] = {
	    {"mode", apply_mode},
	    {"bridge", apply_bridge},
	    {"gateway", apply_gateway},
	    {"address", apply_address},
	    {"mtu", apply_mtu},
	    {"nat", apply_nat},
	    {"bridge_ephemeral", apply_bridge_ephemeral},
	    {"host_loopback", apply_host_loopback},
	    {"forward", apply_forward},
	};

	return profile_apply_group(ctx, s, keys, ARRAY_SIZE(keys));
}

/* --- --forward [ADDR:]HOST:SANDBOX[/tcp|/udp] --- */

/* A port of --forward's, "1" to "65535", digits only. */
static bool cli_port(const char *s, size_t len, uint16_t *ret)
{
	unsigned v = 0;

	if (len == 0 || len > 5)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v < 1 || v > 65535)
		return false;
	*ret = (uint16_t)v;
	return true;
}

/* Fill @f from @spec, or say in @why (@size bytes) which part is wrong. */
static int cli_forward_parse(const char *spec, struct net_forward *f, char *why, size_t size)
{
	const char *slash = strchr(spec, '/'), *end = slash ? slash : spec + strlen(spec);
	const char *c1 = memchr(spec, ':', (size_t)(end - spec)), *c2 = NULL, *c3 = NULL, *hp;
	char addr[INET_ADDRSTRLEN];

	if (c1)
		c2 = memchr(c1 + 1, ':', (size_t)(end - c1 - 1));
	if (c2)
		c3 = memchr(c2 + 1, ':', (size_t)(end - c2 - 1));
	if (!c1 || c3)
		return snprintf(why, size, "expected [ADDR:]HOST:SANDBOX[/tcp|/udp]"), -EINVAL;
	if (slash && strcmp(slash + 1, "tcp") == 0)
		f->proto = NET_PROTO_TCP;
	else if (slash && strcmp(slash + 1, "udp") == 0)
		f->proto = NET_PROTO_UDP;
	else if (slash)
		return snprintf(why, size, "\"%.32s\" is not a protocol: /tcp or /udp", slash),
		       -EINVAL;
	if (c2) {
		if ((size_t)(c1 - spec) >= sizeof(addr))
			return snprintf(why, size, "\"%.*s\" is not an IPv4 address, A.B.C.D",
					(int)(c1 - spec > 32 ? 32 : c1 - spec), spec),
			       -EINVAL;
		memcpy(addr, spec, (size_t)(c1 - spec));
		addr[c1 - spec] = '\0';
		if (inet_pton(AF_INET, addr, &f->host_address) != 1)
			return snprintf(why, size, "\"%s\" is not an IPv4 address, A.B.C.D", addr),
			       -EINVAL;
	}
	hp = c2 ? c1 + 1 : spec;
	c1 = c2 ? c2 : c1;
	if (!cli_port(hp, (size_t)(c1 - hp), &f->host))
		return snprintf(why, size, "host port \"%.*s\" is not a port (1 to 65535)",
				(int)(c1 - hp > 32 ? 32 : c1 - hp), hp),
		       -EINVAL;
	if (!cli_port(c1 + 1, (size_t)(end - c1 - 1), &f->sandbox))
		return snprintf(why, size, "sandbox port \"%.*s\" is not a port (1 to 65535)",
				(int)(end - c1 - 1 > 32 ? 32 : end - c1 - 1), c1 + 1),
		       -EINVAL;
	return 0;
}

int profile_add_cli_forward(struct profile *p, const char *spec, struct sbx_err *err)
{
	_cleanup_free_ char *origin = NULL;
	struct net_forward f = {.proto = NET_PROTO_TCP};
	const struct net_forward *first;
	char why[128], key[64], at[PROFILE_LOC_TEXT];
	struct sbx_loc loc;

	f.host_address.s_addr = htonl(INADDR_LOOPBACK);
	/* Errors and the steps it causes name the option as typed, "--forward 8080:80". */
	if (asprintf(&origin, "--forward %s", spec ? spec : "") < 0)
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	loc = (struct sbx_loc){profile_intern_file(p, origin), 0};
	if (!loc.file)
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	if (cli_forward_parse(spec ? spec : "", &f, why, sizeof(why)) < 0)
		return sbx_err_set(err, &loc, -EINVAL, "%s", why);
	f.loc = loc;
	first = forward_find(p, &f);
	if (first)
		return sbx_err_set(err, &loc, -EINVAL, "%s is forwarded twice (first at %s)",
				   forward_key(&f, key, sizeof(key)),
				   profile_loc_text(&first->loc, at, sizeof(at)));
	if (forward_append(p, &f) < 0)
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	return 0;
}
