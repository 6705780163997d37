/* security.c — `security.seccomp` and `security.landlock`. Each value is checked for its syntax
 * and range only: syscall and group names are resolved by the compiler (libseccomp, for the
 * running architecture), and whether a Landlock path exists is the compiler's too. */
#include "profile/profile.h"
#include "profile/schema.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/cleanup.h"

/* The kernel's MAX_ERRNO is 4095, but libseccomp takes an errno action only below it. */
#define ERRNO_MAX 4094
#define SYSCALL_NAME_MAX 64 /* longer than any syscall or group name */
#define PORT_MAX 65535u
#define COND_MAX 6 /* a0 to a5 */

static const char *const action_names[_SECCOMP_ACT_MAX] = {
    [SECCOMP_ACT_ALLOW] = "allow", [SECCOMP_ACT_ERRNO] = "errno",
    [SECCOMP_ACT_KILL] = "kill",   [SECCOMP_ACT_KILL_PROCESS] = "kill_process",
    [SECCOMP_ACT_TRAP] = "trap",   [SECCOMP_ACT_LOG] = "log",
};

const char *profile_seccomp_action_name(enum seccomp_action a)
{
	return a > SECCOMP_ACT_UNSET && a < _SECCOMP_ACT_MAX ? action_names[a] : NULL;
}

/* Names glibc gives a number that strerrorname_np() doesn't return. */
static const struct {
	const char *name;
	int value;
} errno_aliases[] = {
    {"EWOULDBLOCK", EWOULDBLOCK},
    {"EDEADLOCK", EDEADLOCK},
    {"ENOTSUP", ENOTSUP},
};

/* An errno name, any case, to its number; -EINVAL when glibc knows no such name. */
static int errno_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(errno_aliases); i++)
		if (strcasecmp(name, errno_aliases[i].name) == 0)
			return errno_aliases[i].value;
	for (int e = 1; e <= ERRNO_MAX; e++) {
		const char *n = strerrorname_np(e);

		if (n && strcasecmp(name, n) == 0)
			return e;
	}
	return -EINVAL;
}

/* --- seccomp --- */

static int apply_preset(struct apply_ctx *ctx, config_setting_t *s)
{
	const char *v = NULL;

	if (profile_get_string(ctx, s, &v) < 0)
		return -EINVAL;
	if (strcmp(v, "none") != 0 && strcmp(v, "default") != 0)
		return profile_err(ctx, s, -EINVAL, "%s: \"%.64s\" is not one of none, default",
				   PATH(s), v);
	ctx->p->security.seccomp.preset_default = strcmp(v, "default") == 0;
	ctx->p->security.seccomp.preset_loc = profile_loc(ctx, s);
	ctx->p->security.seccomp.loc = ctx->p->security.seccomp.preset_loc;
	return 0;
}

/* An action by name; "allow" only where @allow_ok (a deny action must deny). */
static int get_action(struct apply_ctx *ctx, config_setting_t *s, bool allow_ok,
		      enum seccomp_action *ret)
{
	const char *v = NULL;

	if (profile_get_string(ctx, s, &v) < 0)
		return -EINVAL;
	for (int a = allow_ok ? SECCOMP_ACT_ALLOW : SECCOMP_ACT_ERRNO; a < _SECCOMP_ACT_MAX; a++)
		if (strcmp(v, action_names[a]) == 0) {
			*ret = (enum seccomp_action)a;
			return 0;
		}
	return profile_err(ctx, s, -EINVAL,
			   "%s: \"%.64s\" is not one of %serrno, kill, kill_process, trap, log",
			   PATH(s), v, allow_ok ? "allow, " : "");
}

static int apply_default_action(struct apply_ctx *ctx, config_setting_t *s)
{
	if (get_action(ctx, s, true, &ctx->p->security.seccomp.default_action) < 0)
		return -EINVAL;
	ctx->p->security.seccomp.default_action_loc = profile_loc(ctx, s);
	ctx->p->security.seccomp.loc = ctx->p->security.seccomp.default_action_loc;
	return 0;
}

