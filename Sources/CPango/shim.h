#ifndef TERRITORYKIT_CPANGO_SHIM_H
#define TERRITORYKIT_CPANGO_SHIM_H
#include <pango/pangocairo.h>
#endif
