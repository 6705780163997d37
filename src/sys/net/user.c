/* user.c — network mode "user": rootless connectivity through pasta (or slirp4netns), wired
 * into the plan.
 *
 * The compiler checks /dev/net/tun for an unprivileged caller, picks the helper and builds its
 * whole command line (usernet.c), so --plan shows what runs. Beside the child, once the netns
 * helper has made the namespace and passed it over, the parent starts pasta on it, waits until
 * pasta has configured eth0 and bound the forwards (no sleep: pasta's pid file, slirp4netns's
 * ready fd), and only then tells the child the network is ready. The helper dies with sbx
 * (parent-death signal) and is stopped at the end of the run whatever way it ends.
 *
 * DNS: the sandbox's /etc/resolv.conf names the helper's resolver (10.0.2.3) unless the profile
 * mounts its own: net_user_amend() adds that file mount before the mounts are compiled. */
#include "sys/net/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sys/net/usernet.h"
#include "util/cleanup.h"

#define RESOLV_CONF "/etc/resolv.conf"

static int oom(struct sbx_err *err)
{
	return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
}

int net_user_amend(struct profile *eff, struct plan *plan, struct sbx_err *err)
{
	static const char content[] = "nameserver " USERNET_NAMESERVER "\n";
	struct mount_entry *m;

	if (eff->net.mode != NET_USER || !(eff->namespaces & NS_BIT(NS_MOUNT)))
		return 0;
	for (size_t i = 0; i < eff->fs.n_mounts; i++)
		if (eff->fs.mounts[i].dst && strcmp(eff->fs.mounts[i].dst, RESOLV_CONF) == 0)
			return 0; /* the profile's own */
	m = plan_alloc(plan, (eff->fs.n_mounts + 1) * sizeof(*m));
	if (!m)
		return oom(err);
	if (eff->fs.n_mounts) /* a profile without mounts has none to copy, and mounts NULL */
		memcpy(m, eff->fs.mounts, eff->fs.n_mounts * sizeof(*m));
	m[eff->fs.n_mounts] = (struct mount_entry){
	    .type = MOUNT_FILE,
	    .dst = plan_strdup(plan, RESOLV_CONF),
	    .content = plan_strdup(plan, content),
	    .content_len = sizeof(content) - 1,
	    .mode = 0644,
	    .loc = eff->net.mode_loc,
	    .src_loc = eff->net.mode_loc,
	    .dst_loc = eff->net.mode_loc,
	    .options_loc = eff->net.mode_loc,
	};
	if (!m[eff->fs.n_mounts].dst || !m[eff->fs.n_mounts].content)
		return oom(err);
	eff->fs.mounts = m;
	eff->fs.n_mounts++;
	return 0;
}

/* The profile's forwards as usernet takes them. */
static int user_forwards(struct plan *plan, const struct profile *p, struct usernet_forward **ret,
			 struct sbx_err *err)
{
	struct usernet_forward *fw;

	*ret = NULL;
	if (!p->net.n_forward)
		return 0;
	fw = plan_alloc(plan, p->net.n_forward * sizeof(*fw));
	if (!fw)
		return oom(err);
	for (size_t i = 0; i < p->net.n_forward; i++) {
		const struct net_forward *f = &p->net.forward[i];
		char a[INET_ADDRSTRLEN];

		fw[i] = (struct usernet_forward){
		    .host = f->host,
		    .sandbox = f->sandbox,
		    .udp = f->proto == NET_PROTO_UDP,
		    .host_address =
			plan_strdup(plan, inet_ntop(AF_INET, &f->host_address, a, sizeof(a))),
		};
		if (!fw[i].host_address)
			return oom(err);
	}
	*ret = fw;
	return 0;
}

