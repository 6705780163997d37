/* fake_sys_fs.c — the fake's wrappers of the calls on files and mounts (fake_sys.h), and of
 * syscall(2), which the runners use for openat2, pivot_root, capget and capset. */
/* LDWRAP: -Wl,--wrap=mount,--wrap=umount2,--wrap=open,--wrap=openat,--wrap=close,--wrap=fcntl */
/* LDWRAP: -Wl,--wrap=fchdir,--wrap=chdir,--wrap=mkdir,--wrap=mkdirat,--wrap=fchmod */
/* LDWRAP: -Wl,--wrap=fstat,--wrap=fstatat,--wrap=symlinkat,--wrap=readlinkat,--wrap=write */
/* LDWRAP: -Wl,--wrap=syscall,--wrap=fsopen,--wrap=fsconfig,--wrap=fsmount,--wrap=move_mount */
/* LDWRAP: -Wl,--wrap=open_tree,--wrap=mount_setattr */
#include "fake_sys.h"
#include "fake_sys_call.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct flag resolve_flags[] = {
    {RESOLVE_NO_XDEV, "NO_XDEV"},	  {RESOLVE_NO_MAGICLINKS, "NO_MAGICLINKS"},
    {RESOLVE_NO_SYMLINKS, "NO_SYMLINKS"}, {RESOLVE_BENEATH, "BENEATH"},
    {RESOLVE_IN_ROOT, "IN_ROOT"},
};

static const struct flag mount_flags[] = {
    FLAG(MS_RDONLY), FLAG(MS_NOSUID), FLAG(MS_NODEV),	   FLAG(MS_NOEXEC),
    FLAG(MS_BIND),   FLAG(MS_MOVE),   FLAG(MS_REC),	   FLAG(MS_PRIVATE),
    FLAG(MS_SLAVE),  FLAG(MS_SHARED), FLAG(MS_UNBINDABLE), FLAG(MS_REMOUNT),
};

static const struct flag attr_flags[] = {
    {MOUNT_ATTR_RDONLY, "RDONLY"},
    {MOUNT_ATTR_NOSUID, "NOSUID"},
    {MOUNT_ATTR_NODEV, "NODEV"},
    {MOUNT_ATTR_NOEXEC, "NOEXEC"},
    {MOUNT_ATTR__ATIME, "_ATIME"},
    {MOUNT_ATTR_NOATIME, "NOATIME"},
    {MOUNT_ATTR_STRICTATIME, "STRICTATIME"},
    {MOUNT_ATTR_NODIRATIME, "NODIRATIME"},
    {MOUNT_ATTR_NOSYMFOLLOW, "NOSYMFOLLOW"},
};

static const struct flag at_flags[] = {
    FLAG(OPEN_TREE_CLONE), FLAG(OPEN_TREE_CLOEXEC), FLAG(AT_SYMLINK_NOFOLLOW),
    FLAG(AT_EMPTY_PATH),   FLAG(AT_RECURSIVE),
};

static const struct flag move_flags[] = {
    FLAG(MOVE_MOUNT_F_EMPTY_PATH),
    FLAG(MOVE_MOUNT_T_EMPTY_PATH),
};

int __real_mount(const char *src, const char *dst, const char *type, unsigned long flags,
		 const void *data);
int __wrap_mount(const char *src, const char *dst, const char *type, unsigned long flags,
		 const void *data)
{
	struct call c = {.len = 0};

	if (!fake_armed())
		return __real_mount(src, dst, type, flags, data);
	call_add(&c, "mount(");
	call_str(&c, src);
	call_add(&c, ",");
	call_str(&c, dst);
	call_add(&c, ",");
	call_str(&c, type);
	call_add(&c, ",");
	CALL_FLAGS(&c, flags, mount_flags);
	if (data)
		call_add(&c, ",%s", (const char *)data);
	call_add(&c, ")");
	return (int)call_finish(&c);
}

int __real_umount2(const char *path, int flags);
int __wrap_umount2(const char *path, int flags)
{
	struct call c = {.len = 0};

	if (!fake_armed())
		return __real_umount2(path, flags);
	call_add(&c, "umount2(%s,%s)", path, flags == MNT_DETACH ? "MNT_DETACH" : "?");
	return (int)call_finish(&c);
}

static void add_open(struct call *c, int flags, mode_t mode)
{
	call_open_flags(c, (unsigned)flags);
	if (flags & O_CREAT)
		call_add(c, ",0%o", mode);
	call_add(c, ")");
}

int __real_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...)
{
	struct call c = {.len = 0};
	mode_t mode = 0;
	va_list ap;

	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (!fake_armed())
		return __real_open(path, flags, mode);
	call_add(&c, "open(%s,", path);
	add_open(&c, flags, mode);
	return (int)call_finish_fd(&c);
}

