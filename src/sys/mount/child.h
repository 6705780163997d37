/* mount_child.h — child-side helpers shared by mount.c, mount_fs.c and mount_special.c.
 *
 * Private to the mount subsystem (the interface is mount.h). Everything declared here runs
 * between clone() and execve(): no allocation, every result is an fd (>= 0) or -errno, and
 * every fd returned is O_CLOEXEC and owned by the caller.
 *
 * Layout while the mounts are built (after STEP_MOUNT_STAGE): the process root is a private
 * tmpfs stage holding MOUNT_OLDROOT (the host tree) and MOUNT_NEWROOT (the sandbox's root,
 * also open as ctx->root_fd). Host paths are resolved inside MOUNT_OLDROOT and sandbox paths
 * inside ctx->root_fd, both with RESOLVE_IN_ROOT, so a symlink never leads out of either. */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MOUNT_OLDROOT_NAME "oldroot"
#define MOUNT_NEWROOT_NAME "newroot"
#define MOUNT_OLDROOT "/" MOUNT_OLDROOT_NAME
#define MOUNT_NEWROOT "/" MOUNT_NEWROOT_NAME

/* One fsconfig() parameter; a NULL value sets a flag. */
struct mount_fs_opt {
	const char *key, *value;
};

/* openat2(@dfd, @path, @flags) with RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS. */
int mount_open_in_root(int dfd, const char *path, uint64_t flags);
/* A host path (as the host sees it, symlinks included), opened inside MOUNT_OLDROOT. */
int mount_open_host(const char *path, uint64_t flags);
/* A host path as mount_open_host() opens it, but no symlink is followed past its prefix @base
 * ("" = anywhere: the open fails with ELOOP); NULL @base = mount_open_host(). */
int mount_open_host_below(const char *path, const char *base, uint64_t flags);
/* The O_PATH directory holding @path's last component inside @root_fd, creating missing
 * directories (0755) on the way; the last component is copied to @name. */
int mount_open_parent(int root_fd, const char *path, char name[static NAME_MAX + 1]);
/* An O_PATH fd on @path inside @root_fd to mount on, created when missing: a directory when
 * @dir, else an empty regular file (O_CREAT | O_EXCL | O_NOFOLLOW in its in-root parent). */
int mount_open_dst(int root_fd, const char *path, bool dir);
/* mkdirat() then fchmod(), so @mode does not depend on the umask. 0 or -errno. */
int mount_mkdir(int dfd, const char *name, unsigned mode);

/* fsopen(@type) with @opts applied: the fs context fd. */
int mount_fs_open(const char *type, const struct mount_fs_opt *opts, size_t n);
/* Create the superblock of context @fs and return a detached mount with @attr. */
int mount_fs_mount(int fs, unsigned attr);
/* Both of the above. */
int mount_new_fs(const char *type, const struct mount_fs_opt *opts, size_t n, unsigned attr);
/* A detached tmpfs with @m's mode (and size when not 0) and @attr. */
struct step_mount;
int mount_tmpfs(const struct step_mount *m, unsigned attr);
/* A detached overlay of @m's layers (an ephemeral tmpfs upper when @m has none) with @attr. */
int mount_overlay(const struct step_mount *m, unsigned attr);
/* A detached clone of the tree at @dfd/@path (never following a final symlink; "" = @dfd
 * itself) with @attr added, recursively when @recursive. */
int mount_clone(int dfd, const char *path, bool recursive, unsigned attr);
/* mount_setattr(): add @attr to the mount(s) at @fd. 0 or -errno. */
int mount_set_attr(int fd, unsigned attr, bool recursive);
/* Attach the detached mount @mnt_fd on top of @dst_fd. 0 or -errno. */
int mount_attach(int mnt_fd, int dst_fd);
/* Attach the detached mount @mnt_fd on the directory @path inside @root_fd, created when
 * missing (mount_open_dst()). 0 or -errno. */
int mount_attach_at(int mnt_fd, int root_fd, const char *path);
