/* bench.c — the timing driver of `make bench` (see bench/run.sh).
 *
 *   bench [-r ROUNDS] [-w WARMUP] [-t SECS] [-v] FILE       start-up: every launcher of FILE
 *   bench -c COPIES [-l LABEL] [-t SECS] [-v] FILE           concurrency: COPIES of one at once
 *
 * FILE holds one launcher per line: a label (no blanks), then its argv, fields separated by
 * tabs, so arguments may contain spaces. Empty lines and lines starting with # are ignored.
 * Any "{n}" inside an argument is replaced by a string unique to each run (for container ids).
 * A field "<N=PATH" right after the label opens PATH read-only as descriptor N of every run
 * (bwrap's --seccomp N reads its filter so), each run getting its own open file at offset 0.
 *
 * Start-up mode runs each launcher WARMUP times (default 5), then ROUNDS times (default 40)
 * interleaved, A B C A B C ..., so drift of the machine hits every launcher alike. Each run is
 * posix_spawn() with stdin, stdout and stderr on /dev/null (-v keeps stderr), then wait4();
 * the wall time is taken around both with CLOCK_MONOTONIC, and the peak RSS is wait4()'s
 * ru_maxrss (the launcher and the descendants it reaped). A run that does not exit 0, or
 * outlives SECS (default 10; it is then killed), is a failure: it is counted and left out of
 * the figures. Output, one line per launcher after a header:
 *
 *   launcher  runs  failed  median_ms  min_ms  max_ms  rss_kib  first_failure
 *
 * Concurrency mode starts COPIES (default 100) runs of the launcher LABEL (default: the first)
 * at once, waits for all (SECS defaults to 60 for the whole batch), and prints
 *
 *   concurrent launcher=LABEL copies=N wall_ms=X failed=N first_failure=REASON
 *
 * Exit status: 0 when every run succeeded, 1 when some failed, 2 on a usage or setup error. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define PLACEHOLDER "{n}"

struct launcher {
	char *line;	     /* the line of FILE, split in place; owns label and argv's strings */
	char *label;	     /* borrowed from line */
	char **argv;	     /* NULL-terminated; the array is owned, the strings borrowed */
	int in_fd;	     /* -1, or the descriptor in_path is opened as in each run */
	const char *in_path; /* borrowed from line */
	double *ms;	     /* wall time of each successful run */
	long *rss;	     /* ru_maxrss (KiB) of each successful run */
	size_t n_ok;
	size_t n_failed;
	char first_failure[64]; /* "exit=1", "signal=9", "timeout", "spawn=ENOENT"; "" if none */
};

struct opts {
	unsigned rounds;
	unsigned warmup;
	unsigned copies; /* 0: start-up mode */
	unsigned timeout_s;
	const char *label;
	const char *file;
	int keep_stderr;
};

struct run_result {
	double ms;
	long rss_kib;
	char failure[64]; /* "" when the run succeeded */
};

