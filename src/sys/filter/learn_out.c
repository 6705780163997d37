/* learn_out.c — --learn's OUT.cfg: the profile text for what the command needed, on top of
 * the profiles given, and its write through a temporary file renamed over it. */
#include "sys/filter/learn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fd.h"

/* @s as a libconfig string. */
static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void learn_put_comment(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

static void put_loc(FILE *f, const struct sbx_loc *loc)
{
	if (!loc->file) {
		fputs("the command line", f);
		return;
	}
	learn_put_comment(f, loc->file);
	fprintf(f, ":%u", loc->line);
}

static int by_name(const void *a, const void *b)
{
	const struct learn_call *x = *(const struct learn_call *const *)a;
	const struct learn_call *y = *(const struct learn_call *const *)b;

	if (!x->name || !y->name)
		return !x->name - !y->name;
	return strcmp(x->name, y->name);
}

const struct learn_entry *learn_find_entry(const struct learn_entry *v, size_t n, const char *name)
{
	for (size_t i = 0; name && i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

static void put_seen(FILE *f, const struct learn_call *c)
{
	fprintf(f, "seen %llu time%s; a0..a2:", (unsigned long long)c->count,
		c->count == 1 ? "" : "s");
	for (size_t i = 0; i < c->n_args; i++)
		fprintf(f, " (0x%llx, 0x%llx, 0x%llx)", (unsigned long long)c->args[i][0],
			(unsigned long long)c->args[i][1], (unsigned long long)c->args[i][2]);
}

/* allow's value: the profile's own entries, then the learned ones; *ret_n counts the latter. */
static void put_allow(FILE *f, const struct step_learn *s, const struct learn_call *const *v,
		      size_t n, size_t *ret_n)
{
	size_t total = s->n_allow, done = 0, learned = 0;

	for (size_t i = 0; i < n; i++)
		if (v[i]->name && !learn_find_entry(s->allow, s->n_allow, v[i]->name))
			total++;
	fputs("[\n", f);
	for (size_t i = 0; i < s->n_allow; i++) {
		fputs("      ", f);
		put_string(f, s->allow[i].name);
		fputs(++done < total ? ", # kept from " : " # kept from ", f);
		put_loc(f, &s->allow[i].loc);
		fputc('\n', f);
	}
	for (size_t i = 0; i < n; i++) {
		if (!v[i]->name || learn_find_entry(s->allow, s->n_allow, v[i]->name))
			continue;
		fputs("      ", f);
		put_string(f, v[i]->name);
		fputs(++done < total ? ", # " : " # ", f);
		put_seen(f, v[i]);
		fputc('\n', f);
		learned++;
	}
	fputs("    ]", f);
	*ret_n = learned;
}

/* deny's value, which replaces the profile's list too: the same, without the names now allowed
 * (a name in both lists is a conflict). Nothing when nothing had to go. 0 or -ENOMEM. */
static int put_deny(FILE *f, const struct step_learn *s, const struct learn_call *const *v,
		    size_t n)
{
	_cleanup_free_ bool *drop = calloc(s->n_deny + 1, sizeof(bool));
	size_t n_drop = 0, done = 0;

	if (!drop)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct learn_entry *e = learn_find_entry(s->deny, s->n_deny, v[i]->name);

		if (e && !drop[e - s->deny]) {
			drop[e - s->deny] = true;
			n_drop++;
		}
	}
	if (!n_drop)
		return 0;
	fputs("[\n", f);
	for (size_t i = 0; i < s->n_deny; i++) {
		fputs(drop[i] ? "      # dropped, now allowed: " : "      ", f);
		if (drop[i]) {
			learn_put_comment(f, s->deny[i].name);
			fputs(" from ", f);
		} else {
			put_string(f, s->deny[i].name);
			fputs(++done < s->n_deny - n_drop ? ", # kept from " : " # kept from ", f);
		}
		put_loc(f, &s->deny[i].loc);
		fputc('\n', f);
	}
	fputs("    ]", f);
	return 0;
}

/* What the allow list can't change: a syscall libseccomp can't name, or one an argument rule
 * still denies for the calls it matches (rules come first, and a later file can't drop them). */
static void put_notes(FILE *f, const struct step_learn *s, const struct learn_call *const *v,
		      size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct learn_entry *r = learn_find_entry(s->ruled, s->n_ruled, v[i]->name);

		if (!v[i]->name) {
			fprintf(f,
				"# note: syscall %d of arch 0x%x has no name and can't be "
				"allowed here; ",
				v[i]->nr, (unsigned)v[i]->arch);
			put_seen(f, v[i]);
			fputc('\n', f);
		} else if (r) {
			fprintf(f, "# note: %s: the rule at ", v[i]->name);
			put_loc(f, &r->loc);
			fputs(" still decides the calls it matches\n", f);
		}
	}
}

/* What the command line set when this was learned, which the settings below carry over. */
static void put_command_line(FILE *f, const struct step_learn *s)
{
	if (s->n_sets)
		fputs(
		    "# Given on the command line when this was learned, and carried over below so\n"
		    "# that this profile is the policy that was learned:\n",
		    f);
	for (size_t i = 0; i < s->n_sets; i++) {
		fputs("#   ", f);
		learn_put_comment(f, s->set_origins[i]);
		fputc('\n', f);
	}
	for (size_t i = 0; i < s->n_dropped; i++) {
		fputs("# note: ", f);
		learn_put_comment(f, s->dropped[i]);
		fputs(": a mount from the command line is not carried over; give it again\n", f);
	}
}

/* The command line's settings, with security.seccomp's allow (and deny) made here over them. */
static int put_settings(FILE *f, const struct step_learn *s, const struct learn_call *const *v,
			size_t n, size_t *ret_n)
{
	_cleanup_free_ char *allow = NULL, *deny = NULL;
	size_t len_a = 0, len_d = 0;
	FILE *fa = open_memstream(&allow, &len_a), *fd = open_memstream(&deny, &len_d);
	struct profile_verbatim lists[2] = {{"security.seccomp.allow", NULL},
					    {"security.seccomp.deny", NULL}};
	struct sbx_err err = {0};
	int ra, rd, r = 0;

	if (fa)
		put_allow(fa, s, v, n, ret_n);
	if (fd)
		r = put_deny(fd, s, v, n);
	ra = fa ? fclose(fa) : EOF;
	rd = fd ? fclose(fd) : EOF;
	if (r < 0 || ra != 0 || rd != 0 || !allow || !deny)
		return -ENOMEM;
	lists[0].text = allow;
	lists[1].text = deny;
	return profile_render_sets(s->sets, s->n_sets, lists, *deny ? 2 : 1, f, &err);
}

int learn_text(const struct learn_log *log, const struct step_learn *s, char **ret, size_t *ret_n)
{
	_cleanup_free_ const struct learn_call **v = calloc(log->n_calls + 1, sizeof(*v));
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, n = 0;
	FILE *f;
	int r;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < log->n_calls; i++)
		v[i] = &log->calls[i];
	qsort(v, log->n_calls, sizeof(*v), by_name);
	f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;
	fputs("# Written by sbx --learn: the profiles below, and every syscall the command made\n"
	      "# that they would have denied, with how often and the first arguments seen (a\n"
	      "# syscall's unused arguments show what its registers held).\n"
	      "include = [ ",
	      f);
	for (size_t i = 0; i < s->n_include; i++) {
		fputs(i ? ", " : "", f);
		put_string(f, s->include[i]);
	}
	fputs(" ];\n", f);
	put_notes(f, s, v, log->n_calls);
	put_command_line(f, s);
	r = put_settings(f, s, v, log->n_calls, &n);
	if (fclose(f) != 0 || !buf)
		return -ENOMEM;
	if (r < 0)
		return r;
	*ret = TAKE_PTR(buf);
	*ret_n = n;
	return 0;
}

