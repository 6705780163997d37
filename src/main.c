/* main.c — command line, --check / --plan output, the error line, exit codes. */
#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/options.h"
#include <linux/filter.h>
#include "run/exec.h"
#include "plan/plan.h"
#include "plan/policy.h"
#include "profile/profile.h"
#include "util/cleanup.h"

#define EXIT_SBX_FAILED 125
#define MAX_ITEMS 256

/* One command-line override, kept in command-line order: --set and the shortcuts apply last,
 * in the order given. */
enum override_kind { OV_SET, OV_ENV, OV_BIND, OV_RO_BIND, OV_TMPFS, OV_FORWARD };
struct override {
	enum override_kind kind;
	const char *value;
	char *owned;   /* a --set text built from a shortcut */
	char *origin;  /* the shortcut as given ("--cwd /srv") for messages; NULL for --set */
	char *carried; /* --learn: --env's --set text, or the option as typed (learn_carry()) */
};

/* The parsed command line: the only mutable global, written once before anything runs. */
static struct {
	const char *profiles[MAX_ITEMS];
	size_t n_profiles;
	struct override overrides[MAX_ITEMS];
	size_t n_overrides;
	bool check, plan, stats, stats_json;
	enum plan_format plan_format;
	bool plan_bpf;	   /* --plan=bpf: the seccomp program's bytes instead */
	const char *learn; /* --learn OUT.cfg */
	/* What OUT.cfg carries of the overrides (learn_carry()): --set texts and the options as
	 * typed; the mounts it can't, as typed. */
	const char *learn_sets[MAX_ITEMS], *learn_set_origins[MAX_ITEMS], *learn_dropped[MAX_ITEMS];
	size_t n_learn_sets, n_learn_dropped;
	int verbose;
	char **argv;		   /* the command */
	struct mem_span scrub[16]; /* sbx's own argv and environment strings, for pid 1 to wipe */
	size_t n_scrub;
} arg;

enum {
	OPT_CHECK = 0x100,
	OPT_PLAN,
	OPT_SET,
	OPT_BIND,
	OPT_RO_BIND,
	OPT_TMPFS,
	OPT_NET,
	OPT_FORWARD,
	OPT_HOSTNAME,
	OPT_ENV,
	OPT_CWD,
	OPT_TIME_LIMIT,
	OPT_SETUP_TIMEOUT,
	OPT_STATS,
	OPT_LEARN,
	OPT_LIST_SECCOMP,
	OPT_VERSION,
};

/* A usage error: one line, like every error of sbx's own (SPEC.md §1), then exit 125. The
 * message quotes what was typed, with control characters made harmless. */
static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	char msg[OPT_MSG_SIZE + 64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (char *c = msg; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	fprintf(stderr, "sbx: error: %s; see 'sbx --help' or sbx(1)\n", msg);
	return -EINVAL;
}

/* Quote @v as a libconfig string so a shortcut's value is never read as a number. */
static char *quoted_set(const char *key, const char *v)
{
	size_t n = strlen(key) + 2 * strlen(v) + 4;
	char *s = malloc(n), *o;

	if (!s)
		return NULL;
	o = s + sprintf(s, "%s=\"", key);
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			*o++ = '\\';
		*o++ = *v;
	}
	strcpy(o, "\"");
	return s;
}

static int add_override(enum override_kind kind, const char *value, char *owned, char *origin)
{
	if (arg.n_overrides == MAX_ITEMS) {
		free(owned);
		free(origin);
		return usage_error("too many command-line options (at most %d)", MAX_ITEMS);
	}
	arg.overrides[arg.n_overrides++] =
	    (struct override){kind, owned ? owned : value, owned, origin, NULL};
	return 0;
}

/* A shortcut is a --set of @key; @option names it in messages ("--cwd"). */
static int add_shortcut(const char *option, const char *key, const char *v, bool quote)
{
	char *s = NULL, *origin = NULL;

	if (quote) {
		s = quoted_set(key, v);
	} else if (asprintf(&s, "%s=%s", key, v) < 0) {
		s = NULL;
	}
	if (!s || asprintf(&origin, "%s %s", option, v) < 0) {
		free(s);
		return -ENOMEM;
	}
	return add_override(OV_SET, s, s, origin);
}

