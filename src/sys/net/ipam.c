/* ipam.c — the allocation files of bridge mode's address = "auto" (see ipam.h).
 *
 * A change writes a new file beside the old one and renames it over it, rather than rewriting
 * the file in place: a run killed in the middle of writing (SIGKILL is what these files must
 * survive) leaves the old file whole, never a truncated one that forgets live entries. That is
 * why the lock is a flock() of the directory and not of the file: the rename gives the file a
 * new inode, and a lock on the old one would not stop a run that opened the new one. One lock
 * for every bridge costs nothing at the rate sbx starts sandboxes. No fsync: the file must
 * survive a killed process, not a crash of the machine, after which /run (tmpfs) is empty and
 * no owner is left anyway. */
#include "sys/net/ipam.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"

#define IPAM_FILE_MAX (16u << 20) /* a /16 full of entries is about 2.5 MiB */

struct entry {
	uint32_t addr; /* host byte order */
	struct owner owner;
};

/* One bridge's file, loaded, with the directory locked until ipam_file_done(). */
struct ipam_file {
	int dirfd;
	const char *bridge;
	char path[PATH_MAX]; /* DIR/BRIDGE, for messages */
	struct entry *e;
	size_t n, cap;
};

static void ipam_file_done(struct ipam_file *f)
{
	free(f->e);
	closep(&f->dirfd); /* drops the lock */
}

static const char *addr_text(uint32_t addr, char buf[INET_ADDRSTRLEN])
{
	struct in_addr a = {.s_addr = htonl(addr)};

	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static int check_bridge(const char *bridge, struct sbx_err *err)
{
	if (!bridge || !bridge[0] || bridge[0] == '.' || strchr(bridge, '/') ||
	    strlen(bridge) >= IFNAMSIZ)
		return sbx_err_set(
		    err, NULL, -EINVAL,
		    "bridge name '%s' can't name an IPAM file (empty, '/', a leading "
		    "'.' or longer than %d characters)",
		    bridge ? bridge : "", IFNAMSIZ - 1);
	return 0;
}

/* mkdir -p, each missing component 0700. */
static int make_dirs(const char *dir, struct sbx_err *err)
{
	char buf[PATH_MAX];

	if (!dir[0] || snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf))
		return sbx_err_set(err, NULL, dir[0] ? -ENAMETOOLONG : -EINVAL,
				   "IPAM directory '%s': empty or too long", dir);
	for (char *p = strchr(buf + 1, '/');; p = strchr(p + 1, '/')) {
		if (p)
			*p = '\0';
		if (mkdir(buf, 0700) < 0 && errno != EEXIST)
			return sbx_err_errno(err, NULL, "cannot create IPAM directory %s", buf);
		if (!p)
			return 0;
		*p = '/';
	}
}

/* @fd, @path's directory or file, is of the expected type and the caller's own; its stat in @st. */
static int check_owned(int fd, const char *path, bool dir, struct stat *st, struct sbx_err *err)
{
	if (fstat(fd, st) < 0)
		return sbx_err_errno(err, NULL, "IPAM %s", path);
	if (dir ? !S_ISDIR(st->st_mode) : !S_ISREG(st->st_mode))
		return sbx_err_set(err, NULL, -EPERM, "IPAM %s is not a %s: refused", path,
				   dir ? "directory" : "regular file");
	if (st->st_uid != geteuid())
		return sbx_err_set(err, NULL, -EPERM, "IPAM %s is owned by uid %u, not %u: refused",
				   path, (unsigned)st->st_uid, (unsigned)geteuid());
	if (dir && (st->st_mode & 022))
		return sbx_err_set(err, NULL, -EPERM,
				   "IPAM directory %s is writable by group or others: refused",
				   path);
	return 0;
}

/* Why open(@path, O_NOFOLLOW) failed; a directory opened so fails with ENOTDIR on a symlink. */
static int refuse_open(const char *path, struct sbx_err *err)
{
	struct stat st;

	if (errno == ELOOP || (errno == ENOTDIR && lstat(path, &st) == 0 && S_ISLNK(st.st_mode)))
		return sbx_err_set(err, NULL, -ELOOP, "IPAM %s is a symlink: refused", path);
	return sbx_err_errno(err, NULL, "cannot open IPAM %s", path);
}

