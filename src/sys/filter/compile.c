/* compile.c — security.seccomp -> a libseccomp filter -> a BPF program, before clone().
 *
 * For one syscall, highest first: a `rules` entry (for the arguments it matches), `allow`,
 * `deny`, the preset, default_action. Within allow or deny, a name beats a group; a syscall in
 * both lists at the same level (two names, or two groups) is an error at the deny entry.
 * Above them all when default_action denies: the base (filter_base), which no rule or list
 * may deny outright. */
#include "sys/filter/filter.h"

#include <errno.h>
#include <linux/filter.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/filter/tables.h"
#include "util/cleanup.h"

#define MAX_NR 1024  /* syscall numbers of the native arch are below this (x86_64: ~470) */
#define MAX_DEPTH 4  /* groups naming groups */
#define BPF_MAX 4096 /* BPF_MAXINSNS: the most the kernel loads */

enum level { LVL_NONE, LVL_GROUP, LVL_NAME };

/* Where allow or deny names one syscall: the entry (a name, or the group it came through). */
struct listed {
	enum level level;
	const struct seccomp_name *entry;
};

struct build {
	const struct profile *p;
	const struct filter_opts *o;
	scmp_filter_ctx ctx;
	struct listed *allow, *deny;		   /* [MAX_NR] */
	const struct filter_preset_entry **preset; /* [MAX_NR]: NULL = not in the preset */
	bool *base;				   /* [MAX_NR]: in the base, which applies */
	uint32_t def, deny_act;
	struct sbx_err *err;
};

static inline void scmp_releasep(scmp_filter_ctx *c)
{
	if (*c)
		seccomp_release(*c);
}
#define _cleanup_scmp_ _cleanup_(scmp_releasep)

/* A syscall of the running architecture, or -1 (unknown, or another architecture's). */
static int resolve(const char *name)
{
	int nr = seccomp_syscall_resolve_name(name);

	return nr >= 0 && nr < MAX_NR ? nr : -1;
}

const struct filter_group *filter_find_group(const char *name)
{
	for (size_t i = 0; i < filter_n_groups; i++)
		if (strcmp(filter_groups[i].name, name) == 0)
			return &filter_groups[i];
	return NULL;
}

/* The base entry for syscall @name, or NULL. */
static const struct filter_base_entry *base_entry(const char *name)
{
	for (size_t i = 0; i < filter_n_base; i++)
		if (strcmp(filter_base[i].name, name) == 0)
			return &filter_base[i];
	return NULL;
}

bool filter_base_on(const struct profile *p)
{
	enum seccomp_action a = p->security.seccomp.default_action;

	return a != SECCOMP_ACT_UNSET && a != SECCOMP_ACT_ALLOW && a != SECCOMP_ACT_LOG;
}

/* Does @a (the profile's, before learn mode) keep the call from running? */
static bool denies(enum seccomp_action a)
{
	return a != SECCOMP_ACT_ALLOW && a != SECCOMP_ACT_LOG;
}

/* Call @fn for each member of @g the running architecture has. */
static void each_member(const struct filter_group *g, int depth,
			void (*fn)(struct build *b, int nr, void *data), struct build *b,
			void *data)
{
	for (size_t i = 0; i < g->n_members; i++) {
		const char *m = g->members[i];
		const struct filter_group *sub = m[0] == '@' ? filter_find_group(m) : NULL;
		int nr;

		if (sub && depth < MAX_DEPTH)
			each_member(sub, depth + 1, fn, b, data);
		else if (!sub && (nr = resolve(m)) >= 0)
			fn(b, nr, data);
	}
}

static uint32_t scmp_action(enum seccomp_action a, int errno_value)
{
	switch (a) {
	case SECCOMP_ACT_ALLOW:
		return SCMP_ACT_ALLOW;
	case SECCOMP_ACT_KILL:
		return SCMP_ACT_KILL;
	case SECCOMP_ACT_KILL_PROCESS:
		return SCMP_ACT_KILL_PROCESS;
	case SECCOMP_ACT_TRAP:
		return SCMP_ACT_TRAP;
	case SECCOMP_ACT_LOG:
		return SCMP_ACT_LOG;
	default:
		return SCMP_ACT_ERRNO(errno_value > 0 ? errno_value : EPERM);
	}
}

