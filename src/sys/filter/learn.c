/* learn.c — --learn OUT.cfg: the profile's filter with every would-be denial turned into a
 * user notification (SCMP_ACT_NOTIFY). The command's seccomp step loads it with a listener and
 * passes that to sbx, which answers each call with SECCOMP_USER_NOTIF_FLAG_CONTINUE (Linux
 * 5.5) after counting it, then writes a profile that includes the ones given and allows what
 * the command needed. No privilege is needed beyond what loading a filter takes.
 *
 * The listener exists only once the filter is loaded, so the message that passes it must get
 * through the filter before anyone can answer: the program starts with a check that lets
 * exactly that sendmsg() through, known by its msghdr's address (plan-owned, the same in the
 * child, and nothing an exec'd command would pass). */
#include "sys/filter/learn.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/cleanup.h"

/* The message that passes the listener: built before clone(), the child adds the fd. */
struct learn_handoff {
	struct msghdr msg;
	struct iovec iov;
	int32_t code; /* 0: an fd is attached */
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
};

/* ---- the record ------------------------------------------------------------------------- */

int learn_log_new(struct learn_log **ret, struct sbx_err *err)
{
	struct seccomp_notif_sizes sizes = {0};
	struct learn_log *log;

	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
		return sbx_err_errno(err, NULL,
				     "--learn: the kernel has no seccomp user notifications "
				     "(Linux 5.5 or later is needed)");
	log = calloc(1, sizeof(*log));
	if (!log)
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	log->listener = -1;
	log->err = err;
	/* The kernel's structures may be larger than this build's headers know. */
	log->notif_size = sizes.seccomp_notif > sizeof(struct seccomp_notif)
			      ? sizes.seccomp_notif
			      : sizeof(struct seccomp_notif);
	log->resp_size = sizes.seccomp_notif_resp > sizeof(struct seccomp_notif_resp)
			     ? sizes.seccomp_notif_resp
			     : sizeof(struct seccomp_notif_resp);
	log->notif = calloc(1, log->notif_size);
	log->resp = calloc(1, log->resp_size);
	if (!log->notif || !log->resp) {
		learn_log_free(log);
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	}
	*ret = log;
	return 0;
}

struct learn_log *learn_log_free(struct learn_log *log)
{
	if (!log)
		return NULL;
	for (size_t i = 0; i < log->n_calls; i++)
		free(log->calls[i].name);
	free(log->calls);
	if (log->listener >= 0)
		close(log->listener);
	free(log->notif);
	free(log->resp);
	free(log);
	return NULL;
}

static struct learn_call *find_call(struct learn_log *log, uint32_t arch, int nr)
{
	for (size_t i = 0; i < log->n_calls; i++)
		if (log->calls[i].arch == arch && log->calls[i].nr == nr)
			return &log->calls[i];
	return NULL;
}

static void add_args(struct learn_call *c, const uint64_t args[3])
{
	for (size_t i = 0; i < c->n_args; i++)
		if (memcmp(c->args[i], args, sizeof(c->args[i])) == 0)
			return;
	if (c->n_args < LEARN_ARGS_MAX)
		memcpy(c->args[c->n_args++], args, sizeof(c->args[0]));
}

int learn_log_add(struct learn_log *log, uint32_t arch, int nr, const uint64_t args[3])
{
	struct learn_call *c = find_call(log, arch, nr);

	if (!c) {
		if (log->n_calls == log->cap_calls) {
			size_t cap = log->cap_calls ? 2 * log->cap_calls : 16;
			struct learn_call *v = reallocarray(log->calls, cap, sizeof(*v));

			if (!v)
				return -ENOMEM;
			log->calls = v;
			log->cap_calls = cap;
		}
		c = &log->calls[log->n_calls];
		*c = (struct learn_call){.arch = arch, .nr = nr};
		c->name = seccomp_syscall_resolve_num_arch(arch, nr);
		log->n_calls++;
	}
	c->count++;
	add_args(c, args);
	return 0;
}

/* ---- serving the listener ----------------------------------------------------------------- */

/* The listener from the seccomp step's message; -EIO when the socket closed without one (the
 * command exec'd or died before loading the filter), -EAGAIN when nothing was there yet. */
static int recv_listener(int sock)
{
	int32_t code = -1;
	struct iovec iov = {.iov_base = &code, .iov_len = sizeof(code)};
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *cm;
	ssize_t n;
	int fd = -1;

	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	cm = CMSG_FIRSTHDR(&msg);
	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
	    cm->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	if (fd >= 0 && (n != (ssize_t)sizeof(code) || code != 0)) {
		close(fd);
		return -EPROTO;
	}
	return fd >= 0 ? fd : -EIO;
}