/* Interrupts wait4() when a run outlives its time; the handler has nothing else to do. */
static void on_alarm(int sig)
{
	(void)sig;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void arm_timer(unsigned seconds)
{
	struct itimerval it = {.it_value = {.tv_sec = seconds}};

	(void)setitimer(ITIMER_REAL, &it, NULL);
}

static void describe_status(int status, char *buf, size_t size)
{
	if (WIFEXITED(status))
		snprintf(buf, size, "exit=%d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "signal=%d", WTERMSIG(status));
	else
		snprintf(buf, size, "status=%#x", (unsigned)status);
}

static void describe_errno(const char *what, int code, char *buf, size_t size)
{
	const char *name = strerrorname_np(code);

	if (name)
		snprintf(buf, size, "%s=%s", what, name);
	else
		snprintf(buf, size, "%s=%d", what, code);
}

/* Split one line of FILE into @l; returns -EINVAL when it has no label or no command. */
static int launcher_parse(struct launcher *l, char *line)
{
	size_t n = 0, cap = 8;
	char *field, *rest = line;

	l->line = line;
	l->in_fd = -1;
	l->label = strsep(&rest, "\t");
	if (!l->label[0] || strpbrk(l->label, " ") || !rest)
		return -EINVAL;
	if (rest[0] == '<') {
		char *end;
		long fd = strtol(rest + 1, &end, 10);

		field = strsep(&rest, "\t");
		if (end == field + 1 || *end != '=' || fd < 3 || fd > 1000 || !end[1] || !rest)
			return -EINVAL;
		l->in_fd = (int)fd;
		l->in_path = end + 1;
	}
	l->argv = calloc(cap, sizeof(*l->argv));
	if (!l->argv)
		return -ENOMEM;
	while ((field = strsep(&rest, "\t"))) {
		if (n + 2 > cap) {
			char **more = reallocarray(l->argv, cap * 2, sizeof(*l->argv));

			if (!more)
				return -ENOMEM;
			l->argv = more;
			cap *= 2;
		}
		l->argv[n++] = field;
		l->argv[n] = NULL;
	}
	return l->argv[0][0] ? 0 : -EINVAL;
}

/* Read every launcher of @path into *ret (owned by the caller, freed with launchers_free). */
static int launchers_read(const char *path, struct launcher **ret, size_t *ret_n)
{
	FILE *f = fopen(path, "re");
	struct launcher *all = NULL;
	size_t n = 0, len = 0, lineno = 0;
	char *line = NULL;
	ssize_t got;
	int r = 0;

	if (!f)
		return -errno;
	while (r == 0 && (got = getline(&line, &len, f)) >= 0) {
		lineno++;
		if (got > 0 && line[got - 1] == '\n')
			line[--got] = '\0';
		if (got == 0 || line[0] == '#')
			continue;
		struct launcher *more = reallocarray(all, n + 1, sizeof(*all));
		if (!more) {
			r = -ENOMEM;
			break;
		}
		all = more;
		memset(&all[n], 0, sizeof(all[n]));
		r = launcher_parse(&all[n++], line);
		line = NULL; /* now owned by the launcher */
		len = 0;
		if (r == -EINVAL)
			fprintf(
			    stderr,
			    "bench: %s:%zu: want LABEL[<tab><N=PATH]<tab>COMMAND[<tab>ARG...]\n",
			    path, lineno);
	}
	free(line);
	fclose(f);
	*ret = all;
	*ret_n = n;
	return r;
}

static void launchers_free(struct launcher *all, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(all[i].line);
		free(all[i].argv);
		free(all[i].ms);
		free(all[i].rss);
	}
	free(all);
}

/* A copy of @argv with every PLACEHOLDER replaced by @tag; NULL when out of memory. Only
 * the arguments that hold it are new; free_expanded() knows which. */
static char **expand_argv(char *const *argv, const char *tag)
{
	size_t n = 0;
	char **out;

	while (argv[n])
		n++;
	out = calloc(n + 1, sizeof(*out));
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const char *at = strstr(argv[i], PLACEHOLDER);

		if (!at) {
			out[i] = argv[i];
			continue;
		}
		if (asprintf(&out[i], "%.*s%s%s", (int)(at - argv[i]), argv[i], tag,
			     at + strlen(PLACEHOLDER)) < 0)
			out[i] = NULL; /* the spawn then runs a truncated argv and fails */
	}
	return out;
}

static void free_expanded(char **expanded, char *const *argv)
{
	for (size_t i = 0; argv[i]; i++)
		if (expanded[i] != argv[i])
			free(expanded[i]);
	free(expanded);
}

/* Start @argv with 0-2 on /dev/null (@null_in, @null_out; stderr too unless @keep_stderr),
 * and @in_path open as @in_fd unless that is -1. */
static int spawn(char *const *argv, int in_fd, const char *in_path, int null_in, int null_out,
		 int keep_stderr, pid_t *ret_pid)
{
	posix_spawn_file_actions_t fa;
	int r;

	posix_spawn_file_actions_init(&fa);
	if (in_fd >= 0)
		posix_spawn_file_actions_addopen(&fa, in_fd, in_path, O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, null_in, 0);
	posix_spawn_file_actions_adddup2(&fa, null_out, 1);
	if (!keep_stderr)
		posix_spawn_file_actions_adddup2(&fa, null_out, 2);
	r = posix_spawnp(ret_pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	return -r;
}

/* Reap @pid, killing it once the armed timer fires; fills @res's failure unless it exited 0. */
static void reap(pid_t pid, struct run_result *res)
{
	struct rusage ru;
	int status = 0, timed_out = 0;

	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			describe_errno("wait4", errno, res->failure, sizeof(res->failure));
			return;
		}
		timed_out = 1;
		(void)kill(pid, SIGKILL);
	}
	res->rss_kib = ru.ru_maxrss;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return;
	if (timed_out)
		snprintf(res->failure, sizeof(res->failure), "timeout");
	else
		describe_status(status, res->failure, sizeof(res->failure));
}

/* One timed run of @l with @argv (its argv, expanded). */
static void run_once(const struct launcher *l, char *const *argv, const struct opts *o,
		     const int nullfd[2], struct run_result *res)
{
	pid_t pid;
	double t0;
	int r;

	memset(res, 0, sizeof(*res));
	arm_timer(o->timeout_s); /* before the clock starts, so it costs the run nothing */
	t0 = now_ms();
	r = spawn(argv, l->in_fd, l->in_path, nullfd[0], nullfd[1], o->keep_stderr, &pid);
	if (r < 0)
		describe_errno("spawn", -r, res->failure, sizeof(res->failure));
	else
		reap(pid, res);
	res->ms = now_ms() - t0;
	arm_timer(0);
}