/* --env NAME=VALUE is checked when the profiles load, so --check lists its error too. */
static int add_env_shortcut(const char *name_value)
{
	char *origin = NULL;

	if (asprintf(&origin, "--env %s", name_value) < 0)
		return -ENOMEM;
	return add_override(OV_ENV, name_value, NULL, origin);
}

static int parse_plan_format(const char *v)
{
	if (!v || strcmp(v, "text") == 0)
		arg.plan_format = PLAN_TEXT;
	else if (strcmp(v, "json") == 0)
		arg.plan_format = PLAN_JSON;
	else if (strcmp(v, "bpf") == 0)
		arg.plan_bpf = true;
	else
		return usage_error("--plan=%s: expected text, json or bpf", v);
	arg.plan = true;
	return 0;
}

static int parse_option(int c, const char *v)
{
	switch (c) {
	case 'p':
		if (arg.n_profiles == MAX_ITEMS)
			return usage_error("too many profiles (at most %d)", MAX_ITEMS);
		arg.profiles[arg.n_profiles++] = v;
		return 0;
	case OPT_CHECK:
		arg.check = true;
		return 0;
	case OPT_PLAN:
		return parse_plan_format(v);
	case OPT_SET:
		return add_override(OV_SET, v, NULL, NULL);
	case OPT_BIND:
		return add_override(OV_BIND, v, NULL, NULL);
	case OPT_RO_BIND:
		return add_override(OV_RO_BIND, v, NULL, NULL);
	case OPT_TMPFS:
		return add_override(OV_TMPFS, v, NULL, NULL);
	case OPT_NET:
		return add_shortcut("--net", "network.mode", v, true);
	case OPT_FORWARD:
		return add_override(OV_FORWARD, v, NULL, NULL);
	case OPT_HOSTNAME:
		return add_shortcut("--hostname", "hostname", v, true);
	case OPT_ENV:
		return add_env_shortcut(v);
	case OPT_CWD:
		return add_shortcut("--cwd", "process.cwd", v, true);
	case OPT_TIME_LIMIT:
		return add_shortcut("--time-limit", "process.time_limit", v, false);
	case OPT_SETUP_TIMEOUT:
		return add_shortcut("--setup-timeout", "process.setup_timeout", v, false);
	case OPT_LEARN:
		arg.learn = v;
		return 0;
	case OPT_STATS:
		arg.stats = true;
		arg.stats_json = v && strcmp(v, "json") == 0;
		return 0;
	case 'v':
		arg.verbose = 1;
		return 0;
	case 'q':
		arg.verbose = -1;
		return 0;
	}
	return -EINVAL;
}

static const char *const plan_formats[] = {"text", "json", "bpf", NULL};
static const char *const stats_formats[] = {"text", "json", NULL};

