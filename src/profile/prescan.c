/* prescan.c — the loader's pass over a profile's text before libconfig reads it (see below).
 * Part of the loading, above the schema: it reports errors at their line through schema.c. */
#include "profile/profile.h"
#include "profile/schema.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"

/*
 * The pre-scan. libconfig 1.5 reads an integer literal too large for 32 bits by silently
 * wrapping it (3000000000 becomes -1294967296, 4294967297 becomes 1), and one too large for
 * 64 bits by saturating. So before parsing, every integer literal outside the 32-bit range
 * gets an `L` suffix (which libconfig reads correctly as a 64-bit integer, as newer versions
 * do by themselves), and one outside the 64-bit range is an error at its line. The scan also
 * refuses `@include`: profiles include others with `include = [ ... ]`, which has the search
 * path, cycle detection and a depth limit.
 *
 * So the scan must read the text exactly as libconfig's scanner will: `#` and `//` comments
 * to the end of the line, block comments to the first star-slash, strings with their `\"`
 * and `\\` escapes, and code. An `@include` in code becomes `#`, a comment to the end of the
 * line for libconfig and for the scan alike. The fuzzer checks that libconfig never sees an
 * include (tests/fuzz).
 *
 * One more rewrite keeps each string's own line. libconfig joins adjacent strings ("a" "b"),
 * so it reads the token after a string before it makes the setting, which then gets that
 * token's line: the last element of `[ "a",\n "b"\n ]` would be located at the `]`. A `,`
 * `;` `]` `)` or `}` that follows a string across blanks and comments on later lines is moved
 * up behind the string; what stood between keeps its newlines, so no other line changes.
 */
struct scan {
	const char *in;
	size_t i;
	char *out;
	size_t n;
	unsigned line;
	const char *moved; /* the punctuation moved up behind a string, skipped when reached */
};

static void scan_copy(struct scan *sc, size_t len)
{
	for (size_t k = 0; k < len && sc->in[sc->i]; k++) {
		if (sc->in[sc->i] == '\n')
			sc->line++;
		sc->out[sc->n++] = sc->in[sc->i++];
	}
}

/* Copy up to and including @end (or to the end of the text). */
static void scan_copy_until(struct scan *sc, const char *end)
{
	const char *e = strstr(sc->in + sc->i, end);

	scan_copy(sc, e ? (size_t)(e - (sc->in + sc->i)) + strlen(end) : strlen(sc->in + sc->i));
}

static void scan_string(struct scan *sc)
{
	scan_copy(sc, 1);
	while (sc->in[sc->i] && sc->in[sc->i] != '"')
		scan_copy(sc, sc->in[sc->i] == '\\' ? 2 : 1);
	scan_copy(sc, 1);
}

/* Past the blanks and complete comments at @t; NULL if a comment is unterminated. */
static const char *skip_gap(const char *t)
{
	for (;;) {
		t += strspn(t, " \t\r\n\f\v");
		if (*t == '#' || (t[0] == '/' && t[1] == '/'))
			t += strcspn(t, "\n");
		else if (t[0] == '/' && t[1] == '*') {
			t = strstr(t + 2, "*/");
			if (!t)
				return NULL;
			t += 2;
		} else
			return t;
	}
}

/* After a string: move the punctuation that ends it up behind it (see the top). */
static void scan_after_string(struct scan *sc)
{
	const char *gap = sc->in + sc->i, *t = skip_gap(gap);

	if (!t || !*t || !strchr(",;])}", *t) || !memchr(gap, '\n', (size_t)(t - gap)))
		return;
	sc->out[sc->n++] = *t;
	sc->moved = t;
}

static size_t number_len(const char *t)
{
	size_t k = 0;
	bool hex;

	if (t[k] == '+' || t[k] == '-')
		k++;
	hex = t[k] == '0' && (t[k + 1] == 'x' || t[k + 1] == 'X');
	for (; t[k]; k++) {
		bool exp_sign = !hex && (t[k] == '+' || t[k] == '-') && k > 0 &&
				(t[k - 1] == 'e' || t[k - 1] == 'E');

		if (!isalnum((unsigned char)t[k]) && t[k] != '.' && !exp_sign)
			break;
	}
	return k;
}