/* Run launcher @l once; record the result unless @warmup. */
static void launcher_run(struct launcher *l, const struct opts *o, const int nullfd[2],
			 unsigned long seq, int warmup)
{
	struct run_result res;
	char tag[64];
	char **argv;

	snprintf(tag, sizeof(tag), "%ld-%lu", (long)getpid(), seq);
	argv = expand_argv(l->argv, tag);
	if (!argv) {
		snprintf(res.failure, sizeof(res.failure), "ENOMEM");
	} else {
		run_once(l, argv, o, nullfd, &res);
		free_expanded(argv, l->argv);
	}
	if (warmup)
		return;
	if (res.failure[0]) {
		if (l->n_failed++ == 0)
			snprintf(l->first_failure, sizeof(l->first_failure), "%s", res.failure);
		return;
	}
	l->ms[l->n_ok] = res.ms;
	l->rss[l->n_ok] = res.rss_kib;
	l->n_ok++;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/* The median of @n sorted values: the middle one, or the mean of the middle two. */
static double median_sorted(const double *v, size_t n)
{
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void print_launcher(struct launcher *l, int width)
{
	const char *why = l->first_failure[0] ? l->first_failure : "-";
	size_t n = l->n_ok;

	if (n == 0) {
		printf("%-*s %5zu %7zu %10s %8s %8s %8s  %s\n", width, l->label, l->n_failed,
		       l->n_failed, "-", "-", "-", "-", why);
		return;
	}
	qsort(l->ms, n, sizeof(*l->ms), cmp_double);
	qsort(l->rss, n, sizeof(*l->rss), cmp_long);
	printf("%-*s %5zu %7zu %10.2f %8.2f %8.2f %8ld  %s\n", width, l->label, n + l->n_failed,
	       l->n_failed, median_sorted(l->ms, n), l->ms[0], l->ms[n - 1],
	       n % 2 ? l->rss[n / 2] : (l->rss[n / 2 - 1] + l->rss[n / 2]) / 2, why);
}

/* Start-up mode: warm-up, then interleaved rounds, then the table. */
static int bench_startup(struct launcher *all, size_t n, const struct opts *o, const int nullfd[2])
{
	unsigned long seq = 0;
	int width = (int)strlen("launcher"), failed = 0;

	for (size_t i = 0; i < n; i++) {
		all[i].ms = calloc(o->rounds, sizeof(*all[i].ms));
		all[i].rss = calloc(o->rounds, sizeof(*all[i].rss));
		if (!all[i].ms || !all[i].rss)
			return -ENOMEM;
		if ((int)strlen(all[i].label) > width)
			width = (int)strlen(all[i].label);
	}
	for (size_t i = 0; i < n; i++)
		for (unsigned k = 0; k < o->warmup; k++)
			launcher_run(&all[i], o, nullfd, seq++, 1);
	for (unsigned k = 0; k < o->rounds; k++)
		for (size_t i = 0; i < n; i++)
			launcher_run(&all[i], o, nullfd, seq++, 0);

	printf("# bench: %zu launcher(s), %u warm-up and %u interleaved run(s) each\n", n,
	       o->warmup, o->rounds);
	printf("%-*s %5s %7s %10s %8s %8s %8s  %s\n", width, "launcher", "runs", "failed",
	       "median_ms", "min_ms", "max_ms", "rss_kib", "first_failure");
	for (size_t i = 0; i < n; i++) {
		print_launcher(&all[i], width);
		failed |= all[i].n_failed > 0;
	}
	return failed;
}

/* Reap every pid of @pids (0 once reaped) until all are gone; past the armed timer, kill the
 * rest. Returns the number that failed; @why gets the first reason unless it holds one. */
static unsigned reap_all(pid_t *pids, unsigned n, char *why, size_t size)
{
	unsigned left = n, failed = 0;
	int status, timed_out = 0;
	pid_t pid;

	while (left > 0) {
		pid = waitpid(-1, &status, 0);
		if (pid < 0 && errno == EINTR) {
			timed_out = 1;
			for (unsigned i = 0; i < n; i++)
				if (pids[i] > 0)
					(void)kill(pids[i], SIGKILL);
			continue;
		}
		if (pid < 0)
			break; /* ECHILD: nothing left that is ours */
		for (unsigned i = 0; i < n; i++)
			if (pids[i] == pid)
				pids[i] = 0;
		left--;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			continue;
		if (failed++ == 0 && !why[0]) {
			if (timed_out)
				snprintf(why, size, "timeout");
			else
				describe_status(status, why, size);
		}
	}
	return failed + left;
}

/* Concurrency mode: @o->copies runs of @l started back to back, then all waited for. */
static int bench_concurrent(struct launcher *l, const struct opts *o, const int nullfd[2])
{
	pid_t *pids = calloc(o->copies, sizeof(*pids));
	unsigned started = 0, failed = 0;
	char why[64] = "";
	double t0;
	int r = 0;

	if (!pids)
		return -ENOMEM;
	t0 = now_ms();
	for (; started < o->copies; started++) {
		char tag[64], **argv;

		snprintf(tag, sizeof(tag), "%ld-c%u", (long)getpid(), started);
		argv = expand_argv(l->argv, tag);
		r = argv ? spawn(argv, l->in_fd, l->in_path, nullfd[0], nullfd[1], o->keep_stderr,
				 &pids[started])
			 : -ENOMEM;
		if (argv)
			free_expanded(argv, l->argv);
		if (r < 0) {
			describe_errno("spawn", -r, why, sizeof(why));
			break;
		}
	}
	arm_timer(o->timeout_s);
	failed = reap_all(pids, started, why, sizeof(why)) + (o->copies - started);
	arm_timer(0);
	printf("concurrent launcher=%s copies=%u wall_ms=%.2f failed=%u first_failure=%s\n",
	       l->label, o->copies, now_ms() - t0, failed, why[0] ? why : "-");
	free(pids);
	return failed > 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: bench [-r ROUNDS] [-w WARMUP] [-t SECS] [-v] FILE\n"
			"       bench -c COPIES [-l LABEL] [-t SECS] [-v] FILE\n");
	return 2;
}

/* A whole number from 1 (0 when @allow_zero) to 1000000 into *ret; -EINVAL otherwise. */
static int parse_count(const char *s, int allow_zero, unsigned *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v > 1000000 || (v == 0 && !allow_zero))
		return -EINVAL;
	*ret = (unsigned)v;
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	int c, r = 0;

	*o = (struct opts){.rounds = 40, .warmup = 5, .timeout_s = 0};
	while (r == 0 && (c = getopt(argc, argv, "+r:w:c:l:t:v")) != -1) {
		switch (c) {
		case 'r':
			r = parse_count(optarg, 0, &o->rounds);
			break;
		case 'w':
			r = parse_count(optarg, 1, &o->warmup);
			break;
		case 'c':
			r = parse_count(optarg, 0, &o->copies);
			break;
		case 'l':
			o->label = optarg;
			break;
		case 't':
			r = parse_count(optarg, 0, &o->timeout_s);
			break;
		case 'v':
			o->keep_stderr = 1;
			break;
		default:
			return -EINVAL;
		}
	}
	if (r < 0 || optind != argc - 1)
		return -EINVAL;
	o->file = argv[optind];
	if (o->timeout_s == 0)
		o->timeout_s = o->copies ? 60 : 10;
	return 0;
}

