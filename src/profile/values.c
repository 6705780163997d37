/* values.c — value parsers and name tables of the profile loader. A leaf: it reports
 * nothing itself (its callers turn -errno into a message at the setting). */
#include "profile/profile.h"
#include "profile/schema.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/cleanup.h"

static const char *const ns_names[_NS_MAX] = {
    [NS_USER] = "user", [NS_MOUNT] = "mount", [NS_PID] = "pid",	      [NS_UTS] = "uts",
    [NS_IPC] = "ipc",	[NS_NET] = "net",     [NS_CGROUP] = "cgroup", [NS_TIME] = "time",
};

static const char *const mount_type_names[_MOUNT_TYPE_MAX] = {
    [MOUNT_BIND] = "bind",	 [MOUNT_TMPFS] = "tmpfs",   [MOUNT_OVERLAY] = "overlay",
    [MOUNT_PROC] = "proc",	 [MOUNT_DEV] = "dev",	    [MOUNT_SYSFS] = "sysfs",
    [MOUNT_MQUEUE] = "mqueue",	 [MOUNT_FILE] = "file",	    [MOUNT_DIR] = "dir",
    [MOUNT_SYMLINK] = "symlink", [MOUNT_CGROUP] = "cgroup",
};

static const char *const rlimit_names[_RLIM_MAX] = {
    [RLIM_AS] = "as",
    [RLIM_CORE] = "core",
    [RLIM_CPU] = "cpu",
    [RLIM_DATA] = "data",
    [RLIM_FSIZE] = "fsize",
    [RLIM_MEMLOCK] = "memlock",
    [RLIM_MSGQUEUE] = "msgqueue",
    [RLIM_NICE] = "nice",
    [RLIM_NOFILE] = "nofile",
    [RLIM_NPROC] = "nproc",
    [RLIM_RTPRIO] = "rtprio",
    [RLIM_STACK] = "stack",
};

static const char *const net_mode_names[] = {
    [NET_NONE] = "none",
    [NET_HOST] = "host",
    [NET_BRIDGE] = "bridge",
    [NET_USER] = "user",
};

/* Every capability <linux/capability.h> knows, up to CAP_CHECKPOINT_RESTORE. */
static const char *const cap_names[] = {
    [CAP_CHOWN] = "chown",
    [CAP_DAC_OVERRIDE] = "dac_override",
    [CAP_DAC_READ_SEARCH] = "dac_read_search",
    [CAP_FOWNER] = "fowner",
    [CAP_FSETID] = "fsetid",
    [CAP_KILL] = "kill",
    [CAP_SETGID] = "setgid",
    [CAP_SETUID] = "setuid",
    [CAP_SETPCAP] = "setpcap",
    [CAP_LINUX_IMMUTABLE] = "linux_immutable",
    [CAP_NET_BIND_SERVICE] = "net_bind_service",
    [CAP_NET_BROADCAST] = "net_broadcast",
    [CAP_NET_ADMIN] = "net_admin",
    [CAP_NET_RAW] = "net_raw",
    [CAP_IPC_LOCK] = "ipc_lock",
    [CAP_IPC_OWNER] = "ipc_owner",
    [CAP_SYS_MODULE] = "sys_module",
    [CAP_SYS_RAWIO] = "sys_rawio",
    [CAP_SYS_CHROOT] = "sys_chroot",
    [CAP_SYS_PTRACE] = "sys_ptrace",
    [CAP_SYS_PACCT] = "sys_pacct",
    [CAP_SYS_ADMIN] = "sys_admin",
    [CAP_SYS_BOOT] = "sys_boot",
    [CAP_SYS_NICE] = "sys_nice",
    [CAP_SYS_RESOURCE] = "sys_resource",
    [CAP_SYS_TIME] = "sys_time",
    [CAP_SYS_TTY_CONFIG] = "sys_tty_config",
    [CAP_MKNOD] = "mknod",
    [CAP_LEASE] = "lease",
    [CAP_AUDIT_WRITE] = "audit_write",
    [CAP_AUDIT_CONTROL] = "audit_control",
    [CAP_SETFCAP] = "setfcap",
    [CAP_MAC_OVERRIDE] = "mac_override",
    [CAP_MAC_ADMIN] = "mac_admin",
    [CAP_SYSLOG] = "syslog",
    [CAP_WAKE_ALARM] = "wake_alarm",
    [CAP_BLOCK_SUSPEND] = "block_suspend",
    [CAP_AUDIT_READ] = "audit_read",
    [CAP_PERFMON] = "perfmon",
    [CAP_BPF] = "bpf",
    [CAP_CHECKPOINT_RESTORE] = "checkpoint_restore",
};
_Static_assert(ARRAY_SIZE(cap_names) == CAP_CHECKPOINT_RESTORE + 1, "capability table");

const char *profile_ns_name(enum sbx_ns ns)
{
	return (unsigned)ns < _NS_MAX ? ns_names[ns] : NULL;
}

