/* plan_dump.c — describe steps for --plan (text and JSON), the -v log and error messages.
 *
 * Each step kind lists its arguments once, as key/value pairs, into a sink; the sink decides
 * whether they become "key=value" text or a JSON object, so the two outputs cannot disagree. */
#include "plan.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "profile.h"
#include "util/cleanup.h"

struct sink {
	FILE *json; /* JSON object members go here when set */
	char *buf;  /* else text goes here */
	size_t size, len;
	bool first;
};

static void text_put(struct sink *k, const char *s, size_t n)
{
	if (k->len + 1 >= k->size)
		return;
	if (n > k->size - k->len - 1)
		n = k->size - k->len - 1;
	memcpy(k->buf + k->len, s, n);
	k->len += n;
	k->buf[k->len] = '\0';
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* Text values are quoted only when they would be ambiguous on one line. */
static void text_value(struct sink *k, const char *v)
{
	bool plain;

	if (!v)
		v = "?";
	plain = *v != '\0';

	for (const char *c = v; *c; c++)
		if (*c == ' ' || *c == '"' || *c == '\\' || *c == '\n' || *c == '\t' || *c == ',')
			plain = false;
	if (plain) {
		text_put(k, v, strlen(v));
		return;
	}
	text_put(k, "\"", 1);
	for (const char *c = v; *c; c++) {
		if (*c == '\n')
			text_put(k, "\\n", 2);
		else if (*c == '\t')
			text_put(k, "\\t", 2);
		else {
			if (*c == '"' || *c == '\\')
				text_put(k, "\\", 1);
			text_put(k, c, 1);
		}
	}
	text_put(k, "\"", 1);
}

static void key(struct sink *k, const char *name)
{
	if (k->json) {
		fputs(k->first ? "" : ", ", k->json);
		json_str(k->json, name);
		fputs(": ", k->json);
	} else {
		if (!k->first)
			text_put(k, " ", 1);
		text_put(k, name, strlen(name));
		text_put(k, "=", 1);
	}
	k->first = false;
}

static void put_str(struct sink *k, const char *name, const char *v)
{
	if (!v)
		return;
	key(k, name);
	if (k->json)
		json_str(k->json, v);
	else
		text_value(k, v);
}

static void put_num(struct sink *k, const char *name, uint64_t v)
{
	char b[32];

	key(k, name);
	snprintf(b, sizeof(b), "%" PRIu64, v);
	if (k->json)
		fputs(b, k->json);
	else
		text_put(k, b, strlen(b));
}

static void put_bool(struct sink *k, const char *name, bool v)
{
	key(k, name);
	if (k->json)
		fputs(v ? "true" : "false", k->json);
	else
		text_put(k, v ? "yes" : "no", v ? 3 : 2);
}

static void put_octal(struct sink *k, const char *name, unsigned v)
{
	char b[16];

	snprintf(b, sizeof(b), "%04o", v);
	put_str(k, name, b);
}

/* A list: a JSON array, or comma-separated text. */
static void put_list(struct sink *k, const char *name, const char *const *v, size_t n)
{
	key(k, name);
	if (k->json)
		fputc('[', k->json);
	for (size_t i = 0; i < n; i++) {
		if (k->json) {
			fputs(i ? ", " : "", k->json);
			json_str(k->json, v[i] ? v[i] : "?");
		} else {
			if (i)
				text_put(k, ",", 1);
			text_value(k, v[i]);
		}
	}
	if (k->json)
		fputc(']', k->json);
	else if (n == 0)
		text_put(k, "none", 4);
}

static size_t strv_len(const char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

static void describe_ns(struct sink *k, unsigned ns)
{
	const char *names[_NS_MAX];
	size_t n = 0;

	for (unsigned i = 0; i < _NS_MAX; i++)
		if (ns & NS_BIT(i))
			names[n++] = profile_ns_name(i);
	put_list(k, "ns", names, n);
}

static void describe_attr(struct sink *k, unsigned attr)
{
	static const struct {
		unsigned bit;
		const char *name;
	} bits[] = {
	    {STEP_ATTR_RDONLY, "ro"},
	    {STEP_ATTR_NOSUID, "nosuid"},
	    {STEP_ATTR_NODEV, "nodev"},
	    {STEP_ATTR_NOEXEC, "noexec"},
	    {STEP_ATTR_NOATIME, "noatime"},
	    {STEP_ATTR_STRICTATIME, "strictatime"},
	    {STEP_ATTR_NODIRATIME, "nodiratime"},
	    {STEP_ATTR_NOSYMFOLLOW, "nosymfollow"},
	};
	const char *names[ARRAY_SIZE(bits) + 1];
	size_t n = 0;

	if (!(attr & STEP_ATTR_RDONLY))
		names[n++] = "rw";
	for (size_t i = 0; i < ARRAY_SIZE(bits); i++)
		if (attr & bits[i].bit)
			names[n++] = bits[i].name;
	put_list(k, "flags", names, n);
}

static void describe_mount(struct sink *k, const struct step *s)
{
	const struct step_mount *m = &s->mnt;
	static const char *const roots[] = {"tmpfs", "host", "directory"};

	if (s->kind == STEP_MOUNT_ROOT && m->root_kind >= 0 && m->root_kind <= 2)
		put_str(k, "root", roots[m->root_kind]);
	put_str(k, "src", m->src);
	if (m->n_lower)
		put_list(k, "lower", m->lower, m->n_lower);
	put_str(k, "upper", m->upper);
	put_str(k, "work", m->work);
	if (s->kind == STEP_MOUNT_OVERLAY && !m->upper)
		put_str(k, "upper", "ephemeral");
	put_str(k, "dst", m->dst);
	put_str(k, "target", m->target);
	if (s->kind == STEP_MOUNT_FILE)
		put_num(k, "bytes", m->content_len);
	if (m->size)
		put_num(k, "size", m->size);
	if (s->kind == STEP_MOUNT_TMPFS || s->kind == STEP_MOUNT_FILE ||
	    s->kind == STEP_MOUNT_DIR || s->kind == STEP_MOUNT_DEV)
		put_octal(k, "mode", m->mode);
	if (s->kind == STEP_MOUNT_BIND || s->kind == STEP_MOUNT_ROOT)
		put_bool(k, "recursive", m->recursive);
	if (m->optional)
		put_bool(k, "optional", true);
	if (s->kind == STEP_MOUNT_PIVOT)
		put_bool(k, "root_rw", m->rw);
	if (s->kind != STEP_MOUNT_DIR && s->kind != STEP_MOUNT_SYMLINK &&
	    s->kind != STEP_MOUNT_PIVOT && s->kind != STEP_MOUNT_PRIVATE)
		describe_attr(k, m->attr);
}

static const char *rlimit_name(int resource)
{
	switch (resource) {
	case RLIMIT_AS:
		return "as";
	case RLIMIT_CORE:
		return "core";
	case RLIMIT_CPU:
		return "cpu";
	case RLIMIT_DATA:
		return "data";
	case RLIMIT_FSIZE:
		return "fsize";
	case RLIMIT_MEMLOCK:
		return "memlock";
	case RLIMIT_MSGQUEUE:
		return "msgqueue";
	case RLIMIT_NICE:
		return "nice";
	case RLIMIT_NOFILE:
		return "nofile";
	case RLIMIT_NPROC:
		return "nproc";
	case RLIMIT_RTPRIO:
		return "rtprio";
	case RLIMIT_STACK:
		return "stack";
	}
	return "?";
}

static void describe_caps(struct sink *k, const struct step *s)
{
	const char *names[64];
	size_t n = 0;

	for (unsigned c = 0; c < 64; c++)
		if ((s->caps.keep & (1ull << c)) && profile_cap_name(c))
			names[n++] = profile_cap_name(c);
	put_list(k, "keep", names, n);
	put_bool(k, "ambient", s->caps.ambient);
}

static void describe_idmap_text(struct sink *k, const char *text)
{
	char line[256];
	size_t n = 0;

	/* One map line per entry; show them comma-separated on one line. */
	line[0] = '\0';
	for (const char *c = text; c && *c && n + 2 < sizeof(line); c++)
		line[n++] = *c == '\n' ? (c[1] ? ',' : '\0') : *c;
	line[n] = '\0';
	put_str(k, "map", line);
}

/* "0,1,2" for the bits 0-2 of @fds. */
static const char *fd_set_text(unsigned fds, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int fd = 0; fd < 3; fd++)
		if (fds & (1u << fd))
			n += (size_t)snprintf(buf + n, size - n, "%s%d", n ? "," : "", fd);
	return buf;
}

static void describe_args(struct sink *k, const struct step *s)
{
	char fds[8];

	switch (s->kind) {
	case STEP_CLONE:
		describe_ns(k, s->clone.ns);
		break;
	case STEP_SETGROUPS_DENY:
		put_str(k, "file", "setgroups");
		put_str(k, "value", "deny");
		break;
	case STEP_IDMAP_WRITE:
		put_str(k, "file", s->idmap.file);
		describe_idmap_text(k, s->idmap.text);
		break;
	case STEP_IDMAP_HELPER:
		put_str(k, "prog", s->helper.prog);
		put_list(k, "map", s->helper.args, strv_len(s->helper.args));
		break;
	case STEP_NETNS_CREATE:
		put_str(k, "by", "helper");
		put_str(k, "runs", "beside-child");
		put_str(k, "owner", s->netlink.enter_userns ? "sandbox-userns" : "host-userns");
		put_str(k, "up", "lo");
		break;
	case STEP_NETNS_JOIN:
		put_str(k, "from", "netns-create");
		break;
	case STEP_NETNS_READY:
		put_str(k, "wait", "lo-up");
		break;
	case STEP_MOUNT_PRIVATE:
		put_str(k, "dst", "/");
		put_str(k, "propagation", "rslave");
		break;
	case STEP_MOUNT_STAGE:
	case STEP_MOUNT_ROOT:
	case STEP_MOUNT_BIND:
	case STEP_MOUNT_TMPFS:
	case STEP_MOUNT_OVERLAY:
	case STEP_MOUNT_PROC:
	case STEP_MOUNT_DEV:
	case STEP_MOUNT_SYSFS:
	case STEP_MOUNT_MQUEUE:
	case STEP_MOUNT_FILE:
	case STEP_MOUNT_DIR:
	case STEP_MOUNT_SYMLINK:
	case STEP_MOUNT_PIVOT:
		describe_mount(k, s);
		break;
	case STEP_HOSTNAME:
	case STEP_DOMAINNAME:
		put_str(k, "name", s->uts.name);
		break;
	case STEP_RLIMIT:
		put_str(k, "resource", rlimit_name(s->rlimit.resource));
		if (s->rlimit.unlimited)
			put_str(k, "value", "unlimited");
		else
			put_num(k, "value", s->rlimit.cur);
		break;
	case STEP_SET_IDS:
		put_num(k, "uid", s->ids.uid);
		put_num(k, "gid", s->ids.gid);
		put_str(k, "groups", s->ids.set_groups ? "cleared" : "kept");
		break;
	case STEP_CAPS:
		describe_caps(k, s);
		break;
	case STEP_NO_NEW_PRIVS:
		put_bool(k, "value", true);
		break;
	case STEP_UMASK:
		put_octal(k, "mask", s->umask.mask);
		break;
	case STEP_CHDIR:
		put_str(k, "dir", s->chdir.path);
		break;
	case STEP_DIE_WITH_PARENT:
		put_str(k, "signal", s->pdeath.enable ? "SIGKILL" : "none");
		break;
	case STEP_INIT:
		put_str(k, "pid1", "sbx-init");
		break;
	case STEP_SESSION:
		put_str(k, "tty", "none");
		break;
	case STEP_TTY:
		put_str(k, "tty", "/dev/ptmx");
		break;
	case STEP_NO_CTTY:
		put_str(k, "tty", "none");
		break;
	case STEP_PIPES:
		put_str(k, "fds", fd_set_text(s->pipes.fds, fds, sizeof(fds)));
		break;
	case STEP_EXEC:
		put_list(k, "argv", (const char *const *)s->exec.argv,
			 strv_len((const char *const *)s->exec.argv));
		put_list(k, "try", s->exec.paths, s->exec.n_paths);
		put_str(k, "fds", "0-2");
		put_list(k, "env", (const char *const *)s->exec.envp,
			 strv_len((const char *const *)s->exec.envp));
		break;
	case STEP_SUPERVISE:
		put_num(k, "time_limit_ms", s->supervise.time_limit_ms);
		put_str(k, "stdio",
			s->supervise.tty     ? "pty"
			: s->supervise.pipes ? "pipes"
					     : "inherited");
		if (!s->supervise.tty && s->supervise.pipes)
			put_str(k, "fds", fd_set_text(s->supervise.pipes, fds, sizeof(fds)));
		put_bool(k, "init", s->supervise.has_init);
		put_str(k, "status", s->supervise.has_init ? "from-init" : "wait");
		put_str(k, "forward", "INT,TERM,HUP,QUIT,USR1,USR2,TSTP,CONT");
		break;
	case _STEP_KIND_MAX:
		break;
	}
}

void plan_describe(const struct step *s, char *buf, size_t size)
{
	struct sink k = {.buf = buf, .size = size, .first = true};

	if (!size)
		return;
	buf[0] = '\0';
	text_put(&k, plan_step_type(s->kind)->name, strlen(plan_step_type(s->kind)->name));
	k.first = false;
	describe_args(&k, s);
}

static const char *side_name(enum step_phase p)
{
	return p == PHASE_CHILD ? "child" : p == PHASE_PARENT ? "parent" : "prepare";
}

static void dump_text(const struct plan *plan, FILE *f)
{
	char line[4096];

	fprintf(f, "# sbx plan: profile %s; caller uid %u gid %u; %zu steps\n",
		plan->profile_names ? plan->profile_names : "default", (unsigned)plan->caller_uid,
		(unsigned)plan->caller_gid, plan->n_steps);
	for (size_t i = 0; i < plan->n_steps; i++) {
		const struct step *s = &plan->steps[i];

		plan_describe(s, line, sizeof(line));
		fprintf(f, "%3zu %-6s %s", i + 1, side_name(plan_step_type(s->kind)->phase), line);
		if (s->loc.file && s->loc.line)
			fprintf(f, "  # %s:%u", s->loc.file, s->loc.line);
		else if (s->loc.file)
			fprintf(f, "  # %s", s->loc.file);
		fputc('\n', f);
	}
}

static void dump_json(const struct plan *plan, FILE *f)
{
	fputs("{\"profile\": ", f);
	json_str(f, plan->profile_names ? plan->profile_names : "default");
	fprintf(f, ", \"caller\": {\"uid\": %u, \"gid\": %u},\n \"steps\": [",
		(unsigned)plan->caller_uid, (unsigned)plan->caller_gid);
	for (size_t i = 0; i < plan->n_steps; i++) {
		const struct step *s = &plan->steps[i];
		struct sink k = {.json = f, .first = true};

		fprintf(f, "%s\n  {\"index\": %zu, \"side\": \"%s\", \"step\": ", i ? "," : "",
			i + 1, side_name(plan_step_type(s->kind)->phase));
		json_str(f, plan_step_type(s->kind)->name);
		if (s->loc.file) {
			fputs(", \"file\": ", f);
			json_str(f, s->loc.file);
			fprintf(f, ", \"line\": %u", s->loc.line);
		}
		fputs(", \"args\": {", f);
		describe_args(&k, s);
		fputs("}}", f);
	}
	fputs("\n ]}\n", f);
}

int plan_dump(const struct plan *plan, enum plan_format fmt, void *out)
{
	FILE *f = out;

	if (fmt == PLAN_JSON)
		dump_json(plan, f);
	else
		dump_text(plan, f);
	return fflush(f) == 0 ? 0 : -EIO;
}