int net_user_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		      struct sbx_err *err)
{
	const struct sbx_loc loc = p->net.mode_loc;
	_cleanup_(usernet_cmd_freep) struct usernet_cmd *cmd = NULL;
	struct usernet_forward *fw;
	struct usernet_opts o = {
	    .n_forwards = p->net.n_forward,
	    .mtu = p->net.mtu,
	    .host_loopback = p->net.host_loopback,
	    .root = c->uid == 0,
	    .loc = loc,
	};
	struct step *s;
	int r;

	if (c->uid != 0) {
		struct sbx_err tun = {0};

		r = usernet_check_tun(&tun);
		if (r < 0)
			return sbx_err_set(err, loc.file ? &loc : NULL, r, "%s", tun.diag[0].msg);
	}
	r = user_forwards(plan, p, &fw, err);
	if (r < 0)
		return r;
	o.forwards = fw;
	r = usernet_plan(&o, &cmd, err);
	if (r < 0)
		return r;
	s = plan_add(plan, STEP_NET_USER, loc.file ? &loc : NULL);
	if (!s)
		return oom(err);
	s->net.helper = usernet_helper_name(cmd->helper);
	s->net.helper_kind = (int)cmd->helper;
	s->net.helper_path = plan_strdup(plan, cmd->path);
	s->net.argv =
	    (const char *const *)plan_strv(plan, (const char *const *)cmd->argv, cmd->argc);
	s->net.api =
	    (const char *const *)plan_strv(plan, (const char *const *)cmd->api, cmd->n_api);
	s->net.n_api = cmd->n_api;
	s->net.argc = cmd->argc;
	s->net.mtu = p->net.mtu;
	if (!s->net.helper_path || !s->net.argv || !s->net.api)
		return oom(err);
	return 0;
}

static void undo_user(const struct step *s, struct run_ctx *ctx)
{
	pid_t pid = usernet_pid(ctx->net_user);

	(void)s;
	ctx->net_user = usernet_stop(ctx->net_user);
	if (ctx->verbose > 0)
		fprintf(stderr, "sbx:                end    net-user-stop %s pid=%ld\n",
			s->net.helper, (long)pid);
}

static int start_helper(const struct step *s, struct run_ctx *ctx, int userns, int netns)
{
	struct usernet_cmd cmd = {
	    .helper = (enum usernet_helper)s->net.helper_kind,
	    .path = (char *)s->net.helper_path,
	    .argv = (char **)s->net.argv,
	    .argc = s->net.argc,
	    .api = (char **)s->net.api,
	    .n_api = s->net.n_api,
	    .loc = s->loc,
	};
	int r;

	r = usernet_start(&cmd, userns, netns, &ctx->net_user, ctx->err);
	if (r < 0)
		return r;
	r = run_undo_push(ctx, undo_user, s);
	if (r < 0) {
		ctx->net_user = usernet_stop(ctx->net_user);
		return sbx_err_set(ctx->err, &s->loc, r, "net-user: too many undo steps");
	}
	return usernet_wait_ready(ctx->net_user, &ctx->guard, ctx->err);
}

int net_run_user(const struct step *s, struct run_ctx *ctx)
{
	int userns = -1, netns = net_take_netns(s, ctx, &userns), r;

	if (netns < 0) {
		(void)net_tell_child(ctx, netns);
		return netns;
	}
	r = start_helper(s, ctx, userns, netns);
	close(userns);
	close(netns);
	(void)net_tell_child(ctx, r < 0 ? -ENETUNREACH : 0);
	return r;
}

void net_user_describe(const struct step *s, struct plan_kv *k)
{
	plan_kv_str(k, "helper", s->net.helper);
	plan_kv_str(k, "path", s->net.helper_path);
	plan_kv_str(k, "address", USERNET_ADDRESS);
	plan_kv_str(k, "gateway", USERNET_GATEWAY);
	plan_kv_str(k, "dns", USERNET_NAMESERVER);
	plan_kv_list(k, "argv", s->net.argv, s->net.argc);
	if (s->net.n_api)
		plan_kv_list(k, "then", s->net.api, s->net.n_api);
}
