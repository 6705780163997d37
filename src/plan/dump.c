/* plan_dump.c — describe steps for --plan (text and JSON), the -v log and error messages.
 *
 * Each step kind lists its arguments once, as key/value pairs, into a sink; the sink decides
 * whether they become "key=value" text or a JSON object, so the two outputs cannot disagree. */
#include "plan/plan.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "profile/profile.h"
#include "util/cleanup.h"

struct sink {
	FILE *f;   /* text or JSON members go here when set */
	bool json; /* JSON members (to f), else text */
	char *buf; /* else bounded text goes here (plan_describe) */
	size_t size, len;
	bool cut; /* buf was too small */
	bool first;
};

static void text_put(struct sink *k, const char *s, size_t n)
{
	if (k->f) {
		(void)fwrite(s, 1, n, k->f);
		return;
	}
	if (n > k->size - k->len - 1) {
		n = k->size - k->len - 1;
		k->cut = true;
	}
	memcpy(k->buf + k->len, s, n);
	k->len += n;
	k->buf[k->len] = '\0';
}

/* One character of a string: a valid UTF-8 sequence (cp is its code point), or a single byte
 * that is not part of one (raw_byte). */
struct unit {
	size_t len;
	uint32_t cp;
	bool raw_byte;
	bool escape; /* a terminal would act on it, or it is not text: never written raw */
};

/* Code points that move the cursor or reorder what a terminal or viewer shows: C1 controls
 * (U+009B is CSI), the line and paragraph separators, the bidirectional controls. */
static bool cp_hidden(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

static struct unit next_unit(const unsigned char *s)
{
	struct unit u = {.len = 1, .cp = s[0]};
	size_t n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
	static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};

	if (s[0] < 0x80) {
		u.escape = s[0] < 0x20 || s[0] == 0x7f;
		return u;
	}
	u.raw_byte = u.escape = true;
	if (s[0] < 0xc2 || s[0] > 0xf4)
		return u;
	u.cp = s[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			u.cp = s[0];
			return u;
		}
		u.cp = u.cp << 6 | (s[i] & 0x3f);
	}
	if (u.cp < min[n] || u.cp > 0x10ffff || (u.cp >= 0xd800 && u.cp <= 0xdfff)) {
		u.cp = s[0];
		return u;
	}
	u.len = n;
	u.raw_byte = false;
	u.escape = cp_hidden(u.cp);
	return u;
}

static bool text_needs_quotes(const char *v)
{
	if (!*v)
		return true;
	for (const char *c = v; *c; c += next_unit((const unsigned char *)c).len)
		if (*c == ' ' || *c == '"' || *c == '\\' || *c == ',' ||
		    next_unit((const unsigned char *)c).escape)
			return true;
	return false;
}

/* @v with every control character, DEL, C1 control and stray byte escaped (\n \t \r, \xHH for
 * bytes, \uHHHH for code points) and backslashes doubled; in a quoted value also '"'. */
static void text_escaped(struct sink *k, const char *v, bool quoted)
{
	char b[8];

	for (const char *c = v; *c;) {
		struct unit u = next_unit((const unsigned char *)c);

		if (!u.escape) {
			if (*c == '\\' || (quoted && *c == '"'))
				text_put(k, "\\", 1);
			text_put(k, c, u.len);
		} else if (u.cp == '\n' || u.cp == '\t' || u.cp == '\r') {
			text_put(k, u.cp == '\n' ? "\\n" : u.cp == '\t' ? "\\t" : "\\r", 2);
		} else {
			snprintf(b, sizeof(b), u.cp < 0x80 || u.raw_byte ? "\\x%02x" : "\\u%04x",
				 (unsigned)u.cp);
			text_put(k, b, strlen(b));
		}
		c += u.len;
	}
}

/* A JSON string of @s. A byte that is not UTF-8 becomes a lone low surrogate \udcHH (Python's
 * surrogateescape), so the output stays valid UTF-8 and the exact bytes can be recovered. */
static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const char *c = s ? s : ""; *c;) {
		struct unit u = next_unit((const unsigned char *)c);

		if (*c == '"' || *c == '\\')
			fprintf(f, "\\%c", *c);
		else if (!u.escape)
			(void)fwrite(c, 1, u.len, f);
		else if (u.cp == '\n' || u.cp == '\t' || u.cp == '\r')
			fputs(u.cp == '\n' ? "\\n" : u.cp == '\t' ? "\\t" : "\\r", f);
		else
			fprintf(f, "\\u%04x", (unsigned)(u.raw_byte ? 0xdc00 | u.cp : u.cp));
		c += u.len;
	}
	fputc('"', f);
}

