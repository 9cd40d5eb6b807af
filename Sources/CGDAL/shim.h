#ifndef TERRITORYKIT_CGDAL_SHIM_H
#define TERRITORYKIT_CGDAL_SHIM_H
// Makes OGR handles distinct C types, so a layer cannot be passed as a feature.
#define DEBUG 1
#include <gdal.h>
#include <gdal_alg.h>
#include <gdal_utils.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_conv.h>
#include <cpl_string.h>
#include <cpl_error.h>
#include <cpl_vsi.h>
#include <cpl_compressor.h>
#endif
