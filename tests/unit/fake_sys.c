/* fake_sys.c — the fake behind fake_sys.h: the log, the rules and what the wrappers of
 * fake_sys_fs.c and fake_sys_proc.c share to log a call and answer it (fake_sys_call.h). */
#include "fake_sys.h"
#include "fake_sys_call.h"

#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define LOG_MAX 512
#define RULES_MAX 64

static bool armed;
static char log_text[LOG_MAX][ENTRY_MAX];
static unsigned n_log;
static struct rule rules[RULES_MAX];
static unsigned n_rules;
static int next_fd;
static bool fd_open[LOG_MAX]; /* fd FAKE_FD + i is open */
static uint64_t cap_permitted;

void fake_begin(void)
{
	n_log = 0;
	n_rules = 0;
	next_fd = FAKE_FD;
	memset(fd_open, 0, sizeof(fd_open));
	cap_permitted = 0;
	armed = true;
}

void fake_end_at(const char *file, int line)
{
	bool unused = false;

	armed = false;
	for (unsigned i = 0; i < n_rules; i++) {
		if (!rules[i].used) {
			print_error("fake rule never used: %s\n", rules[i].call);
			unused = true;
		}
	}
	if (unused)
		_fail(file, line);
}

int fake_teardown(void **state)
{
	(void)state;
	armed = false;
	return 0;
}

static struct rule *add_rule(const char *call)
{
	struct rule *r;

	assert_true(n_rules < RULES_MAX);
	r = &rules[n_rules++];
	memset(r, 0, sizeof(*r));
	snprintf(r->call, sizeof(r->call), "%s", call);
	r->nth = -1;
	return r;
}

void fake_fail_nth(unsigned n, int err)
{
	struct rule *r = add_rule("");

	snprintf(r->call, sizeof(r->call), "call #%u", n);
	r->nth = (int)n;
	r->err = err;
}

void fake_fail(const char *call, int err)
{
	add_rule(call)->err = err;
}

void fake_return(const char *call, long value)
{
	struct rule *r = add_rule(call);

	r->has_ret = true;
	r->ret = value;
}

void fake_stat(const char *call, unsigned mode)
{
	struct rule *r = add_rule(call);

	r->has_mode = true;
	r->mode = mode;
}

void fake_readlink(const char *call, const char *text)
{
	add_rule(call)->text = text;
}

void fake_revents(const char *call, short revents)
{
	add_rule(call)->revents = revents;
}

void fake_default(const char *call)
{
	add_rule(call);
}

void fake_caps(uint64_t permitted)
{
	cap_permitted = permitted;
}

unsigned fake_count(void)
{
	return n_log;
}

const char *fake_call(unsigned i)
{
	return i < n_log ? log_text[i] : NULL;
}

unsigned fake_open_fds(void)
{
	unsigned n = 0;

	for (size_t i = 0; i < LOG_MAX; i++)
		n += fd_open[i];
	return n;
}

static void print_lists(const char *const *want, size_t n)
{
	size_t i;

	print_error("calls made (%u):\n", n_log);
	for (i = 0; i < n_log; i++)
		print_error("  %c %s\n", i < n && strcmp(want[i], log_text[i]) == 0 ? ' ' : '>',
			    log_text[i]);
	print_error("calls expected (%zu):\n", n);
	for (i = 0; i < n; i++)
		print_error("  %c %s\n", i < n_log && strcmp(want[i], log_text[i]) == 0 ? ' ' : '>',
			    want[i]);
}

void fake_assert_list_at(const char *file, int line, const char *const *want, size_t n)
{
	bool same = n == n_log;

	for (size_t i = 0; same && i < n; i++)
		same = strcmp(want[i], log_text[i]) == 0;
	if (same)
		return;
	armed = false;
	print_lists(want, n);
	_fail(file, line);
}

void fake_assert_calls_at(const char *file, int line, ...)
{
	const char *want[LOG_MAX];
	size_t n = 0;
	const char *s;
	va_list ap;

	va_start(ap, line);
	while ((s = va_arg(ap, const char *)) && n < LOG_MAX)
		want[n++] = s;
	va_end(ap);
	fake_assert_list_at(file, line, want, n);
}

static bool tolerated(const struct fake_run *r, const char *call)
{
	for (size_t i = 0; r->tolerated && r->tolerated[i]; i++)
		if (strncmp(call, r->tolerated[i], strlen(r->tolerated[i])) == 0)
			return true;
	return false;
}

/* The log entry @i of the run that made call @i fail, checked against the successful @want. */
static bool check_failed_run(const char *const *want, size_t i, int r)
{
	const char *res = strstr(want[i], " = ");
	size_t len = res ? (size_t)(res - want[i]) : strlen(want[i]);
	const char *got = i < n_log ? log_text[i] : "(nothing)";
	bool ok = true;

	if (r != -EIO) {
		print_error("call %zu failing, %s: the runner returned %d, not -EIO\n", i, got, r);
		ok = false;
	}
	for (size_t j = 0; j < i && j < n_log; j++)
		ok = ok && strcmp(want[j], log_text[j]) == 0;
	if (n_log <= i || strncmp(got, want[i], len) != 0 || got[len] != ' ' ||
	    !strstr(got + len, "EIO")) {
		print_error("call %zu failing: it is not %.*s failing with EIO\n", i, (int)len,
			    want[i]);
		ok = false;
	}
	for (size_t j = i + 1; j < n_log; j++) {
		if (strncmp(log_text[j], "close(", 6) != 0 || strstr(log_text[j], " = ")) {
			print_error("call %zu failing: the runner went on with %s\n", i,
				    log_text[j]);
			ok = false;
		}
	}
	if (fake_open_fds() != 0) {
		print_error("call %zu failing: %u fd(s) left open\n", i, fake_open_fds());
		ok = false;
	}
	return ok;
}

