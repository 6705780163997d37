/* values.c — the profile's cgroup values in each version's units, and CPU lists. */
#include "sys/cgroup/layout.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

uint64_t cgroup_cpus_quota_us(uint32_t cpus_milli)
{
	return (uint64_t)cpus_milli * CGROUP_CPU_PERIOD_US / 1000;
}

/* As the kernel converts between cpu.weight and its internal shares (sched_weight_from_cgroup
 * and back), rounding to the nearest. */
uint64_t cgroup_weight_to_shares(uint32_t weight)
{
	uint64_t shares = ((uint64_t)weight * 1024 + 50) / 100;

	return shares < 2 ? 2 : shares > 262144 ? 262144 : shares;
}

uint32_t cgroup_shares_to_weight(uint64_t shares)
{
	uint64_t weight;

	if (shares > 262144)
		shares = 262144;
	weight = (shares * 100 + 512) / 1024;
	return weight < 1 ? 1 : weight > 10000 ? 10000 : (uint32_t)weight;
}

/* Linear, as crun and runc map io.weight onto blkio.weight: 1 -> 10, 10000 -> 1000. */
uint32_t cgroup_io_weight_to_blkio(uint32_t weight)
{
	if (weight < 1)
		weight = 1;
	if (weight > 10000)
		weight = 10000;
	return 10 + ((weight - 1) * 990 + 9999 / 2) / 9999;
}

/* A CPU number at *@p (digits only), moving *@p past it; -1 when there is none or it is too
 * big. */
static int cpu_number(const char **p)
{
	int v = 0;

	if (!isdigit((unsigned char)**p))
		return -1;
	for (; isdigit((unsigned char)**p); (*p)++) {
		v = v * 10 + (**p - '0');
		if (v >= CGROUP_MAX_CPUS)
			return -1;
	}
	return v;
}

/* "N" or "N-M", then "," or the end (surrounding white space allowed, as in the files);
 * at least one CPU. */
int cgroup_cpuset_parse(const char *list, struct cgroup_cpuset *out)
{
	const char *p = list;

	memset(out, 0, sizeof(*out));
	p += strspn(p, " \t\n");
	for (;;) {
		int lo = cpu_number(&p), hi = lo;

		if (lo >= 0 && *p == '-') {
			p++;
			hi = cpu_number(&p);
		}
		if (lo < 0 || hi < lo)
			goto fail;
		for (int c = lo; c <= hi; c++)
			out->bits[c / 64] |= 1ull << (c % 64);
		if (*p != ',')
			break;
		p++;
	}
	p += strspn(p, " \t\n");
	if (*p == '\0')
		return 0;
fail:
	memset(out, 0, sizeof(*out));
	return -EINVAL;
}

bool cgroup_cpuset_subset(const struct cgroup_cpuset *a, const struct cgroup_cpuset *b)
{
	for (size_t i = 0; i < CGROUP_MAX_CPUS / 64; i++)
		if (a->bits[i] & ~b->bits[i])
			return false;
	return true;
}

unsigned cgroup_cpuset_count(const struct cgroup_cpuset *s)
{
	unsigned n = 0;

	for (size_t i = 0; i < CGROUP_MAX_CPUS / 64; i++)
		n += (unsigned)__builtin_popcountll(s->bits[i]);
	return n;
}