/* Learn mode: what a would-be denial becomes (@a itself otherwise). */
static uint32_t learn_override(const struct build *b, uint32_t a)
{
	if (b->o && b->o->override && a != SCMP_ACT_ALLOW && a != SCMP_ACT_LOG)
		return b->o->deny_action;
	return a;
}

static uint32_t rule_action(const struct build *b, const struct seccomp_rule *r)
{
	const struct profile *p = b->p;
	int e = r->errno_value ? r->errno_value : p->security.seccomp.errno_value;

	return learn_override(
	    b, scmp_action(r->action ? r->action : p->security.seccomp.deny_action, e));
}

/* ---- allow and deny --------------------------------------------------------------------- */

struct mark_ctx {
	struct listed *table;
	struct listed what;
};

static void mark_one(struct build *b, int nr, void *data)
{
	struct mark_ctx *m = data;
	struct listed *l = &m->table[nr];

	(void)b;
	if (m->what.level > l->level)
		*l = m->what;
}

static int mark_list(struct build *b, const struct seccomp_name *v, size_t n, struct listed *table,
		     const char *key)
{
	int r = 0;

	for (size_t i = 0; i < n; i++) {
		struct mark_ctx m = {table, {LVL_NAME, &v[i]}};
		int nr;

		if (v[i].name[0] == '@') {
			const struct filter_group *g = filter_find_group(v[i].name);

			if (!g) {
				int k = sbx_err_set(b->err, &v[i].loc, -EINVAL,
						    "security.seccomp.%s[%zu]: \"%s\" is no group "
						    "(sbx --list-seccomp lists them)",
						    key, i, v[i].name);
				r = r ? r : k;
				continue;
			}
			m.what.level = LVL_GROUP;
			each_member(g, 0, mark_one, b, &m);
		} else if (table == b->deny && base_entry(v[i].name)) {
			int k =
			    sbx_err_set(b->err, &v[i].loc, -EINVAL,
					"security.seccomp.deny[%zu]: \"%s\" can't be denied: %s", i,
					v[i].name, base_entry(v[i].name)->why);
			r = r ? r : k;
		} else if ((nr = resolve(v[i].name)) < 0) {
			int k =
			    sbx_err_set(b->err, &v[i].loc, -EINVAL,
					"security.seccomp.%s[%zu]: \"%s\" is no syscall of this "
					"architecture",
					key, i, v[i].name);
			r = r ? r : k;
		} else {
			mark_one(b, nr, &m);
		}
	}
	return r;
}

static void describe_listed(const struct listed *l, const char *sys, char *buf, size_t size)
{
	if (l->level == LVL_GROUP)
		snprintf(buf, size, "'%s' (in %s)", sys, l->entry->name);
	else
		snprintf(buf, size, "'%s'", sys);
}

/* A syscall in both lists at the same level: once per deny entry, at its line. */
static int check_conflicts(struct build *b)
{
	const struct seccomp_name *deny0 = b->p->security.seccomp.deny;
	_cleanup_free_ bool *told = calloc(b->p->security.seccomp.n_deny + 1, sizeof(bool));
	int r = 0;

	if (!told)
		return sbx_err_set(b->err, NULL, -ENOMEM, "out of memory");
	for (int nr = 0; nr < MAX_NR; nr++) {
		const struct listed *a = &b->allow[nr], *d = &b->deny[nr];
		_cleanup_free_ char *sys = NULL;
		char what[160];
		int k;

		if (!a->level || a->level != d->level || told[d->entry - deny0])
			continue;
		told[d->entry - deny0] = true;
		sys = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
		describe_listed(d, sys ? sys : "?", what, sizeof(what));
		k = sbx_err_set(b->err, &d->entry->loc, -EINVAL,
				"security.seccomp.deny: conflicting actions: %s is also allowed at "
				"%s:%u (%s); name it in one list only",
				what, a->entry->loc.file ? a->entry->loc.file : "?",
				a->entry->loc.line, a->entry->name);
		r = r ? r : k;
	}
	return r;
}

/* ---- the preset --------------------------------------------------------------------------- */

static void mark_preset(struct build *b, int nr, void *data)
{
	b->preset[nr] = data;
}