static int add_entry(struct ipam_file *f, uint32_t addr, const struct owner *owner)
{
	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 16;
		struct entry *e = reallocarray(f->e, cap, sizeof(*e));

		if (!e)
			return -ENOMEM;
		f->e = e;
		f->cap = cap;
	}
	f->e[f->n++] = (struct entry){.addr = addr, .owner = *owner};
	return 0;
}

/* "ADDRESS PID:STARTTIME", spaces or tabs around either. */
static int parse_line(const char *line, size_t len, struct entry *ret)
{
	char buf[128], *save = NULL, *a, *o;
	struct in_addr in;

	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, line, len);
	buf[len] = '\0';
	a = strtok_r(buf, " \t\r", &save);
	o = a ? strtok_r(NULL, " \t\r", &save) : NULL;
	if (!o || strtok_r(NULL, " \t\r", &save) || inet_pton(AF_INET, a, &in) != 1 ||
	    owner_parse(o, &ret->owner) < 0)
		return -EINVAL;
	ret->addr = ntohl(in.s_addr);
	return 0;
}

static int parse_file(struct ipam_file *f, const char *text, struct sbx_err *err)
{
	unsigned lineno = 0;

	for (const char *p = text, *nl; *p; p = nl ? nl + 1 : p + strlen(p)) {
		size_t len, skip;
		struct entry e;
		int r;

		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		lineno++;
		skip = strspn(p, " \t\r");
		if (skip >= len || p[skip] == '#')
			continue;
		if (parse_line(p, len, &e) < 0) {
			sbx_err_warn(err, &(struct sbx_loc){f->path, lineno},
				     "dropped a line of the IPAM file that is no \"ADDRESS "
				     "PID:STARTTIME\": '%.*s'",
				     (int)(len > 64 ? 64 : len), p);
			continue;
		}
		r = add_entry(f, e.addr, &e.owner);
		if (r < 0)
			return sbx_err_set(err, NULL, r, "IPAM %s: out of memory", f->path);
	}
	return 0;
}

static int load(struct ipam_file *f, struct sbx_err *err)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *text = NULL;
	struct stat st;
	size_t got = 0;
	int r;

	fd = openat(f->dirfd, f->bridge, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0)
		return refuse_open(f->path, err);
	r = check_owned(fd, f->path, false, &st, err);
	if (r < 0)
		return r;
	if ((uintmax_t)st.st_size > IPAM_FILE_MAX)
		return sbx_err_set(err, NULL, -EFBIG, "IPAM %s is larger than %u bytes: refused",
				   f->path, IPAM_FILE_MAX);
	text = malloc((size_t)st.st_size + 1);
	if (!text)
		return sbx_err_set(err, NULL, -ENOMEM, "IPAM %s: out of memory", f->path);
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, text + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return sbx_err_errno(err, NULL, "cannot read IPAM %s", f->path);
		if (n == 0)
			break;
		got += (size_t)n;
	}
	text[got] = '\0';
	return parse_file(f, text, err);
}

/* Lock @dir (made if missing and @create) and load @bridge's file. -ENOENT without a message
 * when @dir is missing and not @create. */
static int ipam_open(struct ipam_file *f, const char *dir, const char *bridge, bool create,
		     struct sbx_err *err)
{
	struct stat st;
	int r = check_bridge(bridge, err);

	if (r < 0)
		return r;
	f->bridge = bridge;
	snprintf(f->path, sizeof(f->path), "%s/%s", dir, bridge);
	if (create) {
		r = make_dirs(dir, err);
		if (r < 0)
			return r;
	}
	f->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (f->dirfd < 0 && errno == ENOENT && !create)
		return -ENOENT;
	if (f->dirfd < 0)
		return refuse_open(dir, err);
	r = check_owned(f->dirfd, dir, true, &st, err);
	if (r < 0)
		return r;
	while (flock(f->dirfd, LOCK_EX) < 0)
		if (errno != EINTR)
			return sbx_err_errno(err, NULL, "cannot lock IPAM directory %s", dir);
	return load(f, err);
}

