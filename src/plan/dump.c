/* plan_dump.c — describe steps for --plan (text and JSON), the -v log and error messages.
 *
 * Each subsystem's describer (steps.def) lists a step's arguments once, as key/value pairs, into
 * a struct plan_kv; it decides whether they become "key=value" text or a JSON object, so the
 * two outputs cannot disagree, and escapes every value the same way. */
#include "plan/plan.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "profile/profile.h"
#include "util/cleanup.h"

struct plan_kv {
	FILE *f;   /* text or JSON members go here when set */
	bool json; /* JSON members (to f), else text */
	char *buf; /* else bounded text goes here (plan_describe) */
	size_t size, len;
	bool cut; /* buf was too small */
	bool first;
};

static void text_put(struct plan_kv *k, const char *s, size_t n)
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
static void text_escaped(struct plan_kv *k, const char *v, bool quoted)
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
static void text_value(struct plan_kv *k, const char *v)
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

static void key(struct plan_kv *k, const char *name)
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

void plan_kv_str(struct plan_kv *k, const char *name, const char *v)
{
	if (!v)
		return;
	key(k, name);
	if (k->json)
		json_str(k->f, v);
	else
		text_value(k, v);
}

void plan_kv_num(struct plan_kv *k, const char *name, uint64_t v)
{
	char b[32];

	key(k, name);
	snprintf(b, sizeof(b), "%" PRIu64, v);
	if (k->json)
		fputs(b, k->f);
	else
		text_put(k, b, strlen(b));
}

void plan_kv_bool(struct plan_kv *k, const char *name, bool v)
{
	key(k, name);
	if (k->json)
		fputs(v ? "true" : "false", k->f);
	else
		text_put(k, v ? "yes" : "no", v ? 3 : 2);
}

void plan_kv_octal(struct plan_kv *k, const char *name, unsigned v)
{
	char b[16];

	snprintf(b, sizeof(b), "%04o", v);
	plan_kv_str(k, name, b);
}

/* A list: a JSON array, or comma-separated text. */
void plan_kv_list(struct plan_kv *k, const char *name, const char *const *v, size_t n)
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

static void describe(struct plan_kv *k, const struct step *s)
{
	const char *name = plan_step_type(s->kind)->name;

	text_put(k, name, strlen(name));
	k->first = false;
	plan_step_type(s->kind)->describe(s, k);
}

void plan_describe(const struct step *s, char *buf, size_t size)
{
	struct plan_kv k = {.buf = buf, .size = size, .first = true};

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
	struct plan_kv k = {.f = out, .first = true};

	describe(&k, s);
}

/* SPEC.md §3: each step is on one side, the parent's or the child's (the sandbox's: the
 * COMMAND steps too, in the process that becomes the command); the JSON also names the phase. */
static const char *side_name(enum step_phase p)
{
	return p == PHASE_PREPARE ? "prepare" : phase_in_child(p) ? "child" : "parent";
}

static const char *phase_name(enum step_phase p)
{
	static const char *const names[_PHASE_MAX] = {
	    [PHASE_PREPARE] = "prepare",     [PHASE_PARENT] = "parent", [PHASE_BESIDE] = "beside",
	    [PHASE_ROOT] = "root",	     [PHASE_SETUP] = "setup",	[PHASE_COMMAND] = "command",
	    [PHASE_SUPERVISE] = "supervise",
	};

	return names[p];
}

/* A comment's text: not quoted, but escaped like a value. */
static void text_comment(FILE *f, const char *v)
{
	struct plan_kv k = {.f = f};

	text_escaped(&k, v, false);
}

static void dump_text(const struct plan *plan, FILE *f)
{
	fputs("# sbx plan: profile ", f);
	text_comment(f, plan->profile_names ? plan->profile_names : "default");
	fprintf(f, "; caller uid %u gid %u; %zu steps\n", (unsigned)plan->caller_uid,
		(unsigned)plan->caller_gid, plan->n_steps);
	for (size_t i = 0; i < plan->n_notes; i++) {
		fputs("# note: ", f);
		text_comment(f, plan->notes[i]);
		fputc('\n', f);
	}
	for (size_t i = 0; i < plan->n_steps; i++) {
		plan_print_step(plan, i, f);
		fputc('\n', f);
	}
}

void plan_print_step(const struct plan *plan, size_t i, void *out)
{
	const struct step *s = &plan->steps[i];
	FILE *f = out;

	fprintf(f, "%3zu %-6s ", i + 1, side_name(s->phase));
	plan_describe_print(s, f);
	if (s->loc.file) {
		fputs("  # ", f);
		text_comment(f, s->loc.file);
		if (s->loc.line)
			fprintf(f, ":%u", s->loc.line);
	}
}

static void dump_json(const struct plan *plan, FILE *f)
{
	fputs("{\"profile\": ", f);
	json_str(f, plan->profile_names ? plan->profile_names : "default");
	fprintf(f, ", \"caller\": {\"uid\": %u, \"gid\": %u},\n \"notes\": [",
		(unsigned)plan->caller_uid, (unsigned)plan->caller_gid);
	for (size_t i = 0; i < plan->n_notes; i++) {
		fputs(i ? ", " : "", f);
		json_str(f, plan->notes[i]);
	}
	fputs("],\n \"steps\": [", f);
	for (size_t i = 0; i < plan->n_steps; i++) {
		const struct step *s = &plan->steps[i];
		struct plan_kv k = {.f = f, .json = true, .first = true};

		fprintf(f, "%s\n  {\"index\": %zu, \"side\": \"%s\", \"phase\": \"%s\", \"step\": ",
			i ? "," : "", i + 1, side_name(s->phase), phase_name(s->phase));
		json_str(f, plan_step_type(s->kind)->name);
		if (s->loc.file) {
			fputs(", \"file\": ", f);
			json_str(f, s->loc.file);
			fprintf(f, ", \"line\": %u", s->loc.line);
		}
		fputs(", \"args\": {", f);
		plan_step_type(s->kind)->describe(s, &k);
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