static void load_preset(struct build *b)
{
	if (!b->p->security.seccomp.preset_default)
		return;
	for (size_t i = 0; i < filter_n_preset_default; i++) {
		const struct filter_preset_entry *e = &filter_preset_default[i];
		const struct filter_group *g =
		    e->name[0] == '@' ? filter_find_group(e->name) : NULL;
		int nr;

		if (g)
			each_member(g, 0, mark_preset, b, (void *)e);
		else if ((nr = resolve(e->name)) >= 0)
			b->preset[nr] = e;
	}
}

/* ---- rules -------------------------------------------------------------------------------- */

static const enum scmp_compare cmp_of[] = {
    [SCMP_OP_EQ] = SCMP_CMP_EQ,
    [SCMP_OP_NE] = SCMP_CMP_NE,
    [SCMP_OP_LT] = SCMP_CMP_LT,
    [SCMP_OP_LE] = SCMP_CMP_LE,
    [SCMP_OP_GT] = SCMP_CMP_GT,
    [SCMP_OP_GE] = SCMP_CMP_GE,
    [SCMP_OP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
};

static struct scmp_arg_cmp to_cmp(const struct seccomp_cond *c)
{
	if (c->op == SCMP_OP_MASKED_EQ)
		return (struct scmp_arg_cmp){c->arg, SCMP_CMP_MASKED_EQ, c->mask, c->value};
	return (struct scmp_arg_cmp){c->arg, cmp_of[c->op], c->value, 0};
}

/* The comparison that holds exactly when @c doesn't; false for a masked one. */
static bool negate(const struct seccomp_cond *c, struct scmp_arg_cmp *ret)
{
	static const enum scmp_compare neg[] = {
	    [SCMP_OP_EQ] = SCMP_CMP_NE, [SCMP_OP_NE] = SCMP_CMP_EQ, [SCMP_OP_LT] = SCMP_CMP_GE,
	    [SCMP_OP_LE] = SCMP_CMP_GT, [SCMP_OP_GT] = SCMP_CMP_LE, [SCMP_OP_GE] = SCMP_CMP_LT,
	};

	if (c->op == SCMP_OP_MASKED_EQ)
		return false;
	*ret = (struct scmp_arg_cmp){c->arg, neg[c->op], c->value, 0};
	return true;
}

/* A rule names a syscall of this architecture, and what it gives fits (the parser checked
 * its syntax: one syscall, a0 to a5, each once). */
static int check_rule(struct build *b, const struct seccomp_rule *rule, int *ret_nr)
{
	const struct profile_seccomp *sc = &b->p->security.seccomp;

	*ret_nr = resolve(rule->syscall);
	if (*ret_nr < 0)
		return sbx_err_set(b->err, &rule->loc, -EINVAL,
				   "security.seccomp.rules: \"%s\" is no syscall of this "
				   "architecture",
				   rule->syscall);
	if (rule->errno_value && !rule->action && sc->deny_action &&
	    sc->deny_action != SECCOMP_ACT_ERRNO)
		return sbx_err_set(b->err, &rule->errno_loc, -EINVAL,
				   "security.seccomp.rules: the rule for '%s' has an errno and no "
				   "action, so deny_action's \"%s\": errno goes only with action "
				   "\"errno\"",
				   rule->syscall, profile_seccomp_action_name(sc->deny_action));
	if (!rule->n_conds && base_entry(rule->syscall) &&
	    denies(rule->action ? rule->action : sc->deny_action))
		return sbx_err_set(
		    b->err, &rule->loc, -EINVAL,
		    "security.seccomp.rules: \"%s\" can't be denied for every call: %s",
		    rule->syscall, base_entry(rule->syscall)->why);
	return 0;
}

/* One libseccomp rule, unless @action is the default's anyway; errors located at @loc. */
static int add_scmp_rule(struct build *b, uint32_t action, int nr, unsigned n,
			 const struct scmp_arg_cmp *cmp, const struct sbx_loc *loc)
{
	int r;

	if (action == b->def)
		return 0; /* what the syscall gets anyway */
	r = seccomp_rule_add_exact_array(b->ctx, action, nr, n, cmp);
	if (r == -ENOMEM)
		return sbx_err_set(b->err, loc, r, "out of memory");
	if (r < 0) {
		_cleanup_free_ char *sys = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);

		return sbx_err_set(b->err, loc, r,
				   "security.seccomp: libseccomp refused the rule for "
				   "'%s': %s",
				   sys ? sys : "?", strerror(-r));
	}
	return 0;
}