int __real_openat(int dfd, const char *path, int flags, ...);
int __wrap_openat(int dfd, const char *path, int flags, ...)
{
	struct call c = {.len = 0};
	mode_t mode = 0;
	va_list ap;

	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (!fake_armed())
		return __real_openat(dfd, path, flags, mode);
	call_add(&c, "openat(");
	call_dfd(&c, dfd);
	call_add(&c, ",%s,", path);
	add_open(&c, flags, mode);
	return (int)call_finish_fd(&c);
}

int __real_close(int fd);
int __wrap_close(int fd)
{
	struct call c = {.len = 0};

	if (!fake_armed())
		return __real_close(fd);
	call_add(&c, "close(%d)", fd);
	if (!call_close_fd(fd)) /* a fake fd closed twice, or never handed out */
		fake_fail(c.text, EBADF);
	return (int)call_finish(&c);
}

int __real_fcntl(int fd, int cmd, ...);
int __wrap_fcntl(int fd, int cmd, ...)
{
	struct call c = {.len = 0};
	long arg;
	va_list ap;

	va_start(ap, cmd);
	arg = va_arg(ap, long);
	va_end(ap);
	if (!fake_armed())
		return __real_fcntl(fd, cmd, arg);
	switch (cmd) {
	case F_DUPFD_CLOEXEC:
		call_add(&c, "fcntl(%d,F_DUPFD_CLOEXEC,%ld)", fd, arg);
		return (int)call_finish_fd(&c);
	case F_SETFD:
		call_add(&c, "fcntl(%d,F_SETFD,%s)", fd, arg == FD_CLOEXEC ? "FD_CLOEXEC" : "0");
		return (int)call_finish(&c);
	default:
		call_add(&c, "fcntl(%d,%d,%ld)", fd, cmd, arg);
		return (int)call_finish(&c);
	}
}

int __real_fchdir(int fd);
int __wrap_fchdir(int fd)
{
	struct call c = {.len = 0};

	if (!fake_armed())
		return __real_fchdir(fd);
	call_add(&c, "fchdir(%d)", fd);
	return (int)call_finish(&c);
}

int __real_chdir(const char *path);
int __wrap_chdir(const char *path)
{
	struct call c = {.len = 0};

	if (!fake_armed())
		return __real_chdir(path);
	call_add(&c, "chdir(%s)", path);
	return (int)call_finish(&c);
}

int __real_mkdir(const char *path, mode_t mode);
int __wrap_mkdir(const char *path, mode_t mode)
{
	struct call c = {.len = 0};

	if (!fake_armed())
		return __real_mkdir(path, mode);
	call_add(&c, "mkdir(%s,0%o)", path, mode);
	return (int)call_finish(&c);
}

int __real_mkdirat(int dfd, const char *path, mode_t mode);
int __wrap_mkdirat(int dfd, const char *path, mode_t mode)
{
	struct call c = {.len = 0};

	if (!fake_armed())
		return __real_mkdirat(dfd, path, mode);
	call_add(&c, "mkdirat(");
	call_dfd(&c, dfd);
	call_add(&c, ",%s,0%o)", path, mode);
	return (int)call_finish(&c);
}

int __real_fchmod(int fd, mode_t mode);
int __wrap_fchmod(int fd, mode_t mode)
{
	struct call c = {.len = 0};

	if (!fake_armed())
		return __real_fchmod(fd, mode);
	call_add(&c, "fchmod(%d,0%o)", fd, mode);
	return (int)call_finish(&c);
}

static void fill_stat(const struct call *c, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = c->rule && c->rule->has_mode ? c->rule->mode : S_IFDIR | 0755;
}

int __real_fstat(int fd, struct stat *st);
int __wrap_fstat(int fd, struct stat *st)
{
	struct call c = {.len = 0};
	int r;

	if (!fake_armed())
		return __real_fstat(fd, st);
	call_add(&c, "fstat(%d)", fd);
	r = (int)call_finish(&c);
	if (r == 0)
		fill_stat(&c, st);
	return r;
}

int __real_fstatat(int dfd, const char *path, struct stat *st, int flags);
int __wrap_fstatat(int dfd, const char *path, struct stat *st, int flags)
{
	struct call c = {.len = 0};
	int r;

	if (!fake_armed())
		return __real_fstatat(dfd, path, st, flags);
	call_add(&c, "fstatat(");
	call_dfd(&c, dfd);
	call_add(&c, ",%s,", path);
	CALL_FLAGS(&c, (unsigned)flags, at_flags);
	call_add(&c, ")");
	r = (int)call_finish(&c);
	if (r == 0)
		fill_stat(&c, st);
	return r;
}

