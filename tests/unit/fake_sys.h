/* fake_sys.h — a fake of the system calls the child-side step runners make, with one ordered
 * log of the calls, so a test asserts which calls a runner made, with which arguments and in
 * which order (cmocka's expectation queues are per function and can't see the order).
 *
 * A test that includes this header is linked with tests/unit/fake_sys*.c and the --wrap flags
 * listed in their LDWRAP lines (see the Makefile). Outside fake_begin() .. fake_end() every wrapped
 * call goes to libc unchanged; in between, none does: each call is logged and answered by the fake.
 *
 * A log entry is the call as text, "mount(NULL,/,NULL,MS_REC|MS_SLAVE)", followed by its result
 * when that is not 0: " = 100" (an fd), " = -1 EPERM" (errno), " = -EPERM" (sbx's own helpers,
 * which return -errno). Flags are printed by name (mount attributes and openat2's RESOLVE_*
 * without their prefix, to keep the lines short). Every fd the fake hands out is new, counting
 * from FAKE_FD (100), so a test knows the numbers to expect. Unless a rule says otherwise, every
 * call succeeds (but execve and clone, which fail with ENOENT and EAGAIN), fstat/fstatat report
 * a directory, getppid() is 0 (a new pid namespace) and capget() reports no capability. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "plan/plan.h"

#define FAKE_FD 100

/* Start faking: clear the log and the rules, hand out fds from FAKE_FD again. */
void fake_begin(void);
/* Stop faking; fails the test if a rule was never used (a prefix that matched nothing). */
#define fake_end() fake_end_at(__FILE__, __LINE__)
void fake_end_at(const char *file, int line);
/* A cmocka teardown that stops faking, for a test that failed half way. */
int fake_teardown(void **state);

/* Rules, each used once, by the first call whose text (without the result) starts with @call;
 * rules added earlier are tried first. */
void fake_fail(const char *call, int err);		/* fails with @err */
void fake_return(const char *call, long value);		/* returns @value instead */
void fake_stat(const char *call, unsigned mode);	/* fstat/fstatat: reports st_mode @mode */
void fake_readlink(const char *call, const char *text); /* readlinkat: the link reads @text */
void fake_revents(const char *call, short revents);	/* poll: returns 1, revents @revents */
/* Answered as without a rule: so that the rules after it apply to the later calls. */
void fake_default(const char *call);
/* The call of index @n in the log fails with @err, whatever it is (before any other rule). */
void fake_fail_nth(unsigned n, int err);
/* capget(): the permitted set it reports (for every call until the next fake_begin()). */
void fake_caps(uint64_t permitted);

/* The log so far: its length and entry @i. */
unsigned fake_count(void);
const char *fake_call(unsigned i);
/* How many of the fds the fake handed out are not closed (a close of one that is not open fails
 * with EBADF, which the log shows). */
unsigned fake_open_fds(void);

/* Assert that the log is exactly the given entries, in order; on a mismatch, print both. */
#define fake_assert_calls(...)                                                                     \
	fake_assert_calls_at(__FILE__, __LINE__, __VA_ARGS__, (const char *)0)
void fake_assert_calls_at(const char *file, int line, ...);
/* The same for @n entries in an array. */
#define fake_assert_list(want, n) fake_assert_list_at(__FILE__, __LINE__, want, n)
void fake_assert_list_at(const char *file, int line, const char *const *want, size_t n);

/* A runner to run on a step, for fake_assert_failures(). */
struct fake_run {
	step_run_fn run;
	const struct step *step;
	const struct run_ctx *ctx;    /* copied for each run */
	void (*setup)(void);	      /* adds the rules of the run after fake_begin(); NULL: none */
	const char *const *tolerated; /* NULL-terminated prefixes of the calls whose failure the
				       * runner ignores by design; NULL: none */
};

/* @want[0..n) is the log of a successful run of @r. Run it again for each call in it but the
 * closes and the tolerated ones, that call failing with EIO, and assert each time that the
 * runner returns -EIO, the log is the same up to that call, only closes follow it (the runner
 * does not go on) and no fd the fake handed out is left open. */
#define fake_assert_failures(r, want, n) fake_assert_failures_at(__FILE__, __LINE__, r, want, n)
void fake_assert_failures_at(const char *file, int line, const struct fake_run *r,
			     const char *const *want, size_t n);