/* Classify one number token: 0 = leave alone, 1 = needs an `L`, -ERANGE = too large. */
static int number_check(const char *t, size_t len)
{
	bool neg = false, hex;
	uint64_t v = 0, limit;
	size_t k = 0, n_l = 0;

	while (n_l < 2 && len > n_l && t[len - 1 - n_l] == 'L')
		n_l++;
	len -= n_l;
	if (t[k] == '+' || t[k] == '-')
		neg = t[k++] == '-';
	hex = len > k + 2 && t[k] == '0' && (t[k + 1] == 'x' || t[k + 1] == 'X');
	if (hex && k > 0)
		return 0; /* libconfig has no signed hex: its own syntax error */
	for (k += hex ? 2 : 0; k < len; k++) {
		unsigned d;

		if (hex ? !isxdigit((unsigned char)t[k]) : !isdigit((unsigned char)t[k]))
			return 0; /* a float or garbage: libconfig decides */
		d = isdigit((unsigned char)t[k])
			? (unsigned)(t[k] - '0')
			: (unsigned)(tolower((unsigned char)t[k]) - 'a' + 10);
		if (v > (UINT64_MAX - d) / (hex ? 16 : 10))
			return -ERANGE;
		v = v * (hex ? 16 : 10) + d;
	}
	limit = hex ? UINT64_MAX : (uint64_t)INT64_MAX + neg;
	if (v > limit)
		return -ERANGE;
	return n_l == 0 && v > (uint64_t)INT32_MAX + neg;
}

static int scan_number(struct apply_ctx *ctx, struct scan *sc)
{
	const char *t = sc->in + sc->i;
	size_t len = number_len(t);
	int k = number_check(t, len);

	if (k < 0) {
		/* Parse on with a placeholder, so the rest of the file is still checked. */
		profile_err_line(ctx, sc->line, -ERANGE, "integer %.*s is out of range",
				 (int)(len > 40 ? 40 : len), t);
		sc->i += len;
		memcpy(sc->out + sc->n, "0L", 2);
		sc->n += 2;
		return k;
	}
	scan_copy(sc, len);
	if (k > 0)
		sc->out[sc->n++] = 'L';
	return 0;
}

static bool scan_is_number(const char *t)
{
	if (*t == '+' || *t == '-' || *t == '.')
		t++;
	return isdigit((unsigned char)*t);
}

/* Always yields the text to parse (errors are recorded in @ctx); fails only without memory. */
int profile_prescan(struct apply_ctx *ctx, const char *text, char **ret_text)
{
	struct scan sc = {.in = text, .line = 1};

	sc.out = malloc(2 * strlen(text) + 3); /* an `L` per character, or "0L" for one */
	if (!sc.out)
		return profile_oom(ctx);
	while (text[sc.i]) {
		const char *c = text + sc.i;

		if (c == sc.moved) {
			sc.i++;
			sc.moved = NULL;
		} else if (*c == '"') {
			scan_string(&sc);
			scan_after_string(&sc);
		} else if (*c == '#' || (c[0] == '/' && c[1] == '/'))
			scan_copy_until(&sc, "\n");
		else if (c[0] == '/' && c[1] == '*') {
			/* libconfig 1.5 lets one swallow the rest of the file silently. */
			if (!strstr(c + 2, "*/"))
				profile_err_line(ctx, sc.line, -EINVAL, "unterminated /* comment");
			scan_copy_until(&sc, "*/");
		} else if (isalpha((unsigned char)*c) || *c == '_' || *c == '*') {
			do
				scan_copy(&sc, 1);
			while (isalnum((unsigned char)text[sc.i]) ||
			       (text[sc.i] && strchr("-_*", text[sc.i])));
		} else if (scan_is_number(c))
			(void)scan_number(ctx, &sc);
		else if (strncmp(c, "@include", 8) == 0) {
			profile_err_line(ctx, sc.line, -EINVAL,
					 "@include is not supported, use include = [ ... ]");
			/* libconfig must not open the file: it reads the line as a comment, and so
			 * must the scan, or a quote or comment opener on it would hide the next
			 * line's @include from the scan but not from libconfig. */
			sc.out[sc.n++] = '#';
			sc.i++;
			scan_copy_until(&sc, "\n");
		} else
			scan_copy(&sc, 1);
	}
	sc.out[sc.n] = '\0';
	*ret_text = sc.out;
	return 0;
}
