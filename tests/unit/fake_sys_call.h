/* fake_sys_call.h — what the wrappers of fake_sys_fs.c and fake_sys_proc.c share with the core
 * of the fake (fake_sys.c): a call is built as text with call_add() and friends, then
 * call_finish() finds its rule, logs it with its result and gives the value to return. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ENTRY_MAX 200

struct rule {
	char call[ENTRY_MAX];
	int err;      /* != 0: fail with it */
	bool has_ret; /* return ret */
	long ret;
	bool has_mode; /* fstat/fstatat: st_mode */
	unsigned mode;
	const char *text; /* readlinkat */
	short revents;	  /* poll */
	int nth;	  /* >= 0: the rule is for the call of that index, whatever its text */
	bool used;
};

struct call {
	char text[ENTRY_MAX];
	size_t len;
	struct rule *rule; /* the rule that answered it, or NULL */
};

struct flag {
	unsigned long value;
	const char *name;
};
#define FLAG(x)                                                                                    \
	{                                                                                          \
		x, #x                                                                              \
	}

/* Is the fake on (between fake_begin() and fake_end())? Else the wrappers call libc. */
bool fake_armed(void);
/* What capget() reports as permitted (fake_caps()). */
uint64_t fake_permitted(void);

void call_add(struct call *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A string argument: NULL, "" for the empty string, else as it is. */
void call_str(struct call *c, const char *s);
/* A directory fd argument: AT_FDCWD by name. */
void call_dfd(struct call *c, int dfd);
/* @v as the names of its bits in @t, joined by '|'; bits without a name in hex; 0 as "0". */
void call_flags(struct call *c, unsigned long v, const struct flag *t, size_t n);
#define CALL_FLAGS(c, v, t) call_flags(c, v, t, sizeof(t) / sizeof(t[0]))
/* open(2) flags: the access mode is named only when it is not O_PATH's. */
void call_open_flags(struct call *c, unsigned long flags);

/* The first rule not used yet that the call's text starts with, or NULL. */
struct rule *call_find_rule(const struct call *c);
bool call_has_rule(const struct call *c);
/* Find the rule for the call, log it with its result and set errno: the value to return
 * (@value unless a rule or @fd says otherwise). @fd: a success hands out a new fd. @neg: the
 * function returns -errno itself (sbx's helpers) instead of -1 and errno. */
long call_finish_as(struct call *c, long value, bool fd, bool neg);
long call_finish(struct call *c);    /* 0 */
long call_finish_fd(struct call *c); /* a new fd */
/* A new fd, for a call that hands out more than one. */
int call_new_fd(void);
/* close(@fd): false when @fd is a fake fd that is not open. */
bool call_close_fd(int fd);
/* Append to the log entry of the call just finished. */
void call_amend(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
