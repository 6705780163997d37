/* filter.c — the seccomp step: compiled into the plan, described, listed. */
#include "sys/filter/filter.h"

#include <errno.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys/filter/learn.h"
#include "sys/filter/tables.h"
#include "util/cleanup.h"

/* "errno(EPERM)", "kill", ...; @a UNSET is @unset. */
static char *action_text(struct plan *plan, enum seccomp_action a, enum seccomp_action unset, int e)
{
	const char *name;

	a = a ? a : unset;
	if (a != SECCOMP_ACT_ERRNO)
		return plan_strdup(plan, profile_seccomp_action_name(a));
	e = e > 0 ? e : EPERM;
	name = strerrorname_np(e);
	return name ? plan_printf(plan, "errno(%s)", name) : plan_printf(plan, "errno(%d)", e);
}

static const char *loc_file(const struct sbx_loc *loc)
{
	return loc->file ? loc->file : "?";
}

static const char *const *names_text(struct plan *plan, const struct seccomp_name *v, size_t n)
{
	char **out = plan_alloc(plan, (n + 1) * sizeof(char *));

	for (size_t i = 0; out && i < n; i++)
		if (!(out[i] = plan_printf(plan, "%s@%s:%u", v[i].name, loc_file(&v[i].loc),
					   v[i].loc.line)))
			return NULL;
	return (const char *const *)out;
}

static void cond_text(FILE *f, const struct seccomp_cond *c)
{
	fprintf(f, "a%u", c->arg);
	if (c->op == SCMP_OP_MASKED_EQ)
		fprintf(f, "&0x%llx", (unsigned long long)c->mask);
	fputs(profile_seccomp_op_text(c->op), f);
	fprintf(f, c->value < 256 ? "%llu" : "0x%llx", (unsigned long long)c->value);
}

static char *rule_text(struct plan *plan, const struct profile *p, const struct seccomp_rule *r)
{
	const struct profile_seccomp *sc = &p->security.seccomp;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	char *out;

	if (!f)
		return NULL;
	fprintf(f, "%s(", r->syscall);
	for (size_t i = 0; i < r->n_conds; i++) {
		fputs(i ? "," : "", f);
		cond_text(f, &r->conds[i]);
	}
	out = action_text(plan, r->action, sc->deny_action ? sc->deny_action : SECCOMP_ACT_ERRNO,
			  r->errno_value ? r->errno_value : sc->errno_value);
	fprintf(f, ")=%s@%s:%u", out ? out : "?", loc_file(&r->loc), r->loc.line);
	fclose(f);
	return plan_strdup(plan, buf);
}

static const struct sbx_loc *step_loc(const struct profile *p)
{
	const struct profile_seccomp *sc = &p->security.seccomp;
	const struct sbx_loc *locs[] = {&sc->loc, sc->n_allow ? &sc->allow[0].loc : NULL,
					sc->n_deny ? &sc->deny[0].loc : NULL,
					sc->n_rules ? &sc->rules[0].loc : NULL};

	for (size_t i = 0; i < ARRAY_SIZE(locs); i++)
		if (locs[i] && locs[i]->file)
			return locs[i];
	return NULL;
}

/* @text, with "@FILE[:LINE]" when the setting at @at is not at the step's own line @step: a
 * later file's default_action on an included preset shows both lines. */
static const char *located(struct plan *plan, const char *text, const struct sbx_loc *at,
			   const struct sbx_loc *step)
{
	if (!text || !at->file ||
	    (step && step->file && strcmp(at->file, step->file) == 0 && at->line == step->line))
		return text;
	if (!at->line)
		return plan_printf(plan, "%s@%s", text, at->file);
	return plan_printf(plan, "%s@%s:%u", text, at->file, at->line);
}

static int describe_into(struct plan *plan, const struct profile *p, const struct sbx_loc *loc,
			 struct step_seccomp *s)
{
	const struct profile_seccomp *sc = &p->security.seccomp;
	char **rules = plan_alloc(plan, (sc->n_rules + 1) * sizeof(char *));
	const char *e = sc->errno_value ? strerrorname_np(sc->errno_value) : NULL;
	const char *e_at = e ? located(plan, e, &sc->errno_loc, loc) : NULL;

	s->default_action =
	    located(plan, action_text(plan, sc->default_action, SECCOMP_ACT_ALLOW, sc->errno_value),
		    &sc->default_action_loc, loc);
	s->deny_action =
	    located(plan, action_text(plan, sc->deny_action, SECCOMP_ACT_ERRNO, sc->errno_value),
		    &sc->deny_action_loc, loc);
	s->preset = located(plan, sc->preset_default ? "default" : "none", &sc->preset_loc, loc);
	/* Shown apart only when it comes from elsewhere than the step's line. */
	s->errno_name = e_at != e ? e_at : NULL;
	s->allow = names_text(plan, sc->allow, sc->n_allow);
	s->deny = names_text(plan, sc->deny, sc->n_deny);
	s->n_allow = sc->n_allow;
	s->n_deny = sc->n_deny;
	for (size_t i = 0; rules && i < sc->n_rules; i++)
		if (!(rules[i] = rule_text(plan, p, &sc->rules[i])))
			rules = NULL;
	s->rules = (const char *const *)rules;
	s->n_rules = sc->n_rules;
	if (filter_base_on(p)) {
		const char **base = plan_alloc(plan, filter_n_base * sizeof(char *));

		for (size_t i = 0; base && i < filter_n_base; i++)
			base[i] = filter_base[i].name;
		s->base = base;
		s->n_base = filter_n_base;
		if (!base)
			return -ENOMEM;
	}
	if (!s->default_action || !s->deny_action || !s->preset || !s->allow || !s->deny ||
	    !s->rules)
		return -ENOMEM;
	return 0;
}