int __real_symlinkat(const char *target, int dfd, const char *path);
int __wrap_symlinkat(const char *target, int dfd, const char *path)
{
	struct call c = {.len = 0};

	if (!fake_armed())
		return __real_symlinkat(target, dfd, path);
	call_add(&c, "symlinkat(%s,", target);
	call_dfd(&c, dfd);
	call_add(&c, ",%s)", path);
	return (int)call_finish(&c);
}

ssize_t __real_readlinkat(int dfd, const char *path, char *buf, size_t size);
ssize_t __wrap_readlinkat(int dfd, const char *path, char *buf, size_t size)
{
	struct call c = {.len = 0};
	const struct rule *rule;
	size_t len = 0;
	ssize_t r;

	if (!fake_armed())
		return __real_readlinkat(dfd, path, buf, size);
	call_add(&c, "readlinkat(");
	call_dfd(&c, dfd);
	call_add(&c, ",%s)", path);
	rule = call_find_rule(&c);
	if (rule && rule->text)
		len = strlen(rule->text) < size ? strlen(rule->text) : size;
	r = call_finish_as(&c, (long)len, false, false);
	if (r > 0 && rule && rule->text)
		memcpy(buf, rule->text, (size_t)r < len ? (size_t)r : len);
	return r;
}

/* write() succeeds in full unless a rule says otherwise; the data is logged as a C string
 * (a newline as \n, other bytes outside ASCII's printable ones as \xNN), cut at 32 bytes. */
ssize_t __real_write(int fd, const void *buf, size_t len);
ssize_t __wrap_write(int fd, const void *buf, size_t len)
{
	struct call c = {.len = 0};
	const unsigned char *p = buf;

	if (!fake_armed())
		return __real_write(fd, buf, len);
	call_add(&c, "write(%d,\"", fd);
	for (size_t i = 0; i < len && i < 32; i++) {
		if (p[i] == '\n')
			call_add(&c, "\\n");
		else if (p[i] < 0x20 || p[i] >= 0x7f || p[i] == '"' || p[i] == '\\')
			call_add(&c, "\\x%02x", p[i]);
		else
			call_add(&c, "%c", p[i]);
	}
	call_add(&c, "\",%zu)", len);
	return call_finish_as(&c, (long)len, false, false);
}

static void add_caps(struct call *c, const struct __user_cap_data_struct *d)
{
	call_add(c, "eff=%#llx,perm=%#llx,inh=%#llx",
		 (unsigned long long)d[0].effective | (unsigned long long)d[1].effective << 32,
		 (unsigned long long)d[0].permitted | (unsigned long long)d[1].permitted << 32,
		 (unsigned long long)d[0].inheritable | (unsigned long long)d[1].inheritable << 32);
}

/* The system calls the runners make through syscall(2): openat2, pivot_root, capget, capset. */
long __real_syscall(long nr, ...);
long __wrap_syscall(long nr, ...)
{
	struct call c = {.len = 0};
	long a[6];
	va_list ap;

	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (!fake_armed())
		return __real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	switch (nr) {
	case SYS_openat2: {
		const struct open_how *how = (const struct open_how *)a[2];

		call_add(&c, "openat2(");
		call_dfd(&c, (int)a[0]);
		call_add(&c, ",%s,", (const char *)a[1]);
		call_open_flags(&c, (unsigned long)how->flags);
		call_add(&c, ",");
		CALL_FLAGS(&c, (unsigned long)how->resolve, resolve_flags);
		call_add(&c, ")");
		return call_finish_fd(&c);
	}
	case SYS_pivot_root:
		call_add(&c, "pivot_root(%s,%s)", (const char *)a[0], (const char *)a[1]);
		return call_finish(&c);
	case SYS_capget: {
		struct __user_cap_data_struct *d = (struct __user_cap_data_struct *)a[1];
		long r;

		call_add(&c, "capget()");
		r = call_finish(&c);
		if (r == 0) {
			memset(d, 0, 2 * sizeof(*d));
			d[0].permitted = (uint32_t)fake_permitted();
			d[1].permitted = (uint32_t)(fake_permitted() >> 32);
		}
		return r;
	}
	case SYS_capset:
		call_add(&c, "capset(");
		add_caps(&c, (const struct __user_cap_data_struct *)a[1]);
		call_add(&c, ")");
		return call_finish(&c);
	default:
		call_add(&c, "syscall(%ld)", nr);
		return call_finish(&c);
	}
}