/* Let the call @id go on as if no filter had stopped it. */
static int send_continue(struct learn_log *log, uint64_t id)
{
	struct seccomp_notif_resp *resp = log->resp;
	int r;

	memset(resp, 0, log->resp_size);
	resp->id = id;
	resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	do
		r = ioctl(log->listener, SECCOMP_IOCTL_NOTIF_SEND, resp);
	while (r < 0 && errno == EINTR);
	if (r == 0 || errno == ENOENT) /* ENOENT: the caller was killed meanwhile */
		return 0;
	if (errno == EINVAL)
		return sbx_err_set(log->err, NULL, -EINVAL,
				   "--learn: the kernel can't let a denied call continue "
				   "(SECCOMP_USER_NOTIF_FLAG_CONTINUE needs Linux 5.5)");
	return sbx_err_errno(log->err, NULL, "--learn: answering the seccomp listener");
}

static int answer_one(struct learn_log *log)
{
	struct seccomp_notif *n = log->notif;
	uint64_t args[3];
	int r, k;

	memset(n, 0, log->notif_size); /* the kernel refuses a buffer that isn't zeroed */
	if (ioctl(log->listener, SECCOMP_IOCTL_NOTIF_RECV, n) < 0) {
		/* ENOENT: the caller went away between poll() and here. */
		if (errno == EINTR || errno == ENOENT)
			return 0;
		return sbx_err_errno(log->err, NULL, "--learn: reading the seccomp listener");
	}
	memcpy(args, n->data.args, sizeof(args));
	k = learn_log_add(log, n->data.arch, n->data.nr, args);
	/* Answered whatever happens, or the caller waits for ever. */
	r = send_continue(log, n->id);
	if (r == 0 && k < 0)
		r = sbx_err_set(log->err, NULL, k, "out of memory");
	return r;
}

int learn_serve(struct wait_serve *w, short revents)
{
	struct learn_log *log = w->data;
	int fd;

	if (log->listener >= 0) {
		if (revents & POLLIN)
			return answer_one(log);
		w->fd = -1; /* POLLHUP: no process uses the filter any more */
		return 0;
	}
	fd = recv_listener(w->fd);
	if (fd == -EAGAIN)
		return 0;
	if (fd < 0 && fd != -EIO)
		return sbx_err_set(log->err, NULL, fd,
				   "--learn: receiving the seccomp listener: %s", strerror(-fd));
	log->listener = fd;
	w->fd = fd; /* -1 after EIO: there will be nothing to serve */
	return 0;
}

/* ---- the plan ----------------------------------------------------------------------------- */

/* The instructions in front of the program: the handoff's sendmsg(), on this architecture,
 * with @msg as its second argument, is allowed; anything else goes on to the filter. */
static int handoff_check(const void *msg, struct sock_filter out[LEARN_PREFIX_INSNS])
{
	uint64_t addr = (uint64_t)(uintptr_t)msg;
	int nr = seccomp_syscall_resolve_name("sendmsg");
	uint32_t arch = seccomp_arch_native();
	size_t a1 = offsetof(struct seccomp_data, args[1]);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	size_t lo = a1, hi = a1 + 4;
#else
	size_t lo = a1 + 4, hi = a1;
#endif
	const struct sock_filter prog[LEARN_PREFIX_INSNS] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch, 0, 7),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 0, 5),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)lo),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)addr, 0, 3),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)hi),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(addr >> 32), 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};

	if (nr < 0 || arch == 0)
		return -ENOSYS;
	memcpy(out, prog, sizeof(prog));
	return 0;
}

int learn_prepare(struct plan *plan, struct filter_prog *prog, void **ret_handoff,
		  struct sbx_err *err)
{
	struct learn_handoff *h = plan_alloc(plan, sizeof(*h));
	_cleanup_free_ struct sock_filter *insns = NULL;
	struct cmsghdr *cm;
	int r;

