/* plan.c — the step table, plan storage and the --plan printer. */
#include "plan/plan.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys/caps.h"
#include "sys/mount/mount.h"
#include "sys/net/net.h"
#include "sys/process.h"
#include "sys/rlimit.h"
#include "sys/userns.h"
#include "sys/uts.h"
#include "util/cleanup.h"

static const struct step_type step_types[] = {
#define STEP(kind, name, phase, run, describe, hint, beside)                                       \
	[STEP_##kind] = {name, phase, run, describe, hint, beside},
#include "plan/steps.def"
#undef STEP
};
_Static_assert(ARRAY_SIZE(step_types) == _STEP_KIND_MAX, "missing step row");

const struct step_type *plan_step_type(enum step_kind kind)
{
	return &step_types[kind];
}

int plan_shape(const struct plan *plan, struct plan_shape *ret, struct sbx_err *err)
{
	size_t i = 0, n = plan->n_steps;

	while (i < n && plan_step_type(plan->steps[i].kind)->phase == PHASE_PREPARE)
		i++;
	if (i == n || plan->steps[i].kind != STEP_CLONE)
		return sbx_err_set(err, NULL, -EINVAL,
				   "internal error: the plan has no clone step");
	ret->clone = i++;
	while (i < n && plan_step_type(plan->steps[i].kind)->phase == PHASE_PARENT &&
	       !plan_step_type(plan->steps[i].kind)->alongside)
		i++;
	ret->release = i;
	while (i < n && plan_step_type(plan->steps[i].kind)->phase == PHASE_PARENT &&
	       plan_step_type(plan->steps[i].kind)->alongside)
		i++;
	ret->first_child = i;
	while (i < n && plan_step_type(plan->steps[i].kind)->phase == PHASE_CHILD)
		i++;
	ret->end_child = i;
	if (i == ret->first_child || plan->steps[i - 1].kind != STEP_EXEC)
		return sbx_err_set(err, NULL, -EINVAL,
				   "internal error: the child steps do not end in exec");
	while (i < n && plan_step_type(plan->steps[i].kind)->phase == PHASE_PARENT &&
	       !plan_step_type(plan->steps[i].kind)->alongside)
		i++;
	if (i != n)
		return sbx_err_set(err, NULL, -EINVAL,
				   "internal error: step %zu is out of place in the plan", i);
	return 0;
}

struct plan *plan_new(void)
{
	return calloc(1, sizeof(struct plan));
}

struct plan *plan_free(struct plan *plan)
{
	if (!plan)
		return NULL;
	for (size_t i = 0; i < plan->n_owned; i++)
		free(plan->owned[i]);
	free(plan->owned);
	free(plan->steps);
	free(plan);
	return NULL;
}

void plan_freep(struct plan **plan)
{
	plan_free(*plan);
}

static int own(struct plan *plan, void *p)
{
	if (plan->n_owned == plan->cap_owned) {
		size_t cap = plan->cap_owned ? plan->cap_owned * 2 : 32;
		void **v = reallocarray(plan->owned, cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		plan->owned = v;
		plan->cap_owned = cap;
	}
	plan->owned[plan->n_owned++] = p;
	return 0;
}

void *plan_alloc(struct plan *plan, size_t len)
{
	void *p = calloc(1, len ? len : 1);

	if (!p)
		return NULL;
	if (own(plan, p) < 0) {
		free(p);
		return NULL;
	}
	return p;
}

void *plan_memdup(struct plan *plan, const void *src, size_t len)
{
	void *p = plan_alloc(plan, len + 1); /* +1: a NUL for strings copied this way */

	if (p && len)
		memcpy(p, src, len);
	return p;
}

char *plan_strdup(struct plan *plan, const char *s)
{
	if (!s)
		return NULL;
	return plan_memdup(plan, s, strlen(s));
}

char **plan_strv(struct plan *plan, const char *const *v, size_t n)
{
	char **out = plan_alloc(plan, (n + 1) * sizeof(char *));

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		out[i] = plan_strdup(plan, v[i]);
		if (!out[i])
			return NULL;
	}
	return out;
}

char *plan_printf(struct plan *plan, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	if (own(plan, s) < 0) {
		free(s);
		return NULL;
	}
	return s;
}

struct step *plan_add(struct plan *plan, enum step_kind kind, const struct sbx_loc *loc)
{
	/* @loc may point into the steps, which the realloc below moves. */
	struct sbx_loc where = loc ? *loc : (struct sbx_loc){0};
	struct step *s;

	if (plan->n_steps == plan->cap_steps) {
		size_t cap = plan->cap_steps ? plan->cap_steps * 2 : 32;
		struct step *v = reallocarray(plan->steps, cap, sizeof(*v));

		if (!v)
			return NULL;
		plan->steps = v;
		plan->cap_steps = cap;
	}
	s = &plan->steps[plan->n_steps++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->loc = where;
	return s;
}

struct step *plan_insert(struct plan *plan, size_t at, enum step_kind kind,
			 const struct sbx_loc *loc)
{
	/* @loc may point into the steps (another step's location), which plan_add() moves. */
	struct sbx_loc where = loc ? *loc : (struct sbx_loc){0};
	struct step *s;

	if (at > plan->n_steps)
		return NULL;
	if (!plan_add(plan, kind, &where))
		return NULL;
	s = &plan->steps[at];
	memmove(s + 1, s, (plan->n_steps - 1 - at) * sizeof(*s));
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->loc = where;
	return s;
}

size_t plan_find(const struct plan *plan, size_t from, enum step_kind kind)
{
	size_t i = from;

	while (i < plan->n_steps && plan->steps[i].kind != kind)
		i++;
	return i;
}
