/* layout.c — where the cgroup controllers live: /proc/self/cgroup, /proc/self/mountinfo and the
 * cgroup2 root's cgroup.controllers into a struct cgroup_layout. */
#include "sys/cgroup/layout.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/cleanup.h"

/* The one table of controller names (v1, v2). "cpu" is also an rlimit's name:
 * tests/tree-checks.sh leaves this file out of its count of those. */
static const char *const ctrl_names[_CG_MAX][2] = {
    [CG_MEMORY] = {"memory", "memory"}, [CG_PIDS] = {"pids", "pids"}, [CG_CPU] = {"cpu", "cpu"},
    [CG_CPUSET] = {"cpuset", "cpuset"}, [CG_IO] = {"blkio", "io"},
};

const char *cgroup_ctrl_name(enum cgroup_ctrl c, int version)
{
	if ((unsigned)c >= _CG_MAX)
		return NULL;
	return ctrl_names[c][version == 2];
}

/* Is @word one of the items of @list, separated by any of @seps? */
static bool list_has(const char *list, const char *seps, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; *p;) {
		size_t len = strcspn(p, seps);

		if (len == n && memcmp(p, word, n) == 0)
			return true;
		p += len;
		p += strspn(p, seps);
	}
	return false;
}

/* Is cgroup @path @root itself or below it? */
static bool path_under(const char *path, const char *root)
{
	size_t n = strlen(root);

	while (n > 0 && root[n - 1] == '/')
		n--;
	return strncmp(path, root, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* @path without repeated or trailing slashes, in place. */
static char *squeeze_slashes(char *path)
{
	char *out = path;

	for (const char *p = path; *p; p++)
		if (*p != '/' || out == path || out[-1] != '/')
			*out++ = *p;
	if (out > path + 1 && out[-1] == '/')
		out--;
	*out = '\0';
	return path;
}

char *cgroup_hier_dir(const struct cgroup_hier *h, const char *path)
{
	size_t root_len, mount_len;
	const char *rel;
	char *dir;

	if (!h->version || !h->mount || !h->mount_root || !path || !path_under(path, h->mount_root))
		return NULL;
	root_len = strlen(h->mount_root);
	while (root_len > 0 && h->mount_root[root_len - 1] == '/')
		root_len--;
	rel = path + root_len;
	/* ".." would leave the part of the hierarchy the mount shows. */
	for (const char *p = rel; (p = strstr(p, "/..")); p += 3)
		if (p[3] == '\0' || p[3] == '/')
			return NULL;
	rel += strspn(rel, "/");
	mount_len = strlen(h->mount);
	while (mount_len > 1 && h->mount[mount_len - 1] == '/')
		mount_len--;
	if (*rel == '\0')
		return strndup(h->mount, mount_len);
	if (mount_len == 1 && h->mount[0] == '/')
		mount_len = 0;
	if (asprintf(&dir, "%.*s/%s", (int)mount_len, h->mount, rel) < 0)
		return NULL;
	return squeeze_slashes(dir);
}

static void hier_clear(struct cgroup_hier *h)
{
	free(h->mount);
	free(h->mount_root);
	free(h->own);
	memset(h, 0, sizeof(*h));
}

void cgroup_layout_free(struct cgroup_layout *l)
{
	if (!l)
		return;
	for (int c = 0; c < _CG_MAX; c++)
		hier_clear(&l->ctrl[c]);
	hier_clear(&l->unified);
}

static int hier_set(struct cgroup_hier *h, int version, const char *mount, const char *root,
		    const char *own)
{
	struct cgroup_hier n = {.version = version};

	n.mount = strdup(mount);
	n.mount_root = strdup(root);
	n.own = strdup(own);
	if (!n.mount || !n.mount_root || !n.own) {
		hier_clear(&n);
		return -ENOMEM;
	}
	hier_clear(h);
	*h = n;
	return 0;
}

/* The first mount of a hierarchy, unless a later one shows this process's own cgroup (a
 * container's mount of its own subtree) and the first doesn't. */
static int hier_offer(struct cgroup_hier *h, int version, const char *mount, const char *root,
		      const char *own)
{
	if (h->version && (path_under(h->own, h->mount_root) || !path_under(own, root)))
		return 0;
	return hier_set(h, version, mount, root, own);
}

/* One line of /proc/self/cgroup, pointing into the caller's copy of the text. */
struct cg_line {
	const char *ctrls; /* "cpu,cpuacct", "name=systemd"; "" on the v2 line */
	const char *path;
};

/* Split @text (modified) into @lines (up to @max): "ID:CONTROLLERS:PATH" each, where PATH is
 * everything after the second colon. The number of lines or -EINVAL. */
static int split_proc_cgroup(char *text, struct cg_line *lines, size_t max, struct sbx_err *err)
{
	size_t n = 0, no = 0;

	for (char *line = text, *next; line; line = next) {
		char *c1, *c2;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		no++;
		if (*line == '\0')
			continue;
		c1 = strchr(line, ':');
		c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c1 || c1 == line || strspn(line, "0123456789") != (size_t)(c1 - line) || !c2 ||
		    c2[1] != '/')
			return sbx_err_set(
			    err, NULL, -EINVAL,
			    "/proc/self/cgroup: line %zu is not ID:CONTROLLERS:/PATH", no);
		if (n == max)
			return sbx_err_set(err, NULL, -EINVAL, "/proc/self/cgroup: over %zu lines",
					   max);
		*c1 = *c2 = '\0';
		lines[n++] = (struct cg_line){.ctrls = c1 + 1, .path = c2 + 1};
	}
	return (int)n;
}

/* The path of the line whose controllers include @ctrl (NULL: the v2 line), or NULL. */
static const char *own_path(const struct cg_line *lines, size_t n, const char *ctrl)
{
	for (size_t i = 0; i < n; i++)
		if (ctrl ? list_has(lines[i].ctrls, ",", ctrl) : lines[i].ctrls[0] == '\0')
			return lines[i].path;
	return NULL;
}

/* mountinfo's octal escapes (\040 a space, \011, \012, \134) undone in place. */
static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/* One mountinfo line's fields that matter here; the strings point into the line. */
struct mnt_line {
	char *root, *mount, *fstype, *super;
};

/* "ID PARENT MAJ:MIN ROOT MOUNT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPER", split on single
 * spaces (an empty source leaves an empty field). -EINVAL when the fields are not there. */
static int split_mountinfo_line(char *line, struct mnt_line *m)
{
	char *f[6], *p = line;
	int i;

	for (i = 0; i < 6 && p; i++)
		f[i] = strsep(&p, " ");
	if (i < 6 || !p || f[4][0] != '/')
		return -EINVAL;
	while (p) { /* optional fields, up to the lone "-" */
		char *opt = strsep(&p, " ");
		if (strcmp(opt, "-") == 0)
			break;
	}
	m->fstype = strsep(&p, " ");
	(void)strsep(&p, " "); /* source */
	m->super = strsep(&p, " ");
	if (!m->fstype || !m->super)
		return -EINVAL;
	m->root = f[3];
	m->mount = f[4];
	unescape(m->root);
	unescape(m->mount);
	return 0;
}

/* A cgroup (v1) or cgroup2 mount into @out. */
static int add_mount(const struct mnt_line *m, const struct cg_line *lines, size_t n,
		     struct cgroup_layout *out, struct sbx_err *err)
{
	const char *own;

	if ((strcmp(m->fstype, "cgroup2") == 0 || strcmp(m->fstype, "cgroup") == 0) &&
	    m->root[0] != '/')
		return sbx_err_set(err, NULL, -EINVAL, "cgroup mount %s: root %s is not a path",
				   m->mount, m->root);
	if (strcmp(m->fstype, "cgroup2") == 0) {
		own = own_path(lines, n, NULL);
		if (!own)
			return sbx_err_set(err, NULL, -EINVAL,
					   "cgroup2 is mounted on %s but /proc/self/cgroup has no "
					   "0:: line",
					   m->mount);
		return hier_offer(&out->unified, 2, m->mount, m->root, own);
	}
	if (strcmp(m->fstype, "cgroup") != 0)
		return 0;
	for (int c = 0; c < _CG_MAX; c++) {
		const char *name = cgroup_ctrl_name(c, 1);
		int r;

		if (!list_has(m->super, ",", name))
			continue;
		own = own_path(lines, n, name);
		if (!own)
			return sbx_err_set(
			    err, NULL, -EINVAL,
			    "cgroup %s is mounted on %s but /proc/self/cgroup has no "
			    "line for it",
			    name, m->mount);
		r = hier_offer(&out->ctrl[c], 1, m->mount, m->root, own);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The controllers no v1 hierarchy has, from cgroup2 when @v2_controllers lists them. */
static int add_v2_controllers(struct cgroup_layout *l, const char *v2_controllers)
{
	const struct cgroup_hier *u = &l->unified;

	if (u->version != 2 || !v2_controllers)
		return 0;
	for (int c = 0; c < _CG_MAX; c++) {
		int r;

		if (l->ctrl[c].version ||
		    !list_has(v2_controllers, " \t\n", cgroup_ctrl_name(c, 2)))
			continue;
		r = hier_set(&l->ctrl[c], 2, u->mount, u->mount_root, u->own);
		if (r < 0)
			return r;
	}
	return 0;
}

/* All of cgroup_layout_parse() but @v2_controllers. */
static int parse_mounts(const char *proc_cgroup, const char *mountinfo, struct cgroup_layout *out,
			struct sbx_err *err)
{
	_cleanup_free_ char *cg = strdup(proc_cgroup), *mi = strdup(mountinfo);
	struct cg_line lines[256];
	size_t no = 0;
	int n;

	if (!cg || !mi)
		return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	n = split_proc_cgroup(cg, lines, ARRAY_SIZE(lines), err);
	if (n < 0)
		return n;
	for (char *line = mi, *next; line; line = next) {
		struct mnt_line m;
		int r;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		no++;
		if (*line == '\0')
			continue;
		if (split_mountinfo_line(line, &m) < 0)
			return sbx_err_set(err, NULL, -EINVAL,
					   "/proc/self/mountinfo: line %zu has not the fields of a "
					   "mount",
					   no);
		r = add_mount(&m, lines, (size_t)n, out, err);
		if (r == -ENOMEM)
			return sbx_err_set(err, NULL, r, "out of memory");
		if (r < 0)
			return r;
	}
	return 0;
}

int cgroup_layout_parse(const char *proc_cgroup, const char *mountinfo, const char *v2_controllers,
			struct cgroup_layout *out, struct sbx_err *err)
{
	int r;

	memset(out, 0, sizeof(*out));
	r = parse_mounts(proc_cgroup, mountinfo, out, err);
	if (r >= 0 && add_v2_controllers(out, v2_controllers) < 0)
		r = sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	if (r < 0)
		cgroup_layout_free(out);
	return r;
}

/* The whole of @path (a /proc file has no size to ask for first) into *@ret, malloc'd. */
static int read_text(const char *path, char **ret, struct sbx_err *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, size = 0;

	if (fd < 0)
		return sbx_err_errno(err, NULL, "open %s", path);
	for (;;) {
		ssize_t k;

		if (size - len < 2) {
			char *bigger = realloc(buf, size ? size * 2 : 4096);
			if (!bigger)
				return sbx_err_set(err, NULL, -ENOMEM, "out of memory");
			buf = bigger;
			size = size ? size * 2 : 4096;
		}
		k = read(fd, buf + len, size - len - 1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return sbx_err_errno(err, NULL, "read %s", path);
		if (k == 0)
			break;
		len += (size_t)k;
	}
	buf[len] = '\0';
	*ret = TAKE_PTR(buf);
	return 0;
}

int cgroup_layout_read(struct cgroup_layout *out, struct sbx_err *err)
{
	_cleanup_free_ char *cg = NULL, *mi = NULL, *ctrls = NULL, *path = NULL;
	int r;

	memset(out, 0, sizeof(*out));
	r = read_text("/proc/self/cgroup", &cg, err);
	if (r >= 0)
		r = read_text("/proc/self/mountinfo", &mi, err);
	if (r < 0)
		return r;
	r = parse_mounts(cg, mi, out, err);
	if (r >= 0 && out->unified.version == 2) {
		if (asprintf(&path, "%s/cgroup.controllers", out->unified.mount) < 0) {
			path = NULL;
			r = sbx_err_set(err, NULL, -ENOMEM, "out of memory");
		} else {
			r = read_text(path, &ctrls, err);
		}
	}
	if (r >= 0 && add_v2_controllers(out, ctrls) < 0)
		r = sbx_err_set(err, NULL, -ENOMEM, "out of memory");
	if (r < 0)
		cgroup_layout_free(out);
	return r;
}