/* personality(2): deny unless a0 is the query 0xffffffff or a combination of @free bits. Each
 * rule may compare a0 once, so the complement is written as masks: a0 above 32 bits; two
 * cyclically neighbouring bits outside @free, the first clear and the second set (any value
 * with some such bit set and some clear has such a pair); a @free bit clear while one of the
 * others is set (covers the rest but the all-ones query). */
static int add_only_values(struct build *b, uint32_t action, int nr, uint32_t free_bits,
			   const struct sbx_loc *loc)
{
	unsigned bits[32], n = 0;
	struct scmp_arg_cmp c = {0, SCMP_CMP_GT, 0xffffffffu, 0};
	int r = add_scmp_rule(b, action, nr, 1, &c, loc);

	for (unsigned i = 0; i < 32; i++)
		if (!(free_bits & (1u << i)))
			bits[n++] = i;
	for (unsigned i = 0; r == 0 && i < n; i++) {
		uint64_t lo = 1ull << bits[i], hi = 1ull << bits[(i + 1) % n];

		c = (struct scmp_arg_cmp){0, SCMP_CMP_MASKED_EQ, lo | hi, hi};
		r = add_scmp_rule(b, action, nr, 1, &c, loc);
	}
	for (unsigned i = 0; r == 0 && i < 32; i++) {
		uint64_t f = 1ull << i, other = 1ull << bits[0];

		if (!(free_bits & f))
			continue;
		c = (struct scmp_arg_cmp){0, SCMP_CMP_MASKED_EQ, f | other, other};
		r = add_scmp_rule(b, action, nr, 1, &c, loc);
	}
	return r;
}

static int add_preset_conds(struct build *b, int nr, const struct filter_preset_entry *e,
			    const struct sbx_loc *loc)
{
	int r = 0;

	if (e->how == FILTER_ONLY_VALUES)
		return add_only_values(b, b->deny_act, nr, e->free_bits, loc);
	for (size_t i = 0; r == 0 && i < e->n_conds; i++) {
		struct scmp_arg_cmp c = to_cmp(&e->conds[i]);

		r = add_scmp_rule(b, b->deny_act, nr, 1, &c, loc);
	}
	return r;
}

static int add_rule(struct build *b, int nr, const struct seccomp_rule *rule, uint32_t action)
{
	struct scmp_arg_cmp cmp[6];

	for (size_t i = 0; i < rule->n_conds; i++)
		cmp[i] = to_cmp(&rule->conds[i]);
	return add_scmp_rule(b, action, nr, (unsigned)rule->n_conds, cmp, &rule->loc);
}

/* What allow, deny and the preset give @nr, ignoring the preset's argument checks; *ret_loc:
 * the setting that decided it (the allow or deny entry, the preset, default_action). */
static uint32_t base_action(const struct build *b, int nr, bool *ret_preset_conds,
			    const struct sbx_loc **ret_loc)
{
	const struct profile_seccomp *sc = &b->p->security.seccomp;
	const struct filter_preset_entry *e = b->preset[nr];

	*ret_preset_conds = false;
	*ret_loc = &sc->default_action_loc;
	if (b->base[nr])
		return SCMP_ACT_ALLOW;
	if (b->allow[nr].level > b->deny[nr].level) {
		*ret_loc = &b->allow[nr].entry->loc;
		return SCMP_ACT_ALLOW;
	}
	if (b->deny[nr].level) {
		*ret_loc = &b->deny[nr].entry->loc;
		return b->deny_act;
	}
	if (e)
		*ret_loc = &sc->preset_loc;
	if (e && e->how == FILTER_DENY)
		return b->deny_act;
	if (e && e->how == FILTER_ENOSYS)
		return SCMP_ACT_ERRNO(ENOSYS);
	*ret_preset_conds = e != NULL;
	return b->def;
}

/* One syscall that has rules with conditions and another action for the other calls (@base,
 * not the default): only one rule without masks can be turned around into @base's own. */
