/* env.c — the command's environment: optionally cleared, names kept from the caller, values
 * set by the profile. Compiled into plan->envp; the child only passes it to execve(). */
#include "sys/env.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Index of NAME in @envp (entries "NAME=value"), or -1. */
static ssize_t find(char **envp, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strncmp(envp[i], name, len) == 0 && envp[i][len] == '=')
			return (ssize_t)i;
	return -1;
}

/* Put one entry, replacing an existing one of the same name. */
static int put(struct plan *plan, char **envp, size_t *n, const char *entry)
{
	const char *eq = strchr(entry, '=');
	ssize_t at;
	char *copy;

	if (!eq)
		return 0;
	copy = plan_strdup(plan, entry);
	if (!copy)
		return -ENOMEM;
	at = find(envp, *n, entry, (size_t)(eq - entry));
	if (at >= 0)
		envp[at] = copy;
	else
		envp[(*n)++] = copy;
	return 0;
}

static size_t count(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

int env_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		 struct sbx_err *err)
{
	size_t cap = count(c->environ) + p->env.n_set + 1, n = 0;
	char **envp = plan_alloc(plan, cap * sizeof(char *));
	int r = 0;

	if (!envp)
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	for (char *const *e = c->environ; e && *e && r == 0; e++) {
		const char *eq = strchr(*e, '=');
		bool keep = !p->env.clear;

		for (size_t k = 0; eq && !keep && k < p->env.n_keep; k++)
			keep = strlen(p->env.keep[k]) == (size_t)(eq - *e) &&
			       strncmp(*e, p->env.keep[k], (size_t)(eq - *e)) == 0;
		if (keep)
			r = put(plan, envp, &n, *e);
	}
	for (size_t i = 0; i < p->env.n_set && r == 0; i++) {
		char *entry = plan_printf(plan, "%s=%s", p->env.set[i].name, p->env.set[i].value);

		r = entry ? put(plan, envp, &n, entry) : -ENOMEM;
	}
	if (r < 0)
		return sbx_err_set(err, NULL, r, "out of memory");
	envp[n] = NULL;
	plan->envp = envp;
	for (size_t i = 0; i < n; i++)
		if (strncmp(envp[i], "PATH=", 5) == 0)
			plan->path = envp[i] + 5;
	return 0;
}
