/* child-safe.h — everything after this include runs between clone() and execve().
 * Always include it last: it turns unsafe calls into compile errors. */
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma GCC poison malloc calloc realloc reallocarray free strdup strndup asprintf vasprintf
#pragma GCC poison printf fprintf dprintf sprintf snprintf vsnprintf perror strerror syslog
#pragma GCC poison exit atexit getpwnam getgrnam setenv putenv
#pragma GCC poison sbx_err_set sbx_err_errno