/* The launcher named @label, or the first one when @label is NULL. */
static struct launcher *launcher_find(struct launcher *all, size_t n, const char *label)
{
	for (size_t i = 0; i < n; i++)
		if (!label || strcmp(all[i].label, label) == 0)
			return &all[i];
	return NULL;
}

static int run(const struct opts *o, struct launcher *all, size_t n)
{
	struct sigaction sa = {.sa_handler = on_alarm}; /* no SA_RESTART: wait4 gets EINTR */
	int nullfd[2] = {open("/dev/null", O_RDONLY | O_CLOEXEC),
			 open("/dev/null", O_WRONLY | O_CLOEXEC)};
	struct launcher *l;
	int r;

	if (nullfd[0] < 0 || nullfd[1] < 0 || sigaction(SIGALRM, &sa, NULL) < 0) {
		perror("bench: setup");
		return 2;
	}
	if (o->copies) {
		l = launcher_find(all, n, o->label);
		if (!l) {
			fprintf(stderr, "bench: no launcher %s in %s\n", o->label, o->file);
			return 2;
		}
		r = bench_concurrent(l, o, nullfd);
	} else {
		r = bench_startup(all, n, o, nullfd);
	}
	close(nullfd[0]);
	close(nullfd[1]);
	if (r < 0)
		fprintf(stderr, "bench: %s\n", strerror(-r));
	return r < 0 ? 2 : r;
}

int main(int argc, char **argv)
{
	struct launcher *all = NULL;
	struct opts o;
	size_t n = 0;
	int r;

	if (parse_opts(argc, argv, &o) < 0)
		return usage();
	r = launchers_read(o.file, &all, &n);
	if (r == 0 && n == 0) {
		fprintf(stderr, "bench: %s: no launchers\n", o.file);
		r = -EINVAL;
	}
	if (r < 0) {
		if (r != -EINVAL)
			fprintf(stderr, "bench: %s: %s\n", o.file, strerror(-r));
		launchers_free(all, n);
		return 2;
	}
	r = run(&o, all, n);
	fflush(stdout);
	launchers_free(all, n);
	return r;
}
