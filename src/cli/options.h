/* options.h — the command line's option scanner. Long options are matched by their whole
 * name only (an abbreviation is an unknown option: a script that works today must not change
 * meaning when a new option shares its prefix); an optional argument goes with '=' only, and
 * one of its values written as the next word is an error rather than the command. Messages
 * quote what was typed; main.c prints them. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum opt_arg { OPT_ARG_NONE, OPT_ARG_REQUIRED, OPT_ARG_OPTIONAL };

struct opt_def {
	const char *name; /* long name, without "--"; NULL ends a table */
	char short_name;  /* 0: none */
	enum opt_arg arg;
	int id;
	/* OPT_ARG_OPTIONAL: its values (NULL-terminated); one of them as the next word is an
	 * error that shows the '=' form, since it would otherwise be taken for the command. */
	const char *const *values;
	const char *arg_help; /* --help: the argument after the name, " FILE" or "[=text|json]" */
	const char *help;     /* --help: what it does, one line */
};

/* Where the scan is: argv[index] is the next word, @pos the next letter of a group of short
 * options ("-vq"), 0 outside one. Start with {argc, argv, 1, 0}. */
struct opt_scan {
	int argc;
	char **argv;
	int index;
	int pos;
};

struct opt_hit {
	const struct opt_def *def;
	const char *value; /* the argument, NULL without one */
};

#define OPT_MSG_SIZE 256

/* Parent. The next option into *ret and 1; 0 when the options end (scan->index is then the
 * command's first word, after a "--"); -EINVAL on a usage error, with @msg saying what was
 * wrong in words that quote the option as typed. @defs ends with a NULL name. */
int opt_next(struct opt_scan *scan, const struct opt_def *defs, struct opt_hit *ret,
	     char msg[OPT_MSG_SIZE]);
