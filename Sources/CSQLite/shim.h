#ifndef TERRITORYKIT_CSQLITE_SHIM_H
#define TERRITORYKIT_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
