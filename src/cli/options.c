/* options.c — the command line's option scanner (see options.h for its rules). */
#include "cli/options.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int usage_error(char *msg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int usage_error(char *msg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, OPT_MSG_SIZE, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static void append(char *msg, const char *s)
{
	size_t len = strlen(msg);

	snprintf(msg + len, OPT_MSG_SIZE - len, "%s", s);
}

static const struct opt_def *find_long(const struct opt_def *defs, const char *name, size_t len)
{
	for (; defs->name; defs++)
		if (strlen(defs->name) == len && strncmp(defs->name, name, len) == 0)
			return defs;
	return NULL;
}

static const struct opt_def *find_short(const struct opt_def *defs, char c)
{
	for (; defs->name; defs++)
		if (defs->short_name && defs->short_name == c)
			return defs;
	return NULL;
}

/* "--pla" is not "--plan": say which options it begins, to be written in full. */
static int unknown_long(const struct opt_def *defs, const char *name, size_t len, char *msg)
{
	const char *sep = " (long options are not abbreviated: ";

	usage_error(msg, "unknown option '--%.*s'", (int)(len > 100 ? 100 : len), name);
	for (; len && defs->name; defs++) {
		if (strncmp(defs->name, name, len) != 0)
			continue;
		append(msg, sep);
		append(msg, "--");
		append(msg, defs->name);
		sep = ", ";
	}
	if (sep[0] == ',')
		append(msg, ")");
	return -EINVAL;
}

static bool is_value(const struct opt_def *def, const char *word)
{
	for (const char *const *v = def->values; v && *v; v++)
		if (strcmp(*v, word) == 0)
			return true;
	return false;
}

static int next_long(struct opt_scan *scan, const struct opt_def *defs, struct opt_hit *ret,
		     char *msg)
{
	const char *name = scan->argv[scan->index] + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct opt_def *def = find_long(defs, name, len);
	const char *next;

	if (!def)
		return unknown_long(defs, name, len, msg);
	scan->index++;
	next = scan->index < scan->argc ? scan->argv[scan->index] : NULL;
	*ret = (struct opt_hit){.def = def, .value = eq ? eq + 1 : NULL};
	switch (def->arg) {
	case OPT_ARG_NONE:
		if (eq)
			return usage_error(msg, "option '--%s' takes no argument", def->name);
		break;
	case OPT_ARG_REQUIRED:
		if (eq)
			break;
		if (!next)
			return usage_error(msg, "option '--%s' needs an argument", def->name);
		ret->value = next;
		scan->index++;
		break;
	case OPT_ARG_OPTIONAL:
		if (!eq && next && is_value(def, next))
			return usage_error(
			    msg,
			    "'--%s %.64s': write --%s=%.64s, since an optional "
			    "argument takes '=' (a command named %.64s goes after --)",
			    def->name, next, def->name, next, next);
		break;
	}
	return 1;
}

/* One letter of "-p FILE", "-pFILE" or "-vq". */
static int next_short(struct opt_scan *scan, const struct opt_def *defs, struct opt_hit *ret,
		      char *msg)
{
	const char *word = scan->argv[scan->index];
	int pos = scan->pos ? scan->pos : 1;
	const struct opt_def *def = find_short(defs, word[pos]);

	if (!def)
		return usage_error(msg, "unknown option '-%c'", word[pos]);
	*ret = (struct opt_hit){.def = def};
	pos++;
	if (def->arg == OPT_ARG_REQUIRED) {
		if (word[pos]) {
			ret->value = word + pos;
		} else {
			if (scan->index + 1 >= scan->argc)
				return usage_error(msg, "option '-%c' needs an argument",
						   def->short_name);
			ret->value = scan->argv[++scan->index];
		}
		pos = 0;
	} else if (!word[pos]) {
		pos = 0;
	}
	scan->pos = pos;
	if (!pos)
		scan->index++;
	return 1;
}

int opt_next(struct opt_scan *scan, const struct opt_def *defs, struct opt_hit *ret,
	     char msg[OPT_MSG_SIZE])
{
	const char *word;

	msg[0] = '\0';
	if (scan->index >= scan->argc)
		return 0;
	word = scan->argv[scan->index];
	if (scan->pos)
		return next_short(scan, defs, ret, msg);
	if (word[0] != '-' || word[1] == '\0')
		return 0; /* the command: the options end at the first word that is none */
	if (strcmp(word, "--") == 0) {
		scan->index++;
		return 0;
	}
	if (word[1] == '-')
		return next_long(scan, defs, ret, msg);
	return next_short(scan, defs, ret, msg);
}