int __real_fsopen(const char *type, unsigned flags);
int __wrap_fsopen(const char *type, unsigned flags)
{
	struct call c = {.len = 0};

	if (!fake_armed())
		return __real_fsopen(type, flags);
	call_add(&c, "fsopen(%s,%s)", type, flags == FSOPEN_CLOEXEC ? "FSOPEN_CLOEXEC" : "0");
	return (int)call_finish_fd(&c);
}

int __real_fsconfig(int fd, unsigned cmd, const char *key, const void *value, int aux);
int __wrap_fsconfig(int fd, unsigned cmd, const char *key, const void *value, int aux)
{
	static const char *const cmds[] = {
	    [FSCONFIG_SET_FLAG] = "FSCONFIG_SET_FLAG",
	    [FSCONFIG_SET_STRING] = "FSCONFIG_SET_STRING",
	    [FSCONFIG_SET_BINARY] = "FSCONFIG_SET_BINARY",
	    [FSCONFIG_SET_PATH] = "FSCONFIG_SET_PATH",
	    [FSCONFIG_SET_PATH_EMPTY] = "FSCONFIG_SET_PATH_EMPTY",
	    [FSCONFIG_SET_FD] = "FSCONFIG_SET_FD",
	    [FSCONFIG_CMD_CREATE] = "FSCONFIG_CMD_CREATE",
	    [FSCONFIG_CMD_RECONFIGURE] = "FSCONFIG_CMD_RECONFIGURE",
	};
	struct call c = {.len = 0};

	if (!fake_armed())
		return __real_fsconfig(fd, cmd, key, value, aux);
	call_add(&c, "fsconfig(%d,%s,", fd, cmd < sizeof(cmds) / sizeof(cmds[0]) ? cmds[cmd] : "?");
	call_str(&c, key);
	call_add(&c, ",");
	call_str(&c, cmd == FSCONFIG_SET_STRING ? value : NULL);
	call_add(&c, ",%d)", aux);
	return (int)call_finish(&c);
}

int __real_fsmount(int fd, unsigned flags, unsigned attr);
int __wrap_fsmount(int fd, unsigned flags, unsigned attr)
{
	struct call c = {.len = 0};

	if (!fake_armed())
		return __real_fsmount(fd, flags, attr);
	call_add(&c, "fsmount(%d,%s,", fd, flags == FSMOUNT_CLOEXEC ? "FSMOUNT_CLOEXEC" : "0");
	CALL_FLAGS(&c, attr, attr_flags);
	call_add(&c, ")");
	return (int)call_finish_fd(&c);
}

int __real_move_mount(int from_dfd, const char *from, int to_dfd, const char *to, unsigned flags);
int __wrap_move_mount(int from_dfd, const char *from, int to_dfd, const char *to, unsigned flags)
{
	struct call c = {.len = 0};

	if (!fake_armed())
		return __real_move_mount(from_dfd, from, to_dfd, to, flags);
	call_add(&c, "move_mount(");
	call_dfd(&c, from_dfd);
	call_add(&c, ",");
	call_str(&c, from);
	call_add(&c, ",");
	call_dfd(&c, to_dfd);
	call_add(&c, ",");
	call_str(&c, to);
	call_add(&c, ",");
	CALL_FLAGS(&c, flags, move_flags);
	call_add(&c, ")");
	return (int)call_finish(&c);
}

int __real_open_tree(int dfd, const char *path, unsigned flags);
int __wrap_open_tree(int dfd, const char *path, unsigned flags)
{
	struct call c = {.len = 0};

	if (!fake_armed())
		return __real_open_tree(dfd, path, flags);
	call_add(&c, "open_tree(");
	call_dfd(&c, dfd);
	call_add(&c, ",");
	call_str(&c, path);
	call_add(&c, ",");
	CALL_FLAGS(&c, flags, at_flags);
	call_add(&c, ")");
	return (int)call_finish_fd(&c);
}

int __real_mount_setattr(int dfd, const char *path, unsigned flags, struct mount_attr *ma,
			 size_t size);
int __wrap_mount_setattr(int dfd, const char *path, unsigned flags, struct mount_attr *ma,
			 size_t size)
{
	struct call c = {.len = 0};

	if (!fake_armed())
		return __real_mount_setattr(dfd, path, flags, ma, size);
	call_add(&c, "mount_setattr(");
	call_dfd(&c, dfd);
	call_add(&c, ",");
	call_str(&c, path);
	call_add(&c, ",");
	CALL_FLAGS(&c, flags, at_flags);
	call_add(&c, ",set=");
	CALL_FLAGS(&c, (unsigned long)ma->attr_set, attr_flags);
	call_add(&c, ",clr=");
	CALL_FLAGS(&c, (unsigned long)ma->attr_clr, attr_flags);
	call_add(&c, ")");
	return (int)call_finish(&c);
}