static int apply_deny_action(struct apply_ctx *ctx, config_setting_t *s)
{
	if (get_action(ctx, s, false, &ctx->p->security.seccomp.deny_action) < 0)
		return -EINVAL;
	ctx->p->security.seccomp.deny_action_loc = profile_loc(ctx, s);
	ctx->p->security.seccomp.loc = ctx->p->security.seccomp.deny_action_loc;
	return 0;
}

/* An errno name ("EACCES", any case) or its number, 1 to ERRNO_MAX. */
static int get_errno(struct apply_ctx *ctx, config_setting_t *s, int *ret)
{
	long long v;
	int e;

	if (profile_is_int(s)) {
		v = config_setting_get_int64(s);
		if (v < 1 || v > ERRNO_MAX)
			return profile_err(ctx, s, -ERANGE, "%s: %lld is out of range (1 to %d)",
					   PATH(s), v, ERRNO_MAX);
		*ret = (int)v;
		return 0;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return profile_err(ctx, s, -EINVAL,
				   "%s: must be an errno name such as \"EPERM\" or a number",
				   PATH(s));
	e = errno_from_name(config_setting_get_string(s));
	if (e < 0)
		return profile_err(ctx, s, -EINVAL,
				   "%s: \"%.64s\" is not an errno name such as \"EPERM\"", PATH(s),
				   config_setting_get_string(s));
	*ret = e;
	return 0;
}

static int apply_errno(struct apply_ctx *ctx, config_setting_t *s)
{
	if (get_errno(ctx, s, &ctx->p->security.seccomp.errno_value) < 0)
		return -EINVAL;
	ctx->p->security.seccomp.errno_loc = profile_loc(ctx, s);
	ctx->p->security.seccomp.loc = ctx->p->security.seccomp.errno_loc;
	return 0;
}

/* Why @v is no syscall name ([a-z0-9_]+), or with @group_ok no "@group" ([a-z0-9-]+); NULL if
 * it is one. Whether it exists is the compiler's question. */
static const char *name_problem(const char *v, bool group_ok)
{
	bool group = v[0] == '@';
	const char *body = v + group;

	if (group && !group_ok)
		return "is a group: a rule names one syscall";
	if (strlen(v) > SYSCALL_NAME_MAX)
		return "is too long";
	if (!*body || body[strspn(body, group ? "abcdefghijklmnopqrstuvwxyz0123456789-"
					      : "abcdefghijklmnopqrstuvwxyz0123456789_")])
		return group ? "is not a group name (@ and a-z, 0-9, '-')"
			     : "is not a syscall name (a-z, 0-9, '_') or a group (@name)";
	return NULL;
}

static void names_free(struct seccomp_name *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

/* allow, deny: an array of names, each at its own line; a later file replaces the array. */
static int apply_names(struct apply_ctx *ctx, config_setting_t *s, struct seccomp_name **dst,
		       size_t *n_dst)
{
	unsigned n_err = ctx->n_err;
	struct seccomp_name *v;
	int len;

	if (profile_check_strv(ctx, s) < 0)
		return -EINVAL;
	len = config_setting_length(s);
	for (int i = 0; i < len; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *name = config_setting_get_string(e), *why = name_problem(name, true);

		if (why) {
			profile_err(ctx, e, -EINVAL, "%s: \"%.64s\" %s", PATH(e), name, why);
			continue;
		}
		for (int j = 0; j < i; j++)
			if (strcmp(name, config_setting_get_string(
					     config_setting_get_elem(s, (unsigned)j))) == 0) {
				profile_err(ctx, e, -EINVAL, "%s: \"%s\" is listed twice", PATH(e),
					    name);
				break;
			}
	}
	if (ctx->n_err != n_err)
		return -EINVAL;
	v = calloc((size_t)len + 1, sizeof(*v));
	if (!v)
		return profile_oom(ctx);
	for (int i = 0; i < len; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

		v[i].loc = profile_loc(ctx, e);
		v[i].name = strdup(config_setting_get_string(e));
		if (!v[i].name) {
			names_free(v, (size_t)i);
			return profile_oom(ctx);
		}
	}
	names_free(*dst, *n_dst);
	*dst = v;
	*n_dst = (size_t)len;
	return 0;
}

static int apply_allow(struct apply_ctx *ctx, config_setting_t *s)
{
	return apply_names(ctx, s, &ctx->p->security.seccomp.allow,
			   &ctx->p->security.seccomp.n_allow);
}

static int apply_deny(struct apply_ctx *ctx, config_setting_t *s)
{
	return apply_names(ctx, s, &ctx->p->security.seccomp.deny,
			   &ctx->p->security.seccomp.n_deny);
}

/* --- rules: argument conditions --- */

static const char *skip_blank(const char *c)
{
	return c + strspn(c, " \t");
}

/* A decimal or 0x hex number, or a negative decimal as its two's complement; *@s moves past
 * it. -EINVAL when there is none, -ERANGE when it needs more than 64 bits. */
static int cond_number(const char **s, uint64_t *ret)
{
	const char *c = *s;
	bool neg = *c == '-';
	uint64_t v = 0;

	c += neg;
	if (c[0] == '0' && (c[1] == 'x' || c[1] == 'X')) {
		if (neg || !isxdigit((unsigned char)c[2]))
			return -EINVAL;
		for (c += 2; isxdigit((unsigned char)*c); c++) {
			if (v >> 60)
				return -ERANGE;
			v = v << 4 |
			    (uint64_t)(isdigit((unsigned char)*c) ? *c - '0'
								  : (*c | 0x20) - 'a' + 10);
		}
	} else {
		int r = profile_parse_digits(&c, &v);

		if (r < 0)
			return r;
		if (neg && v > (uint64_t)INT64_MAX + 1)
			return -ERANGE;
	}
	/* "12abc" is no number followed by text: say the whole token is bad. */
	if (isalnum((unsigned char)*c) || *c == '_')
		return -EINVAL;
	*s = c;
	*ret = neg ? -v : v;
	return 0;
}

static const struct {
	const char *text;
	enum seccomp_op op;
} cond_ops[] = {
    /* Two-character operators first. */
    {"==", SCMP_OP_EQ}, {"!=", SCMP_OP_NE}, {"<=", SCMP_OP_LE},
    {">=", SCMP_OP_GE}, {"<", SCMP_OP_LT},  {">", SCMP_OP_GT},
};

const char *profile_seccomp_op_text(enum seccomp_op op)
{
	if (op == SCMP_OP_MASKED_EQ)
		return "==";
	for (size_t i = 0; i < ARRAY_SIZE(cond_ops); i++)
		if (cond_ops[i].op == op)
			return cond_ops[i].text;
	return NULL;
}

/* Write why a condition is bad into @why; false, for `return why_set(...)`. */
static bool why_set(char *why, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool why_set(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
	return false;
}

/* A number of the condition, @what naming it ("value", "mask") in @why. */
static bool cond_operand(const char **c, const char *what, uint64_t *ret, char *why, size_t size)
{
	int len = (int)strcspn(*c, " \t");
	int r = cond_number(c, ret);

	if (r == -ERANGE)
		return why_set(why, size, "%s \"%.*s\" does not fit in 64 bits", what, len, *c);
	if (r < 0 && len == 0)
		return why_set(why, size, "missing the %s", what);
	if (r < 0)
		return why_set(why, size, "bad %s \"%.*s\" (a decimal or 0x hex number)", what, len,
			       *c);
	return true;
}

/* The operator at @c, or NULL; "<=" is not "<" then "=", and "<>" or "===" is none. */
static const char *cond_op(const char *c, enum seccomp_op *ret)
{
	for (size_t i = 0; i < ARRAY_SIZE(cond_ops); i++) {
		size_t len = strlen(cond_ops[i].text);

		if (strncmp(c, cond_ops[i].text, len) == 0) {
			if (c[len] && strchr("=<>!&", c[len]))
				return NULL;
			*ret = cond_ops[i].op;
			return c + len;
		}
	}
	return NULL;
}

/* "aN OP VALUE" or "aN & MASK == VALUE", blanks optional. On failure @why says what is wrong. */
static bool cond_parse(const char *text, struct seccomp_cond *ret, char *why, size_t size)
{
	const char *c = skip_blank(text), *next;
	struct seccomp_cond cond = {0};
	size_t len;

	if (c[0] != 'a' || !isdigit((unsigned char)c[1]))
		return why_set(why, size, "must start with an argument, a0 to a5");
	len = strspn(c + 1, "0123456789");
	if (len > 1 || c[1] > '5')
		return why_set(why, size, "a%.*s: argument index out of range 0-5", (int)len,
			       c + 1);
	cond.arg = (unsigned)(c[1] - '0');
	c = skip_blank(c + 2);
	if (*c == '&') {
		c = skip_blank(c + 1);
		if (!cond_operand(&c, "mask", &cond.mask, why, size))
			return false;
		c = skip_blank(c);
		if (strncmp(c, "==", 2) != 0 || c[2] == '=')
			return why_set(why, size,
				       "a mask is compared with == (aN & MASK == VALUE)");
		c += 2;
		cond.op = SCMP_OP_MASKED_EQ;
	} else if (!*c) {
		return why_set(why, size, "missing an operator and a value");
	} else {
		next = cond_op(c, &cond.op);
		if (!next)
			return why_set(why, size,
				       "bad operator (one of == != < <= > >=, or & MASK ==)");
		c = next;
	}
	c = skip_blank(c);
	if (!cond_operand(&c, "value", &cond.value, why, size))
		return false;
	c = skip_blank(c);
	if (*c)
		return why_set(why, size, "unexpected \"%.32s\" after the value", c);
	if (cond.op == SCMP_OP_MASKED_EQ && (cond.value & ~cond.mask))
		return why_set(why, size, "the value has bits outside the mask: never true");
	*ret = cond;
	return true;
}

/* args: at most one condition per argument (libseccomp takes no more in one rule). */
static void rule_args(struct apply_ctx *ctx, config_setting_t *s, struct seccomp_rule *rule)
{
	unsigned seen = 0;
	int len;

	if (profile_check_strv(ctx, s) < 0)
		return;
	len = config_setting_length(s);
	if (len > COND_MAX) {
		profile_err(ctx, s, -EINVAL, "%s: at most %d conditions, one per argument a0 to a5",
			    PATH(s), COND_MAX);
		return;
	}
	for (int i = 0; i < len; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *text = config_setting_get_string(e);
		struct seccomp_cond cond;
		char why[128];

		if (!cond_parse(text, &cond, why, sizeof(why))) {
			profile_err(ctx, e, -EINVAL, "%s: \"%.64s\": %s", PATH(e), text, why);
			continue;
		}
		if (seen & (1u << cond.arg)) {
			profile_err(ctx, e, -EINVAL, "%s: \"%.64s\": a%u appears twice", PATH(e),
				    text, cond.arg);
			continue;
		}
		seen |= 1u << cond.arg;
		rule->conds[rule->n_conds++] = cond;
	}
}

static void rule_key(struct apply_ctx *ctx, config_setting_t *s, struct seccomp_rule *rule)
{
	const char *key = config_setting_name(s), *v = NULL, *why;

	if (strcmp(key, "syscall") == 0) {
		if (profile_get_string(ctx, s, &v) < 0)
			return;
		why = name_problem(v, false);
		if (why)
			profile_err(ctx, s, -EINVAL, "%s: \"%.64s\" %s", PATH(s), v, why);
		else
			(void)profile_set_string(ctx, &rule->syscall, v);
	} else if (strcmp(key, "action") == 0) {
		(void)get_action(ctx, s, true, &rule->action);
	} else if (strcmp(key, "errno") == 0) {
		(void)get_errno(ctx, s, &rule->errno_value);
		rule->errno_loc = profile_loc(ctx, s);
	} else if (strcmp(key, "args") == 0) {
		rule_args(ctx, s, rule);
	} else {
		profile_err(ctx, s, -EINVAL, "%s: unknown setting", PATH(s));
	}
}

static int rules_append(struct profile *p, struct seccomp_rule *rule)
{
	struct seccomp_rule *grown;

	grown = reallocarray(p->security.seccomp.rules, p->security.seccomp.n_rules + 1,
			     sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	p->security.seccomp.rules = grown;
	grown[p->security.seccomp.n_rules++] = *rule;
	*rule = (struct seccomp_rule){0};
	return 0;
}

static void rule_parse(struct apply_ctx *ctx, config_setting_t *g)
{
	struct seccomp_rule rule = {.loc = profile_loc(ctx, g)};
	config_setting_t *action, *err_s;
	unsigned n_err = ctx->n_err;

	if (!config_setting_is_group(g)) {
		profile_err(ctx, g, -EINVAL,
			    "%s: must be a group { syscall = \"...\"; args = [ ... ]; }", PATH(g));
		return;
	}
	for (int i = 0; i < config_setting_length(g); i++)
		rule_key(ctx, config_setting_get_elem(g, (unsigned)i), &rule);
	if (!config_setting_get_member(g, "syscall"))
		profile_err(ctx, g, -EINVAL, "%s: missing \"syscall\"", PATH(g));
	action = config_setting_get_member(g, "action");
	err_s = config_setting_get_member(g, "errno");
	/* Without an action, the rule's is deny_action, which another file may set: the compiler
	 * checks that one on the merged profile. */
	if (err_s && action && rule.action != SECCOMP_ACT_UNSET && rule.action != SECCOMP_ACT_ERRNO)
		profile_err(ctx, err_s, -EINVAL,
			    "%s: only with action \"errno\" (this rule's is %s)", PATH(err_s),
			    action_names[rule.action]);
	/* Appended: lists add up across profiles, like the mounts. */
	if (ctx->n_err == n_err && rules_append(ctx->p, &rule) < 0)
		profile_oom(ctx);
	free(rule.syscall);
}

static int apply_rules(struct apply_ctx *ctx, config_setting_t *s)
{
	int len = config_setting_length(s);

	if (!config_setting_is_list(s) && !(config_setting_is_array(s) && len == 0))
		return profile_err(ctx, s, -EINVAL, "%s: must be a list ( { ... }, ... )", PATH(s));
	for (int i = 0; i < len; i++)
		rule_parse(ctx, config_setting_get_elem(s, (unsigned)i));
	return 0;
}

int profile_apply_seccomp(struct apply_ctx *ctx, config_setting_t *s)
{
	static const struct profile_key keys[] = {
	    {"preset", apply_preset},
	    {"default_action", apply_default_action},
	    {"deny_action", apply_deny_action},
	    {"errno", apply_errno},
	    {"allow", apply_allow},
	    {"deny", apply_deny},
	    {"rules", apply_rules},
	};

	return profile_apply_group(ctx, s, keys, ARRAY_SIZE(keys));
}

/* --- landlock --- */

/* read, write, execute: absolute paths, normalised; a later file replaces the array. */
static int apply_paths(struct apply_ctx *ctx, config_setting_t *s, char ***dst, size_t *n_dst,
		       struct sbx_loc *dst_loc)
{
	unsigned n_err = ctx->n_err;
	char **v;
	int len;

	if (profile_check_strv(ctx, s) < 0)
		return -EINVAL;
	len = config_setting_length(s);
	v = calloc((size_t)len + 1, sizeof(*v));
	if (!v)
		return profile_oom(ctx);
	for (int i = 0; i < len; i++)
		(void)profile_get_path(ctx, config_setting_get_elem(s, (unsigned)i), &v[i]);
	if (ctx->n_err != n_err) {
		profile_strv_free(v, (size_t)len);
		return -EINVAL;
	}
	profile_strv_free(*dst, *n_dst);
	*dst = v;
	*n_dst = (size_t)len;
	*dst_loc = profile_loc(ctx, s);
	return 0;
}

static int apply_read(struct apply_ctx *ctx, config_setting_t *s)
{
	return apply_paths(ctx, s, &ctx->p->security.landlock.read,
			   &ctx->p->security.landlock.n_read, &ctx->p->security.landlock.read_loc);
}

static int apply_write(struct apply_ctx *ctx, config_setting_t *s)
{
	return apply_paths(ctx, s, &ctx->p->security.landlock.write,
			   &ctx->p->security.landlock.n_write,
			   &ctx->p->security.landlock.write_loc);
}

static int apply_execute(struct apply_ctx *ctx, config_setting_t *s)
{
	return apply_paths(ctx, s, &ctx->p->security.landlock.execute,
			   &ctx->p->security.landlock.n_execute,
			   &ctx->p->security.landlock.execute_loc);
}

/* bind_tcp, connect_tcp: ports 1 to 65535, each once; a later file replaces the array. */
static int apply_ports(struct apply_ctx *ctx, config_setting_t *s, uint16_t **dst, size_t *n_dst,
		       struct sbx_loc *dst_loc)
{
	unsigned n_err = ctx->n_err;
	_cleanup_free_ uint16_t *v = NULL;
	int len = config_setting_length(s);

	if (!config_setting_is_array(s) && !config_setting_is_list(s))
		return profile_err(ctx, s, -EINVAL, "%s: must be an array of ports [ 80, 443 ]",
				   PATH(s));
	v = calloc((size_t)len + 1, sizeof(*v));
	if (!v)
		return profile_oom(ctx);
	for (int i = 0; i < len; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		long long port;

		if (!profile_is_int(e)) {
			profile_err(ctx, e, -EINVAL, "%s: must be a port number (1 to %u)", PATH(e),
				    PORT_MAX);
			continue;
		}
		port = config_setting_get_int64(e);
		if (port < 1 || port > PORT_MAX) {
			profile_err(ctx, e, -ERANGE, "%s: %lld is out of range (1 to %u)", PATH(e),
				    port, PORT_MAX);
			continue;
		}
		v[i] = (uint16_t)port;
		for (int j = 0; j < i; j++)
			if (v[j] == v[i]) {
				profile_err(ctx, e, -EINVAL, "%s: port %lld is listed twice",
					    PATH(e), port);
				break;
			}
	}
	if (ctx->n_err != n_err)
		return -EINVAL;
	free(*dst);
	*dst = len ? TAKE_PTR(v) : NULL;
	*n_dst = (size_t)len;
	*dst_loc = profile_loc(ctx, s);
	return 0;
}

static int apply_bind_tcp(struct apply_ctx *ctx, config_setting_t *s)
{
	return apply_ports(ctx, s, &ctx->p->security.landlock.bind_tcp,
			   &ctx->p->security.landlock.n_bind_tcp,
			   &ctx->p->security.landlock.bind_tcp_loc);
}

static int apply_connect_tcp(struct apply_ctx *ctx, config_setting_t *s)
{
	return apply_ports(ctx, s, &ctx->p->security.landlock.connect_tcp,
			   &ctx->p->security.landlock.n_connect_tcp,
			   &ctx->p->security.landlock.connect_tcp_loc);
}

static int apply_required(struct apply_ctx *ctx, config_setting_t *s)
{
	if (profile_get_bool(ctx, s, &ctx->p->security.landlock.required) < 0)
		return -EINVAL;
	ctx->p->security.landlock.required_loc = profile_loc(ctx, s);
	return 0;
}

int profile_apply_landlock(struct apply_ctx *ctx, config_setting_t *s)
{
	static const struct profile_key keys[] = {
	    {"read", apply_read},
	    {"write", apply_write},
	    {"execute", apply_execute},
	    {"bind_tcp", apply_bind_tcp},
	    {"connect_tcp", apply_connect_tcp},
	    {"required", apply_required},
	};
	int r = profile_apply_group(ctx, s, keys, ARRAY_SIZE(keys));

	/* Any key asks for a ruleset, `required = false` alone included. */
	if (config_setting_is_group(s) && config_setting_length(s) > 0) {
		ctx->p->security.landlock.set = true;
		ctx->p->security.landlock.loc = profile_loc(ctx, s);
	}
	return r;
}

void profile_security_free(struct profile *p)
{
	names_free(p->security.seccomp.allow, p->security.seccomp.n_allow);
	names_free(p->security.seccomp.deny, p->security.seccomp.n_deny);
	for (size_t i = 0; i < p->security.seccomp.n_rules; i++)
		free(p->security.seccomp.rules[i].syscall);
	free(p->security.seccomp.rules);
	profile_strv_free(p->security.landlock.read, p->security.landlock.n_read);
	profile_strv_free(p->security.landlock.write, p->security.landlock.n_write);
	profile_strv_free(p->security.landlock.execute, p->security.landlock.n_execute);
	free(p->security.landlock.bind_tcp);
	free(p->security.landlock.connect_tcp);
}