int learn_check_target(const char *path, struct stat *ret_st, struct sbx_err *err)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : sbx_err_errno(err, NULL, "--learn %s", path);
	if (!S_ISREG(st.st_mode))
		return sbx_err_set(err, NULL, -EEXIST,
				   "--learn %s: exists and is not a regular file; not replaced",
				   path);
	if (ret_st)
		*ret_st = st;
	return 1;
}

int learn_write_file(const char *path, const char *text, struct sbx_err *err)
{
	_cleanup_free_ char *tmp = NULL;
	_cleanup_close_ int fd = -1;
	mode_t mask;
	int r = learn_check_target(path, NULL, err);

	if (r < 0)
		return r;
	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return sbx_err_errno(err, NULL, "--learn %s: creating a temporary file", path);
	mask = umask(0);
	umask(mask);
	r = fd_write_all(fd, text, strlen(text));
	if (r == 0 && (fchmod(fd, 0666 & ~mask) < 0 || fsync(fd) < 0))
		r = -errno;
	if (r == 0 && close(TAKE_FD(fd)) < 0)
		r = -errno;
	if (r < 0) {
		(void)unlink(tmp);
		return sbx_err_set(err, NULL, r, "--learn %s: writing %s: %s", path, tmp,
				   strerror(-r));
	}
	r = learn_check_target(path, NULL, err); /* again: it may have appeared meanwhile */
	if (r >= 0 && rename(tmp, path) < 0)
		r = sbx_err_errno(err, NULL, "--learn %s", path);
	if (r < 0) {
		(void)unlink(tmp);
		return r;
	}
	return 0;
}
