/* plan.c — the step table, plan storage and the --plan printer. */
#include "plan/plan.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys/caps.h"
#include "sys/cgroup/cgroup.h"
#include "sys/filter/filter.h"
#include "sys/mount/mount.h"
#include "sys/landlock.h"
#include "sys/net/net.h"
#include "sys/process.h"
#include "sys/rlimit.h"
#include "sys/userns.h"
#include "sys/uts.h"
#include "util/cleanup.h"

static const struct step_type step_types[] = {
#define STEP(kind, name, phase, run, describe, hint)                                               \
	[STEP_##kind] = {name, phase, run, describe, hint},
#include "plan/steps.def"
#undef STEP
};
_Static_assert(ARRAY_SIZE(step_types) == _STEP_KIND_MAX, "missing step row");

const struct step_type *plan_step_type(enum step_kind kind)
{
	return &step_types[kind];
}

/* The first index at or after @i whose step is not in @phase. */
static size_t skip_phase(const struct plan *plan, size_t i, enum step_phase phase)
{
	while (i < plan->n_steps && plan->steps[i].phase == phase)
		i++;
	return i;
}

int plan_shape(const struct plan *plan, struct plan_shape *ret, struct sbx_err *err)
{
	size_t i = skip_phase(plan, 0, PHASE_PREPARE), n = plan->n_steps;

	if (i == n || plan->steps[i].kind != STEP_CLONE || plan->steps[i].phase != PHASE_PARENT)
		return sbx_err_set(err, NULL, -EINVAL,
				   "internal error: the plan has no clone step");
	ret->clone = i;
	ret->release = i = skip_phase(plan, i, PHASE_PARENT);
	ret->first_child = i = skip_phase(plan, i, PHASE_BESIDE);
	i = skip_phase(plan, i, PHASE_ROOT);
	ret->command = i = skip_phase(plan, i, PHASE_SETUP);
	ret->end_child = i = skip_phase(plan, i, PHASE_COMMAND);
	if (i == ret->command || plan->steps[i - 1].kind != STEP_EXEC)
		return sbx_err_set(err, NULL, -EINVAL,
				   "internal error: the command's steps do not end in exec");
	/* pid 1 starts the command: what follows it runs in the command's process. */
	for (size_t k = ret->first_child; k < ret->end_child; k++)
		if ((plan->steps[k].kind == STEP_INIT && k + 1 != ret->command) ||
		    (plan->steps[k].kind == STEP_EXEC && k + 1 != ret->end_child))
			return sbx_err_set(err, NULL, -EINVAL,
					   "internal error: step %zu is out of place in the plan",
					   k);
	i = skip_phase(plan, i, PHASE_SUPERVISE);
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

static char *plan_vprintf(struct plan *plan, const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0)
		return NULL;
	if (own(plan, s) < 0) {
		free(s);
		return NULL;
	}
	return s;
}

char *plan_printf(struct plan *plan, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = plan_vprintf(plan, fmt, ap);
	va_end(ap);
	return s;
}

static bool same_side(enum step_phase a, enum step_phase b)
{
	return phase_in_child(a) == phase_in_child(b) &&
	       (a == PHASE_PREPARE) == (b == PHASE_PREPARE);
}

struct step *plan_add_to(struct plan *plan, enum step_phase phase, enum step_kind kind,
			 const struct sbx_loc *loc)
{
	/* @loc may point into the steps, which the realloc and the move below shift. */
	struct sbx_loc where = loc ? *loc : (struct sbx_loc){0};
	size_t at;
	struct step *s;

	if ((unsigned)phase >= _PHASE_MAX || !same_side(phase, step_types[kind].phase))
		return NULL;
	if (plan->n_steps == plan->cap_steps) {
		size_t cap = plan->cap_steps ? plan->cap_steps * 2 : 32;
		struct step *v = reallocarray(plan->steps, cap, sizeof(*v));

		if (!v)
			return NULL;
		plan->steps = v;
		plan->cap_steps = cap;
	}
	/* The end of @phase's bucket; every later bucket moves up by one. */
	at = plan->phase_end[phase];
	s = &plan->steps[at];
	memmove(s + 1, s, (plan->n_steps - at) * sizeof(*s));
	plan->n_steps++;
	for (int p = phase; p < _PHASE_MAX; p++)
		plan->phase_end[p]++;
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->phase = phase;
	s->loc = where;
	return s;
}

struct step *plan_add(struct plan *plan, enum step_kind kind, const struct sbx_loc *loc)
{
	return plan_add_to(plan, step_types[kind].phase, kind, loc);
}

const struct step *plan_first(const struct plan *plan, enum step_kind kind)
{
	for (size_t i = 0; i < plan->n_steps; i++)
		if (plan->steps[i].kind == kind)
			return &plan->steps[i];
	return NULL;
}

void plan_drop_kinds(struct plan *plan, const enum step_kind *kinds, size_t n)
{
	size_t old_end[_PHASE_MAX], out = 0;

	memcpy(old_end, plan->phase_end, sizeof(old_end));
	for (size_t i = 0, p = 0; i < plan->n_steps; i++) {
		bool drop = false;

		while (p < _PHASE_MAX && i >= old_end[p])
			p++;
		for (size_t k = 0; k < n; k++)
			drop = drop || plan->steps[i].kind == kinds[k];
		if (drop) {
			for (size_t q = p; q < _PHASE_MAX; q++)
				plan->phase_end[q]--;
			continue;
		}
		plan->steps[out++] = plan->steps[i];
	}
	plan->n_steps = out;
}

const char *plan_note(struct plan *plan, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (plan->n_notes == ARRAY_SIZE(plan->notes))
		return plan->notes[plan->n_notes - 1];
	va_start(ap, fmt);
	s = plan_vprintf(plan, fmt, ap);
	va_end(ap);
	if (s)
		plan->notes[plan->n_notes++] = s;
	return s;
}