static int add_around(struct build *b, int nr, const struct seccomp_rule *rule, uint32_t base)
{
	uint32_t a = rule_action(b, rule);
	int r = 0;

	if (a == base)
		return add_scmp_rule(b, base, nr, 0, NULL, &rule->loc);
	for (size_t i = 0; i < rule->n_conds; i++) {
		struct scmp_arg_cmp c;

		if (!negate(&rule->conds[i], &c))
			return sbx_err_set(
			    b->err, &rule->loc, -EINVAL,
			    "security.seccomp.rules: '%s' is also in allow, deny or "
			    "the preset; a filter can give its other calls that action "
			    "only around a rule without '&'",
			    rule->syscall);
		r = add_scmp_rule(b, base, nr, 1, &c, &rule->loc);
		if (r < 0)
			return r;
	}
	return add_rule(b, nr, rule, a);
}

static int emit_syscall(struct build *b, int nr, const struct seccomp_rule **rules, size_t n)
{
	const struct seccomp_rule *uncond = NULL, *cond = NULL;
	size_t n_cond = 0;
	bool preset_conds;
	const struct sbx_loc *loc;
	uint32_t base = base_action(b, nr, &preset_conds, &loc);
	int r = 0;

	for (size_t i = 0; i < n; i++) {
		if (rules[i]->n_conds) {
			cond = cond ? cond : rules[i];
			n_cond++;
		} else {
			if (uncond && rule_action(b, uncond) != rule_action(b, rules[i]))
				return sbx_err_set(b->err, &rules[i]->loc, -EINVAL,
						   "security.seccomp.rules: conflicting actions: "
						   "'%s' has another rule without args at %s:%u",
						   rules[i]->syscall,
						   uncond->loc.file ? uncond->loc.file : "?",
						   uncond->loc.line);
			uncond = rules[i];
		}
	}
	if (uncond) {
		base = rule_action(b, uncond);
		preset_conds = false;
	}
	if (base == b->def) {
		for (size_t i = 0; r == 0 && i < n; i++) {
			if (!rules[i]->n_conds)
				continue;
			/* The default already: nothing to add, unless it was meant to lift the
			 * preset's argument checks, which a filter can't do for some calls only. */
			if (rule_action(b, rules[i]) == b->def && preset_conds)
				return sbx_err_set(
				    b->err, &rules[i]->loc, -EINVAL,
				    "security.seccomp.rules: '%s': the preset checks its "
				    "arguments, and a rule can't lift that for some calls only; "
				    "put it in allow to lift the preset's checks",
				    rules[i]->syscall);
			r = add_rule(b, nr, rules[i], rule_action(b, rules[i]));
		}
		if (r == 0 && preset_conds)
			r = add_preset_conds(b, nr, b->preset[nr], loc);
		return r;
	}
	if (n_cond > 1)
		return sbx_err_set(b->err, &cond->loc, -EINVAL,
				   "security.seccomp.rules: '%s' has several rules and is also in "
				   "allow, deny or the preset; a filter can't give its other calls "
				   "that action around more than one rule",
				   cond->syscall);
	if (cond)
		return add_around(b, nr, cond, base);
	return add_scmp_rule(b, base, nr, 0, NULL, uncond ? &uncond->loc : loc);
}

static int emit(struct build *b)
{
	const struct profile *p = b->p;
	size_t n_rules = p->security.seccomp.n_rules;
	_cleanup_free_ int *nrs = calloc(n_rules + 1, sizeof(int));
	_cleanup_free_ const struct seccomp_rule **mine = calloc(n_rules + 1, sizeof(void *));
	int r = 0;

	if (!nrs || !mine)
		return sbx_err_set(b->err, NULL, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n_rules; i++) {
		int k = check_rule(b, &p->security.seccomp.rules[i], &nrs[i]);

		if (k < 0) {
			nrs[i] = -1;
			r = r ? r : k;
		}
	}
	for (int nr = 0; nr < MAX_NR; nr++) {
		size_t n = 0;
		int k;

		for (size_t i = 0; i < n_rules; i++)
			if (nrs[i] == nr)
				mine[n++] = &p->security.seccomp.rules[i];
		k = emit_syscall(b, nr, mine, n);
		r = r ? r : k;
	}
	return r;
}

/* ---- the program -------------------------------------------------------------------------- */