/* The options, in the order --help and sbx(1) list them. */
static const struct opt_def opt_table[] = {
    {"profile", 'p', OPT_ARG_REQUIRED, 'p', NULL, " FILE|NAME",
     "profile to use; repeatable, later ones on top"},
    {"check", 0, OPT_ARG_NONE, OPT_CHECK, NULL, "",
     "check the profiles, print every error; run nothing"},
    {"plan", 0, OPT_ARG_OPTIONAL, OPT_PLAN, plan_formats, "[=text|json|bpf]",
     "print the setup plan (bpf: the seccomp program); run nothing"},
    {"set", 0, OPT_ARG_REQUIRED, OPT_SET, NULL, " KEY=VALUE",
     "override one setting, e.g. --set hostname=box"},
    {"bind", 0, OPT_ARG_REQUIRED, OPT_BIND, NULL, " SRC[:DST]", "add a read-write bind mount"},
    {"ro-bind", 0, OPT_ARG_REQUIRED, OPT_RO_BIND, NULL, " SRC[:DST]", "add a read-only bind mount"},
    {"tmpfs", 0, OPT_ARG_REQUIRED, OPT_TMPFS, NULL, " DST", "add a tmpfs mount"},
    {"net", 0, OPT_ARG_REQUIRED, OPT_NET, NULL, " MODE", "network.mode (none, host, bridge, user)"},
    {"forward", 0, OPT_ARG_REQUIRED, OPT_FORWARD, NULL, " HOST:SANDBOX",
     "forward a host port inside: [ADDR:]HOST:SANDBOX[/tcp|/udp]"},
    {"hostname", 0, OPT_ARG_REQUIRED, OPT_HOSTNAME, NULL, " NAME", "hostname inside"},
    {"env", 0, OPT_ARG_REQUIRED, OPT_ENV, NULL, " NAME=VALUE",
     "set an environment variable inside"},
    {"cwd", 0, OPT_ARG_REQUIRED, OPT_CWD, NULL, " DIR", "working directory inside"},
    {"setup-timeout", 0, OPT_ARG_REQUIRED, OPT_SETUP_TIMEOUT, NULL, " SECONDS",
     "give up when the setup takes longer (default 30)"},
    {"time-limit", 0, OPT_ARG_REQUIRED, OPT_TIME_LIMIT, NULL, " SECONDS",
     "kill the sandbox after SECONDS (exit 137)"},
    {"stats", 0, OPT_ARG_OPTIONAL, OPT_STATS, stats_formats, "[=text|json]",
     "print time, memory and limit hits when done"},
    {"learn", 0, OPT_ARG_REQUIRED, OPT_LEARN, NULL, " FILE",
     "let what seccomp would deny through; write a profile allowing it"},
    {"list-seccomp", 0, OPT_ARG_NONE, OPT_LIST_SECCOMP, NULL, "",
     "print the seccomp preset and groups, with reasons"},
    {"verbose", 'v', OPT_ARG_NONE, 'v', NULL, "", "log each setup step with its duration"},
    {"quiet", 'q', OPT_ARG_NONE, 'q', NULL, "", "print only errors"},
    {"version", 0, OPT_ARG_NONE, OPT_VERSION, NULL, "", "print the version"},
    {"help", 'h', OPT_ARG_NONE, 'h', NULL, "", "print this help"},
    {NULL, 0, OPT_ARG_NONE, 0, NULL, NULL, NULL},
};

/* --help, from the table the scanner reads, so the two never disagree. */
static void usage(FILE *f)
{
	fputs("Usage: sbx [OPTIONS] [--] COMMAND [ARG...]\n"
	      "Run COMMAND in a sandbox described by a profile.\n\n",
	      f);
	for (const struct opt_def *d = opt_table; d->name; d++) {
		char left[64];

		if (d->short_name)
			snprintf(left, sizeof(left), "  -%c, --%s%s", d->short_name, d->name,
				 d->arg_help);
		else
			snprintf(left, sizeof(left), "      --%s%s", d->name, d->arg_help);
		fprintf(f, "%-29s %s\n", left, d->help);
	}
	fputs("\nLong options are written in full; an optional argument follows '='.\n"
	      "Without --profile, the built-in default profile is used. See sbx(1), sbx.cfg(5).\n",
	      f);
}