/* No filter to load: fine, but then --learn has nothing to learn from. */
static int no_filter(const struct sbx_caller *c, struct sbx_err *err)
{
	if (!c->learn_out)
		return 0;
	return sbx_err_set(err, NULL, -EINVAL,
			   "--learn: the profiles ask for no seccomp filter, so nothing would be "
			   "denied to learn from (security.seccomp in sbx.cfg(5))");
}

int filter_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		    struct sbx_err *err)
{
	/* --learn: every would-be denial goes to sbx, which lets it through. */
	const struct filter_opts learn = {
	    .override = true, .deny_action = SCMP_ACT_NOTIFY, .n_prefix = LEARN_PREFIX_INSNS};
	_cleanup_(filter_prog_done) struct filter_prog prog = {0};
	const struct sbx_loc *loc = step_loc(p);
	void *handoff = NULL;
	struct step *s;
	int r;

	if (!filter_wanted(p) && !p->security.seccomp.n_allow)
		return no_filter(c, err);
	/* Without no_new_privs the kernel loads a filter only for CAP_SYS_ADMIN in the
	 * command's user namespace, which the capabilities step has dropped by then. */
	if (filter_wanted(p) && !p->security.no_new_privs &&
	    !(p->security.caps & (1ull << CAP_SYS_ADMIN)))
		return sbx_err_set(err, loc, -EPERM,
				   "security.seccomp: with no_new_privs = false the kernel loads a "
				   "filter only for a process holding CAP_SYS_ADMIN: keep "
				   "no_new_privs on, or keep \"sys_admin\" in capabilities");
	r = filter_compile(p, c->learn_out ? &learn : NULL, &prog, err);
	if (r == 0 && !filter_wanted(p)) /* only allow: checked, but nothing to filter */
		return no_filter(c, err);
	if (r == 0 && c->learn_out)
		r = learn_prepare(plan, &prog, &handoff, err);
	if (r < 0)
		return r;
	s = plan_add(plan, STEP_SECCOMP, loc);
	if (s)
		s->seccomp.insns =
		    plan_memdup(plan, prog.insns, prog.n_insns * sizeof(struct sock_filter));
	if (!s || !s->seccomp.insns || describe_into(plan, p, loc, &s->seccomp) < 0)
		return sbx_err_set(err, loc, -ENOMEM, "out of memory");
	s->seccomp.n_insns = prog.n_insns;
	if (!c->learn_out)
		return 0;
	s->seccomp.learn = handoff;
	s->seccomp.flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
	return learn_plan_add(plan, p, c, err);
}

void filter_describe(const struct step *s, struct plan_kv *k)
{
	const struct step_seccomp *f = &s->seccomp;

	if (s->kind != STEP_SECCOMP) {
		learn_describe(s, k);
		return;
	}
	plan_kv_str(k, "default", f->default_action);
	if (f->n_base)
		plan_kv_list(k, "base", f->base, f->n_base);
	plan_kv_str(k, "deny_action", f->deny_action);
	plan_kv_num(k, "insns", f->n_insns);
	plan_kv_str(k, "preset", f->preset);
	if (f->errno_name)
		plan_kv_str(k, "errno", f->errno_name);
	if (f->n_allow)
		plan_kv_list(k, "allow", f->allow, f->n_allow);
	if (f->n_deny)
		plan_kv_list(k, "deny", f->deny, f->n_deny);
	if (f->n_rules)
		plan_kv_list(k, "rules", f->rules, f->n_rules);
	plan_kv_str(k, "other_arch", "kill_process");
	if (f->learn)
		plan_kv_str(k, "learn", "notify");
}

const char *filter_hint(const struct step *s, int code, uint32_t item)
{
	(void)s;
	(void)item;
	if (code == -EACCES)
		return " (the kernel loads a filter only under no_new_privs or with CAP_SYS_ADMIN)";
	if (code == -EINVAL)
		return " (the kernel refused the BPF program: see sbx --plan=bpf)";
	return "";
}

/* ---- --list-seccomp ----------------------------------------------------------------------- */

#define LIST_INDENT 21
#define LIST_WIDTH 96

/* The members of @g, wrapped under the reason. */
static void list_members(FILE *f, const struct filter_group *g)
{
	size_t col = LIST_WIDTH;

	for (size_t i = 0; i < g->n_members; i++) {
		size_t len = strlen(g->members[i]);

		if (col + 1 + len > LIST_WIDTH) {
			fprintf(f, "%s%*s%s", i ? "\n" : "", LIST_INDENT, "", g->members[i]);
			col = LIST_INDENT + len;
		} else {
			fprintf(f, " %s", g->members[i]);
			col += 1 + len;
		}
	}
	fputc('\n', f);
}

void filter_list(FILE *f)
{
	fputs("preset \"default\": denied with deny_action, unless allow names them\n", f);
	for (size_t i = 0; i < filter_n_preset_default; i++)
		fprintf(f, "  %-*s%s\n", LIST_INDENT - 2, filter_preset_default[i].name,
			filter_preset_default[i].reason);
	fputs("\ngroups, for allow and deny (names another architecture lacks are skipped)\n", f);
	for (size_t i = 0; i < filter_n_groups; i++) {
		fprintf(f, "  %-*s%s\n", LIST_INDENT - 2, filter_groups[i].name,
			filter_groups[i].reason);
		list_members(f, &filter_groups[i]);
	}
}