	if (!h)
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	h->iov = (struct iovec){.iov_base = &h->code, .iov_len = sizeof(h->code)};
	h->msg = (struct msghdr){.msg_iov = &h->iov,
				 .msg_iovlen = 1,
				 .msg_control = h->u.buf,
				 .msg_controllen = sizeof(h->u.buf)};
	cm = CMSG_FIRSTHDR(&h->msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	insns = reallocarray(NULL, prog->n_insns + LEARN_PREFIX_INSNS, sizeof(*insns));
	if (!insns)
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	r = handoff_check(&h->msg, insns);
	if (r < 0)
		return sbx_err_set(err, NULL, r, "--learn: libseccomp doesn't know sendmsg here");
	memcpy(insns + LEARN_PREFIX_INSNS, prog->insns, prog->n_insns * sizeof(*insns));
	free(prog->insns);
	prog->insns = TAKE_PTR(insns);
	prog->n_insns += LEARN_PREFIX_INSNS;
	*ret_handoff = h;
	return 0;
}

/* A profile given by a relative path is found from the directory of the file that includes
 * it: when OUT.cfg goes elsewhere, it names the profile by its absolute path. */
static const char *include_name(struct plan *plan, const char *given, const char *out)
{
	size_t len = strlen(given);
	bool path = strchr(given, '/') || (len >= 4 && strcmp(given + len - 4, ".cfg") == 0);
	_cleanup_free_ char *cwd = NULL;

	if (!path || given[0] == '/' || !strchr(out, '/'))
		return plan_strdup(plan, given);
	cwd = getcwd(NULL, 0);
	if (!cwd)
		return plan_strdup(plan, given);
	return plan_printf(plan, "%s/%s", cwd, given);
}

/* @e with its own copies: the written profile names the lines, after the profile is gone. */
static int copy_entry(struct plan *plan, struct learn_entry *e, const char *name,
		      const struct sbx_loc *loc)
{
	e->name = plan_strdup(plan, name);
	e->loc.line = loc->line;
	e->loc.file = loc->file ? plan_strdup(plan, loc->file) : NULL;
	return e->name && (e->loc.file || !loc->file) ? 0 : -ENOMEM;
}

static const struct learn_entry *copy_names(struct plan *plan, const struct seccomp_name *v,
					    size_t n)
{
	struct learn_entry *out = plan_alloc(plan, (n + 1) * sizeof(*out));

	for (size_t i = 0; out && i < n; i++)
		if (copy_entry(plan, &out[i], v[i].name, &v[i].loc) < 0)
			return NULL;
	return out;
}

/* The syscalls an argument rule names (once each, with the first rule's line). */
static const struct learn_entry *ruled_names(struct plan *plan, const struct profile *p,
					     size_t *ret_n)
{
	const struct profile_seccomp *sc = &p->security.seccomp;
	struct learn_entry *out = plan_alloc(plan, (sc->n_rules + 1) * sizeof(*out));
	size_t n = 0;

	for (size_t i = 0; out && i < sc->n_rules; i++) {
		if (!sc->rules[i].n_conds || learn_find_entry(out, n, sc->rules[i].syscall))
			continue;
		if (copy_entry(plan, &out[n++], sc->rules[i].syscall, &sc->rules[i].loc) < 0)
			return NULL;
	}
	*ret_n = n;
	return out;
}

/* OUT.cfg is checked before the command runs: not a profile being read, nothing but a
 * regular file, in a directory that exists. */
static int check_out(const struct profile *p, const char *out, struct sbx_err *err)
{
	_cleanup_free_ char *dir = NULL;
	const char *slash = strrchr(out, '/');
	struct stat st, pst;
	int r;

	if (!*out)
		return sbx_err_set(err, NULL, -EINVAL, "--learn: empty file name");
	r = learn_check_target(out, &st, err);
	if (r < 0)
		return r;
	if (r > 0) {
		for (size_t i = 0; i < p->n_files; i++)
			if (stat(p->files[i], &pst) == 0 && pst.st_dev == st.st_dev &&
			    pst.st_ino == st.st_ino)
				return sbx_err_set(err, NULL, -EEXIST,
						   "--learn %s: is the profile %s, which it "
						   "would include: write it elsewhere",
						   out, p->files[i]);
		return 0;
	}
	dir = slash ? strndup(out, slash == out ? 1 : (size_t)(slash - out)) : strdup(".");
	if (!dir)
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	if (stat(dir, &st) < 0)
		return sbx_err_errno(err, NULL, "--learn %s: directory %s", out, dir);
	if (!S_ISDIR(st.st_mode))
		return sbx_err_set(err, NULL, -ENOTDIR, "--learn %s: %s is not a directory", out,
				   dir);
	return 0;
}

static const char *const *copy_strv(struct plan *plan, const char *const *v, size_t n)
{
	const char **out = plan_alloc(plan, (n + 1) * sizeof(char *));

	for (size_t i = 0; out && i < n; i++)
		if (!(out[i] = plan_strdup(plan, v[i])))
			return NULL;
	return out;
}

int learn_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		   struct sbx_err *err)
{
	const struct profile_seccomp *sc = &p->security.seccomp;
	const char **include = plan_alloc(plan, (c->n_learn_include + 1) * sizeof(char *));
	struct step *s;
	int r = check_out(p, c->learn_out, err);

	if (r < 0)
		return r;
	for (size_t i = 0; include && i < c->n_learn_include; i++)
		if (!(include[i] = include_name(plan, c->learn_include[i], c->learn_out)))
			include = NULL;
	if (!include || !plan_add(plan, STEP_SECCOMP_LEARN, NULL))
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	s = plan_add(plan, STEP_LEARN_WRITE, NULL);
	if (!s || !(s->learn.out = plan_strdup(plan, c->learn_out)))
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	s->learn.include = include;
	s->learn.n_include = c->n_learn_include;
	s->learn.allow = copy_names(plan, sc->allow, sc->n_allow);
	s->learn.n_allow = sc->n_allow;
	s->learn.deny = copy_names(plan, sc->deny, sc->n_deny);
	s->learn.n_deny = sc->n_deny;
	s->learn.ruled = ruled_names(plan, p, &s->learn.n_ruled);
	s->learn.sets = copy_strv(plan, c->learn_sets, c->n_learn_sets);
	s->learn.set_origins = copy_strv(plan, c->learn_set_origins, c->n_learn_sets);
	s->learn.n_sets = c->n_learn_sets;
	s->learn.dropped = copy_strv(plan, c->learn_dropped, c->n_learn_dropped);
	s->learn.n_dropped = c->n_learn_dropped;
	if (!s->learn.allow || !s->learn.deny || !s->learn.ruled || !s->learn.sets ||
	    !s->learn.set_origins || !s->learn.dropped)
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	return 0;
}

