#ifndef TERRITORYKIT_CPROJ_SHIM_H
#define TERRITORYKIT_CPROJ_SHIM_H
#include <proj.h>
#endif
