/* tables.h — the groups and presets (groups.c), private to src/sys/filter. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "profile/profile.h"

/* clone(2)'s flags argument: a1 where the kernel swaps the first two (s390, cris). */
#if defined(__s390__) || defined(__CRIS__)
#define FILTER_CLONE_FLAGS_ARG 1
#else
#define FILTER_CLONE_FLAGS_ARG 0
#endif

struct filter_group {
	const char *name;	    /* "@mount" */
	const char *reason;	    /* one line */
	const char *const *members; /* syscall names of any architecture, or "@group" */
	size_t n_members;
};

enum filter_how {
	FILTER_DENY,	    /* deny_action, whatever the arguments */
	FILTER_ENOSYS,	    /* errno ENOSYS, whatever deny_action says */
	FILTER_DENY_IF,	    /* deny_action when any one of the conditions holds */
	FILTER_ONLY_VALUES, /* deny_action unless a0 is the query 0xffffffff or has no bit
			     * outside @free_bits (a0 < 2^32) */
};

/* personality(2): PER_LINUX32 and UNAME26 may be set, alone or together. */
#define FILTER_PERSONALITY_FREE 0x20008u

struct filter_preset_entry {
	const char *name; /* a syscall, or "@group" (FILTER_DENY only) */
	enum filter_how how;
	const struct seccomp_cond *conds; /* FILTER_DENY_IF */
	size_t n_conds;
	uint32_t free_bits; /* FILTER_ONLY_VALUES */
	const char *reason;
};

extern const struct filter_group filter_groups[];
extern const size_t filter_n_groups;
extern const struct filter_preset_entry filter_preset_default[];
extern const size_t filter_n_preset_default;

/* A syscall the filter always allows when default_action denies, and why. */
struct filter_base_entry {
	const char *name;
	const char *why; /* what denying it would do */
};

extern const struct filter_base_entry filter_base[];
extern const size_t filter_n_base;

/* Does @p's default_action deny, so that the base applies? */
bool filter_base_on(const struct profile *p);

/* The group called @name ("@mount"), or NULL. */
const struct filter_group *filter_find_group(const char *name);