/* libseccomp 2.5 exports only to an fd: a memfd, read back. */
static int export_bpf(struct build *b, struct filter_prog *ret)
{
	_cleanup_close_ int fd = memfd_create("sbx-seccomp", MFD_CLOEXEC);
	_cleanup_free_ void *buf = NULL;
	size_t prefix = b->o ? b->o->n_prefix : 0, n;
	struct stat st;
	int r;

	if (fd < 0)
		return sbx_err_errno(b->err, NULL, "seccomp: memfd_create");
	r = seccomp_export_bpf(b->ctx, fd);
	if (r == -ENOMEM)
		return sbx_err_set(b->err, NULL, r, "out of memory");
	if (r < 0)
		return sbx_err_set(b->err, NULL, r, "seccomp: exporting the filter: %s",
				   strerror(-r));
	if (fstat(fd, &st) < 0)
		return sbx_err_errno(b->err, NULL, "seccomp: fstat");
	n = (size_t)st.st_size / sizeof(struct sock_filter);
	if (st.st_size == 0 || st.st_size % sizeof(struct sock_filter) || n + prefix > BPF_MAX)
		return sbx_err_set(b->err, &b->p->security.seccomp.preset_loc, -E2BIG,
				   "security.seccomp: the filter is %zu BPF instructions%s; the "
				   "kernel loads at most %d",
				   n + prefix, prefix ? ", --learn's included" : "", BPF_MAX);
	buf = malloc((size_t)st.st_size);
	if (!buf)
		return sbx_err_set(b->err, NULL, -ENOMEM, "out of memory");
	if (pread(fd, buf, (size_t)st.st_size, 0) != st.st_size)
		return sbx_err_errno(b->err, NULL, "seccomp: reading the exported filter");
	ret->n_insns = n;
	ret->insns = TAKE_PTR(buf);
	return 0;
}

static int set_attrs(struct build *b)
{
	int r = seccomp_attr_set(b->ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);

	/* sbx sets no_new_privs itself (or the profile turns it off); a binary tree of syscalls
	 * keeps the path of each one short. */
	if (r == 0)
		r = seccomp_attr_set(b->ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (r == 0)
		r = seccomp_attr_set(b->ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (r < 0)
		return sbx_err_set(b->err, NULL, r,
				   r == -ENOMEM ? "out of memory"
						: "seccomp: "
						  "libseccomp refused an attribute");
	return 0;
}

int filter_compile(const struct profile *p, const struct filter_opts *o, struct filter_prog *ret,
		   struct sbx_err *err)
{
	const struct profile_seccomp *sc = &p->security.seccomp;
	_cleanup_free_ struct listed *allow = calloc(MAX_NR, sizeof(*allow));
	_cleanup_free_ struct listed *deny = calloc(MAX_NR, sizeof(*deny));
	_cleanup_free_ const struct filter_preset_entry **preset = calloc(MAX_NR, sizeof(void *));
	_cleanup_free_ bool *base = calloc(MAX_NR, sizeof(bool));
	_cleanup_scmp_ scmp_filter_ctx ctx = NULL;
	struct build b = {p, o, NULL, allow, deny, preset, base, 0, 0, err};
	int r, k;

	if (!allow || !deny || !preset || !base)
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	for (size_t i = 0; filter_base_on(p) && i < filter_n_base; i++) {
		int nr = resolve(filter_base[i].name);

		if (nr >= 0)
			base[nr] = true;
	}
	b.def = learn_override(
	    &b, scmp_action(sc->default_action ? sc->default_action : SECCOMP_ACT_ALLOW,
			    sc->errno_value));
	b.deny_act = learn_override(&b, scmp_action(sc->deny_action, sc->errno_value));
	ctx = b.ctx = seccomp_init(b.def);
	if (!ctx)
		return sbx_err_set(err, NULL, -ENOMEM,
				   "out of memory (starting a libseccomp filter)");
	r = mark_list(&b, sc->allow, sc->n_allow, allow, "allow");
	k = mark_list(&b, sc->deny, sc->n_deny, deny, "deny");
	r = r ? r : k;
	k = check_conflicts(&b);
	r = r ? r : k;
	load_preset(&b);
	k = emit(&b);
	r = r ? r : k;
	if (r == 0)
		r = set_attrs(&b);
	if (r == 0)
		r = export_bpf(&b, ret);
	return r;
}

bool filter_wanted(const struct profile *p)
{
	const struct profile_seccomp *sc = &p->security.seccomp;

	return sc->preset_default ||
	       (sc->default_action && sc->default_action != SECCOMP_ACT_ALLOW) || sc->n_deny ||
	       sc->n_rules;
}
