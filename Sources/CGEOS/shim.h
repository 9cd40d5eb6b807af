#ifndef TERRITORYKIT_CGEOS_SHIM_H
#define TERRITORYKIT_CGEOS_SHIM_H
// Only the thread-safe, context-taking _r API is visible.
#define GEOS_USE_ONLY_R_API 1
#include <geos_c.h>
#endif