void fake_assert_failures_at(const char *file, int line, const struct fake_run *r,
			     const char *const *want, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct run_ctx ctx = *r->ctx;
		int k;

		if (strncmp(want[i], "close(", 6) == 0 || tolerated(r, want[i]))
			continue;
		fake_begin();
		if (r->setup)
			r->setup();
		fake_fail_nth((unsigned)i, EIO);
		k = r->run(r->step, &ctx);
		armed = false;
		if (!check_failed_run(want, i, k)) {
			print_lists(want, i + 1);
			_fail(file, line);
		}
	}
}

/* ---- one log entry (fake_sys_call.h) ---- */

void call_add(struct call *c, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(c->text + c->len, sizeof(c->text) - c->len, fmt, ap);
	va_end(ap);
	if (k > 0)
		c->len += (size_t)k;
	if (c->len >= sizeof(c->text))
		c->len = sizeof(c->text) - 1;
}

/* A string argument: NULL, "" for the empty string, else as it is. */
void call_str(struct call *c, const char *s)
{
	call_add(c, "%s", !s ? "NULL" : *s ? s : "\"\"");
}

void call_dfd(struct call *c, int dfd)
{
	if (dfd == AT_FDCWD)
		call_add(c, "AT_FDCWD");
	else
		call_add(c, "%d", dfd);
}

/* @v as the names of its bits in @t, joined by '|'; bits without a name in hex; 0 as "0". */
void call_flags(struct call *c, unsigned long v, const struct flag *t, size_t n)
{
	bool first = true;

	for (size_t i = 0; i < n; i++) {
		if (t[i].value && (v & t[i].value) == t[i].value) {
			call_add(c, "%s%s", first ? "" : "|", t[i].name);
			v &= ~t[i].value;
			first = false;
		}
	}
	if (v || first)
		call_add(c, "%s%#lx", first ? "" : "|", v);
}

static const struct flag open_flags[] = {
    FLAG(O_PATH),     FLAG(O_WRONLY),	 FLAG(O_RDWR),	   FLAG(O_CREAT),
    FLAG(O_EXCL),     FLAG(O_NOCTTY),	 FLAG(O_TRUNC),	   FLAG(O_APPEND),
    FLAG(O_NONBLOCK), FLAG(O_DIRECTORY), FLAG(O_NOFOLLOW), FLAG(O_CLOEXEC),
};

/* Open flags: the access mode is named only when it is not O_PATH's. */
void call_open_flags(struct call *c, unsigned long flags)
{
	if (!(flags & O_PATH) && (flags & O_ACCMODE) == O_RDONLY)
		call_add(c, "%s", flags == O_RDONLY ? "O_RDONLY" : "O_RDONLY|");
	if (flags != O_RDONLY || (flags & O_PATH))
		CALL_FLAGS(c, flags, open_flags);
}

/* The first rule not used yet that the call's text starts with, or NULL. */
struct rule *call_find_rule(const struct call *c)
{
	for (unsigned i = 0; i < n_rules; i++)
		if (!rules[i].used && rules[i].nth == (int)n_log)
			return &rules[i];
	for (unsigned i = 0; i < n_rules; i++)
		if (!rules[i].used && rules[i].nth < 0 &&
		    strncmp(c->text, rules[i].call, strlen(rules[i].call)) == 0)
			return &rules[i];
	return NULL;
}

bool call_has_rule(const struct call *c)
{
	return call_find_rule(c) != NULL;
}

/* Find the rule for the call, log it with its result and set errno: the call's return value.
 * @fd: a success hands out a new fd (unless a rule gives the value). @neg: the function
 * returns -errno itself (sbx's helpers) instead of -1 and errno. */
long call_finish_as(struct call *c, long value, bool fd, bool neg)
{
	struct rule *r = call_find_rule(c);
	int err = 0;

	assert_true(n_log < LOG_MAX);
	if (r) {
		r->used = true;
		err = r->err;
	}
	c->rule = r;
	if (err)
		value = neg ? -err : -1;
	else if (r && r->has_ret)
		value = r->ret;
	else if (fd)
		value = call_new_fd();
	memcpy(log_text[n_log], c->text, c->len + 1);
	if (err && neg)
		snprintf(log_text[n_log] + c->len, ENTRY_MAX - c->len, " = -%s",
			 strerrorname_np(err));
	else if (err)
		snprintf(log_text[n_log] + c->len, ENTRY_MAX - c->len, " = -1 %s",
			 strerrorname_np(err));
	else if (value)
		snprintf(log_text[n_log] + c->len, ENTRY_MAX - c->len, " = %ld", value);
	n_log++;
	if (err && !neg)
		errno = err;
	return value;
}

long call_finish(struct call *c)
{
	return call_finish_as(c, 0, false, false);
}

long call_finish_fd(struct call *c)
{
	return call_finish_as(c, 0, true, false);
}

bool fake_armed(void)
{
	return armed;
}

uint64_t fake_permitted(void)
{
	return cap_permitted;
}

int call_new_fd(void)
{
	assert_true(next_fd < FAKE_FD + LOG_MAX);
	fd_open[next_fd - FAKE_FD] = true;
	return next_fd++;
}

bool call_close_fd(int fd)
{
	if (fd < FAKE_FD || fd >= FAKE_FD + LOG_MAX)
		return true;
	if (!fd_open[fd - FAKE_FD])
		return false;
	fd_open[fd - FAKE_FD] = false;
	return true;
}

void call_amend(const char *fmt, ...)
{
	char *entry = log_text[n_log - 1];
	size_t len = strlen(entry);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(entry + len, ENTRY_MAX - len, fmt, ap);
	va_end(ap);
}
