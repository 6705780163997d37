/* uts.c — hostname and domainname inside the uts namespace. */
#include "sys/uts.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

static int add_name(struct plan *plan, enum step_kind kind, const char *name,
		    const struct sbx_loc *loc, struct sbx_err *err)
{
	struct step *s = plan_add(plan, kind, loc);

	if (!s || !(s->uts.name = plan_strdup(plan, name)))
		return sbx_err_set(err, loc, -ENOMEM, "out of memory");
	return 0;
}

int uts_plan_add(struct plan *plan, const struct profile *p, const struct sbx_caller *c,
		 struct sbx_err *err)
{
	int r = 0;

	(void)c;
	if (!(p->namespaces & NS_BIT(NS_UTS)))
		return 0; /* policy already rejected a hostname without the namespace */
	if (p->hostname)
		r = add_name(plan, STEP_HOSTNAME, p->hostname, &p->hostname_loc, err);
	if (r == 0 && p->domainname)
		r = add_name(plan, STEP_DOMAINNAME, p->domainname, &p->domainname_loc, err);
	return r;
}

void uts_describe(const struct step *s, struct plan_kv *k)
{
	plan_kv_str(k, "name", s->uts.name);
}

#include "util/child-safe.h"

int uts_run_hostname(const struct step *s, struct run_ctx *ctx)
{
	(void)ctx;
	return sethostname(s->uts.name, strlen(s->uts.name)) < 0 ? -errno : 0;
}

int uts_run_domainname(const struct step *s, struct run_ctx *ctx)
{
	(void)ctx;
	return setdomainname(s->uts.name, strlen(s->uts.name)) < 0 ? -errno : 0;
}