void learn_describe(const struct step *s, struct plan_kv *k)
{
	if (s->kind == STEP_SECCOMP_LEARN) {
		plan_kv_str(k, "listener", "from-seccomp");
		plan_kv_str(k, "answer", "continue");
		return;
	}
	plan_kv_str(k, "out", s->learn.out);
	plan_kv_list(k, "include", s->learn.include, s->learn.n_include);
}

/* ---- the runners -------------------------------------------------------------------------- */

static void learn_undo(const struct step *s, struct run_ctx *ctx)
{
	(void)s;
	ctx->guard.serve = (struct wait_serve){.fd = -1};
	ctx->learn = learn_log_free(ctx->learn);
}

int filter_run_learn(const struct step *s, struct run_ctx *ctx)
{
	struct learn_log *log = NULL;
	int r = learn_log_new(&log, ctx->err);

	if (r < 0)
		return r;
	r = run_undo_push(ctx, learn_undo, s);
	if (r < 0) {
		learn_log_free(log);
		return r;
	}
	ctx->learn = log;
	ctx->guard.serve =
	    (struct wait_serve){.fd = run_ch(ctx, CH_LEARN), .fn = learn_serve, .data = log};
	return 0;
}

int filter_run_learn_write(const struct step *s, struct run_ctx *ctx)
{
	struct learn_log *log = ctx->learn;
	_cleanup_free_ char *text = NULL;
	size_t n = 0;
	int r;

	if (!log)
		return sbx_err_set(ctx->err, NULL, -EINVAL,
				   "internal error: --learn has no record");
	/* The command is gone: a call still waiting now fails (ENOSYS) instead of waiting. */
	ctx->guard.serve = (struct wait_serve){.fd = -1};
	if (log->listener >= 0)
		close(TAKE_FD(log->listener));
	r = learn_text(log, &s->learn, &text, &n);
	if (r < 0)
		return sbx_err_set(ctx->err, NULL, r,
				   r == -ENOMEM ? "out of memory"
						: "--learn: a --set could not be written back");
	r = learn_write_file(s->learn.out, text, ctx->err);
	if (r < 0)
		return r;
	ctx->learned.out = s->learn.out;
	ctx->learned.n_allowed = n;
	return 0;
}

#include "util/child-safe.h"

int learn_send_listener(void *handoff, int sock, int listener)
{
	struct learn_handoff *h = handoff;
	ssize_t n;

	memcpy(CMSG_DATA(CMSG_FIRSTHDR(&h->msg)), &listener, sizeof(int));
	do
		n = sendmsg(sock, &h->msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : 0;
}