/* Drop the entries whose owner is gone; how many. */
static unsigned reclaim(struct ipam_file *f)
{
	size_t kept = 0, gone;

	for (size_t i = 0; i < f->n; i++)
		if (owner_alive(&f->e[i].owner))
			f->e[kept++] = f->e[i];
	gone = f->n - kept;
	f->n = kept;
	return (unsigned)gone;
}

static int write_entries(int fd, const struct ipam_file *f)
{
	char a[INET_ADDRSTRLEN], o[OWNER_TEXT_MAX];
	FILE *fp = fdopen(fd, "w");
	int r;

	if (!fp)
		return -errno;
	fprintf(fp,
		"# sbx IPAM, bridge %s: \"ADDRESS PID:STARTTIME\" per address handed out; written "
		"by sbx under a lock of this directory, do not edit\n",
		f->bridge);
	for (size_t i = 0; i < f->n; i++)
		fprintf(fp, "%s %s\n", addr_text(f->e[i].addr, a), owner_format(&f->e[i].owner, o));
	r = ferror(fp) ? -EIO : 0;
	if (fclose(fp) != 0 && r == 0)
		r = -errno;
	return r;
}

/* Replace the file by the entries (see the head comment), or remove it when there are none. */
static int store(struct ipam_file *f, struct sbx_err *err)
{
	char tmp[IFNAMSIZ + 8];
	int fd, r;

	if (f->n == 0) {
		if (unlinkat(f->dirfd, f->bridge, 0) < 0 && errno != ENOENT)
			return sbx_err_errno(err, NULL, "cannot remove IPAM %s", f->path);
		return 0;
	}
	/* a bridge name never starts with '.', so no bridge's file is named like this */
	snprintf(tmp, sizeof(tmp), ".%s.tmp", f->bridge);
	(void)unlinkat(f->dirfd, tmp, 0); /* left by a run killed while writing */
	fd = openat(f->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return sbx_err_errno(err, NULL, "cannot write IPAM %s", f->path);
	r = write_entries(fd, f); /* closes fd */
	if (r == 0 && renameat(f->dirfd, tmp, f->dirfd, f->bridge) < 0)
		r = -errno;
	if (r < 0) {
		(void)unlinkat(f->dirfd, tmp, 0);
		errno = -r;
		return sbx_err_errno(err, NULL, "cannot write IPAM %s", f->path);
	}
	return 0;
}

/* The subnet's network and broadcast addresses, host byte order. */
static int pool_range(const struct ipam_pool *pool, uint32_t *ret_net, uint32_t *ret_bcast,
		      struct sbx_err *err)
{
	uint32_t mask;

	if (pool->prefix > 32)
		return sbx_err_set(err, NULL, -EINVAL, "IPAM: prefix /%u is longer than 32",
				   pool->prefix);
	mask = pool->prefix ? ~0u << (32 - pool->prefix) : 0;
	*ret_net = ntohl(pool->subnet.s_addr) & mask;
	*ret_bcast = *ret_net | ~mask;
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* The lowest address in (net, bcast) that is neither the gateway nor held; -ENOSPC when there
 * is none. *ret_used: the distinct addresses of the subnet held. */
static int lowest_free(const struct ipam_file *f, uint32_t net, uint32_t bcast, uint32_t gw,
		       uint32_t *ret_addr, unsigned *ret_used)
{
	_cleanup_free_ uint32_t *taken = calloc(f->n + 1, sizeof(*taken));
	uint64_t next = (uint64_t)net + 1;
	size_t n = 0;
	unsigned used = 0;

	if (!taken)
		return -ENOMEM;
	for (size_t i = 0; i < f->n; i++)
		if (f->e[i].addr > net && f->e[i].addr < bcast)
			taken[n++] = f->e[i].addr;
	taken[n++] = gw;
	qsort(taken, n, sizeof(*taken), cmp_u32);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && taken[i] == taken[i - 1])
			continue;
		if (taken[i] > net && taken[i] < bcast && taken[i] != gw)
			used++;
		if (taken[i] == next)
			next++;
	}
	*ret_used = used;
	if (next >= bcast)
		return -ENOSPC;
	*ret_addr = (uint32_t)next;
	return 0;
}

