/* plan.c — STUB */
#include "plan.h"
#include <stdlib.h>
struct plan *plan_new(void) { return calloc(1, sizeof(struct plan)); }