/* Returns 1 to go on, 0 to exit successfully (--help, --version), < 0 on a usage error. */
static int parse_argv(int argc, char **argv)
{
	struct opt_scan scan = {argc, argv, 1, 0};
	struct opt_hit hit;
	char msg[OPT_MSG_SIZE];
	int r;

	/* The options end at the first word that is none, so the command's own stay its own. */
	while ((r = opt_next(&scan, opt_table, &hit, msg)) > 0) {
		if (hit.def->id == 'h') {
			usage(stdout);
			return 0;
		}
		if (hit.def->id == OPT_LIST_SECCOMP) {
			policy_list_seccomp(stdout);
			return 0;
		}
		if (hit.def->id == OPT_VERSION) {
			printf("sbx %s\n", SBX_VERSION);
			return 0;
		}
		r = parse_option(hit.def->id, hit.value);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return usage_error("%s", msg);
	arg.argv = argv + scan.index;
	if (!arg.check && !arg.argv[0])
		return usage_error("no command given (as in: sbx -- /bin/sh)");
	return 1;
}

static int push_dir(char **dirs, size_t *n, char *dir)
{
	if (!dir)
		return -ENOMEM;
	if (*n == MAX_ITEMS) {
		free(dir);
		return -E2BIG;
	}
	dirs[(*n)++] = dir;
	return 0;
}

/* The system part of the search path: sbx.conf's profile_path, or the built-in defaults. */
static void system_search_dirs(char **dirs, size_t *n)
{
	config_t cfg;
	config_setting_t *list;
	bool found = false;

	config_init(&cfg);
	if (config_read_file(&cfg, SBX_SYSCONFDIR "/sbx/sbx.conf") == CONFIG_TRUE &&
	    (list = config_lookup(&cfg, "profile_path")) && config_setting_is_array(list)) {
		for (int i = 0; i < config_setting_length(list); i++) {
			const char *d = config_setting_get_string_elem(list, i);

			if (d && push_dir(dirs, n, strdup(d)) == 0)
				found = true;
		}
	}
	config_destroy(&cfg);
	if (!found) {
		push_dir(dirs, n, strdup(SBX_SYSCONFDIR "/sbx/profiles"));
		push_dir(dirs, n, strdup(SBX_DATADIR "/sbx/profiles"));
	}
}

/* @dir/profiles when @dir is a source tree (it holds src/main.c and profiles/) that only the
 * binary's owner can write to: @dir and @dir/profiles are owned by that user and writable by
 * no group or other. */
static char *tree_profiles(const char *dir, const struct stat *bin)
{
	_cleanup_free_ char *marker = NULL;
	char *profiles = NULL;
	struct stat st;

	if (asprintf(&marker, "%s/src/main.c", dir) < 0)
		return NULL;
	if (stat(marker, &st) < 0 || !S_ISREG(st.st_mode))
		return NULL;
	if (stat(dir, &st) < 0 || st.st_uid != bin->st_uid || (st.st_mode & 022))
		return NULL;
	if (asprintf(&profiles, "%s/profiles", dir) < 0)
		return NULL;
	if (stat(profiles, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != bin->st_uid ||
	    (st.st_mode & 022)) {
		free(profiles);
		return NULL;
	}
	return profiles;
}

/* The profiles/ of the source tree this sbx was built in, when it runs from there: the
 * binary's directory (./sbx) or the one above a build directory (build/sbx), as tree_profiles()
 * accepts it. An installed sbx has no such tree beside it, and whoever could plant one there
 * could replace the binary as well. */
static char *source_profiles(void)
{
	char exe[PATH_MAX], *slash;
	struct stat bin;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0 || stat("/proc/self/exe", &bin) < 0)
		return NULL;
	exe[n] = '\0';
	for (int up = 0; up < 2; up++) {
		char *found;

		slash = strrchr(exe, '/');
		if (!slash || slash == exe)
			return NULL;
		*slash = '\0';
		found = tree_profiles(exe, &bin);
		if (found)
			return found;
		slash = strrchr(exe, '/');
		if (!slash || strncmp(slash + 1, "build", 5) != 0)
			return NULL;
	}
	return NULL;
}

/* SPEC.md §1: $SBX_PROFILE_PATH, then the user's dir, then the system dir and library; from a
 * source tree, its profiles/ last. */
static int set_search_path(struct profile *p, struct sbx_err *err)
{
	char *dirs[MAX_ITEMS];
	const char *env = getenv("SBX_PROFILE_PATH"), *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	_cleanup_free_ char *source = source_profiles();
	size_t n = 0;
	int r;

	if (env && *env) {
		_cleanup_free_ char *copy = strdup(env);
		char *save = NULL;

		for (char *d = copy ? strtok_r(copy, ":", &save) : NULL; d;
		     d = strtok_r(NULL, ":", &save))
			push_dir(dirs, &n, strdup(d));
	}
	if (xdg && *xdg) {
		char *d = NULL;
		push_dir(dirs, &n, asprintf(&d, "%s/sbx/profiles", xdg) < 0 ? NULL : d);
	} else if (home && *home) {
		char *d = NULL;
		push_dir(dirs, &n, asprintf(&d, "%s/.config/sbx/profiles", home) < 0 ? NULL : d);
	}
	system_search_dirs(dirs, &n);
	r = profile_set_search_path(p, (const char *const *)dirs, n, err);
	for (size_t i = 0; i < n; i++)
		free(dirs[i]);
	if (r == 0)
		r = profile_set_source_dir(p, source, err);
	return r;
}

/* A name env.set can hold: a letter, then letters, digits and '_' (libconfig's names start
 * with a letter; '-' is no part of an environment name, and '.' would make a dotted key). */
static bool env_set_name(const char *s, size_t len)
{
	if (len == 0 || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_",
			    s[i]))
			return false;
	return true;
}