int ipam_alloc(const struct ipam_pool *pool, const struct owner *owner, struct in_addr *ret_addr,
	       unsigned *ret_reclaimed, struct sbx_err *err)
{
	_cleanup_(ipam_file_done) struct ipam_file f = {.dirfd = -1};
	uint32_t net = 0, bcast = 0, addr;
	char a[INET_ADDRSTRLEN];
	unsigned reclaimed, used;
	int r = pool_range(pool, &net, &bcast, err);

	if (r < 0)
		return r;
	r = ipam_open(&f, pool->dir, pool->bridge, true, err);
	if (r < 0)
		return r;
	reclaimed = reclaim(&f);
	r = lowest_free(&f, net, bcast, ntohl(pool->gateway.s_addr), &addr, &used);
	if (r == -ENOSPC)
		return sbx_err_set(err, NULL, r,
				   "no free address left in %s/%u on bridge %s (%u in use)",
				   addr_text(net, a), pool->prefix, pool->bridge, used);
	if (r == 0)
		r = add_entry(&f, addr, owner);
	if (r < 0)
		return sbx_err_set(err, NULL, r, "IPAM %s: out of memory", f.path);
	r = store(&f, err);
	if (r < 0)
		return r;
	ret_addr->s_addr = htonl(addr);
	*ret_reclaimed = reclaimed;
	return 0;
}

int ipam_reserve(const struct ipam_pool *pool, struct in_addr addr, const struct owner *owner,
		 unsigned *ret_reclaimed, struct sbx_err *err)
{
	_cleanup_(ipam_file_done) struct ipam_file f = {.dirfd = -1};
	uint32_t net = 0, bcast = 0, want = ntohl(addr.s_addr);
	char a[INET_ADDRSTRLEN], n[INET_ADDRSTRLEN];
	unsigned reclaimed;
	bool ours = false;
	int r = pool_range(pool, &net, &bcast, err);

	if (r < 0)
		return r;
	if (want <= net || want >= bcast)
		return sbx_err_set(err, NULL, -EINVAL, "%s is no host address of %s/%u",
				   addr_text(want, a), addr_text(net, n), pool->prefix);
	if (want == ntohl(pool->gateway.s_addr))
		return sbx_err_set(err, NULL, -EINVAL, "%s is the gateway of bridge %s",
				   addr_text(want, a), pool->bridge);
	r = ipam_open(&f, pool->dir, pool->bridge, true, err);
	if (r < 0)
		return r;
	reclaimed = reclaim(&f);
	for (size_t i = 0; i < f.n; i++) {
		if (f.e[i].addr != want)
			continue;
		if (!owner_equal(&f.e[i].owner, owner))
			return sbx_err_set(err, NULL, -EADDRINUSE,
					   "%s on bridge %s is in use by pid %d",
					   addr_text(want, a), pool->bridge, (int)f.e[i].owner.pid);
		ours = true;
	}
	if (!ours) {
		r = add_entry(&f, want, owner);
		if (r < 0)
			return sbx_err_set(err, NULL, r, "IPAM %s: out of memory", f.path);
	}
	if (!ours || reclaimed) {
		r = store(&f, err);
		if (r < 0)
			return r;
	}
	*ret_reclaimed = reclaimed;
	return 0;
}

int ipam_release(const char *dir, const char *bridge, struct in_addr addr,
		 const struct owner *owner, struct sbx_err *err)
{
	_cleanup_(ipam_file_done) struct ipam_file f = {.dirfd = -1};
	uint32_t want = ntohl(addr.s_addr);
	size_t kept = 0;
	int r = ipam_open(&f, dir, bridge, false, err);

	if (r == -ENOENT)
		return 0; /* no directory: nothing was ever handed out */
	if (r < 0)
		return r;
	for (size_t i = 0; i < f.n; i++)
		if (f.e[i].addr != want || !owner_equal(&f.e[i].owner, owner))
			f.e[kept++] = f.e[i];
	if (kept == f.n)
		return 0;
	f.n = kept;
	return store(&f, err);
}