const char *profile_mount_type_name(enum mount_type t)
{
	return (unsigned)t < _MOUNT_TYPE_MAX ? mount_type_names[t] : NULL;
}

const char *profile_rlimit_name(enum rlimit_res r)
{
	return (unsigned)r < _RLIM_MAX ? rlimit_names[r] : NULL;
}

const char *profile_net_mode_name(enum net_mode m)
{
	return (unsigned)m < ARRAY_SIZE(net_mode_names) ? net_mode_names[m] : NULL;
}

int profile_cap_from_name(const char *name)
{
	if (!name)
		return -EINVAL;
	if (strncasecmp(name, "cap_", 4) == 0)
		name += 4;
	for (size_t i = 0; i < ARRAY_SIZE(cap_names); i++)
		if (strcasecmp(name, cap_names[i]) == 0)
			return (int)i;
	return -EINVAL;
}

const char *profile_cap_name(unsigned cap)
{
	return cap < ARRAY_SIZE(cap_names) ? cap_names[cap] : NULL;
}

int profile_parse_digits(const char **s, uint64_t *ret)
{
	const char *p = *s;
	uint64_t v = 0;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*s = p;
	*ret = v;
	return 0;
}

/* Values stay within INT64_MAX so they never collide with RLIM_INFINITY nor overflow time_t. */
int profile_parse_size(const char *s, uint64_t *ret)
{
	const char *units = "kmgt", *u;
	unsigned shift = 0;
	uint64_t v;
	int r;

	if (!s)
		return -EINVAL;
	r = profile_parse_digits(&s, &v);
	if (r < 0)
		return r;
	if (*s) {
		u = strchr(units, tolower((unsigned char)*s));
		if (!u)
			return -EINVAL;
		shift = 10 * (unsigned)(u - units + 1);
		s++;
		if (*s && strcasecmp(s, "b") != 0 && strcasecmp(s, "ib") != 0)
			return -EINVAL;
	}
	if (v > ((uint64_t)INT64_MAX >> shift))
		return -ERANGE;
	*ret = v << shift;
	return 0;
}

int profile_parse_duration(const char *s, uint64_t *ret)
{
	uint64_t v, mult = 1;
	int r;

	if (!s)
		return -EINVAL;
	r = profile_parse_digits(&s, &v);
	if (r < 0)
		return r;
	if (*s) {
		switch (tolower((unsigned char)*s)) {
		case 's':
			break;
		case 'm':
			mult = 60;
			break;
		case 'h':
			mult = 3600;
			break;
		default:
			return -EINVAL;
		}
		if (s[1])
			return -EINVAL;
	}
	if (v > (uint64_t)INT64_MAX / mult)
		return -ERANGE;
	*ret = v * mult;
	return 0;
}

/* Octal digits only ("0755", "1777"), at most @max. */
int profile_parse_octal(const char *s, int max, int *ret)
{
	long v = 0;

	if (!s || !*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '7')
			return -EINVAL;
		v = v * 8 + (*s - '0');
		if (v > max)
			return -ERANGE;
	}
	*ret = (int)v;
	return 0;
}

/* A path inside or outside the sandbox: absolute, no "..", no control characters. Duplicate
 * slashes, "." and a trailing slash are dropped, so later stages compare paths as strings. */
int profile_normalize_path(const char *in, char **ret, const char **ret_why)
{
	_cleanup_free_ char *out = NULL;
	size_t n = 0;

	if (!in || !*in)
		return *ret_why = "is empty", -EINVAL;
	if (in[0] != '/')
		return *ret_why = "is not an absolute path", -EINVAL;
	if (strlen(in) >= PATH_MAX)
		return *ret_why = "is too long", -ENAMETOOLONG;
	for (const char *c = in; *c; c++)
		if (iscntrl((unsigned char)*c))
			return *ret_why = "contains a control character", -EINVAL;
	out = malloc(strlen(in) + 2);
	if (!out)
		return -ENOMEM;
	for (const char *c = in; *c;) {
		size_t len;

		while (*c == '/')
			c++;
		len = strcspn(c, "/");
		if (len == 2 && c[0] == '.' && c[1] == '.')
			return *ret_why = "contains a '..' component", -EINVAL;
		if (len > 0 && !(len == 1 && c[0] == '.')) {
			out[n++] = '/';
			memcpy(out + n, c, len);
			n += len;
		}
		c += len;
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	*ret = TAKE_PTR(out);
	return 0;
}

/* RFC 1123-ish: 1..64 characters, letters, digits, '-' and '.', non-empty labels that do not
 * start with '-'. */
bool profile_valid_hostname(const char *s)
{
	size_t len = strlen(s);
	bool label_start = true;

	if (len == 0 || len > 64)
		return false;
	for (const char *c = s; *c; c++) {
		if (*c == '.') {
			if (label_start)
				return false;
			label_start = true;
			continue;
		}
		if (!isalnum((unsigned char)*c) && *c != '-')
			return false;
		if (label_start && *c == '-')
			return false;
		label_start = false;
	}
	return !label_start;
}

bool profile_valid_env_name(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}