/* --env NAME=VALUE as the --set of env.set.NAME, VALUE a string; errors name it as typed. */
static int apply_env(struct profile *p, const struct override *o, struct sbx_err *err)
{
	const char *eq = strchr(o->value, '=');
	struct sbx_loc loc = {o->origin, 0};
	size_t len = eq ? (size_t)(eq - o->value) : 0;
	_cleanup_free_ char *key = NULL, *set = NULL;

	if (!eq || eq == o->value)
		return sbx_err_set(err, &loc, -EINVAL, "expected NAME=VALUE");
	if (!env_set_name(o->value, len))
		return sbx_err_set(err, &loc, -EINVAL,
				   "\"%.*s\" is not a variable name --env can set (a letter, then "
				   "letters, digits and _)",
				   (int)(len > 64 ? 64 : len), o->value);
	if (asprintf(&key, "env.set.%.*s", (int)len, o->value) < 0 ||
	    !(set = quoted_set(key, eq + 1)))
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	return profile_set_as(p, set, o->origin, err);
}

static int apply_override(struct profile *p, const struct override *o, struct sbx_err *err)
{
	switch (o->kind) {
	case OV_SET:
		return profile_set_as(p, o->value, o->origin, err);
	case OV_ENV:
		return apply_env(p, o, err);
	case OV_BIND:
		return profile_add_cli_mount(p, MOUNT_BIND, true, o->value, err);
	case OV_RO_BIND:
		return profile_add_cli_mount(p, MOUNT_BIND, false, o->value, err);
	case OV_TMPFS:
		return profile_add_cli_mount(p, MOUNT_TMPFS, true, o->value, err);
	case OV_FORWARD:
		return profile_add_cli_forward(p, o->value, err);
	}
	return -EINVAL;
}

/* Load every profile and override, recording every error (--check lists them all). */
static int load_profile(struct profile **ret, struct sbx_err *err)
{
	_cleanup_(profile_freep) struct profile *p = profile_new();
	int r = 0, k;

	if (!p)
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	r = set_search_path(p, err);
	if (arg.n_profiles == 0) {
		k = profile_load(p, "default", err);
		if (k < 0 && r == 0)
			r = k;
	}
	for (size_t i = 0; i < arg.n_profiles; i++) {
		k = profile_load(p, arg.profiles[i], err);
		if (k < 0 && r == 0)
			r = k;
	}
	for (size_t i = 0; i < arg.n_overrides; i++) {
		k = apply_override(p, &arg.overrides[i], err);
		if (k < 0 && r == 0)
			r = k;
	}
	*ret = TAKE_PTR(p);
	return r;
}

/* --check: one format for every error, `WHERE: error: MESSAGE`, WHERE being FILE:LINE for a
 * profile setting, the option as typed ("--set hostname=5") for a command-line one, and sbx
 * when nothing located it. */
static void print_diag(const struct sbx_diag *d)
{
	if (d->file[0] && d->line)
		fprintf(stderr, "%s:%u: error: %s\n", d->file, d->line, d->msg);
	else
		fprintf(stderr, "%s: error: %s\n", d->file[0] ? d->file : "sbx", d->msg);
}

/* A failed run: one line, `sbx: error: FILE:LINE: MESSAGE`. */
static void print_run_error(const struct sbx_err *err)
{
	char line[512];

	if (err->n == 0) {
		fprintf(stderr, "sbx: error: %s\n", strerror(-err->code));
		return;
	}
	sbx_err_format(err, 0, line, sizeof(line));
	fprintf(stderr, "sbx: error: %s\n", line);
}

/* What the compiler found valid but without effect: `sbx: warning: FILE:LINE: MESSAGE`, the
 * same with --check, --plan and a run; -q leaves them out. Those from @from on: a run's steps
 * add their own (a line of bridge mode's address file that could not be read), said after. */