/* Text values are quoted only when they would be ambiguous on one line. */
static void text_value(struct sink *k, const char *v)
{
	bool quoted;

	if (!v)
		v = "?";
	quoted = text_needs_quotes(v);
	if (quoted)
		text_put(k, "\"", 1);
	text_escaped(k, v, quoted);
	if (quoted)
		text_put(k, "\"", 1);
}

static void key(struct sink *k, const char *name)
{
	if (k->json) {
		fputs(k->first ? "" : ", ", k->f);
		json_str(k->f, name);
		fputs(": ", k->f);
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
		json_str(k->f, v);
	else
		text_value(k, v);
}

static void put_num(struct sink *k, const char *name, uint64_t v)
{
	char b[32];

	key(k, name);
	snprintf(b, sizeof(b), "%" PRIu64, v);
	if (k->json)
		fputs(b, k->f);
	else
		text_put(k, b, strlen(b));
}

static void put_bool(struct sink *k, const char *name, bool v)
{
	key(k, name);
	if (k->json)
		fputs(v ? "true" : "false", k->f);
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
		fputc('[', k->f);
	for (size_t i = 0; i < n; i++) {
		if (k->json) {
			fputs(i ? ", " : "", k->f);
			json_str(k->f, v[i] ? v[i] : "?");
		} else {
			if (i)
				text_put(k, ",", 1);
			text_value(k, v[i]);
		}
	}
	if (k->json)
		fputc(']', k->f);
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
	put_str(k, "nofollow-below", m->src_base);
	if (m->n_lower)
		put_list(k, "lower", m->lower, m->n_lower);
	if (m->lower_base) {
		const char *bases[m->n_lower];

		for (size_t i = 0; i < m->n_lower; i++)
			bases[i] = m->lower_base[i] ? m->lower_base[i] : "-";
		put_list(k, "lower-nofollow-below", bases, m->n_lower);
	}
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
	_cleanup_free_ char *line = text ? strdup(text) : NULL;
	size_t n = line ? strlen(line) : 0;

	/* One map line per entry; show them comma-separated on one line. */
	if (!line) {
		put_str(k, "map", text); /* out of memory: the newlines show as \n */
		return;
	}
	if (n && line[n - 1] == '\n')
		line[--n] = '\0';
	for (char *c = line; *c; c++)
		if (*c == '\n')
			*c = ',';
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
	case STEP_NETNS_UNSHARE:
		put_str(k, "by", "child");
		put_str(k, "owner", "sandbox-userns");
		put_str(k, "up", "lo");
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
		put_num(k, "setup_timeout_ms", s->supervise.setup_timeout_ms);
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

static void describe(struct sink *k, const struct step *s)
{
	const char *name = plan_step_type(s->kind)->name;

	text_put(k, name, strlen(name));
	k->first = false;
	describe_args(k, s);
}

void plan_describe(const struct step *s, char *buf, size_t size)
{
	struct sink k = {.buf = buf, .size = size, .first = true};

	if (!size)
		return;
	buf[0] = '\0';
	describe(&k, s);
	/* Cut, and visibly so: an error record has a fixed size. */
	if (k.cut && size > 4)
		memcpy(buf + size - 4, "...", 4);
}

void plan_describe_print(const struct step *s, void *out)
{
	struct sink k = {.f = out, .first = true};

	describe(&k, s);
}

static const char *side_name(enum step_phase p)
{
	return p == PHASE_CHILD ? "child" : p == PHASE_PARENT ? "parent" : "prepare";
}

/* A comment's text: not quoted, but escaped like a value. */
static void text_comment(FILE *f, const char *v)
{
	struct sink k = {.f = f};

	text_escaped(&k, v, false);
}

static void dump_text(const struct plan *plan, FILE *f)
{
	fputs("# sbx plan: profile ", f);
	text_comment(f, plan->profile_names ? plan->profile_names : "default");
	fprintf(f, "; caller uid %u gid %u; %zu steps\n", (unsigned)plan->caller_uid,
		(unsigned)plan->caller_gid, plan->n_steps);
	for (size_t i = 0; i < plan->n_steps; i++) {
		const struct step *s = &plan->steps[i];

		fprintf(f, "%3zu %-6s ", i + 1, side_name(plan_step_type(s->kind)->phase));
		plan_describe_print(s, f);
		if (s->loc.file) {
			fputs("  # ", f);
			text_comment(f, s->loc.file);
			if (s->loc.line)
				fprintf(f, ":%u", s->loc.line);
		}
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
		struct sink k = {.f = f, .json = true, .first = true};

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
