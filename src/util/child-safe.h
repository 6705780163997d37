/* child-safe.h — everything after this include runs between clone() and execve().
 * Always include it last: it turns unsafe calls into compile errors.
 *
 * A poisoned name may not appear after this point at all, declarations in system headers
 * included later too; so the headers that declare these names are included here first, and
 * their include guards make a later #include of them a no-op. (<assert.h> has no guard:
 * including it after this header is refused, as it should be.) */
#pragma once

#include <assert.h>
#include <dirent.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"

/* Allocation, stdio, the name service, exit paths that run atexit handlers or flush stdio. */
#pragma GCC poison malloc calloc realloc reallocarray free strdup strndup asprintf vasprintf
#pragma GCC poison posix_memalign realpath
#pragma GCC poison printf fprintf dprintf sprintf snprintf vsnprintf perror strerror syslog
#pragma GCC poison fopen fputs puts opendir
#pragma GCC poison exit atexit getpwnam getgrnam getpwuid getgrgid setenv putenv
/* mnl_socket_open() allocates (use socket(2)); seccomp_load() too (use prctl()). */
#pragma GCC poison mnl_socket_open seccomp_load
/* assert() formats with stdio and abort()s; poisoning a defined macro warns, so drop it. */
#undef assert
#pragma GCC poison assert
/* The child reports errno only; the parent formats messages. */
#pragma GCC poison sbx_err_set sbx_err_errno sbx_err_warn
/* util/cleanup.h's freep was defined before the poison, so it could still free() here: the
 * helper and its attribute go too (a macro defined earlier would expand without an error). */
#undef _cleanup_free_
#pragma GCC poison freep _cleanup_free_