static void print_warnings(const struct sbx_err *err, unsigned from)
{
	unsigned shown = err->n_warn < SBX_WARN_MAX ? err->n_warn : SBX_WARN_MAX;
	char line[512];

	if (arg.verbose < 0)
		return;
	for (unsigned i = from; i < shown; i++) {
		sbx_diag_format(&err->warn[i], line, sizeof(line));
		fprintf(stderr, "sbx: warning: %s\n", line);
	}
	if (err->n_warn > shown && from <= shown)
		fprintf(stderr, "sbx: warning: ... and %u more\n", err->n_warn - shown);
}

static int report_check(const struct sbx_err *err)
{
	unsigned shown = err->n < SBX_ERR_MAX ? err->n : SBX_ERR_MAX;

	if (err->code == 0) {
		if (arg.verbose >= 0) /* -q: the exit status says it */
			puts("ok");
		return 0;
	}
	for (unsigned i = 0; i < shown; i++)
		print_diag(&err->diag[i]);
	if (err->n > shown)
		fprintf(stderr, "... and %u more errors\n", err->n - shown);
	if (err->n == 0)
		fprintf(stderr, "sbx: error: %s\n", strerror(-err->code));
	return 1;
}

/* A label for the plan header: the profiles in merge order. */
static char *profile_names(void)
{
	size_t len = 1;
	char *s;

	if (arg.n_profiles == 0)
		return strdup("default");
	for (size_t i = 0; i < arg.n_profiles; i++)
		len += strlen(arg.profiles[i]) + 3;
	s = calloc(1, len);
	for (size_t i = 0; s && i < arg.n_profiles; i++) {
		if (i)
			strcat(s, " + ");
		strcat(s, arg.profiles[i]);
	}
	return s;
}

/* --learn: OUT.cfg carries every --set, shortcut and --env, so running it is the policy that
 * was learned; a mount option it names in a note. */
static int learn_carry(void)
{
	static const char *const mount_opt[] = {
	    [OV_BIND] = "--bind", [OV_RO_BIND] = "--ro-bind", [OV_TMPFS] = "--tmpfs"};

	for (size_t i = 0; i < arg.n_overrides; i++) {
		struct override *o = &arg.overrides[i];
		const char *eq = strchr(o->value, '=');
		_cleanup_free_ char *key = NULL;
		size_t n = arg.n_learn_sets;

		if (o->kind == OV_SET) {
			if (!o->origin && asprintf(&o->carried, "--set %s", o->value) < 0)
				return -ENOMEM;
			arg.learn_sets[n] = o->value;
			arg.learn_set_origins[n] = o->origin ? o->origin : o->carried;
		} else if (o->kind == OV_ENV) {
			if (!eq) /* refused when the profiles load */
				continue;
			if (asprintf(&key, "env.set.%.*s", (int)(eq - o->value), o->value) < 0 ||
			    !(o->carried = quoted_set(key, eq + 1)))
				return -ENOMEM;
			arg.learn_sets[n] = o->carried;
			arg.learn_set_origins[n] = o->origin;
		} else {
			if (asprintf(&o->carried, "%s %s", mount_opt[o->kind], o->value) < 0)
				return -ENOMEM;
			arg.learn_dropped[arg.n_learn_dropped++] = o->carried;
			continue;
		}
		arg.n_learn_sets++;
	}
	return 0;
}

static void fill_caller(struct sbx_caller *c, char **argv)
{
	static const char *const default_profiles[] = {"default"};
	extern char **environ;

	c->uid = getuid();
	c->gid = getgid();
	c->user_name = NULL; /* looked up by userns.c only when a subuid map needs it */
	c->stdin_tty = isatty(STDIN_FILENO) == 1;
	c->stdout_tty = isatty(STDOUT_FILENO) == 1;
	c->stderr_tty = isatty(STDERR_FILENO) == 1;
	c->argv = argv;
	c->environ = environ;
	c->subuid_file = "/etc/subuid";
	c->subgid_file = "/etc/subgid";
	c->learn_out = arg.learn;
	c->learn_include = arg.n_profiles ? arg.profiles : default_profiles;
	c->n_learn_include = arg.n_profiles ? arg.n_profiles : 1;
	c->learn_sets = arg.learn_sets;
	c->learn_set_origins = arg.learn_set_origins;
	c->n_learn_sets = arg.n_learn_sets;
	c->learn_dropped = arg.learn_dropped;
	c->n_learn_dropped = arg.n_learn_dropped;
}

/* --plan=bpf: the seccomp program as the kernel gets it (struct sock_filter[]), for
 * scmp_bpf_disasm or an audit. */
static int write_bpf(const struct plan *plan)
{
	const struct step *s = plan_first(plan, STEP_SECCOMP);

	if (!s) {
		fputs("sbx: error: --plan=bpf: the profile asks for no seccomp filter "
		      "(security.seccomp in sbx.cfg(5))\n",
		      stderr);
		return EXIT_SBX_FAILED;
	}
	if (fwrite(s->seccomp.insns, sizeof(struct sock_filter), s->seccomp.n_insns, stdout) !=
		s->seccomp.n_insns ||
	    fflush(stdout) != 0) {
		perror("sbx: error: --plan=bpf: writing the program");
		return EXIT_SBX_FAILED;
	}
	return 0;
}

static int run(void)
{
	static char *check_argv[] = {"true", NULL};
	_cleanup_(profile_freep) struct profile *p = NULL;
	_cleanup_(plan_freep) struct plan *plan = NULL;
	_cleanup_free_ char *names = NULL;
	struct sbx_err err = {0};
	unsigned n_warn;
	struct sbx_caller caller = {0};
	struct exec_opts opts = {.verbose = arg.verbose,
				 .stats = arg.stats,
				 .stats_json = arg.stats_json,
				 .scrub = arg.scrub,
				 .n_scrub = arg.n_scrub};
	int r;

	if (arg.learn && learn_carry() < 0) {
		fprintf(stderr, "sbx: error: out of memory\n");
		return EXIT_SBX_FAILED;
	}
	fill_caller(&caller, arg.argv[0] ? arg.argv : check_argv);
	r = load_profile(&p, &err);
	if (p && (r == 0 || arg.check)) {
		int k = policy_compile(p, &caller, &plan, &err);
		if (k < 0 && r == 0)
			r = k;
	}
	print_warnings(&err, 0);
	if (arg.check)
		return report_check(&err);
	if (r < 0) {
		print_run_error(&err);
		return EXIT_SBX_FAILED;
	}
	names = profile_names();
	plan->profile_names = names;
	if (arg.plan && arg.plan_bpf)
		return write_bpf(plan);
	if (arg.plan)
		return plan_dump(plan, arg.plan_format, stdout) < 0 ? EXIT_SBX_FAILED : 0;
	fflush(stdout);
	n_warn = err.n_warn;
	r = exec_run(plan, &opts, &err);
	print_warnings(&err, n_warn);
	if (r < 0 || err.n > 0)
		print_run_error(&err);
	return r < 0 ? EXIT_SBX_FAILED : r;
}

/* Note where sbx's argument and environment strings lie (end to end on the initial stack, so
 * usually one span), before getopt reorders the pointers: pid 1 wipes them, since it goes on
 * running as sbx and /proc/1/cmdline shows them to anything inside. */
static void note_caller_strings(int argc, char **argv)
{
	extern char **environ;

	for (int pass = 0; pass < 2; pass++) {
		char **v = pass == 0 ? argv : environ;

		for (int i = 0; v && v[i] && (pass == 1 || i < argc); i++) {
			size_t len = strlen(v[i]) + 1;
			struct mem_span *last = arg.n_scrub ? &arg.scrub[arg.n_scrub - 1] : NULL;

			if (last && last->start + last->len == v[i])
				last->len += len;
			else if (arg.n_scrub < ARRAY_SIZE(arg.scrub))
				arg.scrub[arg.n_scrub++] = (struct mem_span){v[i], len};
		}
	}
}

int main(int argc, char **argv)
{
	int r;

	note_caller_strings(argc, argv);
	r = parse_argv(argc, argv);

	if (r <= 0)
		return r == 0 ? 0 : EXIT_SBX_FAILED;
	r = run();
	for (size_t i = 0; i < arg.n_overrides; i++) {
		free(arg.overrides[i].owned);
		free(arg.overrides[i].origin);
		free(arg.overrides[i].carried);
	}
	return r;
}
